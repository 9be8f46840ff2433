package dev.codi.lab.probe;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.denoiser.EnvironmentEncoder;
import dev.codi.training.TrainingStep;
import dev.codi.training.Stages;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.WorldDataset;
import dev.codi.training.diffusion.DenoiserTrainer;
import dev.codi.training.loop.Draws;
import dev.codi.world.Combination;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * How much of each attribute an environment token V_m(z_t) still shows at each noise level: a
 * nearest-centroid classifier on standardised features, fitted on two thirds of the dataset's
 * samples and scored on the rest, once on V_m(z_t) and once on z_t itself. Joint attention can only
 * pass on what the token shows, so an attribute that no token shows until late in sampling cannot
 * be agreed on before each denoiser has settled it alone. Reads the networks the context holds.
 */
public final class EnvironmentTokenProbe {
    /** How an attribute is read off the features, fitted on two thirds of the samples, scored on the rest. */
    public enum Reader {
        /** the nearest class mean of standardised features: quick, and blind to what needs weighting */
        CENTROID,
        /** ridge regression onto the one-hot class, then the largest score: a trained linear reader */
        RIDGE
    }

    /** One attribute of one modality: accuracy per timestep, from the token and from the latent. */
    public record Row(Modality modality, String attribute, int classes, double[] fromToken, double[] fromLatent) { }

    private static final Map<String, ToIntFunction<Combination>> ATTRIBUTES = Map.of(
            "color", combination -> combination.color().ordinal(),
            "shape", combination -> combination.shape().ordinal(),
            "motion", combination -> combination.motion().ordinal());
    private static final int CHUNK = 128;

    private final TrainingContext context;

    public EnvironmentTokenProbe(TrainingContext context) {
        this.context = context;
    }

    /** The attributes a modality shows: images have no motion. */
    static List<String> attributesOf(Modality modality) {
        return modality == Modality.IMAGE ? List.of("color", "shape") : List.of("color", "shape", "motion");
    }

    public List<Row> run(List<Modality> modalities, int sampleCount, int[] timesteps, long seed, Reader reader) {
        WorldDataset data = context.dataset();
        int n = Math.min(sampleCount, data.size);
        int[] samples = new int[n];
        for (int i = 0; i < n; i++) {
            samples[i] = i;
        }
        List<Row> rows = new ArrayList<>();
        ParameterStore store = new ParameterStore(context.manager, false);
        for (Modality modality : modalities) {
            DenoiserTrainer bank = (DenoiserTrainer) Stages.trainer(TrainingStep.denoiserOf(modality), context);
            bank.prepare();
            EnvironmentEncoder encoder = context.networks.environmentEncoders.get(modality);
            Map<String, double[][]> accuracies = new LinkedHashMap<>();
            for (String attribute : attributesOf(modality)) {
                accuracies.put(attribute, new double[2][timesteps.length]);
            }
            for (int k = 0; k < timesteps.length; k++) {
                float[] times = new float[n];
                java.util.Arrays.fill(times, timesteps[k]);
                Random random = new Random(seed * 31 + modality.ordinal() * 1009L + timesteps[k]);
                float[] noisy = bank.noised(samples, times, Draws.gaussian(random, n * bank.latentValues()));
                float[] tokens = tokens(encoder, store, bank, noisy, n);
                for (String attribute : attributesOf(modality)) {
                    int[] labels = new int[n];
                    for (int i = 0; i < n; i++) {
                        labels[i] = ATTRIBUTES.get(attribute).applyAsInt(data.combination(samples[i]));
                    }
                    accuracies.get(attribute)[0][k] = accuracy(reader, tokens, tokens.length / n, labels);
                    accuracies.get(attribute)[1][k] = accuracy(reader, noisy, bank.latentValues(), labels);
                }
            }
            accuracies.forEach((attribute, pair) -> rows.add(new Row(modality, attribute, classCount(attribute), pair[0], pair[1])));
        }
        return rows;
    }

    private static int classCount(String attribute) {
        return switch (attribute) {
            case "color" -> dev.codi.world.Color.values().length;
            case "shape" -> dev.codi.world.Shape.values().length;
            default -> dev.codi.world.Motion.values().length;
        };
    }

