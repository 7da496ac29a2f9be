/* kpi — the KPI engine (see kpi.h): the SQL functions, the named queries of
 * schema/kpi_*.sql, and the merge of the metric families into one result set. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "supportkpi/kpi.h"
#include "supportkpi/store.h"

/* ---- dimensions ---- */

static const char *const dim_names[KPI_DIM__COUNT] = {
	"agent", "team", "channel", "category", "priority", "month", "week", "day",
};

const char *kpi_dim_name(kpi_dim dim)
{
	if ((int)dim < 0 || dim >= KPI_DIM__COUNT)
		return "?";
	return dim_names[dim];
}

#define DIMS_HINT "give all, or one or two of agent, team, channel, category, priority, " \
	"month, week, day separated by a comma (e.g. --by team,month)"

static skpi_err bad_dims(skpi_diag *d, const char *spec, const char *msg)
{
	skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "--by '%s': %s", spec, msg);
	skpi_diag_value(d, "--by", spec, strlen(spec));
	skpi_diag_hint(d, DIMS_HINT);
	return SKPI_ERR_USAGE;
}

skpi_err kpi_dims_parse(const char *spec, kpi_dim dims[2], int *ndims, skpi_diag *d)
{
	const char *p;
	int n = 0;

	if (!spec || !*spec)
		return bad_dims(d, "", "no dimension given");
	if (strcmp(spec, "all") == 0) {
		*ndims = 0;
		return SKPI_OK;
	}
	p = spec;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int found = -1;

		for (int i = 0; i < KPI_DIM__COUNT; i++)
			if (strlen(dim_names[i]) == len && strncmp(dim_names[i], p, len) == 0)
				found = i;
		if (found < 0) {
			if (len == 3 && strncmp(p, "all", 3) == 0)
				return bad_dims(d, spec, "'all' cannot be combined with a dimension");
			char msg[64];

			snprintf(msg, sizeof msg, "unknown dimension '%.*s'", (int)(len < 32 ? len : 32), p);
			return bad_dims(d, spec, len ? msg : "empty dimension");
		}
		if (n == 2)
			return bad_dims(d, spec, "at most two dimensions");
		if (n == 1 && dims[0] == (kpi_dim)found)
			return bad_dims(d, spec, "a dimension given twice");
		dims[n++] = (kpi_dim)found;
		if (!comma)
			break;
		p = comma + 1;
	}
	*ndims = n;
	return SKPI_OK;
}

/* ---- SQL functions ---- */

/* percentile_inc(x, p): the aggregate's state */
struct pct_state {
	double *x;
	size_t n, cap;
	double p;
	int have_p;
	int failed;
};

/* The slow path of pct_step for p: checks it and remembers it; 0 when it is bad (the
 * error is set). */
static int pct_take_p(sqlite3_context *ctx, struct pct_state *s, sqlite3_value *pv)
{
	int pt = sqlite3_value_numeric_type(pv);
	double p = sqlite3_value_double(pv);

	if ((pt != SQLITE_INTEGER && pt != SQLITE_FLOAT) || !(p >= 0.0 && p <= 1.0)) {
		s->failed = 1;
		sqlite3_result_error(ctx, "percentile_inc: p must be a number from 0 to 1", -1);
		return 0;
	}
	if (s->have_p && p != s->p) {
		s->failed = 1;
		sqlite3_result_error(ctx, "percentile_inc: p must be the same for every row", -1);
		return 0;
	}
	s->p = p;
	s->have_p = 1;
	return 1;
}

/* Called once per row of every group (six times per ticket in kpi_tickets.sql): the
 * common case, a number or NULL with the p of the previous row, takes no conversion. */
