package dev.codi.diffusion;

import dev.codi.media.Modality;
import dev.codi.model.Conditioning;
import dev.codi.model.Latent;
import dev.codi.model.SamplingBatch;
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
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * diffusion-service: samples every requested output of each job (jointly when a job asks for
 * several, CoDi point 3) with step-level continuous batching ({@link SamplingBatch}): every
 * denoiser call of a step takes the rows of every job that needs that network then, whatever the
 * jobs' outputs, steps or guidance. A batch starts with what one poll returned and takes the jobs
 * that arrive while it samples at its next step, up to CODI_MAX_BATCH in all. A job says it started
 * when it is picked up; a job canceled while sampling leaves between two denoising steps; a
 * finished job's latents are stored and handed to the decoder as soon as it leaves the batch.
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
    protected boolean joinsArrivals() {
        return true;
    }

    /** A job being sampled: what it asked for, the record it came in, and when it joined the batch. */
    private record Picked(JobSpec job, CloudEvent event, SamplingJob sampling, Instant joined) { }

    @Override
    protected List<Outbound> process(List<CloudEvent> batch) {
        List<Outbound> outputs = new ArrayList<>();
        Map<String, Integer> lastStep = new ConcurrentHashMap<>();
        SamplingListener progress = (jobId, step, total) -> {
            metrics().denoiserStep(jobId, step, total);
            lastStep.put(jobId, step);
            if (throttle.shouldEmit(jobId, step, total, System.nanoTime())) {
                emitNow(new JobEvent.Progress(jobId, stage(), step, total));
            }
        };
        Map<SamplingJob, Picked> sampling = new IdentityHashMap<>();
        try (SamplingBatch continuous = model.newSamplingBatch()) {
            admit(batch, continuous, sampling, outputs);
            try {
                while (!stopping()) {
                    admit(admitArrivals(), continuous, sampling, outputs);
                    if (continuous.isEmpty()) {
                        break;
                    }
                    for (SamplingBatch.Sampled left : continuous.step(progress)) {
                        Picked job = sampling.remove(left.job());
                        finish(job, left.latents(), lastStep, outputs);
                    }
                }
            } catch (RuntimeException batchError) {
                // one job whose sampling fails must fail alone: the rest go on one by one
                for (Picked job : List.copyOf(sampling.values())) {
                    try {
                        finish(job, model.sample(List.of(job.sampling()), progress).get(0), lastStep, outputs);
                    } catch (RuntimeException jobError) {
                        outputs.add(jobEvent(new JobEvent.Failed(job.job().id(), stage(), "sampling failed: " + jobError.getMessage())));
                    }
                }
            }
        }
        if (stopping()) {
            return List.of(); // shutting down mid-batch: nothing is committed, another instance redoes it
        }
        return outputs;
    }

    /** Jobs join the batch at its next step; one whose message or parameters are wrong fails alone. */
    private void admit(List<CloudEvent> events, SamplingBatch continuous, Map<SamplingJob, Picked> sampling, List<Outbound> outputs) {
        for (CloudEvent event : events) {
            Picked job;
            try {
                ConditioningReady ready = ConditioningReady.fromJson(event.data());
                JobSpec spec = ready.job();
                job = new Picked(spec, event, new SamplingJob(spec.id(), new Conditioning(ready.conditioning(), ready.nullConditioning()),
                        new LinkedHashSet<>(spec.outputs()), spec.params(), () -> stopping() || isCanceled(spec.id())), clock.instant());
            } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
                outputs.add(jobEvent(new JobEvent.Failed(event.jobId(), stage(), "malformed conditioning: " + e.getMessage())));
                continue;
            }
            try {
                continuous.admit(job.sampling());
                sampling.put(job.sampling(), job);
                metrics().samplingStarted(job.job().id());
                emitNow(new JobEvent.Started(job.job().id(), stage()));
                outputs.add(jobEvent(new JobEvent.Started(job.job().id(), stage())));
            } catch (IllegalArgumentException e) {
                outputs.add(jobEvent(new JobEvent.Failed(job.job().id(), stage(), "sampling failed: " + e.getMessage())));
            }
        }
    }

    /** A job left the batch: a canceled one says where it stopped; a sampled one's latents are stored and referenced. */
    private void finish(Picked picked, Map<Modality, Latent> latents, Map<String, Integer> lastStep, List<Outbound> outputs) {
        JobSpec job = picked.job();
        if (latents.isEmpty()) {
            JobEvent.Abandoned abandoned = new JobEvent.Abandoned(job.id(), stage(), lastStep.getOrDefault(job.id(), 0),
                    picked.sampling().params().iterations(job.outputs().size()));
            emitNow(abandoned);                                    // when it stopped; the batch publishes it again, same id
            outputs.add(jobEvent(abandoned));
            return;
        }
        Map<Modality, LatentsReady.LatentRef> refs = new EnumMap<>(Modality.class);
        try {
            latents.forEach((modality, latent) -> {
                String key = ObjectKeys.latents(job.id(), modality.wireName());
                store.put(key, latent.toBytes(), LATENT_CONTENT_TYPE);
                refs.put(modality, new LatentsReady.LatentRef(key, latent.shape()));
            });
        } catch (RuntimeException e) {
            jobFailed(picked.event(), e, "could not store the sampled latents", outputs);
            return;
        }
        LatentsReady ready = new LatentsReady(job, refs);
        Outbound completed = jobEvent(new JobEvent.StageCompleted(job.id(), stage(), picked.joined(), clock.instant()));
        Outbound sampled = new Outbound(topics.latents(), new CloudEvent(job.id() + "/sampled", stage().eventSource(),
                EventTypes.JOB_SAMPLED, job.id(), clock.instant(), ready.toJson()));
        publishAhead(completed);
        publishAhead(sampled); // the decoder starts on it while the rest of the batch samples
        outputs.add(sampled);
        outputs.add(completed);
    }
}
