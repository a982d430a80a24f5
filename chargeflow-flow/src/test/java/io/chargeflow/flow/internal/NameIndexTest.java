package io.chargeflow.flow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NameIndexTest {
    private static long match(NameIndex index, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        return index.match(bytes, bytes.length);
    }

    @Test
    void shouldMatchExactNamesAndSuffixesAfterAtLeastOneByte() {
        NameIndex index = new NameIndex(new String[][] {
            {"video.example.com", "*.video.example.com"}, null, {"*.example.com", "video.example.com"}, {"*.com"}
        });
        assertThat(match(index, "video.example.com")).isEqualTo(0b1101L);
        assertThat(match(index, "a.video.example.com")).isEqualTo(0b1101L);
        assertThat(match(index, "example.com")).isEqualTo(0b1000L);
        assertThat(match(index, ".example.com")).isEqualTo(0b1000L);
        assertThat(match(index, "xexample.com")).isEqualTo(0b1000L);
        assertThat(match(index, "com")).isZero();
        assertThat(match(index, "")).isZero();
        assertThat(match(index, "example.org")).isZero();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void shouldMatchLikeAPatternWalkWhenPatternsAndNamesAreRandom(long seed) {
        Random random = new Random(seed);
        String[] labels = {"a", "bb", "video", "example", "com", "x-1", "."};
        for (int round = 0; round < 50; round++) {
            String[][] patterns = new String[1 + random.nextInt(64)][];
            for (int r = 0; r < patterns.length; r++) {
                if (random.nextInt(5) == 0) {
                    continue;
                }
                patterns[r] = new String[1 + random.nextInt(4)];
                for (int k = 0; k < patterns[r].length; k++) {
                    patterns[r][k] = (random.nextBoolean() ? "*." : "") + host(random, labels);
                }
            }
            NameIndex index = new NameIndex(patterns);
            for (int i = 0; i < 500; i++) {
                String name = (random.nextInt(8) == 0 ? "." : "") + host(random, labels);
                assertThat(match(index, name)).as("seed %d name %s", seed, name).isEqualTo(walk(patterns, name));
            }
        }
    }

    private static String host(Random random, String[] labels) {
        StringBuilder b = new StringBuilder(labels[random.nextInt(labels.length - 1)]);
        for (int n = random.nextInt(4); n > 0; n--) {
            b.append('.').append(labels[random.nextInt(labels.length)]);
        }
        return b.toString();
    }

    /** The definition: equal to an exact pattern, or longer than a wildcard's suffix (dot included) and ending with it. */
    private static long walk(String[][] patterns, String name) {
        long mask = 0;
        for (int r = 0; r < patterns.length; r++) {
            if (patterns[r] != null) {
                for (String p : patterns[r]) {
                    boolean hit = p.startsWith("*.")
                            ? name.length() > p.length() - 1 && name.endsWith(p.substring(1))
                            : name.equals(p);
                    if (hit) {
                        mask |= 1L << r;
                    }
                }
            }
        }
        return mask;
    }
}
