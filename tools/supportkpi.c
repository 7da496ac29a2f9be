/* supportkpi — the driver: `supportkpi COMMAND ARGS` runs supportkpi-COMMAND from the
 * driver's own directory, else from PATH. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "supportkpi/cli.h"
#include "supportkpi/err.h"

struct cmd {
	const char *name;
	const char *summary;
};

/* One row per command; the program is supportkpi-NAME. */
static const struct cmd commands[] = {
	{ "init", "create or migrate the database" },
	{ "ingest", "load ticket and survey exports into the database" },
	{ "kpi", "satisfaction, resolution, response times and SLA figures" },
	{ "rank", "rank agents or teams by a weighted, explained score" },
	{ "xlsx", "write the monthly Excel workbook" },
	{ "chart", "draw the monthly charts with gnuplot" },
	{ "report", "the unattended monthly run (cron)" },
	{ "sample", "generate realistic sample exports" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char usage[] =
	"usage: supportkpi [--help | --version] COMMAND [ARGS]\n"
	"       supportkpi help COMMAND\n";

/* the directory this program lives in, or "" */
static void self_dir(char *buf, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", buf, n - 1);
	char *slash;

	if (len <= 0) {
		buf[0] = '\0';
		return;
	}
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	else
		buf[0] = '\0';
}

/* find supportkpi-NAME beside the driver or on PATH; 0 and the path in out when found */
static int find_command(const char *name, char *out, size_t n)
{
	char dir[PATH_MAX];
	const char *path = getenv("PATH");

	self_dir(dir, sizeof dir);
	if (dir[0] && (size_t)snprintf(out, n, "%s/supportkpi-%s", dir, name) < n && access(out, X_OK) == 0)
		return 0;
	while (path && *path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);

		if (len && (size_t)snprintf(out, n, "%.*s/supportkpi-%s", (int)len, path, name) < n &&
		    access(out, X_OK) == 0)
			return 0;
		path = colon ? colon + 1 : NULL;
	}
	return -1;
}

static const struct cmd *lookup(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int print_help(void)
{
	char path[PATH_MAX];

	fputs(usage, stdout);
	fputs("\nsupportkpi turns helpdesk exports into the figures a service centre is run by.\n"
	      "\nCommands:\n", stdout);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (find_command(commands[i].name, path, sizeof path) == 0)
			printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'supportkpi help COMMAND' or 'supportkpi COMMAND --help' tells more.\n"
	      "The database is --db FILE, else $SUPPORTKPI_DB, else ./supportkpi.db.\n\n", stdout);
	fputs(CLI_EXIT_CODES, stdout);
	return 0;
}

static int finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		fprintf(stderr, "supportkpi: cannot write the output: %s\n", strerror(errno));
		return SKPI_EXIT_IOERR;
	}
	return code;
}

/* find an executable called name on PATH; 0 and its path in out when found */
static int on_path(const char *name, char *out, size_t n)
{
	const char *path = getenv("PATH");

	while (path && *path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);

		if (len && (size_t)snprintf(out, n, "%.*s/%s", (int)len, path, name) < n &&
		    access(out, X_OK) == 0)
			return 0;
		path = colon ? colon + 1 : NULL;
	}
	return -1;
}

/* run prog with args and wait; its exit status, or -1 when it could not run */
static int run_wait(const char *prog, char *const args[])
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(prog, args);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) != 127 ? WEXITSTATUS(st) : -1;
}

/* help COMMAND: the manual page, shown by man(1), else by mandoc(1) on a terminal, else
 * the command's own --help */
static int help_command(const char *name)
{
	static const char *const where[] = { "../share/man/man1", "../../docs/man", "../../../docs/man" };
	char path[PATH_MAX], page[PATH_MAX + 64], dir[PATH_MAX], tool[PATH_MAX];
	struct stat sb;
	int found = 0;

	if (!lookup(name)) {
		fprintf(stderr, "supportkpi: '%s' is not a supportkpi command; see 'supportkpi --help'\n", name);
		return SKPI_EXIT_USAGE;
	}
	self_dir(dir, sizeof dir);
	/* an installed page (PREFIX/share/man/man1) or the source tree's (docs/man) */
	for (size_t i = 0; i < sizeof where / sizeof where[0] && !found; i++) {
		if ((size_t)snprintf(page, sizeof page, "%s/%s/supportkpi-%s.1", dir, where[i], name) < sizeof page &&
		    stat(page, &sb) == 0 && S_ISREG(sb.st_mode))
			found = 1;
	}
	if (found && on_path("man", tool, sizeof tool) == 0) {
		char *args[] = { tool, (char *)"-l", page, NULL };

		if (run_wait(tool, args) == 0)
			return finish(0);
	}
	if (found && isatty(STDOUT_FILENO) && on_path("mandoc", tool, sizeof tool) == 0) {
		char *args[] = { tool, (char *)"-a", page, NULL };

		if (run_wait(tool, args) == 0)
			return finish(0);
	}
	if (find_command(name, path, sizeof path) != 0) {
		fprintf(stderr, "supportkpi: the '%s' command is not installed\n", name);
		return SKPI_EXIT_USAGE;
	}
	fflush(stdout);
	execl(path, path, "--help", (char *)NULL);
	fprintf(stderr, "supportkpi: cannot run '%s': %s\n", path, strerror(errno));
	return SKPI_EXIT_SOFTWARE;
}

int main(int argc, char **argv)
{
	char path[PATH_MAX];
	const char *name;

	if (argc < 2) {
		fputs(usage, stderr);
		return SKPI_EXIT_USAGE;
	}
	name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		return finish(print_help());
	if (strcmp(name, "--version") == 0) {
		printf("supportkpi %s\n", SKPI_VERSION);
		return finish(0);
	}
	if (strcmp(name, "help") == 0) {
		if (argc < 3)
			return finish(print_help());
		return help_command(argv[2]);
	}
	if (name[0] == '-') {
		fprintf(stderr, "supportkpi: unknown option '%s'\n%s", name, usage);
		return SKPI_EXIT_USAGE;
	}
	if (!lookup(name)) {
		fprintf(stderr, "supportkpi: '%s' is not a supportkpi command; see 'supportkpi --help'\n", name);
		return SKPI_EXIT_USAGE;
	}
	if (find_command(name, path, sizeof path) != 0) {
		fprintf(stderr, "supportkpi: the '%s' command is not installed (no supportkpi-%s beside "
			"this program or on PATH)\n", name, name);
		return SKPI_EXIT_USAGE;
	}
	argv[1] = path;
	execv(path, argv + 1);
	fprintf(stderr, "supportkpi: cannot run '%s': %s\n", path, strerror(errno));
	return SKPI_EXIT_SOFTWARE;
}
