/**
 * The subscriber commands ({@code subscribers import|list}, {@code bindings show}, {@code radius serve}) as plain
 * methods the app's picocli wrappers call.
 */
package io.chargeflow.subscriber.cli;
