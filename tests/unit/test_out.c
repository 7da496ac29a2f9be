/* test_out — the table, CSV and JSON renderers, byte for byte. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "supportkpi/out.h"
#include "unit.h"

typedef skpi_err (*renderer)(FILE *, const skpi_result *);

/* Render rs with fn into a string (caller frees); *err gets fn's result. */
static char *render(renderer fn, const skpi_result *rs, skpi_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp) {
		*err = SKPI_ERR_IO;
		return NULL;
	}
	*err = fn(fp, rs);
	fclose(fp);
	return buf;
}

#define CHECK_RENDER(fn, rs, want) do { skpi_err e_; char *o_ = render((fn), (rs), &e_); \
		CHECK_INT(e_, SKPI_OK); CHECK_STR(o_, (want)); free(o_); } while (0)

static void text(skpi_result *rs, long r, int c, const char *s)
{
	CHECK_INT(skpi_result_set_text(rs, (size_t)r, (size_t)c, s), SKPI_OK);
}

static void integer(skpi_result *rs, long r, int c, int64_t v)
{
	CHECK_INT(skpi_result_set_int(rs, (size_t)r, (size_t)c, v), SKPI_OK);
}

static void real(skpi_result *rs, long r, int c, double v)
{
	CHECK_INT(skpi_result_set_real(rs, (size_t)r, (size_t)c, v), SKPI_OK);
}

