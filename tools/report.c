/* supportkpi-report — the unattended monthly run (cron): lock, inbox, ingest, archive, every
 * output of the period, and a summary for the cron mail.  docs/cron.md tells how to run it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "supportkpi/cli.h"
#include "supportkpi/config.h"
#include "supportkpi/period.h"
#include "supportkpi/report.h"

static const char usage[] =
	"usage: supportkpi report [--dry-run] [--period P] [--quiet] --config FILE\n";

static const char help[] =
	"The monthly run, for cron: take the lock, ingest every new export in the inbox of\n"
	"[report] (archiving each one after it is committed), then write the period's KPIs,\n"
	"ranking, data quality, charts and workbook into OUTDIR/<period>/, each file whole\n"
	"(temporary name, then rename), and print a summary.  See docs/cron.md.\n"
	"\n"
	"  --config FILE   the centre's config: [report], [calendar], [sla ...], [ranking]\n"
	"  --dry-run       say what would be done; change nothing (no lock, no database\n"
	"                  written, no file moved or written)\n"
	"  --period P      the period (default: [report] period, else last-month): 2026-10,\n"
	"                  2026-Q3, 2026, last-month, this-month ...\n"
	"  --quiet         print nothing when all went well (exit 0); otherwise the steps\n"
	"                  and the summary\n"
	"  -h, --help      show this help\n"
	"\n"
	"Exit status: 0 success; 1 done with warnings (rows rejected; charts, ranking or\n"
	"workbook skipped; a file in the inbox matching no pattern); 64 usage; 65 an export\n"
	"could not be loaded (left in the inbox; the rest was done); 66 input missing;\n"
	"70 internal error; 73 cannot create an output; 74 I/O error; 75 another run holds\n"
	"the lock or the database is busy: try again; 78 configuration error (nothing was\n"
	"ingested).\n";

static const char prog[] = "supportkpi report";

/* where the step log goes */
struct logger {
	FILE *file;        /* the log file of [report], or NULL */
	FILE *err;         /* stderr, or NULL when quiet */
	FILE *mem;         /* a copy kept for --quiet, shown when the run did not succeed */
	char *membuf;
	size_t memlen;
	int failed;        /* writing the log file failed */
};

static void log_line(struct logger *lg, const char *level, const char *msg)
{
	char when[40];
	time_t now = time(NULL);
	struct tm tm;
	FILE *to[3] = { lg->file, lg->err, lg->mem };

	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", &tm);
	for (int i = 0; i < 3; i++) {
		if (!to[i])
			continue;
		fprintf(to[i], "%s %s: %s%s\n", when, prog, level, msg);
		fflush(to[i]);
	}
	if (lg->file && ferror(lg->file))
		lg->failed = 1;
}

static void on_log(void *ctx, report_level level, const char *msg)
{
	log_line(ctx, level == REPORT_ERROR ? "error: " : level == REPORT_WARN ? "warning: " : "",
		 msg);
}

