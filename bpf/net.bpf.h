/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Network: connect (with the outcome of non-blocking connects), accept,
 * send_data, and the DNS answers processes receive. Addresses come from
 * struct sock; a sockaddr from user memory only where the socket holds
 * none (unconnected datagram sockets, a connect that failed). */
#ifndef KN_BPF_NET_H
#define KN_BPF_NET_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kunai/wire.h"
#include "lib/maps.h"
#include "lib/sys.h"

#define KN_EINPROGRESS 115
#define KN_TCP_ESTABLISHED 1
#define KN_TCP_CLOSE 7
#define KN_SOCK_STREAM 1
#define KN_DNS_PORT 53

/* ---- connect -------------------------------------------------------- */

/* Non-blocking connects in flight, by socket: their event waits for the
 * outcome (inet_sock_set_state; every TCP socket leaves SYN_SENT, by
 * ESTABLISHED or CLOSE, so entries go). A plain hash, not an LRU: an entry
 * is never evicted in silence; one that cannot be parked (16384 in flight)
 * is counted lost. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, u64);
	__type(value, struct kn_sys);
} kn_pending_connect SEC(".maps");

/* Who emits a parked connect: the syscall's exit (the outcome was known
 * already) or the state change, whichever inserts its claim first (an
 * insert that fails on an existing key is atomic on every kernel; atomic
 * fetch-and-add needs 5.12). A claim names one attempt: socket and time. */
struct connect_claim {
	u64 sk;
	u64 ktime;
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct connect_claim);
	__type(value, u8);
} kn_connect_claims SEC(".maps");

static __always_inline int connect_claim(u64 sk, u64 ktime)
{
	struct connect_claim k = {sk, ktime};
	u8 one = 1;

	return bpf_map_update_elem(&kn_connect_claims, &k, &one, BPF_NOEXIST) == 0;
}

/* At the entry of connect, sendto or sendmsg (sc): the inet socket its fd
 * names, for the exit to compare (used_file); or nothing kept. */
static __always_inline void sock_keep(u32 sc, u64 fd)
{
	struct file *f = fd_file(fd);

	used_keep(KN_USED_SOCK, sc, (int)fd, is_inet(file_sock(f)) ? f : NULL, 0);
}

/* The inet socket a connect or send used through fd: the one used_file
 * gives, or, when that one is unconfirmed and no inet socket any more
 * (gone since the entry: the kernel used the other), the fd's now. */
static __always_inline struct sock *used_sock(u32 sc, long fd, u32 *fl)
{
	struct sock *sk = file_sock(used_file(KN_USED_SOCK, sc, fd, fl));

	if (!is_inet(sk) && *fl)
		sk = file_sock(fd_file(fd));
	return sk;
}

static __always_inline int connect_exit(struct kn_args *st, long ret)
{
	struct kn_addr kaddr = {};
	int kept = peer_take(&kaddr); /* the kernel's copy, or the entry's */
	struct kn_sys *e;
	struct sock *sk;
	u32 fl = 0;

	/* the socket the kernel connected (the fd may name another by now) */
	sk = used_sock(st->sc, (long)st->args[0], &fl);
	if (!is_inet(sk))
		return 0;
	e = sys_begin(KN_CONNECT, st, ret);
	if (!e)
		return 0;
	sock_fill(&e->sock, sk);
	/* the socket's peer where the kernel set it (connected, or in
	 * progress); else the address asked for (peer_given) */
	if ((ret != 0 && ret != -KN_EINPROGRESS) || !e->sock.dst.port)
		e->flow.unconfirmed = peer_given(&e->sock.dst, &kaddr, kept, (void *)st->args[1]);
	if (fl)
		e->flow.unconfirmed |= KN_SOCK_UNCONFIRMED;
	if (ret == -KN_EINPROGRESS && e->sock.type == KN_SOCK_STREAM) {
		u64 key = (u64)sk;
		u16 state;

		/* The outcome may be known already (loopback completes inside
		 * connect()): park the event, then look at the state. Whoever
		 * claims the parked entry first emits it, exactly once. */
		if (bpf_map_update_elem(&kn_pending_connect, &key, e, BPF_ANY)) {
			kn_loss_count(KN_CONNECT);
			return 0;
		}
		state = BPF_CORE_READ(sk, __sk_common.skc_state);
		if (state != KN_TCP_ESTABLISHED && state != KN_TCP_CLOSE)
			return 0;
		if (!connect_claim(key, e->hdr.ktime))
			return 0; /* the state change emitted it */
		bpf_map_delete_elem(&kn_pending_connect, &key);
		addr_from_sock(&e->sock.src, sk, 0);
		if (state == KN_TCP_ESTABLISHED)
			addr_from_sock(&e->sock.dst, sk, 1);
		e->flow.connected = state == KN_TCP_ESTABLISHED;
		e->flow.non_blocking = 1;
		sys_emit(e);
		return 0;
	}
	e->flow.connected = ret == 0; /* connected */
	sys_emit(e);
	return 0;
}

