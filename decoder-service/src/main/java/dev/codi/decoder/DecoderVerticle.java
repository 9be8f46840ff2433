package dev.codi.decoder;

import dev.codi.media.Modality;
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
import java.util.List;
import java.util.Map;

/**
 * decoder-service: decodes each latent of a job to its artifact files, writes them to object
 * storage under keys fixed by the job id (a redelivered job overwrites them with the same
 * bytes, since sampling is seeded), and publishes the job's completion.
 */
public final class DecoderVerticle extends ModelStageVerticle {

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
    protected List<Outbound> process(List<CloudEvent> batch) {
        List<Outbound> outputs = new ArrayList<>();
        for (CloudEvent event : batch) {
            Instant started = clock.instant();
            LatentsReady ready;
            try {
                ready = LatentsReady.fromJson(event.data());
            } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
                outputs.add(jobEvent(new JobEvent.Failed(event.jobId(), stage(), "malformed latents message: " + e.getMessage())));
                continue;
            }
            String jobId = ready.job().id();
            outputs.add(jobEvent(new JobEvent.Started(jobId, stage())));
            try (JobTracing.JobScope ignored = inJob(event)) { // its storage calls join its trace
                List<Artifact> artifacts = new ArrayList<>();
                String text = null;
                // Outputs in the order the client asked for them.
                for (Modality modality : ready.job().outputs()) {
                    LatentsReady.LatentRef ref = ready.latents().get(modality);
                    if (ref == null) {
                        throw new IllegalArgumentException("no latent for requested output " + modality.wireName());
                    }
                    GeneratedMedia media = model.decode(modality, Latent.fromBytes(store.get(ref.objectKey())));
                    if (media instanceof GeneratedMedia.Text generated) {
                        text = generated.text();
                    }
                    for (ArtifactFiles.ArtifactFile file : ArtifactFiles.encode(media)) {
                        StoredObject stored = storeOnce(ObjectKeys.artifact(jobId, file.filename()), file);
                        artifacts.add(new Artifact(modality, stored.key(), stored.contentType(), stored.bytes(), stored.sha256Hex()));
                    }
                }
                outputs.add(jobEvent(new JobEvent.Succeeded(jobId, stage(), artifacts, text, started, clock.instant())));
            } catch (RuntimeException e) {
                jobFailed(event, e, "could not decode the outputs", outputs);
            }
        }
        return outputs;
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
}
