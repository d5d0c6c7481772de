#!/usr/bin/env python3
"""The peer of `energylens discover` in `make bench`: genetic-programming
symbolic regression with DEAP (Debian python3-deap) on the same data, with
the same primitives, scored the same way.

Data: the problem `energylens fit --export-problem` writes, whose rows are
each run's inputs under the expression language's own names (t, p, dp, n,
B, I, O, V, N, Na, bits, L, h, Lh, kv, E, k and the derived Weff, KVr, x),
one group per GPU and engine, as the fit groups them.

Split: each group's layout scenarios (runs of the same model shape at the
same B, I, O and V, differing only in t, p, dp) are dealt into FOLDS folds
by a hash of the scenario and FOLD_SEED, whole scenarios to a fold; each
fold is held out in turn, its runs predicted by coefficients fitted on the
other folds, so that every run and every scenario is scored once, held
out, and every method here sees the same training runs. The folds do not
depend on the GP's seed (SEED below): runs of the GP with different seeds,
and every form of either tool, are scored on the same folds (the "folds"
line prints a hash of them to show it):
  MAPE   mean |pred - y| / y over the runs;
  Top-1  share of the scenarios with two or more layouts whose predicted
         cheapest layout is the measured cheapest, as energylens eval
         counts it: a layout's replicates are one candidate (their mean
         measured energy, their mean prediction), and a tie in the
         prediction shares the credit among the tied layouts;
both over every group, over the synthetic sweep's group alone ("sweep":
the groups whose label says synthetic) and over the others ("real").

Both searches see every run (discover is given all of sample-profiles/, and
so is the GP's fitness here, for a like comparison); every form's
coefficients are then fitted on the training runs alone and scored on the
held-out ones, so the scores measure the forms, not a memory of the runs.

GP: an individual is a tree over the inputs, + - * / min max log sqrt ^
(the expression language's operators; / log sqrt ^ protected) and the
constants 0.5, 1, 2; its top-level sum is split into terms, and each
group's non-negative coefficients of the terms are fitted by NNLS on the
relative error (what discover does with its terms). Two objectives,
MAPE over all runs and parameters (the terms' coefficients: the constants
0.5, 1, 2 are named terminals, fixed, and params_of does not count
them), selected by NSGA-II
until the time budget is spent; the front is the final non-dominated set.

Energylens forms (energylens-12, or the form discover wrote, exported with
`energylens fit --model M --export-problem`) are fitted on the training runs
as energylens fits them (tests/crosscheck.py: least squares in log space
from the same starts) and scored on the held-out runs.

Each tool's front is scored whole: the bench passes discover's chosen
form as NAME "discover" and every member of its front (discover
--front-dir) as "discover-front-P", each fitted both ways; the "pick"
lines then set side by side each tool's pick by its own training-only
criterion and each front's best member on these held-out folds (see
picks()).

Usage: discover_deap.py TESTS_DIR DATA.json SECONDS SEED [--deap-front OUT]
                        [--max-params K] [NAME=PROBLEM.json]...
  SEED              the GP's random state (bench/run.sh: BENCH_DEAP_SEED,
                    default 1); not the folds', which are FOLD_SEED's
  --deap-front OUT  no GP run: score again the front an earlier run
                    printed (its output OUT)
  --max-params K    DEAP's own pick has at most K parameters (default 12,
                    discover's default budget)
Prints lines of "key value" pairs, one per result:
  folds seed FOLD_SEED sha256 H   (H: the first 16 hex digits of a hash of
                                   the folds, the same whatever SEED)
  form NAME params P mape M top1 T scenarios S runs R SUBSETS
  deap-front params P mape M top1 T scenarios S runs R SUBSETS all_mape M0
             expr E
where SUBSETS is "real_mape M real_top1 T real_scenarios S sweep_mape M
sweep_top1 T sweep_scenarios S".
  deap seconds S generations G evaluations V gp_seed SEED
                                               (or: deap reused OUT ...)
  pick LABEL params P mape M ... SUBSETS what WORDS_JOINED_BY_UNDERSCORES
"""
import hashlib
import json
import math
import operator
import random
import sys
import time
import warnings

import numpy as np
from scipy.optimize import nnls

