/* Watched path patterns: compiling and matching (as the kernel side does),
 * and the files symbolic links of a watched directory point to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sensor/watch.h"

static struct kn_watch_pat compiled(const char *pattern)
{
	struct kn_watch_pat w;
	char err[128];

	assert_int_equal(watch_compile(pattern, &w, err, sizeof(err)), 0);
	return w;
}

static void test_prefix_and_exact(void **state)
{
	struct kn_watch_pat etc = compiled("/etc/"), log = compiled("/var/log/auth.log");

	assert_true(watch_match(&etc, "/etc/passwd"));
	assert_true(watch_match(&etc, "/etc/ssh/sshd_config"));
	assert_false(watch_match(&etc, "/etcetera/x"));
	assert_false(watch_match(&etc, "/usr/etc/x"));
	assert_true(watch_match(&log, "/var/log/auth.log"));
	assert_false(watch_match(&log, "/var/log/auth.log.1"));
}

static void test_wildcard_component(void **state)
{
	struct kn_watch_pat ssh = compiled("/home/*/.ssh/"), rc = compiled("/home/*/.bashrc");

	assert_true(watch_match(&ssh, "/home/alice/.ssh/authorized_keys"));
	assert_false(watch_match(&ssh, "/home/.ssh/authorized_keys")); /* the component is not empty */
	assert_false(watch_match(&ssh, "/home/alice/x/.ssh/authorized_keys"));
	assert_true(watch_match(&rc, "/home/bob/.bashrc"));
	assert_false(watch_match(&rc, "/home/bob/.bashrc.bak"));
	assert_false(watch_match(&rc, "/home/bob/deeper/.bashrc"));
}

static void test_refused(void **state)
{
	struct kn_watch_pat w;
	char err[128];

	assert_int_equal(watch_compile("etc/", &w, err, sizeof(err)), -1);
	assert_string_equal(err, "not an absolute path");
	assert_int_equal(watch_compile("/home/*/*/x", &w, err, sizeof(err)), -1);
	assert_int_equal(watch_compile("/home/a*/x", &w, err, sizeof(err)), -1);
	assert_int_equal(watch_compile("/home/*/", &w, err, sizeof(err)), -1); /* no tail */
	assert_int_equal(watch_compile("/a/very/long/directory/name/past/the/cap/", &w, err, sizeof(err)), -1);
}

static void test_defaults_compile(void **state)
{
	int n = 0;

	for (; watch_default[n]; n++)
		compiled(watch_default[n]);
	assert_true(n > 0 && n <= KN_WATCH_MAX);
}

static void add(const char *path, void *ctx)
{
	char *got = ctx;

	snprintf(got, 4096, "%s", path);
}

static void test_link_targets(void **state)
{
	char dir[] = "/tmp/kn-watch-XXXXXX", pat[64], link[128], file[128], got[4096] = "";
	struct kn_watch_pat w;
	char err[128];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(pat, sizeof(pat), "%s/", dir);
	assert_int_equal(watch_compile(pat, &w, err, sizeof(err)), 0);
	snprintf(file, sizeof(file), "/tmp/kn-watch-target-%d", (int)getpid());
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(link, sizeof(link), "%s/release", dir);
	assert_int_equal(symlink(file, link), 0);
	assert_int_equal(watch_link_targets(&w, 1, add, got), 1);
	assert_string_equal(got, file);
	unlink(link);
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_and_exact), cmocka_unit_test(test_wildcard_component),
		cmocka_unit_test(test_refused),		 cmocka_unit_test(test_defaults_compile),
		cmocka_unit_test(test_link_targets),
	};

	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
