package dev.codi.gateway.idempotency;

import dev.codi.gateway.http.Problem;
import dev.codi.media.Modality;
import dev.codi.protocol.InputRef;
import dev.codi.protocol.JobParams;
import dev.codi.protocol.JobSpec;
import dev.codi.protocol.events.JobEvent;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotencyKeysTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static JobSpec job(String id, String owner, Instant createdAt) {
        return new JobSpec(id, owner, createdAt, Map.of(Modality.TEXT, new InputRef.InlineText("a red circle")), Map.of(),
                List.of(Modality.IMAGE), new JobParams(10, 7.5, 0, 1, true));
    }

    @Test
    void replaysRefusesAnotherBodyAndRefusesWhileInFlight() {
        IdempotencyKeys keys = new IdempotencyKeys(Duration.ofHours(1), Clock.fixed(T0, ZoneOffset.UTC));

        assertThat(keys.begin("key_a", "k1", "fp1")).isEmpty();
        assertThatThrownBy(() -> keys.begin("key_a", "k1", "fp1")).isInstanceOfSatisfying(Problem.class,
                problem -> assertThat(problem.status()).isEqualTo(409));
        assertThat(keys.begin("key_b", "k1", "fp2")).as("scoped per API key").isEmpty();
        keys.complete("k1", "fp1", job("job_1", "key_a", T0));

        assertThat(keys.begin("key_a", "k1", "fp1")).get().extracting(JobSpec::id).isEqualTo("job_1");
        assertThatThrownBy(() -> keys.begin("key_a", "k1", "other")).isInstanceOfSatisfying(Problem.class,
                problem -> assertThat(problem.status()).isEqualTo(422));
    }

    @Test
    void aFailedRequestFreesItsKeyAndKeysExpire() {
        IdempotencyKeys keys = new IdempotencyKeys(Duration.ofHours(1), Clock.fixed(T0.plus(Duration.ofHours(2)), ZoneOffset.UTC));

        keys.begin("key_a", "k1", "fp1");
        keys.abandon("key_a", "k1");
        assertThat(keys.begin("key_a", "k1", "fp2")).isEmpty();

        keys.remember(new JobEvent.Queued(job("job_old", "key_a", T0), new JobEvent.IdempotencyKey("k2", "fp"), null));
        assertThat(keys.begin("key_a", "k2", "another body")).as("expired an hour ago").isEmpty();
    }

    @Test
    void theHeaderIsAStructuredStringOrAToken() {
        assertThat(IdempotencyKeys.parseHeader("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"")).hasValue("8e03978e-40d5-43e8-bc93-6894a57f9324");
        assertThat(IdempotencyKeys.parseHeader("abc")).hasValue("abc");
        assertThat(IdempotencyKeys.parseHeader(null)).isEmpty();
        assertThatThrownBy(() -> IdempotencyKeys.parseHeader("\"\"")).isInstanceOf(Problem.class);
        assertThatThrownBy(() -> IdempotencyKeys.parseHeader("x".repeat(IdempotencyKeys.MAX_KEY_LENGTH + 1))).isInstanceOf(Problem.class);
    }
}
