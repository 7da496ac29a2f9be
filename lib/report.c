/* report — the unattended monthly run (see report.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "supportkpi/kpi.h"
#include "supportkpi/out.h"
#include "supportkpi/period.h"
#include "supportkpi/plot.h"
#include "supportkpi/rank.h"
#include "supportkpi/report.h"
#include "supportkpi/store.h"
#include "supportkpi/xlsx.h"

/* --- small helpers ------------------------------------------------------------------ */

static char *dup_str(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

/* "dir/name" (caller frees), NULL when out of memory */
static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* the directory part of path into buf ("." when there is none) */
static void dir_name(const char *path, char *buf, size_t n)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(buf, n, ".");
	else if (slash == path)
		snprintf(buf, n, "/");
	else
		snprintf(buf, n, "%.*s", (int)(slash - path), path);
}

/* fsync a directory so that a rename in it survives a power cut; 0 or -1 with errno */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc, saved;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	/* some file systems cannot fsync a directory: that is not a failure of ours */
	return rc != 0 && errno != EINVAL && errno != EROFS ? -1 : 0;
}

static int sync_dir_of(const char *path)
{
	char dir[4096];

	dir_name(path, dir, sizeof dir);
	return sync_dir(dir);
}

/* --- the lock ----------------------------------------------------------------------- */

char *report_lock_path(const report_settings *s, const char *db)
{
	size_t n;
	char *p;

	if (s && s->lock_file)
		return dup_str(s->lock_file);
	n = strlen(db) + sizeof ".lock";
	p = malloc(n);
	if (p)
		snprintf(p, n, "%s.lock", db);
	return p;
}

skpi_err report_lock(const char *path, int *fd, skpi_diag *d)
{
	char buf[128];
	ssize_t n;
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	skpi_err e = SKPI_OK;

	*fd = -1;
	if (f < 0) {
		e = skpi_diag_set(d, SKPI_ERR_CREATE, path, 0, "cannot open the lock file: %s",
				  strerror(errno));
		skpi_diag_hint(d, "the lock file's directory must be writable (set lock_file in [report])");
		goto out;
	}
	if (flock(f, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			e = skpi_diag_set(d, SKPI_ERR_IO, path, 0, "cannot lock: %s", strerror(errno));
			goto out;
		}
		n = pread(f, buf, sizeof buf - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		e = skpi_diag_set(d, SKPI_ERR_BUSY, path, 0, "another report run holds the lock%s%s%s",
				  buf[0] ? " (" : "", buf, buf[0] ? ")" : "");
		skpi_diag_hint(d, "wait for it to finish; a run that died has released the lock already");
		goto out;
	}
	{
		time_t now = time(NULL);
		struct tm tm;
		char when[32];
		int len;

		gmtime_r(&now, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		len = snprintf(buf, sizeof buf, "pid %ld, since %s\n", (long)getpid(), when);
		/* the note is for people: a failure to write it does not matter */
		if (ftruncate(f, 0) == 0 && pwrite(f, buf, (size_t)len, 0) < 0)
			errno = 0;
	}
	*fd = f;
	f = -1;
out:
	if (f >= 0)
		close(f);
	return e;
}

void report_unlock(int fd)
{
	if (fd >= 0) {
		if (ftruncate(fd, 0) != 0)
			errno = 0;
		close(fd); /* closing the last descriptor releases the flock */
	}
}

/* --- the inbox ---------------------------------------------------------------------- */

/* does name match one of the comma-separated patterns? */
static int matches(const char *patterns, const char *name)
{
	const char *p = patterns;
	char pat[512];

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len && len < sizeof pat) {
			memcpy(pat, p, len);
			pat[len] = '\0';
			if (fnmatch(pat, name, FNM_PERIOD) == 0)
				return 1;
		}
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

static int file_order(const report_file *f)
{
	if (f->state == REPORT_FILE_NEW)
		return f->kind;
	return REPORT_NKINDS + (int)f->state;
}

static int cmp_files(const void *a, const void *b)
{
	const report_file *x = a, *y = b;
	int ox = file_order(x), oy = file_order(y);

	if (ox != oy)
		return ox < oy ? -1 : 1;
	return strcmp(x->name, y->name);
}

void report_files_free(report_file *files, size_t n)
{
	if (!files)
		return;
	for (size_t i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].path);
		free(files[i].archived);
	}
	free(files);
}

skpi_err report_scan(const report_settings *s, report_file **files, size_t *n, skpi_diag *d)
{
	DIR *dir = NULL;
	struct dirent *de;
	report_file *v = NULL;
	size_t len = 0, cap = 0;
	skpi_err e = SKPI_OK;

	*files = NULL;
	*n = 0;
	dir = opendir(s->inbox);
	if (!dir) {
		e = skpi_diag_set(d, SKPI_ERR_NOINPUT, s->inbox, 0, "cannot read the inbox: %s",
				  strerror(errno));
		goto out;
	}
	for (;;) {
		struct stat sb;
		report_file *f;
		char *path;
		int nkinds = 0;

		errno = 0; /* readdir leaves it alone at the end, sets it on an error */
		if ((de = readdir(dir)) == NULL)
			break;
		if (de->d_name[0] == '.')
			continue; /* hidden: an upload in progress, our own temporary files */
		path = join(s->inbox, de->d_name);
		if (!path) {
			e = skpi_diag_set(d, SKPI_ERR_NOMEM, s->inbox, 0, "out of memory");
			goto out;
		}
		if (lstat(path, &sb) != 0 || S_ISDIR(sb.st_mode)) {
			free(path);
			continue; /* gone meanwhile, or a directory: not an export */
		}
		if (len == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			report_file *nv = realloc(v, ncap * sizeof *v);

			if (!nv) {
				free(path);
				e = skpi_diag_set(d, SKPI_ERR_NOMEM, s->inbox, 0, "out of memory");
				goto out;
			}
			v = nv;
			cap = ncap;
		}
		f = &v[len++];
		memset(f, 0, sizeof *f);
		f->path = path;
		f->name = dup_str(de->d_name);
		f->kind = -1;
		skpi_diag_clear(&f->diag);
		if (!f->name) {
			e = skpi_diag_set(d, SKPI_ERR_NOMEM, s->inbox, 0, "out of memory");
			goto out;
		}
		if (!S_ISREG(sb.st_mode)) {
			/* a symbolic link, a pipe: never moved or read, but said */
			f->state = REPORT_FILE_UNMATCHED;
			skpi_diag_set(&f->diag, SKPI_ERR_NOINPUT, path, 0, "is not a regular file");
			continue;
		}
		for (int k = 0; k < REPORT_NKINDS; k++) {
			if (s->patterns[k] && matches(s->patterns[k], f->name)) {
				if (!nkinds)
					f->kind = k;
				nkinds++;
			}
		}
		f->state = nkinds == 1 ? REPORT_FILE_NEW : nkinds ? REPORT_FILE_AMBIGUOUS
			: REPORT_FILE_UNMATCHED;
	}
	if (errno) {
		e = skpi_diag_set(d, SKPI_ERR_IO, s->inbox, 0, "cannot read the inbox: %s",
				  strerror(errno));
		goto out;
	}
	if (len)
		qsort(v, len, sizeof *v, cmp_files);
	*files = v;
	*n = len;
	v = NULL;
	len = 0;
out:
	if (dir)
		closedir(dir);
	report_files_free(v, len);
	return e;
}

