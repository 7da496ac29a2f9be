/* inifile — INI files with line numbers (see inifile.h). */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supportkpi/inifile.h"

struct reader {
	FILE *fp;
	const char *path;
	long line;
	int too_long;       /* line number of the first over-long line, or 0 */
	inifile_fn fn;
	void *ctx;
	skpi_diag *d;
	skpi_err err;
};

/* libinih takes ';' after a space for the start of an inline comment, so that
 * `delimiter = ;` would read as an empty value.  A value that starts with ';' is meant as
 * the value: close the gap after the '=' (or ':') so that libinih keeps it.  A ';' after
 * the value's first character, preceded by a space, still starts a comment. */
static void value_may_start_with_semicolon(char *s)
{
	char *p = s, *eq, *q;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == ';' || *p == '#' || *p == '[' || *p == '\0')
		return; /* a comment, a section or a blank line */
	eq = strpbrk(p, "=:");
	if (!eq)
		return;
	q = eq + 1;
	while (*q == ' ' || *q == '\t')
		q++;
	if (*q == ';' && q > eq + 1)
		memmove(eq + 1, q, strlen(q) + 1);
}

/* fgets that counts lines and notices lines longer than the buffer */
static char *read_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	char *s;
	size_t n;

	if (r->err || r->too_long)
		return NULL;
	s = fgets(str, num, r->fp);
	if (!s)
		return NULL;
	r->line++;
	n = strlen(s);
	if (n == (size_t)num - 1 && s[n - 1] != '\n' && !feof(r->fp)) {
		r->too_long = 1;
		return NULL;
	}
	value_may_start_with_semicolon(s);
	return s;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct reader *r = user;
	skpi_err e;

	if (r->err)
		return 0;
	e = r->fn(r->ctx, section, name, value, r->line, r->d);
	if (e) {
		r->err = e;
		if (r->d && !r->d->file[0]) {
			snprintf(r->d->file, sizeof r->d->file, "%s", r->path);
			r->d->line = r->line;
		}
		return 0;
	}
	return 1;
}

skpi_err inifile_parse(const char *path, inifile_fn fn, void *ctx, skpi_diag *d)
{
	struct reader r = { 0 };
	int rc;

	r.fp = fopen(path, "r");
	if (!r.fp) {
		skpi_diag_set(d, SKPI_ERR_NOINPUT, path, 0, "cannot read: %s", strerror(errno));
		return SKPI_ERR_NOINPUT;
	}
	r.path = path;
	r.fn = fn;
	r.ctx = ctx;
	r.d = d;
	rc = ini_parse_stream(read_line, &r, on_entry, &r);
	if (r.err) {
		fclose(r.fp);
		return r.err;
	}
	if (r.too_long) {
		skpi_diag_set(d, SKPI_ERR_CONFIG, path, r.line, "the line is longer than %d characters",
			      INI_MAX_LINE - 2);
		skpi_diag_hint(d, "split a long list over several lines that repeat the key");
	} else if (ferror(r.fp)) {
		skpi_diag_set(d, SKPI_ERR_IO, path, r.line, "read error");
	} else if (rc > 0) {
		skpi_diag_set(d, SKPI_ERR_CONFIG, path, rc,
			      "expected 'key = value', '[section]' or a comment");
	}
	fclose(r.fp);
	if (r.too_long)
		return SKPI_ERR_CONFIG;
	return rc > 0 ? SKPI_ERR_CONFIG : rc < 0 ? SKPI_ERR_IO : SKPI_OK;
}

skpi_err inifile_each_item(const char *value, skpi_err (*each)(void *ctx, const char *item),
			   void *ctx)
{
	char *copy = strdup(value), *p, *next;
	skpi_err e = SKPI_OK;

	if (!copy)
		return SKPI_ERR_NOMEM;
	for (p = copy; p && !e; p = next) {
		char *end;

		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*p)
			e = each(ctx, p);
	}
	free(copy);
	return e;
}
