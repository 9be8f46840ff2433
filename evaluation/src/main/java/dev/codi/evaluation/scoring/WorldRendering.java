package dev.codi.evaluation.scoring;

import dev.codi.media.Modality;
import dev.codi.model.GeneratedMedia;
import dev.codi.world.Attributes;
import dev.codi.world.Combination;
import dev.codi.world.WorldGenerator;

import java.util.Random;

/** Renders one modality of the world (docs/design.md §7) with the generator's nuisance variation. */
public final class WorldRendering {
    private WorldRendering() {
    }

    /** The full combination in one modality; text is a random caption template (canonical or paraphrase). */
    public static GeneratedMedia render(WorldGenerator world, Combination combination, Modality modality, Random random) {
        return switch (modality) {
            case TEXT -> new GeneratedMedia.Text(world.caption(combination.toAttributes(), random));
            case IMAGE -> new GeneratedMedia.Image(world.image(combination.color(), combination.shape(), random));
            case AUDIO -> new GeneratedMedia.Audio(world.audio(combination.color(), combination.shape(), combination.motion(), random));
            case VIDEO -> new GeneratedMedia.Video(world.video(combination.color(), combination.shape(), combination.motion(), random));
        };
    }

    /** A caption that names exactly the known attributes, e.g. "something green" for (green ? ?). */
    public static String caption(WorldGenerator world, Attributes attributes, Random random) {
        return world.caption(attributes, random);
    }
}
