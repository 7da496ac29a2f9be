/* tz — TZif files (RFC 8536, versions 1 to 4), their POSIX TZ footer, wall-time conversion
 * and civil dates.  No global state: a zone is read into an immutable skpi_tz.
 *
 * A zone is a sorted list of transitions (instant, offset from then on), the offset before
 * the first one, and optionally the footer rule, which governs every instant from the last
 * transition on (all instants when the file has no transitions: "slim" files keep current
 * rules only there).  Leap-second ("right/") zones are refused. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "supportkpi/tz.h"

#define TZ_LIMIT ((int64_t)1 << 50)   /* instants are clamped to +/- this */
#define TZIF_MAX (1L << 20)            /* real zone files are a few KiB */
#define OFF_MAX (26L * 3600 - 1)       /* RFC 8536: |utoff| <= 25:59:59 */
#define DAY 86400

/* One date of a POSIX rule: Jn (1-365, no Feb 29), n (0-365), Mm.w.d; secs after the local
 * midnight of that date, in the time in force before the change (may be <0 or >24 h). */
struct rule_date {
	char kind;              /* 'J', 'N' or 'M' */
	int n, m, w, d;
	int32_t secs;
};

/* A POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3".  Offsets east positive. */
struct posix_tz {
	int32_t std_off, dst_off;
	int has_dst;
	struct rule_date start, end;   /* DST starts, DST ends */
};

struct skpi_tz {
	char *name;
	size_t n;               /* explicit transitions */
	int64_t *at;            /* their instants, strictly ascending */
	int32_t *off;           /* offset in force from at[i] on */
	int32_t off0;           /* offset before at[0] (type 0) */
	int32_t minoff, maxoff; /* over every offset the zone can have */
	int has_rule;           /* rule governs t >= at[n-1] (every t when n == 0) */
	struct posix_tz rule;
};

