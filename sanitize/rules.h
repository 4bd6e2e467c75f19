/*
 * rules.h - Psoxy REST sanitization rules: load a YAML rule set into
 * structs, and find the endpoint a request is allowed by.
 *
 * The format is Psoxy's (RULES-SPEC.md sections 1 and 2): top-level
 * endpoints, definitions, allowedRequestHeaders, allowAllEndpoints; each
 * endpoint with pathRegex or pathTemplate, query and method allow-lists, a
 * responseSchema filter and a list of tagged transforms.  Loading rejects
 * what Psoxy rejects (an unknown key, an unknown tag, a bad regex) and a
 * little more (a missing required option, a bad or cyclic $ref, a duplicate
 * key), each reported as "FILE:LINE: reason".
 *
 * Ownership: a loaded struct sanitize_rules owns every string, array,
 * schema and compiled regex reachable from it; all of it lives until
 * sanitize_rules_free.  The structs are read-only after loading, so one
 * rule set may be shared by threads.
 */
#ifndef ZP_SANITIZE_RULES_H
#define ZP_SANITIZE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* pcre2_code of <pcre2.h> with PCRE2_CODE_UNIT_WIDTH 8. */
struct pcre2_real_code_8;

/*
 * A regex from the rules, compiled by PCRE2 in UTF mode with CR, LF and
 * CRLF as line ends.  code is NULL when the option was absent.
 */
struct sanitize_regex {
	const char *source; /* as written in the rules */
	struct pcre2_real_code_8 *code;
	struct pcre2_real_code_8 *whole; /* the same, anchored at both ends
					    when compiled, so that a whole-
					    string match runs JIT code; or
					    NULL */
	int line;
};

/* A list of strings that may be absent, which differs from empty. */
struct sanitize_strlist {
	const char **v;
	size_t n;
	int set; /* 0: the key was absent or null */
};

/* A JSONPath as written, with its line for later diagnostics. */
struct sanitize_path {
	const char *text; /* NULL when the option was absent */
	int line;
};

/* --- responseSchema (RULES-SPEC 1.5.1) ------------------------------- */

enum sanitize_schema_type {
	SANITIZE_TYPE_NONE, /* no type: scalars pass, containers become null */
	SANITIZE_TYPE_OBJECT,
	SANITIZE_TYPE_ARRAY,
	SANITIZE_TYPE_STRING,
	SANITIZE_TYPE_INTEGER,
	SANITIZE_TYPE_NUMBER,
	SANITIZE_TYPE_BOOLEAN,
	SANITIZE_TYPE_NULL
};

struct sanitize_schema;

/* A slot of a schema's property index: 1 + the index in props (0: an
 * empty slot) and the length of the name. */
struct sanitize_prop_slot {
	uint32_t index1;
	uint32_t len;
};

/* One entry of "properties", in the order the rules list them. */
struct sanitize_schema_prop {
	const char *name;
	const struct sanitize_schema *schema;
};

/*
 * A node of a response filter.  When ref is set, filtering continues with
 * target and the node's other keys do not apply.  A reference cycle that
 * consumes no input (A is $ref B, B is $ref A, or through anyOf, if, then,
 * else) is rejected at load, so following target always terminates once
 * the input does.
 */
struct sanitize_schema {
	enum sanitize_schema_type type;
	const char *ref; /* "$ref" as written, or NULL */
	const struct sanitize_schema *target; /* what ref resolves to */
	const struct sanitize_schema_prop *props;
	size_t n_props;
	int has_props; /* "properties" given, possibly empty */
	/*
	 * A hash index of props, built at load: slot h & prop_mask holds the
	 * first prop of each name, with linear probing, h being
	 * sanitize_prop_hash of the name.  NULL: search props in order.
	 */
	const struct sanitize_prop_slot *prop_slots;
	uint32_t prop_mask;
	const struct sanitize_schema *items; /* type array: always set */
	const char *format; /* kept, never checked (1.5.1) */
	const struct sanitize_schema *const *any_of;
	size_t n_any_of;
	const struct sanitize_schema *if_, *then_, *else_;
	const char *const_text; /* "const", or NULL */
	int line;
};

/* sanitize_prop_hash hashes the property name s[0..n): its length and
 * three of its bytes, cheap for the keys of every object filtered. */
static inline uint32_t
sanitize_prop_hash(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n == 0)
		return 0;
	return (((uint32_t)n * 31u + u[0]) * 31u + u[n / 2]) * 31u + u[n - 1];
}

/* --- transforms (RULES-SPEC 2) --------------------------------------- */

/* The twelve tags of the registry (2.12). */
enum sanitize_transform_kind {
	SANITIZE_REDACT,
	SANITIZE_REDACT_REGEX_MATCHES,
	SANITIZE_REDACT_EXCEPT_PHRASES,
	SANITIZE_REDACT_EXCEPT_SUBSTRINGS_MATCHING_REGEXES,
	SANITIZE_PSEUDONYMIZE,
	SANITIZE_PSEUDONYMIZE_EMAIL_HEADER,
	SANITIZE_FILTER_TOKEN_BY_REGEX,
	SANITIZE_TOKENIZE,
	SANITIZE_TEXT_DIGEST,
	SANITIZE_PSEUDONYMIZE_REGEX_MATCHES,
	SANITIZE_HASH_IP,
	SANITIZE_ENCRYPT_IP
};

