/* config — the configuration file (see config.h and docs/config.md).
 *
 * The file is read once with inifile_parse; every key is checked as it arrives, so that an
 * error names its line.  Checks that need the whole file (a rule without a target, a rule
 * that can never apply, business time without a calendar) run at the end and name the
 * line of the key concerned.
 *
 * The keys of [sla], [ranking] and [report] are the rows of `settings` below. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "supportkpi/config.h"
#include "supportkpi/inifile.h"
#include "supportkpi/rowmap.h"
#include "supportkpi/tz.h"

/* ---- the settings table ---- */

enum setting_type {
	SET_INT,        /* a whole number within [min, max] */
	SET_REAL,       /* a number within [min, max] */
	SET_STRING,     /* any text */
	SET_LIST,       /* comma-separated items; the key may repeat to add items */
	SET_PATH,       /* a file or directory, relative to the config file's directory */
	SET_BOOL,       /* yes/no, true/false, on/off, 1/0: config_int gives 1 or 0 */
	SET_MODE        /* octal file permissions such as 0640, within [min, max] */
};

static const char *const type_names[] = {
	[SET_INT] = "int", [SET_REAL] = "real", [SET_STRING] = "string", [SET_LIST] = "list",
	[SET_PATH] = "path", [SET_BOOL] = "bool", [SET_MODE] = "mode"
};

struct setting {
	const char *section;   /* "sla", "ranking" or "report" */
	const char *name;
	enum setting_type type;
	const char *def;       /* the default, written as in the file; NULL: none */
	double min, max;       /* the range of SET_INT, SET_REAL and SET_MODE */
	/* an extra check of each item of a list (or of the value), or NULL: fills d->msg
	 * and d->hint and returns SKPI_ERR_CONFIG */
	skpi_err (*check)(const char *item, skpi_diag *d);
	const char *help;      /* one line, as in docs/config.md */
};

static skpi_err check_pause_status(const char *item, skpi_diag *d);

/* >>> Add settings here: one row per key of [sla], [ranking] or [report].  The row is then
 * parsed, range-checked, reported with its line, listed in the hints for unknown keys, and
 * read with config_int / config_real / config_str / config_path.  Describe the key in the
 * docs of its section too, and refresh the section's table in docs/config.md with
 * `build/tests/test_config --settings-table SECTION` (the unit test checks that every key
 * is described and that every default is valid). */
