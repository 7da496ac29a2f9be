/* fuzz_time — libFuzzer harness for timestamp parsing (`make fuzz`).
 *
 * The input is a format and a value separated by the first NUL byte (no NUL: the value
 * alone, read in the standard forms).  A parsed time must be a real one (its civil date
 * round-trips through the day count, the time of day is in range, an offset within
 * ±14 h), and a standard-form value printed back as YYYY-MM-DD HH:MM:SS must parse to the
 * same wall time. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "supportkpi/rowmap.h"
#include "supportkpi/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	char fmt[256];
	const char *val = (const char *)data;
	size_t n = size;
	rowmap_time t, u;
	int64_t days, sec;
	int y, m, d;
	char buf[20];

	if (nul) {
		size_t fl = (size_t)(nul - (const char *)data);

		if (fl >= sizeof fmt)
			return 0;
		memcpy(fmt, data, fl);
		fmt[fl] = '\0';
		val = nul + 1;
		n = size - fl - 1;
	}
	if (rowmap_parse_time(nul ? fmt : NULL, val, n, &t) != 0)
		return 0;
	days = t.wall >= 0 ? t.wall / 86400 : -((-t.wall + 86399) / 86400);
	sec = t.wall - days * 86400;
	skpi_civil_from_days(days, &y, &m, &d);
	if (!skpi_valid_date(y, m, d) || skpi_days_from_civil(y, m, d) != days || sec < 0 || sec >= 86400)
		abort();
	if (t.has_offset && (t.offset < -14 * 3600 || t.offset > 14 * 3600))
		abort();
	if (!nul && y >= 1000 && y <= 9999) {
		skpi_wall_format(t.wall, buf);
		if (rowmap_parse_time(NULL, buf, strlen(buf), &u) != 0 || u.wall != t.wall || u.has_offset)
			abort();
	}
	return 0;
}
