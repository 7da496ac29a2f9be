/* rowmap — header matching, mapping files, timestamps, statuses, null markers. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "supportkpi/inifile.h"
#include "supportkpi/rowmap.h"
#include "supportkpi/tz.h"

static const rowmap_col ticket_cols[] = {
	{ "ticket_id", RM_KEY, 1, 0, 0 },
	{ "created_at", RM_TIME, 1, 0, 0 },
	{ "first_response_at", RM_TIME, 0, 0, 0 },
	{ "resolved_at", RM_TIME, 0, 0, 0 },
	{ "closed_at", RM_TIME, 0, 0, 0 },
	{ "updated_at", RM_TIME, 0, 0, 0 },
	{ "status", RM_STATUS, 0, 0, 0 },
	{ "agent", RM_TEXT, 0, 0, 0 },
	{ "team", RM_TEXT, 0, 0, 0 },
	{ "channel", RM_TEXT, 0, 0, 0 },
	{ "category", RM_TEXT, 0, 0, 0 },
	{ "priority", RM_TEXT, 0, 0, 0 },
	{ "reopen_count", RM_INT, 0, 0, 1e6 },
	{ "replies", RM_INT, 0, 0, 1e6 },
	{ "subject", RM_TEXT, 0, 0, 0 },
};

static const rowmap_col survey_cols[] = {
	{ "survey_id", RM_KEY, 0, 0, 0 },
	{ "ticket_id", RM_KEY, 0, 0, 0 },
	{ "agent", RM_TEXT, 0, 0, 0 },
	{ "submitted_at", RM_TIME, 1, 0, 0 },
	{ "score", RM_INT, 0, 1, 5 },
	{ "nps", RM_INT, 0, 0, 10 },
	{ "attitude", RM_INT, 0, 1, 4 },
	{ "skill", RM_INT, 0, 1, 4 },
	{ "timeliness", RM_INT, 0, 1, 4 },
	{ "follow_through", RM_INT, 0, 1, 4 },
};

static const rowmap_col assessment_cols[] = {
	{ "agent", RM_KEY, 1, 0, 0 },
	{ "period", RM_MONTH, 1, 0, 0 },
	{ "score", RM_REAL, 1, 0, 100 },
	{ "assessor", RM_TEXT, 0, 0, 0 },
};

static const char *const kind_names[] = { "tickets", "surveys", "assessments" };
static const char *const status_names[] = { "open", "pending", "resolved", "closed" };

/* the vocabulary every export starts with; a mapping file adds to it */
static const struct { const char *raw; int status; } default_vocab[] = {
	{ "open", SKPI_ST_OPEN }, { "new", SKPI_ST_OPEN }, { "in progress", SKPI_ST_OPEN },
	{ "assigned", SKPI_ST_OPEN }, { "reopened", SKPI_ST_OPEN },
	{ "pending", SKPI_ST_PENDING }, { "on hold", SKPI_ST_PENDING },
	{ "waiting", SKPI_ST_PENDING }, { "waiting on customer", SKPI_ST_PENDING },
	{ "resolved", SKPI_ST_RESOLVED }, { "solved", SKPI_ST_RESOLVED },
	{ "closed", SKPI_ST_CLOSED },
};

const char *skpi_kind_name(skpi_kind k)
{
	return (unsigned)k < 3 ? kind_names[k] : "?";
}

int skpi_kind_parse(const char *name, skpi_kind *k)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(name, kind_names[i]) == 0) {
			*k = (skpi_kind)i;
			return 0;
		}
	return -1;
}

const char *skpi_status_name(int st)
{
	return st >= 0 && st < 4 ? status_names[st] : NULL;
}

