/* err — error messages, exit codes and the diagnostic struct. */
#include <stdio.h>
#include <string.h>

#include "supportkpi/err.h"

static const char *const messages[] = {
	[SKPI_OK] = "success",
	[SKPI_ERR_NOMEM] = "out of memory",
	[SKPI_ERR_USAGE] = "invalid argument",
	[SKPI_ERR_NOINPUT] = "input missing or unreadable",
	[SKPI_ERR_IO] = "input/output error",
	[SKPI_ERR_CREATE] = "cannot create output",
	[SKPI_ERR_CSV] = "malformed CSV",
	[SKPI_ERR_ENCODING] = "invalid character encoding",
	[SKPI_ERR_HEADER] = "required column missing",
	[SKPI_ERR_CONFIG] = "invalid configuration",
	[SKPI_ERR_VALUE] = "invalid value",
	[SKPI_ERR_DB] = "database error",
	[SKPI_ERR_BUSY] = "busy: locked by another process",
	[SKPI_ERR_SCHEMA] = "database written by a newer supportkpi",
	[SKPI_ERR_NODATA] = "no data",
	[SKPI_ERR_EXTERNAL] = "external program failed",
	[SKPI_ERR_INTERNAL] = "internal error",
};

/* messages[] must name every code: the unit test checks the length too. */
_Static_assert(sizeof messages / sizeof messages[0] == SKPI_ERR__COUNT,
	       "every skpi_err needs a message");

const char *skpi_strerror(skpi_err err)
{
	if ((int)err < 0 || err >= SKPI_ERR__COUNT || !messages[err])
		return "unknown error";
	return messages[err];
}

int skpi_exit_code(skpi_err err)
{
	switch (err) {
	case SKPI_OK: return SKPI_EXIT_OK;
	case SKPI_ERR_USAGE: return SKPI_EXIT_USAGE;
	case SKPI_ERR_CSV:
	case SKPI_ERR_ENCODING:
	case SKPI_ERR_HEADER:
	case SKPI_ERR_VALUE:
	case SKPI_ERR_NODATA: return SKPI_EXIT_DATAERR;
	case SKPI_ERR_NOINPUT: return SKPI_EXIT_NOINPUT;
	case SKPI_ERR_CREATE: return SKPI_EXIT_CANTCREAT;
	case SKPI_ERR_IO: return SKPI_EXIT_IOERR;
	case SKPI_ERR_BUSY: return SKPI_EXIT_TEMPFAIL;
	case SKPI_ERR_CONFIG: return SKPI_EXIT_CONFIG;
	case SKPI_ERR_EXTERNAL: return SKPI_EXIT_WARN;
	case SKPI_ERR_SCHEMA:
	case SKPI_ERR_DB:
	case SKPI_ERR_NOMEM:
	case SKPI_ERR_INTERNAL:
	case SKPI_ERR__COUNT: break;
	}
	return SKPI_EXIT_SOFTWARE;
}

void skpi_diag_clear(skpi_diag *d)
{
	if (d)
		memset(d, 0, sizeof *d);
}

skpi_err skpi_diag_set(skpi_diag *d, skpi_err code, const char *file, long line,
		       const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return code;
	skpi_diag_clear(d);
	d->code = code;
	if (file)
		snprintf(d->file, sizeof d->file, "%s", file);
	d->line = line;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	return code;
}

void skpi_printable(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t o = 0, i;

	if (!dstsz)
		return;
	for (i = 0; s && i < n && o + 1 < dstsz; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (s && i < n && dstsz > 4) {
		/* cut: back off to a UTF-8 boundary and mark it */
		o = o > dstsz - 4 ? dstsz - 4 : o;
		while (o > 0 && ((unsigned char)dst[o] & 0xC0) == 0x80)
			o--;
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

void skpi_diag_value(skpi_diag *d, const char *column, const char *value, size_t len)
{
	if (!d)
		return;
	snprintf(d->column, sizeof d->column, "%s", column ? column : "");
	skpi_printable(d->value, sizeof d->value, value, value ? len : 0);
}

void skpi_diag_hint(skpi_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	vsnprintf(d->hint, sizeof d->hint, fmt, ap);
	va_end(ap);
}

void skpi_diag_print(const skpi_diag *d, const char *prog, FILE *fp)
{
	const char *msg = d->msg[0] ? d->msg : skpi_strerror(d->code);

	fprintf(fp, "%s: ", prog);
	if (d->file[0])
		fprintf(fp, "'%s'", d->file);
	if (d->line > 0)
		fprintf(fp, "%sline %ld", d->file[0] ? " " : "", d->line);
	if (d->file[0] || d->line > 0)
		fputs(": ", fp);
	fprintf(fp, "%s\n", msg);
	if (d->hint[0])
		fprintf(fp, "%s: hint: %s\n", prog, d->hint);
}
