# Shared settings of a multi-process codi on one machine. Source it; override any variable
# before sourcing. Every service reads only these CODI_* variables.
DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$DEPLOY_DIR/../.." && pwd)"
RUN_DIR="${RUN_DIR:-$DEPLOY_DIR/run}"

export KAFKA_PORT="${KAFKA_PORT:-19092}"
export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
export S3_PORT="${S3_PORT:-19000}"
# Kafka brokers (each also a KRaft controller): 1, or 3 with up.sh --brokers 3, remembered in run/.
# Broker n listens on KAFKA_PORT + 10 (n - 1), its controller on KAFKA_CONTROLLER_PORT + 10 (n - 1).
if [ -z "${KAFKA_BROKERS:-}" ] && [ -s "$RUN_DIR/kafka-brokers" ]; then KAFKA_BROKERS="$(cat "$RUN_DIR/kafka-brokers")"; fi
export KAFKA_BROKERS="${KAFKA_BROKERS:-1}"
kafka_bootstrap=""
for n in $(seq 1 "$KAFKA_BROKERS"); do kafka_bootstrap="${kafka_bootstrap:+$kafka_bootstrap,}127.0.0.1:$((KAFKA_PORT + 10 * (n - 1)))"; done

export CODI_KAFKA_BOOTSTRAP="${CODI_KAFKA_BOOTSTRAP:-$kafka_bootstrap}"
if [ "$KAFKA_BROKERS" -ge 3 ]; then
  # One broker may fail without losing an acknowledged record or refusing writes.
  export CODI_TOPIC_REPLICATION_FACTOR="${CODI_TOPIC_REPLICATION_FACTOR:-3}"
  export CODI_TOPIC_MIN_INSYNC_REPLICAS="${CODI_TOPIC_MIN_INSYNC_REPLICAS:-2}"
fi
export CODI_S3_ENDPOINT="${CODI_S3_ENDPOINT:-http://127.0.0.1:$S3_PORT}"
export CODI_S3_ACCESS_KEY="${CODI_S3_ACCESS_KEY:-codi-local}"
export CODI_S3_SECRET_KEY="${CODI_S3_SECRET_KEY:-codi-local-secret}"
export CODI_S3_BUCKET="${CODI_S3_BUCKET:-codi}"
export CODI_HTTP_PORT="${CODI_HTTP_PORT:-8080}"
export CODI_MODEL_DIR="${CODI_MODEL_DIR:-$ROOT/models/codi-tiny}"
export CODI_TOPIC_PARTITIONS="${CODI_TOPIC_PARTITIONS:-8}"

# The gateway's API keys (Authorization: Bearer <key>): one is made on first use and kept in run/.
if [ -z "${CODI_API_KEYS:-}" ] && [ -z "${CODI_API_KEY_SHA256:-}" ]; then
  mkdir -p "$RUN_DIR"
  [ -s "$RUN_DIR/api-key" ] || (umask 077; echo "codi_sk_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" > "$RUN_DIR/api-key")
  export CODI_API_KEYS="$(cat "$RUN_DIR/api-key")"
fi
# The operator key every API key's webhook secret (whsec_...) derives from; made once, kept in run/.
if [ -z "${CODI_WEBHOOK_SIGNING_KEY:-}" ]; then
  mkdir -p "$RUN_DIR"
  [ -s "$RUN_DIR/webhook-signing-key" ] || (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n' > "$RUN_DIR/webhook-signing-key")
  export CODI_WEBHOOK_SIGNING_KEY="$(cat "$RUN_DIR/webhook-signing-key")"
fi

# DJL: offline, no telemetry, natives from the Maven artifact.
export OPT_OUT_TRACKING=true
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$ROOT/.cache/djl}"
case "${JAVA_TOOL_OPTIONS:-}" in
  *ai.djl.offline*) ;;
  *) export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} -Dai.djl.offline=true" ;;
esac
