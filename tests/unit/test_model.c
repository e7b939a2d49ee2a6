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
	p = proctable_upsert(&pt, 1, 1000, 0, 0);
	proc_set_exec(p, "/sbin/init", "init");
	p = proctable_fork(&pt, 10, 2000, 1, 1000);
	assert_non_null(p);
	assert_string_equal(p->exe, "/sbin/init"); /* inherited until exec */
	assert_string_equal(p->cmdline, "init");
	proc_set_exec(p, "/bin/sh", "sh -c x");
	assert_string_equal(proctable_get(&pt, 10)->exe, "/bin/sh");
	assert_string_equal(proctable_get(&pt, 1)->exe, "/sbin/init");
	assert_int_equal(pt.count, 2);
	proctable_exit(&pt, 10, 2000);
	assert_null(proctable_get(&pt, 10));
	/* it lingers a moment, found by its start time only */
	assert_string_equal(proctable_find(&pt, 10, 2000)->exe, "/bin/sh");
	assert_int_equal(pt.count, 2);
	proctable_linger_flush(&pt);
	assert_null(proctable_find(&pt, 10, 2000));
	assert_int_equal(pt.count, 1);
	assert_int_equal(pt.buckets != NULL, 1);
	assert_int_equal(proctable_get(&pt, 1)->children, 0);
	proctable_free(&pt);
}

static void test_ancestors(void **state)
{
	struct proctable pt;
	struct strbuf sb;

	proctable_init(&pt, 8, 100);
	strbuf_init(&sb);
	proc_set_exec(proctable_upsert(&pt, 1, 1, 0, 0), "/sbin/init", "init");
	proc_set_exec(proctable_upsert(&pt, 20, 2, 1, 1), "/usr/sbin/sshd", "sshd");
	proc_set_exec(proctable_upsert(&pt, 30, 3, 20, 2), "/bin/bash", "bash");
	proc_set_exec(proctable_upsert(&pt, 40, 4, 30, 3), "/bin/ls", "ls");
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
	/* a parent known only after its child (seeded out of order) */
	proc_set_exec(proctable_upsert(&pt, 7, 9, 6, 0), "/bin/child", "c");
	proc_set_exec(proctable_upsert(&pt, 6, 8, 1, 0), "/bin/parent", "p");
	proctable_link(&pt);
	proctable_ancestors(&pt, 7, &sb, 64);
	assert_string_equal(sb.buf, "/sbin/init|/bin/parent");
	strbuf_free(&sb);
	proctable_free(&pt);
}

/* An orphan keeps its ancestry after its parent and grandparent exit; the
 * kept entries go with the last descendant. */
static void test_orphan_keeps_ancestry(void **state)
{
	struct proctable pt;
	struct strbuf sb;

	proctable_init(&pt, 8, 100);
	strbuf_init(&sb);
	proc_set_exec(proctable_upsert(&pt, 1, 1, 0, 0), "/sbin/init", "init");
	proc_set_exec(proctable_fork(&pt, 100, 10, 1, 1), "/usr/sbin/cron", "cron");
	proc_set_exec(proctable_fork(&pt, 200, 20, 100, 10), "/bin/sh", "sh -c x");
	proctable_fork(&pt, 300, 30, 200, 20); /* the subshell */
	proctable_exit(&pt, 200, 20);
	proctable_exit(&pt, 100, 10);
	assert_null(proctable_get(&pt, 200));
	assert_int_equal(proctable_kept(&pt), 2);
	/* reparented to init: its exec says ppid 1; its ancestry stays */
	proc_set_exec(proctable_upsert(&pt, 300, 30, 1, 1), "/bin/echo", "echo x");
	proctable_ancestors(&pt, 300, &sb, 64);
	assert_string_equal(sb.buf, "/sbin/init|/usr/sbin/cron|/bin/sh");
	assert_int_equal(proctable_get(&pt, 300)->parent->tgid, 200);
	proctable_exit(&pt, 300, 30);
	/* its chain goes with it (it lingers a moment without) */
	assert_int_equal(proctable_kept(&pt), 0);
	assert_int_equal(pt.count, 2);
	proctable_linger_flush(&pt);
	assert_int_equal(pt.count, 1);
	strbuf_free(&sb);
	proctable_free(&pt);
}

