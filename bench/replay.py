#!/usr/bin/env python3
"""The sensor's userland cost per event on records of a real workload:
records what the kernel side sends while shell commands start, read files
under /etc, map libraries and connect (kunai run --record), then replays
them through decode and serialize alone (build/bench/serialize --replay),
many times over. Prints the CPU per event and the events per second one
core serializes.

    sudo python3 bench/replay.py --kunai build/kunai --serialize build/bench/serialize
"""
import argparse
import os
import shutil
import socket
import subprocess
import tempfile

import benchlib


def workload(n):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    for i in range(n):
        subprocess.run(["/bin/sh", "-c", "cat /etc/hostname /etc/passwd >/dev/null; ls / >/dev/null; true %d" % i],
                       check=True)
        c = socket.create_connection(srv.getsockname())
        c.close()
        srv.accept()[0].close()
    srv.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kunai", required=True)
    ap.add_argument("--serialize", required=True)
    ap.add_argument("--commands", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=20)
    a = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("the benchmark runs the sensor: run it as root")
    work = tempfile.mkdtemp(prefix="kunai-bench-")
    try:
        rec = os.path.join(work, "records")
        k = benchlib.Sensor(a.kunai, os.path.join(work, "events.jsonl"), ["--record", rec])
        workload(a.commands)
        rc = k.stop()
        if rc != 0:
            raise SystemExit("the sensor exited with %d" % rc)
        print("recorded %d bytes of records (%d commands)" % (os.path.getsize(rec), a.commands), flush=True)
        for _ in range(3):
            out = subprocess.run([a.serialize, "--replay", rec, str(a.repeat)], capture_output=True, text=True,
                                 check=True, timeout=600)
            print(out.stdout.strip(), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