FOLDS = 5
# the folds' seed: fixed, whatever the GP's seed, so that every run of
# either tool is scored on the same folds (seed 1: the folds of every
# figure published so far)
FOLD_SEED = 1
LAYOUT = ("t", "p", "dp", "n", "x")
# derived from the knobs (and from measured token counts): not in the key
DERIVED = ("Lh", "Weff", "KVr")
CONSTANTS = (0.5, 1.0, 2.0)


def scenario_key(label, names, row):
    """The scenario of a run: its group, its model and its knobs, all but
    the layout. Measured token counts (means over a run's requests) differ
    a little from layout to layout of one task; two significant digits
    make them one scenario."""
    def knob(n, v):
        return float("%.2g" % v) if n in ("I", "O", "V") else v
    return (label,) + tuple(knob(n, row[i]) for i, n in enumerate(names)
                            if n not in LAYOUT and n not in DERIVED)


def split(groups, names, seed):
    """Per group: (a list of FOLDS (train indices, test indices) pairs,
    the scenarios with two layouts or more: lists of candidates, each a
    list of the run indices of one layout)."""
    lay = [names.index(n) for n in ("t", "p", "dp")]
    out = []
    for g in groups:
        keys = [scenario_key(g["label"], names, r) for r in g["rows"]]
        fold = []
        for k in keys:
            h = hashlib.sha256(repr((seed, k)).encode()).digest()
            fold.append(int.from_bytes(h[:8], "big") * FOLDS >> 64)
        folds = [([i for i in range(len(keys)) if fold[i] != f],
                  [i for i in range(len(keys)) if fold[i] == f])
                 for f in range(FOLDS)]
        scen = {}
        for i, k in enumerate(keys):
            layout = tuple(g["rows"][i][j] for j in lay)
            scen.setdefault(k, {}).setdefault(layout, []).append(i)
        out.append((folds, [list(v.values()) for v in scen.values()
                            if len(v) > 1]))
    return out


def folds_hash(splits):
    """The first 16 hex digits of a hash of the folds (each group's held-out
    run indices, fold by fold): equal hashes, the same folds."""
    held = [[list(test) for _, test in folds] for folds, _ in splits]
    return hashlib.sha256(repr(held).encode()).hexdigest()[:16]


def top1(y, pred, candidates):
    """Eval's Top-1 of one scenario: the credit of the layouts whose mean
    prediction is lowest (shared when they tie) for being the measured
    cheapest (mean of the replicates)."""
    def mean(v, c):
        return sum(v[i] for i in c) / len(c)
    energy = [mean(y, c) for c in candidates]
    guess = [mean(pred, c) for c in candidates]
    guess = [v if math.isfinite(v) else math.inf for v in guess]
    low = min(guess)
    chosen = [k for k, v in enumerate(guess) if v == low]
    return sum(energy[k] <= min(energy) for k in chosen) / len(chosen)


def score(y, pred, scenarios):
    """(absolute relative errors of the runs, Top-1 credit, scenarios) for
    one group; pred (the held-out predictions) and y indexed by run."""
    ape = [abs(pred[i] - y[i]) / y[i] for i in range(len(y))]
    hits = sum(top1(y, pred, sc) for sc in scenarios)
    return ape, hits, len(scenarios)


def summarise(parts):
    """(MAPE, Top-1, scenarios, runs) of a list of score()s."""
    ape, hits, scen = [], 0, 0
    for a, h, s in parts:
        ape += a
        hits += h
        scen += s
    mape = sum(ape) / len(ape) if ape else math.nan
    return mape, (hits / scen if scen else math.nan), scen, len(ape)


def subsets(labels, parts):
    """The summary over every group, over the real groups and over the
    synthetic sweep's, as the words of a result line."""
    real = [p for lab, p in zip(labels, parts) if "synthetic" not in lab]
    sweep = [p for lab, p in zip(labels, parts) if "synthetic" in lab]
    mape, t1, scen, runs = summarise(parts)
    words = "mape %.4f top1 %.4f scenarios %d runs %d" % (mape, t1, scen,
                                                         runs)
    for name, sub in (("real", real), ("sweep", sweep)):
        m, t, n, _ = summarise(sub)
        words += " %s_mape %.4f %s_top1 %.4f %s_scenarios %d" % (
            name, m, name, t, name, n)
    return words


