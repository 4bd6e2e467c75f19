/*
 * test_transform.c - the transform engine of sanitize/transform.h: every
 * transform and option on every JSON type, with exact outputs (salt
 * "salt", key password "secret", RULES-SPEC 3.5), the Zoom rules on
 * Zoom-shaped bodies, the pseudonym cache, and the error cases where
 * Psoxy fails a response.
 *
 * Expected pseudonyms come from the RULES-SPEC 3.6 and 2.9 vectors where
 * the spec has one, otherwise from an independent Python computation of
 * section 3 (SHA-256, PBKDF2, AES-CBC from the cryptography package).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "error.h"
#include "harness.h"
#include "json.h"
#include "pseudonym.h"
#include "rules.h"
#include "transform.h"

/* test_cfg is the spec's test configuration, keyed once per run. */
static struct zp_pseudo *
test_cfg(void)
{
	static struct zp_pseudo cfg;
	static int ready;

	if (!ready) {
		if (zp_pseudo_init(&cfg, "salt", 4) != 0 ||
		    zp_pseudo_set_key(&cfg, "secret", 6) != 0)
			return NULL;
		ready = 1;
	}
	return &cfg;
}

/* nokey_cfg has the salt but no PSOXY_ENCRYPTION_KEY. */
static struct zp_pseudo *
nokey_cfg(void)
{
	static struct zp_pseudo cfg;
	static int ready;

	if (!ready) {
		if (zp_pseudo_init(&cfg, "salt", 4) != 0)
			return NULL;
		ready = 1;
	}
	return &cfg;
}

/* A loaded rule set with its engine. */
struct fix {
	struct sanitize_rules *rules;
	struct sanitize_engine *e;
	int rc; /* of loading or building */
};

/* fix_open loads yaml and builds an engine with cfg. */
static void
fix_open(struct fix *f, const char *yaml, const struct zp_pseudo *cfg)
{
	f->e = NULL;
	f->rc = sanitize_rules_load_string(
	    "t.yaml", yaml, strlen(yaml), NULL, &f->rules);
	if (f->rc == 0)
		f->rc = sanitize_engine_new(&f->e, f->rules, cfg, NULL);
}

/* fix_close frees what fix_open made. */
static void
fix_close(struct fix *f)
{
	sanitize_engine_free(&f->e);
	sanitize_rules_free(&f->rules);
}

/* apply runs endpoint ep of f on body; the output or "(rc N)", static. */
static const char *
apply(struct fix *f, size_t ep, const char *body)
{
	static char ring[8][8192];
	static int next;
	char *s = ring[next++ % 8];
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_json_parser p;
	struct zp_buf out = ZP_BUF_INIT;
	struct zp_json *root = NULL;
	int rc = f->rc;

	zp_json_parser_init(&p, &a);
	if (rc == 0 && ep >= f->rules->n_endpoints)
		rc = ZP_EINVAL;
	if (rc == 0)
		rc = zp_json_parse(&p, body, strlen(body), &root);
	if (rc == 0)
		rc = sanitize_engine_transform(
		    f->e, &f->rules->endpoints[ep], root, &a);
	if (rc == 0)
		rc = zp_json_write(&out, root);
	if (rc != 0)
		snprintf(s, 8192, "(rc %d)", rc);
	else
		snprintf(s, 8192, "%s", out.data);
	zp_buf_release(&out);
	zp_json_parser_release(&p);
	zp_arena_release(&a);
	return s;
}

/* run loads yaml with the test config and applies its first endpoint. */
static const char *
run(const char *yaml, const char *body)
{
	struct fix f;
	const char *r;

	fix_open(&f, yaml, test_cfg());
	r = apply(&f, 0, body);
	fix_close(&f);
	return r;
}

#define RULES(transforms)                                                     \
	"endpoints:\n"                                                        \
	"  - pathTemplate: /t\n"                                              \
	"    transforms:\n" transforms

/* --- pseudonymize (2.1, 3) ------------------------------------------- */

static const char y_pseudo[] =
    RULES("      - !<pseudonymize>\n"
	  "        jsonPaths: [\"$.a[*]['id','email']\", $.u, $.e, $.n, $.i,\n"
	  "                    $.f, $.w, $.neg, $.big, $.z]\n"
	  "        encoding: URL_SAFE_TOKEN\n");

TEST(transform_pseudonymize_vectors)
{
	CHECK_STR(run(y_pseudo,
		      "{\"a\":[{\"id\":\"8b29rgg4bb\",\"email\":\"bob@example."
		      "com\"},{\"id\":\"jjd93a2337\",\"email\":\"joe@example."
		      "com\"}],\"u\":\"27423744\"}"),
	    "{\"a\":[{\"id\":\"t~"
	    "HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE\","
	    "\"email\":\"t~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@"
	    "example.com\"},{\"id\":\"t~Ww6eCgduxKK6I_l2nqOvpafSKCskTO62IzmY-"
	    "CAbeEo\",\"email\":\"t~jgT11iw7JOUdn6TMyoDssjtXrXGpy31m38W_Uv-"
	    "rric@example.com\"}],\"u\":\"t~ISyOqmEgl9Ec1uB-"
	    "GWWZDdqDqdQDTRwpTM8CjUMOnwU\"}");
}

TEST(transform_pseudonymize_types)
{
	/* null stays null; numbers hash as Java prints them; blank is null */
	CHECK_STR(run(y_pseudo,
		      "{\"z\":null,\"i\":111111111,\"f\":1.50,\"e\":\"\","
		      "\"w\":\" \\t\",\"neg\":-0,\"big\":"
		      "12345678901234567890123,\"n\":\"111111111\"}"),
	    "{\"z\":null,\"i\":\"t~LKW3WIP3bZzEQFelvQBi0lpLDZtk-1qJbWe3rH"
	    "fhYhc\",\"f\":\"t~IlrZ8WlswrTzTpEYzhz0lGJEPbh3zGeguB7NL6mhF6"
	    "Y\",\"e\":null,\"w\":null,\"neg\":\"t~uXY-rAXeOzg_TOxA3id5pR"
	    "gzfCc7sMGRAnsZJK0Ds0U\",\"big\":\"t~KlXClBbJMk9Ew3yVm2W7N0xn"
	    "JrHJVaJIrXtRywOxtL4\",\"n\":\"t~LKW3WIP3bZzEQFelvQBi0lpLDZtk"
	    "-1qJbWe3rHfhYhc\"}");
	/* booleans and containers fail the response (Psoxy: 5xx) */
	CHECK_STR(run(y_pseudo, "{\"u\":true}"), "(rc -2)");
	CHECK_STR(run(y_pseudo, "{\"u\":false}"), "(rc -2)");
	CHECK_STR(run(y_pseudo, "{\"u\":{\"x\":1}}"), "(rc -2)");
	CHECK_STR(run(y_pseudo, "{\"u\":[\"x\"]}"), "(rc -2)");
}

static const char y_reversible[] =
    RULES("      - !<pseudonymize>\n"
	  "        jsonPaths: [\"$['id','pmi','e']\"]\n"
	  "        includeReversible: true\n");

TEST(transform_pseudonymize_reversible)
{
	CHECK_STR(run(y_reversible,
		      "{\"id\":\"z8yAAAAA8bbbQ\",\"pmi\":111111111,"
		      "\"e\":\"Bob.X+tag@Example.COM\"}"),
	    "{\"id\":\"p~JzXCV2FA272NOeqHYQbR4PewwSZI9hznATn7Wse3j8GpsoD9"
	    "1NC0nDg1vNKrhPEc\",\"pmi\":\"p~LKW3WIP3bZzEQFelvQBi0lpLDZtk-"
	    "1qJbWe3rHfhYhdfeki-8voee3S0wopon6Y3\",\"e\":\"p~59Va5mVSsfEJ"
	    "sBdHObTsyZUIQyzex5VrYXga58GoIi65TuT0NXvHYZqhmpI2CFMQtYnDMuBH"
	    "MjL72dMcbcwjIg@Example.COM\"}");
}

static const char y_hash_only[] =
    RULES("      - !<pseudonymize>\n"
	  "        jsonPaths: [$.e, $.id, $.n]\n"
	  "        encoding: URL_SAFE_HASH_ONLY\n"
	  "        includeReversible: true\n");

