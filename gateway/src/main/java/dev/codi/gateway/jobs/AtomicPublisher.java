package dev.codi.gateway.jobs;

import dev.codi.protocol.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

/**
 * Publishes groups of records atomically: each group becomes visible to {@code read_committed}
 * readers whole or not at all (a Kafka transaction). Groups that arrive while a transaction is
 * open wait and go together in the next one (a group commit), so concurrent submissions share
 * the cost of a commit. After any failure the producer is closed and a new one is made for the
 * next transaction: a producer whose transaction timed out or was fenced cannot be trusted.
 * Confined to the gateway's event loop.
 */
public final class AtomicPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicPublisher.class);

    private record Group(List<KafkaProducerRecord<String, Buffer>> records, Promise<Void> done) {
    }

    private final Vertx vertx;
    private final KafkaSettings kafka;
    private final String clientId;
    private final Deque<Group> waiting = new ArrayDeque<>();
    private KafkaProducer<String, Buffer> producer;
    private boolean inTransaction;
    private boolean closed;

    public AtomicPublisher(Vertx vertx, KafkaSettings kafka, String clientId) {
        this.vertx = vertx;
        this.kafka = kafka;
        this.clientId = clientId;
    }

    /** Completes once every record of {@code records} was committed together; fails if none was. */
    public Future<Void> publish(List<KafkaProducerRecord<String, Buffer>> records) {
        if (closed) {
            return Future.failedFuture("the gateway is stopping");
        }
        Promise<Void> done = Promise.promise();
        waiting.add(new Group(records, done));
        next();
        return done.future();
    }

    public Future<Void> close() {
        closed = true;
        return producer == null ? Future.succeededFuture() : producer.close();
    }

    private void next() {
        if (inTransaction || waiting.isEmpty()) {
            return;
        }
        inTransaction = true;
        List<Group> groups = new ArrayList<>(waiting);
        waiting.clear();
        producer().compose(ready -> producer.beginTransaction())
                .compose(begun -> {
                    List<Future<?>> sent = new ArrayList<>();
                    groups.forEach(group -> group.records().forEach(record -> sent.add(producer.send(record))));
                    return Future.all(sent);
                })
                .compose(sent -> producer.commitTransaction())
                .onComplete(committed -> {
                    if (committed.succeeded()) {
                        groups.forEach(group -> group.done().tryComplete());
                    } else {
                        LOG.warn("transaction of {} submission(s) failed: {}", groups.size(), committed.cause().toString());
                        discardProducer();
                        groups.forEach(group -> group.done().tryFail(committed.cause()));
                    }
                    inTransaction = false;
                    next();
                });
    }

    private Future<Void> producer() {
        if (producer != null) {
            return Future.succeededFuture();
        }
        producer = KafkaProducer.create(vertx, kafka.transactionalProducer(clientId, clientId + "-" + UUID.randomUUID()));
        return producer.initTransactions().onFailure(error -> discardProducer());
    }

    private void discardProducer() {
        if (producer != null) {
            KafkaProducer<String, Buffer> broken = producer;
            producer = null;
            broken.close().onFailure(error -> LOG.debug("closing a failed transactional producer: {}", error.toString()));
        }
    }
}
