package dev.codi.training.alignment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.codi.model.autoencoder.WordTokenizer;
import dev.codi.training.data.Prompts;
import dev.codi.world.Attributes;
import dev.codi.world.Combination;

import java.util.List;
import java.util.Random;

/** One caption per sample of a batch: what it names, and its tokens (n, maxTokens). */
record CaptionBatch(Attributes[] named, int[] tokens) {

    static CaptionBatch draw(List<Combination> combinations, double underSpecifiedShare, WordTokenizer vocabulary, Random random) {
        int n = combinations.size();
        Attributes[] named = new Attributes[n];
        int[] tokens = new int[n * WordTokenizer.MAX_TOKENS];
        for (int row = 0; row < n; row++) {
            named[row] = Prompts.named(combinations.get(row), underSpecifiedShare, random);
            System.arraycopy(vocabulary.encode(Prompts.caption(named[row], random)), 0, tokens, row * WordTokenizer.MAX_TOKENS,
                    WordTokenizer.MAX_TOKENS);
        }
        return new CaptionBatch(named, tokens);
    }

    NDArray tokens(NDManager manager) {
        return manager.create(tokens, new Shape(named.length, WordTokenizer.MAX_TOKENS));
    }

    /**
     * (n·n) 1 where caption i is a true description of item j: every attribute it names agrees with
     * what item j carries (an image carries no motion, so motion never decides a text–image pair).
     */
    static float[] positives(Attributes[] captions, Attributes[] items) {
        int n = captions.length;
        float[] positives = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                positives[i * n + j] = captions[i].consistentWith(items[j]) ? 1f : 0f;
            }
        }
        return positives;
    }
}
