#ifndef KN_PATH_H
#define KN_PATH_H

#include <stddef.h>

#include "util/strbuf.h"

/* `name` made absolute against `dir` (itself absolute) and normalized
 * lexically: "." and empty components dropped, ".." removes the previous
 * component (never above "/"). Symbolic links are not followed. */
void path_absolute(const char *dir, size_t dir_len, const char *name, size_t name_len, struct strbuf *out);

#endif
