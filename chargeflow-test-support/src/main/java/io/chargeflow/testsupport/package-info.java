/**
 * Shared test fixtures for every chargeflow module: the golden captures ({@link
 * io.chargeflow.testsupport.GoldenCaptures}), the optional copyleft captures of ../shared ({@link
 * io.chargeflow.testsupport.SharedData}), a builder of frames and capture files ({@link
 * io.chargeflow.testsupport.CaptureBuilder}) and a tshark runner used as an independent oracle ({@link
 * io.chargeflow.testsupport.Tshark}). Test scope only: nothing here is on a production class path.
 */
package io.chargeflow.testsupport;
