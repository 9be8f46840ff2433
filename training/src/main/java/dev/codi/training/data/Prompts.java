package dev.codi.training.data;

import dev.codi.world.Attributes;
import dev.codi.world.Captions;
import dev.codi.world.Combination;

import java.util.Random;

/**
 * Captions of a sample as users write them: most name all three attributes (canonical form or a
 * paraphrase), a share names only one or two ("a red shape", "something moving up"). Never the
 * empty prompt: the null embedding plays that role (classifier-free guidance).
 */
public final class Prompts {
    private Prompts() {
    }

    /** The attributes a caption of {@code combination} names; all three with probability 1 − underSpecifiedShare. */
    public static Attributes named(Combination combination, double underSpecifiedShare, Random random) {
        Attributes all = combination.toAttributes();
        if (random.nextDouble() >= underSpecifiedShare) {
            return all;
        }
        int subset = 1 + random.nextInt(6); // a non-empty proper subset of {color, shape, motion}
        return all.restrictTo((subset & 1) != 0, (subset & 2) != 0, (subset & 4) != 0);
    }

    /** A caption naming exactly {@code attributes}, its template drawn uniformly. */
    public static String caption(Attributes attributes, Random random) {
        return Captions.random(attributes, random);
    }
}
