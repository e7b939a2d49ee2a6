/* JSON for every struct kn_sys event (files, network, kernel, memory,
 * process interactions). Field meanings per type are documented in the
 * bpf/<family>.bpf.h that fills them. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "event/dns.h"
#include "event/encode_internal.h"
#include "event/types.h"
#include "sensor/bpfinfo.h"
#include "util/hash.h"
#include "util/path.h"

#define KN_AF_INET 2
#define KN_AF_INET6 10
#define KN_SOCK_STREAM 1

/* ---- network helpers --------------------------------------------------- */

static int ip_is_public(const struct kn_addr *a)
{
	const uint8_t *b = a->addr;

	if (a->family == KN_AF_INET6) {
		static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		static const uint8_t zero[16];

		if (!memcmp(b, mapped, 12)) {
			struct kn_addr v4 = {.family = KN_AF_INET};

			memcpy(v4.addr, b + 12, 4);
			return ip_is_public(&v4);
		}
		if (!memcmp(b, zero, 15) && (b[15] == 0 || b[15] == 1))
			return 0; /* :: and ::1 */
		if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff)
			return 0; /* ULA, link-local, multicast */
		if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
			return 0; /* documentation */
		return 1;
	}
	if (b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224)
		return 0;
	if ((b[0] == 100 && (b[1] & 0xc0) == 64) || (b[0] == 169 && b[1] == 254) ||
	    (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
	    (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2)) || (b[0] == 198 && (b[1] & 0xfe) == 18) ||
	    (b[0] == 198 && b[1] == 51 && b[2] == 100) || (b[0] == 203 && b[1] == 0 && b[2] == 113))
		return 0;
	return 1;
}

static void addr_text(const struct kn_addr *a, char out[INET6_ADDRSTRLEN])
{
	out[0] = 0;
	if (a->family == KN_AF_INET)
		inet_ntop(AF_INET, a->addr, out, INET6_ADDRSTRLEN);
	else if (a->family == KN_AF_INET6)
		inet_ntop(AF_INET6, a->addr, out, INET6_ADDRSTRLEN);
}

/* An address: ip and port; a peer's (KN_ADDR_PEER: a connection's
 * destination, with its hostname; KN_ADDR_SERVER: a DNS server) also
 * says whether it is public and IPv6, as Kunai does. */
enum { KN_ADDR_LOCAL, KN_ADDR_PEER, KN_ADDR_SERVER };

static void write_addr(struct encoder *enc, struct json *j, const char *key, const struct kn_addr *a, int kind,
		       uint32_t tgid)
{
	char ip[INET6_ADDRSTRLEN];

	json_obj_begin(j, key);
	if (kind == KN_ADDR_PEER) {
		/* the name a DNS answer this process (else this host)
		 * received gave the address; "?" when none did */
		const char *name = resolved_get(&enc->resolved, tgid, a->family == KN_AF_INET6 ? 6 : 4, a->addr);

		json_str(j, "hostname", name ? name : "?");
	}
	addr_text(a, ip);
	if (ip[0])
		json_str(j, "ip", ip);
	else
		json_null(j, "ip");
	json_u64(j, "port", a->port);
	if (kind != KN_ADDR_LOCAL) {
		json_bool(j, "public", a->family && ip_is_public(a));
		json_bool(j, "is_v6", a->family == KN_AF_INET6);
	}
	json_obj_end(j);
}

static void write_socket(struct json *j, const struct kn_sock *s)
{
	char buf[16];
	const char *dom, *type, *proto;

	switch (s->family) {
	case 1: dom = "AF_UNIX"; break;
	case KN_AF_INET: dom = "AF_INET"; break;
	case KN_AF_INET6: dom = "AF_INET6"; break;
	case 16: dom = "AF_NETLINK"; break;
	case 17: dom = "AF_PACKET"; break;
	default: snprintf(buf, sizeof(buf), "AF_%u", s->family); dom = buf;
	}
	switch (s->type) {
	case 1: type = "SOCK_STREAM"; break;
	case 2: type = "SOCK_DGRAM"; break;
	case 3: type = "SOCK_RAW"; break;
	case 5: type = "SOCK_SEQPACKET"; break;
	default: type = "SOCK_OTHER";
	}
	switch (s->proto) {
	case 6: proto = "TCP"; break;
	case 17: proto = "UDP"; break;
	case 1: proto = "ICMP"; break;
	case 58: proto = "ICMPV6"; break;
	case 0: proto = "IP"; break;
	default: proto = "OTHER";
	}
	json_obj_begin(j, "socket");
	json_str(j, "domain", dom);
	json_str(j, "type", type);
	json_str(j, "proto", proto);
	json_obj_end(j);
}

