/* uid/gid -> name, cached (a name service may be slow). The static build
 * reads /etc/passwd and /etc/group itself (no NSS modules to load). */
#ifndef KN_USERS_H
#define KN_USERS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define USERS_CACHE 128
#define USERS_TTL 60

struct name_entry {
	uint32_t id;
	time_t at;
	char name[64];
};

struct users {
	struct name_entry u[USERS_CACHE];
	struct name_entry g[USERS_CACHE];
};

void users_init(struct users *us);
/* NULL when the id has no name. */
const char *users_user(struct users *us, uint32_t uid);
const char *users_group(struct users *us, uint32_t gid);

/* The name of id in a passwd(5) or group(5) file (the id is the third
 * field in both): 0 and the name in out, -1 when absent or unreadable. */
int users_file_lookup(const char *path, uint32_t id, char *out, size_t cap);

#endif
