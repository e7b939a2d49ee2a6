#include "util/users.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

void users_init(struct users *us)
{
	memset(us, 0, sizeof(*us));
}

static const char *lookup(struct name_entry *cache, uint32_t id, int is_group)
{
	struct name_entry *e = &cache[id % USERS_CACHE];
	time_t now = time(NULL);
	char buf[4096];

	if (e->at && e->id == id && now - e->at < USERS_TTL)
		return e->name[0] ? e->name : NULL;
	e->id = id;
	e->at = now;
	e->name[0] = 0;
#ifdef KN_USERS_FILES
	(void)buf;
	users_file_lookup(is_group ? "/etc/group" : "/etc/passwd", id, e->name, sizeof(e->name));
#else
	if (is_group) {
		struct group gr, *res = NULL;

		if (!getgrgid_r(id, &gr, buf, sizeof(buf), &res) && res)
			snprintf(e->name, sizeof(e->name), "%s", res->gr_name);
	} else {
		struct passwd pw, *res = NULL;

		if (!getpwuid_r(id, &pw, buf, sizeof(buf), &res) && res)
			snprintf(e->name, sizeof(e->name), "%s", res->pw_name);
	}
#endif
	return e->name[0] ? e->name : NULL;
}

int users_file_lookup(const char *path, uint32_t id, char *out, size_t cap)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	int rc = -1;

	if (!f)
		return -1;
	while (rc && fgets(line, sizeof(line), f)) {
		char *name = line, *c1, *c2, *end;
		unsigned long v;

		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || c1 == line || line[0] == '#' || line[0] == '+' || line[0] == '-')
			continue;
		errno = 0;
		v = strtoul(c2 + 1, &end, 10);
		if (errno || end == c2 + 1 || *end != ':' || v != id)
			continue;
		*c1 = 0;
		if ((size_t)(c1 - name) >= cap)
			continue;
		memcpy(out, name, (size_t)(c1 - name) + 1);
		rc = 0;
	}
	fclose(f);
	return rc;
}

const char *users_user(struct users *us, uint32_t uid)
{
	return lookup(us->u, uid, 0);
}

const char *users_group(struct users *us, uint32_t gid)
{
	return lookup(us->g, gid, 1);
}