static const struct setting settings[] = {
	{ "sla", "pause_statuses", SET_LIST, "pending", 0, 0, check_pause_status,
	  "statuses during which the resolution clock stops (open, pending; empty: none)" },
	/* the ranking, `supportkpi rank` (docs/ranking.md); the five weights must sum to 1 */
	{ "ranking", "weight_satisfaction", SET_REAL, "0.35", 0, 1, NULL,
	  "weight of the satisfaction points (share of surveys scoring 4 or 5)" },
	{ "ranking", "weight_resolution", SET_REAL, "0.20", 0, 1, NULL,
	  "weight of the resolution points (resolved / tickets)" },
	{ "ranking", "weight_frt", SET_REAL, "0.15", 0, 1, NULL,
	  "weight of the first-response points (median minutes)" },
	{ "ranking", "weight_sla", SET_REAL, "0.20", 0, 1, NULL,
	  "weight of the SLA points (outcomes met; needs [sla NAME] rules)" },
	{ "ranking", "weight_reopen", SET_REAL, "0.10", 0, 1, NULL,
	  "weight of the reopen points (reopened / resolved)" },
	{ "ranking", "satisfaction_floor", SET_REAL, "50", 0, 100, NULL,
	  "satisfaction % worth 0 points" },
	{ "ranking", "satisfaction_target", SET_REAL, "95", 0, 100, NULL,
	  "satisfaction % worth 100 points" },
	{ "ranking", "resolution_floor", SET_REAL, "50", 0, 100, NULL,
	  "resolution % worth 0 points" },
	{ "ranking", "resolution_target", SET_REAL, "95", 0, 100, NULL,
	  "resolution % worth 100 points" },
	{ "ranking", "frt_floor", SET_REAL, "480", 0, 1e6, NULL,
	  "median first response in minutes worth 0 points" },
	{ "ranking", "frt_target", SET_REAL, "30", 0, 1e6, NULL,
	  "median first response in minutes worth 100 points (below the floor)" },
	{ "ranking", "sla_floor", SET_REAL, "50", 0, 100, NULL,
	  "SLA outcomes met % worth 0 points" },
	{ "ranking", "sla_target", SET_REAL, "98", 0, 100, NULL,
	  "SLA outcomes met % worth 100 points" },
	{ "ranking", "reopen_floor", SET_REAL, "20", 0, 100, NULL,
	  "reopen % worth 0 points" },
	{ "ranking", "reopen_target", SET_REAL, "2", 0, 100, NULL,
	  "reopen % worth 100 points (below the floor)" },
	{ "ranking", "min_tickets", SET_INT, "20", 0, 1e9, NULL,
	  "fewest tickets in the period to be ranked" },
	{ "ranking", "min_surveys", SET_INT, "10", 0, 1e9, NULL,
	  "fewest surveys in the period to be ranked" },
	{ "ranking", "correction", SET_STRING, "shrinkage", 0, 0, NULL,
	  "small-sample correction of the rates: shrinkage or wilson" },
	{ "ranking", "prior_surveys", SET_REAL, "20", 0, 1e6, NULL,
	  "m of the shrinkage (n x + m C) / (n + m) for satisfaction, in surveys" },
	{ "ranking", "prior_tickets", SET_REAL, "20", 0, 1e6, NULL,
	  "m of the shrinkage for the ticket components, in tickets" },
	{ "ranking", "wilson_z", SET_REAL, "1.96", 0.1, 10, NULL,
	  "z of the Wilson lower bound (1.96: 95 %)" },
	{ "ranking", "assessment_weight", SET_REAL, "0", 0, 1, NULL,
	  "share of the score from manager assessments (0: not used)" },
	{ "ranking", "self_assessment_weight", SET_REAL, "0", 0, 1, NULL,
	  "share of the assessment from the agent's self-assessment" },
	{ "ranking", "grade_excellent", SET_REAL, "90", 0, 100, NULL,
	  "lowest score graded excellent" },
	{ "ranking", "grade_good", SET_REAL, "80", 0, 100, NULL,
	  "lowest score graded good" },
	{ "ranking", "grade_pass", SET_REAL, "60", 0, 100, NULL,
	  "lowest score graded pass; below: needs improvement" },
	/* targets shown on the workbook's Summary sheet (docs/workbook.md); none by default */
	{ "report", "target_resolution_pct", SET_REAL, NULL, 0, 100, NULL,
	  "target for resolution_pct on the workbook's Summary (higher is better)" },
	{ "report", "target_frt_median_min", SET_REAL, NULL, 0, 1e6, NULL,
	  "target for frt_median_min, minutes (lower is better)" },
	{ "report", "target_frt_p90_min", SET_REAL, NULL, 0, 1e6, NULL,
	  "target for frt_p90_min, minutes (lower is better)" },
	{ "report", "target_res_median_h", SET_REAL, NULL, 0, 1e5, NULL,
	  "target for res_median_h, hours (lower is better)" },
	{ "report", "target_res_p90_h", SET_REAL, NULL, 0, 1e5, NULL,
	  "target for res_p90_h, hours (lower is better)" },
	{ "report", "target_reopen_pct", SET_REAL, NULL, 0, 100, NULL,
	  "target for reopen_pct (lower is better)" },
	{ "report", "target_fcr_pct", SET_REAL, NULL, 0, 100, NULL,
	  "target for fcr_pct (higher is better)" },
	{ "report", "target_sla_frt_pct", SET_REAL, NULL, 0, 100, NULL,
	  "target for sla_frt_pct (higher is better)" },
	{ "report", "target_sla_res_pct", SET_REAL, NULL, 0, 100, NULL,
	  "target for sla_res_pct (higher is better)" },
	{ "report", "target_csat_pct", SET_REAL, NULL, 0, 100, NULL,
	  "target for csat_pct (higher is better)" },
	{ "report", "target_mean_score", SET_REAL, NULL, 1, 5, NULL,
	  "target for mean_score, 1-5 (higher is better)" },
	{ "report", "target_nps", SET_REAL, NULL, -100, 100, NULL,
	  "target for nps, -100 to 100 (higher is better)" },
	{ "report", "target_service_index", SET_REAL, NULL, 0, 100, NULL,
	  "target for service_index, 0-100 (higher is better)" },
	/* the unattended run, `supportkpi report` (docs/cron.md) */
	{ "report", "db", SET_PATH, NULL, 0, 0, NULL,
	  "the database (default: $SUPPORTKPI_DB, else ./supportkpi.db)" },
	{ "report", "inbox", SET_PATH, NULL, 0, 0, NULL,
	  "directory where new exports arrive (required; must exist)" },
	{ "report", "archive", SET_PATH, NULL, 0, 0, NULL,
	  "directory each export is moved to once ingested (required; must exist)" },
	{ "report", "outdir", SET_PATH, NULL, 0, 0, NULL,
	  "the outputs go to OUTDIR/<period>/ (required; must exist)" },
	{ "report", "log_file", SET_PATH, NULL, 0, 0, NULL,
	  "append the timestamped step log to this file (default: standard error)" },
	{ "report", "lock_file", SET_PATH, NULL, 0, 0, NULL,
	  "the lock of the run (default: the database's path with .lock appended)" },
	{ "report", "tickets_files", SET_LIST, NULL, 0, 0, NULL,
	  "file-name patterns (fnmatch) of the ticket exports in the inbox" },
	{ "report", "tickets_map", SET_PATH, NULL, 0, 0, NULL,
	  "the mapping file of the ticket exports (docs/mapping.md)" },
	{ "report", "surveys_files", SET_LIST, NULL, 0, 0, NULL,
	  "file-name patterns (fnmatch) of the survey exports in the inbox" },
	{ "report", "surveys_map", SET_PATH, NULL, 0, 0, NULL,
	  "the mapping file of the survey exports" },
	{ "report", "assessments_files", SET_LIST, NULL, 0, 0, NULL,
	  "file-name patterns (fnmatch) of the manager assessment exports in the inbox" },
	{ "report", "assessments_map", SET_PATH, NULL, 0, 0, NULL,
	  "the mapping file of the assessment exports" },
	{ "report", "file_mode", SET_MODE, "0640", 0400, 0666, NULL,
	  "permissions of every output file, in octal (rankings are confidential)" },
	{ "report", "period", SET_STRING, "last-month", 0, 0, NULL,
	  "the period reported when --period is not given" },
	{ "report", "charts", SET_STRING, "png", 0, 0, NULL,
	  "the charts' format: png, svg or none" },
};
/* <<< */

#define NSETTINGS (sizeof settings / sizeof settings[0])

int config_setting_at(size_t i, config_setting_info *out)
{
	if (i >= NSETTINGS)
		return 0;
	out->section = settings[i].section;
	out->key = settings[i].name;
	out->type = type_names[settings[i].type];
	out->def = settings[i].def;
	out->help = settings[i].help;
	out->min = settings[i].min;
	out->max = settings[i].max;
	return 1;
}

