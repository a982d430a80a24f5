/**
 * The durable CDR journal: append-only segment files of CRC32C-framed records with gap-free sequences, written by one
 * writer thread with group commit, recovered on start (torn tail truncated and reported, damage in the middle
 * reported with file and offset), read back by scanners and by exporters that keep a durable committed position.
 */
package io.chargeflow.cdr.journal;
