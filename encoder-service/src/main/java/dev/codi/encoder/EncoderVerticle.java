package dev.codi.encoder;

import dev.codi.media.MediaDecodeException;
import dev.codi.media.MediaDecoding;
import dev.codi.media.MediaLimits;
import dev.codi.media.Modality;
import dev.codi.model.Conditioning;
import dev.codi.model.PromptInput;
import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.InputRef;
import dev.codi.protocol.JobSpec;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.ConditioningReady;
import dev.codi.protocol.events.EventTypes;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.stage.Outbound;
import dev.codi.protocol.tracing.JobTracing;
import dev.codi.service.ModelStageVerticle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * encoder-service: runs the prompt encoder of every input of a job and mixes the embeddings by
 * weight into one shared-space conditioning vector (CoDi's composable conditioning, docs/design.md §5.2
 * point 2), with the null embeddings mixed alike for classifier-free guidance.
 */
public final class EncoderVerticle extends ModelStageVerticle {

    @Override
    protected Stage stage() {
        return Stage.ENCODER;
    }

    @Override
    protected String inputTopic() {
        return topics.jobs();
    }

    @Override
    protected String inputType() {
        return EventTypes.JOB_SUBMITTED;
    }

    @Override
    protected List<Outbound> process(List<CloudEvent> batch) {
        List<Outbound> outputs = new ArrayList<>();
        for (CloudEvent event : batch) {
            Instant started = clock.instant();
            JobSpec job;
            try {
                job = JobSpec.fromJson(event.data());
            } catch (IllegalArgumentException e) {
                outputs.add(jobEvent(new JobEvent.Failed(event.jobId(), stage(), "malformed job: " + e.getMessage())));
                continue;
            }
            outputs.add(jobEvent(new JobEvent.Started(job.id(), stage())));
            try (JobTracing.JobScope ignored = inJob(event)) { // its storage calls join its trace
                Conditioning conditioning = encode(job);
                ConditioningReady ready = new ConditioningReady(job, conditioning.vector(), conditioning.nullVector());
                outputs.add(new Outbound(topics.conditioning(), new CloudEvent(job.id() + "/conditioned",
                        stage().eventSource(), EventTypes.JOB_CONDITIONED, job.id(), clock.instant(), ready.toJson())));
                outputs.add(jobEvent(new JobEvent.StageCompleted(job.id(), stage(), started, clock.instant())));
            } catch (MediaDecodeException | RuntimeException e) {
                jobFailed(event, e, "could not encode the inputs", outputs);
            }
        }
        return outputs;
    }

    private Conditioning encode(JobSpec job) throws MediaDecodeException {
        Map<Modality, float[]> embeddings = new EnumMap<>(Modality.class);
        Map<Modality, float[]> nullEmbeddings = new EnumMap<>(Modality.class);
        for (Map.Entry<Modality, InputRef> input : job.inputs().entrySet()) {
            Modality modality = input.getKey();
            embeddings.put(modality, model.encode(load(modality, input.getValue())));
            nullEmbeddings.put(modality, model.nullEmbedding(modality));
        }
        return Conditioning.mix(embeddings, nullEmbeddings, job.weights());
    }

    private PromptInput load(Modality modality, InputRef ref) throws MediaDecodeException {
        if (ref instanceof InputRef.InlineText text) {
            return new PromptInput.Text(text.text());
        }
        byte[] bytes = store.get(((InputRef.StoredObject) ref).objectKey());
        return switch (modality) {
            case TEXT -> new PromptInput.Text(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            case IMAGE -> new PromptInput.Image(MediaDecoding.decodeImage(bytes));
            case AUDIO -> new PromptInput.Audio(MediaDecoding.decodeAudio(bytes));
            case VIDEO -> new PromptInput.Video(MediaDecoding.decodeVideo(bytes, MediaLimits.defaults(), model.inputSide(), model.inputSide()));
        };
    }
}
