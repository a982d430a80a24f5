package io.chargeflow.cdr.journal;

import java.nio.file.Path;

/** A child JVM for {@link DirectoryLockTest}: opens a journal writer on {@code args[0]}, says so, and waits. */
public final class LockHolderMain {
    private LockHolderMain() {}

    public static void main(String[] args) throws Exception {
        try (JournalWriter writer = JournalWriter.open(JournalContext.defaults(Path.of(args[0]), AckListener.NONE))) {
            System.out.println("locked " + ProcessHandle.current().pid());
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
