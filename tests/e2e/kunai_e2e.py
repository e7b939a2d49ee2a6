"""End-to-end harness: runs the real sensor (real probes, running kernel),
does real things, and finds the events they must produce.

Every wait is bounded; every sensor, child process and file made here is
cleaned up, whatever happens."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

EVENT_TIMEOUT = 10.0


class Sensor:
    """One kunai process writing to a private output file."""

    def __init__(self, kunai, workdir, args=(), name="sensor"):
        self.kunai = kunai
        self.out = os.path.join(workdir, name + ".jsonl")
        self.err = os.path.join(workdir, name + ".stderr")
        self.args = list(args)
        self.proc = None
        self._fh = None
        self._buf = b""
        self.events = []
        self.lines = []

    # 60 s: the bounded-walk programs of a 5.10 kernel take 25-30 s to
    # verify under the test VMs' software emulation
    def start(self, timeout=60.0):
        errf = open(self.err, "wb")
        self.proc = subprocess.Popen(
            [self.kunai, "run", "--no-stdout", "--output", self.out] + self.args,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errf)
        errf.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("sensor exited with %d: %s" % (self.proc.returncode, self.stderr()))
            if os.path.exists(self.out):
                self.poll()
                if any(e["info"]["event"]["name"] == "start" for e in self.events):
                    return self
            time.sleep(0.05)
        raise AssertionError("sensor did not start in %.0fs: %s" % (timeout, self.stderr()))

    def stderr(self):
        try:
            with open(self.err, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def poll(self):
        if self._fh is None:
            self._fh = open(self.out, "rb")
        chunk = self._fh.read()
        if not chunk:
            return
        self._buf += chunk
        *complete, self._buf = self._buf.split(b"\n")
        for line in complete:
            self.lines.append(line)
            self.events.append(json.loads(line))

    def wait_for(self, pred, what, timeout=EVENT_TIMEOUT):
        """The first event matching pred (checked over all events so far)."""
        deadline = time.monotonic() + timeout
        checked = 0
        while True:
            self.poll()
            for e in self.events[checked:]:
                if pred(e):
                    return e
            checked = len(self.events)
            if time.monotonic() > deadline:
                raise AssertionError("no %s event within %.0fs (%d events seen)" % (what, timeout, len(self.events)))
            if self.proc.poll() is not None:
                raise AssertionError("sensor died (%d) waiting for %s: %s" % (self.proc.returncode, what, self.stderr()))
            time.sleep(0.05)

    def wait_count(self, pred, n, what, timeout=EVENT_TIMEOUT):
        """Wait until n events match pred; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.find_all(pred)
            if len(got) >= n:
                return got
            if time.monotonic() > deadline:
                raise AssertionError("%d of %d %s events within %.0fs" % (len(got), n, what, timeout))
            time.sleep(0.1)

    def find_all(self, pred):
        self.poll()
        return [e for e in self.events if pred(e)]

    def stop(self, timeout=15.0):
        """SIGTERM; returns the exit code (kills and fails on a hang)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("sensor did not stop within %.0fs of SIGTERM" % timeout)
        finally:
            if self._fh:
                self._fh.close()
                self._fh = None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._fh:
            self._fh.close()
            self._fh = None


def name_is(e, name):
    return e["info"]["event"]["name"] == name


def decode(s):
    """A JSON string back to the original bytes (surrogateescape scheme)."""
    return s.encode("utf-8", "surrogateescape")


def check_equal(got, want, what):
    if got != want:
        g, w = repr(got), repr(want)
        if len(g) > 300:
            g = g[:300] + "..."
        if len(w) > 300:
            w = w[:300] + "..."
        raise AssertionError("%s: got %s, want %s" % (what, g, w))


class Runner:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def run(self, name, fn, *args):
        t0 = time.monotonic()
        try:
            fn(*args)
        except Skip as s:
            self.skipped += 1
            print("SKIP %s: %s" % (name, s), flush=True)
            return
        except Exception:
            self.failed += 1
            print("FAIL %s (%.1fs)" % (name, time.monotonic() - t0), flush=True)
            traceback.print_exc(file=sys.stdout)
            return
        self.passed += 1
        print("ok   %s (%.1fs)" % (name, time.monotonic() - t0), flush=True)

    def summary(self):
        line = "%d passed, %d failed" % (self.passed, self.failed)
        if self.skipped:
            line += ", %d skipped" % self.skipped
        print(line, flush=True)
        return 0 if self.failed == 0 and self.passed > 0 else 1


class Skip(Exception):
    pass


def file_magic(data):
    """What file(1) says of the bytes, as the sensor asks libmagic: the
    first 64 KiB, the magic database's tests alone (no decompression, no
    ELF, CDF, tar, JSON or CSV parser)."""
    r = subprocess.run(["file", "-b", "-e", "compress", "-e", "elf", "-e", "cdf", "-e", "tar", "-e", "json", "-e",
                        "csv", "-P", "bytes=65536", "-"], input=data[:65536], capture_output=True, timeout=30,
                       check=True)
    return r.stdout.decode().rstrip("\n")


def file_object(path, data=None, **extra):
    """The file object of an execve exe: path, flags, what it is, digests
    and size of the content (read from path unless given)."""
    import hashlib
    if data is None:
        with open(path, "rb") as f:
            data = f.read()
    obj = {"path": path}
    obj.update(extra)
    obj.update({"magic": file_magic(data), "md5": hashlib.md5(data).hexdigest(), "sha1": hashlib.sha1(data).hexdigest(),
                "sha256": hashlib.sha256(data).hexdigest(), "sha512": hashlib.sha512(data).hexdigest(),
                "size": len(data), "error": None})
    return obj


def copy_exe(src, dst):
    shutil.copy(src, dst)
    os.chmod(dst, 0o755)
    return dst
