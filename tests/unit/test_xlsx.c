/* test_xlsx — the workbook's book layer: cell text cleaning, sheet names, errors, files
 * written whole and byte for byte the same.  The cells themselves are read back with
 * openpyxl by tests/e2e/xlsx.sh. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supportkpi/xlsx.h"
#include "unit.h"

static char dir[256];

/* path of name in the test's temporary directory (static buffer per call site) */
static const char *tpath(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
	return buf;
}

/* The whole file at path (caller frees), its length in *len; NULL when unreadable. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n)) != NULL && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		*len = (size_t)n;
	fclose(fp);
	return buf;
}

#define CHECK_CLEAN(in, want) do { char *c_ = xlsx_text_clean(in); CHECK_STR(c_, (want)); free(c_); } while (0)

TEST(clean_keeps_good_text)
{
	CHECK_CLEAN("", "");
	CHECK_CLEAN("Zoë Müller", "Zoë Müller");
	CHECK_CLEAN("张伟", "张伟");
	CHECK_CLEAN("tab\there\nnew line", "tab\there\nnew line");
	/* what looks like a formula is not the cleaner's business: it stays, as a string */
	CHECK_CLEAN("=HYPERLINK(\"http://x/\",\"y\")", "=HYPERLINK(\"http://x/\",\"y\")");
	CHECK(xlsx_text_clean(NULL) == NULL);
}

