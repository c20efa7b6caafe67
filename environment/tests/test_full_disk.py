"""A full disk during a checkpoint write (issue 18, bad input): a small tmpfs as the disk.

Needs root (to mount the tmpfs) and a built kernel-lib (mvn -o -DskipTests package: the jar, its
kernel-classpath/ and target/test-classes). Writes a small checkpoint that fits, then one bigger than the tmpfs
under the same name, and checks that the user gets a message naming the file and saying the disk is full, that
no half-written file is left under the final name, and that the previous checkpoint is intact. The row goes to
build/test-reports/bad-input-full-disk.md (beside bad-input.md, written by BadInputTest).
"""
import glob
import hashlib
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPORT = os.path.join(ROOT, "build", "test-reports", "bad-input-full-disk.md")
TMPFS_MB = 8


def classpath():
    lib = os.path.join(ROOT, "kernel-lib", "target")
    jars = [j for j in glob.glob(os.path.join(lib, "kernel-lib-*.jar")) if "-sources" not in j and "javadoc" not in j]
    tests = os.path.join(lib, "test-classes")
    if not jars or not os.path.isdir(os.path.join(lib, "kernel-classpath")) or not os.path.isdir(tests):
        return None
    return ":".join([jars[0], tests, os.path.join(lib, "kernel-classpath", "*")])


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else shutil.which("java")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class FullDiskTest(unittest.TestCase):

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to mount a tmpfs (run as root, e.g. in the CI container)")
        self.cp = classpath()
        if self.cp is None:
            self.skipTest("kernel-lib is not built: run mvn -o -DskipTests package first")
        if java() is None:
            self.skipTest("no java: set JAVA_HOME")
        self.mount = tempfile.mkdtemp(prefix="cbtm-full-disk-")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_MB}m", "tmpfs", self.mount],
                           capture_output=True, text=True)
        if r.returncode != 0:
            os.rmdir(self.mount)
            self.skipTest("could not mount a tmpfs: " + (r.stderr.strip() or r.stdout.strip()))

    def tearDown(self):
        if hasattr(self, "mount") and os.path.isdir(self.mount):
            subprocess.run(["umount", self.mount], capture_output=True)
            os.rmdir(self.mount)

    def write(self, path, megabytes):
        return subprocess.run([java(), "-cp", self.cp, "org.cbtm.reliability.WriteCheckpoint", path, str(megabytes)],
                              capture_output=True, text=True, timeout=300)

    def test_checkpoint_write_on_a_full_disk(self):
        target = os.path.join(self.mount, "run", "step-0001.ckpt")
        first = self.write(target, 1)
        self.assertEqual(first.returncode, 0, first.stderr)
        before = sha256(target)

        r = self.write(target, 3 * TMPFS_MB)
        self.assertNotEqual(r.returncode, 0, "a checkpoint bigger than the disk was written: " + r.stdout)
        lines = [l for l in r.stderr.splitlines() if l.startswith("MESSAGE: ")]
        self.assertTrue(lines, "no message, only: " + r.stderr[-2000:])
        message = lines[0][len("MESSAGE: "):]
        self.assertNotIn("\tat ", r.stderr, "a stack trace was printed")
        self.assertIn(target, message, "the message does not name the file")
        self.assertIn("disk is full", message)
        self.assertIn("Free space", message, "the message does not say what to do")
        self.assertEqual(sha256(target), before, "the previous checkpoint changed")
        leftovers = [f for f in os.listdir(os.path.dirname(target)) if f != "step-0001.ckpt"]
        self.assertEqual(leftovers, [], "temporary files left behind")

        os.makedirs(os.path.dirname(REPORT), exist_ok=True)
        with open(REPORT, "w") as f:
            f.write("| bad input | what the user sees | names file/line/parameter? | says what to do? |\n"
                    "|---|---|---|---|\n")
            f.write(f"| full disk ({TMPFS_MB} MiB tmpfs) during a checkpoint write | {message.replace('|', '/')} "
                    "| yes (file) | yes |\n")
        print(message)


if __name__ == "__main__":
    unittest.main()