enum sanitize_encoding {
	SANITIZE_ENC_URL_SAFE_TOKEN, /* the default */
	SANITIZE_ENC_JSON,
	SANITIZE_ENC_URL_SAFE_HASH_ONLY
};

/*
 * One transform.  Only the options of its kind are filled; the others keep
 * their zero value.  Defaults are applied: encoding URL_SAFE_TOKEN,
 * booleans false, filterTokenByRegex's delimiter \s+.
 */
struct sanitize_transform {
	enum sanitize_transform_kind kind;
	int line;
	const struct sanitize_path *json_paths;
	size_t n_json_paths;
	struct sanitize_path apply_only_when;

	/* pseudonymize, pseudonymizeEmailHeader */
	enum sanitize_encoding encoding;
	/* pseudonymize, pseudonymizeRegexMatches */
	int include_reversible;
	/* pseudonymize; never together with URL_SAFE_TOKEN */
	int include_original;
	/* pseudonymize: parsed but never used by Psoxy (2.1), not compiled */
	const char *only_if_regex;

	/* redactRegexMatches: applied in order with replace-all "" */
	const struct sanitize_regex *redactions;
	size_t n_redactions;

	/*
	 * filterTokenByRegex: split on delimiter (code NULL when the rules
	 * set it to null: the whole string is one token), keep tokens that
	 * fully match one of filters.
	 */
	struct sanitize_regex delimiter;
	const struct sanitize_regex *filters;
	size_t n_filters;

	/*
	 * tokenize (optional) and pseudonymizeRegexMatches (required): the
	 * regex whose group 1 is replaced.
	 */
	struct sanitize_regex regex;

	/*
	 * redactExceptPhrases: source is the phrase as written, code the
	 * caseless \b(quoted phrase)[\s:]*\b of 2.10.
	 */
	const struct sanitize_regex *phrases;
	size_t n_phrases;

	/*
	 * redactExceptSubstringsMatchingRegexes: source is R as written,
	 * code is .*?(R).*? (2.11), to be matched against the whole string.
	 */
	const struct sanitize_regex *exceptions;
	size_t n_exceptions;

	/* textDigest */
	struct sanitize_strlist keywords;
	int is_json_escaped;
	struct sanitize_path json_path_when_escaped; /* required if escaped */
};

/* Augments, which run before the schema filter (0, step 4.1). */
enum sanitize_augment_kind {
	SANITIZE_AUGMENT_TEXT_DIGEST,
	SANITIZE_AUGMENT_SENTENCE_METADATA
};

/*
 * An augment: jsonPaths, innerJsonPath and textDigest's keywords are kept;
 * sentenceMetadata's word lists and taxonomy and any outputSchema are
 * checked for shape and dropped.
 */
struct sanitize_augment {
	enum sanitize_augment_kind kind;
	int line;
	const struct sanitize_path *json_paths;
	size_t n_json_paths;
	struct sanitize_path inner_json_path;
	struct sanitize_strlist keywords;
};

/* --- endpoints (RULES-SPEC 1.2) -------------------------------------- */

/*
 * A path or query parameter schema.  Psoxy's check: an integer must be
 * digits (and then nothing else is checked), a number must parse, format
 * reversible-pseudonym (or pseudonym) needs p~ and 43+ base64url
 * characters, then enum, pattern (whole match) and, if any, one of ors.
 */
struct sanitize_param_schema {
	const char *name; /* the parameter; NULL inside "or" */
	const char *type; /* "string", "integer", "number" or NULL */
	const char *format;
	struct sanitize_regex pattern;
	struct sanitize_strlist enum_values;
	const struct sanitize_param_schema *ors;
	size_t n_ors;
	int required; /* query parameters only */
	int line;
};

/* One allow-list entry. */
struct sanitize_endpoint {
	int line;
	const char *path_regex; /* pathRegex as written, or NULL */
	const char *path_template; /* pathTemplate as written, or NULL */
	/*
	 * What is matched: pathRegex when given, else the template's regex
	 * (1.4); source holds the regex text actually compiled.  Caseless.
	 */
	struct sanitize_regex path;
	/*
	 * Literal text every match of path starts with (ASCII, compared
	 * caseless), taken from path.source at load when provably so; a
	 * target that starts otherwise cannot match.  Length 0: unknown.
	 */
	const char *path_prefix;
	size_t path_prefix_len;
	/* Checked only when a pathTemplate is given; names are its groups. */
	const struct sanitize_param_schema *path_params;
	size_t n_path_params;
	struct sanitize_strlist allowed_query_params; /* unset: any */
	const struct sanitize_param_schema *query_params;
	size_t n_query_params;
	struct sanitize_strlist allowed_methods; /* upper case; unset: any */
	struct sanitize_strlist allowed_request_headers; /* both spellings */
	int has_request_body; /* requestBody given; not interpreted */
	const struct sanitize_schema *response_schema; /* NULL: no filter */
	const struct sanitize_augment *augments;
	size_t n_augments;
	const struct sanitize_transform *transforms;
	size_t n_transforms;
};