/* agent (text), tickets (int), csat (real, 1 decimal), note (text). */
static skpi_result *agents(const char *title)
{
	skpi_result *rs = skpi_result_new(title);
	long r;

	skpi_result_add_col(rs, "agent", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "tickets", SKPI_INT, SKPI_UNIT_COUNT, 0);
	skpi_result_add_col(rs, "csat", SKPI_REAL, SKPI_UNIT_PCT, 1);
	skpi_result_add_col(rs, "note", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	r = skpi_result_add_row(rs);
	text(rs, r, 0, "Zo\xc3\xab");           /* Zoë: 3 columns */
	integer(rs, r, 1, 12);
	real(rs, r, 2, 87.5);
	r = skpi_result_add_row(rs);
	text(rs, r, 0, "\xe5\xbc\xa0\xe4\xbc\x9f"); /* 张伟: 4 columns */
	integer(rs, r, 1, 3);
	text(rs, r, 3, "ok");
	r = skpi_result_add_row(rs);
	text(rs, r, 0, "Bob");
	real(rs, r, 2, 100.0);
	return rs;
}

/* ---- table ---- */

/* out_table_record on a row of agents(): names padded to the longest ("tickets", 7) plus
 * two spaces; numbers right-aligned to the widest value of the row; the unit after a
 * non-NULL value ("%" for csat, none for the count); NULL as "-" without a unit. */
TEST(record_lists_one_line_per_column)
{
	skpi_result *rs = agents("KPIs");
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	fp = open_memstream(&buf, &len);
	CHECK_INT(out_table_record(fp, rs, 0), SKPI_OK);
	fclose(fp);
	/* row 0: values Zoë (3 columns), 12, 87.5, NULL: widest 4 */
	CHECK_STR(buf, "KPIs\n"
		       "agent    Zo\xc3\xab\n"
		       "tickets    12\n"
		       "csat     87.5 %\n"
		       "note     -\n");
	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	CHECK_INT(out_table_record(fp, rs, 1), SKPI_OK);
	fclose(fp);
	/* row 1: 张伟 (4 columns), 3, NULL, ok: widest 4; the NULL csat has no unit */
	CHECK_STR(buf, "KPIs\n"
		       "agent    \xe5\xbc\xa0\xe4\xbc\x9f\n"
		       "tickets     3\n"
		       "csat        -\n"
		       "note     ok\n");
	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	CHECK_INT(out_table_record(fp, rs, 3), SKPI_ERR_INTERNAL);
	fclose(fp);
	free(buf);
	skpi_result_free(rs);
}


TEST(table_aligns_utf8_and_shows_null_as_dash)
{
	skpi_result *rs = agents("Agents");

	/* widths: agent 5 (header), tickets 7 (header), csat 5 ("100.0"), note 4 (header) */
	CHECK_RENDER(out_table, rs,
		     "Agents\n"
		     "agent  tickets   csat  note\n"
		     "-----  -------  -----  ----\n"
		     "Zo\xc3\xab" "  " "  " "     12" "  " " 87.5" "  " "-\n"
		     "\xe5\xbc\xa0\xe4\xbc\x9f" " " "  " "      3" "  " "    -" "  " "ok\n"
		     "Bob" "  " "  " "      -" "  " "100.0" "  " "-\n");
	skpi_result_free(rs);
}

TEST(table_without_title_or_rows)
{
	skpi_result *rs = skpi_result_new(NULL);

	skpi_result_add_col(rs, "agent", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "n", SKPI_INT, SKPI_UNIT_COUNT, 0);
	CHECK_RENDER(out_table, rs,
		     "agent  n\n"
		     "-----  -\n");
	skpi_result_free(rs);
}

TEST(table_no_columns_prints_only_the_title)
{
	skpi_result *rs = skpi_result_new("Empty");

	CHECK_RENDER(out_table, rs, "Empty\n");
	skpi_result_free(rs);
	rs = skpi_result_new(NULL);
	CHECK_RENDER(out_table, rs, "");
	skpi_result_free(rs);
}

TEST(table_rounds_reals_to_the_column_decimals)
{
	skpi_result *rs = skpi_result_new(NULL);
	long r;

	skpi_result_add_col(rs, "x", SKPI_REAL, SKPI_UNIT_NONE, 2);
	skpi_result_add_col(rs, "whole", SKPI_REAL, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "neg", SKPI_REAL, SKPI_UNIT_NONE, -3);
	r = skpi_result_add_row(rs);
	real(rs, r, 0, 2.0 / 3);
	real(rs, r, 1, 1234.7);
	real(rs, r, 2, 0.4);
	r = skpi_result_add_row(rs);
	real(rs, r, 0, -0.001);   /* rounds to zero: no "-0.00" */
	real(rs, r, 1, -2.6);
	real(rs, r, 2, NAN);
	r = skpi_result_add_row(rs);
	real(rs, r, 0, INFINITY);
	real(rs, r, 1, -INFINITY);
	real(rs, r, 2, 7.0);
	CHECK_RENDER(out_table, rs,
		     "   x  whole  neg\n"
		     "----  -----  ---\n"
		     "0.67   1235    0\n"
		     "0.00     -3  nan\n"
		     " inf   -inf    7\n");
	skpi_result_free(rs);
}

TEST(table_int_extremes_and_no_trailing_blanks)
{
	skpi_result *rs = skpi_result_new(NULL);
	long r;

	skpi_result_add_col(rs, "n", SKPI_INT, SKPI_UNIT_COUNT, 0);
	skpi_result_add_col(rs, "name", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	r = skpi_result_add_row(rs);
	integer(rs, r, 0, INT64_MIN);
	text(rs, r, 1, "x");
	r = skpi_result_add_row(rs);
	integer(rs, r, 0, -5);
	text(rs, r, 1, "");          /* empty last cell: the line ends after the number */
	CHECK_RENDER(out_table, rs,
		     "                   n  name\n"
		     "--------------------  ----\n"
		     "-9223372036854775808  x\n"
		     "                  -5\n");
	skpi_result_free(rs);
}

TEST(table_replaces_control_characters_and_bad_bytes)
{
	skpi_result *rs = skpi_result_new("Q\x1b[2J");
	long r;

	skpi_result_add_col(rs, "who", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "n", SKPI_INT, SKPI_UNIT_NONE, 0);
	r = skpi_result_add_row(rs);
	text(rs, r, 0, "a\tb\r\n");
	integer(rs, r, 1, 1);
	r = skpi_result_add_row(rs);
	text(rs, r, 0, "x\xffy\xc2\x85" "\xe2\x80\xae"); /* bad byte, C1 NEL, RLO */
	integer(rs, r, 1, 2);
	r = skpi_result_add_row(rs);
	text(rs, r, 0, "Zoe\xcc\x88");   /* Zoë with a combining diaeresis: 3 columns */
	integer(rs, r, 1, 3);
	CHECK_RENDER(out_table, rs,
		     "Q?[2J\n"
		     "who    n\n"
		     "-----  -\n"
		     "a?b??  1\n"
		     "x?y??  2\n"
		     "Zoe\xcc\x88" "    3\n");
	skpi_result_free(rs);
}

TEST(text_width_counts_display_columns)
{
	CHECK_INT(out_text_width("Zo\xc3\xab"), 3);
	CHECK_INT(out_text_width("Zoe\xcc\x88"), 3);
	CHECK_INT(out_text_width("\xe5\xbc\xa0\xe4\xbc\x9f"), 4);        /* 张伟 */
	CHECK_INT(out_text_width("\xed\x95\x9c"), 2);                    /* 한 */
	CHECK_INT(out_text_width("\xef\xbc\xa1"), 2);                    /* fullwidth A */
	CHECK_INT(out_text_width("\xe2\x82\xac"), 1);                    /* € */
	CHECK_INT(out_text_width("a\xff"), 2);
	CHECK_INT(out_text_width("\xc0\xaf"), 2);                        /* overlong '/' */
	CHECK_INT(out_text_width("\xed\xa0\x80"), 3);                    /* a surrogate */
	CHECK_INT(out_text_width("\xe4\xbc"), 2);                        /* cut short */
	CHECK_INT(out_text_width(""), 0);
	CHECK_INT(out_text_width(NULL), 0);
}

/* ---- csv ---- */

TEST(csv_nulls_quoting_and_formula_prefix)
{
	skpi_result *rs = skpi_result_new("not in csv");
	const char *cells[] = {
		"=SUM(A1)", "+1", "-x", "@x", "\tTab", "\rx", "a=b", "-",
		"a,b", "say \"hi\"", "line\nbreak", " lead", "trail ", "", "tab\t",
		"Zo\xc3\xab",
	};
	size_t i;

	skpi_result_add_col(rs, "name", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "n", SKPI_INT, SKPI_UNIT_COUNT, 0);
	for (i = 0; i < sizeof cells / sizeof cells[0]; i++) {
		long r = skpi_result_add_row(rs);

		text(rs, r, 0, cells[i]);
		integer(rs, r, 1, (int64_t)i - 5);
	}
	skpi_result_add_row(rs); /* all NULL */
	CHECK_RENDER(out_csv, rs,
		     "name,n\n"
		     "'=SUM(A1),-5\n"
		     "'+1,-4\n"
		     "'-x,-3\n"
		     "'@x,-2\n"
		     "'\tTab,-1\n"
		     "\"'\rx\",0\n"
		     "a=b,1\n"
		     "'-,2\n"
		     "\"a,b\",3\n"
		     "\"say \"\"hi\"\"\",4\n"
		     "\"line\nbreak\",5\n"
		     "\" lead\",6\n"
		     "\"trail \",7\n"
		     "\"\",8\n"
		     "\"tab\t\",9\n"
		     "Zo\xc3\xab,10\n"
		     ",\n");
	skpi_result_free(rs);
}

TEST(csv_header_is_guarded_and_quoted_too)
{
	skpi_result *rs = skpi_result_new(NULL);

	skpi_result_add_col(rs, "-delta", SKPI_INT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "a,b", SKPI_INT, SKPI_UNIT_NONE, 0);
	CHECK_RENDER(out_csv, rs, "'-delta,\"a,b\"\n");
	skpi_result_free(rs);
}

TEST(csv_reals_round_trip_with_at_least_six_decimals)
{
	skpi_result *rs = skpi_result_new(NULL);
	const double xs[] = {
		2.0 / 3, 0.5, 0.1, 0.1 + 0.2, 1e20, 1e-7, -2.5, -0.0, 87.5, 123456.789, NAN, INFINITY,
	};
	size_t i;

	skpi_result_add_col(rs, "x", SKPI_REAL, SKPI_UNIT_NONE, 1);
	skpi_result_add_col(rs, "k", SKPI_INT, SKPI_UNIT_NONE, 0);
	for (i = 0; i < sizeof xs / sizeof xs[0]; i++) {
		long r = skpi_result_add_row(rs);

		real(rs, r, 0, xs[i]);
		integer(rs, r, 1, (int64_t)i);
	}
	CHECK_RENDER(out_csv, rs,
		     "x,k\n"
		     "0.6666666666666666,0\n"
		     "0.500000,1\n"
		     "0.100000,2\n"
		     "0.30000000000000004,3\n"
		     "100000000000000000000.000000,4\n"
		     "0.0000001,5\n"
		     "-2.500000,6\n"
		     "0.000000,7\n"
		     "87.500000,8\n"
		     "123456.789000,9\n"
		     ",10\n"
		     ",11\n");
	skpi_result_free(rs);
}

TEST(csv_tiny_real_still_round_trips)
{
	skpi_result *rs = skpi_result_new(NULL);
	skpi_err err;
	char *out, *end;
	const char *want;
	double back;

	skpi_result_add_col(rs, "x", SKPI_REAL, SKPI_UNIT_NONE, 1);
	real(rs, skpi_result_add_row(rs), 0, 1.2345678901234567e-30);
	out = render(out_csv, rs, &err);
	CHECK_INT(err, SKPI_OK);
	/* 1.2345...e-30: 29 zeros after the point, then the digits */
	want = "x\n0.00000000000000000000000000000123456789012345";
	CHECK(out && strncmp(out, want, strlen(want)) == 0);
	back = strtod(out + 2, &end);
	CHECK(back == 1.2345678901234567e-30);
	CHECK_STR(end, "\n");
	free(out);
	skpi_result_free(rs);
}

TEST(csv_single_column_null_is_not_a_blank_line)
{
	skpi_result *rs = skpi_result_new(NULL);

	skpi_result_add_col(rs, "note", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_row(rs);
	text(rs, skpi_result_add_row(rs), 0, "a");
	CHECK_RENDER(out_csv, rs, "note\n\"\"\na\n");
	skpi_result_free(rs);
}

TEST(csv_empty_result_is_the_header)
{
	skpi_result *rs = agents(NULL);
	skpi_result *empty = skpi_result_new(NULL);

	skpi_result_free(rs);
	rs = skpi_result_new(NULL);
	skpi_result_add_col(rs, "agent", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "csat", SKPI_REAL, SKPI_UNIT_PCT, 1);
	CHECK_RENDER(out_csv, rs, "agent,csat\n");
	CHECK_RENDER(out_csv, empty, "");
	skpi_result_free(rs);
	skpi_result_free(empty);
}

TEST(csv_of_the_agents)
{
	skpi_result *rs = agents("Agents");

	CHECK_RENDER(out_csv, rs,
		     "agent,tickets,csat,note\n"
		     "Zo\xc3\xab,12,87.500000,\n"
		     "\xe5\xbc\xa0\xe4\xbc\x9f,3,,ok\n"
		     "Bob,,100.000000,\n");
	skpi_result_free(rs);
}

/* ---- json ---- */

TEST(json_types_nulls_and_order)
{
	skpi_result *rs = agents("not in json");

	CHECK_RENDER(out_json, rs,
		     "[\n"
		     "  {\"agent\": \"Zo\xc3\xab\", \"tickets\": 12, \"csat\": 87.5, \"note\": null},\n"
		     "  {\"agent\": \"\xe5\xbc\xa0\xe4\xbc\x9f\", \"tickets\": 3, "
		     "\"csat\": null, \"note\": \"ok\"},\n"
		     "  {\"agent\": \"Bob\", \"tickets\": null, \"csat\": 100.0, \"note\": null}\n"
		     "]\n");
	skpi_result_free(rs);
}

TEST(json_escapes_and_numbers)
{
	skpi_result *rs = skpi_result_new(NULL);
	long r;

	/* keys in column order, not sorted */
	skpi_result_add_col(rs, "z", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "a", SKPI_REAL, SKPI_UNIT_NONE, 1);
	skpi_result_add_col(rs, "m", SKPI_INT, SKPI_UNIT_NONE, 0);
	r = skpi_result_add_row(rs);
	text(rs, r, 0, "say \"hi\"\\\n\x01/");
	real(rs, r, 1, 2.0 / 3);
	integer(rs, r, 2, INT64_MAX);
	r = skpi_result_add_row(rs);
	text(rs, r, 0, "=SUM(A1)");      /* no formula prefix in json */
	real(rs, r, 1, 3.0);
	integer(rs, r, 2, -5);
	r = skpi_result_add_row(rs);
	text(rs, r, 0, "a\xff" "b");      /* invalid UTF-8 -> U+FFFD */
	real(rs, r, 1, 0.1 + 0.2);
	integer(rs, r, 2, INT64_MIN);
	r = skpi_result_add_row(rs);
	text(rs, r, 0, "");
	real(rs, r, 1, NAN);
	r = skpi_result_add_row(rs);
	real(rs, r, 1, -INFINITY);
	r = skpi_result_add_row(rs);
	real(rs, r, 1, 1e20);
	r = skpi_result_add_row(rs);
	real(rs, r, 1, -0.0);
	r = skpi_result_add_row(rs);
	real(rs, r, 1, -0.1);
	CHECK_RENDER(out_json, rs,
		     "[\n"
		     "  {\"z\": \"say \\\"hi\\\"\\\\\\n\\u0001/\", "
		     "\"a\": 0.6666666666666666, \"m\": 9223372036854775807},\n"
		     "  {\"z\": \"=SUM(A1)\", \"a\": 3.0, \"m\": -5},\n"
		     "  {\"z\": \"a\xef\xbf\xbd" "b\", "
		     "\"a\": 0.30000000000000004, \"m\": -9223372036854775808},\n"
		     "  {\"z\": \"\", \"a\": null, \"m\": null},\n"
		     "  {\"z\": null, \"a\": null, \"m\": null},\n"
		     "  {\"z\": null, \"a\": 1e20, \"m\": null},\n"
		     "  {\"z\": null, \"a\": 0.0, \"m\": null},\n"
		     "  {\"z\": null, \"a\": -0.1, \"m\": null}\n"
		     "]\n");
	skpi_result_free(rs);
}

TEST(json_empty_result_is_an_empty_array)
{
	skpi_result *rs = skpi_result_new(NULL);

	CHECK_RENDER(out_json, rs, "[]\n");
	skpi_result_add_col(rs, "agent", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	CHECK_RENDER(out_json, rs, "[]\n");
	skpi_result_free(rs);
}

TEST(json_is_deterministic)
{
	skpi_result *rs = agents(NULL);
	skpi_err e1, e2;
	char *a = render(out_json, rs, &e1), *b = render(out_json, rs, &e2);

	CHECK_INT(e1, SKPI_OK);
	CHECK_INT(e2, SKPI_OK);
	CHECK(a && b);
	CHECK_STR(a, b);
	free(a);
	free(b);
	skpi_result_free(rs);
}

TEST(json_rejects_duplicate_column_names)
{
	skpi_result *rs = skpi_result_new(NULL);
	skpi_err err;
	char *out;

	skpi_result_add_col(rs, "n", SKPI_INT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "n", SKPI_INT, SKPI_UNIT_NONE, 0);
	out = render(out_json, rs, &err);
	CHECK_INT(err, SKPI_ERR_INTERNAL);
	CHECK_STR(out, "");
	free(out);
	skpi_result_free(rs);
}

/* ---- errors, formats ---- */

TEST(write_errors_are_io_errors)
{
	renderer fns[] = { out_table, out_csv, out_json };
	skpi_result *rs = agents("Agents");
	size_t i;

	for (i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		FILE *fp = fopen("/dev/full", "w");

		CHECK(fp != NULL);
		if (!fp)
			continue;
		CHECK_INT(fns[i](fp, rs), SKPI_ERR_IO);
		fclose(fp);
	}
	skpi_result_free(rs);
}

TEST(a_too_small_memory_stream_is_an_io_error)
{
	renderer fns[] = { out_table, out_csv, out_json };
	skpi_result *rs = agents("Agents");
	char buf[16];
	size_t i;

	for (i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		FILE *fp = fmemopen(buf, sizeof buf, "w");

		CHECK(fp != NULL);
		if (!fp)
			continue;
		setvbuf(fp, NULL, _IONBF, 0);
		CHECK_INT(fns[i](fp, rs), SKPI_ERR_IO);
		fclose(fp);
	}
	skpi_result_free(rs);
}

TEST(null_arguments_are_internal_errors)
{
	skpi_result *rs = skpi_result_new(NULL);

	CHECK_INT(out_table(NULL, rs), SKPI_ERR_INTERNAL);
	CHECK_INT(out_csv(stdout, NULL), SKPI_ERR_INTERNAL);
	CHECK_INT(out_json(NULL, NULL), SKPI_ERR_INTERNAL);
	CHECK_INT(out_write(stdout, rs, (out_format)42), SKPI_ERR_INTERNAL);
	skpi_result_free(rs);
}

TEST(out_write_dispatches_on_the_format)
{
	skpi_result *rs = skpi_result_new(NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	skpi_result_add_col(rs, "n", SKPI_INT, SKPI_UNIT_NONE, 0);
	integer(rs, skpi_result_add_row(rs), 0, 7);
	fp = open_memstream(&buf, &len);
	CHECK_INT(out_write(fp, rs, OUT_TABLE), SKPI_OK);
	CHECK_INT(out_write(fp, rs, OUT_CSV), SKPI_OK);
	CHECK_INT(out_write(fp, rs, OUT_JSON), SKPI_OK);
	fclose(fp);
	CHECK_STR(buf, "n\n-\n7\n" "n\n7\n" "[\n  {\"n\": 7}\n]\n");
	free(buf);
	skpi_result_free(rs);
}

TEST(format_names_parse)
{
	out_format f = OUT_JSON;

	CHECK_INT(out_format_parse("table", &f), SKPI_OK);
	CHECK_INT(f, OUT_TABLE);
	CHECK_INT(out_format_parse("csv", &f), SKPI_OK);
	CHECK_INT(f, OUT_CSV);
	CHECK_INT(out_format_parse("json", &f), SKPI_OK);
	CHECK_INT(f, OUT_JSON);
	CHECK_INT(out_format_parse("xml", &f), SKPI_ERR_USAGE);
	CHECK_INT(out_format_parse("CSV", &f), SKPI_ERR_USAGE);
	CHECK_INT(out_format_parse("", &f), SKPI_ERR_USAGE);
	CHECK_INT(out_format_parse("jsonx", &f), SKPI_ERR_USAGE);
	CHECK_INT(out_format_parse(NULL, &f), SKPI_ERR_USAGE);
	CHECK_INT(f, OUT_JSON); /* unchanged by the failures */
	CHECK_STR(out_format_name(OUT_TABLE), "table");
	CHECK_STR(out_format_name(OUT_CSV), "csv");
	CHECK_STR(out_format_name(OUT_JSON), "json");
	CHECK_STR(out_format_name((out_format)9), "?");
}

int main(void)
{
	RUN(table_aligns_utf8_and_shows_null_as_dash);
	RUN(record_lists_one_line_per_column);
	RUN(table_without_title_or_rows);
	RUN(table_no_columns_prints_only_the_title);
	RUN(table_rounds_reals_to_the_column_decimals);
	RUN(table_int_extremes_and_no_trailing_blanks);
	RUN(table_replaces_control_characters_and_bad_bytes);
	RUN(text_width_counts_display_columns);
	RUN(csv_nulls_quoting_and_formula_prefix);
	RUN(csv_header_is_guarded_and_quoted_too);
	RUN(csv_reals_round_trip_with_at_least_six_decimals);
	RUN(csv_tiny_real_still_round_trips);
	RUN(csv_single_column_null_is_not_a_blank_line);
	RUN(csv_empty_result_is_the_header);
	RUN(csv_of_the_agents);
	RUN(json_types_nulls_and_order);
	RUN(json_escapes_and_numbers);
	RUN(json_empty_result_is_an_empty_array);
	RUN(json_is_deterministic);
	RUN(json_rejects_duplicate_column_names);
	RUN(write_errors_are_io_errors);
	RUN(a_too_small_memory_stream_is_an_io_error);
	RUN(null_arguments_are_internal_errors);
	RUN(out_write_dispatches_on_the_format);
	RUN(format_names_parse);
	return unit_done();
}
