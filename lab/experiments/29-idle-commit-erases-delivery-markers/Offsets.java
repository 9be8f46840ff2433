import org.apache.kafka.common.record.internal.*;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.*;
public class Offsets {
    static String str(ByteBuffer b) { short n = b.getShort(); if (n < 0) return null; byte[] x = new byte[n]; b.get(x); return new String(x, StandardCharsets.UTF_8); }
    static int uvarint(ByteBuffer b) { int v = 0, i = 0, x; while (((x = b.get()) & 0x80) != 0) { v |= (x & 0x7f) << i; i += 7; } return v | (x << i); }
    public static void main(String[] a) throws Exception {
        FileRecords fr = FileRecords.open(new File(a[0]));
        for (FileLogInputStream.FileChannelRecordBatch b : fr.batches()) {
            if (b.isControlBatch()) continue;
            for (org.apache.kafka.common.record.internal.Record r : b) {
              try {
                if (r.key() == null) continue;
                ByteBuffer k = r.key().duplicate();
                short kv = k.getShort();
                if (kv > 1) continue;
                String group = str(k), topic = str(k); int part = k.getInt();
                if (a.length > 4) System.out.println("K " + kv + " " + group + " " + topic + " " + part);
                if (!group.equals(a[1]) || !topic.equals(a[2]) || part != Integer.parseInt(a[3])) continue;
                String v = "tombstone";
                if (r.value() != null) {
                    ByteBuffer val = r.value().duplicate();
                    short vv = val.getShort(); long off = val.getLong();
                    if (vv >= 3) val.getInt();
                    String meta;
                    if (vv >= 4) { int n = uvarint(val) - 1; byte[] x = new byte[Math.max(n,0)]; val.get(x); meta = new String(x, StandardCharsets.UTF_8); }
                    else meta = str(val);
                    v = "offset=" + off + " meta=" + meta;
                }
                System.out.printf("%s %s%n", LocalTime.ofInstant(Instant.ofEpochMilli(r.timestamp()), ZoneOffset.UTC), v);
              } catch (RuntimeException e) { if (a.length > 4) System.out.println("ERR " + e); }
            }
        }
    }
}
