package dev.raftify.storage.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * A data file may legitimately end before LMDB's last page: pages allocated and freed within one transaction are
 * never written. Found by a reader opening a store beside a live writer; a node restarting from such a file must not
 * be told its store is truncated.
 */
class DataFileExtentTest {

    private static final int PAGE_SIZE = 4096;

    @TempDir
    Path tmp;

    /**
     * Builds an environment whose last transaction allocated overflow pages at the end of the file and freed them
     * again before committing. LMDB only returns such pages to its free list without writing them when it has
     * already loaded free pages in that transaction, hence the overwrite first.
     */
    private long[] storeEndingInUnwrittenPages(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Env<ByteBuffer> env = Env.create().setMapSize(64L << 20).setMaxDbs(2).open(dir.toFile())) {
            Dbi<ByteBuffer> db = env.openDbi("t", DbiFlags.MDB_CREATE);
            ByteBuffer value = ByteBuffer.allocateDirect(200);
            ByteBuffer key = ByteBuffer.allocateDirect(8);
            for (int round = 0; round < 2; round++) {
                // The second round rewrites every page of the first, which frees them.
                try (Txn<ByteBuffer> txn = env.txnWrite()) {
                    for (long i = 0; i < 1000; i++) {
                        db.put(txn, key.clear().putLong(i).flip(), value.clear());
                    }
                    txn.commit();
                }
            }
            ByteBuffer big = ByteBuffer.allocateDirect(40 * PAGE_SIZE);
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                db.put(txn, key.clear().putLong(0).flip(), value.clear());
                db.put(txn, key.clear().putLong(5000).flip(), big.clear());
                db.delete(txn, key.clear().putLong(5000).flip());
                txn.commit();
            }
            return new long[] {env.info().lastPageNumber, env.stat().pageSize};
        }
    }

    @Test
    void pagesFreedBeforeTheyWereEverWrittenMayLieBeyondTheEndOfTheFile() throws IOException {
        Path dir = tmp.resolve("env");
        long lastPage = storeEndingInUnwrittenPages(dir)[0];
        long filePages = Files.size(dir.resolve("data.mdb")) / PAGE_SIZE;
        assertThat(filePages).as("precondition: LMDB left the freed tail unwritten").isLessThanOrEqualTo(lastPage);

        assertThat(DataFileExtent.requireWhole(dir, PAGE_SIZE)).isEqualTo(new DataFileExtent.Extent(filePages, lastPage));
    }

    @Test
    void aFileCutBelowAPageInUseIsTruncated() throws IOException {
        Path dir = tmp.resolve("env");
        long[] lastAndPageSize = storeEndingInUnwrittenPages(dir);
        int pageSize = (int) lastAndPageSize[1];
        try (FileChannel ch = FileChannel.open(dir.resolve("data.mdb"), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - pageSize);
        }
        assertThatThrownBy(() -> DataFileExtent.requireWhole(dir, pageSize))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessageContaining("data.mdb is truncated: it has " + (Files.size(dir.resolve("data.mdb"))) + " bytes");
    }

    @Test
    void aFileCutToItsMetaPagesIsTruncated() throws IOException {
        Path dir = tmp.resolve("env");
        long[] lastAndPageSize = storeEndingInUnwrittenPages(dir);
        int pageSize = (int) lastAndPageSize[1];
        try (FileChannel ch = FileChannel.open(dir.resolve("data.mdb"), StandardOpenOption.WRITE)) {
            ch.truncate(2L * pageSize);
        }
        assertThatThrownBy(() -> DataFileExtent.requireWhole(dir, pageSize))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessageContaining("data.mdb is truncated: it has " + 2 * pageSize + " bytes");
    }
}
