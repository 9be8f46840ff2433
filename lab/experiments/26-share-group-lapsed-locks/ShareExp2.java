import dev.codi.infra.EmbeddedKafka;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.config.ConfigResource;
import java.time.*;
import java.util.*;

public class ShareExp2 {
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
        k.setAcknowledgementCommitCallback((offsets, e) -> { if (e != null) System.out.println(t() + " " + id + " ack callback " + offsets + " " + e); });
        k.subscribe(List.of("t"));
        return k;
    }
    static Set<String> offsets(ConsumerRecords<String, String> rs) { Set<String> l = new TreeSet<>(); rs.forEach(r -> l.add(r.partition() + "@" + r.offset())); return l; }
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
            KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", bs,
                    "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
                    "value.serializer", "org.apache.kafka.common.serialization.StringSerializer"));
            for (int i = 0; i < 4; i++) p.send(new ProducerRecord<>("t", i % 2, "k" + i, "v" + i)).get();
            t0 = System.nanoTime();
            KafkaShareConsumer<String, String> A = consumer(bs, "A", 4);
            ConsumerRecords<String, String> held = ConsumerRecords.empty();
            long end = System.nanoTime() + 10_000_000_000L;
            while (offsets(held).size() < 2 && System.nanoTime() < end) { held.forEach(r -> A.acknowledge(r, AcknowledgeType.RENEW)); held = A.poll(Duration.ofMillis(500)); }
            System.out.println(t() + " A holds " + offsets(held));
            List<Thread> others = new ArrayList<>();
            for (int n = 0; n < 6; n++) {
                String id = "C" + n; int delay = 1000 + n * 1500;
                Thread th = new Thread(() -> {
                    try { Thread.sleep(delay); } catch (InterruptedException e) { return; }
                    KafkaShareConsumer<String, String> C = consumer(bs, id, 1);
                    System.out.println(t() + " " + id + " joins");
                    long until = System.nanoTime() + 12_000_000_000L;
                    while (System.nanoTime() < until) {
                        ConsumerRecords<String, String> rs = C.poll(Duration.ofMillis(200));
                        if (!rs.isEmpty()) System.out.println(t() + " " + id + " got " + offsets(rs));
                        rs.forEach(r -> C.acknowledge(r, AcknowledgeType.ACCEPT));
                    }
                    C.close();
                    System.out.println(t() + " " + id + " leaves");
                });
                th.start(); others.add(th);
            }
            int misses = 0;
            for (int round = 0; round < 60; round++) {
                Thread.sleep(400);
                p.send(new ProducerRecord<>("t", round % 2, "x" + round, "x")).get();
                Set<String> want = offsets(held);
                for (ConsumerRecord<String, String> r : held) A.acknowledge(r, AcknowledgeType.RENEW);
                A.commitSync();
                ConsumerRecords<String, String> back = A.poll(Duration.ZERO);
                if (!offsets(back).equals(want)) { misses++; System.out.println(t() + " A renewed " + want + ", poll(0) returned " + offsets(back)); }
                // keep what came back; new ones are added and held too
                held = back;
            }
            System.out.println(t() + " misses " + misses + ", A holds " + offsets(held));
            for (Thread th : others) th.join();
            p.close();
        }
    }
}
