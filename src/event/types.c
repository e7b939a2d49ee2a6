#include "event/types.h"

static const struct kn_type_info types[KN_TYPE_MAX] = {
	[KN_EXECVE] = { 1, "execve", true },
	[KN_EXECVE_SCRIPT] = { 2, "execve_script", true },
	[KN_EXIT] = { 4, "exit", true },
	[KN_EXIT_GROUP] = { 5, "exit_group", true },
	[KN_CLONE] = { 6, "clone", true },
};

const struct kn_type_info *kn_type_info(uint32_t type)
{
	if (type >= KN_TYPE_MAX || !types[type].name)
		return 0;
	return &types[type];
}
