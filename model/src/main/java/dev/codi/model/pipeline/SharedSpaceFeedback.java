package dev.codi.model.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.codi.media.Modality;
import dev.codi.model.pipeline.CodiPipeline.SharedSpace;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shared-space feedback between jointly sampled outputs (docs/design.md §6.4): every k-th step, each
 * output's clean estimate x̂₀ is decoded and read by its modality's prompt encoder into the shared
 * conditioning space, and every other output is conditioned on the job's conditioning mixed with
 * those readings — CoDi's composable conditioning (§3.2) applied to the outputs being generated.
 * How much each reading weighs is {@link FeedbackWeights}. A text output gives no reading.
 *
 * <p>Holds the latest reading of each output, (batch, dim), attached to the cohort's manager; the
 * readings themselves are made by the step's batched calls of {@link SharedSpace#read}.
 */
final class SharedSpaceFeedback {
    private final SharedSpace sharedSpace;
    private final NDManager groupManager;
    private final boolean on;
    private final int every;                                                                  // steps between two readings of an output
    private final Map<Modality, NDArray> readings = new EnumMap<>(Modality.class);            // (batch, dim): each output's latest x̂₀, read
    private final Set<Modality> finishedReadings = EnumSet.noneOf(Modality.class);
    private final Map<Modality, NDArray> nullReadings = new EnumMap<>(Modality.class);        // (1, 1, dim): a reading's null side
    private final Map<Modality, Map<Modality, Double>> readingWeights = new EnumMap<>(Modality.class); // per output: each other's weight
    private final Set<Modality> weighed = EnumSet.noneOf(Modality.class);                    // outputs whose reading another output weighs

    /**
     * Feedback with weight {@code feedback} among {@code outputs}, each output read at every {@code every}-th
     * of its own steps; off when 0 or not joint.
     */
    SharedSpaceFeedback(SharedSpace sharedSpace, NDManager groupManager, int embeddingDim, List<Modality> outputs, boolean joint,
                        double feedback, int every) {
        if (every < 1) {
            throw new IllegalArgumentException("feedback every " + every + " steps; expected at least 1");
        }
        this.sharedSpace = sharedSpace;
        this.every = every;
        this.groupManager = groupManager;
        this.on = joint && feedback > 0;
        if (on) {
            List<Modality> readOutputs = outputs.stream().filter(sharedSpace::reads).toList();
            readOutputs.forEach(modality -> nullReadings.put(modality,
                    groupManager.create(sharedSpace.nullEmbedding(modality)).reshape(1, 1, embeddingDim)));
            outputs.forEach(modality -> readingWeights.put(modality,
                    FeedbackWeights.of(modality, readOutputs, feedback, sharedSpace.shownAttributes())));
            readingWeights.values().forEach(weights -> weighed.addAll(weights.keySet()));
        }
    }

    /**
     * Whether this output's clean estimate is read into the shared space at all: not when no other output
     * weighs its reading (an image beside audio and video, {@link FeedbackWeights}).
     */
    boolean reads(Modality modality) {
        return on && weighed.contains(modality);
    }

    /**
     * Whether this output's clean estimate is read at its own step {@code ownStep} (0 first): at steps 0,
     * k, 2k, …; in between, the others' conditioning keeps its last reading.
     */
    boolean readsAt(Modality modality, int ownStep) {
        return reads(modality) && ownStep % every == 0;
    }

    /** Whether this output, finished, is still to be read once more, as z_0 itself. */
    boolean needsFinishedReading(Modality modality) {
        return reads(modality) && !finishedReadings.contains(modality);
    }

    /** Takes the reading of a finished output's z_0 ({@link #needsFinishedReading}). */
    void acceptFinished(Modality modality, NDArray reading) {
        finishedReadings.add(modality);
        replace(modality, reading);
    }

    /** Takes the reading of this output's clean estimate, for the other outputs' next step. */
    void accept(Modality modality, NDArray reading) {
        replace(modality, reading);
    }

    /**
     * The contexts of one output: [null; conditioning] of the job, mixed with the other outputs'
     * readings when feedback is on, c' = (c + Σ w_B·r_B) / (1 + Σ w_B) and ∅' = (∅ + Σ w_B·∅_B) / (1 + Σ w_B),
     * over the other outputs read so far that {@link FeedbackWeights} gives a weight w_B.
     */
    NDList contexts(Modality modality, NDList nullAndConditioning) {
        if (!on) {
            return nullAndConditioning;
        }
        NDArray nullSum = nullAndConditioning.get(0);                                       // (batch, 1, dim)
        NDArray conditionSum = nullAndConditioning.get(1);
        double weightSum = 1;
        for (Map.Entry<Modality, Double> weighted : readingWeights.get(modality).entrySet()) {
            NDArray reading = readings.get(weighted.getKey());
            if (reading == null) {                                                          // not read yet: waiting to start
                continue;
            }
            double weight = weighted.getValue();
            conditionSum = conditionSum.add(reading.expandDims(1).mul(weight));
            nullSum = nullSum.add(nullReadings.get(weighted.getKey()).mul(weight));
            weightSum += weight;
        }
        return weightSum == 1 ? nullAndConditioning : new NDList(nullSum.div(weightSum), conditionSum.div(weightSum));
    }

    /** Keeps the given batch rows of every reading (jobs left the batch). */
    void keepRows(int[] rows) {
        for (Modality modality : readings.keySet()) {
            replace(modality, ActiveRows.select(groupManager, readings.get(modality), rows));
        }
    }

    private void replace(Modality modality, NDArray reading) {
        reading.attach(groupManager);
        NDArray replaced = readings.put(modality, reading);
        if (replaced != null && replaced != reading) {
            replaced.close();
        }
    }
}
