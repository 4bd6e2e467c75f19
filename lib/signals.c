/* signals.c - orderly stops on SIGINT and SIGTERM. */
#include "signals.h"

#include <signal.h>
#include <string.h>

#include "error.h"

static volatile sig_atomic_t stops;

/* on_stop counts a stop request; blocking calls see EINTR. */
static void
on_stop(int sig)
{
	(void)sig;
	if (stops < 100)
		stops++;
}

/* zp_signals_install sets the handlers without SA_RESTART. */
int
zp_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 ||
	    sigaction(SIGTERM, &sa, NULL) != 0)
		return ZP_EINVAL;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) != 0)
		return ZP_EINVAL;
	return 0;
}

/* zp_interrupted returns how many stop signals arrived. */
int
zp_interrupted(void)
{
	return (int)stops;
}