const rowmap_col *rowmap_columns(skpi_kind kind, size_t *n)
{
	switch (kind) {
	case SKPI_KIND_TICKETS:
		*n = sizeof ticket_cols / sizeof ticket_cols[0];
		return ticket_cols;
	case SKPI_KIND_SURVEYS:
		*n = sizeof survey_cols / sizeof survey_cols[0];
		return survey_cols;
	case SKPI_KIND_ASSESSMENTS:
		*n = sizeof assessment_cols / sizeof assessment_cols[0];
		return assessment_cols;
	}
	*n = 0;
	return NULL;
}

int rowmap_column_index(skpi_kind kind, const char *name)
{
	size_t n;
	const rowmap_col *c = rowmap_columns(kind, &n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].name, name) == 0)
			return (int)i;
	return -1;
}

static skpi_err add_vocab(rowmap *m, const char *raw, int status)
{
	struct rowmap_vocab *v;

	for (size_t i = 0; i < m->nvocab; i++)
		if (strcasecmp(m->vocab[i].raw, raw) == 0) {
			if (m->vocab[i].status == status)
				return SKPI_OK;
			return SKPI_ERR_CONFIG;
		}
	v = realloc(m->vocab, (m->nvocab + 1) * sizeof *v);
	if (!v)
		return SKPI_ERR_NOMEM;
	m->vocab = v;
	v[m->nvocab].raw = strdup(raw);
	if (!v[m->nvocab].raw)
		return SKPI_ERR_NOMEM;
	v[m->nvocab++].status = status;
	return SKPI_OK;
}

skpi_err rowmap_init(rowmap *m, skpi_kind kind)
{
	memset(m, 0, sizeof *m);
	m->kind = kind;
	m->cols = rowmap_columns(kind, &m->ncols);
	m->delim = ',';
	m->map_hint = "pass it with --map";
	for (size_t i = 0; i < ROWMAP_MAX_COLS; i++)
		m->index[i] = -1;
	for (size_t i = 0; i < sizeof default_vocab / sizeof default_vocab[0]; i++)
		if (add_vocab(m, default_vocab[i].raw, default_vocab[i].status)) {
			rowmap_release(m);
			return SKPI_ERR_NOMEM;
		}
	return SKPI_OK;
}

void rowmap_release(rowmap *m)
{
	free(m->map_path);
	for (size_t i = 0; i < ROWMAP_MAX_COLS; i++) {
		free(m->header[i]);
		free(m->format[i]);
	}
	free(m->default_format);
	free(m->encoding);
	for (size_t i = 0; i < m->nnulls; i++)
		free(m->nulls[i]);
	free(m->nulls);
	for (size_t i = 0; i < m->nvocab; i++)
		free(m->vocab[i].raw);
	free(m->vocab);
	for (size_t i = 0; m->header_names && i < m->header_fields; i++)
		free(m->header_names[i]);
	free(m->header_names);
	memset(m, 0, sizeof *m);
}

/* --- the mapping file ------------------------------------------------------------ */

struct load_ctx {
	rowmap *m;
	skpi_diag *d;
	int status;      /* for [status] items */
	const char *key; /* for messages */
};

static skpi_err add_null(void *ctx, const char *item)
{
	struct load_ctx *c = ctx;
	char **n = realloc(c->m->nulls, (c->m->nnulls + 1) * sizeof *n);

	if (!n)
		return SKPI_ERR_NOMEM;
	c->m->nulls = n;
	n[c->m->nnulls] = strdup(item);
	if (!n[c->m->nnulls])
		return SKPI_ERR_NOMEM;
	c->m->nnulls++;
	return SKPI_OK;
}

static skpi_err add_status_item(void *ctx, const char *item)
{
	struct load_ctx *c = ctx;
	skpi_err e = add_vocab(c->m, item, c->status);

	if (e == SKPI_ERR_CONFIG) {
		skpi_diag_set(c->d, SKPI_ERR_CONFIG, NULL, 0,
			      "status '%s' is listed under '%s' and under another status", item, c->key);
		skpi_diag_hint(c->d, "give each raw status value one meaning");
	}
	return e;
}

static skpi_err set_str(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return SKPI_ERR_NOMEM;
	free(*dst);
	*dst = s;
	return SKPI_OK;
}