/* --- archiving ---------------------------------------------------------------------- */

/* the candidate name in dir for src: NAME, or NAME.<sha12>.EXT when alt */
static char *archive_candidate(const char *src, const char *dir, const char *sha, int alt)
{
	const char *name = base_name(src), *dot = strrchr(name, '.');
	size_t stem, n;
	char *p;

	if (!alt)
		return join(dir, name);
	stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);
	n = strlen(dir) + strlen(name) + 16;
	p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%.*s.%.12s%s", dir, (int)stem, name, sha, name + stem);
	return p;
}

/* 1 when path exists and holds the bytes whose hash is sha, 0 when it holds others or
 * does not exist, -1 on a read error */
static int same_bytes(const char *path, const char *sha)
{
	char other[65];
	skpi_diag d;

	if (access(path, F_OK) != 0)
		return 0;
	skpi_diag_clear(&d);
	if (skpi_sha256_file(path, other, &d) != SKPI_OK)
		return -1;
	return strcmp(other, sha) == 0;
}

char *report_archive_name(const char *src, const char *dir, const char *sha256)
{
	char *p = archive_candidate(src, dir, sha256, 0);

	if (p && access(p, F_OK) == 0 && same_bytes(p, sha256) != 1) {
		free(p);
		p = archive_candidate(src, dir, sha256, 1);
	}
	return p;
}

/* copy src to a temporary file in the directory of dest, fsync it, rename it to dest */
static skpi_err copy_file(const char *src, const char *dest, skpi_diag *d)
{
	char dir[4096], *tmp = NULL, buf[65536];
	int in = -1, outfd = -1;
	struct stat sb;
	ssize_t n;
	size_t tn;
	skpi_err e = SKPI_OK;

	dir_name(dest, dir, sizeof dir);
	tn = strlen(dest) + 32;
	tmp = malloc(tn);
	if (!tmp) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, dest, 0, "out of memory");
		goto out;
	}
	snprintf(tmp, tn, "%s/.%s.report-tmp.XXXXXX", dir, base_name(dest));
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &sb) != 0) {
		e = skpi_diag_set(d, SKPI_ERR_NOINPUT, src, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	outfd = mkstemp(tmp);
	if (outfd < 0) {
		tmp[0] = '\0';
		e = skpi_diag_set(d, SKPI_ERR_CREATE, dest, 0, "cannot create a file in the archive: %s",
				  strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof buf)) != 0) {
		char *p = buf;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = skpi_diag_set(d, SKPI_ERR_IO, src, 0, "read error: %s", strerror(errno));
			goto out;
		}
		while (n > 0) {
			ssize_t w = write(outfd, p, (size_t)n);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				e = skpi_diag_set(d, SKPI_ERR_IO, dest, 0, "write error: %s", strerror(errno));
				goto out;
			}
			p += w;
			n -= w;
		}
	}
	if (fchmod(outfd, sb.st_mode & 0666) != 0 || fsync(outfd) != 0) {
		e = skpi_diag_set(d, SKPI_ERR_IO, dest, 0, "write error: %s", strerror(errno));
		goto out;
	}
	if (close(outfd) != 0) {
		outfd = -1;
		e = skpi_diag_set(d, SKPI_ERR_IO, dest, 0, "write error: %s", strerror(errno));
		goto out;
	}
	outfd = -1;
	if (rename(tmp, dest) != 0) {
		e = skpi_diag_set(d, SKPI_ERR_CREATE, dest, 0, "cannot rename into the archive: %s",
				  strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
out:
	if (in >= 0)
		close(in);
	if (outfd >= 0)
		close(outfd);
	if (tmp && tmp[0])
		unlink(tmp);
	free(tmp);
	return e;
}

skpi_err report_archive(const char *src, const char *dir, const char *sha256, char **dest,
			skpi_diag *d)
{
	char sha[65], *to = NULL;
	int same;
	skpi_err e = SKPI_OK;

	*dest = NULL;
	if (!sha256) {
		if ((e = skpi_sha256_file(src, sha, d)) != SKPI_OK)
			goto out;
		sha256 = sha;
	}
	to = report_archive_name(src, dir, sha256);
	if (!to) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, src, 0, "out of memory");
		goto out;
	}
	same = same_bytes(to, sha256);
	if (same == 1) {
		/* archived before (a run killed between the archive and the unlink): drop it */
		if (unlink(src) != 0) {
			e = skpi_diag_set(d, SKPI_ERR_IO, src, 0, "cannot remove from the inbox: %s",
					  strerror(errno));
			goto out;
		}
	} else if (rename(src, to) != 0) {
		if (errno != EXDEV) {
			e = skpi_diag_set(d, SKPI_ERR_CREATE, to, 0, "cannot move '%s' into the archive: %s",
					  src, strerror(errno));
			goto out;
		}
		/* another file system: a copy made durable before the original goes */
		if ((e = copy_file(src, to, d)) != SKPI_OK)
			goto out;
		if (sync_dir(dir) != 0) {
			e = skpi_diag_set(d, SKPI_ERR_IO, dir, 0, "cannot sync the archive: %s",
					  strerror(errno));
			goto out;
		}
		if (unlink(src) != 0) {
			e = skpi_diag_set(d, SKPI_ERR_IO, src, 0, "cannot remove from the inbox: %s",
					  strerror(errno));
			goto out;
		}
	}
	if (sync_dir(dir) != 0 || sync_dir_of(src) != 0) {
		e = skpi_diag_set(d, SKPI_ERR_IO, dir, 0, "cannot sync the archive: %s", strerror(errno));
		goto out;
	}
	*dest = to;
	to = NULL;
out:
	free(to);
	return e;
}

/* --- outputs written whole ---------------------------------------------------------- */

