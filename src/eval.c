#include "eval.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "estimate.h"
#include "fit.h"

const char *eval_protocol_name(enum eval_protocol p)
{
	static const char *const names[] = {"runs",   "workloads", "models",
					    "batch",  "hardware",  "in-sample",
					    "partial"};
	_Static_assert(sizeof names / sizeof *names == EVAL_PROTOCOLS,
		       "a name for every protocol");
	return names[p];
}

static double ratio(double sum, size_t count)
{
	return count ? sum / (double)count : NAN;
}

double eval_top1(const struct eval_tally *t)
{
	return ratio(t->top1, t->scenarios);
}

double eval_pairwise(const struct eval_tally *t)
{
	return ratio(t->pairwise, t->pairs);
}

double eval_regret(const struct eval_tally *t)
{
	return ratio(t->regret, t->scenarios);
}

double eval_mape(const struct eval_tally *t)
{
	return ratio(t->ape, t->runs);
}

size_t eval_size_index(size_t n)
{
	return (n < EVAL_SIZES ? n : EVAL_SIZES) - 2;
}

/* ---- methods: energylens's own model, or a baseline ---------------------- */

/* The model fitted on the training runs and, unless model_only, its
 * estimates (estimate.h): the training workloads' offsets, and the
 * training runs as measurements of a test run's configuration. */
struct own_state {
	const struct model *m;
	double params[MODEL_MAX_PARAMS];
	bool estimated;
	struct estimate_group est;
	const struct eval_group *e;
	size_t *train, ntrain;
};

static void own_free(struct own_state *s)
{
	if (s && s->estimated)
		estimate_free(&s->est);
	if (s)
		free(s->train);
	free(s);
}

static const struct profile_run *run_of(const struct eval_group *e, size_t i);

/* The estimates from the training rows; false when out of memory. */
static bool own_estimate(struct own_state *s, const struct fit_result *r,
			 const struct eval_group *e, const size_t *train,
			 size_t n, const double *in, const double *y)
{
	size_t *wl = malloc((n + 1) * sizeof *wl);
	s->train = malloc((n + 1) * sizeof *s->train);
	if (!wl || !s->train) {
		free(wl);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		wl[i] = run_of(e, train[i])->workload;
	memcpy(s->train, train, n * sizeof *train);
	s->ntrain = n;
	s->e = e;
	struct estimate_rows rows = {n, in, y, wl};
	s->estimated = estimate_build(&s->est, s->m, r->value, r->cov,
				      r->nparams, &rows) == 0 &&
		       estimate_calibrate(&s->est, &rows) == 0;
	free(wl);
	return s->estimated;
}

static void *own_train(const struct model *m, bool model_only,
		       const struct eval_group *e, const size_t *train,
		       size_t n, char *err, size_t len)
{
	double *in = malloc((n + 1) * MODEL_NINPUTS * sizeof *in);
	double *y = malloc((n + 1) * sizeof *y);
	struct own_state *s = calloc(1, sizeof *s);
	void *result = NULL;
	if (in && y && s) {
		for (size_t i = 0; i < n; i++) {
			memcpy(in + i * MODEL_NINPUTS,
			       e->g->energy.inputs + train[i] * MODEL_NINPUTS,
			       MODEL_NINPUTS * sizeof *in);
			y[i] = e->g->energy.y[train[i]];
		}
		struct fit_data d = {n, in, y};
		struct fit_result r;
		if (fit_model(m, &d, &r) == FIT_OK) {
			s->m = m;
			memcpy(s->params, r.value,
			       r.nparams * sizeof *s->params);
			if (model_only ||
			    own_estimate(s, &r, e, train, n, in, y)) {
				result = s;
				s = NULL;
			} else {
				snprintf(err, len, "out of memory");
			}
		} else {
			snprintf(err, len, "%s", r.message);
		}
		fit_result_free(&r);
	}
	free(in);
	free(y);
	own_free(s);
	return result;
}

/* Trains one method; when it cannot, the reason is kept in me->why (the
 * last one), for a report with nothing scored. */
static void *method_train(struct eval_method *me, const struct model *m,
			  const struct eval_group *e, const size_t *train,
			  size_t n)
{
	char err[sizeof me->why] = "";
	void *state = me->kind ? me->kind->train(e, train, n, err, sizeof err)
			       : own_train(m, me->model_only, e, train, n, err,
					   sizeof err);
	if (!state)
		memcpy(me->why, err, sizeof me->why);
	return state;
}

static bool near(double a, double b);

/* Training runs measured at row i's configuration (its workload, layout
 * and batch, lengths within SELECT_MEASURED_TOLERANCE): the mean of their
 * logs. */
static struct estimate_in own_in(const struct own_state *s,
				 const struct eval_group *e, size_t i)
{
	struct estimate_in c = {e->g->energy.inputs + i * MODEL_NINPUTS, 0, 0};
	const struct profile_run *a = run_of(e, i);
	for (size_t k = 0; s->e == e && k < s->ntrain; k++) {
		const struct profile_run *b = run_of(e, s->train[k]);
		if (b->workload != a->workload || b->tp != a->tp ||
		    b->pp != a->pp || b->dp != a->dp ||
		    b->batch_size != a->batch_size ||
		    !near(b->input_tokens, a->input_tokens) ||
		    !near(b->output_tokens, a->output_tokens))
			continue;
		c.measured_log += log(e->g->energy.y[s->train[k]]);
		c.measured++;
	}
	if (c.measured)
		c.measured_log /= (double)c.measured;
	return c;
}

/* The estimates' workload for row i: none for a group the state was not
 * trained on (hardware transfer), whose workloads it never saw. */
static const struct estimate_workload *
own_workload(const struct own_state *s, const struct eval_group *e, size_t i)
{
	return s->e == e ? estimate_workload(&s->est, run_of(e, i)->workload)
			 : NULL;
}

static double method_score(const struct eval_method *me, const void *state,
			   const struct eval_group *e, size_t i)
{
	if (me->kind)
		return me->kind->score(state, e, i);
	const struct own_state *s = state;
	if (!s->estimated)
		return model_predict(s->m,
				     e->g->energy.inputs + i * MODEL_NINPUTS,
				     s->params, NULL);
	struct estimate_in c = own_in(s, e, i);
	struct estimate_out o;
	estimate_one(&s->est, own_workload(s, e, i), &c, &o);
	return o.energy_j;
}

static void method_free(const struct eval_method *me, void *state)
{
	if (me->kind)
		me->kind->free(state);
	else
		own_free(state);
}

/* ---- scenarios ------------------------------------------------------------
 */

/* One candidate of a scenario: replicated runs of one configuration are
 * averaged, in score and in measured energy. */
struct cand {
	double score, energy;
	size_t count;
	bool measured; /* partial: one of its runs was trained on */
};

struct scratch {
	struct cand *c;
	const struct profile_run **key;
	bool *done;
	double *score, *energy; /* one scenario's, for eval_score_scenario */
	/* partial: whether each test row was trained on; NULL elsewhere */
	const bool *trained;
};

void eval_score_scenario(const double *score, const double *energy, size_t n,
			 struct eval_tally *t)
{
	if (n < 2)
		return;
	double smin = INFINITY, emin = INFINITY;
	for (size_t i = 0; i < n; i++) {
		if (isnan(score[i]))
			return;
		smin = fmin(smin, score[i]);
		emin = fmin(emin, energy[i]);
	}
	size_t chosen = 0;
	double credit = 0, regret = 0;
	for (size_t i = 0; i < n; i++) {
		if (score[i] != smin)
			continue;
		chosen++;
		credit += energy[i] <= emin;
		regret += energy[i] / emin - 1;
	}
	t->top1 += credit / (double)chosen;
	t->regret += regret / (double)chosen;
	t->scenarios++;
	t->candidates += n;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			double de = energy[i] - energy[j];
			double ds = score[i] - score[j];
			if (de == 0)
				continue;
			t->pairs++;
			t->pairwise += ds == 0 ? 0.5 : (ds < 0) == (de < 0);
		}
}

