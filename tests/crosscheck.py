#!/usr/bin/env python3
"""Solve the energy least-squares problems that `energylens fit
--export-problem` writes with scipy.optimize.least_squares, and compare the
optimum with the one energylens found.

The problem (see src/fit.c): unknowns x_j = log(theta_j) for the informed
parameters (the others are held at their defaults); one residual per run,
log(pred) - log(y), where pred is the sum of the model's terms; then one
prior row per free parameter, w * (x_j - log(default_j)). energylens starts
from FIT_STARTS deterministic points and keeps the best end point; so does
this script.

Usage: crosscheck.py PROBLEM.json [NAME]
Prints one PASS or FAIL line per fitted group (NAME prefixes the case
names) and exits 1 when any failed.

Also a module: bench/fit_scipy.py imports Problem, solve and the constants
from here so that the benchmark times exactly what is checked.
"""
import json
import re
import sys

import numpy as np
from scipy.optimize import least_squares

# Mirrors of src/defaults.h.
FIT_STARTS = 4
FIT_START_SPREAD = 3.0
FIT_BAD_RESIDUAL = 50.0

# Tight tolerances: both solvers must reach the optimum itself, not merely
# its neighbourhood, for the comparison below to mean anything.
TOLERANCES = {"ftol": 1e-15, "xtol": 1e-15, "gtol": 1e-15}
MAX_NFEV = 10000

COST_RTOL = 1e-6
PARAM_RTOL = 1e-3

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>[-+*/^(),]))"
)
_FUNCS = {"log": "_np.log", "exp": "_np.exp", "sqrt": "_np.sqrt",
          "min": "_np.minimum", "max": "_np.maximum"}


def translate(text, inputs, params):
    """The expression as Python source over arrays `inp` (one column per
    input) and `th` (one entry per parameter). Python's ** is, like the
    model language's ^, right-associative and binds tighter than unary
    minus, so the grammar carries over token by token."""
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError("cannot translate %r at column %d" %
                             (text, pos + 1))
        pos = m.end()
        if m.group("num"):
            out.append(repr(float(m.group("num"))))
        elif m.group("name"):
            name = m.group("name")
            if name in _FUNCS:
                out.append(_FUNCS[name])
            elif name in params:
                out.append("th[%d]" % params.index(name))
            elif name in inputs:
                out.append("inp[%d]" % inputs.index(name))
            else:
                raise ValueError("unknown name %r in %r" % (name, text))
        else:
            out.append("**" if m.group("op") == "^" else m.group("op"))
    return " ".join(out)


class Problem:
    """One group's energy fit, posed as energylens poses it."""

    def __init__(self, model, group):
        self.names = [p["name"] for p in model["params"]]
        self.default = np.array([p["default"] for p in model["params"]],
                                dtype=float)
        self.log_default = np.log(self.default)
        self.weight = float(model["prior_weight"])
        self.terms = model["terms"]
        src = " + ".join("(%s)" % translate(t, model["inputs"], self.names)
                         for t in model["terms"])
        self._pred = eval("lambda inp, th: " + src, {"_np": np})
        self.label = group["label"]
        self.informed = np.array(group["informed"], dtype=bool)
        self.free = np.flatnonzero(self.informed)
        # Inputs as columns (inp[k] is one input over all runs); a trailing
        # axis of one lets a batch of parameter vectors broadcast.
        rows = np.asarray(group["rows"], dtype=float)
        self.inp = [rows[:, k] for k in range(rows.shape[1])]
        self.log_y = np.log(np.asarray(group["y"], dtype=float))
        self.n = len(self.log_y)
        self.p = len(self.free)
        self.h = 1e-30  # complex-step size
        self.el_params = np.asarray(group["solution"]["params"], dtype=float)
        self.el_cost = float(group["solution"]["cost"])

    def theta(self, x):
        th = self.default.astype(np.result_type(x, float)).copy()
        th[self.free] = np.exp(x)
        return th

    def residuals(self, x):
        th = self.theta(x)
        pred = self._pred(self.inp, th) + np.zeros(self.n)
        ok = np.isfinite(pred) & (pred > 0)
        r = np.full(self.n, FIT_BAD_RESIDUAL)
        r[ok] = np.log(pred[ok]) - self.log_y[ok]
        return np.concatenate(
            [r, self.weight * (x - self.log_default[self.free])])

    def jacobian(self, x):
        """Exact to rounding, by the complex step: every free parameter is
        perturbed by i*h at once (one row of `th` per parameter), so one
        vectorised evaluation gives all columns."""
        th = np.tile(self.default.astype(complex), (self.p, 1))
        xc = np.tile(x.astype(complex), (self.p, 1))
        xc[np.arange(self.p), np.arange(self.p)] += 1j * self.h
        th[:, self.free] = np.exp(xc)
        pred = self._pred([c[None, :] for c in self.inp],
                          [th[:, j:j + 1] for j in range(th.shape[1])])
        pred = pred + np.zeros((self.p, self.n))
        ok = np.isfinite(pred.real) & (pred.real > 0)
        J = np.zeros((self.n + self.p, self.p))
        J[:self.n, :] = np.where(ok, np.log(pred).imag / self.h, 0.0).T
        J[self.n:, :] = self.weight * np.eye(self.p)
        return J

    def start(self, s):
        """start_point() of src/fit.c."""
        spread = np.log(FIT_START_SPREAD)
        x = self.log_default[self.free].copy()
        for j in range(self.p):
            if s == 0:
                shift = 0.0
            elif s == 1:
                shift = spread
            elif s == 2:
                shift = -spread
            else:
                shift = spread if j % 2 else -spread
            if s > 3:
                shift = (((j * 7 + s) % 3) - 1.0) * spread
            x[j] += shift
        return x


