/* The data of network events (bpf/net.bpf.h): flows, addresses, DNS
 * answers. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decode/internal.h"

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

static void write_addr(struct decoder *enc, struct event *ev, const char *key, const struct kn_addr *a, int kind,
		       uint32_t tgid)
{
	char ip[INET6_ADDRSTRLEN];

	ev_obj_begin(ev, key);
	if (kind == KN_ADDR_PEER) {
		/* the name a DNS answer this process (else this host)
		 * received gave the address; "?" when none did */
		const char *name = resolved_get(&enc->resolved, tgid, a->family == KN_AF_INET6 ? 6 : 4, a->addr);

		ev_str(ev, "hostname", name ? name : "?");
	}
	addr_text(a, ip);
	if (ip[0])
		ev_str(ev, "ip", ip);
	else
		ev_null(ev, "ip");
	ev_u64(ev, "port", a->port);
	if (kind != KN_ADDR_LOCAL) {
		ev_bool(ev, "public", a->family && ip_is_public(a));
		ev_bool(ev, "is_v6", a->family == KN_AF_INET6);
	}
	ev_obj_end(ev);
}

void write_socket(struct event *ev, const struct kn_sock *s)
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
	ev_obj_begin(ev, "socket");
	ev_str(ev, "domain", dom);
	ev_str(ev, "type", type);
	ev_str(ev, "proto", proto);
	ev_obj_end(ev);
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

static void write_flow(struct decoder *enc, struct event *ev, const struct kn_sock *s, int local_as_dst, uint32_t tgid)
{
	char cid[40];

	write_socket(ev, s);
	if (local_as_dst) {
		/* accept: the remote end connected to us */
		write_addr(enc, ev, "src", &s->dst, KN_ADDR_LOCAL, tgid);
		write_addr(enc, ev, "dst", &s->src, KN_ADDR_PEER, tgid);
	} else {
		write_addr(enc, ev, "src", &s->src, KN_ADDR_LOCAL, tgid);
		write_addr(enc, ev, "dst", &s->dst, KN_ADDR_PEER, tgid);
	}
	ev_str(ev, "community_id", community_id(s, cid));
}

/* What a connect or send_data could not confirm (KN_*_UNCONFIRMED). */
static void write_unconfirmed(struct event *ev, uint64_t what)
{
	if (what & KN_DST_UNCONFIRMED)
		ev_bool(ev, "dst_unconfirmed", true);
	if (what & KN_SOCK_UNCONFIRMED)
		ev_bool(ev, "socket_unconfirmed", true);
}

/* One question's event (or a CNAME target's): the answers the name owns,
 * in packet order; the addresses among them kept for dst.hostname. */
static void write_dns_question(struct decoder *enc, struct event *ev, const struct dns_msg *m,
			       const struct dns_event *de, uint32_t tgid)
{
	ev_str(ev, "query", de->query);
	ev_str(ev, "query_type", dns_type_name(de->qtype));
	ev_arr_begin(ev, "response");
	for (int k = 0; k < m->nanswers; k++) {
		if (!(de->answers >> k & 1) || !m->a[k].value[0])
			continue;
		ev_str(ev, NULL, m->a[k].value);
		if (m->a[k].type == 1 || m->a[k].type == 28)
			resolved_put(&enc->resolved, tgid, m->a[k].value, de->query);
	}
	ev_arr_end(ev);
	ev_u64(ev, "rcode", m->rcode);
}

/* One event's data object; de: which event of a DNS answer. */

int decode_net(struct decoder *enc, const struct kn_sys *x, size_t size, struct event *ev, const struct dns_msg *dns,
	       const struct dns_event *de)
{
	const struct kn_header *h = &x->hdr;
	struct strbuf *p = &enc->path;
	struct item data;
	uint32_t fl = 0;
	char buf[64];

	if (item_get(x, size, sizeof(*x), &x->data, &data))
		return -1;
	switch (h->type) {
	case KN_CONNECT:
		write_flow(enc, ev, &x->sock, 0, x->hdr.task.tgid);
		ev_bool(ev, "connected", x->flow.connected != 0);
		if (!x->flow.connected && x->ret < 0)
			ev_i64(ev, "error", x->ret);
		if (x->flow.non_blocking)
			ev_bool(ev, "non_blocking", true);
		write_unconfirmed(ev, x->flow.unconfirmed);
		break;
	case KN_ACCEPT:
		write_flow(enc, ev, &x->sock, 1, x->hdr.task.tgid);
		write_unconfirmed(ev, x->flow.unconfirmed);
		break;
	case KN_SEND_DATA:
		write_flow(enc, ev, &x->sock, 0, x->hdr.task.tgid);
		if (x->sc == KN_SC_SENDFILE || x->sc == KN_SC_SPLICE) {
			/* moved from a file or pipe: no bytes seen, their source */
			ev_null(ev, "data_entropy");
			if (x->sent.from_pipe == 1) {
				/* an anonymous pipe, as /proc/PID/fd names it */
				snprintf(buf, sizeof(buf), "pipe:[%llu]", (unsigned long long)x->sent.pipe_ino);
				ev_str(ev, "source", buf);
			} else {
				if (sys_path(enc, x, size, 0, p, &fl))
					return -1;
				write_path(ev, "source", p, fl);
			}
		} else if (x->sc == KN_SC_IO_URING) {
			/* sent by io_uring: its buffer is not seen */
			ev_null(ev, "data_entropy");
		} else {
			ev_double(ev, "data_entropy", shannon_entropy((const unsigned char *)data.s, data.len));
		}
		ev_u64(ev, "data_size", (uint64_t)x->ret);
		write_unconfirmed(ev, x->sent.unconfirmed);
		break;
	case KN_DNS_QUERY: {
		char cid[40];

		write_socket(ev, &x->sock);
		write_addr(enc, ev, "src", &x->sock.src, KN_ADDR_LOCAL, 0);
		if (dns && de)
			write_dns_question(enc, ev, dns, de, x->hdr.task.tgid);
		else {
			/* an answer that could not be parsed (error says why) */
			ev_str(ev, "query", "?");
			ev_str(ev, "query_type", "?");
			ev_arr_begin(ev, "response");
			ev_arr_end(ev);
		}
		if (dns && dns->error)
			ev_str(ev, "error", dns->error);
		write_addr(enc, ev, "dns_server", &x->sock.dst, KN_ADDR_SERVER, 0);
		ev_str(ev, "community_id", community_id(&x->sock, cid));
		break;
	}
	default: return 1;
	}
	return 0;
}