static void add_tally(struct eval_tally *to, const struct eval_tally *t)
{
	to->top1 += t->top1;
	to->pairwise += t->pairwise;
	to->regret += t->regret;
	to->scenarios += t->scenarios;
	to->candidates += t->candidates;
	to->measured += t->measured;
	to->pairs += t->pairs;
	to->ape += t->ape;
	to->runs += t->runs;
}

/* Where one method's scores of one test set are added: its own tallies, and
 * in hardware transfer also its pair's (by_workload, by_size and ceiling
 * NULL there). The ceiling is tallied with the model's scores only. */
struct sink {
	struct eval_tally *config, *layout, *by_workload;
	struct eval_sizes *by_size;
	struct eval_ceiling *ceiling;
};

static uint64_t next_random(uint64_t *state);

/* Two independent standard normal draws (Box-Muller). */
static void normal_pair(uint64_t *state, double *z)
{
	double u1 = ((double)(next_random(state) >> 11) + 1) * 0x1p-53;
	double u2 = (double)(next_random(state) >> 11) * 0x1p-53;
	double r = sqrt(-2 * log(u1)), a = 6.283185307179586 * u2;
	z[0] = r * cos(a);
	z[1] = r * sin(a);
}

/* The oracle's pairwise accuracy on one scenario, in closed form: a pair of
 * means m1 < m2 is drawn in that order with probability
 * Phi(log(m2 / m1) / sqrt(s^2 / n1 + s^2 / n2)); a pair of equal means is a
 * tie for the oracle, half a point, as in eval_score_scenario. */
static double ceiling_pairwise(const struct cand *c, size_t n, double noise)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			double gap = fabs(log(c[i].energy / c[j].energy));
			double sd = noise * sqrt(1 / (double)c[i].count +
						 1 / (double)c[j].count);
			sum += 0.5 * erfc(-gap / (sd * sqrt(2)));
		}
	return sum;
}

/* The noise ceiling of one scenario (eval.h, struct eval_ceiling): the
 * oracle picks the candidates of the lowest mean (sharing the credit when
 * tied) and is scored against draws around the means, in logs, so that
 * only the regret needs an exp. Uses the scratch's score (log means) and
 * energy (one draw) arrays, which the method's tally is done with. */
static void ceiling_scenario(const struct scratch *s, size_t n, bool layout,
			     struct eval_ceiling *c)
{
	double mmin = INFINITY, top1 = 0, regret = 0;
	for (size_t i = 0; i < n; i++) {
		s->score[i] = log(s->c[i].energy);
		mmin = fmin(mmin, s->c[i].energy);
	}
	for (int d = 0; d < EVAL_CEILING_DRAWS; d++) {
		double xmin = INFINITY, z[2];
		for (size_t i = 0; i < n; i++) {
			if (i % 2 == 0)
				normal_pair(&c->state, z);
			s->energy[i] = s->score[i] +
				       c->noise * z[i % 2] /
					       sqrt((double)s->c[i].count);
			xmin = fmin(xmin, s->energy[i]);
		}
		size_t chosen = 0;
		double credit = 0, extra = 0;
		for (size_t i = 0; i < n; i++) {
			if (s->c[i].energy != mmin)
				continue;
			chosen++;
			if (s->energy[i] <= xmin)
				credit++;
			else
				extra += expm1(s->energy[i] - xmin);
		}
		top1 += credit / (double)chosen;
		regret += extra / (double)chosen;
	}
	const double per = EVAL_CEILING_DRAWS;
	struct eval_tally one = {
		.top1 = top1 / per,
		.pairwise = ceiling_pairwise(s->c, n, c->noise),
		.regret = regret / per,
		.scenarios = 1,
		.candidates = n,
		.pairs = n * (n - 1) / 2,
	};
	add_tally(layout ? &c->layout : &c->config, &one);
	struct eval_tally *size =
		layout ? c->by_size.layout : c->by_size.config;
	add_tally(&size[eval_size_index(n)], &one);
}

/* Scores one scenario of a method, of n candidates, into t; true when it
 * was scored (not when a score is NaN). */
static bool add_scenario(const struct scratch *s, size_t n, size_t measured,
			 struct eval_tally *t)
{
	size_t before = t->scenarios;
	eval_score_scenario(s->score, s->energy, n, t);
	if (t->scenarios == before)
		return false;
	t->measured += measured;
	return true;
}

/* Scores one scenario (the candidates in s->c) into the sink: the choice's
 * tally, the workload's (workload NULL: none), the size's and the
 * ceiling. A scenario needs two candidates, and in the partial protocol
 * measured and unmeasured ones both. */
