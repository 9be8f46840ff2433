package dev.codi.gateway.webhooks;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryScheduleTest {
    @Test
    void theDefaultIsTheStandardWebhooksSchedule() {
        RetrySchedule schedule = RetrySchedule.parse(RetrySchedule.DEFAULT_SCHEDULE, 0);

        assertThat(schedule.delays()).containsExactly(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMinutes(5),
                Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
    }

    @Test
    void jitterStaysWithinItsBounds() {
        RetrySchedule schedule = RetrySchedule.parse("0s,10s", 0.2);
        RandomGenerator random = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(schedule.delayBefore(1, random)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
        }
        assertThat(schedule.delayBefore(0, random)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aBadScheduleSaysWhatIsWrong() {
        assertThatThrownBy(() -> RetrySchedule.parse("0s,five", 0)).hasMessageContaining(RetrySchedule.SCHEDULE_VARIABLE)
                .hasMessageContaining("five");
        assertThatThrownBy(() -> RetrySchedule.parse("1s", 1.5)).hasMessageContaining(RetrySchedule.JITTER_VARIABLE);
    }
}
