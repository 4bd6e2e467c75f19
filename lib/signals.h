/*
 * signals.h - orderly stops on SIGINT and SIGTERM.
 *
 * The handlers only count signals.  Blocking reads and waits return
 * ZP_EINTR once a stop was requested, so a stage finishes the envelope in
 * hand, flushes and exits.  SIGPIPE is ignored so that a closed downstream
 * pipe is an error value (ZP_EPIPE) that can be reported, not a silent
 * death.
 */
#ifndef ZP_SIGNALS_H
#define ZP_SIGNALS_H

/* zp_signals_install sets the handlers; 0 or ZP_EINVAL. */
int zp_signals_install(void);

/* zp_interrupted returns how many stop signals arrived (0 if none). */
int zp_interrupted(void);

#endif