/* A pid reused by another process: never the old one's chain or exe. */
static void test_reused_tgid(void **state)
{
	struct proctable pt;
	struct strbuf sb;
	struct proc *p;

	proctable_init(&pt, 8, 100);
	strbuf_init(&sb);
	proc_set_exec(proctable_upsert(&pt, 1, 1, 0, 0), "/sbin/init", "init");
	proc_set_exec(proctable_upsert(&pt, 2, 2, 1, 1), "/usr/sbin/sshd", "sshd");
	proc_set_exec(proctable_upsert(&pt, 5, 100, 2, 2), "/old", "old");
	proctable_upsert(&pt, 6, 150, 5, 100); /* a child of the old 5 */
	/* 5's exit missed: a new process 5, child of init */
	p = proctable_upsert(&pt, 5, 200, 1, 1);
	assert_null(p->exe);
	assert_null(p->cmdline);
	assert_int_equal(p->start, 200);
	proctable_ancestors(&pt, 5, &sb, 64);
	assert_string_equal(sb.buf, "/sbin/init");
	strbuf_reset(&sb);
	/* the old 5's child keeps the old chain */
	proctable_ancestors(&pt, 6, &sb, 64);
	assert_string_equal(sb.buf, "/sbin/init|/usr/sbin/sshd|/old");
	strbuf_reset(&sb);
	/* a fork whose parent key is the new 5 gets the new one's */
	proc_set_exec(p, "/new", "new");
	proctable_fork(&pt, 7, 210, 5, 200);
	proctable_ancestors(&pt, 7, &sb, 64);
	assert_string_equal(sb.buf, "/sbin/init|/new");
	/* an exit of the old one (by its start time) leaves the new one */
	proctable_exit(&pt, 5, 100);
	assert_non_null(proctable_get(&pt, 5));
	strbuf_free(&sb);
	proctable_free(&pt);
}

/* A chain of processes, each forking the next and exiting (a double-fork
 * storm): the kept entries stop at their cap, the rest counted. */
static void test_kept_bounded(void **state)
{
	struct proctable pt;
	uint32_t n = PROCTABLE_KEPT_MAX + 10;

	proctable_init(&pt, 1 << 16, 4 * (size_t)n);
	proctable_upsert(&pt, 1, 1, 0, 0);
	for (uint32_t i = 2; i <= n + 1; i++) {
		proctable_fork(&pt, i, i, i - 1, i - 1);
		if (i > 2)
			proctable_exit(&pt, i - 1, i - 1);
		assert_true(proctable_kept(&pt) <= PROCTABLE_KEPT_MAX);
	}
	/* at the cap, the exiting one was not kept: the chain above it went
	 * (its child lost its parent), a new chain began */
	assert_int_equal(pt.unkept, 1);
	assert_int_equal(proctable_kept(&pt), n - 1 - PROCTABLE_KEPT_MAX - 1);
	/* the last one's exit frees its kept chain */
	proctable_exit(&pt, n + 1, n + 1);
	assert_int_equal(proctable_kept(&pt), 0);
	proctable_linger_flush(&pt);
	assert_int_equal(pt.count, 1); /* init */
	proctable_free(&pt);
}

/* Exited processes linger in a ring of PROCTABLE_LINGER: the oldest goes
 * when a new one comes, with its command line cut; a reused pid never
 * finds them as live. */
static void test_linger(void **state)
{
	struct proctable pt;
	char big[PROCTABLE_LINGER_CMDLINE + 100];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	proctable_init(&pt, 64, 10 * PROCTABLE_LINGER);
	proctable_upsert(&pt, 1, 1, 0, 0);
	proc_set_exec(proctable_fork(&pt, 2, 2, 1, 1), "/bin/victim", big);
	proctable_exit(&pt, 2, 2);
	assert_null(proctable_get(&pt, 2));
	assert_string_equal(proctable_find(&pt, 2, 2)->exe, "/bin/victim");
	assert_int_equal(strlen(proctable_find(&pt, 2, 2)->cmdline), PROCTABLE_LINGER_CMDLINE);
	/* pid 2 reused: the new one is the live one */
	proctable_fork(&pt, 2, 3, 1, 1);
	assert_int_equal(proctable_get(&pt, 2)->start, 3);
	proctable_exit(&pt, 2, 3);
	for (uint32_t i = 10; i < 10 + PROCTABLE_LINGER - 2; i++) {
		proctable_fork(&pt, i, i, 1, 1);
		proctable_exit(&pt, i, i);
	}
	/* the ring is full: the first still there, the next exit pushes it out */
	assert_non_null(proctable_find(&pt, 2, 2));
	assert_int_equal(pt.count, 1 + PROCTABLE_LINGER);
	proctable_fork(&pt, 5000, 5000, 1, 1);
	proctable_exit(&pt, 5000, 5000);
	assert_null(proctable_find(&pt, 2, 2));
	assert_non_null(proctable_find(&pt, 2, 3));
	assert_int_equal(pt.count, 1 + PROCTABLE_LINGER);
	proctable_free(&pt);
}

static void test_bounded(void **state)
{
	struct proctable pt;

	proctable_init(&pt, 8, 3);
	for (uint32_t i = 1; i <= 5; i++)
		proctable_upsert(&pt, i, i, 0, 0);
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
		proctable_upsert(&pt, i, i, 0, 0);
	assert_int_equal(proctable_sweep(&pt, odd, NULL), 5);
	proctable_linger_flush(&pt);
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
		cmocka_unit_test(test_fork_exec_exit), cmocka_unit_test(test_ancestors),
		cmocka_unit_test(test_reused_tgid),    cmocka_unit_test(test_orphan_keeps_ancestry),
		cmocka_unit_test(test_linger),	       cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_kept_bounded),   cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_guuid),	       cmocka_unit_test(test_loss_deltas),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