/* Community ID v1 (seed 0) of a TCP/UDP flow; NULL for other protocols. */
static const char *community_id(const struct kn_sock *s, char out[40])
{
	unsigned char buf[2 + 16 + 16 + 2 + 4], d[20];
	const struct kn_addr *a = &s->src, *b = &s->dst;
	size_t alen = s->family == KN_AF_INET6 ? 16 : 4, o = 0;
	int swap;

	if ((s->proto != 6 && s->proto != 17) || (s->family != KN_AF_INET && s->family != KN_AF_INET6))
		return NULL;
	swap = memcmp(a->addr, b->addr, alen);
	if (swap > 0 || (swap == 0 && a->port > b->port)) {
		a = &s->dst;
		b = &s->src;
	}
	buf[o++] = 0;
	buf[o++] = 0;
	memcpy(buf + o, a->addr, alen);
	o += alen;
	memcpy(buf + o, b->addr, alen);
	o += alen;
	buf[o++] = (unsigned char)s->proto;
	buf[o++] = 0;
	buf[o++] = (unsigned char)(a->port >> 8);
	buf[o++] = (unsigned char)a->port;
	buf[o++] = (unsigned char)(b->port >> 8);
	buf[o++] = (unsigned char)b->port;
	if (sha1_raw(buf, o, d))
		return NULL;
	memcpy(out, "1:", 2);
	base64_encode(d, sizeof(d), out + 2);
	return out;
}

static void write_flow(struct encoder *enc, struct json *j, const struct kn_sock *s, int local_as_dst, uint32_t tgid)
{
	char cid[40];

	write_socket(j, s);
	if (local_as_dst) {
		/* accept: the remote end connected to us */
		write_addr(enc, j, "src", &s->dst, KN_ADDR_LOCAL, tgid);
		write_addr(enc, j, "dst", &s->src, KN_ADDR_PEER, tgid);
	} else {
		write_addr(enc, j, "src", &s->src, KN_ADDR_LOCAL, tgid);
		write_addr(enc, j, "dst", &s->dst, KN_ADDR_PEER, tgid);
	}
	json_str(j, "community_id", community_id(s, cid));
}

/* A time a utimes-family call set: RFC 3339 in UTC with nanoseconds,
 * "now" (UTIME_NOW), null when left as it was (UTIME_OMIT), "invalid" for
 * what the kernel refuses. */
static void write_file_time(struct json *j, const char *key, int64_t sec, int64_t nsec)
{
	char buf[64];
	struct tm tm;
	time_t t = (time_t)sec;

	if (nsec == (1L << 30) - 1) {
		json_str(j, key, "now");
		return;
	}
	if (nsec == (1L << 30) - 2) {
		json_null(j, key);
		return;
	}
	if (nsec < 0 || nsec > 999999999 || !gmtime_r(&t, &tm) || tm.tm_year > 9999 - 1900 || tm.tm_year < -1900) {
		json_str(j, key, "invalid");
		return;
	}
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)nsec);
	json_str(j, key, buf);
}

/* The inode flags chattr and FS_IOC_FSSETXATTR set, as the kernel keeps
 * them on the inode (S_SYNC, S_NOATIME, S_APPEND, S_IMMUTABLE, S_DIRSYNC):
 * a list of names. */
static void write_inode_flags(struct json *j, const char *key, uint32_t f)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {{1, "sync"}, {2, "noatime"}, {4, "append"}, {8, "immutable"}, {64, "dirsync"}};

	json_arr_begin(j, key);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (f & names[i].bit)
			json_str(j, NULL, names[i].name);
	}
	json_arr_end(j);
}

