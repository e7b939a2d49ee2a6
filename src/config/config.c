#include "config/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "event/types.h"
#include "util/hash.h"
#include "util/strbuf.h"

void config_default(struct kn_config *c)
{
	memset(c, 0, sizeof(*c));
	c->max_buffered_events = 1024;
	c->max_eps_fs = -1;
	c->workers = -1;
	c->send_data_min_len = 512;
	snprintf(c->output_path, sizeof(c->output_path), "/dev/stdout");
	c->output_queue_mb = 16;
	c->show_positive_file_scan = true;
	c->enabled = kn_types_default();
	c->ring_buffer_mb = 16;
	c->hash_max_mb = 256;
}

/* ---- the walk over libyaml's document ----------------------------------- */

struct walk {
	yaml_document_t *doc;
	const char *name; /* the file, for messages */
	char *err;
	size_t errlen;
	struct kn_config *c;
	char key[256]; /* the dotted path of the node being read */
};

__attribute__((format(printf, 3, 4))) static int fail(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (n)
		snprintf(w->err, w->errlen, "%s:%zu:%zu: %s%s%s", w->name, n->start_mark.line + 1,
			 n->start_mark.column + 1, w->key, w->key[0] ? ": " : "", why);
	else
		snprintf(w->err, w->errlen, "%s: %s%s%s", w->name, w->key, w->key[0] ? ": " : "", why);
	return -1;
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* YAML's null: ~, null (any case as the core schema has it), or nothing. */
static bool is_null(const yaml_node_t *n)
{
	const char *s;

	if (!plain(n))
		return false;
	s = scalar(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static int get_bool(struct walk *w, const yaml_node_t *n, bool *out)
{
	const char *s = n->type == YAML_SCALAR_NODE ? scalar(n) : "";

	if (plain(n) && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))) {
		*out = true;
		return 0;
	}
	if (plain(n) && (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))) {
		*out = false;
		return 0;
	}
	return fail(w, n, "expected true or false");
}

static int get_uint(struct walk *w, const yaml_node_t *n, uint64_t max, uint64_t *out)
{
	const char *s = n->type == YAML_SCALAR_NODE ? scalar(n) : "";
	char *end;

	errno = 0;
	if (!plain(n) || !*s || *s == '-' || *s == '+' || s[strspn(s, "0123456789")]) {
		return fail(w, n, "expected a whole number between 0 and %llu", (unsigned long long)max);
	}
	*out = strtoull(s, &end, 10);
	if (errno || *out > max)
		return fail(w, n, "expected a whole number between 0 and %llu", (unsigned long long)max);
	return 0;
}

static int get_str(struct walk *w, const yaml_node_t *n, char *out, size_t len)
{
	if (n->type != YAML_SCALAR_NODE || is_null(n))
		return fail(w, n, "expected a string");
	if (n->data.scalar.length >= len || memchr(scalar(n), 0, n->data.scalar.length))
		return fail(w, n, "too long, or holds a NUL");
	memcpy(out, scalar(n), n->data.scalar.length + 1);
	return 0;
}

/* A size as Kunai writes them: a number, spaces, then B (a whole number),
 * KB, MB or GB (powers of 1024, decimals allowed); a string, never a bare
 * number. */
static int get_size(struct walk *w, const yaml_node_t *n, uint64_t *out)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = {{"B", 1}, {"KB", 1ULL << 10}, {"MB", 1ULL << 20}, {"GB", 1ULL << 30}};
	const char *s = n->type == YAML_SCALAR_NODE ? scalar(n) : "";
	const char *p = s;
	double v;
	char *end;

	if (n->type != YAML_SCALAR_NODE || (plain(n) && !s[strspn(s, "0123456789")]))
		goto bad;
	if (!(*p >= '0' && *p <= '9'))
		goto bad;
	v = strtod(p, &end);
	if (end == p)
		goto bad;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			if (units[i].mult == 1 && v != (double)(uint64_t)v)
				goto bad;
			if (v * (double)units[i].mult > 1e18)
				goto bad;
			*out = (uint64_t)(v * (double)units[i].mult);
			return 0;
		}
	}