TEST(transform_pseudonymize_hash_only)
{
	CHECK_STR(run(y_hash_only,
		      "{\"e\":\"bob@example.com\",\"id\":\"8b29rgg4bb\","
		      "\"n\":1}"),
	    "{\"e\":\"PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0\","
	    "\"id\":\"HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE\","
	    "\"n\":\"0zPKqEd-CtbCLB1ZSwX6Zo7uAWUvkpfHGzv9-cuYwZc\"}");
}

static const char y_json[] = RULES("      - !<pseudonymize>\n"
				   "        jsonPaths: [$.e, $.n, $.z, $.b]\n"
				   "        encoding: JSON\n");

TEST(transform_pseudonymize_json)
{
	/* the GitHub id 1 vector; "no identity" is the string "null" */
	CHECK_STR(run(y_json,
		      "{\"e\":\"bob@example.com\",\"n\":1,\"z\":null,"
		      "\"b\":\"\"}"),
	    "{\"e\":\"{\\\"domain\\\":\\\"example.com\\\",\\\"hash\\\":"
	    "\\\"PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0\\\"}\","
	    "\"n\":\"{\\\"hash\\\":\\\"0zPKqEd-CtbCLB1ZSwX6Zo7uAWUvkpfHGzv9-"
	    "cuYwZc\\\"}\",\"z\":\"null\",\"b\":\"null\"}");
}

static const char y_json_original[] =
    RULES("      - !<pseudonymize>\n"
	  "        jsonPaths: [$.e, $.f, $.s]\n"
	  "        encoding: JSON\n"
	  "        includeOriginal: true\n"
	  "        includeReversible: true\n"
	  "      - !<pseudonymize>\n"
	  "        jsonPaths: [$.o]\n"
	  "        encoding: JSON\n"
	  "        includeOriginal: true\n");

TEST(transform_pseudonymize_json_original)
{
	CHECK_STR(run(y_json_original,
		      "{\"e\":\"Bob <bob@example.com>\",\"f\":1.50,"
		      "\"s\":\"a\\\"b\\u0001\",\"o\":\"8b29rgg4bb\"}"),
	    "{\"e\":\"{\\\"domain\\\":\\\"example.com\\\",\\\"hash\\\":\\"
	    "\"PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0\\\",\\\"origin"
	    "al\\\":\\\"Bob <bob@example.com>\\\",\\\"reversible\\\":\\\""
	    "p~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm3WKl7Hs_yTvRvPfP"
	    "Umt9LymWekIjLoKv0Ts80Apx6Nng@example.com\\\"}\",\"f\":\"{\\\""
	    "hash\\\":\\\"IlrZ8WlswrTzTpEYzhz0lGJEPbh3zGeguB7NL6mhF6Y\\\""
	    ",\\\"original\\\":\\\"1.5\\\",\\\"reversible\\\":\\\"p~IlrZ8"
	    "WlswrTzTpEYzhz0lGJEPbh3zGeguB7NL6mhF6Zx3V60ul0vPOUXD2OIlcf6\\"
	    "\"}\",\"s\":\"{\\\"hash\\\":\\\"oXPXRx0iucIPuYQlNT1Wwh7Tv8Tt"
	    "8tK8iZxHrEMTXQE\\\",\\\"original\\\":\\\"a\\\\\\\"b\\\\u0001"
	    "\\\",\\\"reversible\\\":\\\"p~oXPXRx0iucIPuYQlNT1Wwh7Tv8Tt8t"
	    "K8iZxHrEMTXQFEJ8epBMfpAS90ZZx3kvfi\\\"}\",\"o\":\"{\\\"hash\\"
	    "\":\\\"HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE\\\",\\\"o"
	    "riginal\\\":\\\"8b29rgg4bb\\\"}\"}");
}

static const char y_twice[] = RULES("      - !<pseudonymize>\n"
				    "        jsonPaths: [$.a, $.a]\n");

TEST(transform_pseudonymize_twice)
{
	/* two paths on one value: the second hashes the first's token */
	CHECK_STR(run(y_twice, "{\"a\":\"8b29rgg4bb\"}"),
	    "{\"a\":\"t~c4CVBCKZol3XDb42J6UXpo19yB8auL-tx31iJiSeAlw\"}");
}

/* --- redact (2.2) ------------------------------------------------------ */

static const char y_redact[] = RULES(
    "      - !<redact>\n"
    "        jsonPaths: [$.a, '$.b.d[*]', '$.e[*].x', $.missing.deep]\n");

TEST(transform_redact)
{
	CHECK_STR(
	    run(y_redact,
		"{\"a\":1,\"b\":{\"c\":2,\"d\":[1,2,3]},\"e\":[{\"x\":1},"
		"{\"x\":null,\"y\":3}]}"),
	    "{\"b\":{\"c\":2,\"d\":[]},\"e\":[{},{\"y\":3}]}");
	CHECK_STR(run(RULES("      - !<redact>\n"
			    "        jsonPaths: [$]\n"),
		      "{\"a\":1}"),
	    "(rc -2)");
}

/* --- redactRegexMatches (2.3) ----------------------------------------- */

static const char y_redact_regex[] =
    RULES("      - !<redactRegexMatches>\n"
	  "        jsonPaths: [$.u, $.b, $.n, $.z, $.m, $.o]\n"
	  "        redactions: ['(?i)pwd=[^&]*', 'X+']\n"
	  "      - !<redactRegexMatches>\n"
	  "        jsonPaths: [$.x]\n"
	  "        redactions: ['x*']\n");

TEST(transform_redact_regex_matches)
{
	CHECK_STR(
	    run(y_redact_regex,
		"{\"u\":\"https://zoom.us/j/123?PWD=abc&x=1\",\"b\":\"  \","
		"\"n\":5,\"z\":null,\"m\":\"aXbXXc\",\"o\":{\"k\":1},"
		"\"x\":\"axxbx\"}"),
	    "{\"u\":\"https://zoom.us/j/123?&x=1\",\"b\":\"  \",\"n\":null,"
	    "\"z\":null,\"m\":\"abc\",\"o\":null,\"x\":\"ab\"}");
}

/* --- filterTokenByRegex (2.4) ------------------------------------------ */

static const char y_filter[] =
    RULES("      - !<filterTokenByRegex>\n"
	  "        jsonPaths: [$.s, $.t, $.n, $.b, $.z]\n"
	  "        filters: ['ba[rz]', 'q']\n"
	  "      - !<filterTokenByRegex>\n"
	  "        jsonPaths: [$.c]\n"
	  "        delimiter: ','\n"
	  "        filters: ['[ac][0-9]']\n"
	  "      - !<filterTokenByRegex>\n"
	  "        jsonPaths: [$.w]\n"
	  "        delimiter: ~\n"
	  "        filters: ['x.*']\n");

TEST(transform_filter_token_by_regex)
{
	CHECK_STR(
	    run(y_filter,
		"{\"s\":\" foo bar\\t baz barn q\",\"t\":\"nothing here\","
		"\"n\":1,\"b\":\" \",\"z\":null,\"c\":\"a1,b2,,c3,\","
		"\"w\":\"x y z\"}"),
	    "{\"s\":\"bar baz q\",\"t\":null,\"n\":null,\"b\":\" \","
	    "\"z\":null,\"c\":\"a1 c3\",\"w\":\"x y z\"}");
}

/* --- tokenize (2.5) ---------------------------------------------------- */

static const char y_tokenize[] =
    RULES("      - !<tokenize>\n"
	  "        jsonPaths: [$.v, $.e, $.n, $.b, $.z]\n"
	  "      - !<tokenize>\n"
	  "        jsonPaths: [$.u, $.o]\n"
	  "        regex: '^https://graph.microsoft.com/(.*)$'\n");

