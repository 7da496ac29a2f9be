/* plot — charts drawn by gnuplot from result sets (see include/supportkpi/plot.h).
 *
 * How data reaches gnuplot.  Every chart is three files in a private directory made with
 * mkdtemp: data.tsv (the values and labels), plot.gp (the script, which only ever names
 * the data as ARG1) and gnuplot.err (its standard error).  gnuplot runs as
 *     gnuplot -d -c plot.gp data.tsv
 * (-d: no ~/.gnuplot or system init file, so a user's settings cannot change a chart) by
 * posix_spawn, its standard output going to a temporary file beside the chart's path,
 * renamed over the path when gnuplot exited 0.  Nothing from the data is in plot.gp.
 *
 * The data file.  Fields are separated by TAB, comment characters are switched off
 * (`set datafile commentschars ""`), so '#' is an ordinary character.  Each label is one
 * double-quoted field, because gnuplot's data-file reader gives a special meaning to '"'
 * anywhere in a field: an unquoted x"y field swallows the TAB after it.  What gnuplot 5.4
 * does inside a quoted field (tried on 5.4.4 with `xtic(1)`, see tests/e2e/chart.sh):
 *   - backslash escapes are processed as in a double-quoted string ("\t" is a TAB,
 *     "\101" an 'A', "\\" a backslash), so every backslash is written doubled;
 *   - a tic label ends at the first '"' however it is escaped ("" or \" both cut it
 *     short), so a '"' in a label is written as two apostrophes ('') which read alike;
 *   - TAB, CR, LF would end the field or the record, so they and every other control
 *     character (C0, DEL, C1) become a space; bytes that are not UTF-8 become '?'.
 * Labels longer than PLOT_LABEL_MAX characters are cut with "...".  Numbers are written
 * in C-locale "%.10g"; NULL and non-finite values are written NaN, which gnuplot takes
 * as an undefined point (an empty field would be "missing", and a line drawn across it).
 *
 * Script strings (titles, axis labels, legend entries: the caller's text, and numbers)
 * are single-quoted: no escape or macro processing, a ' doubled; control characters
 * become spaces.  The terminals run `noenhanced`, so no markup is interpreted. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "supportkpi/plot.h"

extern char **environ;

#define PLOT_LABEL_MAX 48       /* characters of a label shown before "..." */
#define PLOT_MAX_SERIES 8

/* ---- a growing text buffer ------------------------------------------------------- */

typedef struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
} sbuf;

static void sb_grow(sbuf *b, size_t more)
{
	size_t want;
	char *np;

	if (b->oom)
		return;
	if (b->len + more + 1 <= b->cap)
		return;
	want = b->cap ? b->cap : 256;
	while (want < b->len + more + 1)
		want *= 2;
	np = realloc(b->p, want);
	if (!np) {
		b->oom = 1;
		return;
	}
	b->p = np;
	b->cap = want;
}

static void sb_addn(sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void sb_addf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_addf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	sb_grow(b, (size_t)n);
	if (b->oom)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void sb_release(sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

/* The length of the valid UTF-8 sequence at s (at most n bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Append text s made safe: control characters (C0, DEL, C1) as a space, invalid UTF-8 as
 * '?', at most max characters (0: no limit, else cut with "...").  quote is the character
 * that needs special treatment in the target ('\'' for a script string, '"' for a data
 * field; see the head of this file). */
static void sb_text(sbuf *b, const char *s, size_t max, char quote)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, chars = 0;

	while (i < n) {
		size_t len = utf8_len(u + i, n - i);

		if (max && chars == max) {
			sb_add(b, "...");
			return;
		}
		chars++;
		if (len == 0) {
			sb_add(b, "?");
			i++;
		} else if (len == 1) {
			char c = (char)u[i];

			if (u[i] < 0x20 || u[i] == 0x7f)
				sb_add(b, " ");
			else if (c == quote)
				sb_add(b, "''");
			else if (c == '\\' && quote == '"')
				sb_add(b, "\\\\");
			else
				sb_addn(b, &c, 1);
			i++;
		} else {
			if (len == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0)
				sb_add(b, " ");         /* C1 control */
			else
				sb_addn(b, s + i, len);
			i += len;
		}
	}
}

/* a single-quoted gnuplot string holding s */
static void sb_str(sbuf *b, const char *s)
{
	sb_add(b, "'");
	sb_text(b, s ? s : "", 0, '\'');
	sb_add(b, "'");
}

/* a double-quoted data-file field holding the label s */
static void sb_label(sbuf *b, const char *s)
{
	sb_add(b, "\"");
	sb_text(b, s ? s : "", PLOT_LABEL_MAX, '"');
	sb_add(b, "\"");
}

/* a number in C-locale notation; NaN for NULL / non-finite, which gnuplot takes as an
 * undefined point (a trend line is broken there, not drawn through) */
static void sb_num(sbuf *b, double v)
{
	char buf[64];

	if (!isfinite(v)) {
		sb_add(b, "NaN");
		return;
	}
	snprintf(buf, sizeof buf, "%.10g", v);
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';               /* a locale's decimal comma */
	sb_add(b, buf);
}

/* ---- columns and their names ----------------------------------------------------- */

static const struct {
	const char *col;
	const char *name;
} col_names[] = {
	{ "tickets", "Tickets" },
	{ "resolved", "Resolved tickets" },
	{ "resolution_pct", "Resolution %" },
	{ "frt_median_min", "First response, median (min)" },
	{ "frt_p90_min", "First response, 90th percentile (min)" },
	{ "frt_median_bh_min", "First response, median (business min)" },
	{ "res_median_h", "Resolution time, median (h)" },
	{ "res_p90_h", "Resolution time, 90th percentile (h)" },
	{ "res_median_bh_h", "Resolution time, median (business h)" },
	{ "reopen_pct", "Reopened %" },
	{ "fcr_pct", "First-contact resolution %" },
	{ "sla_frt_pct", "First-response SLA met %" },
	{ "sla_res_pct", "Resolution SLA met %" },
	{ "surveys", "Surveys" },
	{ "csat_pct", "CSAT %" },
	{ "mean_score", "Mean score (1-5)" },
	{ "nps", "NPS" },
	{ "score", "Score" },
	{ "service_index", "Service index" },
	{ "attitude_index", "Attitude index" },
	{ "skill_index", "Skill index" },
	{ "timeliness_index", "Timeliness index" },
	{ "follow_through_index", "Follow-through index" },
};

/* a reader's name for column col */
static const char *col_title(const char *col)
{
	for (size_t i = 0; i < sizeof col_names / sizeof col_names[0]; i++)
		if (strcmp(col_names[i].col, col) == 0)
			return col_names[i].name;
	return col;
}

/* an axis label for a unit */
static const char *unit_label(skpi_unit u)
{
	switch (u) {
	case SKPI_UNIT_COUNT: return "count";
	case SKPI_UNIT_PCT: return "percent (%)";
	case SKPI_UNIT_MINUTES: return "minutes";
	case SKPI_UNIT_HOURS: return "hours";
	case SKPI_UNIT_SCORE: return "score";
	case SKPI_UNIT_POINTS: return "points (0-100)";
	case SKPI_UNIT_NONE: break;
	}
	return "";
}

/* a unit to put after a value or in brackets after a name: "min", "%"; "" for none */
static const char *unit_short(skpi_unit u)
{
	switch (u) {
	case SKPI_UNIT_PCT: return "%";
	case SKPI_UNIT_MINUTES: return "min";
	case SKPI_UNIT_HOURS: return "h";
	case SKPI_UNIT_POINTS: return "points, 0-100";
	case SKPI_UNIT_NONE: case SKPI_UNIT_COUNT: case SKPI_UNIT_SCORE: break;
	}
	return "";
}

/* a value with its unit for a caption: "43.3 min", "19.8 h" (minutes from 120 on),
 * "87.5%" */
static void fmt_value(char *buf, size_t n, double v, skpi_unit u)
{
	if (u == SKPI_UNIT_MINUTES && fabs(v) >= 120)
		snprintf(buf, n, "%.1f h", v / 60);
	else if (u == SKPI_UNIT_MINUTES)
		snprintf(buf, n, "%.1f min", v);
	else if (u == SKPI_UNIT_HOURS)
		snprintf(buf, n, "%.1f h", v);
	else if (u == SKPI_UNIT_PCT)
		snprintf(buf, n, "%.1f%%", v);
	else
		snprintf(buf, n, "%.1f", v);
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
}

/* an axis label for column col: its reader's name with the unit in brackets, unless the
 * name already says it ("CSAT %", "... (min)") */
static void axis_name(char *buf, size_t n, const skpi_col *col)
{
	const char *name = col_title(col->name), *u = unit_short(col->unit);
	size_t len = strlen(name);

	if (!*u || (len && (name[len - 1] == ')' || name[len - 1] == '%')))
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "%s (%s)", name, u);
}

