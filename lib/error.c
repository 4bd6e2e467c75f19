/* error.c - descriptions and exit statuses of the ZP_E* codes. */
#include "error.h"

static const char *const messages[] = {
    [0] = "success",
    [1] = "out of memory",
    [2] = "invalid argument",
    [3] = "malformed JSON",
    [4] = "JSON nested too deeply",
    [5] = "not a valid envelope",
    [6] = "unsupported envelope version",
    [7] = "input/output error",
    [8] = "downstream closed",
    [9] = "transport failure",
    [10] = "interrupted",
    [11] = "cryptographic operation failed",
    [12] = "bad configuration",
    [13] = "secret missing or unreadable",
    [14] = "input too large",
    [15] = "not found",
    [16] = "bad encoding",
    [17] = "authentication failed",
};

/* zp_strerror returns a static English description of code; never NULL. */
const char *
zp_strerror(int code)
{
	if (code > 0 || code < ZP_ECODE_MIN)
		return "unknown error";
	return messages[-code];
}

/* zp_exit_code maps a ZP_E* code to the exit status a tool should use. */
int
zp_exit_code(int code)
{
	switch (code) {
	case ZP_OK: return ZP_EXIT_OK;
	case ZP_EINVAL: return ZP_EXIT_USAGE;
	case ZP_EPARSE:
	case ZP_EDEPTH:
	case ZP_EENVELOPE:
	case ZP_EVERSION:
	case ZP_ETOOBIG:
	case ZP_EDECODE: return ZP_EXIT_DATAERR;
	case ZP_ETRANSPORT: return ZP_EXIT_UNAVAILABLE;
	case ZP_EAUTH: return ZP_EXIT_AUTH;
	case ZP_EPIPE:
	case ZP_EINTR:
	case ZP_EIO:
	case ZP_ENOMEM: return ZP_EXIT_TEMPFAIL;
	case ZP_ESECRET:
	case ZP_ECONFIG:
	case ZP_ENOTFOUND: return ZP_EXIT_CONFIG;
	default: return ZP_EXIT_TEMPFAIL;
	}
}
