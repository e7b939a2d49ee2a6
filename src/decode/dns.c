#include "decode/dns.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct rd {
	const unsigned char *b;
	size_t len;
	size_t pos;
};

static int rd_u16(struct rd *r, uint16_t *v)
{
	if (r->pos > r->len || r->len - r->pos < 2)
		return -1;
	*v = (uint16_t)(r->b[r->pos] << 8 | r->b[r->pos + 1]);
	r->pos += 2;
	return 0;
}

static int rd_u32(struct rd *r, uint32_t *v)
{
	uint16_t hi, lo;

	if (rd_u16(r, &hi) || rd_u16(r, &lo))
		return -1;
	*v = (uint32_t)hi << 16 | lo;
	return 0;
}

/* A (possibly compressed) name at r->pos into out; r->pos moves past the
 * name as it appears in place. A NUL, a '.' inside a label and '\' are
 * written \DDD, so that no name passes for another ("evil\0.good" is not
 * "evil"); other bytes are kept (the JSON writer escapes them). */
static const char *rd_name(struct rd *r, char out[DNS_NAME_MAX])
{
	size_t p = r->pos, o = 0, end = 0, octets = 1; /* the root label */
	int jumps = 0, jumped = 0;

	out[0] = 0;
	for (;;) {
		unsigned char l;

		if (p >= r->len)
			return "name runs past the end";
		l = r->b[p];
		if (l == 0) {
			p++;
			break;
		}
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (p + 1 >= r->len)
				return "compression pointer cut short";
			target = (size_t)(l & 0x3f) << 8 | r->b[p + 1];
			if (++jumps > DNS_MAX_JUMPS)
				return "compression pointer loop";
			if (target >= r->len)
				return "compression pointer out of the message";
			if (!jumped) {
				end = p + 2;
				jumped = 1;
			}
			p = target;
			continue;
		}
		if (l & 0xc0)
			return "reserved label type";
		if (p + 1 + l > r->len)
			return "label runs past the end";
		octets += (size_t)l + 1;
		if (octets > DNS_NAME_OCTETS)
			return "name longer than 255 bytes";
		if (o)
			out[o++] = '.';
		for (size_t k = 0; k < l; k++) {
			unsigned char c = r->b[p + 1 + k];

			if (c == 0 || c == '.' || c == '\\') {
				snprintf(out + o, 5, "\\%03u", c);
				o += 4;
			} else {
				out[o++] = (char)c;
			}
		}
		out[o] = 0;
		p += 1 + (size_t)l;
	}
	r->pos = jumped ? end : p;
	return NULL;
}

const char *dns_type_name(uint16_t type)
{
	switch (type) {
	case 1: return "A";
	case 2: return "NS";
	case 3: return "MD";
	case 4: return "MF";
	case 5: return "CNAME";
	case 6: return "SOA";
	case 7: return "MB";
	case 8: return "MG";
	case 9: return "MR";
	case 10: return "NULL";
	case 11: return "WKS";
	case 12: return "PTR";
	case 13: return "HINFO";
	case 14: return "MINFO";
	case 15: return "MX";
	case 16: return "TXT";
	case 17: return "RP";
	case 18: return "AFSDB";
	case 20: return "ISDN";
	case 21: return "RouteThrough";
	case 22: return "NSAP";
	case 23: return "NSAP_PTR";
	case 28: return "AAAA";
	case 29: return "LOC";
	case 33: return "SRV";
	case 35: return "NAPTR";
	case 36: return "KX";
	case 37: return "CERT";
	case 41: return "OPT";
	case 43: return "DS";
	case 45: return "IPSECKEY";
	case 46: return "RRSIG";
	case 47: return "NSEC";
	case 48: return "DNSKEY";
	case 49: return "DHCID";
	case 63: return "ZONEMD";
	case 64: return "SVCB";
	case 65: return "HTTPS";
	case 108: return "EUI48";
	case 109: return "EUI64";
	case 251: return "IXFR";
	case 252: return "AXFR";
	case 253: return "MAILB";
	case 254: return "MAILA";
	case 255: return "ANY";
	case 257: return "CAA";
	}
	return "?";
}

