/* Watched path patterns: compiling, matching, and the paths the kernel
 * side's map gets (wildcards expanded, symbolic links' targets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sensor/watch.h"

static struct watch_pat compiled(const char *pattern)
{
	struct watch_pat w;
	char err[128];

	assert_int_equal(watch_compile(pattern, &w, err, sizeof(err)), 0);
	return w;
}

static void test_prefix_and_exact(void **state)
{
	struct watch_pat etc = compiled("/etc/"), log = compiled("/var/log/auth.log");

	assert_true(watch_match(&etc, "/etc/passwd"));
	assert_true(watch_match(&etc, "/etc/ssh/sshd_config"));
	assert_false(watch_match(&etc, "/etcetera/x"));
	assert_false(watch_match(&etc, "/usr/etc/x"));
	assert_true(watch_match(&log, "/var/log/auth.log"));
	assert_false(watch_match(&log, "/var/log/auth.log.1"));
}

static void test_wildcard_component(void **state)
{
	struct watch_pat ssh = compiled("/home/*/.ssh/"), rc = compiled("/home/*/.bashrc");

	assert_true(watch_match(&ssh, "/home/alice/.ssh/authorized_keys"));
	assert_false(watch_match(&ssh, "/home/.ssh/authorized_keys")); /* the component is not empty */
	assert_false(watch_match(&ssh, "/home/alice/x/.ssh/authorized_keys"));
	assert_true(watch_match(&rc, "/home/bob/.bashrc"));
	assert_false(watch_match(&rc, "/home/bob/.bashrc.bak"));
	assert_false(watch_match(&rc, "/home/bob/deeper/.bashrc"));
}

static void test_refused(void **state)
{
	struct watch_pat w;
	char err[128];

	assert_int_equal(watch_compile("etc/", &w, err, sizeof(err)), -1);
	assert_string_equal(err, "not an absolute path");
	assert_int_equal(watch_compile("/home/*/*/x", &w, err, sizeof(err)), -1);
	assert_int_equal(watch_compile("/home/a*/x", &w, err, sizeof(err)), -1);
	assert_int_equal(watch_compile("/home/*/", &w, err, sizeof(err)), -1); /* nothing after it */
}

static void test_defaults_compile(void **state)
{
	for (int n = 0; watch_default[n]; n++)
		compiled(watch_default[n]);
}

struct got {
	char paths[8][256];
	bool prefix[8];
	int n;
};

static void add(const char *path, bool prefix, void *ctx)
{
	struct got *g = ctx;

	assert_true(g->n < 8);
	snprintf(g->paths[g->n], sizeof(g->paths[0]), "%s", path);
	g->prefix[g->n++] = prefix;
}

/* A "home" with two users (and a file, which names no one), a watched
 * directory with a symbolic link out of it: each user's .ssh/ and .bashrc,
 * the directory, and the link's target. */
static void test_paths(void **state)
{
	char home[] = "/tmp/kn-watch-XXXXXX", etc[] = "/tmp/kn-watch-etc-XXXXXX", buf[512], file[128];
	struct watch_pat pats[3];
	struct got g = {0};
	int skipped;
	FILE *f;

	assert_non_null(mkdtemp(home));
	assert_non_null(mkdtemp(etc));
	snprintf(buf, sizeof(buf), "%s/alice", home);
	assert_int_equal(mkdir(buf, 0700), 0);
	snprintf(buf, sizeof(buf), "%s/notes", home);
	f = fopen(buf, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(file, sizeof(file), "/tmp/kn-watch-target-%d", (int)getpid());
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(buf, sizeof(buf), "%s/release", etc);
	assert_int_equal(symlink(file, buf), 0);

	snprintf(buf, sizeof(buf), "%s/*/.ssh/", home);
	pats[0] = compiled(buf);
	snprintf(buf, sizeof(buf), "%s/*/.bashrc", home);
	pats[1] = compiled(buf);
	snprintf(buf, sizeof(buf), "%s/", etc);
	pats[2] = compiled(buf);
	assert_int_equal(watch_paths(pats, 3, add, &g, &skipped), 4);
	assert_int_equal(skipped, 0);
	snprintf(buf, sizeof(buf), "%s/alice/.ssh/", home);
	assert_string_equal(g.paths[0], buf);
	assert_true(g.prefix[0]);
	snprintf(buf, sizeof(buf), "%s/alice/.bashrc", home);
	assert_string_equal(g.paths[1], buf);
	assert_false(g.prefix[1]);
	snprintf(buf, sizeof(buf), "%s/", etc);
	assert_string_equal(g.paths[2], buf);
	assert_true(g.prefix[2]);
	assert_string_equal(g.paths[3], file);
	assert_false(g.prefix[3]);

	snprintf(buf, sizeof(buf), "%s/release", etc);
	unlink(buf);
	snprintf(buf, sizeof(buf), "%s/notes", home);
	unlink(buf);
	snprintf(buf, sizeof(buf), "%s/alice", home);
	rmdir(buf);
	rmdir(home);
	rmdir(etc);
	unlink(file);
}

/* A watched directory reached through a symbolic link (/home -> /var/home):
 * watched by the directory the kernel resolves paths to. */
static void test_linked_dirs(void **state)
{
	char real[] = "/tmp/kn-watch-real-XXXXXX", lnk[128], buf[512], want[512];
	struct watch_pat pats[2];
	struct got g = {0};
	int skipped;

	assert_non_null(mkdtemp(real));
	snprintf(lnk, sizeof(lnk), "/tmp/kn-watch-link-%d", (int)getpid());
	assert_int_equal(symlink(real, lnk), 0);
	snprintf(buf, sizeof(buf), "%s/bob", real);
	assert_int_equal(mkdir(buf, 0700), 0);
	snprintf(buf, sizeof(buf), "%s/*/.ssh/", lnk);
	pats[0] = compiled(buf);
	snprintf(buf, sizeof(buf), "%s/", lnk);
	pats[1] = compiled(buf);
	assert_int_equal(watch_paths(pats, 2, add, &g, &skipped), 2);
	snprintf(want, sizeof(want), "%s/bob/.ssh/", real);
	assert_string_equal(g.paths[0], want);
	snprintf(want, sizeof(want), "%s/", real);
	assert_string_equal(g.paths[1], want);
	assert_true(g.prefix[0] && g.prefix[1]);
	snprintf(buf, sizeof(buf), "%s/bob", real);
	rmdir(buf);
	rmdir(real);
	unlink(lnk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_and_exact),
		cmocka_unit_test(test_wildcard_component),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_defaults_compile),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_linked_dirs),
	};

	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
