package dev.codi.training;

/**
 * Every default of a training run in one place (as nanoGPT's config block). Saved in each
 * checkpoint's state and in the bundle manifest, so a result says how it was made; a resumed run
 * continues with the config its checkpoint was started with.
 *
 * <p>The schedule is sized for about 70 minutes on 2 shared CPU cores (measured step times in
 * {@code training/README.md}); the video stages cost ~8× per sample, so they get smaller batches.
 */
public record TrainConfig(
        // --- reproducibility -----------------------------------------------------------------
        long seed,                         // every draw: initial weights, data, batches, noise, timesteps
        // --- data (rendered once, cached under .cache/training/) ------------------------------
        int datasetSamples,                // samples over the 82 training combinations, balanced
        double resampledAudioShare,        // audio rendered at 8 / 22.05 / 44.1 kHz, back through the model's resampler
        double gifShare,                   // video through GIF; the rest through MP4 (H.264)
        double underSpecifiedCaptionShare, // captions naming only some attributes ("a red shape")
        double randomisedAudioShare,       // audio-alignment rows whose clip has every free parameter of the spec drawn widely
                                           // (world.RandomisedAudio, rendered once, cached beside the dataset); 0 in configs
                                           // saved before the option existed
        // --- loop --------------------------------------------------------------------------
        int checkpointEvery,               // steps between checkpoints (and at the end of each stage)
        double gradientClipNorm,           // global L2 norm of the gradients
        int warmupSteps,                   // linear learning-rate warm-up, then cosine decay to 10 %
        int maxNonFiniteSteps,             // consecutive NaN/Inf steps skipped before reloading the last checkpoint
        // --- per stage: steps, batch, peak learning rate --------------------------------------
        Schedule imageAutoencoder,
        Schedule audioAutoencoder,
        Schedule textAutoencoder,
        Schedule textImageAlignment,
        Schedule imageAlignment,           // null in configs saved before the stage existed: the default
        Schedule audioAlignment,
        Schedule videoAlignment,
        Schedule imageDenoiser,
        Schedule audioDenoiser,
        Schedule textDenoiser,
        Schedule videoDenoiser,
        // --- losses ------------------------------------------------------------------------
        double klWeight,                   // β of the conv autoencoders' KL term (per element, vs per-element MSE)
        double textKlWeight,               // β of the sentence VAE's KL term
        double foregroundWeight,           // extra weight of shape pixels / tone bins in the reconstruction loss
        double temperature,                // τ of the contrastive (InfoNCE) logits
        double conditionDropout,           // share of denoiser steps conditioned on the null embedding (CFG)
        double mixedConditioningShare,     // share conditioned on a weighted mix of two input modalities
        double textConditioningShare,      // share conditioned on text; the rest on image / audio / video
        double audioAnchorWeight,          // weight of ‖E_audio(x) − E_audio,start(x)‖² on the generator's own clips in audio
                                           // alignment, E_audio,start the encoder as the stage's segment began: an extension
                                           // keeps what the denoisers were conditioned on; 0 for a stage trained from scratch
        // --- stage 2: joint generation ---------------------------------------------------------
        StageTwo stageTwo) {

    /** Steps, batch size and peak learning rate of one stage. */
    public record Schedule(int steps, int batch, double learningRate) {
        public Schedule {
            if (steps < 0 || batch < 2 || !(learningRate > 0)) {
                throw new IllegalArgumentException("a schedule needs steps ≥ 0, batch ≥ 2 and a positive learning rate, got "
                        + steps + ", " + batch + ", " + learningRate);
            }
        }
    }

    /**
     * TrainingStep 2 (CoDi §3.3): a schedule per stage (three bridging pairs, then the mixed sets); the conditioning each step draws (the prompt
     * leaves attributes open most of the time, so a denoiser gains from reading them off the other
     * output's environment token; a share is the null embedding); the weight of the contrastive
     * term between the two environment tokens; the share of rows whose t comes from the noisy half
     * of the schedule, where joint sampling settles color, shape and motion (the rest uniform).
     */
    public record StageTwo(Schedule textImage, Schedule textAudio, Schedule audioVideo, Schedule mixed,
                           double underSpecifiedShare, double nullShare, double contrastiveWeight, double highNoiseShare) {
        /** Every set of two to four outputs after bridging (null in configs saved before the stage existed: the default). */
        static final Schedule DEFAULT_MIXED = new Schedule(3500, 16, 2e-3);

        public static StageTwo defaults() {
            return new StageTwo(
                    new Schedule(6000, 48, 2e-3),   // text–image   ~0.07 s/step
                    new Schedule(5000, 48, 2e-3),   // text–audio   ~0.12 s/step
                    new Schedule(3500, 16, 2e-3),   // audio–video  ~0.25 s/step (8 frames per sample)
                    DEFAULT_MIXED,                  // mixed sets   ~0.2 s/step (7 of the 11 sets hold video)
                    0.85, 0.15, 0.1,
                    0.5);                           // t drawn from [400, 1000), where sampling settles what outputs show
        }

        @Override
        public Schedule mixed() {
            return mixed != null ? mixed : DEFAULT_MIXED;
        }

        StageTwo withSchedules(java.util.function.UnaryOperator<Schedule> change) {
            return new StageTwo(change.apply(textImage), change.apply(textAudio), change.apply(audioVideo), change.apply(mixed()),
                    underSpecifiedShare, nullShare, contrastiveWeight, highNoiseShare);
        }

        StageTwo with(TrainingStep stage, Schedule schedule) {
            return new StageTwo(stage == TrainingStep.JOINT_TEXT_IMAGE ? schedule : textImage,
                    stage == TrainingStep.JOINT_TEXT_AUDIO ? schedule : textAudio,
                    stage == TrainingStep.JOINT_AUDIO_VIDEO ? schedule : audioVideo,
                    stage == TrainingStep.JOINT_MIXED ? schedule : mixed(),
                    underSpecifiedShare, nullShare, contrastiveWeight, highNoiseShare);
        }
    }

    /** Image → frozen text: E_image trained on alone after the joint text ↔ image step. */
    static final Schedule DEFAULT_IMAGE_ALIGNMENT = new Schedule(10000, 128, 1e-3);

    /** The image-alignment schedule; a config saved before that stage existed (no such field) gets the default. */
    @Override
    public Schedule imageAlignment() {
        return imageAlignment != null ? imageAlignment : DEFAULT_IMAGE_ALIGNMENT;
    }

    /** The stage-2 settings; a config saved before stage 2 existed (no such field) gets the defaults. */
    @Override
    public StageTwo stageTwo() {
        return stageTwo != null ? stageTwo : StageTwo.defaults();
    }

    public TrainConfig {
        if (datasetSamples < 2) {
            throw new IllegalArgumentException("--samples must be at least 2, got " + datasetSamples);
        }
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpointEvery must be positive, got " + checkpointEvery);
        }
        for (double share : new double[] {resampledAudioShare, gifShare, underSpecifiedCaptionShare, randomisedAudioShare,
                conditionDropout, mixedConditioningShare, textConditioningShare}) {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("shares must be within [0, 1], got " + share);
            }
        }
        if (!(audioAnchorWeight >= 0)) {
            throw new IllegalArgumentException("--audio-anchor-weight must be ≥ 0, got " + audioAnchorWeight);
        }
    }

    public static TrainConfig defaults() {
        return new TrainConfig(
                1337,
                4100, 0.25, 0.3, 0.3, 0.5,
                250, 1.0, 100, 5,
                // measured with 1 PyTorch thread on the shared 2-core box (s/step); conv autoencoders dominate
                new Schedule(1500, 32, 2e-3),    // image autoencoder      ~0.18 s/step
                new Schedule(600, 16, 2e-3),     // audio autoencoder      ~1.2 s/step (full-resolution 128×64 convs)
                new Schedule(1500, 128, 2e-3),   // text autoencoder       ~0.03 s/step
                new Schedule(2500, 128, 1e-3),   // text ↔ image           ~0.14 s/step
                DEFAULT_IMAGE_ALIGNMENT,          // image → frozen text    ~0.015 s/step (2 threads)
                new Schedule(1500, 96, 1e-3),    // audio → frozen text    ~0.15 s/step
                new Schedule(800, 48, 1e-3),     // video → frozen text    ~0.11 s/step
                new Schedule(4000, 64, 1e-3),    // image denoiser         ~0.1 s/step
                new Schedule(3000, 64, 1e-3),    // audio denoiser         ~0.1-0.3 s/step
                new Schedule(2000, 128, 1e-3),   // text denoiser          ~0.18 s/step
                new Schedule(1000, 12, 1e-3),    // video denoiser         ~0.25 s/step (8 frames per sample)
                1e-4, 1e-3, 4.0, 0.1,
                0.1, 0.1, 0.6, 0.0,
                StageTwo.defaults());
    }

    public Schedule schedule(TrainingStep stage) {
        return switch (stage) {
            case IMAGE_AUTOENCODER -> imageAutoencoder;
            case AUDIO_AUTOENCODER -> audioAutoencoder;
            case TEXT_AUTOENCODER -> textAutoencoder;
            case TEXT_IMAGE_ALIGNMENT -> textImageAlignment;
            case IMAGE_ALIGNMENT -> imageAlignment();
            case AUDIO_ALIGNMENT -> audioAlignment;
            case VIDEO_ALIGNMENT -> videoAlignment;
            case IMAGE_DENOISER -> imageDenoiser;
            case AUDIO_DENOISER -> audioDenoiser;
            case TEXT_DENOISER -> textDenoiser;
            case VIDEO_DENOISER -> videoDenoiser;
            case JOINT_TEXT_IMAGE -> stageTwo().textImage();
            case JOINT_TEXT_AUDIO -> stageTwo().textAudio();
            case JOINT_AUDIO_VIDEO -> stageTwo().audioVideo();
            case JOINT_MIXED -> stageTwo().mixed();
        };
    }

    /** The same config with every stage at {@code steps} steps and batch {@code batch} (smoke runs and tests). */
    public TrainConfig withEveryStage(int steps, int batch) {
        return withSchedules(stage -> new Schedule(steps, batch, schedule(stage).learningRate()), Math.min(warmupSteps, steps),
                stageTwo().withSchedules(old -> new Schedule(steps, batch, old.learningRate())));
    }

    /** The same config with every stage at {@code steps} steps, batches unchanged (benchmarks). */
    public TrainConfig withSteps(int steps) {
        return withSchedules(stage -> new Schedule(steps, schedule(stage).batch(), schedule(stage).learningRate()),
                Math.min(warmupSteps, steps), stageTwo().withSchedules(old -> new Schedule(steps, old.batch(), old.learningRate())));
    }

    /** The same config with {@code stage} at {@code steps} steps (what a stage extended with --extend-to ran). */
    public TrainConfig withStageSteps(TrainingStep stage, int steps) {
        Schedule changed = new Schedule(steps, schedule(stage).batch(), schedule(stage).learningRate());
        return withSchedules(each -> each == stage ? changed : schedule(each), warmupSteps,
                stage.joint() ? stageTwo().with(stage, changed) : stageTwo());
    }

    /** The same config with other stage-2 settings. */
    public TrainConfig withStageTwo(StageTwo newStageTwo) {
        return withSchedules(this::schedule, warmupSteps, newStageTwo);
    }

    /** The same config with each stage-1 schedule from {@code scheduleOf}, and the warm-up and stage-2 settings given. */
    private TrainConfig withSchedules(java.util.function.Function<TrainingStep, Schedule> scheduleOf, int newWarmupSteps,
                                      StageTwo newStageTwo) {
        return new TrainConfig(seed, datasetSamples, resampledAudioShare, gifShare, underSpecifiedCaptionShare, randomisedAudioShare,
                checkpointEvery, gradientClipNorm, newWarmupSteps, maxNonFiniteSteps,
                scheduleOf.apply(TrainingStep.IMAGE_AUTOENCODER), scheduleOf.apply(TrainingStep.AUDIO_AUTOENCODER),
                scheduleOf.apply(TrainingStep.TEXT_AUTOENCODER), scheduleOf.apply(TrainingStep.TEXT_IMAGE_ALIGNMENT),
                scheduleOf.apply(TrainingStep.IMAGE_ALIGNMENT), scheduleOf.apply(TrainingStep.AUDIO_ALIGNMENT), scheduleOf.apply(TrainingStep.VIDEO_ALIGNMENT),
                scheduleOf.apply(TrainingStep.IMAGE_DENOISER), scheduleOf.apply(TrainingStep.AUDIO_DENOISER),
                scheduleOf.apply(TrainingStep.TEXT_DENOISER), scheduleOf.apply(TrainingStep.VIDEO_DENOISER),
                klWeight, textKlWeight, foregroundWeight, temperature, conditionDropout, mixedConditioningShare, textConditioningShare,
                audioAnchorWeight, newStageTwo);
    }

    /** The same config with another seed, dataset size and checkpoint interval. */
    public TrainConfig with(long newSeed, int newDatasetSamples, int newCheckpointEvery) {
        return new TrainConfig(newSeed, newDatasetSamples, resampledAudioShare, gifShare, underSpecifiedCaptionShare, randomisedAudioShare,
                newCheckpointEvery, gradientClipNorm, warmupSteps, maxNonFiniteSteps,
                imageAutoencoder, audioAutoencoder, textAutoencoder, textImageAlignment, imageAlignment(), audioAlignment, videoAlignment,
                imageDenoiser, audioDenoiser, textDenoiser, videoDenoiser,
                klWeight, textKlWeight, foregroundWeight, temperature, conditionDropout, mixedConditioningShare, textConditioningShare,
                audioAnchorWeight, stageTwo());
    }

    /**
     * The same config with audio alignment on {@code share} domain-randomised clips, held to the
     * encoder it starts from with {@code anchorWeight} (re-training a finished encoder: see Train's
     * {@code --audio-anchor-weight}).
     */
    public TrainConfig withAudioRobustness(double share, double anchorWeight) {
        return new TrainConfig(seed, datasetSamples, resampledAudioShare, gifShare, underSpecifiedCaptionShare, share,
                checkpointEvery, gradientClipNorm, warmupSteps, maxNonFiniteSteps,
                imageAutoencoder, audioAutoencoder, textAutoencoder, textImageAlignment, imageAlignment(), audioAlignment, videoAlignment,
                imageDenoiser, audioDenoiser, textDenoiser, videoDenoiser,
                klWeight, textKlWeight, foregroundWeight, temperature, conditionDropout, mixedConditioningShare, textConditioningShare,
                anchorWeight, stageTwo());
    }
}