static const char *rd_answer(struct rd *r, struct dns_answer *a)
{
	const char *err;
	uint16_t cls, rdlen;
	size_t rdstart;

	if ((err = rd_name(r, a->name)))
		return err;
	if (rd_u16(r, &a->type) || rd_u16(r, &cls) || rd_u32(r, &a->ttl) || rd_u16(r, &rdlen))
		return "answer header cut short";
	rdstart = r->pos;
	if (rdlen > r->len - r->pos)
		return "answer data runs past the end";
	a->value[0] = 0;
	if (a->type == 1) {
		if (rdlen != 4)
			return "A record of wrong length";
		inet_ntop(AF_INET, r->b + r->pos, a->value, sizeof(a->value));
	} else if (a->type == 28) {
		if (rdlen != 16)
			return "AAAA record of wrong length";
		inet_ntop(AF_INET6, r->b + r->pos, a->value, sizeof(a->value));
	} else if (a->type == 5 || a->type == 2 || a->type == 12 || (a->type >= 3 && a->type <= 4) ||
		   (a->type >= 7 && a->type <= 9) || a->type == 23) {
		/* a name: CNAME, NS, PTR, MD, MF, MB, MG, MR, NSAP_PTR */
		struct rd sub = {r->b, rdstart + rdlen, r->pos};

		if ((err = rd_name(&sub, a->value)))
			return err;
	} else if (a->type == 15 || a->type == 33) {
		/* MX: preference, exchange; SRV: priority, weight, port,
		 * target: the name */
		struct rd sub = {r->b, rdstart + rdlen, r->pos + (a->type == 15 ? 2 : 6)};

		if (rdlen < (a->type == 15 ? 3 : 7))
			return "MX or SRV record cut short";
		if ((err = rd_name(&sub, a->value)))
			return err;
	} else if (a->type == 16) {
		/* TXT: its character-strings, joined with ';' */
		size_t p = r->pos, end = rdstart + rdlen, o = 0;

		while (p < end) {
			size_t l = r->b[p++];

			if (l > end - p)
				return "TXT string runs past the record";
			if (o && o < sizeof(a->value) - 5)
				a->value[o++] = ';';
			for (size_t k = 0; k < l && o < sizeof(a->value) - 5; k++) {
				unsigned char c = r->b[p + k];

				/* as in names: no NUL cuts the string short */
				if (c == 0 || c == '\\' || c == ';') {
					snprintf(a->value + o, 5, "\\%03u", c);
					o += 4;
				} else {
					a->value[o++] = (char)c;
				}
			}
			p += l;
		}
		a->value[o] = 0;
	}
	r->pos = rdstart + rdlen;
	return NULL;
}

/* The answers owned by name (DNS names compare without case). */
static uint32_t dns_owned(const struct dns_msg *m, const char *name)
{
	uint32_t set = 0;

	for (int k = 0; k < m->nanswers; k++) {
		if (!strcasecmp(m->a[k].name, name))
			set |= 1U << k;
	}
	return set;
}

int dns_parse(const unsigned char *buf, size_t len, int stream, struct dns_msg *m)
{
	struct rd r = {buf, len, 0};
	uint16_t qd, an, ns, ar;
	const char *err;

	memset(m, 0, sizeof(*m));
	if (stream) {
		uint16_t l;

		if (rd_u16(&r, &l)) {
			m->error = "TCP length cut short";
			return -1;
		}
		/* Offsets in the message (compression pointers) start after
		 * the length; one message, what follows is the next. */
		r.b = buf + 2;
		r.len = (size_t)l < len - 2 ? (size_t)l : len - 2;
		r.pos = 0;
	}
	if (rd_u16(&r, &m->id) || rd_u16(&r, &m->flags) || rd_u16(&r, &qd) || rd_u16(&r, &an) || rd_u16(&r, &ns) ||
	    rd_u16(&r, &ar)) {
		m->error = "header cut short";
		return -1;
	}
	m->is_response = (m->flags >> 15) & 1;
	m->rcode = m->flags & 0xf;
	for (unsigned i = 0; i < qd; i++) {
		struct dns_question q;

		if ((err = rd_name(&r, q.name))) {
			m->error = err;
			return -1;
		}
		if (rd_u16(&r, &q.qtype) || rd_u16(&r, &q.qclass)) {
			m->error = "question cut short";
			return -1;
		}
		if (m->nquestions < DNS_MAX_QUESTIONS)
			m->q[m->nquestions++] = q;
	}
	for (unsigned i = 0; i < an; i++) {
		struct dns_answer a;

		if ((err = rd_answer(&r, &a))) {
			m->error = err;
			return -1;
		}
		if (m->nanswers < DNS_MAX_ANSWERS)
			m->a[m->nanswers++] = a;
	}
	return 0;
}

int dns_events(const struct dns_msg *m, struct dns_event ev[DNS_EVENTS_MAX])
{
	int n = 0;

	for (int i = 0; i < m->nquestions && n < DNS_EVENTS_MAX; i++) {
		uint32_t own = dns_owned(m, m->q[i].name);

		ev[n++] = (struct dns_event){m->q[i].name, m->q[i].qtype, own};
		/* a CNAME among them whose target owns answers of its own: one
		 * level followed, as Kunai does */
		for (int k = 0; k < m->nanswers && n < DNS_EVENTS_MAX; k++) {
			uint32_t target;

			if (!(own >> k & 1) || m->a[k].type != 5 || !m->a[k].value[0])
				continue;
			target = dns_owned(m, m->a[k].value);
			if (target)
				ev[n++] = (struct dns_event){m->a[k].value, m->q[i].qtype, target};
		}
	}
	return n;
}
