package dev.codi.evaluation.spec;

import dev.codi.media.MediaDecodeException;
import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.model.PromptInput;
import dev.codi.world.judge.Judge;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One file drawn by {@link SpecRenderer}: its bytes, their format and the free choices it made
 * (docs/design.md §7.1), each choice a name and a value, so failures can be grouped by choice.
 */
public record ForeignRendering(Modality modality, MediaType format, byte[] file, Map<String, String> choices) {
    public ForeignRendering {
        choices = Map.copyOf(choices);
    }

    /** The file as a client's upload reaches the model: decoded by the product's own codecs. */
    public PromptInput asInput() {
        try {
            return switch (modality) {
                case TEXT -> new PromptInput.Text(new String(file, StandardCharsets.UTF_8).strip());
                case IMAGE -> new PromptInput.Image(dev.codi.media.ImageCodec.decode(file));
                case AUDIO -> new PromptInput.Audio(dev.codi.media.WavCodec.decode(file));
                case VIDEO -> new PromptInput.Video(format == MediaType.GIF
                        ? dev.codi.media.GifCodec.decode(file) : dev.codi.media.Mp4Codec.decode(file));
            };
        } catch (MediaDecodeException e) {
            throw new IllegalStateException("the spec renderer wrote an unreadable " + format + " file", e);
        }
    }

    /** What the project's judge reads from the file (it must read true renderings of any renderer). */
    public dev.codi.world.Attributes judgedByTheWorldJudge() {
        try {
            return Judge.judge(modality, file).attributes();
        } catch (MediaDecodeException e) {
            return dev.codi.world.Attributes.none();
        }
    }
}
