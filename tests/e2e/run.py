#!/usr/bin/env python3
"""End-to-end suite: real probes on the running kernel, real actions, exact
JSON fields. Needs root. Usage: run.py --kunai build/kunai"""
import argparse
import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kunai_e2e import Runner, Sensor, Skip, check_equal, copy_exe, decode, file_object, name_is  # noqa: E402
import catalogue  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schema"))
import check as schema  # noqa: E402

SUITE_TIMEOUT = 900
EXEC_TESTS = ["test_exec_argv", "test_exec_argv_truncated", "test_exec_script", "test_exec_script_fexecve",
              "test_exec_script_mount_ns", "test_exec_deep_path",
              "test_exec_path_truncated", "test_exec_fileless", "test_fork", "test_thread", "test_exit_code",
              "test_killed", "test_ancestry_chain", "test_orphan_and_reused_pid"]
ARGV_MAX = 128 * 1024
PYTHON = os.path.realpath(sys.executable)
SH = os.path.realpath("/bin/sh")
TRUE = os.path.realpath("/bin/true")
SLEEP = os.path.realpath("/bin/sleep")
CAT = os.path.realpath("/bin/cat")
CLONE_VM, CLONE_VFORK, CLONE_THREAD = 0x100, 0x4000, 0x10000
CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID = 0x200000, 0x1000000
# CLONE_VM | FS | FILES | SIGHAND | THREAD | SYSVSEM | SETTLS | PARENT_SETTID | CHILD_CLEARTID
THREAD_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000


def exec_of(path, name="execve"):
    return lambda e: name_is(e, name) and e["data"]["exe"]["path"] == path


def of_pid(name, pid):
    return lambda e: name_is(e, name) and e["info"]["task"]["tgid"] == pid