static skpi_err unknown_key(skpi_diag *d, const char *section, const char *key, const char *known)
{
	skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0, "unknown key '%s' in [%s]", key, section);
	skpi_diag_hint(d, "[%s] takes: %s", section, known);
	return SKPI_ERR_CONFIG;
}

static skpi_err column_names(const rowmap *m, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->ncols && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "", m->cols[i].name);
	return SKPI_OK;
}

static skpi_err on_map_entry(void *ctx, const char *section, const char *key, const char *value,
			     long line, skpi_diag *d)
{
	struct load_ctx *c = ctx;
	rowmap *m = c->m;
	int col;
	char names[512];

	(void)line;
	if (strcmp(section, "file") == 0) {
		if (strcmp(key, "encoding") == 0)
			return set_str(&m->encoding, value);
		if (strcmp(key, "timestamp_format") == 0) {
			rowmap_time t;

			if (!strchr(value, '%')) {
				skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0,
					      "timestamp_format '%s' has no %% fields", value);
				skpi_diag_hint(d, "e.g. timestamp_format = %%d/%%m/%%Y %%H:%%M");
				return SKPI_ERR_CONFIG;
			}
			(void)t;
			return set_str(&m->default_format, value);
		}
		if (strcmp(key, "delimiter") == 0) {
			if (strcmp(value, "tab") == 0 || strcmp(value, "\\t") == 0)
				m->delim = '\t';
			else if (strcmp(value, "semicolon") == 0)
				m->delim = ';';
			else if (strcmp(value, "comma") == 0)
				m->delim = ',';
			else if (strcmp(value, "pipe") == 0)
				m->delim = '|';
			else if (strlen(value) == 1 && value[0] != '"')
				m->delim = value[0];
			else {
				skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0, "delimiter '%s' is not one character", value);
				skpi_diag_hint(d, "use one character such as , or ; or a word: comma, semicolon, pipe, tab");
				return SKPI_ERR_CONFIG;
			}
			return SKPI_OK;
		}
		if (strcmp(key, "null") == 0)
			return inifile_each_item(value, add_null, c);
		if (strcmp(key, "kind") == 0) {
			if (strcmp(value, skpi_kind_name(m->kind)) != 0) {
				skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0,
					      "this mapping is for kind '%s', not '%s'", value, skpi_kind_name(m->kind));
				skpi_diag_hint(d, "pass the mapping file made for %s exports", skpi_kind_name(m->kind));
				return SKPI_ERR_CONFIG;
			}
			return SKPI_OK;
		}
		return unknown_key(d, section, key, "kind, encoding, delimiter, null, timestamp_format");
	}
	if (strcmp(section, "columns") == 0 || strcmp(section, "formats") == 0) {
		col = rowmap_column_index(m->kind, key);
		if (col < 0) {
			column_names(m, names, sizeof names);
			skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0, "'%s' is not a column of %s", key,
				      skpi_kind_name(m->kind));
			skpi_diag_hint(d, "the columns are: %s", names);
			return SKPI_ERR_CONFIG;
		}
		if (section[0] == 'c')
			return set_str(&m->header[col], value);
		if (m->cols[col].type != RM_TIME) {
			skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0, "'%s' is not a timestamp column", key);
			return SKPI_ERR_CONFIG;
		}
		return set_str(&m->format[col], value);
	}
	if (strcmp(section, "status") == 0) {
		for (int s = 0; s < 4; s++)
			if (strcmp(key, status_names[s]) == 0) {
				c->status = s;
				c->key = key;
				return inifile_each_item(value, add_status_item, c);
			}
		return unknown_key(d, section, key, "open, pending, resolved, closed");
	}
	skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0, "unknown section [%s]", section);
	skpi_diag_hint(d, "a mapping file has [file], [columns], [formats] and [status]");
	return SKPI_ERR_CONFIG;
}