SYS_EXIT(connect, KN_SC_CONNECT, 3, KN_CONNECT, connect_exit)

/* The address a connect or send gives, read at the call's entry (where the
 * object tier does not give the kernel's copy: it then overwrites this). */
SEC("tp/syscalls/sys_enter_connect")
int kn_peer_connect(struct trace_event_raw_sys_enter *ctx)
{
	if (!kn_is_self(bpf_get_current_pid_tgid() >> 32))
		peer_keep((const void *)ctx->args[1], (int)ctx->args[2], 1);
	/* and the socket its fd names: another thread may rebind the fd */
	sock_keep(KN_SC_CONNECT, ctx->args[0]);
	return 0;
}

/* May run in softirq, interrupting a syscall program on this CPU: it must
 * not touch the per-CPU scratch; the parked event is finished in place. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(kn_inet_sock_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	u64 key = (u64)sk;
	struct kn_sys *p;

	if (newstate != KN_TCP_ESTABLISHED && newstate != KN_TCP_CLOSE)
		return 0;
	p = bpf_map_lookup_elem(&kn_pending_connect, &key);
	if (!p)
		return 0;
	if (newstate == KN_TCP_ESTABLISHED) {
		addr_from_sock(&p->sock.src, (struct sock *)sk, 0);
		addr_from_sock(&p->sock.dst, (struct sock *)sk, 1);
	}
	/* Whoever claims the parked entry first emits it, exactly once; it
	 * is deleted only after the copy into the ring buffer. */
	if (!connect_claim(key, p->hdr.ktime))
		return 0;
	p->flow.connected = newstate == KN_TCP_ESTABLISHED;
	p->flow.non_blocking = 1; /* outcome of a non-blocking connect */
	p->hdr.size = sizeof(*p);
	kn_emit(p, sizeof(*p), KN_CONNECT);
	bpf_map_delete_elem(&kn_pending_connect, &key);
	return 0;
}

/* ---- accept --------------------------------------------------------- */

static __always_inline int accept_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;
	struct sock *sk;
	u32 fl = 0;

	if (ret < 0)
		return 0;
	sk = file_sock(used_file(KN_USED_INSTALL, 0, ret, &fl));
	if (!is_inet(sk))
		return 0;
	e = sys_begin(KN_ACCEPT, st, ret);
	if (!e)
		return 0;
	sock_fill(&e->sock, sk);
	if (fl)
		e->flow.unconfirmed = KN_SOCK_UNCONFIRMED;
	sys_emit(e);
	return 0;
}

SYS_EXIT(accept, KN_SC_ACCEPT, 3, KN_ACCEPT, accept_exit)
SYS_EXIT(accept4, KN_SC_ACCEPT4, 4, KN_ACCEPT, accept_exit)

/* ---- send_data ------------------------------------------------------ */

