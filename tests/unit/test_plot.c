/* test_plot — the gnuplot charts: real PNGs of the promised size, SVG text that shows each
 * label exactly as the data-file rules of lib/plot.c say (and runs nothing), the bands
 * and figures of the histogram, gnuplot missing, failing or hanging, byte-stable output.
 * Tests that need gnuplot are skipped (and say so) when it is not installed. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "supportkpi/plot.h"
#include "unit.h"

static char dir[256];          /* the test's own directory, also its working directory */
static int have_gnuplot;

/* the whole file at path (NUL-terminated; caller frees), NULL when unreadable */
static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, fp);
		buf[*len] = '\0';
	}
	fclose(fp);
	return buf;
}

/* a PNG's signature and its IHDR width and height (big-endian at bytes 16 and 20) */
static int png_size(const char *path, long *w, long *h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t len = 0;
	unsigned char *b = (unsigned char *)slurp(path, &len);
	int ok = b && len > 24 && memcmp(b, sig, 8) == 0 && memcmp(b + 12, "IHDR", 4) == 0;

	if (ok) {
		*w = ((long)b[16] << 24) | ((long)b[17] << 16) | ((long)b[18] << 8) | b[19];
		*h = ((long)b[20] << 24) | ((long)b[21] << 16) | ((long)b[22] << 8) | b[23];
	}
	free(b);
	return ok;
}

static int exists(const char *name)
{
	struct stat sb;

	return stat(name, &sb) == 0;
}

