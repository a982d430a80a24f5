/**
 * Exports of journalled CDRs: CSV and JSON Lines formats, rotated export files with a manifest (file, first and last
 * sequence, count, SHA-256), exporters with a durable committed position that resume exactly after a crash, and the
 * {@code cdr dump} / {@code cdr verify} commands.
 */
package io.chargeflow.cdr.export;
