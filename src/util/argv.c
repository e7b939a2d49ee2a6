#include "util/argv.h"

#include <string.h>

size_t argv_to_cmdline(const char *area, size_t len, struct strbuf *out)
{
	size_t i = 0, argc = 0;

	if (!len)
		return 0;
	if (area[len - 1] == 0)
		len--; /* the terminator of the last argument */
	strbuf_grow(out, len);
	while (i <= len) {
		const char *nul = memchr(area + i, 0, len - i);
		size_t n = nul ? (size_t)(nul - (area + i)) : len - i;

		if (argc)
			strbuf_addc(out, ' ');
		strbuf_add(out, area + i, n);
		argc++;
		i += n + 1;
		if (!nul)
			break;
	}
	return argc;
}
