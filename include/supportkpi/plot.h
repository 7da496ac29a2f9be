/* plot — charts drawn by gnuplot from result sets (result.h): line trends, bar charts,
 * histograms, grouped bars, and the standard monthly set (plot_monthly).
 *
 * gnuplot is a runtime dependency (Debian: gnuplot-nox).  It is found as
 * $SUPPORTKPI_GNUPLOT when that is set (a path to the program), else as "gnuplot" on
 * PATH.  When it is missing or fails, the calls return SKPI_ERR_EXTERNAL with the reason
 * (gnuplot's own standard error, shortened) in the diagnostic and a hint naming the
 * package; callers treat that as a warning ("charts skipped", exit 1) and go on.
 *
 * Safety: no text from the data is ever put into a gnuplot script.  Labels (agent and
 * team names, months) and values go to gnuplot in a data file, one record a line with
 * TAB-separated fields, read with `using ...:xtic(1)`-style column references; the
 * data file is written so that gnuplot's data-file parser reads each label back as one
 * field whatever it holds (see lib/plot.c for the exact rules: TAB, CR, LF and other
 * control characters become a space, and a label is never quoted).  Titles and axis
 * labels given by the caller are written into the script as single-quoted gnuplot
 * strings (no backslash or macro processing; a ' is doubled; control characters become
 * spaces) and drawn with `noenhanced`, so '_', '^', '@' and '{' are shown as written.
 * gnuplot runs by posix_spawn (no shell) with standard input from /dev/null, its
 * standard error captured, and a timeout after which it is killed (SIGKILL).
 *
 * Outputs: each chart is written to a temporary file in the directory of its path and
 * renamed over path only when gnuplot succeeded, so a reader never sees a partial chart
 * and a failed run leaves an older chart untouched.  Output files get mode 0644 less the
 * umask (like any created file).  The same data and spec give the same bytes (the PNG
 * and SVG terminals of gnuplot 5.4 write no date; see docs/charts.md).
 *
 * NULL values: a NULL point leaves a gap in a trend line; a row whose bar value is NULL
 * is drawn without a bar but keeps its label (so "no data" stays visible, never 0).
 *
 * Everything here only reads the result sets (the caller keeps owning them). */
#ifndef SUPPORTKPI_PLOT_H
#define SUPPORTKPI_PLOT_H

#include <stddef.h>
#include <sqlite3.h>

#include "supportkpi/err.h"
#include "supportkpi/kpi.h"
#include "supportkpi/result.h"

typedef enum plot_format {
	PLOT_PNG,    /* gnuplot's pngcairo terminal */
	PLOT_SVG     /* gnuplot's svg terminal (standalone document) */
} plot_format;

/* Parse "png" or "svg" (--format).  SKPI_ERR_USAGE otherwise. */
skpi_err plot_format_parse(const char *s, plot_format *f, skpi_diag *d);

/* The file-name extension for f, without the dot: "png", "svg".  Static. */
const char *plot_format_ext(plot_format f);

/* Find gnuplot ($SUPPORTKPI_GNUPLOT, else "gnuplot" on PATH) and check that it runs
 * (`gnuplot --version`).  SKPI_OK and its path in path (size n, may be NULL/0 when the
 * path is not wanted); SKPI_ERR_EXTERNAL with a hint to install gnuplot-nox when it is
 * missing or does not run. */
skpi_err plot_available(char *path, size_t n, skpi_diag *d);

#define PLOT_TIMEOUT_DEFAULT 60   /* seconds one gnuplot run may take */

/* How to draw one chart.  Set it up with plot_spec_init, then change fields.  Strings are
 * borrowed for the duration of the call. */
typedef struct plot_spec {
	plot_format format;
	const char *title;     /* NULL: the result set's title (none when that is NULL) */
	const char *xlabel;    /* NULL: made from the column's name and unit */
	const char *ylabel;    /* NULL: made from the (first) value column's unit,
				  e.g. "percent (%)", "minutes" */
	const char *const *legend; /* names of the series, one per value column; NULL: made
				      from the column names ("csat_pct" -> "CSAT %") */
	int width, height;     /* pixels (SVG: its size in px); 0: a size that fits the data,
				  see each function */
	int timeout_s;         /* 0: PLOT_TIMEOUT_DEFAULT */
} plot_spec;

/* format PNG or SVG, everything else 0/NULL. */
void plot_spec_init(plot_spec *s, plot_format format);

