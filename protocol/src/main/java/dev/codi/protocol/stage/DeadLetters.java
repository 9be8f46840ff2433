package dev.codi.protocol.stage;

import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;

/**
 * Builds dead-letter records: the original key, value and headers untouched (nothing is lost,
 * the record can be replayed once fixed), plus headers saying where it came from and why.
 */
public final class DeadLetters {
    public static final String REASON = "codi_dlq_reason";
    public static final String STAGE = "codi_dlq_stage";
    public static final String SOURCE_TOPIC = "codi_dlq_topic";
    public static final String SOURCE_PARTITION = "codi_dlq_partition";
    public static final String SOURCE_OFFSET = "codi_dlq_offset";

    private DeadLetters() {
    }

    public static KafkaProducerRecord<String, Buffer> of(String deadLetterTopic, String stage,
                                                          KafkaConsumerRecord<String, Buffer> original, String reason) {
        KafkaProducerRecord<String, Buffer> record = KafkaProducerRecord.create(deadLetterTopic, original.key(), original.value());
        for (KafkaHeader header : original.headers()) {
            record.addHeader(header);
        }
        return record.addHeader(REASON, reason)
                .addHeader(STAGE, stage)
                .addHeader(SOURCE_TOPIC, original.topic())
                .addHeader(SOURCE_PARTITION, Integer.toString(original.partition()))
                .addHeader(SOURCE_OFFSET, Long.toString(original.offset()));
    }
}
