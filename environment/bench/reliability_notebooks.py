#!/usr/bin/python3
"""Endurance and concurrency of the notebooks (issue 18), run by environment/bench/reliability.

endurance    notebook 05 run N times (10) in ONE kernel; after each run the kernel's used heap (after System.gc())
             and its resident memory (VmRSS of the JVM) are measured. Target: growth < 10% from run 2 to run N.
concurrency  notebooks 05 and 06 at the same time, each in its own kernel, on one artifact store that starts empty,
             R rounds (3); each round's results are compared with separate runs of the same notebooks (one after the
             other, in a store of their own), and then read back: both notebooks run again on the round's store (they
             now load every artifact the concurrent run wrote) and must print the same results again. The store is
             also checked: every artifact.json parses, no staging folder is left.

Results are the text the notebooks print (tables, markdown, stream), without lines about time (wall seconds,
tokens/s, the router's share of time, progress bars), which differ from run to run by nature.

Writes build/reliability/endurance.md or concurrency.md; exit status 1 when a target or check fails.

    /usr/bin/python3 environment/bench/reliability_notebooks.py endurance [--runs 10]
    /usr/bin/python3 environment/bench/reliability_notebooks.py concurrency [--rounds 3]
Needs the java-cbtm kernelspec (environment/bench/reliability installs it and sets JUPYTER_PATH).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "build", "reliability")
KERNEL = "java-cbtm"
TIMELY = re.compile(r"time|second|wall|tok/s|tokens/s|/s\b|\bms\b|share|elapsed|created|ETA|\d+ s\b|it/s|%\|",
                    re.IGNORECASE)
MEASURE = """System.gc(); Thread.sleep(300); System.gc();
long usedHeap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
String rssLine = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS: 0 kB");
long metaspace = 0, codeCache = 0;
for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
    if (pool.getName().equals("Metaspace")) metaspace = pool.getUsage().getUsed();
    if (pool.getName().startsWith("CodeHeap")) codeCache += pool.getUsage().getUsed();
}
System.out.println("MEASURE " + usedHeap + " " + rssLine.replaceAll("[^0-9]", "") + " " + metaspace + " " + codeCache);"""


def notebook(name):
    return os.path.join(ROOT, "notebooks", name + ".ipynb")


def write_section(name, lines):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".md")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(path + ".tmp", path)
    print("\n".join(lines))


def scratch_env(store, figures):
    env = dict(os.environ)
    env["CBTM_ARTIFACTS"] = store
    env["CBTM_FIGURES_DIR"] = figures
    env.setdefault("CBTM_PROFILE", "quick")
    return env


def endurance(runs):
    nb = nbformat.read(notebook("05-sparse-ensemble"), as_version=4)
    figures = tempfile.mkdtemp(prefix="cbtm-endurance-fig-")
    os.environ["CBTM_FIGURES_DIR"] = figures          # the kernel inherits it: committed figures stay untouched
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=3600, startup_timeout=120, allow_errors=False)
    rows = []
    with client.setup_kernel():
        measure_cell = nbformat.v4.new_code_cell(MEASURE)
        cells = list(nb.cells)
        nb.cells.append(measure_cell)   # nbclient writes each executed cell back into the notebook at its index
        for r in range(1, runs + 1):
            t0 = time.time()
            for i, cell in enumerate(cells):
                if cell.cell_type == "code":
                    cell.outputs = []
                    client.execute_cell(cell, i)
            seconds = time.time() - t0
            measure_cell.outputs = []
            client.execute_cell(measure_cell, len(nb.cells) - 1)
            text = "".join(o.get("text", "") for o in measure_cell.outputs if o.get("output_type") == "stream")
            m = re.search(r"MEASURE (\d+) (\d+) (\d+) (\d+)", text)
            if not m:
                sys.exit(f"[cbtm] no measurement after run {r}: {text!r}")
            heap, rss = int(m.group(1)) / 2**20, int(m.group(2)) / 2**10
            meta, code = int(m.group(3)) / 2**20, int(m.group(4)) / 2**20
            rows.append((r, seconds, heap, rss, meta, code))
            print(f"[cbtm] run {r}: {seconds:.0f} s, heap {heap:.0f} MiB, RSS {rss:.0f} MiB, metaspace {meta:.0f} MiB, "
                  f"code cache {code:.0f} MiB", file=sys.stderr)
    shutil.rmtree(figures, ignore_errors=True)
    base = rows[1] if len(rows) > 1 else rows[0]
    last = rows[-1]
    heap_growth = last[2] / base[2] - 1
    rss_growth = last[3] / base[3] - 1
    met = heap_growth < 0.10 and rss_growth < 0.10
    lines = ["## Endurance: notebook 05 run again and again in one kernel", "",
             f"`environment/bench/reliability endurance`: all code cells of `05-sparse-ensemble.ipynb`, {runs} times in "
             "one kernel (the artifacts are cached after the first run, as for a user who reruns the notebook); after "
             "each run the kernel's used heap after `System.gc()` and the JVM's resident memory (VmRSS).", "",
             "| run | seconds | used heap MiB | RSS MiB | of which metaspace MiB | code cache MiB |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r} | {s:.0f} | {h:.0f} | {m:.0f} | {x:.0f} | {c:.0f} |" for r, s, h, m, x, c in rows]
    lines += ["", f"Growth from run {base[0]} to run {last[0]}: heap **{100 * heap_growth:+.1f}%**, RSS "
                  f"**{100 * rss_growth:+.1f}%**; target below +10% for both: **{'met' if met else 'missed'}**. "
                  f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."]
    write_section("endurance", lines)
    return met


TIMELY_COLUMN = re.compile(r"wall|_s$|\bs$|seconds|us/position|^cached$|router share|^min$|^max$")
DASHES = re.compile(r"^[- ]*-[- ]*$")


def mask_time_columns(text):
    """Blanks the columns of fixed-width tables that hold times, timing shares or whether a result was cached (they
    differ between runs by nature), and drops whole tables whose title is about time."""
    lines = text.splitlines()
    out, i = [], 0
    while i < len(lines):
        if i + 1 < len(lines) and DASHES.match(lines[i + 1]) and lines[i].strip():
            spans = [m.span() for m in re.finditer(r"-+", lines[i + 1])]
            names = [lines[i][a:b + 40].split("  ")[0].strip() for a, b in spans]
            masked = [sp for sp, name in zip(spans, names) if TIMELY_COLUMN.search(name)]
            title_timely = bool(out) and TIMELY.search(out[-1] or "")
            j = i + 2
            while j < len(lines) and lines[j].strip():
                j += 1
            if title_timely:
                out.pop()
            else:
                for line in lines[i:j]:
                    chars = list(line.ljust(len(lines[i + 1])))
                    for a, b in masked:
                        # a column may be wider than its dashes (right-aligned numbers): blank to the next column
                        nxt = min([x for x, _ in spans if x > a], default=len(chars))
                        chars[a:nxt] = " " * (nxt - a)
                    out.append("".join(chars))
            i = j
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def results(executed_path):
    """The notebook's printed results, cell by cell, without lines about time."""
    nb = nbformat.read(executed_path, as_version=4)
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        texts = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                texts.append(o.get("text", ""))
            elif "data" in o:
                data = o["data"]
                texts.append(data.get("text/markdown") or data.get("text/plain") or "")
        lines = [l.rstrip() for t in texts for l in mask_time_columns(t).splitlines()
                 if l.strip() and not TIMELY.search(l)]
        out.append((i, lines))
    return out


