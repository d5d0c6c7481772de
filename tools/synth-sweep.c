/* synth-sweep: writes one SYNTHETIC EnergyLens profile, a sweep over
 * tp x pp x batch x input x output with a prefill/decode energy split, for
 * the dimensions the measured data lacks (pipeline parallelism, input
 * length, the split itself). IT IS NOT A MEASUREMENT: every number comes
 * from the formulas below plus noise.
 *
 * Hardware: H100-SXM5-80GB, 8 per node (NVIDIA H100 datasheet: 989 TFLOP/s
 * dense BF16, 3.35 TB/s HBM3, NVLink 900 GB/s both ways = 450 GB/s each
 * way, 700 W board power; 400 Gb/s InfiniBand = 50 GB/s per GPU between
 * nodes). Model: by default a 70B dense transformer with Llama-3.1-70B's
 * shape (80 layers, hidden 8192, 8 KV heads of 128, bf16); with --moe a
 * mixture of experts with Mixtral-8x7B's shape (46.7B total, 12.9B active,
 * 8 experts, 2 per token, 32 layers, hidden 4096, 8 KV heads of 128).
 *
 * The physics, each effect as a formula with where it comes from. A step
 * is one forward pass of the whole batch: all B prompts for prefill, one
 * token of each of the B requests for decode.
 *
 * (1) Pipeline micro-batching. On p stages the batch is split into
 *     m = min(p, B) micro-batches of b = B / m requests (GPipe: Huang et
 *     al., NeurIPS 2019; vLLM and TensorRT-LLM keep up to p micro-batches
 *     in flight). Every micro-batch passes every stage, and a stage re-reads
 *     its weight shard for each one: weight traffic per step is m * W, not
 *     W, and the roofline (5) sees micro-batches of b, not B.
 * (2) Pipeline bubble. m micro-batches through p stages take m + p - 1
 *     slots of one stage time (GPipe's bubble fraction (p-1)/(m+p-1);
 *     Narayanan et al., SC 2021, sec. 2.2): per step each stage is busy m
 *     slots and waits p - 1, its GPUs at idle power (4). A slot is the
 *     stage time plus, for p > 1, the hand-off of the activations to the
 *     next stage (latency 20 us + bytes / link bandwidth).
 * (3) All-reduce latency. Tensor parallelism all-reduces the activations
 *     twice per layer (Shoeybi et al., Megatron-LM, 2019, sec. 3). An
 *     all-reduce of S bytes over t GPUs takes
 *         alpha * log2(t) + 2 (t-1)/t * S / beta,
 *     the latency of a tree (recursive doubling) and the volume of a ring
 *     (Thakur, Rabenseifner and Gropp, IJHPCA 2005; NCCL's tree and ring
 *     algorithms), alpha = 8 us, beta = NVLink. The latency grows with
 *     log2 t without bound, where the volume levels off at 2 S; while a
 *     stage all-reduces, the step waits, so the time is paid on all n GPUs
 *     through (4).
 * (4) Idle power over the wall time. Each of the n = t p GPUs draws its
 *     idle power P_idle = 95 W for the whole wall time of a step, busy,
 *     stalled on a collective or in the bubble alike, plus the dynamic
 *     energy of the work it does:
 *         E_step = n * P_idle * wall + FLOPs * e_flop + HBM bytes * e_hbm
 *                  + link bytes * e_link
 *     (the decomposition behind Zeus, You et al., NSDI 2023, and the
 *     ML.ENERGY measurements). e_flop = 650 W at 55 % of peak, about
 *     1.2 pJ/FLOP; e_hbm = 6 pJ/bit; e_link = 15 pJ/bit.
 * (5) Roofline. A stage's time for a micro-batch is
 *         max(bytes / (0.8 * HBM bandwidth), FLOPs / (eff * peak))
 *     (Williams, Waterman and Patterson, CACM 2009) per GPU, eff = 0.55
 *     for prefill and 0.35 for decode: decode is memory-bound at small
 *     micro-batches and compute-bound once b passes the ridge, where
 *     2 Na b FLOPs take as long as reading 2 N bytes of 16-bit weights:
 *     b = 0.35 * 989e12 / (0.8 * 3.35e12), about 130 for the dense model.
 * (6) MoE experts touched per micro-batch. With E routed experts and k per
 *     token, a micro-batch of b tokens routed uniformly and independently
 *     touches a share 1 - (1 - k/E)^b of the expert weights (Fedus, Zoph
 *     and Shazeer, JMLR 2022, for the routing; the same share energylens's
 *     Weff uses, here per micro-batch, not per batch). The shared weights
 *     s follow from N = s + e and Na = s + e k/E. Dense models: all of W.
 * (7) Power cap. A GPU draws at most P_cap = 700 W (--power-cap W): when
 *     P_idle + a stage's dynamic energy per GPU / its time would exceed
 *     it, the clocks drop and the stage stretches to
 *         dynamic per GPU / (P_cap - P_idle)
 *     (nvidia-smi -pl; the power limit Zeus tunes). With the defaults it
 *     binds in compute-bound prefill.
 *
 * Per request: prefill energy = E_step(prefill) / B, decode energy =
 * O * E_step(decode at context I + O/2) / B; TTFT = the prefill step's wall
 * time, TPOT = the decode step's. Each measured quantity then gets
 * multiplicative log-normal noise exp(sigma z), sigma = 0.05 (--sigma; prefill
 * and decode energy independently; latency with its own draw), from the
 * program's own PRNG (splitmix64 + Box-Muller), so the output depends only
 * on --seed. Values are printed to 6 significant digits, which also keeps
 * them the same across C libraries. Layouts whose weights + KV cache +
 * 4 GiB of runtime overhead exceed 90 % of a GPU's memory are skipped. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GIB (1024.0 * 1024.0 * 1024.0)
#define PI  3.14159265358979323846

/* The served model, SI units. */
struct shape {
	const char *name, *model, *architecture;
	double params, active; /* N, Na */
	double layers, hidden, kv_elements, bytes_per_weight;
	double experts, experts_per_token; /* E, k; 0 for dense */
};

