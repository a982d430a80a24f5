package io.chargeflow.charging.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TariffsTest {
    static final List<String> SAMPLE = List.of(
            "# sample tariffs",
            "currency EUR",
            "timezone Europe/Berlin",
            "allowance-period month",
            "default-plan basic",
            "plan basic",
            "  allowance rg=10 volume=1MiB",
            "  zero rg=30",
            "  volume rg=10 step=1MiB price=2 days=sat-sun",
            "  volume rg=10 step=1MiB price=5 hours=08:00-20:00",
            "  volume rg=10 step=1MiB price=3",
            "  time rg=20 step=60s price=10",
            "  volume rg=* step=1MB price=4",
            "plan premium",
            "  zero rg=*");

    @Test
    void shouldParseEveryDirectiveWhenFileIsValid() {
        Tariffs t = Tariffs.parse("sample", SAMPLE);
        assertThat(t.currency()).isEqualTo(Currency.getInstance("EUR"));
        assertThat(t.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(t.allowancePeriod()).isEqualTo(AllowancePeriod.MONTH);
        assertThat(t.planNames()).containsExactlyInAnyOrder("basic", "premium");
        Plan basic = t.plan("basic");
        assertThat(basic.allowances()).containsExactly(new AllowanceLine(7, 10, 1_048_576, 0));
        assertThat(basic.rates()).hasSize(6);
        assertThat(basic.rates().get(1))
                .isEqualTo(new RateLine(
                        9,
                        RateLine.Kind.VOLUME,
                        10,
                        1_048_576,
                        2,
                        new Band(java.util.EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), 0, 0)));
        assertThat(basic.rates().get(2).band())
                .isEqualTo(new Band(java.util.EnumSet.allOf(DayOfWeek.class), 480, 1200));
        assertThat(basic.rates().get(4).step()).isEqualTo(60_000);
        assertThat(basic.rates().get(5).ratingGroup()).isEqualTo(RateLine.ANY_RATING_GROUP);
        assertThat(t.plan("nope")).isSameAs(basic);
        assertThat(t.plan(null)).isSameAs(basic);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "volume rg=10 step=1MiB price=2.5|3|price=2.5 is not an integer number of minor units",
                "volume rg=10 step=10 price=2|3|step=10 needs a unit: B, KB, MB, GB, KiB, MiB, GiB",
                "volume rg=ten step=1B price=2|3|rg=ten is not a number or *",
                "volume rg=10 price=2|3|missing step=",
                "volume rg=10 step=1B price=2 colour=red|3|unknown key 'colour' for volume (want days, hours, price, rg, step)",
                "time rg=1 step=5 price=1|3|duration=5 needs a unit: ms, s, m, h",
                "volume rg=1 step=1B price=1 days=mon-fry|3|days=mon-fry: 'fry' is not mon, tue, wed, thu, fri, sat or sun",
                "volume rg=1 step=1B price=1 hours=25:00-06:00|3|hours=25:00-06:00 is not HH:MM-HH:MM",
                "zero rg=1 price=3|3|zero takes no step or price",
                "allowance rg=1|3|allowance needs volume= and/or time=",
                "discount 10|3|unknown directive 'discount' (want currency, timezone, allowance-period, default-plan, plan, "
                        + "volume, time, zero, allowance)",
                "volume rg=1 step=0B price=1|3|step=0B must be positive",
                "plan basic|3|plan=basic is defined twice"
            })
    void shouldNameTheLineWhenTariffLineIsBroken(String badLine, int line, String message) {
        List<String> lines = List.of("currency EUR", "plan basic", badLine, "volume rg=* step=1B price=1");
        assertThatThrownBy(() -> Tariffs.parse("t.txt", lines))
                .isInstanceOf(TariffException.class)
                .hasMessage("t.txt line=" + line + ": " + message)
                .extracting(e -> ((TariffException) e).line())
                .isEqualTo(line);
    }

    @Test
    void shouldRejectFileWhenHeaderDirectivesAreWrong() {
        assertThatThrownBy(() -> Tariffs.parse("t", List.of("currency XYZ")))
                .hasMessage("t line=1: currency=XYZ is not an ISO 4217 code");
        assertThatThrownBy(() -> Tariffs.parse("t", List.of("plan a", "zero rg=*")))
                .hasMessage("t line=2: no 'currency' line");
        assertThatThrownBy(() -> Tariffs.parse("t", List.of("currency EUR", "volume rg=* step=1B price=1")))
                .hasMessage("t line=2: rate line outside a plan (start one with 'plan NAME')");
        assertThatThrownBy(() -> Tariffs.parse("t", List.of("currency EUR", "default-plan x", "plan a")))
                .hasMessage("t line=2: default-plan=x is not defined");
        assertThatThrownBy(() -> Tariffs.parse("t", List.of("currency EUR", "timezone Mars/Olympus", "plan a")))
                .hasMessage("t line=2: timezone=Mars/Olympus is not a time zone id");
    }

    @Test
    void shouldPrintExactDecimalsWhenMoneyIsFormatted() {
        Currency eur = Currency.getInstance("EUR");
        assertThat(new Money(1230, eur)).hasToString("12.30 EUR");
        assertThat(new Money(-5, eur).plain()).isEqualTo("-0.05");
        assertThat(new Money(7, Currency.getInstance("JPY"))).hasToString("7 JPY");
        assertThatThrownBy(() -> new Money(1, eur).plus(new Money(1, Currency.getInstance("USD"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("currency=EUR cannot be added to currency=USD");
        assertThatThrownBy(() -> new Money(Long.MAX_VALUE, eur).plus(new Money(1, eur)))
                .isInstanceOf(ArithmeticException.class);
    }
}