    /** V_m of every row, (n, environment dimension) row-major, computed in chunks. */
    private float[] tokens(EnvironmentEncoder encoder, ParameterStore store, DenoiserTrainer bank, float[] noisy, int n) {
        int values = bank.latentValues();
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (int start = 0; start < n; start += CHUNK) {
            int rows = Math.min(CHUNK, n - start);
            try (NDManager chunk = context.manager.newSubManager()) {
                float[] part = java.util.Arrays.copyOfRange(noisy, start * values, (start + rows) * values);
                float[] token = encoder.encode(store, chunk.create(part, bank.latentShape(rows)), null).toFloatArray();
                parts.add(token);
                total += token.length;
            }
        }
        float[] tokens = new float[total];
        int offset = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, tokens, offset, part.length);
            offset += part.length;
        }
        return tokens;
    }

    static double accuracy(Reader reader, float[] features, int dimension, int[] labels) {
        return reader == Reader.RIDGE ? ridgeAccuracy(features, dimension, labels, 1.0)
                : nearestCentroidAccuracy(features, dimension, labels);
    }

    /**
     * Ridge regression of the one-hot class on standardised features, fitted on the rows whose
     * index is not a multiple of 3 (penalty {@code lambda} per fitted row), scored on the others by
     * the largest predicted score.
     */
    static double ridgeAccuracy(float[] features, int dimension, int[] labels, double lambda) {
        double[][] rows = standardised(features, dimension, labels.length);
        int classes = classCount(labels);
        int fitted = 0;
        double[][] gram = new double[dimension][dimension];
        double[][] target = new double[dimension][classes];
        for (int i = 0; i < labels.length; i++) {
            if (!isFitted(i)) {
                continue;
            }
            fitted++;
            double[] row = rows[i];
            for (int a = 0; a < dimension; a++) {
                double value = row[a];
                if (value == 0) {
                    continue;
                }
                double[] gramRow = gram[a];
                for (int b = a; b < dimension; b++) {
                    gramRow[b] += value * row[b];
                }
                target[a][labels[i]] += value;
            }
        }
        for (int a = 0; a < dimension; a++) {
            gram[a][a] += lambda * fitted;
            for (int b = 0; b < a; b++) {
                gram[a][b] = gram[b][a];
            }
        }
        double[][] weights = solveSymmetric(gram, target);
        return heldOutAccuracy(labels, i -> {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double score = 0;
                for (int d = 0; d < dimension; d++) {
                    score += rows[i][d] * weights[d][c];
                }
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            return best;
        });
    }

    /**
     * Class means of standardised features over the rows whose index is not a multiple of 3; the
     * share of the other rows whose nearest mean is their class.
     */
    static double nearestCentroidAccuracy(float[] features, int dimension, int[] labels) {
        double[][] rows = standardised(features, dimension, labels.length);
        int classes = classCount(labels);
        double[][] centroids = new double[classes][dimension];
        int[] counts = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            if (isFitted(i)) {
                counts[labels[i]]++;
                for (int d = 0; d < dimension; d++) {
                    centroids[labels[i]][d] += rows[i][d];
                }
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int d = 0; d < dimension; d++) {
                centroids[c][d] /= Math.max(counts[c], 1);
            }
        }
        return heldOutAccuracy(labels, i -> {
            int best = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                if (counts[c] == 0) {
                    continue;
                }
                double distance = 0;
                for (int d = 0; d < dimension; d++) {
                    double difference = rows[i][d] - centroids[c][d];
                    distance += difference * difference;
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = c;
                }
            }
            return best;
        });
    }

    /** Rows whose index is not a multiple of 3 fit a reader; the others score it. */
    private static boolean isFitted(int row) {
        return row % 3 != 0;
    }

    private static int classCount(int[] labels) {
        int classes = 0;
        for (int label : labels) {
            classes = Math.max(classes, label + 1);
        }
        return classes;
    }

    /** The share of held-out rows whose predicted class is their label. */
    private static double heldOutAccuracy(int[] labels, java.util.function.IntUnaryOperator predict) {
        int right = 0;
        int scored = 0;
        for (int i = 0; i < labels.length; i++) {
            if (!isFitted(i)) {
                scored++;
                if (predict.applyAsInt(i) == labels[i]) {
                    right++;
                }
            }
        }
        return (double) right / scored;
    }

    /** (n, dimension) features less the fitted rows' mean, over their deviation (two-pass). */
    private static double[][] standardised(float[] features, int dimension, int n) {
        double[] mean = new double[dimension];
        double[] variance = new double[dimension];
        int fitted = 0;
        for (int i = 0; i < n; i++) {
            if (isFitted(i)) {
                fitted++;
                for (int d = 0; d < dimension; d++) {
                    mean[d] += features[i * dimension + d];
                }
            }
        }
        for (int d = 0; d < dimension; d++) {
            mean[d] /= fitted;
        }
        for (int i = 0; i < n; i++) {
            if (isFitted(i)) {
                for (int d = 0; d < dimension; d++) {
                    double centred = features[i * dimension + d] - mean[d];
                    variance[d] += centred * centred;
                }
            }
        }
        double[][] rows = new double[n][dimension];
        for (int d = 0; d < dimension; d++) {
            double scale = 1 / Math.sqrt(variance[d] / fitted + 1e-8);
            for (int i = 0; i < n; i++) {
                rows[i][d] = (features[i * dimension + d] - mean[d]) * scale;
            }
        }
        return rows;
    }

    /** Solves A·X = B for a symmetric positive-definite A by Cholesky decomposition (A is overwritten). */
    static double[][] solveSymmetric(double[][] a, double[][] b) {
        int size = a.length;
        for (int j = 0; j < size; j++) {
            double diagonal = a[j][j];
            for (int k = 0; k < j; k++) {
                diagonal -= a[j][k] * a[j][k];
            }
            a[j][j] = Math.sqrt(diagonal);
            for (int i = j + 1; i < size; i++) {
                double value = a[i][j];
                double[] rowI = a[i];
                double[] rowJ = a[j];
                for (int k = 0; k < j; k++) {
                    value -= rowI[k] * rowJ[k];
                }
                a[i][j] = value / a[j][j];
            }
        }
        int columns = b[0].length;
        double[][] x = new double[size][columns];
        for (int c = 0; c < columns; c++) {
            double[] y = new double[size];
            for (int i = 0; i < size; i++) {
                double value = b[i][c];
                for (int k = 0; k < i; k++) {
                    value -= a[i][k] * y[k];
                }
                y[i] = value / a[i][i];
            }
            for (int i = size - 1; i >= 0; i--) {
                double value = y[i];
                for (int k = i + 1; k < size; k++) {
                    value -= a[k][i] * x[k][c];
                }
                x[i][c] = value / a[i][i];
            }
        }
        return x;
    }
}