skpi_err report_out_open(report_out *o, const char *path, mode_t mode, skpi_diag *d)
{
	char dir[4096];
	size_t n;
	int fd = -1;
	skpi_err e = SKPI_OK;

	memset(o, 0, sizeof *o);
	o->mode = mode;
	o->path = dup_str(path);
	n = strlen(path) + 32;
	o->tmp = malloc(n);
	if (!o->path || !o->tmp) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, path, 0, "out of memory");
		goto out;
	}
	dir_name(path, dir, sizeof dir);
	snprintf(o->tmp, n, "%s/.%s.report-tmp.XXXXXX", dir, base_name(path));
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		o->tmp[0] = '\0';
		e = skpi_diag_set(d, SKPI_ERR_CREATE, path, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	o->fp = fdopen(fd, "wb");
	if (!o->fp) {
		e = skpi_diag_set(d, SKPI_ERR_CREATE, path, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	if (e)
		report_out_abort(o);
	return e;
}

/* fsync, chmod and rename the closed temporary file */
static skpi_err out_finish(report_out *o, skpi_diag *d)
{
	int fd = open(o->tmp, O_RDONLY | O_CLOEXEC);
	skpi_err e = SKPI_OK;

	if (fd < 0 || fchmod(fd, o->mode) != 0 || fsync(fd) != 0) {
		e = skpi_diag_set(d, SKPI_ERR_IO, o->path, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	if (rename(o->tmp, o->path) != 0) {
		e = skpi_diag_set(d, SKPI_ERR_CREATE, o->path, 0, "cannot rename into place: %s",
				  strerror(errno));
		goto out;
	}
	o->tmp[0] = '\0';
	if (sync_dir_of(o->path) != 0) {
		e = skpi_diag_set(d, SKPI_ERR_IO, o->path, 0, "cannot sync its directory: %s",
				  strerror(errno));
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	return e;
}

skpi_err report_out_commit(report_out *o, skpi_diag *d)
{
	skpi_err e = SKPI_OK;
	int bad;

	if (!o->fp)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, o->path, 0, "output not open");
	bad = fflush(o->fp) != 0 || ferror(o->fp);
	bad |= fsync(fileno(o->fp)) != 0;
	bad |= fclose(o->fp) != 0;
	o->fp = NULL;
	if (bad) {
		e = skpi_diag_set(d, SKPI_ERR_IO, o->path, 0, "cannot write: %s",
				  strerror(errno ? errno : EIO));
		goto out;
	}
	e = out_finish(o, d);
out:
	report_out_abort(o);
	return e;
}

skpi_err report_out_commit_file(report_out *o, skpi_diag *d)
{
	skpi_err e;

	if (o->fp) {
		fclose(o->fp);
		o->fp = NULL;
	}
	e = out_finish(o, d);
	report_out_abort(o);
	return e;
}

void report_out_abort(report_out *o)
{
	if (o->fp)
		fclose(o->fp);
	o->fp = NULL;
	if (o->tmp && o->tmp[0])
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
}

static void remove_tree(const char *path);

size_t report_out_sweep(const char *dirpath)
{
	DIR *dir = opendir(dirpath);
	struct dirent *de;
	size_t n = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		char *p;

		if (de->d_name[0] != '.' || !strstr(de->d_name, ".report-tmp."))
			continue;
		p = join(dirpath, de->d_name);
		if (p && unlink(p) == 0)
			n++;
		else if (p && errno == EISDIR) {
			remove_tree(p);
			n++;
		}
		free(p);
	}
	closedir(dir);
	return n;
}

/* --- the settings ------------------------------------------------------------------- */

static const char *const kind_keys[REPORT_NKINDS][2] = {
	{ "tickets_files", "tickets_map" },
	{ "surveys_files", "surveys_map" },
	{ "assessments_files", "assessments_map" },
};

/* how a mapping file is given to report, for ingest's hints (ingest_opts.map_hint) */
static const char *const map_hints[REPORT_NKINDS] = {
	"name it in the config ([report] tickets_map)",
	"name it in the config ([report] surveys_map)",
	"name it in the config ([report] assessments_map)",
};

void report_settings_release(report_settings *s)
{
	free(s->db);
	free(s->inbox);
	free(s->archive);
	free(s->outdir);
	free(s->log_file);
	free(s->lock_file);
	for (int k = 0; k < REPORT_NKINDS; k++) {
		free(s->patterns[k]);
		free(s->maps[k]);
	}
	free(s->period);
	free(s->charts);
	memset(s, 0, sizeof *s);
}

/* a directory setting that must exist (and be writable when rw) */
static skpi_err need_dir(const skpi_config *cfg, const char *key, char **out, int rw,
			 skpi_diag *d)
{
	struct stat sb;

	*out = config_path(cfg, "report", key);
	if (!*out) {
		if (config_section_line(cfg, "report") == 0)
			return config_fail(cfg, "report", key, d, "the config has no [report] section, "
					   "so it names no %s directory", key);
		return config_fail(cfg, "report", key, d, "[report] has no %s: it is required", key);
	}
	errno = 0;
	if (stat(*out, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		int missing = errno == ENOENT;

		config_fail(cfg, "report", key, d, "%s '%s' %s", key, *out,
			    missing ? "does not exist" : "is not a directory");
		skpi_diag_hint(d, "create it (mkdir -p '%s') or correct the path", *out);
		return SKPI_ERR_CONFIG;
	}
	if (rw && access(*out, W_OK | X_OK) != 0) {
		config_fail(cfg, "report", key, d, "%s '%s' is not writable: %s", key, *out,
			    strerror(errno));
		skpi_diag_hint(d, "the user running the report must be able to create files in it");
		return SKPI_ERR_CONFIG;
	}
	return SKPI_OK;
}

/* a file setting whose directory must exist */
static skpi_err need_parent(const skpi_config *cfg, const char *key, char **out, skpi_diag *d)
{
	char dir[4096];
	struct stat sb;

	*out = config_path(cfg, "report", key);
	if (!*out)
		return SKPI_OK;
	dir_name(*out, dir, sizeof dir);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || access(dir, W_OK | X_OK) != 0) {
		config_fail(cfg, "report", key, d, "%s '%s': its directory '%s' is missing or not "
			    "writable", key, *out, dir);
		skpi_diag_hint(d, "create the directory or correct the path");
		return SKPI_ERR_CONFIG;
	}
	return SKPI_OK;
}

static skpi_err dup_setting(const skpi_config *cfg, const char *key, char **out, skpi_diag *d)
{
	const char *v = config_str(cfg, "report", key);

	*out = NULL;
	if (v && !(*out = dup_str(v)))
		return skpi_diag_set(d, SKPI_ERR_NOMEM, cfg ? cfg->path : NULL, 0, "out of memory");
	return SKPI_OK;
}

skpi_err report_settings_load(const skpi_config *cfg, report_settings *s, skpi_diag *d)
{
	skpi_err e = SKPI_OK;
	int any = 0;

	memset(s, 0, sizeof *s);
	if ((e = need_dir(cfg, "inbox", &s->inbox, 1, d)) ||
	    (e = need_dir(cfg, "archive", &s->archive, 1, d)) ||
	    (e = need_dir(cfg, "outdir", &s->outdir, 1, d)) ||
	    (e = need_parent(cfg, "db", &s->db, d)) ||
	    (e = need_parent(cfg, "log_file", &s->log_file, d)) ||
	    (e = need_parent(cfg, "lock_file", &s->lock_file, d)))
		goto out;
	for (int k = 0; k < REPORT_NKINDS; k++) {
		if ((e = dup_setting(cfg, kind_keys[k][0], &s->patterns[k], d)))
			goto out;
		s->maps[k] = config_path(cfg, "report", kind_keys[k][1]);
		if (s->patterns[k] && strspn(s->patterns[k], " ,\t") == strlen(s->patterns[k])) {
			free(s->patterns[k]);
			s->patterns[k] = NULL;
		}
		if (s->maps[k] && !s->patterns[k]) {
			e = config_fail(cfg, "report", kind_keys[k][1], d, "%s is set but %s is not: no "
					"file would be read with it", kind_keys[k][1], kind_keys[k][0]);
			skpi_diag_hint(d, "add %s = PATTERN (e.g. %s-*.csv)", kind_keys[k][0],
				       skpi_kind_name((skpi_kind)k));
			goto out;
		}
		if (s->maps[k]) {
			rowmap m;
			skpi_diag md;

			skpi_diag_clear(&md);
			if ((e = rowmap_init(&m, (skpi_kind)k)) != SKPI_OK) {
				e = skpi_diag_set(d, e, cfg->path, 0, "out of memory");
				goto out;
			}
			e = rowmap_load(&m, s->maps[k], &md);
			rowmap_release(&m);
			if (e == SKPI_ERR_NOINPUT) {
				e = config_fail(cfg, "report", kind_keys[k][1], d, "%s '%s': %s",
						kind_keys[k][1], s->maps[k], md.msg);
				skpi_diag_hint(d, "a relative path is read from the config file's directory");
				goto out;
			}
			if (e) {
				/* the mapping file's own 'FILE' line N */
				if (e != SKPI_ERR_NOMEM)
					e = md.code = SKPI_ERR_CONFIG;
				if (d)
					*d = md;
				goto out;
			}
		}
		any |= s->patterns[k] != NULL;
	}
	if (!any) {
		e = config_fail(cfg, "report", "tickets_files", d, "[report] names no exports: set "
				"tickets_files, surveys_files or assessments_files");
		skpi_diag_hint(d, "e.g. tickets_files = tickets-*.csv");
		goto out;
	}
	/* config_load checked it: octal, 0400 to 0666 */
	s->file_mode = (mode_t)config_int(cfg, "report", "file_mode");
	if ((e = dup_setting(cfg, "period", &s->period, d)) ||
	    (e = dup_setting(cfg, "charts", &s->charts, d)))
		goto out;
	if (!s->period && !(s->period = dup_str("last-month"))) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
		goto out;
	}
	{
		skpi_period p;
		skpi_diag pd;

		skpi_diag_clear(&pd);
		if (period_parse(s->period, 20000, &p, &pd) != SKPI_OK) {
			e = config_fail(cfg, "report", "period", d, "period '%s' is not a period", s->period);
			skpi_diag_hint(d, "e.g. last-month, last-quarter or 2026-10");
			goto out;
		}
	}
	if (!s->charts && !(s->charts = dup_str("png"))) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (strcmp(s->charts, "png") && strcmp(s->charts, "svg") && strcmp(s->charts, "none")) {
		e = config_fail(cfg, "report", "charts", d, "charts '%s' is not png, svg or none",
				s->charts);
		goto out;
	}
	{
		rank_settings rs;

		if ((e = rank_settings_load(cfg, &rs, d)))
			goto out;
		/* known now, not only once a month's data is in: SLA weighed without a rule */
		if (rs.weight[RANK_SLA] > 0 && cfg->nrules == 0) {
			e = config_fail(cfg, "ranking", "weight_sla", d, "weight_sla is %g%s but the "
					"config has no [sla NAME] rule: no agent could ever be ranked",
					rs.weight[RANK_SLA], config_line(cfg, "ranking", "weight_sla") ?
					"" : " (the default)");
			skpi_diag_hint(d, "add [sla NAME] rules (docs/config.md), or set weight_sla = 0 "
				       "under [ranking] and share its weight among the others (they "
				       "must sum to 1)");
			goto out;
		}
	}
out:
	if (e)
		report_settings_release(s);
	return e;
}

/* --- the run ------------------------------------------------------------------------ */

struct run {
	const report_opts *o;
	const report_settings *s;
	report_summary *sum;
	sqlite3 *db;
	skpi_tz *tz;
	skpi_period period;
	int64_t as_of;
	kpi_cache *cache;   /* the outputs ask for some figures more than once: computed once */
	char map_sha[REPORT_NKINDS][65]; /* SHA-256 of each kind's mapping file, "" until read */
};

static void say(struct run *r, report_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct run *r, report_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!r->o->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->o->log(r->o->log_ctx, level, msg);
}

static skpi_err push(char ***v, size_t *n, const char *s, skpi_diag *d)
{
	char **nv = realloc(*v, (*n + 1) * sizeof **v);

	if (!nv)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
	*v = nv;
	if (!(nv[*n] = dup_str(s)))
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
	(*n)++;
	return SKPI_OK;
}

/* a warning: logged, and kept for the summary */
static skpi_err warn(struct run *r, skpi_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static skpi_err warn(struct run *r, skpi_diag *d, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	say(r, REPORT_WARN, "%s", msg);
	return push(&r->sum->warnings, &r->sum->nwarnings, msg, d);
}

/* a diagnostic as one line: "'file' line N: msg (hint)" */
static void diag_line(const skpi_diag *dg, char *buf, size_t n)
{
	int len = 0;

	if (dg->file[0] && dg->line)
		len = snprintf(buf, n, "'%s' line %ld: ", dg->file, dg->line);
	else if (dg->file[0])
		len = snprintf(buf, n, "'%s': ", dg->file);
	if (len < 0 || (size_t)len >= n)
		len = 0;
	snprintf(buf + len, n - (size_t)len, "%s%s%s", dg->msg[0] ? dg->msg : skpi_strerror(dg->code),
		 dg->hint[0] ? "; " : "", dg->hint);
}

/* Open the database: read-only for a dry run (NULL when it does not exist yet), else
 * created when missing, with the [calendar] time zone. */
static skpi_err open_db(struct run *r, skpi_diag *d)
{
	const char *path = r->s->db ? r->s->db : store_default_path(NULL);
	char zone[128];
	int exists = access(path, F_OK) == 0, rc;
	skpi_err e = SKPI_OK;

	if (r->o->dry_run) {
		if (!exists) {
			say(r, REPORT_INFO, "would create the database '%s'", path);
			snprintf(zone, sizeof zone, "%s", r->o->cfg && r->o->cfg->timezone ?
				 r->o->cfg->timezone : "UTC");
			return skpi_tz_load(zone, NULL, &r->tz, d);
		}
		rc = sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL);
		if (rc != SQLITE_OK) {
			e = store_fail(r->db, rc, "opening the database", d);
			snprintf(d->file, sizeof d->file, "%s", path);
			return e;
		}
		sqlite3_busy_timeout(r->db, 5000);
	} else {
		if ((e = store_open(path, STORE_OPEN_CREATE, &r->db, d)))
			return e;
		if (!exists) {
			say(r, REPORT_INFO, "created the database '%s'", path);
			if (r->o->cfg && r->o->cfg->timezone &&
			    (e = store_set_timezone(r->db, r->o->cfg->timezone, d)))
				return e;
		}
	}
	if ((e = store_timezone(r->db, zone, sizeof zone, d)) || (e = skpi_tz_load(zone, NULL, &r->tz, d)))
		return e;
	/* also gives the calendar the database's zone when [calendar] names none */
	return config_check_timezone(r->o->cfg, zone, d);
}

/* The earlier ingest of the same bytes and kind with the same mapping file, if any, as
 * `supportkpi ingest` decides it (ingest.c, find_previous): after the mapping is fixed, a
 * file put back into the inbox is read again.  An ingest that rejected every row loaded
 * nothing, and does not count. */
static skpi_err find_ingested(struct run *r, report_file *f, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	const char *map = r->s->maps[f->kind];
	char *map_sha = r->map_sha[f->kind];  /* read once per run, as the config is */
	skpi_err e = SKPI_OK;
	int rc;

	f->previous_id = 0;
	if (!r->db)
		return SKPI_OK;
	if (map && !map_sha[0] && skpi_sha256_file(map, map_sha, d) != SKPI_OK)
		return d ? d->code : SKPI_ERR_NOINPUT;
	rc = sqlite3_prepare_v2(r->db, "SELECT ingest_id, finished_at FROM ingest_log "
				"WHERE sha256 = ?1 AND kind = ?2 AND map_sha256 IS ?3 "
				"AND NOT (rows_read > 0 AND rejected = rows_read) "
				"ORDER BY ingest_id LIMIT 1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, f->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, skpi_kind_name((skpi_kind)f->kind), -1, SQLITE_STATIC);
		if (map_sha[0])
			sqlite3_bind_text(st, 3, map_sha, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW) {
		f->previous_id = sqlite3_column_int64(st, 0);
		snprintf(f->previous_at, sizeof f->previous_at, "%s",
			 (const char *)sqlite3_column_text(st, 1));
	} else if (rc != SQLITE_DONE) {
		e = store_fail(r->db, rc, "reading the ingest log", d);
	}
	sqlite3_finalize(st);
	return e;
}

/* where the rejects of f go: beside its place in the archive, NAME.rejects.csv */
static char *rejects_path(struct run *r, report_file *f)
{
	char *to = report_archive_name(f->path, r->s->archive, f->sha256), *p = NULL;
	size_t len, n;

	if (!to)
		return NULL;
	len = strlen(to);
	if (len > 4 && strcasecmp(to + len - 4, ".csv") == 0)
		len -= 4;
	n = len + sizeof ".rejects.csv";
	p = malloc(n);
	if (p)
		snprintf(p, n, "%.*s.rejects.csv", (int)len, to);
	free(to);
	return p;
}

/* an error that concerns the file alone: the run goes on with the next */
static int file_error(skpi_err e)
{
	return e == SKPI_ERR_CSV || e == SKPI_ERR_HEADER || e == SKPI_ERR_ENCODING ||
	       e == SKPI_ERR_NOINPUT || e == SKPI_ERR_VALUE;
}

static skpi_err archive(struct run *r, report_file *f, skpi_diag *d)
{
	skpi_err e;

	if (r->o->dry_run) {
		char *to = report_archive_name(f->path, r->s->archive, f->sha256);

		say(r, REPORT_INFO, "would move '%s' to '%s'", f->path, to ? to : r->s->archive);
		free(to);
		return SKPI_OK;
	}
	e = report_archive(f->path, r->s->archive, f->sha256, &f->archived, d);
	if (e == SKPI_OK)
		say(r, REPORT_INFO, "archived '%s' as '%s'", f->name, f->archived);
	return e;
}

/* f could not be ingested: it stays in the inbox, and the run goes on */
static skpi_err left_in_inbox(struct run *r, report_file *f)
{
	char line[2048];

	f->state = REPORT_FILE_FAILED;
	r->sum->files_failed++;
	diag_line(&f->diag, line, sizeof line);
	say(r, REPORT_ERROR, "not ingested, left in the inbox: %s", line);
	return SKPI_OK;
}

/* Note in the ingest log where f went (ingest_log.archived_as) for the ingest that loaded
 * it: this run's, or for a file already ingested, the earlier one when that was never
 * archived (a run stopped between its commit and the move).  The move is done and the
 * figures are in: a failure here is a warning, not an error. */
static skpi_err record_archive(struct run *r, report_file *f, int64_t ingest_id, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (r->o->dry_run || !f->archived)
		return SKPI_OK;
	rc = sqlite3_prepare_v2(r->db, "UPDATE ingest_log SET archived_as = ?1 WHERE ingest_id = ?2 "
				"AND archived_as IS NULL", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, f->archived, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, ingest_id);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return SKPI_OK;
	return warn(r, d, "'%s' was archived as '%s', but the ingest log could not say so: %s",
		    f->name, f->archived, sqlite3_errmsg(r->db));
}

static skpi_err ingest_one(struct run *r, report_file *f, skpi_diag *d)
{
	report_summary *sum = r->sum;
	const char *kind = skpi_kind_name((skpi_kind)f->kind);
	ingest_opts io;
	char *rej = NULL;
	skpi_err e;

	if (skpi_sha256_file(f->path, f->sha256, &f->diag) != SKPI_OK)
		return left_in_inbox(r, f);
	if ((e = find_ingested(r, f, d)))
		return e;
	if (f->previous_id) {
		f->state = REPORT_FILE_DUPLICATE;
		say(r, REPORT_INFO, "'%s' (%s): these bytes were ingested already (ingest %lld, %s): "
		    "not ingested again", f->name, kind, (long long)f->previous_id, f->previous_at);
		if ((e = archive(r, f, d)))
			return e;
		return record_archive(r, f, f->previous_id, d);
	}
	if (r->o->dry_run) {
		say(r, REPORT_INFO, "would ingest '%s' as %s%s%s", f->path, kind,
		    r->s->maps[f->kind] ? " with the mapping file " : "",
		    r->s->maps[f->kind] ? r->s->maps[f->kind] : "");
		return archive(r, f, d);
	}
	rej = rejects_path(r, f);
	if (!rej)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, f->path, 0, "out of memory");
	memset(&io, 0, sizeof io);
	io.kind = (skpi_kind)f->kind;
	io.path = f->path;
	io.map_path = r->s->maps[f->kind];
	io.rejects_path = rej;
	io.tz = r->tz;
	io.map_hint = map_hints[f->kind];
	say(r, REPORT_INFO, "ingesting '%s' as %s", f->name, kind);
	e = ingest_file(r->db, &io, &f->st, &f->diag);
	free(rej);
	if (e != SKPI_OK && file_error(e))
		return left_in_inbox(r, f);
	if (e != SKPI_OK) {
		f->state = REPORT_FILE_FAILED;
		*d = f->diag;
		return e;
	}
	if (f->st.rejected && f->st.rejected == f->st.read) {
		/* nothing loaded: most often the mapping; the file waits in the inbox for the fix,
		 * as a file that is not CSV does (ingest exits 65 on it too) */
		skpi_diag_set(&f->diag, SKPI_ERR_VALUE, f->path, 0, "every row was rejected, nothing was "
			      "loaded; the first: %s", f->st.first_reject);
		if (r->s->maps[f->kind])
			skpi_diag_hint(&f->diag, "check the mapping file '%s' ([report] %s: columns, "
				       "timestamp_format) against the export; every row's reason is in '%s'",
				       r->s->maps[f->kind], kind_keys[f->kind][1], f->st.rejects_path);
		else
			skpi_diag_hint(&f->diag, "describe the export in a mapping file and name it in the "
				       "config ([report] %s); every row's reason is in '%s'",
				       kind_keys[f->kind][1], f->st.rejects_path);
		return left_in_inbox(r, f);
	}
	f->state = REPORT_FILE_INGESTED;
	sum->rows_read += f->st.read;
	sum->inserted += f->st.inserted;
	sum->updated += f->st.updated;
	sum->unchanged += f->st.unchanged;
	sum->rejected += f->st.rejected;
	sum->dq_rows += f->st.dq_rows;
	say(r, REPORT_INFO, "'%s': %llu rows read: %llu inserted, %llu updated, %llu unchanged, "
	    "%llu rejected; %llu loaded rows carry a data-quality note", f->name, f->st.read,
	    f->st.inserted, f->st.updated, f->st.unchanged, f->st.rejected, f->st.dq_rows);
	if (f->st.rejected && (e = warn(r, d, "'%s': %llu rows rejected, see '%s'", f->name,
					f->st.rejected, f->st.rejects_path)))
		return e;
	if ((e = archive(r, f, d)))
		return e;
	return record_archive(r, f, f->st.ingest_id, d);
}

static skpi_err do_inbox(struct run *r, skpi_diag *d)
{
	report_summary *sum = r->sum;
	skpi_err e;

	if ((e = report_scan(r->s, &sum->files, &sum->nfiles, d)))
		return e;
	say(r, REPORT_INFO, "inbox '%s': %zu file%s", r->s->inbox, sum->nfiles,
	    sum->nfiles == 1 ? "" : "s");
	for (size_t i = 0; i < sum->nfiles; i++) {
		report_file *f = &sum->files[i];

		switch (f->state) {
		case REPORT_FILE_NEW:
			e = ingest_one(r, f, d);
			break;
		case REPORT_FILE_UNMATCHED:
			if (f->diag.code)
				e = warn(r, d, "'%s' %s: left in the inbox", f->name, f->diag.msg);
			else
				e = warn(r, d, "'%s' matches no *_files pattern of [report]: left in "
					 "the inbox", f->name);
			break;
		case REPORT_FILE_AMBIGUOUS:
			sum->files_failed++;
			skpi_diag_set(&f->diag, SKPI_ERR_CONFIG, f->path, 0, "the name matches the "
				      "patterns of more than one kind");
			say(r, REPORT_ERROR, "'%s' matches the patterns of more than one kind: left in "
			    "the inbox", f->name);
			e = SKPI_OK;
			break;
		default:
			e = SKPI_OK;
			break;
		}
		if (e)
			return e;
	}
	return SKPI_OK;
}

/* --- the outputs -------------------------------------------------------------------- */

static mode_t dir_mode(mode_t file_mode)
{
	mode_t m = file_mode | 0700;

	if (m & 0040)
		m |= 0010;
	if (m & 0004)
		m |= 0001;
	return m;
}

/* OUTDIR/<period>/name (caller frees) */
static char *out_path(struct run *r, const char *name)
{
	return join(r->sum->outdir, name);
}

static skpi_err written(struct run *r, const char *path, skpi_diag *d)
{
	say(r, REPORT_INFO, "wrote '%s'", path);
	return push(&r->sum->written, &r->sum->nwritten, path, d);
}

/* write rs as name (csv or json) in the period's directory */
static skpi_err write_result(struct run *r, const char *name, const skpi_result *rs,
			     out_format f, skpi_diag *d)
{
	report_out o;
	char *path = out_path(r, name);
	skpi_err e;

	if (!path)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, name, 0, "out of memory");
	if ((e = report_out_open(&o, path, r->s->file_mode, d)))
		goto out;
	e = out_write(o.fp, rs, f);
	if (e) {
		report_out_abort(&o);
		skpi_diag_set(d, e, path, 0, "cannot write: %s", e == SKPI_ERR_IO ? strerror(errno ? errno : EIO)
			      : skpi_strerror(e));
		goto out;
	}
	if ((e = report_out_commit(&o, d)) || (e = written(r, path, d)))
		goto out;
out:
	free(path);
	return e;
}

static skpi_err write_both(struct run *r, const char *what, const skpi_result *rs, skpi_diag *d)
{
	char name[256];
	skpi_err e;

	snprintf(name, sizeof name, "%s-%s.csv", what, r->sum->period);
	if ((e = write_result(r, name, rs, OUT_CSV, d)))
		return e;
	snprintf(name, sizeof name, "%s-%s.json", what, r->sum->period);
	return write_result(r, name, rs, OUT_JSON, d);
}

static void base_query(struct run *r, kpi_query *q)
{
	memset(q, 0, sizeof *q);
	q->period = r->period;
	q->as_of = r->as_of;
	q->config = r->o->cfg;
	q->cache = r->cache;
}

static skpi_err do_kpis(struct run *r, skpi_diag *d)
{
	static const struct { const char *name; int ndims; kpi_dim dim; } sets[] = {
		{ "kpi-all", 0, KPI_DIM_AGENT },
		{ "kpi-agent", 1, KPI_DIM_AGENT },
		{ "kpi-team", 1, KPI_DIM_TEAM },
	};
	kpi_query q;
	skpi_result *rs = NULL;
	skpi_err e = SKPI_OK;

	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		base_query(r, &q);
		q.ndims = sets[i].ndims;
		q.dims[0] = sets[i].dim;
		if ((e = kpi_run(r->db, &q, &rs, d)) || (e = write_both(r, sets[i].name, rs, d)))
			goto out;
		if (i == 0) {
			r->sum->headline = rs;
			rs = NULL;
		}
		skpi_result_free(rs);
		rs = NULL;
	}
	base_query(r, &q);
	if ((e = kpi_quality(r->db, &q, &rs, d)))
		goto out;
	{
		char name[128];

		snprintf(name, sizeof name, "quality-%s.csv", r->sum->period);
		if ((e = write_result(r, name, rs, OUT_CSV, d)))
			goto out;
	}
	skpi_result_free(rs);
	rs = NULL;
	if (r->o->cfg && r->o->cfg->nrules) {
		char name[128];

		if ((e = kpi_sla_rules(r->db, &q, &rs, d)))
			goto out;
		snprintf(name, sizeof name, "sla-%s.csv", r->sum->period);
		if ((e = write_result(r, name, rs, OUT_CSV, d)))
			goto out;
	}
out:
	skpi_result_free(rs);
	return e;
}

