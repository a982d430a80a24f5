package io.chargeflow.cdr;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test records: a fixed example and seeded random ones. */
public final class CdrFixtures {
    private CdrFixtures() {}

    public static SessionIdentity identity(long subscriberId, String plan) {
        return new SessionIdentity(
                "00101" + subscriberId,
                "4917" + subscriberId,
                "10.0.0." + (subscriberId % 250),
                ChargingSide.SUBSCRIBER,
                0,
                0x0A000000L + subscriberId,
                subscriberId,
                "acct-" + subscriberId,
                plan);
    }

    public static PgwRecord example(long chargingId, int recordSequence) {
        return new PgwRecord(
                PgwRecord.PGW_RECORD,
                "001010000000001",
                "491700000001",
                "10.0.0.1",
                chargingId,
                "node-1",
                1_700_000_000_000L,
                60_000,
                CauseForRecClosing.NORMAL_RELEASE,
                recordSequence,
                0,
                List.of(
                        new ServiceData(
                                10,
                                1,
                                1000,
                                20_000,
                                10,
                                20,
                                1_700_000_000_100L,
                                1_700_000_050_000L,
                                30_000,
                                ServiceData.SCC_SERVICE_STOP,
                                2001),
                        new ServiceData(20, 0, 5, 7, 1, 1, 1_700_000_001_000L, 1_700_000_001_000L, 0, 0, 0)),
                ChargingSide.SUBSCRIBER,
                1,
                2,
                true,
                3,
                4,
                42,
                "acct, \"quoted\"",
                "basic");
    }

    public static PgwRecord random(Random random, long chargingId) {
        int n = random.nextInt(4);
        List<ServiceData> list = new ArrayList<>();
        long opening = 1_700_000_000_000L + random.nextInt(1_000_000);
        for (int i = 0; i < n; i++) {
            long first = opening + random.nextInt(10_000);
            list.add(new ServiceData(
                    random.nextInt(1000),
                    random.nextInt(5),
                    random.nextLong(1L << 40),
                    random.nextLong(1L << 40),
                    random.nextInt(100_000),
                    random.nextInt(100_000),
                    first,
                    first + random.nextInt(100_000),
                    random.nextInt(100_000),
                    random.nextInt(),
                    random.nextInt(6000)));
        }
        CauseForRecClosing[] causes = CauseForRecClosing.values();
        return new PgwRecord(
                PgwRecord.PGW_RECORD,
                random.nextBoolean() ? null : "00101" + random.nextInt(),
                "49" + random.nextInt(1_000_000),
                "2001:db8::" + random.nextInt(1000),
                chargingId,
                "node-é",
                opening,
                random.nextInt(1_000_000),
                causes[random.nextInt(causes.length)],
                1 + random.nextInt(10),
                0,
                list,
                random.nextBoolean() ? ChargingSide.NETWORK : ChargingSide.SUBSCRIBER,
                random.nextLong(),
                random.nextLong(),
                random.nextBoolean(),
                random.nextLong(),
                random.nextLong(),
                random.nextLong(),
                random.nextBoolean() ? null : "acct-" + random.nextInt(),
                "plan-" + random.nextInt(3));
    }
}