static __always_inline int send_exit(struct kn_args *st, long ret)
{
	struct kn_addr kaddr = {};
	int kept = peer_take(&kaddr); /* the kernel's copy, or the entry's */
	struct kn_sys *e;
	struct sock *sk;
	const void *buf = NULL, *uaddr = NULL;
	u32 fl = 0;

	/* the socket the kernel sent on (the fd may name another by now) */
	sk = used_sock(st->sc, (long)st->args[0], &fl);
	if (ret < 0 || (u64)ret < kn_send_min || !is_inet(sk))
		return 0;
	if (st->sc == KN_SC_SENDTO) {
		buf = (const void *)st->args[1];
		uaddr = (const void *)st->args[4];
	} else if (in_ia32_syscall()) {
		/* a 32-bit caller's compat_msghdr (name, namelen, iov, iovlen,
		 * ...) and compat_iovec (base, len) */
		u32 m[4] = {}, iov[2] = {};

		bpf_probe_read_user(m, sizeof(m), (void *)st->args[1]);
		uaddr = (const void *)(u64)m[0];
		if (m[3] && !bpf_probe_read_user(iov, sizeof(iov), (const void *)(u64)m[2])) {
			buf = (const void *)(u64)iov[0];
			if ((u64)ret > iov[1])
				ret = iov[1]; /* the first buffer only */
		}
	} else {
		struct user_msghdr m = {};
		struct iovec iov = {};

		bpf_probe_read_user(&m, sizeof(m), (void *)st->args[1]);
		uaddr = m.msg_name;
		if (m.msg_iovlen && !bpf_probe_read_user(&iov, sizeof(iov), m.msg_iov)) {
			buf = iov.iov_base;
			if ((u64)ret > iov.iov_len)
				ret = iov.iov_len; /* the first buffer only */
		}
	}
	e = sys_begin(KN_SEND_DATA, st, ret);
	if (!e)
		return 0;
	sock_fill(&e->sock, sk);
	if (!e->sock.dst.port && (kept || uaddr))
		e->sent.unconfirmed = peer_given(&e->sock.dst, &kaddr, kept, uaddr);
	if (fl)
		e->sent.unconfirmed |= KN_SOCK_UNCONFIRMED;
	if (buf)
		sys_put_data(e, buf, ret, 1);
	sys_emit(e);
	return 0;
}

SYS_EXIT(sendto, KN_SC_SENDTO, 5, KN_SEND_DATA, send_exit)
SYS_EXIT(sendmsg, KN_SC_SENDMSG, 3, KN_SEND_DATA, send_exit)

SEC("tp/syscalls/sys_enter_sendto")
int kn_peer_sendto(struct trace_event_raw_sys_enter *ctx)
{
	sock_keep(KN_SC_SENDTO, ctx->args[0]);
	if (ctx->args[4] && !kn_is_self(bpf_get_current_pid_tgid() >> 32))
		peer_keep((const void *)ctx->args[4], (int)ctx->args[5], 1);
	return 0;
}

SEC("tp/syscalls/sys_enter_sendmsg")
int kn_peer_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	struct user_msghdr m = {};

	sock_keep(KN_SC_SENDMSG, ctx->args[0]);
	if (kn_is_self(bpf_get_current_pid_tgid() >> 32) ||
	    bpf_probe_read_user(&m, sizeof(m), (const void *)ctx->args[1]) || !m.msg_name)
		return 0;
	peer_keep(m.msg_name, m.msg_namelen, 1);
	return 0;
}

/* ---- dns_query ------------------------------------------------------ */

/* Emit one received DNS message of len bytes at buf, if the peer is port 53.
 * 1 when it is a DNS message. */
static __always_inline int dns_emit(struct kn_args *st, struct sock *sk, const void *buf, long len, const void *uaddr)
{
	struct kn_addr peer = {};
	struct kn_sys *e;

	if (len <= 0 || !buf)
		return 0;
	if (uaddr)
		addr_from_user(&peer, uaddr);
	if (!peer.port)
		addr_from_sock(&peer, sk, 1);
	if (peer.port != KN_DNS_PORT)
		return 0;
	e = sys_begin(KN_DNS_QUERY, st, len);
	if (!e)
		return 1;
	sock_fill(&e->sock, sk);
	__builtin_memcpy(&e->sock.dst, &peer, sizeof(peer));
	sys_put_data(e, buf, len, 1);
	sys_emit(e);
	return 1;
}

