package dev.codi.training;

import dev.codi.media.GifCodec;
import dev.codi.media.ImageCodec;
import dev.codi.media.MediaDecodeException;
import dev.codi.media.Modality;
import dev.codi.media.Mp4Codec;
import dev.codi.media.VideoClip;
import dev.codi.media.WavCodec;
import dev.codi.model.Conditioning;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.Latent;
import dev.codi.model.PromptInput;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingParams;
import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.world.Attributes;
import dev.codi.world.Captions;
import dev.codi.world.Combination;
import dev.codi.world.HeldOutCombinations;
import dev.codi.world.Sample;
import dev.codi.world.WorldGenerator;
import dev.codi.world.judge.Judge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Quick quality figures of a bundle on fresh samples (a seed training never used) of every
 * combination, split held-in / held-out, all scored by the analytic judge per attribute the
 * modality carries:
 * <ul>
 *   <li>retrieval: media → the nearest canonical caption of the 96 in the shared space;</li>
 *   <li>autoencoder round trip: media → latent → media, judged;</li>
 *   <li>with {@code --generate}: text → image / audio / text / video by DDIM sampling, judged.</li>
 * </ul>
 * The full report of issue 3 (12 directions, ≥ 200 samples each) is a separate, longer command.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Retrieval, round-trip and generation accuracy of a bundle.")
final class Evaluate implements Callable<Integer> {
    private static final long EVALUATION_SEED = 0x5EED_E7A1L;

    @Option(names = "--bundle", description = "bundle directory (default: <codi.home>/models/codi-tiny)")
    Path bundle;

    @Option(names = "--per-combination", defaultValue = "2", description = "samples per combination (default: ${DEFAULT-VALUE})")
    int perCombination;

    @Option(names = "--generate", defaultValue = "0", description = "text → each output, this many combinations per split (default: ${DEFAULT-VALUE})")
    int generate;

    @Option(names = "--sampling-steps", defaultValue = "50", description = "DDIM steps for --generate (default: ${DEFAULT-VALUE})")
    int samplingSteps;

    /** Correct and scored attribute counts per (measure, split). */
    private final Map<String, int[]> tallies = new TreeMap<>();

    @Override
    public Integer call() throws MediaDecodeException {
        Path directory = bundle != null ? bundle : Train.home().resolve("models/codi-tiny");
        WorldGenerator world = new WorldGenerator();
        try (CodiTinyModel model = CodiTinyModel.load(directory)) {
            float[][] captions = new float[Combination.ALL.size()][];
            for (Combination combination : Combination.ALL) {
                captions[combination.index()] = model.encode(new PromptInput.Text(Captions.canonical(combination.toAttributes())));
            }
            for (Combination combination : Combination.ALL) {
                String split = HeldOutCombinations.isHeldOut(combination) ? "held-out" : "held-in";
                Attributes truth = combination.toAttributes();
                for (int k = 0; k < perCombination; k++) {
                    Random random = new Random(EVALUATION_SEED * 131 + combination.index() * 17L + k);
                    Sample sample = world.sample(combination, random);
                    var image = new PromptInput.Image(ImageCodec.decode(ImageCodec.encodePng(sample.image())));
                    var audio = new PromptInput.Audio(WavCodec.decode(WavCodec.encode(sample.audio())));
                    VideoClip clip = k % 2 == 0 ? Mp4Codec.decode(Mp4Codec.encode(sample.video())) : GifCodec.decode(GifCodec.encode(sample.video()));
                    var video = new PromptInput.Video(clip);
                    Attributes imageTruth = truth.restrictTo(true, true, false);
                    score("retrieval image->text", split, imageTruth, nearest(model.encode(image), captions).restrictTo(true, true, false));
                    score("retrieval audio->text", split, truth, nearest(model.encode(audio), captions));
                    score("retrieval video->text", split, truth, nearest(model.encode(video), captions));
                    score("roundtrip image", split, imageTruth, judge(model.decode(Modality.IMAGE, model.toLatent(image))));
                    score("roundtrip audio", split, truth, judge(model.decode(Modality.AUDIO, model.toLatent(audio))));
                    score("roundtrip video", split, truth, judge(model.decode(Modality.VIDEO, model.toLatent(video))));
                    var text = new PromptInput.Text(Captions.canonical(truth));
                    score("roundtrip text", split, truth, judge(model.decode(Modality.TEXT, model.toLatent(text))));
                }
            }
            if (generate > 0) {
                generations(model);
            }
        }
        System.out.printf("%-28s %10s %10s%n", "measure (per attribute)", "held-in", "held-out");
        tallies.keySet().stream().map(key -> key.substring(0, key.indexOf('|'))).distinct().forEach(measure ->
                System.out.printf("%-28s %10s %10s%n", measure, percent(measure + "|held-in"), percent(measure + "|held-out")));
        return 0;
    }

