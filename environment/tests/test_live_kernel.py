"""The live notebook, driven the way a browser drives it: a real Jupyter server, its REST API and its websocket.

Runs when the java-cbtm kernelspec is installed (environment/test does it first; JUPYTER_PATH points at it). On a
machine loaded with two CPU hogs it starts CBTM_LIVE_STARTS kernels (100 by default) and counts the starts that
never answer kernel_info (there must be none), interrupts a sleeping and a busy cell (each must reply with an
Interrupted error, keep the kernel's variables and run `1 + 1` next), restarts the kernel, and checks what the
server's terminal got from the kernels (one line per start; no classpath, no connection key). The counts are
printed and written to build/test-reports/live-kernel.txt, which environment/test repeats in its closing line.
"""
import asyncio
import datetime
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import uuid

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

KERNEL = os.environ.get("CBTM_LIVE_KERNEL", "java-cbtm")   # another kernelspec, to compare
STARTS = int(os.environ.get("CBTM_LIVE_STARTS", "100"))
PARALLEL = 2          # kernels starting at once, beside the two hogs: 4 busy processes on 2 cores
ANSWER_TIMEOUT = 60   # seconds a start may take to answer kernel_info before it counts as failed
IDLE_GRACE = 10       # seconds after the kernel_info reply for its idle status to reach the websocket
REPORT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      "build", "test-reports", "live-kernel.txt")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A Jupyter Notebook server on localhost with a token, its terminal output in a file."""

    def __init__(self, workdir):
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.terminal = os.path.join(workdir, "server-terminal.log")
        root = ["--allow-root"] if os.geteuid() == 0 else []
        self.terminal_file = open(self.terminal, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
             f"--NotebookApp.token={self.token}", f"--notebook-dir={workdir}", *root],
            stdout=self.terminal_file, stderr=subprocess.STDOUT, cwd=workdir)
        deadline = time.time() + 60
        while True:
            try:
                self.rest("GET", "/api/status")
                return
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("the Jupyter server did not start: " + open(self.terminal).read()[-2000:])
                time.sleep(0.3)

    def rest(self, method, path, body=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.terminal_file.close()


class Channel:
    """One websocket to a kernel, as the notebook page opens it."""

    def __init__(self, server, kernel_id):
        self.server, self.kernel_id, self.session = server, kernel_id, uuid.uuid4().hex

    async def open(self):
        url = (f"ws://127.0.0.1:{self.server.port}/api/kernels/{self.kernel_id}/channels"
               f"?session_id={self.session}&token={self.server.token}")
        # the server opens the websocket once the kernel has answered kernel_info (or given up waiting)
        self.ws = await websocket_connect(HTTPRequest(url, connect_timeout=ANSWER_TIMEOUT, request_timeout=ANSWER_TIMEOUT))
        return self

    async def send(self, msg_type, content, channel="shell"):
        msg_id = uuid.uuid4().hex
        await self.ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session, "username": "test",
                       "version": "5.3", "date": datetime.datetime.now(datetime.timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}))
        return msg_id

    async def reply(self, msg_id, msg_type, timeout, want_idle=True):
        """Waits for the reply of type msg_type to msg_id and (want_idle) for the kernel's idle status after it (iopub
        and shell are separate sockets: outputs may come after the reply); returns the reply and that request's iopub
        messages."""
        iopub, reply, idle = [], None, not want_idle
        self.seen_idle = getattr(self, "seen_idle", set())
        deadline = time.time() + timeout
        while reply is None or not idle:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError(f"no {msg_type} (or no idle status after it) within {timeout} s")
            raw = await asyncio.wait_for(self.ws.read_message(), left)
            if raw is None:
                raise ConnectionError("the websocket closed")
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == msg_type:
                reply = msg
            elif msg.get("channel") == "iopub":
                iopub.append(msg)
                if msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                    idle = True
                    self.seen_idle.add(msg_id)
        return reply, iopub

    async def idle_after(self, msg_id, timeout):
        """Waits for the idle status whose parent is msg_id (it may have come already, beside the reply)."""
        if msg_id in getattr(self, "seen_idle", set()):
            return
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError(f"no idle status within {timeout} s")
            raw = await asyncio.wait_for(self.ws.read_message(), left)
            if raw is None:
                raise ConnectionError("the websocket closed")
            msg = json.loads(raw)
            if (msg.get("parent_header", {}).get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"):
                return

    async def kernel_info(self, timeout=ANSWER_TIMEOUT, idle_grace=IDLE_GRACE):
        """The kernel_info reply, and whether the idle status after it reached this websocket within idle_grace
        seconds of the reply. The reply is what a browser waits for. The idle status can be lost without the kernel
        being at fault: iopub is a PUB socket, and the server skips its subscription check (the "nudge") when it saw
        the kernel busy, so a status published before this websocket's subscription took hold reaches nobody."""
        msg_id = await self.send("kernel_info_request", {})
        try:
            reply, _ = await self.reply(msg_id, "kernel_info_reply", timeout, want_idle=False)
        except (TimeoutError, asyncio.TimeoutError) as e:
            raise TimeoutError(f"no kernel_info_reply within {timeout} s") from e
        try:
            await self.idle_after(msg_id, idle_grace)
            return reply, True
        except (TimeoutError, asyncio.TimeoutError):
            return reply, False

    async def execute(self, code, timeout=120):
        msg_id = await self.send("execute_request", {"code": code, "silent": False, "store_history": True,
                                                     "user_expressions": {}, "allow_stdin": False})
        return await self.reply(msg_id, "execute_reply", timeout)

    def close(self):
        self.ws.close()


