/* JSON writer: escaping of control bytes, quotes and invalid UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "serialize/json.h"

static void expect_escape(const char *in, size_t len, const char *want)
{
	struct strbuf sb;

	strbuf_init(&sb);
	json_escape(&sb, in, len);
	assert_string_equal(sb.buf, want);
	strbuf_free(&sb);
}

static void test_plain(void **state)
{
	expect_escape("abc", 3, "\"abc\"");
	expect_escape("", 0, "\"\"");
}

static void test_quotes_backslash(void **state)
{
	expect_escape("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
}

static void test_control_bytes(void **state)
{
	expect_escape("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
	expect_escape("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	expect_escape("a\0b", 3, "\"a\\u0000b\"");
}

static void test_valid_utf8_passes(void **state)
{
	expect_escape("h\xc3\xa9", 3, "\"h\xc3\xa9\"");
	expect_escape("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");
	expect_escape("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");
}

static void test_invalid_utf8_escaped(void **state)
{
	/* lone bytes, truncated sequences, overlongs, surrogates, > U+10FFFF */
	expect_escape("\xff\xfe", 2, "\"\\udcff\\udcfe\"");
	expect_escape("\xc3", 1, "\"\\udcc3\"");
	expect_escape("\xe2\x82", 2, "\"\\udce2\\udc82\"");
	expect_escape("\xc0\xaf", 2, "\"\\udcc0\\udcaf\"");
	expect_escape("\xed\xa0\x80", 3, "\"\\udced\\udca0\\udc80\"");
	expect_escape("\xf4\x90\x80\x80", 4, "\"\\udcf4\\udc90\\udc80\\udc80\"");
	expect_escape("a\x80z", 3, "\"a\\udc80z\"");
}

static void test_object_layout(void **state)
{
	struct strbuf sb;
	struct json j;

	strbuf_init(&sb);
	json_init(&j, &sb);
	json_obj_begin(&j, NULL);
	json_str(&j, "a", "x");
	json_obj_begin(&j, "o");
	json_u64(&j, "n", 18446744073709551615ULL);
	json_i64(&j, "m", -3);
	json_obj_end(&j);
	json_arr_begin(&j, "l");
	json_bool(&j, NULL, true);
	json_null(&j, NULL);
	json_arr_end(&j);
	json_str(&j, "z", NULL);
	json_obj_end(&j);
	assert_string_equal(sb.buf,
			    "{\"a\":\"x\",\"o\":{\"n\":18446744073709551615,\"m\":-3},\"l\":[true,null],\"z\":null}");
	strbuf_free(&sb);
}

/* Every byte string escapes to ASCII-safe JSON without reading past it. */
static void test_all_bytes_never_crash(void **state)
{
	unsigned char buf[256];
	struct strbuf sb;

	for (int i = 0; i < 256; i++)
		buf[i] = (unsigned char)(255 - i);
	strbuf_init(&sb);
	for (size_t len = 0; len <= sizeof(buf); len++) {
		strbuf_reset(&sb);
		json_escape(&sb, buf, len);
		assert_true(sb.len >= 2);
		for (size_t k = 1; k + 1 < sb.len; k++)
			assert_true((unsigned char)sb.buf[k] >= 0x20 && sb.buf[k] != 0x7f);
	}
	strbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quotes_backslash),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_valid_utf8_passes),
		cmocka_unit_test(test_invalid_utf8_escaped),
		cmocka_unit_test(test_object_layout),
		cmocka_unit_test(test_all_bytes_never_crash),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