static void pct_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pct_state *s = sqlite3_aggregate_context(ctx, (int)sizeof *s);
	int xt, pt;
	double x;

	(void)argc;
	if (!s) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (s->failed)
		return;
	pt = sqlite3_value_type(argv[1]);
	if (!s->have_p || (pt != SQLITE_FLOAT && pt != SQLITE_INTEGER) ||
	    sqlite3_value_double(argv[1]) != s->p)
		if (!pct_take_p(ctx, s, argv[1]))
			return;
	xt = sqlite3_value_type(argv[0]);
	if (xt == SQLITE_NULL)
		return;
	if (xt != SQLITE_INTEGER && xt != SQLITE_FLOAT)
		xt = sqlite3_value_numeric_type(argv[0]);   /* text that reads as a number */
	x = sqlite3_value_double(argv[0]);
	if ((xt != SQLITE_INTEGER && xt != SQLITE_FLOAT) || isnan(x)) {
		s->failed = 1;
		sqlite3_result_error(ctx, "percentile_inc: x is not a number", -1);
		return;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		double *nx = sqlite3_realloc64(s->x, (sqlite3_uint64)cap * sizeof *nx);

		if (!nx) {
			s->failed = 1;
			sqlite3_result_error_nomem(ctx);
			return;
		}
		s->x = nx;
		s->cap = cap;
	}
	s->x[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void swap_double(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/* Reorders x[0..n) so that x[k] is the value a sort would put there, every value before
 * it is <= x[k] and every value after it >= x[k] (k < n; no NaN).  Quickselect: Hoare
 * partitions about the median of three, so ties and sorted input cost no more than
 * random input; when the rounds exceed twice the bits of n, the range left is sorted
 * (introselect), so the worst case stays n log n.  About 3n comparisons on average,
 * against n log n for a sort. */
static void select_kth(double *x, size_t n, size_t k)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, want = (ptrdiff_t)k;
	int rounds = 8;

	for (size_t m = n; m > 1; m >>= 1)
		rounds += 2;
	while (hi > lo) {
		ptrdiff_t i = lo, j = hi, mid = lo + (hi - lo) / 2;
		double pivot;

		if (rounds-- == 0) {
			qsort(x + lo, (size_t)(hi - lo + 1), sizeof *x, cmp_double);
			return;
		}
		/* median of three at mid; x[lo] <= pivot <= x[hi] stop the scans below */
		if (x[mid] < x[lo])
			swap_double(&x[mid], &x[lo]);
		if (x[hi] < x[lo])
			swap_double(&x[hi], &x[lo]);
		if (x[hi] < x[mid])
			swap_double(&x[hi], &x[mid]);
		pivot = x[mid];
		while (i <= j) {
			while (x[i] < pivot)
				i++;
			while (x[j] > pivot)
				j--;
			if (i <= j) {
				swap_double(&x[i], &x[j]);
				i++;
				j--;
			}
		}
		/* x[lo..j] <= pivot, x[i..hi] >= pivot, anything between equals pivot */
		if (want <= j)
			hi = j;
		else if (want >= i)
			lo = i;
		else
			return;
	}
}

/* Excel's PERCENTILE.INC of the n values x at p (0 <= p <= 1, n >= 1), as if sorted
 * x[0] <= ... <= x[n-1]: h = (n - 1) p, k = floor(h); x[k] + (h - k) (x[k+1] - x[k]).
 * x is reordered: x[k] by selection, x[k+1] is then the least value after it. */
static double percentile_select(double *x, size_t n, double p)
{
	double h = (double)(n - 1) * p, kf = floor(h), next;
	size_t k = (size_t)kf;

	if (k >= n)
		k = n - 1;
	select_kth(x, n, k);
	if (h == kf || k + 1 >= n)
		return x[k];
	next = x[k + 1];
	for (size_t i = k + 2; i < n; i++)
		if (x[i] < next)
			next = x[i];
	return x[k] + (h - kf) * (next - x[k]);
}

static void pct_final(sqlite3_context *ctx)
{
	struct pct_state *s = sqlite3_aggregate_context(ctx, 0);

	if (!s)
		sqlite3_result_null(ctx);   /* no row at all */
	else if (s->failed)
		;                           /* the error is already set */
	else if (s->n == 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_double(ctx, percentile_select(s->x, s->n, s->p));
	if (s)
		sqlite3_free(s->x);
}

static void business_seconds_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const skpi_cal *cal = sqlite3_user_data(ctx);
	sqlite3_int64 from, to;

	(void)argc;
	if (!cal || sqlite3_value_numeric_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_numeric_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	from = sqlite3_value_int64(argv[0]);
	to = sqlite3_value_int64(argv[1]);
	if (to < from) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int64(ctx, cal_business_seconds(cal, from, to));
}

skpi_err kpi_register(sqlite3 *db, const skpi_cal *cal, skpi_diag *d)
{
	int rc;

	rc = sqlite3_create_function_v2(db, "percentile_inc", 2,
					SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
					NULL, pct_step, pct_final, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "business_seconds", 2,
						SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
						(void *)cal, business_seconds_fn, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(db, rc, "registering the KPI functions", d);
	return SKPI_OK;
}

/* ---- the cache (kpi.h) ---- */

/* what a result depends on, besides the database's contents */
struct cache_key {
	sqlite3 *db;
	char from[sizeof ((skpi_period *)0)->from], to[sizeof ((skpi_period *)0)->to];
	int ndims;
	kpi_dim dims[2];
	int64_t as_of;
	const skpi_config *config;
};

struct cache_entry {
	struct cache_key k;
	skpi_result *rs;
};

struct kpi_cache {
	struct cache_entry *e;
	size_t n, cap;
	int sla_valid;              /* temp.sla_outcome of sla_key.db holds sla_key's outcomes */
	struct cache_key sla_key;
};

/* ---- named queries ---- */

/* The values bound to the named parameters of the KPI queries. */
struct kpi_params {
	const char *from, *to;     /* the period, local dates */
	const char *dim1, *dim2;   /* dimension names, or "all" */
	int64_t as_of;
	const char *pause_statuses;
	int calendar;              /* 1: the config has a [calendar] (business time) */
};

/* The text of query name in schema file: from after its "-- name: NAME" line to the next
 * "-- name:" marker or the end of the file. */
static skpi_err sql_find(const char *file, const char *name, const char **sql, int *len,
			 skpi_diag *d)
{
	static const char marker[] = "-- name: ";
	const char *text = store_sql(file), *p, *end;
	size_t nlen = strlen(name);

	if (!text)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "schema/%s is not built in", file);
	for (p = text; (p = strstr(p, marker)) != NULL; p += sizeof marker - 1) {
		const char *q = p + sizeof marker - 1;

		if ((p == text || p[-1] == '\n') && strncmp(q, name, nlen) == 0 &&
		    (q[nlen] == '\n' || q[nlen] == '\r' || q[nlen] == ' ')) {
			const char *nl = strchr(q, '\n');

			q = nl ? nl + 1 : q + strlen(q);
			end = strstr(q, "\n-- name: ");
			if (!end)
				end = q + strlen(q);
			*sql = q;
			*len = (int)(end - q);
			return SKPI_OK;
		}
	}
	return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "schema/%s has no query '%s'", file, name);
}

static skpi_err bind_params(sqlite3 *db, sqlite3_stmt *st, const struct kpi_params *p,
			    const char *what, skpi_diag *d)
{
	int n = sqlite3_bind_parameter_count(st);

	for (int i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(st, i), *text = NULL;
		int rc, as_of = 0, calendar = 0;

		if (!name)
			return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "%s: unnamed parameter", what);
		if (strcmp(name, ":as_of") == 0)
			as_of = 1;
		else if (strcmp(name, ":calendar") == 0)
			calendar = 1;
		else if (strcmp(name, ":from") == 0)
			text = p->from;
		else if (strcmp(name, ":to") == 0)
			text = p->to;
		else if (strcmp(name, ":dim1") == 0)
			text = p->dim1;
		else if (strcmp(name, ":dim2") == 0)
			text = p->dim2;
		else if (strcmp(name, ":pause_statuses") == 0)
			text = p->pause_statuses ? p->pause_statuses : "";
		else
			return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "%s: unknown parameter %s",
					     what, name);
		if (as_of)
			rc = sqlite3_bind_int64(st, i, p->as_of);
		else if (calendar)
			rc = sqlite3_bind_int(st, i, p->calendar);
		else
			rc = sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
		if (rc != SQLITE_OK)
			return store_fail(db, rc, what, d);
	}
	return SKPI_OK;
}

