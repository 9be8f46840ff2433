import org.apache.kafka.common.record.internal.*;
import org.apache.kafka.coordinator.transaction.generated.*;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import java.io.File;
import java.nio.ByteBuffer;
import java.time.*;
public class TransactionLog {
    public static void main(String[] a) throws Exception {
        FileRecords fr = FileRecords.open(new File(a[0]));
        for (FileLogInputStream.FileChannelRecordBatch b : fr.batches()) {
            for (org.apache.kafka.common.record.internal.Record r : b) {
                ByteBuffer k = r.key(); short kv = k.getShort();
                TransactionLogKey key = new TransactionLogKey(new ByteBufferAccessor(k), kv);
                String val = "tombstone";
                if (r.value() != null) { ByteBuffer v = r.value(); short vv = v.getShort();
                    val = TransactionLogValueJsonConverter.write(new TransactionLogValue(new ByteBufferAccessor(v), vv), vv).toString(); }
                System.out.printf("%d %s %s %s%n", r.offset(), LocalTime.ofInstant(Instant.ofEpochMilli(r.timestamp()), ZoneOffset.UTC), key.transactionalId(), val);
            }
        }
    }
}