# ---- energylens forms -----------------------------------------------------

def score_form(tests_dir, problem, names, splits):
    sys.path.insert(0, tests_dir)
    from crosscheck import Problem, solve
    model = problem["model"]
    labels, parts = [], []
    for g, (folds, scen) in zip(problem["groups"], splits):
        pred = [math.nan] * len(g["y"])
        for train, test in folds:
            if not test:
                continue
            sub = dict(g)
            sub["rows"] = [g["rows"][i] for i in train]
            sub["y"] = [g["y"][i] for i in train]
            P = Problem(model, sub)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                x, _, _, _ = solve(P)
                rows = np.asarray([g["rows"][i] for i in test], dtype=float)
                v = P._pred([rows[:, k] for k in range(rows.shape[1])],
                            P.theta(x)) + np.zeros(len(test))
            for i, p in zip(test, v):
                pred[i] = float(p)
        labels.append(g["label"])
        parts.append(score(g["y"], pred, scen))
    return len(model["params"]), subsets(labels, parts)


def linear_terms(model):
    """A form's terms as functions of the input columns, each without its
    leading coefficient (every other parameter, a batch exponent, at its
    default: the value discover chose from its grid), or None when a term
    is not a coefficient times a product of that kind."""
    fn = {"min": np.minimum, "max": np.maximum, "log": np.log,
          "sqrt": np.sqrt, "exp": np.exp}
    values = {q["name"]: float(q["default"]) for q in model["params"]}
    out = []
    for term in model["terms"]:
        head, sep, rest = term.partition(" * ")
        if not sep or head not in values or head in rest:
            return None
        env = dict(fn)
        env.update(values)
        code = compile(rest.replace("^", "**"), "<term>", "eval")
        out.append((code, env))
    return out


def score_form_nnls(problem, names, splits):
    """An energylens form's terms fitted as the GP's are (NNLS on the
    relative error, exponents fixed), scored on the same held-out runs:
    the like-for-like comparison of the forms themselves. None when the
    form is not linear in its coefficients."""
    terms = linear_terms(problem["model"])
    if terms is None:
        return None
    labels, parts = [], []
    for g, (folds, scen) in zip(problem["groups"], splits):
        rows = np.asarray(g["rows"], dtype=float)
        cols = {n: rows[:, k] for k, n in enumerate(names)}
        y = np.asarray(g["y"], dtype=float)
        with np.errstate(all="ignore"):
            F = np.column_stack([
                np.broadcast_to(np.asarray(eval(code, env, cols), float),
                                (len(y),)) for code, env in terms])
        pred = np.full(len(y), np.nan)
        for train, test in folds:
            if not test:
                continue
            c = fit_group(F[train], y[train])
            if c is not None:
                pred[test] = F[test] @ c
        labels.append(g["label"])
        parts.append(score(y, pred, scen))
    return subsets(labels, parts)


# ---- GP ---------------------------------------------------------------------

def pdiv(a, b):
    with np.errstate(all="ignore"):
        return np.where(np.abs(b) > 1e-12, a / np.where(b == 0, 1, b), 1.0)


def plog(a):
    with np.errstate(all="ignore"):
        return np.log(np.maximum(np.abs(a), 1e-12))


def psqrt(a):
    return np.sqrt(np.abs(a))


def ppow(a, b):
    with np.errstate(all="ignore"):
        return np.power(np.maximum(np.abs(a), 1e-12), np.clip(b, -3, 3))


