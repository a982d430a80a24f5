package io.chargeflow.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Compares a run's per-subscriber rows with a generator truth file, row by row and byte for byte. */
final class TruthCheck {
    private TruthCheck() {}

    /** The differences, one line each (empty when the run is exact). */
    static List<String> compare(Path truthCsv, MeterResult result) throws IOException {
        Map<String, String> expected = new HashMap<>();
        List<String> lines = Files.readAllLines(truthCsv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            int comma = line.indexOf(',');
            expected.put(line.substring(0, comma), line.substring(comma + 1));
        }
        List<String> differences = new ArrayList<>();
        result.forEachSubscriber((hi, lo, ulP, ulB, dlP, dlB, sessions, p2p, peerHi, peerLo, identity) -> {
            String key = io.chargeflow.flow.SubscriberKeys.format(hi, lo, result.ipv6PrefixLength);
            String actual = ulP + "," + ulB + "," + dlP + "," + dlB;
            String truth = expected.remove(key);
            if (truth == null) {
                differences.add(key + ": metered " + actual + ", not in the truth");
            } else if (!truth.equals(actual)) {
                differences.add(key + ": metered " + actual + ", truth " + truth);
            }
        });
        expected.forEach((k, v) -> differences.add(k + ": truth " + v + ", not metered"));
        return differences;
    }
}
