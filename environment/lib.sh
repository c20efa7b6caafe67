# Shared functions of the environment scripts. Source it; it defines functions and CBTM_HOME only.
# shellcheck shell=bash

CBTM_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CBTM_HOME
CBTM_BUILD="$CBTM_HOME/build"
CBTM_MIN_JAVA=21
CBTM_KERNEL_NAME="java-cbtm"
CBTM_PLOTLY_VERSION="2.35.3"
# Debian's python, with nbclient/nbconvert: the python3 first on PATH may be another one without them.
CBTM_PYTHON="${CBTM_PYTHON:-/usr/bin/python3}"

# The native settings of every process that runs libtorch (ours and the PyTorch peers of the benchmarks alike):
# idle OpenMP threads sleep instead of spinning, and malloc backs large blocks with transparent huge pages (a
# fresh 392 MB logits tensor page-faulted for 1.5 s here with 4 KiB pages; see TorchRuntime). Each unless set.
# On AMD CPUs it also preloads libcbtm_mkl_dispatch.so (cbtm_mkl_dispatch), so that the oneMKL inside DJL's libtorch
# runs its AVX-512 / AVX2 kernels instead of its generic path (2-2.5x faster matrix products here).
cbtm_native_env() {
  export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
  case "${GLIBC_TUNABLES:-}" in
    *glibc.malloc.hugetlb*) ;;
    "") export GLIBC_TUNABLES="glibc.malloc.hugetlb=1" ;;
    *) export GLIBC_TUNABLES="$GLIBC_TUNABLES:glibc.malloc.hugetlb=1" ;;
  esac
  local lib
  lib=$(cbtm_mkl_dispatch) || return 0
  [ -n "$lib" ] || return 0
  export CBTM_MKL_DISPATCH_LIB="$lib"
  case ":${LD_PRELOAD:-}:" in
    *":$lib:"*) ;;
    "::") export LD_PRELOAD="$lib" ;;
    *) export LD_PRELOAD="$LD_PRELOAD:$lib" ;;
  esac
}

# Prints the path of build/native/libcbtm_mkl_dispatch.so, building it from environment/native/mkl_dispatch.c when
# missing or older than its source; prints nothing on a CPU that is not AMD's (oneMKL already dispatches by features
# on Intel's) or when CBTM_MKL_DISPATCH is off/0. Installs gcc when it is missing (as root) or says how.
cbtm_mkl_dispatch() {
  case "${CBTM_MKL_DISPATCH:-on}" in off|0|no|false) return 0 ;; esac
  grep -q -m1 '^vendor_id[[:space:]]*: AuthenticAMD' /proc/cpuinfo 2>/dev/null || return 0
  local src="$CBTM_HOME/environment/native/mkl_dispatch.c" out="$CBTM_BUILD/native/libcbtm_mkl_dispatch.so"
  if [ ! -s "$out" ] || [ "$src" -nt "$out" ]; then
    command -v gcc >/dev/null || cbtm_ensure_debs gcc libc6-dev >&2
    mkdir -p "$(dirname "$out")"
    # a partial file of this process's own, so that two scripts starting at once never clash
    gcc -shared -fPIC -O2 -o "$out.$$.partial" "$src" >&2 \
      || { rm -f "$out.$$.partial"; cbtm_say "could not build $out (gcc failed): oneMKL keeps its generic path"; return 0; }
    mv "$out.$$.partial" "$out"
  fi
  printf '%s\n' "$out"
}

cbtm_say() { printf '[cbtm] %s\n' "$*" >&2; }
cbtm_die() { printf '[cbtm] error: %s\n' "$*" >&2; exit 1; }

