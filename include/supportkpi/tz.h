/* tz — IANA time zones read from the system's TZif files, with no global state (the
 * library never touches TZ or tzset), and civil-date arithmetic.
 *
 * Times are int64 seconds.  An "instant" is Unix time (UTC).  A "wall" time is the local
 * wall-clock reading expressed as seconds since 1970-01-01 00:00 as if it were UTC, so that
 * civil arithmetic on it is plain integer arithmetic.
 *
 * A loaded zone is immutable: one skpi_tz may be shared by any number of threads.  Instants
 * and wall times beyond +/-2^50 s (about 35 million years) are clamped to that range. */
#ifndef SUPPORTKPI_TZ_H
#define SUPPORTKPI_TZ_H

#include <stdint.h>

#include "supportkpi/err.h"

typedef struct skpi_tz skpi_tz;

/* Load zone name ("Europe/Berlin", "Asia/Shanghai", "UTC") from dir (NULL: the system's
 * /usr/share/zoneinfo).  "UTC" and "Etc/UTC" need no file.  On error fills d (unknown zone:
 * SKPI_ERR_CONFIG naming the zone).  Caller frees with skpi_tz_free. */
skpi_err skpi_tz_load(const char *name, const char *dir, skpi_tz **out, skpi_diag *d);
void skpi_tz_free(skpi_tz *tz);
const char *skpi_tz_name(const skpi_tz *tz);

/* UTC offset in seconds (east positive) in force at instant t. */
long skpi_tz_offset(const skpi_tz *tz, int64_t t);

/* The offset in force at instant t, as skpi_tz_offset, and in *until the first instant
 * after t at which it may change (INT64_MAX: never again).  The offset is the same for
 * every instant in [t, *until), so a caller can walk a span piece by piece. */
long skpi_tz_offset_until(const skpi_tz *tz, int64_t t, int64_t *until);

/* Instant -> wall time. */
int64_t skpi_tz_to_wall(const skpi_tz *tz, int64_t t);

/* Wall time -> instant.  A wall time that occurs twice (clocks set back) gives the earlier
 * instant; one that does not occur (clocks set forward) is read with the offset in force
 * before the change, as mktime does, i.e. it lands after the gap; *gap (may be NULL) is
 * set to 1 then, else 0. */
int64_t skpi_tz_from_wall(const skpi_tz *tz, int64_t wall, int *gap);

/* Civil dates (proleptic Gregorian): days since 1970-01-01. */
int64_t skpi_days_from_civil(int y, int m, int d);
void skpi_civil_from_days(int64_t days, int *y, int *m, int *d);
/* 0 = Sunday ... 6 = Saturday */
int skpi_weekday(int64_t days);
/* 1 when y-m-d is a real date (month 1-12, day within the month) */
int skpi_valid_date(int y, int m, int d);

/* Format a wall time as "YYYY-MM-DD HH:MM:SS" into buf (at least 20 bytes). */
void skpi_wall_format(int64_t wall, char buf[20]);

#endif
