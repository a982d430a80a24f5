package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's figures: its medians and ratios must follow from the rounds it prints. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldPrintRatiosThatFollowFromTheRoundsWhenRulesAreCompared() {
        String[] out = new String[1];
        int code = runRulesBench(out);
        String text = out[0];
        assertThat(code).as(text).isZero();
        Matcher round = Pattern.compile("(?m)^round \\d+ +([0-9.]+) Mpps.*; with rating-group rules ([0-9.]+) Mpps")
                .matcher(text);
        List<Double> plain = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        // the rounds print 0.01 Mpps: a ratio recomputed from them is off by up to ratio * (0.005/with + 0.005/plain)
        double tolerance = 0.0005;
        while (round.find()) {
            double p = Double.parseDouble(round.group(1));
            double w = Double.parseDouble(round.group(2));
            plain.add(p);
            ratios.add(w / p);
            tolerance = Math.max(tolerance, w / p * (0.005 / w + 0.005 / p) + 0.0005);
        }
        assertThat(plain).as(text).hasSize(3);
        Matcher paired = Pattern.compile("per-round ratio: median ([0-9.]+), range ([0-9.]+)-([0-9.]+)")
                .matcher(text);
        assertThat(paired.find()).as(text).isTrue();
        List<Double> sorted = new ArrayList<>(ratios);
        sorted.sort(Double::compare);
        assertThat(Double.parseDouble(paired.group(1))).isCloseTo(sorted.get(1), within(tolerance));
        assertThat(Double.parseDouble(paired.group(2))).isCloseTo(sorted.getFirst(), within(tolerance));
        assertThat(Double.parseDouble(paired.group(3))).isCloseTo(sorted.getLast(), within(tolerance));
        List<Double> sortedPlain = new ArrayList<>(plain);
        sortedPlain.sort(Double::compare);
        assertThat(text).contains(String.format("median: %.2f Mpps over 3 rounds (1 processors)", sortedPlain.get(1)));
    }

    @Test
    void shouldRunOnlyTheRulesWhenAskedAndPrintTheirMedian() {
        String[] out = new String[1];
        int code = runRulesBench(out, "--only-with");
        String text = out[0];
        assertThat(code).as(text).isZero();
        Matcher round = Pattern.compile("(?m)^round \\d+ +with rating-group rules ([0-9.]+) Mpps")
                .matcher(text);
        List<Double> with = new ArrayList<>();
        while (round.find()) {
            with.add(Double.parseDouble(round.group(1)));
        }
        assertThat(with).as(text).hasSize(3);
        with.sort(Double::compare);
        assertThat(text)
                .contains(String.format(
                        "median with rating-group rules: %.2f Mpps over 3 rounds (1 processors)", with.get(1)))
                .doesNotContain("ratio")
                .doesNotContainPattern("(?m)^round \\d+ +[0-9]");
    }

    @Test
    void shouldRefuseOnlyWithWithoutRulesOrADatabase() {
        String[] out = new String[1];
        int code = run(out, "bench", "--packets", "1000", "--only-with", "--dir", dir.toString());
        assertThat(code).isNotZero();
        assertThat(out[0]).contains("--only-with needs --rules or a subscriber database");
    }

    /** Three rounds of 20,000 generated frames (300 subscribers, one processor) with the example rules. */
    private int runRulesBench(String[] out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "bench",
                "--packets",
                "20000",
                "--subscribers",
                "300",
                "--rounds",
                "3",
                "--processors",
                "1",
                "--rules",
                Path.of("../examples/services.rules").toString(),
                "--dir",
                dir.toString()));
        args.addAll(List.of(extra));
        return run(out, args.toArray(String[]::new));
    }

    /** Runs the CLI with standard output and error captured into {@code out[0]}; returns the exit code. */
    private static int run(String[] out, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            return Main.execute(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
            out[0] = bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