def run_notebooks(names, store, outdir, figures, at_once):
    """Runs the notebooks (all at once, or one after the other) through environment/run_notebooks.py."""
    env = scratch_env(store, figures)
    cmd = [sys.executable, os.path.join(ROOT, "environment", "run_notebooks.py"), "--out", outdir]
    t0 = time.time()
    if at_once:
        procs = [subprocess.Popen(cmd + [notebook(n)], env=env, cwd=ROOT) for n in names]
        codes = [p.wait() for p in procs]
    else:
        codes = [subprocess.run(cmd + [notebook(n)], env=env, cwd=ROOT).returncode for n in names]
    if any(codes):
        raise RuntimeError(f"a notebook failed (exit statuses {codes}); see the output above")
    return time.time() - t0, {n: results(os.path.join(outdir, n + ".ipynb")) for n in names}


def check_store(store):
    """Problems of a store: artifact.json files that do not parse, staging folders left behind."""
    problems, artifacts = [], 0
    for dirpath, dirnames, filenames in os.walk(store):
        for d in dirnames:
            if d.startswith(".staging-"):
                problems.append(f"staging folder left: {os.path.join(dirpath, d)}")
        if "artifact.json" in filenames:
            artifacts += 1
            try:
                with open(os.path.join(dirpath, "artifact.json")) as f:
                    json.load(f)
            except (OSError, ValueError) as e:
                problems.append(f"{dirpath}/artifact.json: {e}")
    return artifacts, problems


