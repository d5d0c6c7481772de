#!/usr/bin/env python3
"""Times scipy.optimize.least_squares on the problems bench-fit wrote, with
the starts, tolerances and Jacobian of the cross-check (tests/crosscheck.py
is imported, so the two cannot drift apart).

Usage: fit_scipy.py TESTS_DIR PROBLEM.json REPEATS
Prints one line: scipy N REPEATS MEDIAN_MS MIN_MS EVALUATIONS COST AGREES
where AGREES is "same" when the optimum matches energylens's (cost within
1e-6, informed parameters within 1e-3) and "differs" otherwise. Only the
solve is timed, not reading the file or translating the expressions.
"""
import json
import statistics
import sys
import time


def main(argv):
    if len(argv) != 4:
        print("usage: fit_scipy.py TESTS_DIR PROBLEM.json REPEATS",
              file=sys.stderr)
        return 2
    sys.path.insert(0, argv[1])
    from crosscheck import Problem, compare, solve

    with open(argv[2]) as f:
        doc = json.load(f)
    P = Problem(doc["model"], doc["groups"][0])
    repeats = int(argv[3])
    ms = []
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        best = solve(P)
        ms.append((time.perf_counter() - t0) * 1e3)
    x, cost, _, r = best
    agrees = "differs" if compare(P, x, cost) else "same"
    print("scipy %d %d %.4f %.4f %d %.17g %s" %
          (P.n, repeats, statistics.median(ms), min(ms), r.nfev, cost,
           agrees))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