skpi_err rowmap_load(rowmap *m, const char *path, skpi_diag *d)
{
	struct load_ctx c = { m, d, 0, NULL };
	skpi_err e;

	if (set_str(&m->map_path, path))
		return skpi_diag_set(d, SKPI_ERR_NOMEM, path, 0, "out of memory");
	e = inifile_parse(path, on_map_entry, &c, d);
	if (e == SKPI_ERR_NOINPUT)
		skpi_diag_hint(d, "check the --map path");
	return e;
}

/* --- the header ------------------------------------------------------------------ */

/* compare a header field with a name: ASCII case-insensitive, outer spaces ignored */
static int header_is(const char *field, size_t len, const char *name)
{
	size_t n = strlen(name);

	while (len && (*field == ' ' || *field == '\t'))
		field++, len--;
	while (len && (field[len - 1] == ' ' || field[len - 1] == '\t'))
		len--;
	return len == n && strncasecmp(field, name, n) == 0;
}

skpi_err rowmap_bind(rowmap *m, const csvin_row *h, const char *file, skpi_diag *d)
{
	char found[512];
	size_t o = 0;

	m->header_names = calloc(h->nfields ? h->nfields : 1, sizeof *m->header_names);
	if (!m->header_names)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, file, h->line, "out of memory");
	m->header_fields = h->nfields;
	found[0] = '\0';
	for (size_t f = 0; f < h->nfields; f++) {
		m->header_names[f] = strdup(h->fields[f] ? h->fields[f] : "");
		if (!m->header_names[f])
			return skpi_diag_set(d, SKPI_ERR_NOMEM, file, h->line, "out of memory");
		if (o < sizeof found - 1)
			o += (size_t)snprintf(found + o, sizeof found - o, "%s'%s'", f ? ", " : "",
					      m->header_names[f]);
	}
	for (size_t c = 0; c < m->ncols; c++) {
		const char *want = m->header[c] ? m->header[c] : m->cols[c].name;

		m->index[c] = -1;
		for (size_t f = 0; f < h->nfields; f++) {
			if (h->fields[f] && header_is(h->fields[f], h->lens[f], want)) {
				if (m->index[c] >= 0) {
					skpi_diag_set(d, SKPI_ERR_HEADER, file, h->line,
						      "the header has the column '%s' twice", want);
					skpi_diag_hint(d, "rename one of them, or map %s to the right one in "
						       "a mapping file ([columns] %s = ...) and %s",
						       m->cols[c].name, m->cols[c].name, m->map_hint);
					return SKPI_ERR_HEADER;
				}
				m->index[c] = (int)f;
			}
		}
		if (m->index[c] < 0 && (m->cols[c].required || m->header[c])) {
			if (m->header[c])
				skpi_diag_set(d, SKPI_ERR_HEADER, file, h->line,
					      "the mapping file names '%s' for %s, but the header has no such column",
					      want, m->cols[c].name);
			else
				skpi_diag_set(d, SKPI_ERR_HEADER, file, h->line,
					      "the required column '%s' is not in the header", want);
			/* one field holding another separator: the delimiter, not the names, is wrong */
			if (h->nfields == 1 && h->fields[0] && strpbrk(h->fields[0], ";\t|"))
				skpi_diag_hint(d, "the header is one field, '%.200s': the export is "
					       "separated by another character; set it in a mapping "
					       "file ([file] delimiter = semicolon, tab or pipe) and %s",
					       h->fields[0], m->map_hint);
			else
				skpi_diag_hint(d, "name the export's column in a mapping file ([columns] "
					       "%s = ...) and %s; the header has %s",
					       m->cols[c].name, m->map_hint, found);
			return SKPI_ERR_HEADER;
		}
	}
	return SKPI_OK;
}

