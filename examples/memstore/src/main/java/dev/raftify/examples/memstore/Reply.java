package dev.raftify.examples.memstore;

/** One HTTP response: status, content type and a (small) body. */
record Reply(int status, String contentType, String body, String allow) {
    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";

    static Reply text(int status, String body) {
        return new Reply(status, TEXT, body, null);
    }

    static Reply ok() {
        return text(200, "OK");
    }

    static Reply json(int status, String body) {
        return new Reply(status, JSON, body, null);
    }

    /** The JSON error body every failure uses: {@code {"error": "...", "leader": null | {"id": .., "address": ..}}}. */
    static Reply error(int status, String message, long leaderId, String leaderAddress) {
        String leader = leaderId == 0 ? "null"
                : "{\"id\":" + leaderId + ",\"address\":" + Json.string(leaderAddress) + "}";
        return json(status, "{\"error\":" + Json.string(message) + ",\"leader\":" + leader + "}");
    }

    static Reply methodNotAllowed(String method, String allowed) {
        return new Reply(405, JSON, "{\"error\":" + Json.string(method + " is not allowed here; use " + allowed)
                + ",\"leader\":null}", allowed);
    }
}