/* Called for each row a query returns. */
typedef skpi_err (*row_fn)(sqlite3_stmt *st, void *ctx, skpi_diag *d);

/* Run every statement of query name in schema file with p's parameters; fn (may be
 * NULL) sees each row. */
static skpi_err run_named(sqlite3 *db, const char *file, const char *name,
			  const struct kpi_params *p, row_fn fn, void *ctx, skpi_diag *d)
{
	const char *sql, *tail;
	int len, rc;
	sqlite3_stmt *st = NULL;
	skpi_err e;
	char what[160];

	snprintf(what, sizeof what, "schema/%s, query %s", file, name);
	e = sql_find(file, name, &sql, &len, d);
	while (e == SKPI_OK && len > 0) {
		rc = sqlite3_prepare_v2(db, sql, len, &st, &tail);
		if (rc != SQLITE_OK) {
			e = store_fail(db, rc, what, d);
			break;
		}
		len -= (int)(tail - sql);
		sql = tail;
		if (!st)
			break;      /* only comments or blanks were left */
		e = bind_params(db, st, p, what, d);
		while (e == SKPI_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
			if (fn)
				e = fn(st, ctx, d);
		if (e == SKPI_OK && rc != SQLITE_DONE)
			e = store_fail(db, rc, what, d);
		sqlite3_finalize(st);
		st = NULL;
	}
	return e;
}

/* ---- time zone, --as-of ---- */

skpi_err kpi_check_timezone(sqlite3 *db, const skpi_config *cfg, skpi_diag *d)
{
	char zone[128];
	skpi_err e;

	if (!cfg || !cfg->timezone)
		return SKPI_OK;
	e = store_timezone(db, zone, sizeof zone, d);
	if (e)
		return e;
	if (strcmp(zone, cfg->timezone) == 0)
		return SKPI_OK;
	skpi_diag_set(d, SKPI_ERR_CONFIG, cfg->path, cfg->timezone_line,
		      "[calendar] timezone '%s' is not the database's time zone '%s'",
		      cfg->timezone, zone);
	skpi_diag_value(d, "timezone", cfg->timezone, strlen(cfg->timezone));
	skpi_diag_hint(d, "the database keeps its local times in %s: set timezone = %s, or leave "
		       "the key out", zone, zone);
	return SKPI_ERR_CONFIG;
}

skpi_err kpi_default_as_of(sqlite3 *db, int64_t now, int64_t *as_of, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	skpi_err e = SKPI_OK;
	int rc;

	/* finished_at is UTC "YYYY-MM-DDTHH:MM:SSZ": text order is time order */
	rc = sqlite3_prepare_v2(db, "SELECT CAST(strftime('%s', max(finished_at)) AS INTEGER) "
				"FROM ingest_log", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		e = store_fail(db, rc, "reading the latest ingest", d);
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		e = store_fail(db, rc, "reading the latest ingest", d);
		goto out;
	}
	*as_of = sqlite3_column_type(st, 0) == SQLITE_NULL ? now : sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	return e;
}

/* ---- the result of kpi_run ---- */

struct metric {
	const char *name;
	skpi_type type;
	skpi_unit unit;
	int decimals;
};

static const struct metric metrics[] = {
	{ "tickets", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "resolved", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "resolution_pct", SKPI_REAL, SKPI_UNIT_PCT, 1 },
	{ "frt_median_min", SKPI_REAL, SKPI_UNIT_MINUTES, 1 },
	{ "frt_p90_min", SKPI_REAL, SKPI_UNIT_MINUTES, 1 },
	{ "frt_median_bh_min", SKPI_REAL, SKPI_UNIT_MINUTES, 1 },
	{ "res_median_h", SKPI_REAL, SKPI_UNIT_HOURS, 1 },
	{ "res_p90_h", SKPI_REAL, SKPI_UNIT_HOURS, 1 },
	{ "res_median_bh_h", SKPI_REAL, SKPI_UNIT_HOURS, 1 },
	{ "reopen_pct", SKPI_REAL, SKPI_UNIT_PCT, 1 },
	{ "fcr_pct", SKPI_REAL, SKPI_UNIT_PCT, 1 },
	{ "sla_frt_pct", SKPI_REAL, SKPI_UNIT_PCT, 1 },
	{ "sla_res_pct", SKPI_REAL, SKPI_UNIT_PCT, 1 },
	{ "surveys", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "csat_pct", SKPI_REAL, SKPI_UNIT_PCT, 1 },
	{ "mean_score", SKPI_REAL, SKPI_UNIT_SCORE, 2 },
	{ "nps", SKPI_REAL, SKPI_UNIT_SCORE, 1 },
	{ "service_index", SKPI_REAL, SKPI_UNIT_SCORE, 1 },
	{ "attitude_index", SKPI_REAL, SKPI_UNIT_SCORE, 1 },
	{ "skill_index", SKPI_REAL, SKPI_UNIT_SCORE, 1 },
	{ "timeliness_index", SKPI_REAL, SKPI_UNIT_SCORE, 1 },
	{ "follow_through_index", SKPI_REAL, SKPI_UNIT_SCORE, 1 },
};
#define NMETRICS (sizeof metrics / sizeof metrics[0])
#define M_TICKETS 0
#define M_RESOLVED 1
#define M_SURVEYS 13

/* One group of the output while the families are merged. */
struct group {
	char *g1, *g2;             /* dimension values; NULL: none */
	skpi_value v[NMETRICS];    /* .s unused */
};

struct groups {
	struct group *g;
	size_t n, cap;
};

/* Dimension values in output order: bytewise, NULL ("(none)") last. */
static int cmp_val(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

static int cmp_key(const char *a1, const char *a2, const char *b1, const char *b2)
{
	int c = cmp_val(a1, b1);

	return c ? c : cmp_val(a2, b2);
}

static void groups_release(struct groups *gs)
{
	for (size_t i = 0; i < gs->n; i++) {
		free(gs->g[i].g1);
		free(gs->g[i].g2);
	}
	free(gs->g);
	gs->g = NULL;
	gs->n = gs->cap = 0;
}

static char *dup_or_null(const char *s)
{
	char *c;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	c = malloc(n);
	if (c)
		memcpy(c, s, n);
	return c;
}

/* The group (g1, g2), added in sorted place when new; NULL when out of memory. */
static struct group *group_get(struct groups *gs, const char *g1, const char *g2)
{
	size_t lo = 0, hi = gs->n;
	struct group *g;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(gs->g[mid].g1, gs->g[mid].g2, g1, g2);

		if (c == 0)
			return &gs->g[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (gs->n == gs->cap) {
		size_t cap = gs->cap ? gs->cap * 2 : 16;
		struct group *ng = realloc(gs->g, cap * sizeof *ng);

		if (!ng)
			return NULL;
		gs->g = ng;
		gs->cap = cap;
	}
	memmove(&gs->g[lo + 1], &gs->g[lo], (gs->n - lo) * sizeof *gs->g);
	g = &gs->g[lo];
	memset(g, 0, sizeof *g);
	g->g1 = dup_or_null(g1);
	g->g2 = dup_or_null(g2);
	gs->n++;
	if ((g1 && !g->g1) || (g2 && !g->g2)) {
		free(g->g1);
		free(g->g2);
		gs->n--;
		memmove(&gs->g[lo], &gs->g[lo + 1], (gs->n - lo) * sizeof *gs->g);
		return NULL;
	}
	for (size_t i = 0; i < NMETRICS; i++)
		g->v[i].is_null = 1;
	/* a group with no tickets (or no surveys) has 0 of them, not an undefined count */
	g->v[M_TICKETS].is_null = g->v[M_RESOLVED].is_null = g->v[M_SURVEYS].is_null = 0;
	return g;
}

static int metric_index(const char *name)
{
	for (size_t i = 0; i < NMETRICS; i++)
		if (strcmp(metrics[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A row of a family query: g1, g2, then metric columns by name. */
static skpi_err merge_row(sqlite3_stmt *st, void *ctx, skpi_diag *d)
{
	struct groups *gs = ctx;
	struct group *g;
	int n = sqlite3_column_count(st);

	g = group_get(gs, (const char *)sqlite3_column_text(st, 0),
		      (const char *)sqlite3_column_text(st, 1));
	if (!g)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory merging the KPIs");
	for (int c = 2; c < n; c++) {
		int m = metric_index(sqlite3_column_name(st, c));
		skpi_value *v;

		if (m < 0)
			return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0,
					     "KPI query column '%s' is not a KPI",
					     sqlite3_column_name(st, c));
		v = &g->v[m];
		if (sqlite3_column_type(st, c) == SQLITE_NULL) {
			v->is_null = 1;
			continue;
		}
		v->is_null = 0;
		if (metrics[m].type == SKPI_INT)
			v->i = sqlite3_column_int64(st, c);
		else
			v->r = sqlite3_column_double(st, c);
	}
	return SKPI_OK;
}

static skpi_err result_nomem(skpi_diag *d)
{
	return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory building the KPI result");
}

static skpi_err build_result(const kpi_query *q, const struct groups *gs, skpi_result **out,
			     skpi_diag *d)
{
	skpi_result *rs;
	char title[160];
	size_t first;
	skpi_err e = SKPI_OK;

	if (q->ndims == 0)
		snprintf(title, sizeof title, "KPIs %s", q->period.label);
	else if (q->ndims == 1)
		snprintf(title, sizeof title, "KPIs %s by %s", q->period.label,
			 kpi_dim_name(q->dims[0]));
	else
		snprintf(title, sizeof title, "KPIs %s by %s and %s", q->period.label,
			 kpi_dim_name(q->dims[0]), kpi_dim_name(q->dims[1]));
	rs = skpi_result_new(title);
	if (!rs)
		return result_nomem(d);
	if (skpi_result_add_col(rs, "group", SKPI_TEXT, SKPI_UNIT_NONE, 0) < 0)
		goto nomem;
	if (q->ndims == 2 &&
	    (skpi_result_add_col(rs, kpi_dim_name(q->dims[0]), SKPI_TEXT, SKPI_UNIT_NONE, 0) < 0 ||
	     skpi_result_add_col(rs, kpi_dim_name(q->dims[1]), SKPI_TEXT, SKPI_UNIT_NONE, 0) < 0))
		goto nomem;
	first = rs->ncols;
	for (size_t m = 0; m < NMETRICS; m++)
		if (skpi_result_add_col(rs, metrics[m].name, metrics[m].type, metrics[m].unit,
					metrics[m].decimals) < 0)
			goto nomem;
	for (size_t i = 0; i < gs->n && e == SKPI_OK; i++) {
		const struct group *g = &gs->g[i];
		long r = skpi_result_add_row(rs);
		char label[1024];

		if (r < 0)
			goto nomem;
		if (q->ndims == 0)
			snprintf(label, sizeof label, "all");
		else if (q->ndims == 1)
			snprintf(label, sizeof label, "%s", g->g1 ? g->g1 : "(none)");
		else
			snprintf(label, sizeof label, "%s / %s", g->g1 ? g->g1 : "(none)",
				 g->g2 ? g->g2 : "(none)");
		e = skpi_result_set_text(rs, (size_t)r, 0, label);
		if (e == SKPI_OK && q->ndims == 2) {
			e = skpi_result_set_text(rs, (size_t)r, 1, g->g1);
			if (e == SKPI_OK)
				e = skpi_result_set_text(rs, (size_t)r, 2, g->g2);
		}
		for (size_t m = 0; m < NMETRICS && e == SKPI_OK; m++) {
			const skpi_value *v = &g->v[m];

			if (v->is_null)
				continue;
			if (metrics[m].type == SKPI_INT)
				e = skpi_result_set_int(rs, (size_t)r, first + m, v->i);
			else if (isfinite(v->r))
				e = skpi_result_set_real(rs, (size_t)r, first + m, v->r);
		}
	}
	if (e) {
		skpi_result_free(rs);
		if (e == SKPI_ERR_NOMEM)
			return result_nomem(d);
		return skpi_diag_set(d, e, NULL, 0, "building the KPI result");
	}
	*out = rs;
	return SKPI_OK;
nomem:
	skpi_result_free(rs);
	return result_nomem(d);
}

/* ---- SLA ---- */

static int has_rules(const kpi_query *q)
{
	return q->config && q->config->nrules > 0;
}

/* The target in seconds to store for rule r, or -1 when it has none.  A target in working
 * days is that many full working days of the calendar. */
static skpi_err target_seconds(const skpi_config *cfg, const config_sla_rule *r,
			       const config_target *t, const char *what, int64_t *s, skpi_diag *d)
{
	*s = -1;
	if (!t->set)
		return SKPI_OK;
	if (t->business && !cfg->cal) {
		skpi_diag_set(d, SKPI_ERR_CONFIG, cfg->path, t->line,
			      "[sla %s] %s '%s' is in business time, but there is no [calendar]",
			      r->name, what, t->text);
		skpi_diag_hint(d, "add a [calendar] section with the working days and hours");
		return SKPI_ERR_CONFIG;
	}
	*s = t->seconds;
	if (t->business && t->unit == 'd' && *s == 0)
		*s = t->amount * cal_day_seconds(cfg->cal);
	return SKPI_OK;
}

static skpi_err bind_text_or_null(sqlite3_stmt *st, const char *name, const char *v, int *rc)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i == 0)
		return SKPI_ERR_INTERNAL;
	*rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
	return *rc == SQLITE_OK ? SKPI_OK : SKPI_ERR_DB;
}

static skpi_err bind_int_or_null(sqlite3_stmt *st, const char *name, int64_t v, int null,
				 int *rc)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i == 0)
		return SKPI_ERR_INTERNAL;
	*rc = null ? sqlite3_bind_null(st, i) : sqlite3_bind_int64(st, i, v);
	return *rc == SQLITE_OK ? SKPI_OK : SKPI_ERR_DB;
}

/* Insert the config's rules into temp.sla_rule, seq = position in the file. */
static skpi_err sla_insert_rules(sqlite3 *db, const skpi_config *cfg, skpi_diag *d)
{
	static const char what[] = "schema/kpi_sla.sql, query sla_rule_insert";
	const char *sql;
	int len, rc = SQLITE_OK;
	sqlite3_stmt *st = NULL;
	skpi_err e;

	e = sql_find("kpi_sla.sql", "sla_rule_insert", &sql, &len, d);
	if (e)
		goto out;
	rc = sqlite3_prepare_v2(db, sql, len, &st, NULL);
	if (rc != SQLITE_OK || !st) {
		e = store_fail(db, rc, what, d);
		goto out;
	}
	for (size_t i = 0; i < cfg->nrules; i++) {
		const config_sla_rule *r = &cfg->rules[i];
		int64_t frt, res;

		e = target_seconds(cfg, r, &r->first_response, "first_response", &frt, d);
		if (!e)
			e = target_seconds(cfg, r, &r->resolution, "resolution", &res, d);
		if (e)
			goto out;
		if ((e = bind_int_or_null(st, ":seq", (int64_t)i + 1, 0, &rc)) ||
		    (e = bind_text_or_null(st, ":name", r->name, &rc)) ||
		    (e = bind_text_or_null(st, ":priority", r->priority, &rc)) ||
		    (e = bind_text_or_null(st, ":channel", r->channel, &rc)) ||
		    (e = bind_text_or_null(st, ":category", r->category, &rc)) ||
		    (e = bind_int_or_null(st, ":frt_s", frt, frt < 0, &rc)) ||
		    (e = bind_int_or_null(st, ":frt_business", r->first_response.business, 0, &rc)) ||
		    (e = bind_text_or_null(st, ":frt_text", r->first_response.set ?
					   r->first_response.text : NULL, &rc)) ||
		    (e = bind_int_or_null(st, ":res_s", res, res < 0, &rc)) ||
		    (e = bind_int_or_null(st, ":res_business", r->resolution.business, 0, &rc)) ||
		    (e = bind_text_or_null(st, ":res_text", r->resolution.set ?
					   r->resolution.text : NULL, &rc)))
			break;
		rc = sqlite3_step(st);
		if (rc != SQLITE_DONE) {
			e = SKPI_ERR_DB;
			break;
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	if (e == SKPI_ERR_INTERNAL)
		skpi_diag_set(d, e, NULL, 0, "%s: a parameter is missing", what);
	else if (e == SKPI_ERR_DB)
		e = store_fail(db, rc, what, d);
out:
	sqlite3_finalize(st);
	return e;
}

/* Fill temp.sla_rule, temp.sla_pause and temp.sla_outcome for q's period (the tables are
 * created, and emptied, also when there are no rules). */
static skpi_err sla_run(sqlite3 *db, const kpi_query *q, const struct kpi_params *p,
			skpi_diag *d)
{
	skpi_err e;

	if (q->cache)
		q->cache->sla_valid = 0; /* the temporary tables are about to change */
	e = run_named(db, "kpi_sla.sql", "sla_setup", p, NULL, NULL, d);
	if (e || !has_rules(q))
		return e;
	e = sla_insert_rules(db, q->config, d);
	if (!e)
		e = run_named(db, "kpi_sla.sql", "sla_matches", p, NULL, NULL, d);
	if (!e)
		e = run_named(db, "kpi_sla.sql", "sla_pauses", p, NULL, NULL, d);
	if (!e)
		e = run_named(db, "kpi_sla.sql", "sla_outcomes", p, NULL, NULL, d);
	return e;
}

/* ---- running a query set ---- */

static skpi_err check_query(const kpi_query *q, skpi_diag *d)
{
	if (!q || q->ndims < 0 || q->ndims > 2)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "kpi: bad query");
	for (int i = 0; i < q->ndims; i++)
		if ((int)q->dims[i] < 0 || q->dims[i] >= KPI_DIM__COUNT)
			return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "kpi: bad dimension");
	return SKPI_OK;
}

/* Checks, registers the functions and opens a read transaction when none is open
 * (*began says so), so that every family reads the same data. */
static skpi_err begin(sqlite3 *db, const kpi_query *q, struct kpi_params *p, int use_dims,
		      int *began, skpi_diag *d)
{
	skpi_err e = check_query(q, d);
	int rc;

	*began = 0;
	if (!e)
		e = kpi_check_timezone(db, q->config, d);
	if (!e)
		e = kpi_register(db, q->config ? q->config->cal : NULL, d);
	if (e)
		return e;
	memset(p, 0, sizeof *p);
	p->from = q->period.from;
	p->to = q->period.to;
	p->dim1 = use_dims && q->ndims > 0 ? kpi_dim_name(q->dims[0]) : "all";
	p->dim2 = use_dims && q->ndims > 1 ? kpi_dim_name(q->dims[1]) : "all";
	p->as_of = q->as_of;
	p->pause_statuses = q->config ? config_pause_statuses(q->config) : "";
	p->calendar = q->config && q->config->cal;
	if (sqlite3_get_autocommit(db)) {
		rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return store_fail(db, rc, "starting to read the KPIs", d);
		*began = 1;
	}
	return SKPI_OK;
}

static skpi_err end(sqlite3 *db, int began, skpi_err e, skpi_diag *d)
{
	int rc;

	if (!began)
		return e;
	if (e) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return e;
	}
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return store_fail(db, rc, "finishing reading the KPIs", d);
	}
	return SKPI_OK;
}