def differences(a, b):
    diffs = []
    for name in a:
        for (i, la), (_, lb) in zip(a[name], b[name]):
            if la != lb:
                first = next((x, y) for x, y in zip(la + [""] * len(lb), lb + [""] * len(la)) if x != y)
                diffs.append(f"{name} cell {i + 1}: `{first[0][:80]}` against `{first[1][:80]}`")
    return diffs


def concurrency(rounds):
    names = ["05-sparse-ensemble", "06-random-clusters"]
    work = tempfile.mkdtemp(prefix="cbtm-concurrency-")
    figures = os.path.join(work, "figures")
    try:
        ref_seconds, reference = run_notebooks(names, os.path.join(work, "store-separate"),
                                               os.path.join(work, "separate"), figures, at_once=False)
        rows, ok = [], True
        for r in range(1, rounds + 1):
            store = os.path.join(work, f"store-{r}")
            seconds, together = run_notebooks(names, store, os.path.join(work, f"together-{r}"), figures, True)
            _, again = run_notebooks(names, store, os.path.join(work, f"again-{r}"), figures, False)
            artifacts, problems = check_store(store)
            d1, d2 = differences(reference, together), differences(reference, again)
            good = not d1 and not d2 and not problems
            ok = ok and good
            rows.append((r, seconds, artifacts, len(problems), len(d1), len(d2), good, d1 + d2 + problems))
            print(f"[cbtm] round {r}: {seconds:.0f} s, {artifacts} artifacts, {len(problems)} store problems, "
                  f"{len(d1)} differences together, {len(d2)} read back", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = ["## Concurrency: notebooks 05 and 06 at the same time on one artifact store", "",
             "`environment/bench/reliability concurrency`: each round starts from an empty store "
             "(`CBTM_ARTIFACTS`), runs 05 and 06 at once in two kernels (both fit the same clusterings and train the "
             "same experts at the same moment: the first finished copy wins, the other is dropped), then runs both "
             "again on that store (they load what the concurrent run wrote). Results are compared with 05 and 06 run "
             f"one after the other in a store of their own ({ref_seconds:.0f} s).", "",
             "| round | seconds together | artifacts in the store | store problems | cells differing (together) | "
             "cells differing (read back) | identical |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {r} | {s:.0f} | {a} | {p} | {d1} | {d2} | {'yes' if g else 'no'} |"
              for r, s, a, p, d1, d2, g, _ in rows]
    for r, *_, details in rows:
        lines += [f"- round {r}: {x}" for x in details[:10]]
    lines += ["", f"Verdict: **{'identical results, no corrupt artifact' if ok else 'FAILED'}** in {rounds} round(s). "
                  f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."]
    write_section("concurrency", lines)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("part", choices=["endurance", "concurrency"])
    ap.add_argument("--runs", type=int, default=10, help="endurance: runs of notebook 05 (default 10)")
    ap.add_argument("--rounds", type=int, default=3, help="concurrency: rounds (default 3)")
    a = ap.parse_args()
    if a.runs < 2 or a.rounds < 1:
        ap.error("--runs must be at least 2 and --rounds at least 1")
    ok = endurance(a.runs) if a.part == "endurance" else concurrency(a.rounds)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
