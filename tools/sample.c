/* supportkpi-sample — write a seeded, realistic helpdesk export: tickets.csv, surveys.csv
 * and assessments.csv in one directory.
 *
 * The same options give byte-identical files on every machine: all randomness comes from
 * our own xoshiro256** generator seeded with splitmix64, all arithmetic is integer (no
 * floating point after the one strtod of --surveys-per-ticket, which is rounded to parts
 * per million), dates are computed with our own civil-calendar helpers, and nothing reads
 * the clock, the locale or the environment.
 *
 * Tickets are streamed month by month in creation order (ids rise with created_at), each
 * surveyed ticket's survey is written alongside it, so memory stays flat whatever --tickets
 * is.  Each file is written to a temporary name in the output directory and renamed into
 * place only when all three are complete, so a failed run leaves no half files.
 *
 * The roster (names, teams, skills, who joins late, who moves team) depends only on
 * --agents and --months, never on --seed; see the man page and struct agent below. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "supportkpi/cli.h"
#include "supportkpi/err.h"

#ifndef SKPI_VERSION
#define SKPI_VERSION "dev"
#endif

#define PROG "supportkpi-sample"

#define MAX_TICKETS 100000000LL
#define MAX_MONTHS 120
#define MAX_CURATED 32
#define MAX_AGENTS (MAX_CURATED + 400)
#define NONE INT64_MIN /* a timestamp that is not set */

#define MINUTE 60
#define HOUR 3600
#define DAY 86400

static const char usage_text[] =
	"usage: " PROG " [--agents N] [--end YYYY-MM] [--months N] [--seed S]\n"
	"                         [--surveys-per-ticket F] --tickets N --out DIR\n";

static const char help_text[] =
	"\n"
	"Write DIR/tickets.csv, DIR/surveys.csv and DIR/assessments.csv: a seeded, realistic\n"
	"helpdesk export.  The same options give byte-identical files on every machine.\n"
	"\n"
	"  --agents N                number of agents, 1-400 (default 24)\n"
	"  --end YYYY-MM             last month of data (default 2026-10)\n"
	"  --help                    print this help and exit\n"
	"  --months N                months of data ending with --end, 1-120 (default 12)\n"
	"  --out DIR                 output directory, created if missing (required)\n"
	"  --seed S                  seed, 0-18446744073709551615 (default 1)\n"
	"  --surveys-per-ticket F    surveys per resolved ticket, 0-1 (default 0.35)\n"
	"  --tickets N               number of tickets, 0-100000000 (required)\n"
	"  --version                 print the version and exit\n";

/* ---- random numbers: xoshiro256** seeded by splitmix64 ---- */

