package io.chargeflow.packet.gen;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one {@link TrafficGenerator#generate} run wrote, with the same numbers as the truth file's JSON sidecar.
 * Immutable; returned to the caller's thread.
 *
 * <p>{@code chargedFrames} counts every frame the charging rule bills (a peer-to-peer pair is two charged frames,
 * a fragmented datagram one per fragment); {@code chargedBytes} sums their IP-layer lengths, of the inner packet for
 * GTP-U. {@code malformedByReason} maps {@link io.chargeflow.packet.MalformedReason#label()} to a count, for every
 * reason the generator writes (zero when the run was too short to reach it), in enum order. {@code subscribers} is
 * the number of truth rows: distinct subscriber keys that were charged at least once.
 */
public record GeneratorResult(
        long totalFrames,
        long chargedFrames,
        long chargedBytes,
        long uplinkFrames,
        long uplinkBytes,
        long downlinkFrames,
        long downlinkBytes,
        long unclassifiedFrames,
        Map<String, Long> malformedByReason,
        long gtpFrames,
        long qinqFrames,
        long fragmentFrames,
        long snaplenCutFrames,
        long p2pPairs,
        long subscribers,
        long pcapBytes) {

    public GeneratorResult {
        malformedByReason = Collections.unmodifiableMap(new LinkedHashMap<>(malformedByReason));
    }

    /** All malformed frames, whatever the reason. */
    public long malformedFrames() {
        long sum = 0;
        for (long count : malformedByReason.values()) {
            sum += count;
        }
        return sum;
    }

    /** The sidecar JSON, written by hand (one object, fixed key order, integers only). */
    public String toJson() {
        StringBuilder json = new StringBuilder(1024).append("{\n");
        field(json, "total_frames", totalFrames);
        field(json, "charged_frames", chargedFrames);
        field(json, "charged_bytes", chargedBytes);
        field(json, "uplink_frames", uplinkFrames);
        field(json, "uplink_bytes", uplinkBytes);
        field(json, "downlink_frames", downlinkFrames);
        field(json, "downlink_bytes", downlinkBytes);
        field(json, "unclassified_frames", unclassifiedFrames);
        field(json, "malformed_frames", malformedFrames());
        json.append("  \"malformed_by_reason\": {");
        String separator = "\n";
        for (Map.Entry<String, Long> entry : malformedByReason.entrySet()) {
            json.append(separator)
                    .append("    \"")
                    .append(entry.getKey())
                    .append("\": ")
                    .append(entry.getValue());
            separator = ",\n";
        }
        json.append(malformedByReason.isEmpty() ? "},\n" : "\n  },\n");
        field(json, "gtp_frames", gtpFrames);
        field(json, "qinq_frames", qinqFrames);
        field(json, "fragment_frames", fragmentFrames);
        field(json, "snaplen_cut_frames", snaplenCutFrames);
        field(json, "p2p_pairs", p2pPairs);
        field(json, "pcap_bytes", pcapBytes);
        json.append("  \"subscribers\": ").append(subscribers).append("\n}\n");
        return json.toString();
    }

    private static void field(StringBuilder json, String name, long value) {
        json.append("  \"").append(name).append("\": ").append(value).append(",\n");
    }
}