TEST(transform_tokenize)
{
	/* no email canonicalisation: the raw string is hashed */
	CHECK_STR(
	    run(y_tokenize,
		"{\"v\":\"secret-value\",\"e\":\"Bob@Example.com\",\"n\":1,"
		"\"b\":\"\",\"z\":null,\"u\":\"https://graph.microsoft."
		"com/v1.0/users/abc\",\"o\":\"https://other.com/x\"}"),
	    "{\"v\":\"p~ixug0KOTNDiXBMp0Pr0vD6jCigyVVnD1tCmXIlZ5Yr-unGTrb"
	    "_hZpVJe0gF39-PB\",\"e\":\"p~v9Lo3M8ccFfC3wPb1_0w3ZmSA0ZzEiTj"
	    "7u49sY15kIyCrZfJfXPb3000Hxtezu81\",\"n\":null,\"b\":\"\",\"z"
	    "\":null,\"u\":\"https://graph.microsoft.com/p~-4QU_gxcDB4zAo"
	    "0e-s6UJTD3petaJqip0v-eEYTLTn74hqRmsfJmdu965_5i5vGx\",\"o\":\""
	    "https://other.com/x\"}");
	/* group 1 is replaced wherever it occurs in the value */
	CHECK_STR(run(RULES("      - !<tokenize>\n"
			    "        jsonPaths: [$.a]\n"
			    "        regex: '^id=(\\w+);.*$'\n"),
		      "{\"a\":\"id=ab;copy=ab\"}"),
	    "{\"a\":\"id=p~-poE5sYWoK8ClhTTRai5K0xuHIjQg-oh5dreKhC2-9T3MV"
	    "R4ENBW8ajVuJElUMa6;copy=p~-poE5sYWoK8ClhTTRai5K0xuHIjQg-oh5d"
	    "reKhC2-9T3MVR4ENBW8ajVuJElUMa6\"}");
}

/* --- textDigest (2.6) -------------------------------------------------- */

static const char y_digest[] =
    RULES("      - !<textDigest>\n"
	  "        jsonPaths: [$.a, $.b, $.c, $.d, $.n, $.z, $.k, $.l, $.o]\n"
	  "        keywords: [alpha, beta, Delta]\n");

TEST(transform_text_digest)
{
	CHECK_STR(run(y_digest,
		      "{\"a\":\"Meeting overview\",\"b\":\"\",\"c\":\"   \","
		      "\"d\":\"h\xc3\xa9llo w\xc3\xb6rld \xf0\x9f\x98\x80\","
		      "\"n\":3,\"z\":null,\"k\":\"Alpha beta, ALPHA! "
		      "gamma_alpha\",\"l\":\"  two\\twords\\n\",\"o\":[1]}"),
	    "{\"a\":\"{\\\"length\\\":16,\\\"word_count\\\":2}\",\"b\":\""
	    "{\\\"length\\\":0,\\\"word_count\\\":0}\",\"c\":\"{\\\"lengt"
	    "h\\\":3,\\\"word_count\\\":1}\",\"d\":\"{\\\"length\\\":14,\\"
	    "\"word_count\\\":3}\",\"n\":null,\"z\":null,\"k\":\"{\\\"key"
	    "words\\\":{\\\"alpha\\\":2,\\\"beta\\\":1},\\\"length\\\":30"
	    ",\\\"word_count\\\":4}\",\"l\":\"{\\\"length\\\":12,\\\"word"
	    "_count\\\":2}\",\"o\":null}");
	/* the Zoom example of RULES-SPEC 2.6 */
	CHECK_STR(run(y_digest, "{\"a\":\"Meeting overview\"}"),
	    "{\"a\":\"{\\\"length\\\":16,\\\"word_count\\\":2}\"}");
}

static const char y_digest_escaped[] =
    RULES("      - !<textDigest>\n"
	  "        jsonPaths: [$.j]\n"
	  "        isJsonEscaped: true\n"
	  "        jsonPathToProcessWhenEscaped: '$.items[*].text'\n"
	  "      - !<textDigest>\n"
	  "        jsonPaths: [$.k]\n"
	  "        isJsonEscaped: true\n"
	  "        jsonPathToProcessWhenEscaped: '$.text'\n");

TEST(transform_text_digest_escaped)
{
	/* each text sets every match: the last text's digest wins */
	CHECK_STR(run(y_digest_escaped,
		      "{\"j\":\"{\\\"items\\\":[{\\\"text\\\":\\\"a b\\\"},"
		      "{\\\"text\\\":\\\"c\\\"}],\\\"n\\\":1}\"}"),
	    "{\"j\":\"{\\\"items\\\":[{\\\"text\\\":\\\"{\\\\\\\"length\\"
	    "\\\\\":1,\\\\\\\"word_count\\\\\\\":1}\\\"},{\\\"text\\\":\\"
	    "\"{\\\\\\\"length\\\\\\\":1,\\\\\\\"word_count\\\\\\\":1}\\\""
	    "}],\\\"n\\\":1}\"}");
	/* a definite path to a string is not a List: Java throws */
	CHECK_STR(
	    run(y_digest_escaped, "{\"k\":\"{\\\"text\\\":\\\"a\\\"}\"}"),
	    "(rc -2)");
	/* not JSON at all */
	CHECK_STR(run(y_digest_escaped, "{\"j\":\"not json\"}"), "(rc -2)");
}

/* --- pseudonymizeEmailHeader (2.7) ------------------------------------- */

static const char y_header[] =
    RULES("      - !<pseudonymizeEmailHeader>\n"
	  "        jsonPaths: [$.to, $.cc, $.b, $.z, $.one, $.bad]\n"
	  "      - !<pseudonymizeEmailHeader>\n"
	  "        jsonPaths: [$.j]\n"
	  "        encoding: JSON\n");

TEST(transform_pseudonymize_email_header)
{
	CHECK_STR(
	    run(y_header,
		"{\"to\":\"Bob <bob@example.com>, \\\"Joe, Jr\\\" "
		"<joe@example.com>\",\"cc\":\"not an email\",\"b\":\" \","
		"\"z\":null,\"one\":\"user@example.com\",\"bad\":"
		"\"bob@example.com,\",\"j\":\"bob@example.com, "
		"Joe@Example.COM\"}"),
	    "{\"to\":\"t~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@exam"
	    "ple.com,t~jgT11iw7JOUdn6TMyoDssjtXrXGpy31m38W_Uv-rric@exampl"
	    "e.com\",\"cc\":null,\"b\":\"\",\"z\":null,\"one\":\"t~_Mqo2y"
	    "H0QgDytVpmJhxPaE36fR9YYF4mJyAMtmlLUAY@example.com\",\"bad\":"
	    "null,\"j\":\"[{\\\"domain\\\":\\\"example.com\\\",\\\"hash\\"
	    "\":\\\"PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0\\\"},{\\\""
	    "domain\\\":\\\"Example.COM\\\",\\\"hash\\\":\\\"jgT11iw7JOUd"
	    "n6TMyoDssjtXrXGpy31m38W_Uv-rric\\\"}]\"}");
	CHECK_STR(run(y_header, "{\"to\":42}"), "(rc -2)");
}

/* --- pseudonymizeRegexMatches (2.8) ------------------------------------ */

static const char y_regex_matches[] =
    RULES("      - !<pseudonymizeRegexMatches>\n"
	  "        jsonPaths: [$.a, $.b, $.c, $.z, $.e]\n"
	  "        regex: '^(?:smtp|SMTP):(.*)$'\n"
	  "      - !<pseudonymizeRegexMatches>\n"
	  "        jsonPaths: [$.m]\n"
	  "        regex: '([a-z]+@example\\.com)'\n"
	  "      - !<pseudonymizeRegexMatches>\n"
	  "        jsonPaths: [$.d]\n"
	  "        regex: '[0-9]{3}'\n"
	  "      - !<pseudonymizeRegexMatches>\n"
	  "        jsonPaths: [$.r]\n"
	  "        regex: '^id:(.*)$'\n"
	  "        includeReversible: true\n");

TEST(transform_pseudonymize_regex_matches)
{
	CHECK_STR(
	    run(y_regex_matches,
		"{\"a\":\"smtp:bob@example.com\",\"b\":\"SMTP:Joe@Example."
		"com\",\"c\":\"x500:foo\",\"z\":null,\"e\":\" \","
		"\"m\":\"to bob@example.com and joe@example.com.\","
		"\"d\":\"a 123 b 4567\",\"r\":\"id:z8yAAAAA8bbbQ\"}"),
	    "{\"a\":\"smtp:t~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@"
	    "example.com\",\"b\":\"SMTP:t~jgT11iw7JOUdn6TMyoDssjtXrXGpy31"
	    "m38W_Uv-rric@Example.com\",\"c\":null,\"z\":null,\"e\":null,"
	    "\"m\":\"to t~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@exa"
	    "mple.com and t~jgT11iw7JOUdn6TMyoDssjtXrXGpy31m38W_Uv-rric@e"
	    "xample.com.\",\"d\":\"a t~gdQNlP7k-07rGiG7etuTwGqtNbkpwaKwJK"
	    "4zs6m3niM b t~jYY20Oo7wnxrYr_DqsHxtvjTL-ocaVDxBUHNPN7CIzg7\""
	    ",\"r\":\"id:p~JzXCV2FA272NOeqHYQbR4PewwSZI9hznATn7Wse3j8Gpso"
	    "D91NC0nDg1vNKrhPEc\"}");
	CHECK_STR(run(y_regex_matches, "{\"a\":7}"), "(rc -2)");
}

