package io.chargeflow.diameter.dictionary;

/** Vendor identifiers (IANA SMI private enterprise numbers) used by the dictionary; constants only. */
public final class Vendor {
    /** IETF AVPs carry no Vendor-Id field. */
    public static final int NONE = 0;
    /** 3GPP, the vendor of TS 29.xxx and TS 32.299 AVPs. */
    public static final int TGPP = 10415;

    private Vendor() {}
}