def make_toolbox(names, seed):
    from deap import base, creator, gp, tools
    pset = gp.PrimitiveSet("ENERGY", len(names))
    pset.renameArguments(**{"ARG%d" % i: n for i, n in enumerate(names)})
    for f, k, n in ((np.add, 2, "add"), (np.subtract, 2, "sub"),
                    (np.multiply, 2, "mul"), (pdiv, 2, "div"),
                    (np.minimum, 2, "min"), (np.maximum, 2, "max"),
                    (plog, 1, "log"), (psqrt, 1, "sqrt"), (ppow, 2, "pow")):
        pset.addPrimitive(f, k, name=n)
    for c in CONSTANTS:
        pset.addTerminal(c, name=repr(c))
    if not hasattr(creator, "FitnessMulti"):
        creator.create("FitnessMulti", base.Fitness, weights=(-1.0, -1.0))
        creator.create("Individual", gp.PrimitiveTree,
                       fitness=creator.FitnessMulti)
    tb = base.Toolbox()
    tb.register("expr", gp.genHalfAndHalf, pset=pset, min_=1, max_=4)
    tb.register("individual", tools.initIterate, creator.Individual,
                tb.expr)
    tb.register("population", tools.initRepeat, list, tb.individual)
    tb.register("mate", gp.cxOnePoint)
    tb.register("expr_mut", gp.genFull, min_=0, max_=3)
    tb.register("mutate", gp.mutUniform, expr=tb.expr_mut, pset=pset)
    limit = gp.staticLimit(key=operator.attrgetter("height"), max_value=8)
    tb.decorate("mate", limit)
    tb.decorate("mutate", limit)
    tb.register("select", tools.selNSGA2)
    random.seed(seed)
    return pset, tb


def terms_of(tree):
    """The subtrees of the top-level sum."""
    from deap import gp
    out, stack = [], [0]
    while stack:
        i = stack.pop()
        node = tree[i]
        if isinstance(node, gp.Primitive) and node.name == "add":
            a = i + 1
            b = tree.searchSubtree(a).stop
            stack += [b, a]
        else:
            out.append(gp.PrimitiveTree(tree[tree.searchSubtree(i)]))
    return out


class Data:
    """All runs stacked, so that a term is compiled and evaluated once for
    all groups; each group a slice of them."""

    def __init__(self, problem, splits):
        self.rows = np.vstack([np.asarray(g["rows"], dtype=float)
                               for g in problem["groups"]])
        self.cols = [self.rows[:, k] for k in range(self.rows.shape[1])]
        self.groups, self.labels, start = [], [], 0
        for g, (folds, scen) in zip(problem["groups"], splits):
            n = len(g["rows"])
            y = np.asarray(g["y"], dtype=float)
            folds = [(np.array(a, dtype=int), np.array(b, dtype=int))
                     for a, b in folds]
            self.groups.append((slice(start, start + n), y, folds, scen))
            self.labels.append(g["label"])
            start += n


def features(pset, tree, data):
    from deap import gp
    n = data.rows.shape[0]
    F = []
    with np.errstate(all="ignore"):
        for t in terms_of(tree):
            v = gp.compile(t, pset)(*data.cols)
            F.append(np.broadcast_to(np.asarray(v, dtype=float),
                                     (n,)).copy())
    return np.column_stack(F)


def fit_group(F, y):
    """Non-negative coefficients minimising the relative error."""
    A = F / y[:, None]
    if not np.all(np.isfinite(A)):
        return None
    try:
        c, _ = nnls(A, np.ones(len(y)), maxiter=50 * A.shape[1])
    except RuntimeError:
        return None
    return c


def params_of(tree):
    """The terms of the top sum. (The count of constants below finds none:
    the constants are terminals named "0.5", "1.0", "2.0", whose value is
    their name, a string; fixed numbers, not fitted, as discover's "2 *
    Na" is not a parameter. Kept as it was, so that the fronts of earlier
    runs keep their parameter counts.)"""
    from deap import gp
    consts = sum(1 for n in tree if isinstance(n, gp.Terminal)
                 and not isinstance(n.value, str))
    return len(terms_of(tree)) + consts


def held_out(pset, data, tree):
    """The words of the held-out scores (every fold's runs predicted by
    the coefficients fitted on the other folds), or None when a fit
    fails."""
    Fall = features(pset, tree, data)
    parts = []
    for rows, y, folds, scen in data.groups:
        F = Fall[rows]
        pred = np.full(len(y), np.nan)
        for train, test in folds:
            if len(test) == 0:
                continue
            c = fit_group(F[train], y[train]) if len(train) else None
            if c is None:
                return None
            pred[test] = F[test] @ c
        parts.append(score(y, pred, scen))
    return subsets(data.labels, parts)


