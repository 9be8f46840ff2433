package dev.codi.world.judge;

import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.world.Attributes;
import java.util.Objects;

/**
 * The judge's verdict on one artifact.
 *
 * @param attributes what was recovered; attributes the modality does not carry (an image's motion)
 *                   or that could not be told are {@code null}
 * @param evidence   the measurements behind the verdict, for logs and failure messages
 */
public record Judgement(Modality modality, MediaType format, Attributes attributes, String evidence) {
    public Judgement {
        Objects.requireNonNull(modality, "modality");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(attributes, "attributes");
        Objects.requireNonNull(evidence, "evidence");
    }
}
