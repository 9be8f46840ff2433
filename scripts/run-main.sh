#!/usr/bin/env bash
# Runs MAIN_CLASS of Maven module MODULE from its target/classes and dependency classpath, building
# what is missing first (offline), with DJL kept offline and one PyTorch thread (TORCH_THREADS to change).
#   scripts/run-main.sh MODULE MAIN_CLASS [ARGS...]    JVM options: MAIN_JAVA_OPTS (default -Xmx3g)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$1"; MAIN_CLASS="$2"; shift 2
export OPT_OUT_TRACKING=true
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$ROOT/.cache/djl}"
if [ ! -f "$ROOT/$MODULE/target/classes/${MAIN_CLASS//.//}.class" ]; then
  (cd "$ROOT" && mvn -q -B -o -pl "$MODULE" -am install -DskipTests) >&2
fi
if [ ! -f "$ROOT/$MODULE/target/classpath.txt" ] || [ "$ROOT/$MODULE/pom.xml" -nt "$ROOT/$MODULE/target/classpath.txt" ]; then
  (cd "$ROOT/$MODULE" && mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$ROOT/$MODULE/target/classpath.txt") >&2
fi
cd "$ROOT"
exec java ${MAIN_JAVA_OPTS:--Xmx3g} -Djava.awt.headless=true -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads="${TORCH_THREADS:-1}" -Dai.djl.pytorch.num_interop_threads=1 -Dcodi.home="$ROOT" \
  -cp "$ROOT/$MODULE/target/classes:$(cat "$ROOT/$MODULE/target/classpath.txt")" "$MAIN_CLASS" "$@"
