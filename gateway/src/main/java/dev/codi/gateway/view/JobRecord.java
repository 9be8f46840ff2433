package dev.codi.gateway.view;

import dev.codi.protocol.JobSpec;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.Artifact;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the gateway knows of one job: an immutable snapshot, replaced on every event.
 *
 * @param progress    latest step progress, or null before sampling starts
 * @param timings     start and end of each stage that finished
 * @param completions how many distinct terminal events were applied (1 once finished; the fold
 *                    makes repeats of a completion invisible, and tests assert it stays 1)
 */
public record JobRecord(JobSpec spec, JobStatus status, Instant updatedAt, Progress progress,
                        Map<Stage, Timing> timings, List<Artifact> artifacts, String text, String error,
                        int completions) {
    public JobRecord {
        timings = Map.copyOf(timings);
        artifacts = List.copyOf(artifacts);
    }

    public record Progress(Stage stage, int step, int total) {
    }

    public record Timing(Instant startedAt, Instant finishedAt) {
        public long millis() {
            return finishedAt.toEpochMilli() - startedAt.toEpochMilli();
        }
    }

    public String id() {
        return spec.id();
    }
}
