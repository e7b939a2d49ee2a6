#include "sensor/loss.h"

uint64_t loss_update(struct loss *l, const uint64_t totals[KN_TYPE_MAX], uint64_t delta[KN_TYPE_MAX])
{
	uint64_t sum = 0;

	for (int t = 0; t < KN_TYPE_MAX; t++) {
		delta[t] = totals[t] >= l->seen[t] ? totals[t] - l->seen[t] : totals[t];
		l->seen[t] = totals[t];
		sum += delta[t];
	}
	l->lost_total += sum;
	return sum;
}

uint64_t loss_sum_percpu(const uint64_t *values, int ncpus)
{
	uint64_t s = 0;

	for (int i = 0; i < ncpus; i++)
		s += values[i];
	return s;
}