/* ---- the config ---- */

struct config_entry {
	const struct setting *set;
	char *value;            /* as written; a list's items joined with ", " */
	long line;              /* the line that set it (the first, for a list) */
};

struct seen_section {
	char *name;             /* trimmed, e.g. "sla urgent" */
	long line;              /* its first key */
};

/* The config with what only this file needs.  pub comes first: a skpi_config * handed out
 * is the address of a struct config_priv. */
struct config_priv {
	skpi_config pub;
	skpi_tz *tz;            /* the calendar's zone (its own, or the database's), owned */
	char *dir;              /* the config file's directory, absolute when it can be */
	char *pause;            /* ",pending," */
	struct seen_section *sections;
	size_t nsections;
	size_t last_section;    /* index of the previous key's section, or (size_t)-1 */
	size_t rules_cap, entries_cap;
};

static struct config_priv *priv(const skpi_config *cfg)
{
	return (struct config_priv *)(void *)(uintptr_t)cfg;
}

/* ---- small helpers ---- */

static skpi_err nomem(skpi_diag *d)
{
	return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* An error at line of the config file, with a message; the value is attached when given. */
static skpi_err fail(const struct config_priv *p, long line, skpi_diag *d, const char *key,
		     const char *value, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static skpi_err fail(const struct config_priv *p, long line, skpi_diag *d, const char *key,
		     const char *value, const char *fmt, ...)
{
	char msg[sizeof d->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	skpi_diag_set(d, SKPI_ERR_CONFIG, p->pub.path, line, "%s", msg);
	if (value)
		skpi_diag_value(d, key, value, strlen(value));
	return SKPI_ERR_CONFIG;
}

/* After a call that filled d without a place (cal_set, a check): add the file and line. */
static skpi_err place(const struct config_priv *p, long line, skpi_diag *d, skpi_err e)
{
	if (d && e != SKPI_ERR_NOMEM) {
		snprintf(d->file, sizeof d->file, "%s", p->pub.path ? p->pub.path : "");
		d->line = line;
	}
	return e;
}

static const struct setting *find_setting(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].section, section) == 0 && strcmp(settings[i].name, key) == 0)
			return &settings[i];
	return NULL;
}

static const config_entry *find_entry(const skpi_config *cfg, const struct setting *s)
{
	size_t i;

	for (i = 0; cfg && i < cfg->nentries; i++)
		if (cfg->entries[i].set == s)
			return &cfg->entries[i];
	return NULL;
}

/* Edit distance of a and b (for "did you mean"); large when either is long. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, row[65];

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* The hint for an unknown key of a settings section: the keys when they are few, else the
 * nearest one. */
static void known_keys(const char *section, const char *key, char *buf, size_t n)
{
	size_t i, count = 0, k = 0, len, best = SIZE_MAX, d;
	const char *near = NULL;

	for (i = 0; i < NSETTINGS; i++) {
		if (strcmp(settings[i].section, section) != 0)
			continue;
		count++;
		d = distance(key, settings[i].name);
		if (d < best) {
			best = d;
			near = settings[i].name;
		}
	}
	if (count == 0) {
		snprintf(buf, n, "[%s] has no settings in this version", section);
		return;
	}
	if (count > 6) {
		if (near && best <= 3)
			snprintf(buf, n, "did you mean '%s'? docs/config.md lists the keys of [%s]",
				 near, section);
		else
			snprintf(buf, n, "docs/config.md lists the keys of [%s]", section);
		return;
	}
	len = (size_t)snprintf(buf, n, "[%s] knows ", section);
	for (i = 0; i < NSETTINGS && len < n; i++) {
		if (strcmp(settings[i].section, section) != 0)
			continue;
		k++;
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
					k == 1 ? "" : k == count ? " and " : ", ", settings[i].name);
	}
}

/* ---- values ---- */

static skpi_err value_error(skpi_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static skpi_err value_error(skpi_diag *d, const char *fmt, ...)
{
	char msg[sizeof d->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0, "%s", msg);
}

static int parse_bool(const char *v, long *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 1;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 1;
		}
	}
	return 0;
}

static const char *type_hint(const struct setting *s)
{
	switch (s->type) {
	case SET_INT:
		return "write a whole number such as 30";
	case SET_REAL:
		return "write a number such as 0.25 or 50";
	case SET_MODE:
		return "write the permissions in octal, e.g. 0640: the owner reads and writes, "
		       "the group reads";
	case SET_BOOL:
		return "write yes or no";
	case SET_PATH:
		return "name a file or directory; a relative one is read from the config "
		       "file's directory";
	default:
		return "";
	}
}

/* A value of the wrong form: the reason, and how to write one. */
static skpi_err bad_form(const struct setting *s, skpi_diag *d, const char *value, const char *what)
{
	value_error(d, "%s '%s' is not %s", s->name, value, what);
	skpi_diag_hint(d, "%s", type_hint(s));
	return SKPI_ERR_CONFIG;
}

