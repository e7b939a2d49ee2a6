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

int watch_compile(const char *pattern, struct kn_watch_pat *out, char *err, size_t errlen)
{
	const char *star = strchr(pattern, '*');
	size_t n = strlen(pattern);

	memset(out, 0, sizeof(*out));
	if (pattern[0] != '/') {
		snprintf(err, errlen, "not an absolute path");
		return -1;
	}
	if (star && (strchr(star + 1, '*') || star[-1] != '/' || star[1] != '/')) {
		snprintf(err, errlen, "'*' must be a whole path component, once");
		return -1;
	}
	if (star) {
		size_t h = (size_t)(star - pattern), t = n - h - 2;

		if (h >= KN_WATCH_PART || t >= KN_WATCH_PART || !t) {
			snprintf(err, errlen, "the parts around '*' must be 1 to %d bytes", KN_WATCH_PART - 1);
			return -1;
		}
		memcpy(out->head, pattern, h);
		memcpy(out->tail, star + 2, t);
		out->head_len = (uint32_t)h;
		out->tail_len = (uint32_t)t;
		out->wild = 1;
	} else {
		if (n >= KN_WATCH_PART) {
			snprintf(err, errlen, "longer than %d bytes", KN_WATCH_PART - 1);
			return -1;
		}
		memcpy(out->head, pattern, n);
		out->head_len = (uint32_t)n;
	}
	out->prefix = pattern[n - 1] == '/';
	return 0;
}

bool watch_match(const struct kn_watch_pat *w, const char *path)
{
	const char *p = path;
	size_t k;

	if (strncmp(p, w->head, w->head_len))
		return false;
	p += w->head_len;
	if (w->wild) {
		for (k = 0; k < KN_WATCH_NAME && p[k] && p[k] != '/'; k++)
			;
		if (!k || p[k] != '/')
			return false;
		p += k + 1;
		if (strncmp(p, w->tail, w->tail_len))
			return false;
		p += w->tail_len;
	}
	return w->prefix || !*p;
}

static bool matched(const struct kn_watch_pat *pats, int n, const char *path)
{
	for (int i = 0; i < n; i++) {
		if (watch_match(&pats[i], path))
			return true;
	}
	return false;
}

int watch_link_targets(const struct kn_watch_pat *pats, int n, void (*add)(const char *path, void *ctx), void *ctx)
{
	int found = 0;

	for (int i = 0; i < n; i++) {
		char dir[KN_WATCH_PART + 1], link[PATH_MAX], real[PATH_MAX];
		struct dirent *d;
		struct stat st;
		DIR *dp;

		if (pats[i].wild || !pats[i].prefix)
			continue;
		memcpy(dir, pats[i].head, pats[i].head_len);
		dir[pats[i].head_len] = 0;
		dp = opendir(dir);
		if (!dp)
			continue;
		while ((d = readdir(dp))) {
			if (d->d_type != DT_LNK && d->d_type != DT_UNKNOWN)
				continue;
			if (snprintf(link, sizeof(link), "%s%s", dir, d->d_name) >= (int)sizeof(link))
				continue;
			if (lstat(link, &st) || !S_ISLNK(st.st_mode) || !realpath(link, real))
				continue;
			if (stat(real, &st) || !S_ISREG(st.st_mode) || strlen(real) >= KN_WATCH_KEY ||
			    matched(pats, n, real))
				continue;
			add(real, ctx);
			found++;
		}
		closedir(dp);
	}
	return found;
}