/* the value of a numeric cell as a double; NAN for NULL */
static double cell_num(const skpi_result *rs, size_t row, size_t col)
{
	const skpi_value *v = skpi_result_get(rs, row, col);

	if (!v || v->is_null)
		return NAN;
	if (rs->cols[col].type == SKPI_INT)
		return (double)v->i;
	if (rs->cols[col].type == SKPI_REAL)
		return v->r;
	return NAN;
}

static const char *cell_text(const skpi_result *rs, size_t row, size_t col)
{
	const skpi_value *v = skpi_result_get(rs, row, col);

	if (!v || v->is_null || !v->s)
		return "";
	return v->s;
}

/* the index of column name with one of the wanted types (text: 1 for TEXT, 0 numeric) */
static skpi_err find_col(const skpi_result *rs, const char *name, int text, size_t *idx,
			 skpi_diag *d)
{
	int c;

	if (!rs)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "no result set to plot");
	if (!name)
		return skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "no column named to plot");
	c = skpi_result_col(rs, name);
	if (c < 0)
		return skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0,
				     "the result set has no column '%s' to plot", name);
	if (text ? rs->cols[c].type != SKPI_TEXT : rs->cols[c].type == SKPI_TEXT)
		return skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "column '%s' is not %s", name,
				     text ? "text" : "a number");
	*idx = (size_t)c;
	return SKPI_OK;
}

/* ---- finding and running gnuplot -------------------------------------------------- */

void plot_spec_init(plot_spec *s, plot_format format)
{
	memset(s, 0, sizeof *s);
	s->format = format;
}

skpi_err plot_format_parse(const char *s, plot_format *f, skpi_diag *d)
{
	if (s && strcmp(s, "png") == 0) {
		*f = PLOT_PNG;
		return SKPI_OK;
	}
	if (s && strcmp(s, "svg") == 0) {
		*f = PLOT_SVG;
		return SKPI_OK;
	}
	skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "unknown chart format '%s'", s ? s : "");
	skpi_diag_hint(d, "use --format png or --format svg");
	return SKPI_ERR_USAGE;
}

const char *plot_format_ext(plot_format f)
{
	return f == PLOT_SVG ? "svg" : "png";
}

static void missing_hint(skpi_diag *d)
{
	skpi_diag_hint(d, "install gnuplot (Debian: apt-get install gnuplot-nox) or set "
		       "SUPPORTKPI_GNUPLOT to its path; charts are skipped");
}

/* the gnuplot program: $SUPPORTKPI_GNUPLOT or "gnuplot" found on PATH */
static skpi_err find_gnuplot(char *out, size_t n, skpi_diag *d)
{
	const char *env = getenv("SUPPORTKPI_GNUPLOT");
	const char *path = getenv("PATH");

	if (env && *env) {
		if ((size_t)snprintf(out, n, "%s", env) >= n || access(out, X_OK) != 0) {
			skpi_diag_set(d, SKPI_ERR_EXTERNAL, NULL, 0,
				      "SUPPORTKPI_GNUPLOT names '%s', which is not a program "
				      "that can be run", env);
			missing_hint(d);
			return SKPI_ERR_EXTERNAL;
		}
		return SKPI_OK;
	}
	while (path && *path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);
		struct stat sb;

		if (len && (size_t)snprintf(out, n, "%.*s/gnuplot", (int)len, path) < n &&
		    stat(out, &sb) == 0 && S_ISREG(sb.st_mode) && access(out, X_OK) == 0)
			return SKPI_OK;
		path = colon ? colon + 1 : NULL;
	}
	skpi_diag_set(d, SKPI_ERR_EXTERNAL, NULL, 0, "gnuplot is not installed (not found on PATH)");
	missing_hint(d);
	return SKPI_ERR_EXTERNAL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The last lines of gnuplot's standard error (file errpath), on one line, into buf. */
static void read_stderr(const char *errpath, char *buf, size_t n)
{
	char raw[4096];
	size_t got = 0, start = 0, o = 0;
	FILE *fp = fopen(errpath, "rb");

	buf[0] = '\0';
	if (!fp)
		return;
	if (fseek(fp, 0, SEEK_END) == 0) {
		long size = ftell(fp);

		if (size > (long)sizeof raw - 1)
			fseek(fp, size - (long)(sizeof raw - 1), SEEK_SET);
		else
			fseek(fp, 0, SEEK_SET);
	}
	got = fread(raw, 1, sizeof raw - 1, fp);
	fclose(fp);
	raw[got] = '\0';
	/* keep the end: the error is gnuplot's last words */
	while (got > 0 && (raw[got - 1] == '\n' || raw[got - 1] == ' '))
		raw[--got] = '\0';
	if (got > n / 2)
		start = got - n / 2;
	for (size_t i = start; i < got && o + 4 < n; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '\n') {
			if (o && buf[o - 1] != ' ') {
				buf[o++] = ';';
				buf[o++] = ' ';
			}
		} else if (c < 0x20 || c == 0x7f) {
			buf[o++] = ' ';
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
}

/* Run argv[0] with argv, standard input /dev/null, standard output to out_fd (-1:
 * /dev/null), standard error to errpath, in its own process group, killed after timeout
 * seconds.  0 and *status set, or -1 with errno (ETIMEDOUT when killed). */
static int run_program(char *const argv[], int out_fd, const char *errpath, int timeout,
		       int *status)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	pid_t pid;
	int err, rc = -1, fa_ok = 0, attr_ok = 0;
	double deadline;
	long sleep_ns = 1000000;

	if ((err = posix_spawn_file_actions_init(&fa)) != 0)
		goto out;
	fa_ok = 1;
	if ((err = posix_spawnattr_init(&attr)) != 0)
		goto out;
	attr_ok = 1;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	if ((err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) != 0 ||
	    (err = out_fd >= 0 ? posix_spawn_file_actions_adddup2(&fa, out_fd, 1)
			       : posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)) != 0 ||
	    (err = posix_spawn_file_actions_addopen(&fa, 2, errpath,
						    O_WRONLY | O_CREAT | O_TRUNC, 0600)) != 0 ||
	    (err = posix_spawnattr_setsigmask(&attr, &none)) != 0 ||
	    (err = posix_spawnattr_setsigdefault(&attr, &dfl)) != 0 ||
	    (err = posix_spawnattr_setpgroup(&attr, 0)) != 0 ||
	    (err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					    POSIX_SPAWN_SETPGROUP)) != 0)
		goto out;
	if ((err = posix_spawn(&pid, argv[0], &fa, &attr, argv, environ)) != 0)
		goto out;
	deadline = now_s() + timeout;
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);

		if (w == pid) {
			rc = 0;
			break;
		}
		if (w < 0 && errno != EINTR) {
			err = errno;
			break;
		}
		if (now_s() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			err = ETIMEDOUT;
			break;
		}
		struct timespec ts = { 0, sleep_ns };
		nanosleep(&ts, NULL);
		if (sleep_ns < 20000000)
			sleep_ns *= 2;
	}
out:
	if (attr_ok)
		posix_spawnattr_destroy(&attr);
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		errno = err;
	return rc;
}

/* a private working directory: $TMPDIR/supportkpi-plot.XXXXXX (TMPDIR when absolute) */
static skpi_err make_workdir(char *dir, size_t n, skpi_diag *d)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || tmp[0] != '/')
		tmp = "/tmp";
	if ((size_t)snprintf(dir, n, "%s/supportkpi-plot.XXXXXX", tmp) >= n || !mkdtemp(dir)) {
		skpi_diag_set(d, SKPI_ERR_CREATE, tmp, 0,
			      "cannot create a temporary directory for gnuplot: %s", strerror(errno));
		skpi_diag_hint(d, "check that TMPDIR (or /tmp) is writable");
		return SKPI_ERR_CREATE;
	}
	return SKPI_OK;
}

static skpi_err write_file(const char *path, const sbuf *b, skpi_diag *d)
{
	FILE *fp = fopen(path, "wb");
	int bad;

	if (!fp)
		return skpi_diag_set(d, SKPI_ERR_CREATE, path, 0, "cannot create: %s", strerror(errno));
	bad = b->len && fwrite(b->p, 1, b->len, fp) != b->len;
	bad |= fflush(fp) != 0 || ferror(fp);
	if (fclose(fp) != 0 || bad)
		return skpi_diag_set(d, SKPI_ERR_IO, path, 0, "cannot write: %s", strerror(errno));
	return SKPI_OK;
}

