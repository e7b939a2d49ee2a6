#ifndef KN_PATH_H
#define KN_PATH_H

#include <stddef.h>

#include "util/strbuf.h"

/* `name` made absolute against `dir` (a path the kernel resolved): "." and
 * empty components dropped; ".." removes the previous component only while
 * that one is not from `name` (never above "/"): a component of the name
 * may be a symbolic link, whose ".." the kernel takes beside the link's
 * target, so "d/lnk/../x" stays as given. */
void path_absolute(const char *dir, size_t dir_len, const char *name, size_t name_len, struct strbuf *out);

#endif