/* A value out of its row's range: the message says the range; the hint, the default. */
static skpi_err out_of_range(const struct setting *s, skpi_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static skpi_err out_of_range(const struct setting *s, skpi_diag *d, const char *fmt, ...)
{
	char msg[sizeof d->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	value_error(d, "%s", msg);
	if (s->def)
		skpi_diag_hint(d, "leave the key out to use the default, %s", s->def);
	return SKPI_ERR_CONFIG;
}

/* Check value (one line's worth; a list is checked item by item by the caller) against
 * the row; the number in *num for the numeric types.  The reason in d->msg. */
static skpi_err check_value(const struct setting *s, const char *value, double *num, skpi_diag *d)
{
	char *end;
	long l;
	double r;

	*num = 0;
	switch (s->type) {
	case SET_INT:
		errno = 0;
		l = strtol(value, &end, 10);
		if (end == value || *end || errno)
			return bad_form(s, d, value, "a whole number");
		if ((double)l < s->min || (double)l > s->max)
			return out_of_range(s, d, "%s %ld is out of range (%.0f to %.0f)", s->name, l,
					   s->min, s->max);
		*num = (double)l;
		break;
	case SET_REAL:
		errno = 0;
		r = strtod(value, &end);
		if (end == value || *end || errno || !isfinite(r) || isspace((unsigned char)*value))
			return bad_form(s, d, value, "a number");
		if (r < s->min || r > s->max)
			return out_of_range(s, d, "%s %s is out of range (%g to %g)", s->name, value,
					   s->min, s->max);
		*num = r;
		break;
	case SET_MODE:
		l = 0;
		for (end = (char *)(uintptr_t)value; *end >= '0' && *end <= '7'; end++)
			l = l * 8 + (*end - '0');
		if (*end || end - value < 3 || end - value > 4)
			return bad_form(s, d, value, "an octal file mode");
		if ((double)l < s->min || (double)l > s->max)
			return out_of_range(s, d, "%s %s is out of range (%04o to %04o)", s->name, value,
					   (unsigned)s->min, (unsigned)s->max);
		*num = (double)l;
		break;
	case SET_BOOL:
		if (!parse_bool(value, &l))
			return bad_form(s, d, value, "yes or no");
		*num = (double)l;
		break;
	case SET_PATH:
		if (!value[0]) {
			value_error(d, "%s is empty", s->name);
			skpi_diag_hint(d, "%s", type_hint(s));
			return SKPI_ERR_CONFIG;
		}
		break;
	case SET_STRING:
	case SET_LIST:
		break;
	}
	if (s->check && s->type != SET_LIST)
		return s->check(value, d);
	return SKPI_OK;
}


static skpi_err check_pause_status(const char *item, skpi_diag *d)
{
	int st;

	for (st = 0; skpi_status_name(st); st++) {
		if (strcasecmp(item, skpi_status_name(st)) != 0)
			continue;
		if (st == SKPI_ST_RESOLVED || st == SKPI_ST_CLOSED) {
			value_error(d, "pause_statuses: '%s' cannot pause the clock: it stops it", item);
			skpi_diag_hint(d, "list the statuses in which a ticket waits on the customer, "
				       "usually pending");
			return SKPI_ERR_CONFIG;
		}
		return SKPI_OK;
	}
	value_error(d, "pause_statuses: '%s' is not a status", item);
	skpi_diag_hint(d, "the statuses are open, pending, resolved and closed (a mapping file's "
		       "[status] section says which exported values mean which)");
	return SKPI_ERR_CONFIG;
}

/* ---- SLA targets ---- */

#define TARGET_HINT "write a target as a number and a unit, e.g. 24 hours, 30 business " \
		    "minutes, 10 working days or 30 days"

skpi_err config_parse_target(const char *value, config_target *t, skpi_diag *d)
{
	static const struct { const char *word; char unit; } units[] = {
		{ "minute", 'm' }, { "minutes", 'm' }, { "min", 'm' }, { "mins", 'm' },
		{ "hour", 'h' }, { "hours", 'h' }, { "h", 'h' }, { "hr", 'h' }, { "hrs", 'h' },
		{ "day", 'd' }, { "days", 'd' }, { "d", 'd' },
	};
	/* at most ten years, whatever the unit */
	static const long max_amount[3] = { 10L * 366 * 24 * 60, 10L * 366 * 24, 10L * 366 };
	const char *p = value, *w;
	char word[2][16];
	int nwords = 0, business = 0;
	char unit = 0;
	long amount;
	size_t i, n;
	char *end;

	memset(t, 0, sizeof *t);
	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		goto bad;
	errno = 0;
	amount = strtol(p, &end, 10);
	if (errno)
		goto bad;
	p = end;
	while (*p) {   /* up to two words: [business|working] UNIT */
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		for (w = p; *p && !isspace((unsigned char)*p); p++)
			;
		n = (size_t)(p - w);
		if (nwords == 2 || n >= sizeof word[0])
			goto bad;
		memcpy(word[nwords], w, n);
		word[nwords][n] = '\0';
		nwords++;
	}
	if (nwords == 0)
		goto bad;
	if (nwords == 2) {
		if (strcasecmp(word[0], "calendar") == 0)
			business = 0;
		else if (strcasecmp(word[0], "business") == 0)
			business = 1;
		else if (strcasecmp(word[0], "working") == 0)
			business = 1;
		else
			goto bad;
	}
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcasecmp(word[nwords - 1], units[i].word) == 0)
			unit = units[i].unit;
	if (!unit)
		goto bad;
	if (amount <= 0) {
		value_error(d, "the target '%s' is zero", value);
		skpi_diag_value(d, NULL, value, strlen(value));
		skpi_diag_hint(d, "a target is at least 1 minute");
		return SKPI_ERR_CONFIG;
	}
	if (amount > max_amount[unit == 'm' ? 0 : unit == 'h' ? 1 : 2]) {
		value_error(d, "the target '%s' is longer than ten years", value);
		skpi_diag_value(d, NULL, value, strlen(value));
		return SKPI_ERR_CONFIG;
	}
	t->set = 1;
	t->business = business;
	t->amount = amount;
	t->unit = unit;
	if (unit == 'd' && business) {
		t->seconds = 0;   /* amount x a full working day, once the calendar is known */
		snprintf(t->text, sizeof t->text, "%ld working day%s", amount, amount == 1 ? "" : "s");
	} else {
		t->seconds = (int64_t)amount * (unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400);
		snprintf(t->text, sizeof t->text, "%ld %s%s%s", amount, business ? "business " : "",
			 unit == 'm' ? "minute" : unit == 'h' ? "hour" : "day", amount == 1 ? "" : "s");
	}
	return SKPI_OK;
bad:
	value_error(d, "'%s' is not a target", value);
	skpi_diag_value(d, NULL, value, strlen(value));
	skpi_diag_hint(d, TARGET_HINT);
	return SKPI_ERR_CONFIG;
}

/* ---- reading the file ---- */

/* trimmed copy of s into buf; 0 when it does not fit */
static int trim_copy(const char *s, char *buf, size_t n)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= n)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 1;
}

