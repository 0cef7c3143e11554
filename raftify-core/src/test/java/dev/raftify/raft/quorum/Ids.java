package dev.raftify.raft.quorum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Parses the compact notations the quorum tables use. */
final class Ids {

    private Ids() {
    }

    /** "1 2 3" (or "" for none) as a list of ids. */
    static List<Long> list(String spaced) {
        List<Long> out = new ArrayList<>();
        for (String s : spaced.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(Long.parseLong(s));
            }
        }
        return out;
    }

    static MajorityConfig majority(String spaced) {
        return MajorityConfig.of(list(spaced));
    }

    /** "1=5 2=7" as id to index; absent ids have acknowledged nothing. */
    static AckedIndexer acked(String pairs) {
        Map<Long, Long> map = new TreeMap<>();
        for (String pair : list2(pairs)) {
            String[] kv = pair.split("=");
            map.put(Long.parseLong(kv[0]), Long.parseLong(kv[1]));
        }
        return id -> map.getOrDefault(id, 0L);
    }

    /** "1=y 2=n" as id to granted. */
    static Map<Long, Boolean> votes(String pairs) {
        Map<Long, Boolean> map = new TreeMap<>();
        for (String pair : list2(pairs)) {
            String[] kv = pair.split("=");
            map.put(Long.parseLong(kv[0]), kv[1].equals("y"));
        }
        return map;
    }

    private static List<String> list2(String spaced) {
        return Arrays.stream(spaced.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