kpi_cache *kpi_cache_new(void)
{
	return calloc(1, sizeof(kpi_cache));
}

void kpi_cache_free(kpi_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		skpi_result_free(c->e[i].rs);
	free(c->e);
	free(c);
}

static void key_of(sqlite3 *db, const kpi_query *q, struct cache_key *k)
{
	memset(k, 0, sizeof *k);
	k->db = db;
	memcpy(k->from, q->period.from, sizeof k->from);
	memcpy(k->to, q->period.to, sizeof k->to);
	k->ndims = q->ndims;
	for (int i = 0; i < q->ndims && i < 2; i++)
		k->dims[i] = q->dims[i];
	k->as_of = q->as_of;
	k->config = q->config;
}

static int key_eq(const struct cache_key *a, const struct cache_key *b)
{
	return a->db == b->db && memcmp(a->from, b->from, sizeof a->from) == 0 &&
	       memcmp(a->to, b->to, sizeof a->to) == 0 && a->ndims == b->ndims &&
	       a->dims[0] == b->dims[0] && a->dims[1] == b->dims[1] && a->as_of == b->as_of &&
	       a->config == b->config;
}

static const skpi_result *cache_find(const kpi_cache *c, const struct cache_key *k)
{
	for (size_t i = 0; i < c->n; i++)
		if (key_eq(&c->e[i].k, k))
			return c->e[i].rs;
	return NULL;
}