static void score_scenario(const struct scratch *s, size_t n,
			   const struct sink *k, bool layout,
			   struct eval_tally *workload)
{
	size_t measured = 0;
	for (size_t i = 0; i < n; i++) {
		s->score[i] = s->c[i].score;
		s->energy[i] = s->c[i].energy;
		measured += s->c[i].measured;
	}
	if (n < 2 || (s->trained && (measured == 0 || measured == n)))
		return;
	if (!add_scenario(s, n, measured, layout ? k->layout : k->config))
		return;
	if (workload)
		add_scenario(s, n, measured, workload);
	if (k->by_size)
		add_scenario(
			s, n, measured,
			&(layout ? k->by_size->layout
				 : k->by_size->config)[eval_size_index(n)]);
	if (k->ceiling)
		ceiling_scenario(s, n, layout, k->ceiling);
}

static bool near(double a, double b)
{
	return a == b || fabs(a - b) <= SELECT_MEASURED_TOLERANCE *
						fmax(fabs(a), fabs(b));
}

/* Rows of one scenario are grouped into candidates by layout (and, for the
 * configuration choice, batch). */
static size_t add_to(struct cand *c, size_t n, const struct profile_run **key,
		     const struct profile_run *r, bool by_batch, double score,
		     double energy, bool measured)
{
	size_t k = 0;
	while (k < n && !(key[k]->tp == r->tp && key[k]->pp == r->pp &&
			  key[k]->dp == r->dp &&
			  (!by_batch || key[k]->batch_size == r->batch_size)))
		k++;
	if (k == n) {
		key[k] = r;
		c[k] = (struct cand){0, 0, 0, false};
		n++;
	}
	c[k].measured |= measured;
	c[k].score += (score - c[k].score) / (double)(c[k].count + 1);
	c[k].energy += (energy - c[k].energy) / (double)(c[k].count + 1);
	c[k].count++;
	return n;
}

static const struct profile_run *run_of(const struct eval_group *e, size_t i)
{
	return &e->set->runs[e->g->energy.run[i]];
}

static bool trained(const struct scratch *s, size_t a)
{
	return s->trained && s->trained[a];
}

/* Configuration choice: one scenario per workload among its test rows, by
 * energy per output token (mean output lengths differ by a few percent
 * between runs of a workload, and per request that would rank the lengths
 * as much as the configurations). */
static void tally_configs(const struct eval_group *e, const size_t *test,
			  size_t nt, const double *score, const struct sink *k,
			  struct scratch *s)
{
	memset(s->done, 0, nt * sizeof *s->done);
	for (size_t a = 0; a < nt; a++) {
		if (s->done[a])
			continue;
		uint32_t w = run_of(e, test[a])->workload;
		size_t n = 0;
		for (size_t b = a; b < nt; b++) {
			const struct profile_run *r = run_of(e, test[b]);
			if (r->workload != w)
				continue;
			s->done[b] = true;
			double out = r->output_tokens;
			n = add_to(s->c, n, s->key, r, true, score[b] / out,
				   e->g->energy.y[test[b]] / out,
				   trained(s, b));
		}
		score_scenario(s, n, k, false,
			       k->by_workload ? &k->by_workload[w] : NULL);
	}
}

/* Layout choice: one scenario per (workload, batch, input, output). */
static void tally_layouts(const struct eval_group *e, const size_t *test,
			  size_t nt, const double *score, const struct sink *k,
			  struct scratch *s)
{
	memset(s->done, 0, nt * sizeof *s->done);
	for (size_t a = 0; a < nt; a++) {
		if (s->done[a])
			continue;
		const struct profile_run *ra = run_of(e, test[a]);
		size_t n = 0;
		for (size_t b = a; b < nt; b++) {
			const struct profile_run *r = run_of(e, test[b]);
			if (s->done[b] || r->workload != ra->workload ||
			    r->batch_size != ra->batch_size ||
			    !near(r->input_tokens, ra->input_tokens) ||
			    !near(r->output_tokens, ra->output_tokens))
				continue;
			s->done[b] = true;
			n = add_to(s->c, n, s->key, r, false, score[b],
				   e->g->energy.y[test[b]], trained(s, b));
		}
		score_scenario(s, n, k, true, NULL);
	}
}

/* MAPE of the predicted energies (the references predict none) over the
 * rows not trained on, then both choices. */
static void tally(const struct eval_group *e, const size_t *test, size_t nt,
		  const double *score, bool predicts_energy,
		  const struct sink *k, struct scratch *s)
{
	for (size_t i = 0; predicts_energy && i < nt; i++) {
		double y = e->g->energy.y[test[i]];
		if (!isfinite(score[i]) || trained(s, i))
			continue;
		k->config->ape += fabs(score[i] - y) / y;
		k->config->runs++;
		if (k->by_workload) {
			struct eval_tally *w =
				&k->by_workload[run_of(e, test[i])->workload];
			w->ape += fabs(score[i] - y) / y;
			w->runs++;
		}
	}
	tally_configs(e, test, nt, score, k, s);
	tally_layouts(e, test, nt, score, k, s);
}

/* Method k's sink; the model's (k = 0) tallies the noise ceiling too, where
 * the data has replicates. */
static struct sink sink_of(struct eval_report *rep, size_t k)
{
	struct eval_method *me = &rep->methods[k];
	bool ceiling = k == 0 && rep->ceiling.noise > 0;
	return (struct sink){&me->config, &me->layout, me->by_workload,
			     &me->by_size, ceiling ? &rep->ceiling : NULL};
}

/* Room for one test set of n rows: its scores and the scenario scratch. */
struct test_space {
	double *score;
	struct scratch s;
};

static void test_space_free(struct test_space *t)
{
	free(t->score);
	free(t->s.c);
	free(t->s.key);
	free(t->s.done);
	free(t->s.score);
	free(t->s.energy);
}

static int test_space_alloc(struct test_space *t, size_t n)
{
	*t = (struct test_space){malloc((n + 1) * sizeof *t->score),
				 {malloc((n + 1) * sizeof *t->s.c),
				  malloc((n + 1) * sizeof *t->s.key),
				  malloc((n + 1) * sizeof *t->s.done),
				  malloc((n + 1) * sizeof *t->s.score),
				  malloc((n + 1) * sizeof *t->s.energy), NULL}};
	if (t->score && t->s.c && t->s.key && t->s.done && t->s.score &&
	    t->s.energy)
		return 0;
	test_space_free(t);
	return -1;
}

/* Counts a training of method k that failed. Every method is scored on
 * the training sets where the model (method 0) could be fitted, so that
 * all are compared on the same scenarios: true when the others must not
 * be scored either. */
