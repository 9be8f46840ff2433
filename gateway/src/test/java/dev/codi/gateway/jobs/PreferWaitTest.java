package dev.codi.gateway.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PreferWaitTest {
    @Test
    void readsWaitAmongOtherPreferencesAndCapsIt() {
        assertThat(PreferWait.parse(List.of("respond-async, wait=10"))).hasValue(Duration.ofSeconds(10));
        assertThat(PreferWait.parse(List.of("handling=lenient", "wait=600"))).hasValue(Duration.ofSeconds(PreferWait.MAX_SECONDS));
        assertThat(PreferWait.parse(List.of("wait=soon"))).isEmpty();
        assertThat(PreferWait.parse(List.of())).isEmpty();
    }
}
