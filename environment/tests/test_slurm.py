"""A C-BTM grid point through a real Slurm job array, on a one-node cluster this test starts.

Runs when Slurm can be started here: as root, with Debian's slurm-wlm and munge (installed through
cbtm_ensure_slurm in environment/lib.sh) and the built corpus; otherwise it is skipped with the reason. It starts
munged, slurmctld and slurmd in the foreground from a temporary folder (proctrack/linuxproc, task/none, no cgroups,
free ports), submits a K = 4 n-gram grid point of the quick profile with environment/slurm/submit, cancels one
array task while it trains, checks that the cancelled expert is not finished and the others are, submits again
(only the cancelled expert goes to Slurm; the finished ones are never trained again: their files keep their
timestamps), evaluates with environment/slurm/evaluate and asserts the perplexity equals the in-process run of the
same config in another store, to the last digit. The daemons are stopped by the PIDs this test started.
"""
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

HOME = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = os.path.join(HOME, "environment", "lib.sh")
SLURM = os.path.join(HOME, "environment", "slurm")
RUN = ["--k", "4", "--expert", "ngram"]   # the quick profile's budget (500k tokens, 125k per expert)
STEP_TIMEOUT = 120


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lib(command, env=None):
    """Runs a shell line after sourcing environment/lib.sh; returns the completed process."""
    return subprocess.run(["bash", "-c", f'source "{LIB}"; {command}'], capture_output=True, text=True, env=env)


def corpus_built():
    data = os.environ.get("CBTM_DATA_DIR") or os.path.join(HOME, "datasets", "cache")
    return os.path.isfile(os.path.join(data, "corpus", "manifest.json"))


class Cluster:
    """munged + slurmctld + slurmd for one node, in the foreground, from a temporary folder."""

    def __init__(self, root):
        self.root = root
        self.procs = []
        host = socket.gethostname().split(".")[0]
        cpus = os.cpu_count() or 1
        mem_mb = int(read("/proc/meminfo").split("MemTotal:")[1].split()[0]) // 1024 // 2
        for d in ("state", "spool", "log"):
            os.makedirs(os.path.join(root, d))
        self.conf = os.path.join(root, "slurm.conf")
        self.socket = os.path.join(root, "munge.socket")
        with open(self.conf, "w") as f:
            f.write(f"""ClusterName=cbtmtest
SlurmctldHost={host}(127.0.0.1)
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={self.socket}
CredType=cred/munge
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=none
ReturnToService=2
KillWait=5
NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={mem_mb} State=UNKNOWN
PartitionName=cbtm Nodes={host} Default=YES MaxTime=INFINITE State=UP
""")
        key = os.path.join(root, "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(128))
        os.chmod(key, 0o600)
        self.env = dict(os.environ, SLURM_CONF=self.conf, CBTM_PROFILE="quick")
        self.start(["munged", "--foreground", "--force", f"--key-file={key}", f"--socket={self.socket}",
                    f"--pid-file={root}/munged.pid", f"--log-file={root}/log/munged.log",
                    f"--seed-file={root}/munged.seed"], "munged")
        self.wait(lambda: os.path.exists(self.socket), "munged's socket")
        self.start(["slurmctld", "-D", "-f", self.conf], "slurmctld")
        self.wait(lambda: self.run(["scontrol", "ping"]).stdout.find("UP") >= 0, "slurmctld to answer")
        self.start(["slurmd", "-D", "-f", self.conf], "slurmd")
        self.wait(lambda: re.search(r"\bidle\b", self.run(["sinfo", "-h", "-o", "%T"]).stdout), "the node to be idle")

    def start(self, cmd, name):
        with open(os.path.join(self.root, "log", name + ".out"), "w") as out:  # the child keeps its own descriptor
            self.procs.append((name, subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=self.env)))

    def run(self, cmd, **kw):
        return subprocess.run(cmd, capture_output=True, text=True, env=self.env, **kw)

    def wait(self, ready, what, timeout=30):
        deadline = time.time() + timeout
        while not ready():
            for name, p in self.procs:
                if p.poll() is not None:
                    raise RuntimeError(f"{name} exited with {p.returncode} while waiting for {what}: "
                                       + self.logs())
            if time.time() > deadline:
                raise RuntimeError(f"timed out waiting for {what}: " + self.logs())
            time.sleep(0.2)

    def logs(self):
        text = []
        for f in sorted(glob.glob(os.path.join(self.root, "log", "*"))):
            text.append(f"--- {f}\n" + read(f)[-1500:])
        return "\n".join(text)

    def jobs(self, name):
        """Array task id -> state of this run's jobs that Slurm still has."""
        out = self.run(["squeue", "-h", "-r", "--name", name, "-o", "%K %T"]).stdout
        return dict(line.split() for line in out.splitlines() if line.strip())

    def stop(self):
        # the daemons this test started, by their PIDs, newest first
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


def key_values(text):
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("["))


class SlurmArrayTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("Slurm's daemons need root here (slurmd runs jobs as their user); not root")
        if not corpus_built():
            raise unittest.SkipTest("the corpus is not built (datasets/build); the grid point needs the quick mixture")
        r = lib("cbtm_ensure_slurm")
        if r.returncode != 0 or not all(shutil.which(c) for c in ("munged", "slurmctld", "slurmd", "sbatch")):
            raise unittest.SkipTest("cannot install Debian's slurm-wlm and munge: " + (r.stderr or r.stdout)[-500:])
        cls.tmp = tempfile.mkdtemp(prefix="cbtm-slurm-")
        try:
            cls.cluster = Cluster(os.path.join(cls.tmp, "cluster"))
        except (RuntimeError, OSError) as e:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise unittest.SkipTest(f"a one-node Slurm cluster does not start here: {e}")

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def script(self, name, *args):
        r = subprocess.run([os.path.join(SLURM, name), *args], capture_output=True, text=True,
                           env=self.cluster.env, timeout=600)
        self.assertEqual(0, r.returncode, f"{name} {' '.join(args)} failed:\n{r.stdout}\n{r.stderr[-3000:]}")
        return key_values(r.stdout), r.stderr

    def wait_until_gone(self, name, timeout=STEP_TIMEOUT):
        deadline = time.time() + timeout
        while self.cluster.jobs(name):
            if time.time() > deadline:
                self.fail(f"jobs of {name} still in Slurm after {timeout} s: {self.cluster.jobs(name)}\n"
                          + self.cluster.logs())
            time.sleep(0.5)

    def test_array_cancel_resubmit_same_perplexity(self):
        store = os.path.join(self.tmp, "store")
        first, _ = self.script("submit", *RUN, "--store", store)
        run_dir, name = first["run_dir"], first["name"]
        experts = os.path.dirname(run_dir)

        # cancel one task while it trains: the first whose log says it started
        victim, deadline = None, time.time() + STEP_TIMEOUT
        while victim is None:
            for log in sorted(glob.glob(os.path.join(run_dir, "logs", "expert-*.log"))):
                if "training" in read(log):
                    victim = int(os.path.basename(log).split("-")[1].split(".")[0])
                    break
            self.assertLess(time.time(), deadline, "no task started: " + self.cluster.logs())
            time.sleep(0.05)
        self.cluster.run(["scancel", f"{first['array_job']}_{victim}"], check=True)
        self.wait_until_gone(name)
        model = lambda k: os.path.join(experts, f"expert-{k}", "model.kn")
        self.assertFalse(os.path.exists(model(victim)), f"expert {victim} finished before the cancel reached it")
        others = [k for k in range(4) if k != victim]
        for k in others:
            self.assertTrue(os.path.isfile(model(k)), f"expert {k} did not finish:\n" + self.cluster.logs())
        stamps = {k: os.stat(model(k)).st_mtime_ns for k in others}

        # submitted again: only the cancelled expert goes to Slurm
        second, err = self.script("submit", *RUN, "--store", store)
        self.assertIn(f"experts {victim} of 4", err)
        self.assertEqual(run_dir, second["run_dir"])
        self.wait_until_gone(name)
        self.assertTrue(os.path.isfile(model(victim)), self.cluster.logs())
        logs = sorted(glob.glob(os.path.join(run_dir, "logs", f"expert-{victim}.*.log")))
        self.assertEqual(2, len(logs), f"one log per attempt: {logs}")
        self.assertEqual(stamps, {k: os.stat(model(k)).st_mtime_ns for k in others},
                         "a finished expert was trained again")

        # a third submission has nothing to do
        _, err = self.script("submit", *RUN, "--store", store)
        self.assertIn("no expert to submit", err)

        status = subprocess.run([os.path.join(SLURM, "status"), run_dir], capture_output=True, text=True,
                                env=self.cluster.env).stdout
        self.assertEqual(4, len(re.findall(r"\|\s+done\s+\|", status)), status)

        slurm, _ = self.script("evaluate", *RUN, "--store", store)
        cp = lib("cbtm_use_jdk; cbtm_module_classpath scale-slurm", env=self.cluster.env)
        self.assertEqual(0, cp.returncode, cp.stderr)
        java = os.path.join(lib("cbtm_java_home").stdout.strip(), "bin", "java")
        local = subprocess.run([java, "-Xmx4g", "-cp", cp.stdout.strip(), "org.cbtm.scale.slurm.SlurmRun", "local",
                                *RUN, "--store", os.path.join(self.tmp, "in-process")],
                               capture_output=True, text=True, env=self.cluster.env, timeout=600)
        self.assertEqual(0, local.returncode, local.stderr[-3000:])
        local = key_values(local.stdout)
        print(f"\nslurm: perplexity {slurm['perplexity']} on {slurm['test_tokens']} tokens; "
              f"in-process: {local['perplexity']}")
        self.assertEqual(local["perplexity"], slurm["perplexity"])
        self.assertEqual(local["training_tokens"], slurm["training_tokens"])


if __name__ == "__main__":
    unittest.main()
