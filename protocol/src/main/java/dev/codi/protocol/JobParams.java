package dev.codi.protocol;

import dev.codi.media.Modality;
import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.Map;

/**
 * Sampling parameters of a job: what clients send as {@code params}, and what the sampler runs with
 * (one record for both, docs/design.md §4). DDIM, η = 0, 50 steps, guidance 7.5 by default
 * (docs/design.md §5.4).
 *
 * @param sampler  the reverse-diffusion solver: DDIM (Song et al. 2021), DPM-Solver++(2M) (Lu et al.
 *                 2022), or UniPC (Zhao et al. 2023, bh2, order 2), deterministic multistep solvers meant
 *                 for fewer steps, which take η = 0 only
 *
 * @param joint    sample several requested outputs jointly (CoDi's latent alignment, §3.3); false gives
 *                 independent sampling with the same conditioning, for comparison
 * @param stagger  in joint sampling, the DDIM steps between the starts of two outputs in modality
 *                 order (text, image, audio, video): each output still runs its own {@code steps} steps,
 *                 and reads the earlier outputs' environment tokens at a lower noise level than its own.
 *                 0 samples them in lockstep, as CoDi does. Default: a fifth of the steps
 *                 (docs/design.md §6.4). Ignored when not joint
 * @param feedback in joint sampling, the weight, against the prompt's conditioning's 1, of the other
 *                 outputs' shared-space readings in an output's conditioning (CoDi's composable
 *                 conditioning, §3.2, applied to the outputs being generated), each reading weighed by
 *                 what its modality shows (the rule: the model's {@code FeedbackWeights}; docs/design.md
 *                 §6.4). 0 turns it off, leaving only the environment tokens of CoDi §3.3 to couple the
 *                 outputs. Within [0, {@value #MAX_FEEDBACK}]; default {@value #DEFAULT_FEEDBACK}. Ignored
 *                 when not joint
 * @param feedbackEvery in joint sampling with feedback, the steps between two shared-space readings of an
 *                 output's clean estimate: 1 reads every step; k reads at every k-th of the output's own
 *                 steps, and the others' conditioning keeps the last reading in between (docs/design.md
 *                 §6.4). Within [1, {@code steps}]; default {@value #DEFAULT_FEEDBACK_EVERY}. Ignored when
 *                 not joint or without feedback
 * @param guidanceByOutput the guidance scale of the outputs named here, in place of {@code guidance}
 *                 (docs/design.md §5.4): each output is guided on its own, so an image can be guided
 *                 less than the sound beside it. Each within [0, {@value #MAX_GUIDANCE}]; default: none
 */
