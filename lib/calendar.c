/* calendar — the business calendar and business seconds (see calendar.h).
 *
 * How business seconds are counted: the span [from, to) of real time is cut into pieces
 * in which the zone's UTC offset is constant (skpi_tz_offset_until).  Inside one piece the
 * wall clock runs exactly with real time, so the piece's business seconds are those of
 * the wall-clock span [lo + off, hi + off): a first and a last partial day, and between
 * them whole days, counted by weeks (so many working weekdays per week) corrected by the
 * holidays and extra working days that fall inside.  Every instant has exactly one wall
 * time, so an hour repeated when the clocks go back is worked twice when the hours cover
 * it, and an hour skipped when they go forward is not worked at all.  The cost is a few
 * operations per offset change (two a year) plus the holidays in the span: spans of any
 * length are exact and fast (instants outside the years 0001-9999 count as their ends). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "supportkpi/calendar.h"
#include "supportkpi/inifile.h"

#define DAY 86400
#define CAL_MAX_SPANS 24               /* working-hour ranges in one day */
#define CAL_MAX_RANGE_DAYS 366         /* longest "FROM..TO" date range */
/* Instants are clamped to the years a timestamp can be written in, 0001 to 9999
 * (0001-01-01 and 10000-01-01 00:00 UTC): a garbage date a million years away must not
 * cost a million years of DST changes. */
#define CAL_MIN_T INT64_C(-62135596800)
#define CAL_MAX_T INT64_C(253402300800)

struct cal_span {
	int32_t start, end;            /* seconds after local midnight, start < end <= DAY */
};

struct day_list {                      /* sorted, no duplicates */
	int64_t *v;
	size_t n, cap;
};

struct skpi_cal {
	unsigned weekdays;             /* bit w set when weekday w (0 = Sunday) is worked */
	int weekdays_set;              /* working_days given: the default was replaced */
	int hours_set;
	struct cal_span spans[CAL_MAX_SPANS];
	size_t nspans;                 /* sorted by start, non-overlapping */
	int64_t day_seconds;
	struct day_list holidays, extra;
	const skpi_tz *tz;             /* borrowed; NULL: UTC */
};

