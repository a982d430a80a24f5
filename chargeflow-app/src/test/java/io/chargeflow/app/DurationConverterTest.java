package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {
    @Test
    void shouldReadUnitsPlainSecondsAndIso() {
        assertThat(DurationConverter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationConverter.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationConverter.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        // a plain number is seconds, a single digit too ("0" turns a periodic line off)
        assertThat(DurationConverter.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(DurationConverter.parse("5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurationConverter.parse(" 30 ")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldNameTheTextItCannotRead() {
        for (String bad : new String[] {"", "ms", "s", "5x", "1.5s", "-", "P1X"}) {
            assertThatThrownBy(() -> DurationConverter.parse(bad))
                    .as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessage("'" + bad + "' is not a duration (e.g. 250ms, 30s, 5m, 2h, 1d)");
        }
    }
}
