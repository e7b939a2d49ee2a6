#ifndef KN_ARGV_H
#define KN_ARGV_H

#include <stddef.h>

#include "util/strbuf.h"

/*
 * Turn a NUL-separated argv area (as in /proc/PID/cmdline or the kernel's
 * mm->arg_start..arg_end) into a command line: the arguments joined by one
 * space, the Kunai format. The area's final NUL ends the last argument;
 * an area cut short (no final NUL) keeps its last, partial argument.
 * Returns the number of arguments.
 */
size_t argv_to_cmdline(const char *area, size_t len, struct strbuf *out);

#endif
