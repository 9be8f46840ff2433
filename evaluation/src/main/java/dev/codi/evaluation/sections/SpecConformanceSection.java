package dev.codi.evaluation.sections;

import dev.codi.evaluation.BatchSampler;
import dev.codi.evaluation.EvaluationContext;
import dev.codi.evaluation.Markdown;
import dev.codi.evaluation.SectionResult;
import dev.codi.evaluation.Seeds;
import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.Percent;
import dev.codi.evaluation.scoring.WorldRendering;
import dev.codi.evaluation.spec.ForeignRendering;
import dev.codi.evaluation.spec.SpecConformance;
import dev.codi.evaluation.spec.SpecRenderer;
import dev.codi.media.GifCodec;
import dev.codi.media.ImageCodec;
import dev.codi.media.MediaDecodeException;
import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.media.Mp4Codec;
import dev.codi.media.WavCodec;
import dev.codi.model.GeneratedMedia;
import dev.codi.world.Attributes;
import dev.codi.world.Combination;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether generated artifacts keep the fixed column of the world spec (docs/design.md §7.1), per output
 * modality, beside true renderings of both renderers read the same way ({@link SpecConformance}).
 */
public final class SpecConformanceSection {
    public static final String TABLE = "conformance";
    private static final List<Modality> MEDIA_OUTPUTS = List.of(Modality.IMAGE, Modality.VIDEO, Modality.AUDIO);

    private SpecConformanceSection() {
    }

    public static SectionResult run(EvaluationContext context) {
        long seed = context.settings().seed();
        int samples = context.settings().samples();
        SpecRenderer renderer = new SpecRenderer();
        Map<Modality, SpecConformance.Tally> generated = new EnumMap<>(Modality.class);
        Map<Modality, SpecConformance.Tally> ownTruth = new EnumMap<>(Modality.class);
        Map<Modality, SpecConformance.Tally> foreignTruth = new EnumMap<>(Modality.class);
        List<BatchSampler.Request> requests = new ArrayList<>();
        for (int k = 0; k < samples; k++) {
            Combination combination = Combination.ALL.get(Math.floorMod(Seeds.of(seed, "conformance/combination", k), Combination.ALL.size()));
            // "a <color> shape moving <motion>" → image + audio + video, sampled jointly as the service does
            String caption = WorldRendering.caption(context.world(), Attributes.of(combination.color(), null, combination.motion()),
                    Seeds.random(seed, "conformance/caption", k));
            requests.add(new BatchSampler.Request(context.sampler().condition(Artifacts.asInput(new GeneratedMedia.Text(caption))),
                    EnumSet.copyOf(MEDIA_OUTPUTS), Seeds.of(seed, "conformance/noise", k), true));
            // a foreign audio clip → text
            ForeignRendering audio = renderer.render(combination, Modality.AUDIO, Seeds.random(seed, "conformance/audio", k));
            requests.add(new BatchSampler.Request(context.sampler().condition(audio.asInput()), Set.of(Modality.TEXT),
                    Seeds.of(seed, "conformance/text-noise", k), false));
            for (Modality modality : List.of(Modality.IMAGE, Modality.VIDEO, Modality.AUDIO, Modality.TEXT)) {
                GeneratedMedia own = WorldRendering.render(context.world(), combination, modality, Seeds.random(seed, "conformance/own", k));
                ownTruth.computeIfAbsent(modality, m -> new SpecConformance.Tally())
                        .add(check(modality, Artifacts.encode(own), Artifacts.formatOf(modality)));
                ForeignRendering foreign = renderer.render(combination, modality, Seeds.random(seed, "conformance/foreign", k));
                foreignTruth.computeIfAbsent(modality, m -> new SpecConformance.Tally())
                        .add(check(modality, foreign.file(), foreign.format()));
            }
        }
        List<Map<Modality, GeneratedMedia>> results = context.sampler().run("conformance", requests);
        for (int i = 0; i < results.size(); i++) {
            int job = i;
            results.get(i).forEach((modality, media) -> {
                generated.computeIfAbsent(modality, m -> new SpecConformance.Tally())
                        .add(check(modality, Artifacts.encode(media), Artifacts.formatOf(modality)));
                context.artifactDirectory("conformance").ifPresent(directory ->
                        Artifacts.write(media, directory, String.format("%04d-%s", job / 2, modality.wireName())));
            });
        }
        Markdown table = Markdown.table("output", "generated artifacts", "conforming", "properties broken",
                "true renderings: generator", "true renderings: spec renderer");
        for (Modality modality : List.of(Modality.IMAGE, Modality.VIDEO, Modality.AUDIO, Modality.TEXT)) {
            SpecConformance.Tally tally = generated.get(modality);
            table.row(modality.wireName(), tally.artifacts(), Percent.of(tally.share()), tally.brokenSummary(),
                    Percent.of(ownTruth.get(modality).share()), Percent.of(foreignTruth.get(modality).share()));
        }
        String markdown = """
                %d jobs "a <color> shape moving <motion>" (caption templates varied) → image + audio + video, sampled \
                jointly as the service does (%d DDIM steps, guidance %s), and %d jobs foreign audio → text. Each \
                artifact (PNG, MP4, WAV, TXT, as the decoder-service writes them) is measured against the fixed \
                column of the world spec (docs/design.md §7.1): *image*: one shape whose sub-pixel bounding box (per column \
                and row the largest coverage, summed) is 12–20 px a side (±1.5 px for half-covered edges and codec smear), a background whose 95th percentile \
                of the brightest channel is ≤ 40; *video*: every frame so, the same size throughout (±2 px), steps \
                of 1–2 px per frame (±0.5), a mean speed of 1–2 px per frame (±0.15), ≥ 7 px in all (−0.5), along one \
                axis (≤ 1.5 px across); *audio*: ≥ 8 kHz, 1.0 s (±10 ms), peak −12 to 0 dBFS with ≤ 0.1 %% of \
                samples clipped; *text*: a well-formed caption of the world's grammar. The last two columns read \
                true renderings of the same combinations the same way (the generator's through the product's \
                formats, the spec renderer's through its own). Target: ≥ 98 %% generated, 100 %% true.

                %s""".formatted(samples, context.settings().steps(), context.settings().guidanceText(), samples, table.render());
        return new SectionResult("Spec conformance of the outputs", markdown, Map.of(TABLE, table));
    }

    private static List<String> check(Modality modality, byte[] file, MediaType format) {
        try {
            return switch (modality) {
                case IMAGE -> SpecConformance.image(ImageCodec.decode(file));
                case VIDEO -> SpecConformance.video(format == MediaType.GIF ? GifCodec.decode(file) : Mp4Codec.decode(file));
                case AUDIO -> SpecConformance.audio(WavCodec.decode(file));
                case TEXT -> SpecConformance.text(written(new String(file, StandardCharsets.UTF_8)));
            };
        } catch (MediaDecodeException e) {
            return List.of("readable file");
        }
    }

    /** A caption as the grammar spells it: the spec renderer may capitalise and end with a full stop. */
    private static String written(String text) {
        String stripped = text.strip();
        if (stripped.endsWith(".")) {
            stripped = stripped.substring(0, stripped.length() - 1);
        }
        return stripped.isEmpty() ? stripped : Character.toLowerCase(stripped.charAt(0)) + stripped.substring(1);
    }
}
