/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The one definition of the shared maps and configuration. */
#define KN_MAPS_DEFINE
#include "lib/maps.h"

const volatile u32 kn_self_tgid = 0;

char LICENSE[] SEC("license") = "Dual BSD/GPL";
