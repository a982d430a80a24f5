package io.chargeflow.subscriber;

import java.nio.file.Path;

/**
 * Configuration of a {@link SubscriberStore}: which database (an embedded H2 file under a data directory by default,
 * or any {@code jdbc:postgresql:} URL), pool size, timeouts, and whether migrations run. Built on the thread that
 * opens the store, then read once by {@link SubscriberStore#open}.
 */
public final class StoreContext {
    /** The default data directory of every command: {@code ./data}. */
    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    private Path dataDir = DEFAULT_DATA_DIR;
    private String jdbcUrl;
    private int poolSize = 4;
    private long connectionTimeoutMs = 2_000;
    private boolean migrate = true;

    /** The directory of the embedded database (used when no JDBC URL is set). */
    public StoreContext dataDir(Path dir) {
        if (dir == null) {
            throw new IllegalArgumentException("dataDir=null");
        }
        this.dataDir = dir;
        return this;
    }

    /** A {@code jdbc:h2:} or {@code jdbc:postgresql:} URL (credentials as URL parameters); null for embedded. */
    public StoreContext jdbcUrl(String url) {
        if (url != null && !url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("db=" + url + " must start with jdbc:postgresql: or jdbc:h2:");
        }
        this.jdbcUrl = url;
        return this;
    }

    /** Connections in the pool (at least 1). */
    public StoreContext poolSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("poolSize=" + size + " must be at least 1");
        }
        this.poolSize = size;
        return this;
    }

    /** How long a caller waits for a connection before the database counts as unavailable (at least 250). */
    public StoreContext connectionTimeoutMs(long timeoutMs) {
        if (timeoutMs < 250) {
            throw new IllegalArgumentException("connectionTimeoutMs=" + timeoutMs + " must be at least 250");
        }
        this.connectionTimeoutMs = timeoutMs;
        return this;
    }

    /** Whether {@link SubscriberStore#open} applies pending migrations (default true); false only validates. */
    public StoreContext migrate(boolean migrate) {
        this.migrate = migrate;
        return this;
    }

    /** The URL in effect: the configured one, or the embedded H2 file {@code DIR/subscribers.mv.db}. */
    public String effectiveJdbcUrl() {
        if (jdbcUrl != null) {
            return jdbcUrl;
        }
        // AUTO_SERVER lets `bindings show` read the file while `radius serve` holds it open in another process.
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("subscribers") + ";AUTO_SERVER=TRUE";
    }

    /** The embedded database's directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether the store is the embedded H2 file. */
    public boolean embedded() {
        return jdbcUrl == null;
    }

    int poolSize() {
        return poolSize;
    }

    long connectionTimeoutMs() {
        return connectionTimeoutMs;
    }

    boolean migrate() {
        return migrate;
    }
}
