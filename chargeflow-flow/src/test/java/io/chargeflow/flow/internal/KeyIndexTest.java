package io.chargeflow.flow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyIndexTest {

    record Key(long hi, long lo) {}

    @org.junit.jupiter.api.Test
    void shouldPlaceTheSameKeysElsewhereUnderAnotherSeed() {
        KeyIndex a = new KeyIndex(16, 0x5EED);
        KeyIndex b = new KeyIndex(16, 0x5EED + 1);
        KeyIndex unseeded = new KeyIndex(16);
        int same = 0;
        for (int i = 0; i < 1000; i++) {
            long lo = io.chargeflow.flow.SubscriberKeys.ipv4Lo(0x0A000000 + i);
            if (a.hash(0, lo) == b.hash(0, lo)) {
                same++;
            }
            assertThat(unseeded.hash(0, lo)).isEqualTo((int) io.chargeflow.flow.SubscriberKeys.hash(0, lo));
        }
        assertThat(same).isLessThan(3);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234567})
    void shouldAgreeWithHashMapWhenInsertingAndRemovingRandomly(long seed) {
        Random random = new Random(seed);
        // odd seeds also seed the index's hash (as the session table is), even ones leave it unseeded
        KeyIndex index = new KeyIndex(4, (seed & 1) == 0 ? 0 : seed * 0x9E37_79B9_7F4A_7C15L);
        Map<Key, Long> model = new HashMap<>();
        long[] payload = new long[index.capacity()];
        List<Key> keys = new ArrayList<>();
        for (int step = 0; step < 200_000; step++) {
            int op = random.nextInt(10);
            if (op < 6 || keys.isEmpty()) {
                // few distinct keys make collisions and re-inserts frequent
                Key key = new Key(random.nextInt(4), random.nextInt(5000));
                int row = index.find(key.hi(), key.lo());
                if (row < 0) {
                    assertThat(model).as("seed=%d step=%d", seed, step).doesNotContainKey(key);
                    row = index.insert(key.hi(), key.lo());
                    if (row >= payload.length) {
                        payload = java.util.Arrays.copyOf(payload, index.capacity());
                    }
                    payload[row] = 0;
                    keys.add(key);
                    model.put(key, 0L);
                }
                payload[row]++;
                model.merge(key, 1L, Long::sum);
            } else {
                Key key = keys.remove(random.nextInt(keys.size()));
                int row = index.find(key.hi(), key.lo());
                assertThat(row).as("seed=%d step=%d", seed, step).isGreaterThanOrEqualTo(0);
                assertThat(payload[row]).isEqualTo(model.remove(key));
                int moved = index.remove(row);
                if (moved >= 0) {
                    payload[row] = payload[moved];
                }
            }
            assertThat(index.size()).isEqualTo(model.size());
        }
        for (Map.Entry<Key, Long> e : model.entrySet()) {
            int row = index.find(e.getKey().hi(), e.getKey().lo());
            assertThat(payload[row]).as("seed=%d key=%s", seed, e.getKey()).isEqualTo(e.getValue());
        }
    }

    @ParameterizedTest(name = "{0} keys")
    @ValueSource(ints = {1, 1000, 100_000})
    void shouldFindEveryKeyWhenGrownFromTiny(int count) {
        KeyIndex index = new KeyIndex(1);
        for (int i = 0; i < count; i++) {
            assertThat(index.insert(i * 31L, ~i)).isEqualTo(i);
        }
        for (int i = 0; i < count; i++) {
            assertThat(index.find(i * 31L, ~i)).isEqualTo(i);
        }
        assertThat(index.find(-5, -5)).isEqualTo(-1);
    }
}
