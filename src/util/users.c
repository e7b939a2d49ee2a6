#include "util/users.h"

#include <grp.h>
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
	if (is_group) {
		struct group gr, *res = NULL;

		if (!getgrgid_r(id, &gr, buf, sizeof(buf), &res) && res)
			snprintf(e->name, sizeof(e->name), "%s", res->gr_name);
	} else {
		struct passwd pw, *res = NULL;

		if (!getpwuid_r(id, &pw, buf, sizeof(buf), &res) && res)
			snprintf(e->name, sizeof(e->name), "%s", res->pw_name);
	}
	return e->name[0] ? e->name : NULL;
}

const char *users_user(struct users *us, uint32_t uid)
{
	return lookup(us->u, uid, 0);
}

const char *users_group(struct users *us, uint32_t gid)
{
	return lookup(us->g, gid, 1);
}
