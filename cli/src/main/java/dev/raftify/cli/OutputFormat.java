package dev.raftify.cli;

/** What {@code --output} selects: a table for people, or JSON for scripts (documented in docs/cli.md). */
public enum OutputFormat {
    table,
    json
}
