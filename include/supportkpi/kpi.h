/* kpi — the KPI engine: runs the KPI definitions (schema/kpi_*.sql) for a period and up to
 * two dimensions into a result set, and registers the SQL functions they use.
 *
 * The definitions themselves are in docs/metrics.md and, word for word, at the head of
 * each schema/kpi_*.sql file.  This module only runs those queries, merges the families
 * (tickets, times, surveys, SLA) by group, and knows nothing of output formats.
 *
 * Result of kpi_run, columns in this order (NULL = undefined, never 0):
 *   group                  TEXT   the group: the dimension value, "(none)" for records
 *                                 without one, "A / B" for two dimensions, "all" for --by all
 *   <dim1>, <dim2>         TEXT   with two dimensions only: each value (NULL when none)
 *   tickets, resolved      INT
 *   resolution_pct         REAL   %
 *   frt_median_min, frt_p90_min, frt_median_bh_min          REAL minutes
 *   res_median_h, res_p90_h, res_median_bh_h                REAL hours
 *   reopen_pct, fcr_pct, sla_frt_pct, sla_res_pct           REAL %
 *   surveys                INT
 *   csat_pct               REAL   %
 *   mean_score             REAL   1-5
 *   nps                    REAL   -100..100
 *   service_index, attitude_index, skill_index, timeliness_index, follow_through_index
 *                          REAL   0-100
 * Rows are sorted by the dimension values (bytewise; "(none)" groups last).  With no
 * dimension there is always exactly one row, also for an empty period. */
#ifndef SUPPORTKPI_KPI_H
#define SUPPORTKPI_KPI_H

#include <sqlite3.h>
#include <stdint.h>

#include "supportkpi/calendar.h"
#include "supportkpi/config.h"
#include "supportkpi/err.h"
#include "supportkpi/period.h"
#include "supportkpi/result.h"

typedef enum kpi_dim {
	KPI_DIM_AGENT,
	KPI_DIM_TEAM,
	KPI_DIM_CHANNEL,
	KPI_DIM_CATEGORY,
	KPI_DIM_PRIORITY,
	KPI_DIM_MONTH,       /* YYYY-MM of created_at / submitted_at */
	KPI_DIM_WEEK,        /* ISO 8601 week, YYYY-Www */
	KPI_DIM_DAY,         /* YYYY-MM-DD */
	KPI_DIM__COUNT
} kpi_dim;

/* "agent", "team", ... ; "?" outside the enum.  Static. */
const char *kpi_dim_name(kpi_dim dim);

/* Parse --by: "all", one dimension, or two separated by a comma ("team,month").
 * *ndims is 0 for "all".  SKPI_ERR_USAGE for an unknown, repeated or third dimension. */
skpi_err kpi_dims_parse(const char *spec, kpi_dim dims[2], int *ndims, skpi_diag *d);

/* Results of kpi_run kept for reuse by one run of a program that asks for the same
 * figures more than once (the monthly report: its CSV extracts, the ranking, the charts
 * and the workbook each need the month, the 12-month trend, ...).  A result is reused for
 * the same connection, period, dimensions, as_of and config (the same object): the
 * database must not change while a cache is in use.  Not thread-safe. */
typedef struct kpi_cache kpi_cache;

/* NULL when out of memory. */
kpi_cache *kpi_cache_new(void);
void kpi_cache_free(kpi_cache *c);

typedef struct kpi_query {
	skpi_period period;
	int ndims;               /* 0: one row for the whole period */
	kpi_dim dims[2];
	int64_t as_of;           /* Unix seconds: when still-open tickets are judged (SLA) */
	const skpi_config *config; /* SLA rules and calendar; NULL: none (SLA and business-hour
				    * figures are then undefined) */
	kpi_cache *cache;        /* NULL: compute every time; else see kpi_cache (borrowed) */
} kpi_query;

/* Register on db the SQL functions the KPI queries use:
 *   percentile_inc(x, p)           aggregate: Excel's PERCENTILE.INC of the non-NULL x;
 *                                  NULL when there is none; p constant in [0, 1]
 *   business_seconds(from, to)     working seconds of cal between two Unix times; NULL when
 *                                  an argument is NULL, to < from, or cal is NULL
 * cal is borrowed: it must outlive every use of the functions on db (register again, or
 * with NULL, before freeing it).  kpi_run registers them itself with the config's
 * calendar. */
skpi_err kpi_register(sqlite3 *db, const skpi_cal *cal, skpi_diag *d);

/* The default --as-of: the end of the latest ingest (ingest_log.finished_at), so that a
 * rerun on unchanged data gives unchanged figures; now when nothing was ingested. */
skpi_err kpi_default_as_of(sqlite3 *db, int64_t now, int64_t *as_of, skpi_diag *d);

/* The config's [calendar] time zone must be the database's (its local times were stored
 * in that zone): SKPI_ERR_CONFIG with a hint otherwise.  cfg NULL or without a time zone
 * passes. */
skpi_err kpi_check_timezone(sqlite3 *db, const skpi_config *cfg, skpi_diag *d);

/* Compute the KPIs of q into a new result set (*out, caller frees with skpi_result_free).
 * Checks the time zone as kpi_check_timezone does.  Leaves the per-ticket SLA outcomes in
 * the connection's temp.sla_outcome (see schema/kpi_sla.sql; empty when the config has no
 * rules) -- except when the result is a copy from q->cache: then call kpi_sla_outcomes
 * before reading them.  The caller gives the config's calendar the database's zone first
 * (config_check_timezone with the zone of store_timezone, as `supportkpi kpi` does):
 * business time is counted in the calendar's zone.  All the families are read in one
 * transaction (opened here when the connection has none), so they see the same data. */
skpi_err kpi_run(sqlite3 *db, const kpi_query *q, skpi_result **out, skpi_diag *d);

/* Make temp.sla_outcome hold the per-ticket SLA outcomes of q, as kpi_run(db, q) leaves
 * them: nothing to do without q->cache (kpi_run computed them) or when they are there
 * already; else they are computed (the costly half of kpi_run with SLA rules). */
skpi_err kpi_sla_outcomes(sqlite3 *db, const kpi_query *q, skpi_diag *d);

/* SLA compliance per rule and target for q's period (dimensions ignored):
 *   rule TEXT, target TEXT (first_response | resolution), goal TEXT ("30 business
 *   minutes"), tickets, met, breached, open_within_target, not_counted INT,
 *   compliance_pct REAL.
 * One row per rule and target that has tickets; no rows without rules. */
skpi_err kpi_sla_rules(sqlite3 *db, const kpi_query *q, skpi_result **out, skpi_diag *d);

/* The data-quality report of q's period (dimensions ignored):
 *   source TEXT (tickets | surveys | sla | ingest), check TEXT, count INT, effect TEXT.
 * Every check is listed, with 0 when nothing is concerned; the sla rows only when the
 * config has SLA rules. */
skpi_err kpi_quality(sqlite3 *db, const kpi_query *q, skpi_result **out, skpi_diag *d);

#endif
