package io.chargeflow.cdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CdrCodecTest {

    @Test
    void shouldRoundTripEveryFieldWhenEncodedAndDecoded() {
        PgwRecord cdr = CdrFixtures.example(77, 3);
        byte[] bytes = CdrCodec.encode(cdr);
        PgwRecord back = CdrCodec.decode(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), 1234);
        assertThat(back).isEqualTo(cdr.withLocalSequenceNumber(1234));
        assertThat(bytes.length).isLessThan(CdrCodec.maxEncodedSize(cdr));
    }

    @ParameterizedTest
    @ValueSource(longs = {5L, 20261207L})
    void shouldWriteTheSameBytesAsTheByteBufferEncodingWhenRecordsAreRandom(long seed) {
        // the array writer replaced a ByteBuffer one: journals written before must read the same, so the bytes must
        // not change; strings cover ASCII at the one-byte length limit and past it, and UTF-8 of 1 to 4 bytes
        String[] strings = {
            "",
            "a",
            "x".repeat(125),
            "y".repeat(126),
            "z".repeat(127),
            "w".repeat(300),
            "nul\0",
            "é",
            "€uro",
            "emoji \uD83D\uDE00",
            "lone \uD800 surrogate",
            "ä".repeat(130)
        };
        Random random = new Random(seed);
        for (int i = 0; i < 3000; i++) {
            PgwRecord r = CdrFixtures.random(random, i);
            if (i % 3 == 0) {
                r = new PgwRecord(
                        r.recordType(),
                        strings[random.nextInt(strings.length)],
                        strings[random.nextInt(strings.length)],
                        strings[random.nextInt(strings.length)],
                        r.chargingID(),
                        strings[random.nextInt(strings.length)],
                        r.recordOpeningTimeMs(),
                        r.durationMs(),
                        r.causeForRecClosing(),
                        r.recordSequenceNumber(),
                        0,
                        r.listOfServiceData(),
                        r.chargingSide(),
                        r.subscriberKeyHi(),
                        r.subscriberKeyLo(),
                        r.peerToPeer(),
                        r.peerKeyHi(),
                        r.peerKeyLo(),
                        r.subscriberId(),
                        strings[random.nextInt(strings.length)],
                        random.nextBoolean() ? null : strings[random.nextInt(strings.length)]);
            }
            assertThat(CdrCodec.encode(r)).as("seed=%d record=%d", seed, i).isEqualTo(ReferenceEncoding.encode(r));
        }
    }

    /** The encoding as the ByteBuffer writer produced it (kept here as the reference for the format). */
    private static final class ReferenceEncoding {
        static byte[] encode(PgwRecord cdr) {
            ByteBuffer out = ByteBuffer.allocate(CdrCodec.maxEncodedSize(cdr)).order(ByteOrder.LITTLE_ENDIAN);
            out.put(CdrCodec.VERSION);
            out.put((byte) cdr.recordType());
            out.put((byte) cdr.causeForRecClosing().code());
            out.put((byte) ((cdr.chargingSide() == ChargingSide.NETWORK ? 1 : 0) | (cdr.peerToPeer() ? 2 : 0)));
            out.putLong(cdr.subscriberKeyHi()).putLong(cdr.subscriberKeyLo());
            out.putLong(cdr.peerKeyHi()).putLong(cdr.peerKeyLo());
            zigZag(out, cdr.chargingID());
            zigZag(out, cdr.recordOpeningTimeMs());
            zigZag(out, cdr.durationMs());
            varLong(out, cdr.recordSequenceNumber());
            zigZag(out, cdr.subscriberId());
            for (String s : new String[] {
                cdr.servedIMSI(), cdr.servedMSISDN(), cdr.servedPDPPDNAddress(), cdr.nodeID(), cdr.account(), cdr.plan()
            }) {
                if (s == null) {
                    out.put((byte) 0);
                } else {
                    byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    varLong(out, bytes.length + 1L);
                    out.put(bytes);
                }
            }
            varLong(out, cdr.listOfServiceData().size());
            for (ServiceData d : cdr.listOfServiceData()) {
                varLong(out, d.ratingGroup() & 0xFFFFFFFFL);
                varLong(out, d.serviceIdentifier() & 0xFFFFFFFFL);
                zigZag(out, d.datavolumeFBCUplink());
                zigZag(out, d.datavolumeFBCDownlink());
                zigZag(out, d.uplinkPackets());
                zigZag(out, d.downlinkPackets());
                zigZag(out, d.timeOfFirstUsageMs() - cdr.recordOpeningTimeMs());
                zigZag(out, d.timeOfLastUsageMs() - d.timeOfFirstUsageMs());
                zigZag(out, d.timeUsageMs());
                varLong(out, d.serviceConditionChange() & 0xFFFFFFFFL);
                varLong(out, d.resultCode() & 0xFFFFFFFFL);
            }
            return java.util.Arrays.copyOf(out.array(), out.position());
        }

        private static void varLong(ByteBuffer out, long value) {
            while ((value & ~0x7FL) != 0) {
                out.put((byte) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.put((byte) value);
        }

        private static void zigZag(ByteBuffer out, long value) {
            varLong(out, (value << 1) ^ (value >> 63));
        }
    }

    @Test
    void shouldKeepRecordsCompactWhenEncoded() {
        // two containers plus identity: well under the ~400 bytes a naive fixed layout needs
        assertThat(CdrCodec.encode(CdrFixtures.example(77, 3)).length).isEqualTo(150);
    }

    @Test
    void shouldRejectUnknownVersionWhenDecoding() {
        byte[] bytes = CdrCodec.encode(CdrFixtures.example(1, 1));
        bytes[0] = 9;
        assertThatThrownBy(() -> CdrCodec.decode(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), 1))
                .isInstanceOf(CdrFormatException.class)
                .hasMessageContaining("version=9");
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 20261122L})
    void shouldRoundTripRandomRecordsWhenSeeded(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            PgwRecord cdr = CdrFixtures.random(random, i);
            PgwRecord back =
                    CdrCodec.decode(ByteBuffer.wrap(CdrCodec.encode(cdr)).order(ByteOrder.LITTLE_ENDIAN), i);
            assertThat(back).as("seed=%d record=%d", seed, i).isEqualTo(cdr.withLocalSequenceNumber(i));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11L, 12L, 13L})
    void shouldThrowOnlyFormatExceptionWhenBytesAreMutated(long seed) {
        Random random = new Random(seed);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] bytes = CdrCodec.encode(CdrFixtures.random(random, i));
            int cut = random.nextInt(bytes.length + 1);
            byte[] mutated = java.util.Arrays.copyOf(bytes, random.nextBoolean() ? cut : bytes.length);
            for (int m = 0; m < 3 && mutated.length > 0; m++) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt();
            }
            try {
                CdrCodec.decode(ByteBuffer.wrap(mutated).order(ByteOrder.LITTLE_ENDIAN), i);
                decoded++;
            } catch (CdrFormatException expected) {
                rejected++;
            } catch (RuntimeException e) {
                throw new AssertionError("seed=" + seed + " record=" + i + " threw " + e, e);
            }
        }
        assertThat(decoded + rejected).as("seed=%d", seed).isEqualTo(5000);
        assertThat(rejected).as("seed=%d", seed).isPositive();
    }
}
