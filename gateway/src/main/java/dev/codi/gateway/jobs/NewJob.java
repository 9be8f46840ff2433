package dev.codi.gateway.jobs;

import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.gateway.webhooks.WebhookSubscription;
import dev.codi.protocol.JobParams;

import java.util.List;
import java.util.Map;

/**
 * A job request that passed validation; its media decoded once to prove they decode.
 *
 * @param webhook where to send the job's events, its URL past the SSRF guard; or null
 */
public record NewJob(Map<Modality, InputFile> inputs, Map<Modality, Double> weights, List<Modality> outputs,
                     JobParams params, WebhookSubscription webhook) {
    public NewJob(Map<Modality, InputFile> inputs, Map<Modality, Double> weights, List<Modality> outputs, JobParams params) {
        this(inputs, weights, outputs, params, null);
    }

    public NewJob {
        inputs = Map.copyOf(inputs);
        weights = Map.copyOf(weights);
        outputs = List.copyOf(outputs);
    }

    /**
     * The original bytes of an input and their sniffed type; or, for an upload, where it already
     * is in object storage ({@code storedKey}, bytes null).
     */
    public record InputFile(MediaType type, byte[] bytes, String storedKey) {
        public InputFile(MediaType type, byte[] bytes) {
            this(type, bytes, null);
        }
    }
}