def solve(P, starts=FIT_STARTS):
    """Best of the deterministic starts: (x, cost, start, result)."""
    best = None
    for s in range(starts):
        r = least_squares(P.residuals, P.start(s), jac=P.jacobian,
                          method="trf", x_scale="jac", max_nfev=MAX_NFEV,
                          **TOLERANCES)
        if not np.isfinite(r.cost):
            continue
        if best is None or r.cost < best[1]:
            best = (r.x, r.cost, s, r)
    return best


def compare(P, x, cost):
    """A list of what disagrees (empty when the optima agree)."""
    bad = []
    if abs(cost - P.el_cost) > COST_RTOL * abs(P.el_cost):
        bad.append("cost: scipy %.12g, energylens %.12g (rel %.2e)" %
                   (cost, P.el_cost, abs(cost - P.el_cost) / P.el_cost))
    th = P.theta(x)
    for j in P.free:
        a, b = th[j], P.el_params[j]
        if abs(a - b) > PARAM_RTOL * abs(b):
            bad.append("%s: scipy %.8g, energylens %.8g (rel %.2e)" %
                       (P.names[j], a, b, abs(a - b) / abs(b)))
    return bad


def main(argv):
    if len(argv) < 2:
        print("usage: crosscheck.py PROBLEM.json [NAME]", file=sys.stderr)
        return 2
    name = argv[2] if len(argv) > 2 else "crosscheck"
    with open(argv[1]) as f:
        doc = json.load(f)
    failed = ran = 0
    labels = [g["label"].split(",")[0] for g in doc["groups"]]
    for i, g in enumerate(doc["groups"]):
        if not g["fitted"]:
            continue
        ran += 1
        case = "%s %s" % (name, labels[i])
        if labels.count(labels[i]) > 1:
            case += " #%d" % (i + 1)
        P = Problem(doc["model"], g)
        # The residuals at energylens's solution must give its cost: the
        # two sides pose the same problem before they solve it.
        el_x = np.log(P.el_params[P.free])
        posed = 0.5 * float(np.sum(P.residuals(el_x) ** 2))
        if abs(posed - P.el_cost) > 1e-9 * P.el_cost:
            print("FAIL: %s: the problem differs: cost at energylens's "
                  "solution %.15g here, %.15g there" %
                  (case, posed, P.el_cost))
            failed += 1
            continue
        best = solve(P)
        if best is None:
            print("FAIL: %s: scipy found no finite solution" % case)
            failed += 1
            continue
        x, cost, s, r = best
        bad = compare(P, x, cost)
        th = P.theta(x)
        worst = max(abs(th[j] - P.el_params[j]) / P.el_params[j]
                    for j in P.free)
        detail = ("%d runs, %d free, cost %.10g vs energylens %.10g "
                  "(rel %.1e), parameters within %.1e, start %d, "
                  "%d evaluations" %
                  (P.n, P.p, cost, P.el_cost,
                   abs(cost - P.el_cost) / P.el_cost, worst, s, r.nfev))
        if bad:
            print("FAIL: %s: %s; %s" % (case, "; ".join(bad), detail))
            failed += 1
        else:
            print("PASS: %s (%s)" % (case, detail))
    if ran == 0:
        print("FAIL: %s: no fitted group in %s" % (name, argv[1]))
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
