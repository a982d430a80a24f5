package io.chargeflow.cdr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CdrAssemblerTest {
    private final List<PgwRecord> out = new ArrayList<>();

    private CdrAssembler assembler(long volumeLimit, long timeLimitMs, int maxContainers) {
        return new CdrAssembler(new AssemblerContext("node-1", volumeLimit, timeLimitMs, maxContainers, 4), out::add);
    }

    @Test
    void shouldEmitOneFinalRecordWhenSessionClosesWithoutLimits() {
        CdrAssembler a = assembler(0, 0, 0);
        int h = a.open(9, CdrFixtures.identity(5, "basic"), 1000);
        a.onUsage(h, 10, 1, 100, 200, 1, 2, 1000, 1500, 500);
        a.onUsage(h, 20, 0, 7, 0, 1, 0, 1200, 1200, 0);
        a.onUsage(h, 10, 1, 1, 1, 1, 1, 1600, 1700, 100);
        a.close(h, CauseForRecClosing.NORMAL_RELEASE, 2000);

        assertThat(out).hasSize(1);
        PgwRecord r = out.getFirst();
        assertThat(r.recordSequenceNumber()).isEqualTo(1);
        assertThat(r.causeForRecClosing()).isEqualTo(CauseForRecClosing.NORMAL_RELEASE);
        assertThat(r.recordOpeningTimeMs()).isEqualTo(1000);
        assertThat(r.durationMs()).isEqualTo(1000);
        assertThat(r.chargingID()).isEqualTo(9);
        assertThat(r.servedMSISDN()).isEqualTo("49175");
        assertThat(r.listOfServiceData())
                .containsExactly(
                        new ServiceData(10, 1, 101, 201, 2, 3, 1000, 1700, 600, ServiceData.SCC_SERVICE_STOP, 0),
                        new ServiceData(20, 0, 7, 0, 1, 0, 1200, 1200, 0, ServiceData.SCC_SERVICE_STOP, 0));
        assertThat(a.openSessions()).isZero();
    }

    @Test
    void shouldCutPartialRecordsWhenVolumeLimitReached() {
        CdrAssembler a = assembler(1000, 0, 0);
        int h = a.open(1, CdrFixtures.identity(1, "basic"), 0);
        for (int i = 0; i < 25; i++) {
            a.onUsage(h, 10, 0, 100, 0, 1, 0, i * 10L, i * 10L, 0);
        }
        a.close(h, CauseForRecClosing.ABNORMAL_RELEASE, 300);

        assertThat(out)
                .extracting(PgwRecord::causeForRecClosing)
                .containsExactly(
                        CauseForRecClosing.VOLUME_LIMIT,
                        CauseForRecClosing.VOLUME_LIMIT,
                        CauseForRecClosing.ABNORMAL_RELEASE);
        assertThat(out).extracting(PgwRecord::recordSequenceNumber).containsExactly(1, 2, 3);
        assertThat(out).extracting(PgwRecord::totalVolume).containsExactly(1000L, 1000L, 500L);
        assertThat(out).extracting(PgwRecord::recordOpeningTimeMs).containsExactly(0L, 90L, 190L);
        assertThat(out.getFirst().listOfServiceData().getFirst().serviceConditionChange())
                .isEqualTo(ServiceData.SCC_VOLUME_LIMIT | ServiceData.SCC_RECORD_CLOSURE);
    }

    @Test
    void shouldCutTimeLimitRecordsAtTheFirstBoundaryAfterTheirUsageAndNeverEmpty() {
        CdrAssembler a = assembler(0, 60_000, 0);
        int h = a.open(1, CdrFixtures.identity(1, "basic"), 0);
        a.onUsage(h, 10, 0, 5, 5, 1, 1, 1000, 1000, 0);
        assertThat(a.onTime(59_999)).isZero();
        assertThat(a.onTime(60_000)).isEqualTo(1);
        assertThat(a.onTime(130_000)).isZero(); // the new record has no usage: not cut, however often onTime runs
        assertThat(a.onTime(250_000)).isZero();
        a.onUsage(h, 10, 0, 1, 1, 1, 1, 250_000, 250_000, 0); // its record now ends at 300,000
        a.onUsage(h, 10, 0, 1, 1, 1, 1, 300_500, 300_500, 0); // past that boundary: the next record's
        a.close(h, CauseForRecClosing.NORMAL_RELEASE, 310_000);

        assertThat(out)
                .extracting(PgwRecord::causeForRecClosing)
                .containsExactly(
                        CauseForRecClosing.TIME_LIMIT,
                        CauseForRecClosing.TIME_LIMIT,
                        CauseForRecClosing.NORMAL_RELEASE);
        assertThat(out).extracting(PgwRecord::recordOpeningTimeMs).containsExactly(0L, 60_000L, 300_000L);
        assertThat(out).extracting(PgwRecord::durationMs).containsExactly(60_000L, 240_000L, 10_000L);
        assertThat(out).extracting(PgwRecord::totalVolume).containsExactly(10L, 2L, 2L);
    }

    @Test
    void shouldCutATimeLimitTheRecordReachedBeforeItsClose() {
        CdrAssembler a = assembler(0, 60_000, 0);
        int h = a.open(1, CdrFixtures.identity(1, "basic"), 0);
        a.onUsage(h, 10, 0, 5, 5, 1, 1, 1000, 1000, 0);
        // nobody called onTime: the close still gives the same chain as if it had run at 60 s
        a.close(h, CauseForRecClosing.NORMAL_RELEASE, 90_000);
        assertThat(out)
                .extracting(PgwRecord::causeForRecClosing)
                .containsExactly(CauseForRecClosing.TIME_LIMIT, CauseForRecClosing.NORMAL_RELEASE);
        assertThat(out).extracting(PgwRecord::durationMs).containsExactly(60_000L, 30_000L);
        assertThat(out).extracting(PgwRecord::totalVolume).containsExactly(10L, 0L);
    }

    @Test
    void shouldCutMaxChangeCondWhenContainerCountWouldBeExceeded() {
        CdrAssembler a = assembler(0, 0, 2);
        int h = a.open(1, CdrFixtures.identity(1, "basic"), 0);
        a.onUsage(h, 1, 0, 1, 0, 1, 0, 1, 1, 0);
        a.onUsage(h, 2, 0, 1, 0, 1, 0, 2, 2, 0);
        a.onUsage(h, 1, 0, 1, 0, 1, 0, 3, 3, 0);
        a.onUsage(h, 3, 0, 1, 0, 1, 0, 4, 4, 0);
        a.close(h, CauseForRecClosing.MANAGEMENT_INTERVENTION, 5);

        assertThat(out)
                .extracting(PgwRecord::causeForRecClosing)
                .containsExactly(CauseForRecClosing.MAX_CHANGE_COND, CauseForRecClosing.MANAGEMENT_INTERVENTION);
        assertThat(out.getFirst().listOfServiceData())
                .extracting(ServiceData::ratingGroup)
                .containsExactly(1, 2);
        assertThat(out.get(1).listOfServiceData())
                .extracting(ServiceData::ratingGroup)
                .containsExactly(3);
    }

    @Test
    void shouldCarryPeerAndBindingChangeWhenPeerToPeerSessionIsRebound() {
        CdrAssembler a = assembler(0, 0, 0);
        int h = a.open(3, CdrFixtures.identity(1, "basic"), 0);
        a.onPeer(h, 7, 8);
        a.close(h, CauseForRecClosing.BINDING_CHANGE, 10);
        assertThat(out.getFirst().peerToPeer()).isTrue();
        assertThat(out.getFirst().peerKeyLo()).isEqualTo(8);
        assertThat(out.getFirst().causeForRecClosing().code()).isEqualTo(100);
    }

    @Test
    void shouldReuseSlotsGrowWhenFullAndFailFastWhenHandleIsStale() {
        CdrAssembler a = assembler(0, 0, 0);
        int[] handles = new int[4];
        for (int i = 0; i < 4; i++) {
            handles[i] = a.open(i, CdrFixtures.identity(i, "basic"), 0);
        }
        int fifth = a.open(9, CdrFixtures.identity(9, "basic"), 0);
        assertThat(fifth).isNotIn(handles[0], handles[1], handles[2], handles[3]);
        assertThat(a.openSessions()).isEqualTo(5);
        a.close(fifth, CauseForRecClosing.NORMAL_RELEASE, 1);
        a.close(handles[2], CauseForRecClosing.NORMAL_RELEASE, 1);
        assertThatThrownBy(() -> a.onUsage(handles[2], 1, 0, 1, 1, 1, 1, 1, 1, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("handle=" + handles[2] + " is not an open session");
        assertThatThrownBy(() -> a.close(handles[1], CauseForRecClosing.VOLUME_LIMIT, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cause=VOLUME_LIMIT");
        assertThat(a.open(10, CdrFixtures.identity(10, "basic"), 5)).isEqualTo(handles[2]);
    }

    @Test
    void shouldCloseEverySessionWithFinalRecordWhenClosingAll() {
        CdrAssembler a = assembler(0, 0, 0);
        a.open(1, CdrFixtures.identity(1, "basic"), 0);
        int h = a.open(2, CdrFixtures.identity(2, "basic"), 0);
        a.open(3, CdrFixtures.identity(3, "basic"), 0);
        a.close(h, CauseForRecClosing.NORMAL_RELEASE, 5);
        assertThat(a.closeAll(CauseForRecClosing.MANAGEMENT_INTERVENTION, 9)).isEqualTo(2);
        assertThat(out).extracting(PgwRecord::chargingID).containsExactly(2L, 1L, 3L);
        assertThat(out)
                .extracting(PgwRecord::causeForRecClosing)
                .containsExactly(
                        CauseForRecClosing.NORMAL_RELEASE,
                        CauseForRecClosing.MANAGEMENT_INTERVENTION,
                        CauseForRecClosing.MANAGEMENT_INTERVENTION);
        assertThat(a.openSessions()).isZero();
        assertThat(a.recordsCut()).isEqualTo(3);
    }

    @Test
    void shouldMapTs32298CodesWhenLookingUpCauses() {
        assertThat(CauseForRecClosing.ofCode(0)).isEqualTo(CauseForRecClosing.NORMAL_RELEASE);
        assertThat(CauseForRecClosing.ofCode(4)).isEqualTo(CauseForRecClosing.ABNORMAL_RELEASE);
        assertThat(CauseForRecClosing.ofCode(16)).isEqualTo(CauseForRecClosing.VOLUME_LIMIT);
        assertThat(CauseForRecClosing.ofCode(17)).isEqualTo(CauseForRecClosing.TIME_LIMIT);
        assertThat(CauseForRecClosing.ofCode(19)).isEqualTo(CauseForRecClosing.MAX_CHANGE_COND);
        assertThat(CauseForRecClosing.ofCode(20)).isEqualTo(CauseForRecClosing.MANAGEMENT_INTERVENTION);
        assertThat(CauseForRecClosing.ofCode(3)).isNull();
        assertThat(CauseForRecClosing.ofCode(-1)).isNull();
    }

    /**
     * An {@link EncodedCdrSink} (the journal's) gets the bytes of each record; any other sink the record decoded from
     * them. Over random sessions that reach every limit, carry peers, identities with and without strings (one not
     * ASCII), and close with every final cause, both must see the same records in the same order, and the bytes must
     * be exactly what {@link CdrCodec#encode} writes for that record (so the other tests here, which read records,
     * check the journal's bytes too).
     */
    @Test
    void shouldEncodeTheSameBytesAsTheRecordWhenTheSinkTakesEncodedRecords() {
        List<byte[]> encoded = new ArrayList<>();
        EncodedCdrSink bytes = new EncodedCdrSink() {
            @Override
            public void onEncoded(byte[] payload, int length) {
                encoded.add(java.util.Arrays.copyOf(payload, length));
            }

            @Override
            public void onCdr(PgwRecord cdr) {
                throw new AssertionError("the assembler must use onEncoded");
            }
        };
        AssemblerContext context = new AssemblerContext("node-\u00e9", 30_000, 5_000, 3, 2);
        CdrAssembler objects = new CdrAssembler(context, out::add);
        CdrAssembler direct = new CdrAssembler(context, bytes);
        java.util.Random random = new java.util.Random(7);
        CauseForRecClosing[] finals = {
            CauseForRecClosing.NORMAL_RELEASE,
            CauseForRecClosing.ABNORMAL_RELEASE,
            CauseForRecClosing.MANAGEMENT_INTERVENTION,
            CauseForRecClosing.BINDING_CHANGE
        };
        int[] handles = new int[2];
        for (int session = 0; session < 400; session++) {
            long openMs = session * 1_000L;
            SessionIdentity identity = random.nextInt(4) == 0
                    ? new SessionIdentity(
                            null, null, "2001:db8::/64", ChargingSide.NETWORK, session, -session, 0, null, null)
                    : CdrFixtures.identity(session, random.nextBoolean() ? "basic" : "pr\u00e9paid");
            for (int i = 0; i < 2; i++) {
                CdrAssembler a = i == 0 ? objects : direct;
                handles[i] = a.open(session * 7L, identity, openMs);
            }
            java.util.Random same = new java.util.Random(session);
            int usages = random.nextInt(0, 30);
            long t = openMs;
            for (int u = 0; u < usages; u++) {
                int rg = 10 * same.nextInt(1, 6);
                int sid = same.nextInt(3);
                long ul = same.nextInt(5_000);
                long dl = same.nextInt(20_000);
                long first = t + same.nextInt(2_000);
                long last = first + same.nextInt(3_000);
                long active = same.nextInt(1_000);
                t = first;
                boolean peer = same.nextInt(10) == 0;
                for (int i = 0; i < 2; i++) {
                    CdrAssembler a = i == 0 ? objects : direct;
                    if (peer) {
                        a.onPeer(handles[i], 1, session);
                    }
                    a.onUsage(handles[i], rg, sid, ul, dl, 1, 2, first, last, active);
                }
            }
            CauseForRecClosing cause = finals[random.nextInt(finals.length)];
            long closeMs = t + random.nextInt(10_000);
            objects.close(handles[0], cause, closeMs);
            direct.close(handles[1], cause, closeMs);
        }
        assertThat(out).hasSizeGreaterThan(800);
        assertThat(out.stream().map(PgwRecord::causeForRecClosing).distinct())
                .contains(
                        CauseForRecClosing.VOLUME_LIMIT,
                        CauseForRecClosing.TIME_LIMIT,
                        CauseForRecClosing.MAX_CHANGE_COND,
                        CauseForRecClosing.BINDING_CHANGE);
        assertThat(encoded).hasSameSizeAs(out);
        for (int i = 0; i < out.size(); i++) {
            assertThat(encoded.get(i)).as("record %d", i).isEqualTo(CdrCodec.encode(out.get(i)));
            assertThat(CdrCodec.decode(
                            java.nio.ByteBuffer.wrap(encoded.get(i)).order(java.nio.ByteOrder.LITTLE_ENDIAN), 0))
                    .isEqualTo(out.get(i));
        }
        assertThat(direct.recordsCut()).isEqualTo(objects.recordsCut());
        assertThat(direct.openSessions()).isZero();
    }
}
