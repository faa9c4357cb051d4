/*
 * A liblsl peer for the interop tests (test/interop/lsl/liblsl.test.ts), driven by its arguments and
 * talking back on stdout, one line per fact:
 *   lsl-peer outlet FORMAT NAME SOURCE_ID COUNT   4 channels at 100 Hz; prints "ready <uid>", waits for an
 *                                                  inlet, pushes COUNT samples, then waits for stdin to close
 *   lsl-peer inlet NAME COUNT                      resolves NAME, prints "resolved <uid> <format> <channels>",
 *                                                  the desc labels, COUNT samples and the time correction
 * Sample i, channel k holds (10 i + k), negated for odd k (int8: (i + k) % 100); strings "s<i>-<k>",
 * channel 1 300 characters long. Timestamps 1000 + i * 0.01.
 */
#include <lsl_c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CH 4

static int format_of(const char *s) {
	const char *names[] = {"", "float32", "double64", "string", "int32", "int16", "int8", "int64"};
	for (int i = 1; i < 8; i++)
		if (!strcmp(s, names[i])) return i;
	return 0;
}

static double value(int fmt, int i, int k) {
	if (fmt == cft_int8) return ((i + k) % 100) * (k % 2 ? -1 : 1);
	return (10.0 * i + k) * (k % 2 ? -1 : 1);
}

static void string_value(char *out, int i, int k) {
	if (k == 1) {
		memset(out, 'x', 300);
		out[300] = 0;
	} else
		sprintf(out, "s%d-%d", i, k);
}

static int outlet(int fmt, const char *name, const char *source_id, int count) {
	lsl_streaminfo info = lsl_create_streaminfo(name, "Interop", CH, 100, (lsl_channel_format_t)fmt, source_id);
	lsl_xml_ptr chans = lsl_append_child(lsl_get_desc(info), "channels");
	for (int k = 0; k < CH; k++) {
		char label[16];
		sprintf(label, "ch%d", k);
		lsl_append_child_value(lsl_append_child(chans, "channel"), "label", label);
	}
	lsl_outlet out = lsl_create_outlet(info, 0, 360);
	printf("ready %s\n", lsl_get_uid(lsl_get_info(out)));
	fflush(stdout);
	if (!lsl_wait_for_consumers(out, 30)) {
		printf("error no consumer\n");
		return 1;
	}
	for (int i = 0; i < count; i++) {
		double ts = 1000 + i * 0.01;
		double d[CH];
		float f[CH];
		int64_t l[CH];
		int32_t n[CH];
		int16_t s[CH];
		char c[CH];
		char strs[CH][301];
		const char *sp[CH];
		for (int k = 0; k < CH; k++) {
			d[k] = value(fmt, i, k);
			f[k] = (float)d[k];
			l[k] = (int64_t)d[k];
			n[k] = (int32_t)d[k];
			s[k] = (int16_t)d[k];
			c[k] = (char)d[k];
			string_value(strs[k], i, k);
			sp[k] = strs[k];
		}
		switch (fmt) {
		case cft_float32: lsl_push_sample_ftp(out, f, ts, 1); break;
		case cft_double64: lsl_push_sample_dtp(out, d, ts, 1); break;
		case cft_string: lsl_push_sample_strtp(out, sp, ts, 1); break;
		case cft_int32: lsl_push_sample_itp(out, n, ts, 1); break;
		case cft_int16: lsl_push_sample_stp(out, s, ts, 1); break;
		case cft_int8: lsl_push_sample_ctp(out, c, ts, 1); break;
		case cft_int64: lsl_push_sample_ltp(out, l, ts, 1); break;
		}
	}
	printf("pushed %d\n", count);
	fflush(stdout);
	char buf[64];
	while (read(0, buf, sizeof buf) > 0) {
	}
	lsl_destroy_outlet(out);
	return 0;
}

static int inlet(const char *name, int count) {
	lsl_streaminfo found[4];
	if (lsl_resolve_byprop(found, 4, "name", name, 1, 10) < 1) {
		printf("error not resolved\n");
		return 1;
	}
	lsl_streaminfo info = found[0];
	int fmt = lsl_get_channel_format(info);
	int ch = lsl_get_channel_count(info);
	printf("resolved %s %d %d\n", lsl_get_uid(info), fmt, ch);
	fflush(stdout);
	int32_t ec = 0;
	lsl_inlet in = lsl_create_inlet(info, 360, 0, 1);
	lsl_streaminfo full = lsl_get_fullinfo(in, 10, &ec);
	if (ec) {
		printf("error fullinfo %d\n", ec);
		return 1;
	}
	lsl_xml_ptr c = lsl_child(lsl_child(lsl_get_desc(full), "channels"), "channel");
	for (; !lsl_empty(c); c = lsl_next_sibling(c)) printf("label %s\n", lsl_child_value_n(c, "label"));
	lsl_open_stream(in, 10, &ec);
	if (ec) {
		printf("error open %d\n", ec);
		return 1;
	}
	if (ch > 64) ch = 64;
	for (int i = 0; i < count; i++) {
		double d[64];
		float f[64];
		int64_t l[64];
		int32_t n[64];
		int16_t s[64];
		char cc[64];
		char *strs[64];
		double ts = 0;
		switch (fmt) {
		case cft_float32: ts = lsl_pull_sample_f(in, f, ch, 10, &ec); for (int k = 0; k < ch; k++) d[k] = f[k]; break;
		case cft_double64: ts = lsl_pull_sample_d(in, d, ch, 10, &ec); break;
		case cft_string: ts = lsl_pull_sample_str(in, strs, ch, 10, &ec); break;
		case cft_int32: ts = lsl_pull_sample_i(in, n, ch, 10, &ec); for (int k = 0; k < ch; k++) d[k] = n[k]; break;
		case cft_int16: ts = lsl_pull_sample_s(in, s, ch, 10, &ec); for (int k = 0; k < ch; k++) d[k] = s[k]; break;
		case cft_int8: ts = lsl_pull_sample_c(in, cc, ch, 10, &ec); for (int k = 0; k < ch; k++) d[k] = cc[k]; break;
		case cft_int64: ts = lsl_pull_sample_l(in, l, ch, 10, &ec); break;
		}
		if (ec || ts == 0) {
			printf("error pull %d\n", ec);
			return 1;
		}
		printf("sample %.17g", ts);
		for (int k = 0; k < ch; k++) {
			if (fmt == cft_string) {
				printf(" %s", strs[k]);
				lsl_destroy_string(strs[k]);
			} else if (fmt == cft_int64)
				printf(" %lld", (long long)l[k]);
			else
				printf(" %.17g", d[k]);
		}
		printf("\n");
		fflush(stdout);
	}
	double tc = lsl_time_correction(in, 10, &ec);
	printf("tc %.9f %d\n", tc, ec);
	fflush(stdout);
	lsl_destroy_inlet(in);
	return 0;
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 6 && !strcmp(argv[1], "outlet")) return outlet(format_of(argv[2]), argv[3], argv[4], atoi(argv[5]));
	if (argc == 4 && !strcmp(argv[1], "inlet")) return inlet(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: lsl-peer outlet FORMAT NAME SOURCE_ID COUNT | inlet NAME COUNT\n");
	return 2;
}
