#!/usr/bin/env bash
# The quality report of a model bundle (dev.codi.evaluation.Evaluate). Examples:
#   evaluation/evaluate.sh                                        # models/codi-tiny, everything, 200 per cell → docs/quality.md
#   evaluation/evaluate.sh --samples 8 --steps 10 --sections directions,coherence --out /tmp/q.md --pictures /tmp/img
#   evaluation/evaluate.sh --bundle .cache/models/codi-tiny-random-20231120 --samples 8 --steps 10 \
#       --out docs/quality-random-bundle.md --pictures docs/img/random-bundle
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export OPT_OUT_TRACKING=true
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$ROOT/.cache/djl}"
if [ ! -f "$ROOT/evaluation/target/classes/dev/codi/evaluation/Evaluate.class" ]; then
  (cd "$ROOT" && mvn -q -B -o -pl evaluation -am install -DskipTests) >&2
fi
if [ ! -f "$ROOT/evaluation/target/classpath.txt" ] || [ "$ROOT/evaluation/pom.xml" -nt "$ROOT/evaluation/target/classpath.txt" ]; then
  (cd "$ROOT/evaluation" && mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$ROOT/evaluation/target/classpath.txt") >&2
fi
cd "$ROOT"
exec java ${EVALUATE_JAVA_OPTS:--Xmx3g} -Djava.awt.headless=true -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads="${TORCH_THREADS:-1}" -Dai.djl.pytorch.num_interop_threads=1 -Dcodi.home="$ROOT" \
  -cp "$ROOT/evaluation/target/classes:$(cat "$ROOT/evaluation/target/classpath.txt")" dev.codi.evaluation.Evaluate "$@"
