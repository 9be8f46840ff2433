package dev.codi.protocol.stage;

import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryAttemptsTest {

    @Test
    void aMarkerCountsTheDeliveriesOfTheRecordItNames() {
        OffsetAndMetadata marker = DeliveryAttempts.marker(41, 2);
        assertThat(marker.getOffset()).as("a marker does not move the group forward").isEqualTo(41);
        assertThat(DeliveryAttempts.unfinished(marker, 41)).isEqualTo(2);
    }

    @Test
    void aMarkerForAnotherRecordOrNoMarkerCountsNothing() {
        assertThat(DeliveryAttempts.unfinished(DeliveryAttempts.marker(41, 2), 42)).isZero();
        assertThat(DeliveryAttempts.unfinished(new OffsetAndMetadata(41, null), 41)).isZero();
        assertThat(DeliveryAttempts.unfinished(new OffsetAndMetadata(41, "someone else's metadata"), 41)).isZero();
        assertThat(DeliveryAttempts.unfinished(null, 41)).isZero();
    }
}
