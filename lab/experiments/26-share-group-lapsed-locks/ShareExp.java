import dev.codi.infra.EmbeddedKafka;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.config.ConfigResource;
import java.time.*;
import java.util.*;

public class ShareExp {
    static long t0 = System.nanoTime();
    static String t() { return String.format("%6.1fs", (System.nanoTime() - t0) / 1e9); }
    static KafkaShareConsumer<String, String> consumer(String bs, String id, int max) {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bs); c.put("group.id", "g"); c.put("client.id", id);
        c.put("share.acknowledgement.mode", "explicit"); c.put("share.acquire.mode", "record_limit");
        c.put("max.poll.records", Integer.toString(max));
        c.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        c.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        KafkaShareConsumer<String, String> k = new KafkaShareConsumer<>(c);
        k.setAcknowledgementCommitCallback((offsets, e) -> System.out.println(t() + " " + id + " ack callback " + offsets + " " + e));
        k.subscribe(List.of("t"));
        return k;
    }
    static List<String> offsets(ConsumerRecords<String, String> rs) { List<String> l = new ArrayList<>(); rs.forEach(r -> l.add(r.partition() + "@" + r.offset())); return l; }
    public static void main(String[] a) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bs = kafka.bootstrapServers();
            kafka.createTopics(Map.of("t", 2));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bs))) {
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, "g"), List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("share.renew.acknowledge.enable", "true"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("share.record.lock.duration.ms", "15000"), AlterConfigOp.OpType.SET)))).all().get();
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", bs,
                    "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
                    "value.serializer", "org.apache.kafka.common.serialization.StringSerializer"))) {
                for (int i = 0; i < 8; i++) p.send(new ProducerRecord<>("t", i % 2, "k" + i, "v" + i)).get();
            }
            t0 = System.nanoTime();
            KafkaShareConsumer<String, String> A = consumer(bs, "A", 4);
            ConsumerRecords<String, String> held = ConsumerRecords.empty();
            long end = System.nanoTime() + 10_000_000_000L;
            while (held.isEmpty() && System.nanoTime() < end) held = A.poll(Duration.ofMillis(500));
            System.out.println(t() + " A first poll " + offsets(held) + " lock " + A.acquisitionLockTimeoutMs());
            Thread bThread = new Thread(() -> {
                try { Thread.sleep(8_000); } catch (InterruptedException e) { return; }
                KafkaShareConsumer<String, String> B = consumer(bs, "B", 1); System.out.println(t() + " B joins");
                long until = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < until) {
                    ConsumerRecords<String, String> rs = B.poll(Duration.ofMillis(500));
                    if (!rs.isEmpty()) System.out.println(t() + " B got " + offsets(rs) + " deliveryCount " + rs.iterator().next().deliveryCount());
                    rs.forEach(r -> B.acknowledge(r, AcknowledgeType.ACCEPT));
                    if (!rs.isEmpty()) B.commitSync();
                }
                B.close();
            });
            bThread.start();
            for (int round = 0; round < 7; round++) {
                Thread.sleep(5000);
                for (ConsumerRecord<String, String> r : held) A.acknowledge(r, AcknowledgeType.RENEW);
                A.commitSync();
                ConsumerRecords<String, String> back = A.poll(Duration.ZERO);
                System.out.println(t() + " A renewed " + offsets(held) + ", poll(0) returned " + offsets(back));
                held = back;
            }
            for (ConsumerRecord<String, String> r : held) A.acknowledge(r, AcknowledgeType.ACCEPT);
            ConsumerRecords<String, String> later = A.poll(Duration.ofSeconds(1));
            System.out.println(t() + " A poll(1s) after renewals returned " + offsets(later) + (later.isEmpty() ? "" : " deliveryCount " + later.iterator().next().deliveryCount()));
            bThread.join();
            A.close();
        }
    }
}