/* ---- paths ------------------------------------------------------------- */

/* The absolute path of str[i] (base) + str[i + 1] (name); for an fd
 * syscall str[i] alone is the path. */
static int sys_path(struct encoder *enc, const struct kn_sys *x, size_t size, int i, struct strbuf *out,
		    uint32_t *flags)
{
	struct item base, name;

	if (item_get(x, size, sizeof(*x), &x->str[i], &base) || item_get(x, size, sizeof(*x), &x->str[i + 1], &name))
		return -1;
	*flags = base.flags | name.flags;
	if (!name.len && x->str[i + 1].off == 0) {
		strbuf_reset(out);
		strbuf_add(out, base.s, base.len);
		return 0;
	}
	path_absolute(base.len ? base.s : "/", base.len ? base.len : 1, name.s, name.len, out);
	return 0;
}

static void write_path(struct json *j, const char *key, struct strbuf *p, uint32_t flags)
{
	char k[48];

	json_strn(j, key, p->buf ? p->buf : "", p->len);
	if (flags & KN_TRUNCATED) {
		snprintf(k, sizeof(k), "%s_truncated", key);
		json_bool(j, k, true);
	}
	if (flags & KN_NAME_UNCONFIRMED) {
		/* the caller's memory changed between the syscall's entry (what
		 * is reported) and its exit, or was not read at entry */
		snprintf(k, sizeof(k), "%s_unconfirmed", key);
		json_bool(j, k, true);
	}
	if (flags & KN_PATH_ERROR) {
		/* a name the kernel side could not read: the path is partial */
		snprintf(k, sizeof(k), "%s_error", key);
		json_str(j, k, "incomplete");
	}
}

/* What a connect or send_data could not confirm (KN_*_UNCONFIRMED). */
static void write_unconfirmed(struct json *j, uint64_t what)
{
	if (what & KN_DST_UNCONFIRMED)
		json_bool(j, "dst_unconfirmed", true);
	if (what & KN_SOCK_UNCONFIRMED)
		json_bool(j, "socket_unconfirmed", true);
}

/* The target of a kill or ptrace: the task the kernel reached, where the
 * kernel side found it (any PID namespace, a pidfd); else the pid the
 * caller gave. kill(0), kill(-pgid) and kill(-1) reach a group: the pid
 * given says which. */