/* --- hashIp, encryptIp (2.9) ------------------------------------------- */

static const char y_ip[] =
    RULES("      - !<hashIp>\n"
	  "        jsonPaths: [$.v4, $.v6, $.m, $.c, $.bad, $.host, $.lead,\n"
	  "                    $.b, $.n, $.short, $.z]\n"
	  "      - !<encryptIp>\n"
	  "        jsonPaths: [$.e]\n");

TEST(transform_hash_ip)
{
	CHECK_STR(
	    run(y_ip,
		"{\"v4\":\"123.234.252.12\",\"v6\":\"2001:DB8::1\","
		"\"m\":\"::ffff:1.2.3.4\",\"c\":\"::1.2.3.4\","
		"\"bad\":\"999.1.1.1\",\"host\":\"example.com\","
		"\"lead\":\"01.2.3.4\",\"b\":\"\",\"n\":1,"
		"\"short\":\"1.2\",\"z\":null,\"e\":\"123.234.252.12\"}"),
	    "{\"v4\":\"t~7USliSM4GiS0Xfk1DXIAH-4nK-UkLJlSAA_5ZqQh_CI\",\""
	    "v6\":\"t~njBikXo6n6-7z6JEg8zs_E89aJQ0lje1vW3O9EkS__8\",\"m\""
	    ":\"t~7vOngrmPFMXmKvuOvZky73l9vjYOQ3q7QCjoUyIr77E\",\"c\":\"t"
	    "~tpJ5GJ_VjA7I4u0rvoLIiu6OHdjA7_X0XnEzBbt7kq4\",\"bad\":null,"
	    "\"host\":null,\"lead\":null,\"b\":\"\",\"n\":null,\"short\":"
	    "\"t~0bZ_VQTqTJTteahMXikq8xhnsHSx8nrv863TRcagU9s\",\"z\":null"
	    ",\"e\":\"p~7USliSM4GiS0Xfk1DXIAH-4nK-UkLJlSAA_5ZqQh_CJStJlrf"
	    "aIPHLZUvx-dHHQp\"}");
}

TEST(transform_ip_salt)
{
	struct zp_pseudo ip;
	struct fix f;

	CHECK_INT(zp_pseudo_init(&ip, "salt", 4), 0);
	fix_open(&f, y_ip, nokey_cfg());
	/* without a key, encryptIp cannot run */
	CHECK_STR(apply(&f, 0, "{\"e\":\"123.234.252.12\"}"), "(rc -13)");
	CHECK_INT(zp_pseudo_set_key(&ip, "secret", 6), 0);
	sanitize_engine_set_ip_pseudo(f.e, &ip);
	CHECK_STR(apply(&f, 0, "{\"e\":\"123.234.252.12\"}"),
	    "{\"e\":\"p~7USliSM4GiS0Xfk1DXIAH-4nK-UkLJlSAA_5ZqQh_"
	    "CJStJlrfaIPHLZUvx-dHHQp\"}");
	fix_close(&f);
	zp_pseudo_release(&ip);
}

/* --- redactExceptPhrases, redactExceptSubstrings (2.10, 2.11) ---------- */

static const char y_phrases[] =
    RULES("      - !<redactExceptPhrases>\n"
	  "        jsonPaths: [$.a, $.b, $.c, $.n, $.s]\n"
	  "        allowedPhrases: [phrase1, Stand-Up, phrase3]\n");

TEST(transform_redact_except_phrases)
{
	CHECK_STR(run(y_phrases,
		      "{\"a\":\"blah phrase1: blah\",\"b\":\"phrase4\","
		      "\"c\":\"Daily stand-up with PHRASE3 and phrase3\","
		      "\"n\":1,\"s\":\" \"}"),
	    "{\"a\":\"phrase1\",\"b\":\"\",\"c\":\"stand-up,PHRASE3\","
	    "\"n\":null,\"s\":\" \"}");
}

static const char y_substrings[] =
    RULES("      - !<redactExceptSubstringsMatchingRegexes>\n"
	  "        jsonPaths: [$.a, $.b, $.c, $.d, $.n, $.o]\n"
	  "        exceptions: ['Q[0-9]', 'Q[0-9]+', 'ab']\n");

TEST(transform_redact_except_substrings)
{
	CHECK_STR(
	    run(y_substrings,
		"{\"a\":\"xx Q1234 yy\",\"b\":\"nothing\",\"c\":\"ab Q1\","
		"\"d\":\"line1\\nQ1\",\"n\":null,\"o\":true}"),
	    "{\"a\":\"Q1234\",\"b\":\"\",\"c\":\"Q1\",\"d\":\"\",\"n\":null,"
	    "\"o\":null}");
}

/* --- applyOnlyWhen (2) -------------------------------------------------- */

static const char y_when[] =
    RULES("      - !<redact>\n"
	  "        jsonPaths: ['$.records[*].name']\n"
	  "        applyOnlyWhen: '$.records[?(@.type == \"User\")]'\n"
	  "      - !<redact>\n"
	  "        jsonPaths: [$.secret]\n"
	  "        applyOnlyWhen: $.flag\n");

TEST(transform_apply_only_when)
{
	CHECK_STR(run(y_when,
		      "{\"records\":[{\"type\":\"User\",\"name\":\"a\"},"
		      "{\"type\":\"Group\",\"name\":\"b\"}],\"flag\":[1],"
		      "\"secret\":1}"),
	    "{\"records\":[{\"type\":\"User\"},{\"type\":\"Group\"}],"
	    "\"flag\":[1]}");
	CHECK_STR(run(y_when,
		      "{\"records\":[{\"type\":\"Group\",\"name\":\"b\"}],"
		      "\"flag\":[],\"secret\":1}"),
	    "{\"records\":[{\"type\":\"Group\",\"name\":\"b\"}],\"flag\":[],"
	    "\"secret\":1}");
	CHECK_STR(run(y_when, "{\"records\":[],\"flag\":null,\"secret\":1}"),
	    "{\"records\":[],\"flag\":null,\"secret\":1}");
	/* a definite path must give a List: a string or nothing throws */
	CHECK_STR(run(y_when, "{\"records\":[],\"flag\":\"x\"}"), "(rc -2)");
	CHECK_STR(run(y_when, "{\"records\":[]}"), "(rc -2)");
}

/* --- the Zoom rules on Zoom-shaped bodies (RULES-SPEC 1.6) -------------- */

