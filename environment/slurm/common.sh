# Shared functions of environment/slurm/*. Source it after environment/lib.sh.
# shellcheck shell=bash

# Writes the batch script of one kind of task: the JVM with the task's heap, the module classpath and
# SlurmRun's command. The script is kept in the run folder, so what ran is on record.
#   cbtm_write_task_script FILE CLASSPATH HEAP_MB COMMAND RUN_DIR [EXTRA_ARG (unquoted, e.g. "$SLURM_ARRAY_TASK_ID")]
cbtm_write_task_script() {
  local file="$1" cp="$2" heap="$3" command="$4" run_dir="$5" extra="${6:-}" dispatch
  dispatch=$(cbtm_mkl_dispatch)
  {
    printf '#!/bin/bash\n'
    printf '# written by environment/slurm/submit: one C-BTM %s task\n' "$command"
    printf 'export OMP_WAIT_POLICY=PASSIVE GLIBC_TUNABLES=glibc.malloc.hugetlb=1 OPT_OUT_TRACKING=true DJL_OFFLINE=true\n'
    printf 'export CBTM_HOME=%q\n' "$CBTM_HOME"
    # oneMKL's kernels by CPU features on AMD nodes (environment/native/mkl_dispatch.c), when the submit host built it
    if [ -n "$dispatch" ]; then
      printf 'grep -q -m1 AuthenticAMD /proc/cpuinfo && [ -f %q ] && export LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}"%q CBTM_MKL_DISPATCH_LIB=%q\n' \
        "$dispatch" "$dispatch" "$dispatch"
    fi
    printf 'exec %q -Xmx%sm --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true -Dai.djl.offline=true -cp %q org.cbtm.scale.slurm.SlurmRun %s %q %s\n' \
      "$JAVA_HOME/bin/java" "$heap" "$cp" "$command" "$run_dir" "$extra"
  } > "$file.partial"
  chmod +x "$file.partial"
  mv "$file.partial" "$file"
}

# The sbatch resource options of the plan's keys with PREFIX ("" for experts, "seed_" for the seed), read from the
# associative array named by $2.
cbtm_slurm_resources() {
  local prefix="$1"; local -n plan="$2"
  printf -- '--cpus-per-task %s --mem %sM' "${plan[${prefix}cpus]}" "${plan[${prefix}mem_mb]}"
  [ "${plan[${prefix}gpus]}" -gt 0 ] && printf -- ' --gpus-per-task %s' "${plan[${prefix}gpus]}"
  printf '\n'
}