/* A named top-level definition. */
struct sanitize_definition {
	const char *name;
	const struct sanitize_schema *schema;
};

struct sanitize_rules_mem;

/* A loaded rule set: everything the sanitize stage needs from the YAML. */
struct sanitize_rules {
	const char *name; /* the FILE of messages */
	char sha256[65]; /* lower-case hex SHA-256 of the rules' bytes */
	const struct sanitize_endpoint *endpoints;
	size_t n_endpoints;
	const struct sanitize_definition *definitions;
	size_t n_definitions;
	struct sanitize_strlist allowed_request_headers;
	int allow_all_endpoints; /* deprecated: unmatched means unfiltered */
	struct sanitize_rules_mem *mem; /* private: the arena and regexes */
};

/* --- loading ----------------------------------------------------------- */

/*
 * How to load.  A zeroed struct (or a NULL pointer) means: no JSONPath
 * check, messages dropped.
 *
 * check_path, if set, is called for every JSONPath in the rules
 * (jsonPaths, applyOnlyWhen, jsonPathToProcessWhenEscaped,
 * innerJsonPath) with check_arg; it returns 0 to accept, anything else to
 * reject, with a reason appended to why (borrowed, empty on entry).
 *
 * errors, if set, receives one "FILE:LINE: reason\n" line per problem, up
 * to max_errors (0 means 20), then one line saying how many were left out.
 */
struct sanitize_rules_options {
	int (*check_path)(const char *path, struct zp_buf *why, void *arg);
	void *check_arg;
	struct zp_buf *errors;
	size_t max_errors;
};

/*
 * sanitize_rules_load_string parses len bytes of YAML at text; name (for
 * example "zoom.yaml" or "<builtin>") is the FILE of messages.  Returns 0
 * and a new rule set in *out, which the caller frees with
 * sanitize_rules_free; ZP_ECONFIG for rules that do not load, ZP_ENOMEM,
 * ZP_EINVAL for NULL arguments.  On failure *out is NULL.
 */
int sanitize_rules_load_string(const char *name, const char *text, size_t len,
    const struct sanitize_rules_options *opt, struct sanitize_rules **out);

/*
 * sanitize_rules_load_file reads path and loads it as above, with path as
 * the FILE of messages; an unreadable file gives ZP_EIO and a
 * "FILE: reason" line, one over 16 MiB ZP_ETOOBIG.
 */
int sanitize_rules_load_file(const char *path,
    const struct sanitize_rules_options *opt, struct sanitize_rules **out);

/* sanitize_rules_free frees *rules and everything in it; NULL is fine. */
void sanitize_rules_free(struct sanitize_rules **rules);

/* --- matching (RULES-SPEC 1.3, 1.5) ---------------------------------- */

/* The outcome of sanitize_rules_match. */
struct sanitize_match {
	const struct sanitize_endpoint *endpoint; /* first in file order */
	size_t index; /* its position in rules->endpoints */
	size_t
	    count; /* how many endpoints matched: more than 1 is ambiguous */
	size_t second; /* the position of the second match, if count > 1 */
};

/*
 * sanitize_rules_match finds the endpoints that allow method and target,
 * the API-relative request target as on the wire, still percent-encoded:
 * a path optionally followed by "?" and the raw query, such as
 * "/v2/users?page_size=300".  A regex endpoint is matched against the
 * whole target, a template endpoint against the path; then
 * allowedQueryParams, queryParamSchemas and allowedMethods apply.
 *
 * Returns 0 with m->endpoint set to the first match in file order (the
 * caller may warn when m->count > 1, since Psoxy's choice is unspecified);
 * ZP_ENOTFOUND when nothing matches (blocked: 403 BLOCKED_BY_RULES),
 * except under allowAllEndpoints, which gives 0 with m->endpoint NULL;
 * ZP_ENOMEM; ZP_EINVAL for NULL arguments.
 */
int sanitize_rules_match(const struct sanitize_rules *rules,
    const char *method, const char *target, struct sanitize_match *m);

/*
 * sanitize_regex_full_match tells whether the whole of s[0..n) matches re,
 * like Java's Matcher.matches(): 1 yes, 0 no (also when PCRE2 gives up on
 * a match limit), ZP_ENOMEM.  re->code must be set.
 */
int sanitize_regex_full_match(
    const struct sanitize_regex *re, const char *s, size_t n);

/* sanitize_transform_name gives the tag of kind, "pseudonymize" etc. */
const char *sanitize_transform_name(enum sanitize_transform_kind kind);

#endif
