"""Faults (issue 18): SIGKILL at random moments, then a rerun that must lose nothing and give identical results.

Four stages, each a real process started on a working folder:
  datasets    datasets/build into a temporary CBTM_DATA_DIR (the downloads of datasets/cache/raw copied in, so no
              network is needed): the conversion to JSON Lines, the tokenizer and the manifest
  grid        a small C-BTM grid in a fresh artifact store (FaultTarget grid: balanced k-means clustering, cluster
              shards, KN-3 experts K = 1 and 2, a tiny GPT seed and 2 experts with intermediate checkpoints, cached
              evaluations)
  checkpoint  a tiny GPT trained with a checkpoint after every step (FaultTarget checkpoint): kills land in writes
  figures     figure export, HTML and PNG through headless Chromium (FaultTarget figures)

For each stage an uninterrupted reference run is made twice (its duration D sets the kill times; what differs
between the two runs, such as wall times and creation stamps, is the only thing a rerun may change). Then for
each kill: a fresh folder, the process started, SIGKILL to its whole process tree at a seeded random time spread
over D (stratified: kill i of n falls in [i/n, (i+1)/n) of D), then
  1. the folder is scanned: every file that is not under a temporary name must be complete (JSON parses, gzip
     streams end with their CRC, checkpoints parse to their end marker, CSV rows are whole, PNG ends with IEND,
     HTML with </html>, token shards have the size their header says, any other file equals the reference's);
  2. the finished experts present (final.ckpt of a seed or expert, model.kn) are fingerprinted (inode, mtime, sha256);
  3. the stage is run again to completion (its wall time is the recovery time), and its output must equal the
     reference: the printed results (perplexities), every file's bytes, or for files with wall times in them every
     other field (checkpoints: tensors and optimiser moments bit-exact, header fields other than times equal);
  4. no reference file may be missing (artifacts lost), and no finished expert may have been written again
     (finished experts retrained).

Writes build/reliability/faults.md (environment/bench/reliability assembles figures/reliability.md). Exit status 1
when any check fails.

    /usr/bin/python3 environment/bench/reliability_faults.py [--kills 52] [--seed 18] [--quick] [--stages a,b]
"""
import argparse
import csv
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "build", "reliability", "faults.md")
STAGES = ["datasets", "grid", "checkpoint", "figures"]
WEIGHTS = {"datasets": 10, "grid": 16, "checkpoint": 14, "figures": 12}   # of 52 kills
CKPT_MAGIC = 0x4342544D434B5054
SHARD_MAGIC = None   # read from the reference shards (any shard the reference wrote has it)


