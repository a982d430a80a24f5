package io.chargeflow.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of a valid CSV file: every import either stores the whole file or throws
 * {@link CsvImportException} and stores nothing; no other exception escapes. The seed is printed on failure.
 */
class CsvMutationTest {
    private static final String VALID = "imsi,msisdn,account,plan,status,address,valid_from,valid_until\n"
            + "001010000000001,15550000001,acct-1,gold,active,10.0.0.1,1700000000000,\n"
            + "001010000000002,15550000002,acct-2,silver,suspended,2001:db8:2::/56,2023-11-14T22:13:20Z,\n"
            + "001010000000003,,acct-3,,closed,10.0.0.3,1000,2000\n"
            + ",15550000004,,,,,,\n";
    private static final String ALPHABET = ",:/.-#\"\n0123456789abcdefxyzT Z";

    @TempDir
    Path dir;

    @Test
    void shouldImportAllOrNothingWhenCsvIsMutated() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (SubscriberStore store = SubscriberStore.open(new StoreContext().dataDir(dir))) {
            for (int round = 0; round < 300; round++) {
                char[] text = VALID.toCharArray();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    text[random.nextInt(text.length)] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
                }
                int before = store.listSubscribers().size();
                List<IpBinding> bindingsBefore = store.bindingHistory(BindingKey.parse("10.0.0.1", 64));
                try {
                    store.importCsv(new StringReader(new String(text)), 1_700_000_000_000L + round);
                } catch (CsvImportException e) {
                    assertThat(store.listSubscribers())
                            .as("seed=%d round=%d: nothing half-imported", seed, round)
                            .hasSize(before);
                    assertThat(store.bindingHistory(BindingKey.parse("10.0.0.1", 64)))
                            .as("seed=%d round=%d", seed, round)
                            .isEqualTo(bindingsBefore);
                    assertThat(e.line()).as("seed=%d round=%d", seed, round).isBetween(0, 6);
                } catch (RuntimeException e) {
                    throw new AssertionError("seed=" + seed + " round=" + round + " text=" + new String(text), e);
                }
            }
        }
    }
}
