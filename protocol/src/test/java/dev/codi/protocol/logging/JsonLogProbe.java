package dev.codi.protocol.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A process that logs one line about a job and one about none; {@link JsonLogTest} runs it. */
public final class JsonLogProbe {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLogProbe.class);

    private JsonLogProbe() {
    }

    public static void main(String[] args) {
        try (JobLog ignored = JobLog.of("job-42", "encoder-service", "4bf92f3577b34da6a3ce929d0e0e4736")) {
            LOG.info("encoding job {}", "job-42");
        }
        LOG.info("no job here");
    }
}