def evaluate(pset, data, tree):
    """The search's fitness: (MAPE over all runs, the coefficients fitted
    on all of them; parameters)."""
    ape = []
    Fall = features(pset, tree, data)
    for rows, y, folds, scen in data.groups:
        F = Fall[rows]
        c = fit_group(F, y)
        if c is None:
            return math.inf, math.inf
        ape.append(np.abs(F @ c - y) / y)
    e = float(np.mean(np.concatenate(ape)))
    return (e if math.isfinite(e) else math.inf), params_of(tree)


def run_gp(problem, splits, names, seconds, seed):
    from deap import algorithms, tools
    pset, tb = make_toolbox(names, seed)
    data = Data(problem, splits)
    tb.register("evaluate", lambda ind: evaluate(pset, data, ind))
    t0 = time.monotonic()
    pop = tb.population(n=200)
    evals = 0
    for ind in pop:
        ind.fitness.values = tb.evaluate(ind)
        evals += 1
    pop = tb.select(pop, len(pop))
    gens = 0
    while time.monotonic() - t0 < seconds:
        off = algorithms.varAnd(tools.selTournamentDCD(pop, len(pop))
                                if len(pop) % 4 == 0 else pop, tb,
                                cxpb=0.6, mutpb=0.3)
        for ind in off:
            if not ind.fitness.valid:
                ind.fitness.values = tb.evaluate(ind)
                evals += 1
            if time.monotonic() - t0 >= seconds:
                break
        off = [i for i in off if i.fitness.valid]
        pop = tb.select(pop + off, len(pop))
        gens += 1
    elapsed = time.monotonic() - t0
    front = tools.sortNondominated(pop, len(pop), first_front_only=True)[0]
    seen, out = set(), []
    for ind in sorted(front, key=lambda i: i.fitness.values[1]):
        if not math.isfinite(ind.fitness.values[0]):
            continue
        key = (ind.fitness.values[1], round(ind.fitness.values[0], 12))
        if key in seen:
            continue
        seen.add(key)
        out.append((ind, held_out(pset, data, ind)))
    return out, elapsed, gens, evals


def words_dict(words):
    """A result line's "key value" words as a dict of numbers."""
    w = words.split()
    return {k: float(v) for k, v in zip(w[::2], w[1::2])}


def picks(forms, deap, max_params):
    """The comparison the target asks for, as (label, params, words, what)
    rows: each tool's pick by its own training-only criterion (discover:
    its chosen form, chosen by its own cross-validation inside the search;
    DEAP: the front member of at most max_params parameters with the
    lowest MAPE on all the runs, its fitness), and each front's best
    member on these held-out folds (by MAPE, and by Top-1 with MAPE
    breaking ties), a pick made on the scored folds themselves, so an
    upper bound of what the front offers rather than a score of a method.
    forms: (name, params, words) of the energylens forms scored; deap:
    (params, words, all_mape, expr) of DEAP's front."""
    out = []

    def best(rows, label, what):
        by_mape = min(rows, key=lambda r: (words_dict(r[2])["mape"], r[1]))
        by_top1 = min(rows, key=lambda r: (-words_dict(r[2])["top1"],
                                           words_dict(r[2])["mape"], r[1]))
        out.append((label + "-best-mape", by_mape[1], by_mape[2],
                    what + " " + by_mape[0] + ", best held-out MAPE"))
        out.append((label + "-best-top1", by_top1[1], by_top1[2],
                    what + " " + by_top1[0] + ", best held-out Top-1"))

    for fit in ("", "/nnls"):
        tag = "nnls" if fit else "el"
        chosen = [f for f in forms if f[0] == "discover" + fit]
        front = [f for f in forms
                 if f[0].startswith("discover-front-") and
                 f[0].endswith(fit) and (fit or "/" not in f[0])]
        for name, params, words in chosen:
            out.append(("discover-pick/" + tag, params, words,
                        "its chosen form (its own CV)"))
        if front:
            best(front, "discover/" + tag, "front member")
    if deap:
        own = [d for d in deap if d[0] <= max_params]
        if own:
            d = min(own, key=lambda d: (d[2], d[0]))
            out.append(("deap-pick", d[0], d[1],
                        "front member of <= %d params with the lowest "
                        "training MAPE" % max_params))
        best([("%d params" % d[0], d[0], d[1]) for d in deap], "deap",
             "front member")
    return out


