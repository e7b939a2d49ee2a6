/* argv decoding and path normalization. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/argv.h"
#include "util/path.h"

static void expect_cmdline(const char *area, size_t len, const char *want, size_t argc)
{
	struct strbuf sb;

	strbuf_init(&sb);
	assert_int_equal(argv_to_cmdline(area, len, &sb), argc);
	assert_memory_equal(sb.buf ? sb.buf : "", want, strlen(want) + 1);
	strbuf_free(&sb);
}

static void test_simple(void **state)
{
	expect_cmdline("ls\0-l\0", 6, "ls -l", 2);
}

static void test_spaces_inside_args(void **state)
{
	expect_cmdline("echo\0a b\0c\0", 11, "echo a b c", 3);
}

static void test_empty_args_kept(void **state)
{
	expect_cmdline("a\0\0b\0", 5, "a  b", 3);
	expect_cmdline("a\0\0", 3, "a ", 2);
}

static void test_truncated_area(void **state)
{
	/* cut in the middle of the second argument: no final NUL */
	expect_cmdline("cat\0/etc/pas", 12, "cat /etc/pas", 2);
}

static void test_empty(void **state)
{
	expect_cmdline("", 0, "", 0);
	expect_cmdline("\0", 1, "", 1);
}

static void expect_abs(const char *dir, const char *name, const char *want)
{
	struct strbuf sb;

	strbuf_init(&sb);
	path_absolute(dir, strlen(dir), name, strlen(name), &sb);
	assert_string_equal(sb.buf, want);
	strbuf_free(&sb);
}

static void test_path_absolute(void **state)
{
	expect_abs("/home/u", "./x.sh", "/home/u/x.sh");
	expect_abs("/home/u", "../v/x.sh", "/home/v/x.sh");
	expect_abs("/home/u", "/usr/bin/env", "/usr/bin/env");
	expect_abs("/", "a//b/./c", "/a/b/c");
	expect_abs("/a", "../../../x", "/x");
	expect_abs("/", "", "/");
	/* a given component may be a symbolic link: its ".." is not undone */
	expect_abs("/w", "d/lnk/../target", "/w/d/lnk/../target");
	expect_abs("/w", "/etc/x/../passwd", "/etc/x/../passwd");
	expect_abs("/w/a", "../d/./lnk/..//t", "/w/d/lnk/../t");
	expect_abs("/", "/../../etc", "/etc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),		cmocka_unit_test(test_spaces_inside_args),
		cmocka_unit_test(test_empty_args_kept), cmocka_unit_test(test_truncated_area),
		cmocka_unit_test(test_empty),		cmocka_unit_test(test_path_absolute),
	};

	return cmocka_run_group_tests_name("argv", tests, NULL, NULL);
}
