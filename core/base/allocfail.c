/* Allocation failures seen (allocfail.h). */
#include "allocfail.h"

static unsigned long failures;

void ws_alloc_failure_note(void)
{
	__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

unsigned long ws_alloc_failures(void)
{
	return __atomic_load_n(&failures, __ATOMIC_RELAXED);
}