bad:
	return fail(w, n, "expected a size such as \"512KB\", \"10MB\" or \"1.5GB\" (B, KB, MB, GB: powers of 1024)");
}

/* A duration as Kunai's humantime reads them: "15m", "1h 30m", "2days". */
static int get_duration(struct walk *w, const yaml_node_t *n, char *out, size_t len)
{
	static const char *const units[] = {
		"nsec",	   "ns",     "usec",  "us",   "msec", "ms",	"seconds", "second", "secs",  "sec",  "s",
		"minutes", "minute", "mins",  "min",  "m",    "hours",	"hour",	   "hrs",    "hr",    "h",    "days",
		"day",	   "d",	     "weeks", "week", "w",    "months", "month",   "M",	     "years", "year", "y"};
	const char *p = n->type == YAML_SCALAR_NODE ? scalar(n) : "";
	int parts = 0;

	if (n->type != YAML_SCALAR_NODE || is_null(n))
		goto bad;
	while (*p) {
		size_t d = strspn(p, "0123456789"), u = 0;

		if (!d)
			goto bad;
		p += d;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i]);

			if (!strncmp(p, units[i], l) && (p[l] == 0 || p[l] == ' ' || (p[l] >= '0' && p[l] <= '9'))) {
				u = l;
				break;
			}
		}
		if (!u)
			goto bad;
		p += u;
		p += strspn(p, " ");
		parts++;
	}
	if (!parts)
		goto bad;
	return get_str(w, n, out, len);
bad:
	return fail(w, n, "expected a duration such as \"15m\", \"1h 30m\" or \"2days\"");
}

/* A list of strings: how many (what they are matters once they are used). */
static int get_list(struct walk *w, const yaml_node_t *n, int *count)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(w, n, "expected a list");
	*count = 0;
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		yaml_node_t *it = yaml_document_get_node(w->doc, *i);
		char tmp[4096];

		if (!it || get_str(w, it, tmp, sizeof(tmp)))
			return -1;
		(*count)++;
	}
	return 0;
}

typedef int (*key_fn)(struct walk *w, const yaml_node_t *v);

struct key {
	const char *name;
	key_fn fn;
};

/* Each key of the mapping n by the table (an unknown or repeated key is an
 * error); the dotted path kept for messages. */
static int walk_map(struct walk *w, const yaml_node_t *n, const struct key *keys, size_t nkeys, uint64_t *seen)
{
	size_t at = strlen(w->key);

	if (n->type != YAML_MAPPING_NODE)
		return fail(w, n, "expected a mapping");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key), *v = yaml_document_get_node(w->doc, p->value);
		size_t i;

		if (!k || !v || k->type != YAML_SCALAR_NODE)
			return fail(w, k, "a key must be a plain name");
		snprintf(w->key + at, sizeof(w->key) - at, "%s%s", at ? "." : "", scalar(k));
		for (i = 0; i < nkeys; i++) {
			if (!strcmp(scalar(k), keys[i].name))
				break;
		}
		if (i == nkeys) {
			char known[512] = "";

			for (size_t j = 0; j < nkeys; j++)
				snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", j ? ", " : "",
					 keys[j].name);
			return fail(w, k, "unknown key (known here: %s)", known);
		}
		if (*seen & (1ULL << i))
			return fail(w, k, "given twice");
		*seen |= 1ULL << i;
		if (keys[i].fn(w, v))
			return -1;
		w->key[at] = 0;
	}
	w->key[at] = 0;
	return 0;
}

static void notice(struct walk *w, const char *what)
{
	if (w->c->n_notices < CONFIG_NOTICES)
		w->c->notices[w->c->n_notices++] = what;
}

/* ---- the keys ----------------------------------------------------------- */

static int k_host_uuid(struct walk *w, const yaml_node_t *v)
{
	char s[64];

	if (get_str(w, v, s, sizeof(s)))
		return -1;
	if (strlen(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' ||
	    strspn(s, "0123456789abcdefABCDEF-") != 36)
		return fail(w, v, "expected a UUID (8-4-4-4-12 hexadecimal digits)");
	for (int i = 0; s[i]; i++)
		w->c->host_uuid[i] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 'a' : s[i]);
	w->c->host_uuid[36] = 0;
	return 0;
}