static void write_target(struct encoder *enc, struct json *j, const struct kn_sys *x, size_t size, int32_t given,
			 int32_t given_tgid)
{
	struct proc *p = NULL;
	int32_t pid = given;
	struct kn_task t;
	struct item it;
	bool seen = false;

	if (given > 0 || x->sc != KN_SC_KILL) {
		if (x->extra[2] == KN_TARGET_TASK) {
			pid = (int32_t)(x->extra[0] >> 32);
			p = proctable_find(enc->pt, (uint32_t)x->extra[0], proc_start_norm(x->extra[1]));
		} else if (x->extra[2] == KN_TARGET_PID) {
			pid = (int32_t)(x->extra[0] >> 32);
			p = proctable_get(enc->pt, (uint32_t)pid);
		} else if (given_tgid > 0) {
			p = proctable_get(enc->pt, (uint32_t)given_tgid);
		}
	}
	/* the task as the kernel's hook saw it */
	if (x->extra[2] == KN_TARGET_TASK && !item_get(x, size, sizeof(*x), &x->data, &it) && it.len == sizeof(t)) {
		memcpy(&t, it.s, sizeof(t));
		seen = true;
	}
	json_obj_begin(j, "target");
	json_str(j, "command_line", p && p->cmdline ? p->cmdline : "?");
	json_obj_begin(j, "exe");
	json_str(j, "path", p && p->exe ? p->exe : "?");
	json_obj_end(j);
	if (seen) {
		write_task(enc, j, "task", &t);
	} else {
		/* no hook saw it (a refused call on the tracepoint tier, a
		 * group, a pidfd whose task is gone): the pid alone, the rest
		 * not known */
		json_obj_begin(j, "task");
		json_str(j, "name", "?");
		json_i64(j, "pid", pid);
		json_i64(j, "tgid", p ? (int64_t)p->tgid : pid);
		json_str(j, "guuid", "?");
		json_null(j, "uid");
		json_str(j, "user", "?");
		json_null(j, "gid");
		json_str(j, "group", "?");
		json_null(j, "namespaces");
		json_null(j, "flags");
		json_bool(j, "zombie", false);
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void write_hashes(struct json *j, const unsigned char *data, size_t len, const char *err)
{
	struct hashes h;

	if (!err && hashes_compute(data, len, &h))
		err = "hashing failed";
	write_digests(j, err ? NULL : &h);
	json_str(j, "error", err);
}

/* One question's event (or a CNAME target's): the answers the name owns,
 * in packet order; the addresses among them kept for dst.hostname. */
static void write_dns_question(struct encoder *enc, struct json *j, const struct dns_msg *m, const struct dns_event *de,
			       uint32_t tgid)
{
	json_str(j, "query", de->query);
	json_str(j, "query_type", dns_type_name(de->qtype));
	json_arr_begin(j, "response");
	for (int k = 0; k < m->nanswers; k++) {
		if (!(de->answers >> k & 1) || !m->a[k].value[0])
			continue;
		json_str(j, NULL, m->a[k].value);
		if (m->a[k].type == 1 || m->a[k].type == 28)
			resolved_put(&enc->resolved, tgid, m->a[k].value, de->query);
	}
	json_arr_end(j);
	json_u64(j, "rcode", m->rcode);
}

/* One event's data object; de: which event of a DNS answer. */
static int write_sys_data(struct encoder *enc, const struct kn_sys *x, size_t size, struct json *j,
			  const struct dns_msg *dns, const struct dns_event *de)
{
	const struct kn_header *h = &x->hdr;
	struct strbuf *p = &enc->path;
	struct item it, it2, data;
	uint32_t fl = 0;
	char buf[64];

	if (item_get(x, size, sizeof(*x), &x->data, &data))
		return -1;
	json_obj_begin(j, "data");
	write_proc_fields(enc, j, proctable_get(enc->pt, h->task.tgid), h->task.tgid);
	switch (h->type) {
	case KN_FILE_CREATE:
	case KN_FILE_UNLINK:
	case KN_READ:
	case KN_READ_CONFIG:
	case KN_WRITE:
	case KN_WRITE_CONFIG:
	case KN_WRITE_CLOSE:
	case KN_CHMOD:
	case KN_CHOWN:
	case KN_SETXATTR:
	case KN_FILE_TRUNCATE:
		if (sys_path(enc, x, size, 0, p, &fl))
			return -1;
		write_path(j, "path", p, fl);
		if (h->type == KN_FILE_UNLINK)
			json_bool(j, "success", x->ret == 0);
		if (h->type == KN_FILE_TRUNCATE) {
			/* an open with O_TRUNC, truncate or ftruncate (their 32-bit
			 * 64-bit-length forms by the same name) */
			bool by_open = x->sc != KN_SC_TRUNCATE && x->sc != KN_SC_FTRUNCATE &&
				       x->sc != KN_SC_TRUNCATE64 && x->sc != KN_SC_FTRUNCATE64;

			json_u64(j, "size", x->extra[0]);
			json_str(j, "how",
				 by_open						? "open"
				 : x->sc == KN_SC_TRUNCATE || x->sc == KN_SC_TRUNCATE64 ? "truncate"
											: "ftruncate");
			json_bool(j, "success", by_open || x->ret == 0);
		}
		if (h->type == KN_CHMOD) {
			snprintf(buf, sizeof(buf), "%05llo", (unsigned long long)(x->extra[0] & 07777));
			json_str(j, "mode", buf);
			json_bool(j, "success", x->ret == 0);
		}
		if (h->type == KN_CHOWN) {
			json_i64(j, "uid", (int32_t)x->extra[0]);
			json_i64(j, "gid", (int32_t)x->extra[1]);
			json_bool(j, "success", x->ret == 0);
		}
		if (h->type == KN_SETXATTR) {
			if (item_get(x, size, sizeof(*x), &x->str[2], &it))
				return -1;
			json_strn(j, "name", it.s, it.len);
			/* the caller's memory changed since the entry's copy */
			if (x->str[2].flags & KN_NAME_UNCONFIRMED)
				json_bool(j, "name_unconfirmed", true);
			json_bool(j, "success", x->ret == 0);
		}
		break;
	case KN_FILE_RENAME:
		if (sys_path(enc, x, size, 0, p, &fl))
			return -1;
		write_path(j, "old", p, fl);
		if (sys_path(enc, x, size, 2, &enc->path2, &fl))
			return -1;
		write_path(j, "new", &enc->path2, fl);
		json_bool(j, "success", x->ret == 0);
		break;
	case KN_FILE_LINK: {
		bool symbolic = x->sc == KN_SC_SYMLINK || x->sc == KN_SC_SYMLINKAT;

		if (symbolic) {
			/* the bytes the link holds, as given: not a path of this
			 * system, relative to the link's directory when relative */
			if (item_get(x, size, sizeof(*x), &x->str[1], &it))
				return -1;
			json_strn(j, "target", it.s, it.len);
			if (it.flags & KN_TRUNCATED)
				json_bool(j, "target_truncated", true);
			if (it.flags & KN_NAME_UNCONFIRMED)
				json_bool(j, "target_unconfirmed", true);
		} else {
			if (sys_path(enc, x, size, 0, p, &fl))
				return -1;
			write_path(j, "target", p, fl);
		}
		if (sys_path(enc, x, size, 2, &enc->path2, &fl))
			return -1;
		write_path(j, "path", &enc->path2, fl);
		json_bool(j, "symbolic", symbolic);
		json_bool(j, "success", x->ret == 0);
		break;
	}
	case KN_FILE_TIMES:
		if (sys_path(enc, x, size, 0, p, &fl))
			return -1;
		write_path(j, "path", p, fl);
		write_file_time(j, "atime", (int64_t)x->extra[0], (int64_t)x->extra[1]);
		write_file_time(j, "mtime", (int64_t)x->extra[2], (int64_t)x->extra[3]);
		/* the caller's memory changed since the entry's copy, or was
		 * not read then */
		if (x->args[5] & 1)
			json_bool(j, "times_unconfirmed", true);
		json_str(j, "how", sc_name(x->sc));
		json_bool(j, "success", x->ret == 0);
		break;
	case KN_FILE_FLAGS:
		if (sys_path(enc, x, size, 0, p, &fl))
			return -1;
		write_path(j, "path", p, fl);
		write_inode_flags(j, "flags", (uint32_t)x->extra[1]);
		/* the inode's flags before the call, when its entry was seen */
		if (x->extra[3]) {
			write_inode_flags(j, "set", (uint32_t)(x->extra[1] & ~x->extra[0]));
			write_inode_flags(j, "cleared", (uint32_t)(x->extra[0] & ~x->extra[1]));
		} else {
			json_null(j, "set");
			json_null(j, "cleared");
		}
		json_str(j, "how", x->extra[2] == 0x401c5820 ? "FS_IOC_FSSETXATTR" : "FS_IOC_SETFLAGS");
		json_bool(j, "success", x->ret == 0);
		break;
	case KN_MOUNT:
		if (item_get(x, size, sizeof(*x), &x->str[2], &it) || item_get(x, size, sizeof(*x), &x->str[3], &it2) ||
		    sys_path(enc, x, size, 0, p, &fl))
			return -1;
		json_strn(j, "dev_name", it.s, it.len);
		write_path(j, "path", p, fl);
		json_strn(j, "type", it2.s, it2.len);
		json_hex(j, "flags", x->extra[0]);
		json_bool(j, "success", x->ret == 0);
		break;
	case KN_CONNECT:
		write_flow(enc, j, &x->sock, 0, x->hdr.task.tgid);
		json_bool(j, "connected", x->extra[0] != 0);
		if (!x->extra[0] && x->ret < 0)
			json_i64(j, "error", x->ret);
		if (x->extra[1])
			json_bool(j, "non_blocking", true);
		write_unconfirmed(j, x->extra[2]);
		break;
	case KN_ACCEPT:
		write_flow(enc, j, &x->sock, 1, x->hdr.task.tgid);
		write_unconfirmed(j, x->extra[2]);
		break;
	case KN_SEND_DATA:
		write_flow(enc, j, &x->sock, 0, x->hdr.task.tgid);
		if (x->sc == KN_SC_SENDFILE || x->sc == KN_SC_SPLICE) {
			/* moved from a file or pipe: no bytes seen, their source */
			json_null(j, "data_entropy");
			if (x->extra[1] == 1) {
				/* an anonymous pipe, as /proc/PID/fd names it */
				snprintf(buf, sizeof(buf), "pipe:[%llu]", (unsigned long long)x->extra[0]);
				json_str(j, "source", buf);
			} else {
				if (sys_path(enc, x, size, 0, p, &fl))
					return -1;
				write_path(j, "source", p, fl);
			}
		} else if (x->sc == KN_SC_IO_URING) {
			/* sent by io_uring: its buffer is not seen */
			json_null(j, "data_entropy");
		} else {
			json_double(j, "data_entropy", shannon_entropy((const unsigned char *)data.s, data.len));
		}
		json_u64(j, "data_size", (uint64_t)x->ret);
		write_unconfirmed(j, x->extra[2]);
		break;
	case KN_DNS_QUERY: {
		char cid[40];

		write_socket(j, &x->sock);
		write_addr(enc, j, "src", &x->sock.src, KN_ADDR_LOCAL, 0);
		if (dns && de)
			write_dns_question(enc, j, dns, de, x->hdr.task.tgid);
		else {
			/* an answer that could not be parsed (error says why) */
			json_str(j, "query", "?");
			json_str(j, "query_type", "?");
			json_arr_begin(j, "response");
			json_arr_end(j);
		}
		if (dns && dns->error)
			json_str(j, "error", dns->error);
		write_addr(enc, j, "dns_server", &x->sock.dst, KN_ADDR_SERVER, 0);
		json_str(j, "community_id", community_id(&x->sock, cid));
		break;
	}
	case KN_INIT_MODULE: {
		const char *nm;
		size_t nl;

		if (item_get(x, size, sizeof(*x), &x->str[0], &it) || item_get(x, size, sizeof(*x), &x->str[1], &it2) ||
		    item_get(x, size, sizeof(*x), &x->str[2], &data))
			return -1;
		json_str(j, "syscall", sc_name(x->sc));
		nm = data.s;
		nl = data.len;
		if (!nl && it2.len) {
			/* not loaded: the name its file gives */
			const char *slash = memrchr(it2.s, '/', it2.len);

			nm = slash ? slash + 1 : it2.s;
			nl = it2.len - (size_t)(nm - it2.s);
			for (size_t k = 0; k < nl; k++) {
				if (nm[k] == '.') {
					nl = k;
					break;
				}
			}
		}
		if (nl)
			json_strn(j, "module_name", nm, nl);
		else
			json_str(j, "module_name", "?");
		json_strn(j, "args", it.s, it.len);
		/* the caller's memory changed since the entry's copy */
		if (x->str[0].flags & KN_NAME_UNCONFIRMED)
			json_bool(j, "args_unconfirmed", true);
		if (it2.len)
			write_file(j, "file", it2.s, it2.len, it2.flags);
		json_bool(j, "loaded", x->ret == 0);
		break;
	}
	case KN_BPF_PROG_LOAD: {
		unsigned char *insns = NULL;
		int64_t verified = -1;
		size_t ilen = 0;
		const char *err = NULL;
		struct item ks;

		if (item_get(x, size, sizeof(*x), &x->str[0], &it) || item_get(x, size, sizeof(*x), &x->str[1], &it2) ||
		    item_get(x, size, sizeof(*x), &x->str[2], &ks))
			return -1;
		json_u64(j, "id", x->extra[0]);
		json_obj_begin(j, "prog_type");
		json_u64(j, "id", x->extra[1]);
		json_str(j, "name", bpf_prog_type_name(x->extra[1]));
		json_obj_end(j);
		snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)__builtin_bswap64(x->extra[2]));
		/* (none for a program the kernel refused) */
		json_str(j, "tag", x->ret >= 0 ? buf : "?");
		json_strn(j, "attached_func", it2.s, it2.len);
		json_strn(j, "name", it.s, it.len);
		json_strn(j, "ksym", ks.s, ks.len);
		json_obj_begin(j, "bpf_prog");
		if (x->ret < 0)
			err = "not loaded";
		else
			err = bpf_prog_insns_by_id((uint32_t)x->extra[0], &insns, &ilen, &verified);
		write_hashes(j, insns, ilen, err);
		json_u64(j, "size", ilen);
		json_obj_end(j);
		free_insns(insns);
		if (verified >= 0)
			json_i64(j, "verified_insns", verified);
		else
			json_null(j, "verified_insns");
		json_bool(j, "loaded", x->ret >= 0);
		break;
	}
	case KN_BPF_SOCKET_FILTER: {
		unsigned char *insns = NULL;
		size_t ilen = 0;
		const char *err = NULL;

		write_socket(j, &x->sock);
		json_obj_begin(j, "filter");
		if (x->extra[1]) {
			err = bpf_prog_insns_by_id((uint32_t)x->extra[1], &insns, &ilen, NULL);
			json_u64(j, "prog_id", x->extra[1]);
			write_hashes(j, insns, ilen, err);
			json_u64(j, "len", ilen / 8);
			json_u64(j, "size", err ? 0 : ilen);
		} else {
			if (data.flags & KN_PATH_ERROR)
				err = "filter unreadable";
			else if (data.flags & KN_TRUNCATED)
				err = "filter longer than the kernel side keeps";
			write_hashes(j, (const unsigned char *)data.s, data.len, err);
			json_u64(j, "len", x->extra[0]);
			/* the bytes hashed */
			json_u64(j, "size", err ? 0 : data.len);
		}
		json_obj_end(j);
		free_insns(insns);
		json_bool(j, "attached", x->ret == 0);
		break;
	}
	case KN_MMAP_EXEC:
		if (item_get(x, size, sizeof(*x), &x->str[0], &it))
			return -1;
		write_file_hashed(enc, j, "mapped", it.s, it.len, it.flags, &h->task, 0, x->extra[0],
				  (int64_t)x->extra[1] * 1000000000LL + (int64_t)x->extra[2]);
		json_hex(j, "addr", x->ret);
		break;
	case KN_MPROTECT_EXEC:
		json_hex(j, "addr", x->args[0]);
		json_u64(j, "len", x->args[1]);
		json_hex(j, "prot", x->args[2]);
		break;
	case KN_PRCTL:
		json_str(j, "option", prctl_option(x->args[0], buf));
		if (x->args[0] == 15 && !item_get(x, size, sizeof(*x), &x->str[0], &it))
			json_strn(j, "name", it.s, it.len);
		json_hex(j, "arg2", x->args[1]);
		json_hex(j, "arg3", x->args[2]);
		json_hex(j, "arg4", x->args[3]);
		json_hex(j, "arg5", x->args[4]);
		json_bool(j, "success", x->ret >= 0);
		break;
	case KN_KILL: {
		/* (tgkill, rt_tgsigqueueinfo: tgid, tid, signal; the others:
		 * target, signal) */
		bool tg = x->sc == KN_SC_TGKILL || x->sc == KN_SC_RT_TGSIGQUEUEINFO;
		unsigned sig = (unsigned)(tg ? x->args[2] : x->args[1]);
		char sn[SIGNAME_MAX];

		json_str(j, "syscall", sc_name(x->sc));
		json_str(j, "signal", signal_name(sig, sn));
		/* a pidfd is no pid: unresolved, it names nothing */
		if (x->sc == KN_SC_PIDFD_SEND_SIGNAL)
			write_target(enc, j, x, size, 0, 0);
		else
			write_target(enc, j, x, size, (int32_t)(tg ? x->args[1] : x->args[0]), (int32_t)x->args[0]);
		json_bool(j, "success", x->ret == 0);
		break;
	}
	case KN_PTRACE:
		/* the access the kernel checks (PTRACE_MODE_ATTACH_REALCREDS for
		 * an attach; none for a tracee's memory), and the request */
		json_hex(j, "mode", x->args[0] == 16 || x->args[0] == 0x4206 ? 0x12 : 0);
		json_str(j, "request", ptrace_request(x->args[0]));
		write_target(enc, j, x, size, (int32_t)x->args[1], (int32_t)x->args[1]);
		json_bool(j, "success", x->ret >= 0);
		break;
	case KN_PROCESS_MEMORY: {
		bool by_vm = x->sc == KN_SC_PROCESS_VM_READV || x->sc == KN_SC_PROCESS_VM_WRITEV;
		static const char *const access[] = {"none", "read", "write", "read_write"};

		json_str(j, "how", by_vm ? sc_name(x->sc) : "proc_mem");
		json_str(j, "access", access[x->extra[3] & 3]);
		if (!by_vm) {
			/* the file opened: /proc/PID/mem as the caller's procfs names it */
			if (sys_path(enc, x, size, 0, p, &fl))
				return -1;
			write_path(j, "path", p, fl);
			write_target(enc, j, x, size, 0, 0);
		} else {
			/* a pid given in a child PID namespace names no process of ours */
			bool ours = x->extra[2] != KN_TARGET_GIVEN || x->extra[1] == 0;

			write_target(enc, j, x, size, (int32_t)x->args[0], ours ? (int32_t)x->args[0] : 0);
			if (x->ret >= 0)
				json_i64(j, "size", x->ret);
		}
		json_bool(j, "success", x->ret >= 0);
		break;
	}
	case KN_MEMFD_CREATE:
		if (item_get(x, size, sizeof(*x), &x->str[0], &it))
			return -1;
		json_strn(j, "name", it.s, it.len);
		json_hex(j, "flags", x->args[1]);
		json_bool(j, "success", x->ret >= 0);
		break;
	case KN_IO_URING_SQE:
		json_obj_begin(j, "op");
		json_u64(j, "code", x->extra[0]);
		json_str(j, "name", uring_op_name(x->extra[0]));
		json_obj_end(j);
		break;
	default: return -1;
	}
	json_obj_end(j);
	return 0;
}