static const char y_zoom[] =
    "endpoints:\n"
    "  - pathRegex: "
    "\"^/v2/meetings/[^/?]+(?:/(?!meeting_summary)[^/?]+)?(?:[?].*)?$\"\n"
    "    transforms:\n"
    "      - !<pseudonymize>\n"
    "        jsonPaths:\n"
    "          - \"$.['host_id','host_email']\"\n"
    "          - \"$..email\"\n"
    "          - \"$..contact_email\"\n"
    "          - \"$..participants[*]\"\n"
    "        encoding: \"URL_SAFE_TOKEN\"\n"
    "      - !<redact>\n"
    "        jsonPaths:\n"
    "          - \"$.['topic','agenda','custom_keys']\"\n"
    "          - \"$.settings.['alternative_hosts','enforce_login_domains',"
    "'approved_or_denied_countries_or_regions','audio_conference_info',"
    "'name','authentication_name','authentication_option','contact_name',"
    "'custom_keys','global_dial_in_countries','global_dial_in_numbers']\"\n"
    "          - \"$.['password','h323_password','pstn_password',"
    "'encrypted_password','start_url']\"\n"
    "          - \"$..join_url\"\n"
    "          - \"$..name\"\n"
    "  - pathRegex: "
    "\"^/v2/past_meetings/[^/?]+(?:/[^/?]+)?/participants(?:[?].*)?$\"\n"
    "    transforms:\n"
    "      - !<pseudonymize>\n"
    "        jsonPaths:\n"
    "          - \"$.participants[*]['id','user_email','pmi']\"\n"
    "        encoding: \"URL_SAFE_TOKEN\"\n"
    "      - !<redact>\n"
    "        jsonPaths:\n"
    "          - \"$.participants[*]['name','registrant_id']\"\n"
    "  - pathRegex: "
    "\"^/v2/report/meetings/[^/?]+(?:/[^/?]+)?/participants(?:[?].*)?$\"\n"
    "    transforms:\n"
    "      - !<pseudonymize>\n"
    "        jsonPaths:\n"
    "          - \"$.participants[*]['id','user_email','user_id','pmi']\"\n"
    "        encoding: \"URL_SAFE_TOKEN\"\n"
    "      - !<redact>\n"
    "        jsonPaths:\n"
    "          - \"$.participants[*]['name','registrant_id',"
    "'display_name']\"\n"
    "  - pathTemplate: \"/v2/users\"\n"
    "    transforms:\n"
    "      - !<pseudonymize>\n"
    "        jsonPaths:\n"
    "          - \"$.users[*]['email','phone_number']\"\n"
    "        encoding: \"URL_SAFE_TOKEN\"\n"
    "      - !<pseudonymize>\n"
    "        jsonPaths:\n"
    "          - \"$.users[*]['id','pmi']\"\n"
    "        includeReversible: true\n"
    "        encoding: \"URL_SAFE_TOKEN\"\n"
    "      - !<redact>\n"
    "        jsonPaths:\n"
    "          - \"$.users[*]['display_name','first_name','last_name',"
    "'pic_url','employee_unique_id']\"\n"
    "  - pathTemplate: \"/v2/users/{userId}/recordings\"\n"
    "    transforms:\n"
    "      - !<pseudonymize>\n"
    "        jsonPaths:\n"
    "          - \"$.meetings[*]['host_id','account_id']\"\n"
    "        encoding: \"URL_SAFE_TOKEN\"\n"
    "      - !<redact>\n"
    "        jsonPaths:\n"
    "          - \"$..['topic','share_url','recording_play_passcode']\"\n"
    "          - \"$..recording_files[*]['download_url','file_path',"
    "'play_url','agenda']\"\n";

enum { Z_MEETING, Z_PAST, Z_REPORT, Z_USERS, Z_RECORDINGS };

/* zoom runs one endpoint of the Zoom rules on body. */
static const char *
zoom(size_t ep, const char *body)
{
	static struct fix f;
	static int ready;

	if (!ready) {
		fix_open(&f, y_zoom, test_cfg());
		ready = 1;
	}
	return apply(&f, ep, body);
}

TEST(transform_zoom_users)
{
	CHECK_STR(
	    zoom(Z_USERS,
		"{\"next_page_token\":\"\",\"page_count\":1,\"page_number\":1"
		",\"page_size\":30,\"total_records\":2,\"users\":[{\"id\":\"z"
		"8yAAAAA8bbbQ\",\"first_name\":\"Melina\",\"last_name\":\"Nin"
		"omiya\",\"display_name\":\"Melina Ninomiya\",\"email\":\"exa"
		"mple@example.com\",\"type\":1,\"pmi\":111111111,\"timezone\""
		":\"Asia/Tokyo\",\"verified\":1,\"dept\":\"\",\"created_at\":"
		"\"2019-06-01T07:58:03Z\",\"last_login_time\":\"2019-06-01T07"
		":58:03Z\",\"last_client_version\":\"5.9.6.4993(mac)\",\"pic_"
		"url\":\"https://example.com/photo.jpg\",\"language\":\"en-US"
		"\",\"phone_number\":\"+1 800000000\",\"status\":\"active\",\""
		"role_id\":\"0\",\"employee_unique_id\":\"HqDyI037Qjili1kNsSI"
		"rIg\",\"group_ids\":[\"RSMaSp8sTEGK0_oamiA2_w\"],\"user_crea"
		"ted_at\":\"2019-06-01T07:58:03Z\"},{\"id\":\"KDcuGIm1QgePTO8"
		"WbOqwIQ\",\"first_name\":\"Jill\",\"last_name\":\"Chill\",\""
		"email\":\"Jill.Chill+zoom@Example.COM\",\"type\":2,\"pmi\":3"
		"542471135,\"timezone\":\"\",\"dept\":\"\",\"created_at\":\"2"
		"020-01-01T00:00:00Z\",\"status\":\"pending\"}]}"),
	    "{\"next_page_token\":\"\",\"page_count\":1,\"page_number\":1"
	    ",\"page_size\":30,\"total_records\":2,\"users\":[{\"id\":\"p"
	    "~JzXCV2FA272NOeqHYQbR4PewwSZI9hznATn7Wse3j8GpsoD91NC0nDg1vNK"
	    "rhPEc\",\"email\":\"t~8ZuLJANBU0hIFqmaE8RjwHZqRb4MezRyGZ6rLZ"
	    "UkKSg@example.com\",\"type\":1,\"pmi\":\"p~LKW3WIP3bZzEQFelv"
	    "QBi0lpLDZtk-1qJbWe3rHfhYhdfeki-8voee3S0wopon6Y3\",\"timezone"
	    "\":\"Asia/Tokyo\",\"verified\":1,\"dept\":\"\",\"created_at\""
	    ":\"2019-06-01T07:58:03Z\",\"last_login_time\":\"2019-06-01T0"
	    "7:58:03Z\",\"last_client_version\":\"5.9.6.4993(mac)\",\"lan"
	    "guage\":\"en-US\",\"phone_number\":\"t~B49AGlMi5AW005RuRkw4D"
	    "ZBnDZUzKGRQICoGkm41WYQ\",\"status\":\"active\",\"role_id\":\""
	    "0\",\"group_ids\":[\"RSMaSp8sTEGK0_oamiA2_w\"],\"user_create"
	    "d_at\":\"2019-06-01T07:58:03Z\"},{\"id\":\"p~Y6thrFMHshXxcO3"
	    "MY0mecdZk3UoAi3Ol5F0GL_UQu1CUfK9ghLBct4airVfgPp9QMe8mHq4F40i"
	    "1GY7yJZRjIQ\",\"email\":\"t~PPs3iV3_uUXWAyKSuc-jd-ExLYWzr86_"
	    "n0o3DvtAzUs@Example.COM\",\"type\":2,\"pmi\":\"p~WJh2t9S5Sop"
	    "G61DoRXFvGdGQ6Mosn-3DjJddapuVv0d2dxwJNTyQOgq5gN68FqHy\",\"ti"
	    "mezone\":\"\",\"dept\":\"\",\"created_at\":\"2020-01-01T00:0"
	    "0:00Z\",\"status\":\"pending\"}]}");
}