static int k_max_buffered(struct walk *w, const yaml_node_t *v)
{
	uint64_t x;

	if (get_uint(w, v, 65535, &x))
		return -1;
	w->c->max_buffered_events = (uint32_t)x;
	return 0;
}

static int k_max_eps_fs(struct walk *w, const yaml_node_t *v)
{
	uint64_t x;

	if (is_null(v)) {
		w->c->max_eps_fs = -1;
		return 0;
	}
	if (get_uint(w, v, INT64_MAX, &x))
		return -1;
	w->c->max_eps_fs = (int64_t)x;
	return 0;
}

static int k_workers(struct walk *w, const yaml_node_t *v)
{
	uint64_t x;

	if (is_null(v)) {
		w->c->workers = -1;
		return 0;
	}
	if (get_uint(w, v, 4096, &x))
		return -1;
	w->c->workers = (int64_t)x;
	return 0;
}

static int k_send_min(struct walk *w, const yaml_node_t *v)
{
	uint64_t x;

	if (is_null(v)) {
		w->c->send_data_min_len = 512;
		return 0;
	}
	if (get_uint(w, v, 1u << 30, &x))
		return -1;
	w->c->send_data_min_len = (uint32_t)x;
	return 0;
}

static int k_harden(struct walk *w, const yaml_node_t *v)
{
	if (get_bool(w, v, &w->c->harden))
		return -1;
	if (w->c->harden)
		return fail(w, v,
			    "hardening (refusing signals and ptrace aimed at the sensor) is not supported yet: "
			    "set it to false");
	return 0;
}

static int k_force_load(struct walk *w, const yaml_node_t *v)
{
	return get_bool(w, v, &w->c->force_load);
}

static int k_out_path(struct walk *w, const yaml_node_t *v)
{
	char *p = w->c->output_path;

	if (get_str(w, v, p, sizeof(w->c->output_path)))
		return -1;
	if (!strcmp(p, "stdout"))
		snprintf(p, sizeof(w->c->output_path), "/dev/stdout");
	else if (!strcmp(p, "stderr"))
		snprintf(p, sizeof(w->c->output_path), "/dev/stderr");
	else if (p[0] != '/')
		return fail(w, v, "expected stdout, stderr or an absolute path");
	return 0;
}

static int k_out_paths(struct walk *w, const yaml_node_t *v)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(w, v, "expected a list of absolute paths");
	w->c->n_output_paths = 0;
	for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
		yaml_node_t *it = yaml_document_get_node(w->doc, *i);
		char *p;

		if (w->c->n_output_paths == SINKS_MAX - 2)
			return fail(w, it, "too many paths (at most %d besides output.path)", SINKS_MAX - 2);
		p = w->c->output_paths[w->c->n_output_paths];
		if (!it || get_str(w, it, p, sizeof(w->c->output_paths[0])))
			return -1;
		if (p[0] != '/')
			return fail(w, it, "expected an absolute path");
		w->c->n_output_paths++;
	}
	return 0;
}

static int k_rotate_size(struct walk *w, const yaml_node_t *v)
{
	if (is_null(v)) {
		w->c->rotate_size = 0;
		return 0;
	}
	if (get_size(w, v, &w->c->rotate_size))
		return -1;
	notice(w, "output.rotate_size: files are not rotated yet: rotate them (logrotate) and send SIGHUP");
	return 0;
}

static int k_rotate_interval(struct walk *w, const yaml_node_t *v)
{
	if (is_null(v)) {
		w->c->rotate_interval[0] = 0;
		return 0;
	}
	if (get_duration(w, v, w->c->rotate_interval, sizeof(w->c->rotate_interval)))
		return -1;
	notice(w, "output.rotate_interval: files are not rotated yet: rotate them (logrotate) and send SIGHUP");
	return 0;
}

static int k_max_size(struct walk *w, const yaml_node_t *v)
{
	if (is_null(v)) {
		w->c->max_size = 0;
		return 0;
	}
	if (get_size(w, v, &w->c->max_size))
		return -1;
	notice(w, "output.max_size: the files' total is not capped yet");
	return 0;
}

