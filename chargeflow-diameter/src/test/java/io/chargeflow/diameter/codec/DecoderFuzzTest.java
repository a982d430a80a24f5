package io.chargeflow.diameter.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.diameter.dictionary.ResultCode;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random and mutated inputs into the validator, the cursor, the printer and the error-answer writer: any
 * bytes in, never an exception out, and every error answer written is itself a well-framed message. The seed is in
 * every failure message; more iterations with {@code -Dchargeflow.fuzz.iterations=N}.
 */
class DecoderFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("chargeflow.fuzz.iterations", 5_000);

    @ParameterizedTest
    @ValueSource(longs = {1L, 42L, 0xC0FFEEL, 20261122L})
    void shouldNeverThrowWhenMessagesAreMutated(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer original = ByteBuffer.allocate(4096);
        DiameterEncoder encoder = new DiameterEncoder();
        int ccrLength = GyMessages.ccrUpdate(encoder.wrap(original, 0), 3, 1);
        byte[] ccr = new byte[ccrLength];
        original.get(0, ccr);
        int ccaLength = GyMessages.ccaUpdate(encoder.wrap(original, 0), 3, 1);
        byte[] cca = new byte[ccaLength];
        original.get(0, cca);
        Harness harness = new Harness();
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = (random.nextBoolean() ? ccr : cca).clone();
            int mutations = 1 + random.nextInt(8);
            for (int m = 0; m < mutations; m++) {
                mutate(random, input);
            }
            int length = random.nextInt(10) == 0 ? random.nextInt(input.length + 1) : input.length;
            harness.run(input, length, "seed=" + seed + " iteration=" + i);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7L, 99L})
    void shouldNeverThrowWhenBytesAreRandom(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Harness harness = new Harness();
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = new byte[random.nextInt(200)];
            random.nextBytes(input);
            if (input.length >= 20 && random.nextBoolean()) {
                // a plausible header so that the AVP walk is reached
                ByteBuffer.wrap(input).putInt(0, (1 << 24) | (input.length & ~3));
                input[4] = (byte) 0x80;
            }
            harness.run(input, input.length, "seed=" + seed + " iteration=" + i);
        }
    }

    private static void mutate(SplittableRandom random, byte[] input) {
        int position = random.nextInt(input.length);
        switch (random.nextInt(4)) {
            case 0 -> input[position] = (byte) random.nextInt(256);
            case 1 -> input[position] ^= (byte) (1 << random.nextInt(8));
            case 2 -> input[position] = (byte) (random.nextBoolean() ? 0 : 0xff);
            default -> {
                // corrupt an AVP length field: the most common real-world breakage
                int p = 20 + random.nextInt(Math.max(1, input.length - 28));
                p &= ~3;
                if (p + 8 <= input.length) {
                    input[p + 7] = (byte) random.nextInt(256);
                }
            }
        }
    }

    private static final class Harness {
        final DiameterMessage message = new DiameterMessage();
        final MessageValidator validator = new MessageValidator();
        final ErrorAnswers errorAnswers = new ErrorAnswers();
        final DiameterEncoder encoder = new DiameterEncoder();
        final ByteBuffer out = ByteBuffer.allocate(65_536);
        final DiameterAvp avp = new DiameterAvp();
        final DiameterAvp child = new DiameterAvp();
        final DiameterMessage answer = new DiameterMessage();
        final MessageValidator answerValidator = new MessageValidator();

        void run(byte[] input, int length, String where) {
            try {
                message.wrap(ByteBuffer.wrap(input), 0, length);
                int code = validator.validate(message);
                for (boolean more = avp.first(message); more; more = avp.next()) {
                    avp.getInteger64();
                    avp.getString();
                    if (child.firstChild(avp)) {
                        while (child.next()) {
                            child.getUnsigned32();
                        }
                    }
                }
                DiameterPrinter.print(message);
                if (code != ResultCode.SUCCESS && !validator.framingLost() && message.isRequest()) {
                    int n = errorAnswers.write(message, code, validator, "fuzz.test", "fuzz", encoder.wrap(out, 0));
                    answer.wrap(out, 0, n);
                    // well formed; MISSING_AVP only when the request itself lacked an AVP the answer grammar needs
                    assertThat(answerValidator.validate(answer))
                            .as(where + "\n" + answer)
                            .isIn(ResultCode.SUCCESS, ResultCode.DIAMETER_MISSING_AVP.code());
                    assertThat(answer.messageLength()).isEqualTo(n);
                }
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(where + ": " + e, e);
            }
        }
    }
}
