/**
 * Offline charging: tariffs per plan and rating group (volume and time steps, time-of-day and day-of-week bands,
 * included allowances per period, zero-rating) read from a line-based tariff file, rating of closed CDRs into rated
 * CDRs (journalled too), a per-subscriber ledger, and bills for a period. Money is integer minor units with a
 * currency, never floating point.
 */
package io.chargeflow.charging.rating;
