package io.chargeflow.diameter.peer;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;
import java.util.ArrayList;
import java.util.List;

/**
 * What a peer announced in its CER or CEA (RFC 6733 §5.3): identities, addresses, product, and applications.
 * Immutable; built on the I/O thread from the message, read from any thread.
 *
 * @param resultCode the CEA's Result-Code (0 when built from a CER)
 * @param vendorSpecificApplications pairs "vendor:application" from Vendor-Specific-Application-Id
 */
public record PeerCapabilities(
        String originHost,
        String originRealm,
        List<String> hostIpAddresses,
        long vendorId,
        String productName,
        long firmwareRevision,
        List<Long> authApplicationIds,
        List<Long> acctApplicationIds,
        List<String> vendorSpecificApplications,
        long resultCode,
        String errorMessage) {

    /** The relay application id (RFC 6733 §2.4). */
    public static final long RELAY = 0xffffffffL;

    /** Reads the capabilities AVPs of a CER or CEA (allocates: once per connection). */
    public static PeerCapabilities from(DiameterMessage message) {
        DiameterAvp avp = new DiameterAvp();
        DiameterAvp child = new DiameterAvp();
        String originHost = "";
        String originRealm = "";
        String productName = "";
        String errorMessage = null;
        long vendorId = 0;
        long firmware = -1;
        long resultCode = 0;
        List<String> addresses = new ArrayList<>();
        List<Long> auth = new ArrayList<>();
        List<Long> acct = new ArrayList<>();
        List<String> vendorApps = new ArrayList<>();
        for (boolean more = avp.first(message); more; more = avp.next()) {
            if (avp.vendorId() != 0) {
                continue;
            }
            int code = avp.code();
            if (code == Avp.ORIGIN_HOST.code()) {
                originHost = avp.getString();
            } else if (code == Avp.ORIGIN_REALM.code()) {
                originRealm = avp.getString();
            } else if (code == Avp.PRODUCT_NAME.code()) {
                productName = avp.getString();
            } else if (code == Avp.ERROR_MESSAGE.code()) {
                errorMessage = avp.getString();
            } else if (code == Avp.VENDOR_ID.code()) {
                vendorId = avp.getUnsigned32();
            } else if (code == Avp.FIRMWARE_REVISION.code()) {
                firmware = avp.getUnsigned32();
            } else if (code == Avp.RESULT_CODE.code()) {
                resultCode = avp.getUnsigned32();
            } else if (code == Avp.HOST_IP_ADDRESS.code()) {
                addresses.add(io.chargeflow.diameter.codec.DiameterPrinter.value(avp, Avp.HOST_IP_ADDRESS));
            } else if (code == Avp.AUTH_APPLICATION_ID.code()) {
                auth.add(avp.getUnsigned32());
            } else if (code == Avp.ACCT_APPLICATION_ID.code()) {
                acct.add(avp.getUnsigned32());
            } else if (code == Avp.VENDOR_SPECIFIC_APPLICATION_ID.code()) {
                long vendor = avp.findChild(Avp.VENDOR_ID, child) ? child.getUnsigned32() : 0;
                long app =
                        avp.findChild(Avp.AUTH_APPLICATION_ID, child) || avp.findChild(Avp.ACCT_APPLICATION_ID, child)
                                ? child.getUnsigned32()
                                : 0;
                vendorApps.add(vendor + ":" + app);
            }
        }
        return new PeerCapabilities(
                originHost,
                originRealm,
                List.copyOf(addresses),
                vendorId,
                productName,
                firmware,
                List.copyOf(auth),
                List.copyOf(acct),
                List.copyOf(vendorApps),
                resultCode,
                errorMessage);
    }

    /** True when the peer announced {@code applicationId} (auth, acct or vendor-specific) or is a relay. */
    public boolean supports(long applicationId) {
        if (authApplicationIds.contains(RELAY)
                || authApplicationIds.contains(applicationId)
                || acctApplicationIds.contains(applicationId)) {
            return true;
        }
        for (String pair : vendorSpecificApplications) {
            if (pair.endsWith(":" + applicationId)) {
                return true;
            }
        }
        return false;
    }

    /** Every application id announced, in the order auth, acct, vendor-specific. */
    public List<Long> allApplicationIds() {
        List<Long> all = new ArrayList<>(authApplicationIds);
        all.addAll(acctApplicationIds);
        for (String pair : vendorSpecificApplications) {
            all.add(Long.parseLong(pair.substring(pair.indexOf(':') + 1)));
        }
        return all;
    }
}