int encode_sys(struct encoder *enc, const void *rec, size_t size, struct json *j)
{
	const struct kn_sys *x = rec;
	const struct kn_type_info *ti;
	struct dns_msg *dns = NULL;
	struct dns_event ev[DNS_EVENTS_MAX];
	int rc, n;

	if (size < sizeof(*x))
		return -1;
	ti = kn_type_info(x->hdr.type);
	if (x->hdr.type == KN_DNS_QUERY) {
		struct item data;

		if (item_get(x, size, sizeof(*x), &x->data, &data))
			return -1;
		dns = enc->dns;
		dns_parse((const unsigned char *)data.s, data.len, x->sock.type == KN_SOCK_STREAM, dns);
		if (!dns->is_response && !dns->error)
			return -2; /* a query, not an answer: nothing to report */
		/* One event per question, and per CNAME target followed: all
		 * but the last go out here. */
		n = dns_events(dns, ev);
		for (int k = 0; k + 1 < n; k++) {
			rc = write_sys_data(enc, x, size, j, dns, &ev[k]);
			if (rc)
				return rc;
			write_info(enc, j, ti->id, ti->name, x->hdr.ktime, &x->hdr.task, &x->hdr.parent);
			json_obj_end(j);
			strbuf_addc(j->out, '\n');
			json_init(j, j->out);
			json_obj_begin(j, NULL);
		}
		rc = write_sys_data(enc, x, size, j, dns, n ? &ev[n - 1] : NULL);
	} else {
		rc = write_sys_data(enc, x, size, j, NULL, NULL);
	}
	if (rc)
		return rc;
	write_info(enc, j, ti->id, ti->name, x->hdr.ktime, &x->hdr.task, &x->hdr.parent);
	return 0;
}
