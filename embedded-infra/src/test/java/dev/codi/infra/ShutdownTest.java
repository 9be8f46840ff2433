package dev.codi.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A launcher's JVM must be able to exit once the infrastructure is closed. */
class ShutdownTest {

    /** Thread pools may take a moment to notice they were shut down. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    @Test
    void closingLeavesNoNewNonDaemonThreadsBehind() throws Exception {
        Set<Thread> before = liveNonDaemonThreads();

        try (Infrastructure infrastructure = Infrastructure.startInProcess()) {
            infrastructure.createTopics(Map.of("shutdown-check", 1));
            assertThat(liveNonDaemonThreads()).as("the broker runs non-daemon threads while up")
                    .hasSizeGreaterThan(before.size());
        }

        Set<Thread> survivors = Set.of();
        long deadline = System.nanoTime() + GRACE.toNanos();
        while (System.nanoTime() < deadline) {
            survivors = liveNonDaemonThreads().stream().filter(t -> !before.contains(t)).collect(Collectors.toSet());
            if (survivors.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(survivors).extracting(Thread::getName).isEmpty();
    }

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }
}
