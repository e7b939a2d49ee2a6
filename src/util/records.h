/*
 * Kernel records saved as they came (kunai run --record), for the userland
 * benchmark to replay through decode and serialize. A header line naming
 * the format and the sizes of the wire's structures (a file from another
 * build of another layout is refused), then each record as its length
 * (32 bits, little-endian) and its bytes.
 */
#ifndef KN_RECORDS_H
#define KN_RECORDS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct records_out {
	FILE *f;
	uint64_t saved;
	int failed; /* a write failed: recording stopped (said once) */
};

/* Create path (0600, replaced; a regular file only). -1 with why. */
int records_open(struct records_out *r, const char *path, char *why, size_t whylen);
void records_save(struct records_out *r, const void *rec, uint32_t size);
/* Flush and close; -1 when something was not written. */
int records_close(struct records_out *r);

/* A saved file read whole: its records one after the other. */
struct records_in {
	unsigned char *buf;
	size_t len, at, first;
};
int records_load(struct records_in *r, const char *path, char *why, size_t whylen);
/* The next record (NULL at the end; a truncated last one ends it). */
const void *records_next(struct records_in *r, uint32_t *size);
void records_rewind(struct records_in *r);
void records_free(struct records_in *r);

#endif