typedef struct rng {
	uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Independent streams from one seed: stream picks a different splitmix64 start. */
static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * UINT64_C(0xd1b54a32d192ed03));
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform in [0, n), n < 2^32 (Lemire's multiply; the bias is far below what matters). */
static uint32_t rng_below(rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static uint64_t rng_below64(rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

/* 1 with probability per_mille / 1000. */
static int rng_chance(rng *r, uint32_t per_mille)
{
	return rng_below(r, 1000) < per_mille;
}

/* Approximately standard normal in Q16 (sum of 12 uniforms, Irwin-Hall; |z| <= 6). */
static int64_t rng_normal_q16(rng *r)
{
	int64_t sum = 0;
	int i, j;

	for (i = 0; i < 3; i++) {
		uint64_t x = rng_next(r);

		for (j = 0; j < 4; j++, x >>= 16)
			sum += (int64_t)(x & 0xffff);
	}
	return sum - 6 * 65536;
}

/* Normal with the given standard deviation, in the caller's units, rounded to zero. */
static int64_t rng_normal(rng *r, int64_t sd)
{
	return rng_normal_q16(r) * sd / 65536;
}

/* 2^(i/64) in Q30, i = 0..64. */
static const int64_t exp2_q30[65] = {
	1073741824, 1085434106, 1097253708, 1109202018, 1121280436,
	1133490379, 1145833280, 1158310587, 1170923762, 1183674286,
	1196563654, 1209593378, 1222764986, 1236080024, 1249540052,
	1263146652, 1276901417, 1290805962, 1304861917, 1319070932,
	1333434672, 1347954824, 1362633090, 1377471191, 1392470869,
	1407633882, 1422962010, 1438457051, 1454120821, 1469955159,
	1485961921, 1502142985, 1518500250, 1535035634, 1551751076,
	1568648537, 1585730000, 1602997467, 1620452965, 1638098541,
	1655936265, 1673968228, 1692196547, 1710623359, 1729250827,
	1748081133, 1767116489, 1786359126, 1805811301, 1825475297,
	1845353420, 1865448001, 1885761398, 1906295993, 1927054196,
	1948038440, 1969251188, 1990694927, 2012372174, 2034285470,
	2056437387, 2078830522, 2101467502, 2124350982, 2147483648,
};

/* Lognormal-ish: median * e^(sigma * Z), sigma in thousandths, result in [1, cap]. */
static int64_t rng_lognormal(rng *r, int64_t median, int64_t sigma_milli, int64_t cap)
{
	int64_t z = rng_normal_q16(r);
	/* log2 units in Q16: z * sigma / ln 2 */
	int64_t e = z * sigma_milli * 1442695 / 1000000000;
	int64_t ip, frac, idx, rem, m, v, res;

	if (median < 1)
		median = 1;
	ip = e >= 0 ? e / 65536 : -((-e + 65535) / 65536);
	frac = e - ip * 65536;
	idx = frac >> 10;
	rem = frac & 1023;
	m = exp2_q30[idx] + (exp2_q30[idx + 1] - exp2_q30[idx]) * rem / 1024;
	if (median > (INT64_C(1) << 31))
		return cap;
	v = median * m;
	if (ip >= 0) {
		res = v >> 30;
		if (ip >= 31 || res > (cap >> ip))
			return cap;
		res <<= ip;
	} else {
		res = 30 - ip >= 63 ? 0 : v >> (30 - ip);
	}
	if (res > cap)
		res = cap;
	return res < 1 ? 1 : res;
}

/* Index from a small weight table. */
static int rng_pick(rng *r, const int *w, int n)
{
	int total = 0, i, x;

	for (i = 0; i < n; i++)
		total += w[i];
	x = (int)rng_below(r, (uint32_t)total);
	for (i = 0; i < n - 1; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* ---- civil calendar (proleptic Gregorian, H. Hinnant's algorithms) ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 = Sunday ... 6 = Saturday */
static int weekday(int64_t days)
{
	return (int)(((days % 7) + 11) % 7);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int days_in_month(int y, int m)
{
	return (int)(days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
		     days_from_civil(y, m, 1));
}

static int is_holiday(int64_t day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	return (m == 12 && (d == 25 || d == 26)) || (m == 1 && d == 1);
}

/* Staffed hours of a day as [*open, *close) seconds; *open == *close when closed:
 * Monday-Friday 08:00-18:00, Saturday 09:00-13:00, closed Sunday, 25/26 December, 1 January. */
static void office_day(int64_t day, int *open, int *close)
{
	int wd = weekday(day);

	*open = *close = 0;
	if (wd == 0 || is_holiday(day))
		return;
	if (wd == 6) {
		*open = 9 * HOUR;
		*close = 13 * HOUR;
	} else {
		*open = 8 * HOUR;
		*close = 18 * HOUR;
	}
}

static int in_office(int64_t t)
{
	int64_t day = floor_div(t, DAY);
	int sec = (int)(t - day * DAY), open, close;

	office_day(day, &open, &close);
	return sec >= open && sec < close;
}

/* t itself when staffed, else the next opening. */
static int64_t next_open(int64_t t)
{
	int64_t day = floor_div(t, DAY);
	int sec = (int)(t - day * DAY), open, close;

	office_day(day, &open, &close);
	if (sec >= open && sec < close)
		return t;
	if (open < close && sec < open)
		return day * DAY + open;
	for (;;) {
		day++;
		office_day(day, &open, &close);
		if (open < close)
			return day * DAY + open;
	}
}

/* t plus d seconds of staffed time. */
static int64_t add_office(int64_t t, int64_t d)
{
	for (;;) {
		int64_t day;
		int open, close, sec;

		t = next_open(t);
		day = floor_div(t, DAY);
		sec = (int)(t - day * DAY);
		office_day(day, &open, &close);
		if (d < close - sec)
			return t + d;
		d -= close - sec;
		t = day * DAY + close;
	}
}

/* Keep wall times out of 02:00-02:59 on Sundays: no generated time then falls into a
 * daylight-saving gap of a European or North American zone.  Never moves t backwards. */
static int64_t dst_safe(int64_t t)
{
	int64_t day;

	if (t == NONE)
		return t;
	day = floor_div(t, DAY);
	if (weekday(day) == 0 && t - day * DAY >= 2 * HOUR && t - day * DAY < 3 * HOUR)
		return t + HOUR;
	return t;
}

/* ---- output lines ---- */

struct line {
	char b[4096];
	size_t n;
};

static void put_mem(struct line *l, const char *s, size_t n)
{
	if (n > sizeof l->b - l->n)
		n = sizeof l->b - l->n; /* cannot happen: fields are bounded */
	memcpy(l->b + l->n, s, n);
	l->n += n;
}

static void put_c(struct line *l, char c)
{
	if (l->n < sizeof l->b)
		l->b[l->n++] = c;
}

static void put_str(struct line *l, const char *s)
{
	put_mem(l, s, strlen(s));
}

/* Decimal, zero-padded to at least width digits. */
static void put_uint(struct line *l, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width && n < (int)sizeof tmp)
		tmp[n++] = '0';
	while (n)
		put_c(l, tmp[--n]);
}

/* "YYYY-MM-DD HH:MM:SS", or nothing for NONE. */
static void put_ts(struct line *l, int64_t t)
{
	int64_t day, sec;
	int y, m, d;

	if (t == NONE)
		return;
	day = floor_div(t, DAY);
	sec = t - day * DAY;
	civil_from_days(day, &y, &m, &d);
	put_uint(l, (uint64_t)y, 4);
	put_c(l, '-');
	put_uint(l, (uint64_t)m, 2);
	put_c(l, '-');
	put_uint(l, (uint64_t)d, 2);
	put_c(l, ' ');
	put_uint(l, (uint64_t)(sec / HOUR), 2);
	put_c(l, ':');
	put_uint(l, (uint64_t)(sec / MINUTE % 60), 2);
	put_c(l, ':');
	put_uint(l, (uint64_t)(sec % 60), 2);
}

/* A field, quoted as RFC 4180 wants when it holds a comma, quote, CR or LF. */
static void put_csv(struct line *l, const char *s)
{
	const char *p;

	if (!strpbrk(s, ",\"\r\n")) {
		put_str(l, s);
		return;
	}
	put_c(l, '"');
	for (p = s; *p; p++) {
		if (*p == '"')
			put_c(l, '"');
		put_c(l, *p);
	}
	put_c(l, '"');
}

/* Tenths as "72.5". */
static void put_tenths(struct line *l, int v)
{
	put_uint(l, (uint64_t)(v / 10), 1);
	put_c(l, '.');
	put_uint(l, (uint64_t)(v % 10), 1);
}

/* Returns 0, or -1 when the stream failed. */
static int put_flush(struct line *l, FILE *fp)
{
	size_t n = l->n;

	l->n = 0;
	return fwrite(l->b, 1, n, fp) == n ? 0 : -1;
}

/* ---- the roster ---- */

enum { TEAMS = 4 };

static const char *const team_names[TEAMS] = {
	"Billing & Payments", "Technical Support", "Customer Care", "Escalations",
};
static const char *const team_leads[TEAMS] = {
	"Ingrid Bergström", "Marcus Chen", "Amara Diallo", "Tomás Novák",
};

/* An agent: team at the start and (for the one who moves) from move_month on; skills. */
struct agent {
	char name[64];
	int team, team_after;
	int first_month; /* month index of the first ticket */
	int resp;        /* first-response time multiplier, per mille (lower is faster) */
	int res;         /* resolution time multiplier, per mille */
	int reopen;      /* chance a resolved ticket is reopened, per mille */
	int stuck;       /* chance a ticket drags on for weeks, per 500 */
	int sat;         /* survey score bias, hundredths of a point */
	int vol;         /* share of the tickets, relative weight */
	int assess;      /* assessment base score, tenths */
};

struct profile {
	const char *name;
	int resp, res, reopen, stuck, sat, vol, assess;
};

/* The first agents, always in this order.  Priya Nair is the strongest all round, Oliver
 * Brown the weakest; Lukas Weber answers fastest but is reopened often and scores low;
 * Chloé Dubois is slow but well liked. */
static const struct profile curated[MAX_CURATED] = {
	{ "Anna Schmidt",      850,  900,  40, 10,  20, 1100, 780 },
	{ "José Álvarez",     1000, 1000,  60, 15,   0, 1000, 720 },
	{ "Priya Nair",        600,  650,  25,  5,  45, 1150, 890 },
	{ "Lukas Weber",       450, 1400, 140, 30, -70, 1200, 640 },
	{ "Zoë Müller",        900,  800,  45, 10,  30, 1000, 810 },
	{ "张伟",             1100,  950,  55, 15,   5, 1000, 740 },
	{ "Mohammed Al-Farsi", 950, 1100,  70, 20, -10, 1000, 700 },
	{ "Emma Johansson",    750,  850,  35, 10,  25,  950, 800 },
	{ "Chloé Dubois",     1250, 1000,  50, 15,  40,  900, 760 },
	{ "Oliver Brown",     1700, 1600, 120, 40, -80, 1000, 580 },
	{ "Sofia Rossi",       800,  900,  45, 10,  15, 1050, 770 },
	{ "Mateus Gonçalves", 1000, 1200,  80, 25, -20, 1000, 690 },
	{ "Hannah Becker",     700,  750,  30,  8,  30, 1000, 840 },
	{ "Kenji Tanaka",      900,  700,  35, 10,  10, 1000, 800 },
	{ "Fatima Zahra",     1050, 1050,  60, 15,   0,  950, 730 },
	{ "Liam O'Connor",    1300, 1300,  90, 30, -40, 1000, 650 },
	{ "Søren Nielsen",     950,  900,  50, 12,  10, 1000, 750 },
	{ "Olga Kowalska",     850, 1000,  55, 15,   5, 1000, 745 },
	{ "Daniel Kim",       1150, 1100,  75, 20, -15, 1050, 700 },
	{ "Aylin Yılmaz",      800,  850,  40, 10,  20, 1000, 790 },
	{ "Marco Bianchi",    1000,  950,  65, 18,  -5, 1000, 720 },
	{ "Ngozi Okafor",      700,  800,  35, 10,  25, 1000, 820 },
	{ "Björn Lindqvist",  1100, 1150,  70, 20, -10, 1000, 700 },
	{ "李娜",             1000, 1000,  60, 15,   0, 1000, 700 },
	{ "Ewa Nowak",         900,  950,  50, 12,  10, 1000, 760 },
	{ "Pedro Santos",     1050, 1000,  60, 15,   0, 1000, 720 },
	{ "Inês Ferreira",     800,  900,  40, 10,  20, 1000, 790 },
	{ "Tomasz Zieliński", 1200, 1150,  80, 25, -25, 1000, 680 },
	{ "Aiko Yamamoto",     750,  800,  35,  8,  30, 1000, 820 },
	{ "Rahul Mehta",      1000, 1100,  65, 18,  -5, 1000, 710 },
	{ "Clara Martín",      850,  850,  45, 10,  15, 1000, 775 },
	{ "Yusuf Demir",      1100, 1050,  70, 20, -10, 1000, 705 },
};

/* Agents after the curated ones: first x last, no last name shared with a curated agent. */
static const char *const first_pool[20] = {
	"Alex", "Maria", "Jonas", "Lea", "Noah", "Mia", "Elias", "Ida", "Leon", "Nora",
	"Felix", "Lina", "David", "Sara", "Jan", "Eva", "Tim", "Julia", "Max", "Laura",
};
static const char *const last_pool[20] = {
	"Fischer", "Wagner", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann",
	"Schwarz", "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Meier",
	"Lehmann", "Köhler", "Jung", "Vogel",
};

/* ---- ticket vocabulary ---- */

enum { CH_EMAIL, CH_PHONE, CH_CHAT, CH_WEB, CH_SOCIAL, CHANNELS };
static const char *const channel_names[CHANNELS] = { "email", "phone", "chat", "web", "social" };
/* first response: median seconds and spread (sigma, thousandths) */
static const int64_t chan_med[CHANNELS] = { 3 * HOUR, 75, 3 * MINUTE, 150 * MINUTE, 50 * MINUTE };
static const int64_t chan_sigma[CHANNELS] = { 1000, 600, 800, 1000, 1100 };

enum { CAT_BILLING, CAT_TECHNICAL, CAT_ACCOUNT, CAT_COMPLAINT, CAT_DELIVERY, CAT_OTHER, CATS };
static const char *const category_names[CATS] = {
	"billing", "technical", "account", "complaint", "delivery", "other",
};
static const int cat_w[TEAMS][CATS] = {
	{ 55, 5, 20, 8, 4, 8 },    /* Billing & Payments */
	{ 4, 62, 18, 4, 2, 10 },   /* Technical Support */
	{ 10, 8, 12, 15, 40, 15 }, /* Customer Care */
	{ 18, 22, 5, 45, 8, 2 },   /* Escalations */
};
/* resolution time multiplier, per mille */
static const int64_t cat_res[CATS] = { 1000, 1400, 700, 1300, 1200, 600 };

enum { PRI_LOW, PRI_NORMAL, PRI_HIGH, PRI_URGENT, PRIS };
static const char *const priority_names[PRIS] = { "low", "normal", "high", "urgent" };
static const int pri_w[CATS][PRIS] = {
	{ 20, 60, 17, 3 }, { 15, 55, 23, 7 }, { 25, 60, 13, 2 },
	{ 5, 45, 38, 12 }, { 15, 60, 20, 5 }, { 40, 55, 5, 0 },
};
static const int64_t pri_resp[PRIS] = { 1400, 1000, 650, 350 }; /* per mille */
static const int64_t pri_res_h[PRIS] = { 60, 30, 12, 5 };       /* median hours */

/* Subjects: '#' becomes an order, invoice or error number. */
static const char *const subjects[CATS][8] = {
	{ "Invoice # charged twice", "Invoice #, wrong amount",
	  "Refund for order # not received", "Question about my bill",
	  "Why was I charged a \"late fee\" on invoice #?", "Rückerstattung für Bestellung #",
	  "Payment failed, card declined", "VAT missing on invoice #" },
	{ "App crashes on login", "Error \"E#\" when uploading files", "Cannot reset password",
	  "Website very slow, pages time out", "Sync stopped working after update",
	  "Bluetooth pairing fails with model #", "无法登录账户", "Export to PDF is blank" },
	{ "Change email address on account", "Close my account, please",
	  "Two-factor code not arriving", "Update billing address for account #",
	  "Account locked after 3 attempts", "Transfer licence to a colleague",
	  "Add a second user to account #", "Merge duplicate accounts" },
	{ "Very unhappy with the service", "Third time asking, still no answer",
	  "Rude agent on the phone, ticket #",
	  "Product arrived damaged, \"fragile\" sticker ignored",
	  "Complaint: promised call-back never came", "Cancelled order # still charged",
	  "Want to speak to a manager", "Réclamation commande #" },
	{ "Order # not delivered", "Parcel # delivered to wrong address",
	  "Tracking shows \"delivered\", nothing here", "Change delivery date for order #",
	  "Missing item in order #, box was sealed", "Lieferung # verspätet",
	  "Courier left parcel in the rain", "Return label for order #" },
	{ "General question", "Feedback on new website", "Partnership enquiry",
	  "Request for a copy of our contract", "Café voucher #, how to use?",
	  "Opening hours over the holidays", "Newsletter unsubscribe",
	  "Job application, \"support agent\"" },
};
static const char *const second_lines[4] = {
	"Sent from my phone", "Please call me back", "Order number: #", "Kind regards, \"K.\"",
};
/* Formula-injection material for the CSV and workbook writers. */
static const char *const formulas[5] = {
	"=HYPERLINK(\"http://example.com/refund\",\"Claim refund\")",
	"=1+1 charged twice", "+49 30 1234567 please call back", "-20% discount not applied",
	"@SUM(A1:A9) in my invoice export",
};
#define FORMULA_TICKET 7 /* this ticket (or the last, when fewer) gets formulas[0] */

/* ---- the generator ---- */

struct opts {
	int agents, months, end_y, end_m;
	long long tickets;
	uint64_t seed;
	long spt_ppm; /* surveys per resolved ticket, parts per million */
	const char *out;
};

struct gen {
	struct opts o;
	struct agent *agents;
	uint32_t *agent_cum; /* cumulative agent weights of the current month */
	int trainee, joiner, mover, move_month;
	uint64_t stride;     /* the trainee takes one ticket in stride */
	int64_t asof;        /* the export moment: the first second after the last month */
	int chan_w[CHANNELS];
	rng tick, surv, asmt;
	uint64_t survey_seq;
	struct line l;
	FILE *tf, *sf, *af;
};

static void roster_build(struct gen *g)
{
	int n = g->o.agents, i;
	rng r;

	g->trainee = n >= 3 ? n - 1 : -1;
	g->joiner = n >= 4 && g->o.months >= 2 ? n - 2 : -1;
	g->mover = g->o.months >= 2 && n >= 2 ? (n >= 8 ? 5 : 1) : -1;
	g->move_month = g->o.months / 2;
	for (i = 0; i < n; i++) {
		struct agent *a = &g->agents[i];

		if (i < MAX_CURATED) {
			const struct profile *p = &curated[i];

			snprintf(a->name, sizeof a->name, "%s", p->name);
			a->resp = p->resp;
			a->res = p->res;
			a->reopen = p->reopen;
			a->stuck = p->stuck;
			a->sat = p->sat;
			a->vol = p->vol;
			a->assess = p->assess;
		} else {
			int k = i - MAX_CURATED;
			int t; /* talent, -1000..1000 */

			rng_seed(&r, UINT64_C(0x5eed), (uint64_t)i); /* never depends on --seed */
			t = (int)rng_below(&r, 2001) - 1000;
			snprintf(a->name, sizeof a->name, "%s %s", first_pool[k % 20],
				 last_pool[(k / 20 + k % 20) % 20]);
			a->resp = 1000 - t * 3 / 10 + (int)rng_below(&r, 301) - 150;
			a->res = 1000 - t * 3 / 10 + (int)rng_below(&r, 301) - 150;
			a->reopen = 60 - t * 3 / 100;
			a->stuck = 15 - t / 100;
			a->sat = t * 6 / 100;
			a->vol = 900 + (int)rng_below(&r, 201);
			a->assess = 720 + t / 10;
		}
		a->team = a->team_after = i % TEAMS;
		a->first_month = i == g->joiner ? g->o.months - 1 : 0;
	}
	if (g->mover >= 0)
		g->agents[g->mover].team_after = (g->agents[g->mover].team + 1) % TEAMS;
	g->stride = (uint64_t)g->o.tickets / 12;
	if (g->stride < (uint64_t)n * 4)
		g->stride = (uint64_t)n * 4;
}

static int team_of(const struct gen *g, int ai, int mi)
{
	return ai == g->mover && mi >= g->move_month ? g->agents[ai].team_after
						      : g->agents[ai].team;
}

static void month_agents(struct gen *g, int mi)
{
	uint32_t sum = 0;
	int i;

	for (i = 0; i < g->o.agents; i++) {
		if (i != g->trainee && mi >= g->agents[i].first_month)
			sum += (uint32_t)g->agents[i].vol;
		g->agent_cum[i] = sum;
	}
}

static int pick_agent(struct gen *g)
{
	int n = g->o.agents, lo = 0, hi = n - 1;
	uint32_t total = g->agent_cum[n - 1], x;

	if (total == 0)
		return 0;
	x = rng_below(&g->tick, total);
	while (lo < hi) { /* first i with cum[i] > x */
		int mid = lo + (hi - lo) / 2;

		if (g->agent_cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Copy template into dst (size n), '#' replaced by a number of 4-6 digits. */
static void fill_template(rng *r, char *dst, size_t n, const char *tpl)
{
	size_t o = 0;
	const char *p;

	for (p = tpl; *p && o + 1 < n; p++) {
		if (*p == '#') {
			char num[16];
			int len = snprintf(num, sizeof num, "%" PRIu32, 1000 + rng_below(r, 999000));

			if (len > 0 && o + (size_t)len + 1 < n) {
				memcpy(dst + o, num, (size_t)len);
				o += (size_t)len;
			}
		} else {
			dst[o++] = *p;
		}
	}
	dst[o] = '\0';
}

static void make_subject(struct gen *g, uint64_t k, int cat, char *buf, size_t n)
{
	rng *r = &g->tick;
	uint64_t forced = (uint64_t)g->o.tickets < FORMULA_TICKET ? (uint64_t)g->o.tickets - 1
								    : FORMULA_TICKET - 1;
	size_t len;
	int pfx = (int)rng_below(r, 1000);

	if (k == forced) {
		snprintf(buf, n, "%s", formulas[0]);
		return;
	}
	if (rng_below(r, 3000) == 0) {
		snprintf(buf, n, "%s", formulas[rng_below(r, 5)]);
		return;
	}
	if (pfx < 120)
		snprintf(buf, n, "Re: ");
	else if (pfx < 150)
		snprintf(buf, n, "Fwd: ");
	else
		buf[0] = '\0';
	len = strlen(buf);
	fill_template(r, buf + len, n - len, subjects[cat][rng_below(r, 8)]);
	if (rng_below(r, 2000) == 0) {
		len = strlen(buf);
		if (len + 2 < n) {
			buf[len++] = '\n';
			fill_template(r, buf + len, n - len, second_lines[rng_below(r, 4)]);
		}
	}
}

static int clamp(int64_t v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : (int)v;
}

/* Round hundredths to a whole number in [lo, hi]. */
static int round_h(int64_t v, int lo, int hi)
{
	return clamp(floor_div(v + 50, 100), lo, hi);
}

static int write_survey(struct gen *g, uint64_t id, const struct agent *a, int64_t created,
			int64_t fr, int64_t res, int reopen, int fcr)
{
	rng *r = &g->surv;
	struct line *l = &g->l;
	int64_t sub, res_h = (res - created) / HOUR;
	int64_t frt = fr == NONE ? 0 : fr - created;
	int64_t q;
	int score, nps, items[4], i, noitems;
	static const int64_t nps_base[6] = { 0, 150, 350, 600, 800, 930 };

	if (rng_chance(r, 600))
		sub = res + rng_lognormal(r, 3 * HOUR, 1000, DAY);
	else
		sub = res + DAY + (int64_t)rng_below(r, 4 * DAY);
	sub = dst_safe(sub);
	q = 405 + a->sat + rng_normal(r, 90) - 70 * reopen + (fcr ? 15 : 0);
	if (res_h > 72)
		q -= 55;
	if (res_h > 168)
		q -= 65;
	if (frt > 8 * HOUR)
		q -= 25;
	score = round_h(q, 1, 5);
	nps = round_h(nps_base[score] + rng_normal(r, 110), 0, 10);
	items[0] = round_h(150 + score * 45 + a->sat / 2 + rng_normal(r, 55), 1, 4);
	items[1] = round_h(160 + score * 40 + (1000 - a->res) / 6 + rng_normal(r, 55), 1, 4);
	items[2] = round_h(170 + score * 35 - (res_h > 72 ? 60 : 0) - (frt > 8 * HOUR ? 40 : 0) +
				   rng_normal(r, 55), 1, 4);
	items[3] = round_h(160 + score * 40 - 80 * reopen + rng_normal(r, 55), 1, 4);
	noitems = rng_chance(r, 200);
	if (sub >= g->asof)
		return 0; /* not yet submitted when the export was taken */

	g->survey_seq++;
	put_c(l, 'S');
	put_uint(l, g->survey_seq, 7);
	put_str(l, ",T");
	put_uint(l, id, 6);
	put_c(l, ',');
	if (!rng_chance(r, 80))
		put_csv(l, a->name);
	put_c(l, ',');
	put_ts(l, sub);
	put_c(l, ',');
	put_uint(l, (uint64_t)score, 1);
	put_c(l, ',');
	if (!rng_chance(r, 100))
		put_uint(l, (uint64_t)nps, 1);
	for (i = 0; i < 4; i++) {
		put_c(l, ',');
		if (!noitems && !rng_chance(r, 20))
			put_uint(l, (uint64_t)items[i], 1);
	}
	put_c(l, '\n');
	return put_flush(l, g->sf);
}

enum { ST_OPEN, ST_PENDING, ST_RESOLVED, ST_CLOSED };
static const char *const status_names[4] = { "open", "pending", "resolved", "closed" };

/* One ticket, k-th (0-based) in the file, created at wall time created in month mi. */
static int write_ticket(struct gen *g, uint64_t k, int64_t created, int mi)
{
	rng *r = &g->tick;
	struct line *l = &g->l;
	const struct agent *a;
	int ai, team, ch, cat, pri, status, reopen = 0, fcr = 0, spam, replies, office;
	int64_t fr = NONE, res = NONE, clo = NONE, upd = created, d, med;
	uint64_t id = k + 1;
	char subject[256];

	ai = g->trainee >= 0 && k % g->stride == g->stride / 2 ? g->trainee : pick_agent(g);
	a = &g->agents[ai];
	team = team_of(g, ai, mi);
	office = in_office(created);
	ch = rng_pick(r, g->chan_w, CHANNELS);
	if (ch == CH_PHONE && !office) { /* the phone line is staffed only */
		static const int alt[4] = { CH_EMAIL, CH_CHAT, CH_WEB, CH_SOCIAL };

		ch = alt[rng_below(r, 4)];
	}
	cat = rng_pick(r, cat_w[team], CATS);
	pri = rng_pick(r, pri_w[cat], PRIS);
	spam = cat == CAT_OTHER && rng_chance(r, 50);

	if (!spam) {
		med = chan_med[ch] * a->resp / 1000 * pri_resp[pri] / 1000;
		d = rng_lognormal(r, med, chan_sigma[ch], 10 * DAY);
		if (ch == CH_PHONE || (ch == CH_CHAT && office) ||
		    (pri >= PRI_HIGH && !office && rng_chance(r, 500)))
			fr = created + d; /* answered live, or by the on-call agent */
		else
			fr = add_office(created, d);
		fr = dst_safe(fr);
		if ((ch == CH_PHONE && rng_chance(r, 400)) ||
		    (ch == CH_CHAT && office && rng_chance(r, 300))) {
			fcr = 1; /* solved during the first contact */
			res = fr + rng_lognormal(r, ch == CH_PHONE ? 8 * MINUTE : 15 * MINUTE, 700,
						 4 * HOUR);
		} else if (rng_chance(r, 2 * (uint32_t)a->stuck)) {
			/* drags on for weeks: waiting for a part, a customer, a fix */
			res = next_open(fr + rng_lognormal(r, 20 * DAY, 1100, 400 * DAY));
		} else {
			med = pri_res_h[pri] * HOUR * a->res / 1000 * cat_res[cat] / 1000;
			res = fr + rng_lognormal(r, med, 1100, 90 * DAY);
			if (!in_office(res) && rng_chance(r, 850))
				res = next_open(res) + rng_below(r, 90 * MINUTE);
			if (rng_chance(r, (uint32_t)a->reopen)) {
				int i;

				reopen = 1 + rng_chance(r, 200);
				for (i = 0; i < reopen; i++) {
					res += rng_lognormal(r, 30 * HOUR, 900, 20 * DAY);
					if (!in_office(res) && rng_chance(r, 850))
						res = next_open(res) + rng_below(r, 90 * MINUTE);
				}
			}
		}
	} else { /* spam or duplicate: closed without a reply */
		res = next_open(created + rng_lognormal(r, 2 * HOUR, 900, 5 * DAY));
	}
	res = dst_safe(res);
	if (res != NONE) {
		if (rng_chance(r, 300)) { /* the customer confirms */
			clo = res + rng_lognormal(r, 5 * HOUR, 1000, 71 * HOUR);
		} else { /* the nightly job closes after 72 hours, at 00:30 */
			int64_t t = res + 72 * HOUR;

			clo = floor_div(t, DAY) * DAY + 30 * MINUTE;
			if (clo < t)
				clo += DAY;
		}
		clo = dst_safe(clo);
	}
	replies = 1;
	while (replies < 8 && rng_chance(r, 380))
		replies++;
	replies += reopen + (res != NONE && res - created > 72 * HOUR);
	if (fcr)
		replies = 1;
	if (replies > 8)
		replies = 8;

	/* What the export shows at g->asof. */
	if (fr != NONE && fr >= g->asof) {
		fr = res = clo = NONE;
		reopen = 0;
	}
	if (res == NONE || res >= g->asof) {
		int waiting = rng_chance(r, 600);

		res = clo = NONE;
		reopen = 0;
		if (fr == NONE) {
			status = ST_OPEN;
			upd = created;
		} else {
			status = waiting ? ST_PENDING : ST_OPEN;
			upd = dst_safe(fr + (int64_t)rng_below64(r, (uint64_t)(g->asof - fr)));
			if (upd >= g->asof)
				upd = fr;
		}
	} else if (clo >= g->asof) {
		clo = NONE;
		status = ST_RESOLVED;
		upd = res;
	} else {
		status = ST_CLOSED;
		upd = clo;
	}
	if (fr == NONE)
		replies = 0;
	make_subject(g, k, cat, subject, sizeof subject);

	put_c(l, 'T');
	put_uint(l, id, 6);
	put_c(l, ',');
	put_ts(l, created);
	put_c(l, ',');
	put_ts(l, fr);
	put_c(l, ',');
	put_ts(l, res);
	put_c(l, ',');
	put_ts(l, clo);
	put_c(l, ',');
	put_ts(l, upd);
	put_c(l, ',');
	put_str(l, status_names[status]);
	put_c(l, ',');
	put_csv(l, a->name);
	put_c(l, ',');
	put_csv(l, team_names[team]);
	put_c(l, ',');
	put_str(l, channel_names[ch]);
	put_c(l, ',');
	put_str(l, category_names[cat]);
	put_c(l, ',');
	put_str(l, priority_names[pri]);
	put_c(l, ',');
	put_uint(l, (uint64_t)reopen, 1);
	put_c(l, ',');
	put_uint(l, (uint64_t)replies, 1);
	put_c(l, ',');
	put_csv(l, subject);
	put_c(l, '\n');
	if (put_flush(l, g->tf))
		return -1;

	if (res != NONE && !spam &&
	    rng_below(&g->surv, 1000000) < (uint32_t)g->o.spt_ppm)
		return write_survey(g, id, a, created, fr, res, reopen, fcr);
	return 0;
}

/* Month weights: seasonality (busy November-January, quiet summer) and 1.2% growth a
 * month, times the days in the month. */
static uint64_t month_weight(const struct gen *g, int mi, int *y, int *m)
{
	static const uint64_t season[12] = {
		1100, 960, 1000, 950, 940, 900, 860, 870, 1000, 1040, 1150, 1200,
	};
	int64_t idx = (int64_t)g->o.end_y * 12 + (g->o.end_m - 1) - (g->o.months - 1) + mi;

	*y = (int)(idx / 12);
	*m = (int)(idx % 12) + 1;
	return season[*m - 1] * (uint64_t)(1000 + 12 * mi) * (uint64_t)days_in_month(*y, *m) /
	       1000;
}

static const int hour_weekday[24] = {
	2, 1, 1, 1, 1, 2, 5, 18, 62, 100, 108, 100, 72, 88, 98, 94, 80, 52, 28, 18, 14, 10, 6, 4,
};
static const int hour_weekend[24] = {
	3, 2, 2, 1, 1, 2, 4, 8, 16, 28, 36, 38, 36, 34, 32, 30, 28, 24, 20, 16, 14, 10, 7, 5,
};
static const int day_factor[7] = { 16, 118, 106, 100, 98, 88, 30 }; /* Sunday first */

static void progress(const struct gen *g, uint64_t done)
{
	if (g->o.tickets >= 100000 && done % 65536 == 0)
		fprintf(stderr, "\r" PROG ": %3d%% of %lld tickets",
			(int)(done * 100 / (uint64_t)g->o.tickets), g->o.tickets);
}

/* Tickets (and their surveys), month by month in creation order. */
static int write_tickets(struct gen *g)
{
	uint64_t cum[MAX_MONTHS + 1], total, k = 0, wsum;
	uint32_t w[31 * 24];
	uint64_t wcum[31 * 24 + 1];
	int mi, y, m, show = isatty(2);

	cum[0] = 0;
	for (mi = 0; mi < g->o.months; mi++)
		cum[mi + 1] = cum[mi] + month_weight(g, mi, &y, &m);
	total = cum[g->o.months];

	for (mi = 0; mi < g->o.months; mi++) {
		uint64_t n = (uint64_t)g->o.tickets * cum[mi + 1] / total -
			     (uint64_t)g->o.tickets * cum[mi] / total;
		uint64_t j;
		int dim, day, s, span = g->o.months > 1 ? g->o.months - 1 : 1;
		int64_t d0;

		month_weight(g, mi, &y, &m);
		dim = days_in_month(y, m);
		d0 = days_from_civil(y, m, 1);
		/* chat grows, e-mail shrinks */
		g->chan_w[CH_EMAIL] = 36 - 8 * mi / span;
		g->chan_w[CH_PHONE] = 20;
		g->chan_w[CH_CHAT] = 18 + 8 * mi / span;
		g->chan_w[CH_WEB] = 16;
		g->chan_w[CH_SOCIAL] = 10;
		month_agents(g, mi);

		wcum[0] = 0;
		for (day = 0; day < dim; day++) {
			int wd = weekday(d0 + day), hol = is_holiday(d0 + day);
			int64_t dayw = (hol ? 14 : day_factor[wd]) * (85 + (int)rng_below(&g->tick, 31));
			const int *shape = wd == 0 || wd == 6 || hol ? hour_weekend : hour_weekday;
			int h;

			for (h = 0; h < 24; h++) {
				int64_t x = shape[h] * dayw / 100 * (80 + (int)rng_below(&g->tick, 41)) / 100;

				if (wd == 0 && h == 2)
					x = 0; /* see dst_safe */
				else if (x < 1)
					x = 1;
				s = day * 24 + h;
				w[s] = (uint32_t)x;
				wcum[s + 1] = wcum[s] + (uint64_t)x;
			}
		}
		wsum = wcum[dim * 24];
		/* Stratified positions along the month's weighted time: increasing in j, so the
		 * tickets come out sorted.  Fine units: 2048 per unit of weight. */
		s = 0;
		for (j = 0; j < n; j++, k++) {
			uint64_t pos = ((j << 11) + rng_below(&g->tick, 2048)) * wsum / n;
			int64_t created;

			while (wcum[s + 1] << 11 <= pos)
				s++;
			created = (d0 + s / 24) * DAY + (int64_t)(s % 24) * HOUR +
				  (int64_t)((pos - (wcum[s] << 11)) * HOUR / ((uint64_t)w[s] << 11));
			if (write_ticket(g, k, created, mi)) {
				if (show)
					fputc('\n', stderr);
				return -1;
			}
			if (show)
				progress(g, k + 1);
		}
	}
	if (show && g->o.tickets >= 100000)
		fprintf(stderr, "\r" PROG ": 100%% of %lld tickets\n", g->o.tickets);
	return 0;
}

/* One assessment per agent per month on staff, by the lead of the agent's team then. */
static int write_assessments(struct gen *g)
{
	struct line *l = &g->l;
	int mi, i, y, m;

	for (mi = 0; mi < g->o.months; mi++) {
		month_weight(g, mi, &y, &m);
		for (i = 0; i < g->o.agents; i++) {
			const struct agent *a = &g->agents[i];
			int64_t v = a->assess + rng_normal(&g->asmt, 35);

			if (mi < a->first_month)
				continue;
			if (i == g->trainee || i == g->joiner)
				v += 8 * (mi - a->first_month); /* learning */
			put_csv(l, a->name);
			put_c(l, ',');
			put_uint(l, (uint64_t)y, 4);
			put_c(l, '-');
			put_uint(l, (uint64_t)m, 2);
			put_c(l, ',');
			put_tenths(l, clamp(v, 0, 1000));
			put_c(l, ',');
			put_csv(l, team_leads[team_of(g, i, mi)]);
			put_c(l, '\n');
			if (put_flush(l, g->af))
				return -1;
		}
	}
	return 0;
}

/* ---- files ---- */

enum { F_TICKETS, F_SURVEYS, F_ASSESSMENTS, NFILES };
static const char *const file_names[NFILES] = { "tickets.csv", "surveys.csv",
						"assessments.csv" };
static const char *const headers[NFILES] = {
	"ticket_id,created_at,first_response_at,resolved_at,closed_at,updated_at,status,agent,"
	"team,channel,category,priority,reopen_count,replies,subject\n",
	"survey_id,ticket_id,agent,submitted_at,score,nps,attitude,skill,timeliness,"
	"follow_through\n",
	"agent,period,score,assessor\n",
};

struct outfile {
	char tmp[4096];
	char final[4096];
	FILE *fp;
	char *buf;
};

/* mkdir -p: 0, or -1 with errno set. */
static int make_dirs(const char *dir)
{
	char path[4096];
	size_t i, n = strlen(dir);
	struct stat st;

	if (n == 0 || n >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		if (path[i - 1] == '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return -1;
		if (i < n)
			path[i] = '/';
	}
	if (stat(dir, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static int out_open(struct outfile *f, const char *dir, const char *name)
{
	int fd;
	mode_t um;

	if (snprintf(f->final, sizeof f->final, "%s/%s", dir, name) >= (int)sizeof f->final ||
	    snprintf(f->tmp, sizeof f->tmp, "%s/.%s.XXXXXX", dir, name) >= (int)sizeof f->tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(f->tmp);
	if (fd < 0) {
		f->tmp[0] = '\0';
		return -1;
	}
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) != 0 || !(f->fp = fdopen(fd, "w"))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	f->buf = malloc(1 << 18);
	if (f->buf)
		setvbuf(f->fp, f->buf, _IOFBF, 1 << 18);
	return 0;
}

/* Close f; 0, or -1 with errno set when anything written was lost. */
static int out_close(struct outfile *f)
{
	int rc = 0, e = 0;

	if (!f->fp)
		return 0;
	errno = 0;
	if (fflush(f->fp) != 0 || ferror(f->fp)) {
		rc = -1;
		e = errno ? errno : EIO;
	}
	if (fclose(f->fp) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	f->fp = NULL;
	free(f->buf);
	f->buf = NULL;
	errno = e;
	return rc;
}

/* ---- command line ---- */

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "PROG: message" (when fmt is not NULL) and the usage to stderr; returns 64. */
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fputs(PROG ": ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fputs(usage_text, stderr);
	return SKPI_EXIT_USAGE;
}

static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o, int *done)
{
	enum { O_AGENTS = 256, O_END, O_HELP, O_MONTHS, O_OUT, O_SEED, O_SPT, O_TICKETS,
	       O_VERSION };
	static const struct option longopts[] = {
		{ "agents", required_argument, NULL, O_AGENTS },
		{ "end", required_argument, NULL, O_END },
		{ "help", no_argument, NULL, O_HELP },
		{ "months", required_argument, NULL, O_MONTHS },
		{ "out", required_argument, NULL, O_OUT },
		{ "seed", required_argument, NULL, O_SEED },
		{ "surveys-per-ticket", required_argument, NULL, O_SPT },
		{ "tickets", required_argument, NULL, O_TICKETS },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	long long v;

	*done = 0;
	o->agents = 24;
	o->months = 12;
	o->end_y = 2026;
	o->end_m = 10;
	o->tickets = -1;
	o->seed = 1;
	o->spt_ppm = 350000;
	o->out = NULL;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case O_AGENTS:
			if (parse_int(optarg, 1, MAX_AGENTS - MAX_CURATED, &v))
				return usage_error("--agents '%s' is not a number from 1 to 400",
						   optarg);
			o->agents = (int)v;
			break;
		case O_END: {
			long long y, m;
			char ybuf[5], mbuf[3];

			if (strlen(optarg) != 7 || optarg[4] != '-') {
				return usage_error("--end '%s' is not a month (YYYY-MM)", optarg);
			}
			memcpy(ybuf, optarg, 4);
			ybuf[4] = '\0';
			memcpy(mbuf, optarg + 5, 2);
			mbuf[2] = '\0';
			if (parse_int(ybuf, 1980, 9998, &y) || parse_int(mbuf, 1, 12, &m))
				return usage_error("--end '%s' is not a month from 1980-01 to "
						   "9998-12 (YYYY-MM)", optarg);
			o->end_y = (int)y;
			o->end_m = (int)m;
			break;
		}
		case O_HELP:
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			fputs("\n" CLI_EXIT_CODES, stdout);
			*done = 1;
			return SKPI_EXIT_OK;
		case O_MONTHS:
			if (parse_int(optarg, 1, MAX_MONTHS, &v))
				return usage_error("--months '%s' is not a number from 1 to 120",
						   optarg);
			o->months = (int)v;
			break;
		case O_OUT:
			if (!*optarg)
				return usage_error("--out '%s' is empty", optarg);
			o->out = optarg;
			break;
		case O_SEED: {
			char *end;
			unsigned long long s;

			errno = 0;
			s = strtoull(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || errno || *end)
				return usage_error("--seed '%s' is not a number from 0 to "
						   "18446744073709551615", optarg);
			o->seed = (uint64_t)s;
			break;
		}
		case O_SPT: {
			char *end;
			double f;

			errno = 0;
			f = strtod(optarg, &end);
			if (!((*optarg >= '0' && *optarg <= '9') || *optarg == '.') || errno ||
			    *end || !(f >= 0 && f <= 1))
				return usage_error("--surveys-per-ticket '%s' is not a number from "
						   "0 to 1", optarg);
			o->spt_ppm = (long)(f * 1000000 + 0.5);
			break;
		}
		case O_TICKETS:
			if (parse_int(optarg, 0, MAX_TICKETS, &v))
				return usage_error("--tickets '%s' is not a number from 0 to "
						   "100000000", optarg);
			o->tickets = v;
			break;
		case O_VERSION:
			fputs(PROG " " SKPI_VERSION "\n", stdout);
			*done = 1;
			return SKPI_EXIT_OK;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt >= O_AGENTS)
				return usage_error("option '%s' takes no value", argv[optind - 1]);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->tickets < 0 && !o->out)
		return usage_error(NULL);
	if (o->tickets < 0)
		return usage_error("--tickets is required");
	if (!o->out)
		return usage_error("--out is required");
	return SKPI_EXIT_OK;
}

static int check_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		fprintf(stderr, PROG ": cannot write to standard output: %s\n",
			strerror(errno ? errno : EIO));
		return SKPI_EXIT_IOERR;
	}
	return SKPI_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct gen g;
	struct outfile f[NFILES];
	int rc, done, i, failed = -1, werr = 0;

	memset(&g, 0, sizeof g);
	memset(f, 0, sizeof f);
	rc = parse_opts(argc, argv, &g.o, &done);
	if (rc != SKPI_EXIT_OK || done)
		return rc == SKPI_EXIT_OK ? check_stdout() : rc;

	g.agents = calloc((size_t)g.o.agents, sizeof *g.agents);
	g.agent_cum = calloc((size_t)g.o.agents, sizeof *g.agent_cum);
	if (!g.agents || !g.agent_cum) {
		fprintf(stderr, PROG ": out of memory\n");
		rc = SKPI_EXIT_SOFTWARE;
		goto out;
	}
	roster_build(&g);
	rng_seed(&g.tick, g.o.seed, 1);
	rng_seed(&g.surv, g.o.seed, 2);
	rng_seed(&g.asmt, g.o.seed, 3);
	{
		int y, m;

		month_weight(&g, g.o.months - 1, &y, &m);
		g.asof = (days_from_civil(y, m, 1) + days_in_month(y, m)) * DAY;
	}

	if (make_dirs(g.o.out) != 0) {
		fprintf(stderr, PROG ": cannot create directory '%s': %s\n", g.o.out,
			strerror(errno));
		rc = SKPI_EXIT_CANTCREAT;
		goto out;
	}
	for (i = 0; i < NFILES; i++) {
		if (out_open(&f[i], g.o.out, file_names[i]) != 0) {
			fprintf(stderr, PROG ": cannot create '%s/%s': %s\n", g.o.out,
				file_names[i], strerror(errno));
			rc = SKPI_EXIT_CANTCREAT;
			goto out;
		}
		if (fputs(headers[i], f[i].fp) == EOF) {
			failed = i;
			werr = errno;
			break;
		}
	}
	g.tf = f[F_TICKETS].fp;
	g.sf = f[F_SURVEYS].fp;
	g.af = f[F_ASSESSMENTS].fp;
	if (failed < 0 && write_assessments(&g)) {
		failed = F_ASSESSMENTS;
		werr = errno;
	}
	if (failed < 0 && write_tickets(&g)) {
		failed = ferror(g.sf) ? F_SURVEYS : F_TICKETS;
		werr = errno;
	}
	for (i = 0; i < NFILES; i++) {
		if (out_close(&f[i]) != 0 && failed < 0) {
			failed = i;
			werr = errno;
		}
	}
	if (failed >= 0) {
		fprintf(stderr, PROG ": cannot write '%s': %s\n", f[failed].final,
			strerror(werr ? werr : EIO));
		rc = SKPI_EXIT_IOERR;
		goto out;
	}
	for (i = 0; i < NFILES; i++) {
		if (rename(f[i].tmp, f[i].final) != 0) {
			fprintf(stderr, PROG ": cannot create '%s': %s\n", f[i].final,
				strerror(errno));
			rc = SKPI_EXIT_CANTCREAT;
			goto out;
		}
		f[i].tmp[0] = '\0';
	}
	rc = SKPI_EXIT_OK;
out:
	for (i = 0; i < NFILES; i++) {
		out_close(&f[i]);
		if (f[i].tmp[0])
			unlink(f[i].tmp);
	}
	free(g.agents);
	free(g.agent_cum);
	return rc;
}
