package dev.raftify.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.SnapshotData;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The content of snapshot data: the engine's header layout, the SnapshotData of format version 1, raw bytes. */
class SnapshotFormatTest {

    private static final Map<Long, String> PEERS = Map.of(1L, "10.0.0.1:60061", 2L, "10.0.0.2:60061");

    private static byte[] headerLayout(Map<Long, String> peers, String stateMachine) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotFormat.writeHeader(out, peers);
        out.write(stateMachine.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static SnapshotData legacy(Map<Long, String> peers, String stateMachine) {
        SnapshotData.Builder b = SnapshotData.newBuilder().setStateMachine(ByteString.copyFromUtf8(stateMachine));
        peers.forEach((id, addr) -> b.addPeers(Peer.newBuilder().setNodeId(id).setAddress(addr)));
        return b.build();
    }

    private static String rest(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void theHeaderLayoutRoundTripsAndLeavesTheStreamAtTheStateMachine() throws IOException {
        byte[] data = headerLayout(PEERS, "state machine bytes");
        assertThat(data).startsWith(SnapshotFormat.MAGIC);
        InputStream in = new java.io.ByteArrayInputStream(data);
        SnapshotFormat.Header h = SnapshotFormat.readHeader(in, data.length, false);
        assertThat(h.kind()).isEqualTo(SnapshotFormat.Kind.HEADER);
        assertThat(h.peers()).isEqualTo(PEERS);
        assertThat(h.stateMachineSize()).isEqualTo("state machine bytes".length());
        assertThat(h.headerSize() + h.stateMachineSize()).isEqualTo(data.length);
        assertThat(rest(in)).isEqualTo("state machine bytes");
    }

    /** A Raftify of format version 1 parses snapshot data as a SnapshotData: it must refuse ours, not misread it. */
    @Test
    void anOlderRaftifyRefusesTheHeaderLayoutInsteadOfMisreadingIt() throws IOException {
        byte[] data = headerLayout(PEERS, "state machine bytes");
        assertThatThrownBy(() -> SnapshotData.parseFrom(data))
                .isInstanceOf(com.google.protobuf.InvalidProtocolBufferException.class);
    }

    @Test
    void aFormatVersion1SnapshotDataIsReadAsAStream() throws IOException {
        byte[] data = legacy(PEERS, "old state").toByteArray();
        InputStream in = new java.io.ByteArrayInputStream(data);
        SnapshotFormat.Header h = SnapshotFormat.readHeader(in, data.length, false);
        assertThat(h.kind()).isEqualTo(SnapshotFormat.Kind.LEGACY);
        assertThat(h.peers()).isEqualTo(PEERS);
        assertThat(h.stateMachineSize()).isEqualTo(9);
        assertThat(rest(in)).isEqualTo("old state");
    }

    @Test
    void legacyEdgeCasesNoPeersAnEmptyStateMachineNothingAtAll() throws IOException {
        byte[] noPeers = legacy(Map.of(), "s").toByteArray();
        SnapshotFormat.Header h = SnapshotFormat.readHeader(new java.io.ByteArrayInputStream(noPeers), noPeers.length,
                false);
        assertThat(h.peers()).isEmpty();
        assertThat(h.stateMachineSize()).isEqualTo(1);

        // proto3 leaves an empty bytes field out: the data ends after the peers.
        byte[] emptyState = legacy(PEERS, "").toByteArray();
        h = SnapshotFormat.readHeader(new java.io.ByteArrayInputStream(emptyState), emptyState.length, false);
        assertThat(h.kind()).isEqualTo(SnapshotFormat.Kind.LEGACY);
        assertThat(h.peers()).isEqualTo(PEERS);
        assertThat(h.stateMachineSize()).isZero();

        h = SnapshotFormat.readHeader(new java.io.ByteArrayInputStream(new byte[0]), 0, false);
        assertThat(h.stateMachineSize()).isZero();
    }

    @Test
    void bytesInNeitherLayoutAreRefusedUnlessRawIsAllowed() throws IOException {
        byte[] raw = "{\"x\": 1}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SnapshotFormat.readHeader(new java.io.ByteArrayInputStream(raw), raw.length, false))
                .isInstanceOf(IOException.class);
        InputStream in = new BufferedInputStream(new java.io.ByteArrayInputStream(raw));
        SnapshotFormat.Header h = SnapshotFormat.readHeader(in, raw.length, true);
        assertThat(h.kind()).isEqualTo(SnapshotFormat.Kind.RAW);
        assertThat(h.stateMachineSize()).isEqualTo(raw.length);
        assertThat(rest(in)).as("the stream is back at the first byte").isEqualTo("{\"x\": 1}");
    }

    @Test
    void aSnapshotDataWithTrailingBytesOrAnUnknownFieldIsNotTakenForOne() throws IOException {
        byte[] data = legacy(PEERS, "abc").toByteArray();
        assertThatThrownBy(() -> SnapshotFormat.readHeader(new java.io.ByteArrayInputStream(data), data.length + 5,
                false)).isInstanceOf(IOException.class);
        byte[] unknown = legacy(PEERS, "abc").toBuilder().setUnknownFields(
                com.google.protobuf.UnknownFieldSet.newBuilder().addField(9,
                        com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build())
                .build().toByteArray();
        assertThatThrownBy(() -> SnapshotFormat.readHeader(new java.io.ByteArrayInputStream(unknown), unknown.length,
                false)).isInstanceOf(IOException.class);
    }

    @Test
    void aTruncatedHeaderIsRefused() throws IOException {
        byte[] data = headerLayout(PEERS, "");
        byte[] cut = java.util.Arrays.copyOf(data, data.length - 3);
        assertThatThrownBy(() -> SnapshotFormat.readHeader(new java.io.ByteArrayInputStream(cut), cut.length, false))
                .isInstanceOf(IOException.class);
    }
}
