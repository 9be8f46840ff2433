package dev.codi.model.tiny;

import java.util.List;
import java.util.Map;

/**
 * The bundle's manifest.json. Weight files are listed with their size and sha256 and read as
 * streams, so nothing here assumes small networks.
 *
 * @param format          bundle format version, {@value CodiTinyBundle#FORMAT}
 * @param world           the world the model is judged on, e.g. "shapes-and-tones/1"
 * @param latentShapes    per modality wire name, without the batch axis
 * @param latentScales    per modality: diffusion latent = scale × autoencoder mean (SD's 0.18215)
 * @param representations how each modality is represented before its autoencoder, for humans
 * @param networks        the sizes of every block
 * @param weights         per network name: its file, size, sha256 and parameter count
 * @param training        the training config (empty for a random bundle)
 * @param vocabulary      the words the text networks know (absent from bundles written before it was listed)
 */
public record BundleManifest(String format, String name, String version, boolean trained, String description,
                             String world, long seed, List<String> modalities, int embeddingDimension,
                             int environmentDimension, Map<String, int[]> latentShapes, Map<String, Double> latentScales,
                             Scheduler scheduler, Map<String, String> representations, CodiTinyConfig networks,
                             Map<String, WeightFile> weights, Map<String, Object> training, Map<String, Double> metrics,
                             TextVocabulary vocabulary) {

    /** The noise schedule the denoisers were trained with. */
    public record Scheduler(String type, int trainTimesteps, String betaSchedule, double betaStart, double betaEnd,
                            String prediction, String timestepSpacing, int stepsOffset, boolean setAlphaToOne) { }

    /**
     * What a text input may say: its words (anything else reads as {@code unknownToken}), of which
     * only the first {@code maxWords} are read.
     */
    public record TextVocabulary(List<String> words, int maxWords, String unknownToken) { }

    public record WeightFile(String file, long bytes, String sha256, long parameters) {
        public WeightFile {
            if (file.contains("/") || file.contains("\\") || file.startsWith(".")) {
                throw new IllegalArgumentException("weight file must be a plain name inside the bundle, got " + file);
            }
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256 of " + file + " must be 64 lower-case hex digits");
            }
        }
    }
}
