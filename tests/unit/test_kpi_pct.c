/* test_kpi_pct — percentile_inc (lib/kpi.c) on many values.  test_kpi checks the
 * definition on small hand-made lists; the function finds x(k+1) and x(k+2) by selection,
 * not by sorting, and selection has its own ways to go wrong (ties, sorted or reversed
 * input, all values equal, long lists that reach its sort fallback).  Here every answer is
 * compared with PERCENTILE.INC worked out in the test itself the way docs/metrics.md
 * states it: sort the values, h = (n - 1) p, k = floor(h), x(k+1) + (h - k)(x(k+2) - x(k+1)). */
#include <stdint.h>
#include <stdlib.h>

#include "supportkpi/kpi.h"
#include "supportkpi/store.h"
#include "unit.h"

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* the definition, on a sorted copy */
static double reference(const double *v, size_t n, double p)
{
	double *s = malloc(n * sizeof *s), h, k, r;
	size_t i;

	if (!s)
		return NAN;
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_dbl);
	h = (double)(n - 1) * p;
	k = floor(h);
	i = (size_t)k;
	r = (h == k || i + 1 >= n) ? s[i] : s[i] + (h - k) * (s[i + 1] - s[i]);
	free(s);
	return r;
}

/* table v holds the n values, inserted in the order given; 0 on failure */
static int load(sqlite3 *db, const double *v, size_t n)
{
	sqlite3_stmt *ins = NULL;
	int ok = 0;

	if (sqlite3_exec(db, "DELETE FROM v", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO v (x) VALUES (?1)", -1, &ins, NULL) != SQLITE_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_double(ins, 1, v[i]);
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto out;
		sqlite3_reset(ins);
	}
	ok = 1;
out:
	sqlite3_finalize(ins);
	return ok;
}

/* percentile_inc over table v */
static double by_sql(sqlite3 *db, double p, int *ok)
{
	sqlite3_stmt *q = NULL;
	double r = NAN;

	*ok = 0;
	if (sqlite3_prepare_v2(db, "SELECT percentile_inc(x, ?1) FROM v", -1, &q, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_double(q, 1, p);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) == SQLITE_FLOAT) {
		r = sqlite3_column_double(q, 0);
		*ok = 1;
	}
out:
	sqlite3_finalize(q);
	return r;
}

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    kpi_register(db, NULL, NULL) != SKPI_OK ||
	    sqlite3_exec(db, "CREATE TABLE v (x REAL); BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* a small deterministic generator (xorshift), so a failure can be replayed */
static uint64_t rnd_state = 88172645463325252u;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

enum shape { RANDOM, FEW_VALUES, SORTED, REVERSED, ALL_EQUAL, ORGAN_PIPE, SHAPES };

static void fill(double *v, size_t n, enum shape s)
{
	for (size_t i = 0; i < n; i++) {
		switch (s) {
		case RANDOM:
			v[i] = (double)(rnd() % 1000000) / 7.0;
			break;
		case FEW_VALUES:     /* durations in whole minutes: many ties */
			v[i] = (double)(rnd() % 5) * 60.0;
			break;
		case SORTED:
			v[i] = (double)i;
			break;
		case REVERSED:
			v[i] = (double)(n - i);
			break;
		case ALL_EQUAL:
			v[i] = 42.5;
			break;
		case ORGAN_PIPE:     /* up then down: a classic bad case for a median of three */
			v[i] = (double)(i < n / 2 ? i : n - i);
			break;
		case SHAPES:
			break;
		}
	}
}

TEST(selection_matches_a_sort)
{
	static const size_t sizes[] = { 1, 2, 3, 4, 5, 7, 10, 11, 64, 100, 257, 1000, 4099, 30000 };
	static const double ps[] = { 0.0, 0.1, 0.25, 0.5, 0.9, 0.99, 1.0 };
	sqlite3 *db = open_db();
	double *v = malloc(30000 * sizeof *v);
	int bad = 0;

	CHECK(db != NULL);
	CHECK(v != NULL);
	if (!db || !v)
		goto out;
	for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
		for (int shape = 0; shape < SHAPES; shape++) {
			size_t n = sizes[si];

			fill(v, n, (enum shape)shape);
			CHECK(load(db, v, n));
			for (size_t pi = 0; pi < sizeof ps / sizeof ps[0]; pi++) {
				double want, got;
				int ok;

				want = reference(v, n, ps[pi]);
				got = by_sql(db, ps[pi], &ok);
				/* the same two values and the same formula: equal to the last bit */
				if (!ok || got != want) {
					if (bad++ < 5)
						printf("#   n %zu shape %d p %g: got %.17g, want %.17g\n", n,
						       shape, ps[pi], got, want);
				}
			}
		}
	CHECK_INT(bad, 0);
out:
	free(v);
	sqlite3_close(db);
}

/* Each group keeps its own values: two groups of different sizes in one query. */
TEST(groups_do_not_mix)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st = NULL;

	CHECK(db != NULL);
	if (!db)
		return;
	/* group a: 1..9 (median 5, p90: h = 7.2, 8 + 0.2 = 8.2);
	 * group b: 100, 200 (median 150, p90: h = 0.9, 100 + 90 = 190) */
	CHECK_INT(sqlite3_exec(db, "CREATE TABLE g (k TEXT, x REAL);"
			       "INSERT INTO g VALUES ('a', 5), ('b', 200), ('a', 1), ('a', 9), "
			       "('a', 2), ('b', 100), ('a', 8), ('a', 3), ('a', 7), ('a', 4), ('a', 6)",
			       NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT k, percentile_inc(x, 0.5), percentile_inc(x, 0.9) "
				     "FROM g GROUP BY k ORDER BY k", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "a");
	CHECK_NEAR(sqlite3_column_double(st, 1), 5.0, 1e-12);
	CHECK_NEAR(sqlite3_column_double(st, 2), 8.2, 1e-12);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "b");
	CHECK_NEAR(sqlite3_column_double(st, 1), 150.0, 1e-12);
	CHECK_NEAR(sqlite3_column_double(st, 2), 190.0, 1e-12);
	CHECK_INT(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The p of every row must be the same, also after the first rows; text that reads as a
 * number is a number, other text is an error. */
TEST(p_and_x_are_checked_on_every_row)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st = NULL;

	CHECK(db != NULL);
	if (!db)
		return;
	/* the columns of VALUES are named column1, column2: p changes on the third row */
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT percentile_inc(column1, column2) FROM (VALUES "
				     "(1, 0.5), (2, 0.5), (3, 0.9))", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ERROR);
	sqlite3_finalize(st);
	/* '3' reads as 3: 1 2 3, median 2 */
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT percentile_inc(column1, 0.5) FROM (VALUES "
				     "(1), ('3'), (2))", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_NEAR(sqlite3_column_double(st, 0), 2.0, 1e-12);
	sqlite3_finalize(st);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT percentile_inc(column1, 0.5) FROM (VALUES "
				     "(1), ('three'))", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ERROR);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int main(void)
{
	RUN(selection_matches_a_sort);
	RUN(groups_do_not_mix);
	RUN(p_and_x_are_checked_on_every_row);
	return unit_done();
}