static int k_buffered(struct walk *w, const yaml_node_t *v)
{
	return get_bool(w, v, &w->c->buffered);
}

static int k_queue(struct walk *w, const yaml_node_t *v)
{
	uint64_t x;

	if (get_size(w, v, &x))
		return -1;
	if (x < (1ULL << 20) || x > (4096ULL << 20))
		return fail(w, v, "expected between 1MB and 4096MB");
	w->c->output_queue_mb = (uint32_t)(x >> 20);
	return 0;
}

static int k_output(struct walk *w, const yaml_node_t *v)
{
	static const struct key keys[] = {
		{"path", k_out_path},	  {"rotate_size", k_rotate_size}, {"rotate_interval", k_rotate_interval},
		{"max_size", k_max_size}, {"buffered", k_buffered},	  {"paths", k_out_paths},
		{"queue_size", k_queue},
	};
	uint64_t seen = 0;

	return walk_map(w, v, keys, sizeof(keys) / sizeof(keys[0]), &seen);
}

/* rules, IoCs, YARA: matching is not there yet; a list given would be a
 * detection silently missing */
static int k_unsupported_list(struct walk *w, const yaml_node_t *v, int *count, const char *what)
{
	if (get_list(w, v, count))
		return -1;
	if (*count)
		return fail(w, v, "%s are not supported yet: leave the list empty", what);
	return 0;
}

static int k_rules(struct walk *w, const yaml_node_t *v)
{
	return k_unsupported_list(w, v, &w->c->n_rules, "rule files");
}

static int k_iocs(struct walk *w, const yaml_node_t *v)
{
	return k_unsupported_list(w, v, &w->c->n_iocs, "IoC files");
}

static int k_yara(struct walk *w, const yaml_node_t *v)
{
	return k_unsupported_list(w, v, &w->c->n_yara, "YARA files");
}

static int k_min_sev(struct walk *w, const yaml_node_t *v)
{
	uint64_t x;

	if (get_uint(w, v, 255, &x))
		return -1;
	w->c->min_severity = (uint32_t)x;
	return 0;
}

static int k_show_pos(struct walk *w, const yaml_node_t *v)
{
	return get_bool(w, v, &w->c->show_positive_file_scan);
}

static int k_scanner(struct walk *w, const yaml_node_t *v)
{
	static const struct key keys[] = {
		{"rules", k_rules},
		{"iocs", k_iocs},
		{"yara", k_yara},
		{"min_severity", k_min_sev},
		{"show_positive_file_scan", k_show_pos},
	};
	uint64_t seen = 0;

	return walk_map(w, v, keys, sizeof(keys) / sizeof(keys[0]), &seen);
}

/* events: name -> {enable: bool}. As Kunai: an event left out is off;
 * the sensor's own events (start, event_loss, error) and file_scan are
 * accepted, and change nothing. */
static int k_events(struct walk *w, const yaml_node_t *v)
{
	size_t at = strlen(w->key);
	uint64_t mask = 0;

	if (v->type != YAML_MAPPING_NODE)
		return fail(w, v, "expected a mapping of event names to {enable: true|false}");
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key), *e = yaml_document_get_node(w->doc, p->value);
		bool on = false, got = false;
		int t;

		if (!k || !e || k->type != YAML_SCALAR_NODE)
			return fail(w, k, "a key must be an event name");
		snprintf(w->key + at, sizeof(w->key) - at, ".%s", scalar(k));
		t = kn_type_by_name(scalar(k), strlen(scalar(k)));
		if (t < 0 && strcmp(scalar(k), "file_scan") && strcmp(scalar(k), "start") &&
		    strcmp(scalar(k), "event_loss") && strcmp(scalar(k), "error"))
			return fail(w, k, "unknown event (kunai config --list-events lists them)");
		if (e->type != YAML_MAPPING_NODE)
			return fail(w, e, "expected {enable: true|false}");
		for (yaml_node_pair_t *q = e->data.mapping.pairs.start; q < e->data.mapping.pairs.top; q++) {
			yaml_node_t *kk = yaml_document_get_node(w->doc, q->key),
				    *vv = yaml_document_get_node(w->doc, q->value);

			if (!kk || !vv || kk->type != YAML_SCALAR_NODE || strcmp(scalar(kk), "enable"))
				return fail(w, kk ? kk : e, "unknown key (known here: enable)");
			if (got)
				return fail(w, kk, "enable given twice");
			if (get_bool(w, vv, &on))
				return -1;
			got = true;
		}
		if (!got)
			return fail(w, e, "enable is missing");
		if (t >= 0) {
			if ((mask >> t) & 1)
				return fail(w, k, "given twice");
			mask |= 1ULL << t;
			if (on)
				w->c->enabled |= 1ULL << t;
			else
				w->c->enabled &= ~(1ULL << t);
		}
	}
	/* left out: off */
	w->c->enabled &= mask;
	w->key[at] = 0;
	return 0;
}