static __always_inline int dns_from_msghdr(struct kn_args *st, struct sock *sk, const void *umsg, long len)
{
	struct user_msghdr m = {};
	struct iovec iov = {};

	if (bpf_probe_read_user(&m, sizeof(m), umsg) || !m.msg_iovlen)
		return 0;
	if (bpf_probe_read_user(&iov, sizeof(iov), m.msg_iov))
		return 0;
	if ((u64)len > iov.iov_len)
		len = iov.iov_len;
	return dns_emit(st, sk, iov.iov_base, len, m.msg_name);
}

#define KN_MMSG_MAX 4

/* The exit of every receive: recvfrom, recvmsg, recvmmsg (its first
 * KN_MMSG_MAX messages) and read on a DNS socket. */
static __always_inline int recv_exit(struct kn_args *st, long ret)
{
	struct mmsghdr *v;
	struct sock *sk;

	if (ret <= 0)
		return 0;
	sk = file_sock(fd_file((long)st->args[0]));
	if (!is_inet(sk))
		return 0;
	switch (st->sc) {
	case KN_SC_RECVFROM: dns_emit(st, sk, (const void *)st->args[1], ret, (const void *)st->args[4]); break;
	case KN_SC_RECVMSG: dns_from_msghdr(st, sk, (const void *)st->args[1], ret); break;
	case KN_SC_RECVMMSG: {
		int dns = 0;

		v = (struct mmsghdr *)st->args[1];
		for (int i = 0; i < KN_MMSG_MAX; i++) {
			unsigned int len = 0;

			if (i >= ret)
				break;
			bpf_probe_read_user(&len, sizeof(len), &v[i].msg_len);
			dns |= dns_from_msghdr(st, sk, &v[i].msg_hdr, len);
		}
		/* messages past those: DNS answers not reported, counted */
		if (dns && ret > KN_MMSG_MAX)
			kn_loss_add(KN_DNS_QUERY, ret - KN_MMSG_MAX);
		break;
	}
	default: /* read */ dns_emit(st, sk, (const void *)st->args[1], ret, NULL);
	}
	return 0;
}

SYS_EXIT(recvfrom, KN_SC_RECVFROM, 5, KN_DNS_QUERY, recv_exit)
SYS_EXIT(recvmsg, KN_SC_RECVMSG, 3, KN_DNS_QUERY, recv_exit)
SYS_EXIT(recvmmsg, KN_SC_RECVMMSG, 5, KN_DNS_QUERY, recv_exit)

/* read() on a socket: a DNS answer when the peer is port 53 (TCP
 * resolvers, some UDP ones). Named apart from the read events' programs. */
SEC("tp/syscalls/sys_enter_read")
int kn_stash_read_dns(struct trace_event_raw_sys_enter *ctx)
{
	struct sock *sk;

	/* every read() comes here: stash only reads of a DNS peer's socket */
	if (kn_is_self(bpf_get_current_pid_tgid() >> 32))
		return 0;
	sk = file_sock(fd_file((long)ctx->args[0]));
	if (!is_inet(sk) || __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport)) != KN_DNS_PORT)
		return 0;
	return sys_stash(ctx, KN_SC_READ, 3, KN_DNS_QUERY);
}

SEC("tp/syscalls/sys_exit_read")
int kn_exit_read_dns(struct trace_event_raw_sys_exit *ctx)
{
	struct kn_args a;
	struct sock *sk;

	if (kn_is_self(bpf_get_current_pid_tgid() >> 32))
		return 0;
	/* every read() comes here: the cheapest tests first */
	if (sys_args(&a, KN_SC_READ) || ctx->ret <= 0)
		return 0;
	sk = file_sock(fd_file((long)a.args[0]));
	if (!is_inet(sk) || __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport)) != KN_DNS_PORT)
		return 0;
	return recv_exit(&a, ctx->ret);
}

#endif
