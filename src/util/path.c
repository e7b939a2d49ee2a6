#include "util/path.h"

#include <stdbool.h>
#include <string.h>

/* given: components from the caller's name (the other from a directory the
 * kernel resolved). A ".." after a given component stays: that component
 * may be a symbolic link, whose ".." is beside its target, not here. */
static void push_components(struct strbuf *out, const char *s, size_t len, bool given, bool *literal)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i, n;

		while (j < len && s[j] != '/')
			j++;
		n = j - i;
		if (n == 0 || (n == 1 && s[i] == '.')) {
			/* nothing */
		} else if (n == 2 && s[i] == '.' && s[i + 1] == '.' && !*literal) {
			while (out->len > 1 && out->buf[out->len - 1] != '/')
				out->len--;
			if (out->len > 1)
				out->len--; /* the '/' before the removed component */
			out->buf[out->len] = 0;
		} else {
			if (out->len > 1)
				strbuf_addc(out, '/');
			strbuf_add(out, s + i, n);
			*literal |= given;
		}
		i = j + 1;
	}
}

void path_absolute(const char *dir, size_t dir_len, const char *name, size_t name_len, struct strbuf *out)
{
	bool literal = false;

	strbuf_reset(out);
	strbuf_addc(out, '/');
	if (!(name_len && name[0] == '/'))
		push_components(out, dir, dir_len, false, &literal);
	push_components(out, name, name_len, true, &literal);
}
