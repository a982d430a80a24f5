/**
 * The Diameter dictionary as data: {@link io.chargeflow.diameter.dictionary.Avp} (each AVP code defined once),
 * {@link io.chargeflow.diameter.dictionary.Command}, {@link io.chargeflow.diameter.dictionary.Application} and
 * {@link io.chargeflow.diameter.dictionary.ResultCode}; everything else (validator, printer, peers) reads from it.
 */
package io.chargeflow.diameter.dictionary;
