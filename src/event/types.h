/* Event types: the kernel's dense enum kn_type and the userland events,
 * with the Kunai ids and names of EVENTS.md. */
#ifndef KN_TYPES_H
#define KN_TYPES_H

#include <stdbool.h>
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

#endif
