package dev.raftify.storage.lmdb;

import static dev.raftify.storage.lmdb.LmdbFormat.DATA_FILE;

import dev.raftify.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Decides whether {@code data.mdb} holds every page its last committed transaction can reach, reading the file
 * with plain reads so that a short file can never crash the JVM (LMDB itself reads through a memory map, and a
 * page past the end of the file is a SIGBUS).
 *
 * <p>A file shorter than LMDB's "last page" is not corrupt by itself: pages that a transaction allocated and freed
 * again before committing ("loose" pages) count toward the last page but are never written, so the file can end
 * before them. Such pages are on LMDB's free list. So the rule is: every page from the end of the file to the last
 * page must be on the free list of the newest transaction. Walking the free list is cheap (it is a small B-tree),
 * and it is only walked when the file is short.
 *
 * <p>The caller holds an LMDB read transaction while this runs: that keeps a concurrent writer from reusing the
 * pages of the newest transaction's free list under us.
 */
final class DataFileExtent {

    // LMDB 0.9 on-disk layout (64-bit): page header, meta page, database record and node offsets.
    private static final int PAGE_HEADER = 16;
    private static final int FLAGS_OFFSET = 10;
    private static final int LOWER_OFFSET = 12;
    private static final int OVERFLOW_PAGES_OFFSET = 12;
    private static final int P_BRANCH = 0x01;
    private static final int P_LEAF = 0x02;
    private static final int P_LEAF2 = 0x20;
    private static final int META_MAGIC = 0xBEEFC0DE;
    private static final int META_FREE_DB = PAGE_HEADER + 24;
    private static final int META_LAST_PAGE = PAGE_HEADER + 120;
    private static final int META_TXNID = PAGE_HEADER + 128;
    private static final int DB_ROOT = 40;
    private static final int NODE_HEADER = 8;
    private static final int F_BIGDATA = 0x01;
    private static final long NO_ROOT = -1L;

    private final Path dir;
    private final FileChannel file;
    private final int pageSize;
    private long filePages;

    private DataFileExtent(Path dir, FileChannel file, int pageSize) {
        this.dir = dir;
        this.file = file;
        this.pageSize = pageSize;
    }

    /**
     * How many pages the file holds, and the last page number of the newest committed transaction (it may lie past
     * the end of the file when the pages in between are free).
     */
    record Extent(long filePages, long lastPage) {
    }

