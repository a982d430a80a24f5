package io.chargeflow.subscriber.cli;

import java.nio.file.Path;
import java.util.List;

/** Runs {@code radius serve} in a child JVM so the test can stop it with a real SIGTERM. */
public final class ServeRadiusMain {
    private ServeRadiusMain() {}

    public static void main(String[] args) {
        int code = SubscriberCommands.serveRadius(
                new DatabaseOptions(Path.of(args[0]), null), args[1], List.of(args[2]), System.out, System.err);
        System.out.println("exit=" + code);
        System.out.flush();
    }
}
