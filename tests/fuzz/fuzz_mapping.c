/* fuzz_mapping — libFuzzer harness for mapping files (`make fuzz`): any bytes as a
 * mapping file for tickets and for surveys.  Loading must either succeed or fail with a
 * configuration error (or NOINPUT/IO) naming the file, never crash or leak; after a
 * successful load, binding a header and reading a row must work. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supportkpi/rowmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	FILE *fp;

	if (!path[0]) {
		int fd;

		snprintf(path, sizeof path, "/tmp/fuzz_mapping_XXXXXX");
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
	}
	fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	for (int k = 0; k < 2; k++) {
		rowmap m;
		skpi_diag d;
		skpi_err e;

		if (rowmap_init(&m, k ? SKPI_KIND_SURVEYS : SKPI_KIND_TICKETS) != SKPI_OK)
			abort();
		skpi_diag_clear(&d);
		e = rowmap_load(&m, path, &d);
		if (e && e != SKPI_ERR_CONFIG && e != SKPI_ERR_NOMEM && e != SKPI_ERR_IO)
			abort();
		if (e && strcmp(d.file, path) != 0)
			abort();
		if (!e) {
			static const char *const f[] = { "ticket_id", "created_at", "x" };
			static const size_t l[] = { 9, 10, 1 };
			csvin_row h = { 3, f, l, 1, 1 };

			skpi_diag_clear(&d);
			(void)rowmap_bind(&m, &h, "f.csv", &d);
		}
		rowmap_release(&m);
	}
	return 0;
}
