package dev.codi.training.alignment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.prompt.PromptEncoder;
import dev.codi.training.TrainingContext;
import dev.codi.training.TrainingStep;
import dev.codi.training.data.WorldDataset;
import dev.codi.training.loop.CheckpointState;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.BitSet;
import java.util.Random;

/**
 * E_audio against the frozen text encoder, on spectrograms of WAV-decoded (and resampled) clips.
 *
 * <p>A share {@code randomisedAudioShare} of the rows takes the sample's domain-randomised clip
 * instead of the generator's own ({@link dev.codi.training.data.RandomisedAudioSet}), so the
 * encoder reads every envelope, rate and level the spec allows. With {@code audioAnchorWeight} > 0
 * the loss adds w · mean ‖E(x) − E_start(x)‖² over the rows holding the generator's own clip,
 * E_start the encoder as this stage's learning-rate segment began: the denoisers were conditioned
 * on E_start's embeddings, so re-training the encoder keeps them where the denoisers expect them.
 * E_start's embedding of every dataset clip is computed once per segment and kept beside the
 * checkpoints, so a resumed run holds to the same targets.
 */
public final class AudioAlignmentTrainer extends MediaAlignmentTrainer {
    private static final int ANCHOR_BATCH = 256;

    private final BitSet randomisedRows = new BitSet();
    private float[] anchorTargets;   // (dataset size, embeddingDim): E_start of every generator clip
    private int embeddingDim;

    public AudioAlignmentTrainer(TrainingContext context) {
        super(context, Modality.AUDIO);
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.AUDIO_ALIGNMENT;
    }

    @Override
    public void prepare(CheckpointState start) {
        if (context.config.randomisedAudioShare() > 0) {
            context.randomisedAudio();
        }
        if (context.config.audioAnchorWeight() > 0) {
            Path file = context.checkpoints.root().resolve(String.format("%s-anchor-from-step-%06d.bin", stage().id(), start.segmentStart()));
            if (start.step() > start.segmentStart() && Files.isRegularFile(file)) {
                readAnchorTargets(file);
            } else {
                computeAnchorTargets();
                writeAnchorTargets(file);
            }
        }
    }

    @Override
    protected void write(WorldDataset data, int sample, float[] values, int row, Random random) {
        if (row == 0) {
            randomisedRows.clear();
        }
        double share = context.config.randomisedAudioShare();
        if (share > 0 && random.nextDouble() < share) { // no draw when off: runs without it keep their batches
            randomisedRows.set(row);
            context.randomisedAudio().spectrogram(sample, values, row * data.spectrogramValues());
        } else {
            data.spectrogram(sample, values, row * data.spectrogramValues());
        }
    }

    @Override
    protected Shape inputShape(WorldDataset data, int n) {
        return new Shape(n, 1, data.bins, data.spectrogramFrames);
    }

    @Override
    protected NDArray withRegularisation(NDArray contrastive, NDArray media, int[] samples, NDManager batch) {
        double weight = context.config.audioAnchorWeight();
        if (!(weight > 0) || anchorTargets == null) {
            return contrastive;
        }
        int n = samples.length;
        float[] targets = new float[n * embeddingDim];   // (n, embeddingDim)
        float[] own = new float[n];                       // (n) 1 where the row holds the generator's clip
        int owned = 0;
        for (int row = 0; row < n; row++) {
            if (!randomisedRows.get(row)) {
                System.arraycopy(anchorTargets, samples[row] * embeddingDim, targets, row * embeddingDim, embeddingDim);
                own[row] = 1;
                owned++;
            }
        }
        if (owned == 0) {
            return contrastive;
        }
        NDArray distances = media.sub(batch.create(targets, new Shape(n, embeddingDim))).square().sum(new int[] {1}); // (n)
        NDArray anchor = distances.mul(batch.create(own)).sum().div((float) owned);
        return contrastive.add(anchor.mul((float) weight));
    }

    /** E_start(x) of every dataset clip, with the encoder's weights as loaded now. */
    private void computeAnchorTargets() {
        WorldDataset data = context.dataset();
        PromptEncoder encoder = context.networks.promptEncoders.get(Modality.AUDIO);
        ParameterStore store = new ParameterStore(context.manager, false);
        float[] all = null;
        for (int from = 0; from < data.size; from += ANCHOR_BATCH) {
            int count = Math.min(ANCHOR_BATCH, data.size - from);
            float[] values = new float[count * data.spectrogramValues()];
            for (int k = 0; k < count; k++) {
                data.spectrogram(from + k, values, k * data.spectrogramValues());
            }
            try (NDManager scratch = context.manager.newSubManager()) {
                float[] embeddings = encoder.encode(store, scratch.create(values, inputShape(data, count))).toFloatArray();
                if (all == null) {
                    embeddingDim = embeddings.length / count;
                    all = new float[data.size * embeddingDim];
                }
                System.arraycopy(embeddings, 0, all, from * embeddingDim, embeddings.length);
            }
        }
        anchorTargets = all;
    }

    private void writeAnchorTargets(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary)))) {
                out.writeInt(anchorTargets.length / embeddingDim);
                out.writeInt(embeddingDim);
                for (float value : anchorTargets) {
                    out.writeFloat(value);
                }
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the anchor targets " + file, e);
        }
    }

    private void readAnchorTargets(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int size = in.readInt();
            embeddingDim = in.readInt();
            if (size != context.dataset().size) {
                throw new IOException("anchor targets for " + size + " samples, the dataset has " + context.dataset().size);
            }
            anchorTargets = new float[size * embeddingDim];
            for (int k = 0; k < anchorTargets.length; k++) {
                anchorTargets[k] = in.readFloat();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the anchor targets " + file, e);
        }
    }
}
