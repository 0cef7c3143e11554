package dev.raftify.cli.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftify.LogEntryFormatter;
import dev.raftify.cli.output.Json;
import dev.raftify.proto.eraftpb.ConfChange;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.service.EntryContext;
import dev.raftify.proto.service.InternalCommand;
import dev.raftify.proto.service.ReserveId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Renders a log entry's data for {@code describe logs}: membership changes decoded, engine-internal commands
 * named, application commands through the {@link LogEntryFormatter}s found on the class path, else as text when
 * printable, else as hex.
 */
public final class EntryRenderer {

    /** Application data longer than this is cut in the default view (with its full size said); --raw shows all. */
    public static final int PREVIEW_BYTES = 256;

    /**
     * How an entry's data was rendered.
     *
     * @param kind {@code empty}, {@code conf_change}, {@code reserve_id}, {@code formatted}, {@code text},
     *     {@code hex} or {@code undecodable}
     * @param text the rendering, one line
     * @param details kind-specific fields for JSON output (the decoded change, for example), or null
     */
    public record Rendered(String kind, String text, Json.Obj details) {
    }

    private final List<LogEntryFormatter> formatters;
    private final boolean raw;

    public EntryRenderer(List<LogEntryFormatter> formatters, boolean raw) {
        this.formatters = List.copyOf(formatters);
        this.raw = raw;
    }

    /** Formatters registered by applications (META-INF/services) on the class path. */
    public static List<LogEntryFormatter> loadFormatters() {
        List<LogEntryFormatter> out = new ArrayList<>();
        ServiceLoader.load(LogEntryFormatter.class).forEach(out::add);
        return out;
    }

    public Rendered render(Entry e) {
        byte[] data = e.getData().toByteArray();
        if (raw) {
            return new Rendered("hex", data.length == 0 ? "" : Bytes.hex(data), null);
        }
        return switch (e.getEntryType()) {
            case EntryConfChange -> confChange(e, false);
            case EntryConfChangeV2 -> confChange(e, true);
            default -> normal(e, data);
        };
    }

    private Rendered confChange(Entry e, boolean v2) {
        try {
            if (v2) {
                ConfChangeV2 cc = ConfChangeV2.parseFrom(e.getData());
                return new Rendered("conf_change", Membership.format(cc), Membership.json(cc));
            }
            ConfChange cc = ConfChange.parseFrom(e.getData());
            return new Rendered("conf_change", Membership.format(cc), Membership.json(cc));
        } catch (InvalidProtocolBufferException ex) {
            return new Rendered("undecodable", "undecodable " + e.getEntryType() + ": " + preview(e.getData().toByteArray()),
                    null);
        }
    }

    private Rendered normal(Entry e, byte[] data) {
        EntryContext ctx = context(e.getContext());
        Json.Obj details = null;
        if (ctx != null && (ctx.getOriginNode() != 0 || ctx.getRequestId() != 0)) {
            details = Json.obj().put("origin_node", ctx.getOriginNode()).put("request_id", ctx.getRequestId());
        }
        if (ctx != null && ctx.getInternal() == InternalCommand.RESERVE_ID) {
            try {
                ReserveId r = ReserveId.parseFrom(data);
                Json.Obj d = details == null ? Json.obj() : details;
                d.put("reserve_id", Json.obj().put("node_id", r.getNodeId()).put("address", r.getAddress()));
                return new Rendered("reserve_id",
                        "ReserveId { node_id: " + r.getNodeId() + ", address: " + r.getAddress() + " }", d);
            } catch (InvalidProtocolBufferException ex) {
                return new Rendered("undecodable", "undecodable ReserveId: " + preview(data), details);
            }
        }
        if (data.length == 0) {
            // The leader appends an empty entry when it takes office, to commit entries of earlier terms.
            return new Rendered("empty", "(empty)", details);
        }
        for (LogEntryFormatter f : formatters) {
            Optional<String> s;
            try {
                s = f.format(data);
            } catch (RuntimeException ex) {
                // A broken formatter must not hide the log: fall back to the next one, and in the end to text/hex.
                continue;
            }
            if (s != null && s.isPresent()) {
                return new Rendered("formatted", Bytes.escapeLineBreaks(s.get()), details);
            }
        }
        String text = Bytes.printable(data);
        if (text != null) {
            String shown = text.length() > PREVIEW_BYTES ? text.substring(0, PREVIEW_BYTES) : text;
            String suffix = text.length() > PREVIEW_BYTES ? " ... (" + data.length + " bytes)" : "";
            return new Rendered("text", Bytes.escapeLineBreaks(shown) + suffix, details);
        }
        return new Rendered("hex", preview(data), details);
    }

    /** Hex of at most {@link #PREVIEW_BYTES}, with the full size when cut. */
    static String preview(byte[] data) {
        if (data.length <= PREVIEW_BYTES) {
            return Bytes.hex(data);
        }
        return Bytes.hex(data, 0, PREVIEW_BYTES) + " ... (" + data.length + " bytes)";
    }

    private static EntryContext context(ByteString context) {
        if (context.isEmpty()) {
            return null;
        }
        try {
            return EntryContext.parseFrom(context);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    /** The entry type as {@code describe logs --type} names it: normal or confchange. */
    public static String family(EntryType type) {
        return type == EntryType.EntryNormal ? "normal" : "confchange";
    }
}
