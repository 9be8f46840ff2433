package dev.codi.protocol;

import dev.codi.media.Modality;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.CloudEventRecords;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.impl.KafkaConsumerRecordImpl;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloudEventRecordsTest {
    private static final JobSpec JOB = new JobSpec("job_abc", "anonymous", Instant.parse("2026-11-25T10:00:00Z"),
            Map.of(Modality.TEXT, new InputRef.InlineText("a red circle moving left")), Map.of(Modality.TEXT, 2.0),
            List.of(Modality.IMAGE, Modality.AUDIO), new JobParams(50, 7.5, 0, 42, true));

    @Test
    void ourRecordsAreBinaryModeCloudEventsAsTheReferenceSdkReadsThem() {
        CloudEvent event = new JobEvent.Queued(JOB).toCloudEvent(Instant.parse("2026-11-25T10:00:01Z"));

        ConsumerRecord<String, byte[]> record = asConsumerRecord(CloudEventRecords.toRecord("codi.job-events", event));
        MessageReader reader = KafkaMessageFactory.createReader(record);
        io.cloudevents.CloudEvent read = reader.toEvent();

        assertThat(record.key()).isEqualTo("job_abc");
        assertThat(read.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(read.getId()).isEqualTo("job_abc/queued");
        assertThat(read.getType()).isEqualTo("dev.codi.job.queued");
        assertThat(read.getSource().toString()).isEqualTo("/codi/gateway");
        assertThat(read.getSubject()).isEqualTo("job_abc");
        assertThat(read.getDataContentType()).isEqualTo("application/json");
        assertThat(read.getTime().toInstant()).isEqualTo(Instant.parse("2026-11-25T10:00:01Z"));
        assertThat(new JsonObject(new String(read.getData().toBytes(), StandardCharsets.UTF_8))).isEqualTo(event.data());
    }

    @Test
    void aRecordRoundTripsToTheSameEventAndJob() throws Exception {
        CloudEvent event = new JobEvent.Queued(JOB).toCloudEvent(Instant.parse("2026-11-25T10:00:01Z"));

        CloudEvent read = CloudEventRecords.fromRecord(asVertxRecord(CloudEventRecords.toRecord("t", event)));

        assertThat(read).isEqualTo(event);
        JobEvent.Queued queued = (JobEvent.Queued) JobEvent.fromCloudEvent(read);
        assertThat(queued.job().toJson()).isEqualTo(JOB.toJson());
        assertThat(queued.job().weights()).containsEntry(Modality.TEXT, 2.0);
    }

    @Test
    void theTraceContextTravelsAsTheDistributedTracingExtension() throws Exception {
        DistributedTrace trace = new DistributedTrace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "congo=t61rcWkgMzE");
        CloudEvent event = new JobEvent.Queued(JOB).toCloudEvent(Instant.parse("2026-11-25T10:00:01Z")).withTrace(trace);

        KafkaProducerRecord<String, Buffer> record = CloudEventRecords.toRecord("t", event);
        io.cloudevents.CloudEvent read = KafkaMessageFactory.createReader(asConsumerRecord(record)).toEvent();

        assertThat(read.getExtension("traceparent")).isEqualTo(trace.traceparent());
        assertThat(read.getExtension("tracestate")).isEqualTo(trace.tracestate());
        CloudEvent back = CloudEventRecords.fromRecord(asVertxRecord(record));
        assertThat(back.trace()).isEqualTo(trace);
        assertThat(back.trace().traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(CloudEventRecords.fromRecord(asVertxRecord(CloudEventRecords.toRecord("t", event.withTrace(DistributedTrace.NONE))))
                .trace().isPresent()).as("no trace, no ce_traceparent").isFalse();
    }

    @Test
    void recordsThatAreNotOurEventsAreRefusedWithTheReason() {
        KafkaProducerRecord<String, Buffer> noHeaders = KafkaProducerRecord.create("t", "k", Buffer.buffer("{}"));
        assertThatThrownBy(() -> CloudEventRecords.fromRecord(asVertxRecord(noHeaders)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("ce_specversion");

        CloudEvent event = new JobEvent.Started("job_abc", Stage.ENCODER).toCloudEvent(Instant.now());
        KafkaProducerRecord<String, Buffer> notJson = CloudEventRecords.toRecord("t", event);
        KafkaProducerRecord<String, Buffer> garbage = KafkaProducerRecord.create("t", "job_abc", Buffer.buffer("{not json"));
        notJson.headers().forEach(garbage::addHeader);
        assertThatThrownBy(() -> CloudEventRecords.fromRecord(asVertxRecord(garbage)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("not a JSON object");

        KafkaProducerRecord<String, Buffer> wrongKey = KafkaProducerRecord.create("t", "job_other", event.data().toBuffer());
        notJson.headers().forEach(wrongKey::addHeader);
        assertThatThrownBy(() -> CloudEventRecords.fromRecord(asVertxRecord(wrongKey)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("differs from ce_subject");
    }

    @Test
    void jobEventIdsAreDeterministicSoARepeatedStageEmitsTheSameIds() {
        Instant first = Instant.parse("2026-11-25T10:00:00Z");
        Instant later = Instant.parse("2026-11-25T11:00:00Z");
        JobEvent progress = new JobEvent.Progress("job_abc", Stage.DIFFUSION, 7, 50);

        assertThat(progress.toCloudEvent(first).id()).isEqualTo(progress.toCloudEvent(later).id())
                .isEqualTo("job_abc/diffusion-service/progress/7");
        assertThat(new JobEvent.Progress("job_abc", Stage.DIFFUSION, 8, 50).toCloudEvent(first).id())
                .isNotEqualTo(progress.toCloudEvent(first).id());
    }

    private static ConsumerRecord<String, byte[]> asConsumerRecord(KafkaProducerRecord<String, Buffer> produced) {
        RecordHeaders headers = new RecordHeaders();
        for (KafkaHeader header : produced.headers()) {
            headers.add(header.key(), header.value().getBytes());
        }
        return new ConsumerRecord<>(produced.topic(), 0, 0L, ConsumerRecord.NO_TIMESTAMP,
                org.apache.kafka.common.record.TimestampType.NO_TIMESTAMP_TYPE, -1, -1, produced.key(),
                produced.value().getBytes(), headers, java.util.Optional.empty());
    }

    private static KafkaConsumerRecord<String, Buffer> asVertxRecord(KafkaProducerRecord<String, Buffer> produced) {
        RecordHeaders headers = new RecordHeaders();
        for (KafkaHeader header : produced.headers()) {
            headers.add(header.key(), header.value().getBytes());
        }
        return new KafkaConsumerRecordImpl<>(new ConsumerRecord<>(produced.topic(), 0, 0L, ConsumerRecord.NO_TIMESTAMP,
                org.apache.kafka.common.record.TimestampType.NO_TIMESTAMP_TYPE, -1, -1, produced.key(),
                produced.value(), headers, java.util.Optional.empty()));
    }
}
