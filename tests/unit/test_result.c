/* test_result — the result set: columns, rows, typed setters, ownership. */
#include <math.h>
#include <stdint.h>

#include "supportkpi/result.h"
#include "unit.h"

TEST(new_copies_title_and_free_is_null_safe)
{
	char title[] = "monthly";
	skpi_result *rs = skpi_result_new(title);
	skpi_result *untitled = skpi_result_new(NULL);

	CHECK(rs != NULL);
	title[0] = 'M';
	CHECK_STR(rs->title, "monthly");
	CHECK_INT(rs->ncols, 0);
	CHECK_INT(rs->nrows, 0);
	CHECK(untitled != NULL && untitled->title == NULL);
	skpi_result_free(rs);
	skpi_result_free(untitled);
	skpi_result_free(NULL);
}

TEST(columns_are_numbered_and_found_by_name)
{
	skpi_result *rs = skpi_result_new("t");
	char name[] = "agent";

	CHECK_INT(skpi_result_add_col(rs, name, SKPI_TEXT, SKPI_UNIT_NONE, 0), 0);
	name[0] = 'X';
	CHECK_INT(skpi_result_add_col(rs, "tickets", SKPI_INT, SKPI_UNIT_COUNT, 0), 1);
	CHECK_INT(skpi_result_add_col(rs, "csat_pct", SKPI_REAL, SKPI_UNIT_PCT, 1), 2);
	CHECK_INT(rs->ncols, 3);
	CHECK_STR(rs->cols[0].name, "agent");
	CHECK_INT(rs->cols[2].type, SKPI_REAL);
	CHECK_INT(rs->cols[2].unit, SKPI_UNIT_PCT);
	CHECK_INT(rs->cols[2].decimals, 1);
	CHECK_INT(skpi_result_col(rs, "agent"), 0);
	CHECK_INT(skpi_result_col(rs, "csat_pct"), 2);
	CHECK_INT(skpi_result_col(rs, "Xgent"), -1);
	CHECK_INT(skpi_result_col(rs, "csat"), -1);
	CHECK_INT(skpi_result_col(rs, NULL), -1);
	CHECK_INT(skpi_result_add_col(rs, NULL, SKPI_INT, SKPI_UNIT_NONE, 0), -1);
	skpi_result_free(rs);
}

TEST(no_column_after_the_first_row)
{
	skpi_result *rs = skpi_result_new(NULL);

	CHECK_INT(skpi_result_add_col(rs, "a", SKPI_INT, SKPI_UNIT_NONE, 0), 0);
	CHECK_INT(skpi_result_add_row(rs), 0);
	CHECK_INT(skpi_result_add_col(rs, "b", SKPI_INT, SKPI_UNIT_NONE, 0), -1);
	CHECK_INT(rs->ncols, 1);
	skpi_result_free(rs);
}

TEST(new_rows_are_null)
{
	skpi_result *rs = skpi_result_new(NULL);
	const skpi_value *v;

	skpi_result_add_col(rs, "a", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "b", SKPI_REAL, SKPI_UNIT_NONE, 2);
	CHECK_INT(skpi_result_add_row(rs), 0);
	CHECK_INT(skpi_result_add_row(rs), 1);
	CHECK_INT(rs->nrows, 2);
	for (size_t r = 0; r < 2; r++)
		for (size_t c = 0; c < 2; c++) {
			v = skpi_result_get(rs, r, c);
			CHECK(v != NULL && v->is_null && v->s == NULL);
		}
	CHECK(skpi_result_get(rs, 2, 0) == NULL);
	CHECK(skpi_result_get(rs, 0, 2) == NULL);
	skpi_result_free(rs);
}

TEST(setters_store_typed_values_and_copy_text)
{
	skpi_result *rs = skpi_result_new(NULL);
	char name[] = "Zo\xc3\xab";
	const skpi_value *v;

	skpi_result_add_col(rs, "agent", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "n", SKPI_INT, SKPI_UNIT_COUNT, 0);
	skpi_result_add_col(rs, "pct", SKPI_REAL, SKPI_UNIT_PCT, 1);
	skpi_result_add_row(rs);
	CHECK_INT(skpi_result_set_text(rs, 0, 0, name), SKPI_OK);
	name[0] = 'X';
	CHECK_INT(skpi_result_set_int(rs, 0, 1, INT64_MIN), SKPI_OK);
	CHECK_INT(skpi_result_set_real(rs, 0, 2, 87.5), SKPI_OK);
	v = skpi_result_get(rs, 0, 0);
	CHECK(!v->is_null);
	CHECK_STR(v->s, "Zo\xc3\xab");
	v = skpi_result_get(rs, 0, 1);
	CHECK(!v->is_null && v->i == INT64_MIN);
	v = skpi_result_get(rs, 0, 2);
	CHECK(!v->is_null);
	CHECK_NEAR(v->r, 87.5, 0.0);

	/* replacing text frees the old copy (ASan would see a leak) */
	CHECK_INT(skpi_result_set_text(rs, 0, 0, "Bob"), SKPI_OK);
	CHECK_STR(skpi_result_get(rs, 0, 0)->s, "Bob");
	/* a cell set to its own text survives */
	CHECK_INT(skpi_result_set_text(rs, 0, 0, skpi_result_get(rs, 0, 0)->s), SKPI_OK);
	CHECK_STR(skpi_result_get(rs, 0, 0)->s, "Bob");
	/* NULL text means NULL */
	CHECK_INT(skpi_result_set_text(rs, 0, 0, NULL), SKPI_OK);
	v = skpi_result_get(rs, 0, 0);
	CHECK(v->is_null && v->s == NULL);
	CHECK_INT(skpi_result_set_text(rs, 0, 0, ""), SKPI_OK);
	v = skpi_result_get(rs, 0, 0);
	CHECK(!v->is_null);
	CHECK_STR(v->s, "");
	/* set_null works on every type */
	CHECK_INT(skpi_result_set_null(rs, 0, 0), SKPI_OK);
	CHECK_INT(skpi_result_set_null(rs, 0, 1), SKPI_OK);
	CHECK_INT(skpi_result_set_null(rs, 0, 2), SKPI_OK);
	CHECK(skpi_result_get(rs, 0, 0)->is_null);
	CHECK(skpi_result_get(rs, 0, 0)->s == NULL);
	CHECK(skpi_result_get(rs, 0, 1)->is_null);
	CHECK(skpi_result_get(rs, 0, 2)->is_null);
	skpi_result_free(rs);
}

