#!/usr/bin/env python3
"""Exec-storm benchmark: the cost of the sensor on fork+exec, and whether it
keeps up. Runs the same storm without the sensor, with it, and without it
again, in one run; prints the ratio against the mean of the two baselines,
the execve events the sensor wrote against the execs done, and the losses.

    sudo make bench                      # or:
    sudo python3 bench/exec_storm.py --kunai build/kunai --execs 5000 --rounds 3
"""
import argparse
import json
import os
import shutil
import subprocess
import time

import benchlib


def storm(driver, n, prog):
    out = subprocess.run([driver, str(n), prog], capture_output=True, check=True, timeout=600)
    return float(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kunai", required=True)
    ap.add_argument("--execs", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    work, driver = benchlib.setup("exec_storm")
    try:
        prog = os.path.join(work, "bench_true")  # a unique exe, to count its events
        shutil.copy(os.path.realpath("/bin/true"), prog)
        os.chmod(prog, 0o755)
        storm(driver, 200, prog)  # warm up caches
        results, cpus = [], []
        for r in range(a.rounds):
            base1 = storm(driver, a.execs, prog)
            out = os.path.join(work, "events-%d.jsonl" % r)
            k = benchlib.Sensor(a.kunai, out)
            with open(out) as f:
                lines0 = sum(1 for _ in f)
            cpu0 = k.cpu()  # past its start (loading the probes)
            with_s = storm(driver, a.execs, prog)
            time.sleep(1.5)  # let the sensor drain and report losses
            cpu = k.cpu() - cpu0
            rc = k.stop()
            base2 = storm(driver, a.execs, prog)
            seen = lost = total = 0
            with open(out) as f:
                for line in f:
                    total += 1
                    e = json.loads(line)
                    n = e["info"]["event"]["name"]
                    if n == "execve" and e["data"]["exe"]["path"] == prog:
                        seen += 1
                    elif n == "event_loss":
                        lost += e["data"]["lost_by_type"].get("execve", 0)
            base = (base1 + base2) / 2
            results.append(with_s / base)
            events = max(total - lines0, 1)
            cpus.append(cpu * 1e6 / events)
            print("round %d: baseline %.3fs / %.3fs, with sensor %.3fs, ratio %.3f, "
                  "execve written %d of %d execs, execve lost %d, sensor exit %d; "
                  "sensor CPU %.2fs for %d events: %.1f us per event"
                  % (r + 1, base1, base2, with_s, with_s / base, seen, a.execs, lost, rc,
                     cpu, events, cpus[-1]), flush=True)
        results.sort()
        cpus.sort()
        print("median ratio (time with sensor / without): %.3f over %d rounds of %d execs"
              % (results[len(results) // 2], a.rounds, a.execs))
        print("median sensor CPU per event written, end to end (its every thread, from the "
              "ring buffer to the file): %.1f us" % cpus[len(cpus) // 2])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
