#!/usr/bin/env bash
# A single-node Kafka (KRaft, broker + controller) as its own process, from Apache Kafka's jars.
set -euo pipefail
source "$(dirname "$0")/env.sh"
CP="$(bash "$DEPLOY_DIR/infra-classpath.sh")"
DATA="$RUN_DIR/kafka-data"
mkdir -p "$RUN_DIR" "$DATA"
cat > "$RUN_DIR/kafka.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=8388608
log.cleaner.dedupe.buffer.size=2097152
PROPS
if [ ! -f "$DATA/meta.properties" ]; then
  CLUSTER_ID="$(java -cp "$CP" kafka.tools.StorageTool random-uuid)"
  java -cp "$CP" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$RUN_DIR/kafka.properties" >/dev/null
fi
nohup java -Xmx512m -cp "$CP" kafka.Kafka "$RUN_DIR/kafka.properties" > "$RUN_DIR/kafka.log" 2>&1 &
echo $! > "$RUN_DIR/kafka.pid"
for _ in $(seq 1 60); do
  if (exec 3<>/dev/tcp/127.0.0.1/$KAFKA_PORT) 2>/dev/null; then echo "kafka ready on $CODI_KAFKA_BOOTSTRAP"; exit 0; fi
  sleep 0.5
done
echo "kafka did not open port $KAFKA_PORT; see $RUN_DIR/kafka.log" >&2; exit 1
