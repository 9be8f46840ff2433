package dev.codi.gateway.jobs;

import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.protocol.JobParams;

import java.util.List;
import java.util.Map;

/** A job request that passed validation; its media decoded once to prove they decode. */
public record NewJob(Map<Modality, InputFile> inputs, Map<Modality, Double> weights, List<Modality> outputs,
                     JobParams params) {
    public NewJob {
        inputs = Map.copyOf(inputs);
        weights = Map.copyOf(weights);
        outputs = List.copyOf(outputs);
    }

    /** The original bytes of an input and their sniffed type. */
    public record InputFile(MediaType type, byte[] bytes) {
    }
}
