/* test_err — the error table and the diagnostic helpers. */
#include "supportkpi/err.h"
#include "unit.h"

TEST(every_code_has_its_own_message)
{
	for (int i = 0; i < SKPI_ERR__COUNT; i++) {
		CHECK(skpi_strerror((skpi_err)i) != NULL);
		CHECK(strcmp(skpi_strerror((skpi_err)i), "unknown error") != 0);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(skpi_strerror((skpi_err)i), skpi_strerror((skpi_err)j)) != 0);
	}
	CHECK_STR(skpi_strerror(SKPI_ERR__COUNT), "unknown error");
}

TEST(exit_codes_follow_sysexits)
{
	CHECK_INT(skpi_exit_code(SKPI_OK), 0);
	CHECK_INT(skpi_exit_code(SKPI_ERR_USAGE), 64);
	CHECK_INT(skpi_exit_code(SKPI_ERR_CSV), 65);
	CHECK_INT(skpi_exit_code(SKPI_ERR_HEADER), 65);
	CHECK_INT(skpi_exit_code(SKPI_ERR_NOINPUT), 66);
	CHECK_INT(skpi_exit_code(SKPI_ERR_INTERNAL), 70);
	CHECK_INT(skpi_exit_code(SKPI_ERR_CREATE), 73);
	CHECK_INT(skpi_exit_code(SKPI_ERR_IO), 74);
	CHECK_INT(skpi_exit_code(SKPI_ERR_BUSY), 75);
	CHECK_INT(skpi_exit_code(SKPI_ERR_CONFIG), 78);
}

TEST(printable_cuts_on_a_character_boundary)
{
	char buf[8];
	const char *s = "ab\ncd\xc3\xa9\xc3\xa9xyz";

	skpi_printable(buf, sizeof buf, s, strlen(s));
	CHECK_STR(buf, "ab?c...");
	skpi_printable(buf, sizeof buf, "abc", 3);
	CHECK_STR(buf, "abc");
}

TEST(diag_print_names_file_and_line)
{
	skpi_diag d;
	char out[1024] = "";
	FILE *fp = fmemopen(out, sizeof out, "w");

	CHECK_INT(skpi_diag_set(&d, SKPI_ERR_VALUE, "t.csv", 12, "created_at '%s' is not a date", "31/02"),
		  SKPI_ERR_VALUE);
	skpi_diag_hint(&d, "give it as YYYY-MM-DD");
	skpi_diag_print(&d, "supportkpi ingest", fp);
	fclose(fp);
	CHECK_STR(out, "supportkpi ingest: 't.csv' line 12: created_at '31/02' is not a date\n"
		       "supportkpi ingest: hint: give it as YYYY-MM-DD\n");
}

TEST(diag_print_without_line_or_file)
{
	skpi_diag d;
	char out[512] = "";
	FILE *fp = fmemopen(out, sizeof out, "w");

	skpi_diag_set(&d, SKPI_ERR_NOINPUT, "t.csv", 0, "cannot read");
	skpi_diag_print(&d, "p", fp);
	skpi_diag_set(&d, SKPI_ERR_CSV, NULL, 3, "bad");
	skpi_diag_print(&d, "p", fp);
	skpi_diag_set(&d, SKPI_ERR_DB, NULL, 0, "locked");
	skpi_diag_print(&d, "p", fp);
	skpi_diag_clear(&d);
	d.code = SKPI_ERR_IO;
	skpi_diag_print(&d, "p", fp);
	fclose(fp);
	CHECK_STR(out, "p: 't.csv': cannot read\np: line 3: bad\np: locked\np: input/output error\n");
}

int main(void)
{
	RUN(every_code_has_its_own_message);
	RUN(exit_codes_follow_sysexits);
	RUN(printable_cuts_on_a_character_boundary);
	RUN(diag_print_names_file_and_line);
	RUN(diag_print_without_line_or_file);
	return unit_done();
}
