#!/usr/bin/env bash
# Runs `train` (dev.codi.training.Train) from a frozen copy of its classpath, so a long run is not
# disturbed by rebuilds of the checkout. Examples:
#   training/train.sh all                      # every stage, resumes from .cache/training, then models/codi-tiny
#   training/train.sh stage image-denoiser
#   training/train.sh export --out /tmp/codi-preview && evaluation/evaluate.sh --bundle /tmp/codi-preview --samples 16
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export OPT_OUT_TRACKING=true
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$ROOT/.cache/djl}"
SNAPSHOT="$ROOT/.cache/training/classpath-$$"
if [ ! -f "$ROOT/training/target/classes/dev/codi/training/Train.class" ]; then
  (cd "$ROOT" && mvn -q -B -o -pl training -am install -DskipTests) >&2
fi
(cd "$ROOT/training" && mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$ROOT/training/target/classpath.txt") >&2
trap 'rm -rf "$SNAPSHOT"' EXIT
mkdir -p "$SNAPSHOT/lib"
cp -r "$ROOT/training/target/classes" "$SNAPSHOT/classes"
CP="$SNAPSHOT/classes"
IFS=: read -ra JARS < "$ROOT/training/target/classpath.txt" || true
for jar in "${JARS[@]}"; do
  case "$jar" in
    */dev/codi/*) cp "$jar" "$SNAPSHOT/lib/" && CP="$CP:$SNAPSHOT/lib/$(basename "$jar")" ;;
    *) CP="$CP:$jar" ;;
  esac
done
java ${TRAIN_JAVA_OPTS:--Xmx4g} -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${TORCH_THREADS:-1}" \
  -Dai.djl.pytorch.num_interop_threads=1 -Dcodi.home="$ROOT" -cp "$CP" dev.codi.training.Train "$@"
