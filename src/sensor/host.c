#include "sensor/host.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "serialize/json.h"

uint64_t clock_ns(int clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void host_read_line(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "re");

	out[0] = 0;
	if (!f)
		return;
	if (fgets(out, (int)cap, f))
		out[strcspn(out, "\r\n")] = 0;
	fclose(f);
}

/* 32 hex digits -> UUID text form; "" when the input is not that. */
static void uuid_from_hex(const char *hex, char out[KN_UUID_STR])
{
	size_t j = 0;

	out[0] = 0;
	if (strlen(hex) != 32)
		return;
	for (size_t i = 0; i < 32; i++) {
		if (!isxdigit((unsigned char)hex[i]))
			return;
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[j++] = '-';
		out[j++] = (char)tolower((unsigned char)hex[i]);
	}
	out[j] = 0;
}

void host_init(struct host *h)
{
	char buf[128];
	struct utsname u;

	memset(h, 0, sizeof(*h));
	h->section = ev_shared_fresh(NULL);
	if (!uname(&u))
		snprintf(h->name, sizeof(h->name), "%s", u.nodename);
	host_read_line("/sys/class/dmi/id/product_uuid", buf, sizeof(buf));
	if (strlen(buf) == 36) {
		for (size_t i = 0; buf[i]; i++)
			buf[i] = (char)tolower((unsigned char)buf[i]);
		snprintf(h->uuid, sizeof(h->uuid), "%.36s", buf);
	} else {
		host_read_line("/etc/machine-id", buf, sizeof(buf));
		uuid_from_hex(buf, h->uuid);
	}
	host_read_line("/proc/sys/kernel/random/boot_id", buf, sizeof(buf));
	snprintf(h->boot_id, sizeof(h->boot_id), "%.36s", buf);
	h->boot_key = guuid_boot_key(h->boot_id);
	host_refresh(h);
}

void host_free(struct host *h)
{
	ev_shared_put(h->section);
	h->section = NULL;
}

void host_refresh(struct host *h)
{
	struct ifaddrs *ifa, *i;
	struct event *e;

	/* info.host, the same in every event till the next refresh (events
	 * still holding the last one keep it) */
	h->section = ev_shared_fresh(h->section);
	e = &h->section->ev;
	ev_str(e, "uuid", h->uuid);
	ev_str(e, "name", h->name);
	ev_arr_begin(e, "ips");
	if (!getifaddrs(&ifa)) {
		for (i = ifa; i; i = i->ifa_next) {
			char a[INET6_ADDRSTRLEN];

			if (!i->ifa_addr)
				continue;
			if (i->ifa_addr->sa_family == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof(a));
			else if (i->ifa_addr->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof(a));
			else
				continue;
			ev_str(e, NULL, a);
		}
		freeifaddrs(ifa);
	}
	ev_arr_end(e);
	ev_null(e, "container");
	json_event_render(e);
	h->boot_to_real = (int64_t)clock_ns(CLOCK_REALTIME) - (int64_t)clock_ns(CLOCK_BOOTTIME);
}

void time_format_utc(int64_t real_ns, char out[40])
{
	time_t sec = (time_t)(real_ns / 1000000000LL);
	long nsec = (long)(real_ns % 1000000000LL);
	struct tm tm;

	if (nsec < 0) {
		nsec += 1000000000L;
		sec--;
	}
	gmtime_r(&sec, &tm);
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) {
		snprintf(out, 40, "1970-01-01T00:00:00.000000000Z");
		return;
	}
	snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
		 tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100, nsec % 1000000000L);
}

void host_utc_time(const struct host *h, uint64_t boot_ns, char out[40])
{
	/* the date and time of the last second formatted, kept: only the
	 * nanoseconds change between most events */
	static __thread int64_t last_sec = -1;
	static __thread char last[40];
	int64_t real = (int64_t)boot_ns + h->boot_to_real, sec = real / 1000000000LL;
	long nsec = (long)(real % 1000000000LL);

	if (real < 0) {
		time_format_utc(real, out);
		return;
	}
	if (sec != last_sec) {
		time_format_utc(sec * 1000000000LL, last);
		last_sec = sec;
	}
	/* "YYYY-MM-DDTHH:MM:SS." then 9 digits and Z */
	memcpy(out, last, 20);
	for (int i = 28; i >= 20; i--, nsec /= 10)
		out[i] = (char)('0' + nsec % 10);
	out[29] = 'Z';
	out[30] = 0;
}
