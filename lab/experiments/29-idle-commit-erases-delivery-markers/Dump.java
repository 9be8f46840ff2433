import org.apache.kafka.common.record.internal.*;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.*;
public class Dump {
    public static void main(String[] a) throws Exception {
        FileRecords fr = FileRecords.open(new File(a[0]));
        for (FileLogInputStream.FileChannelRecordBatch b : fr.batches()) {
            StringBuilder keys = new StringBuilder();
            for (org.apache.kafka.common.record.internal.Record r : b) {
                String k = r.key() == null ? "-" : StandardCharsets.UTF_8.decode(r.key()).toString();
                keys.append(k).append(' ');
            }
            System.out.printf("%d-%d %s pid=%d epoch=%d txn=%b ctrl=%b %s%n", b.baseOffset(), b.lastOffset(),
                LocalTime.ofInstant(Instant.ofEpochMilli(b.maxTimestamp()), ZoneOffset.UTC), b.producerId(), b.producerEpoch(),
                b.isTransactional(), b.isControlBatch(), b.isControlBatch() ? "" : keys);
        }
    }
}