static int k_ring(struct walk *w, const yaml_node_t *v)
{
	uint64_t x;

	if (get_size(w, v, &x))
		return -1;
	if (x < (1ULL << 20) || x > (4096ULL << 20) || (x & (x - 1)))
		return fail(w, v, "expected a power of two between 1MB and 4096MB");
	w->c->ring_buffer_mb = (uint32_t)(x >> 20);
	return 0;
}

static int k_hash_max(struct walk *w, const yaml_node_t *v)
{
	uint64_t x;

	if (get_size(w, v, &x))
		return -1;
	if (x > (65536ULL << 20) || (x & ((1ULL << 20) - 1)))
		return fail(w, v, "expected whole MB between 0MB and 65536MB (0MB: no digests)");
	w->c->hash_max_mb = (uint32_t)(x >> 20);
	return 0;
}

/* (ours) the watched paths: patterns as watch_compile takes them */
static int k_watched(struct walk *w, const yaml_node_t *v)
{
	int n = 0;

	if (v->type != YAML_SEQUENCE_NODE)
		return fail(w, v, "expected a list of paths (\"/etc/\", \"/home/*/.ssh/\")");
	for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
		yaml_node_t *it = yaml_document_get_node(w->doc, *i);
		struct watch_pat pat;
		char why[128];

		if (n == WATCH_PATTERNS_MAX)
			return fail(w, it, "too many paths (at most %d)", WATCH_PATTERNS_MAX);
		if (!it || get_str(w, it, w->c->watched_buf[n], sizeof(w->c->watched_buf[0])))
			return -1;
		if (watch_compile(w->c->watched_buf[n], &pat, why, sizeof(why)))
			return fail(w, it, "%s", why);
		w->c->watched[n] = w->c->watched_buf[n];
		n++;
	}
	w->c->watched[n] = NULL;
	w->c->watched_set = true;
	return 0;
}

