package dev.codi.protocol.kafka;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.DistributedTrace;
import dev.codi.protocol.MalformedEventException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * CloudEvents 1.0 Kafka protocol binding, binary content mode: attributes travel as
 * {@code ce_*} headers, the data as the record value, and {@code content-type} as a header
 * (CloudEvents Kafka binding §3.2). The record key is the job id (partitioning by job keeps a
 * job's events in order). The distributed-tracing extension's {@code traceparent} and
 * {@code tracestate} travel as {@code ce_traceparent} and {@code ce_tracestate}, like any extension
 * attribute in binary mode.
 */
public final class CloudEventRecords {
    static final String SPEC_VERSION = "ce_specversion";
    static final String ID = "ce_id";
    static final String SOURCE = "ce_source";
    static final String TYPE = "ce_type";
    static final String SUBJECT = "ce_subject";
    static final String TIME = "ce_time";
    static final String CONTENT_TYPE = "content-type";
    static final String TRACEPARENT = "ce_traceparent";
    static final String TRACESTATE = "ce_tracestate";

    private CloudEventRecords() {
    }

    public static KafkaProducerRecord<String, Buffer> toRecord(String topic, CloudEvent event) {
        KafkaProducerRecord<String, Buffer> record =
                KafkaProducerRecord.create(topic, event.subject(), event.data().toBuffer());
        record.addHeader(SPEC_VERSION, CloudEvent.SPEC_VERSION)
                .addHeader(ID, event.id())
                .addHeader(SOURCE, event.source())
                .addHeader(TYPE, event.type())
                .addHeader(SUBJECT, event.subject())
                .addHeader(TIME, event.time().toString())
                .addHeader(CONTENT_TYPE, CloudEvent.DATA_CONTENT_TYPE);
        if (event.trace().isPresent()) {
            record.addHeader(TRACEPARENT, event.trace().traceparent());
            if (event.trace().tracestate() != null) {
                record.addHeader(TRACESTATE, event.trace().tracestate());
            }
        }
        return record;
    }

    public static CloudEvent fromRecord(KafkaConsumerRecord<String, Buffer> record) throws MalformedEventException {
        Map<String, String> headers = new HashMap<>();
        for (KafkaHeader header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : header.value().toString(StandardCharsets.UTF_8));
        }
        String specVersion = headers.get(SPEC_VERSION);
        if (!CloudEvent.SPEC_VERSION.equals(specVersion)) {
            throw new MalformedEventException("not a CloudEvents 1.0 binary-mode record: ce_specversion is " + specVersion);
        }
        String contentType = headers.get(CONTENT_TYPE);
        if (contentType != null && !contentType.startsWith(CloudEvent.DATA_CONTENT_TYPE)) {
            throw new MalformedEventException("unsupported content-type '" + contentType + "', expected application/json");
        }
        if (record.value() == null) {
            throw new MalformedEventException("record has no value");
        }
        JsonObject data;
        try {
            data = new JsonObject(record.value());
        } catch (DecodeException | ClassCastException e) {
            throw new MalformedEventException("record value is not a JSON object: " + e.getMessage(), e);
        }
        Instant time;
        try {
            time = Instant.parse(require(headers, TIME));
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("ce_time is not an RFC 3339 timestamp: " + headers.get(TIME), e);
        }
        String subject = require(headers, SUBJECT);
        if (record.key() != null && !record.key().equals(subject)) {
            throw new MalformedEventException("record key '" + record.key() + "' differs from ce_subject '" + subject + "'");
        }
        try {
            return new CloudEvent(require(headers, ID), require(headers, SOURCE), require(headers, TYPE), subject, time, data,
                    new DistributedTrace(headers.get(TRACEPARENT), headers.get(TRACESTATE)));
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> headers, String name) throws MalformedEventException {
        String value = headers.get(name);
        if (value == null || value.isBlank()) {
            throw new MalformedEventException("missing header " + name);
        }
        return value;
    }
}