/* Note the section of a key; a section that comes back after another is an error. */
static skpi_err note_section(struct config_priv *p, const char *name, long line, skpi_diag *d)
{
	struct seen_section *s;
	size_t i;

	if (p->last_section != (size_t)-1 && strcmp(p->sections[p->last_section].name, name) == 0)
		return SKPI_OK;
	for (i = 0; i < p->nsections; i++) {
		if (strcmp(p->sections[i].name, name) == 0) {
			fail(p, line, d, NULL, NULL, "[%s] is given a second time (its first key is "
			     "on line %ld)", name, p->sections[i].line);
			skpi_diag_hint(d, "merge the two [%s] sections into one", name);
			return SKPI_ERR_CONFIG;
		}
	}
	s = realloc(p->sections, (p->nsections + 1) * sizeof *s);
	if (!s)
		return nomem(d);
	p->sections = s;
	s[p->nsections].name = dup_str(name);
	if (!s[p->nsections].name)
		return nomem(d);
	s[p->nsections].line = line;
	p->last_section = p->nsections++;
	return SKPI_OK;
}

static skpi_err calendar_key(struct config_priv *p, const char *key, const char *value,
			     long line, skpi_diag *d)
{
	skpi_config *cfg = &p->pub;
	skpi_err e;

	if (!cfg->cal && cal_new(&cfg->cal))
		return nomem(d);
	if (strcmp(key, "timezone") != 0)
		return place(p, line, d, cal_set(cfg->cal, key, value, d));
	if (cfg->timezone) {
		fail(p, line, d, key, value, "timezone is given twice (first on line %ld)",
		     cfg->timezone_line);
		skpi_diag_hint(d, "keep one of the two lines");
		return SKPI_ERR_CONFIG;
	}
	e = skpi_tz_load(value, NULL, &p->tz, d);
	if (e == SKPI_ERR_CONFIG) {
		char msg[sizeof d->msg];

		snprintf(msg, sizeof msg, "%s", d ? d->msg : "");
		fail(p, line, d, key, value, "timezone: %.700s", msg);
		skpi_diag_hint(d, "name an IANA time zone such as Europe/Berlin or Asia/Shanghai "
			       "(see /usr/share/zoneinfo)");
		return SKPI_ERR_CONFIG;
	}
	if (e)
		return place(p, line, d, e);
	cfg->timezone = dup_str(value);
	if (!cfg->timezone)
		return nomem(d);
	cfg->timezone_line = line;
	cal_set_zone(cfg->cal, p->tz);
	return SKPI_OK;
}

/* ---- rules ---- */

struct cond_ctx {
	char *buf;             /* ",a,b," being built */
	size_t len;
};

static skpi_err each_cond(void *ctx, const char *item)
{
	struct cond_ctx *c = ctx;
	size_t n = strlen(item), i;
	char *b = realloc(c->buf, c->len + n + 3);   /* [","] item "," NUL */

	if (!b)
		return SKPI_ERR_NOMEM;
	c->buf = b;
	if (c->len == 0)
		b[c->len++] = ',';
	for (i = 0; i < n; i++)
		b[c->len++] = (char)tolower((unsigned char)item[i]);
	b[c->len++] = ',';
	b[c->len] = '\0';
	return SKPI_OK;
}

static skpi_err rule_key(struct config_priv *p, const char *name, const char *key,
			 const char *value, long line, skpi_diag *d)
{
	skpi_config *cfg = &p->pub;
	config_sla_rule *r;
	config_target *t = NULL;
	char **cond = NULL;
	skpi_err e;

	if (cfg->nrules == 0 || strcmp(cfg->rules[cfg->nrules - 1].name, name) != 0) {
		if (cfg->nrules == p->rules_cap) {
			size_t cap = p->rules_cap ? p->rules_cap * 2 : 8;
			config_sla_rule *v = realloc(cfg->rules, cap * sizeof *v);

			if (!v)
				return nomem(d);
			cfg->rules = v;
			p->rules_cap = cap;
		}
		r = &cfg->rules[cfg->nrules];
		memset(r, 0, sizeof *r);
		r->name = dup_str(name);
		if (!r->name)
			return nomem(d);
		r->line = line;
		cfg->nrules++;
	}
	r = &cfg->rules[cfg->nrules - 1];
	if (strcmp(key, "priority") == 0)
		cond = &r->priority;
	else if (strcmp(key, "channel") == 0)
		cond = &r->channel;
	else if (strcmp(key, "category") == 0)
		cond = &r->category;
	else if (strcmp(key, "first_response") == 0)
		t = &r->first_response;
	else if (strcmp(key, "resolution") == 0)
		t = &r->resolution;
	if (cond) {
		struct cond_ctx c = { *cond, *cond ? strlen(*cond) : 0 };

		e = inifile_each_item(value, each_cond, &c);
		*cond = c.buf;
		if (e)
			return nomem(d);
		if (!c.buf) {
			fail(p, line, d, key, value, "[sla %s] %s: no value is given", name, key);
			skpi_diag_hint(d, "list the values that match, e.g. %s = urgent, high, or "
				       "leave the key out to match every ticket", key);
			return SKPI_ERR_CONFIG;
		}
		return SKPI_OK;
	}
	if (t) {
		config_target nt;

		if (t->set) {
			fail(p, line, d, key, value, "[sla %s] %s is given twice (first on line %ld)",
			     name, key, t->line);
			skpi_diag_hint(d, "a rule has one %s target; for another target, add another "
				       "[sla NAME] section", key);
			return SKPI_ERR_CONFIG;
		}
		e = config_parse_target(value, &nt, d);
		if (e) {
			char msg[sizeof d->msg];

			if (d) {
				snprintf(msg, sizeof msg, "%s", d->msg);
				snprintf(d->msg, sizeof d->msg, "[sla %.100s] %s: %.600s", name, key, msg);
				snprintf(d->column, sizeof d->column, "%s", key);
			}
			return place(p, line, d, e);
		}
		*t = nt;
		t->line = line;
		return SKPI_OK;
	}
	fail(p, line, d, key, value, "unknown key '%s' in [sla %s]", key, name);
	skpi_diag_hint(d, "an [sla NAME] rule knows priority, channel, category, first_response "
		       "and resolution; settings for every rule go in [sla]");
	return SKPI_ERR_CONFIG;
}