    private void generations(CodiTinyModel model) {
        List<Combination> heldIn = HeldOutCombinations.training();
        List<Combination> heldOut = List.copyOf(HeldOutCombinations.heldOut());
        for (List<Combination> split : List.of(heldIn, heldOut)) {
            String name = split == heldIn ? "held-in" : "held-out";
            for (int i = 0; i < Math.min(generate, split.size()); i++) {
                Combination combination = split.get((i * 7) % split.size());
                Attributes truth = combination.toAttributes();
                float[] embedding = model.encode(new PromptInput.Text(Captions.canonical(truth)));
                Conditioning conditioning = Conditioning.mix(Map.of(Modality.TEXT, embedding),
                        Map.of(Modality.TEXT, model.nullEmbedding(Modality.TEXT)), Map.of());
                for (Modality output : Modality.values()) {
                    SamplingParams params = new SamplingParams(samplingSteps, 7.5, 0, 1000L + i, false);
                    Map<Modality, Latent> latents = model.sample(List.of(new SamplingJob("eval-" + i, conditioning, Set.of(output),
                            params, () -> false)), (job, step, total) -> { }).get(0);
                    Attributes carried = output == Modality.IMAGE ? truth.restrictTo(true, true, false) : truth;
                    score("text->" + output.wireName(), name, carried, judge(model.decode(output, latents.get(output))));
                }
            }
        }
    }

    private static Attributes judge(GeneratedMedia media) {
        if (media instanceof GeneratedMedia.Image image) {
            return Judge.image(image.image());
        } else if (media instanceof GeneratedMedia.Audio audio) {
            return Judge.audio(audio.audio());
        } else if (media instanceof GeneratedMedia.Video video) {
            return Judge.video(video.video());
        }
        return Judge.text(((GeneratedMedia.Text) media).text());
    }

    private static Attributes nearest(float[] query, float[][] captions) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < captions.length; c++) {
            double dot = 0;
            for (int k = 0; k < query.length; k++) {
                dot += query[k] * captions[c][k];
            }
            if (dot > bestScore) {
                bestScore = dot;
                best = c;
            }
        }
        return Combination.ALL.get(best).toAttributes();
    }

    /** Counts, over the attributes {@code truth} names, how many {@code read} gets right (unknown is wrong). */
    private void score(String measure, String split, Attributes truth, Attributes read) {
        int[] tally = tallies.computeIfAbsent(measure + "|" + split, key -> new int[2]);
        if (truth.color() != null) {
            tally[0] += truth.color() == read.color() ? 1 : 0;
            tally[1]++;
        }
        if (truth.shape() != null) {
            tally[0] += truth.shape() == read.shape() ? 1 : 0;
            tally[1]++;
        }
        if (truth.motion() != null) {
            tally[0] += truth.motion() == read.motion() ? 1 : 0;
            tally[1]++;
        }
    }

    private String percent(String key) {
        int[] tally = tallies.get(key);
        return tally == null || tally[1] == 0 ? "-" : String.format("%.1f %%", 100.0 * tally[0] / tally[1]);
    }
}
