/* The data of file events (bpf/file.bpf.h): paths as the process named
 * them, made absolute against the directory the kernel resolved them in. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decode/internal.h"
#include "util/path.h"

/* A time a utimes-family call set: RFC 3339 in UTC with nanoseconds,
 * "now" (UTIME_NOW), null when left as it was (UTIME_OMIT), "invalid" for
 * what the kernel refuses. */
static void write_file_time(struct event *ev, const char *key, int64_t sec, int64_t nsec)
{
	char buf[64];
	struct tm tm;
	time_t t = (time_t)sec;

	if (nsec == (1L << 30) - 1) {
		ev_str(ev, key, "now");
		return;
	}
	if (nsec == (1L << 30) - 2) {
		ev_null(ev, key);
		return;
	}
	if (nsec < 0 || nsec > 999999999 || !gmtime_r(&t, &tm) || tm.tm_year > 9999 - 1900 || tm.tm_year < -1900) {
		ev_str(ev, key, "invalid");
		return;
	}
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)nsec);
	ev_str(ev, key, buf);
}

/* The inode flags chattr and FS_IOC_FSSETXATTR set, as the kernel keeps
 * them on the inode (S_SYNC, S_NOATIME, S_APPEND, S_IMMUTABLE, S_DIRSYNC):
 * a list of names. */
static void write_inode_flags(struct event *ev, const char *key, uint32_t f)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {{1, "sync"}, {2, "noatime"}, {4, "append"}, {8, "immutable"}, {64, "dirsync"}};

	ev_arr_begin(ev, key);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (f & names[i].bit)
			ev_str(ev, NULL, names[i].name);
	}
	ev_arr_end(ev);
}

/* ---- paths ------------------------------------------------------------- */

/* The absolute path of str[i] (base) + str[i + 1] (name); for an fd
 * syscall str[i] alone is the path. */
int sys_path(struct decoder *enc, const struct kn_sys *x, size_t size, int i, struct strbuf *out, uint32_t *flags)
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

void write_path(struct event *ev, const char *key, const struct strbuf *p, uint32_t flags)
{
	char k[48];
	int n;

	ev_strn(ev, key, p->buf ? p->buf : "", p->len);
	if (flags & KN_TRUNCATED) {
		n = snprintf(k, sizeof(k), "%s_truncated", key);
		ev_key_copy(ev, ev_bool(ev, NULL, true), k, (size_t)n);
	}
	if (flags & KN_NAME_UNCONFIRMED) {
		/* the caller's memory changed between the syscall's entry (what
		 * is reported) and its exit, or was not read at entry */
		n = snprintf(k, sizeof(k), "%s_unconfirmed", key);
		ev_key_copy(ev, ev_bool(ev, NULL, true), k, (size_t)n);
	}
	if (flags & KN_PATH_ERROR) {
		/* a name the kernel side could not read: the path is partial */
		n = snprintf(k, sizeof(k), "%s_error", key);
		ev_key_copy(ev, ev_str(ev, NULL, "incomplete"), k, (size_t)n);
	}
}