/* keep a copy of rs; out of memory only means it is not kept */
static void cache_put(kpi_cache *c, const struct cache_key *k, const skpi_result *rs)
{
	skpi_result *copy;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct cache_entry *e = realloc(c->e, cap * sizeof *e);

		if (!e)
			return;
		c->e = e;
		c->cap = cap;
	}
	if (!(copy = skpi_result_copy(rs)))
		return;
	c->e[c->n].k = *k;
	c->e[c->n++].rs = copy;
}

skpi_err kpi_run(sqlite3 *db, const kpi_query *q, skpi_result **out, skpi_diag *d)
{
	struct groups gs = { NULL, 0, 0 };
	struct kpi_params p;
	struct cache_key k;
	int began = 0;
	skpi_err e;

	*out = NULL;
	if (q->cache) {
		const skpi_result *hit;

		key_of(db, q, &k);
		if ((hit = cache_find(q->cache, &k)) != NULL) {
			*out = skpi_result_copy(hit);
			return *out ? SKPI_OK : result_nomem(d);
		}
	}
	e = begin(db, q, &p, 1, &began, d);
	if (e)
		goto out;
	/* with no dimension, one row even for an empty period */
	if (q->ndims == 0 && !group_get(&gs, "all", "all")) {
		e = result_nomem(d);
		goto out;
	}
	e = run_named(db, "kpi_tickets.sql", "kpi_tickets", &p, merge_row, &gs, d);
	if (!e)
		e = run_named(db, "kpi_surveys.sql", "kpi_surveys", &p, merge_row, &gs, d);
	if (!e)
		e = sla_run(db, q, &p, d);
	if (!e && has_rules(q))
		e = run_named(db, "kpi_sla.sql", "kpi_sla", &p, merge_row, &gs, d);
	e = end(db, began, e, d);
	began = 0;
	if (!e)
		e = build_result(q, &gs, out, d);
	if (!e && q->cache) {
		cache_put(q->cache, &k, *out);
		q->cache->sla_valid = 1; /* sla_run above filled temp.sla_outcome for k */
		q->cache->sla_key = k;
	}
out:
	if (began)
		end(db, began, e, d);
	groups_release(&gs);
	return e;
}

