#!/usr/bin/env bash
# Starts N instances of one stage as separate JVMs: ./start-stage.sh diffusion-service 3
# Instances of a stage share its group: Kafka splits the partitions among them (CODI_WORK_DELIVERY=share: hands each of them jobs).
set -euo pipefail
source "$(dirname "$0")/env.sh"
STAGE="${1:?usage: start-stage.sh gateway|encoder-service|diffusion-service|decoder-service [instances]}"
INSTANCES="${2:-1}"
JAR="$ROOT/$STAGE/target/$STAGE.jar"
[ -f "$JAR" ] || { echo "no $JAR: run 'mvn -B package -DskipTests' first" >&2; exit 1; }
mkdir -p "$RUN_DIR"
for i in $(seq 1 "$INSTANCES"); do
  NAME="$STAGE-$i"
  nohup java -Xmx1g -XX:+ExitOnOutOfMemoryError -jar "$JAR" > "$RUN_DIR/$NAME.log" 2>&1 &
  echo $! > "$RUN_DIR/$NAME.pid"
  echo "started $NAME (pid $!, log $RUN_DIR/$NAME.log)"
done
