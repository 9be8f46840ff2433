package dev.codi.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.codi.model.nn.TinyBlock;
import dev.codi.training.TrainingStep;

import java.util.List;
import java.util.Map;
import java.util.Random;

/** One stage-1 objective: which networks it trains and the loss of one seeded batch. */
public interface StageTrainer {
    TrainingStep stage();

    /** The networks whose parameters this stage updates; every other network stays frozen. */
    List<TinyBlock> trainedNetworks();

    /** Runs once before the first step, also on resume: precompute what the frozen networks give. */
    default void prepare() {
    }

    /** {@link #prepare()}, for a trainer that needs to know where the stage starts (its step and segment). */
    default void prepare(CheckpointState start) {
        prepare();
    }

    /**
     * The scalar loss of one batch; called inside a gradient collector. Every draw comes from
     * {@code random}, which is seeded by (run seed, stage, step).
     */
    NDArray loss(NDManager batch, ParameterStore store, Random random);

    /** Latent scale factors (by modality wire name) this stage measured, to be kept in the state. */
    default Map<String, Double> latentScales() {
        return Map.of();
    }
}