TEST(transform_zoom_report_participants)
{
	CHECK_STR(
	    zoom(Z_REPORT,
		"{\"next_page_token\":\"Tva2CuIdTgsv8wAnhyAdU3m06Y2HuLQtlh3\""
		",\"page_count\":1,\"page_size\":30,\"total_records\":3,\"par"
		"ticipants\":[{\"customer_key\":\"349589LkJyeW\",\"duration\""
		":3600,\"failover\":false,\"id\":\"30R7kT7bTIKSNUFEuH_Qlg\",\""
		"join_time\":\"2019-02-01T12:34:12.660Z\",\"leave_time\":\"20"
		"19-03-01T12:34:12.660Z\",\"name\":\"Jill Chill\",\"registran"
		"t_id\":\"_f08HhPJS82MIVLuuFaJPg\",\"user_email\":\"jchill@ex"
		"ample.com\",\"user_id\":\"27423744\",\"status\":\"in_meeting"
		"\",\"bo_mtg_id\":\"27423744\"},{\"duration\":125,\"failover\""
		":false,\"id\":\"Lfi0BlBQTM-bbktE9BRUvA\",\"join_time\":\"201"
		"9-02-01T12:40:00Z\",\"leave_time\":\"2019-02-01T12:42:05Z\","
		"\"name\":\"Guest\",\"registrant_id\":\"\",\"user_email\":\"\""
		",\"user_id\":16778240,\"status\":\"in_meeting\",\"display_na"
		"me\":\"Guest\"},{\"duration\":60,\"id\":\"30R7kT7bTIKSNUFEuH"
		"_Qlg\",\"name\":\"Jill Chill (phone)\",\"user_email\":\"jchi"
		"ll@example.com\",\"user_id\":\"27423744\",\"pmi\":null}]}"),
	    "{\"next_page_token\":\"Tva2CuIdTgsv8wAnhyAdU3m06Y2HuLQtlh3\""
	    ",\"page_count\":1,\"page_size\":30,\"total_records\":3,\"par"
	    "ticipants\":[{\"customer_key\":\"349589LkJyeW\",\"duration\""
	    ":3600,\"failover\":false,\"id\":\"t~VjaDLjRhCKAqZXudj3csGB04"
	    "rnu-0CZB8xTximmvE6I\",\"join_time\":\"2019-02-01T12:34:12.66"
	    "0Z\",\"leave_time\":\"2019-03-01T12:34:12.660Z\",\"user_emai"
	    "l\":\"t~cT4rXK7pXh_praaHEyRWzkSHVY6wBNEwngSXsuQ7fTQ@example."
	    "com\",\"user_id\":\"t~ISyOqmEgl9Ec1uB-GWWZDdqDqdQDTRwpTM8CjU"
	    "MOnwU\",\"status\":\"in_meeting\",\"bo_mtg_id\":\"27423744\""
	    "},{\"duration\":125,\"failover\":false,\"id\":\"t~eZzolSzaDP"
	    "lMEKfbuTxHl1CqdvdfbchOWVOf2V54rBM\",\"join_time\":\"2019-02-"
	    "01T12:40:00Z\",\"leave_time\":\"2019-02-01T12:42:05Z\",\"use"
	    "r_email\":null,\"user_id\":\"t~w9D59NC9GttUUAJzZp-K_6bMXHCV8"
	    "j3x447Jjby5JWY\",\"status\":\"in_meeting\"},{\"duration\":60"
	    ",\"id\":\"t~VjaDLjRhCKAqZXudj3csGB04rnu-0CZB8xTximmvE6I\",\""
	    "user_email\":\"t~cT4rXK7pXh_praaHEyRWzkSHVY6wBNEwngSXsuQ7fTQ"
	    "@example.com\",\"user_id\":\"t~ISyOqmEgl9Ec1uB-GWWZDdqDqdQDT"
	    "RwpTM8CjUMOnwU\",\"pmi\":null}]}");
}

TEST(transform_zoom_past_meeting_participants)
{
	CHECK_STR(
	    zoom(Z_PAST,
		"{\"page_count\":1,\"page_size\":30,\"total_records\":2,\"nex"
		"t_page_token\":\"\",\"participants\":[{\"id\":\"8b29rgg4bb\""
		",\"name\":\"Bob\",\"user_email\":\"bob@example.com\",\"regis"
		"trant_id\":\"tyQBTDVCTr-YjL0JDHxh7w\",\"join_time\":\"2022-0"
		"3-25T07:30:00Z\",\"leave_time\":\"2022-03-25T08:00:00Z\",\"d"
		"uration\":1800,\"failover\":false,\"status\":\"in_meeting\"}"
		",{\"id\":\"jjd93a2337\",\"name\":\"Joe\",\"user_email\":\"jo"
		"e@example.com\",\"pmi\":\"7654321098\",\"duration\":600}]}"),
	    "{\"page_count\":1,\"page_size\":30,\"total_records\":2,\"nex"
	    "t_page_token\":\"\",\"participants\":[{\"id\":\"t~HhryFcaMsI"
	    "6okt2OKXNk4oZMIc28htFpliKBztjwCUE\",\"user_email\":\"t~PFsxS"
	    "8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@example.com\",\"join_"
	    "time\":\"2022-03-25T07:30:00Z\",\"leave_time\":\"2022-03-25T"
	    "08:00:00Z\",\"duration\":1800,\"failover\":false,\"status\":"
	    "\"in_meeting\"},{\"id\":\"t~Ww6eCgduxKK6I_l2nqOvpafSKCskTO62"
	    "IzmY-CAbeEo\",\"user_email\":\"t~jgT11iw7JOUdn6TMyoDssjtXrXG"
	    "py31m38W_Uv-rric@example.com\",\"pmi\":\"t~DToIFcZwOJkxAYfxS"
	    "HZRG2_9oe_DjojS7vSVzKBsO1E\",\"duration\":600}]}");
}

TEST(transform_zoom_meeting_details)
{
	CHECK_STR(
	    zoom(Z_MEETING,
		"{\"assistant_id\":\"kFFvsJc-Q1OSxaJQLvaa_A\",\"host_email\":"
		"\"jchill@example.com\",\"host_id\":\"30R7kT7bTIKSNUFEuH_Qlg\""
		",\"id\":85746065432,\"uuid\":\"aDYlohsHRtCd4ii1uC2+hA==\",\""
		"agenda\":\"My Meeting\",\"created_at\":\"2022-03-25T07:29:29"
		"Z\",\"duration\":60,\"encrypted_password\":\"8pEkRweVXPV3Ob2"
		"KJYgFTRlDtl1gSn.1\",\"h323_password\":\"123456\",\"join_url\""
		":\"https://example.com/j/11111\",\"password\":\"123456\",\"p"
		"stn_password\":\"123456\",\"settings\":{\"alternative_hosts\""
		":\"jchill@example.com;thill@example.com\",\"approval_type\":"
		"2,\"authentication_exception\":[{\"email\":\"jchill@example."
		"com\",\"name\":\"Jill Chill\"}],\"breakout_room\":{\"enable\""
		":false,\"rooms\":[{\"name\":\"room1\",\"participants\":[\"jc"
		"hill@example.com\",\"user@example.com\"]}]},\"contact_email\""
		":\"jchill@example.com\",\"contact_name\":\"Jill Chill\",\"gl"
		"obal_dial_in_numbers\":[{\"city\":\"New York\",\"country\":\""
		"US\",\"country_name\":\"US\",\"number\":\"+1 1000200200\",\""
		"type\":\"toll\"}],\"host_video\":true,\"language_interpretat"
		"ion\":{\"enable\":true,\"interpreters\":[{\"email\":\"interp"
		"reter@example.com\",\"languages\":\"US,FR\"}]},\"meeting_inv"
		"itees\":[{\"email\":\"jchill@example.com\"},{\"email\":\"Joe"
		" <joe@example.com>\"}],\"name\":\"settings name\"},\"start_t"
		"ime\":\"2022-03-25T07:29:29Z\",\"start_url\":\"https://examp"
		"le.com/s/11111\",\"status\":\"waiting\",\"timezone\":\"Ameri"
		"ca/Los_Angeles\",\"topic\":\"My Meeting\",\"type\":2,\"custo"
		"m_keys\":[{\"key\":\"key1\",\"value\":\"value1\"}]}"),
	    "{\"assistant_id\":\"kFFvsJc-Q1OSxaJQLvaa_A\",\"host_email\":"
	    "\"t~cT4rXK7pXh_praaHEyRWzkSHVY6wBNEwngSXsuQ7fTQ@example.com\""
	    ",\"host_id\":\"t~VjaDLjRhCKAqZXudj3csGB04rnu-0CZB8xTximmvE6I"
	    "\",\"id\":85746065432,\"uuid\":\"aDYlohsHRtCd4ii1uC2+hA==\","
	    "\"created_at\":\"2022-03-25T07:29:29Z\",\"duration\":60,\"se"
	    "ttings\":{\"approval_type\":2,\"authentication_exception\":["
	    "{\"email\":\"t~cT4rXK7pXh_praaHEyRWzkSHVY6wBNEwngSXsuQ7fTQ@e"
	    "xample.com\"}],\"breakout_room\":{\"enable\":false,\"rooms\""
	    ":[{\"participants\":[\"t~cT4rXK7pXh_praaHEyRWzkSHVY6wBNEwngS"
	    "XsuQ7fTQ@example.com\",\"t~_Mqo2yH0QgDytVpmJhxPaE36fR9YYF4mJ"
	    "yAMtmlLUAY@example.com\"]}]},\"contact_email\":\"t~cT4rXK7pX"
	    "h_praaHEyRWzkSHVY6wBNEwngSXsuQ7fTQ@example.com\",\"host_vide"
	    "o\":true,\"language_interpretation\":{\"enable\":true,\"inte"
	    "rpreters\":[{\"email\":\"t~VQ61wxvULcve1u_UNLgL11GsBudLREReU"
	    "YjI-TiyeGg@example.com\",\"languages\":\"US,FR\"}]},\"meetin"
	    "g_invitees\":[{\"email\":\"t~cT4rXK7pXh_praaHEyRWzkSHVY6wBNE"
	    "wngSXsuQ7fTQ@example.com\"},{\"email\":\"t~jgT11iw7JOUdn6TMy"
	    "oDssjtXrXGpy31m38W_Uv-rric@example.com\"}]},\"start_time\":\""
	    "2022-03-25T07:29:29Z\",\"status\":\"waiting\",\"timezone\":\""
	    "America/Los_Angeles\",\"type\":2}");
}

