#!/usr/bin/env bash
# Packs what the GPU probe needs into .gpu/ (git-ignored, < 64 MiB): a jlink'd Java 17 runtime,
# the model module and its jars WITHOUT the CPU native library, and run.sh, which makes DJL use
# the accelerator machine's own libtorch (Maven serves no CUDA build of pytorch-native).
# See docs/gpu.md for what happened when it was run.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/.gpu"
rm -rf "$OUT" && mkdir -p "$OUT/lib"
grep -qx "/.gpu/" "$ROOT/.git/info/exclude" || echo "/.gpu/" >> "$ROOT/.git/info/exclude"
jlink --add-modules java.base,java.logging,java.management,java.naming,java.xml,jdk.unsupported,java.sql \
  --compress=2 --strip-debug --no-header-files --no-man-pages --output "$OUT/jre"
(cd "$ROOT" && mvn -q -B -o -pl model install -DskipTests \
  && mvn -q -B -o -pl model dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=runtime)
tr ':' '\n' < "$OUT/cp.txt" | grep -v -E "pytorch-native|assertj|byte-buddy|junit|opentest4j|apiguardian|jcodec" \
  | xargs -I{} cp {} "$OUT/lib/"
cp "$ROOT/model/target/codi-model-0.1.0-SNAPSHOT.jar" "$OUT/lib/"
cat > "$OUT/run.sh" <<'RUN'
#!/usr/bin/env bash
cd "$(dirname "$0")"
TORCH_LIB=$(python3 -c "import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))")
export OPT_OUT_TRACKING=true DJL_CACHE_DIR=/tmp/djl PYTORCH_LIBRARY_PATH=$TORCH_LIB PYTORCH_FLAVOR=cu128 PYTORCH_VERSION=2.7.1
export LD_LIBRARY_PATH=$TORCH_LIB:${LD_LIBRARY_PATH:-}
./jre/bin/java -Dai.djl.offline=true -cp "lib/*" dev.codi.model.cli.BenchmarkSampling --steps 50 --batch 1,8 --repeats 3
RUN
chmod +x "$OUT/run.sh"
du -sh "$OUT"