static skpi_err do_ranking(struct run *r, rank_board **board, skpi_diag *d)
{
	skpi_diag rd;
	rank_query q;
	char name[128];
	skpi_err e;

	memset(&q, 0, sizeof q);
	q.period = r->period;
	q.as_of = r->as_of;
	q.config = r->o->cfg;
	q.cache = r->cache;
	skpi_diag_clear(&rd);
	e = rank_run(r->db, &q, board, &rd);
	if (e == SKPI_ERR_CONFIG) {
		/* [ranking] itself was checked before the ingest: what is left is about the
		 * period's data (a weighted component without any data) */
		char line[2048];

		*board = NULL;
		diag_line(&rd, line, sizeof line);
		return warn(r, d, "ranking skipped: %s", line);
	}
	if (e) {
		*d = rd;
		return e;
	}
	if ((e = write_both(r, "ranking", (*board)->ranked, d)))
		return e;
	snprintf(name, sizeof name, "unranked-%s.csv", r->sum->period);
	if ((e = write_result(r, name, (*board)->unranked, OUT_CSV, d)))
		return e;
	/* an empty ranking is not a normal month (a missing export?): a warning, so that the
	 * exit code says so and --quiet still mails it */
	if ((*board)->nentries == 0)
		return warn(r, d, "nobody is ranked in %s: the period has no tickets or surveys "
			    "(is an export missing from the inbox?)", r->sum->period);
	if ((*board)->nranked == 0)
		return warn(r, d, "nobody is ranked in %s: %zu %s below the minimums or without an "
			    "assessment (see unranked-%s.csv for the reasons)", r->sum->period,
			    (*board)->nentries, (*board)->nentries == 1 ? "agent is" : "agents are",
			    r->sum->period);
	return SKPI_OK;
}