public record JobParams(int steps, double guidance, double eta, long seed, boolean joint, int stagger, double feedback,
                        Sampler sampler, int feedbackEvery, Map<Modality, Double> guidanceByOutput) {
    /**
     * The default solver and steps, DDIM-50: the reference of docs/quality.md, "Accuracy against steps, per sampler", where
     * no cheaper setting stays within 1 point of it on directions accuracy and joint coherence on every seed measured.
     */
    public static final Sampler DEFAULT_SAMPLER = Sampler.DDIM;
    public static final int DEFAULT_STEPS = 50;
    public static final int MAX_STEPS = 200;
    public static final double DEFAULT_GUIDANCE = 7.5;
    public static final double MAX_GUIDANCE = 50;
    /** The default of docs/design.md §6.4, measured in docs/quality.md, "Joint coherence". */
    public static final double DEFAULT_FEEDBACK = 1.0;
    public static final double MAX_FEEDBACK = 10;
    /** The default of docs/design.md §6.4, measured in docs/quality.md, "Joint coherence". */
    public static final int DEFAULT_FEEDBACK_EVERY = 8;

    /** The solvers a job can sample with, by the name clients give in {@code params.sampler}. */
    public enum Sampler {
        DDIM("ddim"), DPM_SOLVER_PLUS_PLUS("dpmsolver++"), UNIPC("unipc");

        private final String wireName;

        Sampler(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Sampler fromWireName(String name) {
            for (Sampler sampler : values()) {
                if (sampler.wireName.equals(name)) {
                    return sampler;
                }
            }
            throw new IllegalArgumentException("params.sampler must be \"ddim\", \"dpmsolver++\" or \"unipc\", got \"" + name + "\"");
        }
    }

    public JobParams {
        guidanceByOutput = guidanceByOutput == null ? Map.of() : Map.copyOf(guidanceByOutput);
        guidanceByOutput.forEach((output, scale) -> {
            if (!(scale >= 0 && scale <= MAX_GUIDANCE)) {
                throw new IllegalArgumentException("params.guidance_by_output." + output.wireName() + " must be within [0, "
                        + MAX_GUIDANCE + "], got " + scale);
            }
        });
        if (sampler == null) {
            throw new IllegalArgumentException("params.sampler is required");
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("params.steps must be within [1, " + MAX_STEPS + "], got " + steps);
        }
        if (!(guidance >= 0 && guidance <= MAX_GUIDANCE)) {
            throw new IllegalArgumentException("params.guidance must be within [0, " + MAX_GUIDANCE + "], got " + guidance);
        }
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("params.eta must be within [0, 1], got " + eta);
        }
        if (stagger < 0 || stagger > steps) {
            throw new IllegalArgumentException("params.stagger must be within [0, params.steps = " + steps + "], got " + stagger);
        }
        if (!(feedback >= 0 && feedback <= MAX_FEEDBACK)) { // NaN fails both comparisons
            throw new IllegalArgumentException("params.feedback must be within [0, " + (long) MAX_FEEDBACK + "], got " + feedback);
        }
        if (feedbackEvery < 1 || feedbackEvery > steps) {
            throw new IllegalArgumentException("params.feedback_every must be within [1, params.steps = " + steps + "], got "
                    + feedbackEvery);
        }
        if (sampler != Sampler.DDIM && eta != 0) {
            throw new IllegalArgumentException("params.eta must be 0 with params.sampler \"" + sampler.wireName()
                    + "\", a deterministic solver, got " + eta);
        }
    }

    /** With {@code guidance} for every output. */
    public JobParams(int steps, double guidance, double eta, long seed, boolean joint, int stagger, double feedback,
                     Sampler sampler, int feedbackEvery) {
        this(steps, guidance, eta, seed, joint, stagger, feedback, sampler, feedbackEvery, Map.of());
    }

    /** With the default feedback cadence. */
    public JobParams(int steps, double guidance, double eta, long seed, boolean joint, int stagger, double feedback,
                     Sampler sampler) {
        this(steps, guidance, eta, seed, joint, stagger, feedback, sampler, Math.min(DEFAULT_FEEDBACK_EVERY, steps));
    }

    /** With DDIM. */
    public JobParams(int steps, double guidance, double eta, long seed, boolean joint, int stagger, double feedback) {
        this(steps, guidance, eta, seed, joint, stagger, feedback, Sampler.DDIM);
    }

    /** With the default feedback. */
    public JobParams(int steps, double guidance, double eta, long seed, boolean joint, int stagger) {
        this(steps, guidance, eta, seed, joint, stagger, DEFAULT_FEEDBACK);
    }

    /** With the default stagger for {@code steps} and the default feedback. */
    public JobParams(int steps, double guidance, double eta, long seed, boolean joint) {
        this(steps, guidance, eta, seed, joint, defaultStagger(steps));
    }

    /** Every default, with this seed: 50 steps, guidance 7.5, η = 0, joint, stagger 10, feedback 1. */
    public static JobParams defaults(long seed) {
        return new JobParams(DEFAULT_STEPS, DEFAULT_GUIDANCE, 0.0, seed, true, defaultStagger(DEFAULT_STEPS), DEFAULT_FEEDBACK,
                DEFAULT_SAMPLER, DEFAULT_FEEDBACK_EVERY);
    }

    /** A fifth of the steps (10 of 50), the sampler's default (docs/design.md §6.4). */
    public static int defaultStagger(int steps) {
        return steps / 5;
    }

    /** The guidance scale of {@code output}: its own, else the job's. */
    public double guidance(Modality output) {
        return guidanceByOutput.getOrDefault(output, guidance);
    }

    /** The denoising loop's iterations for {@code outputs} outputs: the steps, plus the later outputs' delay. */
    public int iterations(int outputs) {
        return steps + (joint && outputs > 1 ? (outputs - 1) * stagger : 0);
    }

    /**
     * Reads client JSON; absent fields take their defaults, and a missing seed takes
     * {@code defaultSeed} (the gateway draws one and records it, so every job is reproducible).
     */
    public static JobParams fromJson(JsonObject json, long defaultSeed) {
        JsonObject params = json == null ? new JsonObject() : json;
        for (String field : params.fieldNames()) {
            if (!field.matches("steps|guidance|guidance_by_output|eta|seed|joint|stagger|feedback|feedback_every|sampler")) {
                throw new IllegalArgumentException("unknown field params." + field + "; expected steps, guidance, guidance_by_output,"
                        + " eta, seed, joint, stagger, feedback, feedback_every or sampler");
            }
        }
        int steps = integer(params, "steps", DEFAULT_STEPS);
        return new JobParams(
                steps,
                number(params, "guidance", DEFAULT_GUIDANCE),
                number(params, "eta", 0.0),
                longInteger(params, "seed", defaultSeed),
                bool(params, "joint", true),
                integer(params, "stagger", defaultStagger(steps)),
                number(params, "feedback", DEFAULT_FEEDBACK),
                sampler(params),
                integer(params, "feedback_every", Math.min(DEFAULT_FEEDBACK_EVERY, steps)),
                guidanceByOutput(params));
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("steps", steps).put("guidance", guidance).put("eta", eta).put("seed", seed).put("joint", joint)
                .put("stagger", stagger).put("feedback", feedback).put("sampler", sampler.wireName())
                .put("feedback_every", feedbackEvery);
        if (!guidanceByOutput.isEmpty()) {
            JsonObject byOutput = new JsonObject();
            new EnumMap<>(guidanceByOutput).forEach((output, scale) -> byOutput.put(output.wireName(), scale));
            json.put("guidance_by_output", byOutput);
        }
        return json;
    }

    private static Map<Modality, Double> guidanceByOutput(JsonObject json) {
        Object value = json.getValue("guidance_by_output");
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof JsonObject byOutput)) {
            throw new IllegalArgumentException("params.guidance_by_output must be an object of output to guidance scale, got " + value);
        }
        Map<Modality, Double> scales = new EnumMap<>(Modality.class);
        for (String name : byOutput.fieldNames()) {
            Modality output;
            try {
                output = Modality.fromWireName(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("params.guidance_by_output." + name + " is not an output: " + e.getMessage());
            }
            if (!(byOutput.getValue(name) instanceof Number scale)) {
                throw new IllegalArgumentException("params.guidance_by_output." + name + " must be a number, got " + byOutput.getValue(name));
            }
            scales.put(output, scale.doubleValue());
        }
        return scales;
    }

    private static Sampler sampler(JsonObject json) {
        Object value = json.getValue("sampler");
        if (value == null) {
            return DEFAULT_SAMPLER;
        }
        if (!(value instanceof String name)) {
            throw new IllegalArgumentException("params.sampler must be \"ddim\", \"dpmsolver++\" or \"unipc\", got " + value);
        }
        return Sampler.fromWireName(name);
    }

    private static int integer(JsonObject json, String field, int fallback) {
        Object value = json.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
                || Math.abs(number.doubleValue()) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("params." + field + " must be an integer, got " + value);
        }
        return number.intValue();
    }

    private static long longInteger(JsonObject json, String field, long fallback) {
        Object value = json.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
            throw new IllegalArgumentException("params." + field + " must be an integer, got " + value);
        }
        return number.longValue();
    }

    private static double number(JsonObject json, String field, double fallback) {
        Object value = json.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("params." + field + " must be a number, got " + value);
        }
        return number.doubleValue();
    }

    private static boolean bool(JsonObject json, String field, boolean fallback) {
        Object value = json.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean flag)) {
            throw new IllegalArgumentException("params." + field + " must be true or false, got " + value);
        }
        return flag;
    }
}
