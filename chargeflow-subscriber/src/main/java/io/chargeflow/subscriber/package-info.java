/**
 * The subscriber directory: who holds an IP address or IPv6 prefix at a given time. {@link
 * io.chargeflow.subscriber.SubscriberStore} keeps subscribers, plans and time-aware IP bindings in an embedded H2
 * file or PostgreSQL; {@link io.chargeflow.subscriber.BindingResolver} answers processors asynchronously from a
 * bounded cache; {@link io.chargeflow.subscriber.BindingListener} tells the flow side when a binding changes.
 */
package io.chargeflow.subscriber;
