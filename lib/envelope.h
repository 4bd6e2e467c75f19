/*
 * envelope.h - the v1 envelope that every stage reads and writes.
 *
 *   {"v":1,"id":"…","kind":"page","account":"acme","method":"GET",
 *    "path":"/v2/users?page_size=300","endpoint":"/v2/users",
 *    "status":200,"at":"2026-11-22T03:00:00Z","body":{…}}
 *
 * Reading validates the whole message as JSON but keeps the body a raw
 * slice of it: a stage that only routes envelopes forwards the bytes it
 * read, and a stage that rewrites one asks for the body's DOM only if it
 * needs it.  Unknown fields are kept as raw slices and written back.
 *
 * Ownership: a parsed envelope borrows the message bytes, and its decoded
 * strings live in its own arena; both are valid until the next
 * zp_env_parse on the same envelope or zp_env_release.
 */
#ifndef ZP_ENVELOPE_H
#define ZP_ENVELOPE_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "json.h"

#define ZP_ENV_VERSION 1

/* A borrowed run of bytes. */
struct zp_slice {
	const char *p;
	size_t n;
};

/* One top-level field kept verbatim: key and value as raw JSON text. */
struct zp_env_field {
	struct zp_slice key; /* the key's content, still escaped */
	struct zp_slice value; /* the value as raw JSON */
};

/* A parsed envelope; string fields are decoded and NUL-terminated. */
struct zp_envelope {
	struct zp_slice raw; /* the whole message as read */
	const char *id;
	const char *kind;
	const char *account;
	const char *method;
	const char *path;
	const char *endpoint;
	const char *at;
	long status; /* -1 when absent */
	struct zp_slice body; /* raw JSON; p == NULL when absent */
	struct zp_env_field *extra; /* unknown fields, in order */
	size_t nextra;
	struct zp_json_error err; /* where a parse failed */
	const char *why; /* what was wrong with a bad envelope */
	int lazy_body; /* set by a stage that parses the body with
			  zp_env_body_dom (which checks it) and forwards no
			  envelope: the structure alone of the body and of
			  unknown fields is checked while reading */
	struct zp_arena arena;
};

/* zp_env_init prepares an envelope for zp_env_parse. */
void zp_env_init(struct zp_envelope *e);

/*
 * zp_env_parse reads one message.  Returns 0; ZP_EPARSE or ZP_EDEPTH with
 * e->err set for bad JSON; ZP_EENVELOPE with e->why for JSON that is not an
 * envelope; ZP_EVERSION for an unknown major version.
 */
int zp_env_parse(struct zp_envelope *e, const char *msg, size_t len);

/* zp_env_describe writes a one-line description of the last error. */
void zp_env_describe(const struct zp_envelope *e, int rc, struct zp_buf *out);

/* zp_env_is tells whether e is of kind k. */
int zp_env_is(const struct zp_envelope *e, const char *k);

/*
 * zp_env_body_dom parses the body into the envelope's arena with p and
 * stores its root in *out (NULL when there is no body).
 */
int zp_env_body_dom(
    struct zp_envelope *e, struct zp_json_parser *p, struct zp_json **out);

/*
 * zp_env_write appends e as one compact message (no newline): its known
 * fields, its unknown fields, then add[0..nadd) (an added field replaces an
 * unknown one of the same key), then body (raw JSON; NULL keeps e->body).
 */
int zp_env_write(struct zp_buf *out, const struct zp_envelope *e,
    const struct zp_env_field *add, size_t nadd, const struct zp_slice *body);

/* Fields of a fresh envelope a producer builds. */
struct zp_env_new {
	const char *kind;
	const char *account;
	const char *method;
	const char *path;
	const char *endpoint;
	long status; /* -1 to leave it out */
	const char *at; /* NULL: now */
	struct zp_slice body; /* raw JSON; p == NULL to leave it out */
};

/* zp_env_build appends a new envelope with a fresh random id. */
int zp_env_build(struct zp_buf *out, const struct zp_env_new *n);

/* zp_env_eos appends the end-of-stream envelope of account (may be NULL). */
int zp_env_eos(struct zp_buf *out, const char *account);

/* zp_env_new_id writes 32 lowercase hex characters and a NUL to id. */
int zp_env_new_id(char id[33]);

/* zp_env_release frees the envelope's arena. */
void zp_env_release(struct zp_envelope *e);

#endif
