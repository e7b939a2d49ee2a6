/* What a file's first bytes say it is: libmagic's description ("ELF 64-bit
 * LSB pie executable, x86-64, version 1 (SYSV)"), from a buffer the caller
 * read (libmagic opens nothing itself). One database for the process,
 * loaded at first use; calls are serialized. */
#ifndef KN_MAGIC_H
#define KN_MAGIC_H

#include <stddef.h>

#define FILE_MAGIC_MAX 256 /* a description's room, its NUL included */
#define FILE_MAGIC_BYTES (64 * 1024) /* what is looked at, at most */

/* The description of buf[0..len) into out (cut to FILE_MAGIC_MAX - 1
 * bytes); "?" when there is none (no database here, libmagic failed). */
void file_magic(const void *buf, size_t len, char out[FILE_MAGIC_MAX]);

#endif