skpi_err kpi_sla_outcomes(sqlite3 *db, const kpi_query *q, skpi_diag *d)
{
	struct kpi_params p;
	struct cache_key k;
	int began = 0;
	skpi_err e;

	if (!q->cache)
		return SKPI_OK;
	key_of(db, q, &k);
	if (q->cache->sla_valid && key_eq(&q->cache->sla_key, &k))
		return SKPI_OK;
	e = begin(db, q, &p, 1, &began, d);
	if (!e)
		e = sla_run(db, q, &p, d);
	e = end(db, began, e, d);
	if (!e) {
		q->cache->sla_valid = 1;
		q->cache->sla_key = k;
	}
	return e;
}

/* ---- kpi_sla_rules, kpi_quality: fixed columns ---- */

/* Append a query row to a result set whose columns match the query's, in order. */
static skpi_err append_row(sqlite3_stmt *st, void *ctx, skpi_diag *d)
{
	skpi_result *rs = ctx;
	long r = skpi_result_add_row(rs);
	skpi_err e = SKPI_OK;

	if (r < 0)
		return result_nomem(d);
	if ((size_t)sqlite3_column_count(st) != rs->ncols)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0,
				     "'%s': the query has %d columns, the result %zu",
				     rs->title ? rs->title : "?", sqlite3_column_count(st), rs->ncols);
	for (size_t c = 0; c < rs->ncols && e == SKPI_OK; c++) {
		if (sqlite3_column_type(st, (int)c) == SQLITE_NULL)
			continue;
		switch (rs->cols[c].type) {
		case SKPI_TEXT:
			e = skpi_result_set_text(rs, (size_t)r, c,
						 (const char *)sqlite3_column_text(st, (int)c));
			break;
		case SKPI_INT:
			e = skpi_result_set_int(rs, (size_t)r, c, sqlite3_column_int64(st, (int)c));
			break;
		case SKPI_REAL:
			e = skpi_result_set_real(rs, (size_t)r, c, sqlite3_column_double(st, (int)c));
			break;
		}
	}
	if (e == SKPI_ERR_NOMEM)
		return result_nomem(d);
	if (e)
		return skpi_diag_set(d, e, NULL, 0, "building the result '%s'",
				     rs->title ? rs->title : "?");
	return SKPI_OK;
}

