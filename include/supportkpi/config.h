/* config — the configuration file (INI, docs/config.md): the business calendar, the SLA
 * rules, and the settings of the ranking and the monthly report, validated as they are
 * read so that every error says 'FILE' line N.
 *
 * Sections:
 *   [calendar]      the business calendar: every key is handed to cal_set (calendar.h)
 *   [sla]           settings for every rule: pause_statuses
 *   [sla NAME]      one SLA rule (as many as needed; the first that matches a ticket wins):
 *                   priority, channel, category (lists), first_response, resolution
 *   [ranking]       settings of `supportkpi rank`
 *   [report]        settings of `supportkpi report`
 * Unknown sections and keys are errors.  A list may be split over several lines by
 * repeating its key; any other key given twice is an error.
 *
 * The keys of [sla], [ranking] and [report] are rows of one table in lib/config.c (name,
 * type, default, range, help): adding a setting is adding a row, and it is then parsed,
 * range-checked, reported with its line and readable with config_int/config_real/
 * config_str below.  Values of those keys are kept as written; the typed getters return
 * the table's default when the key is absent (also when cfg is NULL).
 *
 * Ownership: config_load returns a config the caller frees with config_free; everything
 * reachable from it (rules, calendar, strings) belongs to it. */
#ifndef SUPPORTKPI_CONFIG_H
#define SUPPORTKPI_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "supportkpi/calendar.h"
#include "supportkpi/err.h"

/* An SLA target: "24 hours", "30 business minutes", "10 working days". */
typedef struct config_target {
	int set;               /* 0: the rule has no such target */
	int business;          /* 1: counted in working time of the [calendar] */
	long amount;           /* as written */
	char unit;             /* 'm' minutes, 'h' hours, 'd' days */
	int64_t seconds;       /* the target in (calendar or business) seconds; working days
				  are amount x the length of a full working day */
	char text[48];         /* normalised, e.g. "30 business minutes" */
	long line;
} config_target;

typedef struct config_sla_rule {
	char *name;            /* NAME of [sla NAME] */
	long line;             /* line of its first key */
	/* conditions: ",v1,v2," in ASCII lower case, or NULL when the rule has none */
	char *priority;
	char *channel;
	char *category;
	config_target first_response;
	config_target resolution;
} config_sla_rule;

typedef struct config_entry config_entry;   /* a [sla]/[ranking]/[report] setting */

typedef struct skpi_config {
	char *path;            /* the file, as named (NULL for config_empty) */
	skpi_cal *cal;         /* the business calendar; NULL when there is no [calendar] */
	char *timezone;        /* [calendar] timezone, or NULL when not given */
	long timezone_line;
	config_sla_rule *rules;
	size_t nrules;
	config_entry *entries;
	size_t nentries;
} skpi_config;

/* Read and validate the file at path.  Errors: SKPI_ERR_NOINPUT (cannot read),
 * SKPI_ERR_CONFIG (with file and line), SKPI_ERR_NOMEM. */
skpi_err config_load(const char *path, skpi_config **out, skpi_diag *d);

/* A config with no file: no calendar, no rules, every setting at its default. */
skpi_err config_empty(skpi_config **out, skpi_diag *d);

void config_free(skpi_config *cfg);

/* Check the [calendar] time zone against the database's (db_zone): the local times in the
 * database were stored in that zone, so a different one is SKPI_ERR_CONFIG (with the
 * line and a hint).  A config without a time zone passes; when it has a calendar, the
 * calendar is given db_zone. */
skpi_err config_check_timezone(skpi_config *cfg, const char *db_zone, skpi_diag *d);

/* The pausing statuses of [sla] as ",pending," (",," joined), "" for none.  Borrowed. */
const char *config_pause_statuses(const skpi_config *cfg);

/* Typed settings of [sla], [ranking], [report] (the table in lib/config.c).  A key not in
 * the table is a programming error: 0, 0.0 or NULL. */
long config_int(const skpi_config *cfg, const char *section, const char *key);
double config_real(const skpi_config *cfg, const char *section, const char *key);
/* Strings, lists (items joined with ", ") and paths as written; the default when absent
 * (may be NULL).  Borrowed from cfg or the table. */
const char *config_str(const skpi_config *cfg, const char *section, const char *key);
/* The line that set the key; 0 when it has its default. */
long config_line(const skpi_config *cfg, const char *section, const char *key);
/* The line of the first key of a section; 0 when the file has none of it. */
long config_section_line(const skpi_config *cfg, const char *section);

/* For the modules that check settings together (weights that must sum to 1): an error
 * SKPI_ERR_CONFIG at the key's line (else the section's), in the config's file. */
skpi_err config_fail(const skpi_config *cfg, const char *section, const char *key,
		     skpi_diag *d, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A path setting made absolute against the config file's directory when relative.
 * NULL when unset without default.  Caller frees. */
char *config_path(const skpi_config *cfg, const char *section, const char *key);

/* The rows of the settings table, for documentation and tests: row i into *out (static
 * strings) and 1, or 0 past the last row.  type is "int", "real", "string", "list", "path",
 * "bool" or "mode"; def is NULL when there is none; min and max bound int, real and mode. */
typedef struct config_setting_info {
	const char *section, *key, *type, *def, *help;
	double min, max;
} config_setting_info;
int config_setting_at(size_t i, config_setting_info *out);

/* Parse an SLA target ("24 hours", "30 business minutes", "10 working days") into t
 * (seconds left 0 for working days until the calendar is known).  SKPI_ERR_CONFIG with
 * the reason in d->msg when it is not one. */
skpi_err config_parse_target(const char *value, config_target *t, skpi_diag *d);

#endif