static const struct shape dense = {
	.name = "synthetic-sweep",
	.model = "synthetic/dense-70b",
	.architecture = "dense",
	.params = 70.6e9,
	.active = 70.6e9,
	.layers = 80,
	.hidden = 8192,
	.kv_elements = 2048,
	.bytes_per_weight = 2,
};

static const struct shape moe = {
	.name = "synthetic-sweep-moe",
	.model = "synthetic/moe-8x7b",
	.architecture = "moe",
	.params = 46.7e9,
	.active = 12.9e9,
	.layers = 32,
	.hidden = 4096,
	.kv_elements = 1024,
	.bytes_per_weight = 2,
	.experts = 8,
	.experts_per_token = 2,
};

/* The hardware and the energy per operation, SI units. */
struct hardware {
	double gpu_memory; /* bytes */
	double peak_flops; /* dense bf16 */
	double hbm_bw;	   /* bytes/s */
	double nvlink_bw;  /* bytes/s per GPU, one direction */
	double ib_bw;	   /* bytes/s per GPU between nodes */
	double gpus_per_node;
	double eff_prefill, eff_decode_flops, eff_hbm;
	double j_per_flop; /* dynamic energy */
	double j_per_hbm_byte;
	double j_per_link_byte;
	double collective_s; /* alpha: latency of one all-reduce round */
	double handoff_s;    /* latency of one pipeline hand-off */
	double idle_w;	     /* per GPU */
	double cap_w;	     /* power limit per GPU */
	double sigma;
};

static const struct hardware h100 = {
	.gpu_memory = 80 * GIB,
	.peak_flops = 989e12,
	.hbm_bw = 3.35e12,
	.nvlink_bw = 450e9,
	.ib_bw = 50e9,
	.gpus_per_node = 8,
	.eff_prefill = 0.55,
	.eff_decode_flops = 0.35,
	.eff_hbm = 0.80,
	.j_per_flop = 650.0 / (0.55 * 989e12),
	.j_per_hbm_byte = 48e-12,
	.j_per_link_byte = 120e-12,
	.collective_s = 8e-6,
	.handoff_s = 20e-6,
	.idle_w = 95,
	.cap_w = 700,
	.sigma = 0.05,
};