    /** Throws {@link CorruptStoreException} when a page the newest transaction can reach lies past the file's end. */
    static Extent requireWhole(Path dir, int pageSize) {
        Path data = dir.resolve(DATA_FILE);
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
            return new DataFileExtent(dir, ch, pageSize).check();
        } catch (IOException e) {
            throw new StorageException("cannot read " + data + ": " + e.getMessage(), e);
        }
    }

    private Extent check() throws IOException {
        // Meta first, size second: a writer writes a transaction's pages before its meta page, so a size read
        // after the meta covers everything that meta can reach. The other order could see a newer meta than size.
        filePages = Math.min(2, file.size() / pageSize);
        Meta meta = newestMeta();
        filePages = file.size() / pageSize;
        if (meta.lastPage < filePages) {
            return new Extent(filePages, meta.lastPage);
        }
        Set<Long> free = freePages(meta.freeRoot);
        for (long page = meta.lastPage; page >= filePages; page--) {
            if (!free.contains(page)) {
                throw truncated(page);
            }
        }
        return new Extent(filePages, meta.lastPage);
    }

    private CorruptStoreException truncated(long missingPage) {
        return new CorruptStoreException(dir, DATA_FILE + " is truncated: it has " + filePages * pageSize
                + " bytes, but its last committed transaction references " + (missingPage + 1) * pageSize
                + " bytes");
    }

    private record Meta(long txnId, long lastPage, long freeRoot) {
    }

    private Meta newestMeta() throws IOException {
        Meta newest = null;
        for (int i = 0; i < 2; i++) {
            if (i >= filePages) {
                break;
            }
            ByteBuffer p = page(i, 1);
            if (p.getInt(PAGE_HEADER) != META_MAGIC) {
                continue;
            }
            Meta m = new Meta(p.getLong(META_TXNID), p.getLong(META_LAST_PAGE), p.getLong(META_FREE_DB + DB_ROOT));
            if (newest == null || m.txnId > newest.txnId) {
                newest = m;
            }
        }
        if (newest == null) {
            throw new CorruptStoreException(dir, DATA_FILE + " has no valid LMDB meta page");
        }
        return newest;
    }

    /** Every page number recorded on the free list: a B-tree keyed by transaction id whose values are page lists. */
    private Set<Long> freePages(long root) throws IOException {
        Set<Long> free = new HashSet<>();
        if (root == NO_ROOT) {
            return free;
        }
        Deque<Long> pending = new ArrayDeque<>();
        pending.push(root);
        Set<Long> visited = new HashSet<>();
        while (!pending.isEmpty()) {
            long pageNo = pending.pop();
            if (!visited.add(pageNo)) {
                throw new CorruptStoreException(dir, DATA_FILE + "'s free list has a cycle at page " + pageNo);
            }
            ByteBuffer p = page(pageNo, 1);
            int flags = p.getShort(FLAGS_OFFSET) & 0xffff;
            int keys = ((p.getShort(LOWER_OFFSET) & 0xffff) - PAGE_HEADER) / 2;
            if ((flags & P_LEAF2) != 0 || (flags & (P_BRANCH | P_LEAF)) == 0 || keys < 0) {
                throw new CorruptStoreException(dir, DATA_FILE + "'s free list has a malformed page " + pageNo);
            }
            for (int k = 0; k < keys; k++) {
                int node = nodeOffset(p, k, pageNo);
                int lo = p.getShort(node) & 0xffff;
                int hi = p.getShort(node + 2) & 0xffff;
                int nodeFlags = p.getShort(node + 4) & 0xffff;
                int keySize = p.getShort(node + 6) & 0xffff;
                if ((flags & P_BRANCH) != 0) {
                    pending.push(lo | ((long) hi << 16) | ((long) nodeFlags << 32));
                } else {
                    long dataSize = lo | ((long) hi << 16);
                    int data = node + NODE_HEADER + keySize;
                    ByteBuffer ids = (nodeFlags & F_BIGDATA) != 0
                            ? overflowData(readLong(p, data, pageNo), dataSize)
                            : slice(p, data, dataSize, pageNo);
                    addPageList(ids, free, pageNo);
                }
            }
        }
        return free;
    }

    private void addPageList(ByteBuffer ids, Set<Long> free, long pageNo) {
        if (ids.remaining() < 8) {
            throw new CorruptStoreException(dir, DATA_FILE + "'s free list has an empty record on page " + pageNo);
        }
        long count = ids.getLong(0);
        if (count < 0 || (count + 1) * 8 > ids.remaining()) {
            throw new CorruptStoreException(dir, DATA_FILE + "'s free list has a malformed record on page " + pageNo);
        }
        for (int i = 1; i <= count; i++) {
            free.add(ids.getLong(i * 8));
        }
    }

    private ByteBuffer overflowData(long first, long dataSize) throws IOException {
        ByteBuffer head = page(first, 1);
        long pages = head.getInt(OVERFLOW_PAGES_OFFSET) & 0xffffffffL;
        if (pages < 1 || PAGE_HEADER + dataSize > pages * pageSize) {
            throw new CorruptStoreException(dir, DATA_FILE + "'s free list has a malformed overflow page " + first);
        }
        ByteBuffer all = page(first, pages);
        return slice(all, PAGE_HEADER, dataSize, first);
    }

    private int nodeOffset(ByteBuffer p, int k, long pageNo) {
        int at = PAGE_HEADER + 2 * k;
        if (at + 2 > p.limit()) {
            throw new CorruptStoreException(dir, DATA_FILE + "'s free list has a malformed page " + pageNo);
        }
        int node = p.getShort(at) & 0xffff;
        if (node < PAGE_HEADER || node + NODE_HEADER > p.limit()) {
            throw new CorruptStoreException(dir, DATA_FILE + "'s free list has a malformed page " + pageNo);
        }
        return node;
    }

    private long readLong(ByteBuffer p, int at, long pageNo) {
        if (at + 8 > p.limit()) {
            throw new CorruptStoreException(dir, DATA_FILE + "'s free list has a malformed page " + pageNo);
        }
        return p.getLong(at);
    }

    private ByteBuffer slice(ByteBuffer p, int at, long size, long pageNo) {
        if (size < 0 || at + size > p.limit()) {
            throw new CorruptStoreException(dir, DATA_FILE + "'s free list has a malformed page " + pageNo);
        }
        return p.slice(at, (int) size).order(ByteOrder.nativeOrder());
    }

    /** Reads {@code count} pages from {@code first}; a page past the end of the file means the file is truncated. */
    private ByteBuffer page(long first, long count) throws IOException {
        if (first < 0 || count > Integer.MAX_VALUE / pageSize || first + count > filePages) {
            throw truncated(first + count - 1);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (count * pageSize)).order(ByteOrder.nativeOrder());
        long position = first * pageSize;
        while (buf.hasRemaining()) {
            int n = file.read(buf, position + buf.position());
            if (n < 0) {
                throw truncated(first + count - 1);
            }
        }
        return buf.flip();
    }
}