static bool training_failed(struct eval_method *me, size_t k)
{
	me->failed++;
	return k == 0;
}

void eval_calibrate(struct eval_calibration *c, double confidence, double hit)
{
	if (!(confidence >= 0 && confidence <= 1))
		return;
	size_t b = (size_t)(confidence * EVAL_BINS);
	b = b < EVAL_BINS ? b : EVAL_BINS - 1;
	c->confidence[b] += confidence;
	c->hits[b] += hit;
	c->n[b]++;
}

double eval_ece(const struct eval_calibration *c)
{
	size_t total = 0;
	double sum = 0;
	for (size_t b = 0; b < EVAL_BINS; b++) {
		total += c->n[b];
		sum += fabs(c->confidence[b] - c->hits[b]);
	}
	/* sum over bins of n_b/N * |conf_b - top1_b|, with conf_b and
	 * top1_b means over the bin's n_b */
	return total ? sum / (double)total : NAN;
}

/* One workload's test rows among test[0..nt): its configuration choice's
 * candidates (layout, batch), each row's candidate into cand; returns
 * how many. */
static size_t config_candidates(const struct eval_group *e, const size_t *rows,
				size_t n, size_t *cand,
				const struct profile_run **key)
{
	size_t nc = 0;
	for (size_t i = 0; i < n; i++) {
		const struct profile_run *r = run_of(e, rows[i]);
		size_t k = 0;
		while (k < nc && !(key[k]->tp == r->tp && key[k]->pp == r->pp &&
				   key[k]->dp == r->dp &&
				   key[k]->batch_size == r->batch_size))
			k++;
		if (k == nc)
			key[nc++] = r;
		cand[i] = k;
	}
	return nc;
}

/* The calibration of one workload's configuration choice: the pick (the
 * lowest mean score per output token, as the Top-1 scores it), the share of draws in which
 * it measures the cheapest, and whether it was. */
static void calibrate_workload(const struct own_state *s,
			       const struct eval_group *e, const size_t *rows,
			       size_t n, const double *score, size_t *cand,
			       const struct profile_run **key,
			       struct estimate_in *in, double *draws,
			       double *mean, struct eval_calibration *cal,
			       uint64_t seed)
{
	size_t nc = config_candidates(e, rows, n, cand, key);
	if (nc < 2)
		return;
	double *sc = mean, *en = mean + nc, *cnt = mean + 2 * nc;
	memset(mean, 0, 3 * nc * sizeof *mean);
	/* per output token, as the configuration choice is scored */
	for (size_t i = 0; i < n; i++) {
		double out = run_of(e, rows[i])->output_tokens;
		sc[cand[i]] += score[i] / out;
		en[cand[i]] += e->g->energy.y[rows[i]] / out;
		cnt[cand[i]]++;
		in[i] = own_in(s, e, rows[i]);
	}
	size_t pick = 0;
	double emin = INFINITY;
	for (size_t k = 0; k < nc; k++) {
		sc[k] /= cnt[k];
		en[k] /= cnt[k];
		if (sc[k] < sc[pick])
			pick = k;
		emin = fmin(emin, en[k]);
	}
	estimate_draw(&s->est, own_workload(s, e, rows[0]), in, n, EVAL_DRAWS,
		      seed, draws);
	size_t wins = 0;
	for (size_t d = 0; d < EVAL_DRAWS; d++) {
		memset(sc, 0, nc * sizeof *sc);
		for (size_t i = 0; i < n; i++)
			sc[cand[i]] += draws[d * n + i] /
				       run_of(e, rows[i])->output_tokens /
				       cnt[cand[i]];
		size_t best = 0;
		for (size_t k = 1; k < nc; k++)
			if (sc[k] < sc[best])
				best = k;
		wins += best == pick;
	}
	eval_calibrate(cal, (double)wins / EVAL_DRAWS, en[pick] <= emin);
}

/* The calibration tally of a confident method over one test set, one
 * configuration choice per workload. */
static int calibrate(const struct own_state *s, const struct eval_group *e,
		     const size_t *test, size_t nt, const double *score,
		     struct eval_calibration *cal, uint64_t seed)
{
	size_t *rows = malloc((nt + 1) * sizeof *rows);
	size_t *cand = malloc((nt + 1) * sizeof *cand);
	const struct profile_run **key = malloc((nt + 1) * sizeof *key);
	struct estimate_in *in = malloc((nt + 1) * sizeof *in);
	double *draws = malloc((nt + 1) * EVAL_DRAWS * sizeof *draws);
	double *mean = malloc((3 * nt + 1) * sizeof *mean);
	double *sc = malloc((nt + 1) * sizeof *sc);
	bool *done = calloc(nt + 1, sizeof *done);
	int status = rows && cand && key && in && draws && mean && sc && done
			     ? 0
			     : -1;
	for (size_t a = 0; status == 0 && a < nt; a++) {
		if (done[a])
			continue;
		uint32_t w = run_of(e, test[a])->workload;
		size_t n = 0;
		for (size_t b = a; b < nt; b++)
			if (!done[b] && run_of(e, test[b])->workload == w) {
				done[b] = true;
				sc[n] = score[b];
				rows[n++] = test[b];
			}
		calibrate_workload(s, e, rows, n, sc, cand, key, in, draws,
				   mean, cal, seed ^ ((uint64_t)w << 20));
	}
	free(rows);
	free(cand);
	free(key);
	free(in);
	free(draws);
	free(mean);
	free(sc);
	free(done);
	return status;
}

/* Trains every method on train and scores it on test; in the partial
 * protocol trained[i] says whether test[i] is a training row (NULL
 * elsewhere). */
static int evaluate(const struct eval_options *o, struct eval_report *rep,
		    const struct eval_group *e, const size_t *train,
		    size_t ntrain, const size_t *test, size_t ntest,
		    const bool *trained)
{
	struct test_space t;
	if (test_space_alloc(&t, ntest) != 0)
		return -1;
	t.s.trained = trained;
	rep->trainings++;
	for (size_t k = 0; k < rep->nmethods; k++) {
		struct eval_method *me = &rep->methods[k];
		void *state = method_train(me, o->model, e, train, ntrain);
		if (!state) {
			if (training_failed(me, k))
				break;
			continue;
		}
		for (size_t i = 0; i < ntest; i++)
			t.score[i] = method_score(me, state, e, test[i]);
		if (me->confident && !me->kind &&
		    ((const struct own_state *)state)->estimated &&
		    calibrate(state, e, test, ntest, t.score, &me->calibration,
			      rep->trainings) != 0) {
			method_free(me, state);
			test_space_free(&t);
			return -1;
		}
		method_free(me, state);
		struct sink sink = sink_of(rep, k);
		tally(e, test, ntest, t.score, me->predicts_energy, &sink,
		      &t.s);
	}
	test_space_free(&t);
	return 0;
}

