package io.chargeflow.subscriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One contract for every engine: H2 (embedded file) and a real PostgreSQL run the same tests. */
abstract class SubscriberStoreContractTest {
    static final long T0 = 1_700_000_000_000L;
    static final String HEADER = "imsi,msisdn,account,plan,status,address,valid_from,valid_until\n";

    SubscriberStore store;
    final List<BindingChange> changes = new ArrayList<>();

    /** A fresh, empty database for one test. */
    abstract StoreContext freshDatabase() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = SubscriberStore.open(freshDatabase());
        store.addBindingListener(changes::add);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static AccountingEvent event(
            AccountingEvent.Status status, String session, String imsi, String address, long atMs, long in, long out) {
        List<BindingKey> keys = address == null ? List.of() : List.of(BindingKey.parse(address, 64));
        return new AccountingEvent(status, "nas-1", session, "user-" + imsi, imsi, null, keys, atMs, in, out);
    }

    @Test
    void shouldImportSubscribersAndStaticBindingsWhenCsvIsValid() throws Exception {
        String csv = HEADER
                + "001010000000001,15550000001,acct-1,gold,active,10.0.0.1,1700000000000,\n"
                + "001010000000001,15550000001,acct-1,gold,active,2001:db8:1::/48,2023-11-14T22:13:20Z,\n"
                + "# a comment\n"
                + ",15550000002,acct-2,,suspended,,,\n";
        SubscriberStore.ImportResult result = store.importCsv(new StringReader(csv), T0);
        assertThat(result).isEqualTo(new SubscriberStore.ImportResult(2, 0, 1, 2));
        List<SubscriberRecord> all = store.listSubscribers();
        assertThat(all).hasSize(2);
        assertThat(all.get(0).imsi()).isEqualTo("001010000000001");
        assertThat(all.get(0).plan()).isEqualTo("gold");
        assertThat(all.get(1).imsi()).isNull();
        assertThat(all.get(1).status()).isEqualTo("suspended");
        BindingAnswer answer = store.bindingAt(BindingKey.parse("10.0.0.1", 64), T0 + 5);
        assertThat(answer.subscriber().msisdn()).isEqualTo("15550000001");
        assertThat(answer.validFromMs()).isEqualTo(T0);
        assertThat(answer.validUntilMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(store.bindingAt(BindingKey.parse("2001:db8:1::/48", 64), T0)
                        .subscriber()
                        .subscriberId())
                .isEqualTo(all.get(0).subscriberId());
        assertThat(changes).hasSize(2);
        assertThat(store.importCsv(new StringReader(csv), T0 + 1))
                .isEqualTo(new SubscriberStore.ImportResult(0, 2, 0, 0));
    }

    @Test
    void shouldRejectWholeFileWithLineAndReasonWhenOneLineIsBad() {
        String csv = HEADER
                + "001010000000001,15550000001,acct-1,gold,active,10.0.0.1,,\n"
                + "001010000000002,15550000002,acct-2,gold,active,10.0.0.300,,\n";
        assertThatThrownBy(() -> store.importCsv(new StringReader(csv), T0))
                .isInstanceOfSatisfying(CsvImportException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.reason()).contains("10.0.0.300");
                });
        assertThat(store.listSubscribers()).isEmpty();
        assertThat(changes).isEmpty();
    }

    @Test
    void shouldRejectCsvWhenHeaderFieldCountOrOverlapIsWrong() throws Exception {
        assertThatThrownBy(() -> store.importCsv(new StringReader("imsi,msisdn\n"), T0))
                .isInstanceOfSatisfying(
                        CsvImportException.class, e -> assertThat(e.line()).isEqualTo(1));
        assertThatThrownBy(() -> store.importCsv(new StringReader(HEADER + "1,2,3\n"), T0))
                .hasMessage("line 2: expected 8 fields, found 3");
        assertThatThrownBy(() -> store.importCsv(new StringReader(HEADER + "00101000000001x,,,,,,,\n"), T0))
                .hasMessageContaining("line 2: imsi=00101000000001x");
        String overlapping =
                HEADER + "001010000000001,,,,,10.0.0.1,1000,3000\n" + "001010000000002,,,,,10.0.0.1,2000,4000\n";
        assertThatThrownBy(() -> store.importCsv(new StringReader(overlapping), T0))
                .hasMessage("line 3: address 10.0.0.1 overlaps its binding on line 2");
        store.importCsv(new StringReader(HEADER + "001010000000001,,,,,10.0.0.1,1000,\n"), T0);
        assertThatThrownBy(() -> store.importCsv(new StringReader(HEADER + "001010000000002,,,,,10.0.0.1,5000,\n"), T0))
                .hasMessage("line 2: address 10.0.0.1 overlaps a stored binding of subscriber 1");
        assertThat(store.listSubscribers()).hasSize(1);
    }

    @Test
    void shouldChargeWhoeverHeldAddressAtPacketTimeWhenAddressIsReused() {
        BindingKey key = BindingKey.parse("10.1.0.7", 64);
        store.applyAccounting(
                List.of(
                        event(AccountingEvent.Status.START, "s1", "001010000000001", "10.1.0.7", T0, -1, -1),
                        event(AccountingEvent.Status.STOP, "s1", "001010000000001", "10.1.0.7", T0 + 1000, 10, 20),
                        event(AccountingEvent.Status.START, "s2", "001010000000002", "10.1.0.7", T0 + 5000, -1, -1)),
                true);
        BindingAnswer first = store.bindingAt(key.hi(), key.lo(), 64, T0 + 999);
        assertThat(first.subscriber().imsi()).isEqualTo("001010000000001");
        assertThat(first.validFromMs()).isEqualTo(T0);
        assertThat(first.validUntilMs()).isEqualTo(T0 + 1000);
        assertThat(first.binding().nasInputOctets()).isEqualTo(10);
        assertThat(first.binding().nasOutputOctets()).isEqualTo(20);
        BindingAnswer gap = store.bindingAt(key, T0 + 3000);
        assertThat(gap.subscriber()).isNull();
        assertThat(gap.validFromMs()).isEqualTo(T0 + 1000);
        assertThat(gap.validUntilMs()).isEqualTo(T0 + 5000);
        BindingAnswer second = store.bindingAt(key, T0 + 5000);
        assertThat(second.subscriber().imsi()).isEqualTo("001010000000002");
        assertThat(second.validUntilMs()).isEqualTo(Long.MAX_VALUE);
        BindingAnswer never = store.bindingAt(BindingKey.parse("10.9.9.9", 64), T0);
        assertThat(never).isEqualTo(new BindingAnswer(null, null, Long.MIN_VALUE, Long.MAX_VALUE));
        assertThat(changes)
                .extracting(BindingChange::kind, BindingChange::atTimeMs)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(BindingChange.Kind.STARTED, T0),
                        org.assertj.core.groups.Tuple.tuple(BindingChange.Kind.ENDED, T0 + 1000),
                        org.assertj.core.groups.Tuple.tuple(BindingChange.Kind.STARTED, T0 + 5000));
    }

    @Test
    void shouldApplyOnceWhenSameRequestsAreAppliedTwice() {
        List<AccountingEvent> batch = List.of(
                event(AccountingEvent.Status.START, "s1", "001010000000001", "10.1.0.8", T0, -1, -1),
                event(AccountingEvent.Status.INTERIM_UPDATE, "s1", "001010000000001", "10.1.0.8", T0 + 60, 5, 6));
        store.applyAccounting(batch, true);
        store.applyAccounting(batch, true);
        assertThat(store.listSubscribers()).hasSize(1);
        List<IpBinding> history = store.bindingHistory(BindingKey.parse("10.1.0.8", 64));
        assertThat(history).hasSize(1);
        assertThat(history.get(0).nasInputOctets()).isEqualTo(5);
        assertThat(changes).hasSize(1);
        AccountingEvent stop = event(AccountingEvent.Status.STOP, "s1", "001010000000001", "10.1.0.8", T0 + 90, 7, 8);
        store.applyAccounting(List.of(stop), true);
        store.applyAccounting(List.of(stop), true);
        assertThat(store.bindingHistory(BindingKey.parse("10.1.0.8", 64)).get(0).validUntilMs())
                .isEqualTo(T0 + 90);
        assertThat(changes).hasSize(2);
    }

    @Test
    void shouldFindDelegatedPrefixWhenAskedForContainedSlash64() {
        store.applyAccounting(
                List.of(
                        event(AccountingEvent.Status.START, "d", "001010000000006", "2001:db8:9:7700::/56", T0, -1, -1),
                        event(
                                AccountingEvent.Status.START,
                                "e",
                                "001010000000007",
                                "2001:db8:9:7742::/64",
                                T0 + 500,
                                -1,
                                -1)),
                true);
        BindingKey inside = BindingKey.parse("2001:db8:9:7701::/64", 64);
        BindingAnswer delegated = store.bindingAt(inside.hi(), inside.lo(), 64, T0 + 10);
        assertThat(delegated.subscriber().imsi()).isEqualTo("001010000000006");
        assertThat(delegated.binding().key()).isEqualTo(BindingKey.parse("2001:db8:9:7700::/56", 64));
        assertThat(delegated.validUntilMs()).isEqualTo(Long.MAX_VALUE);
        BindingKey specific = BindingKey.parse("2001:db8:9:7742::/64", 64);
        BindingAnswer before = store.bindingAt(specific, T0 + 10);
        assertThat(before.subscriber().imsi()).isEqualTo("001010000000006");
        assertThat(before.validFromMs()).isEqualTo(T0);
        assertThat(before.validUntilMs()).isEqualTo(T0 + 500);
        assertThat(store.bindingAt(specific, T0 + 500).subscriber().imsi()).isEqualTo("001010000000007");
        assertThat(store.bindingAt(BindingKey.parse("2001:db8:9:7800::/64", 64), T0 + 10)
                        .subscriber())
                .isNull();
        assertThat(store.ipv6PrefixLengths()).containsExactly(56, 64);
    }

    @Test
    void shouldBindWhenInterimUpdateArrivesWithoutStart() {
        store.applyAccounting(
                List.of(event(AccountingEvent.Status.INTERIM_UPDATE, "lost", "001010000000005", "10.1.0.9", T0, 3, 4)),
                true);
        BindingAnswer answer = store.bindingAt(BindingKey.parse("10.1.0.9", 64), T0);
        assertThat(answer.subscriber().imsi()).isEqualTo("001010000000005");
        assertThat(answer.binding().nasInputOctets()).isEqualTo(3);
        assertThat(answer.binding().acctSessionId()).isEqualTo("lost");
    }

    @Test
    void shouldEndEveryBindingOfNasWhenAccountingOnArrives() {
        store.applyAccounting(
                List.of(
                        event(AccountingEvent.Status.START, "a", "001010000000001", "10.2.0.1", T0, -1, -1),
                        event(AccountingEvent.Status.START, "b", "001010000000002", "2001:db8:2::/64", T0, -1, -1),
                        new AccountingEvent(
                                AccountingEvent.Status.ACCOUNTING_ON,
                                "nas-1",
                                null,
                                null,
                                null,
                                null,
                                List.of(),
                                T0 + 10,
                                -1,
                                -1)),
                true);
        assertThat(store.bindingAt(BindingKey.parse("10.2.0.1", 64), T0 + 10).subscriber())
                .isNull();
        assertThat(store.bindingAt(BindingKey.parse("2001:db8:2::/64", 64), T0 + 9)
                        .subscriber())
                .isNotNull();
        assertThat(changes)
                .filteredOn(c -> c.kind() == BindingChange.Kind.ENDED)
                .hasSize(2);
    }

    @Test
    void shouldNotBindWhenSubscriberIsUnknownAndCreationIsOff() {
        SubscriberStore.AccountingResult result = store.applyAccounting(
                List.of(event(AccountingEvent.Status.START, "x", "001010000000009", "10.3.0.1", T0, -1, -1)), false);
        assertThat(result.eventsWithoutSubscriber()).isEqualTo(1);
        assertThat(store.bindingHistory(BindingKey.parse("10.3.0.1", 64))).isEmpty();
    }

    @Test
    void shouldPreloadOnlyCurrentBindingsWhenSomeHaveEnded() {
        store.applyAccounting(
                List.of(
                        event(AccountingEvent.Status.START, "a", "001010000000001", "10.4.0.1", T0, -1, -1),
                        event(AccountingEvent.Status.START, "b", "001010000000002", "10.4.0.2", T0, -1, -1),
                        event(AccountingEvent.Status.STOP, "b", "001010000000002", "10.4.0.2", T0 + 5, -1, -1)),
                true);
        List<String> loaded = new ArrayList<>();
        long count = store.preloadCurrent(
                T0 + 10, (hi, lo, len, from, until, s) -> loaded.add(new BindingKey(hi, lo, len) + "=" + s.imsi()));
        assertThat(count).isEqualTo(1);
        assertThat(loaded).containsExactly("10.4.0.1=001010000000001");
    }

    @Test
    void shouldResolveFromCacheAfterFirstLookupWhenBindingIsStable() throws Exception {
        store.applyAccounting(
                List.of(event(AccountingEvent.Status.START, "a", "001010000000001", "10.5.0.1", T0, -1, -1)), true);
        BindingKey key = BindingKey.parse("10.5.0.1", 64);
        try (BindingResolver resolver = new BindingResolver(store, new ResolverContext().cacheCapacity(1024))) {
            java.util.concurrent.CompletableFuture<SubscriberRecord> first =
                    new java.util.concurrent.CompletableFuture<>();
            resolver.resolve(key.hi(), key.lo(), 64, T0 + 1, (h, l, at, s, from, until) -> first.complete(s));
            assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS).imsi())
                    .isEqualTo("001010000000001");
            SubscriberRecord[] second = new SubscriberRecord[1];
            resolver.resolve(key.hi(), key.lo(), 64, T0 + 2, (h, l, at, s, from, until) -> second[0] = s);
            assertThat(second[0].imsi()).isEqualTo("001010000000001");
            assertThat(resolver.cacheHits()).isEqualTo(1);
            assertThat(resolver.cacheMisses()).isEqualTo(1);
        }
    }

    @Test
    void shouldFailWithSchemaMissingWhenMigrationsAreOffOnEmptyDatabase() throws Exception {
        StoreContext empty = freshDatabase().migrate(false);
        assertThatThrownBy(() -> SubscriberStore.open(empty))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("schema missing");
    }
}
