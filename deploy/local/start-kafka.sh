#!/usr/bin/env bash
# Kafka in KRaft mode from Apache Kafka's jars: KAFKA_BROKERS (1 or 3) processes, each a broker
# and a controller of the same quorum. With 3, internal topics keep 3 copies, 2 in sync.
set -euo pipefail
source "$(dirname "$0")/env.sh"
CP="$(bash "$DEPLOY_DIR/infra-classpath.sh")"
mkdir -p "$RUN_DIR"
echo "$KAFKA_BROKERS" > "$RUN_DIR/kafka-brokers"
if [ "$KAFKA_BROKERS" -ge 3 ]; then replicas=3; min_isr=2; else replicas=1; min_isr=1; fi
voters=""
for n in $(seq 1 "$KAFKA_BROKERS"); do voters="${voters:+$voters,}$n@127.0.0.1:$((KAFKA_CONTROLLER_PORT + 10 * (n - 1)))"; done
CLUSTER_ID_FILE="$RUN_DIR/kafka-cluster-id"
[ -s "$CLUSTER_ID_FILE" ] || java -cp "$CP" kafka.tools.StorageTool random-uuid > "$CLUSTER_ID_FILE"
for n in $(seq 1 "$KAFKA_BROKERS"); do
  name=kafka; [ "$KAFKA_BROKERS" -gt 1 ] && name="kafka-$n"
  port=$((KAFKA_PORT + 10 * (n - 1))); controller_port=$((KAFKA_CONTROLLER_PORT + 10 * (n - 1)))
  DATA="$RUN_DIR/$name-data"
  mkdir -p "$DATA"
  cat > "$RUN_DIR/$name.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
offsets.topic.replication.factor=$replicas
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$min_isr
share.coordinator.state.topic.replication.factor=$replicas
share.coordinator.state.topic.min.isr=$min_isr
group.initial.rebalance.delay.ms=0
group.share.heartbeat.interval.ms=500
group.share.min.heartbeat.interval.ms=500
message.max.bytes=8388608
log.cleaner.dedupe.buffer.size=2097152
PROPS
  if [ ! -f "$DATA/meta.properties" ]; then
    java -cp "$CP" kafka.tools.StorageTool format -t "$(cat "$CLUSTER_ID_FILE")" -c "$RUN_DIR/$name.properties" >/dev/null
  fi
  nohup java -Xmx512m -cp "$CP" kafka.Kafka "$RUN_DIR/$name.properties" > "$RUN_DIR/$name.log" 2>&1 &
  echo $! > "$RUN_DIR/$name.pid"
done
for n in $(seq 1 "$KAFKA_BROKERS"); do
  port=$((KAFKA_PORT + 10 * (n - 1)))
  for _ in $(seq 1 120); do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then continue 2; fi
    sleep 0.5
  done
  echo "kafka broker $n did not open port $port; see $RUN_DIR/kafka*.log" >&2; exit 1
done
echo "kafka ready on $CODI_KAFKA_BOOTSTRAP ($KAFKA_BROKERS broker(s), topics: replication factor ${CODI_TOPIC_REPLICATION_FACTOR:-1}, min.insync.replicas ${CODI_TOPIC_MIN_INSYNC_REPLICAS:-1})"
