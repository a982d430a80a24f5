package io.chargeflow.subscriber;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded H2 file database, the default engine. */
class H2SubscriberStoreTest extends SubscriberStoreContractTest {
    @TempDir
    Path dir;

    private int databases;

    @Override
    StoreContext freshDatabase() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data" + databases++));
        return new StoreContext().dataDir(data);
    }
}
