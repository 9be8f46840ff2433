package dev.codi.evaluation.sections;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.evaluation.EvaluationContext;
import dev.codi.evaluation.Markdown;
import dev.codi.evaluation.SectionResult;
import dev.codi.evaluation.Seeds;
import dev.codi.evaluation.Splits;
import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.Attribute;
import dev.codi.evaluation.scoring.WorldRendering;
import dev.codi.media.Modality;
import dev.codi.model.PromptInput;
import dev.codi.model.denoiser.Denoiser;
import dev.codi.model.scheduler.DdimScheduler;
import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.world.Captions;
import dev.codi.world.Color;
import dev.codi.world.Combination;
import dev.codi.world.Motion;
import me.tongfei.progressbar.ProgressBar;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A diagnostic of the denoisers rather than of outputs: does a denoiser use what the caption says
 * about an attribute? True world renderings (held-in, through their files) are encoded to latents,
 * noised to t, and the denoiser's ε-error is measured once with the canonical caption and once
 * with the same caption naming a wrong value of one attribute (same noise). A denoiser that relies
 * on the attribute predicts worse with the wrong word; a gap near 0 means it ignores the word, so
 * sampling cannot follow it — whatever the output shows of that attribute then comes from the noise.
 */
public final class ConditioningSensitivity {
    public static final String TABLE = "sensitivity";
    static final int[] TIMESTEPS = {200, 500, 800};
    static final int MAX_SAMPLES = 64;

    private ConditioningSensitivity() {
    }

    public static SectionResult run(EvaluationContext context) {
        long seed = context.settings().seed();
        int samples = Math.min(context.settings().samples(), MAX_SAMPLES);
        CodiTinyModel model = context.model();
        DdimScheduler scheduler = new DdimScheduler(DdimScheduler.Config.codi());
        Markdown table = Markdown.table("output", "attribute", "t", "ε-MSE, caption right", "ε-MSE, one word wrong", "gap");
        List<Modality> outputs = List.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO);
        try (NDManager manager = NDManager.newBaseManager(model.device());
             ProgressBar bar = context.progress().bar("sensitivity", outputs.size(), "outputs")) {
            ParameterStore store = new ParameterStore(manager, false);
            for (Modality output : outputs) {
                String tag = "sensitivity/" + output.wireName();
                int[] latentShape = model.manifest().latentShapes().get(output);
                int values = 1;
                for (int d : latentShape) {
                    values *= d;
                }
                List<Combination> combinations = new ArrayList<>();
                float[] clean = new float[samples * values];
                for (int k = 0; k < samples; k++) {
                    Combination combination = Splits.HELD_IN.pick(seed, tag, k);
                    combinations.add(combination);
                    var rendering = WorldRendering.render(context.world(), combination, output, Seeds.random(seed, tag + "/render", k));
                    System.arraycopy(model.toLatent(Artifacts.asInput(rendering)).values(), 0, clean, k * values, values);
                }
                long[] batchShape = new long[latentShape.length + 1];
                batchShape[0] = samples;
                for (int d = 0; d < latentShape.length; d++) {
                    batchShape[d + 1] = latentShape[d];
                }
                Denoiser denoiser = model.networks().denoisers.get(output);
                int dimension = model.manifest().embeddingDimension();
                float[] right = new float[samples * dimension];
                for (int k = 0; k < samples; k++) {
                    System.arraycopy(model.encode(new PromptInput.Text(Captions.canonical(combinations.get(k).toAttributes()))), 0,
                            right, k * dimension, dimension);
                }
                for (Attribute attribute : Attribute.carriedBy(output)) {
                    float[] wrong = new float[right.length];
                    for (int k = 0; k < samples; k++) {
                        Combination changed = wrongValue(combinations.get(k), attribute);
                        System.arraycopy(model.encode(new PromptInput.Text(Captions.canonical(changed.toAttributes()))), 0,
                                wrong, k * dimension, dimension);
                    }
                    for (int t : TIMESTEPS) {
                        try (NDManager step = manager.newSubManager()) {
                            Random random = Seeds.random(seed, tag + "/noise/" + attribute.word(), t);
                            float[] noise = new float[clean.length];
                            float[] noisy = new float[clean.length];
                            double alphaProduct = scheduler.alphaCumprod(t);
                            for (int i = 0; i < clean.length; i++) {
                                noise[i] = (float) random.nextGaussian();
                                noisy[i] = (float) (Math.sqrt(alphaProduct) * clean[i] + Math.sqrt(1 - alphaProduct) * noise[i]);
                            }
                            NDArray epsilon = step.create(noise, new Shape(batchShape));
                            NDArray latents = step.create(noisy, new Shape(batchShape));
                            NDArray times = step.full(new Shape(samples), (float) t);
                            double rightError = error(denoiser, store, latents, times, step.create(right, new Shape(samples, 1, dimension)), epsilon);
                            double wrongError = error(denoiser, store, latents, times, step.create(wrong, new Shape(samples, 1, dimension)), epsilon);
                            table.row(output.wireName(), attribute.word(), t, String.format(Locale.ROOT, "%.5f", rightError),
                                    String.format(Locale.ROOT, "%.5f", wrongError),
                                    String.format(Locale.ROOT, "%+.1f %%", 100 * (wrongError - rightError) / rightError));
                        }
                    }
                }
                bar.step();
            }
        }
        String markdown = """
                A diagnostic of the denoisers: %d true renderings per output (held-in, through their files) are encoded, \
                noised to t, and the denoiser's ε-error measured with the canonical caption and with the caption naming \
                a wrong value of one attribute (same noise, no guidance). *gap*: how much worse the wrong word makes the \
                prediction. A gap near 0 means the denoiser ignores that word — sampling then cannot follow it, and what \
                the output shows of the attribute comes from the noise.

                %s""".formatted(samples, table.render());
        return new SectionResult("Conditioning sensitivity of the denoisers", markdown, Map.of(TABLE, table));
    }

    private static double error(Denoiser denoiser, ParameterStore store, NDArray latents, NDArray times, NDArray context, NDArray epsilon) {
        return denoiser.predictNoise(store, latents, times, context, null).sub(epsilon).square().mean().getFloat();
    }

    /** The combination with {@code attribute} moved to the next value. */
    static Combination wrongValue(Combination combination, Attribute attribute) {
        return switch (attribute) {
            case COLOR -> new Combination(Color.values()[(combination.color().ordinal() + 1) % Color.values().length],
                    combination.shape(), combination.motion());
            case SHAPE -> new Combination(combination.color(),
                    dev.codi.world.Shape.values()[(combination.shape().ordinal() + 1) % dev.codi.world.Shape.values().length],
                    combination.motion());
            case MOTION -> new Combination(combination.color(), combination.shape(),
                    Motion.values()[(combination.motion().ordinal() + 1) % Motion.values().length]);
        };
    }
}