const char *rowmap_field(const rowmap *m, const csvin_row *row, int c, size_t *len)
{
	int f = m->index[c];
	const char *s;
	size_t n;

	*len = 0;
	if (f < 0 || (size_t)f >= row->nfields || !row->fields[f])
		return NULL;
	s = row->fields[f];
	n = row->lens[f];
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (!n)
		return NULL;
	for (size_t i = 0; i < m->nnulls; i++)
		if (strlen(m->nulls[i]) == n && strncasecmp(m->nulls[i], s, n) == 0)
			return NULL;
	*len = n;
	return s;
}

int rowmap_status(const rowmap *m, const char *s, size_t n)
{
	for (size_t i = 0; i < m->nvocab; i++)
		if (strlen(m->vocab[i].raw) == n && strncasecmp(m->vocab[i].raw, s, n) == 0)
			return m->vocab[i].status;
	return SKPI_ST_NONE;
}

/* --- timestamps ------------------------------------------------------------------ */

/* read between min and max digits; -1 when fewer than min */
static int digits(const char **p, const char *end, int min, int max, int *v)
{
	int n = 0, x = 0;

	while (*p < end && n < max && **p >= '0' && **p <= '9') {
		x = x * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n < min)
		return -1;
	*v = x;
	return 0;
}

static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
				      "jul", "aug", "sep", "oct", "nov", "dec" };
static const char *const months_long[] = { "january", "february", "march", "april", "may", "june",
					   "july", "august", "september", "october", "november", "december" };

struct tparts {
	int y, mo, d, h, mi, s, pm, has_pm, h12;
	int has_off;
	long off;
};

static int parse_offset(const char **p, const char *end, struct tparts *t)
{
	int sign, hh, mm = 0;

	if (*p < end && (**p == 'Z' || **p == 'z')) {
		(*p)++;
		t->has_off = 1;
		t->off = 0;
		return 0;
	}
	if (*p >= end || (**p != '+' && **p != '-'))
		return -1;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (digits(p, end, 2, 2, &hh))
		return -1;
	if (*p < end && **p == ':')
		(*p)++;
	if (*p < end && **p >= '0' && **p <= '9' && digits(p, end, 2, 2, &mm))
		return -1;
	if (hh > 14 || mm > 59)
		return -1;
	t->has_off = 1;
	t->off = sign * (hh * 3600L + mm * 60L);
	return 0;
}

static int parse_with(const char *fmt, const char *s, const char *end, struct tparts *t)
{
	const char *p = s;

	for (const char *f = fmt; *f; f++) {
		if (*f == ' ') {
			if (p >= end || (*p != ' ' && *p != '\t'))
				return -1;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			continue;
		}
		if (*f != '%') {
			if (p >= end || *p != *f)
				return -1;
			p++;
			continue;
		}
		switch (*++f) {
		case 'Y': if (digits(&p, end, 4, 4, &t->y)) return -1; break;
		case 'y': if (digits(&p, end, 2, 2, &t->y)) return -1;
			  t->y += t->y < 69 ? 2000 : 1900; break;
		case 'm': if (digits(&p, end, 1, 2, &t->mo)) return -1; break;
		case 'd': if (digits(&p, end, 1, 2, &t->d)) return -1; break;
		case 'H': if (digits(&p, end, 1, 2, &t->h)) return -1; break;
		case 'I': if (digits(&p, end, 1, 2, &t->h)) return -1; t->h12 = 1; break;
		case 'M': if (digits(&p, end, 2, 2, &t->mi)) return -1; break;
		case 'S': if (digits(&p, end, 2, 2, &t->s)) return -1;
			  if (p < end && (*p == '.' || *p == ',')) { /* fractions are dropped */
				  int frac;
				  p++;
				  if (digits(&p, end, 1, 9, &frac)) return -1;
			  }
			  break;
		case 'T': if (parse_with("%H:%M:%S", p, end, t)) return -1;
			  while (p < end && ((*p >= '0' && *p <= '9') || *p == ':' || *p == '.')) p++;
			  break;
		case 'b': case 'B': {
			int found = 0;
			for (int i = 0; i < 12 && !found; i++) {
				size_t nl = strlen(months_long[i]);
				if ((size_t)(end - p) >= nl && strncasecmp(p, months_long[i], nl) == 0) {
					t->mo = i + 1; p += nl; found = 1;
				} else if (end - p >= 3 && strncasecmp(p, months[i], 3) == 0) {
					t->mo = i + 1; p += 3; found = 1;
				}
			}
			if (!found) return -1;
			break;
		}
		case 'p':
			if (end - p < 2) return -1;
			if (strncasecmp(p, "am", 2) == 0) t->pm = 0;
			else if (strncasecmp(p, "pm", 2) == 0) t->pm = 1;
			else return -1;
			t->has_pm = 1; p += 2;
			break;
		case 'z': if (parse_offset(&p, end, t)) return -1; break;
		case '%': if (p >= end || *p != '%') return -1; p++; break;
		default: return -1;
		}
	}
	return p == end ? 0 : -1;
}

