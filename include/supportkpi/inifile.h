/* inifile — INI files (mapping files, the config file) read with libinih, with the line
 * number of every entry so that errors say 'FILE' line N.
 *
 * Debian's libinih does not pass line numbers to the handler and cuts lines at 200 bytes;
 * this wrapper counts lines itself and refuses an over-long line instead of cutting it.
 * Lists may be split over several lines by repeating the key. */
#ifndef SUPPORTKPI_INIFILE_H
#define SUPPORTKPI_INIFILE_H

#include "supportkpi/err.h"

/* Called for each `key = value` (section "" before the first [section]).  Return SKPI_OK
 * to go on; another value stops the parse and is returned (fill d; the file and line are
 * added when d->file is left empty). */
typedef skpi_err (*inifile_fn)(void *ctx, const char *section, const char *key,
			       const char *value, long line, skpi_diag *d);

/* Parse the file at path.  Missing or unreadable file: SKPI_ERR_NOINPUT; a line that is not
 * `key = value`, `[section]` or a comment: SKPI_ERR_CONFIG. */
skpi_err inifile_parse(const char *path, inifile_fn fn, void *ctx, skpi_diag *d);

/* Split a comma-separated list value in place: calls each(ctx, item) for every trimmed,
 * non-empty item; stops at the first error and returns it. */
skpi_err inifile_each_item(const char *value, skpi_err (*each)(void *ctx, const char *item),
			   void *ctx);

#endif