/* remove a directory of temporary charts and what is in it */
static void remove_tree(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *de;

	if (dir) {
		while ((de = readdir(dir)) != NULL) {
			char *p;

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			p = join(path, de->d_name);
			if (p)
				unlink(p);
			free(p);
		}
		closedir(dir);
	}
	rmdir(path);
}

/* the charts, drawn into a temporary directory and moved into charts/ one by one */
static skpi_err do_charts(struct run *r, const rank_board *board, plot_files *charts, skpi_diag *d)
{
	plot_spec spec;
	plot_files tmpfiles;
	kpi_query q;
	char *dir = NULL, *tmpdir = NULL;
	skpi_diag pd;
	skpi_err e = SKPI_OK;
	size_t n;

	plot_files_init(&tmpfiles);
	plot_spec_init(&spec, strcmp(r->s->charts, "svg") == 0 ? PLOT_SVG : PLOT_PNG);
	dir = out_path(r, "charts");
	n = strlen(r->sum->outdir) + 40;
	tmpdir = malloc(n);
	if (!dir || !tmpdir) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
		goto out;
	}
	snprintf(tmpdir, n, "%s/.charts.report-tmp.XXXXXX", r->sum->outdir);
	if ((mkdir(dir, dir_mode(r->s->file_mode)) != 0 && errno != EEXIST) || !mkdtemp(tmpdir)) {
		e = skpi_diag_set(d, SKPI_ERR_CREATE, dir, 0, "cannot create: %s", strerror(errno));
		tmpdir[0] = '\0';
		goto out;
	}
	base_query(r, &q);
	skpi_diag_clear(&pd);
	e = plot_monthly(r->db, &q, board ? board->ranked : NULL, tmpdir, &spec, &tmpfiles, &pd);
	if (e == SKPI_ERR_EXTERNAL) {
		char line[2048];

		diag_line(&pd, line, sizeof line);
		e = warn(r, d, "charts skipped: %s", line);
		goto out;
	}
	if (e) {
		*d = pd;
		goto out;
	}
	for (size_t i = 0; i < tmpfiles.n; i++) {
		report_out o;
		char *final = join(dir, base_name(tmpfiles.paths[i]));

		memset(&o, 0, sizeof o);
		o.mode = r->s->file_mode;
		o.tmp = dup_str(tmpfiles.paths[i]);
		o.path = dup_str(final);
		if (!final || !o.tmp || !o.path) {
			report_out_abort(&o);
			free(final);
			e = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
			goto out;
		}
		if (!(e = report_out_commit_file(&o, d)) && !(e = written(r, final, d)))
			e = push(&charts->paths, &charts->n, final, d);
		free(final);
		if (e)
			goto out;
	}