static skpi_result *fixed_result(const char *title, const struct metric *cols, size_t n)
{
	skpi_result *rs = skpi_result_new(title);

	if (!rs)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (skpi_result_add_col(rs, cols[i].name, cols[i].type, cols[i].unit,
					cols[i].decimals) < 0) {
			skpi_result_free(rs);
			return NULL;
		}
	return rs;
}

static const struct metric sla_rule_cols[] = {
	{ "rule", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "target", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "goal", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "tickets", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "met", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "breached", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "open_within_target", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "not_counted", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "compliance_pct", SKPI_REAL, SKPI_UNIT_PCT, 1 },
};

/* What a report with fixed columns fills in, inside the read transaction. */
typedef skpi_err (*fixed_fill)(sqlite3 *db, const kpi_query *q, struct kpi_params *p,
			       skpi_result *rs, skpi_diag *d);

/* The shape kpi_sla_rules and kpi_quality share: one read transaction over the period (no
 * dimensions), a result set with the given columns titled "TITLE PERIOD", filled by fill;
 * *out on success (caller frees), nothing on error. */
static skpi_err run_fixed(sqlite3 *db, const kpi_query *q, const char *title,
			  const struct metric *cols, size_t ncols, fixed_fill fill,
			  skpi_result **out, skpi_diag *d)
{
	struct kpi_params p;
	skpi_result *rs = NULL;
	char full[96];
	int began = 0;
	skpi_err e;

	*out = NULL;
	e = begin(db, q, &p, 0, &began, d);
	if (e)
		goto out;
	snprintf(full, sizeof full, "%s %s", title, q->period.label);
	rs = fixed_result(full, cols, ncols);
	if (!rs) {
		e = result_nomem(d);
		goto out;
	}
	e = fill(db, q, &p, rs, d);
out:
	e = end(db, began, e, d);
	if (e)
		skpi_result_free(rs);
	else
		*out = rs;
	return e;
}

