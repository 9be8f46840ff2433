import dev.codi.infra.EmbeddedKafka;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.*;
import org.apache.kafka.common.requests.*;
import java.io.*;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.*;

public class WatchForgotten {
    public static void main(String[] a) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            kafka.createTopics(Map.of("t", 1));
            try {
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.BROKER, ""),
                    List.of(new AlterConfigOp(new ConfigEntry("transaction.partition.verification.enable", "false"), AlterConfigOp.OpType.SET)))).all().get();
                System.out.println("dynamic config set");
            } catch (Exception e) { System.out.println("dynamic config refused: " + e); }
            Thread.sleep(1000);
            String[] hp = kafka.bootstrapServers().split(":");
            MemoryRecords records = MemoryRecords.withTransactionalRecords(Compression.NONE, 424242L, (short) 0, 0,
                new SimpleRecord(System.currentTimeMillis(), "k".getBytes(), "v".getBytes()));
            ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
            topics.add(new ProduceRequestData.TopicProduceData().setName("t").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
            short v = Short.parseShort(a[0]);
            ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30000).setTransactionalId("fabricated").setTopicData(topics);
            ProduceRequest request = new ProduceRequest.Builder(v, v, data).build(v);
            ByteBuffer buf = request.serializeWithHeader(new RequestHeader(ApiKeys.PRODUCE, v, "fabricator", 7));
            try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeInt(buf.remaining()); out.write(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining()); out.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                int n = in.readInt(); byte[] resp = new byte[n]; in.readFully(resp);
                ByteBuffer rb = ByteBuffer.wrap(resp);
                ResponseHeader.parse(rb, ApiKeys.PRODUCE.responseHeaderVersion(v));
                System.out.println("response: " + ProduceResponse.parse(new org.apache.kafka.common.protocol.ByteBufferAccessor(rb), v).data());
            }
            TopicPartition tp = new TopicPartition("t", 0);
            System.out.println("producers: " + admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers());
            System.out.println("LSO: " + admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                + " end: " + admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get());
            System.out.println("txns: " + admin.listTransactions().all().get());
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.BROKER, ""),
                    List.of(new AlterConfigOp(new ConfigEntry("transaction.partition.verification.enable", a[1]), AlterConfigOp.OpType.SET)))).all().get();
            for (int i = 0; i < 30; i++) {
                Thread.sleep(1000);
                System.out.println("t+" + (i+1) + " LSO " + admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get().get(tp).offset()
                    + " producers " + admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers());
            }
        }
    }
}
