#!/usr/bin/env python3
"""Per-syscall cost of the sensor: ns per call of a syscall it does not
watch (getppid), of a watched read (pread) and of open+close, without and
with the sensor (default configuration), in the same run. Prints the
ratios (with / without; 1.00 = free).

    sudo python3 bench/syscall_cost.py --kunai build/kunai
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

MODES = [("getppid", 2000000), ("pread", 1000000), ("openclose", 300000)]


def run(driver, mode, n, f):
    return float(subprocess.run([driver, mode, str(n), f], capture_output=True, check=True, timeout=300).stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kunai", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("sensor_args", nargs="*", help="extra arguments for kunai run")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("the benchmark runs the sensor: run it as root")
    work = tempfile.mkdtemp(prefix="kunai-bench-")
    try:
        driver = os.path.join(work, "syscalls")
        subprocess.run(["cc", "-O2", "-o", driver, os.path.join(os.path.dirname(__file__), "syscalls.c")],
                       check=True)
        f = os.path.join(work, "data")
        with open(f, "wb") as fh:
            fh.write(b"x" * 4096)
        for mode, n in MODES:
            run(driver, mode, n // 10, f)
        ratios = {m: [] for m, _ in MODES}
        for r in range(a.rounds):
            base = {m: run(driver, m, n, f) for m, n in MODES}
            out = os.path.join(work, "events.jsonl")
            k = subprocess.Popen([a.kunai, "run", "--no-stdout", "--output", out] + a.sensor_args,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not (os.path.exists(out) and os.path.getsize(out) > 0):
                time.sleep(0.05)
            withs = {m: run(driver, m, n, f) for m, n in MODES}
            k.send_signal(signal.SIGTERM)
            k.wait(60)
            os.unlink(out)
            line = []
            for m, _ in MODES:
                ratios[m].append(withs[m] / base[m])
                line.append("%s %.0f -> %.0f ns (%.2f)" % (m, base[m], withs[m], withs[m] / base[m]))
            print("round %d: %s" % (r + 1, "; ".join(line)), flush=True)
        print("median ratios (with sensor / without): " +
              ", ".join("%s %.2f" % (m, sorted(v)[len(v) // 2]) for m, v in ratios.items()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