skpi_err plot_available(char *path, size_t n, skpi_diag *d)
{
	char prog[4096], dir[512], errpath[600];
	char *argv[3];
	int status = 0;
	skpi_err err;

	if ((err = find_gnuplot(prog, sizeof prog, d)) != SKPI_OK)
		return err;
	if ((err = make_workdir(dir, sizeof dir, d)) != SKPI_OK)
		return err;
	snprintf(errpath, sizeof errpath, "%s/gnuplot.err", dir);
	argv[0] = prog;
	argv[1] = (char *)"--version";
	argv[2] = NULL;
	if (run_program(argv, -1, errpath, 10, &status) != 0) {
		err = skpi_diag_set(d, SKPI_ERR_EXTERNAL, NULL, 0, "cannot run gnuplot '%s': %s",
				    prog, strerror(errno));
		missing_hint(d);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		err = skpi_diag_set(d, SKPI_ERR_EXTERNAL, NULL, 0,
				    "gnuplot '%s' does not run ('--version' failed)", prog);
		missing_hint(d);
	} else if (path && n) {
		snprintf(path, n, "%s", prog);
	}
	unlink(errpath);
	rmdir(dir);
	return err;
}

/* ---- drawing one chart ------------------------------------------------------------ */

/* The part of every script that comes before the chart's own commands. */
static void script_head(sbuf *s, const plot_spec *spec, int width, int height)
{
	static const char *const colours[PLOT_MAX_SERIES] = {
		"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
		"#9467bd", "#8c564b", "#e377c2", "#7f7f7f"
	};

	sb_add(s, "# written by supportkpi (lib/plot.c); the data is ARG1\n");
	sb_add(s, "set encoding utf8\n");
	if (spec->format == PLOT_SVG)
		sb_addf(s, "set terminal svg noenhanced size %d,%d fixed font 'Sans,11' "
			"background rgb 'white'\n", width, height);
	else
		sb_addf(s, "set terminal pngcairo noenhanced size %d,%d font 'Sans,10' "
			"background rgb 'white'\n", width, height);
	sb_add(s, "set datafile separator tab\n"
		  "set datafile commentschars ''\n"
		  "set border 3 lc rgb '#555555'\n"
		  "set tics nomirror textcolor rgb '#333333'\n"
		  "set grid lc rgb '#dddddd' lt 1\n");
	for (int i = 0; i < PLOT_MAX_SERIES; i++)
		sb_addf(s, "set linetype %d lc rgb '%s' lw 2 pt 7 ps 0.9\n", i + 1, colours[i]);
}

static void script_labels(sbuf *s, const char *title, const char *xlabel, const char *ylabel)
{
	if (title && *title) {
		sb_add(s, "set title ");
		sb_str(s, title);
		sb_add(s, " font ',13'\n");
	}
	if (xlabel && *xlabel) {
		sb_add(s, "set xlabel ");
		sb_str(s, xlabel);
		sb_add(s, "\n");
	}
	if (ylabel && *ylabel) {
		sb_add(s, "set ylabel ");
		sb_str(s, ylabel);
		sb_add(s, "\n");
	}
}

