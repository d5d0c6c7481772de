/* synth-sweep: writes one SYNTHETIC EnergyLens profile, a sweep over
 * tp x pp x batch x input x output with a prefill/decode energy split, for
 * the dimensions the measured data lacks (pipeline parallelism, input
 * length, the split itself). It is not a measurement.
 *
 * The stated model: a 70B dense transformer with Llama-3.1-70B's shape
 * (80 layers, hidden 8192, 8 KV heads of 128, bf16 weights) served on
 * H100-SXM5-80GB GPUs, 8 per node (NVLink inside a node, InfiniBand between
 * nodes). Physics, per request, from first principles:
 *   prefill  compute-bound: 2·N·I FLOPs at efficiency 0.55 of 989 TFLOP/s,
 *            plus a ring all-reduce of the activations twice per layer;
 *   decode   memory-bound: every step streams the weights once per
 *            micro-batch (pipeline parallelism splits the batch in p) and
 *            reads the KV cache at context I + O/2, amortised over the
 *            batch; 2·N FLOPs per token; two all-reduces per layer whose
 *            latency does not shrink with the batch and whose volume grows
 *            with (t−1)/t; a hand-off plus a bubble per pipeline stage;
 *   static   every GPU draws its idle power for the whole wall time.
 * Energy = dynamic energy per byte / FLOP / link byte + static power x time.
 * Each measured quantity then gets multiplicative log-normal noise
 * exp(σ·z), σ = 0.05 (prefill and decode energy independently; latency with
 * its own draw), from the program's own PRNG (splitmix64 + Box-Muller), so
 * the output depends only on --seed. Values are printed to 6 significant
 * digits, which also keeps them the same across C libraries. Layouts whose
 * weights + KV cache + 4 GiB of runtime overhead exceed 90 % of a GPU's
 * memory are skipped. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GIB (1024.0 * 1024.0 * 1024.0)
#define PI  3.14159265358979323846

/* The model and the hardware, all SI units. */
struct physics {
	double params; /* N */
	double layers, hidden, kv_elements, bytes_per_weight;
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
	double collective_s; /* latency of one all-reduce step */
	double handoff_s;    /* latency of one pipeline hand-off */
	double static_w;     /* per GPU */
	double sigma;
};

static const struct physics phys = {
	.params = 70.6e9,
	.layers = 80,
	.hidden = 8192,
	.kv_elements = 2048,
	.bytes_per_weight = 2,
	.gpu_memory = 80 * GIB,
	.peak_flops = 989e12,
	.hbm_bw = 3.35e12,
	.nvlink_bw = 450e9,
	.ib_bw = 50e9,
	.gpus_per_node = 8,
	.eff_prefill = 0.55,
	.eff_decode_flops = 0.35,
	.eff_hbm = 0.80,
	/* ~550 W of dynamic power at full bf16 rate and the efficiency
	 * above; ~6 pJ/bit of HBM traffic; ~15 pJ/bit over NVLink. */
	.j_per_flop = 550.0 / (0.55 * 989e12),
	.j_per_hbm_byte = 48e-12,
	.j_per_link_byte = 120e-12,
	.collective_s = 8e-6,
	.handoff_s = 20e-6,
	.static_w = 95,
	.sigma = 0.05,
};

struct layout {
	int tp, pp, batch, input, output;
};

