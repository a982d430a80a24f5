package io.chargeflow.app;

import io.chargeflow.subscriber.cli.DatabaseOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data DIR} (embedded database, default ./data) or {@code --db JDBC_URL} (PostgreSQL in production). */
final class DatabaseMixin {
    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Directory of the embedded subscriber database (default: ./data).")
    Path data;

    @Option(
            names = "--db",
            paramLabel = "JDBC_URL",
            description = "Subscriber database URL, e.g. jdbc:postgresql://host/chargeflow?user=u&password=p.")
    String db;

    /** Whether the user named a database at all. */
    boolean given() {
        return data != null || db != null;
    }

    DatabaseOptions options() {
        return new DatabaseOptions(data == null ? Path.of("data") : data, db);
    }
}