static int64_t clamp(int64_t t)
{
	return t < -TZ_LIMIT ? -TZ_LIMIT : t > TZ_LIMIT ? TZ_LIMIT : t;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- civil dates (Howard Hinnant's algorithms) ---- */

static int is_leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int month_days(int y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

int64_t skpi_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void skpi_civil_from_days(int64_t days, int *y, int *m, int *d)
{
	int64_t z = clamp(days) + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)mm;
	*y = (int)(yoe + era * 400 + (mm <= 2));
}

int skpi_weekday(int64_t days)
{
	return (int)((days % 7 + 11) % 7);   /* 1970-01-01 was a Thursday */
}

int skpi_valid_date(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

static char *put2(char *p, int v)
{
	*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

void skpi_wall_format(int64_t wall, char buf[20])
{
	int64_t days = floordiv(clamp(wall), DAY), s = clamp(wall) - days * DAY;
	int y, m, d;
	char *p;

	skpi_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {   /* keep the fixed width: such dates are errors anyway */
		memcpy(buf, y < 0 ? "0000-01-01 00:00:00" : "9999-12-31 23:59:59", 20);
		return;
	}
	p = put2(put2(buf, y / 100), y % 100);
	*p++ = '-', p = put2(p, m);
	*p++ = '-', p = put2(p, d);
	*p++ = ' ', p = put2(p, (int)(s / 3600));
	*p++ = ':', p = put2(p, (int)(s / 60 % 60));
	*p++ = ':', p = put2(p, (int)(s % 60));
	*p = '\0';
}

/* ---- POSIX TZ strings ---- */

/* Up to maxdig decimal digits into *v; NULL when there is none. */
static const char *parse_num(const char *s, int maxdig, int *v)
{
	int k = 0;

	*v = 0;
	while (k < maxdig && isdigit((unsigned char)s[k]))
		*v = *v * 10 + (s[k++] - '0');
	return k ? s + k : NULL;
}

/* [+-]h[h[h]][:mm[:ss]] with hours <= maxh, into seconds. */
static const char *parse_hms(const char *s, int maxh, int32_t *out)
{
	int sign = 1, h, m = 0, sec = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!(s = parse_num(s, 3, &h)) || h > maxh)
		return NULL;
	if (*s == ':' && (!(s = parse_num(s + 1, 2, &m)) || m > 59))
		return NULL;
	if (*s == ':' && (!(s = parse_num(s + 1, 2, &sec)) || sec > 59))
		return NULL;
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

/* A zone abbreviation: three or more letters, or <...> of letters, digits, '+', '-'. */
static const char *parse_abbr(const char *s)
{
	const char *p = s;

	if (*p == '<') {
		while (*++p && *p != '>')
			if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-')
				return NULL;
		return *p == '>' && p - s - 1 >= 3 ? p + 1 : NULL;
	}
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

static const char *parse_rule_date(const char *s, struct rule_date *r)
{
	memset(r, 0, sizeof *r);
	if (*s == 'J') {
		r->kind = 'J';
		if (!(s = parse_num(s + 1, 3, &r->n)) || r->n < 1 || r->n > 365)
			return NULL;
	} else if (*s == 'M') {
		r->kind = 'M';
		if (!(s = parse_num(s + 1, 2, &r->m)) || r->m < 1 || r->m > 12 || *s != '.' ||
		    !(s = parse_num(s + 1, 1, &r->w)) || r->w < 1 || r->w > 5 || *s != '.' ||
		    !(s = parse_num(s + 1, 1, &r->d)) || r->d > 6)
			return NULL;
	} else {
		r->kind = 'N';
		if (!(s = parse_num(s, 3, &r->n)) || r->n > 365)
			return NULL;
	}
	r->secs = 2 * 3600;
	if (*s == '/')
		s = parse_hms(s + 1, 167, &r->secs);
	return s;
}

/* 0 when s is a whole, valid POSIX TZ string. */
static int posix_parse(const char *s, struct posix_tz *p)
{
	int32_t v;

	memset(p, 0, sizeof *p);
	if (!(s = parse_abbr(s)) || !(s = parse_hms(s, 167, &v)))
		return -1;
	p->std_off = -v;   /* POSIX counts west positive */
	if (!*s)
		return 0;
	if (!(s = parse_abbr(s)))
		return -1;
	p->has_dst = 1;
	p->dst_off = p->std_off + 3600;
	if (*s && *s != ',') {
		if (!(s = parse_hms(s, 167, &v)))
			return -1;
		p->dst_off = -v;
	}
	if (!*s)   /* no rule given: POSIX leaves it open, tzcode and glibc use US rules */
		s = ",M3.2.0,M11.1.0";
	if (*s != ',' || !(s = parse_rule_date(s + 1, &p->start)) ||
	    *s != ',' || !(s = parse_rule_date(s + 1, &p->end)) || *s)
		return -1;
	if (labs((long)p->std_off) > OFF_MAX || labs((long)p->dst_off) > OFF_MAX)
		return -1;
	return 0;
}

/* Day (since 1970) on which rule date r falls in year y. */
static int64_t rule_day(const struct rule_date *r, int y)
{
	int64_t first;

	switch (r->kind) {
	case 'J':
		return skpi_days_from_civil(y, 1, 1) + r->n - 1 + (is_leap(y) && r->n >= 60);
	case 'N':
		return skpi_days_from_civil(y, 1, 1) + r->n;
	default:
		first = skpi_days_from_civil(y, r->m, 1);
		first += (r->d - skpi_weekday(first) + 7) % 7 + 7 * (r->w - 1);
		while (first >= skpi_days_from_civil(y, r->m, 1) + month_days(y, r->m))
			first -= 7;   /* w == 5: the last such weekday */
		return first;
	}
}

/* The offset the rule gives at t, and the next instant the rule changes it. */
static int32_t rule_offset(const struct posix_tz *p, int64_t t, int64_t *until)
{
	int64_t at[6];
	int32_t off[6], cur;
	int y, m, d, k = 0;

	*until = INT64_MAX;
	if (!p->has_dst)
		return p->std_off;
	skpi_civil_from_days(floordiv(t + p->std_off, DAY), &y, &m, &d);
	for (int yy = y - 1; yy <= y + 1; yy++) {
		at[k] = rule_day(&p->start, yy) * DAY + p->start.secs - p->std_off;
		off[k++] = p->dst_off;
		at[k] = rule_day(&p->end, yy) * DAY + p->end.secs - p->dst_off;
		off[k++] = p->std_off;
	}
	for (int i = 1; i < k; i++)   /* stable: of two changes at one instant, the later rule wins */
		for (int j = i; j > 0 && at[j - 1] > at[j]; j--) {
			int64_t ta = at[j];
			int32_t to = off[j];
			at[j] = at[j - 1], off[j] = off[j - 1];
			at[j - 1] = ta, off[j - 1] = to;
		}
	cur = off[0] == p->dst_off ? p->std_off : p->dst_off;
	for (int i = 0; i < k; i++) {
		if (at[i] > t) {
			*until = at[i];
			break;
		}
		cur = off[i];
	}
	return cur;
}

/* ---- lookups ---- */

static int32_t lookup(const skpi_tz *tz, int64_t t, int64_t *until)
{
	size_t lo = 0, hi = tz->n;

	if (tz->has_rule && (tz->n == 0 || t >= tz->at[tz->n - 1]))
		return rule_offset(&tz->rule, t, until);
	while (lo < hi) {   /* lo = number of transitions at or before t */
		size_t mid = lo + (hi - lo) / 2;
		if (tz->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	*until = lo < tz->n ? tz->at[lo] : INT64_MAX;
	return lo ? tz->off[lo - 1] : tz->off0;
}

long skpi_tz_offset_until(const skpi_tz *tz, int64_t t, int64_t *until)
{
	return lookup(tz, clamp(t), until);
}

long skpi_tz_offset(const skpi_tz *tz, int64_t t)
{
	int64_t until;

	return lookup(tz, clamp(t), &until);
}

int64_t skpi_tz_to_wall(const skpi_tz *tz, int64_t t)
{
	int64_t until;

	t = clamp(t);
	return t + lookup(tz, t, &until);
}

/* Every instant t with t + offset(t) == wall lies in [wall - maxoff, wall - minoff].  Walk
 * the pieces of constant offset there in order: the first whose candidate wall - off falls
 * inside it is the answer (the earlier of a fold).  A candidate before its piece means wall
 * fell into the gap left when the clocks went forward at the start of that piece. */
int64_t skpi_tz_from_wall(const skpi_tz *tz, int64_t wall, int *gap)
{
	int64_t t, until, cand, in_gap = 0;
	int32_t off, prev = 0;
	int have_gap = 0, first = 1;

	wall = clamp(wall);
	for (t = wall - tz->maxoff;; t = until, first = 0) {
		off = lookup(tz, t, &until);
		cand = wall - off;
		if (cand >= t && cand < until) {
			if (gap)
				*gap = 0;
			return cand;
		}
		if (cand < t && !first && !have_gap) {
			in_gap = wall - prev;
			have_gap = 1;
		}
		if (until > wall - tz->minoff)
			break;
		prev = off;
	}
	if (gap)
		*gap = 1;
	return have_gap ? in_gap : cand;   /* the latter cannot happen; be safe */
}

/* ---- loading ---- */

const char *skpi_tz_name(const skpi_tz *tz)
{
	return tz->name;
}

void skpi_tz_free(skpi_tz *tz)
{
	if (!tz)
		return;
	free(tz->name);
	free(tz->at);
	free(tz->off);
	free(tz);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_hdr {
	uint32_t isut, isstd, leap, time, type, chars;
};

/* Header at p: the counts, and the length of the data block after it (0: bad). */
static size_t tzif_header(const unsigned char *p, size_t len, int tsz, struct tzif_hdr *h)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return 0;
	h->isut = be32(p + 20), h->isstd = be32(p + 24), h->leap = be32(p + 28);
	h->time = be32(p + 32), h->type = be32(p + 36), h->chars = be32(p + 40);
	if (h->type < 1 || h->type > 256 || h->chars < 1 || h->time > TZIF_MAX ||
	    h->leap > TZIF_MAX || (h->isut && h->isut != h->type) ||
	    (h->isstd && h->isstd != h->type) || h->chars > TZIF_MAX)
		return 0;
	return 44 + (size_t)h->time * (tsz + 1) + (size_t)h->type * 6 + h->chars +
	       (size_t)h->leap * (tsz + 4) + h->isstd + h->isut;
}

static void note_offset(skpi_tz *tz, int32_t off)
{
	if (off < tz->minoff)
		tz->minoff = off;
	if (off > tz->maxoff)
		tz->maxoff = off;
}

/* Fill tz from the file in buf; NULL, or what is wrong with it. */
static const char *tzif_parse(skpi_tz *tz, const unsigned char *buf, size_t len)
{
	struct tzif_hdr h;
	size_t blen = tzif_header(buf, len, 4, &h);
	int tsz = 4;
	const unsigned char *p = buf, *types;

	if (!blen || blen > len)
		return "is not a TZif time zone file";
	if (buf[4] >= '2') {   /* skip the 32-bit data for the 64-bit block that follows */
		p = buf + blen, len -= blen, tsz = 8;
		blen = tzif_header(p, len, 8, &h);
		if (!blen || blen > len)
			return "is a damaged TZif file";
	}
	if (h.leap)
		return "counts leap seconds (a \"right/\" zone), which is not supported";
	types = p + 44 + (size_t)h.time * (tsz + 1);
	tz->off0 = tz->minoff = tz->maxoff = (int32_t)be32(types);
	for (uint32_t i = 0; i < h.type; i++) {
		int32_t o = (int32_t)be32(types + 6 * i);
		if (labs((long)o) > OFF_MAX || types[6 * i + 4] > 1 || types[6 * i + 5] >= h.chars)
			return "is a damaged TZif file";
		note_offset(tz, o);
	}
	if (h.time) {
		tz->at = malloc(h.time * sizeof *tz->at);
		tz->off = malloc(h.time * sizeof *tz->off);
		if (!tz->at || !tz->off)
			return "";   /* out of memory */
	}
	for (uint32_t i = 0; i < h.time; i++) {
		const unsigned char *q = p + 44 + (size_t)i * tsz;
		unsigned idx = p[44 + (size_t)h.time * tsz + i];
		tz->at[i] = tsz == 8 ? be64(q) : (int32_t)be32(q);
		if (idx >= h.type || (i && tz->at[i] <= tz->at[i - 1]))
			return "is a damaged TZif file";
		tz->off[i] = (int32_t)be32(types + 6 * idx);
	}
	tz->n = h.time;
	if (tsz == 8) {   /* footer: "\n" TZ-string "\n" */
		const unsigned char *f = p + blen, *e;
		size_t flen = len - blen;
		if (flen < 2 || f[0] != '\n' || !(e = memchr(f + 1, '\n', flen - 1)))
			return "is a damaged TZif file (no footer)";
		if (e > f + 1) {
			char s[128];
			if ((size_t)(e - f - 1) >= sizeof s)
				return "has a TZ rule that is too long";
			memcpy(s, f + 1, (size_t)(e - f - 1));
			s[e - f - 1] = '\0';
			if (posix_parse(s, &tz->rule) != 0)
				return "has a TZ rule that cannot be read";
			tz->has_rule = 1;
			note_offset(tz, tz->rule.std_off);
			if (tz->rule.has_dst)
				note_offset(tz, tz->rule.dst_off);
		}
	}
	return NULL;
}

/* Read the whole regular file at path into *buf (caller frees). */
static skpi_err read_file(const char *path, unsigned char **buf, size_t *len, int *unknown,
			  int *errnum)
{
	struct stat st;
	skpi_err err = SKPI_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	*buf = NULL, *len = 0, *unknown = 0, *errnum = errno;
	if (fd < 0) {
		*unknown = errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG;
		return SKPI_ERR_NOINPUT;
	}
	if (fstat(fd, &st) != 0) {
		*errnum = errno;
		err = SKPI_ERR_IO;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > TZIF_MAX) {
		*unknown = 1;
		err = SKPI_ERR_NOINPUT;
		goto out;
	}
	if (!(*buf = malloc((size_t)st.st_size + 1))) {
		err = SKPI_ERR_NOMEM;
		goto out;
	}
	while (*len < (size_t)st.st_size) {
		r = read(fd, *buf + *len, (size_t)st.st_size - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*errnum = r < 0 ? errno : EIO;   /* 0: the file shrank under us */
			err = SKPI_ERR_IO;
			goto out;
		}
		*len += (size_t)r;
	}
out:
	if (err && *buf) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return err;
}

skpi_err skpi_tz_load(const char *name, const char *dir, skpi_tz **out, skpi_diag *d)
{
	skpi_tz *tz = NULL;
	unsigned char *buf = NULL;
	char *path = NULL;
	size_t len, plen;
	const char *why;
	skpi_err err = SKPI_OK;
	int unknown, errnum;

	*out = NULL;
	if (!name || !*name || name[0] == '/' || strstr(name, "..") || strlen(name) > 255) {
		err = skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0, "'%s' is not a time zone name",
				    name ? name : "");
		skpi_diag_value(d, "timezone", name, name ? strlen(name) : 0);
		skpi_diag_hint(d, "use an IANA name such as Europe/Berlin or UTC");
		goto out;
	}
	if (!(tz = calloc(1, sizeof *tz)) || !(tz->name = strdup(name))) {
		err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory loading time zone");
		goto out;
	}
	if (!strcmp(name, "UTC") || !strcmp(name, "Etc/UTC"))
		goto out;   /* no transitions, offset 0 */
	if (!dir)
		dir = "/usr/share/zoneinfo";
	plen = strlen(dir) + strlen(name) + 2;
	if (!(path = malloc(plen))) {
		err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory loading time zone");
		goto out;
	}
	snprintf(path, plen, "%s/%s", dir, name);
	err = read_file(path, &buf, &len, &unknown, &errnum);
	if (err == SKPI_ERR_NOMEM) {
		skpi_diag_set(d, err, NULL, 0, "out of memory loading time zone");
		goto out;
	}
	if (err) {
		if (unknown) {
			err = skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0, "unknown time zone '%s'", name);
			skpi_diag_hint(d, "use an IANA name such as Europe/Berlin (see %s)", dir);
		} else {
			skpi_diag_set(d, err, path, 0, "cannot read time zone file: %s", strerror(errnum));
		}
		skpi_diag_value(d, "timezone", name, strlen(name));
		goto out;
	}
	if ((why = tzif_parse(tz, buf, len))) {
		if (!*why) {
			err = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory loading time zone");
		} else {
			err = skpi_diag_set(d, SKPI_ERR_CONFIG, path, 0, "time zone '%s' %s", name, why);
			skpi_diag_value(d, "timezone", name, strlen(name));
		}
	}
out:
	free(path);
	free(buf);
	if (err)
		skpi_tz_free(tz);
	else
		*out = tz;
	return err;
}
