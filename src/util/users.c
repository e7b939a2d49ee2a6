#include "util/users.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#ifndef KN_USERS_FILES
/* The name service, off the event loop: one request at a time. */
static void *resolver(void *arg)
{
	struct users *us = arg;
	char buf[16384]; /* a large group's member list */

	pthread_mutex_lock(&us->mu);
	for (;;) {
		uint32_t id;
		int group;
		char name[64] = "";
		struct name_entry *e;

		while (!us->stop && !us->qlen)
			pthread_cond_wait(&us->cv, &us->mu);
		if (us->stop)
			break;
		id = us->q[us->qhead].id;
		group = us->q[us->qhead].group;
		us->qhead = (us->qhead + 1) % USERS_QUEUE;
		us->qlen--;
		pthread_mutex_unlock(&us->mu);
		if (group) {
			struct group gr, *res = NULL;

			if (!getgrgid_r(id, &gr, buf, sizeof(buf), &res) && res)
				snprintf(name, sizeof(name), "%s", res->gr_name);
		} else {
			struct passwd pw, *res = NULL;

			if (!getpwuid_r(id, &pw, buf, sizeof(buf), &res) && res)
				snprintf(name, sizeof(name), "%s", res->pw_name);
		}
		pthread_mutex_lock(&us->mu);
		e = group ? &us->g[id % USERS_CACHE] : &us->u[id % USERS_CACHE];
		if (e->id == id && e->pending) {
			/* a name service that knows nothing (or fails) keeps
			 * the name the files gave */
			if (name[0])
				memcpy(e->name, name, sizeof(name));
			e->at = time(NULL);
			e->pending = false;
		}
	}
	pthread_mutex_unlock(&us->mu);
	return NULL;
}
#endif

void users_init(struct users *us)
{
	memset(us, 0, sizeof(*us));
	pthread_mutex_init(&us->mu, NULL);
	pthread_cond_init(&us->cv, NULL);
#ifndef KN_USERS_FILES
	/* without the thread, names come from the files alone */
	us->started = !pthread_create(&us->th, NULL, resolver, us);
#endif
}

void users_free(struct users *us)
{
	if (us->started) {
		pthread_mutex_lock(&us->mu);
		us->stop = true;
		pthread_cond_signal(&us->cv);
		pthread_mutex_unlock(&us->mu);
		pthread_join(us->th, NULL);
		us->started = false;
	}
	pthread_cond_destroy(&us->cv);
	pthread_mutex_destroy(&us->mu);
}

/* Ask the name service about entry e (under the lock). A full queue: asked
 * again at the next look-up. */
static void ask(struct users *us, struct name_entry *e, int group)
{
	if (!us->started || e->pending || us->qlen >= USERS_QUEUE)
		return;
	us->q[(us->qhead + us->qlen) % USERS_QUEUE].id = e->id;
	us->q[(us->qhead + us->qlen) % USERS_QUEUE].group = group;
	us->qlen++;
	e->pending = true;
	pthread_cond_signal(&us->cv);
}

static const char *lookup(struct users *us, struct name_entry *cache, uint32_t id, int group, char out[64])
{
	struct name_entry *e = &cache[id % USERS_CACHE];
	time_t now = time(NULL);
	char name[64] = "";
	bool known;

	pthread_mutex_lock(&us->mu);
	known = e->at && e->id == id;
	if (known) {
		if (now - e->at >= USERS_TTL)
			ask(us, e, group); /* the old name meanwhile */
		memcpy(out, e->name, 64);
		pthread_mutex_unlock(&us->mu);
		return out[0] ? out : NULL;
	}
	pthread_mutex_unlock(&us->mu);
	/* the local files: no network behind them */
	users_file_lookup(group ? "/etc/group" : "/etc/passwd", id, name, sizeof(name));
	pthread_mutex_lock(&us->mu);
	e->id = id;
	e->at = now;
	e->pending = false;
	memcpy(e->name, name, sizeof(name));
	if (!name[0])
		ask(us, e, group);
	memcpy(out, e->name, 64);
	pthread_mutex_unlock(&us->mu);
	return out[0] ? out : NULL;
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
	return lookup(us, us->u, uid, 0, us->ubuf);
}

const char *users_group(struct users *us, uint32_t gid)
{
	return lookup(us, us->g, gid, 1, us->gbuf);
}
