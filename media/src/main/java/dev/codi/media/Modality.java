package dev.codi.media;

import java.util.Arrays;
import java.util.Locale;

/** The four modalities of CoDi (docs/design.md §5). Their JSON names are the lower-case enum names. */
public enum Modality {
    TEXT, IMAGE, AUDIO, VIDEO;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; throws with the accepted names when the name is unknown. */
    public static Modality fromWireName(String name) {
        for (Modality modality : values()) {
            if (modality.wireName().equals(name)) {
                return modality;
            }
        }
        throw new IllegalArgumentException("unknown modality '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Modality::wireName).toList());
    }
}