int decode_file(struct decoder *enc, const struct kn_sys *x, size_t size, struct event *ev)
{
	const struct kn_header *h = &x->hdr;
	struct strbuf *p = &enc->path;
	struct item it, it2;
	uint32_t fl = 0;
	char buf[64];

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
		write_path(ev, "path", p, fl);
		if (h->type == KN_FILE_UNLINK)
			ev_bool(ev, "success", x->ret == 0);
		if (h->type == KN_FILE_TRUNCATE) {
			/* an open with O_TRUNC, truncate or ftruncate (their 32-bit
			 * 64-bit-length forms by the same name) */
			bool by_open = x->sc != KN_SC_TRUNCATE && x->sc != KN_SC_FTRUNCATE &&
				       x->sc != KN_SC_TRUNCATE64 && x->sc != KN_SC_FTRUNCATE64;

			ev_u64(ev, "size", x->truncate.size);
			ev_str(ev, "how",
			       by_open						      ? "open"
			       : x->sc == KN_SC_TRUNCATE || x->sc == KN_SC_TRUNCATE64 ? "truncate"
										      : "ftruncate");
			ev_bool(ev, "success", by_open || x->ret == 0);
		}
		if (h->type == KN_CHMOD) {
			snprintf(buf, sizeof(buf), "%05llo", (unsigned long long)(x->chmod.mode & 07777));
			ev_str(ev, "mode", buf);
			ev_bool(ev, "success", x->ret == 0);
		}
		if (h->type == KN_CHOWN) {
			ev_i64(ev, "uid", (int32_t)x->chown.uid);
			ev_i64(ev, "gid", (int32_t)x->chown.gid);
			ev_bool(ev, "success", x->ret == 0);
		}
		if (h->type == KN_SETXATTR) {
			if (item_get(x, size, sizeof(*x), &x->str[2], &it))
				return -1;
			ev_strn(ev, "name", it.s, it.len);
			/* the caller's memory changed since the entry's copy */
			if (x->str[2].flags & KN_NAME_UNCONFIRMED)
				ev_bool(ev, "name_unconfirmed", true);
			ev_bool(ev, "success", x->ret == 0);
		}
		break;
	case KN_FILE_RENAME:
		if (sys_path(enc, x, size, 0, p, &fl))
			return -1;
		write_path(ev, "old", p, fl);
		if (sys_path(enc, x, size, 2, &enc->path2, &fl))
			return -1;
		write_path(ev, "new", &enc->path2, fl);
		ev_bool(ev, "success", x->ret == 0);
		break;
	case KN_FILE_LINK: {
		bool symbolic = x->sc == KN_SC_SYMLINK || x->sc == KN_SC_SYMLINKAT;

		if (symbolic) {
			/* the bytes the link holds, as given: not a path of this
			 * system, relative to the link's directory when relative */
			if (item_get(x, size, sizeof(*x), &x->str[1], &it))
				return -1;
			ev_strn(ev, "target", it.s, it.len);
			if (it.flags & KN_TRUNCATED)
				ev_bool(ev, "target_truncated", true);
			if (it.flags & KN_NAME_UNCONFIRMED)
				ev_bool(ev, "target_unconfirmed", true);
		} else {
			if (sys_path(enc, x, size, 0, p, &fl))
				return -1;
			write_path(ev, "target", p, fl);
		}
		if (sys_path(enc, x, size, 2, &enc->path2, &fl))
			return -1;
		write_path(ev, "path", &enc->path2, fl);
		ev_bool(ev, "symbolic", symbolic);
		ev_bool(ev, "success", x->ret == 0);
		break;
	}
	case KN_FILE_TIMES:
		if (sys_path(enc, x, size, 0, p, &fl))
			return -1;
		write_path(ev, "path", p, fl);
		write_file_time(ev, "atime", (int64_t)x->times.atime_sec, (int64_t)x->times.atime_nsec);
		write_file_time(ev, "mtime", (int64_t)x->times.mtime_sec, (int64_t)x->times.mtime_nsec);
		/* the caller's memory changed since the entry's copy, or was
		 * not read then */
		if (x->args[5] & 1)
			ev_bool(ev, "times_unconfirmed", true);
		ev_str(ev, "how", sc_name(x->sc));
		ev_bool(ev, "success", x->ret == 0);
		break;
	case KN_FILE_FLAGS:
		if (sys_path(enc, x, size, 0, p, &fl))
			return -1;
		write_path(ev, "path", p, fl);
		write_inode_flags(ev, "flags", (uint32_t)x->iflags.after);
		/* the inode's flags before the call, when its entry was seen */
		if (x->iflags.before_known) {
			write_inode_flags(ev, "set", (uint32_t)(x->iflags.after & ~x->iflags.before));
			write_inode_flags(ev, "cleared", (uint32_t)(x->iflags.before & ~x->iflags.after));
		} else {
			ev_null(ev, "set");
			ev_null(ev, "cleared");
		}
		ev_str(ev, "how", x->iflags.cmd == 0x401c5820 ? "FS_IOC_FSSETXATTR" : "FS_IOC_SETFLAGS");
		ev_bool(ev, "success", x->ret == 0);
		break;
	case KN_MOUNT:
		if (item_get(x, size, sizeof(*x), &x->str[2], &it) || item_get(x, size, sizeof(*x), &x->str[3], &it2) ||
		    sys_path(enc, x, size, 0, p, &fl))
			return -1;
		ev_strn(ev, "dev_name", it.s, it.len);
		write_path(ev, "path", p, fl);
		ev_strn(ev, "type", it2.s, it2.len);
		ev_hex(ev, "flags", x->mount.flags);
		ev_bool(ev, "success", x->ret == 0);
		break;
	default: return 1;
	}
	return 0;
}