/* ---- settings ---- */

struct item_ctx {
	const struct setting *s;
	skpi_diag *d;
	char *buf;
	size_t len;
};

static skpi_err each_item(void *ctx, const char *item)
{
	struct item_ctx *c = ctx;
	size_t n = strlen(item);
	char *b;

	if (c->s->check) {
		skpi_err e = c->s->check(item, c->d);

		if (e)
			return e;
	}
	b = realloc(c->buf, c->len + n + 3);
	if (!b)
		return nomem(c->d);
	c->buf = b;
	if (c->len) {
		b[c->len++] = ',';
		b[c->len++] = ' ';
	}
	memcpy(b + c->len, item, n + 1);
	c->len += n;
	return SKPI_OK;
}

static skpi_err setting_key(struct config_priv *p, const char *section, const char *key,
			    const char *value, long line, skpi_diag *d)
{
	skpi_config *cfg = &p->pub;
	const struct setting *s = find_setting(section, key);
	config_entry *ent = NULL;
	size_t i;
	double num;
	skpi_err e;

	if (!s) {
		char hint[sizeof d->hint];

		known_keys(section, key, hint, sizeof hint);
		fail(p, line, d, key, value, "unknown key '%s' in [%s]", key, section);
		skpi_diag_hint(d, "%s", hint);
		return SKPI_ERR_CONFIG;
	}
	for (i = 0; i < cfg->nentries; i++)
		if (cfg->entries[i].set == s)
			ent = &cfg->entries[i];
	if (ent && s->type != SET_LIST) {
		fail(p, line, d, key, value, "%s is given twice in [%s] (first on line %ld)", key,
		     section, ent->line);
		skpi_diag_hint(d, "keep one of the two lines");
		return SKPI_ERR_CONFIG;
	}
	if (s->type == SET_LIST) {
		struct item_ctx c = { s, d, NULL, 0 };

		if (ent && ent->value[0]) {
			c.buf = ent->value;
			c.len = strlen(ent->value);
			ent->value = NULL;
		}
		e = inifile_each_item(value, each_item, &c);
		if (!e && !c.buf && !(c.buf = dup_str("")))
			e = SKPI_ERR_NOMEM;
		if (e) {
			free(c.buf);
			if (e == SKPI_ERR_NOMEM)
				return nomem(d);
			skpi_diag_value(d, key, value, strlen(value));
			return place(p, line, d, e);
		}
		if (ent) {
			free(ent->value);
			ent->value = c.buf;
			return SKPI_OK;
		}
		value = c.buf;
	} else {
		e = check_value(s, value, &num, d);
		if (e) {
			skpi_diag_value(d, key, value, strlen(value));
			return place(p, line, d, e);
		}
	}
	if (cfg->nentries == p->entries_cap) {
		size_t cap = p->entries_cap ? p->entries_cap * 2 : 16;
		config_entry *v = realloc(cfg->entries, cap * sizeof *v);

		if (!v) {
			if (s->type == SET_LIST)
				free((char *)(uintptr_t)value);
			return nomem(d);
		}
		cfg->entries = v;
		p->entries_cap = cap;
	}
	ent = &cfg->entries[cfg->nentries];
	ent->set = s;
	ent->line = line;
	ent->value = s->type == SET_LIST ? (char *)(uintptr_t)value : dup_str(value);
	if (!ent->value)
		return nomem(d);
	cfg->nentries++;
	return SKPI_OK;
}