def parse_args(argv):
    """(tests_dir, data_path, seconds, the GP's seed, options, NAME=PATH
    args)."""
    opts = {"deap_front": None, "max_params": 12}
    rest, i = [], 1
    while i < len(argv):
        if argv[i] == "--deap-front" and i + 1 < len(argv):
            opts["deap_front"] = argv[i + 1]
            i += 2
        elif argv[i] == "--max-params" and i + 1 < len(argv):
            opts["max_params"] = int(argv[i + 1])
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    if len(rest) < 4:
        return None
    return (rest[0], rest[1], float(rest[2]), int(rest[3]), opts, rest[4:])


def reuse_front(problem, splits, names, seed, path):
    """DEAP's front read back from an earlier run's output (its
    deap-front lines' expressions), each scored again on these folds: a
    10x run takes minutes, and its front does not change when only the
    other side of the comparison does. (all_mape is refitted on all runs.)"""
    from deap import gp
    pset, _ = make_toolbox(names, seed)
    data = Data(problem, splits)
    out, meta = [], "unknown"
    with open(path) as f:
        for line in f:
            w = line.split()
            if w and w[0] == "deap-front":
                tree = gp.PrimitiveTree.from_string(w[w.index("expr") + 1],
                                                    pset)
                mape, params = evaluate(pset, data, tree)
                out.append((tree, params, mape, held_out(pset, data, tree)))
            elif w and w[0] == "deap":
                meta = " ".join(w[1:])
    return out, meta


def main(argv):
    args = parse_args(argv)
    if args is None:
        print(__doc__.split("\n\n")[-2], file=sys.stderr)
        return 2
    tests_dir, data_path, seconds, seed, opts, form_args = args
    with open(data_path) as f:
        problem = json.load(f)
    names = problem["model"]["inputs"]
    splits = split(problem["groups"], names, FOLD_SEED)
    print("folds seed %d sha256 %s" % (FOLD_SEED, folds_hash(splits)))
    forms = [("energylens-12", problem)]
    for arg in form_args:
        name, _, path = arg.partition("=")
        with open(path) as f:
            forms.append((name, json.load(f)))
    scored, memo = [], {}
    for name, prob in forms:
        # the chosen form is one of the front's too: scored once
        key = json.dumps(prob["model"], sort_keys=True)
        if key not in memo:
            params, words = score_form(tests_dir, prob, names, splits)
            nnls_words = (score_form_nnls(prob, names, splits)
                          if name != "energylens-12" else None)
            memo[key] = (params, words, nnls_words)
        params, words, nnls_words = memo[key]
        print("form %s params %d %s" % (name, params, words))
        scored.append((name, params, words))
        if nnls_words is not None:
            print("form %s/nnls params %d %s" % (name, params, nnls_words))
            scored.append((name + "/nnls", params, nnls_words))
        sys.stdout.flush()
    deap = []
    if opts["deap_front"]:
        front, meta = reuse_front(problem, splits, names, seed,
                                  opts["deap_front"])
        for tree, params, mape, words in front:
            if words is None:
                continue
            print("deap-front params %d %s all_mape %.4f expr %s" %
                  (params, words, mape, str(tree).replace(" ", "")))
            deap.append((params, words, mape, str(tree)))
        print("deap reused %s %s" % (opts["deap_front"], meta))
    elif seconds > 0:
        front, elapsed, gens, evals = run_gp(problem, splits, names, seconds,
                                             seed)
        for ind, words in front:
            if words is None:
                continue
            print("deap-front params %d %s all_mape %.4f expr %s" %
                  (ind.fitness.values[1], words, ind.fitness.values[0],
                   str(ind).replace(" ", "")))
            deap.append((ind.fitness.values[1], words, ind.fitness.values[0],
                         str(ind)))
        print("deap seconds %.1f generations %d evaluations %d gp_seed %d" %
              (elapsed, gens, evals, seed))
    for label, params, words, what in picks(scored, deap,
                                            opts["max_params"]):
        print("pick %s params %d %s what %s" % (label, params, words,
                                                what.replace(" ", "_")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
