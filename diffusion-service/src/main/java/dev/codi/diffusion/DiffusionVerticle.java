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
        List<SamplingJob> samplingJobs = new ArrayList<>();
        for (CloudEvent event : batch) {
            try {
                ConditioningReady ready = ConditioningReady.fromJson(event.data());
                JobSpec job = ready.job();
                samplingJobs.add(new SamplingJob(job.id(), new Conditioning(ready.conditioning(), ready.nullConditioning()),
                        new LinkedHashSet<>(job.outputs()), job.params(), () -> stopping() || isCanceled(job.id())));
                jobs.add(job);
                outputs.add(jobEvent(new JobEvent.Started(job.id(), stage())));
            } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
                outputs.add(jobEvent(new JobEvent.Failed(event.jobId(), stage(), "malformed conditioning: " + e.getMessage())));
            }
        }
        if (samplingJobs.isEmpty()) {
            return outputs;
        }
        Map<String, Integer> lastStep = new ConcurrentHashMap<>();
        SamplingListener progress = (jobId, step, total) -> {
            lastStep.put(jobId, step);
            if (throttle.shouldEmit(jobId, step, total, System.nanoTime())) {
                emitNow(new JobEvent.Progress(jobId, stage(), step, total));
            }
        };
        List<Map<Modality, Latent>> latents = model.sample(samplingJobs, progress);
        if (stopping()) {
            return List.of(); // shutting down mid-batch: nothing is committed, another instance redoes it
        }
        for (int i = 0; i < jobs.size(); i++) {
            JobSpec job = jobs.get(i);
            if (latents.get(i).isEmpty()) {
                // canceled between two steps (CodiModel#sample): nothing to decode, say where it stopped
                outputs.add(jobEvent(new JobEvent.Abandoned(job.id(), stage(), lastStep.getOrDefault(job.id(), 0),
                        samplingJobs.get(i).params().iterations(job.outputs().size()))));
                continue;
            }
            Map<Modality, LatentsReady.LatentRef> refs = new EnumMap<>(Modality.class);
            latents.get(i).forEach((modality, latent) -> {
                String key = ObjectKeys.latents(job.id(), modality.wireName());
                store.put(key, latent.toBytes(), LATENT_CONTENT_TYPE);
                refs.put(modality, new LatentsReady.LatentRef(key, latent.shape()));
            });
            LatentsReady ready = new LatentsReady(job, refs);
            outputs.add(new Outbound(topics.latents(), new CloudEvent(job.id() + "/sampled", stage().eventSource(),
                    EventTypes.JOB_SAMPLED, job.id(), clock.instant(), ready.toJson())));
            outputs.add(jobEvent(new JobEvent.StageCompleted(job.id(), stage(), started, clock.instant())));
        }
        return outputs;
    }
}