out:
	if (tmpdir && tmpdir[0])
		remove_tree(tmpdir);
	plot_files_release(&tmpfiles);
	free(tmpdir);
	free(dir);
	return e;
}

static skpi_err do_workbook(struct run *r, const plot_files *charts, skpi_diag *d)
{
	xlsx_report_opts xo;
	skpi_diag xd;
	report_out o;
	const char **images = NULL;
	char name[128], *path;
	size_t nimages = 0;
	skpi_err e;

	snprintf(name, sizeof name, "supportkpi-%s.xlsx", r->sum->period);
	path = out_path(r, name);
	if (!path)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, name, 0, "out of memory");
	if (charts->n && !(images = malloc(charts->n * sizeof *images))) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, name, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < charts->n; i++) {
		size_t len = strlen(charts->paths[i]);

		if (len > 4 && strcmp(charts->paths[i] + len - 4, ".png") == 0)
			images[nimages++] = charts->paths[i];
	}
	memset(&xo, 0, sizeof xo);
	xo.period = r->period;
	xo.as_of = r->as_of;
	xo.config = r->o->cfg;
	xo.cache = r->cache;
	xo.images = images;
	xo.nimages = nimages;
	if ((e = report_out_open(&o, path, r->s->file_mode, d)))
		goto out;
	fclose(o.fp); /* the workbook is written by name; the file stays, private, until renamed */
	o.fp = NULL;
	skpi_diag_clear(&xd);
	if ((e = xlsx_report_write(r->db, &xo, o.tmp, &xd))) {
		report_out_abort(&o);
		if (e == SKPI_ERR_CONFIG) {
			/* as for the ranking: about the period's data, the config was checked */
			char line[2048];

			diag_line(&xd, line, sizeof line);
			e = warn(r, d, "workbook skipped: %s", line);
		} else {
			*d = xd;
		}
		goto out;
	}
	if ((e = report_out_commit_file(&o, d)) || (e = written(r, path, d)))
		goto out;
