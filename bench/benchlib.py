"""What the benchmarks share: a root check, a scratch folder, building a C
driver, and a sensor started and stopped around a measurement."""
import os
import signal
import subprocess
import sys
import tempfile
import time


def setup(driver_name):
    """(scratch folder, path of the built driver bench/<driver_name>.c)."""
    if os.geteuid() != 0:
        sys.exit("the benchmark runs the sensor: run it as root")
    work = tempfile.mkdtemp(prefix="kunai-bench-")
    driver = os.path.join(work, driver_name)
    subprocess.run(["cc", "-O2", "-o", driver, os.path.join(os.path.dirname(__file__), driver_name + ".c")],
                   check=True)
    return work, driver


class Sensor:
    """kunai run writing to out, from start (first line written) to stop."""

    def __init__(self, kunai, out, args=()):
        self.out = out
        self.proc = subprocess.Popen([kunai, "run", "--no-stdout", "--output", out] + list(args),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (os.path.exists(out) and os.path.getsize(out) > 0):
            time.sleep(0.05)

    def cpu(self):
        """Seconds of CPU the sensor has used so far, all its threads."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(60)
