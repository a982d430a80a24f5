package io.chargeflow.charging.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chargeflow.cdr.CauseForRecClosing;
import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.ChargingSide;
import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.ServiceData;
import io.chargeflow.cdr.journal.AckListener;
import io.chargeflow.cdr.journal.JournalContext;
import io.chargeflow.cdr.journal.JournalScanner;
import io.chargeflow.cdr.journal.JournalWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BillerTest {
    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");
    private static final long MIB = 1_048_576L;

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private final Tariffs tariffs = Tariffs.parse(
            "t",
            List.of(
                    "currency EUR",
                    "plan basic",
                    "  allowance rg=10 volume=1MiB",
                    "  volume rg=* step=1MiB price=100",
                    "plan premium",
                    "  volume rg=* step=1MiB price=10"));

    /** One end of a peer-to-peer session: subscriber {@code id} talking to {@code peer}. */
    private static PgwRecord p2p(long id, long peer, String plan, long time, long octets) {
        return new PgwRecord(
                PgwRecord.PGW_RECORD,
                "00101" + id,
                "49" + id,
                "10.0.0." + id,
                id * 100 + peer,
                "n",
                time,
                1000,
                CauseForRecClosing.NORMAL_RELEASE,
                1,
                0,
                List.of(new ServiceData(10, 0, octets, 0, 1, 0, time, time, 0, 0, 0)),
                ChargingSide.SUBSCRIBER,
                0,
                id,
                true,
                0,
                peer,
                id,
                "acct-" + id,
                plan);
    }

    private Path journal(PgwRecord... cdrs) throws Exception {
        Path dir = tmp.resolve("journal");
        try (JournalWriter w = JournalWriter.open(JournalContext.defaults(dir, AckListener.NONE))) {
            for (PgwRecord cdr : cdrs) {
                w.append(CdrCodec.FRAME_TYPE, CdrCodec.encode(cdr), null);
            }
            w.sync();
        }
        return dir;
    }

    @Test
    void shouldBillBothEndsOfPeerToPeerTrafficEachByOwnPlanWhenPeriodIsBilled() throws Exception {
        long nov10 = Instant.parse("2026-11-10T12:00:00Z").toEpochMilli();
        long oct31 = Instant.parse("2026-10-31T12:00:00Z").toEpochMilli();
        long dec01 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
        Path journal = journal(
                p2p(1, 2, "basic", nov10, 3 * MIB), // A -> B, A's end: 1 MiB included, 2 MiB at 100
                p2p(2, 1, "premium", nov10, 3 * MIB), // the same traffic, B's end: 3 MiB at 10
                p2p(1, 2, "basic", oct31, 5 * MIB), // before the period: not billed
                p2p(1, 2, "basic", dec01, 5 * MIB)); // after it: not billed
        Path outDir = tmp.resolve("bills");

        BillRun run = Biller.bill(journal, tariffs, FROM, TO, outDir, out);

        assertThat(run.billedCdrs()).isEqualTo(2);
        assertThat(run.subscribers()).isEqualTo(2);
        assertThat(run.total().minorUnits()).isEqualTo(230);
        assertThat(run.exitCode()).isZero();
        List<String> csv = Files.readAllLines(outDir.resolve("bills.csv"));
        assertThat(csv)
                .containsExactly(
                        "subscriber,msisdn,account,plan,ratingGroup,octets,activeMs,allowanceOctets,amount,currency",
                        "id:1,491,acct-1,basic,10,3145728,0,1048576,2.00,EUR",
                        "id:2,492,acct-2,premium,10,3145728,0,0,0.30,EUR");
        List<String> json = Files.readAllLines(outDir.resolve("bills.jsonl"));
        assertThat(json.getFirst())
                .isEqualTo("{\"subscriber\":\"id:1\",\"msisdn\":\"491\",\"account\":\"acct-1\","
                        + "\"plan\":\"basic\",\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-12-01T00:00:00Z\",\"cdrs\":1,"
                        + "\"peerToPeerCdrs\":1,\"ratingGroups\":[{\"ratingGroup\":10,\"octets\":3145728,\"activeMs\":0,"
                        + "\"allowanceOctets\":1048576,\"amountMinor\":200}],\"totalMinor\":200,\"currency\":\"EUR\"}");
        String text = Files.readString(outDir.resolve("bills.txt"));
        assertThat(text)
                .startsWith("BILL id:1  msisdn=491  account=acct-1  plan=basic\n"
                        + "period 2026-11-01T00:00:00Z .. 2026-12-01T00:00:00Z  cdrs=1  peer-to-peer cdrs=1\n");
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .startsWith(text)
                .endsWith("billed cdrs=2 subscribers=2 total=2.30 EUR\n");

        List<String> rated = new ArrayList<>();
        JournalScanner.scan(outDir.resolve("rated-journal"), 1, true, (seq, type, payload, file, offset) -> {
            assertThat(type).isEqualTo(RatedCdrCodec.FRAME_TYPE);
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            assertThat(b[0]).isEqualTo(RatedCdrCodec.VERSION);
            rated.add(new String(b, 1, b.length - 1, StandardCharsets.UTF_8));
            return true;
        });
        assertThat(rated).hasSize(2);
        assertThat(rated.get(1))
                .startsWith("{\"localSequenceNumber\":2,\"chargingID\":201,")
                .contains("\"peerSubscriber\":\"key:00000000000000000000000000000001\"")
                .endsWith("\"totalMinor\":30,\"currency\":\"EUR\"}");
    }

    @Test
    void shouldCountAllowanceUsedBeforeTheBilledRangeWhenPeriodStartsMidMonth() throws Exception {
        long nov05 = Instant.parse("2026-11-05T12:00:00Z").toEpochMilli();
        long nov20 = Instant.parse("2026-11-20T12:00:00Z").toEpochMilli();
        Path journal = journal(p2p(1, 2, "basic", nov05, MIB), p2p(1, 2, "basic", nov20, MIB));
        BillRun run = Biller.bill(journal, tariffs, Instant.parse("2026-11-15T00:00:00Z"), TO, tmp.resolve("b"), out);
        assertThat(run.billedCdrs()).isEqualTo(1);
        assertThat(run.allowanceOnlyCdrs()).isEqualTo(1);
        assertThat(run.total().minorUnits()).isEqualTo(100);
    }

    @Test
    void shouldReportDamageWithFileAndOffsetAndBillGoodRecordsBeforeItWhenJournalIsDamaged() throws Exception {
        long nov10 = Instant.parse("2026-11-10T12:00:00Z").toEpochMilli();
        Path journal = journal(
                p2p(1, 2, "premium", nov10, MIB), p2p(1, 2, "premium", nov10, MIB), p2p(1, 2, "premium", nov10, MIB));
        Path segment = JournalScanner.segments(journal).getFirst();
        long[] offset = new long[1];
        JournalScanner.scan(journal, 2, true, (s, t, p, f, o) -> {
            offset[0] = o;
            return false;
        });
        try (RandomAccessFile raf = new RandomAccessFile(segment.toFile(), "rw")) {
            raf.seek(offset[0] + 25);
            raf.write(0x77);
        }
        BillRun run = Biller.bill(journal, tariffs, FROM, TO, tmp.resolve("b"), out);
        assertThat(run.billedCdrs()).isEqualTo(1);
        assertThat(run.total().minorUnits()).isEqualTo(10);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.damages()).hasSize(1);
        assertThat(run.damages().getFirst().offset()).isEqualTo(offset[0]);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("DAMAGE in " + segment + " at offset=" + offset[0] + ": CRC32C mismatch");
    }

    @Test
    void shouldFailFastWhenOutDirHoldsEarlierRunOrPeriodIsEmpty() throws Exception {
        long nov10 = Instant.parse("2026-11-10T12:00:00Z").toEpochMilli();
        Path journal = journal(p2p(1, 2, "premium", nov10, MIB));
        Biller.bill(journal, tariffs, FROM, TO, tmp.resolve("b"), out);
        assertThatThrownBy(() -> Biller.bill(journal, tariffs, FROM, TO, tmp.resolve("b"), out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already holds a billing run's rated journal");
        assertThatThrownBy(() -> Biller.bill(journal, tariffs, TO, FROM, tmp.resolve("c"), out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("from=" + TO + " must be before to=" + FROM);
    }
}
