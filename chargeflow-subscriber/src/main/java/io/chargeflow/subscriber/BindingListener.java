package io.chargeflow.subscriber;

/**
 * Told about every committed binding change made through a {@link SubscriberStore} (RADIUS Start/Stop/On/Off, CSV
 * imports). The app routes these to the processor owning the key, which closes the session with cause "binding
 * change" and lets the next packet start a session for the new holder; {@link BindingResolver} uses it to drop
 * stale cache entries. Called on the thread that committed the change (the RADIUS storage thread, or the importing
 * thread), after the commit, in commit order; implementations must be quick and must not block.
 */
@FunctionalInterface
public interface BindingListener {
    /** One committed change. */
    void onBindingChanged(BindingChange change);
}