TEST(transform_zoom_recordings)
{
	/* ..['topic','share_url','recording_play_passcode'] only counts an
	 * object holding all three (Jayway), so meeting 2 keeps its two */
	CHECK_STR(
	    zoom(Z_RECORDINGS,
		"{\"from\":\"2022-01-01\",\"to\":\"2022-04-01\",\"page_count\""
		":1,\"page_size\":30,\"total_records\":2,\"next_page_token\":"
		"\"\",\"meetings\":[{\"account_id\":\"Cx3wERazSgup7ZWRHQM8-w\""
		",\"duration\":20,\"host_id\":\"30R7kT7bTIKSNUFEuH_Qlg\",\"id"
		"\":6840331990,\"recording_count\":1,\"start_time\":\"2022-03"
		"-25T07:30:00Z\",\"topic\":\"My Personal Meeting\",\"total_si"
		"ze\":22,\"type\":\"1\",\"uuid\":\"BOKXuumlTAGXuqwr3bLyuQ==\""
		",\"share_url\":\"https://example.com/rec/share/1\",\"recordi"
		"ng_play_passcode\":\"yNYIS408EJygs7rE5vVsJwXIz4-VW7MH\",\"re"
		"cording_files\":[{\"deleted_time\":\"2022-03-29T12:34:12.660"
		"Z\",\"download_url\":\"https://example.com/rec/download/Qg75"
		"t7xZBtEbmtWW\",\"file_path\":\"/9090876528/path01/demo.mp4\""
		",\"file_size\":7220,\"file_type\":\"MP4\",\"file_extension\""
		":\"MP4\",\"id\":\"ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8\",\"m"
		"eeting_id\":\"L0AGOEPVR9m5WSOOs/d+FQ==\",\"play_url\":\"http"
		"s://example.com/rec/play/Qg75t7xZBtEbmtWW\",\"recording_end\""
		":\"2022-03-25T07:50:00Z\",\"recording_start\":\"2022-03-25T0"
		"7:30:00Z\",\"recording_type\":\"shared_screen_with_speaker_v"
		"iew\",\"status\":\"completed\"}]},{\"account_id\":\"Cx3wERaz"
		"Sgup7ZWRHQM8-w\",\"host_id\":\"Lfi0BlBQTM-bbktE9BRUvA\",\"id"
		"\":2,\"topic\":\"Only topic and share_url\",\"share_url\":\""
		"https://example.com/rec/share/2\",\"recording_files\":[]}]}"),
	    "{\"from\":\"2022-01-01\",\"to\":\"2022-04-01\",\"page_count\""
	    ":1,\"page_size\":30,\"total_records\":2,\"next_page_token\":"
	    "\"\",\"meetings\":[{\"account_id\":\"t~nlHiScGfMS77p24PutB76"
	    "lkjtLRxGYPTM7PC4dTqfD0\",\"duration\":20,\"host_id\":\"t~Vja"
	    "DLjRhCKAqZXudj3csGB04rnu-0CZB8xTximmvE6I\",\"id\":6840331990"
	    ",\"recording_count\":1,\"start_time\":\"2022-03-25T07:30:00Z"
	    "\",\"total_size\":22,\"type\":\"1\",\"uuid\":\"BOKXuumlTAGXu"
	    "qwr3bLyuQ==\",\"recording_files\":[{\"deleted_time\":\"2022-"
	    "03-29T12:34:12.660Z\",\"file_size\":7220,\"file_type\":\"MP4"
	    "\",\"file_extension\":\"MP4\",\"id\":\"ed6c2f27-2ae7-42f4-b3"
	    "d0-835b493e4fa8\",\"meeting_id\":\"L0AGOEPVR9m5WSOOs/d+FQ==\""
	    ",\"recording_end\":\"2022-03-25T07:50:00Z\",\"recording_star"
	    "t\":\"2022-03-25T07:30:00Z\",\"recording_type\":\"shared_scr"
	    "een_with_speaker_view\",\"status\":\"completed\"}]},{\"accou"
	    "nt_id\":\"t~nlHiScGfMS77p24PutB76lkjtLRxGYPTM7PC4dTqfD0\",\""
	    "host_id\":\"t~eZzolSzaDPlMEKfbuTxHl1CqdvdfbchOWVOf2V54rBM\","
	    "\"id\":2,\"topic\":\"Only topic and share_url\",\"share_url\""
	    ":\"https://example.com/rec/share/2\",\"recording_files\":[]}"
	    "]}");
}

/* --- the cache ---------------------------------------------------------- */

TEST(transform_cache_cold_warm)
{
	static const char body[] =
	    "{\"next_page_token\":\"Tva2CuIdTgsv8wAnhyAdU3m06Y2HuLQtlh3\""
	    ",\"page_count\":1,\"page_size\":30,\"total_records\":3,\"par"
	    "ticipants\":[{\"customer_key\":\"349589LkJyeW\",\"duration\""
	    ":3600,\"failover\":false,\"id\":\"30R7kT7bTIKSNUFEuH_Qlg\",\""
	    "join_time\":\"2019-02-01T12:34:12.660Z\",\"leave_time\":\"20"
	    "19-03-01T12:34:12.660Z\",\"name\":\"Jill Chill\",\"registran"
	    "t_id\":\"_f08HhPJS82MIVLuuFaJPg\",\"user_email\":\"jchill@ex"
	    "ample.com\",\"user_id\":\"27423744\",\"status\":\"in_meeting"
	    "\",\"bo_mtg_id\":\"27423744\"},{\"duration\":125,\"failover\""
	    ":false,\"id\":\"Lfi0BlBQTM-bbktE9BRUvA\",\"join_time\":\"201"
	    "9-02-01T12:40:00Z\",\"leave_time\":\"2019-02-01T12:42:05Z\","
	    "\"name\":\"Guest\",\"registrant_id\":\"\",\"user_email\":\"\""
	    ",\"user_id\":16778240,\"status\":\"in_meeting\",\"display_na"
	    "me\":\"Guest\"},{\"duration\":60,\"id\":\"30R7kT7bTIKSNUFEuH"
	    "_Qlg\",\"name\":\"Jill Chill (phone)\",\"user_email\":\"jchi"
	    "ll@example.com\",\"user_id\":\"27423744\",\"pmi\":null}]}";
	struct sanitize_engine_stats st;
	struct fix f;
	char cold[8192];

	fix_open(&f, y_zoom, test_cfg());
	snprintf(cold, sizeof(cold), "%s", apply(&f, Z_REPORT, body));
	sanitize_engine_stats(f.e, &st);
	/* 2 ids, 1 email, 1 string and 1 number user_id; "" is no identity.
	 * A value met for the first time is not cached; the second time it
	 * is, so it hits from the third on. */
	CHECK_INT(st.misses, 8);
	CHECK_INT(st.hits, 0);
	CHECK_STR(apply(&f, Z_REPORT, body), cold);
	sanitize_engine_stats(f.e, &st);
	CHECK_INT(st.misses, 10);
	CHECK_INT(st.hits, 6);
	CHECK_STR(apply(&f, Z_REPORT, body), cold);
	sanitize_engine_stats(f.e, &st);
	CHECK_INT(st.misses, 10);
	CHECK_INT(st.hits, 14);
	sanitize_engine_clear_cache(f.e);
	CHECK_STR(apply(&f, Z_REPORT, body), cold);
	sanitize_engine_stats(f.e, &st);
	CHECK_INT(st.misses, 15);
	CHECK_STR(cold,
	    "{\"next_page_token\":\"Tva2CuIdTgsv8wAnhyAdU3m06Y2HuLQtlh3\""
	    ",\"page_count\":1,\"page_size\":30,\"total_records\":3,\"par"
	    "ticipants\":[{\"customer_key\":\"349589LkJyeW\",\"duration\""
	    ":3600,\"failover\":false,\"id\":\"t~VjaDLjRhCKAqZXudj3csGB04"
	    "rnu-0CZB8xTximmvE6I\",\"join_time\":\"2019-02-01T12:34:12.66"
	    "0Z\",\"leave_time\":\"2019-03-01T12:34:12.660Z\",\"user_emai"
	    "l\":\"t~cT4rXK7pXh_praaHEyRWzkSHVY6wBNEwngSXsuQ7fTQ@example."
	    "com\",\"user_id\":\"t~ISyOqmEgl9Ec1uB-GWWZDdqDqdQDTRwpTM8CjU"
	    "MOnwU\",\"status\":\"in_meeting\",\"bo_mtg_id\":\"27423744\""
	    "},{\"duration\":125,\"failover\":false,\"id\":\"t~eZzolSzaDP"
	    "lMEKfbuTxHl1CqdvdfbchOWVOf2V54rBM\",\"join_time\":\"2019-02-"
	    "01T12:40:00Z\",\"leave_time\":\"2019-02-01T12:42:05Z\",\"use"
	    "r_email\":null,\"user_id\":\"t~w9D59NC9GttUUAJzZp-K_6bMXHCV8"
	    "j3x447Jjby5JWY\",\"status\":\"in_meeting\"},{\"duration\":60"
	    ",\"id\":\"t~VjaDLjRhCKAqZXudj3csGB04rnu-0CZB8xTximmvE6I\",\""
	    "user_email\":\"t~cT4rXK7pXh_praaHEyRWzkSHVY6wBNEwngSXsuQ7fTQ"
	    "@example.com\",\"user_id\":\"t~ISyOqmEgl9Ec1uB-GWWZDdqDqdQDT"
	    "RwpTM8CjUMOnwU\",\"pmi\":null}]}");
	fix_close(&f);
}

