/* Event types: the kernel's dense enum kn_type and the userland events,
 * with the Kunai ids and names of EVENTS.md. */
#ifndef KN_TYPES_H
#define KN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kunai/wire.h"

#define KN_ID_ERROR 1000
#define KN_ID_EVENT_LOSS 1100
#define KN_ID_START 1101

struct kn_type_info {
	uint32_t id;
	const char *name;
	bool default_on;
};

/* Info of a kernel event type, NULL when out of range. */
const struct kn_type_info *kn_type_info(uint32_t type);
/* enum kn_type of a name (len bytes), -1 when unknown. */
int kn_type_by_name(const char *name, size_t len);
/* Bit masks (1 << enum kn_type) of the default and of all types. */
uint64_t kn_types_default(void);
uint64_t kn_types_all(void);
/* Turn on (or off) the comma-separated names of list ("all" allowed) in
 * *mask. An unknown name: -1, and err lists the valid ones. */
int kn_types_apply(uint64_t *mask, const char *list, int on, char *err, size_t errlen);

#endif
