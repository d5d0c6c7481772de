"""Runs a command REPEATS times with its output thrown away; prints the
median wall time and the largest peak resident set size:
"measure: MEDIAN ms, PEAK KiB"."""
import os
import statistics
import subprocess
import sys
import time

repeats, cmd = int(sys.argv[1]), sys.argv[2:]
times, peak = [], 0
for _ in range(repeats):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    times.append((time.perf_counter() - t0) * 1e3)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"measure: {cmd[0]} failed")
    peak = max(peak, usage.ru_maxrss)
print(f"measure: {statistics.median(times):.1f} ms, {peak} KiB")