struct result {
	double prefill_j, decode_j, ttft_s, tpot_s;
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

static double noise(uint64_t *state)
{
	return exp(phys.sigma * normal(state));
}

static double kv_bytes_per_token(void)
{
	return phys.layers * phys.kv_elements * phys.bytes_per_weight;
}

static int fits(const struct layout *l)
{
	double n = l->tp * l->pp;
	double weights = phys.params * phys.bytes_per_weight / n;
	double kv = l->batch * (double)(l->input + l->output) *
		    kv_bytes_per_token() / n;
	return weights + kv + 4 * GIB <= 0.9 * phys.gpu_memory;
}

/* Ring all-reduce: each GPU sends and receives 2(t−1)/t of the data. */
static double allreduce_bytes(int tp, double bytes)
{
	return 2.0 * (tp - 1) / tp * bytes;
}

static double link_bw(int tp, int pp)
{
	return tp * pp > phys.gpus_per_node ? phys.ib_bw : phys.nvlink_bw;
}

static void prefill(const struct layout *l, struct result *r)
{
	double n = l->tp * l->pp;
	double flops = 2 * phys.params * l->input;
	double compute_s = flops / (n * phys.eff_prefill * phys.peak_flops);
	double act = l->input * phys.hidden * 2; /* bytes per all-reduce */
	double ar = l->tp > 1 ? 2 * phys.layers : 0;
	double ar_bytes = ar * allreduce_bytes(l->tp, act);
	double ar_s = ar / l->pp *
		      (phys.collective_s +
		       allreduce_bytes(l->tp, act) / phys.nvlink_bw);
	double handoff_s =
		(l->pp - 1) * (phys.handoff_s + act / link_bw(l->tp, l->pp));
	double wall = compute_s * l->pp + ar_s + handoff_s;
	r->ttft_s = wall;
	/* Pipeline stages run one after another for one prompt, but other
	 * prompts fill them; the static share of this request is its own
	 * stage time on each stage's GPUs, i.e. wall x t. */
	r->prefill_j = flops * phys.j_per_flop +
		       ar_bytes * l->tp * phys.j_per_link_byte +
		       phys.static_w * l->tp * wall;
}

static void decode(const struct layout *l, struct result *r)
{
	double n = l->tp * l->pp;
	/* Pipeline parallelism splits the batch into up to p micro-batches
	 * so that every stage has work; each one streams the weights. */
	double chunks = l->batch < l->pp ? l->batch : l->pp;
	double micro = l->batch / chunks;
	double weights = phys.params * phys.bytes_per_weight;
	double context = l->input + l->output / 2.0;
	double kv_read = micro * context * kv_bytes_per_token();
	/* One stage, one micro-batch: its shard of weights and KV cache. */
	double mem_s = (weights + kv_read) / n / (phys.eff_hbm * phys.hbm_bw);
	double cmp_s = 2 * phys.params * micro /
		       (n * phys.eff_decode_flops * phys.peak_flops);
	double act = micro * phys.hidden * 2;
	double ar = l->tp > 1 ? 2 * phys.layers / l->pp : 0;
	double ar_s = ar * (phys.collective_s +
			    allreduce_bytes(l->tp, act) / phys.nvlink_bw);
	double stage_s = fmax(mem_s, cmp_s) + ar_s;
	double handoff_s = phys.handoff_s + act / link_bw(l->tp, l->pp);
	/* Every token passes all p stages in turn; with fewer micro-batches
	 * than stages the others idle (the bubble) but still draw power. */
	double step_s = l->pp * stage_s + (l->pp - 1) * handoff_s;
	double dyn = chunks * (weights + kv_read) * phys.j_per_hbm_byte +
		     2 * phys.params * l->batch * phys.j_per_flop +
		     chunks * ar * l->pp * allreduce_bytes(l->tp, act) * l->tp *
			     phys.j_per_link_byte +
		     chunks * (l->pp - 1) * act * phys.j_per_link_byte;
	double step_j = dyn + phys.static_w * n * step_s;
	r->tpot_s = step_s;
	r->decode_j = l->output * step_j / l->batch;
}

static void fmt(FILE *out, double x)
{
	fprintf(out, "%.6g", x);
}

static void write_header(FILE *out, unsigned long long seed)
{
	fprintf(out,
		"---\n"
		"# SYNTHETIC: generated by tools/synth-sweep --seed %llu; NOT "
		"a "
		"measurement.\n"
		"# Physics (see tools/synth-sweep.c): prefill compute-bound "
		"(2*N*I FLOPs at 55%% of 989 TFLOP/s)\n"
		"# with a ring all-reduce twice per layer; decode "
		"memory-bound (weights streamed once per\n"
		"# micro-batch, KV read at context I+O/2, amortised over the "
		"batch), all-reduce latency\n"
		"# and volume growing with (t-1)/t, pipeline hand-off and "
		"bubble per stage; static power\n"
		"# 95 W per GPU over the wall time. Noise: multiplicative "
		"log-normal, sigma = %.2f, on\n"
		"# prefill_j, decode_j and latency independently. Layouts "
		"whose weights + KV cache do not\n"
		"# fit in 90%% of 80 GiB (after 4 GiB overhead) are left "
		"out.\n"
		"energylens: 1\n"
		"workload:\n"
		"  name: synthetic-sweep\n"
		"  model: synthetic/dense-70b\n"
		"  params_b: 70.6\n"
		"  active_params_b: 70.6\n"
		"  architecture: dense\n"
		"  modality: text\n"
		"  hardware: H100-SXM5-80GB\n"
		"  gpu_memory_gib: 80\n"
		"  engine: \"synthetic (tools/synth-sweep)\"\n"
		"  shape:\n"
		"    layers: 80\n"
		"    hidden_size: 8192\n"
		"    kv_elements: 2048\n"
		"    weight_bits: 16\n"
		"    experts: 0\n"
		"    experts_per_token: 0\n"
		"    sliding_layers: 0\n"
		"    sliding_window: 0\n"
		"runs:\n",
		seed, phys.sigma);
}

static void write_run(FILE *out, const struct layout *l, uint64_t *rng)
{
	struct result r;
	prefill(l, &r);
	decode(l, &r);
	double pf = r.prefill_j * noise(rng);
	double dc = r.decode_j * noise(rng);
	double lat = noise(rng);
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

static void write_sweep(FILE *out, unsigned long long seed)
{
	static const int tps[] = {1, 2, 4, 8}, pps[] = {1, 2, 4};
	static const int batches[] = {1, 8, 32, 128, 256};
	static const int inputs[] = {128, 1024, 4096};
	static const int outputs[] = {128, 512};
	uint64_t rng = seed;
	write_header(out, seed);
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
						    fits(&l))
							write_run(out, &l,
								  &rng);
					}
}

static int usage(FILE *to, int status)
{
	fputs("Usage: synth-sweep [--seed N] [-o FILE]\n"
	      "Writes a SYNTHETIC EnergyLens profile (see the source for its "
	      "physics).\n",
	      to);
	return status;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	unsigned long long seed = 20260101;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return usage(stdout, 0);
		if (i + 1 >= argc)
			return usage(stderr, 1);
		if (strcmp(argv[i], "-o") == 0) {
			path = argv[++i];
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
	write_sweep(out, seed);
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
