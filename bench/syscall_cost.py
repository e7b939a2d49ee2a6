#!/usr/bin/env python3
"""Per-syscall cost of the sensor: ns per call of a syscall it does not
watch (getppid), of a watched read (pread), of open+close, and of the
first read of a file by a process (firstread: open, read, close of files
read once each, none under /etc), without and with the sensor (default
configuration), in the same run. Prints the ratios (with / without; 1.00 =
free).

    sudo python3 bench/syscall_cost.py --kunai build/kunai
"""
import argparse
import os
import shutil
import subprocess

import benchlib

MODES = [("getppid", 2000000), ("pread", 1000000), ("openclose", 300000), ("firstread", 20000)]
FIRSTREAD_FILES = 20000


def run(driver, mode, n, f):
    # (each process reads each file once: every read is a first one)
    return float(subprocess.run([driver, mode, str(n), f], capture_output=True, check=True, timeout=300).stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kunai", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("sensor_args", nargs="*", help="extra arguments for kunai run")
    a = ap.parse_args()
    work, driver = benchlib.setup("syscalls")
    try:
        f = os.path.join(work, "data")
        with open(f, "wb") as fh:
            fh.write(b"x" * 4096)
        for i in range(FIRSTREAD_FILES):
            with open("%s.%d" % (f, i), "wb") as fh:
                fh.write(b"x")
        for mode, n in MODES:
            run(driver, mode, n // 10, f)
        ratios = {m: [] for m, _ in MODES}
        for r in range(a.rounds):
            base = {m: run(driver, m, n, f) for m, n in MODES}
            out = os.path.join(work, "events.jsonl")
            k = benchlib.Sensor(a.kunai, out, a.sensor_args)
            withs = {m: run(driver, m, n, f) for m, n in MODES}
            k.stop()
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
