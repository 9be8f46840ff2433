package dev.codi.diffusion;

import dev.codi.media.Modality;
import dev.codi.model.Conditioning;
import dev.codi.model.Latent;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.JobSpec;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.ConditioningReady;
import dev.codi.protocol.events.EventTypes;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.events.LatentsReady;
import dev.codi.protocol.stage.Outbound;
import dev.codi.service.ModelStageVerticle;
import dev.codi.storage.ObjectKeys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * diffusion-service: DDIM-samples every requested output of each job of a batch in one loop
 * (jointly when a job asks for several, CoDi point 3), emits throttled progress, stores the
 * latents in object storage and publishes their references. The batch is whatever one poll
 * returned: up to CODI_MAX_BATCH jobs gathered within CODI_MAX_WAIT_MS (dynamic batching).
 * A job canceled while sampling leaves the batch between two denoising steps.
 */
public final class DiffusionVerticle extends ModelStageVerticle {
    private static final String LATENT_CONTENT_TYPE = "application/octet-stream";
    private final ProgressThrottle throttle = new ProgressThrottle(TimeUnit.MILLISECONDS.toNanos(250));

    @Override
    protected Stage stage() {
        return Stage.DIFFUSION;
    }

    @Override
    protected String inputTopic() {
        return topics.conditioning();
    }

    @Override
    protected String inputType() {
        return EventTypes.JOB_CONDITIONED;
    }

    @Override
    protected List<Outbound> process(List<CloudEvent> batch) {
        Instant started = clock.instant();
        List<Outbound> outputs = new ArrayList<>();
        List<JobSpec> jobs = new ArrayList<>();
        List<CloudEvent> events = new ArrayList<>();
        List<SamplingJob> samplingJobs = new ArrayList<>();
        for (CloudEvent event : batch) {
            try {
                ConditioningReady ready = ConditioningReady.fromJson(event.data());
                JobSpec job = ready.job();
                samplingJobs.add(new SamplingJob(job.id(), new Conditioning(ready.conditioning(), ready.nullConditioning()),
                        new LinkedHashSet<>(job.outputs()), job.params(), () -> stopping() || isCanceled(job.id())));
                jobs.add(job);
                events.add(event);
                outputs.add(jobEvent(new JobEvent.Started(job.id(), stage())));
            } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
                outputs.add(jobEvent(new JobEvent.Failed(event.jobId(), stage(), "malformed conditioning: " + e.getMessage())));
            }
        }
        if (samplingJobs.isEmpty()) {
            return outputs;
        }
        Map<String, Integer> lastStep = new ConcurrentHashMap<>();
        samplingJobs.forEach(job -> metrics().samplingStarted(job.jobId()));
        SamplingListener progress = (jobId, step, total) -> {
            metrics().denoiserStep(jobId, step, total);
            lastStep.put(jobId, step);
            if (throttle.shouldEmit(jobId, step, total, System.nanoTime())) {
                emitNow(new JobEvent.Progress(jobId, stage(), step, total));
            }
        };
        List<Map<Modality, Latent>> latents = sampleEachJobAlone(samplingJobs, progress, outputs);
        if (stopping()) {
            return List.of(); // shutting down mid-batch: nothing is committed, another instance redoes it
        }
        for (int i = 0; i < jobs.size(); i++) {
            JobSpec job = jobs.get(i);
            if (latents.get(i) == null) {
                continue; // its sampling failed: reported by sampleEachJobAlone
            }
            if (latents.get(i).isEmpty()) {
                // canceled between two steps (CodiModel#sample): nothing to decode, say where it stopped
                outputs.add(jobEvent(new JobEvent.Abandoned(job.id(), stage(), lastStep.getOrDefault(job.id(), 0),
                        samplingJobs.get(i).params().iterations(job.outputs().size()))));
                continue;
            }
            Map<Modality, LatentsReady.LatentRef> refs = new EnumMap<>(Modality.class);
            try {
                latents.get(i).forEach((modality, latent) -> {
                    String key = ObjectKeys.latents(job.id(), modality.wireName());
                    store.put(key, latent.toBytes(), LATENT_CONTENT_TYPE);
                    refs.put(modality, new LatentsReady.LatentRef(key, latent.shape()));
                });
            } catch (RuntimeException e) {
                jobFailed(events.get(i), e, "could not store the sampled latents", outputs);
                continue;
            }
            LatentsReady ready = new LatentsReady(job, refs);
            outputs.add(new Outbound(topics.latents(), new CloudEvent(job.id() + "/sampled", stage().eventSource(),
                    EventTypes.JOB_SAMPLED, job.id(), clock.instant(), ready.toJson())));
            outputs.add(jobEvent(new JobEvent.StageCompleted(job.id(), stage(), started, clock.instant())));
        }
        return outputs;
    }

    /**
     * Samples the batch together; if that fails, samples each job alone, so that one job whose
     * sampling fails fails alone and the others of its batch go on. A failed job's entry is null.
     */
    private List<Map<Modality, Latent>> sampleEachJobAlone(List<SamplingJob> samplingJobs, SamplingListener progress,
                                                          List<Outbound> outputs) {
        try {
            return model.sample(samplingJobs, progress);
        } catch (RuntimeException batchError) {
            if (samplingJobs.size() == 1) {
                outputs.add(jobEvent(new JobEvent.Failed(samplingJobs.get(0).jobId(), stage(),
                        "sampling failed: " + batchError.getMessage())));
                return java.util.Collections.singletonList(null);
            }
            List<Map<Modality, Latent>> latents = new ArrayList<>();
            for (SamplingJob job : samplingJobs) {
                try {
                    latents.add(model.sample(List.of(job), progress).get(0));
                } catch (RuntimeException jobError) {
                    outputs.add(jobEvent(new JobEvent.Failed(job.jobId(), stage(), "sampling failed: " + jobError.getMessage())));
                    latents.add(null);
                }
            }
            return latents;
        }
    }
}
