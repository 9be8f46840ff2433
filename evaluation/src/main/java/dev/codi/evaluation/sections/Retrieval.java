package dev.codi.evaluation.sections;

import dev.codi.evaluation.EvaluationContext;
import dev.codi.evaluation.Markdown;
import dev.codi.evaluation.SectionResult;
import dev.codi.evaluation.Seeds;
import dev.codi.evaluation.Splits;
import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.Attribute;
import dev.codi.evaluation.scoring.Percent;
import dev.codi.evaluation.scoring.Tally;
import dev.codi.evaluation.scoring.WorldRendering;
import dev.codi.media.Modality;
import dev.codi.model.PromptInput;
import dev.codi.world.Attributes;
import dev.codi.world.Captions;
import dev.codi.world.Combination;
import me.tongfei.progressbar.ProgressBar;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bridging alignment (CoDi §3.1), measured directly in the shared space: a caption's embedding
 * against a gallery of the 96 combinations rendered in another modality; top-1 is right when the
 * nearest item (largest cosine; the embeddings are L2-normalised) has the caption's attributes,
 * as far as the gallery's modality carries them. And the other way round, a rendering against
 * the canonical captions of every value of what its modality carries (24 for an image, 96
 * otherwise): how well a media prompt alone says which caption it is, the conditioning a
 * media → X direction starts from.
 */
public final class Retrieval {
    public static final String TABLE = "retrieval";
    static final List<Modality> GALLERIES = List.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO);

    private Retrieval() {
    }

    public static SectionResult run(EvaluationContext context) {
        long seed = context.settings().seed();
        int samples = context.settings().samples();
        int gallerySize = Combination.ALL.size();
        Markdown table = Markdown.table("query → gallery", "gallery", "top-1 held-in", "top-1 held-out", "chance");
        long embeddings = GALLERIES.stream().mapToLong(modality -> gallerySize + 2L * samples + captionGallery(modality).size() + 2L * samples).sum();
        try (ProgressBar bar = context.progress().bar("retrieval", embeddings, "embeddings")) {
            for (Modality modality : GALLERIES) {
                float[][] gallery = new float[gallerySize][];
                for (Combination combination : Combination.ALL) {
                    PromptInput item = Artifacts.asInput(WorldRendering.render(context.world(), combination, modality,
                            Seeds.random(seed, "retrieval/gallery/" + modality.wireName(), combination.index())));
                    gallery[combination.index()] = context.model().encode(item);
                    bar.step();
                }
                Set<Attribute> carried = Attribute.carriedBy(modality);
                Map<Splits, Tally> tallies = new EnumMap<>(Splits.class);
                for (Splits split : List.of(Splits.HELD_IN, Splits.HELD_OUT)) {
                    Tally tally = tallies.computeIfAbsent(split, s -> new Tally());
                    for (int k = 0; k < samples; k++) {
                        Combination truth = split.pick(seed, "retrieval/query/" + modality.wireName(), k);
                        String caption = context.world().caption(truth.toAttributes(),
                                Seeds.random(seed, "retrieval/caption/" + modality.wireName() + "/" + split.label(), k));
                        float[] query = context.model().encode(new PromptInput.Text(caption));
                        Combination nearest = Combination.ALL.get(nearest(query, gallery));
                        tally.add(Attribute.restrict(nearest.toAttributes(), carried).equals(Attribute.restrict(truth.toAttributes(), carried)));
                        bar.step();
                    }
                }
                // a uniform pick finds one of the gallery items that match on the carried attributes
                int matching = gallerySize / carried.stream().mapToInt(Attribute::valueCount).reduce(1, (a, b) -> a * b);
                table.row("text → " + modality.wireName(), gallerySize + " " + modality.wireName() + (modality == Modality.AUDIO ? " clips" : "s"),
                        tallies.get(Splits.HELD_IN).percent(), tallies.get(Splits.HELD_OUT).percent(),
                        Percent.of(matching / (double) gallerySize));
            }
            for (Modality modality : GALLERIES) {
                mediaToCaptions(context, modality, table, bar);
            }
        }
        String markdown = """
                Queries: %d captions per split (canonical or paraphrased, drawn from the generator's templates). \
                Gallery: one world rendering of each of the 96 combinations, through its file. An image gallery \
                holds 4 renderings of each (color, shape), one per motion it cannot show; any of them counts. \
                The other way round, queries are %d renderings per split through their files, and the gallery the \
                canonical captions of what the query's modality carries ("a red circle" for an image).

                %s""".formatted(samples, samples, table.render());
        return new SectionResult("Retrieval in the shared space", markdown, Map.of(TABLE, table));
    }

    /** Rendering → captions: one table row, right when the nearest caption names the rendering's attributes. */
    private static void mediaToCaptions(EvaluationContext context, Modality modality, Markdown table, ProgressBar bar) {
        long seed = context.settings().seed();
        Set<Attribute> carried = Attribute.carriedBy(modality);
        List<Attributes> captioned = captionGallery(modality);
        float[][] gallery = new float[captioned.size()][];
        for (int i = 0; i < captioned.size(); i++) {
            gallery[i] = context.model().encode(new PromptInput.Text(Captions.canonical(captioned.get(i))));
            bar.step();
        }
        Map<Splits, Tally> tallies = new EnumMap<>(Splits.class);
        for (Splits split : List.of(Splits.HELD_IN, Splits.HELD_OUT)) {
            Tally tally = tallies.computeIfAbsent(split, s -> new Tally());
            for (int k = 0; k < context.settings().samples(); k++) {
                Combination truth = split.pick(seed, "retrieval/media-query/" + modality.wireName(), k);
                PromptInput query = Artifacts.asInput(WorldRendering.render(context.world(), truth, modality,
                        Seeds.random(seed, "retrieval/media-query/" + modality.wireName() + "/" + split.label(), k)));
                Attributes nearest = captioned.get(nearest(context.model().encode(query), gallery));
                tally.add(nearest.equals(Attribute.restrict(truth.toAttributes(), carried)));
                bar.step();
            }
        }
        table.row(modality.wireName() + " → text", captioned.size() + " captions",
                tallies.get(Splits.HELD_IN).percent(), tallies.get(Splits.HELD_OUT).percent(),
                Percent.of(1.0 / captioned.size()));
    }

    /** What the canonical captions of a modality's gallery name: every value of what it carries (24 for an image, 96 otherwise). */
    private static List<Attributes> captionGallery(Modality modality) {
        Set<Attribute> carried = Attribute.carriedBy(modality);
        return Combination.ALL.stream().map(combination -> Attribute.restrict(combination.toAttributes(), carried)).distinct().toList();
    }

    /** Index of the gallery vector with the largest dot product with {@code query}. */
    static int nearest(float[] query, float[][] gallery) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < gallery.length; i++) {
            double dot = 0;
            for (int d = 0; d < query.length; d++) {
                dot += query[d] * gallery[i][d];
            }
            if (dot > bestScore) {
                bestScore = dot;
                best = i;
            }
        }
        return best;
    }
}
