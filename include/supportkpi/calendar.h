/* calendar — the business calendar of `[calendar]` (docs/config.md): working days, working
 * hours (possibly split), public holidays and extra working days (a Saturday worked to make
 * up for a bridge day), in one IANA time zone, and the business seconds between two
 * instants.  Knows no SQL and no files: config hands it the keys one by one.
 *
 * Keys (cal_set):
 *   working_days        = mon, tue, wed, thu, fri         (default: mon-fri; "mon-fri" ranges)
 *   hours               = 08:30-12:00, 13:30-17:30        (default: 09:00-17:00; sorted,
 *                                                           non-overlapping; 24:00 allowed)
 *   holidays            = 2026-10-01, 2026-10-02          (may repeat the key to add more)
 *   extra_working_days  = 2026-09-27                      (worked although not a working day)
 * A day is worked when (its weekday is a working day and it is not a holiday) or it is an
 * extra working day; a worked day has the same hours as every other.
 *
 * Business time is counted on the local wall clock of the zone: the working seconds of a
 * worked day are the seconds of real (UTC) time that fall inside its hours, so a working
 * day that contains a DST change has one hour more or less when the change falls inside
 * the hours (and the same as any other day when it falls at night).
 *
 * Ownership: cal_new returns a calendar the caller frees with cal_free.  The zone given
 * to cal_set_zone is borrowed and must outlive the calendar's use.  A finished calendar
 * is immutable and may be shared. */
#ifndef SUPPORTKPI_CALENDAR_H
#define SUPPORTKPI_CALENDAR_H

#include <stdint.h>

#include "supportkpi/err.h"
#include "supportkpi/tz.h"

typedef struct skpi_cal skpi_cal;

/* A calendar with the defaults (mon-fri, 09:00-17:00, no holidays, zone UTC).
 * SKPI_ERR_NOMEM only. */
skpi_err cal_new(skpi_cal **out);
void cal_free(skpi_cal *cal);

/* Set one key of [calendar] (above).  An unknown key or a bad value is SKPI_ERR_CONFIG with
 * the reason in d->msg and the value in d->value (the caller adds file and line). */
skpi_err cal_set(skpi_cal *cal, const char *key, const char *value, skpi_diag *d);

/* The zone the calendar's local days and hours are in (borrowed).  Default: UTC. */
void cal_set_zone(skpi_cal *cal, const skpi_tz *tz);

/* 1 when the local day (days since 1970-01-01) is worked, else 0. */
int cal_is_workday(const skpi_cal *cal, int64_t day);

/* The working seconds of a full working day by the clock (sum of the hours), e.g. 28800
 * for 09:00-17:00.  Used to turn "N working days" into business seconds. */
int64_t cal_day_seconds(const skpi_cal *cal);

/* The working seconds between instants from and to (Unix seconds); 0 when to <= from.
 * Exact for spans of any length (a day at a time, not a second at a time). */
int64_t cal_business_seconds(const skpi_cal *cal, int64_t from, int64_t to);

#endif
