package io.chargeflow.subscriber.cli;

import io.chargeflow.subscriber.StoreContext;
import java.nio.file.Path;

/**
 * The {@code --data DIR} / {@code --db JDBC_URL} options every subscriber command takes; a picocli wrapper in the
 * app fills it. Immutable, built on the command thread.
 *
 * @param dataDir the embedded database's directory (default ./data); ignored when {@code jdbcUrl} is set
 * @param jdbcUrl a {@code jdbc:postgresql:} or {@code jdbc:h2:} URL, or null for the embedded file
 */
public record DatabaseOptions(Path dataDir, String jdbcUrl) {
    /** The defaults: embedded database under ./data. */
    public static DatabaseOptions defaults() {
        return new DatabaseOptions(StoreContext.DEFAULT_DATA_DIR, null);
    }

    /** The store configuration these options name. */
    public StoreContext toContext() {
        return new StoreContext()
                .dataDir(dataDir == null ? StoreContext.DEFAULT_DATA_DIR : dataDir)
                .jdbcUrl(jdbcUrl);
    }
}
