#!/usr/bin/env bash
# Everything as separate processes on one machine: Kafka, the object store, the gateway,
# and DIFFUSION_INSTANCES (default 2) diffusion-service JVMs. --brokers 3: three Kafka processes
# (KRaft broker + controller each), codi's topics with replication factor 3 and min.insync.replicas 2.
set -euo pipefail
cd "$(dirname "$0")"
while [ $# -gt 0 ]; do
  case "$1" in
    --brokers) export KAFKA_BROKERS="$2"; shift 2 ;;
    *) echo "usage: up.sh [--brokers 1|3]" >&2; exit 2 ;;
  esac
done
case "${KAFKA_BROKERS:-1}" in 1|3) ;; *) echo "--brokers must be 1 or 3, got $KAFKA_BROKERS" >&2; exit 2 ;; esac
source ./env.sh
if [ ! -f "$CODI_MODEL_DIR/manifest.json" ]; then
  echo "no model bundle at $CODI_MODEL_DIR; set CODI_MODEL_DIR (./codi serve prints the one it uses)" >&2; exit 1
fi
./start-kafka.sh
./start-s3.sh
./start-stage.sh gateway 1
./start-stage.sh encoder-service 1
./start-stage.sh diffusion-service "${DIFFUSION_INSTANCES:-2}"
./start-stage.sh decoder-service 1
echo "gateway: http://127.0.0.1:$CODI_HTTP_PORT  (stop everything with ./down.sh)"
if [ -s "$RUN_DIR/api-key" ]; then echo "API key: in $RUN_DIR/api-key (send it as Authorization: Bearer <key>)"; fi
