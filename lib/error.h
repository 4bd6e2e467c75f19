/*
 * error.h - result codes shared by every zoompipe library function.
 *
 * Library functions return 0 on success or one of the negative ZP_E* codes
 * below; they never exit.  A tool maps the code to its exit status with
 * zp_exit_code(), which follows the single exit-code table of the README.
 */
#ifndef ZP_ERROR_H
#define ZP_ERROR_H

enum zp_err {
	ZP_OK = 0,
	ZP_ENOMEM = -1, /* out of memory */
	ZP_EINVAL = -2, /* invalid argument or usage */
	ZP_EPARSE = -3, /* malformed JSON */
	ZP_EDEPTH = -4, /* JSON nested deeper than the limit */
	ZP_EENVELOPE = -5, /* well-formed JSON that is not an envelope */
	ZP_EVERSION = -6, /* envelope with an unknown major version */
	ZP_EIO = -7, /* read or write failed */
	ZP_EPIPE = -8, /* the downstream reader went away */
	ZP_ETRANSPORT = -9, /* network failure: ZeroMQ or HTTP */
	ZP_EINTR = -10, /* interrupted by SIGINT or SIGTERM */
	ZP_ECRYPTO = -11, /* OpenSSL refused an operation */
	ZP_ECONFIG = -12, /* bad configuration value */
	ZP_ESECRET = -13, /* a secret is missing or unreadable */
	ZP_ETOOBIG = -14, /* input exceeds a size limit */
	ZP_ENOTFOUND = -15, /* a named thing does not exist */
	ZP_EDECODE = -16, /* bad base64url, hex or percent encoding */
	ZP_EAUTH = -17, /* credentials refused */
	ZP_ECODE_MIN = -17
};

/* Exit codes of every zoompipe tool (a subset of sysexits.h). */
enum zp_exit {
	ZP_EXIT_OK = 0,
	ZP_EXIT_REJECTED = 1,
	ZP_EXIT_USAGE = 64,
	ZP_EXIT_DATAERR = 65,
	ZP_EXIT_UNAVAILABLE = 69,
	ZP_EXIT_TEMPFAIL = 75,
	ZP_EXIT_AUTH = 77,
	ZP_EXIT_CONFIG = 78
};

/* zp_strerror returns a static English description of code; never NULL. */
const char *zp_strerror(int code);

/* zp_exit_code maps a ZP_E* code to the exit status a tool should use. */
int zp_exit_code(int code);

#endif
