/* unit.h — the C unit-test harness: one runner per module, TAP-style lines.
 *
 *   TEST(parses_dates) { CHECK_INT(f(1), 2); CHECK_STR(s, "x"); }
 *   int main(void) { RUN(parses_dates); return unit_done(); }
 *
 * Each RUN prints "ok - NAME" or "not ok - NAME" after the failed checks' file:line;
 * tests/run.sh counts those lines across every runner and prints "N passed, N failed". */
#ifndef SKPI_UNIT_H
#define SKPI_UNIT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int unit_case_failed, unit_passed, unit_failed;

static void unit_fail(const char *file, int line, const char *what)
{
	printf("#   %s:%d: %s\n", file, line, what);
	unit_case_failed = 1;
}

#define TEST(name) static void name(void)
#define RUN(name) do { \
		unit_case_failed = 0; name(); \
		if (unit_case_failed) { unit_failed++; printf("not ok - %s\n", #name); } \
		else { unit_passed++; printf("ok - %s\n", #name); } \
		fflush(stdout); \
	} while (0)
#define CHECK(cond) do { if (!(cond)) unit_fail(__FILE__, __LINE__, #cond); } while (0)
#define CHECK_INT(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
		if (g_ != w_) { char m_[256]; snprintf(m_, sizeof m_, "%s == %lld, want %lld", #got, g_, w_); \
			unit_fail(__FILE__, __LINE__, m_); } } while (0)
#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); \
		if (!g_ || !w_ || strcmp(g_, w_) != 0) { char m_[512]; \
			snprintf(m_, sizeof m_, "%s == \"%s\", want \"%s\"", #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
			unit_fail(__FILE__, __LINE__, m_); } } while (0)
#define CHECK_NEAR(got, want, eps) do { double g_ = (got), w_ = (want); \
		if (!(fabs(g_ - w_) <= (eps))) { char m_[256]; \
			snprintf(m_, sizeof m_, "%s == %.9g, want %.9g", #got, g_, w_); \
			unit_fail(__FILE__, __LINE__, m_); } } while (0)

static int unit_done(void)
{
	printf("# %d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