TEST(clean_replaces_what_xml_cannot_hold)
{
	/* U+FFFD is EF BF BD */
	CHECK_CLEAN("a\001b", "a\xEF\xBF\xBD" "b");          /* a control character */
	CHECK_CLEAN("a\rb\x7F", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD"); /* CR, DEL */
	CHECK_CLEAN("\xFF", "\xEF\xBF\xBD");                  /* not UTF-8 at all */
	CHECK_CLEAN("caf\xC3", "caf\xEF\xBF\xBD");            /* a sequence cut short */
	CHECK_CLEAN("\xC0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD");  /* overlong NUL: two bad bytes */
	/* a UTF-16 surrogate encoded in UTF-8 is not UTF-8: three bad bytes */
	CHECK_CLEAN("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK_CLEAN("x\xEF\xBF\xBEy", "x\xEF\xBF\xBDy");     /* U+FFFE, not a character */
	CHECK_CLEAN("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"); /* U+1F600 is fine */
}

TEST(clean_cuts_at_excels_limit)
{
	/* Excel holds 32,767 UTF-16 code units in a cell: that many stay, one more is cut to
	 * 32,764 and "..." (32,767 in all) */
	size_t n = 32768;
	char *s = malloc(4 * n + 1), *c;

	if (!s) {
		CHECK(!"out of memory");
		return;
	}
	memset(s, 'a', 32767);
	s[32767] = '\0';
	c = xlsx_text_clean(s);
	CHECK(c && strlen(c) == 32767 && strcmp(c, s) == 0);
	free(c);
	s[32767] = 'a';
	s[32768] = '\0';
	c = xlsx_text_clean(s);
	CHECK(c && strlen(c) == 32767 && strncmp(c, s, 32764) == 0 && strcmp(c + 32764, "...") == 0);
	free(c);
	/* 16,384 emoji are 32,768 units (two each): 16,382 (32,764 units) and "..." */
	for (size_t i = 0; i < 16384; i++)
		memcpy(s + 4 * i, "\xF0\x9F\x98\x80", 4);
	s[4 * 16384] = '\0';
	c = xlsx_text_clean(s);
	CHECK(c && strlen(c) == 4 * 16382 + 3 && strcmp(c + 4 * 16382, "...") == 0);
	free(c);
	free(s);
}

/* agent TEXT, tickets INT count, csat_pct REAL percent (one NULL, one NaN) */
static skpi_result *sample(void)
{
	skpi_result *rs = skpi_result_new("Agents");
	const char *names[] = { "=1+2", "+1", "@x", "-2", "Zoë \001" };

	if (!rs)
		return NULL;
	skpi_result_add_col(rs, "agent", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	skpi_result_add_col(rs, "tickets", SKPI_INT, SKPI_UNIT_COUNT, 0);
	skpi_result_add_col(rs, "csat_pct", SKPI_REAL, SKPI_UNIT_PCT, 1);
	for (size_t i = 0; i < 5; i++) {
		long r = skpi_result_add_row(rs);

		skpi_result_set_text(rs, (size_t)r, 0, names[i]);
		skpi_result_set_int(rs, (size_t)r, 1, (int64_t)(1000 * i));
		if (i == 3)
			skpi_result_set_real(rs, (size_t)r, 2, NAN);
		else if (i != 2)
			skpi_result_set_real(rs, (size_t)r, 2, 87.5 + (double)i / 3);
	}
	return rs;
}

/* Write rs as one sheet to path; the close's result. */
static skpi_err write_book(const char *path, const skpi_result *rs, const xlsx_props *props)
{
	xlsx_book *b = NULL;
	skpi_diag d;
	skpi_err e = xlsx_book_new(path, props, &b, &d);

	if (e)
		return e;
	e = xlsx_book_add_result(b, "Agents", NULL, rs, &d);
	if (e) {
		xlsx_book_discard(b);
		return e;
	}
	return xlsx_book_close(b, &d);
}

TEST(book_is_written_whole_and_the_same_twice)
{
	xlsx_props props = { "T", "S", "C", 1793491200 }; /* 2026-11-01 00:00 UTC */
	skpi_result *rs = sample();
	char p1[512], p2[512];
	unsigned char *a, *b;
	size_t na = 0, nb = 0;

	CHECK(rs != NULL);
	CHECK_INT(write_book(tpath(p1, sizeof p1, "a.xlsx"), rs, &props), SKPI_OK);
	sleep(1); /* a second later: the bytes must not depend on the clock */
	CHECK_INT(write_book(tpath(p2, sizeof p2, "b.xlsx"), rs, &props), SKPI_OK);
	a = slurp(p1, &na);
	b = slurp(p2, &nb);
	CHECK(a && b);
	CHECK(na > 4 && memcmp(a, "PK\003\004", 4) == 0); /* a ZIP container */
	CHECK(na == nb && a && b && memcmp(a, b, na) == 0);
	free(a);
	free(b);
	/* no properties: still a fixed date */
	CHECK_INT(write_book(p1, rs, NULL), SKPI_OK);
	CHECK_INT(write_book(p2, rs, NULL), SKPI_OK);
	a = slurp(p1, &na);
	b = slurp(p2, &nb);
	CHECK(a && b && na == nb && memcmp(a, b, na) == 0);
	free(a);
	free(b);
	unlink(p1);
	unlink(p2);
	skpi_result_free(rs);
}

TEST(sheet_names_excel_refuses)
{
	skpi_result *rs = sample();
	xlsx_book *b = NULL;
	char p[512];
	skpi_diag d;

	CHECK_INT(xlsx_book_new(tpath(p, sizeof p, "names.xlsx"), NULL, &b, &d), SKPI_OK);
	CHECK_INT(xlsx_book_add_result(b, "Bad[1]", NULL, rs, &d), SKPI_ERR_USAGE);
	CHECK(strstr(d.msg, "Bad[1]") != NULL);
	CHECK_INT(xlsx_book_add_result(b, "A name that is longer than 31 chars", NULL, rs, &d),
		  SKPI_ERR_USAGE);
	CHECK_INT(xlsx_book_add_result(b, "Agents", NULL, rs, &d), SKPI_OK);
	CHECK_INT(xlsx_book_add_result(b, "Agents", NULL, rs, &d), SKPI_ERR_USAGE);
	CHECK_INT(xlsx_book_add_result(b, NULL, NULL, rs, &d), SKPI_ERR_INTERNAL);
	CHECK_INT(xlsx_book_add_result(b, "Other", NULL, NULL, &d), SKPI_ERR_INTERNAL);
	xlsx_book_discard(b);
	CHECK(access(p, F_OK) != 0); /* discard leaves nothing behind */
	skpi_result_free(rs);
}

TEST(errors_are_reported_not_printed)
{
	skpi_result *rs = sample();
	xlsx_book *b = NULL;
	char p[512];
	skpi_diag d;

	/* a directory that does not exist: said at once, with the file (not at the close,
	 * where libxlsxwriter would print a message of its own) */
	skpi_diag_clear(&d);
	CHECK_INT(xlsx_book_new(tpath(p, sizeof p, "no/such/dir/x.xlsx"), NULL, &b, &d), SKPI_ERR_CREATE);
	CHECK(b == NULL);
	CHECK(strcmp(d.file, p) == 0);
	CHECK_INT(xlsx_book_close(NULL, &d), SKPI_ERR_INTERNAL);
	CHECK_INT(xlsx_book_new(NULL, NULL, &b, &d), SKPI_ERR_INTERNAL);
	xlsx_book_discard(NULL);
	CHECK_INT(xlsx_report_write(NULL, NULL, p, &d), SKPI_ERR_INTERNAL);
	skpi_result_free(rs);
}

TEST(an_empty_result_is_a_header_only)
{
	skpi_result *rs = skpi_result_new(NULL), *none = skpi_result_new(NULL);
	char p[512];

	skpi_result_add_col(rs, "agent", SKPI_TEXT, SKPI_UNIT_NONE, 0);
	CHECK_INT(write_book(tpath(p, sizeof p, "empty.xlsx"), rs, NULL), SKPI_OK);
	CHECK_INT(write_book(p, none, NULL), SKPI_OK); /* no columns: a heading only */
	CHECK(access(p, F_OK) == 0);
	unlink(p);
	skpi_result_free(rs);
	skpi_result_free(none);
}

int main(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/test_xlsx.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir)) {
		printf("not ok - cannot create a temporary directory\n");
		return 1;
	}
	RUN(clean_keeps_good_text);
	RUN(clean_replaces_what_xml_cannot_hold);
	RUN(clean_cuts_at_excels_limit);
	RUN(book_is_written_whole_and_the_same_twice);
	RUN(sheet_names_excel_refuses);
	RUN(errors_are_reported_not_printed);
	RUN(an_empty_result_is_a_header_only);
	rmdir(dir);
	return unit_done();
}
