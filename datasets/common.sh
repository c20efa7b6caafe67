# Shared by datasets/build and datasets/bench-tokenizer: JDK choice and the library classpath. Source it.
# It stands on environment/lib.sh (JDK finder, library build, classpath) rather than repeating it.
# shellcheck shell=bash

DATASETS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../environment/lib.sh
source "$DATASETS_DIR/../environment/lib.sh"
PROJECT_ROOT="$CBTM_HOME"
DATA_DIR="${CBTM_DATA_DIR:-$DATASETS_DIR/cache}"

say() { printf '[datasets] %s\n' "$*" >&2; }
die() { printf '[datasets] error: %s\n' "$*" >&2; exit 1; }

# JAVA_HOME := a JDK >= 21 (cbtm_java_home fails with what it saw and what to do).
datasets_use_jdk() {
  cbtm_use_jdk
}

# Builds kernel-lib when its jar is missing or older than its sources; prints the java classpath.
datasets_classpath() {
  local target="$PROJECT_ROOT/kernel-lib/target" jar
  jar=$(ls "$target"/kernel-lib-*.jar 2>/dev/null | head -n1)
  if [ -z "$jar" ] || [ ! -d "$target/kernel-classpath" ] \
     || [ -n "$(find "$PROJECT_ROOT/kernel-lib/src/main" -newer "$jar" -type f -print -quit)" ]; then
    cbtm_build_library >&2
  fi
  cbtm_library_classpath | tr ';' ':'
}