TEST(mismatched_or_out_of_range_setters_are_internal_errors)
{
	skpi_result *rs = skpi_result_new(NULL);

	skpi_result_add_col(rs, "agent", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "n", SKPI_INT, SKPI_UNIT_COUNT, 0);
	skpi_result_add_col(rs, "pct", SKPI_REAL, SKPI_UNIT_PCT, 1);
	skpi_result_add_row(rs);
	CHECK_INT(skpi_result_set_int(rs, 0, 0, 1), SKPI_ERR_INTERNAL);
	CHECK_INT(skpi_result_set_real(rs, 0, 0, 1.0), SKPI_ERR_INTERNAL);
	CHECK_INT(skpi_result_set_text(rs, 0, 1, "1"), SKPI_ERR_INTERNAL);
	CHECK_INT(skpi_result_set_real(rs, 0, 1, 1.0), SKPI_ERR_INTERNAL);
	CHECK_INT(skpi_result_set_int(rs, 0, 2, 1), SKPI_ERR_INTERNAL);
	CHECK_INT(skpi_result_set_text(rs, 0, 2, NULL), SKPI_ERR_INTERNAL);
	CHECK_INT(skpi_result_set_int(rs, 1, 1, 1), SKPI_ERR_INTERNAL);
	CHECK_INT(skpi_result_set_int(rs, 0, 3, 1), SKPI_ERR_INTERNAL);
	CHECK_INT(skpi_result_set_null(rs, 1, 0), SKPI_ERR_INTERNAL);
	CHECK_INT(skpi_result_set_null(NULL, 0, 0), SKPI_ERR_INTERNAL);
	/* the failed calls changed nothing */
	CHECK(skpi_result_get(rs, 0, 0)->is_null);
	CHECK(skpi_result_get(rs, 0, 1)->is_null);
	CHECK(skpi_result_get(rs, 0, 2)->is_null);
	skpi_result_free(rs);
}

TEST(rows_grow_geometrically_and_keep_their_values)
{
	skpi_result *rs = skpi_result_new(NULL);
	size_t n = 10000, growths = 0, cap = 0;
	int ok = 1;

	skpi_result_add_col(rs, "i", SKPI_INT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "s", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	for (size_t r = 0; r < n; r++) {
		char buf[32];

		if (skpi_result_add_row(rs) != (long)r)
			ok = 0;
		if (rs->cap != cap) {
			growths++;
			cap = rs->cap;
		}
		snprintf(buf, sizeof buf, "row %zu", r);
		if (skpi_result_set_int(rs, r, 0, (int64_t)r * 3) != SKPI_OK ||
		    skpi_result_set_text(rs, r, 1, buf) != SKPI_OK)
			ok = 0;
	}
	CHECK(ok);
	CHECK_INT(rs->nrows, n);
	CHECK(rs->cap >= n);
	/* doubling from 8: 8, 16, ..., 16384 is 12 allocations; linear growth would be far more */
	CHECK(growths <= 14);
	CHECK(rs->cap < 2 * n + 8);
	for (size_t r = 0; r < n; r++) {
		char buf[32];

		snprintf(buf, sizeof buf, "row %zu", r);
		if (skpi_result_get(rs, r, 0)->i != (int64_t)r * 3 ||
		    strcmp(skpi_result_get(rs, r, 1)->s, buf) != 0)
			ok = 0;
	}
	CHECK(ok);
	skpi_result_free(rs);
}

TEST(rows_without_columns)
{
	skpi_result *rs = skpi_result_new(NULL);

	CHECK_INT(skpi_result_add_row(rs), 0);
	CHECK_INT(skpi_result_add_row(rs), 1);
	CHECK_INT(rs->nrows, 2);
	CHECK(skpi_result_get(rs, 0, 0) == NULL);
	CHECK_INT(skpi_result_add_row(NULL), -1);
	skpi_result_free(rs);
}

TEST(reals_keep_non_finite_values)
{
	skpi_result *rs = skpi_result_new(NULL);

	skpi_result_add_col(rs, "x", SKPI_REAL, SKPI_UNIT_NONE, 2);
	skpi_result_add_row(rs);
	CHECK_INT(skpi_result_set_real(rs, 0, 0, NAN), SKPI_OK);
	CHECK(isnan(skpi_result_get(rs, 0, 0)->r));
	CHECK(!skpi_result_get(rs, 0, 0)->is_null);
	skpi_result_free(rs);
}

int main(void)
{
	RUN(new_copies_title_and_free_is_null_safe);
	RUN(columns_are_numbered_and_found_by_name);
	RUN(no_column_after_the_first_row);
	RUN(new_rows_are_null);
	RUN(setters_store_typed_values_and_copy_text);
	RUN(mismatched_or_out_of_range_setters_are_internal_errors);
	RUN(rows_grow_geometrically_and_keep_their_values);
	RUN(rows_without_columns);
	RUN(reals_keep_non_finite_values);
	return unit_done();
}