int config_parse(struct kn_config *c, const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	static const struct key keys[] = {
		{"host_uuid", k_host_uuid},
		{"max_buffered_events", k_max_buffered},
		{"max_eps_fs", k_max_eps_fs},
		{"workers", k_workers},
		{"send_data_min_len", k_send_min},
		{"harden", k_harden},
		{"force_load", k_force_load},
		{"output", k_output},
		{"scanner", k_scanner},
		{"events", k_events},
		{"ring_buffer_size", k_ring},
		{"hash_max_size", k_hash_max},
		{"watched_paths", k_watched},
	};
	struct walk w = {.name = name, .err = err, .errlen = errlen, .c = c};
	yaml_parser_t parser;
	yaml_document_t doc, more;
	yaml_node_t *root;
	uint64_t seen = 0;
	int rc = -1;

	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: not YAML: %s", name, parser.problem_mark.line + 1,
			 parser.problem_mark.column + 1, parser.problem ? parser.problem : "unreadable");
		yaml_parser_delete(&parser);
		return -1;
	}
	w.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		snprintf(err, errlen, "%s: empty: no configuration in it", name);
		goto out;
	}
	if (!yaml_parser_load(&parser, &more)) {
		snprintf(err, errlen, "%s:%zu:%zu: not YAML: %s", name, parser.problem_mark.line + 1,
			 parser.problem_mark.column + 1, parser.problem ? parser.problem : "unreadable");
		goto out;
	}
	if (yaml_document_get_root_node(&more)) {
		snprintf(err, errlen, "%s:%zu:%zu: a second YAML document: one configuration per file", name,
			 yaml_document_get_root_node(&more)->start_mark.line + 1,
			 yaml_document_get_root_node(&more)->start_mark.column + 1);
		yaml_document_delete(&more);
		goto out;
	}
	yaml_document_delete(&more);
	c->n_notices = 0;
	rc = walk_map(&w, root, keys, sizeof(keys) / sizeof(keys[0]), &seen);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int config_load(struct kn_config *c, const char *path, bool check_owner, char *err, size_t errlen)
{
	struct stat st;
	char *text;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), rc;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	/* what configures a security sensor is root's alone */
	if (check_owner && st.st_uid != 0) {
		snprintf(err, errlen, "%s: owned by uid %u, not root: refusing it", path, (unsigned)st.st_uid);
		close(fd);
		return -1;
	}
	if (check_owner && (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "%s: writable by %s (mode %04o): refusing it (chmod go-w)", path,
			 st.st_mode & S_IWOTH ? "others" : "its group", (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	if (st.st_size > CONFIG_MAX_BYTES) {
		snprintf(err, errlen, "%s: larger than %u bytes", path, CONFIG_MAX_BYTES);
		close(fd);
		return -1;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	while (got < (size_t)st.st_size && (n = read(fd, text + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	text[got] = 0;
	rc = config_parse(c, path, text, got, err, errlen);
	free(text);
	return rc;
}

/* ---- dump --------------------------------------------------------------- */

static void size_text(struct strbuf *o, uint64_t v)
{
	static const char *const units[] = {"B", "KB", "MB", "GB"};
	int u = 0;

	while (u < 3 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	strbuf_addf(o, "%llu%s", (unsigned long long)v, units[u]);
}

/* A string as YAML, double-quoted (escapes for what is not printable). */
static void yaml_str(struct strbuf *o, const char *s)
{
	strbuf_addc(o, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			strbuf_addf(o, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			strbuf_addf(o, "\\x%02x", ch);
		else
			strbuf_addc(o, (char)ch);
	}
	strbuf_addc(o, '"');
}

char *config_dump(const struct kn_config *c)
{
	struct strbuf o;

	strbuf_init(&o);
	strbuf_adds(&o, "# Kunai's configuration (kunai run -c FILE; " CONFIG_DEFAULT_PATH " when it exists).\n"
			"# Kunai's keys, then ours (marked \"ours\"). Unknown keys are errors; the file must\n"
			"# be root's and writable by root alone.\n\n");
	strbuf_adds(&o, "# info.host.uuid of every event; left out: the host's (DMI product uuid, else\n"
			"# /etc/machine-id)\n");
	if (c->host_uuid[0])
		strbuf_addf(&o, "host_uuid: %s\n", c->host_uuid);
	else
		strbuf_adds(&o, "# host_uuid: 00000000-0000-0000-0000-000000000000\n");
	strbuf_adds(&o, "# Kunai's perf buffer size, in events: accepted, no effect (see ring_buffer_size)\n");
	strbuf_addf(&o, "max_buffered_events: %u\n", c->max_buffered_events);
	strbuf_adds(&o, "# file events per CPU per second before they are dropped (a process: two thirds\n"
			"# of it), each counted in event_loss, an error event when a limit is reached;\n"
			"# null: none (Kunai's default is 2048)\n");
	if (c->max_eps_fs < 0)
		strbuf_adds(&o, "max_eps_fs: null\n");
	else
		strbuf_addf(&o, "max_eps_fs: %lld\n", (long long)c->max_eps_fs);
	strbuf_adds(&o, "# Kunai's worker threads: accepted, no effect (the loop is one thread)\n");
	if (c->workers < 0)
		strbuf_adds(&o, "workers: null\n");
	else
		strbuf_addf(&o, "workers: %lld\n", (long long)c->workers);
	strbuf_adds(&o, "# send_data: the smallest send reported, in bytes\n");
	strbuf_addf(&o, "send_data_min_len: %u\n", c->send_data_min_len);
	strbuf_adds(&o, "# refuse signals and ptrace aimed at the sensor: not supported yet (must be false)\n");
	strbuf_addf(&o, "harden: %s\n", c->harden ? "true" : "false");
	strbuf_adds(&o, "# an event whose probes fail is always left out with a notice (true or false)\n");
	strbuf_addf(&o, "force_load: %s\n", c->force_load ? "true" : "false");
	strbuf_adds(&o, "output:\n  # stdout, stderr or a file (created 0600, appended)\n  path: ");
	yaml_str(&o, c->output_path);
	strbuf_adds(&o, "\n  # rotation (size, interval, total cap): accepted, not done yet (null: none)\n");
	if (c->rotate_size) {
		strbuf_adds(&o, "  rotate_size: \"");
		size_text(&o, c->rotate_size);
		strbuf_adds(&o, "\"\n");
	} else {
		strbuf_adds(&o, "  rotate_size: null\n");
	}
	if (c->rotate_interval[0]) {
		strbuf_adds(&o, "  rotate_interval: ");
		yaml_str(&o, c->rotate_interval);
		strbuf_adds(&o, "\n");
	} else {
		strbuf_adds(&o, "  rotate_interval: null\n");
	}
	if (c->max_size) {
		strbuf_adds(&o, "  max_size: \"");
		size_text(&o, c->max_size);
		strbuf_adds(&o, "\"\n");
	} else {
		strbuf_adds(&o, "  max_size: null\n");
	}
	strbuf_adds(&o, "  # lines are written in batches either way (true or false)\n");
	strbuf_addf(&o, "  buffered: %s\n", c->buffered ? "true" : "false");
	strbuf_adds(&o, "  # (ours) further files written too\n  paths: [");
	for (int i = 0; i < c->n_output_paths; i++) {
		if (i)
			strbuf_adds(&o, ", ");
		yaml_str(&o, c->output_paths[i]);
	}
	strbuf_adds(&o, "]\n  # (ours) what an output that does not keep up may hold back; beyond, lines\n"
			"  # are dropped and counted in event_loss\n  queue_size: \"");
	size_text(&o, (uint64_t)c->output_queue_mb << 20);
	strbuf_adds(&o, "\"\nscanner:\n  # rule, IoC and YARA files: not supported yet (the lists must be empty)\n"
			"  rules: []\n  iocs: []\n  yara: []\n");
	strbuf_addf(&o, "  min_severity: %u\n", c->min_severity);
	strbuf_addf(&o, "  show_positive_file_scan: %s\n", c->show_positive_file_scan ? "true" : "false");
	strbuf_adds(&o, "# every event, on or off; as in Kunai, an event left out is off\n"
			"# (exec, fork and exit are always traced: they keep the process model)\nevents:\n");
	for (uint32_t t = 0; t < KN_TYPE_MAX; t++) {
		const struct kn_type_info *ti = kn_type_info(t);

		if (ti)
			strbuf_addf(&o, "  %s:\n    enable: %s\n", ti->name, (c->enabled >> t) & 1 ? "true" : "false");
	}
	strbuf_adds(&o, "# (ours) the kernel's ring buffer: a power of two, 1MB to 4096MB\nring_buffer_size: \"");
	size_text(&o, (uint64_t)c->ring_buffer_mb << 20);
	strbuf_adds(&o, "\"\n# (ours) the largest file hashed; \"0MB\": no digests\nhash_max_size: \"");
	size_text(&o, (uint64_t)c->hash_max_mb << 20);
	strbuf_adds(&o, "\"\n# (ours) files whose first read or write by a process is read_config or\n"
			"# write_config: a directory ends with /, a * stands for one component\nwatched_paths:\n");
	for (int i = 0; c->watched_set ? c->watched[i] != NULL : watch_default[i] != NULL; i++) {
		strbuf_adds(&o, "  - ");
		yaml_str(&o, c->watched_set ? c->watched[i] : watch_default[i]);
		strbuf_adds(&o, "\n");
	}
	return o.buf;
}

void config_sha256(const struct kn_config *c, char out[65])
{
	char *text = config_dump(c);
	struct hashes h;

	out[0] = 0;
	if (text && !hashes_compute((const unsigned char *)text, strlen(text), &h))
		snprintf(out, 65, "%s", h.sha256);
	free(text);
}
