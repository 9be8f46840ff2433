package dev.codi.training.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.codi.model.nn.TinyBlock;
import dev.codi.model.tiny.CodiTinyNetworks;
import dev.codi.training.TrainingStep;
import dev.codi.training.TrainConfig;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The training loop of one stage, written out: seeded batch → loss under a gradient collector →
 * NaN guard → global-norm clipping → AdamW step with warm-up and cosine decay → checkpoint. The
 * smoothed loss goes to the log at each checkpoint and, every few steps, to {@link LossHistory}.
 *
 * <p>NaN guard (ENGINEERING-NOTES: 2 of 9 identical conv-autoencoder runs went NaN on this engine):
 * a step whose loss or gradient norm is not finite is computed again from the same draws, up to
 * {@link #STEP_ATTEMPTS} times, then skipped; after
 * {@link TrainConfig#maxNonFiniteSteps()} in a row the last checkpoint is reloaded and training
 * goes on from there with the next steps' seeds.
 */
public final class StageRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);
    private static final double LOSS_SMOOTHING = 0.98;
    /**
     * Tries of one step before it is skipped. The engine's rare NaN (a conv input-gradient at one
     * thread) comes in bursts, within a second, of up to 8 consecutive computations seen, and does
     * not follow the step: computed again after the burst, the step is finite and gives the weights
     * a run without the NaN gives, so training stays deterministic from its seed. A step non-finite
     * every time (a burst longer than this, or a gradient that overflows) is skipped.
     */
    static final int STEP_ATTEMPTS = 10;
    /**
     * Zeroing a NaN gradient: an in-place fill (index_put_). Never {@code set(float[])}: on this engine
     * the tensor then adopts a Java direct buffer as its storage, freed once the gradient's handle is
     * closed, and backward writes into freed memory (NaN everywhere, then SIGSEGV in malloc).
     */
    private static final NDIndex ALL = new NDIndex("...");

    private final TrainConfig config;
    private final CodiTinyNetworks networks;
    private final NDManager manager;
    private final Checkpoints checkpoints;

    public StageRunner(TrainConfig config, CodiTinyNetworks networks, NDManager manager, Checkpoints checkpoints) {
        this.config = config;
        this.networks = networks;
        this.manager = manager;
        this.checkpoints = checkpoints;
    }

    /** The draws of one step: the same (seed, stage, step) gives the same batch and noise in any run. */
    public static Random stepRandom(long seed, TrainingStep stage, int step) {
        long mixed = seed * 0x9E3779B97F4A7C15L + (stage.ordinal() + 1L) * 0xBF58476D1CE4E5B9L + step * 0x94D049BB133111EBL;
        return new Random(mixed);
    }

    /**
     * Trains {@code trainer} from {@code start} (a fresh state at step 0 or a resumed one) to
     * {@code start.steps()} (the schedule's steps, or an extension's target) and returns the final
     * state, which is also saved as a checkpoint. Batch and peak learning rate come from the schedule.
     */
    public CheckpointState run(StageTrainer trainer, CheckpointState start) {
        TrainingStep stage = trainer.stage();
        TrainConfig.Schedule schedule = config.schedule(stage);
        int steps = start.steps();
        int segmentStart = start.segmentStart();
        List<Parameter> parameters = trainableParameters(trainer.trainedNetworks());
        trainer.prepare(start);
        double[] learningRate = {0};
        Optimizer optimizer = Optimizer.adamW().optLearningRateTracker(new Tracker() {
            @Override
            public float getNewValue(int numUpdate) {
                return (float) learningRate[0];
            }
        }).optWeightDecays(1e-4f).build();

        CheckpointState state = start;
        Path lastCheckpoint = null;
        int step = start.step();
        int nonFiniteInARow = 0;
        int skipped = start.skippedSteps();
        double smoothed = start.losses().getOrDefault(stage.id(), Double.NaN);
        double previousSeconds = start.seconds().getOrDefault(stage.id(), 0.0);
        long began = System.nanoTime();
        ParameterStore store = new ParameterStore(manager, false);
        LOG.info("{}: steps {}..{} of batch {} at peak learning rate {}, {} parameters trained",
                stage.id(), step, steps, schedule.batch(), schedule.learningRate(),
                parameters.stream().mapToLong(p -> p.getArray().size()).sum());
        try (ProgressBar bar = progressBar(stage, steps, step); LossHistory history = LossHistory.open(checkpoints.root())) {
            while (step < steps) {
                float loss = trainStep(trainer, store, parameters, optimizer, learningRate, schedule, segmentStart, steps, step);
                if (Float.isNaN(loss)) {                                                 // skipped
                    skipped++;
                    nonFiniteInARow++;
                    if (nonFiniteInARow >= config.maxNonFiniteSteps() && lastCheckpoint != null) {
                        LOG.warn("{}: {} non-finite steps in a row, reloading {}", stage.id(), nonFiniteInARow, lastCheckpoint);
                        checkpoints.loadWeights(lastCheckpoint, networks, manager);
                        parameters = trainableParameters(trainer.trainedNetworks());
                        // loading gives the parameters new arrays; the old store would keep serving the
                        // stale ones to the forward pass while the optimizer updated the new ones
                        store = new ParameterStore(manager, false);
                        nonFiniteInARow = 0;
                    }
                    step++;
                    bar.stepTo(step);
                    continue;
                }
                nonFiniteInARow = 0;
                smoothed = Double.isNaN(smoothed) ? loss : LOSS_SMOOTHING * smoothed + (1 - LOSS_SMOOTHING) * loss;
                step++;
                history.record(stage, step, smoothed);
                bar.stepTo(step);
                bar.setExtraMessage(String.format(" loss %.4f", smoothed));
                if (step % config.checkpointEvery() == 0 || step == steps) {
                    double seconds = previousSeconds + (System.nanoTime() - began) / 1e9;
                    state = state(stage, step, steps, segmentStart, smoothed, seconds, skipped, start, trainer);
                    lastCheckpoint = checkpoints.save(stage, state, networks);
                    LOG.info("{} step {}/{}: loss {} (smoothed), {} s/step, checkpoint {}", stage.id(), step, steps,
                            String.format("%.4f", smoothed), String.format("%.3f", (seconds - previousSeconds) / Math.max(1, step - start.step())),
                            lastCheckpoint.getFileName());
                }
            }
        }
        if (state.step() != steps || !state.done()) { // zero steps to go, or resumed at the end
            double seconds = previousSeconds + (System.nanoTime() - began) / 1e9;
            state = state(stage, step, steps, segmentStart, smoothed, seconds, skipped, start, trainer);
            checkpoints.save(stage, state, networks);
        }
        return state;
    }

    /**
     * One training step: the loss and its gradients, then an AdamW update. The engine's NaN is
     * transient, so a step with a non-finite loss or gradient is recomputed from the same draws, as a
     * clean run has them, up to {@link #STEP_ATTEMPTS} times.
     *
     * @return the step's loss, or NaN when every attempt was non-finite and the step is skipped
     */
    private float trainStep(StageTrainer trainer, ParameterStore store, List<Parameter> parameters, Optimizer optimizer,
                            double[] learningRate, TrainConfig.Schedule schedule, int segmentStart, int steps, int step) {
        TrainingStep stage = trainer.stage();
        float loss = Float.NaN;
        for (int attempt = 0; attempt < STEP_ATTEMPTS; attempt++) {
            Random random = stepRandom(config.seed(), stage, step);
            try (NDManager batch = manager.newSubManager();
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray lossArray = trainer.loss(batch, store, random);
                loss = lossArray.getFloat();
                if (Float.isFinite(loss)) {
                    collector.backward(lossArray);
                }
            }
            // gradient handles and the scalars an in-place fill creates live in this attempt's scratch manager
            try (NDManager scratch = manager.newSubManager()) {
                List<NDArray> gradients = new ArrayList<>(parameters.size());
                for (Parameter parameter : parameters) {
                    NDArray gradient = parameter.getArray().getGradient();
                    gradient.attach(scratch);
                    gradients.add(gradient);
                }
                double norm = Float.isFinite(loss) ? gradientNorm(parameters, gradients) : Double.NaN;
                if (Double.isFinite(norm)) {
                    update(optimizer, learningRate, schedule, segmentStart, steps, step, parameters, gradients, norm);
                    return loss;
                }
                gradients.forEach(g -> g.set(ALL, 0f));
                if (attempt < STEP_ATTEMPTS - 1) {
                    LOG.warn("{} step {}: non-finite loss or gradient (loss {}), step recomputed", stage.id(), step, loss);
                }
            }
        }
        LOG.warn("{} step {}: non-finite loss or gradient (loss {}) {} times, step skipped", stage.id(), step, loss, STEP_ATTEMPTS);
        return Float.NaN;
    }

    /** One AdamW step on finite {@code gradients} (clipped to the global norm), which it leaves zeroed. */
    private void update(Optimizer optimizer, double[] learningRate, TrainConfig.Schedule schedule, int segmentStart, int steps, int step,
                        List<Parameter> parameters, List<NDArray> gradients, double norm) {
        learningRate[0] = learningRate(schedule, segmentStart, steps, step);
        float clip = (float) Math.min(1.0, config.gradientClipNorm() / (norm + 1e-6));
        for (int i = 0; i < parameters.size(); i++) {
            NDArray gradient = gradients.get(i);
            if (clip < 1f) {
                gradient.muli(clip);
            }
            optimizer.update(parameters.get(i).getId(), parameters.get(i).getArray(), gradient);
            gradient.subi(gradient); // finite here, so this zeroes it in place
        }
    }

    private CheckpointState state(TrainingStep stage, int step, int steps, int segmentStart, double smoothed, double seconds, int skipped,
                                  CheckpointState start, StageTrainer trainer) {
        Map<String, Double> scales = new LinkedHashMap<>(start.latentScales());
        scales.putAll(trainer.latentScales());
        Map<String, Double> losses = new LinkedHashMap<>(start.losses());
        if (!Double.isNaN(smoothed)) {
            losses.put(stage.id(), smoothed);
        }
        Map<String, Double> times = new LinkedHashMap<>(start.seconds());
        times.put(stage.id(), seconds);
        // an extended stage records the steps it ran; resumes read the config of the run's first checkpoint
        // (on the config the stage started from: it may record extensions of earlier stages)
        // audio robustness as this run trains with it (an extension of a stage saved before it existed, or re-run with other settings)
        TrainConfig base = start.config().withAudioRobustness(config.randomisedAudioShare(), config.audioAnchorWeight());
        TrainConfig recorded = steps == base.schedule(stage).steps() ? base : base.withStageSteps(stage, steps);
        return new CheckpointState(stage.id(), step, steps, step >= steps, config.seed(), recorded, scales, losses, times, skipped,
                segmentStart);
    }

    /**
     * Linear warm-up to the peak (at most a fifth of the segment), then cosine decay to 10 % of it,
     * over the segment {@code segmentStart..steps} (the whole stage, or the steps an extension added).
     */
    private double learningRate(TrainConfig.Schedule schedule, int segmentStart, int steps, int step) {
        int length = steps - segmentStart;
        int warmup = Math.max(1, Math.min(config.warmupSteps(), length / 5));
        return learningRate(schedule.learningRate(), length, step - segmentStart, warmup);
    }

    static double learningRate(double peak, int steps, int step, int warmup) {
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        double progress = (step - warmup) / (double) Math.max(1, steps - warmup);
        return peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
    }

    /** Marks the trained networks' parameters as requiring gradients and every other parameter as frozen. */
    private List<Parameter> trainableParameters(List<TinyBlock> trained) {
        for (TinyBlock block : networks.byName().values()) {
            for (var pair : block.getParameters()) {
                NDArray array = pair.getValue().getArray();
                if (array.hasGradient()) {
                    array.setRequiresGradient(false);
                }
            }
        }
        List<Parameter> parameters = new ArrayList<>();
        Map<String, Boolean> seen = new HashMap<>();
        for (TinyBlock block : trained) {
            for (var pair : block.getParameters()) {
                Parameter parameter = pair.getValue();
                if (seen.putIfAbsent(parameter.getId(), true) == null) {
                    parameter.getArray().setRequiresGradient(true);
                    parameters.add(parameter);
                }
            }
        }
        return parameters;
    }

    /** The global L2 norm of the gradients, summed on the host in double precision. */
    private static double gradientNorm(List<Parameter> parameters, List<NDArray> gradients) {
        double sum = 0;
        for (int i = 0; i < parameters.size(); i++) {
            double squares = 0;
            for (float g : gradients.get(i).toFloatArray()) {
                squares += (double) g * g;
            }
            if (!Double.isFinite(squares)) {
                LOG.debug("non-finite gradient of parameter {} {}", parameters.get(i).getName(), parameters.get(i).getArray().getShape());
            }
            sum += squares;
        }
        return Math.sqrt(sum);
    }

    private static ProgressBar progressBar(TrainingStep stage, int steps, int start) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(stage.id()).setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII).showSpeed().setUnit(" steps", 1)
                .startsFrom(start, Duration.ZERO);
        if (System.console() == null) { // a log file: one line a minute instead of carriage returns
            builder.setConsumer(new DelegatingProgressBarConsumer(line -> System.out.println(line.strip()), 120))
                    .setUpdateIntervalMillis(60_000);
        }
        return builder.build();
    }
}
