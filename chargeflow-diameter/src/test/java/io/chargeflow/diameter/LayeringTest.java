package io.chargeflow.diameter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Only the transport package sees Netty; the codec and the dictionary see neither peers nor transport. */
class LayeringTest {
    private static final Path SOURCES = Path.of("src/main/java/io/chargeflow/diameter");

    private static List<String> offenders(String forbiddenImport, String... allowedPackages) throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> Stream.of(allowedPackages).noneMatch(p -> f.startsWith(SOURCES.resolve(p))))
                    .filter(f -> {
                        try {
                            return Files.readString(f).contains("import " + forbiddenImport);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .map(Path::toString)
                    .toList();
        }
    }

    @Test
    void shouldKeepNettyInsideTheTransportPackage() throws IOException {
        assertThat(offenders("io.netty", "transport")).isEmpty();
    }

    @Test
    void shouldKeepCodecAndDictionaryFreeOfPeersAndTransport() throws IOException {
        assertThat(offenders("io.chargeflow.diameter.peer", "peer", "transport", "tool", "Diameter.java"))
                .isEmpty();
        assertThat(offenders("io.chargeflow.diameter.transport", "transport", "tool", "Diameter.java"))
                .isEmpty();
    }
}