static skpi_err on_key(void *ctx, const char *section, const char *key, const char *value,
		       long line, skpi_diag *d)
{
	struct config_priv *p = ctx;
	char sec[256];
	skpi_err e;

	if (!trim_copy(section, sec, sizeof sec)) {
		fail(p, line, d, NULL, NULL, "the section name is longer than %zu characters",
		     sizeof sec - 1);
		return SKPI_ERR_CONFIG;
	}
	if (!sec[0]) {
		fail(p, line, d, key, value, "'%s' is outside any section", key);
		skpi_diag_hint(d, "put it under [calendar], [sla], [sla NAME], [ranking] or [report]");
		return SKPI_ERR_CONFIG;
	}
	if ((e = note_section(p, sec, line, d)))
		return e;
	if (strcmp(sec, "calendar") == 0)
		return calendar_key(p, key, value, line, d);
	if (strcmp(sec, "sla") == 0 || strcmp(sec, "ranking") == 0 || strcmp(sec, "report") == 0)
		return setting_key(p, sec, key, value, line, d);
	if (strncmp(sec, "sla", 3) == 0 && (sec[3] == ' ' || sec[3] == '\t')) {
		const char *name = sec + 4;

		while (*name == ' ' || *name == '\t')
			name++;
		return rule_key(p, name, key, value, line, d);
	}
	fail(p, line, d, NULL, NULL, "unknown section [%s]", sec);
	skpi_diag_hint(d, "the sections are [calendar], [sla], [sla NAME] (one per rule), "
		       "[ranking] and [report]");
	return SKPI_ERR_CONFIG;
}

/* ---- checks of the whole file ---- */

static int catch_all(const config_sla_rule *r)
{
	return !r->priority && !r->channel && !r->category;
}

static skpi_err finish(struct config_priv *p, skpi_diag *d)
{
	skpi_config *cfg = &p->pub;
	const char *ps;
	size_t i, j, k, n;

	for (i = 0; i < cfg->nrules; i++) {
		config_sla_rule *r = &cfg->rules[i];
		config_target *t[2] = { &r->first_response, &r->resolution };
		const char *what[2] = { "first_response", "resolution" };
		size_t shadow[2] = { (size_t)-1, (size_t)-1 };

		if (!t[0]->set && !t[1]->set) {
			fail(p, r->line, d, NULL, NULL, "[sla %s] sets neither first_response nor "
			     "resolution", r->name);
			skpi_diag_hint(d, "give the rule a target, e.g. first_response = 24 hours");
			return SKPI_ERR_CONFIG;
		}
		for (k = 0; k < 2; k++) {
			if (!t[k]->set || !t[k]->business)
				continue;
			if (!cfg->cal) {
				fail(p, t[k]->line, d, what[k], t[k]->text, "[sla %s] %s '%s' is in "
				     "business time, but there is no [calendar]", r->name, what[k],
				     t[k]->text);
				skpi_diag_hint(d, "add a [calendar] section with the time zone, working "
					       "days and hours");
				return SKPI_ERR_CONFIG;
			}
			if (t[k]->unit == 'd')
				t[k]->seconds = t[k]->amount * cal_day_seconds(cfg->cal);
		}
		/* a rule every one of whose targets an earlier catch-all rule takes first */
		for (k = 0; k < 2; k++)
			for (j = 0; j < i && t[k]->set && shadow[k] == (size_t)-1; j++)
				if (catch_all(&cfg->rules[j]) &&
				    (k ? cfg->rules[j].resolution.set : cfg->rules[j].first_response.set))
					shadow[k] = j;
		if ((!t[0]->set || shadow[0] != (size_t)-1) && (!t[1]->set || shadow[1] != (size_t)-1)) {
			const config_sla_rule *c = &cfg->rules[shadow[0] != (size_t)-1 ? shadow[0]
									       : shadow[1]];

			fail(p, r->line, d, NULL, NULL, "[sla %s] can never apply: [sla %s] (line %ld) "
			     "matches every ticket and comes first", r->name, c->name, c->line);
			skpi_diag_hint(d, "the first matching rule wins: move [sla %s] after the "
				       "specific rules", c->name);
			return SKPI_ERR_CONFIG;
		}
	}
	/* ",a,b," from the pause_statuses list */
	ps = config_str(cfg, "sla", "pause_statuses");
	n = strlen(ps ? ps : "");
	p->pause = malloc(n + 3);
	if (!p->pause)
		return nomem(d);
	k = 0;
	if (ps && ps[0]) {
		p->pause[k++] = ',';
		for (i = 0; ps[i]; i++) {
			if (ps[i] == ' ' && i > 0 && ps[i - 1] == ',')
				continue;
			p->pause[k++] = (char)tolower((unsigned char)ps[i]);
		}
		p->pause[k++] = ',';
	}
	p->pause[k] = '\0';
	return SKPI_OK;
}

/* ---- lifecycle ---- */

static skpi_err config_new(const char *path, struct config_priv **out, skpi_diag *d)
{
	struct config_priv *p = calloc(1, sizeof *p);

	*out = NULL;
	if (!p)
		return nomem(d);
	p->last_section = (size_t)-1;
	if (path) {
		const char *slash = strrchr(path, '/');
		char *dir, *abs;

		p->pub.path = dup_str(path);
		dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : dup_str(".");
		if (!p->pub.path || !dir) {
			free(dir);
			config_free(&p->pub);
			return nomem(d);
		}
		abs = realpath(dir, NULL);
		if (abs) {
			free(dir);
			dir = abs;
		}
		p->dir = dir;
	}
	*out = p;
	return SKPI_OK;
}

skpi_err config_load(const char *path, skpi_config **out, skpi_diag *d)
{
	struct config_priv *p = NULL;
	struct stat st;
	skpi_err e;

	*out = NULL;
	skpi_diag_clear(d);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		skpi_diag_set(d, SKPI_ERR_NOINPUT, path, 0, "cannot read: it is a directory");
		skpi_diag_hint(d, "name the configuration file, e.g. --config /etc/supportkpi/centre.ini");
		return SKPI_ERR_NOINPUT;
	}
	e = config_new(path, &p, d);
	if (e)
		goto out;
	e = inifile_parse(path, on_key, p, d);
	if (e)
		goto out;
	e = finish(p, d);
out:
	if (e) {
		config_free(p ? &p->pub : NULL);
		return e;
	}
	*out = &p->pub;
	return SKPI_OK;
}

