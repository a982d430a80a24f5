package io.chargeflow.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the developer data set in {@code ../shared/data/captures} (all 58 captures, including the copyleft nDPI,
 * Open5GS and heplify files that are not redistributed with chargeflow). Found from the system property
 * {@code chargeflow.shared.dir} (set by the root pom for surefire) or by walking up from the working directory.
 * Called from test threads; tests that need those files call {@link #assumeCaptures()}.
 */
public final class SharedData {
    /** System property naming the shared directory (the one holding {@code data/captures}). */
    public static final String PROPERTY = "chargeflow.shared.dir";

    private SharedData() {}

    /** The shared captures directory, when present on this machine. */
    public static Optional<Path> captures() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).resolve("data/captures").normalize();
            if (Files.isDirectory(dir)) {
                return Optional.of(dir);
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data/captures");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
            candidate = dir.resolveSibling("shared").resolve("data/captures");
            if (dir.getParent() != null && Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The shared captures directory; skips the calling test (JUnit assumption) when it is absent. */
    public static Path assumeCaptures() {
        Optional<Path> dir = captures();
        Assumptions.assumeTrue(
                dir.isPresent(),
                "skipped because ../shared/data/captures is absent (set -D" + PROPERTY + "=<dir> to run it)");
        return dir.orElseThrow();
    }
}