TEST(transform_cache_bounded)
{
	struct sanitize_engine_stats st;
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_json slot;
	struct fix f;
	char v[64], first[64];
	int i, same = 1;

	fix_open(&f, y_pseudo, test_cfg());
	/* Each value twice: the second time puts it in the cache. */
	for (i = 0; i < 100000 && f.rc == 0; i++) {
		snprintf(v, sizeof(v), "user%d@example.com", i / 2);
		slot = (struct zp_json) {ZP_JSON_STRING, 1, strlen(v), {v}};
		CHECK_INT(sanitize_transform_value(f.e,
			      &f.rules->endpoints[0].transforms[0], &slot, &a),
		    0);
		if (i == 0)
			snprintf(first, sizeof(first), "%.*s", (int)slot.n,
			    slot.u.s);
		zp_arena_reset(&a);
	}
	sanitize_engine_stats(f.e, &st);
	/* The doorkeeper is a bitmap of hashes: a few first sightings look
	 * like second ones and are cached at once. */
	CHECK_INT(st.misses + st.hits, 100000);
	CHECK(st.misses > 95000);
	CHECK(st.evictions > 0);
	CHECK(st.cache_bytes < 16u * 1024 * 1024);
	/* evicted values come back identical */
	snprintf(v, sizeof(v), "user0@example.com");
	slot = (struct zp_json) {ZP_JSON_STRING, 1, strlen(v), {v}};
	CHECK_INT(sanitize_transform_value(
		      f.e, &f.rules->endpoints[0].transforms[0], &slot, &a),
	    0);
	same = slot.n == strlen(first) && memcmp(slot.u.s, first, slot.n) == 0;
	CHECK(same);
	CHECK_STR(first,
	    "t~CZsX0HBjBkYn-mpBcKHNBna6J4OEsvoM_u33-seOy9k@example.com");
	zp_arena_release(&a);
	fix_close(&f);
}

/* --- the per-value API and errors --------------------------------------- */

TEST(transform_value_api)
{
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_json slot = {ZP_JSON_NUMBER, 0, 9, {"111111111"}};
	struct fix f;

	fix_open(&f,
	    RULES("      - !<pseudonymize>\n"
		  "        jsonPaths: [$.a]\n"
		  "      - !<redact>\n"
		  "        jsonPaths: [$.a]\n"),
	    test_cfg());
	CHECK_INT(sanitize_transform_value(
		      f.e, &f.rules->endpoints[0].transforms[0], &slot, &a),
	    0);
	CHECK_INT(slot.type, ZP_JSON_STRING);
	CHECK_MEM(slot.u.s, slot.n,
	    "t~LKW3WIP3bZzEQFelvQBi0lpLDZtk-1qJbWe3rHfhYhc", 45);
	/* redact on one value sets null, as the bulk record rules do */
	CHECK_INT(sanitize_transform_value(
		      f.e, &f.rules->endpoints[0].transforms[1], &slot, &a),
	    0);
	CHECK_INT(slot.type, ZP_JSON_NULL);
	CHECK_INT(sanitize_transform_value(NULL, NULL, &slot, &a), ZP_EINVAL);
	zp_arena_release(&a);
	fix_close(&f);
}

TEST(transform_error_bad_path)
{
	static const char yaml[] = RULES("      - !<pseudonymize>\n"
					 "        jsonPaths: [$.ok,\n"
					 "          '$.a[?(@.b ==']\n");
	struct sanitize_rules *rules = NULL;
	struct sanitize_engine *e = NULL;
	struct zp_buf why = ZP_BUF_INIT;

	CHECK_INT(sanitize_rules_load_string(
		      "t.yaml", yaml, strlen(yaml), NULL, &rules),
	    0);
	CHECK_INT(
	    sanitize_engine_new(&e, rules, test_cfg(), &why), ZP_ECONFIG);
	CHECK(e == NULL);
	CHECK(why.data != NULL &&
	    strncmp(why.data, "t.yaml:6: bad JSONPath \"$.a[?(@.b ==\"", 37) ==
		0);
	CHECK(why.data != NULL && strstr(why.data, "salt") == NULL);
	zp_buf_release(&why);
	sanitize_rules_free(&rules);
	CHECK_INT(sanitize_engine_new(&e, NULL, test_cfg(), NULL), ZP_EINVAL);
	CHECK_INT(sanitize_engine_new(NULL, NULL, NULL, NULL), ZP_EINVAL);
	sanitize_engine_free(&e);
	sanitize_engine_free(NULL);
}

TEST(transform_error_no_key)
{
	struct fix f;

	fix_open(&f, y_reversible, nokey_cfg());
	CHECK_INT(sanitize_engine_needs_key(f.e), 1);
	CHECK_STR(apply(&f, 0, "{\"id\":\"x\"}"), "(rc -13)");
	/* a value that needs no key still goes through */
	CHECK_STR(apply(&f, 0, "{\"id\":null}"), "{\"id\":null}");
	fix_close(&f);
	fix_open(&f, y_tokenize, nokey_cfg());
	CHECK_STR(apply(&f, 0, "{\"v\":\"x\"}"), "(rc -13)");
	fix_close(&f);
	fix_open(&f, y_pseudo, nokey_cfg());
	CHECK_INT(sanitize_engine_needs_key(f.e), 0);
	CHECK_STR(apply(&f, 0, "{\"u\":\"8b29rgg4bb\"}"),
	    "{\"u\":\"t~HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE\"}");
	fix_close(&f);
}

TEST(transform_error_foreign_endpoint)
{
	struct sanitize_endpoint ep;
	struct sanitize_transform t;
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_json root = {ZP_JSON_NULL, 0, 0, {NULL}};
	struct fix f;

	fix_open(&f, y_pseudo, test_cfg());
	t = f.rules->endpoints[0].transforms[0];
	ep = f.rules->endpoints[0];
	ep.transforms = &t;
	CHECK_INT(sanitize_engine_transform(f.e, &ep, &root, &a), ZP_EINVAL);
	CHECK_INT(sanitize_engine_transform(f.e, NULL, &root, &a), ZP_EINVAL);
	zp_arena_release(&a);
	fix_close(&f);
}