class Suite:
    require_object_tier = False
    # what the kernel allows (kunai check --kernel-only): the object tier,
    # and bpf_task_pt_regs (without it, a 32-bit call's number is unknown
    # to the object tier's hooks)
    object_tier = False
    task_pt_regs = False

    def __init__(self, kunai, work):
        self.kunai = kunai
        self.work = work
        self.children = []

    def path(self, name):
        return os.path.join(self.work, name)

    def build_helper(self, name, *flags):
        """tests/e2e/helpers/NAME.c compiled into the work directory."""
        out = self.path(name)
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers", name + ".c")
        subprocess.run(["cc", "-O2"] + list(flags) + ["-o", out, src], check=True, timeout=60)
        return out

    def spawn(self, argv, **kw):
        p = subprocess.Popen(argv, **kw)
        self.children.append(p)
        return p

    def cleanup(self):
        for p in self.children:
            if p.poll() is None:
                p.kill()
                p.wait()

    # ---- command line ------------------------------------------------------

    def test_cli_help_version(self):
        r = subprocess.run([self.kunai, "--help"], capture_output=True, timeout=10)
        check_equal(r.returncode, 0, "--help exit code")
        assert b"Usage: kunai" in r.stdout and b"--output PATH" in r.stdout, r.stdout
        # the README shows the same text
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")) as f:
            readme = f.read()
        block = readme.split("## Command line\n\n```\n", 1)[1].split("```", 1)[0]
        check_equal(block, r.stdout.decode(), "README's Command line section")
        r = subprocess.run([self.kunai, "--version"], capture_output=True, timeout=10)
        check_equal(r.returncode, 0, "--version exit code")
        check_equal(r.stdout, b"kunai 0.1.0\n", "--version output")

    def test_cli_usage_errors(self):
        r = subprocess.run([self.kunai, "run", "--bogus"], capture_output=True, timeout=10)
        check_equal(r.returncode, 2, "unknown option exit code")
        assert r.stderr.startswith(b"kunai: unknown option '--bogus'\n"), r.stderr
        assert b"Usage: kunai" in r.stderr, r.stderr
        r = subprocess.run([self.kunai, "frobnicate"], capture_output=True, timeout=10)
        check_equal(r.returncode, 2, "unknown command exit code")
        r = subprocess.run([self.kunai, "run", "--ringbuf-size", "3"], capture_output=True, timeout=10)
        check_equal(r.returncode, 2, "bad ring buffer size exit code")
        for argv in ([self.kunai, "run", "--no-helper", "bpf_loop,bogus"],
                     [self.kunai, "check", "--no-helper", "bogus"]):
            r = subprocess.run(argv, capture_output=True, timeout=10)
            check_equal(r.returncode, 2, "unknown helper exit code")
            first = r.stderr.decode().splitlines()[0]
            assert first.startswith("kunai: --no-helper: unknown helper 'bogus'; valid names: bpf_loop, "), first

    def test_cli_not_root(self):
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", self.kunai, "run"],
                           capture_output=True, timeout=10)
        check_equal(r.returncode, 1, "exit code as non-root")
        check_equal(r.stderr, b"kunai: must run as root: it loads eBPF programs into the kernel.\n", "stderr")

    def test_cli_output_refused(self):
        """An output someone else owns, a second name of another file, or a
        symbolic link is refused; a file of ours is made private (0600)."""
        theirs = self.path("theirs.jsonl")
        open(theirs, "w").close()
        os.chown(theirs, 65534, 65534)
        r = subprocess.run([self.kunai, "run", "--output", theirs], capture_output=True, timeout=10)
        check_equal(r.returncode, 1, "exit code for a file owned by another user")
        check_equal(r.stderr, ("kunai: output %s is owned by uid 65534, not by this user: refusing it\n" %
                               theirs).encode(), "stderr")
        target = self.path("precious")
        open(target, "w").close()
        os.link(target, self.path("linked.jsonl"))
        r = subprocess.run([self.kunai, "run", "--output", self.path("linked.jsonl")], capture_output=True,
                           timeout=10)
        check_equal(r.returncode, 1, "exit code for a hard link")
        assert b"has 2 names (hard links)" in r.stderr, r.stderr
        os.symlink(target, self.path("symlink.jsonl"))
        r = subprocess.run([self.kunai, "run", "--output", self.path("symlink.jsonl")], capture_output=True,
                           timeout=10)
        check_equal(r.returncode, 1, "exit code for a symbolic link")
        check_equal(os.path.getsize(target), 0, "size of the file behind the links")
        # --record: a regular file of its own only, never through a link
        # nor blocked on a FIFO planted at its path
        fifo = self.path("records.fifo")
        os.mkfifo(fifo)
        r = subprocess.run([self.kunai, "run", "--no-stdout", "--output", self.path("rec-out.jsonl"),
                            "--record", fifo], capture_output=True, timeout=10)
        check_equal((r.returncode, r.stderr), (1, ("kunai: --record: %s: not a regular file\n" % fifo).encode()),
                    "a FIFO as --record")
        r = subprocess.run([self.kunai, "run", "--no-stdout", "--output", self.path("rec-out.jsonl"),
                            "--record", self.path("symlink.jsonl")], capture_output=True, timeout=10)
        check_equal(r.returncode, 1, "exit code for --record through a symbolic link")
        check_equal(r.stderr, ("kunai: --record: %s: Too many levels of symbolic links\n" %
                               self.path("symlink.jsonl")).encode(), "stderr for --record through a symbolic link")
        check_equal(os.path.getsize(target), 0, "size of the file behind the link")
        with open(target, "w") as f:
            f.write("keep")
        r = subprocess.run([self.kunai, "run", "--no-stdout", "--output", self.path("rec-out.jsonl"),
                            "--record", self.path("linked.jsonl")], capture_output=True, timeout=10)
        check_equal((r.returncode, r.stderr.decode()),
                    (1, "kunai: --record: %s: has 2 names (hard links): refusing it\n" % self.path("linked.jsonl")),
                    "--record at a second name of another file")
        with open(target) as f:
            check_equal(f.read(), "keep", "the file behind the hard link")
        open(target, "w").close()  # (its names end in .jsonl: test_schema reads them)

    def test_cli_list_events(self):
        for argv in ([self.kunai, "--list-events"], [self.kunai, "config", "--list-events"]):
            r = subprocess.run(argv, capture_output=True, timeout=10)
            check_equal(r.returncode, 0, "exit code")
            lines = r.stdout.decode().splitlines()
            check_equal(lines[0].split(), ["id", "name", "default"], "header")
            rows = {l.split()[1]: (int(l.split()[0]), l.split()[2]) for l in lines[1:]}
            check_equal(rows["file_create"], (88, "on"), "file_create row")
            check_equal(rows["read"], (81, "off"), "read row")
            check_equal(rows["io_uring_sqe"], (100, "on"), "io_uring_sqe row")
            check_equal(rows["file_truncate"], (93, "on"), "file_truncate row")
            check_equal(rows["file_link"], (94, "on"), "file_link row")
            check_equal(rows["file_times"], (95, "on"), "file_times row")
            check_equal(rows["file_flags"], (96, "on"), "file_flags row")
            check_equal(rows["process_memory"], (97, "on"), "process_memory row")
            check_equal(len(rows), 38, "events listed")

    def test_cli_unknown_event(self):
        r = subprocess.run([self.kunai, "run", "--include", "execve,bogus"], capture_output=True, timeout=10)
        check_equal(r.returncode, 2, "exit code")
        first = r.stderr.decode().splitlines()[0]
        assert first.startswith("kunai: unknown event 'bogus'; valid names: all, execve, execve_script,"), first
        assert "file_create" in first and "io_uring_sqe" in first, first

    def all_but(self, *keep):
        """--exclude's list: every event that can be turned off, but keep
        (a sensor that loads few programs starts in seconds where the
        verifier is slow: the older kernels, under emulation)."""
        r = subprocess.run([self.kunai, "--list-events"], capture_output=True, text=True, timeout=10, check=True)
        names = [l.split()[1] for l in r.stdout.splitlines()[1:] if l.split()[2] != "always"]
        assert all(k in names for k in keep), keep
        return ",".join(n for n in names if n not in keep)

    def test_excluded_not_attached(self):
        """An excluded event type has its programs neither loaded nor
        reported: all of them but file_unlink here."""
        s = Sensor(self.kunai, self.work, ["--exclude", self.all_but("file_unlink")], name="exclude").start()
        try:
            # the programs the sensor holds: prog_id in its fds' fdinfo
            ids = set()
            fdinfo = "/proc/%d/fdinfo" % s.proc.pid
            for fd in os.listdir(fdinfo):
                try:
                    with open(os.path.join(fdinfo, fd)) as f:
                        for line in f:
                            if line.startswith("prog_id:"):
                                ids.add(int(line.split()[1]))
                except OSError:
                    pass
            out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True, timeout=30, check=True)
            import json
            names = {p.get("name") for p in json.loads(out.stdout) if p.get("id") in ids}
            # the process model's programs stay whatever is off
            for n in ("kn_exit_unlink", "kn_sched_exec", "kn_sched_fork", "kn_sched_exit"):
                assert n in names, (n, sorted(names))
            for n in ("kn_exit_openat", "kn_exit_creat", "kn_exit_mknodat", "kn_exit_fchmodat", "kn_exit_chmod",
                      "kn_fdin_fchmod", "kn_exit_connect", "kn_peer_connect", "kn_fdin_mmap", "kn_exit_execve"):
                assert n not in names, n
            p = self.path("excluded_create")
            open(p, "w").close()
            os.chmod(p, 0o700)
            os.unlink(p)
            s.wait_for(lambda e: name_is(e, "file_unlink") and e["data"]["path"] == p, "file_unlink")
            check_equal(s.find_all(lambda e: name_is(e, "file_create") or name_is(e, "file_truncate") or
                                   name_is(e, "process_memory") or name_is(e, "chmod")), [],
                        "events of excluded types")
        finally:
            rc = s.stop()
        check_equal(rc, 0, "exit code")

    def test_cli_bad_output(self):
        r = subprocess.run([self.kunai, "run", "--output", self.path("missing/dir/out.jsonl")],
                           capture_output=True, timeout=10)
        check_equal(r.returncode, 1, "exit code for an unwritable output")
        assert b"cannot open output" in r.stderr, r.stderr

    def test_throttle(self):
        """--max-eps-fs: a storm of 3000 file creates and unlinks by one
        process goes past its limit (two thirds of 300 per CPU per second):
        an error event (code 1, Kunai's message) names that process, every
        unlink is written or counted in event_loss's throttled_by_type, and
        exec events still come."""
        n, limit = 3000, 300
        s = Sensor(self.kunai, self.work,
                   ["--max-eps-fs", str(limit), "--include", "file_create,file_unlink",
                    "--exclude", self.all_but("execve", "file_create", "file_unlink")], name="throttle").start()
        try:
            d = self.path("storm")
            os.makedirs(d, exist_ok=True)
            code = ("import os,sys\nd=sys.argv[1]\nfor i in range(%d):\n    p=os.path.join(d,str(i))\n"
                    "    open(p,'w').close()\n    os.unlink(p)\n" % n)
            child = subprocess.Popen([PYTHON, "-c", code, d])
            check_equal(child.wait(60), 0, "the storm's exit code")
            err = s.wait_for(lambda e: name_is(e, "error") and e["info"]["task"]["tgid"] == child.pid, "error")
            check_equal((err["info"]["event"]["id"], err["data"]["code"], err["data"]["message"]),
                        (1000, 1, "throttle filesystem events, per task limit reached"), "the error event")
            check_equal(err["data"]["exe"]["path"], PYTHON, "the error event's exe")
            marker = copy_exe(TRUE, self.path("throttle_marker"))
            subprocess.run([marker], timeout=10)
            s.wait_for(exec_of(marker), "execve after the storm")
            deadline = time.monotonic() + 20
            while True:
                ours = len(s.find_all(lambda e: name_is(e, "file_unlink") and
                                      e["data"]["path"].startswith(d + "/")))
                throttled = sum(x["data"].get("throttled_by_type", {}).get("file_unlink", 0)
                                for x in s.find_all(lambda e: name_is(e, "event_loss")))
                if ours + throttled >= n or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert ours < n and throttled > 0, (ours, throttled)
            # every unlink is written or counted (others' unlinks in the
            # windows the storm filled could add a few to the count)
            assert n <= ours + throttled <= n + 50, (ours, throttled)
        finally:
            rc = s.stop()
        check_equal(rc, 0, "exit code")

    def test_config_file(self):
        """kunai run -c FILE: the events it lists on, the others off (as in
        Kunai, an event left out is off), its host_uuid in every event, its
        sha256 (of config --dump -c FILE) in the start event; a file others
        could write, or a bad key, stops the sensor before anything loads,
        naming the file, line and key."""
        cfg = self.path("config.yaml")
        uuid = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
        watched = self.path("watched") + "/"
        os.makedirs(watched, exist_ok=True)
        with open(watched + "conf", "w") as f:
            f.write("x")
        with open(cfg, "w") as f:
            f.write("host_uuid: %s\nsend_data_min_len: 64\nwatched_paths: [\"%s\"]\nevents:\n" % (uuid, watched) +
                    "".join("  %s:\n    enable: true\n" % n
                            for n in ("execve", "clone", "exit", "exit_group", "file_unlink", "read_config")) +
                    "  file_create:\n    enable: false\n")
        os.chmod(cfg, 0o600)
        dump = subprocess.run([self.kunai, "config", "--dump", "-c", cfg], capture_output=True, timeout=10)
        check_equal((dump.returncode, dump.stderr), (0, b""), "config --dump -c")
        assert b"\n  file_unlink:\n    enable: true\n" in dump.stdout, dump.stdout
        assert b"\n  mmap_exec:\n    enable: false\n" in dump.stdout, dump.stdout
        assert ("\nwatched_paths:\n  - \"%s\"\n" % watched).encode() in dump.stdout, dump.stdout
        s = Sensor(self.kunai, self.work, ["-c", cfg], name="config").start()
        try:
            start = s.wait_for(lambda e: name_is(e, "start"), "start")
            check_equal(start["data"]["kunai"]["config"]["sha256"], hashlib.sha256(dump.stdout).hexdigest(),
                        "config.sha256 of the start event")
            check_equal(start["info"]["host"]["uuid"], uuid, "info.host.uuid")
            marker = copy_exe(TRUE, self.path("config_marker"))
            victim = self.path("config_victim")
            subprocess.run([marker], timeout=10)
            open(victim, "w").close()
            os.unlink(victim)
            # the configuration's watched paths alone: /etc is not one here
            subprocess.run([CAT, watched + "conf", "/etc/hostname"], stdout=subprocess.DEVNULL, timeout=10)
            e = s.wait_for(exec_of(marker), "execve of the marker")
            check_equal(e["info"]["host"]["uuid"], uuid, "info.host.uuid of an execve")
            u = s.wait_for(lambda e: name_is(e, "file_unlink") and e["data"]["path"] == victim, "file_unlink")
            check_equal(u["data"]["success"], True, "file_unlink success")
            s.wait_for(lambda e: name_is(e, "read_config") and e["data"]["path"] == watched + "conf",
                       "read_config of the watched file")
            # off by the file (file_create), or by leaving it out (mmap_exec)
            time.sleep(0.5)
            check_equal([x["info"]["event"]["name"] for x in s.find_all(
                lambda x: x["info"]["event"]["name"] in ("file_create", "mmap_exec"))], [],
                "events the configuration leaves off")
            check_equal([x for x in s.find_all(lambda x: name_is(x, "read_config") and
                                               x["data"]["path"] == "/etc/hostname")], [],
                        "read_config of /etc/hostname, not watched here")
        finally:
            rc = s.stop()
        check_equal(rc, 0, "exit code")
        os.chmod(cfg, 0o620)
        r = subprocess.run([self.kunai, "run", "-c", cfg], capture_output=True, timeout=10)
        check_equal((r.returncode, r.stderr.decode()),
                    (1, "kunai: %s: writable by its group (mode 0620): refusing it (chmod go-w)\n" % cfg),
                    "a configuration its group can write")
        with open(cfg, "w") as f:
            f.write("output:\n  path: /dev/stdout\n  rotation: 1\n")
        os.chmod(cfg, 0o600)
        for argv in ([self.kunai, "run", "-c", cfg], [self.kunai, "config", "--validate", cfg]):
            r = subprocess.run(argv, capture_output=True, timeout=10)
            check_equal((r.returncode, r.stderr.decode()),
                        (1, "kunai: %s:3:3: output.rotation: unknown key (known here: path, rotate_size, "
                            "rotate_interval, max_size, buffered, paths, queue_size)\n" % cfg), " ".join(argv[1:3]))

    # ---- process events, one sensor ------------------------------------------

    def test_exec_argv(self, s):
        marker = copy_exe(TRUE, self.path("marker"))
        args = [marker.encode(), b"two words", b'say "hi"', b"line\nbreak", b"\xff\xfe\x80 bytes",
                b"A" * (100 * 1024)]
        p = self.spawn(args)
        p.wait(10)
        e = s.wait_for(exec_of(marker), "execve of marker")
        d = e["data"]
        check_equal(decode(d["command_line"]), b" ".join(args), "command_line")
        check_equal(d["argc"], len(args), "argc")
        assert "command_line_truncated" not in d, d.keys()
        check_equal(d["exe"], file_object(marker), "exe")
        check_equal(d["parent_exe"], PYTHON, "parent_exe")
        check_equal(d["cwd"], os.path.realpath(os.getcwd()), "cwd")
        check_equal(e["info"]["event"]["id"], 1, "event id")
        check_equal(e["info"]["task"]["tgid"], p.pid, "task.tgid")
        check_equal(e["info"]["task"]["pid"], p.pid, "task.pid")
        check_equal(e["info"]["task"]["name"], "marker", "task.name")
        check_equal(e["info"]["parent_task"]["tgid"], os.getpid(), "parent_task.tgid")
        assert d["ancestors"].endswith("|" + PYTHON), d["ancestors"]

    def test_exec_argv_truncated(self, s):
        marker = copy_exe(TRUE, self.path("marker_big"))
        args = [marker.encode(), b"B" * (100 * 1024), b"C" * (100 * 1024)]
        p = self.spawn(args)
        p.wait(10)
        e = s.wait_for(exec_of(marker), "execve of marker_big")
        d = e["data"]
        check_equal(d.get("command_line_truncated"), True, "command_line_truncated")
        check_equal(decode(d["command_line"]), b" ".join(args)[:ARGV_MAX], "truncated command_line")

    def test_exec_script(self, s):
        script = self.path("script.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(script, 0o755)
        p = self.spawn(["./script.sh", "arg1"], cwd=self.work)
        p.wait(10)
        e = s.wait_for(exec_of(script, "execve_script"), "execve_script")
        d = e["data"]
        check_equal(e["info"]["event"]["id"], 2, "event id")
        check_equal(d["exe"], file_object(script), "exe (the script)")
        check_equal(d["interpreter"], file_object(SH), "interpreter")
        check_equal(d["command_line"], "/bin/sh ./script.sh arg1", "command_line")
        check_equal(d["cwd"], self.work, "cwd")
        check_equal(e["info"]["task"]["tgid"], p.pid, "task.tgid")

    def test_exec_script_fexecve(self, s):
        """A script run through its fd (fexecve): the kernel names it
        /dev/fd/N; its digests are of the process's fd N, not the sensor's."""
        script = self.path("fexec.sh")
        body = "#!/bin/sh\nsleep 2 # fexecve\n"
        with open(script, "w") as f:
            f.write(body)
        os.chmod(script, 0o755)
        fd = os.open(script, os.O_RDONLY)
        os.set_inheritable(fd, True)  # the interpreter opens /dev/fd/N
        try:
            pid = os.fork()
            if pid == 0:
                try:
                    os.execve(fd, ["fexec.sh"], {"PATH": "/usr/bin:/bin"})
                finally:
                    os._exit(127)
        finally:
            os.close(fd)
        try:
            e = s.wait_for(of_pid("execve_script", pid), "execve_script through fexecve")
            check_equal(e["data"]["exe"], file_object("/dev/fd/%d" % fd, body.encode()), "exe (the script's fd)")
            check_equal(e["data"]["interpreter"], file_object(SH), "interpreter")
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)

    def test_exec_script_mount_ns(self, s):
        """A script whose path, as its process sees it, is another file than
        the same path seen by the sensor: through another root (chroot), and
        where user namespaces can be had, through a bind mount in another
        mount namespace. The digests are of the file the process ran."""
        name = "/tmp/kn-e2e-view-%d.sh" % os.getpid()
        host_body, other_body = "#!/bin/sh\nread x # host\n", "#!/bin/sh\nread x # other\n"
        # another root: the script and a shell inside it
        root = self.path("view_root")
        for d in ("tmp", "bin", "lib", "lib64", "usr/lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        shutil.copy(SH, os.path.join(root, "bin/sh"))
        out = subprocess.run(["ldd", SH], capture_output=True, text=True, timeout=10).stdout
        for lib in [w for w in out.split() if w.startswith("/")]:
            dst = os.path.join(root, lib.lstrip("/"))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy(lib, dst)
        with open(root + name, "w") as f:
            f.write(other_body)
        os.chmod(root + name, 0o755)
        with open(name, "w") as f:
            f.write(host_body)
        os.chmod(name, 0o755)
        try:
            p = self.spawn([name], preexec_fn=lambda: (os.chroot(root), os.chdir("/")), stdin=subprocess.PIPE)
            try:
                e = s.wait_for(lambda e: name_is(e, "execve_script") and e["info"]["task"]["tgid"] == p.pid,
                               "execve_script in another root")
                check_equal(e["data"]["exe"], file_object(name, other_body.encode()), "exe (the file in its root)")
            finally:
                p.kill()
                p.wait(10)
            # a script there that is gone before it can be hashed: never the
            # digests of the host's file at its path
            quick = "#!/bin/sh\nexit 0 # quick\n"
            with open(root + name, "w") as f:
                f.write(quick)
            with open(name, "w") as f:
                f.write(host_body + "# host, quick\n")
            p = self.spawn([name], preexec_fn=lambda: (os.chroot(root), os.chdir("/")))
            p.wait(10)
            e = s.wait_for(lambda e: name_is(e, "execve_script") and e["info"]["task"]["tgid"] == p.pid,
                           "execve_script of a quick script in another root")
            got = e["data"]["exe"]
            if got["sha256"] == "":
                check_equal(got["error"], "process gone: its files cannot be reached", "why no digests")
            else:
                check_equal(got, file_object(name, quick.encode()), "exe (the file in its root)")
            with open(name, "w") as f:
                f.write(host_body)
            # a bind mount in a mount namespace of its own (with a user
            # namespace: its mounts are slaves, nothing leaks out); a chroot
            # cannot make user namespaces: the root case above stands alone
            other = self.path("ns_other.sh")
            with open(other, "w") as f:
                f.write(other_body.replace("other", "bind"))
            os.chmod(other, 0o755)
            probe = subprocess.run(["unshare", "--user", "--map-root-user", "true"], capture_output=True, timeout=10)
            if probe.returncode == 0:
                p = self.spawn(["unshare", "--user", "--map-root-user", "--mount", "--propagation", "unchanged",
                                SH, "-c", 'mount --bind "$1" "$2" && exec "$2"', "sh", other, name],
                               stdin=subprocess.PIPE)
                try:
                    e = s.wait_for(lambda e: name_is(e, "execve_script") and e["data"]["exe"]["path"] == name and
                                   e["info"]["task"]["tgid"] == p.pid, "execve_script in another mount namespace")
                    check_equal(e["data"]["exe"], file_object(name, other_body.replace("other", "bind").encode()),
                                "exe (the bind-mounted file)")
                finally:
                    p.kill()
                    p.wait(10)
            else:
                print("  (no user namespace here: %s; the other root alone)" % probe.stderr.decode().strip())
            check_equal(open(name).read(), host_body, "the host's file, untouched")
        finally:
            os.unlink(name)

    def test_exec_deep_path(self, s):
        deep = os.path.join(self.work, *(["d"] * 150))
        os.makedirs(deep)
        marker = copy_exe(TRUE, os.path.join(deep, "deep_marker"))
        p = self.spawn([marker])
        p.wait(10)
        e = s.wait_for(exec_of(marker), "execve at a 150-component path")
        check_equal(e["data"]["exe"], file_object(marker), "exe of 150 components")

    def test_exec_path_truncated(self, s):
        # 20 components of 250 bytes: longer than PATH_MAX, reached by cd.
        comps = [("%02d" % i) + "x" * 248 for i in range(20)]
        fd = os.open(self.work, os.O_RDONLY | os.O_DIRECTORY)
        for c in comps:
            os.mkdir(c, dir_fd=fd)
            nfd = os.open(c, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nfd
        with open(TRUE, "rb") as src:
            out = os.open("long_marker", os.O_WRONLY | os.O_CREAT, 0o755, dir_fd=fd)
            os.write(out, src.read())
            os.close(out)
        os.close(fd)
        d = os.path.join(self.work, *comps)

        def descend():
            os.chdir(self.work)
            for c in comps:
                os.chdir(c)

        p = self.spawn(["./long_marker"], preexec_fn=descend)
        p.wait(10)
        e = s.wait_for(lambda e: name_is(e, "execve") and e["data"]["exe"]["path"].endswith("/long_marker"),
                       "execve of a path longer than 4096 bytes")
        exe = e["data"]["exe"]
        check_equal(exe.get("truncated"), True, "exe.truncated")
        full = os.path.join(d, "long_marker")
        assert len(full) > 4096
        assert full.endswith(exe["path"]), exe["path"][:80]
        assert 4000 < len(exe["path"]) <= 4095, len(exe["path"])
        # its cwd is cut too, and says so
        check_equal(e["data"].get("cwd_truncated"), True, "cwd_truncated")
        assert d.endswith(e["data"]["cwd"]), e["data"]["cwd"][:80]
        # a script named relative to that cwd: its path is cut
        with open(os.path.join(self.work, "short_script.sh"), "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(os.path.join(self.work, "short_script.sh"), 0o755)
        subprocess.run([SH, "-c", 'ln -s "$1" s.sh', "sh", os.path.join(self.work, "short_script.sh")],
                       preexec_fn=descend, check=True, timeout=10)
        p = self.spawn(["./s.sh"], preexec_fn=descend)
        p.wait(10)
        e = s.wait_for(lambda e: name_is(e, "execve_script") and e["info"]["task"]["tgid"] == p.pid,
                       "execve_script named relative to a cut cwd")
        check_equal(e["data"]["exe"].get("truncated"), True, "script exe.truncated")
        assert e["data"]["exe"]["path"].endswith("/s.sh"), e["data"]["exe"]["path"][-40:]

    def test_exec_fileless(self, s):
        """Fileless execution: a memfd, and a file unlinked before its exec
        through its fd. The exe says so (deleted), and is hashed through the
        kernel's own reference while the process lives."""
        with open(SLEEP, "rb") as f:
            image = f.read()
        mfd = os.memfd_create("kn-e2e-fileless", 0)
        os.write(mfd, image)
        gone = copy_exe(SLEEP, self.path("gone_before_exec"))
        gfd = os.open(gone, os.O_RDONLY)
        os.unlink(gone)
        pids = []
        try:
            for fd, argv0 in ((mfd, "fileless-memfd"), (gfd, "fileless-unlinked")):
                pid = os.fork()
                if pid == 0:
                    try:
                        os.execve(fd, [argv0, "60"], {})
                    finally:
                        os._exit(127)
                pids.append(pid)
            os.close(mfd)
            os.close(gfd)
            e = s.wait_for(of_pid("execve", pids[0]), "execve of a memfd")
            check_equal(e["data"]["exe"], file_object("/memfd:kn-e2e-fileless", image, deleted=True), "exe of a memfd")
            check_equal(e["data"]["command_line"], "fileless-memfd 60", "command_line")
            e = s.wait_for(of_pid("execve", pids[1]), "execve of an unlinked file")
            check_equal(e["data"]["exe"], file_object(gone, image, deleted=True), "exe of an unlinked file")
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)

    def test_fork(self, s):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        e = s.wait_for(lambda e: name_is(e, "clone") and e["info"]["task"]["tgid"] == pid, "clone")
        check_equal(e["info"]["event"]["id"], 6, "event id")
        check_equal(e["info"]["task"]["pid"], pid, "task.pid")
        check_equal(e["info"]["parent_task"]["tgid"], os.getpid(), "parent_task.tgid")
        # glibc's fork: clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID |
        # SIGCHLD); the flags as the kernel took them, the signal apart
        check_equal(e["data"]["flags"], "0x%x" % (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID), "flags")
        check_equal(e["data"]["exe"], {"path": PYTHON}, "exe")
        x = s.wait_for(of_pid("exit_group", pid), "exit_group of the fork child")
        check_equal(x["data"]["error_code"], 0, "error_code")
        # posix_spawn: clone3(CLONE_VM | CLONE_VFORK), exit signal SIGCHLD
        marker = copy_exe(TRUE, self.path("spawned_true"))
        pid = os.posix_spawn(marker, [marker], {})
        os.waitpid(pid, 0)
        e = s.wait_for(lambda e: name_is(e, "clone") and e["info"]["task"]["tgid"] == pid, "clone of posix_spawn")
        check_equal(e["data"]["flags"], "0x%x" % (CLONE_VM | CLONE_VFORK), "flags of a vfork")

    def test_thread(self, s):
        ids = []
        t = threading.Thread(target=lambda: ids.append(threading.get_native_id()))
        t.start()
        t.join()
        tid = ids[0]
        c = s.wait_for(lambda e: name_is(e, "clone") and e["info"]["task"]["pid"] == tid, "clone of a thread")
        check_equal(c["info"]["task"]["tgid"], os.getpid(), "thread tgid")
        # glibc's pthread_create: clone3 with these flags
        check_equal(c["data"]["flags"], "0x%x" % THREAD_FLAGS, "flags of a thread")
        x = s.wait_for(lambda e: name_is(e, "exit") and e["info"]["task"]["pid"] == tid, "exit of a thread")
        check_equal(x["info"]["event"]["id"], 4, "event id")
        check_equal(x["info"]["task"]["tgid"], os.getpid(), "thread tgid")
        groups = s.find_all(lambda e: name_is(e, "exit_group") and e["info"]["task"]["tgid"] == os.getpid())
        check_equal(groups, [], "exit_group of the test process")

    def test_exit_code(self, s):
        sh = copy_exe(SH, self.path("exit_sh"))
        p = self.spawn([sh, "-c", "exit 3"])
        check_equal(p.wait(10), 3, "shell exit status")
        e = s.wait_for(of_pid("exit_group", p.pid), "exit_group")
        d = e["data"]
        check_equal(e["info"]["event"]["id"], 5, "event id")
        check_equal(d["error_code"], 3, "error_code")
        assert "signal" not in d, d
        check_equal(d["exe"], {"path": sh}, "exe")
        check_equal(d["command_line"], sh + " -c exit 3", "command_line")

    def test_killed(self, s):
        sl = copy_exe(SLEEP, self.path("kill_sleep"))
        p = self.spawn([sl, "60"])
        s.wait_for(exec_of(sl), "execve of the victim")
        os.kill(p.pid, signal.SIGKILL)
        p.wait(10)
        e = s.wait_for(of_pid("exit_group", p.pid), "exit_group of a killed process")
        d = e["data"]
        check_equal(d["signal"], "SIGKILL", "signal")
        check_equal(d["error_code"], 0, "error_code")
        check_equal(d["core_dumped"], False, "core_dumped")

    def test_ancestry_chain(self, s):
        a = copy_exe(SH, self.path("a_sh"))
        b = copy_exe(SH, self.path("b_sh"))
        c = copy_exe(TRUE, self.path("c_true"))
        inner = '%s -c "%s; exit 0"; exit 0' % (b, c)
        p = self.spawn([a, "-c", inner])
        p.wait(10)
        e = s.wait_for(exec_of(c), "execve of the third level")
        d = e["data"]
        check_equal(d["parent_exe"], b, "parent_exe")
        check_equal(d["parent_command_line"], "%s -c %s; exit 0" % (b, c), "parent_command_line")
        check_equal(d["ancestors"].split("|")[-3:], [PYTHON, a, b], "ancestors")
        check_equal(e["info"]["parent_task"]["name"], "b_sh", "parent_task.name")
        eb = s.wait_for(exec_of(b), "execve of the second level")
        check_equal(eb["data"]["parent_exe"], a, "second level parent_exe")
        check_equal(eb["data"]["parent_command_line"], "%s -c %s" % (a, inner), "second level parent_command_line")

    def test_orphan_and_reused_pid(self, s):
        """An orphan (its parent exited) keeps its ancestry, and the pid of
        its dead parent, reused by an unrelated process, lends it nothing."""
        sh = copy_exe(SH, self.path("orph_sh"))
        marker = copy_exe(TRUE, self.path("orph_marker"))
        reuser = copy_exe(SLEEP, self.path("pid_reuser"))
        helper = self.build_helper("settid")
        # the subshell outlives sh, waits for its parent's pid to be reused,
        # then execs the marker
        flag = self.path("orph_go")
        p = self.spawn([sh, "-c", '(while [ ! -e "$1" ]; do sleep 0.05; done; exec "$2") & echo $!; exit 0',
                        "sh", flag, marker], stdout=subprocess.PIPE)
        orphan = int(p.stdout.readline())
        p.wait(10)
        q = p.pid
        s.wait_for(lambda e: name_is(e, "exit_group") and e["info"]["task"]["tgid"] == q, "exit of the parent")
        r = self.spawn([helper, str(q), reuser, "5"], stderr=subprocess.PIPE)
        try:
            e = s.wait_for(lambda e: name_is(e, "execve") and e["data"]["exe"]["path"] == reuser, "the pid reused")
            check_equal(e["info"]["task"]["tgid"], q, "the reusing process's pid")
            open(flag, "w").close()
            e = s.wait_for(exec_of(marker), "execve of the orphan")
            d = e["data"]
            check_equal(e["info"]["task"]["tgid"], orphan, "orphan pid")
            check_equal(d["parent_exe"], sh, "parent_exe (its parent, exited)")
            check_equal(d["ancestors"].split("|")[-2:], [PYTHON, sh], "ancestors")
            e = s.wait_for(lambda e: name_is(e, "exit_group") and e["info"]["task"]["tgid"] == orphan,
                           "exit of the orphan")
            check_equal(e["data"]["ancestors"].split("|")[-2:], [PYTHON, sh], "ancestors at exit")
        finally:
            r.kill()
            r.wait(10)

    def test_preexisting_parent(self, s, pre, pre_sh, after):
        pre.stdin.write(b"go\n")
        pre.stdin.flush()
        pre.wait(10)
        e = s.wait_for(exec_of(after), "execve under a process started before the sensor")
        d = e["data"]
        check_equal(d["parent_exe"], pre_sh, "parent_exe")
        check_equal(d["parent_command_line"], '%s -c read x; "$0"; exit 0 %s' % (pre_sh, after),
                    "parent_command_line")
        check_equal(e["info"]["parent_task"]["tgid"], pre.pid, "parent_task.tgid")
        assert d["ancestors"].endswith("|%s|%s" % (PYTHON, pre_sh)), d["ancestors"]

    def test_memory_flat(self, s):
        """Entries of dead processes are freed: resident memory does not
        grow with the number of processes that came and went. Each process
        has a 4 KiB command line: 2000 kept entries would be 8 MiB."""
        marker = copy_exe(TRUE, self.path("flat_marker"))
        arg = "M" * 4096

        def storm_and_rss(n):
            p = self.spawn([SH, "-c", "i=0; while [ $i -lt %d ]; do %s %s; i=$((i+1)); done" % (n, marker, arg)])
            p.wait(120)
            s.wait_count(exec_of(marker), storm_and_rss.total + n, "execve of the storm", timeout=30)
            storm_and_rss.total += n
            with open("/proc/%d/status" % s.proc.pid) as f:
                return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        storm_and_rss.total = 0
        storm_and_rss(1000)  # warm up: buffers reach their working size
        first = storm_and_rss(2000)
        second = storm_and_rss(2000)
        assert second - first < 2048, "RSS grew by %d KiB over 2000 processes (%d -> %d)" % (
            second - first, first, second)

    def test_own_events_absent(self, s):
        # start and event_loss are the sensor's own reports, nothing it did
        own = s.find_all(lambda e: e["info"]["task"]["tgid"] == s.proc.pid and not name_is(e, "start") and
                         not name_is(e, "event_loss"))
        check_equal(own, [], "events of the sensor itself")

    def test_stop_mid_storm(self, s):
        """SIGTERM during an exec storm: exit 0, every line whole, and every
        event written has its process's context (the process probes are
        detached last)."""
        inner = copy_exe(SH, self.path("storm_sh"))
        d = self.path("storm")
        os.mkdir(d)
        # each inner shell signals itself: kill is among the last probes
        # in the object, so its events come till the end of the detach
        storm = self.spawn([SH, "-c", 'i=0; while [ $i -lt 3000 ]; do "$1" -c ": > $2/f.\\$\\$; kill -CONT \\$\\$"; '
                            'i=$((i+1)); done', "sh", inner, d])
        time.sleep(0.5)
        rc = s.stop()
        storm.kill()
        storm.wait()
        check_equal(rc, 0, "exit code after SIGTERM")
        with open(s.out, "rb") as f:
            data = f.read()
        check_equal(data[-1:], b"\n", "last byte of the output")
        import json
        for i, line in enumerate(data.split(b"\n")[:-1]):
            try:
                json.loads(line)
            except ValueError:
                raise AssertionError("line %d is not whole JSON: %r" % (i + 1, line[:120]))
        check_equal(stat.S_IMODE(os.stat(s.out).st_mode), 0o600, "output file mode")
        assert len(s.find_all(lambda e: name_is(e, "execve"))) > 10
        made = s.find_all(lambda e: name_is(e, "file_create") and e["data"]["path"].startswith(d + "/"))
        kills = s.find_all(lambda e: name_is(e, "kill") and e["data"]["signal"] == "SIGCONT" and
                           e["data"]["target"]["task"]["pid"] == e["info"]["task"]["tgid"])
        # (few under software emulation: each process takes milliseconds)
        assert len(made) >= 3 and len(kills) >= 3, (len(made), len(kills))
        for e in made + kills:
            check_equal((e["data"]["exe"]["path"], (e["data"]["command_line"] or "").split(" ")[0]), (inner, inner),
                        "exe and command_line of %s of pid %d" % (e["info"]["event"]["name"], e["info"]["task"]["tgid"]))

    def test_stuck_stdout(self):
        """A pipe on stdout that nobody reads: the sensor keeps taking
        events (the file output gets them all), counts what stdout dropped,
        and still stops cleanly."""
        out = self.path("stuck.jsonl")
        k = subprocess.Popen([self.kunai, "run", "--output", out, "--output-queue", "1"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.children.append(k)
        s = Sensor(self.kunai, self.work)
        s.proc, s.out = k, out
        deadline = time.monotonic() + 30
        while not os.path.exists(out) and time.monotonic() < deadline:
            time.sleep(0.05)
        s.wait_for(lambda e: name_is(e, "start"), "start")
        marker = copy_exe(TRUE, self.path("stuck_marker"))
        n = 1500
        storm = self.spawn([SH, "-c", "i=0; while [ $i -lt %d ]; do %s; i=$((i+1)); done" % (n, marker)])
        storm.wait(120)
        e = s.wait_for(lambda e: name_is(e, "event_loss") and e["data"]["output_dropped"].get("stdout", 0) > 0,
                       "event_loss with lines dropped by stdout", timeout=20)
        check_equal(set(e["data"]["output_dropped"]), {"stdout"}, "outputs that dropped lines")

        def accounted():
            losses = s.find_all(lambda x: name_is(x, "event_loss"))
            lost = sum(x["data"]["lost_by_type"].get("execve", 0) for x in losses)
            return len(s.find_all(exec_of(marker))) + lost
        deadline = time.monotonic() + 20
        while accounted() < n and time.monotonic() < deadline:
            time.sleep(0.2)
        check_equal(accounted(), n, "execve in the file output, or counted lost in the kernel")
        t0 = time.monotonic()
        rc = s.stop(timeout=30)
        check_equal(rc, 0, "exit code with a stuck stdout")
        assert time.monotonic() - t0 < 25, time.monotonic() - t0
        k.stdout.close()

    def test_sighup_reopens(self, s):
        """Log rotation: the output is moved away, SIGHUP, and events go to a
        new file of the same name (0600), the moved one keeping the old.
        (Run last on a sensor whose tests are done: its output moves.)"""
        rotated = s.out + ".1"
        os.rename(s.out, rotated)
        os.kill(s.proc.pid, signal.SIGHUP)
        deadline = time.monotonic() + 10
        while not os.path.exists(s.out) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert os.path.exists(s.out), "no new output after SIGHUP"
        check_equal(stat.S_IMODE(os.stat(s.out).st_mode), 0o600, "mode of the reopened output")
        marker = copy_exe(TRUE, self.path("rotate_marker"))
        subprocess.run([marker], timeout=10)
        fresh = Sensor(self.kunai, self.work)
        fresh.proc, fresh.out = s.proc, s.out
        fresh.wait_for(exec_of(marker), "execve in the reopened output")
        with open(rotated) as f:
            old = f.read()
        assert '"name":"start"' in old and "rotate_marker" not in old, "the rotated file"
        check_equal(s.proc.poll(), None, "sensor still running after SIGHUP")

    def test_record(self, records, out, marker_ran):
        """--record saves every record the sensor read, as it came: a private
        file, the header of this build's layout, then length and bytes; as
        many execve records as the output has execve events, the exec of a
        test's marker among them with its argv."""
        check_equal(stat.S_IMODE(os.stat(records).st_mode), 0o600, "mode of the records")
        with open(records, "rb") as f:
            data = f.read()
        head = data[:64]
        assert head.startswith(b"KUNAI-RECORDS 2 ") and head.endswith(b"\n"), head
        at, types, marker = 64, {}, 0
        while at < len(data):
            assert at + 8 <= len(data), "a cut length at %d" % at
            n = int.from_bytes(data[at:at + 4], "little")
            rec = data[at + 8:at + 8 + n]
            check_equal(len(rec), n, "bytes of the record at %d" % at)
            rtype, size = int.from_bytes(rec[0:4], "little"), int.from_bytes(rec[4:8], "little")
            check_equal(size, n, "the record's own size at %d" % at)
            types[rtype] = types.get(rtype, 0) + 1
            if rtype == 0 and b"rotate_marker\0" in rec:
                marker += 1
            at += 8 + (n + 7) // 8 * 8
        check_equal(at, len(data), "end of the last record")
        events = []
        for name in (out + ".1", out):  # (test_sighup_reopens moved the first part aside)
            if os.path.exists(name):
                with open(name) as f:
                    events += [json.loads(l) for l in f]
        written = sum(1 for e in events if e["info"]["event"]["name"] in ("execve", "execve_script"))
        check_equal(types.get(0, 0) + types.get(1, 0), written, "execve records against execve events written")
        if marker_ran:  # (test_sighup_reopens execs it)
            check_equal(marker, 1, "records of the marker's exec")
        assert len(types) >= 5, types

    def test_check(self):
        """kunai check loads every probe, does the action behind each event
        itself and reports a table: every event this kernel can support
        fired, the others say why not."""
        r = subprocess.run([self.kunai, "check"], capture_output=True, timeout=300)
        out = r.stdout.decode()
        check_equal((r.returncode, r.stderr), (0, b""), "exit code, stderr:\n" + out)
        lines = out.splitlines()
        check_equal(lines[0], "kunai 0.1.0 check: what this kernel lets the sensor see", "first line")
        head = {l.split()[0]: l.split(None, 1)[1] for l in lines[2:9] if l.strip()}
        check_equal(sorted(head), ["btf", "helpers", "io_uring", "kernel", "lsm", "object", "probes"], "report lines")
        # the object tier: paths, targets, peers from the kernel's hooks where fentry works
        obj = head["object"].startswith("yes")
        assert obj or head["object"].startswith("no: "), head["object"]
        if self.require_object_tier:
            assert obj, "the object tier is required here: " + head["object"]
        assert head["kernel"].startswith(os.uname().release + " " + os.uname().machine), head["kernel"]
        assert head["btf"].startswith("/sys/kernel/btf/vmlinux ("), head["btf"]
        i = lines.index(next(l for l in lines if l.startswith("event ")))
        check_equal(lines[i].split(), ["event", "id", "tier", "loaded", "attached", "fired", "note"], "table header")
        rows = {}
        for l in lines[i + 1:]:
            if not l.strip():
                break
            f = l.split(None, 6)
            rows[f[0]] = f
        names = subprocess.run([self.kunai, "--list-events"], capture_output=True, timeout=10, check=True)
        kinds = [l.split() for l in names.stdout.decode().splitlines()[1:]]
        want = {k[1]: int(k[0]) for k in kinds if k[2] != "always"}
        check_equal(sorted(rows), sorted(want), "one row per event type")
        fired = 0
        for name, f in rows.items():
            check_equal(int(f[1]), want[name], "id of %s" % name)
            if f[4] == "yes" and f[5] == "-":
                # an action the kernel's policy refuses (io_uring disabled)
                assert len(f) == 7 and f[6].startswith("cannot happen here: "), f
            elif f[4] == "yes":
                check_equal(f[5], "yes", "%s attached but did not fire: %s" % (name, f))
                fired += 1
            else:
                # only a hook this kernel lacks, with its reason
                assert len(f) == 7 and "none of its hooks" in f[6], f
        for name in ("execve", "execve_script", "exit", "exit_group", "clone"):
            check_equal(rows[name][2:6], ["tracepoint", "yes", "yes", "yes"], "row of " + name)
        # on the object tier, each of these has its hook where the kernel
        # has the function (all of them on the 6.x kernels required here)
        for name in ("file_rename", "file_unlink", "chmod", "chown", "mount"):
            tiers = ["object"] if self.require_object_tier else ["object", "syscall"] if obj else ["syscall"]
            assert rows[name][2] in tiers, (name, rows[name])
            check_equal(rows[name][3:6], ["yes", "yes", "yes"], "row of " + name)
        modules = os.path.exists("/proc/modules")
        check_equal(rows["init_module"][5], "yes" if modules else "-", "init_module fired (modules: %s)" % modules)
        summary = [l for l in lines if " events this kernel supports fired; " in l]
        check_equal(summary, ["%d of %d events this kernel supports fired; %d cannot happen on this kernel; 0 failed."
                              % (fired, fired, len(rows) - fired)], "summary")
        self.check_summary = summary
        self.check_left_nothing()

    def test_schema(self, work, whole):
        """Every event the suite's sensors wrote, checked against Kunai's
        format (tests/schema: Kunai's fields, types and spellings, and
        the additions listed as ours): no other difference."""
        files = []
        for root, _, names in os.walk(work):
            files += [os.path.join(root, n) for n in names if ".jsonl" in n]
        rep = schema.check_files(files)
        kinds = rep.names
        print("  %d events of %d types in %d files" % (rep.events, len(kinds), len(files)))
        # (what the whole suite makes: most of the catalogue, many times
        # over; -k runs part of it)
        if whole:
            assert rep.events > 1000 and len(kinds) >= 25, (rep.events, sorted(kinds))
        lines = rep.text()
        for line in lines:
            print("  " + line)
        check_equal(len(lines), 0, "differences from Kunai's format (above)")

    def check_left_nothing(self):
        # nothing left behind: the work directory, the mounts
        left = [d for d in os.listdir("/tmp") if d.startswith("kunai-check.")]
        check_equal(left, [], "work directories left in /tmp")
        with open("/proc/self/mounts") as m:
            check_equal([l for l in m if "kunai-check" in l], [], "mounts left")

    def test_check_pid_namespace(self):
        """In a PID namespace of its own, the check finds its actions by the
        ids the kernel gives them: the same summary as test_check's."""
        summary = getattr(self, "check_summary", None)
        if not summary:
            raise Skip("test_check did not pass before it: its summary is what this compares")
        r = subprocess.run(["unshare", "--pid", "--fork", self.kunai, "check"], capture_output=True,
                           timeout=300)
        check_equal(r.returncode, 0, "exit code in a PID namespace:\n" + r.stdout.decode())
        check_equal([l for l in r.stdout.decode().splitlines() if " events this kernel supports fired; " in l],
                    summary, "summary in a PID namespace")
        self.check_left_nothing()

    def test_write_close_not_evicted(self):
        """A file written, then 90000 other files read before it is closed:
        the reads' first-seen entries (read_config is on by default) churn
        their LRU map, and the written file's close is still reported."""
        d = self.path("many")
        os.mkdir(d)
        n = 90000
        for i in range(n):
            os.close(os.open(os.path.join(d, "%05d" % i), os.O_WRONLY | os.O_CREAT, 0o600))
        s = Sensor(self.kunai, self.work, ["--include", "write_close"], name="evict").start()
        try:
            w = self.path("written_first")
            fd = os.open(w, os.O_WRONLY | os.O_CREAT, 0o600)
            os.write(fd, b"x")
            for i in range(n):
                r = os.open(os.path.join(d, "%05d" % i), os.O_RDONLY)
                os.read(r, 1)
                os.close(r)
            os.close(fd)
            e = s.wait_for(lambda e: name_is(e, "write_close") and e["data"]["path"] == w, "write_close")
            check_equal(e["info"]["task"]["tgid"], os.getpid(), "tgid")
        finally:
            rc = s.stop()
            shutil.rmtree(d)
        check_equal(rc, 0, "exit code")

    def test_event_loss(self):
        """A stopped reader and a 1 MiB ring buffer: losses are counted per
        type and reported, never silent."""
        s = Sensor(self.kunai, self.work, ["--ringbuf-size", "1", "--exclude", self.all_but("execve")], name="loss")
        with open(s.out, "w") as f:  # an existing output of ours, too open
            os.fchmod(f.fileno(), 0o644)
        s.start()
        try:
            check_equal(stat.S_IMODE(os.stat(s.out).st_mode), 0o600, "mode of an existing output")
            marker = copy_exe(TRUE, self.path("loss_marker"))
            n = 40
            os.kill(s.proc.pid, signal.SIGSTOP)
            try:
                for _ in range(n):
                    subprocess.run([marker, "L" * (120 * 1024)], timeout=10)
            finally:
                os.kill(s.proc.pid, signal.SIGCONT)
            e = s.wait_for(lambda e: name_is(e, "event_loss"), "event_loss")
            check_equal(e["info"]["event"]["id"], 1100, "event id")
            # every exec is written (an execve may wait for its digests) or
            # counted lost
            deadline = time.monotonic() + 20
            while True:
                losses = s.find_all(lambda e: name_is(e, "event_loss"))
                lost_exec = sum(x["data"]["lost_by_type"].get("execve", 0) for x in losses)
                seen = len(s.find_all(exec_of(marker)))
                if seen + lost_exec >= n or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            for x in losses:
                check_equal(x["data"]["lost"], sum(x["data"]["lost_by_type"].values()), "lost == sum of lost_by_type")
            assert lost_exec >= 1, lost_exec
            assert seen < n, seen
            assert seen + lost_exec >= n, (seen, lost_exec)
        finally:
            rc = s.stop()
        check_equal(rc, 0, "exit code")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kunai", required=True)
    ap.add_argument("-k", dest="only", action="append", default=None,
                    help="run the tests whose name contains this (repeatable: any of them)")
    ap.add_argument("--skip", action="append", default=[], help="do not run this test (repeatable)")
    ap.add_argument("--require-object-tier", action="store_true",
                    help="fail unless the kernel allows the object tier (fentry) and the sensor uses it")
    ap.add_argument("--keep-outputs", metavar="DIR",
                    help="copy what the sensors wrote (*.jsonl) into DIR before the work directory goes")
    ap.add_argument("--races-once", action="store_true",
                    help="run the racing tests (test_*racing*: hundreds of calls each) in the first catalogue pass "
                         "only, not again in the later passes (the test VMs: seconds each under emulation)")
    ap.add_argument("--helper-combos", action="store_true",
                    help="also run the event tests with the fallbacks of older kernels forced (--no-helper)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("the end-to-end tests load probes: run them as root")
        return 1
    kunai = os.path.abspath(args.kunai)
    signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError("suite timeout")))
    signal.alarm(SUITE_TIMEOUT)
    Suite.require_object_tier = args.require_object_tier
    k = subprocess.run([kunai, "check", "--kernel-only"], capture_output=True, text=True, timeout=60)
    print(k.stdout, end="")
    head = {}
    for line in k.stdout.splitlines():
        key, _, value = line.strip().partition(" ")
        head[key] = value.strip()
    if k.returncode != 0 or "object" not in head or "helpers" not in head:
        print("kunai check --kernel-only failed (%d): %s" % (k.returncode, k.stderr))
        return 1
    Suite.object_tier = head["object"].startswith("yes")
    Suite.task_pt_regs = "bpf_task_pt_regs yes" in head["helpers"]
    if args.require_object_tier and not Suite.object_tier:
        print("the object tier is required here: " + head["object"])
        return 1
    work = os.path.realpath(tempfile.mkdtemp(prefix="kunai-e2e-", dir="/tmp"))
    tracefs_before = os.path.exists("/sys/kernel/tracing/events")
    suite = Suite(kunai, work)
    suites = [suite]
    r = Runner()
    sensor = None

    def want(name):
        if name in args.skip:
            print("SKIP %s: --skip" % name)
            r.skipped += 1
            return False
        return args.only is None or any(o in name for o in args.only)

    try:
        for name in ["test_cli_help_version", "test_cli_usage_errors", "test_cli_not_root", "test_cli_bad_output",
                     "test_cli_output_refused", "test_cli_list_events", "test_cli_unknown_event",
                     "test_excluded_not_attached"]:
            if want(name):
                r.run(name, getattr(suite, name))
        # A home directory that exists before the sensors start.
        os.makedirs(catalogue.E2E_HOME, exist_ok=True)
        # A process that exists before the sensor starts.
        pre_sh = copy_exe(SH, suite.path("pre_sh"))
        after = copy_exe(TRUE, suite.path("after_true"))
        pre = suite.spawn([pre_sh, "-c", 'read x; "$0"; exit 0', after], stdin=subprocess.PIPE)
        time.sleep(0.2)
        sensor = Sensor(kunai, work, ["--include", "all"]).start()
        for name in EXEC_TESTS:
            if want(name):
                r.run(name, getattr(suite, name), sensor)
        cat = catalogue.Catalogue(suite)
        for name in catalogue.TESTS:
            if want(name):
                r.run(name, getattr(cat, name), sensor)
        if want("test_preexisting_parent"):
            r.run("test_preexisting_parent", suite.test_preexisting_parent, sensor, pre, pre_sh, after)
        if want("test_memory_flat"):
            r.run("test_memory_flat", suite.test_memory_flat, sensor)
        if want("test_own_events_absent"):
            r.run("test_own_events_absent", suite.test_own_events_absent, sensor)
        if want("test_stop_mid_storm"):
            r.run("test_stop_mid_storm", suite.test_stop_mid_storm, sensor)
        sensor.kill()
        # The event tests again: against the default catalogue (other
        # programs are loaded; events that are off must not appear), and
        # with --helper-combos, with the fallbacks of older kernels forced
        # (the helper combinations of 5.11 to 5.16, which no VM here has).
        passes = [("default catalogue", [], False)]
        if args.helper_combos:
            passes += [("no bpf_loop", ["--include", "all", "--no-helper", "bpf_loop"], True),
                       ("no bpf_loop, bpf_task_pt_regs",
                        ["--include", "all", "--no-helper", "bpf_loop,bpf_task_pt_regs"], True)]
        for n, (label, sargs, all_events) in enumerate(passes):
            pwork = os.path.join(work, "pass%d" % n)
            os.mkdir(pwork)
            psuite = Suite(kunai, pwork)
            if "--no-helper" in sargs and "bpf_task_pt_regs" in sargs[sargs.index("--no-helper") + 1]:
                psuite.task_pt_regs = False
            suites.append(psuite)
            records = os.path.join(pwork, "records")
            # (the first pass's sensor also saves the records it reads)
            sensor = Sensor(kunai, pwork, sargs + (["--record", records] if n == 0 else []),
                            name="pass%d" % n).start()
            pcat = catalogue.Catalogue(psuite, all_events=all_events)
            for name in EXEC_TESTS:
                if want(name):
                    r.run("%s [%s]" % (name, label), getattr(psuite, name), sensor)
            for name in catalogue.TESTS:
                if args.races_once and "racing" in name:
                    continue
                if want(name):
                    r.run("%s [%s]" % (name, label), getattr(pcat, name), sensor)
            # (one sensor start less per run: each takes half a minute in
            # the 5.10 VM)
            if n == 0 and want("test_sighup_reopens"):
                r.run("test_sighup_reopens", suite.test_sighup_reopens, sensor)
            check_equal(sensor.stop(), 0, "exit code of the sensor [%s]" % label)
            if n == 0 and want("test_record"):
                r.run("test_record", suite.test_record, records, sensor.out, want("test_sighup_reopens"))
        if want("test_check"):
            r.run("test_check", suite.test_check)
        if want("test_check_pid_namespace"):
            r.run("test_check_pid_namespace", suite.test_check_pid_namespace)
        if want("test_throttle"):
            r.run("test_throttle", suite.test_throttle)
        if want("test_config_file"):
            r.run("test_config_file", suite.test_config_file)
        if want("test_event_loss"):
            r.run("test_event_loss", suite.test_event_loss)
        if want("test_write_close_not_evicted"):
            r.run("test_write_close_not_evicted", suite.test_write_close_not_evicted)
        if want("test_stuck_stdout"):
            r.run("test_stuck_stdout", suite.test_stuck_stdout)
        # last: what all the sensors above wrote
        if want("test_schema"):
            r.run("test_schema", suite.test_schema, work, args.only is None)
    except BaseException as exc:
        print("suite aborted: %r" % exc)
        r.failed += 1
    finally:
        signal.alarm(0)
        if sensor:
            sensor.kill()
        for x in suites:
            x.cleanup()
        if args.keep_outputs:
            os.makedirs(args.keep_outputs, exist_ok=True)
            for root, _, names in os.walk(work):
                for n in names:
                    if ".jsonl" in n:
                        shutil.copy(os.path.join(root, n),
                                    os.path.join(args.keep_outputs, os.path.relpath(root, work).replace("/", "_") + "_" + n))
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(catalogue.E2E_HOME, ignore_errors=True)
        # a sensor that was killed leaves the tracefs it mounted
        if not tracefs_before and os.path.exists("/sys/kernel/tracing/events"):
            subprocess.run(["umount", "/sys/kernel/tracing"], timeout=30)
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
