/*
 * options.h - zp-sim's command line and secrets, parsed into a
 * struct sim_config (options.c).
 */
#ifndef ZP_SIM_OPTIONS_H
#define ZP_SIM_OPTIONS_H

#include "sim.h"

#define ZP_SIM_VERSION "0.1.0"

/*
 * sim_options_parse fills cfg from the defaults, argv and the secrets'
 * variables and files.  Strings in cfg borrow from argv or from static
 * storage in options.c.  --help and --version print and exit 0.  Returns
 * 0, ZP_EINVAL for misuse (reported on stderr), or ZP_ECONFIG /
 * ZP_ESECRET for a secret that cannot be read.
 */
int sim_options_parse(struct sim_config *cfg, int argc, char **argv);

/* sim_usage prints the synopsis to stdout (status 0) or stderr and exits
 * with status. */
void sim_usage(int status) __attribute__((noreturn));

#endif
