/* uid/gid -> name, cached. A name is looked up in /etc/passwd and
 * /etc/group first (local files); an id they lack, and a cached name grown
 * old, is looked up through the name service (NSS: LDAP, SSSD...) on a
 * thread of its own, never on the event loop: until it answers, the name
 * is unknown (or the old one). The static build reads the files alone (no
 * NSS modules to load). */
#ifndef KN_USERS_H
#define KN_USERS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define USERS_CACHE 128
#define USERS_TTL 60
#define USERS_QUEUE 64

struct name_entry {
	uint32_t id;
	time_t at;
	bool pending; /* asked of the name service */
	char name[64];
};

struct users {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	bool started, stop;
	struct name_entry u[USERS_CACHE];
	struct name_entry g[USERS_CACHE];
	struct {
		uint32_t id;
		int group;
	} q[USERS_QUEUE];
	unsigned qhead, qlen;
	char ubuf[64], gbuf[64]; /* what users_user / users_group return */
};

void users_init(struct users *us);
void users_free(struct users *us);
/* NULL when the id has no name (yet). Valid until the next call of the
 * same function. */
const char *users_user(struct users *us, uint32_t uid);
const char *users_group(struct users *us, uint32_t gid);

/* The name of id in a passwd(5) or group(5) file (the id is the third
 * field in both): 0 and the name in out, -1 when absent or unreadable. */
int users_file_lookup(const char *path, uint32_t id, char *out, size_t cap);

#endif