static const char *const weekday_names[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t clamp(int64_t t)
{
	return t < CAL_MIN_T ? CAL_MIN_T : t > CAL_MAX_T ? CAL_MAX_T : t;
}

/* ---- day lists ---- */

/* index of the first element >= day */
static size_t list_lower(const struct day_list *l, int64_t day)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->v[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int list_has(const struct day_list *l, int64_t day)
{
	size_t i = list_lower(l, day);

	return i < l->n && l->v[i] == day;
}

static skpi_err list_add(struct day_list *l, int64_t day)
{
	size_t i = list_lower(l, day);

	if (i < l->n && l->v[i] == day)
		return SKPI_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		int64_t *v = realloc(l->v, cap * sizeof *v);

		if (!v)
			return SKPI_ERR_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	memmove(l->v + i + 1, l->v + i, (l->n - i) * sizeof *l->v);
	l->v[i] = day;
	l->n++;
	return SKPI_OK;
}

static void list_release(struct day_list *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* ---- lifecycle ---- */

skpi_err cal_new(skpi_cal **out)
{
	skpi_cal *cal = calloc(1, sizeof *cal);

	*out = NULL;
	if (!cal)
		return SKPI_ERR_NOMEM;
	cal->weekdays = 0x3e;          /* mon-fri */
	cal->spans[0].start = 9 * 3600;
	cal->spans[0].end = 17 * 3600;
	cal->nspans = 1;
	cal->day_seconds = 8 * 3600;
	*out = cal;
	return SKPI_OK;
}

void cal_free(skpi_cal *cal)
{
	if (!cal)
		return;
	list_release(&cal->holidays);
	list_release(&cal->extra);
	free(cal);
}

void cal_set_zone(skpi_cal *cal, const skpi_tz *tz)
{
	cal->tz = tz;
}

/* ---- parsing the keys ---- */

struct parse {
	skpi_cal *cal;
	const char *key;
	skpi_diag *d;
	unsigned weekdays;
	struct cal_span spans[CAL_MAX_SPANS];
	size_t nspans;
	struct day_list days;
};

static skpi_err bad_item(struct parse *p, const char *item, const char *why, const char *hint)
{
	skpi_diag_set(p->d, SKPI_ERR_CONFIG, NULL, 0, "%s: '%s' %s", p->key, item, why);
	skpi_diag_value(p->d, p->key, item, strlen(item));
	if (hint)
		skpi_diag_hint(p->d, "%s", hint);
	return SKPI_ERR_CONFIG;
}

static int weekday_of(const char *s, size_t n)
{
	int w;

	for (w = 0; w < 7; w++)
		if (n == 3 && strncasecmp(s, weekday_names[w], 3) == 0)
			return w;
	return -1;
}

#define WEEKDAY_HINT "name days as mon, tue, wed, thu, fri, sat, sun, or a range such as mon-fri"

static skpi_err each_weekday(void *ctx, const char *item)
{
	struct parse *p = ctx;
	const char *dash = strchr(item, '-');
	int a, b, w;

	if (!dash) {
		a = b = weekday_of(item, strlen(item));
	} else {
		size_t alen = (size_t)(dash - item);
		const char *s = dash + 1;

		while (alen > 0 && (item[alen - 1] == ' ' || item[alen - 1] == '\t'))
			alen--;
		while (*s == ' ' || *s == '\t')
			s++;
		a = weekday_of(item, alen);
		b = weekday_of(s, strlen(s));
	}
	if (a < 0 || b < 0)
		return bad_item(p, item, "is not a day of the week", WEEKDAY_HINT);
	/* a range runs forward through the week and may wrap: sun-thu, sat-wed */
	for (w = a;; w = (w + 1) % 7) {
		p->weekdays |= 1u << w;
		if (w == b)
			break;
	}
	return SKPI_OK;
}

/* "HH:MM" (H:MM allowed), 00:00 to 24:00, into seconds after midnight; -1 if not one */
static int32_t parse_clock(const char *s, size_t n)
{
	int h, m;

	if (n == 4 && s[0] >= '0' && s[0] <= '9' && s[1] == ':') {
		h = s[0] - '0';
		s += 2;
	} else if (n == 5 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
		   s[2] == ':') {
		h = (s[0] - '0') * 10 + (s[1] - '0');
		s += 3;
	} else {
		return -1;
	}
	if (s[0] < '0' || s[0] > '5' || s[1] < '0' || s[1] > '9')
		return -1;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	if (h > 24 || (h == 24 && m != 0))
		return -1;
	return (int32_t)(h * 3600 + m * 60);
}

#define HOURS_HINT "write working hours as HH:MM-HH:MM, e.g. 08:30-12:00, 13:30-17:30 " \
		   "(24:00 ends a day)"

static skpi_err each_span(void *ctx, const char *item)
{
	struct parse *p = ctx;
	const char *dash = strchr(item, '-');
	struct cal_span s;
	size_t alen, blen;

	if (!dash)
		return bad_item(p, item, "is not a range of hours", HOURS_HINT);
	alen = (size_t)(dash - item);
	while (alen > 0 && (item[alen - 1] == ' ' || item[alen - 1] == '\t'))
		alen--;
	dash++;
	while (*dash == ' ' || *dash == '\t')
		dash++;
	blen = strlen(dash);
	s.start = parse_clock(item, alen);
	s.end = parse_clock(dash, blen);
	if (s.start < 0 || s.end < 0 || s.start == DAY)
		return bad_item(p, item, "is not a range of hours", HOURS_HINT);
	if (s.end <= s.start)
		return bad_item(p, item, "does not end after it starts",
				"a range cannot cross midnight: split it, e.g. 22:00-24:00 on "
				"one day and 00:00-06:00 on the next");
	if (p->nspans == CAL_MAX_SPANS)
		return bad_item(p, item, "is one range too many",
				"a day can have at most 24 ranges of working hours");
	p->spans[p->nspans++] = s;
	return SKPI_OK;
}

/* "YYYY-MM-DD" into days since 1970-01-01; 0 when it is not a real date */
static int parse_date(const char *s, size_t n, int64_t *day)
{
	int y = 0, m = 0, d = 0;
	size_t i;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	for (i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (!skpi_valid_date(y, m, d))
		return 0;
	*day = skpi_days_from_civil(y, m, d);
	return 1;
}

#define DATE_HINT "write dates as YYYY-MM-DD, and a run of days as FROM..TO, " \
		  "e.g. 2026-10-01..2026-10-07"

static skpi_err each_date(void *ctx, const char *item)
{
	struct parse *p = ctx;
	const char *dots = strstr(item, "..");
	int64_t a, b, day;
	skpi_err e;

	if (!dots) {
		if (!parse_date(item, strlen(item), &a))
			return bad_item(p, item, "is not a date", DATE_HINT);
		b = a;
	} else {
		size_t alen = (size_t)(dots - item);
		const char *s = dots + 2;

		while (alen > 0 && (item[alen - 1] == ' ' || item[alen - 1] == '\t'))
			alen--;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!parse_date(item, alen, &a) || !parse_date(s, strlen(s), &b))
			return bad_item(p, item, "is not a range of dates", DATE_HINT);
		if (b < a)
			return bad_item(p, item, "ends before it starts", DATE_HINT);
		if (b - a >= CAL_MAX_RANGE_DAYS)
			return bad_item(p, item, "is longer than a year",
					"split it into one range per year");
	}
	for (day = a; day <= b; day++) {
		e = list_add(&p->days, day);
		if (e)
			return e;
	}
	return SKPI_OK;
}

static int span_cmp(const void *a, const void *b)
{
	const struct cal_span *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static void clock_text(int32_t s, char buf[6])
{
	int h = s / 3600, m = s / 60 % 60;

	buf[0] = (char)('0' + h / 10);
	buf[1] = (char)('0' + h % 10);
	buf[2] = ':';
	buf[3] = (char)('0' + m / 10);
	buf[4] = (char)('0' + m % 10);
	buf[5] = '\0';
}

static skpi_err set_hours(struct parse *p)
{
	skpi_cal *cal = p->cal;
	struct cal_span all[2 * CAL_MAX_SPANS];
	size_t n = 0, i;
	int64_t total = 0;

	if (p->nspans == 0) {
		skpi_diag_set(p->d, SKPI_ERR_CONFIG, NULL, 0, "hours: no working hours are given");
		skpi_diag_hint(p->d, HOURS_HINT);
		return SKPI_ERR_CONFIG;
	}
	if (cal->hours_set) {
		memcpy(all, cal->spans, cal->nspans * sizeof *all);
		n = cal->nspans;
	}
	memcpy(all + n, p->spans, p->nspans * sizeof *all);
	n += p->nspans;
	if (n > CAL_MAX_SPANS) {
		skpi_diag_set(p->d, SKPI_ERR_CONFIG, NULL, 0,
			      "hours: more than %d ranges of working hours", CAL_MAX_SPANS);
		return SKPI_ERR_CONFIG;
	}
	qsort(all, n, sizeof *all, span_cmp);
	for (i = 1; i < n; i++) {
		if (all[i].start < all[i - 1].end) {
			char a[6], b[6], c[6], e[6];

			clock_text(all[i - 1].start, a);
			clock_text(all[i - 1].end, b);
			clock_text(all[i].start, c);
			clock_text(all[i].end, e);
			skpi_diag_set(p->d, SKPI_ERR_CONFIG, NULL, 0,
				      "hours: %s-%s overlaps %s-%s", a, b, c, e);
			skpi_diag_hint(p->d, "give each working hour once");
			return SKPI_ERR_CONFIG;
		}
	}
	for (i = 0; i < n; i++)
		total += all[i].end - all[i].start;
	memcpy(cal->spans, all, n * sizeof *all);
	cal->nspans = n;
	cal->day_seconds = total;
	cal->hours_set = 1;
	return SKPI_OK;
}

/* Add p->days to holidays (extra == 0) or extra working days, refusing a day in both. */
static skpi_err set_days(struct parse *p, int extra)
{
	struct day_list *to = extra ? &p->cal->extra : &p->cal->holidays;
	const struct day_list *other = extra ? &p->cal->holidays : &p->cal->extra;
	size_t i;
	skpi_err e;

	for (i = 0; i < p->days.n; i++) {
		if (list_has(other, p->days.v[i])) {
			int y, m, dd;

			skpi_civil_from_days(p->days.v[i], &y, &m, &dd);
			skpi_diag_set(p->d, SKPI_ERR_CONFIG, NULL, 0,
				      "%s: %04d-%02d-%02d is also %s", p->key, y, m, dd,
				      extra ? "a holiday" : "an extra working day");
			skpi_diag_hint(p->d, "a day is either a holiday or an extra working day: "
				       "remove it from one of the two");
			return SKPI_ERR_CONFIG;
		}
	}
	for (i = 0; i < p->days.n; i++) {
		e = list_add(to, p->days.v[i]);
		if (e)
			return e;
	}
	return SKPI_OK;
}

skpi_err cal_set(skpi_cal *cal, const char *key, const char *value, skpi_diag *d)
{
	struct parse p;
	skpi_err e;

	memset(&p, 0, sizeof p);
	p.cal = cal;
	p.key = key;
	p.d = d;
	if (strcmp(key, "working_days") == 0) {
		e = inifile_each_item(value, each_weekday, &p);
		if (e)
			goto out;
		if (!p.weekdays) {
			e = skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0,
					  "working_days: no day of the week is given");
			skpi_diag_hint(d, WEEKDAY_HINT);
			goto out;
		}
		cal->weekdays = (cal->weekdays_set ? cal->weekdays : 0) | p.weekdays;
		cal->weekdays_set = 1;
	} else if (strcmp(key, "hours") == 0) {
		e = inifile_each_item(value, each_span, &p);
		if (!e)
			e = set_hours(&p);
	} else if (strcmp(key, "holidays") == 0 || strcmp(key, "extra_working_days") == 0) {
		e = inifile_each_item(value, each_date, &p);
		if (!e)
			e = set_days(&p, key[0] == 'e');
	} else {
		e = skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0, "unknown key '%s' in [calendar]", key);
		skpi_diag_value(d, key, value, strlen(value));
		skpi_diag_hint(d, "[calendar] knows timezone, working_days, hours, holidays and "
			       "extra_working_days");
	}
out:
	if (e == SKPI_ERR_NOMEM)
		skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
	else if (e && d && !d->value[0])
		skpi_diag_value(d, key, value, strlen(value));
	list_release(&p.days);
	return e;
}

/* ---- queries ---- */

int cal_is_workday(const skpi_cal *cal, int64_t day)
{
	if (list_has(&cal->extra, day))
		return 1;
	return (cal->weekdays >> skpi_weekday(day) & 1u) && !list_has(&cal->holidays, day);
}

int64_t cal_day_seconds(const skpi_cal *cal)
{
	return cal->day_seconds;
}

/* Worked days among the days [a, b): working weekdays by whole weeks, minus the holidays
 * on working weekdays, plus the extra working days on other weekdays (the two lists are
 * disjoint). */
static int64_t worked_days(const skpi_cal *cal, int64_t a, int64_t b)
{
	int64_t n = b - a, count, day;
	int perweek = 0, w;
	size_t i;

	if (n <= 0)
		return 0;
	for (w = 0; w < 7; w++)
		perweek += (int)(cal->weekdays >> w & 1u);
	count = n / 7 * perweek;
	for (day = a + n / 7 * 7; day < b; day++)
		count += (int)(cal->weekdays >> skpi_weekday(day) & 1u);
	for (i = list_lower(&cal->holidays, a); i < cal->holidays.n && cal->holidays.v[i] < b; i++)
		count -= (int)(cal->weekdays >> skpi_weekday(cal->holidays.v[i]) & 1u);
	for (i = list_lower(&cal->extra, a); i < cal->extra.n && cal->extra.v[i] < b; i++)
		count += !(cal->weekdays >> skpi_weekday(cal->extra.v[i]) & 1u);
	return count;
}

/* Working seconds of one worked day between lo and hi seconds after its midnight. */
static int64_t day_part(const skpi_cal *cal, int64_t lo, int64_t hi)
{
	int64_t sum = 0;
	size_t i;

	for (i = 0; i < cal->nspans; i++) {
		int64_t a = cal->spans[i].start > lo ? cal->spans[i].start : lo;
		int64_t b = cal->spans[i].end < hi ? cal->spans[i].end : hi;

		if (b > a)
			sum += b - a;
	}
	return sum;
}

/* Working seconds of the wall-clock span [w0, w1), read as if no clock ever changed. */
static int64_t wall_seconds(const skpi_cal *cal, int64_t w0, int64_t w1)
{
	int64_t d0 = floordiv(w0, DAY), d1 = floordiv(w1, DAY), sum = 0;

	if (w1 <= w0)
		return 0;
	if (d0 == d1)
		return cal_is_workday(cal, d0) ? day_part(cal, w0 - d0 * DAY, w1 - d0 * DAY) : 0;
	if (cal_is_workday(cal, d0))
		sum += day_part(cal, w0 - d0 * DAY, DAY);
	sum += worked_days(cal, d0 + 1, d1) * cal->day_seconds;
	if (cal_is_workday(cal, d1))
		sum += day_part(cal, 0, w1 - d1 * DAY);
	return sum;
}

int64_t cal_business_seconds(const skpi_cal *cal, int64_t from, int64_t to)
{
	int64_t t, until, sum = 0;
	long off;

	from = clamp(from);
	to = clamp(to);
	if (to <= from)
		return 0;
	if (!cal->tz)
		return wall_seconds(cal, from, to);
	for (t = from; t < to; t = until) {
		off = skpi_tz_offset_until(cal->tz, t, &until);
		if (until <= t || until > to)
			until = to;
		sum += wall_seconds(cal, t + off, until + off);
	}
	return sum;
}
