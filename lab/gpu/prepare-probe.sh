#!/usr/bin/env bash
# Packs what the GPU check needs into .gpu/ (git-ignored; xz-packed, because the working tree
# travels to the GPU machine within 64 MiB): a jlink'd Java 17 runtime,
# jni.h, the model module and its jars WITHOUT DJL's CPU native library, and run.sh. On the GPU
# machine run.sh builds deploy/gpu/djl-jni against that machine's own libtorch (Maven serves no
# CUDA build of pytorch-native, and DJL's JNI does not link against another libtorch), points DJL
# at it and runs the lab's device-check on the committed bundle. See docs/gpu.md and
# lab/notebook/gpu-device-check.md.
#
#   lab/gpu/prepare-probe.sh               # here
#   .gpu/run.sh OUT_DIR                    # on the GPU machine, from the repository root
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
mkdir -p "$OUT/lib" "$OUT/include"
grep -qx "/.gpu/" "$ROOT/.git/info/exclude" || echo "/.gpu/" >> "$ROOT/.git/info/exclude"
jlink --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.xml,jdk.unsupported,java.sql \
  --compress=2 --strip-debug --no-header-files --no-man-pages --output "$OUT/jre"
find "$OUT/jre" -name "*.so" -exec strip --strip-unneeded {} +   # the working tree travels within 64 MiB
cp -r "$JAVA_HOME/include/." "$OUT/include/"
(cd "$ROOT" && mvn -q -B -o -pl lab -am install -DskipTests \
  && mvn -q -B -o -pl lab dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=runtime)
tr ':' '\n' < "$OUT/cp.txt" | grep -v -E "pytorch-native|assertj|byte-buddy|junit|opentest4j|apiguardian" \
  | xargs -I{} cp {} "$OUT/lib/"
cp "$ROOT/lab/target/codi-lab-0.1.0-SNAPSHOT.jar" "$OUT/lib/"
# DJL's own JNI binaries would not link there; keep only the jar's version properties.
for jar in "$OUT"/lib/pytorch-jni-*.jar; do
  python3 -c "import sys, zipfile
source = zipfile.ZipFile(sys.argv[1]); target = zipfile.ZipFile(sys.argv[1] + '.kept', 'w', zipfile.ZIP_DEFLATED)
for item in source.infolist():
    if not item.filename.endswith(('.so', '.dll', '.dylib')):
        target.writestr(item, source.read(item.filename))
target.close()" "$jar" && mv "$jar.kept" "$jar"
done
rm -rf "$ROOT/.gpu" && mkdir -p "$ROOT/.gpu"
(cd "$OUT" && tar -cf - jre lib include | xz -T0 -6 > "$ROOT/.gpu/bundle.tar.xz")
cat > "$ROOT/.gpu/run.sh" <<'RUN'
#!/usr/bin/env bash
# On the GPU machine, from the repository root: .gpu/run.sh OUT_DIR [device-check options]
# OUT_DIR receives device-check-log.txt (everything the check printed) and artifacts.tar (the first
# jobs' PNG, WAV and MP4, decoded on the GPU).
set -uo pipefail
OUT_DIR="${1:-/tmp/gpu-check}"; shift || true
WORK=/tmp/codi-gpu
mkdir -p "$OUT_DIR" "$WORK/artifacts" && tar -xJf .gpu/bundle.tar.xz -C "$WORK"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch; print('python torch', torch.__version__, 'cuda', torch.version.cuda, 'available', torch.cuda.is_available())"
CXX=$(command -v g++ || command -v c++ || command -v clang++ || true)
echo "C++ compiler: ${CXX:-none}"
TORCH_LIB=$(python3 -c "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))")
CUDART_DIR=$(python3 - <<'PY'
import glob, os, torch
site = os.path.dirname(os.path.dirname(torch.__file__))
found = sorted(glob.glob(site + '/nvidia/**/libcudart.so*', recursive=True)) + sorted(glob.glob('/usr/local/cuda*/lib64/libcudart.so*'))
print(os.path.dirname(found[0]) if found else '')
PY
)
echo "libcudart in: ${CUDART_DIR:-nowhere}"
start=$(date +%s)
CXX="$CXX" JAVA_INCLUDE="$WORK/include" deploy/gpu/djl-jni/build.sh "$WORK/jni" 2>&1 | tail -40 || exit 1
echo "JNI library built in $(( $(date +%s) - start )) s"
export OPT_OUT_TRACKING=true DJL_CACHE_DIR=/tmp/djl PYTORCH_LIBRARY_PATH=$TORCH_LIB PYTORCH_FLAVOR=cu130
export PYTORCH_VERSION=$(python3 -c "import torch; print(torch.__version__.split('+')[0])")
# DJL takes libdjl_torch.so from beside libtorch, else from its cache folder for this version and flavor.
cp "$WORK/jni/libdjl_torch.so" "$TORCH_LIB/libdjl_torch.so" 2>/dev/null \
  || { mkdir -p "$DJL_CACHE_DIR/pytorch/$PYTORCH_VERSION-cu130-linux-x86_64" \
       && cp "$WORK/jni/libdjl_torch.so" "$DJL_CACHE_DIR/pytorch/$PYTORCH_VERSION-cu130-linux-x86_64/0.36.0-libdjl_torch.so"; }
export LD_LIBRARY_PATH=$TORCH_LIB:$CUDART_DIR:${LD_LIBRARY_PATH:-}
"$WORK/jre/bin/java" -Dai.djl.offline=true -Djna.library.path="$CUDART_DIR" -cp "$WORK/lib/*" \
  dev.codi.lab.Lab device-check --bundle models/codi-tiny --gpu --artifacts "$WORK/artifacts" "$@" 2>&1 \
  | tee "$OUT_DIR/device-check-log.txt" | grep -v -E "NNPACK| DEBUG |^\s+at "
tar -cf "$OUT_DIR/artifacts.tar" -C "$WORK/artifacts" .
RUN
chmod +x "$ROOT/.gpu/run.sh"
du -sh "$ROOT/.gpu"