/* ---- protocols ------------------------------------------------------------
 */

/* splitmix64: small, and the same on every machine, so every seed draws
 * the same runs everywhere. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Puts k of the n values of pool, drawn without replacement, first. */
static void draw(size_t *pool, size_t n, size_t k, uint64_t *state)
{
	for (size_t i = 0; i < k && i < n; i++) {
		size_t j = i + (size_t)(next_random(state) % (n - i));
		size_t t = pool[i];
		pool[i] = pool[j];
		pool[j] = t;
	}
}

/* A group's draws depend on its label, not on its place among the groups,
 * so the same GPU's runs are drawn alike whatever else was loaded. */
static uint64_t group_hash(const struct eval_group *e)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const char *c = e->g->label; *c; c++) {
		h ^= (unsigned char)*c;
		h *= 1099511628211ULL;
	}
	return h;
}

static uint64_t seed_for(unsigned seed, const struct eval_group *e, size_t part)
{
	return group_hash(e) + seed * 1000003u + part * 104729u;
}

/* Progress through the rows of every group, the current group's from
 * o->progress->base: a workloads protocol over 2 000 workloads trains 20 000
 * times, for a minute and more. */
static void tick(const struct eval_options *o, size_t done, size_t total)
{
	if (o->progress)
		progress_update(o->progress, done, total);
}

/* The test rows of a group of n with a test fraction: round(F n). */
static size_t test_rows(const struct eval_options *o, size_t n)
{
	return (size_t)llround(o->test_fraction * (double)n);
}

/* Whether a group of n rows has room for the protocol's training runs
 * (runs, partial): k of them and at least one other run, or with a test
 * fraction k beside the test rows. */
static bool room_to_train(const struct eval_options *o, size_t n)
{
	if (o->test_fraction > 0) {
		size_t nt = test_rows(o, n);
		return nt > 0 && n - nt >= o->train;
	}
	return o->train < n;
}

/* Held-out runs: k random runs trained on, the others scored; with a test
 * fraction the test rows are drawn first and the k from the rest, so that
 * the test sets have one size whatever k. */
static int protocol_runs(const struct eval_options *o, struct eval_report *rep,
			 const struct eval_group *e, size_t *rows, size_t total)
{
	size_t n = e->g->energy.n;
	if (!room_to_train(o, n))
		return 0;
	size_t nt = o->test_fraction > 0 ? test_rows(o, n) : n - o->train;
	for (unsigned seed = 0; seed < o->seeds; seed++) {
		tick(o, n * seed / o->seeds, total);
		for (size_t i = 0; i < n; i++)
			rows[i] = i;
		uint64_t state = seed_for(seed, e, 0);
		int status;
		if (o->test_fraction > 0) {
			draw(rows, n, nt, &state);
			draw(rows + nt, n - nt, o->train, &state);
			status = evaluate(o, rep, e, rows + nt, o->train, rows,
					  nt, NULL);
		} else {
			draw(rows, n, o->train, &state);
			status = evaluate(o, rep, e, rows, o->train,
					  rows + o->train, nt, NULL);
		}
		if (status)
			return -1;
	}
	return 0;
}

/* The operator's case: k random runs trained on (the same draws as in the
 * runs protocol), and every run of the group scored, so that each
 * workload's configuration choice is among all its configurations, the
 * measured ones (trained on) and the others. */
static int protocol_partial(const struct eval_options *o,
			    struct eval_report *rep, const struct eval_group *e,
			    size_t *rows, size_t total)
{
	size_t n = e->g->energy.n;
	if (!room_to_train(o, n))
		return 0;
	size_t *all = rows + n;
	bool *measured = malloc((n + 1) * sizeof *measured);
	if (!measured)
		return -1;
	int status = 0;
	for (unsigned seed = 0; seed < o->seeds && status == 0; seed++) {
		tick(o, n * seed / o->seeds, total);
		for (size_t i = 0; i < n; i++) {
			rows[i] = all[i] = i;
			measured[i] = false;
		}
		uint64_t state = seed_for(seed, e, 0);
		draw(rows, n, o->train, &state);
		for (size_t i = 0; i < o->train; i++)
			measured[rows[i]] = true;
		status = evaluate(o, rep, e, rows, o->train, all, n, measured);
	}
	free(measured);
	return status;
}

/* Every run trained on and scored: how well the form chooses with every
 * run seen (not a strict bound: the fit minimises the energies' error, not
 * the misses). Held-out scores near it say that more runs will not help
 * much, and a better form would. */
static int protocol_in_sample(const struct eval_options *o,
			      struct eval_report *rep,
			      const struct eval_group *e, size_t *rows,
			      size_t total)
{
	tick(o, 0, total);
	size_t n = e->g->energy.n;
	for (size_t i = 0; i < n; i++)
		rows[i] = i;
	return evaluate(o, rep, e, rows, n, rows, n, NULL);
}

/* Whether row i belongs to the held-out set of row h: its workload, or
 * every workload of its model. */
static bool held_with(const struct eval_options *o, const struct eval_group *e,
		      size_t i, size_t h)
{
	const struct profile_run *a = run_of(e, i), *b = run_of(e, h);
	if (o->protocol == EVAL_WORKLOADS)
		return a->workload == b->workload;
	return e->set->workloads[a->workload].model ==
	       e->set->workloads[b->workload].model;
}

/* Each held-out set in turn (the rows of a workload, or of a model): the
 * training runs are k drawn from the rest of the group. */
