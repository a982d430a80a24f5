package io.chargeflow.subscriber;

/**
 * A subscriber as the directory stores it: the person (account) that IP bindings point at. Control-plane data,
 * created per database row or lookup answer, never per packet; immutable, so one instance is shared by every cached
 * binding of the subscriber and read from any thread. The first five components mirror the flow side's
 * {@code Subscriber}, so the adapter in the app copies them one to one.
 *
 * @param subscriberId the directory's id
 * @param imsi the IMSI, or null
 * @param msisdn the MSISDN, or null
 * @param account the billing account, or null
 * @param plan the plan name, or null
 * @param status {@code active}, {@code suspended} or {@code closed}
 * @param createdMs when the subscriber was created, milliseconds since the epoch
 */
public record SubscriberRecord(
        long subscriberId, String imsi, String msisdn, String account, String plan, String status, long createdMs) {}
