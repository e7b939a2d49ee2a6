/* Shared between the encoders of src/event/. */
#ifndef KN_ENCODE_INTERNAL_H
#define KN_ENCODE_INTERNAL_H

#include "event/encode.h"
#include "event/names.h"
#include "output/json.h"
#include "util/hash.h"

/* A string item of a record, checked against the record's bounds. */
struct item {
	const char *s;
	size_t len;
	uint32_t flags;
};

int item_get(const void *rec, size_t size, size_t fixed, const struct kn_str *ks, struct item *it);
void write_info(struct encoder *e, struct json *j, uint32_t id, const char *name, uint64_t ktime,
		const struct kn_task *task, const struct kn_task *parent);
void write_file(struct json *j, const char *key, const char *path, size_t len, uint32_t flags);
/* A file object whose digests are to come (see encode.h): found through
 * /proc/TGID/exe when by_exe, else by path; checked against the size and
 * change time the kernel saw unless kctime_ns is -1. */
void write_file_hashed(struct encoder *e, struct json *j, const char *key, const char *path, size_t len, uint32_t flags,
		       const struct kn_task *t, int by_exe, uint64_t ksize, int64_t kctime_ns);
/* md5, sha1, sha256, sha512 of h; "?" for each without (Kunai's marker
 * for what could not be had). */
void write_digests(struct json *j, const struct hashes *h);
/* A task section (info.task, a kill's target.task). */
void write_task(struct encoder *e, struct json *j, const char *key, const struct kn_task *t);
/* ancestors, command_line, exe of the process tgid */
void write_proc_fields(struct encoder *e, struct json *j, const struct proc *p, uint32_t tgid);
/* Everything that is a struct kn_sys. */
int encode_sys(struct encoder *e, const void *rec, size_t size, struct json *j);

#endif
