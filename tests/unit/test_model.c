/* Process model: insert, fork, exec, exit, ancestors, bounds; loss accounting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/guuid.h"
#include "model/proctable.h"
#include "sensor/loss.h"

static void test_fork_exec_exit(void **state)
{
	struct proctable pt;
	struct proc *p;

	assert_int_equal(proctable_init(&pt, 16, 100), 0);
	p = proctable_upsert(&pt, 1, 0, 1000);
	proc_set_exec(p, "/sbin/init", "init");
	p = proctable_fork(&pt, 10, 1, 2000);
	assert_non_null(p);
	assert_string_equal(p->exe, "/sbin/init"); /* inherited until exec */
	assert_string_equal(p->cmdline, "init");
	proc_set_exec(p, "/bin/sh", "sh -c x");
	assert_string_equal(proctable_get(&pt, 10)->exe, "/bin/sh");
	assert_string_equal(proctable_get(&pt, 1)->exe, "/sbin/init");
	assert_int_equal(pt.count, 2);
	proctable_remove(&pt, 10);
	assert_null(proctable_get(&pt, 10));
	assert_int_equal(pt.count, 1);
	proctable_free(&pt);
}

static void test_ancestors(void **state)
{
	struct proctable pt;
	struct strbuf sb;

	proctable_init(&pt, 8, 100);
	strbuf_init(&sb);
	proc_set_exec(proctable_upsert(&pt, 1, 0, 1), "/sbin/init", "init");
	proc_set_exec(proctable_upsert(&pt, 20, 1, 2), "/usr/sbin/sshd", "sshd");
	proc_set_exec(proctable_upsert(&pt, 30, 20, 3), "/bin/bash", "bash");
	proc_set_exec(proctable_upsert(&pt, 40, 30, 4), "/bin/ls", "ls");
	assert_int_equal(proctable_ancestors(&pt, 40, &sb, 64), 3);
	assert_string_equal(sb.buf, "/sbin/init|/usr/sbin/sshd|/bin/bash");
	strbuf_reset(&sb);
	/* depth bound */
	assert_int_equal(proctable_ancestors(&pt, 40, &sb, 2), 2);
	assert_string_equal(sb.buf, "/usr/sbin/sshd|/bin/bash");
	strbuf_reset(&sb);
	/* unknown exe */
	proc_set_exec(proctable_get(&pt, 20), NULL, NULL);
	proctable_ancestors(&pt, 40, &sb, 64);
	assert_string_equal(sb.buf, "/sbin/init|?|/bin/bash");
	strbuf_reset(&sb);
	/* a loop in the parent links ends */
	proctable_upsert(&pt, 1, 40, 1);
	assert_true(proctable_ancestors(&pt, 40, &sb, 64) <= 64);
	strbuf_free(&sb);
	proctable_free(&pt);
}

static void test_reused_tgid_is_reset(void **state)
{
	struct proctable pt;
	struct proc *p;

	proctable_init(&pt, 8, 100);
	proc_set_exec(proctable_upsert(&pt, 5, 1, 100), "/old", "old");
	p = proctable_upsert(&pt, 5, 1, 200);
	assert_null(p->exe);
	assert_null(p->cmdline);
	assert_int_equal(p->start, 200);
	proctable_free(&pt);
}

static void test_bounded(void **state)
{
	struct proctable pt;

	proctable_init(&pt, 8, 3);
	for (uint32_t i = 1; i <= 5; i++)
		proctable_upsert(&pt, i, 0, i);
	assert_int_equal(pt.count, 3);
	assert_int_equal(pt.refused, 2);
	proctable_free(&pt);
}

static int odd(const struct proc *p, void *arg)
{
	return p->tgid & 1;
}

static void test_sweep(void **state)
{
	struct proctable pt;

	proctable_init(&pt, 4, 100);
	for (uint32_t i = 1; i <= 10; i++)
		proctable_upsert(&pt, i, 0, i);
	assert_int_equal(proctable_sweep(&pt, odd, NULL), 5);
	assert_int_equal(pt.count, 5);
	assert_null(proctable_get(&pt, 3));
	assert_non_null(proctable_get(&pt, 4));
	proctable_free(&pt);
}

static void test_guuid(void **state)
{
	char a[KN_UUID_STR], b[KN_UUID_STR], c[KN_UUID_STR];

	/* same process seen with kernel (ns) and /proc (tick) precision */
	guuid_format(a, 0xdeadbeef, 123456789012ULL, 42);
	guuid_format(b, 0xdeadbeef, proc_start_norm(123456789012ULL), 42);
	assert_string_equal(a, b);
	assert_string_equal(a, "deadbeef-0000-0000-3039-00000000002a");
	guuid_format(c, 0xdeadbeef, 123456789012ULL, 43);
	assert_string_not_equal(a, c);
	guuid_format(c, 0xdeadbeee, 123456789012ULL, 42);
	assert_string_not_equal(a, c);
}

static void test_loss_deltas(void **state)
{
	struct loss l = {0};
	uint64_t totals[KN_TYPE_MAX] = {0}, delta[KN_TYPE_MAX];
	uint64_t percpu[3] = {4, 0, 6};

	assert_int_equal(loss_update(&l, totals, delta), 0);
	totals[KN_EXECVE] = 5;
	totals[KN_CLONE] = 2;
	assert_int_equal(loss_update(&l, totals, delta), 7);
	assert_int_equal(delta[KN_EXECVE], 5);
	assert_int_equal(delta[KN_CLONE], 2);
	assert_int_equal(delta[KN_EXIT], 0);
	totals[KN_EXECVE] = 8;
	assert_int_equal(loss_update(&l, totals, delta), 3);
	assert_int_equal(delta[KN_EXECVE], 3);
	assert_int_equal(delta[KN_CLONE], 0);
	/* counter reset: the new value is all new loss */
	totals[KN_EXECVE] = 1;
	assert_int_equal(loss_update(&l, totals, delta), 1);
	assert_int_equal(l.lost_total, 11);
	assert_int_equal(loss_sum_percpu(percpu, 3), 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_exec_exit),
		cmocka_unit_test(test_ancestors),
		cmocka_unit_test(test_reused_tgid_is_reset),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_guuid),
		cmocka_unit_test(test_loss_deltas),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
