#include "sensor/watch.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Configuration, credentials, persistence and the logs that record them. */
const char *const watch_default[] = {
	"/etc/",
	"/root/",
	"/var/spool/cron/",
	"/var/log/",
	"/home/*/.ssh/",
	"/home/*/.bashrc",
	"/home/*/.bash_profile",
	"/home/*/.bash_login",
	"/home/*/.bash_logout",
	"/home/*/.profile",
	"/home/*/.bash_history",
	"/home/*/.zshrc",
	"/home/*/.zprofile",
	"/home/*/.zsh_history",
	"/home/*/.config/autostart/",
	"/home/*/.config/systemd/",
	NULL,
};

int watch_compile(const char *pattern, struct watch_pat *out, char *err, size_t errlen)
{
	const char *star = strchr(pattern, '*');
	size_t n = strlen(pattern);

	memset(out, 0, sizeof(*out));
	if (pattern[0] != '/') {
		snprintf(err, errlen, "not an absolute path");
		return -1;
	}
	if (star && (strchr(star + 1, '*') || star[-1] != '/' || star[1] != '/' || !star[2])) {
		snprintf(err, errlen, "'*' must be a whole path component, once, not the last");
		return -1;
	}
	if (star) {
		size_t h = (size_t)(star - pattern), t = n - h - 2;

		if (h >= WATCH_PART || t >= WATCH_PART) {
			snprintf(err, errlen, "the parts around '*' must be under %d bytes", WATCH_PART);
			return -1;
		}
		memcpy(out->head, pattern, h);
		memcpy(out->tail, star + 2, t);
		out->wild = true;
	} else {
		if (n >= WATCH_PART) {
			snprintf(err, errlen, "longer than %d bytes", WATCH_PART - 1);
			return -1;
		}
		memcpy(out->head, pattern, n);
	}
	out->prefix = pattern[n - 1] == '/';
	return 0;
}

bool watch_match(const struct watch_pat *w, const char *path)
{
	size_t h = strlen(w->head), t = strlen(w->tail), k;
	const char *p = path;

	if (strncmp(p, w->head, h))
		return false;
	p += h;
	if (w->wild) {
		for (k = 0; p[k] && p[k] != '/'; k++)
			;
		if (!k || p[k] != '/')
			return false;
		p += k + 1;
		if (strncmp(p, w->tail, t))
			return false;
		p += t;
	}
	return w->prefix || !*p;
}

static bool matched(const struct watch_pat *pats, int n, const char *path)
{
	for (int i = 0; i < n; i++) {
		if (watch_match(&pats[i], path))
			return true;
	}
	return false;
}

struct adder {
	void (*add)(const char *path, bool prefix, void *ctx);
	void *ctx;
	int added, *skipped;
};

static void put(struct adder *a, const char *path, bool prefix)
{
	if (strlen(path) >= KN_WATCH_KEY) {
		(*a->skipped)++;
		return;
	}
	a->add(path, prefix, a->ctx);
	a->added++;
}

/* The regular files that symbolic links directly in dir point to. */
static void link_targets(const struct watch_pat *pats, int n, const char *dir, struct adder *a)
{
	char link[PATH_MAX], real[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((d = readdir(dp))) {
		if (d->d_type != DT_LNK && d->d_type != DT_UNKNOWN)
			continue;
		if (snprintf(link, sizeof(link), "%s%s", dir, d->d_name) >= (int)sizeof(link))
			continue;
		if (lstat(link, &st) || !S_ISLNK(st.st_mode) || !realpath(link, real))
			continue;
		if (stat(real, &st) || !S_ISREG(st.st_mode) || matched(pats, n, real))
			continue;
		put(a, real, false);
	}
	closedir(dp);
}

/* p as the kernel resolves it: its directory part through realpath, a
 * trailing '/' kept; p itself when that fails (a path not there now). */
static const char *canonical(const char *p, char *out, size_t len)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(p, '/');
	size_t dl = (size_t)(slash - p);

	if (dl >= sizeof(dir))
		return p;
	memcpy(dir, p, dl);
	dir[dl] = 0;
	if (!realpath(dl ? dir : "/", real) ||
	    snprintf(out, len, "%s/%s", strcmp(real, "/") ? real : "", slash + 1) >= (int)len)
		return p;
	return out;
}

int watch_paths(const struct watch_pat *pats, int n, void (*add)(const char *path, bool prefix, void *ctx), void *ctx,
		int *skipped)
{
	struct adder a = {add, ctx, 0, skipped};
	char path[PATH_MAX];

	*skipped = 0;
	for (int i = 0; i < n; i++) {
		struct dirent *d;
		struct stat st;
		DIR *dp;

		if (!pats[i].wild) {
			/* as the kernel resolves it (/home may be a link) */
			put(&a, canonical(pats[i].head, path, sizeof(path)), pats[i].prefix);
			if (pats[i].prefix)
				link_targets(pats, n, pats[i].head, &a);
			continue;
		}
		/* each directory the '*' stands for now (a link to one too, by
		 * the directory it names) */
		dp = opendir(pats[i].head);
		if (!dp)
			continue;
		while ((d = readdir(dp))) {
			char real[PATH_MAX];

			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (snprintf(path, sizeof(path), "%s%s", pats[i].head, d->d_name) >= (int)sizeof(path) ||
			    stat(path, &st) || !S_ISDIR(st.st_mode) || !realpath(path, real))
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", real, pats[i].tail) >= (int)sizeof(path))
				continue;
			put(&a, path, pats[i].prefix);
		}
		closedir(dp);
	}
	return a.added;
}
