#!/usr/bin/env bash
# An S3-compatible object store (S3Proxy over a local directory) as its own process.
# Any S3 server works instead (MinIO in production): only CODI_S3_* change.
set -euo pipefail
source "$(dirname "$0")/env.sh"
CP="$(bash "$DEPLOY_DIR/infra-classpath.sh")"
mkdir -p "$RUN_DIR/s3-data"
cat > "$RUN_DIR/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$CODI_S3_ACCESS_KEY
s3proxy.credential=$CODI_S3_SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$RUN_DIR/s3-data
PROPS
nohup java -Xmx256m -cp "$CP" org.gaul.s3proxy.Main --properties "$RUN_DIR/s3proxy.properties" > "$RUN_DIR/s3.log" 2>&1 &
echo $! > "$RUN_DIR/s3.pid"
for _ in $(seq 1 60); do
  if (exec 3<>/dev/tcp/127.0.0.1/$S3_PORT) 2>/dev/null; then echo "object store ready on $CODI_S3_ENDPOINT"; exit 0; fi
  sleep 0.5
done
echo "object store did not open port $S3_PORT; see $RUN_DIR/s3.log" >&2; exit 1
