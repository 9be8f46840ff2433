package dev.codi.protocol.stage;

import dev.codi.protocol.stage.DeliveryAttempts.Suspects;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryAttemptsTest {

    @Test
    void aBatchMarkerMakesEveryRecordOfTheBatchSuspect() {
        OffsetAndMetadata marker = DeliveryAttempts.marker(41, 47, 1);
        assertThat(marker.getOffset()).as("a marker does not move the group forward").isEqualTo(41);
        assertThat(DeliveryAttempts.suspectsAt(marker, 41)).containsExactly(new Suspects(1, 41, 47));
    }

    @Test
    void aSuspectDeliveredAloneCountsOneMoreAndLeavesTheOthersAsTheyWere() {
        List<Suspects> suspects = DeliveryAttempts.suspectsAt(DeliveryAttempts.marker(41, 47, 1), 41);
        OffsetAndMetadata alone = DeliveryAttempts.aloneMarker(suspects);
        assertThat(alone.getOffset()).isEqualTo(41);
        assertThat(alone.getMetadata()).isEqualTo("codi-attempts=2@41-41,1@42-47");
        assertThat(DeliveryAttempts.suspectsAt(alone, 41)).containsExactly(new Suspects(2, 41, 41), new Suspects(1, 42, 47));
        // it died again: one more
        assertThat(DeliveryAttempts.aloneMarker(DeliveryAttempts.suspectsAt(alone, 41)).getMetadata())
                .isEqualTo("codi-attempts=3@41-41,1@42-47");
    }

    @Test
    void committingPastASuspectKeepsTheSuspectsAfterIt() {
        List<Suspects> suspects = List.of(new Suspects(2, 41, 41), new Suspects(1, 42, 47));
        OffsetAndMetadata next = DeliveryAttempts.committedAt(42, suspects);
        assertThat(DeliveryAttempts.suspectsAt(next, 42)).containsExactly(new Suspects(1, 42, 47));
        assertThat(DeliveryAttempts.suspectsAt(DeliveryAttempts.committedAt(45, suspects), 45)).containsExactly(new Suspects(1, 45, 47));
        OffsetAndMetadata past = DeliveryAttempts.committedAt(48, suspects);
        assertThat(past.getOffset()).isEqualTo(48);
        assertThat(past.getMetadata()).as("no suspect left").isNull();
        assertThat(DeliveryAttempts.committedAt(41, suspects).getMetadata())
                .as("a delivery that returned puts the counts back as they were").isEqualTo("codi-attempts=2@41-41,1@42-47");
    }

    @Test
    void aMarkerOfTheSingleRecordFormReadsAsARangeOfOne() {
        assertThat(DeliveryAttempts.suspectsAt(new OffsetAndMetadata(41, "codi-attempts=2@41"), 41))
                .containsExactly(new Suspects(2, 41, 41));
    }

    @Test
    void aMarkerForAnotherPositionOrNoMarkerMakesNothingSuspect() {
        assertThat(DeliveryAttempts.suspectsAt(DeliveryAttempts.marker(41, 47, 2), 42)).isEmpty();
        assertThat(DeliveryAttempts.suspectsAt(new OffsetAndMetadata(41, null), 41)).isEmpty();
        assertThat(DeliveryAttempts.suspectsAt(new OffsetAndMetadata(41, "someone else's metadata"), 41)).isEmpty();
        assertThat(DeliveryAttempts.suspectsAt(new OffsetAndMetadata(41, "codi-attempts=2@41-40"), 41)).isEmpty();
        assertThat(DeliveryAttempts.suspectsAt(new OffsetAndMetadata(41, "codi-attempts=2@41-45,1@44-47"), 41)).isEmpty();
        assertThat(DeliveryAttempts.suspectsAt(null, 41)).isEmpty();
    }
}
