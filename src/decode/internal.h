/* Shared between the decoders of src/decode/: common.c writes the parts
 * every event has; each family's file (mirroring bpf/) its data. */
#ifndef KN_DECODE_INTERNAL_H
#define KN_DECODE_INTERNAL_H

#include "decode/decode.h"
#include "event/event.h"
#include "event/names.h"
#include "util/hash.h"

/* A string item of a record, checked against the record's bounds. */
struct item {
	const char *s;
	size_t len;
	uint32_t flags;
};

int item_get(const void *rec, size_t size, size_t fixed, const struct kn_str *ks, struct item *it);
/* The info section (and the event's id, name and time). */
void write_info(struct decoder *d, struct event *ev, uint32_t id, const char *name, uint64_t ktime,
		const struct kn_task *task, const struct kn_task *parent);
void write_file(struct event *ev, const char *key, const char *path, size_t len, uint32_t flags);
/* A file object whose digests are to come (a request in d->reqs): found
 * through /proc/TGID/exe when by_exe, else by path; checked against the
 * size and change time the kernel saw unless kctime_ns is -1. */
void write_file_hashed(struct decoder *d, struct event *ev, const char *key, const char *path, size_t len,
		       uint32_t flags, const struct kn_task *t, int by_exe, uint64_t ksize, int64_t kctime_ns);
/* md5, sha1, sha256, sha512 of h; "?" for each without (Kunai's marker
 * for what could not be had). */
void write_digests(struct event *ev, const struct hashes *h);
/* A task section (info.task, a kill's target.task). */
void write_task(struct decoder *d, struct event *ev, const char *key, const struct kn_task *t);
/* ancestors, command_line, exe of the process tgid */
void write_proc_fields(struct decoder *d, struct event *ev, const struct proc *p, uint32_t tgid);

/* Everything that is a struct kn_sys (sys.c): its events into out. */
int decode_sys(struct decoder *d, const void *rec, size_t size, struct event **out);

/* The data of one kn_sys event of each family, after the process fields:
 * 0, 1 when the type is not the family's, -1 when the record is
 * malformed. */
int decode_file(struct decoder *d, const struct kn_sys *x, size_t size, struct event *ev);
int decode_net(struct decoder *d, const struct kn_sys *x, size_t size, struct event *ev, const struct dns_msg *dns,
	       const struct dns_event *de);
int decode_kernel(struct decoder *d, const struct kn_sys *x, size_t size, struct event *ev);
int decode_memory(struct decoder *d, const struct kn_sys *x, size_t size, struct event *ev);
int decode_task(struct decoder *d, const struct kn_sys *x, size_t size, struct event *ev);

/* The absolute path of str[i] (base) + str[i + 1] (name); for an fd
 * syscall str[i] alone is the path (file.c). */
int sys_path(struct decoder *d, const struct kn_sys *x, size_t size, int i, struct strbuf *out, uint32_t *flags);
/* A path as key, with its _truncated, _unconfirmed, _error marks (file.c). */
void write_path(struct event *ev, const char *key, const struct strbuf *p, uint32_t flags);
/* The socket section {domain, type, proto} (net.c). */
void write_socket(struct event *ev, const struct kn_sock *s);
/* The digests of data, or "?" each and err (kernel.c). */
void write_hashes(struct event *ev, const unsigned char *data, size_t len, const char *err);

#endif
