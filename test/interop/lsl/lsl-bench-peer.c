/*
 * liblsl's side of the LSL bench (test/bench/lsl.ts), so that liblsl's figures are measured the way ours
 * are: the process's own CPU time (every thread) over wall time, latency as push → pull on LSL's clock
 * (CLOCK_MONOTONIC, the clock our side reads too). Driven by its arguments, one line per fact on stdout:
 *
 *   lsl-bench-peer outlet NAME CHANNELS RATE SECONDS STAMP TICK_MS
 *       A float32 outlet. Prints "ready <uid> <data port>", waits (at most 30 s each) for a consumer and
 *       for "go" on stdin, then every TICK_MS milliseconds pushes what is due: STAMP "nominal" pushes RATE × SECONDS samples (SECONDS 0:
 *       until stdin closes) as chunks stamped start + i / RATE; STAMP "now" pushes one sample per
 *       tick, RATE × SECONDS of them, each stamped when pushed. Prints "pushed <n> cpu <share>",
 *       then keeps the outlet open until stdin closes.
 *   lsl-bench-peer inlet SECONDS XML
 *       An inlet on the stream whose info XML is given (its v4address set: no resolve, no recovery).
 *       Prints "open", waits (at most 30 s) for the first sample, pulls for SECONDS measuring its CPU
 *       share (then prints "window"), then until the stream ends or stays silent for 1 s; prints
 *       "result <in window> <cpu share> <total> <first ts> <last ts> <latency p50 s> <p99 s>" (the share
 *       is -1 when the stream ended before the window was over).
 *   lsl-bench-peer latency CHANNELS COUNT
 *       Outlet and inlet in this one process: a thread pushes COUNT samples, one per millisecond, each
 *       stamped when pushed; prints "latency <received> <p50 s> <p99 s>".
 *
 * Every wait is bounded, and an alarm ends the process if the bench that started it never does.
 */
#include <lsl_c.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_LATENCIES (1 << 20)