def result_text(iopub):
    return [m["content"]["data"] for m in iopub if m["msg_type"] == "execute_result"]


def errors(iopub):
    return [(m["content"]["ename"], m["content"]["evalue"]) for m in iopub if m["msg_type"] == "error"]


@unittest.skipUnless(os.environ.get("JUPYTER_PATH"), "needs the java-cbtm kernelspec (run through environment/test)")
class LiveKernel(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="cbtm-live-")
        cls.hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
        cls.server = Server(cls.workdir)
        cls.counts = {}

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        for h in cls.hogs:
            h.kill()
            h.wait()
        lines = [f"{k}: {v}" for k, v in sorted(cls.counts.items())]
        os.makedirs(os.path.dirname(REPORT), exist_ok=True)
        with open(REPORT, "w") as f:
            f.write("\n".join(lines) + "\n")
        print("\n[cbtm] live kernel: " + "; ".join(lines), file=sys.stderr)

    def kernel_log_tail(self, kernel_id, lines=15):
        """The last lines of the kernel's own log (the server's terminal names it), for a start that failed."""
        try:
            with open(self.server.terminal) as f:
                about = [l.strip() for l in f if kernel_id in l]
            server = " | ".join(l for l in about if "its log: " not in l)[-2000:]   # restarts, port errors
            named = [l for l in about if "its log: " in l]
            if not named:
                return "(the kernel never printed its start line: the JVM did not get that far); server: " + server
            with open(named[-1].split("its log: ", 1)[1].strip()) as f:
                return " | ".join(f.read().splitlines()[-lines:]) + "; server: " + server
        except OSError as e:
            return f"(unreadable: {e})"

    def start_kernel(self):
        return self.server.rest("POST", "/api/kernels", {"name": KERNEL})["id"]

    def test_1_many_starts_on_a_loaded_machine_all_answer(self):
        async def one(sem, times, failures, not_ok, idle_lost):
            async with sem:
                t0 = time.time()
                kid = self.start_kernel()
                ch = None
                try:
                    ch = await Channel(self.server, kid).open()
                    info, idle = await ch.kernel_info()
                    times.append(time.time() - t0)
                    if not idle:
                        idle_lost.append(kid)
                    if info["content"].get("status") != "ok":
                        not_ok.append(f"{kid}: {info['content']}")
                except Exception as e:  # noqa: BLE001 - a failed start is counted, not raised
                    failures.append(f"{kid}: {type(e).__name__}: {e} after {time.time() - t0:.1f} s; "
                                    f"its log ends: {self.kernel_log_tail(kid)}")
                finally:
                    if ch is not None:
                        ch.close()
                    self.server.rest("DELETE", f"/api/kernels/{kid}")

        async def all_starts():
            sem, times, failures, not_ok, idle_lost = asyncio.Semaphore(PARALLEL), [], [], [], []
            await asyncio.gather(*(one(sem, times, failures, not_ok, idle_lost) for _ in range(STARTS)))
            return times, failures, not_ok, idle_lost

        load = os.getloadavg()[0]
        times, failures, not_ok, idle_lost = asyncio.run(all_starts())
        self.counts["starts answered"] = f"{len(times)}/{STARTS}"
        self.counts["starts that never answered"] = len(failures)
        self.counts["answers whose idle status the websocket missed"] = len(idle_lost)
        if times:
            self.counts["seconds to answer (median, max)"] = f"{statistics.median(times):.1f}, {max(times):.1f}"
        self.counts["load average at the start"] = f"{load:.1f}"
        self.assertEqual(failures, [], "kernel starts that never answered kernel_info")
        self.assertEqual(not_ok, [], "kernel_info replies without status ok")

        with open(self.server.terminal) as f:
            terminal = f.read()
        kernel_lines = [l for l in terminal.splitlines() if "Java (C-BTM) kernel" in l]
        self.assertEqual(len(kernel_lines), STARTS, "one terminal line per kernel start")
        self.assertTrue(all("its log: " in l for l in kernel_lines))
        for leak in ("kernel-classpath", '"key"', "signature_scheme", "hmac-sha256"):
            self.assertNotIn(leak, terminal, "the server's terminal shows what belongs in the kernel's log")

    def test_2_interrupt_keeps_the_kernel_and_restart_works(self):
        async def scenario():
            kid = self.start_kernel()
            ch = await Channel(self.server, kid).open()
            try:
                await ch.kernel_info()
                reply, iopub = await ch.execute("1 + 1")
                self.assertEqual(reply["content"]["status"], "ok")
                self.assertEqual(result_text(iopub), [{"text/plain": "2"}], "a number carries text/plain only")
                reply, iopub = await ch.execute('Integer.parseInt("zz")')
                self.assertEqual(reply["content"]["ename"], "NumberFormatException")
                self.assertEqual(errors(iopub), [("NumberFormatException", 'For input string: "zz"')])
                await ch.execute("int kept = 7;")
                interrupted = 0
                for cell in ("Thread.sleep(600_000);", "while (true) { }"):
                    msg_id = await ch.send("execute_request", {"code": cell, "silent": False, "store_history": True,
                                                               "user_expressions": {}, "allow_stdin": False})
                    await asyncio.sleep(3)
                    self.server.rest("POST", f"/api/kernels/{kid}/interrupt")
                    reply, iopub = await ch.reply(msg_id, "execute_reply", 60)
                    self.assertEqual(reply["content"]["status"], "error", cell)
                    self.assertEqual(reply["content"]["ename"], "Interrupted", cell)
                    self.assertIn("interrupted", errors(iopub)[0][1], cell)
                    after, iopub = await ch.execute("kept + 1 + 1")
                    self.assertEqual(after["content"]["status"], "ok", f"the cell after interrupting {cell}")
                    self.assertEqual(result_text(iopub), [{"text/plain": "9"}], "the variables survive")
                    interrupted += 1
                self.counts["interrupts (sleeping, busy) then a working cell"] = f"{interrupted}/2"
                self.server.rest("POST", f"/api/kernels/{kid}/restart")
                ch.close()
                ch = await Channel(self.server, kid).open()
                await ch.kernel_info()
                reply, iopub = await ch.execute("1 + 1")
                self.assertEqual(result_text(iopub), [{"text/plain": "2"}], "the restarted kernel answers")
                reply, iopub = await ch.execute("kept")
                self.assertEqual(reply["content"]["ename"], "CompilationError", "a restart starts from nothing")
                self.counts["restart"] = "ok"
            finally:
                ch.close()
                self.server.rest("DELETE", f"/api/kernels/{kid}")

        asyncio.run(scenario())


if __name__ == "__main__":
    unittest.main()
