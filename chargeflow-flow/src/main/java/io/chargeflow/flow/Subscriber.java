package io.chargeflow.flow;

/**
 * The person (account) behind a subscriber key, as the directory knows it. Control-plane data: created once per
 * lookup answer, never per packet.
 *
 * @param subscriberId the directory's id of the subscriber
 * @param imsi the IMSI, or null
 * @param msisdn the MSISDN, or null
 * @param account the billing account, or null
 * @param plan the plan (tariff) name, or null
 */
public record Subscriber(long subscriberId, String imsi, String msisdn, String account, String plan) {}
