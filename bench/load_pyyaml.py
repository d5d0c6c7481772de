"""The peer for loading a profile: PyYAML's C-accelerated safe loader
(Debian python3-yaml) building the document, timed over the repeats.
Prints "pyyaml: RUNS runs, MEDIAN ms" or "pyyaml: unavailable"."""
import statistics
import sys
import time

try:
    import yaml
    Loader = yaml.CSafeLoader
except (ImportError, AttributeError):
    print("pyyaml: unavailable")
    sys.exit(0)

path, repeats = sys.argv[1], int(sys.argv[2])
times = []
runs = 0
for _ in range(repeats):
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        doc = yaml.load(f, Loader=Loader)
    times.append((time.perf_counter() - t0) * 1e3)
    runs = len(doc["runs"])
    del doc
print(f"pyyaml: {runs} runs, {statistics.median(times):.1f} ms")
