package dev.codi.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Leaves on a partition the records of a transaction that its coordinator does not know: what a
 * broker that lost a transaction's markers leaves behind. The records go to the broker in a raw
 * produce request (transactional, from a producer id no coordinator handed out) while the broker
 * skips its check that the partition is part of an ongoing transaction
 * ({@code transaction.partition.verification.enable}, KIP-890), switched back on afterwards.
 * For fault tests: it writes to the first of {@code bootstrapServers}, which must lead the partition.
 */
public final class ForgottenTransaction {
    /** Produce v11: a producer of transaction version 1, which adds its partitions to a transaction itself. */
    private static final short PRODUCE_VERSION = 11;
    private static final String VERIFICATION = "transaction.partition.verification.enable";

    private ForgottenTransaction() {}

    /** Writes {@code records} (key to value) to {@code partition} as one open transaction of {@code producerId}, epoch 0. */
    public static void write(Admin admin, String bootstrapServers, TopicPartition partition, long producerId, Map<String, String> records)
            throws Exception {
        setVerification(admin, "false");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Errors error = produce(bootstrapServers, partition, producerId, records);
            // The broker takes a dynamic setting up a moment after it is written: until then it refuses.
            while (error != Errors.NONE) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the broker refused the open transaction's records: " + error);
                }
                Thread.sleep(200);
                error = produce(bootstrapServers, partition, producerId, records);
            }
        } finally {
            setVerification(admin, "true");
        }
    }

    private static void setVerification(Admin admin, String value) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.BROKER, ""),
                List.of(new AlterConfigOp(new ConfigEntry(VERIFICATION, value), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
    }

    private static Errors produce(String bootstrapServers, TopicPartition partition, long producerId, Map<String, String> records)
            throws IOException {
        SimpleRecord[] simple = records.entrySet().stream()
                .map(entry -> new SimpleRecord(System.currentTimeMillis(), entry.getKey().getBytes(), entry.getValue().getBytes()))
                .toArray(SimpleRecord[]::new);
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(partition.topic()).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(partition.partition())
                        .setRecords(MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, (short) 0, 0, simple)))));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000)
                .setTransactionalId("forgotten-" + producerId).setTopicData(topics);
        ByteBuffer request = new ProduceRequest.Builder(PRODUCE_VERSION, PRODUCE_VERSION, data).build(PRODUCE_VERSION)
                .serializeWithHeader(new RequestHeader(ApiKeys.PRODUCE, PRODUCE_VERSION, "forgotten-transaction", 1));
        String[] hostAndPort = bootstrapServers.split(",")[0].split(":");
        try (Socket socket = new Socket(hostAndPort[0], Integer.parseInt(hostAndPort[1]))) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(request.remaining());
            out.write(request.array(), request.arrayOffset() + request.position(), request.remaining());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readInt()];
            in.readFully(answer);
            ByteBuffer response = ByteBuffer.wrap(answer);
            ResponseHeader.parse(response, ApiKeys.PRODUCE.responseHeaderVersion(PRODUCE_VERSION));
            short code = ProduceResponse.parse(new ByteBufferAccessor(response), PRODUCE_VERSION).data().responses().iterator().next()
                    .partitionResponses().get(0).errorCode();
            return Errors.forCode(code);
        }
    }
}