/* the number of entries in the test directory (to see that no temporary file is left) */
static int dir_entries(void)
{
	int n = 0;
	char cmd[300];
	FILE *p;

	snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

static void write_script(const char *name, const char *body)
{
	FILE *fp = fopen(name, "w");

	if (!fp)
		return;
	fputs(body, fp);
	fclose(fp);
	chmod(name, 0755);
}

/* 12 months, two percentages, one month without CSAT */
static skpi_result *months(void)
{
	skpi_result *rs = skpi_result_new("trend");

	skpi_result_add_col(rs, "month", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "csat_pct", SKPI_REAL, SKPI_UNIT_PCT, 1);
	skpi_result_add_col(rs, "resolution_pct", SKPI_REAL, SKPI_UNIT_PCT, 1);
	for (int m = 1; m <= 12; m++) {
		char lab[16];
		long r = skpi_result_add_row(rs);

		snprintf(lab, sizeof lab, "2026-%02d", m);
		skpi_result_set_text(rs, (size_t)r, 0, lab);
		if (m != 5)
			skpi_result_set_real(rs, (size_t)r, 1, 80 + m);
		skpi_result_set_real(rs, (size_t)r, 2, 60 + m * 2);
	}
	return rs;
}

/* one row per name, score 90, 88, ... */
static skpi_result *agents(const char *const *names, size_t n)
{
	skpi_result *rs = skpi_result_new("ranking");

	skpi_result_add_col(rs, "agent", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "score", SKPI_REAL, SKPI_UNIT_POINTS, 1);
	skpi_result_add_col(rs, "csat_pct", SKPI_REAL, SKPI_UNIT_PCT, 1);
	for (size_t i = 0; i < n; i++) {
		long r = skpi_result_add_row(rs);

		skpi_result_set_text(rs, (size_t)r, 0, names[i]);
		skpi_result_set_real(rs, (size_t)r, 1, 90 - 2.0 * (double)i);
		skpi_result_set_real(rs, (size_t)r, 2, 70 + (double)i);
	}
	return rs;
}

TEST(format_names)
{
	plot_format f = PLOT_SVG;
	skpi_diag d;

	CHECK_INT(plot_format_parse("png", &f, &d), SKPI_OK);
	CHECK_INT(f, PLOT_PNG);
	CHECK_INT(plot_format_parse("svg", &f, &d), SKPI_OK);
	CHECK_INT(f, PLOT_SVG);
	CHECK_INT(plot_format_parse("PNG", &f, &d), SKPI_ERR_USAGE);
	CHECK_INT(plot_format_parse("jpeg", &f, &d), SKPI_ERR_USAGE);
	CHECK_STR(plot_format_ext(PLOT_PNG), "png");
	CHECK_STR(plot_format_ext(PLOT_SVG), "svg");
}

TEST(gnuplot_missing_is_external_with_package_hint)
{
	char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	skpi_result *rs = months();
	const char *y[] = { "csat_pct" };
	plot_spec sp;
	skpi_diag d;

	/* a SUPPORTKPI_GNUPLOT that is not there */
	setenv("SUPPORTKPI_GNUPLOT", "/nonexistent/gnuplot", 1);
	skpi_diag_clear(&d);
	CHECK_INT(plot_available(NULL, 0, &d), SKPI_ERR_EXTERNAL);
	CHECK(strstr(d.hint, "gnuplot-nox") != NULL);
	/* no gnuplot on PATH */
	unsetenv("SUPPORTKPI_GNUPLOT");
	setenv("PATH", "/nonexistent", 1);
	skpi_diag_clear(&d);
	CHECK_INT(plot_available(NULL, 0, &d), SKPI_ERR_EXTERNAL);
	CHECK(strstr(d.msg, "not installed") != NULL);
	CHECK(strstr(d.hint, "gnuplot-nox") != NULL);
	plot_spec_init(&sp, PLOT_PNG);
	CHECK_INT(plot_trend(rs, "month", y, 1, &sp, "missing.png", &d), SKPI_ERR_EXTERNAL);
	CHECK(!exists("missing.png"));
	if (path)
		setenv("PATH", path, 1);
	free(path);
	skpi_result_free(rs);
}

TEST(bad_columns_and_empty_data)
{
	skpi_result *rs = months(), *empty = skpi_result_new(NULL);
	const char *y[] = { "csat_pct" }, *bad[] = { "nope" }, *text[] = { "month" };
	plot_spec sp;
	skpi_diag d;

	plot_spec_init(&sp, PLOT_PNG);
	CHECK_INT(plot_trend(rs, "month", bad, 1, &sp, "x.png", &d), SKPI_ERR_USAGE);
	CHECK(strstr(d.msg, "'nope'") != NULL);
	CHECK_INT(plot_trend(rs, "month", text, 1, &sp, "x.png", &d), SKPI_ERR_USAGE);
	CHECK_INT(plot_trend(rs, "csat_pct", y, 1, &sp, "x.png", &d), SKPI_ERR_USAGE);
	CHECK_INT(plot_trend(rs, "month", y, 0, &sp, "x.png", &d), SKPI_ERR_USAGE);
	CHECK_INT(plot_bars(rs, "month", "month", &sp, "x.png", &d), SKPI_ERR_USAGE);
	skpi_result_add_col(empty, "frt_min", SKPI_REAL, SKPI_UNIT_MINUTES, 1);
	CHECK_INT(plot_histogram(empty, "frt_min", 0, &sp, "x.png", &d), SKPI_ERR_NODATA);
	skpi_result_add_row(empty);           /* one NULL: still nothing to count */
	CHECK_INT(plot_histogram(empty, "frt_min", 0, &sp, "x.png", &d), SKPI_ERR_NODATA);
	CHECK(!exists("x.png"));
	skpi_result_free(rs);
	skpi_result_free(empty);
}

TEST(png_files_are_pngs_of_the_promised_size)
{
	static const char *const names[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
					     "k", "l", "m", "n", "o", "p", "q", "r", "s", "t" };
	skpi_result *rs = months(), *ag = agents(names, 20);
	const char *y[] = { "csat_pct", "resolution_pct" };
	plot_spec sp;
	skpi_diag d;
	long w = 0, h = 0;

	if (!have_gnuplot)
		return;
	plot_spec_init(&sp, PLOT_PNG);
	skpi_diag_clear(&d);
	/* default size 960x540 */
	CHECK_INT(plot_trend(rs, "month", y, 2, &sp, "trend.png", &d), SKPI_OK);
	CHECK(png_size("trend.png", &w, &h));
	CHECK_INT(w, 960);
	CHECK_INT(h, 540);
	/* bars: 140 + 22 per row = 140 + 440 = 580 high */
	CHECK_INT(plot_bars(ag, "agent", "score", &sp, "bars.png", &d), SKPI_OK);
	CHECK(png_size("bars.png", &w, &h));
	CHECK_INT(w, 960);
	CHECK_INT(h, 580);
	/* grouped: 20 rows x (2 + 1) x 18 + 160 = 1240 wide */
	{
		const char *g[] = { "score", "csat_pct" };

		CHECK_INT(plot_grouped_bars(ag, "agent", g, 2, &sp, "grouped.png", &d), SKPI_OK);
		CHECK(png_size("grouped.png", &w, &h));
		CHECK_INT(w, 1240);
		CHECK_INT(h, 540);
	}
	/* a size given */
	sp.width = 640;
	sp.height = 360;
	CHECK_INT(plot_trend(rs, "month", y, 2, &sp, "small.png", &d), SKPI_OK);
	CHECK(png_size("small.png", &w, &h));
	CHECK_INT(w, 640);
	CHECK_INT(h, 360);
	if (d.code)
		printf("# %s\n", d.msg);
	skpi_result_free(rs);
	skpi_result_free(ag);
}

/* The labels reach the chart as the head of lib/plot.c says, and nothing is run. */
TEST(hostile_labels_come_out_as_labels)
{
	static const char *const names[] = {
		"x\" ; system(\"touch PWNED\")",
		"new\nline",
		"O'Brien; #1",
		"back\\slash \\n",
		"Zo\xc3\xab \xc3\x98rsted",
		"<b>&amp",
		"tab\there",
		"@macro _sub^sup {x} %s",
		"\\101",
		"`touch PWNED2`",
		"bad \xff byte",
	};
	/* what each must show as, in SVG text (gnuplot escapes & and <): a '"' shows as two
	 * apostrophes, control characters as a space, a byte that is not UTF-8 as '?' */
	static const char *const want[] = {
		">x'' ; system(''touch PWNED'')<",
		">new line<",
		">O'Brien; #1<",
		">back\\slash \\n<",
		">Zo\xc3\xab \xc3\x98rsted<",
		">&lt;b>&amp;amp<",
		">tab here<",
		">@macro _sub^sup {x} %s<",
		">\\101<",
		">`touch PWNED2`<",
		">bad ? byte<",
	};
	size_t n = sizeof names / sizeof names[0], len = 0;
	skpi_result *ag = agents(names, n);
	plot_spec sp;
	skpi_diag d;
	char *svg;

	if (!have_gnuplot)
		return;
	plot_spec_init(&sp, PLOT_SVG);
	sp.title = "it's a \"title\" with `backquotes` and\na newline";
	skpi_diag_clear(&d);
	CHECK_INT(plot_bars(ag, "agent", "score", &sp, "hostile.svg", &d), SKPI_OK);
	svg = slurp("hostile.svg", &len);
	CHECK(svg != NULL);
	for (size_t i = 0; svg && i < n; i++)
		if (!strstr(svg, want[i])) {
			char m[200];

			snprintf(m, sizeof m, "label %zu: %s not in the SVG", i, want[i]);
			unit_fail(__FILE__, __LINE__, m);
		}
	if (svg)
		CHECK(strstr(svg, ">it's a \"title\" with `backquotes` and a newline<") != NULL);
	CHECK(!exists("PWNED"));
	CHECK(!exists("PWNED2"));
	free(svg);
	skpi_result_free(ag);
}

/* values 1, 2, 6, 20, 50, 61, 3000 minutes: by hand, bands "< 5 min" 2, "5-15 min" 1,
 * "15-30 min" 1, "30-60 min" 1, "1-2 h" 1, "2-4 h" .. "8-24 h" 0, "1-3 days" 1 (3000 min
 * = 50 h), and no ">= 3 days" band since nothing reaches it.  PERCENTILE.INC: n = 7,
 * median x4 = 20; p90: h = 6 x 0.9 = 5.4, x6 + 0.4 (x7 - x6) = 61 + 0.4 x 2939 = 1236.6
 * min = 20.61 h, shown "20.6 h". */
TEST(histogram_duration_bands)
{
	static const double v[] = { 50, 1, 3000, 6, 20, 2, 61 };
	skpi_result *rs = skpi_result_new(NULL);
	plot_spec sp;
	skpi_diag d;
	size_t len = 0;
	char *svg;

	if (!have_gnuplot)
		return;
	skpi_result_add_col(rs, "frt_min", SKPI_REAL, SKPI_UNIT_MINUTES, 1);
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		skpi_result_set_real(rs, (size_t)skpi_result_add_row(rs), 0, v[i]);
	skpi_result_add_row(rs);              /* a NULL, not counted */
	plot_spec_init(&sp, PLOT_SVG);
	CHECK_INT(plot_histogram(rs, "frt_min", PLOT_BINS_DURATION, &sp, "hist.svg", &d), SKPI_OK);
	svg = slurp("hist.svg", &len);
	CHECK(svg != NULL);
	if (svg) {
		CHECK(strstr(svg, ">n = 7, median 20.0 min, 90th percentile 20.6 h<") != NULL);
		CHECK(strstr(svg, ">&lt; 5 min<") != NULL);
		CHECK(strstr(svg, ">8-24 h<") != NULL);
		CHECK(strstr(svg, ">1-3 days<") != NULL);
		CHECK(strstr(svg, ">= 3 days<") == NULL);
		CHECK(strstr(svg, ">2<") != NULL);      /* the count over "< 5 min" */
	}
	free(svg);
	skpi_result_free(rs);
}

/* linear bins: the 21 values 0..19 and 100: p95 is x20 (h = 20 x 0.95 = 19) = 19, so the
 * width is the 1-2-5 step over 19 / 20, 1; bins 0-1 .. 19-20 (20 bins: 19 must fall in
 * one) and 100 in a grey ">= 20" bin */
TEST(histogram_linear_bins_with_overflow)
{
	skpi_result *rs = skpi_result_new(NULL);
	plot_spec sp;
	skpi_diag d;
	size_t len = 0;
	char *svg;

	if (!have_gnuplot)
		return;
	skpi_result_add_col(rs, "x", SKPI_INT, SKPI_UNIT_COUNT, 0);
	for (int i = 0; i < 20; i++)
		skpi_result_set_int(rs, (size_t)skpi_result_add_row(rs), 0, i);
	skpi_result_set_int(rs, (size_t)skpi_result_add_row(rs), 0, 100);
	plot_spec_init(&sp, PLOT_SVG);
	CHECK_INT(plot_histogram(rs, "x", 0, &sp, "lin.svg", &d), SKPI_OK);
	svg = slurp("lin.svg", &len);
	CHECK(svg != NULL);
	if (svg) {
		CHECK(strstr(svg, ">0-1<") != NULL);
		CHECK(strstr(svg, ">19-20<") != NULL);
		CHECK(strstr(svg, ">20-21<") == NULL);
		CHECK(strstr(svg, ">&gt;= 20<") != NULL || strstr(svg, ">>= 20<") != NULL);
	}
	free(svg);
	skpi_result_free(rs);
}

TEST(same_data_same_bytes)
{
	skpi_result *rs = months();
	const char *y[] = { "csat_pct", "resolution_pct" };
	plot_spec sp;
	skpi_diag d;
	size_t la = 0, lb = 0;
	char *a, *b;

	if (!have_gnuplot)
		return;
	for (int f = 0; f < 2; f++) {
		plot_spec_init(&sp, f ? PLOT_SVG : PLOT_PNG);
		CHECK_INT(plot_trend(rs, "month", y, 2, &sp, "one", &d), SKPI_OK);
		CHECK_INT(plot_trend(rs, "month", y, 2, &sp, "two", &d), SKPI_OK);
		a = slurp("one", &la);
		b = slurp("two", &lb);
		CHECK(a && b && la == lb && la > 0 && memcmp(a, b, la) == 0);
		free(a);
		free(b);
	}
	unlink("one");
	unlink("two");
	skpi_result_free(rs);
}

/* Characters no font has are drawn as '?' in a PNG (else pango paints giant boxes): with
 * a fake fc-list that finds no font, a chart of Chinese names has the very bytes of one
 * with "??"; with one that finds a font, the names are kept (different bytes).  Names
 * DejaVu has (Zoë) never change. */
TEST(png_labels_without_a_font_become_question_marks)
{
	static const char *const cjk[] = { "\xe5\xbc\xa0\xe4\xbc\x9f", "Zo\xc3\xab" };
	static const char *const qm[] = { "??", "Zo\xc3\xab" };
	char gnuplot[4096], fakedir[300], fake[400];
	char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	skpi_result *a = agents(cjk, 2), *b = agents(qm, 2);
	plot_spec sp;
	skpi_diag d;
	size_t la = 0, lb = 0, lc = 0;
	char *ca, *cb, *cc;

	if (!have_gnuplot || plot_available(gnuplot, sizeof gnuplot, &d) != SKPI_OK) {
		free(path);
		skpi_result_free(a);
		skpi_result_free(b);
		return;
	}
	setenv("SUPPORTKPI_GNUPLOT", gnuplot, 1);
	snprintf(fakedir, sizeof fakedir, "%s/fakebin", dir);
	mkdir(fakedir, 0755);
	snprintf(fake, sizeof fake, "%s/fc-list", fakedir);
	setenv("PATH", fakedir, 1);
	plot_spec_init(&sp, PLOT_PNG);

	write_script(fake, "#!/bin/sh\nexit 0\n");              /* no font has them */
	CHECK_INT(plot_bars(a, "agent", "score", &sp, "cjk.png", &d), SKPI_OK);
	CHECK_INT(plot_bars(b, "agent", "score", &sp, "qm.png", &d), SKPI_OK);
	write_script(fake, "#!/bin/sh\necho 'Some CJK Font'\n");  /* one has */
	CHECK_INT(plot_bars(a, "agent", "score", &sp, "kept.png", &d), SKPI_OK);
	ca = slurp("cjk.png", &la);
	cb = slurp("qm.png", &lb);
	cc = slurp("kept.png", &lc);
	CHECK(ca && cb && la == lb && memcmp(ca, cb, la) == 0);
	CHECK(ca && cc && (la != lc || memcmp(ca, cc, la) != 0));
	free(ca);
	free(cb);
	free(cc);
	if (path)
		setenv("PATH", path, 1);
	free(path);
	unsetenv("SUPPORTKPI_GNUPLOT");
	skpi_result_free(a);
	skpi_result_free(b);
}

/* A gnuplot that fails keeps the older chart and says why; one that hangs is stopped. */
TEST(failing_and_hanging_gnuplot)
{
	skpi_result *rs = months();
	const char *y[] = { "csat_pct" };
	char fake[300];
	plot_spec sp;
	skpi_diag d;
	size_t len = 0;
	char *old;
	int before;
	time_t t0;

	write_script("old.png", "an older chart\n");
	snprintf(fake, sizeof fake, "%s/fail.sh", dir);
	write_script(fake, "#!/bin/sh\n[ \"$1\" = --version ] && exit 0\n"
		     "echo '\"plot.gp\" line 3: something broke' >&2\nexit 1\n");
	setenv("SUPPORTKPI_GNUPLOT", fake, 1);
	before = dir_entries();
	plot_spec_init(&sp, PLOT_PNG);
	skpi_diag_clear(&d);
	CHECK_INT(plot_trend(rs, "month", y, 1, &sp, "old.png", &d), SKPI_ERR_EXTERNAL);
	CHECK(strstr(d.msg, "something broke") != NULL);
	CHECK(strstr(d.msg, "exit 1") != NULL);
	old = slurp("old.png", &len);
	CHECK(old && strcmp(old, "an older chart\n") == 0);
	free(old);
	CHECK_INT(dir_entries(), before);     /* no temporary file left */

	snprintf(fake, sizeof fake, "%s/hang.sh", dir);
	write_script(fake, "#!/bin/sh\n[ \"$1\" = --version ] && exit 0\nexec sleep 30\n");
	setenv("SUPPORTKPI_GNUPLOT", fake, 1);
	sp.timeout_s = 1;
	t0 = time(NULL);
	skpi_diag_clear(&d);
	CHECK_INT(plot_trend(rs, "month", y, 1, &sp, "hang.png", &d), SKPI_ERR_EXTERNAL);
	CHECK(time(NULL) - t0 < 10);
	CHECK(strstr(d.msg, "did not finish within 1 seconds") != NULL);
	CHECK(!exists("hang.png"));
	CHECK_INT(dir_entries(), before + 1); /* hang.sh only */
	unsetenv("SUPPORTKPI_GNUPLOT");
	skpi_result_free(rs);
}

int main(void)
{
	char *tmp = getenv("TMPDIR"), cleanup[300];
	skpi_diag d;

	snprintf(dir, sizeof dir, "%s/skpi-test-plot.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(dir) || chdir(dir) != 0) {
		printf("not ok - cannot make a test directory: %s\n", strerror(errno));
		return 1;
	}
	unsetenv("SUPPORTKPI_GNUPLOT");
	have_gnuplot = plot_available(NULL, 0, &d) == SKPI_OK;
	if (!have_gnuplot)
		printf("# gnuplot is not installed: the drawing tests are skipped\n");
	RUN(format_names);
	RUN(gnuplot_missing_is_external_with_package_hint);
	RUN(bad_columns_and_empty_data);
	RUN(png_files_are_pngs_of_the_promised_size);
	RUN(hostile_labels_come_out_as_labels);
	RUN(histogram_duration_bands);
	RUN(histogram_linear_bins_with_overflow);
	RUN(same_data_same_bytes);
	RUN(png_labels_without_a_font_become_question_marks);
	RUN(failing_and_hanging_gnuplot);
	if (chdir("/") == 0) {
		snprintf(cleanup, sizeof cleanup, "rm -rf '%s'", dir);
		if (system(cleanup) != 0)
			printf("# could not remove %s\n", dir);
	}
	return unit_done();
}
