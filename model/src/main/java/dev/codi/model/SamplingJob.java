package dev.codi.model;

import dev.codi.media.Modality;
import dev.codi.protocol.JobParams;

import java.util.Set;
import java.util.function.BooleanSupplier;

/** One job inside a sampling batch. {@code canceled} is polled between denoising steps. */
public record SamplingJob(String jobId, Conditioning conditioning, Set<Modality> outputs,
                          JobParams params, BooleanSupplier canceled) {
    public SamplingJob {
        outputs = Set.copyOf(outputs);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("job " + jobId + " requests no output");
        }
    }
}