def say(msg):
    print(f"[faults] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- environment

def java_home():
    env = os.environ.get("JAVA_HOME")
    if env and os.path.exists(os.path.join(env, "bin", "java")):
        return env
    r = subprocess.run(["bash", "-c", f"source '{ROOT}/environment/lib.sh' && cbtm_java_home"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(r.stderr)
    return r.stdout.strip()


def classpath(jhome):
    r = subprocess.run(["bash", "-c", f"source '{ROOT}/environment/lib.sh' && cbtm_bench_classpath"],
                       capture_output=True, text=True, env={**os.environ, "JAVA_HOME": jhome,
                                                            "PATH": f"{jhome}/bin:{os.environ['PATH']}"})
    if r.returncode != 0 or not r.stdout.strip():
        sys.exit(f"[faults] cannot build the benchmark classpath:\n{r.stderr[-3000:]}")
    return r.stdout.strip().splitlines()[-1]


def data_cache():
    """The built corpus and its downloads (CBTM_DATA_DIR or datasets/cache)."""
    d = os.environ.get("CBTM_DATA_DIR") or os.path.join(ROOT, "datasets", "cache")
    if not os.path.isfile(os.path.join(d, "corpus", "manifest.json")):
        sys.exit(f"[faults] no built corpus at {d}/corpus: run datasets/build first (or set CBTM_DATA_DIR)")
    return d


# ---------------------------------------------------------------- processes

def descendants(pid):
    """Every process below pid (from /proc), so that a kill takes the whole tree (Chromium, the JVM under bash)."""
    children = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                s = f.read()
            ppid = int(s[s.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(p))
        except (OSError, ValueError):
            continue
    out, todo = [], [pid]
    while todo:
        q = todo.pop()
        for c in children.get(q, []):
            out.append(c)
            todo.append(c)
    return out


def start(cmd, env, log):
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def kill_tree(proc):
    tree = descendants(proc.pid)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for p in tree:      # processes of this tree that left the group (e.g. with setsid)
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


def run_to_end(cmd, env, logfile, timeout):
    t0 = time.monotonic()
    with open(logfile, "wb") as log:
        p = start(cmd, env, log)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(p)
            rc = "timeout"
    secs = time.monotonic() - t0
    with open(logfile, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    result = None
    for line in text.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
    return rc, secs, result, text


# ---------------------------------------------------------------- file checks

def is_temporary(rel):
    """Temporary names: AtomicFiles' .<name>.<n>.partial, Chromium's .<name>.png<n>.partial.png, the store's
    .staging-* folders, datasets/build's raw/.tmp.* folder."""
    for part in rel.split("/"):
        if part.startswith(".staging-") or part.startswith(".tmp."):
            return True
    base = rel.rsplit("/", 1)[-1]
    return base.startswith(".") and ".partial" in base


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def read_checkpoint(path):
    """(header dict, sha256 of everything after the header); raises ValueError when incomplete."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 16:
        raise ValueError("shorter than a checkpoint header")
    magic, version, hlen = struct.unpack(">qii", data[:16])
    if magic != CKPT_MAGIC:
        raise ValueError("bad magic")
    header = json.loads(data[16:16 + hlen].decode("utf-8"))
    pos = 16 + hlen

    def tensors(pos):
        (n,) = struct.unpack(">i", data[pos:pos + 4])
        pos += 4
        for _ in range(n):
            (ln,) = struct.unpack(">H", data[pos:pos + 2])
            pos += 2 + ln
            (cnt,) = struct.unpack(">i", data[pos:pos + 4])
            pos += 4 + 4 * cnt
            if pos > len(data):
                raise ValueError("truncated tensor")
        return pos

    pos = tensors(pos)
    has_opt = data[pos]
    pos += 1
    if has_opt:
        pos += 8
        pos = tensors(pos)
        pos = tensors(pos)
    if pos + 8 != len(data) or struct.unpack(">q", data[pos:pos + 8])[0] != CKPT_MAGIC:
        raise ValueError("no end marker where it belongs")
    return header, hashlib.sha256(data[16 + hlen:]).hexdigest()


def read_csv(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw and not raw.endswith(b"\n"):
        raise ValueError("last line cut short")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    if not rows:
        return []
    head = rows[0]
    for i, r in enumerate(rows[1:], 2):
        if len(r) != len(head):
            raise ValueError(f"line {i} has {len(r)} fields, the header {len(head)}")
    return [dict(zip(head, r)) for r in rows[1:]]


def canonical(path):
    """What a file says, for comparison: parsed JSON, CSV rows, a checkpoint's header and payload hash, else its
    sha256. Raises ValueError (or another parse error) when the file is incomplete."""
    name = os.path.basename(path)
    if name.endswith(".json"):
        with open(path, "rb") as f:
            return ("json", json.loads(f.read().decode("utf-8")))
    if name.endswith(".ckpt"):
        header, payload = read_checkpoint(path)
        return ("ckpt", {"header": header, "payload": payload})
    if name.endswith(".csv"):
        return ("csv", read_csv(path))
    if name.endswith(".zip"):
        # the entries' contents (a zip records each entry's modification time)
        import zipfile
        with zipfile.ZipFile(path) as z:
            return ("zip", {i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()})
    if name.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            while f.read(1 << 20):
                pass
    elif name.endswith(".png"):
        with open(path, "rb") as f:
            data = f.read()
        if not data.startswith(b"\x89PNG\r\n\x1a\n") or not data.endswith(b"IEND\xaeB`\x82"):
            raise ValueError("not a complete PNG")
    elif name.endswith(".html"):
        with open(path, "rb") as f:
            data = f.read()
        if not data.rstrip().endswith(b"</html>"):
            raise ValueError("HTML page cut short")
    elif name.endswith(".bin"):
        with open(path, "rb") as f:
            data = f.read(16)
            if len(data) < 16:
                raise ValueError("shorter than a shard header")
            _, _, nstarts, ntokens = struct.unpack(">iiii", data)
        if os.path.getsize(path) != 16 + 4 * nstarts + 4 * ntokens:
            raise ValueError("size differs from what the shard header says")
    return ("bytes", sha256(path))


def walk(root):
    out = []
    for d, dirs, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if os.path.islink(p):
                continue
            out.append(os.path.relpath(p, root))
    return sorted(out)


def diff_paths(a, b, prefix=""):
    """The key paths where two parsed values differ (lists of rows: per column)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = set()
        for k in set(a) | set(b):
            out |= diff_paths(a.get(k), b.get(k), f"{prefix}/{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = set()
        for x, y in zip(a, b):
            out |= diff_paths(x, y, f"{prefix}[]")
        return out
    return set() if a == b else {prefix}


class Reference:
    """Two uninterrupted runs of a stage: their files, what varies between them (volatile), the results."""

    def __init__(self, stage, files_a, files_b, result_a, result_b, seconds):
        self.stage = stage
        self.files = files_a
        self.result = result_a
        self.seconds = seconds
        self.volatile = {}            # relative path -> set of key paths, or {"*"} for a whole file
        self.problems = []
        if set(files_a) != set(files_b):
            self.problems.append(f"two uninterrupted runs wrote different file sets: "
                                 f"{sorted(set(files_a) ^ set(files_b))[:5]}")
        for rel in set(files_a) & set(files_b):
            ka, va = files_a[rel]
            kb, vb = files_b[rel]
            if ka == "bytes":
                if va != vb:
                    self.volatile[rel] = {"*"}
            else:
                d = diff_paths(va, vb)
                if d:
                    self.volatile[rel] = d
        # a sidecar lists its files' sizes: where a file holds wall times, its size may vary with their digits
        for rel in list(self.volatile):
            folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
            side = f"{folder}/artifact.json" if folder else "artifact.json"
            if side != rel and side in files_a and files_a[side][0] == "json":
                self.volatile.setdefault(side, set()).update({"/files[]/bytes", "/files[]/sha256"})
        if diff_paths(result_a, result_b):
            self.problems.append(f"two uninterrupted runs printed different results: {diff_paths(result_a, result_b)}")

    def differs(self, rel, value):
        """The key paths where a rerun's file differs from the reference beyond what two clean runs differ in."""
        kind, ref = self.files[rel]
        vol = self.volatile.get(rel, set())
        if "*" in vol:
            return set()
        if kind != value[0]:
            return {"<kind>"}
        return {p for p in diff_paths(ref, value[1]) if p not in vol}


def snapshot(root):
    """Every file under root: (relative path -> canonical value) for complete files, and the incomplete ones."""
    complete, broken, temporary = {}, [], []
    if not os.path.isdir(root):
        return complete, broken, temporary
    for rel in walk(root):
        if is_temporary(rel):
            temporary.append(rel)
            continue
        try:
            complete[rel] = canonical(os.path.join(root, rel))
        except FileNotFoundError:
            continue   # a file deleted while the scan ran (cannot happen after a kill; harmless)
        except Exception as e:  # noqa: BLE001 - every parse error means a reader sees a broken file
            broken.append(f"{rel}: {type(e).__name__}: {e}")
    return complete, broken, temporary


def finished_experts(root):
    """Finished experts (a seed's or expert's final.ckpt, an n-gram expert's model.kn, the checkpoint loop's
    final.ckpt): relative path -> (inode, mtime_ns, sha256)."""
    out = {}
    if not os.path.isdir(root):
        return out
    for rel in walk(root):
        if is_temporary(rel):
            continue
        base = rel.rsplit("/", 1)[-1]
        if base in ("final.ckpt", "model.kn"):
            st = os.stat(os.path.join(root, rel))
            out[rel] = (st.st_ino, st.st_mtime_ns, sha256(os.path.join(root, rel)))
    return out


# ---------------------------------------------------------------- stages

class Stage:
    def __init__(self, name, work, cmd, env, output, prepare):
        self.name = name
        self.work = work          # the working folder (the same path for every run: paths in files must match)
        self.cmd = cmd
        self.env = env
        self.output = output      # the folder whose files are checked
        self.prepare = prepare    # makes the fresh starting state


def make_stages(jhome, cp, base, cache):
    java = [os.path.join(jhome, "bin", "java"), "-Xmx3g", "-Dai.djl.offline=true",
            "--enable-native-access=ALL-UNNAMED", "-cp", cp, "org.cbtm.bench.FaultTarget"]
    env = dict(os.environ, JAVA_HOME=jhome, PATH=f"{jhome}/bin:{os.environ['PATH']}", OMP_WAIT_POLICY="PASSIVE", GLIBC_TUNABLES="glibc.malloc.hugetlb=1",
               DJL_OFFLINE="true", OPT_OUT_TRACKING="true", CBTM_DATA_DIR=cache)
    djl = os.path.join(ROOT, "build", "djl-cache")
    if not os.path.isdir(djl):
        djl = os.path.join(os.path.dirname(cache.rstrip("/")), "..", "build", "djl-cache")
    env.setdefault("DJL_CACHE_DIR", os.path.abspath(djl))
    env.setdefault("ENGINE_CACHE_DIR", env["DJL_CACHE_DIR"])
    plotly = os.path.join(ROOT, "build", "plotly", "plotly.min.js")
    if os.path.isfile(plotly):
        env.setdefault("CBTM_PLOTLY_JS", plotly)
    stages = {}

    # datasets: a temporary CBTM_DATA_DIR holding a copy of the downloads
    pristine = os.path.join(base, "raw-pristine")
    if not os.path.isdir(pristine):
        say(f"copying the downloads {cache}/raw -> {pristine}")
        shutil.copytree(os.path.join(cache, "raw"), pristine + ".tmp", symlinks=True)
        for junk in os.listdir(pristine + ".tmp"):
            if junk.startswith(".tmp."):
                shutil.rmtree(os.path.join(pristine + ".tmp", junk))
        os.rename(pristine + ".tmp", pristine)
    dwork = os.path.join(base, "datasets")

    def prep_datasets():
        shutil.rmtree(dwork, ignore_errors=True)
        os.makedirs(dwork)
        subprocess.run(["cp", "-a", pristine, os.path.join(dwork, "raw")], check=True)

    stages["datasets"] = Stage("datasets", dwork, [os.path.join(ROOT, "datasets", "build")],
                               dict(env, CBTM_DATA_DIR=dwork), os.path.join(dwork, "corpus"), prep_datasets)
    for name in ("grid", "checkpoint", "figures"):
        work = os.path.join(base, name)

        def prep(work=work):
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)

        e = dict(env, CBTM_FIGURES_DIR=work) if name == "figures" else env
        stages[name] = Stage(name, work, java + [name, work], e, work, prep)
    return stages


def reference(stage, logdir):
    runs = []
    for i in range(2):
        stage.prepare()
        rc, secs, result, text = run_to_end(stage.cmd, stage.env, os.path.join(logdir, f"{stage.name}-ref{i}.log"),
                                            timeout=900)
        if rc != 0:
            sys.exit(f"[faults] the uninterrupted {stage.name} run failed (exit {rc}):\n{text[-3000:]}")
        files, broken, _ = snapshot(stage.output)
        if broken:
            sys.exit(f"[faults] the uninterrupted {stage.name} run left incomplete files: {broken[:5]}")
        runs.append((files, result, secs))
        say(f"{stage.name}: uninterrupted run {i + 1}: {secs:.1f} s, {len(files)} files")
    ref = Reference(stage.name, runs[0][0], runs[1][0], runs[0][1], runs[1][1], min(runs[0][2], runs[1][2]))
    for p in ref.problems:
        say(f"{stage.name}: reference not reproducible: {p}")
    return ref


def one_kill(stage, ref, t_kill, logdir, idx):
    """One kill-and-rerun cycle; returns its record (None when the run finished before the kill time)."""
    stage.prepare()
    logfile = os.path.join(logdir, f"{stage.name}-{idx:03d}-killed.log")
    with open(logfile, "wb") as log:
        p = start(stage.cmd, stage.env, log)
        try:
            p.wait(timeout=t_kill)
            return None          # finished before the kill time
        except subprocess.TimeoutExpired:
            kill_tree(p)
    rec = {"stage": stage.name, "t_kill": t_kill, "problems": []}
    # 1. what a reader sees right after the kill
    files, broken, temporary = snapshot(stage.output)
    rec["half_written"] = len(broken)
    rec["temporary_left"] = len(temporary)
    rec["in_write"] = any(".partial" in t for t in temporary)
    rec["problems"] += [f"half-written after the kill: {b}" for b in broken]
    before = finished_experts(stage.output)
    rec["finished_at_kill"] = len(before)
    # 2. the rerun
    rc, secs, result, text = run_to_end(stage.cmd, stage.env,
                                        os.path.join(logdir, f"{stage.name}-{idx:03d}-rerun.log"), timeout=900)
    rec["recovery_s"] = secs
    rec["recovered"] = rc == 0
    if rc != 0:
        rec["problems"].append(f"the rerun failed (exit {rc}): {text.strip().splitlines()[-1:] if text.strip() else ''}")
    after, broken2, _ = snapshot(stage.output)
    rec["problems"] += [f"incomplete after the rerun: {b}" for b in broken2]
    # 3. identical results
    differences = []
    if stage.name != "datasets" and diff_paths(ref.result, result):
        differences.append(f"printed results differ at {sorted(diff_paths(ref.result, result))[:4]}: {result}")
    for rel in ref.files:
        if rel in after:
            d = ref.differs(rel, after[rel])
            if d:
                differences.append(f"{rel} differs at {sorted(d)[:4]}")
    extra = sorted(set(after) - set(ref.files))
    if extra:
        differences.append(f"files an uninterrupted run does not leave: {extra[:4]}")
    rec["identical"] = rc == 0 and not differences and not broken2
    rec["problems"] += differences
    # 4. nothing lost, nothing retrained
    lost = sorted(set(ref.files) - set(after))
    rec["lost"] = len(lost)
    rec["problems"] += [f"lost: {x}" for x in lost]
    now = finished_experts(stage.output)
    retrained = [rel for rel, fp in before.items() if now.get(rel) != fp]
    rec["retrained"] = len(retrained)
    rec["problems"] += [f"finished expert written again: {x}" for x in retrained]
    return rec


# ---------------------------------------------------------------- report

def fmt_s(x):
    return f"{x:.1f}"


def write_report(stage_order, refs, records, loads, args, elapsed):
    lines = ["## Faults: SIGKILL at random moments, then a rerun", ""]
    lines.append(f"`environment/bench/reliability_faults.py --kills {args.kills} --seed {args.seed}`"
                 f"{' (--quick)' if args.quick else ''}: every kill is a SIGKILL to the stage's whole process tree at "
                 "a seeded random time, stratified over the duration D of an uninterrupted run; then the folder is "
                 "scanned (every file not under a temporary name must be complete), the stage is run again to the "
                 "end and compared with the uninterrupted run (perplexities and every file; checkpoints: tensors and "
                 "Adam moments bit-exact, header equal but for wall times).")
    lines.append("")
    lines.append("| stage | D (s) | kills tried | kills during a file write | recovered | results identical "
                 "| half-written files seen | artifacts lost | finished experts retrained | mean recovery (s) "
                 "| max recovery (s) |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    tot = {"n": 0, "w": 0, "rec": 0, "ident": 0, "half": 0, "lost": 0, "retr": 0, "secs": []}
    for s in stage_order:
        rs = [r for r in records if r["stage"] == s]
        if not rs:
            continue
        secs = [r["recovery_s"] for r in rs]
        row = {"n": len(rs), "w": sum(r["in_write"] for r in rs), "rec": sum(r["recovered"] for r in rs),
               "ident": sum(r["identical"] for r in rs), "half": sum(r["half_written"] for r in rs),
               "lost": sum(r["lost"] for r in rs), "retr": sum(r["retrained"] for r in rs)}
        for k in row:
            tot[k] += row[k]
        tot["secs"] += secs
        fin = sum(r["finished_at_kill"] for r in rs)
        retr = f"{row['retr']} (of {fin} finished at a kill)" if s in ("grid", "checkpoint") else str(row["retr"])
        lines.append(f"| {s} | {fmt_s(refs[s].seconds)} | {row['n']} | {row['w']} | {row['rec']} | {row['ident']} "
                     f"| {row['half']} | {row['lost']} | {retr} | {fmt_s(statistics.mean(secs))} | {fmt_s(max(secs))} |")
    if tot["secs"]:
        lines.append(f"| **all** | | **{tot['n']}** | {tot['w']} | **{tot['rec']}** | **{tot['ident']}** | "
                     f"**{tot['half']}** | **{tot['lost']}** | **{tot['retr']}** | "
                     f"{fmt_s(statistics.mean(tot['secs']))} | {fmt_s(max(tot['secs']))} |")
    lines.append("")
    failed = [r for r in records if r["problems"]]
    ref_problems = [p for s in stage_order for p in refs[s].problems]
    ok = not failed and not ref_problems and tot["n"] >= (8 if args.quick else 50)
    lines.append(f"Load average (1 min) {min(loads):.1f} to {max(loads):.1f} during the run, 2 cores shared with "
                 f"other jobs; {elapsed / 60:.0f} minutes in all. Recovery time is the rerun's wall time (JVM start "
                 "included), against D for a run from nothing.")
    lines.append("")
    vol = []
    for s in stage_order:
        for rel, paths in sorted(refs[s].volatile.items()):
            key = "/".join(rel.split("/")[-1:])
            vol.append(f"{s}: `{key}` {'(whole file)' if '*' in paths else ', '.join(sorted(paths))}")
    vol = sorted(set(vol))
    if vol:
        lines.append("What two uninterrupted runs already differ in, and a rerun may too (wall times and stamps): "
                     + "; ".join(vol) + ".")
        lines.append("")
    if ok:
        lines.append(f"**Verdict: pass.** {tot['n']} kills, every rerun recovered with results identical to an "
                     "uninterrupted run, no half-written file seen, nothing lost, no finished expert retrained.")
    else:
        lines.append(f"**Verdict: FAIL.** {len(failed)} of {tot['n']} kills had a problem"
                     + (f"; reference runs: {'; '.join(ref_problems)}" if ref_problems else "")
                     + (f"; fewer than {8 if args.quick else 50} kills" if tot["n"] < (8 if args.quick else 50) else "")
                     + ".")
        lines.append("")
        for r in failed[:20]:
            lines.append(f"- {r['stage']} killed at {r['t_kill']:.2f} s: " + "; ".join(r["problems"][:4]))
    lines.append("")
    lines.append("<details><summary>Every kill</summary>")
    lines.append("")
    lines.append("| stage | killed at (s) | in a write | temporary files left | finished experts at the kill "
                 "| recovery (s) | identical | problems |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for r in records:
        lines.append(f"| {r['stage']} | {r['t_kill']:.2f} | {'yes' if r['in_write'] else 'no'} | {r['temporary_left']} "
                     f"| {r['finished_at_kill']} | {r['recovery_s']:.1f} | {'yes' if r['identical'] else 'NO'} "
                     f"| {len(r['problems'])} |")
    lines.append("")
    lines.append("</details>")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = OUT + ".partial"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, OUT)
    return ok


def allocate(total, stages):
    w = {s: WEIGHTS[s] for s in stages}
    s_w = sum(w.values())
    n = {s: max(1, round(total * w[s] / s_w)) for s in stages}
    while sum(n.values()) > total and max(n.values()) > 1:
        n[max(n, key=n.get)] -= 1
    while sum(n.values()) < total:
        n[max(w, key=lambda s: w[s] / n[s])] += 1
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=None, help="kills over all stages (default 52; --quick: 8)")
    ap.add_argument("--seed", type=int, default=18, help="seed of the kill times (default 18)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: 8 kills in all")
    ap.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset of " + ",".join(STAGES))
    ap.add_argument("--work", default=None, help="working folder (default: a fresh one under /tmp)")
    args = ap.parse_args()
    if args.kills is None:
        args.kills = 8 if args.quick else 52
    stages_wanted = [s for s in args.stages.split(",") if s]
    for s in stages_wanted:
        if s not in STAGES:
            ap.error(f"unknown stage {s} (stages: {', '.join(STAGES)})")
    if args.kills < len(stages_wanted):
        ap.error("--kills must be at least the number of stages")

    t0 = time.monotonic()
    jhome = java_home()
    cp = classpath(jhome)
    cache = data_cache()
    base = args.work or os.path.join("/tmp", f"cbtm-faults-{os.getpid()}")
    os.makedirs(base, exist_ok=True)
    logdir = os.path.join(base, "logs")
    os.makedirs(logdir, exist_ok=True)
    say(f"working in {base} (logs in {logdir})")
    stages = make_stages(jhome, cp, base, cache)
    rnd = random.Random(args.seed)
    counts = allocate(args.kills, stages_wanted)
    refs, records, loads = {}, [], [os.getloadavg()[0]]
    for s in stages_wanted:
        st = stages[s]
        refs[s] = reference(st, logdir)
        d = refs[s].seconds
        n = counts[s]
        for i in range(n):
            t = d * (i + rnd.uniform(0.02, 0.98)) / n
            rec, tries = None, 0
            while rec is None and tries < 4:
                rec = one_kill(st, refs[s], t, logdir, i)
                if rec is None:
                    say(f"{s}: the run finished before {t:.2f} s; killing earlier")
                    t *= 0.8
                    tries += 1
            if rec is None:
                say(f"{s}: could not kill a run (it always finished first)")
                continue
            records.append(rec)
            loads.append(os.getloadavg()[0])
            say(f"{s} kill {i + 1}/{n} at {t:.2f} s: {'in a write, ' if rec['in_write'] else ''}"
                f"recovered in {rec['recovery_s']:.1f} s, {'identical' if rec['identical'] else 'DIFFERENT'}"
                + (f"; problems: {rec['problems'][:3]}" if rec["problems"] else ""))
    ok = write_report(stages_wanted, refs, records, loads, args, time.monotonic() - t0)
    say(f"wrote {OUT}")
    if not args.work:
        shutil.rmtree(base, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
