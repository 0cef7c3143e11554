package dev.raftify.examples.memstore;

/** How {@code GET /store/{key}} reads: linearizable (the default) or the local, possibly stale copy. */
enum Consistency {
    LINEARIZABLE,
    STALE;

    /** From the query string: {@code consistency=stale|linearizable}; other parameters are ignored. */
    static Consistency fromQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return LINEARIZABLE;
        }
        Consistency result = LINEARIZABLE;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!name.equals("consistency")) {
                continue;
            }
            String value = eq < 0 ? "" : PathSegments.decode(pair.substring(eq + 1));
            result = switch (value) {
                case "stale" -> STALE;
                case "linearizable" -> LINEARIZABLE;
                default -> throw new BadRequestException(
                        "consistency must be 'linearizable' (the default) or 'stale', got '" + value + "'");
            };
        }
        return result;
    }
}