struct sweep {
	const struct shape *s;
	struct hardware hw;
};

struct layout {
	int tp, pp, batch, input, output;
};

struct result {
	double prefill_j, decode_j, ttft_s, tpot_s;
};

/* One step of the pipeline as (1)-(7) describe it. */
struct step {
	double tokens;	/* per request in the step: I (prefill), 1 */
	double context; /* tokens of KV cache each request reads */
	double eff;	/* share of peak FLOP/s reached */
};

/* splitmix64: small, fast and fully specified, so every platform draws the
 * same sequence for a seed (rand() promises neither). */
static uint64_t next_u64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

static double uniform01(uint64_t *state)
{
	/* 53 random bits, never exactly 0, so log() below is finite. */
	return ((double)(next_u64(state) >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(uint64_t *state)
{
	double u = uniform01(state), v = uniform01(state);
	return sqrt(-2 * log(u)) * cos(2 * PI * v);
}

static double noise(const struct sweep *w, uint64_t *state)
{
	return exp(w->hw.sigma * normal(state));
}

static double kv_bytes_per_token(const struct shape *s)
{
	return s->layers * s->kv_elements * s->bytes_per_weight;
}

static int fits(const struct sweep *w, const struct layout *l)
{
	double n = l->tp * l->pp;
	double weights = w->s->params * w->s->bytes_per_weight / n;
	double kv = l->batch * (double)(l->input + l->output) *
		    kv_bytes_per_token(w->s) / n;
	return weights + kv + 4 * GIB <= 0.9 * w->hw.gpu_memory;
}

/* (6): bytes of weights a micro-batch of `tokens` tokens reads. */
static double weights_read(const struct shape *s, double tokens)
{
	double E = s->experts, k = s->experts_per_token;
	double params = s->params;
	if (E > 0 && k > 0 && k < E) {
		double shared = (s->active * E - s->params * k) / (E - k);
		double touched = 1 - pow(1 - k / E, tokens);
		params = shared + (s->params - shared) * touched;
	}
	return params * s->bytes_per_weight;
}

/* (3): one all-reduce of `bytes` over t GPUs on NVLink. */
static double allreduce_s(const struct hardware *hw, int t, double bytes)
{
	if (t <= 1)
		return 0;
	return hw->collective_s * log2(t) +
	       2.0 * (t - 1) / t * bytes / hw->nvlink_bw;
}

static double link_bw(const struct hardware *hw, int tp, int pp)
{
	return tp * pp > hw->gpus_per_node ? hw->ib_bw : hw->nvlink_bw;
}

/* Energy (J) and wall time (s) of one step of the whole batch. */
static void run_step(const struct sweep *w, const struct layout *l,
		     const struct step *st, double *energy, double *wall)
{
	const struct shape *s = w->s;
	const struct hardware *hw = &w->hw;
	double t = l->tp, p = l->pp, n = t * p;
	/* (1) micro-batches and their size */
	double m = l->batch < l->pp ? l->batch : l->pp;
	double b = l->batch / m;
	double tokens = b * st->tokens; /* in one micro-batch */
	/* one stage, one micro-batch, per GPU of the stage */
	double bytes = (weights_read(s, tokens) +
			b * st->context * kv_bytes_per_token(s)) /
		       n;
	double flops = 2 * s->active * tokens / n;
	/* (5) roofline */
	double busy_s = fmax(bytes / (hw->eff_hbm * hw->hbm_bw),
			     flops / (st->eff * hw->peak_flops));
	/* (3) two all-reduces per layer of the stage */
	double act = tokens * s->hidden * 2; /* bytes per all-reduce */
	double ar_count = l->tp > 1 ? 2 * s->layers / p : 0;
	double ar_s = ar_count * allreduce_s(hw, l->tp, act);
	double ar_bytes = ar_count * 2.0 * (t - 1) / t * act; /* per GPU */
	double dyn = flops * hw->j_per_flop + bytes * hw->j_per_hbm_byte +
		     ar_bytes * hw->j_per_link_byte; /* per GPU */
	double stage_s = busy_s + ar_s;
	/* (7) power cap */
	stage_s = fmax(stage_s, dyn / (hw->cap_w - hw->idle_w));
	/* (2) the slot includes the hand-off to the next stage */
	double handoff_s =
		l->pp > 1 ? hw->handoff_s + act / link_bw(hw, l->tp, l->pp) : 0;
	*wall = (m + p - 1) * (stage_s + handoff_s);
	/* (4) every GPU at idle power for the whole wall time, plus the
	 * dynamic energy of m micro-batches on each of the n GPUs and the
	 * hand-offs between stages */
	*energy = n * hw->idle_w * *wall + m * n * dyn +
		  m * (p - 1) * act * hw->j_per_link_byte;
}

static void simulate(const struct sweep *w, const struct layout *l,
		     struct result *r)
{
	struct step prefill = {l->input, 0, w->hw.eff_prefill};
	struct step decode = {1, l->input + l->output / 2.0,
			      w->hw.eff_decode_flops};
	double e, wall;
	run_step(w, l, &prefill, &e, &wall);
	r->prefill_j = e / l->batch;
	r->ttft_s = wall;
	run_step(w, l, &decode, &e, &wall);
	r->decode_j = l->output * e / l->batch;
	r->tpot_s = wall;
}

static void fmt(FILE *out, double x)
{
	fprintf(out, "%.6g", x);
}

static void write_header(FILE *out, const struct sweep *w,
			 unsigned long long seed)
{
	const struct shape *s = w->s;
	fprintf(out,
		"---\n"
		"# SYNTHETIC: generated by tools/synth-sweep%s --seed %llu; "
		"NOT a measurement.\n"
		"# Physics (formulas and sources in tools/synth-sweep.c), per "
		"step of the batch:\n"
		"# (1) pipeline micro-batching: min(p,B) micro-batches, each "
		"re-reading its stage's weights;\n"
		"# (2) pipeline bubble: m+p-1 slots per step, p-1 of them "
		"idle for each stage;\n"
		"# (3) all-reduce twice per layer: 8 us * log2(t) + "
		"2(t-1)/t * bytes / NVLink;\n"
		"# (4) every GPU at %.0f W idle for the wall time, plus "
		"dynamic energy per FLOP, HBM byte\n"
		"#     and link byte; (5) roofline: max(memory, compute) "
		"time per micro-batch;\n"
		"# (6) MoE experts touched per micro-batch: 1-(1-k/E)^b; "
		"(7) power cap %.0f W per GPU.\n"
		"# Noise: multiplicative log-normal, sigma = %.2f, on "
		"prefill_j, decode_j and latency\n"
		"# independently. Layouts whose weights + KV cache do not "
		"fit in 90%% of 80 GiB (after\n"
		"# 4 GiB overhead) are left out.\n"
		"energylens: 1\n"
		"workload:\n"
		"  name: %s\n"
		"  model: %s\n"
		"  params_b: %.3g\n"
		"  active_params_b: %.3g\n"
		"  architecture: %s\n"
		"  modality: text\n"
		"  hardware: H100-SXM5-80GB\n"
		"  gpu_memory_gib: 80\n"
		"  engine: \"synthetic (tools/synth-sweep)\"\n"
		"  shape:\n"
		"    layers: %.0f\n"
		"    hidden_size: %.0f\n"
		"    kv_elements: %.0f\n"
		"    weight_bits: %.0f\n"
		"    experts: %.0f\n"
		"    experts_per_token: %.0f\n"
		"    sliding_layers: 0\n"
		"    sliding_window: 0\n"
		"runs:\n",
		s == &moe ? " --moe" : "", seed, w->hw.idle_w, w->hw.cap_w,
		w->hw.sigma, s->name, s->model, s->params / 1e9,
		s->active / 1e9, s->architecture, s->layers, s->hidden,
		s->kv_elements, s->bytes_per_weight * 8, s->experts,
		s->experts_per_token);
}

static void write_run(FILE *out, const struct sweep *w, const struct layout *l,
		      uint64_t *rng)
{
	struct result r;
	simulate(w, l, &r);
	double pf = r.prefill_j * noise(w, rng);
	double dc = r.decode_j * noise(w, rng);
	double lat = noise(w, rng);
	double ttft = r.ttft_s * lat, tpot = r.tpot_s * lat;
	fprintf(out,
		"  - tp: %d\n    pp: %d\n    batch_size: %d\n"
		"    input_tokens: %d\n    output_tokens: %d\n",
		l->tp, l->pp, l->batch, l->input, l->output);
	fputs("    energy: {total_j: ", out);
	fmt(out, pf + dc);
	fputs(", prefill_j: ", out);
	fmt(out, pf);
	fputs(", decode_j: ", out);
	fmt(out, dc);
	fputs("}\n    latency: {e2e_s: ", out);
	fmt(out, ttft + l->output * tpot);
	fputs(", ttft_s: ", out);
	fmt(out, ttft);
	fputs(", tpot_ms: ", out);
	fmt(out, tpot * 1000);
	fputs("}\n", out);
}

static void write_sweep(FILE *out, const struct sweep *w,
			unsigned long long seed)
{
	static const int tps[] = {1, 2, 4, 8}, pps[] = {1, 2, 4};
	static const int batches[] = {1, 8, 32, 128, 256};
	static const int inputs[] = {128, 1024, 4096};
	static const int outputs[] = {128, 512};
	uint64_t rng = seed;
	write_header(out, w, seed);
	for (size_t a = 0; a < 4; a++)
		for (size_t b = 0; b < 3; b++)
			for (size_t c = 0; c < 5; c++)
				for (size_t d = 0; d < 3; d++)
					for (size_t e = 0; e < 2; e++) {
						struct layout l = {
							tps[a], pps[b],
							batches[c], inputs[d],
							outputs[e]};
						if (l.tp * l.pp <= 16 &&
						    fits(w, &l))
							write_run(out, w, &l,
								  &rng);
					}
}

static int usage(FILE *to, int status)
{
	fputs("Usage: synth-sweep [--moe] [--power-cap W] [--sigma S] "
	      "[--seed N] [-o FILE]\n"
	      "Writes a SYNTHETIC EnergyLens profile (see the source for its "
	      "physics):\n"
	      "a 70B dense model, or with --moe an 8x7B mixture of experts, "
	      "on H100s\n"
	      "with a power cap of W watts per GPU (default 700) and "
	      "log-normal noise\n"
	      "of sigma S (default 0.05; 0: the formulas exactly).\n",
	      to);
	return status;
}

/* A number for an option: the whole argument, finite, within [lo, hi]. */
static int parse_number(const char *text, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end || errno || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	unsigned long long seed = 20260101;
	struct sweep w = {&dense, h100};
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return usage(stdout, 0);
		if (strcmp(argv[i], "--moe") == 0) {
			w.s = &moe;
			continue;
		}
		if (i + 1 >= argc)
			return usage(stderr, 1);
		if (strcmp(argv[i], "-o") == 0) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--power-cap") == 0) {
			/* above idle, or nothing could run */
			if (parse_number(argv[++i], w.hw.idle_w + 1, 1e5,
					 &w.hw.cap_w) != 0)
				return usage(stderr, 1);
		} else if (strcmp(argv[i], "--sigma") == 0) {
			if (parse_number(argv[++i], 0, 1, &w.hw.sigma) != 0)
				return usage(stderr, 1);
		} else if (strcmp(argv[i], "--seed") == 0) {
			char *end;
			errno = 0;
			seed = strtoull(argv[++i], &end, 10);
			if (*end || errno)
				return usage(stderr, 1);
		} else {
			return usage(stderr, 1);
		}
	}
	FILE *out = path && strcmp(path, "-") != 0 ? fopen(path, "w") : stdout;
	if (!out) {
		fprintf(stderr, "synth-sweep: %s: %s\n", path, strerror(errno));
		return 73;
	}
	write_sweep(out, &w, seed);
	int failed = fflush(out) != 0 || ferror(out);
	if (out != stdout && fclose(out) != 0)
		failed = 1;
	if (failed) {
		fprintf(stderr, "synth-sweep: %s: write error\n",
			path ? path : "standard output");
		if (path && out != stdout)
			remove(path);
		return 73;
	}
	return 0;
}