static skpi_err fill_sla_rules(sqlite3 *db, const kpi_query *q, struct kpi_params *p,
			       skpi_result *rs, skpi_diag *d)
{
	skpi_err e = sla_run(db, q, p, d);

	if (!e && has_rules(q))
		e = run_named(db, "kpi_sla.sql", "kpi_sla_rules", p, append_row, rs, d);
	return e;
}

skpi_err kpi_sla_rules(sqlite3 *db, const kpi_query *q, skpi_result **out, skpi_diag *d)
{
	return run_fixed(db, q, "SLA compliance", sla_rule_cols,
			 sizeof sla_rule_cols / sizeof sla_rule_cols[0], fill_sla_rules, out, d);
}

static const struct metric quality_cols[] = {
	{ "source", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "check", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "count", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "effect", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
};

static skpi_err fill_quality(sqlite3 *db, const kpi_query *q, struct kpi_params *p,
			    skpi_result *rs, skpi_diag *d)
{
	static const char *const queries[] = {
		"quality_tickets", "quality_surveys", "quality_sla", "quality_notes", "quality_ingest",
	};
	skpi_err e = SKPI_OK;

	for (size_t i = 0; i < sizeof queries / sizeof queries[0] && !e; i++) {
		if (strcmp(queries[i], "quality_sla") == 0) {
			if (!has_rules(q))
				continue;
			e = sla_run(db, q, p, d);
			if (e)
				break;
		}
		e = run_named(db, "kpi_quality.sql", queries[i], p, append_row, rs, d);
	}
	return e;
}

skpi_err kpi_quality(sqlite3 *db, const kpi_query *q, skpi_result **out, skpi_diag *d)
{
	return run_fixed(db, q, "Data quality", quality_cols,
			 sizeof quality_cols / sizeof quality_cols[0], fill_quality, out, d);
}