out:
	free(images);
	free(path);
	return e;
}

/* is name one of the outputs of period p (see report.h), other than the charts? */
static int output_name(const char *name, const char *p)
{
	static const char *const forms[][2] = {
		{ "kpi-all-", ".csv" }, { "kpi-all-", ".json" }, { "kpi-agent-", ".csv" },
		{ "kpi-agent-", ".json" }, { "kpi-team-", ".csv" }, { "kpi-team-", ".json" },
		{ "ranking-", ".csv" }, { "ranking-", ".json" }, { "unranked-", ".csv" },
		{ "quality-", ".csv" }, { "sla-", ".csv" }, { "supportkpi-", ".xlsx" },
	};
	char want[128];

	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		snprintf(want, sizeof want, "%s%s%s", forms[i][0], p, forms[i][1]);
		if (strcmp(name, want) == 0)
			return 1;
	}
	return 0;
}

/* After a complete run, remove the outputs an earlier run wrote that this one did not
 * (a ranking skipped this time, charts turned off): the directory then holds one run's
 * outputs, never a mix.  Only our own file names are touched. */
static void remove_stale(struct run *r, const char *dirpath, int charts)
{
	DIR *dir = dirpath ? opendir(dirpath) : NULL;
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir)) != NULL) {
		const char *dot = strrchr(de->d_name, '.');
		int ours = charts ? de->d_name[0] != '.' && dot && (strcmp(dot, ".png") == 0 ||
								    strcmp(dot, ".svg") == 0)
			: output_name(de->d_name, r->sum->period);
		char *p;
		size_t i;

		if (!ours || !(p = join(dirpath, de->d_name)))
			continue;
		for (i = 0; i < r->sum->nwritten && strcmp(r->sum->written[i], p) != 0; i++)
			;
		if (i == r->sum->nwritten && unlink(p) == 0)
			say(r, REPORT_INFO, "removed '%s': an earlier run wrote it, this one did not", p);
		free(p);
	}
	closedir(dir);
}

