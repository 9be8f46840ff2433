#!/usr/bin/env bash
# Builds libdjl_torch.so from codi_djl_torch.cc against a libtorch already on the machine.
#
#   deploy/gpu/djl-jni/build.sh OUTPUT_DIR [TORCH_INCLUDE_DIRS TORCH_LIB_DIR]
#
# Without the last two it asks python3's torch (the GPU machine's PyTorch) where its headers and
# libraries are. JAVA_INCLUDE names the folder holding jni.h and linux/jni_md.h (default: the JDK
# that `javac` belongs to). The library links libtorch_cuda when there is one, so that libtorch's
# CUDA hooks are registered before DJL asks whether CUDA is there. CXX names the compiler (g++).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUTPUT_DIR="${1:?usage: build.sh OUTPUT_DIR [TORCH_INCLUDE_DIRS TORCH_LIB_DIR]}"
if [ $# -ge 3 ]; then
  TORCH_INCLUDES="$2"
  TORCH_LIB="$3"
else
  TORCH_INCLUDES=$(python3 -c "from torch.utils.cpp_extension import include_paths; print(':'.join(include_paths()))")
  TORCH_LIB=$(python3 -c "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))")
fi
CXX11_ABI=$(python3 -c "import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))" 2>/dev/null || echo 1)
JAVA_INCLUDE="${JAVA_INCLUDE:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")/include}"

INCLUDE_FLAGS=(-I"$JAVA_INCLUDE" -I"$JAVA_INCLUDE/linux")
IFS=':' read -r -a include_dirs <<< "$TORCH_INCLUDES"
for dir in "${include_dirs[@]}"; do INCLUDE_FLAGS+=(-I"$dir"); done
CUDA_LIBS=()
if [ -e "$TORCH_LIB/libtorch_cuda.so" ]; then CUDA_LIBS=(-ltorch_cuda -lc10_cuda); fi

mkdir -p "$OUTPUT_DIR"
"${CXX:-g++}" -std=c++17 -O2 -fPIC -shared -D_GLIBCXX_USE_CXX11_ABI="$CXX11_ABI" "${INCLUDE_FLAGS[@]}" \
  "$HERE/codi_djl_torch.cc" -o "$OUTPUT_DIR/libdjl_torch.so" \
  -L"$TORCH_LIB" -Wl,--no-as-needed -ltorch "${CUDA_LIBS[@]}" -ltorch_cpu -lc10 -Wl,--as-needed \
  -Wl,-rpath,"$TORCH_LIB"
echo "built $OUTPUT_DIR/libdjl_torch.so against $TORCH_LIB (C++11 ABI $CXX11_ABI)"