/* A line chart over the rows of rs in order: x categories from the TEXT column xcol
 * (e.g. "2026-01"), one line (with points) per column in ycols (INT or REAL).  Default
 * size 960x540.  SKPI_ERR_USAGE when a column is missing or of the wrong type,
 * SKPI_ERR_NODATA when rs has no rows. */
skpi_err plot_trend(const skpi_result *rs, const char *xcol, const char *const *ycols,
		    size_t nycols, const plot_spec *spec, const char *path, skpi_diag *d);

/* A horizontal bar chart: one bar per row, top to bottom in row order (pass the ranking
 * in rank order), label from the TEXT column labelcol, length from valuecol (INT or REAL),
 * the value written at the end of each bar.  Default size: 960 wide, 140 + 22 per row
 * high (at least 360), so that many agents stay readable. */
skpi_err plot_bars(const skpi_result *rs, const char *labelcol, const char *valuecol,
		   const plot_spec *spec, const char *path, skpi_diag *d);

/* A histogram of the non-NULL values of column col (INT or REAL): bins of bin_width
 * starting at 0 (bin_width == 0: chosen from the data, a 1-2-5 step giving about 20
 * bins up to the 95th percentile), with the values beyond the last bin counted in a
 * final ">= X" bin so one outlier cannot squash the chart.  bin_width ==
 * PLOT_BINS_DURATION: the values are minutes, counted in the bands a service desk
 * reads, "< 5 min", "5-15 min", "15-30 min", "30-60 min", "1-2 h", "2-4 h", "4-8 h",
 * "8-24 h", "1-3 days", ">= 3 days" (up to the band of the largest value; equal-width
 * bars, so the x axis is not to scale).  A label in the corner gives n, the median and
 * the 90th percentile (PERCENTILE.INC).  Default size 960x540.  SKPI_ERR_NODATA when col
 * has no value. */
#define PLOT_BINS_DURATION (-1.0)
skpi_err plot_histogram(const skpi_result *rs, const char *col, double bin_width,
			const plot_spec *spec, const char *path, skpi_diag *d);

/* Grouped (clustered) bars: for each row one group of bars labelled from the TEXT column
 * labelcol, one bar per column in ycols side by side, with a legend.  Labels are rotated
 * when there are many rows.  Default size: 960x540, wider (up to 2400) with many rows. */
skpi_err plot_grouped_bars(const skpi_result *rs, const char *labelcol,
			   const char *const *ycols, size_t nycols, const plot_spec *spec,
			   const char *path, skpi_diag *d);

/* The file names (and their paths) written by plot_monthly.  Caller releases it with
 * plot_files_release. */
typedef struct plot_files {
	size_t n;
	char **paths;          /* "DIR/trend-rates.png", ... in the order drawn */
} plot_files;

void plot_files_init(plot_files *f);
void plot_files_release(plot_files *f);

/* The standard charts of a period, into directory outdir (which must exist):
 *   trend-rates.EXT    CSAT % and resolution % by month, the 12 months ending with the
 *                      period's last month
 *   trend-frt.EXT      median first-response time (minutes) by month, same months
 *   ranking.EXT        the ranking's score as horizontal bars (only when ranking is
 *                      not NULL and has rows): ranking is the result set of the rank
 *                      module, with a TEXT column "agent" (or "team") and a "score"
 *                      column, in rank order; labels are "RANK. NAME" when it has an
 *                      INT column "rank"
 *   frt-histogram.EXT  distribution of the first-response times of the period's
 *                      tickets in PLOT_BINS_DURATION bands (those that have one; the
 *                      same definition as frt_median_min in docs/metrics.md)
 *   teams.EXT          teams side by side: CSAT %, resolution %, FCR %, first-response
 *                      SLA % (kpi by team for the period)
 * q gives the period, as-of and config (its dimensions are ignored); base gives the
 * format and timeout (other fields are ignored).  Each chart written is appended to
 * *written (which the caller set up with plot_files_init), also when a later one fails.
 * A chart with nothing to draw (no tickets) is skipped, not an error.
 * Errors: SKPI_ERR_EXTERNAL (gnuplot), SKPI_ERR_DB, SKPI_ERR_CREATE, SKPI_ERR_NOMEM. */
skpi_err plot_monthly(sqlite3 *db, const kpi_query *q, const skpi_result *ranking,
		      const char *outdir, const plot_spec *base, plot_files *written,
		      skpi_diag *d);

#endif
