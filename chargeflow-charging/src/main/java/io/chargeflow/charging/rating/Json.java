package io.chargeflow.charging.rating;

import java.util.Locale;

/** Minimal JSON string output for the fixed shapes of rated CDRs and bills. */
final class Json {
    private Json() {}

    static void field(StringBuilder o, String name, String value) {
        o.append(",\"").append(name).append("\":");
        string(o, value);
    }

    static void string(StringBuilder o, String value) {
        if (value == null) {
            o.append("null");
            return;
        }
        o.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> o.append("\\\"");
                case '\\' -> o.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        o.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        o.append(c);
                    }
                }
            }
        }
        o.append('"');
    }
}
