package io.chargeflow.charging.rating;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.cdr.CauseForRecClosing;
import io.chargeflow.cdr.ChargingSide;
import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.ServiceData;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaterTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** Wednesday 2026-11-18 10:00 Berlin: weekday, inside 08:00-20:00. */
    static final long WEDNESDAY_10 =
            ZonedDateTime.of(2026, 11, 18, 10, 0, 0, 0, BERLIN).toInstant().toEpochMilli();
    /** Wednesday 2026-11-18 22:00 Berlin: weekday evening. */
    static final long WEDNESDAY_22 =
            ZonedDateTime.of(2026, 11, 18, 22, 0, 0, 0, BERLIN).toInstant().toEpochMilli();
    /** Saturday 2026-11-21 10:00 Berlin. */
    static final long SATURDAY_10 =
            ZonedDateTime.of(2026, 11, 21, 10, 0, 0, 0, BERLIN).toInstant().toEpochMilli();

    private final Rater rater = new Rater(Tariffs.parse("sample", TariffsTest.SAMPLE));

    static PgwRecord cdr(long subscriberId, String plan, long time, ServiceData... data) {
        return new PgwRecord(
                PgwRecord.PGW_RECORD,
                null,
                "49" + subscriberId,
                "10.0.0.1",
                subscriberId,
                "n",
                time,
                1000,
                CauseForRecClosing.NORMAL_RELEASE,
                1,
                7,
                List.of(data),
                ChargingSide.SUBSCRIBER,
                0,
                subscriberId,
                false,
                0,
                0,
                subscriberId,
                "acct",
                plan);
    }

    static ServiceData usage(int rg, long octets, long activeMs, long time) {
        return new ServiceData(rg, 0, octets / 2, octets - octets / 2, 1, 1, time, time, activeMs, 0, 0);
    }

    @Test
    void shouldUseAllowanceThenRoundUpToVolumeStepWhenInDayBand() {
        // 3 MiB + 1 octet, 1 MiB included: 2 MiB + 1 octet priced -> 3 started steps at 5 (08:00-20:00 band)
        RatedCdr r = rater.rate(cdr(1, "basic", WEDNESDAY_10, usage(10, 3 * 1_048_576L + 1, 0, WEDNESDAY_10)));
        RatedService s = r.services().getFirst();
        assertThat(s.allowanceOctets()).isEqualTo(1_048_576);
        assertThat(s.chargedOctets()).isEqualTo(2 * 1_048_576L + 1);
        assertThat(s.tariffLines()).isEqualTo("10");
        assertThat(s.basis()).isEqualTo("volume");
        assertThat(r.total().minorUnits()).isEqualTo(15);
        assertThat(r.subscriber()).isEqualTo("id:1");
        assertThat(r.localSequenceNumber()).isEqualTo(7);
    }

    @Test
    void shouldPickBandByDayAndHourWhenContainersStartAtDifferentTimes() {
        long mib = 1_048_576L;
        rater.rate(cdr(2, "basic", WEDNESDAY_10, usage(10, mib, 0, WEDNESDAY_10))); // uses the allowance
        assertThat(rater.rate(cdr(2, "basic", SATURDAY_10, usage(10, mib, 0, SATURDAY_10)))
                        .total()
                        .minorUnits())
                .isEqualTo(2);
        assertThat(rater.rate(cdr(2, "basic", WEDNESDAY_22, usage(10, mib, 0, WEDNESDAY_22)))
                        .total()
                        .minorUnits())
                .isEqualTo(3);
        assertThat(rater.rate(cdr(2, "basic", WEDNESDAY_10, usage(10, mib, 0, WEDNESDAY_10)))
                        .total()
                        .minorUnits())
                .isEqualTo(5);
    }

    @Test
    void shouldKeepAllowancePerSubscriberAndRenewItEachPeriodWhenRated() {
        long mib = 1_048_576L;
        long december =
                ZonedDateTime.of(2026, 12, 2, 22, 0, 0, 0, BERLIN).toInstant().toEpochMilli();
        RatedCdr first = rater.rate(cdr(3, "basic", WEDNESDAY_22, usage(10, mib / 2, 0, WEDNESDAY_22)));
        RatedCdr second = rater.rate(cdr(3, "basic", WEDNESDAY_22, usage(10, mib, 0, WEDNESDAY_22)));
        RatedCdr otherSubscriber = rater.rate(cdr(4, "basic", WEDNESDAY_22, usage(10, mib, 0, WEDNESDAY_22)));
        RatedCdr nextMonth = rater.rate(cdr(3, "basic", december, usage(10, mib, 0, december)));
        assertThat(first.services().getFirst().basis()).isEqualTo("allowance");
        assertThat(first.total().minorUnits()).isZero();
        assertThat(second.services().getFirst().allowanceOctets()).isEqualTo(mib / 2);
        assertThat(second.total().minorUnits()).isEqualTo(3);
        assertThat(otherSubscriber.total().minorUnits()).isZero();
        assertThat(nextMonth.total().minorUnits()).isZero();
    }

    @Test
    void shouldPriceTimeStepsAndZeroRateAndFallBackToAnyGroupWhenRated() {
        RatedCdr r = rater.rate(cdr(
                5,
                "basic",
                WEDNESDAY_10,
                usage(20, 0, 61_000, WEDNESDAY_10),
                usage(30, 50_000_000, 10_000, WEDNESDAY_10),
                usage(99, 1_000_001, 0, WEDNESDAY_10)));
        assertThat(r.services()).extracting(RatedService::basis).containsExactly("time", "zero", "volume");
        assertThat(r.services()).extracting(s -> s.amount().minorUnits()).containsExactly(20L, 0L, 8L);
        assertThat(r.services()).extracting(RatedService::tariffLines).containsExactly("12", "8", "13");
        assertThat(r.total().minorUnits()).isEqualTo(28);
    }

    @Test
    void shouldBillByOwnPlanAndUseDefaultPlanWhenPlanIsMissing() {
        assertThat(rater.rate(cdr(6, "premium", WEDNESDAY_10, usage(99, 5_000_000, 0, WEDNESDAY_10)))
                        .total()
                        .minorUnits())
                .isZero();
        RatedCdr fallback = rater.rate(cdr(7, null, WEDNESDAY_10, usage(99, 1, 0, WEDNESDAY_10)));
        assertThat(fallback.plan()).isEqualTo("basic");
        assertThat(fallback.total().minorUnits()).isEqualTo(4);
    }

    @Test
    void shouldCountUnratedByReasonWhenNoPlanApplies() {
        Rater strict = new Rater(Tariffs.parse("t", List.of("currency EUR", "plan a", "volume rg=1 step=1B price=1")));
        assertThat(strict.rate(cdr(1, "gold", WEDNESDAY_10, usage(1, 10, 0, WEDNESDAY_10))))
                .isNull();
        RatedCdr r = strict.rate(cdr(1, "a", WEDNESDAY_10, usage(2, 10, 0, WEDNESDAY_10)));
        assertThat(r.services().getFirst().basis()).isEqualTo("unpriced");
        assertThat(strict.unrated())
                .containsExactlyInAnyOrderEntriesOf(
                        java.util.Map.of("unknown plan=gold", 1L, "container without a rate line: plan=a rg=2", 1L));
        assertThat(strict.rated()).isEqualTo(1);
    }
}