skpi_err config_empty(skpi_config **out, skpi_diag *d)
{
	struct config_priv *p = NULL;
	skpi_err e;

	*out = NULL;
	e = config_new(NULL, &p, d);
	if (!e)
		e = finish(p, d);
	if (e) {
		config_free(p ? &p->pub : NULL);
		return e;
	}
	*out = &p->pub;
	return SKPI_OK;
}

void config_free(skpi_config *cfg)
{
	struct config_priv *p;
	size_t i;

	if (!cfg)
		return;
	p = priv(cfg);
	for (i = 0; i < cfg->nrules; i++) {
		free(cfg->rules[i].name);
		free(cfg->rules[i].priority);
		free(cfg->rules[i].channel);
		free(cfg->rules[i].category);
	}
	free(cfg->rules);
	for (i = 0; i < cfg->nentries; i++)
		free(cfg->entries[i].value);
	free(cfg->entries);
	cal_free(cfg->cal);
	free(cfg->timezone);
	free(cfg->path);
	skpi_tz_free(p->tz);
	free(p->dir);
	free(p->pause);
	for (i = 0; i < p->nsections; i++)
		free(p->sections[i].name);
	free(p->sections);
	free(p);
}

/* ---- after loading ---- */

skpi_err config_check_timezone(skpi_config *cfg, const char *db_zone, skpi_diag *d)
{
	struct config_priv *p;
	skpi_tz *tz = NULL;
	skpi_err e;

	if (!cfg)
		return SKPI_OK;
	p = priv(cfg);
	if (cfg->timezone) {
		if (strcmp(cfg->timezone, db_zone) == 0)
			return SKPI_OK;
		fail(p, cfg->timezone_line, d, "timezone", cfg->timezone, "[calendar] timezone '%s' "
		     "is not the database's time zone '%s'", cfg->timezone, db_zone);
		skpi_diag_hint(d, "the database keeps its local times in %s: set timezone = %s, or "
			       "leave the key out", db_zone, db_zone);
		return SKPI_ERR_CONFIG;
	}
	if (!cfg->cal || (p->tz && strcmp(skpi_tz_name(p->tz), db_zone) == 0))
		return SKPI_OK;
	e = skpi_tz_load(db_zone, NULL, &tz, d);
	if (e)
		return e;
	cal_set_zone(cfg->cal, tz);
	skpi_tz_free(p->tz);
	p->tz = tz;
	return SKPI_OK;
}

const char *config_pause_statuses(const skpi_config *cfg)
{
	return cfg && priv(cfg)->pause ? priv(cfg)->pause : ",pending,";
}

/* The text of a setting: as written, else the default.  *s is NULL when the key is not in
 * the table. */
static const char *setting_text(const skpi_config *cfg, const char *section, const char *key,
				const struct setting **s)
{
	const config_entry *ent;

	*s = find_setting(section, key);
	if (!*s)
		return NULL;
	ent = find_entry(cfg, *s);
	return ent ? ent->value : (*s)->def;
}

static double setting_number(const skpi_config *cfg, const char *section, const char *key)
{
	const struct setting *s;
	const char *v = setting_text(cfg, section, key, &s);
	double num = 0;

	if (!s || !v || s->type == SET_STRING || s->type == SET_LIST || s->type == SET_PATH)
		return 0;
	if (check_value(s, v, &num, NULL))
		return 0;   /* a default out of its own range: the table's unit test catches it */
	return num;
}

long config_int(const skpi_config *cfg, const char *section, const char *key)
{
	return (long)setting_number(cfg, section, key);
}

double config_real(const skpi_config *cfg, const char *section, const char *key)
{
	return setting_number(cfg, section, key);
}

const char *config_str(const skpi_config *cfg, const char *section, const char *key)
{
	const struct setting *s;

	return setting_text(cfg, section, key, &s);
}

long config_line(const skpi_config *cfg, const char *section, const char *key)
{
	const struct setting *s;
	const config_entry *ent;

	if (!cfg)
		return 0;
	if (strcmp(section, "calendar") == 0 && strcmp(key, "timezone") == 0)
		return cfg->timezone_line;
	s = find_setting(section, key);
	ent = s ? find_entry(cfg, s) : NULL;
	return ent ? ent->line : 0;
}

long config_section_line(const skpi_config *cfg, const char *section)
{
	const struct config_priv *p;
	size_t i;

	if (!cfg)
		return 0;
	p = priv(cfg);
	for (i = 0; i < p->nsections; i++)
		if (strcmp(p->sections[i].name, section) == 0)
			return p->sections[i].line;
	return 0;
}

skpi_err config_fail(const skpi_config *cfg, const char *section, const char *key,
		     skpi_diag *d, const char *fmt, ...)
{
	char msg[sizeof d->msg];
	long line = config_line(cfg, section, key);
	va_list ap;

	if (!line)
		line = config_section_line(cfg, section);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	skpi_diag_set(d, SKPI_ERR_CONFIG, cfg ? cfg->path : NULL, line, "%s", msg);
	return SKPI_ERR_CONFIG;
}

char *config_path(const skpi_config *cfg, const char *section, const char *key)
{
	const char *v = config_str(cfg, section, key), *dir;
	size_t dl, vl;
	char *out;

	if (!v)
		return NULL;
	dir = cfg ? priv(cfg)->dir : NULL;
	if (v[0] == '/' || !dir)
		return dup_str(v);
	dl = strlen(dir);
	vl = strlen(v);
	out = malloc(dl + vl + 2);
	if (!out)
		return NULL;
	memcpy(out, dir, dl);
	out[dl] = '/';
	memcpy(out + dl + 1, v, vl + 1);
	return out;
}
