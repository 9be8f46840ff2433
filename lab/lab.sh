#!/usr/bin/env bash
# The lab's tools (dev.codi.lab.Lab), also reached as `./codi lab <tool> ...`. Examples:
#   lab/lab.sh device-check --bundle models/codi-tiny --steps 20 --jobs 4
#   lab/lab.sh probe-environment --reader RIDGE
#   lab/lab.sh bench-training --steps 8
#   lab/lab.sh create-random-bundle --out /tmp/random --seed 1
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export OPT_OUT_TRACKING=true
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$ROOT/.cache/djl}"
if [ ! -f "$ROOT/lab/target/classes/dev/codi/lab/Lab.class" ]; then
  (cd "$ROOT" && mvn -q -B -o -pl lab -am install -DskipTests) >&2
fi
if [ ! -f "$ROOT/lab/target/classpath.txt" ] || [ "$ROOT/lab/pom.xml" -nt "$ROOT/lab/target/classpath.txt" ]; then
  (cd "$ROOT/lab" && mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$ROOT/lab/target/classpath.txt") >&2
fi
cd "$ROOT"
exec java ${LAB_JAVA_OPTS:--Xmx4g} -Djava.awt.headless=true -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads="${TORCH_THREADS:-1}" -Dai.djl.pytorch.num_interop_threads=1 -Dcodi.home="$ROOT" \
  -cp "$ROOT/lab/target/classes:$(cat "$ROOT/lab/target/classpath.txt")" dev.codi.lab.Lab "$@"