static void rm_work(const char *dir)
{
	static const char *const names[] = { "data.tsv", "plot.gp", "gnuplot.err", "fc.out",
					     "fc.err" };
	char p[700];

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* ---- characters no font can draw ----------------------------------------------------
 *
 * When no installed font has a glyph for a character (a Chinese name on a machine without
 * CJK fonts), pango, under gnuplot's pngcairo terminal, paints its "missing glyph" box at
 * many times the font size: black slabs over the whole chart.  So before a PNG is drawn
 * the characters beyond ASCII in its labels are looked up with fontconfig's fc-list (one
 * query for all of them, then one per character when no single font has them all), and
 * those no font has become '?'.  Without fc-list, the characters DejaVu Sans (the font of
 * gnuplot-nox's dependencies) is known to have are kept: Latin, IPA, Greek, Cyrillic,
 * Armenian, general punctuation, currency and letter-like symbols.  SVG is left as it is:
 * its viewer has its own fonts.  Installing fonts-noto-cjk makes CJK names show. */

#define PLOT_MAX_CPS 256

/* the code point of the valid UTF-8 sequence of len bytes at s */
static uint32_t utf8_cp(const unsigned char *s, size_t len)
{
	uint32_t cp = len == 1 ? s[0] : len == 2 ? s[0] & 0x1fu : len == 3 ? s[0] & 0x0fu : s[0] & 0x07u;

	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | (s[i] & 0x3fu);
	return cp;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* the distinct code points beyond ASCII in b, sorted; at most max (0 when more, so the
 * caller takes the safe way) */
static size_t collect_cps(const sbuf *b, uint32_t *cps, size_t max, int *overflow)
{
	const unsigned char *u = (const unsigned char *)b->p;
	size_t n = 0;

	*overflow = 0;
	for (size_t i = 0; i < b->len;) {
		size_t len = utf8_len(u + i, b->len - i);
		uint32_t cp;
		size_t k;

		if (len <= 1) {
			i += len ? len : 1;
			continue;
		}
		cp = utf8_cp(u + i, len);
		i += len;
		for (k = 0; k < n && cps[k] != cp; k++)
			;
		if (k < n)
			continue;
		if (n == max) {
			*overflow = 1;
			continue;
		}
		cps[n++] = cp;
	}
	qsort(cps, n, sizeof *cps, cmp_u32);
	return n;
}

/* what DejaVu Sans is known to draw, for when fc-list cannot be asked */
static int dejavu_has(uint32_t cp)
{
	return cp < 0x0590 || (cp >= 0x1e00 && cp <= 0x1fff) || (cp >= 0x2000 && cp <= 0x20cf) ||
	       (cp >= 0x2100 && cp <= 0x214f) || cp == 0xfffd;
}

/* 1 when some installed font has every one of cps[0..n-1], 0 when none has, -1 when
 * fc-list cannot be run */
static int fc_has(const char *fclist, const char *dir, const uint32_t *cps, size_t n)
{
	char pattern[16 + PLOT_MAX_CPS * 9], out[600], errp[600];
	char *argv[4];
	size_t o;
	int fd, status = 0, rc = -1;
	struct stat sb;

	o = (size_t)snprintf(pattern, sizeof pattern, ":charset=");
	for (size_t i = 0; i < n && o + 10 < sizeof pattern; i++)
		o += (size_t)snprintf(pattern + o, sizeof pattern - o, "%s%lx", i ? " " : "",
				      (unsigned long)cps[i]);
	snprintf(out, sizeof out, "%s/fc.out", dir);
	snprintf(errp, sizeof errp, "%s/fc.err", dir);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	argv[0] = (char *)fclist;
	argv[1] = pattern;
	argv[2] = (char *)"family";
	argv[3] = NULL;
	if (run_program(argv, fd, errp, 10, &status) == 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 && fstat(fd, &sb) == 0)
		rc = sb.st_size > 0;
	close(fd);
	return rc;
}

/* fc-list on PATH, into buf; 0 when found */
static int find_fclist(char *buf, size_t n)
{
	const char *path = getenv("PATH");

	while (path && *path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);

		if (len && (size_t)snprintf(buf, n, "%.*s/fc-list", (int)len, path) < n &&
		    access(buf, X_OK) == 0)
			return 0;
		path = colon ? colon + 1 : NULL;
	}
	return -1;
}

/* A copy of data (into *out) in which the characters no font can draw are '?'. */
static skpi_err cover_glyphs(const sbuf *data, const char *dir, sbuf *out, skpi_diag *d)
{
	uint32_t cps[PLOT_MAX_CPS];
	unsigned char ok[PLOT_MAX_CPS];
	char fclist[4096];
	const unsigned char *u = (const unsigned char *)data->p;
	int overflow, have_fc, all = -1;
	size_t n = collect_cps(data, cps, PLOT_MAX_CPS, &overflow);

	have_fc = find_fclist(fclist, sizeof fclist) == 0;
	if (n > 0 && have_fc && !overflow)
		all = fc_has(fclist, dir, cps, n);
	for (size_t i = 0; i < n; i++) {
		int has = -1;

		if (all == 1)
			has = 1;
		else if (have_fc && all == 0)
			has = fc_has(fclist, dir, &cps[i], 1);
		ok[i] = (unsigned char)(has == -1 ? dejavu_has(cps[i]) : has);
	}
	for (size_t i = 0; i < data->len;) {
		size_t len = utf8_len(u + i, data->len - i);
		uint32_t cp;
		uint32_t *hit;

		if (len <= 1) {
			sb_addn(out, data->p + i, 1);
			i++;
			continue;
		}
		cp = utf8_cp(u + i, len);
		hit = bsearch(&cp, cps, n, sizeof *cps, cmp_u32);
		if (hit ? ok[hit - cps] : dejavu_has(cp))
			sb_addn(out, data->p + i, len);
		else
			sb_add(out, "?");
		i += len;
	}
	if (out->oom)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
	return SKPI_OK;
}

/* Run gnuplot on script and data, writing path through a temporary file beside it. */
static skpi_err draw(const plot_spec *spec, const sbuf *script, const sbuf *data,
		     const char *path, skpi_diag *d)
{
	char prog[4096], dir[512], gp[600], dat[600], errpath[600], msg[600];
	char *tmp = NULL;
	char *argv[6];
	sbuf drawable = { 0 };
	int fd = -1, status = 0, have_dir = 0, timeout;
	size_t plen;
	skpi_err err;

	if (script->oom || data->oom)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
	if (!path || !*path)
		return skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "no file named for the chart");
	if ((err = find_gnuplot(prog, sizeof prog, d)) != SKPI_OK)
		goto out;
	if ((err = make_workdir(dir, sizeof dir, d)) != SKPI_OK)
		goto out;
	have_dir = 1;
	snprintf(gp, sizeof gp, "%s/plot.gp", dir);
	snprintf(dat, sizeof dat, "%s/data.tsv", dir);
	snprintf(errpath, sizeof errpath, "%s/gnuplot.err", dir);
	if (spec->format == PLOT_PNG) {
		if ((err = cover_glyphs(data, dir, &drawable, d)) != SKPI_OK)
			goto out;
		data = &drawable;
	}
	if ((err = write_file(gp, script, d)) != SKPI_OK ||
	    (err = write_file(dat, data, d)) != SKPI_OK)
		goto out;

	/* the temporary output beside path: PATH.tmp-PID-N, created exclusively */
	plen = strlen(path);
	tmp = malloc(plen + 48);
	if (!tmp) {
		err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < 100 && fd < 0; i++) {
		snprintf(tmp, plen + 48, "%s.tmp-%ld-%u", path, (long)getpid(), i);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		err = skpi_diag_set(d, SKPI_ERR_CREATE, path, 0, "cannot create the chart: %s",
				    strerror(errno));
		skpi_diag_hint(d, "check that the output directory exists and is writable");
		free(tmp);
		tmp = NULL;
		goto out;
	}

	argv[0] = prog;
	argv[1] = (char *)"-d";
	argv[2] = (char *)"-c";
	argv[3] = gp;
	argv[4] = dat;
	argv[5] = NULL;
	timeout = spec->timeout_s > 0 ? spec->timeout_s : PLOT_TIMEOUT_DEFAULT;
	if (run_program(argv, fd, errpath, timeout, &status) != 0) {
		if (errno == ETIMEDOUT) {
			err = skpi_diag_set(d, SKPI_ERR_EXTERNAL, path, 0,
					    "gnuplot did not finish within %d seconds and was "
					    "stopped", timeout);
		} else {
			err = skpi_diag_set(d, SKPI_ERR_EXTERNAL, path, 0,
					    "cannot run gnuplot '%s': %s", prog, strerror(errno));
			missing_hint(d);
		}
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		read_stderr(errpath, msg, sizeof msg);
		if (WIFSIGNALED(status))
			err = skpi_diag_set(d, SKPI_ERR_EXTERNAL, path, 0,
					    "gnuplot was killed by signal %d: %s",
					    WTERMSIG(status), msg[0] ? msg : "(no message)");
		else
			err = skpi_diag_set(d, SKPI_ERR_EXTERNAL, path, 0,
					    "gnuplot failed (exit %d): %s", WEXITSTATUS(status),
					    msg[0] ? msg : "(no message)");
		goto out;
	}
	{
		struct stat sb;

		if (fstat(fd, &sb) != 0 || sb.st_size == 0) {
			read_stderr(errpath, msg, sizeof msg);
			err = skpi_diag_set(d, SKPI_ERR_EXTERNAL, path, 0,
					    "gnuplot wrote no chart: %s", msg[0] ? msg : "(no message)");
			goto out;
		}
	}
	if (fsync(fd) != 0 && errno != EINVAL) {
		err = skpi_diag_set(d, SKPI_ERR_IO, path, 0, "cannot write the chart: %s",
				    strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		err = skpi_diag_set(d, SKPI_ERR_IO, path, 0, "cannot write the chart: %s",
				    strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		err = skpi_diag_set(d, SKPI_ERR_CREATE, path, 0, "cannot create the chart: %s",
				    strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	err = SKPI_OK;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	if (have_dir)
		rm_work(dir);
	sb_release(&drawable);
	return err;
}

/* ---- the charts ------------------------------------------------------------------- */

static const char *series_name(const plot_spec *spec, const skpi_result *rs, size_t i,
			       size_t col);

/* The legend in rows above the plot, under the title: the top margin grows with the rows
 * gnuplot will need, estimated as it lays a horizontal key out (columns as wide as the
 * longest entry, about 7 pixels a character plus the sample). */
static void script_key(sbuf *s, const plot_spec *spec, const skpi_result *rs,
		       const size_t *yc, size_t n, int width)
{
	size_t longest = 1, cols, rows;

	for (size_t i = 0; i < n; i++) {
		const unsigned char *t = (const unsigned char *)series_name(spec, rs, i, yc[i]);
		size_t chars = 0;

		for (; *t; t++)
			chars += (*t & 0xc0) != 0x80;
		if (chars > longest)
			longest = chars;
	}
	cols = (size_t)(width > 200 ? width - 120 : 80) / (longest * 7 + 70);
	if (cols < 1)
		cols = 1;
	rows = (n + cols - 1) / cols;
	sb_add(s, "set key at graph 0.5, graph 1.02 center bottom horizontal samplen 2\n"
		  "set tmargin ");
	sb_num(s, 3.8 + 1.2 * (double)rows);
	sb_add(s, "\nset title offset char 0,");
	sb_num(s, 0.3 + 1.2 * (double)rows);
	sb_add(s, "\n");
}

static const char *spec_title(const plot_spec *spec, const skpi_result *rs)
{
	return spec->title ? spec->title : rs->title;
}

static const char *series_name(const plot_spec *spec, const skpi_result *rs, size_t i,
			       size_t col)
{
	if (spec->legend && spec->legend[i])
		return spec->legend[i];
	return col_title(rs->cols[col].name);
}

/* decimals for value labels of column col: the column's own, within 0..3 */
static int label_decimals(const skpi_result *rs, size_t col)
{
	int dec = rs->cols[col].type == SKPI_INT ? 0 : rs->cols[col].decimals;

	return dec < 0 ? 0 : dec > 3 ? 3 : dec;
}

/* the display length of the longest label of TEXT column col, in characters */
static size_t max_label_chars(const skpi_result *rs, size_t col)
{
	size_t best = 0;

	for (size_t r = 0; r < rs->nrows; r++) {
		const unsigned char *s = (const unsigned char *)cell_text(rs, r, col);
		size_t chars = 0;

		for (; *s; s++)
			chars += (*s & 0xc0) != 0x80;
		if (chars > PLOT_LABEL_MAX)
			chars = PLOT_LABEL_MAX + 3;
		if (chars > best)
			best = chars;
	}
	return best;
}

/* the range of the non-NULL values of the columns cols; 0 when there is none */
static int value_range(const skpi_result *rs, const size_t *cols, size_t ncols, double *lo,
		       double *hi)
{
	int any = 0;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t r = 0; r < rs->nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			double v = cell_num(rs, r, cols[c]);

			if (!isfinite(v))
				continue;
			any = 1;
			if (v < *lo)
				*lo = v;
			if (v > *hi)
				*hi = v;
		}
	return any;
}

static skpi_err check_common(const skpi_result *rs, const plot_spec *spec, size_t nycols,
			     skpi_diag *d)
{
	if (!rs || !spec)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "no result set or spec to plot");
	if (nycols == 0 || nycols > PLOT_MAX_SERIES)
		return skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0,
				     "a chart takes 1 to %d value columns, not %zu",
				     PLOT_MAX_SERIES, nycols);
	if (rs->nrows == 0)
		return skpi_diag_set(d, SKPI_ERR_NODATA, NULL, 0, "there is nothing to plot%s%s%s",
				     rs->title ? " for '" : "", rs->title ? rs->title : "",
				     rs->title ? "'" : "");
	return SKPI_OK;
}

/* The checks and the data file of a chart with one label column and nycols value columns
 * (plot_trend, plot_grouped_bars): the columns' indexes into *lc and yc, and into data a
 * line a row, the label then each value, separated by tabs. */
static skpi_err series_data(const skpi_result *rs, const char *labelcol,
			    const char *const *ycols, size_t nycols, const plot_spec *spec,
			    size_t *lc, size_t *yc, sbuf *data, skpi_diag *d)
{
	skpi_err err;

	if ((err = check_common(rs, spec, nycols, d)) != SKPI_OK)
		return err;
	if ((err = find_col(rs, labelcol, 1, lc, d)) != SKPI_OK)
		return err;
	for (size_t i = 0; i < nycols; i++)
		if ((err = find_col(rs, ycols[i], 0, &yc[i], d)) != SKPI_OK)
			return err;
	for (size_t r = 0; r < rs->nrows; r++) {
		sb_label(data, cell_text(rs, r, *lc));
		for (size_t i = 0; i < nycols; i++) {
			sb_add(data, "\t");
			sb_num(data, cell_num(rs, r, yc[i]));
		}
		sb_add(data, "\n");
	}
	return SKPI_OK;
}

/* the smallest 1-2-5 step at least x (x > 0) */
static double nice_step(double x)
{
	double m = pow(10, floor(log10(x)));

	if (m >= x)
		return m;
	if (2 * m >= x)
		return 2 * m;
	if (5 * m >= x)
		return 5 * m;
	return 10 * m;
}

skpi_err plot_trend(const skpi_result *rs, const char *xcol, const char *const *ycols,
		    size_t nycols, const plot_spec *spec, const char *path, skpi_diag *d)
{
	sbuf s = { 0 }, data = { 0 };
	size_t xc, yc[PLOT_MAX_SERIES];
	double lo, hi;
	skpi_unit unit;
	skpi_err err;

	if ((err = series_data(rs, xcol, ycols, nycols, spec, &xc, yc, &data, d)) != SKPI_OK)
		goto out;
	unit = rs->cols[yc[0]].unit;

	script_head(&s, spec, spec->width > 0 ? spec->width : 960,
		    spec->height > 0 ? spec->height : 540);
	script_labels(&s, spec_title(spec, rs), spec->xlabel ? spec->xlabel : xcol,
		      spec->ylabel ? spec->ylabel : unit_label(unit));
	script_key(&s, spec, rs, yc, nycols, spec->width > 0 ? spec->width : 960);
	sb_add(&s, "set grid ytics noxtics\n");
	sb_addf(&s, "set xrange [-0.5:%zu.5]\n", rs->nrows - 1);
	if (rs->nrows > 12)
		sb_add(&s, "set xtics rotate by 45 right\n");
	if (value_range(rs, yc, nycols, &lo, &hi)) {
		/* the data's range with room above for the value labels; percentages get no
		 * tic above 100 */
		double span = hi - lo > 0 ? hi - lo : fabs(hi) > 0 ? fabs(hi) * 0.2 : 1;
		double step = nice_step(span / 6);
		double ymin = floor((lo - span * 0.1) / step) * step, ymax = hi + span * 0.2;

		if (lo >= 0 && ymin < 0)
			ymin = 0;
		sb_add(&s, "set yrange [");
		sb_num(&s, ymin);
		sb_add(&s, ":");
		sb_num(&s, ymax);
		sb_add(&s, "]\nset ytics ");
		sb_num(&s, step);
		if (unit == SKPI_UNIT_PCT && ymin <= 100) {
			sb_add(&s, "\nset ytics ");
			sb_num(&s, ymin);
			sb_add(&s, ", ");
			sb_num(&s, step);
			sb_add(&s, ", 100");
		}
		sb_add(&s, "\n");
	} else {
		sb_add(&s, "set yrange [0:1]\n");   /* every point NULL: an empty frame */
	}
	sb_add(&s, "plot ");
	for (size_t i = 0; i < nycols; i++) {
		sb_addf(&s, "%sARG1 using 0:(column(%zu))%s with linespoints lt %zu title ",
			i ? ", \\\n     " : "", i + 2, i == 0 ? ":xtic(1)" : "", i + 1);
		sb_str(&s, series_name(spec, rs, i, yc[i]));
		if (rs->nrows <= 24)
			sb_addf(&s, ", \\\n     ARG1 using 0:(column(%zu)):(sprintf('%%.%df', "
				"column(%zu))) with labels offset char 0,1 font ',9' tc lt %zu notitle",
				i + 2, label_decimals(rs, yc[i]), i + 2, i + 1);
	}
	sb_add(&s, "\n");
	err = draw(spec, &s, &data, path, d);
out:
	sb_release(&s);
	sb_release(&data);
	return err;
}

skpi_err plot_bars(const skpi_result *rs, const char *labelcol, const char *valuecol,
		   const plot_spec *spec, const char *path, skpi_diag *d)
{
	sbuf s = { 0 }, data = { 0 };
	size_t lc, vc;
	char xlabel[160];
	double lo, hi, span;
	int height;
	skpi_unit unit;
	skpi_err err;

	if ((err = check_common(rs, spec, 1, d)) != SKPI_OK)
		goto out;
	if ((err = find_col(rs, labelcol, 1, &lc, d)) != SKPI_OK ||
	    (err = find_col(rs, valuecol, 0, &vc, d)) != SKPI_OK)
		goto out;
	unit = rs->cols[vc].unit;

	/* label, value (empty for NULL), the text at the end of the bar, where it goes */
	for (size_t r = 0; r < rs->nrows; r++) {
		double v = cell_num(rs, r, vc);
		char txt[64];

		sb_label(&data, cell_text(rs, r, lc));
		sb_add(&data, "\t");
		sb_num(&data, v);
		if (isfinite(v))
			snprintf(txt, sizeof txt, "\t\"%.*f\"\t", label_decimals(rs, vc), v);
		else
			snprintf(txt, sizeof txt, "\t\"no data\"\t");
		sb_add(&data, txt);
		sb_num(&data, isfinite(v) && v > 0 ? v : 0);
		sb_add(&data, "\n");
	}

	height = spec->height > 0 ? spec->height : 140 + 22 * (int)(rs->nrows > 2000 ? 2000 : rs->nrows);
	if (height < 360)
		height = 360;
	script_head(&s, spec, spec->width > 0 ? spec->width : 960, height);
	axis_name(xlabel, sizeof xlabel, &rs->cols[vc]);
	script_labels(&s, spec_title(spec, rs), spec->xlabel ? spec->xlabel : xlabel,
		      spec->ylabel ? spec->ylabel : "");
	if (!value_range(rs, &vc, 1, &lo, &hi))
		lo = hi = 0;
	if (lo > 0)
		lo = 0;
	if (hi < 0)
		hi = 0;
	if ((unit == SKPI_UNIT_PCT || unit == SKPI_UNIT_POINTS) && lo >= 0 && hi <= 100) {
		sb_add(&s, "set xrange [0:112]\nset xtics 0,10,100\n");
	} else {
		span = hi - lo > 0 ? hi - lo : 1;
		sb_add(&s, "set xrange [");
		sb_num(&s, lo < 0 ? lo - span * 0.05 : 0);
		sb_add(&s, ":");
		sb_num(&s, hi + span * 0.14);
		sb_add(&s, "]\n");
	}
	sb_addf(&s, "set yrange [%zu.5:-0.5]\n", rs->nrows - 1);
	sb_add(&s, "set ytics scale 0\n"
		   "set grid xtics noytics\n"
		   "set style fill solid 0.85 noborder\n"
		   "unset key\n"
		   "plot ARG1 using (column(2)/2):0:(abs(column(2))/2):(0.38) with boxxyerror "
		   "lt 1 notitle, \\\n"
		   "     ARG1 using 4:0:3:ytic(1) with labels left offset char 0.6,0 "
		   "tc rgb '#333333' notitle\n");
	err = draw(spec, &s, &data, path, d);
out:
	sb_release(&s);
	sb_release(&data);
	return err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Excel's PERCENTILE.INC of the sorted v[0..n-1] (n > 0), as docs/metrics.md defines */
static double percentile_inc(const double *v, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t k = (size_t)floor(h);

	if (k + 1 >= n)
		return v[n - 1];
	return v[k] + (h - (double)k) * (v[k + 1] - v[k]);
}

/* the bands of PLOT_BINS_DURATION, in minutes */
static const struct {
	double from;
	const char *label;
} duration_bands[] = {
	{ 0, "< 5 min" }, { 5, "5-15 min" }, { 15, "15-30 min" }, { 30, "30-60 min" },
	{ 60, "1-2 h" }, { 120, "2-4 h" }, { 240, "4-8 h" }, { 480, "8-24 h" },
	{ 1440, "1-3 days" }, { 4320, ">= 3 days" },
};

skpi_err plot_histogram(const skpi_result *rs, const char *col, double bin_width,
			const plot_spec *spec, const char *path, skpi_diag *d)
{
	sbuf s = { 0 }, data = { 0 };
	double *v = NULL, *lower = NULL, w = 1;
	size_t c, n = 0, nbins, *count = NULL;
	int over = 0;
	char lab[96], xlabel[160], med[48], p90[48];
	skpi_err err;

	if ((err = check_common(rs, spec, 1, d)) != SKPI_OK)
		goto out;
	if ((err = find_col(rs, col, 0, &c, d)) != SKPI_OK)
		goto out;
	v = malloc(rs->nrows * sizeof *v);
	if (!v) {
		err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t r = 0; r < rs->nrows; r++) {
		double x = cell_num(rs, r, c);

		if (isfinite(x))
			v[n++] = x;
	}
	if (n == 0) {
		err = skpi_diag_set(d, SKPI_ERR_NODATA, NULL, 0,
				    "there is nothing to plot: column '%s' has no value", col);
		goto out;
	}
	qsort(v, n, sizeof *v, cmp_double);
	if (bin_width == PLOT_BINS_DURATION) {
		/* service-desk bands; the last one used is the one holding the largest value */
		nbins = 1;
		while (nbins < sizeof duration_bands / sizeof duration_bands[0] &&
		       v[n - 1] >= duration_bands[nbins].from)
			nbins++;
		lower = malloc(nbins * sizeof *lower);
		count = calloc(nbins, sizeof *count);
		if (!lower || !count) {
			err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
			goto out;
		}
		for (size_t b = 0; b < nbins; b++)
			lower[b] = duration_bands[b].from;
	} else {
		/* bins of width w up to the 95th percentile (at least one), the rest in a last
		 * grey ">= X" bin */
		double p95 = percentile_inc(v, n, 0.95), start = v[0] < 0 ? v[0] : 0, end;

		if (bin_width > 0 && isfinite(bin_width))
			w = bin_width;
		else
			w = nice_step(p95 - start > 0 ? (p95 - start) / 20 : 1);
		start = floor(start / w) * w;
		nbins = (size_t)ceil((p95 - start) / w);
		if (nbins == 0 || start + (double)nbins * w <= p95)
			nbins++;
		if (nbins > 100)
			nbins = 100;
		end = start + (double)nbins * w;
		over = v[n - 1] >= end;
		lower = malloc((nbins + 1) * sizeof *lower);
		count = calloc(nbins + 1, sizeof *count);
		if (!lower || !count) {
			err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
			goto out;
		}
		for (size_t b = 0; b < nbins; b++)
			lower[b] = start + (double)b * w;
		if (over)
			lower[nbins++] = end;
	}
	/* v is sorted: walk the bins along it */
	for (size_t i = 0, b = 0; i < n; i++) {
		while (b + 1 < nbins && v[i] >= lower[b + 1])
			b++;
		count[b]++;
	}
	for (size_t b = 0; b < nbins; b++) {
		if (bin_width == PLOT_BINS_DURATION)
			snprintf(lab, sizeof lab, "%s", duration_bands[b].label);
		else if (over && b == nbins - 1)
			snprintf(lab, sizeof lab, ">= %g", lower[b]);
		else
			snprintf(lab, sizeof lab, "%g-%g", lower[b], lower[b] + w);
		sb_label(&data, lab);
		/* the third field is the colour: linetype 1, or grey 8 for the overflow bin */
		sb_addf(&data, "\t%zu\t%d\n", count[b], over && b == nbins - 1 ? 8 : 1);
	}

	script_head(&s, spec, spec->width > 0 ? spec->width : 960,
		    spec->height > 0 ? spec->height : 540);
	axis_name(xlabel, sizeof xlabel, &rs->cols[c]);
	script_labels(&s, spec_title(spec, rs), spec->xlabel ? spec->xlabel : xlabel,
		      spec->ylabel ? spec->ylabel : "count");
	fmt_value(med, sizeof med, percentile_inc(v, n, 0.5), rs->cols[c].unit);
	fmt_value(p90, sizeof p90, percentile_inc(v, n, 0.9), rs->cols[c].unit);
	sb_addf(&s, "set label 1 'n = %zu, median %s, 90th percentile %s' "
		"at graph 0.98, graph 0.95 right font ',10'\n", n, med, p90);
	sb_add(&s, "set grid ytics noxtics\n"
		   "set style fill solid 0.85 noborder\n"
		   "set boxwidth 0.85\n"
		   "set yrange [0:*]\n"
		   "set offsets 0, 0, graph 0.12, 0\n"
		   "set xtics scale 0\n"
		   "unset key\n");
	if (nbins > 10)
		sb_add(&s, "set xtics rotate by 45 right\n");
	sb_addf(&s, "set xrange [-0.6:%zu.6]\n", nbins - 1);
	sb_add(&s, "plot ARG1 using 0:2:3:xtic(1) with boxes lc variable notitle, \\\n"
		   "     ARG1 using 0:(column(2) > 0 ? column(2) : NaN):(sprintf('%d', column(2))) "
		   "with labels offset char 0,0.7 font ',9' notitle\n");
	err = draw(spec, &s, &data, path, d);
out:
	free(v);
	free(lower);
	free(count);
	sb_release(&s);
	sb_release(&data);
	return err;
}

skpi_err plot_grouped_bars(const skpi_result *rs, const char *labelcol,
			   const char *const *ycols, size_t nycols, const plot_spec *spec,
			   const char *path, skpi_diag *d)
{
	sbuf s = { 0 }, data = { 0 };
	size_t lc, yc[PLOT_MAX_SERIES];
	double lo, hi;
	int width;
	skpi_unit unit;
	skpi_err err;

	if ((err = series_data(rs, labelcol, ycols, nycols, spec, &lc, yc, &data, d)) != SKPI_OK)
		goto out;
	unit = rs->cols[yc[0]].unit;

	width = 160 + (int)(rs->nrows > 200 ? 200 : rs->nrows) * (int)(nycols + 1) * 18;
	width = spec->width > 0 ? spec->width : width < 960 ? 960 : width > 2400 ? 2400 : width;
	script_head(&s, spec, width, spec->height > 0 ? spec->height : 540);
	script_labels(&s, spec_title(spec, rs), spec->xlabel ? spec->xlabel : labelcol,
		      spec->ylabel ? spec->ylabel : unit_label(unit));
	sb_add(&s, "set style data histograms\n"
		   "set style histogram clustered gap 1\n"
		   "set style fill solid 0.85 noborder\n"
		   "set grid ytics noxtics\n"
		   "set xtics scale 0\n");
	script_key(&s, spec, rs, yc, nycols, width);
	if (rs->nrows > 6 || max_label_chars(rs, lc) > 14)
		sb_add(&s, "set xtics rotate by 30 right\n");
	if (!value_range(rs, yc, nycols, &lo, &hi))
		lo = hi = 0;
	if (unit == SKPI_UNIT_PCT && lo >= 0 && hi <= 100) {
		sb_add(&s, "set yrange [0:110]\nset ytics 0,20,100\n");
	} else if (lo >= 0) {
		sb_add(&s, "set yrange [0:");
		sb_num(&s, hi > 0 ? hi * 1.12 : 1);
		sb_add(&s, "]\n");
	}
	sb_addf(&s, "set xrange [-0.6:%zu.6]\n", rs->nrows - 1);
	sb_add(&s, "plot ");
	for (size_t i = 0; i < nycols; i++) {
		sb_addf(&s, "%sARG1 using (column(%zu))%s lt %zu title ", i ? ", \\\n     " : "",
			i + 2, i == 0 ? ":xtic(1)" : "", i + 1);
		sb_str(&s, series_name(spec, rs, i, yc[i]));
	}
	/* the value over each bar while there is room: in a cluster of n bars with gap 1 the
	 * bar i of row r is centred at r + (i + 1) / (n + 1) - 0.5 */
	if (rs->nrows * nycols <= 40)
		for (size_t i = 0; i < nycols; i++)
		{
			sb_add(&s, ", \\\n     ARG1 using ($0 + ");
			sb_num(&s, (double)(i + 1) / (double)(nycols + 1) - 0.5);
			sb_addf(&s, "):(column(%zu)):(sprintf('%%.%df', column(%zu))) with labels "
				"offset char 0,0.6 font ',8' notitle", i + 2,
				label_decimals(rs, yc[i]) > 1 ? 1 : label_decimals(rs, yc[i]), i + 2);
		}
	sb_add(&s, "\n");
	err = draw(spec, &s, &data, path, d);
out:
	sb_release(&s);
	sb_release(&data);
	return err;
}

void plot_files_init(plot_files *f)
{
	f->n = 0;
	f->paths = NULL;
}

void plot_files_release(plot_files *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->paths[i]);
	free(f->paths);
	f->n = 0;
	f->paths = NULL;
}

/* ---- the standard monthly set ------------------------------------------------------ */

/* year and month of day (days since 1970-01-01, proleptic Gregorian) */
static void day_ym(int64_t day, int *y, int *m)
{
	int64_t z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static skpi_err add_written(plot_files *w, const char *path, skpi_diag *d)
{
	char **np = realloc(w->paths, (w->n + 1) * sizeof *np);

	if (!np)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
	w->paths = np;
	w->paths[w->n] = strdup(path);
	if (!w->paths[w->n])
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
	w->n++;
	return SKPI_OK;
}

static skpi_err chart_path(char **out, const char *dir, const char *name, plot_format f,
			   skpi_diag *d)
{
	size_t dl = strlen(dir), n = dl + strlen(name) + 8;

	*out = malloc(n);
	if (!*out)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
	snprintf(*out, n, "%s%s%s.%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name,
		 plot_format_ext(f));
	return SKPI_OK;
}

/* copy column `from` of row sr in src to column `to` of row dr in dst (same type) */
static skpi_err copy_cell(skpi_result *dst, size_t dr, size_t to, const skpi_result *src,
			  size_t sr, int from)
{
	const skpi_value *v;

	if (from < 0)
		return SKPI_OK;
	v = skpi_result_get(src, sr, (size_t)from);
	if (!v || v->is_null)
		return skpi_result_set_null(dst, dr, to);
	switch (src->cols[from].type) {
	case SKPI_INT:
		return dst->cols[to].type == SKPI_REAL ? skpi_result_set_real(dst, dr, to, (double)v->i)
						       : skpi_result_set_int(dst, dr, to, v->i);
	case SKPI_REAL:
		return skpi_result_set_real(dst, dr, to, v->r);
	case SKPI_TEXT:
		return skpi_result_set_text(dst, dr, to, v->s);
	}
	return SKPI_ERR_INTERNAL;
}

/* A new result set titled title with the columns named in cols (type and unit taken from
 * src, or REAL when src lacks one) holding, for each row of src, those cells. */
static skpi_err pick_cols(const skpi_result *src, const char *title, const char *const *cols,
			  size_t ncols, skpi_result **out, skpi_diag *d)
{
	skpi_result *rs = skpi_result_new(title);
	skpi_err err = SKPI_OK;

	if (!rs)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
	for (size_t c = 0; c < ncols; c++) {
		int sc = skpi_result_col(src, cols[c]);

		if (skpi_result_add_col(rs, cols[c], sc >= 0 ? src->cols[sc].type : SKPI_REAL,
					sc >= 0 ? src->cols[sc].unit : SKPI_UNIT_NONE,
					sc >= 0 ? src->cols[sc].decimals : 1) < 0) {
			err = SKPI_ERR_NOMEM;
			goto out;
		}
	}
	for (size_t r = 0; r < src->nrows; r++) {
		long nr = skpi_result_add_row(rs);

		if (nr < 0) {
			err = SKPI_ERR_NOMEM;
			goto out;
		}
		for (size_t c = 0; c < ncols; c++)
			if ((err = copy_cell(rs, (size_t)nr, c, src, r,
					     skpi_result_col(src, cols[c]))) != SKPI_OK)
				goto out;
	}
out:
	if (err != SKPI_OK) {
		skpi_result_free(rs);
		return skpi_diag_set(d, err, NULL, 0, "cannot build the chart's data: %s",
				     skpi_strerror(err));
	}
	*out = rs;
	return SKPI_OK;
}

/* whether column name of rs has a value in some row */
static int has_values(const skpi_result *rs, const char *name)
{
	int c = skpi_result_col(rs, name);

	if (c < 0)
		return 0;
	for (size_t r = 0; r < rs->nrows; r++) {
		const skpi_value *v = skpi_result_get(rs, r, (size_t)c);

		if (v && !v->is_null)
			return 1;
	}
	return 0;
}

/* The 12 months ending with the month of q's last day, by month, one row each (months
 * without data have NULLs): month, tickets, csat_pct, resolution_pct, frt_median_min. */
static skpi_err trend_months(sqlite3 *db, const kpi_query *q, skpi_result **out, skpi_diag *d)
{
	static const char *const cols[] = { "month", "tickets", "csat_pct", "resolution_pct",
					    "frt_median_min" };
	skpi_result *got = NULL, *rs = NULL;
	kpi_query kq = *q;
	char from[32];
	int y, m;
	skpi_err err;

	*out = NULL;
	day_ym(q->period.to_day - 1, &y, &m);
	m -= 11;
	while (m < 1) {
		m += 12;
		y--;
	}
	snprintf(from, sizeof from, "%04d-%02d-01", y, m);
	if ((err = period_from_to(from, q->period.to, &kq.period, d)) != SKPI_OK)
		goto out;
	kq.ndims = 1;
	kq.dims[0] = KPI_DIM_MONTH;
	if ((err = kpi_run(db, &kq, &got, d)) != SKPI_OK)
		goto out;
	rs = skpi_result_new(NULL);
	if (!rs) {
		err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
		int sc = skpi_result_col(got, cols[c]);

		if (skpi_result_add_col(rs, cols[c], c == 0 ? SKPI_TEXT : sc >= 0 ? got->cols[sc].type : SKPI_REAL,
					sc >= 0 ? got->cols[sc].unit : SKPI_UNIT_NONE,
					sc >= 0 ? got->cols[sc].decimals : 1) < 0) {
			err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
			goto out;
		}
	}
	for (int i = 0; i < 12; i++) {
		char month[32];
		long row = skpi_result_add_row(rs);
		int gc = skpi_result_col(got, "group");

		if (row < 0) {
			err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
			goto out;
		}
		snprintf(month, sizeof month, "%04d-%02d", y, m);
		err = skpi_result_set_text(rs, (size_t)row, 0, month);
		for (size_t r = 0; err == SKPI_OK && gc >= 0 && r < got->nrows; r++) {
			const skpi_value *g = skpi_result_get(got, r, (size_t)gc);

			if (!g || g->is_null || !g->s || strcmp(g->s, month) != 0)
				continue;
			for (size_t c = 1; err == SKPI_OK && c < sizeof cols / sizeof cols[0]; c++)
				err = copy_cell(rs, (size_t)row, c, got, r, skpi_result_col(got, cols[c]));
		}
		if (err != SKPI_OK) {
			skpi_diag_set(d, err, NULL, 0, "cannot build the trend: %s", skpi_strerror(err));
			goto out;
		}
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	*out = rs;
	rs = NULL;
	err = SKPI_OK;
out:
	skpi_result_free(got);
	skpi_result_free(rs);
	return err;
}

/* The first-response times in minutes of the period's tickets that have one (the values
 * whose median is frt_median_min, docs/metrics.md): one REAL column, frt_min.  The same
 * selection as frt_min in schema/kpi_tickets.sql; tests/e2e/chart.sh checks the median. */
static const char frt_values_sql[] =
	"SELECT (first_response_ts - created_ts) / 60.0 FROM tickets "
	"WHERE created_at >= ?1 AND created_at < ?2 AND first_response_ts >= created_ts";

static skpi_err frt_values(sqlite3 *db, const skpi_period *p, skpi_result **out, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	skpi_result *rs = NULL;
	skpi_err err = SKPI_OK;
	int rc;

	*out = NULL;
	rs = skpi_result_new(NULL);
	if (!rs || skpi_result_add_col(rs, "frt_min", SKPI_REAL, SKPI_UNIT_MINUTES, 1) < 0) {
		err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(db, frt_values_sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, p->from, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, p->to, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		err = skpi_diag_set(d, SKPI_ERR_DB, NULL, 0, "cannot read the first-response "
				    "times: %s", sqlite3_errmsg(db));
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long row = skpi_result_add_row(rs);

		if (row < 0) {
			err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
			goto out;
		}
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			skpi_result_set_real(rs, (size_t)row, 0, sqlite3_column_double(st, 0));
	}
	if (rc != SQLITE_DONE) {
		err = skpi_diag_set(d, rc == SQLITE_BUSY ? SKPI_ERR_BUSY : SKPI_ERR_DB, NULL, 0,
				    "cannot read the first-response times: %s", sqlite3_errmsg(db));
		goto out;
	}
	*out = rs;
	rs = NULL;
out:
	sqlite3_finalize(st);
	skpi_result_free(rs);
	return err;
}

/* the ranking as bars: label "RANK. NAME", score */
static skpi_err ranking_bars(const skpi_result *ranking, skpi_result **out, skpi_diag *d)
{
	int nc = skpi_result_col(ranking, "agent"), rc = skpi_result_col(ranking, "rank");
	int sc = skpi_result_col(ranking, "score");
	skpi_result *rs = NULL;
	char *lab = NULL;
	skpi_err err = SKPI_OK;

	*out = NULL;
	if (nc < 0)
		nc = skpi_result_col(ranking, "team");
	if (nc < 0 || sc < 0 || ranking->cols[nc].type != SKPI_TEXT)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0,
				     "the ranking has no agent or team and score columns");
	rs = skpi_result_new(NULL);
	err = SKPI_ERR_NOMEM;
	if (!rs || skpi_result_add_col(rs, ranking->cols[nc].name, SKPI_TEXT, SKPI_UNIT_NONE, 0) < 0 ||
	    skpi_result_add_col(rs, "score", SKPI_REAL, SKPI_UNIT_POINTS, 1) < 0)
		goto out;
	for (size_t r = 0; r < ranking->nrows; r++) {
		const skpi_value *name = skpi_result_get(ranking, r, (size_t)nc);
		const skpi_value *rank = rc >= 0 ? skpi_result_get(ranking, r, (size_t)rc) : NULL;
		const char *s = name && !name->is_null && name->s ? name->s : "";
		long row = skpi_result_add_row(rs);
		size_t n = strlen(s) + 32;

		if (row < 0 || !(lab = malloc(n)))
			goto out;
		if (rank && !rank->is_null && ranking->cols[rc].type == SKPI_INT)
			snprintf(lab, n, "%lld. %s", (long long)rank->i, s);
		else
			snprintf(lab, n, "%s", s);
		if (skpi_result_set_text(rs, (size_t)row, 0, lab) != SKPI_OK ||
		    copy_cell(rs, (size_t)row, 1, ranking, r, sc) != SKPI_OK)
			goto out;
		free(lab);
		lab = NULL;
	}
	*out = rs;
	rs = NULL;
	err = SKPI_OK;
out:
	free(lab);
	skpi_result_free(rs);
	if (err != SKPI_OK)
		skpi_diag_set(d, err, NULL, 0, "out of memory");
	return err;
}

skpi_err plot_monthly(sqlite3 *db, const kpi_query *q, const skpi_result *ranking,
		      const char *outdir, const plot_spec *base, plot_files *written,
		      skpi_diag *d)
{
	static const char *const team_cols[] = { "group", "csat_pct", "resolution_pct", "fcr_pct",
						 "sla_frt_pct" };
	skpi_result *trend = NULL, *frt = NULL, *teams_all = NULL, *teams = NULL, *bars = NULL;
	const char *ycols[4];
	size_t ny;
	char *path = NULL, title[160];
	plot_spec spec;
	kpi_query tq;
	skpi_err err;

	if (!db || !q || !outdir || !base || !written)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "plot_monthly: missing argument");
	if ((err = plot_available(NULL, 0, d)) != SKPI_OK)
		goto out;

	/* the 12-month trends, skipped when none of the 12 months has a ticket */
	if ((err = trend_months(db, q, &trend, d)) != SKPI_OK)
		goto out;
	if (has_values(trend, "tickets") || has_values(trend, "csat_pct")) {
		const char *rates[] = { "csat_pct", "resolution_pct" };
		const char *frts[] = { "frt_median_min" };

		plot_spec_init(&spec, base->format);
		spec.timeout_s = base->timeout_s;
		snprintf(title, sizeof title, "CSAT and resolution rate by month, 12 months to %s",
			 q->period.label);
		spec.title = title;
		spec.ylabel = "percent (%)";
		/* a chart whose every point is undefined would be an empty frame: left out */
		if ((has_values(trend, "csat_pct") || has_values(trend, "resolution_pct")) &&
		    ((err = chart_path(&path, outdir, "trend-rates", base->format, d)) != SKPI_OK ||
		     (err = plot_trend(trend, "month", rates, 2, &spec, path, d)) != SKPI_OK ||
		     (err = add_written(written, path, d)) != SKPI_OK))
			goto out;
		free(path);
		path = NULL;
		snprintf(title, sizeof title, "Median first-response time by month, 12 months to %s",
			 q->period.label);
		spec.ylabel = "minutes";
		if (has_values(trend, "frt_median_min") &&
		    ((err = chart_path(&path, outdir, "trend-frt", base->format, d)) != SKPI_OK ||
		     (err = plot_trend(trend, "month", frts, 1, &spec, path, d)) != SKPI_OK ||
		     (err = add_written(written, path, d)) != SKPI_OK))
			goto out;
		free(path);
		path = NULL;
	}

	/* the ranking */
	if (ranking && ranking->nrows > 0) {
		int by_team = skpi_result_col(ranking, "agent") < 0;

		if ((err = ranking_bars(ranking, &bars, d)) != SKPI_OK)
			goto out;
		plot_spec_init(&spec, base->format);
		spec.timeout_s = base->timeout_s;
		snprintf(title, sizeof title, "%s ranking, %s", by_team ? "Team" : "Agent",
			 q->period.label);
		spec.title = title;
		if ((err = chart_path(&path, outdir, "ranking", base->format, d)) != SKPI_OK ||
		    (err = plot_bars(bars, skpi_result_col(ranking, "agent") >= 0 ? "agent" : "team",
				     "score", &spec, path, d)) != SKPI_OK ||
		    (err = add_written(written, path, d)) != SKPI_OK)
			goto out;
		free(path);
		path = NULL;
	}

	/* the first-response-time distribution */
	if ((err = frt_values(db, &q->period, &frt, d)) != SKPI_OK)
		goto out;
	if (has_values(frt, "frt_min")) {
		plot_spec_init(&spec, base->format);
		spec.timeout_s = base->timeout_s;
		snprintf(title, sizeof title, "First-response time of the tickets created in %s",
			 q->period.label);
		spec.title = title;
		spec.xlabel = "time from creation to first response";
		spec.ylabel = "tickets";
		if ((err = chart_path(&path, outdir, "frt-histogram", base->format, d)) != SKPI_OK ||
		    (err = plot_histogram(frt, "frt_min", PLOT_BINS_DURATION, &spec, path, d)) != SKPI_OK ||
		    (err = add_written(written, path, d)) != SKPI_OK)
			goto out;
		free(path);
		path = NULL;
	}

	/* teams side by side: the percentages that have a value somewhere */
	tq = *q;
	tq.ndims = 1;
	tq.dims[0] = KPI_DIM_TEAM;
	if ((err = kpi_run(db, &tq, &teams_all, d)) != SKPI_OK)
		goto out;
	if ((err = pick_cols(teams_all, NULL, team_cols, sizeof team_cols / sizeof team_cols[0],
			     &teams, d)) != SKPI_OK)
		goto out;
	ny = 0;
	for (size_t i = 1; i < sizeof team_cols / sizeof team_cols[0]; i++)
		if (has_values(teams, team_cols[i]))
			ycols[ny++] = team_cols[i];
	if (teams->nrows > 0 && ny > 0) {
		plot_spec_init(&spec, base->format);
		spec.timeout_s = base->timeout_s;
		snprintf(title, sizeof title, "Teams side by side, %s", q->period.label);
		spec.title = title;
		spec.xlabel = "team";
		if ((err = chart_path(&path, outdir, "teams", base->format, d)) != SKPI_OK ||
		    (err = plot_grouped_bars(teams, "group", ycols, ny, &spec, path, d)) != SKPI_OK ||
		    (err = add_written(written, path, d)) != SKPI_OK)
			goto out;
	}
	err = SKPI_OK;
out:
	free(path);
	skpi_result_free(trend);
	skpi_result_free(frt);
	skpi_result_free(teams_all);
	skpi_result_free(teams);
	skpi_result_free(bars);
	return err;
}
