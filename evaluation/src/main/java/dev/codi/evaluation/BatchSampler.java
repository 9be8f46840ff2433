package dev.codi.evaluation;

import dev.codi.media.Modality;
import dev.codi.model.CodiModel;
import dev.codi.model.Conditioning;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.Latent;
import dev.codi.model.PromptInput;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.protocol.JobParams;
import me.tongfei.progressbar.ProgressBar;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs many jobs through {@link CodiModel#sample} in batches (the pipeline batches alike) and
 * decodes their outputs, with a progress bar counting jobs.
 */
public final class BatchSampler {
    private final CodiModel model;
    private final Settings settings;
    private final Progress progress;

    public BatchSampler(CodiModel model, Settings settings, Progress progress) {
        this.model = model;
        this.settings = settings;
        this.progress = progress;
    }

    /** How a joint job's outputs are coupled. */
    public enum Coupling {
        /** The settings' stagger and shared-space feedback. */
        SETTINGS,
        /** The settings' stagger, environment tokens only (feedback 0). */
        TOKENS_ONLY,
        /** As in the CoDi paper: every output at the same t (stagger 0), environment tokens only. */
        LOCKSTEP;

        int stagger(Settings settings) {
            return this == LOCKSTEP ? 0 : settings.stagger();
        }

        double feedback(Settings settings) {
            return this == SETTINGS ? settings.feedback() : 0;
        }
    }

    /** One job to run: what conditions it, what it outputs, its seed, whether outputs are sampled jointly and, if so, how coupled. */
    public record Request(Conditioning conditioning, Set<Modality> outputs, long seed, boolean joint, Coupling coupling) {
        public Request(Conditioning conditioning, Set<Modality> outputs, long seed, boolean joint) {
            this(conditioning, outputs, seed, joint, Coupling.SETTINGS);
        }

        public Request {
            outputs = Set.copyOf(outputs);
        }
    }

    public CodiModel model() {
        return model;
    }

    /** One input of a composition and its weight wᵢ. */
    public record Weighted(PromptInput input, double weight) {
    }

    /** The composable conditioning of weighted inputs (CoDi §3.2), null embeddings mixed alike. */
    public Conditioning condition(List<Weighted> inputs) {
        Map<Modality, float[]> embeddings = new EnumMap<>(Modality.class);
        Map<Modality, float[]> nulls = new EnumMap<>(Modality.class);
        Map<Modality, Double> weights = new EnumMap<>(Modality.class);
        for (Weighted weighted : inputs) {
            Modality modality = weighted.input().modality();
            if (embeddings.put(modality, model.encode(weighted.input())) != null) {
                throw new IllegalArgumentException("one input per modality, got two " + modality.wireName() + " inputs");
            }
            nulls.put(modality, model.nullEmbedding(modality));
            weights.put(modality, weighted.weight());
        }
        return Conditioning.mix(embeddings, nulls, weights);
    }

    public Conditioning condition(PromptInput input) {
        return condition(List.of(new Weighted(input, 1.0)));
    }

    /** Samples and decodes every request, in order, {@link Settings#batchSize()} jobs per call. */
    public List<Map<Modality, GeneratedMedia>> run(String task, List<Request> requests) {
        List<Map<Modality, GeneratedMedia>> results = new ArrayList<>(requests.size());
        try (ProgressBar bar = progress.bar(task, requests.size(), "jobs")) {
            for (int start = 0; start < requests.size(); start += settings.batchSize()) {
                List<Request> chunk = requests.subList(start, Math.min(requests.size(), start + settings.batchSize()));
                List<SamplingJob> jobs = new ArrayList<>(chunk.size());
                for (int j = 0; j < chunk.size(); j++) {
                    Request request = chunk.get(j);
                    JobParams params = new JobParams(settings.steps(), settings.guidance(), 0.0, request.seed(), request.joint(),
                            request.coupling().stagger(settings), request.coupling().feedback(settings), settings.sampler(),
                            Math.min(JobParams.DEFAULT_FEEDBACK_EVERY, settings.steps()), settings.guidanceByOutput());
                    jobs.add(new SamplingJob(task + "-" + (start + j), request.conditioning(), request.outputs(), params, () -> false));
                }
                List<Map<Modality, Latent>> latents = model.sample(jobs, SamplingListener.NONE);
                for (Map<Modality, Latent> job : latents) {
                    Map<Modality, GeneratedMedia> decoded = new EnumMap<>(Modality.class);
                    job.forEach((modality, latent) -> decoded.put(modality, model.decode(modality, latent)));
                    results.add(decoded);
                }
                bar.stepBy(chunk.size());
            }
        }
        return results;
    }
}
