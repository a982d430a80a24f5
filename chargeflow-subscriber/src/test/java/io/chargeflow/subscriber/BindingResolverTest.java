package io.chargeflow.subscriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolver's cache: negative cool-down, invalidation on change, time-aware answers, bounds, preload. */
class BindingResolverTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private SubscriberStore store;
    private BindingResolver resolver;
    private final AtomicLong nowNs = new AtomicLong(1_000_000_000L);

    record Answer(SubscriberRecord subscriber, long fromMs, long untilMs) {}

    @BeforeEach
    void open() {
        store = SubscriberStore.open(new StoreContext().dataDir(dir));
        resolver = new BindingResolver(
                store,
                new ResolverContext()
                        .cacheCapacity(64)
                        .negativeCoolDownMs(1_000)
                        .nanoClock(nowNs::get));
    }

    @AfterEach
    void close() {
        resolver.close();
        store.close();
    }

    private Answer ask(String address, long atMs) throws Exception {
        BindingKey key = BindingKey.parse(address, 64);
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        resolver.resolve(key.hi(), key.lo(), key.prefixLength(), atMs, (hi, lo, at, s, from, until) -> {
            assertThat(hi).isEqualTo(key.hi());
            assertThat(lo).isEqualTo(key.lo());
            assertThat(at).isEqualTo(atMs);
            answer.complete(new Answer(s, from, until));
        });
        return answer.get(10, TimeUnit.SECONDS);
    }

    private void start(String session, String imsi, String address, long atMs) {
        store.applyAccounting(
                List.of(new AccountingEvent(
                        AccountingEvent.Status.START,
                        "nas",
                        session,
                        null,
                        imsi,
                        null,
                        List.of(BindingKey.parse(address, 64)),
                        atMs,
                        -1,
                        -1)),
                true);
    }

    @Test
    void shouldServeUnknownAddressFromCacheUntilCoolDownEnds() throws Exception {
        assertThat(ask("10.6.0.1", T0)).isEqualTo(new Answer(null, Long.MIN_VALUE, Long.MAX_VALUE));
        assertThat(ask("10.6.0.1", T0 + 5)).isEqualTo(new Answer(null, Long.MIN_VALUE, Long.MAX_VALUE));
        assertThat(resolver.cacheMisses()).isEqualTo(1);
        assertThat(resolver.cacheHits()).isEqualTo(1);
        nowNs.addAndGet(1_000_000_001L);
        ask("10.6.0.1", T0 + 6);
        assertThat(resolver.cacheMisses()).isEqualTo(2);
    }

    @Test
    void shouldAnswerNewHolderWhenBindingChangesAfterCaching() throws Exception {
        start("a", "001010000000001", "10.6.0.2", T0);
        assertThat(ask("10.6.0.2", T0 + 10).subscriber().imsi()).isEqualTo("001010000000001");
        start("b", "001010000000002", "10.6.0.2", T0 + 100);
        Answer after = ask("10.6.0.2", T0 + 200);
        assertThat(after.subscriber().imsi()).isEqualTo("001010000000002");
        assertThat(after.fromMs()).isEqualTo(T0 + 100);
        Answer before = ask("10.6.0.2", T0 + 50);
        assertThat(before).isEqualTo(new Answer(before.subscriber(), T0, T0 + 100));
        assertThat(before.subscriber().imsi()).isEqualTo("001010000000001");
        // both intervals of the reused address are now cached
        ask("10.6.0.2", T0 + 60);
        ask("10.6.0.2", T0 + 300);
        assertThat(resolver.cacheHits()).isEqualTo(2);
    }

    @Test
    void shouldAnswerFromCacheOnCallingThreadWhenPreloaded() throws Exception {
        start("a", "001010000000003", "10.6.0.3", T0);
        start("b", "001010000000004", "2001:db8:6::/64", T0);
        assertThat(resolver.preload(T0 + 1)).isEqualTo(2);
        BindingKey key = BindingKey.parse("2001:db8:6::/64", 64);
        Thread caller = Thread.currentThread();
        Thread[] answeredOn = new Thread[1];
        resolver.resolve(
                key.hi(), key.lo(), 64, T0 + 2, (hi, lo, at, s, from, until) -> answeredOn[0] = Thread.currentThread());
        assertThat(answeredOn[0]).isSameAs(caller);
        assertThat(resolver.cacheMisses()).isZero();
    }

    @Test
    void shouldRecheckAfterCoolDownWhenAnswerCameFromDelegatedPrefix() throws Exception {
        start("d", "001010000000008", "2001:db8:a:100::/56", T0);
        assertThat(ask("2001:db8:a:101::/64", T0 + 1).subscriber().imsi()).isEqualTo("001010000000008");
        ask("2001:db8:a:101::/64", T0 + 2);
        assertThat(resolver.cacheHits()).isEqualTo(1);
        nowNs.addAndGet(1_000_000_001L);
        ask("2001:db8:a:101::/64", T0 + 3);
        assertThat(resolver.cacheMisses()).isEqualTo(2);
    }

    @Test
    void shouldStayWithinCapacityWhenManyKeysAreCached() throws Exception {
        for (int i = 0; i < 200; i++) {
            ask("10.7." + (i / 256) + "." + (i % 256), T0);
        }
        assertThat(resolver.cachedIntervals()).isLessThanOrEqualTo(64);
        assertThat(resolver.cacheMisses()).isEqualTo(200);
    }

    @Test
    void shouldAnswerAskAgainWhenClosedWithLookupsPending() {
        resolver.close();
        long[] until = new long[1];
        resolver.resolve(0, BindingKey.ipv4Lo(0x0A00_0001), 64, T0, (hi, lo, at, s, from, u) -> until[0] = u);
        assertThat(until[0]).isEqualTo(T0 + 1);
        assertThat(resolver.rejectedLookups()).isEqualTo(1);
    }

    @Test
    void shouldFailFastWhenConfigurationIsWrong() {
        assertThatThrownBy(() -> new ResolverContext().cacheCapacity(100))
                .hasMessage("cacheCapacity=100 must be a power of two >= 16");
        assertThatThrownBy(() -> new StoreContext().jdbcUrl("jdbc:mysql://x/y"))
                .hasMessage("db=jdbc:mysql://x/y must start with jdbc:postgresql: or jdbc:h2:");
        assertThatThrownBy(() -> BindingKey.parse("10.0.0.1/24", 64))
                .hasMessage("address=10.0.0.1/24: IPv4 bindings are single addresses (/32)");
    }
}
