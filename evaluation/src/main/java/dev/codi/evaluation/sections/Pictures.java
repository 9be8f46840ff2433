package dev.codi.evaluation.sections;

import dev.codi.evaluation.BatchSampler;
import dev.codi.evaluation.EvaluationContext;
import dev.codi.evaluation.Markdown;
import dev.codi.evaluation.SectionResult;
import dev.codi.evaluation.Seeds;
import dev.codi.evaluation.Splits;
import dev.codi.evaluation.pictures.Canvas;
import dev.codi.evaluation.pictures.ImageGrid;
import dev.codi.evaluation.pictures.LossCurves;
import dev.codi.evaluation.pictures.Spectrograms;
import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.WorldRendering;
import dev.codi.media.Modality;
import dev.codi.model.Conditioning;
import dev.codi.model.GeneratedMedia;
import dev.codi.media.RgbImage;
import dev.codi.world.Captions;
import dev.codi.world.Combination;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pictures from a real run, drawn by the project's own code: canonical captions → image + audio +
 * video sampled jointly, next to a true world rendering of each caption. A sample grid (images, ×4
 * nearest neighbour), video frame strips and audio spectrograms; the training loss curves when a
 * loss CSV is given.
 */
public final class Pictures {
    public static final String SAMPLE_GRID = "samples-text-to-image.png";
    public static final String FRAME_STRIPS = "video-frame-strips.png";
    public static final String SPECTROGRAMS = "audio-spectrograms.png";
    public static final String LOSS_CURVES = "loss-curves.png";
    public static final int SCALE = 4;
    static final Set<Modality> OUTPUTS = EnumSet.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO);

    /** How many prompts (rows) and seeds (columns of the grid). */
    public record Layout(int prompts, int seeds) {
        public Layout {
            if (prompts < 1 || seeds < 1) {
                throw new IllegalArgumentException("pictures need at least one prompt and one seed, got " + prompts + " and " + seeds);
            }
        }
    }

    private Pictures() {
    }

    /**
     * Writes the pictures under the context's picture directory; {@code reportDirectory} is where the
     * markdown lives (links are relative to it); {@code lossCsv} may be null.
     */
    public static SectionResult run(EvaluationContext context, Layout layout, Path reportDirectory, Path lossCsv) {
        long seed = context.settings().seed();
        Path directory = context.pictures();
        List<Combination> prompts = new ArrayList<>();
        for (int p = 0; p < layout.prompts(); p++) { // one held-out combination in every three
            prompts.add((p % 3 == 2 ? Splits.HELD_OUT : Splits.HELD_IN).pick(seed, "pictures", p));
        }
        List<BatchSampler.Request> requests = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            Conditioning conditioning = context.sampler().condition(Artifacts.asInput(
                    new GeneratedMedia.Text(Captions.canonical(prompts.get(p).toAttributes()))));
            for (int s = 0; s < layout.seeds(); s++) {
                requests.add(new BatchSampler.Request(conditioning, OUTPUTS, Seeds.of(seed, "pictures/noise", p, s), true));
            }
        }
        List<Map<Modality, GeneratedMedia>> outputs = context.sampler().run("pictures", requests);

        List<ImageGrid.Row> grid = new ArrayList<>();
        List<ImageGrid.Row> strips = new ArrayList<>();
        List<Spectrograms.Row> spectra = new ArrayList<>();
        Map<String, String> legend = new LinkedHashMap<>();
        for (int p = 0; p < prompts.size(); p++) {
            Combination combination = prompts.get(p);
            String caption = Captions.canonical(combination.toAttributes());
            String heldOut = p % 3 == 2 ? " (held out)" : "";
            var random = Seeds.random(seed, "pictures/truth", p);
            var truthImage = ((GeneratedMedia.Image) WorldRendering.render(context.world(), combination, Modality.IMAGE, random)).image();
            var truthVideo = ((GeneratedMedia.Video) WorldRendering.render(context.world(), combination, Modality.VIDEO, random)).video();
            var truthAudio = ((GeneratedMedia.Audio) WorldRendering.render(context.world(), combination, Modality.AUDIO, random)).audio();
            List<RgbImage> row = new ArrayList<>();
            row.add(truthImage);
            for (int s = 0; s < layout.seeds(); s++) {
                row.add(((GeneratedMedia.Image) outputs.get(p * layout.seeds() + s).get(Modality.IMAGE)).image());
            }
            grid.add(new ImageGrid.Row(caption + heldOut + " — truth, then " + layout.seeds() + " seeds", row));
            Map<Modality, GeneratedMedia> first = outputs.get(p * layout.seeds());
            strips.add(new ImageGrid.Row("truth: " + caption, truthVideo.frames()));
            strips.add(new ImageGrid.Row("generated: " + caption + heldOut, ((GeneratedMedia.Video) first.get(Modality.VIDEO)).video().frames()));
            spectra.add(new Spectrograms.Row("truth: " + caption, truthAudio));
            spectra.add(new Spectrograms.Row("generated: " + caption + heldOut, ((GeneratedMedia.Audio) first.get(Modality.AUDIO)).audio()));
            legend.put(String.valueOf(p + 1), caption + heldOut);
        }
        ImageGrid.write(grid, SCALE, directory.resolve(SAMPLE_GRID));
        ImageGrid.write(strips, SCALE, directory.resolve(FRAME_STRIPS));
        Spectrograms.write(spectra, 2, directory.resolve(SPECTROGRAMS));

        String link = reportDirectory.toAbsolutePath().relativize(directory.toAbsolutePath()).toString().replace('\\', '/');
        String prefix = link.isEmpty() ? "" : link + "/";
        StringBuilder markdown = new StringBuilder();
        markdown.append("Canonical captions → image + audio + video, sampled jointly (").append(context.settings().steps())
                .append(" DDIM steps, guidance ").append(context.settings().guidanceText()).append("). Every third prompt is a held-out ")
                .append("combination. Each row starts with a true world rendering of the caption.\n\n");
        if (!Canvas.fontsWork()) {
            Markdown legendTable = Markdown.table("row", "prompt");
            legend.forEach(legendTable::row);
            markdown.append("This JVM cannot draw fonts headless, so the pictures carry no labels. Prompts in order (the strips ")
                    .append("and spectrograms show each prompt's truth, then its first generated output):\n\n")
                    .append(legendTable.render()).append('\n');
        }
        markdown.append("Images (column 1 truth, then ").append(layout.seeds()).append(" seeds; ×").append(SCALE)
                .append(" nearest neighbour):\n\n![sample grid](").append(prefix).append(SAMPLE_GRID).append(")\n\n")
                .append("Video, 8 frames left to right, truth above the first seed's output:\n\n![video frame strips](")
                .append(prefix).append(FRAME_STRIPS).append(")\n\n")
                .append("Audio, log-magnitude spectrograms 0–4 kHz over 1 s, 60 dB range; truth left, the first seed's output right:\n\n")
                .append("![audio spectrograms](").append(prefix).append(SPECTROGRAMS).append(")\n");
        if (lossCsv != null) {
            LossCurves.plot(lossCsv, directory.resolve(LOSS_CURVES));
            markdown.append("\nTraining loss per stage (from `").append(lossCsv.getFileName()).append("`, log scale):\n\n![loss curves](")
                    .append(prefix).append(LOSS_CURVES).append(")\n");
        }
        return new SectionResult("Pictures", markdown.toString(), Map.of());
    }
}
