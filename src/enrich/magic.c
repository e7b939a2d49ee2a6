#include "enrich/magic.h"

#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static magic_t db;

static void load(void)
{
	/* the file's own bytes only: no decompression, none of the parsers
	 * of containers (ELF sections, CDF, tar), whose bugs hostile files
	 * reach; the description stays the magic database's */
	magic_t m = magic_open(MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_TAR |
			       MAGIC_NO_CHECK_JSON | MAGIC_NO_CHECK_CSV);
	size_t bytes = FILE_MAGIC_BYTES;

	if (!m)
		return;
	if (magic_load(m, NULL) || magic_setparam(m, MAGIC_PARAM_BYTES_MAX, &bytes)) {
		magic_close(m);
		return;
	}
	db = m;
}

void file_magic(const void *buf, size_t len, char out[FILE_MAGIC_MAX])
{
	const char *d = NULL;

	pthread_once(&once, load);
	if (len > FILE_MAGIC_BYTES)
		len = FILE_MAGIC_BYTES;
	pthread_mutex_lock(&mu);
	if (db)
		d = magic_buffer(db, buf, len);
	snprintf(out, FILE_MAGIC_MAX, "%s", d && *d ? d : "?");
	pthread_mutex_unlock(&mu);
}
