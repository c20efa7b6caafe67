#!/usr/bin/env bash
# Builds DJL's PyTorch JNI (libdjl_torch.so) against this machine's PyTorch, the way DJL's own
# engines/pytorch/pytorch-native/build.sh does it (CMake, PT_VERSION / USE_CUDA definitions), without downloading
# a libtorch: CMake finds Torch through `python3 -c 'import torch;print(torch.utils.cmake_prefix_path)'`.
#
#   environment/gpu/build-jni.sh SRC OUT
#     SRC  the bundle's djl-jni folder (patched for bfloat16, JNI header generated: environment/gpu/bundle)
#     OUT  where build/ and libdjl_torch.so go
#   JAVA_HOME    a runtime with include/jni.h (the bundle's runtime has the JDK's headers)
#   PYTHON       the Python whose torch to build against (default python3)
#   TORCH_CMAKE_PREFIX  overrides the CMake prefix (e.g. a libtorch unpacked elsewhere)
# Prints the torch it found and the library it wrote; any failure stops it with CMake's own output.
set -euo pipefail
src="$(cd "${1:?usage: build-jni.sh SRC OUT}" && pwd)"
out="$(mkdir -p "${2:?usage: build-jni.sh SRC OUT}" && cd "$2" && pwd)"
python="${PYTHON:-python3}"
native="$src/engines/pytorch/pytorch-native"
[ -f "$native/CMakeLists.txt" ] || { echo "build-jni: no CMakeLists.txt under $native" >&2; exit 1; }
[ -f "$native/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ] \
  || { echo "build-jni: the JNI header is missing (environment/gpu/bundle generates it)" >&2; exit 1; }
[ -f "${JAVA_HOME:?set JAVA_HOME to a runtime with include/jni.h}/include/jni.h" ] \
  || { echo "build-jni: no $JAVA_HOME/include/jni.h" >&2; exit 1; }

read -r version cuda prefix < <("$python" -c 'import torch
print(torch.__version__.split("+")[0], torch.version.cuda or "-", torch.utils.cmake_prefix_path)')
prefix="${TORCH_CMAKE_PREFIX:-$prefix}"
defs=()
case "$version" in 1.13.* | 2.0.* | 2.1.*) defs+=(-DPT_VERSION=V1_13_X) ;; esac   # as DJL's build.sh
if [ "$cuda" != "-" ]; then
  defs+=(-DUSE_CUDA=1)
  # Torch's CMake package asks for the GPU architectures; build for the one here (9.0 on an H100 / H200)
  arch=$("$python" -c 'import torch;print("%d.%d" % torch.cuda.get_device_capability())' 2>/dev/null || true)
  export TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-${arch:-9.0}}"
fi
echo "build-jni: torch $version (CUDA $cuda), CMake prefix $prefix, ${defs[*]:-no extra definitions}"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$native" -B "$out/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DJAVA_HOME="$JAVA_HOME" "${defs[@]}"
cmake --build "$out/build" --config Release -j "$(nproc)"
cp "$out/build/libdjl_torch.so" "$out/libdjl_torch.so"
echo "build-jni: wrote $out/libdjl_torch.so"
