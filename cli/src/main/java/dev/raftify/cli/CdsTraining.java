package dev.raftify.cli;

import com.google.protobuf.ByteString;
import dev.raftify.cli.output.Terminal;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.service.ConfChangeContext;
import dev.raftify.proto.service.Peer;
import dev.raftify.storage.WriteBatch;
import dev.raftify.storage.lmdb.LmdbStorage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Not a command: the training run from which the launcher makes the class-data-sharing archive (under
 * {@code -XX:ArchiveClassesAtExit}), once after each build. It runs what operators run most, the offline commands
 * on a small store it writes in a temporary directory, and the help of every command (which loads every command
 * class), with output discarded, so that the archive holds the same classes whichever command happens to run first.
 * It opens no network connection.
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        RaftifyCli.configureRuntime(false);
        Path dir = Files.createTempDirectory("raftify-cli-cds-");
        try {
            String store = writeStore(dir.resolve("node-1")).toString();
            PrintWriter sink = new PrintWriter(Writer.nullWriter());
            List<String[]> runs = List.of(
                    new String[] {"describe", "metadata", store},
                    new String[] {"describe", "metadata", store, "-o", "json"},
                    new String[] {"describe", "logs", store},
                    new String[] {"describe", "logs", store, "--tail", "1", "-o", "json"},
                    new String[] {"describe", "snapshot", store},
                    new String[] {"check", store},
                    new String[] {"describe", "metadata", dir.resolve("missing").toString()},
                    new String[] {"--help"},
                    new String[] {"cluster", "status", "--help"});
            for (String[] run : runs) {
                CommandLine cl = RaftifyCli.commandLine(Terminal.detect(), run);
                cl.setOut(sink);
                cl.setErr(sink);
                cl.execute(run);
            }
        } finally {
            delete(dir);
        }
    }

    /** A one-node store as the engine bootstraps one: the member's conf change, a command, committed. */
    private static Path writeStore(Path dir) {
        String address = "127.0.0.1:60061";
        ConfChangeV2 add = ConfChangeV2.newBuilder()
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.AddNode).setNodeId(1))
                .setContext(ConfChangeContext.newBuilder()
                        .addAddresses(Peer.newBuilder().setNodeId(1).setAddress(address)).build().toByteString())
                .build();
        List<Entry> entries = List.of(
                Entry.newBuilder().setIndex(1).setTerm(1).setEntryType(EntryType.EntryConfChangeV2)
                        .setData(add.toByteString()).build(),
                Entry.newBuilder().setIndex(2).setTerm(2).setEntryType(EntryType.EntryNormal)
                        .setData(ByteString.copyFromUtf8("set x=1")).build());
        try (LmdbStorage s = LmdbStorage.open(dir)) {
            s.write(new WriteBatch(null, entries, HardState.newBuilder().setTerm(2).setVote(1).setCommit(2).build(),
                    ConfState.newBuilder().addVoters(1).build(), Map.of(1L, address)));
        }
        return dir;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