/* YYYY-MM-DD or YYYY/MM/DD, then optionally [ T]HH:MM[:SS[.frac]] and an offset */
static int parse_standard(const char *s, const char *end, struct tparts *t)
{
	const char *p = s;
	char sep;

	if (digits(&p, end, 4, 4, &t->y) || p >= end || (*p != '-' && *p != '/'))
		return -1;
	sep = *p++;
	if (digits(&p, end, 1, 2, &t->mo) || p >= end || *p++ != sep || digits(&p, end, 1, 2, &t->d))
		return -1;
	if (p == end)
		return 0;
	if (*p == 'T' || (*p == 't' && sep == '-')) {
		p++;
	} else if (*p == ' ') {
		while (p < end && *p == ' ')
			p++;
	} else {
		return -1;
	}
	if (digits(&p, end, 1, 2, &t->h) || p >= end || *p++ != ':' || digits(&p, end, 2, 2, &t->mi))
		return -1;
	if (p < end && *p == ':') {
		p++;
		if (digits(&p, end, 2, 2, &t->s))
			return -1;
		if (p < end && (*p == '.' || *p == ',')) {
			int frac;
			p++;
			if (digits(&p, end, 1, 9, &frac))
				return -1;
		}
	}
	if (p < end && sep == '-') {
		while (p < end && *p == ' ')
			p++;
		if (parse_offset(&p, end, t))
			return -1;
	}
	return p == end ? 0 : -1;
}

int rowmap_parse_time(const char *fmt, const char *s, size_t n, rowmap_time *out)
{
	struct tparts t = { 0 };
	const char *end = s + n;

	t.d = 1;
	t.mo = 1;
	if (fmt ? parse_with(fmt, s, end, &t) : parse_standard(s, end, &t))
		return -1;
	if (t.h12) {
		if (!t.has_pm || t.h < 1 || t.h > 12)
			return -1;
		t.h = t.h % 12 + (t.pm ? 12 : 0);
	} else if (t.has_pm) {
		if (t.h < 1 || t.h > 12)
			return -1;
		t.h = t.h % 12 + (t.pm ? 12 : 0);
	}
	if (!skpi_valid_date(t.y, t.mo, t.d) || t.h > 23 || t.mi > 59 || t.s > 59)
		return -1;
	out->wall = skpi_days_from_civil(t.y, t.mo, t.d) * 86400 + t.h * 3600 + t.mi * 60 + t.s;
	out->has_offset = t.has_off;
	out->offset = t.off;
	return 0;
}

int rowmap_time_of(const rowmap *m, int c, const char *s, size_t n, rowmap_time *t)
{
	const char *fmt = m->format[c] ? m->format[c] : m->default_format;

	return rowmap_parse_time(fmt, s, n, t);
}

const char *rowmap_time_form(const rowmap *m, int c)
{
	const char *fmt = m->format[c] ? m->format[c] : m->default_format;

	return fmt ? fmt : "YYYY-MM-DD HH:MM[:SS], YYYY/MM/DD HH:MM[:SS] or ISO 8601";
}
