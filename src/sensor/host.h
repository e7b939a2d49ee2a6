/* What info.host says, and the clocks that turn kernel time into UTC. */
#ifndef KN_HOST_H
#define KN_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "event/event.h"
#include "model/guuid.h"
#include "util/strbuf.h"

struct host {
	char name[256];
	char uuid[KN_UUID_STR];
	char boot_id[KN_UUID_STR];
	uint32_t boot_key;
	struct ev_shared *section; /* info.host, rendered, attached to events */
	int64_t boot_to_real; /* ns: CLOCK_REALTIME - CLOCK_BOOTTIME */
};

void host_init(struct host *h);
void host_free(struct host *h);
/* Re-read the host's addresses and the clock offset. */
void host_refresh(struct host *h);
/* Kernel boot-time ns -> "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ". */
void host_utc_time(const struct host *h, uint64_t boot_ns, char out[40]);
void time_format_utc(int64_t real_ns, char out[40]);
uint64_t clock_ns(int clk);
/* The first line of a small file (procfs, sysfs), without its newline; ""
 * when it cannot be read. */
void host_read_line(const char *path, char *out, size_t cap);

#endif