static skpi_err do_outputs(struct run *r, skpi_diag *d)
{
	rank_board *board = NULL;
	plot_files charts;
	char *dir_charts = NULL;
	skpi_err e = SKPI_OK;
	size_t swept;

	plot_files_init(&charts);
	dir_charts = out_path(r, "charts");
	/* figures that several outputs need (the month by agent, the 12-month trend, the
	 * ranking's) are computed once, so that the outputs also agree with each other; without
	 * memory for a cache, each is computed where it is needed */
	r->cache = kpi_cache_new();
	if (r->o->dry_run) {
		say(r, REPORT_INFO, "would write the %s KPIs, ranking, data quality, charts (%s) and "
		    "workbook supportkpi-%s.xlsx into '%s'", r->sum->period, r->s->charts,
		    r->sum->period, r->sum->outdir);
		goto out;
	}
	if (mkdir(r->sum->outdir, dir_mode(r->s->file_mode)) != 0 && errno != EEXIST) {
		e = skpi_diag_set(d, SKPI_ERR_CREATE, r->sum->outdir, 0, "cannot create: %s",
				  strerror(errno));
		goto out;
	}
	if ((swept = report_out_sweep(r->sum->outdir)) > 0)
		say(r, REPORT_INFO, "removed %zu temporary file%s left by an interrupted run", swept,
		    swept == 1 ? "" : "s");
	say(r, REPORT_INFO, "period %s (%s to %s), figures as of the latest ingest", r->sum->period,
	    r->period.from, r->period.to);
	if ((e = do_kpis(r, d)) || (e = do_ranking(r, &board, d)))
		goto out;
	if (strcmp(r->s->charts, "none") != 0 && (e = do_charts(r, board, &charts, d)))
		goto out;
	if ((e = do_workbook(r, &charts, d)))
		goto out;
	remove_stale(r, r->sum->outdir, 0);
	remove_stale(r, dir_charts, 1);
out:
	free(dir_charts);
	plot_files_release(&charts);
	rank_board_free(board);
	kpi_cache_free(r->cache);
	r->cache = NULL;
	return e;
}

skpi_err report_run(const report_opts *o, report_summary *sum, skpi_diag *d)
{
	struct run r;
	const char *spec = o->period ? o->period : o->s->period;
	skpi_err e;

	memset(sum, 0, sizeof *sum);
	memset(&r, 0, sizeof r);
	r.o = o;
	r.s = o->s;
	r.sum = sum;
	if ((e = open_db(&r, d)))
		goto out;
	if ((e = period_parse(spec, period_today(r.tz, o->now), &r.period, d)))
		goto out;
	snprintf(sum->period, sizeof sum->period, "%s", r.period.label);
	snprintf(sum->outdir, sizeof sum->outdir, "%s/%s", o->s->outdir, r.period.label);
	say(&r, REPORT_INFO, "%sreport for %s", o->dry_run ? "dry run: " : "", r.period.label);
	if ((e = do_inbox(&r, d)))
		goto out;
	r.as_of = o->now;
	if (r.db && (e = kpi_default_as_of(r.db, o->now, &r.as_of, d)))
		goto out;
	if (!r.db) {
		say(&r, REPORT_INFO, "would write the outputs of %s into '%s'", r.period.label,
		    sum->outdir);
		goto out;
	}
	e = do_outputs(&r, d);
out:
	skpi_tz_free(r.tz);
	if (r.db) {
		if (o->dry_run)
			sqlite3_close(r.db);
		else
			store_close(r.db);
	}
	return e;
}

void report_summary_release(report_summary *sum)
{
	report_files_free(sum->files, sum->nfiles);
	skpi_result_free(sum->headline);
	for (size_t i = 0; i < sum->nwritten; i++)
		free(sum->written[i]);
	free(sum->written);
	for (size_t i = 0; i < sum->nwarnings; i++)
		free(sum->warnings[i]);
	free(sum->warnings);
	memset(sum, 0, sizeof *sum);
}