static int protocol_held_out(const struct eval_options *o,
			     struct eval_report *rep,
			     const struct eval_group *e, size_t *rows,
			     size_t total)
{
	size_t n = e->g->energy.n;
	size_t *test = rows + n;
	bool *seen = calloc(n + 1, sizeof *seen);
	if (!seen)
		return -1;
	int status = 0;
	for (size_t h = 0; h < n && status == 0; h++) {
		if (seen[h])
			continue;
		tick(o, h, total);
		size_t nt = 0, np = 0;
		for (size_t i = 0; i < n; i++) {
			if (held_with(o, e, i, h)) {
				seen[i] = true;
				test[nt++] = i;
			} else {
				rows[np++] = i;
			}
		}
		if (np == 0)
			continue;
		size_t k = o->train < np ? o->train : np;
		/* With the whole pool drawn every seed is the same. */
		unsigned seeds = k == np ? 1 : o->seeds;
		for (unsigned seed = 0; seed < seeds && status == 0; seed++) {
			uint64_t state = seed_for(seed, e, h + 1);
			draw(rows, np, k, &state);
			status = evaluate(o, rep, e, rows, k, test, nt, NULL);
		}
	}
	free(seen);
	return status;
}

static int compare_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return (x > y) - (x < y);
}

/* Batch extrapolation: train on runs at or below the group's median batch
 * size, score the runs above it. */
static int protocol_batch(const struct eval_options *o, struct eval_report *rep,
			  const struct eval_group *e, size_t *rows,
			  size_t total)
{
	size_t n = e->g->energy.n;
	unsigned *b = malloc((n + 1) * sizeof *b);
	if (!b)
		return -1;
	for (size_t i = 0; i < n; i++)
		b[i] = run_of(e, i)->batch_size;
	qsort(b, n, sizeof *b, compare_unsigned);
	unsigned median = b[(n - 1) / 2];
	free(b);
	size_t *test = rows + n, np = 0, nt = 0;
	for (size_t i = 0; i < n; i++) {
		if (run_of(e, i)->batch_size <= median)
			rows[np++] = i;
		else
			test[nt++] = i;
	}
	if (np == 0 || nt == 0)
		return 0;
	size_t k = o->train < np ? o->train : np;
	unsigned seeds = k == np ? 1 : o->seeds;
	for (unsigned seed = 0; seed < seeds; seed++) {
		tick(o, n * seed / seeds, total);
		uint64_t state = seed_for(seed, e, 0);
		draw(rows, np, k, &state);
		if (evaluate(o, rep, e, rows, k, test, nt, NULL))
			return -1;
	}
	return 0;
}

/* ---- hardware transfer ----------------------------------------------------
 */

double eval_scale_refit(const double *pred, const double *y, size_t n)
{
	double sum = 0;
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		/* A row the method cannot price says nothing of the scale. */
		if (!(pred[i] > 0 && y[i] > 0) || !isfinite(pred[i]) ||
		    !isfinite(y[i]))
			continue;
		sum += log(y[i]) - log(pred[i]);
		used++;
	}
	return used ? exp(sum / (double)used) : NAN;
}

/* What the methods learnt on one source group: one state per method, NULL
 * for the references (they are trained on the target, as always) and for a
 * method that could not be trained. */
struct source_fit {
	void **state;
	bool *failed;
};

static void source_fit_clear(const struct eval_report *rep,
			     struct source_fit *f)
{
	for (size_t k = 0; k < rep->nmethods; k++) {
		if (f->state[k])
			method_free(&rep->methods[k], f->state[k]);
		f->state[k] = NULL;
		f->failed[k] = false;
	}
}

static void source_fit_train(const struct eval_options *o,
			     struct eval_report *rep,
			     const struct eval_group *a, const size_t *rows,
			     size_t n, struct source_fit *f)
{
	source_fit_clear(rep, f);
	for (size_t k = 0; k < rep->nmethods; k++) {
		struct eval_method *me = &rep->methods[k];
		if (me->reference)
			continue;
		f->state[k] = method_train(me, o->model, a, rows, n);
		f->failed[k] = !f->state[k];
	}
}

/* The refitted scale of a source-trained method on the target's drawn
 * runs; NaN when it prices none of them. */
static double refit_on(const struct eval_method *me, const void *state,
		       const struct eval_group *b, const size_t *cal,
		       size_t ncal, double *pred, double *y)
{
	for (size_t i = 0; i < ncal; i++) {
		pred[i] = method_score(me, state, b, cal[i]);
		y[i] = b->g->energy.y[cal[i]];
	}
	return eval_scale_refit(pred, y, ncal);
}

/* Scores one method on the target's test rows: a source-trained one
 * rescaled on the drawn rows cal, a reference trained on them as in the
 * other protocols. Returns false when it could not be trained or
 * rescaled; the log of the scale goes to *log_scale. */
static bool transfer_method(const struct eval_options *o,
			    struct eval_method *me, void *source_state,
			    const struct eval_group *b, const size_t *cal,
			    size_t ncal, const size_t *test, size_t ntest,
			    struct test_space *t, double *log_scale)
{
	void *state = me->reference ? method_train(me, o->model, b, cal, ncal)
				    : source_state;
	if (!state)
		return false;
	double scale = 1;
	if (!me->reference) {
		/* The scratch's score and energy arrays are sized for
		 * every row of the target (see transfer), the drawn ones
		 * included; they are free until the tally. */
		scale = refit_on(me, state, b, cal, ncal, t->s.score,
				 t->s.energy);
		/* Predictions near the bottom of the double range can give
		 * a factor that overflows: no usable refit either. */
		if (!(isfinite(scale) && scale > 0))
			return false;
	}
	for (size_t i = 0; i < ntest; i++)
		t->score[i] = scale * method_score(me, state, b, test[i]);
	if (me->reference)
		method_free(me, state);
	*log_scale = log(scale);
	return true;
}

/* One (source, target) pair at one seed: draw the target's runs for the
 * refit, score the rest. */
static int transfer(const struct eval_options *o, struct eval_report *rep,
		    const struct source_fit *f, const struct eval_group *b,
		    struct eval_pair *pair, unsigned seed, size_t *rows)
{
	size_t n = b->g->energy.n;
	size_t ncal = o->target ? o->target : EVAL_TARGET_RUNS;
	if (n <= ncal)
		return 0;
	for (size_t i = 0; i < n; i++)
		rows[i] = i;
	/* Seeded by the target alone: every source is rescaled on the same
	 * runs of a target, so the pairs compare alike. */
	uint64_t state = seed_for(seed, b, 0);
	draw(rows, n, ncal, &state);
	const size_t *test = rows + ncal;
	size_t ntest = n - ncal;
	struct test_space t;
	if (test_space_alloc(&t, n) != 0)
		return -1;
	rep->trainings++;
	for (size_t k = 0; k < rep->nmethods; k++) {
		struct eval_method *me = &rep->methods[k];
		double log_scale;
		if (f->failed[k] ||
		    !transfer_method(o, me, f->state[k], b, rows, ncal, test,
				     ntest, &t, &log_scale)) {
			if (training_failed(me, k))
				break;
			continue;
		}
		struct sink sink = sink_of(rep, k);
		tally(b, test, ntest, t.score, me->predicts_energy, &sink,
		      &t.s);
		if (k == 0) {
			struct sink ps = {&pair->config, &pair->layout, NULL,
					  NULL, NULL};
			tally(b, test, ntest, t.score, true, &ps, &t.s);
			pair->log_scale += log_scale;
			pair->scales++;
		}
	}
	test_space_free(&t);
	return 0;
}

