package dev.codi.decoder;

import dev.codi.media.Modality;
import dev.codi.model.CodiModel.OutputLatent;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.Latent;
import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.Artifact;
import dev.codi.protocol.events.EventTypes;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.events.LatentsReady;
import dev.codi.protocol.stage.Outbound;
import dev.codi.protocol.tracing.JobTracing;
import dev.codi.service.ModelStageVerticle;
import dev.codi.storage.ObjectKeys;
import dev.codi.storage.StoredObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * decoder-service: decodes the latents of a batch of jobs to their artifact files, writes them to
 * object storage under keys fixed by the job id (a redelivered job keeps the bytes a completion
 * already named), and publishes each job's completion.
 *
 * <p>A batch is decoded together: every job's latents are read, then each modality's decoder runs
 * once over the latents of every job that asked for it ({@link dev.codi.model.CodiModel#decodeAll}),
 * then each job's files are encoded and written. The per-output work after the decoders
 * (Griffin-Lim, pixels) runs on a pool of one thread per core; reading and writing, which wait on
 * the object store far more than they compute, on a pool of {@value #STORE_THREADS}. A job whose
 * message or latents are bad fails alone.
 */
public final class DecoderVerticle extends ModelStageVerticle {
    /**
     * Jobs read or written at once: an object-store call waits 5–55 ms on the embedded S3 server of
     * {@code ./codi serve}, while encoding a job's files takes 1–20 ms of CPU.
     */
    static final int STORE_THREADS = 8;
    private ExecutorService mediaWork;
    private ExecutorService storeWork;

    @Override
    protected Stage stage() {
        return Stage.DECODER;
    }

    @Override
    protected String inputTopic() {
        return topics.latents();
    }

    @Override
    protected String inputType() {
        return EventTypes.JOB_SAMPLED;
    }

    @Override
    protected void prepare() {
        super.prepare();
        mediaWork = pool("decoder-media-", Runtime.getRuntime().availableProcessors());
        storeWork = pool("decoder-store-", STORE_THREADS);
    }

    private static ExecutorService pool(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, name + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    protected void release() {
        for (ExecutorService pool : new ExecutorService[] {mediaWork, storeWork}) {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        super.release();
    }

    @Override
    protected List<Outbound> process(List<CloudEvent> batch) {
        Instant started = clock.instant();
        List<DecodingJob> jobs = new ArrayList<>(batch.size());
        for (CloudEvent event : batch) {
            DecodingJob job = new DecodingJob(event);
            try {
                job.ready = LatentsReady.fromJson(event.data());
                job.outputs.add(jobEvent(new JobEvent.Started(job.ready.job().id(), stage())));
            } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
                job.outputs.add(jobEvent(new JobEvent.Failed(event.jobId(), stage(), "malformed latents message: " + e.getMessage())));
                job.stopped = true;
            }
            jobs.add(job);
        }
        forEachInParallel(jobs, this::readLatents);
        decode(jobs.stream().filter(DecodingJob::going).toList());
        forEachInParallel(jobs, job -> writeArtifacts(job, started));
        List<Outbound> outputs = new ArrayList<>();
        jobs.forEach(job -> outputs.addAll(job.outputs));
        return outputs;
    }

    /** The job's latents, in the order the client asked for its outputs. */
    private void readLatents(DecodingJob job) {
        try (JobTracing.JobScope ignored = inJob(job.event)) { // its storage calls join its trace
            List<Latent> latents = new ArrayList<>();
            for (Modality modality : job.ready.job().outputs()) {
                LatentsReady.LatentRef ref = job.ready.latents().get(modality);
                if (ref == null) {
                    throw new IllegalArgumentException("no latent for requested output " + modality.wireName());
                }
                Latent latent = Latent.fromBytes(store.get(ref.objectKey()));
                int[] expected = model.manifest().latentShapes().get(modality);
                if (!Arrays.equals(latent.shape(), expected)) {
                    throw new IllegalArgumentException(modality.wireName() + " latents must have shape " + Arrays.toString(expected)
                            + ", got " + Arrays.toString(latent.shape()));
                }
                latents.add(latent);
            }
            job.latents = latents;
        } catch (RuntimeException e) {
            fail(job, e);
        }
    }

    /**
     * Every latent of the jobs at once. Should the batch fail as a whole, each job is decoded on
     * its own, so that whatever failed fails its own job only.
     */
    private void decode(List<DecodingJob> jobs) {
        List<OutputLatent> latents = new ArrayList<>();
        jobs.forEach(job -> latents.addAll(job.outputLatents()));
        try {
            List<GeneratedMedia> media = model.decodeAll(latents, mediaWork);
            int next = 0;
            for (DecodingJob job : jobs) {
                job.media = media.subList(next, next + job.latents.size());
                next += job.latents.size();
            }
        } catch (RuntimeException batchFailed) {
            for (DecodingJob job : jobs) {
                try (JobTracing.JobScope ignored = inJob(job.event)) {
                    job.media = model.decodeAll(job.outputLatents(), mediaWork);
                } catch (RuntimeException e) {
                    fail(job, e);
                }
            }
        }
    }

    private void writeArtifacts(DecodingJob job, Instant started) {
        String jobId = job.ready.job().id();
        try (JobTracing.JobScope ignored = inJob(job.event)) {
            List<Artifact> artifacts = new ArrayList<>();
            String text = null;
            for (GeneratedMedia media : job.media) {
                if (media instanceof GeneratedMedia.Text generated) {
                    text = generated.text();
                }
                for (ArtifactFiles.ArtifactFile file : ArtifactFiles.encode(media)) {
                    StoredObject stored = storeOnce(ObjectKeys.artifact(jobId, file.filename()), file);
                    artifacts.add(new Artifact(media.modality(), stored.key(), stored.contentType(), stored.bytes(), stored.sha256Hex()));
                }
            }
            job.outputs.add(jobEvent(new JobEvent.Succeeded(jobId, stage(), artifacts, text, started, clock.instant())));
        } catch (RuntimeException e) {
            fail(job, e);
        }
    }

    /**
     * Stores an artifact unless an earlier run of the same job already did, and returns what is
     * stored. A job is redone after a crash or a failed publish, and its redone sampling may
     * differ in the last bits from the first (another batch, other floating-point sums): the
     * artifact a completion event already named must stay the bytes its sha256 describes.
     */
    private StoredObject storeOnce(String key, ArtifactFiles.ArtifactFile file) {
        return store.stat(key).orElseGet(() -> store.put(key, file.bytes(), file.type().contentType()));
    }

    /** The job fails, or waits to be redone when the object store was away (its outputs are then dropped). */
    private void fail(DecodingJob job, Exception error) {
        jobFailed(job.event, error, "could not decode the outputs", job.outputs);
        job.stopped = true;
    }

    /** Runs the step for every job that is still going, on the store pool, and waits for all of them. */
    private void forEachInParallel(List<DecodingJob> jobs, Consumer<DecodingJob> step) {
        CompletableFuture.allOf(jobs.stream().filter(DecodingJob::going)
                .map(job -> CompletableFuture.runAsync(() -> step.accept(job), storeWork))
                .toArray(CompletableFuture[]::new)).join();
    }

    /** One job of the batch as it goes through reading, decoding and writing; each step touches only its own job. */
    private static final class DecodingJob {
        final CloudEvent event;
        /** Started, then Succeeded or Failed (a job to be redone later gets no more). */
        final List<Outbound> outputs = new ArrayList<>();
        LatentsReady ready;
        List<Latent> latents;        // in the order of ready.job().outputs()
        List<GeneratedMedia> media;  // in the same order
        /** Failed, or handed back to be redone. */
        boolean stopped;

        DecodingJob(CloudEvent event) {
            this.event = event;
        }

        boolean going() {
            return !stopped;
        }

        List<OutputLatent> outputLatents() {
            List<OutputLatent> own = new ArrayList<>(latents.size());
            for (int i = 0; i < latents.size(); i++) {
                own.add(new OutputLatent(ready.job().outputs().get(i), latents.get(i)));
            }
            return own;
        }
    }
}