# The feature version of the JDK in folder $1 (17, 21, 25...), or nothing when it is not a JDK.
cbtm_jdk_version() {
  local home="$1" line v
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  if [ -f "$home/release" ]; then
    line=$(grep -E '^JAVA_VERSION=' "$home/release" | head -n1)
    v=${line#JAVA_VERSION=}; v=${v//\"/}
  else
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
  fi
  v=${v#1.}           # 1.8 -> 8
  v=${v%%[.+-]*}      # 21.0.2 -> 21
  [[ "$v" =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$v"
}

# Prints the home of a JDK >= 21: $JAVA_HOME when it qualifies, else the newest one under
# ${CBTM_JVM_DIR:-/usr/lib/jvm}. Fails with the list of what it saw when there is none.
cbtm_java_home() {
  local dir="${CBTM_JVM_DIR:-/usr/lib/jvm}" best="" best_v=0 seen="" v cand
  if [ -n "${JAVA_HOME:-}" ]; then
    if v=$(cbtm_jdk_version "$JAVA_HOME") && [ "$v" -ge "$CBTM_MIN_JAVA" ]; then
      printf '%s\n' "$JAVA_HOME"; return 0
    fi
    seen="JAVA_HOME=$JAVA_HOME (${v:-not a JDK})"
  fi
  for cand in "$dir"/*/; do
    [ -d "$cand" ] || continue
    cand=${cand%/}
    [ -L "$cand" ] && continue      # Debian's aliases point at the same JDKs
    if v=$(cbtm_jdk_version "$cand"); then
      seen="$seen${seen:+, }$cand ($v)"
      if [ "$v" -ge "$CBTM_MIN_JAVA" ] && [ "$v" -gt "$best_v" ]; then best="$cand"; best_v=$v; fi
    fi
  done
  if [ -z "$best" ]; then
    printf '[cbtm] error: no JDK >= %s found. Looked at: %s.\n' "$CBTM_MIN_JAVA" "${seen:-nothing under $dir}" >&2
    printf '[cbtm] Install one (e.g. apt-get install openjdk-21-jdk-headless, or Temurin 21+) and/or set JAVA_HOME to it.\n' >&2
    return 1
  fi
  printf '%s\n' "$best"
}

# Installs missing Debian packages: with apt-get when root, otherwise prints the exact command and fails.
cbtm_ensure_debs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    cbtm_say "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || cbtm_die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
      || cbtm_die "apt-get install ${missing[*]} failed"
  else
    cbtm_die "missing Debian packages. Run: sudo apt-get install -y ${missing[*]}   (then run this command again)"
  fi
}

# Debian packages the notebooks need: Jupyter, the headless runner, Chromium for PNG figures.
cbtm_ensure_system() {
  cbtm_ensure_debs jupyter-notebook python3-nbclient python3-nbconvert chromium maven
}

# Selects the JDK and exports JAVA_HOME for Maven and the kernel.
cbtm_use_jdk() {
  JAVA_HOME=$(cbtm_java_home) || exit 1
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
}

cbtm_mvn() {
  local profile=()
  [ "${CBTM_CUDA:-0}" = "1" ] && profile=(-Pcuda)
  (cd "$CBTM_HOME" && mvn -B -q "${profile[@]}" "$@")
}

# plotly.js 2.35.x from the npm registry (never a CDN), once, into build/plotly/.
cbtm_fetch_plotly() {
  local dest="$CBTM_BUILD/plotly/plotly.min.js" tmp
  [ -s "$dest" ] && return 0
  command -v npm >/dev/null || cbtm_die "npm is needed to fetch plotly.js from the npm registry (apt-get install npm)"
  cbtm_say "fetching plotly.js-dist-min@$CBTM_PLOTLY_VERSION from the npm registry"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "plotly.js-dist-min@$CBTM_PLOTLY_VERSION" >/dev/null) \
    || { rm -rf "$tmp"; cbtm_die "npm pack plotly.js-dist-min@$CBTM_PLOTLY_VERSION failed"; }
  tar -xzf "$tmp"/plotly.js-dist-min-*.tgz -C "$tmp" package/plotly.min.js
  mkdir -p "$(dirname "$dest")"
  mv "$tmp/package/plotly.min.js" "$dest.partial" && mv "$dest.partial" "$dest"
  rm -rf "$tmp"
}

# Builds the library and its kernel classpath folder, and the modules beside it (kernel-bench, scale-spark,
# scale-slurm; tests skipped: environment/test runs them).
cbtm_build_library() {
  cbtm_say "building kernel-lib, kernel-bench, scale-spark and scale-slurm with $JAVA_HOME"
  cbtm_mvn -DskipTests package || cbtm_die "the library build failed (run: mvn -B package in $CBTM_HOME)"
}

# The classpath of the kernel: the library jar and every runtime dependency (never the benchmarks' jar).
cbtm_library_classpath() {
  local lib="$CBTM_HOME/kernel-lib/target"
  printf '%s\n' "$(ls "$lib"/kernel-lib-*.jar | grep -v -- '-sources' | head -n1);$lib/kernel-classpath/*"
}

# The java classpath (':'-separated, for java -cp) of a module that runs beside kernel-lib (kernel-bench,
# scale-slurm): the kernel's classpath plus the module's jar. Builds first when a jar is missing or older than a
# source or a pom.
cbtm_module_classpath() {
  local module="$1"
  local lib="$CBTM_HOME/kernel-lib/target" mod="$CBTM_HOME/$module/target" libjar modjar
  libjar=$(ls "$lib"/kernel-lib-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -n1 || true)
  modjar=$(ls "$mod"/"$module"-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -n1 || true)
  local stale=0
  # each jar against its own module's sources (Maven leaves an unchanged module's jar as it was)
  if [ -z "$libjar" ] || [ -z "$modjar" ] || [ ! -d "$lib/kernel-classpath" ] \
     || [ -n "$(cd "$CBTM_HOME" && find kernel-lib/src/main kernel-lib/pom.xml pom.xml -newer "$libjar" -type f -print -quit 2>/dev/null)" ] \
     || [ -n "$(cd "$CBTM_HOME" && find "$module/src/main" "$module/pom.xml" -newer "$modjar" -type f -print -quit 2>/dev/null)" ]; then
    stale=1
  fi
  if [ "$stale" = 1 ]; then
    cbtm_build_library >&2
    libjar=$(ls "$lib"/kernel-lib-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -n1 || true)
    modjar=$(ls "$mod"/"$module"-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -n1 || true)
    [ -n "$libjar" ] && [ -n "$modjar" ] || cbtm_die "no kernel-lib or $module jar after the build"
    touch "$libjar" "$modjar"   # built from the current sources, even where Maven kept an unchanged jar
  fi
  printf '%s\n' "$(cbtm_library_classpath | tr ';' ':'):$modjar"
}

# The benchmarks' java classpath: the kernel's classpath plus the kernel-bench jar (org.cbtm.bench.*).
cbtm_bench_classpath() {
  cbtm_module_classpath kernel-bench
}

# Writes the kernelspec into build/jupyter/kernels/ (never over the user's own kernels).
cbtm_install_kernelspec() {
  "$JAVA_HOME/bin/java" -cp "$(cbtm_library_classpath | tr ';' ':')" org.cbtm.notebook.KernelSpec \
    --out "$CBTM_BUILD/jupyter/kernels/$CBTM_KERNEL_NAME" \
    --java "$JAVA_HOME/bin/java" \
    --classpath "$(cbtm_library_classpath)" \
    --project "$CBTM_HOME" \
    --plotly "$CBTM_BUILD/plotly/plotly.min.js" || cbtm_die "writing the kernelspec failed"
  export JUPYTER_PATH="$CBTM_BUILD/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
}

# The corpora the notebooks read: datasets/build does nothing when they are complete.
cbtm_ensure_corpus() {
  "$CBTM_HOME/datasets/build" || cbtm_die "building the corpora failed (see above; rerun datasets/build)"
}

# Everything a notebook run needs, in order.
cbtm_setup() {
  cbtm_ensure_system
  cbtm_use_jdk
  cbtm_native_env
  cbtm_fetch_plotly
  cbtm_build_library
  cbtm_install_kernelspec
  cbtm_ensure_corpus
}

# Debian's CPU PyTorch (1.13), the peer of the training and MoE benchmarks only, with OpenBLAS: without it (apt's
# --no-install-recommends) PyTorch falls back to the reference BLAS, about 4 GFLOP/s on one thread whatever the thread
# count, and the peer would be 10x slower than it is.
cbtm_ensure_torch() {
  cbtm_ensure_debs libopenblas0-pthread
  "$CBTM_PYTHON" -c 'import torch' 2>/dev/null && return 0
  cbtm_ensure_debs python3-torch
  "$CBTM_PYTHON" -c 'import torch' 2>/dev/null \
    || cbtm_die "python3-torch is installed but '$CBTM_PYTHON -c \"import torch\"' fails"
}

# Debian's Slurm and MUNGE, for environment/tests/test_slurm.py's one-node cluster (environment/slurm/* need only
# Slurm's client commands on a real cluster).
cbtm_ensure_slurm() {
  cbtm_ensure_debs slurm-wlm munge
}