static size_t pair_index(size_t groups, size_t a, size_t b)
{
	return a * (groups - 1) + (b < a ? b : b - 1);
}

/* Every method but the references is trained on the source group (k drawn
 * runs, or all of them), then carried to every other group. */
static int transfer_from(const struct profile_set *set,
			 const struct dataset *ds, size_t a,
			 const struct eval_options *o, struct eval_report *rep,
			 struct source_fit *f, size_t *rows, size_t *src)
{
	const struct eval_group ea = {set, &ds->groups[a]};
	size_t n = ea.g->energy.n;
	size_t k = o->train && o->train < n ? o->train : n;
	for (unsigned seed = 0; seed < o->seeds; seed++) {
		/* With every source run taken, one fit serves every seed;
		 * the seeds then vary the target's draw only. */
		if (seed == 0 || k < n) {
			for (size_t i = 0; i < n; i++)
				src[i] = i;
			uint64_t state = seed_for(seed, &ea, 1);
			draw(src, n, k, &state);
			source_fit_train(o, rep, &ea, src, k, f);
		}
		for (size_t b = 0; b < ds->count; b++) {
			if (b == a)
				continue;
			const struct eval_group eb = {set, &ds->groups[b]};
			struct eval_pair *p =
				&rep->pairs[pair_index(ds->count, a, b)];
			if (p->same_hardware)
				continue;
			if (transfer(o, rep, f, &eb, p, seed, rows) != 0)
				return -1;
		}
	}
	return 0;
}

/* Groups without a hardware name could be on any GPU: only two named alike
 * are known to be on the same one. */
static bool same_hardware(const struct dataset_group *a,
			  const struct dataset_group *b)
{
	return a->hardware && b->hardware &&
	       strcmp(a->hardware, b->hardware) == 0;
}

static bool hardware_usable(const struct dataset *ds,
			    const struct eval_options *o,
			    struct eval_report *rep)
{
	if (ds->count < 2) {
		snprintf(rep->message, sizeof rep->message,
			 "hardware transfer needs at least two fit groups "
			 "(hardware and engine), the profiles make %zu",
			 ds->count);
		return false;
	}
	size_t transfers = 0;
	for (size_t i = 0; i < rep->npairs; i++)
		transfers += !rep->pairs[i].same_hardware;
	if (transfers == 0) {
		snprintf(rep->message, sizeof rep->message,
			 "hardware transfer needs fit groups on at least two "
			 "GPUs, all %zu groups are on %s",
			 ds->count, ds->groups[0].hardware);
		return false;
	}
	if (o->target == 1) {
		snprintf(rep->message, sizeof rep->message,
			 "the scale refit needs at least 2 target runs, got "
			 "%zu",
			 o->target);
		return false;
	}
	return true;
}

static int protocol_hardware(const struct profile_set *set,
			     const struct dataset *ds,
			     const struct eval_options *o,
			     struct eval_report *rep)
{
	if (!hardware_usable(ds, o, rep))
		return EVAL_UNUSABLE;
	size_t most = 0;
	for (size_t g = 0; g < ds->count; g++)
		if (ds->groups[g].energy.n > most)
			most = ds->groups[g].energy.n;
	struct source_fit f = {calloc(rep->nmethods, sizeof *f.state),
			       calloc(rep->nmethods, sizeof *f.failed)};
	size_t *rows = malloc((2 * most + 2) * sizeof *rows);
	int status = f.state && f.failed && rows ? 0 : -1;
	for (size_t a = 0; a < ds->count && status == 0; a++) {
		tick(o, a, ds->count);
		status = transfer_from(set, ds, a, o, rep, &f, rows,
				       rows + most + 1);
		source_fit_clear(rep, &f);
	}
	free(f.state);
	free(f.failed);
	free(rows);
	return status;
}

static int setup_pairs(const struct dataset *ds, struct eval_report *rep)
{
	if (ds->count < 2)
		return 0;
	rep->npairs = ds->count * (ds->count - 1);
	if (!(rep->pairs = calloc(rep->npairs, sizeof *rep->pairs)))
		return -1;
	for (size_t a = 0; a < ds->count; a++)
		for (size_t b = 0; b < ds->count; b++)
			if (a != b) {
				struct eval_pair *p = &rep->pairs[pair_index(
					ds->count, a, b)];
				p->source = a;
				p->target = b;
				p->same_hardware = same_hardware(
					&ds->groups[a], &ds->groups[b]);
			}
	return 0;
}

static int setup(const struct profile_set *set, const struct eval_options *o,
		 struct eval_report *rep)
{
	memset(rep, 0, sizeof *rep);
	size_t nb = 0;
	while (o->baselines && o->baselines[nb])
		nb++;
	rep->nworkloads = set->workload_count;
	if (!(rep->methods = calloc(nb + 2, sizeof *rep->methods)))
		return -1;
	rep->nmethods = nb + 2;
	rep->methods[0] = (struct eval_method){.name = o->model->name,
					       .predicts_energy = true,
					       .confident = true};
	snprintf(rep->model_only_name, sizeof rep->model_only_name,
		 "%s (model only)", o->model->name);
	rep->methods[1] = (struct eval_method){.name = rep->model_only_name,
					       .predicts_energy = true,
					       .model_only = true};
	for (size_t k = 0; k < nb; k++)
		rep->methods[k + 2] = (struct eval_method){
			.name = o->baselines[k]->name,
			.reference = o->baselines[k]->reference,
			.predicts_energy = o->baselines[k]->predicts_energy,
			.kind = o->baselines[k]};
	for (size_t k = 0; k < rep->nmethods; k++)
		if (!(rep->methods[k].by_workload =
			      calloc(set->workload_count + 1,
				     sizeof *rep->methods[k].by_workload)))
			return -1;
	return 0;
}

