/* Cancellation flag.  See cancel.h. */
#include "cancel.h"

#include <signal.h>

static volatile sig_atomic_t requested;

void ws_cancel_request(void)
{
	requested = 1;
}

bool ws_cancel_requested(void)
{
	return requested != 0;
}

void ws_cancel_clear(void)
{
	requested = 0;
}
