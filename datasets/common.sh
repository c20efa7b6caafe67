# Shared by datasets/build and datasets/bench-tokenizer: JDK choice and the library classpath. Source it.
# shellcheck shell=bash

DATASETS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_ROOT="$(cd "$DATASETS_DIR/.." && pwd)"
DATA_DIR="${CBTM_DATA_DIR:-$DATASETS_DIR/cache}"

say() { printf '[datasets] %s\n' "$*" >&2; }
die() { printf '[datasets] error: %s\n' "$*" >&2; exit 1; }

# JAVA_HOME := a JDK >= 21, via environment/lib.sh when the project has it.
datasets_use_jdk() {
  if [ -f "$PROJECT_ROOT/environment/lib.sh" ]; then
    # shellcheck source=/dev/null
    source "$PROJECT_ROOT/environment/lib.sh"
    JAVA_HOME=$(cbtm_java_home) || exit 1
  else
    local v best="" best_v=0 cand
    jdk_version() { [ -x "$1/bin/javac" ] && sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null; }
    if [ -n "${JAVA_HOME:-}" ] && v=$(jdk_version "$JAVA_HOME") && [ -n "$v" ] && [ "$v" -ge 21 ]; then
      best="$JAVA_HOME"
    else
      for cand in /usr/lib/jvm/*/; do
        cand=${cand%/}
        v=$(jdk_version "$cand") || continue
        [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ] && { best="$cand"; best_v=$v; }
      done
    fi
    [ -n "$best" ] || die "no JDK >= 21 found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm). Install one or set JAVA_HOME."
    JAVA_HOME="$best"
  fi
  export JAVA_HOME
}

# Builds kernel-lib when its jar is missing or older than its sources; prints the java classpath.
datasets_classpath() {
  local target="$PROJECT_ROOT/kernel-lib/target" jar
  jar="$target/kernel-lib-0.1.0-SNAPSHOT.jar"
  if [ ! -f "$jar" ] || [ ! -d "$target/kernel-classpath" ] \
     || [ -n "$(find "$PROJECT_ROOT/kernel-lib/src/main" -newer "$jar" -type f -print -quit)" ]; then
    say "building kernel-lib (mvn -DskipTests package) with $JAVA_HOME"
    (cd "$PROJECT_ROOT" && JAVA_HOME="$JAVA_HOME" mvn -q -B -DskipTests package >&2) \
      || die "the library build failed: run 'mvn -B -DskipTests package' in $PROJECT_ROOT to see why"
  fi
  printf '%s\n' "$jar:$target/kernel-classpath/*"
}