/* The protocols that train and score within each group in turn. */
static int within_groups(const struct profile_set *set,
			 const struct dataset *ds, const struct eval_options *o,
			 struct eval_report *out)
{
	size_t total = 0;
	for (size_t g = 0; g < ds->count; g++)
		total += ds->groups[g].energy.n;
	for (size_t g = 0; g < ds->count; g++) {
		const struct eval_group e = {set, &ds->groups[g]};
		size_t n = e.g->energy.n;
		size_t *rows = malloc((2 * n + 1) * sizeof *rows);
		if (!rows)
			return -1;
		int status =
			o->protocol == EVAL_RUNS
				? protocol_runs(o, out, &e, rows, total)
			: o->protocol == EVAL_PARTIAL
				? protocol_partial(o, out, &e, rows, total)
			: o->protocol == EVAL_BATCH
				? protocol_batch(o, out, &e, rows, total)
			: o->protocol == EVAL_IN_SAMPLE
				? protocol_in_sample(o, out, &e, rows, total)
				: protocol_held_out(o, out, &e, rows, total);
		free(rows);
		if (o->progress)
			o->progress->base += n;
		if (status != 0)
			return status;
	}
	return 0;
}

/* ---- the noise ceiling and an empty report --------------------------------
 */

/* The noise of a measurement over every group (eval.h, struct
 * eval_ceiling): estimate_noise_add's, from the replicates and the batch
 * sweeps, pooled by degrees of freedom. Out of the data alone, not the
 * model's: the ceiling is the same whatever is trained. */
static int replicate_noise(const struct profile_set *set,
			   const struct dataset *ds, struct eval_ceiling *c)
{
	struct estimate_noise acc = {0};
	for (size_t g = 0; g < ds->count; g++) {
		const struct eval_group e = {set, &ds->groups[g]};
		size_t n = e.g->energy.n;
		size_t *wl = malloc((n + 1) * sizeof *wl);
		if (!wl)
			return -1;
		for (size_t i = 0; i < n; i++)
			wl[i] = run_of(&e, i)->workload;
		struct estimate_rows rows = {n, e.g->energy.inputs,
					     e.g->energy.y, wl};
		bool ok = estimate_noise_add(&rows, &acc);
		free(wl);
		if (!ok)
			return -1;
	}
	c->replicated = acc.replicate_sets;
	c->runs = acc.replicate_runs;
	c->inner = acc.inner_points;
	/* No departures, or none from 0: no noise, and no draws. */
	c->noise = acc.df > 0 ? sqrt(acc.ss / acc.df) : 0;
	c->state = 0x656e657267796c65u; /* fixed: the same draws everywhere */
	return 0;
}

static size_t largest_group(const struct dataset *ds)
{
	size_t most = 0;
	for (size_t g = 0; g < ds->count; g++)
		if (ds->groups[g].energy.n > most)
			most = ds->groups[g].energy.n;
	return most;
}

/* Why no training set could be made, by protocol. */
static void explain_untrained(const struct dataset *ds,
			      const struct eval_options *o,
			      struct eval_report *rep)
{
	char *m = rep->empty;
	size_t len = sizeof rep->empty, most = largest_group(ds);
	switch (o->protocol) {
	case EVAL_RUNS:
	case EVAL_PARTIAL:
		if (o->test_fraction > 0)
			snprintf(m, len,
				 "no fit group has %zu runs beside its test "
				 "runs (the largest has %zu runs); try a "
				 "smaller --train",
				 o->train, most);
		else
			snprintf(m, len,
				 "no fit group has more than %zu runs (the "
				 "largest has %zu); try a smaller --train",
				 o->train, most);
		break;
	case EVAL_WORKLOADS:
	case EVAL_MODELS:
		snprintf(m, len,
			 "every fit group holds a single %s, so none can be "
			 "held out and trained on others (workloads without "
			 "a model shape are fitted apart, one group each)",
			 o->protocol == EVAL_WORKLOADS ? "workload" : "model");
		break;
	case EVAL_BATCH:
		snprintf(m, len,
			 "no fit group has runs both at or below and above "
			 "its median batch size");
		break;
	case EVAL_HARDWARE:
		snprintf(m, len,
			 "no target group has more runs than the %zu drawn "
			 "for the scale",
			 o->target ? o->target : (size_t)EVAL_TARGET_RUNS);
		break;
	default:
		snprintf(m, len, "no fit group has a run");
		break;
	}
}

/* Fills rep->empty when the model scored no scenario in either choice. */
static void explain_empty(const struct dataset *ds,
			  const struct eval_options *o, struct eval_report *rep)
{
	const struct eval_method *own = &rep->methods[0];
	if (own->config.scenarios || own->layout.scenarios)
		return;
	if (rep->trainings == 0)
		explain_untrained(ds, o, rep);
	else if (own->failed == rep->trainings)
		snprintf(rep->empty, sizeof rep->empty,
			 "%s could not be fitted on any of the %zu training "
			 "sets: %s",
			 own->name, rep->trainings,
			 own->why[0] ? own->why : "no reason given");
	else if (o->protocol == EVAL_PARTIAL)
		snprintf(rep->empty, sizeof rep->empty,
			 "no workload had both configurations among the "
			 "training runs and others, with two in all");
	else
		snprintf(rep->empty, sizeof rep->empty,
			 "no scenario had two candidates: the runs scored "
			 "of each workload are of one configuration");
}

int eval_run(const struct profile_set *set, const struct dataset *ds,
	     const struct eval_options *o, struct eval_report *out)
{
	int status = setup(set, o, out);
	if (status == 0)
		status = replicate_noise(set, ds, &out->ceiling);
	if (status == 0 && o->protocol == EVAL_HARDWARE)
		status = setup_pairs(ds, out);
	if (status == 0)
		status = o->protocol == EVAL_HARDWARE
				 ? protocol_hardware(set, ds, o, out)
				 : within_groups(set, ds, o, out);
	if (status == 0)
		explain_empty(ds, o, out);
	if (status != 0) {
		/* the message outlives the rest of the report */
		char message[sizeof out->message];
		memcpy(message, out->message, sizeof message);
		eval_report_free(out);
		memcpy(out->message, message, sizeof message);
	}
	return status;
}

void eval_report_free(struct eval_report *r)
{
	for (size_t k = 0; r->methods && k < r->nmethods; k++)
		free(r->methods[k].by_workload);
	free(r->methods);
	free(r->pairs);
	memset(r, 0, sizeof *r);
}