static double cpu_seconds(void) {
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The same quantile as the bench's: sorted[floor(q n)], clamped. */
static double quantile(double *sorted, long n, double q) {
	if (n == 0) return NAN;
	long i = (long)floor(q * n);
	return sorted[i < n ? i : n - 1];
}

/* Waits up to `ms` for stdin; returns 1 once it has closed (EOF or error). */
static int stdin_closed(int ms) {
	struct pollfd p = {0, POLLIN, 0};
	if (poll(&p, 1, ms) <= 0) return 0;
	char buf[256];
	return read(0, buf, sizeof buf) <= 0;
}

static void sleep_ms(int ms) {
	struct timespec t = {0, ms * 1000000L};
	nanosleep(&t, NULL);
}

static lsl_outlet make_outlet(const char *name, int channels, double rate) {
	lsl_streaminfo info = lsl_create_streaminfo(name, "Bench", channels, rate, cft_float32, name);
	return lsl_create_outlet(info, 0, 360);
}

static int data_port(lsl_outlet out) {
	char *xml = lsl_get_xml(lsl_get_info(out));
	const char *p = strstr(xml, "<v4data_port>");
	int port = p ? atoi(p + strlen("<v4data_port>")) : 0;
	lsl_destroy_string(xml);
	return port;
}

static int outlet(const char *name, int channels, double rate, double seconds, int stamp_now, int tick_ms) {
	lsl_outlet out = make_outlet(name, channels, rate);
	printf("ready %s %d\n", lsl_get_uid(lsl_get_info(out)), data_port(out));
	if (!lsl_wait_for_consumers(out, 30)) {
		printf("error no consumer within 30 s\n");
		return 1;
	}
	/* The bench says "go" once its inlet is streaming, as it does before its own outlet pushes. */
	char go[16] = "";
	struct pollfd in = {0, POLLIN, 0};
	if (poll(&in, 1, 30000) <= 0 || read(0, go, sizeof go - 1) <= 0 || strncmp(go, "go", 2)) {
		printf("error no go within 30 s\n");
		return 1;
	}
	long total = seconds > 0 ? lround(rate * seconds) : -1;
	float *chunk = calloc((size_t)channels * (size_t)rate, sizeof(float));
	double *stamps = calloc((size_t)rate, sizeof(double));
	for (long k = 0; k < (long)channels * (long)rate; k++) chunk[k] = (k % channels) * 0.001f;
	double start = lsl_local_clock(), cpu0 = cpu_seconds();
	long sent = 0;
	int closed = 0;
	while (total < 0 || sent < total) {
		if ((closed = stdin_closed(tick_ms))) break;
		if (stamp_now) {
			lsl_push_sample_ftp(out, chunk, lsl_local_clock(), 1);
			sent++;
			continue;
		}
		long due = (long)floor((lsl_local_clock() - start) * rate);
		if (total >= 0 && due > total) due = total;
		if (due - sent > (long)rate) due = sent + (long)rate; /* at most one second's chunk per tick */
		long n = due - sent;
		if (n <= 0) continue;
		for (long i = 0; i < n; i++) stamps[i] = start + (sent + i) / rate;
		lsl_push_chunk_ftnp(out, chunk, (unsigned long)(n * channels), stamps, 1);
		sent = due;
	}
	double share = (cpu_seconds() - cpu0) / (lsl_local_clock() - start);
	printf("pushed %ld cpu %.6f\n", sent, share);
	while (!closed) closed = stdin_closed(-1);
	lsl_destroy_outlet(out);
	return 0;
}

/*
 * The inlet for a stream known by its info XML, opened: liblsl connects to its v4address without
 * resolving. NULL (with an "error" line printed) when it cannot.
 */
static lsl_inlet open_inlet(const char *xml, int *channels) {
	lsl_streaminfo info = lsl_streaminfo_from_xml(xml);
	if (!info) {
		printf("error bad stream info\n");
		return NULL;
	}
	*channels = lsl_get_channel_count(info);
	lsl_inlet in = lsl_create_inlet(info, 360, 0, 0);
	int32_t ec = 0;
	lsl_open_stream(in, 10, &ec);
	if (ec) {
		printf("error open %d\n", ec);
		return NULL;
	}
	return in;
}

static int inlet(double seconds, const char *xml) {
	int channels = 0;
	lsl_inlet in = open_inlet(xml, &channels);
	if (!in) return 1;
	int32_t ec = 0;
	printf("open\n");
	float *sample = calloc((size_t)channels, sizeof(float));
	double *latencies = malloc(MAX_LATENCIES * sizeof(double));
	long total = 0, window = 0;
	double first = lsl_pull_sample_f(in, sample, channels, 30, &ec), last = first;
	if (first == 0 || ec) {
		printf("error no sample within 30 s (%d)\n", ec);
		return 1;
	}
	latencies[total++] = lsl_local_clock() - first;
	double start = lsl_local_clock(), cpu0 = cpu_seconds(), share = -1;
	double hard_end = start + seconds + 30;
	for (;;) {
		double now = lsl_local_clock();
		if (share < 0 && now >= start + seconds) {
			share = (cpu_seconds() - cpu0) / (now - start);
			window = total - 1;
			printf("window\n");
		}
		if (now >= hard_end) break;
		/* In the window, wait for the window's end at most; after it, 1 s of silence ends the run. */
		double timeout = share < 0 ? start + seconds - now : 1.0;
		double ts = lsl_pull_sample_f(in, sample, channels, timeout > 0 ? timeout : 0, &ec);
		if (ec) break; /* lost: the outlet closed */
		if (ts == 0) {
			if (share >= 0) break;
			continue;
		}
		if (total < MAX_LATENCIES) latencies[total] = lsl_local_clock() - ts;
		total++;
		last = ts;
	}
	long n = total < MAX_LATENCIES ? total : MAX_LATENCIES;
	qsort(latencies, (size_t)n, sizeof(double), compare);
	printf("result %ld %.6f %ld %.9f %.9f %.9f %.9f\n", window, share, total, first, last,
		quantile(latencies, n, 0.5), quantile(latencies, n, 0.99));
	lsl_destroy_inlet(in);
	return 0;
}

struct pusher {
	lsl_outlet out;
	int channels;
	long count;
};

static void *push_each_ms(void *arg) {
	struct pusher *p = arg;
	float *sample = calloc((size_t)p->channels, sizeof(float));
	if (!lsl_wait_for_consumers(p->out, 30)) return NULL;
	for (long i = 0; i < p->count; i++) {
		sleep_ms(1);
		lsl_push_sample_ftp(p->out, sample, lsl_local_clock(), 1);
	}
	return NULL;
}

/* Sets an info XML's v4address (empty in an outlet's own info) to the loopback address. */
static char *on_loopback(const char *xml) {
	const char *forms[] = {"<v4address />", "<v4address/>", "<v4address></v4address>"};
	for (int f = 0; f < 3; f++) {
		const char *at = strstr(xml, forms[f]);
		if (!at) continue;
		const char *with = "<v4address>127.0.0.1</v4address>";
		char *out = malloc(strlen(xml) + strlen(with) + 1);
		sprintf(out, "%.*s%s%s", (int)(at - xml), xml, with, at + strlen(forms[f]));
		return out;
	}
	return strdup(xml);
}

static int latency(int channels, long count) {
	struct pusher p = {make_outlet("LiblslBenchLatency", channels, 1000), channels, count};
	char *xml = lsl_get_xml(lsl_get_info(p.out));
	char *local = on_loopback(xml);
	lsl_destroy_string(xml);
	int in_channels = 0;
	lsl_inlet in = open_inlet(local, &in_channels);
	free(local);
	if (!in) return 1;
	int32_t ec = 0;
	/* Pushing starts once the inlet is streaming, as in the bench's own latency run. */
	pthread_t thread;
	pthread_create(&thread, NULL, push_each_ms, &p);
	float *sample = calloc((size_t)channels, sizeof(float));
	double *latencies = malloc((size_t)count * sizeof(double));
	long n = 0;
	while (n < count) {
		double ts = lsl_pull_sample_f(in, sample, channels, n ? 2 : 30, &ec);
		if (ts == 0 || ec) break;
		latencies[n++] = lsl_local_clock() - ts;
	}
	pthread_join(thread, NULL);
	qsort(latencies, (size_t)n, sizeof(double), compare);
	printf("latency %ld %.9f %.9f\n", n, quantile(latencies, n, 0.5), quantile(latencies, n, 0.99));
	lsl_destroy_inlet(in);
	lsl_destroy_outlet(p.out);
	return 0;
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(300); /* never outlives a bench that lost track of it */
	if (argc == 8 && !strcmp(argv[1], "outlet"))
		return outlet(argv[2], atoi(argv[3]), atof(argv[4]), atof(argv[5]), !strcmp(argv[6], "now"), atoi(argv[7]));
	if (argc == 4 && !strcmp(argv[1], "inlet")) return inlet(atof(argv[2]), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "latency")) return latency(atoi(argv[2]), atol(argv[3]));
	fprintf(stderr, "usage: lsl-bench-peer outlet NAME CHANNELS RATE SECONDS nominal|now TICK_MS | inlet SECONDS XML | "
					"latency CHANNELS COUNT\n");
	return 2;
}
