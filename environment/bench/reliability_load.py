"""Training on a loaded machine (issue 18, "Load and endurance"): how much slower the quick profile's transformer
training gets with two busy CPU hogs beside it, against the same training on the machine as it is.

The workload is the training cell of notebook 04 in small: the quick profile's expert (GPT V = corpus tokenizer,
d 128, 2 layers, 4 heads, T 128, B 16) trained by our Trainer on real blocks of the corpus (environment/bench/training
--skip-peer). Rounds interleave the two conditions (quiet, hogs, hogs, quiet, ...), so that other load on the shared
machine hits both; each round is one JVM. For every round it records the median and best step throughput and the
load average. The ratio quiet / hogs of the medians is the slowdown; the target is at most 2.5x (two hogs on two
cores leave half the CPU: 2x is proportional). Also measured, with hogs: one libtorch thread against two.

Writes build/reliability/load.md (a markdown section; environment/bench/reliability assembles figures/reliability.md).
Exit status 1 when the target is missed.

    /usr/bin/python3 environment/bench/reliability_load.py [--rounds 3] [--steps 6] [--threads 2]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "build", "reliability", "load.md")
TARGET = 2.5
SHAPE = ["--layers", "2", "--width", "128", "--heads", "4", "--block", "128", "--batch", "16"]
LINE = re.compile(r"(\d+) tokens/s median step, (\d+) best step")


def hogs(n):
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def stop(procs):
    for p in procs:
        p.kill()
        p.wait()


def train_round(threads, steps):
    """One JVM training the quick expert; returns (median tokens/s, best tokens/s)."""
    cmd = [os.path.join(ROOT, "environment", "bench", "training"), "--skip-peer", *SHAPE, "--warmup", "1",
           "--steps", str(steps), "--rounds", "1", "--threads", str(threads), "--no-figures"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    m = LINE.search(r.stdout + r.stderr)
    if r.returncode != 0 or not m:
        sys.exit(f"[cbtm] the training round failed ({' '.join(cmd)}):\n{(r.stdout + r.stderr)[-3000:]}")
    return int(m.group(1)), int(m.group(2))


def measure(condition, threads, steps):
    procs = hogs(2) if condition == "2 hogs" else []
    try:
        if procs:
            time.sleep(1)   # let the hogs take their share before the JVM starts
        load = os.getloadavg()[0]
        median, best = train_round(threads, steps)
    finally:
        stop(procs)
    print(f"[cbtm] {condition:8s} {threads} thread(s): {median} tokens/s median step, {best} best "
          f"(load average {load:.1f})", file=sys.stderr)
    return {"condition": condition, "threads": threads, "median": median, "best": best, "load": load}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3, help="rounds per condition (default 3)")
    ap.add_argument("--steps", type=int, default=6, help="timed optimiser steps per round (default 6)")
    ap.add_argument("--threads", type=int, default=2, help="libtorch threads of the main comparison (default 2)")
    a = ap.parse_args()
    if a.rounds < 1 or a.steps < 1 or a.threads < 1:
        ap.error("--rounds, --steps and --threads must be at least 1")

    runs = []
    for r in range(a.rounds):
        order = ["quiet", "2 hogs"] if r % 2 == 0 else ["2 hogs", "quiet"]
        for cond in order:
            runs.append(measure(cond, a.threads, a.steps))
        if a.threads != 1:
            runs.append(measure("2 hogs", 1, a.steps))

    def pick(cond, threads):
        return [x for x in runs if x["condition"] == cond and x["threads"] == threads]

    quiet, loaded, single = pick("quiet", a.threads), pick("2 hogs", a.threads), pick("2 hogs", 1)
    q_med = statistics.median(x["median"] for x in quiet)
    h_med = statistics.median(x["median"] for x in loaded)
    q_best = max(x["best"] for x in quiet)
    h_best = max(x["best"] for x in loaded)
    slow_med, slow_best = q_med / h_med, q_best / h_best
    met = slow_med <= TARGET and slow_best <= TARGET

    lines = ["## Load: training with two CPU hogs beside it", "",
             f"Workload: the quick profile's transformer expert (V = corpus tokenizer, d 128, 2 layers, 4 heads, T 128, "
             f"B 16) trained by our Trainer, {a.steps} timed steps per round, one JVM per round, conditions "
             f"interleaved; OMP_WAIT_POLICY=PASSIVE. Command: `environment/bench/reliability load` "
             f"(`environment/bench/reliability_load.py --rounds {a.rounds} --steps {a.steps} --threads {a.threads}`).",
             "", "| round | condition | libtorch threads | median step tokens/s | best step tokens/s | load average |",
             "|---|---|---|---|---|---|"]
    for i, x in enumerate(runs):
        lines.append(f"| {i + 1} | {x['condition']} | {x['threads']} | {x['median']} | {x['best']} | {x['load']:.1f} |")
    lines += ["", f"Slowdown with 2 hogs ({a.threads} threads): **{slow_med:.2f}x** median, **{slow_best:.2f}x** best "
                  f"(quiet {q_med:.0f} / {q_best} tokens/s, hogs {h_med:.0f} / {h_best}); target at most {TARGET}x: "
                  f"**{'met' if met else 'missed'}**."]
    if single:
        s_med = statistics.median(x["median"] for x in single)
        lines.append(f"With hogs, one libtorch thread: {s_med:.0f} tokens/s median against {h_med:.0f} with "
                     f"{a.threads} ({s_med / h_med:.2f}x).")
    lines.append(f"Cores: {os.cpu_count()}; load average at the end: {os.getloadavg()[0]:.1f}. The load average is "
                 "the 1-minute one at the start of a round: it lags, so a quiet round that follows a round with hogs "
                 "still shows them.")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(OUT + ".tmp", OUT)
    print("\n".join(lines))
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