static void logf_(struct logger *lg, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void logf_(struct logger *lg, const char *level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_line(lg, level, msg);
}

/* a diagnostic that ends the run, into the log file (stderr gets it from
 * skpi_diag_print) */
static void log_diag(struct logger *lg, const skpi_diag *d)
{
	char where[700] = "";
	struct logger only_file = { .file = lg->file };

	if (!lg->file)
		return;
	lg = &only_file;

	if (d->file[0] && d->line)
		snprintf(where, sizeof where, "'%s' line %ld: ", d->file, d->line);
	else if (d->file[0])
		snprintf(where, sizeof where, "'%s': ", d->file);
	logf_(lg, "error: ", "%s%s", where, d->msg[0] ? d->msg : skpi_strerror(d->code));
	if (d->hint[0])
		logf_(lg, "hint: ", "%s", d->hint);
}

static void put_figure(FILE *fp, const skpi_result *rs, const char *col, const char *label,
		       const char *unit, int *first)
{
	int c = skpi_result_col(rs, col);
	const skpi_value *v;

	if (c < 0 || rs->nrows < 1)
		return;
	v = skpi_result_get(rs, 0, (size_t)c);
	fprintf(fp, "%s%s ", *first ? "" : ", ", label);
	*first = 0;
	if (v->is_null)
		fputs("-", fp);
	else if (rs->cols[c].type == SKPI_INT)
		fprintf(fp, "%lld", (long long)v->i);
	else
		fprintf(fp, "%.1f", v->r);
	fputs(v->is_null ? "" : unit, fp);
}

static const char *state_name(report_state s, int dry_run)
{
	switch (s) {
	case REPORT_FILE_NEW: return dry_run ? "would be ingested" : "not reached";
	case REPORT_FILE_UNMATCHED: return "matches no pattern, left in the inbox";
	case REPORT_FILE_AMBIGUOUS: return "matches two kinds, left in the inbox";
	case REPORT_FILE_INGESTED: return "ingested";
	case REPORT_FILE_DUPLICATE: return dry_run ? "ingested before, would be archived"
						    : "ingested before, archived";
	case REPORT_FILE_FAILED: return "NOT INGESTED, left in the inbox";
	}
	return "?";
}

static void summary(FILE *fp, const report_summary *s, int code, int dry_run)
{
	size_t olen = strlen(s->outdir);

	fprintf(fp, "supportkpi report %s: %s%s\n", s->period[0] ? s->period : "(no period)",
		dry_run ? "dry run, " : "",
		code == 0 ? "ok" : code == SKPI_EXIT_WARN ? "done with warnings" :
		code == SKPI_EXIT_DATAERR ? "done, but an export was not loaded" : "FAILED");
	if (s->headline) {
		int first = 1;

		fputs("figures: ", fp);
		put_figure(fp, s->headline, "tickets", "tickets", "", &first);
		put_figure(fp, s->headline, "resolution_pct", "resolved", "%", &first);
		put_figure(fp, s->headline, "frt_median_min", "first response median", " min", &first);
		put_figure(fp, s->headline, "res_median_h", "resolution median", " h", &first);
		put_figure(fp, s->headline, "surveys", "surveys", "", &first);
		put_figure(fp, s->headline, "csat_pct", "CSAT", "%", &first);
		put_figure(fp, s->headline, "nps", "NPS", "", &first);
		put_figure(fp, s->headline, "sla_frt_pct", "SLA first response", "%", &first);
		put_figure(fp, s->headline, "sla_res_pct", "SLA resolution", "%", &first);
		fputs("\n", fp);
	}
	if (!s->period[0])
		return; /* stopped before the inbox was read */
	fprintf(fp, "inbox: %zu file%s\n", s->nfiles, s->nfiles == 1 ? "" : "s");
	for (size_t i = 0; i < s->nfiles; i++) {
		const report_file *f = &s->files[i];

		fprintf(fp, "  %s: %s", f->name, state_name(f->state, dry_run));
		if (f->state == REPORT_FILE_NEW && f->kind >= 0)
			fprintf(fp, " (%s)", skpi_kind_name((skpi_kind)f->kind));
		if (f->state == REPORT_FILE_INGESTED)
			fprintf(fp, " (%s): %llu rows read, %llu inserted, %llu updated, %llu unchanged, "
				"%llu rejected", skpi_kind_name((skpi_kind)f->kind), f->st.read,
				f->st.inserted, f->st.updated, f->st.unchanged, f->st.rejected);
		if (f->state == REPORT_FILE_FAILED || f->state == REPORT_FILE_AMBIGUOUS) {
			fputs(": ", fp);
			if (f->diag.line)
				fprintf(fp, "line %ld: ", f->diag.line);
			fputs(f->diag.msg, fp);
		}
		fputs("\n", fp);
	}
	if (s->rows_read)
		fprintf(fp, "rows: %llu read, %llu inserted, %llu updated, %llu unchanged, %llu "
			"rejected; %llu loaded rows carry a data-quality note\n", s->rows_read,
			s->inserted, s->updated, s->unchanged, s->rejected, s->dq_rows);
	if (dry_run && s->outdir[0])
		fprintf(fp, "the outputs would be written to %s/\n", s->outdir);
	if (s->nwritten)
		fprintf(fp, "written to %s/:\n", s->outdir);
	for (size_t i = 0; i < s->nwritten; i++) {
		const char *w = s->written[i];

		if (strncmp(w, s->outdir, olen) == 0 && w[olen] == '/')
			w += olen + 1;
		fprintf(fp, "  %s\n", w);
	}
	if (s->nwarnings)
		fprintf(fp, "warnings:\n");
	for (size_t i = 0; i < s->nwarnings; i++)
		fprintf(fp, "  %s\n", s->warnings[i]);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "period", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_file = NULL, *period = NULL;
	skpi_config *cfg = NULL;
	report_settings s;
	report_summary sum;
	report_opts ro;
	struct logger lg;
	skpi_diag d;
	char *lock = NULL;
	int c, quiet = 0, dry_run = 0, code = 0, lockfd = -1, have_settings = 0, have_sum = 0;
	skpi_err e;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config_file = optarg; break;
		case 'n': dry_run = 1; break;
		case 'p': period = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': return cli_help(prog, usage, help);
		default: return cli_bad_option(prog, usage, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, usage, "unexpected argument '%s'", argv[optind]);
	if (!config_file)
		return cli_usage_error(prog, usage, "--config is required: the run takes its inbox, "
				       "archive and output directories from it");
	if (period) {
		/* the form only (the day that last-month counts from does not matter here): a bad
		 * --period is refused before the lock is taken or the database made */
		skpi_period p;

		skpi_diag_clear(&d);
		if (period_parse(period, 20000, &p, &d) != SKPI_OK)
			return cli_usage_error(prog, usage, "--period '%s' is not a period: write "
					       "2026-10, 2026-Q3, 2026, last-month or this-month", period);
	}
	memset(&lg, 0, sizeof lg);
	memset(&sum, 0, sizeof sum);
	skpi_diag_clear(&d);
	lg.err = quiet ? NULL : stderr;
	if (quiet)
		lg.mem = open_memstream(&lg.membuf, &lg.memlen);

	/* everything that can be wrong with the config is found before anything is done */
	e = config_load(config_file, &cfg, &d);
	if (!e) {
		e = report_settings_load(cfg, &s, &d);
		have_settings = !e;
	}
	if (e) {
		if (e != SKPI_ERR_NOMEM)
			d.code = SKPI_ERR_CONFIG;
		if (!d.file[0])
			snprintf(d.file, sizeof d.file, "%s", config_file);
		code = e == SKPI_ERR_NOMEM ? SKPI_EXIT_SOFTWARE : SKPI_EXIT_CONFIG;
		goto out;
	}
	if (s.log_file && !dry_run) {
		/* the steps go to the log file only (and, with --quiet, to memory) */
		int fd = open(s.log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

		lg.file = fd >= 0 ? fdopen(fd, "a") : NULL;
		lg.err = NULL;
		if (!lg.file) {
			fprintf(stderr, "%s: '%s': cannot open the log file: %s\n", prog, s.log_file,
				strerror(errno));
			if (fd >= 0)
				close(fd);
			code = SKPI_EXIT_CANTCREAT;
			goto out;
		}
	}
	if (!dry_run) {
		lock = report_lock_path(&s, s.db ? s.db : store_default_path(NULL));
		if (!lock) {
			skpi_diag_set(&d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
			code = SKPI_EXIT_SOFTWARE;
			goto out;
		}
		if ((e = report_lock(lock, &lockfd, &d))) {
			log_diag(&lg, &d);
			code = skpi_exit_code(e);
			goto out;
		}
	}
	memset(&ro, 0, sizeof ro);
	ro.cfg = cfg;
	ro.s = &s;
	ro.period = period;
	ro.dry_run = dry_run;
	ro.now = (int64_t)time(NULL);
	ro.log = on_log;
	ro.log_ctx = &lg;
	e = report_run(&ro, &sum, &d);
	have_sum = 1;
	if (e) {
		log_diag(&lg, &d);
		code = skpi_exit_code(e);
	} else {
		code = sum.files_failed ? SKPI_EXIT_DATAERR : sum.nwarnings ? SKPI_EXIT_WARN : 0;
	}
	logf_(&lg, "", "finished with exit status %d", code);
	if (lg.failed) {
		fprintf(stderr, "%s: '%s': cannot write the log file\n", prog, s.log_file);
		if (!code || code == SKPI_EXIT_WARN)
			code = SKPI_EXIT_IOERR;
	}
out:
	if (lg.mem) {
		fclose(lg.mem);
		lg.mem = NULL;
		if (code && lg.membuf)
			fputs(lg.membuf, stderr);
		free(lg.membuf);
	}
	if (d.code)
		skpi_diag_print(&d, prog, stderr);
	if (have_sum && (!quiet || code))
		summary(stdout, &sum, code, dry_run);
	if (have_sum)
		report_summary_release(&sum);
	report_unlock(lockfd);
	free(lock);
	if (lg.file && fclose(lg.file) != 0 && (!code || code == SKPI_EXIT_WARN)) {
		fprintf(stderr, "%s: '%s': cannot write the log file\n", prog, s.log_file);
		code = SKPI_EXIT_IOERR;
	}
	if (have_settings)
		report_settings_release(&s);
	config_free(cfg);
	return cli_finish(prog, code);
}
