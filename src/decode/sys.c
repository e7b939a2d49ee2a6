/* Every struct kn_sys record (files, network, kernel, memory, processes
 * on each other): the parts all have, then the family's data (file.c,
 * net.c, kernel.c, memory.c, task.c, mirroring bpf/<family>.bpf.h, where
 * each field's meaning per type is documented). */
#include <string.h>

#include "decode/dns.h"
#include "decode/internal.h"
#include "event/types.h"

#define KN_SOCK_STREAM 1

/* One event of the record: 0, or -1 when the record is malformed. */
static int sys_event(struct decoder *d, const struct kn_sys *x, size_t size, struct event *ev,
		     const struct dns_msg *dns, const struct dns_event *de)
{
	const struct kn_type_info *ti = kn_type_info(x->hdr.type);
	struct item data;
	int rc;

	if (item_get(x, size, sizeof(*x), &x->data, &data))
		return -1;
	ev->type = x->hdr.type;
	ev_obj_begin(ev, "data");
	write_proc_fields(d, ev, proctable_get(d->pt, x->hdr.task.tgid), x->hdr.task.tgid);
	rc = decode_file(d, x, size, ev);
	if (rc == 1)
		rc = decode_net(d, x, size, ev, dns, de);
	if (rc == 1)
		rc = decode_kernel(d, x, size, ev);
	if (rc == 1)
		rc = decode_memory(d, x, size, ev);
	if (rc == 1)
		rc = decode_task(d, x, size, ev);
	if (rc)
		return -1; /* malformed, or a type no family has */
	ev_obj_end(ev);
	write_info(d, ev, ti->id, ti->name, x->hdr.ktime, &x->hdr.task, &x->hdr.parent);
	return 0;
}

int decode_sys(struct decoder *d, const void *rec, size_t size, struct event **out)
{
	const struct kn_sys *x = rec;
	struct dns_event de[DNS_EVENTS_MAX];
	struct dns_msg *dns = d->dns;
	struct item data;
	int n;

	if (size < sizeof(*x))
		return -1;
	if (x->hdr.type != KN_DNS_QUERY) {
		out[0] = ev_new();
		if (sys_event(d, x, size, out[0], NULL, NULL)) {
			ev_put(out[0]);
			return -1;
		}
		return 1;
	}
	if (item_get(x, size, sizeof(*x), &x->data, &data))
		return -1;
	dns_parse((const unsigned char *)data.s, data.len, x->sock.type == KN_SOCK_STREAM, dns);
	if (!dns->is_response && !dns->error)
		return 0; /* a query, not an answer: nothing to report */
	/* one event per question, and per CNAME target followed; one for an
	 * answer that could not be parsed (its error says why) */
	n = dns_events(dns, de);
	for (int k = 0; k < (n ? n : 1); k++) {
		out[k] = ev_new();
		if (sys_event(d, x, size, out[k], dns, n ? &de[k] : NULL)) {
			for (int i = 0; i <= k; i++)
				ev_put(out[i]);
			return -1;
		}
	}
	return n ? n : 1;
}
