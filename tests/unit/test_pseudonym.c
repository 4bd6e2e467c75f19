/*
 * test_pseudonym.c - Psoxy pseudonyms against the verified vectors of
 * RULES-SPEC section 3.6 (salt "salt", key password "secret").
 */
#include "harness.h"

#include <stdio.h>

#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "pseudonym.h"

/* test_cfg returns the spec's test configuration, keyed once per run. */
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

/* domain_cfg returns a config with salt-domains and asdfasdf, keyed once. */
static struct zp_pseudo *
domain_cfg(void)
{
	static struct zp_pseudo cfg;
	static int ready;

	if (!ready) {
		if (zp_pseudo_init(&cfg, "salt-domains", 12) != 0 ||
		    zp_pseudo_set_key(&cfg, "asdfasdf", 8) != 0)
			return NULL;
		ready = 1;
	}
	return &cfg;
}

/* pseudo runs zp_pseudo_value on the C string v; the result is static. */
static const char *
pseudo_with(const struct zp_pseudo *cfg, const char *v, int is_number,
    enum zp_pseudo_encoding enc, int reversible)
{
	static struct zp_buf b;
	int rc;

	zp_buf_release(&b);
	if (cfg == NULL)
		return "(no cfg)";
	rc =
	    zp_pseudo_value(cfg, v, strlen(v), is_number, enc, reversible, &b);
	if (rc != 0 || b.data == NULL)
		return "(failed)";
	return b.data;
}

/* token gives the plain t~ token of string v under the test config. */
static const char *
token(const char *v)
{
	return pseudo_with(test_cfg(), v, 0, ZP_PSEUDO_URL_SAFE_TOKEN, 0);
}

/* reversed gives the value zp_pseudo_reverse finds in tok, or a marker. */
static const char *
reversed(const char *tok)
{
	static struct zp_buf b;
	int rc;

	zp_buf_release(&b);
	rc = zp_pseudo_reverse(test_cfg(), tok, strlen(tok), &b);
	if (rc != 0)
		return rc == ZP_ECRYPTO ? "(crypto)" : "(failed)";
	return b.data ? b.data : "";
}

/* --- section 3.6 vectors --------------------------------------------- */

TEST(pseudo_key_derivation)
{
	static const unsigned char want[32] = {0x7a, 0x68, 0x7b, 0x1d, 0xaa,
	    0xf6, 0x3c, 0xbf, 0xac, 0xe7, 0xcd, 0x89, 0xbc, 0xb4, 0xae, 0x54,
	    0x6a, 0x12, 0x92, 0xec, 0x83, 0xff, 0xcd, 0xf5, 0x5c, 0xb7, 0xaf,
	    0x7d, 0x4f, 0xe5, 0x61, 0x8d};
	struct zp_pseudo *cfg = test_cfg();

	CHECK(cfg != NULL);
	if (cfg != NULL)
		CHECK(memcmp(cfg->key, want, 32) == 0);
}

TEST(pseudo_vectors_plain)
{
	CHECK_STR(token("8b29rgg4bb"),
	    "t~HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE");
	CHECK_STR(token("jjd93a2337"),
	    "t~Ww6eCgduxKK6I_l2nqOvpafSKCskTO62IzmY-CAbeEo");
	CHECK_STR(token("30R7kT7bTIKSNUFEuH_Qlg"),
	    "t~VjaDLjRhCKAqZXudj3csGB04rnu-0CZB8xTximmvE6I");
	CHECK_STR(token("Lfi0BlBQTM-bbktE9BRUvA"),
	    "t~eZzolSzaDPlMEKfbuTxHl1CqdvdfbchOWVOf2V54rBM");
	CHECK_STR(token("27423744"),
	    "t~ISyOqmEgl9Ec1uB-GWWZDdqDqdQDTRwpTM8CjUMOnwU");
}

TEST(pseudo_vectors_email)
{
	CHECK_STR(token("bob@example.com"),
	    "t~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@example.com");
	CHECK_STR(token("joe@example.com"),
	    "t~jgT11iw7JOUdn6TMyoDssjtXrXGpy31m38W_Uv-rric@example.com");
	CHECK_STR(token("jchill@example.com"),
	    "t~cT4rXK7pXh_praaHEyRWzkSHVY6wBNEwngSXsuQ7fTQ@example.com");
	CHECK_STR(token("user@example.com"),
	    "t~_Mqo2yH0QgDytVpmJhxPaE36fR9YYF4mJyAMtmlLUAY@example.com");
	CHECK_STR(token("example@example.com"),
	    "t~8ZuLJANBU0hIFqmaE8RjwHZqRb4MezRyGZ6rLZUkKSg@example.com");
}

TEST(pseudo_vectors_reversible)
{
	CHECK_STR(pseudo_with(test_cfg(), "z8yAAAAA8bbbQ", 0,
		      ZP_PSEUDO_URL_SAFE_TOKEN, 1),
	    "p~JzXCV2FA272NOeqHYQbR4PewwSZI9hznATn7Wse3j8GpsoD91NC0nDg1vNKrhPE"
	    "c");
	CHECK_STR(pseudo_with(
		      test_cfg(), "111111111", 1, ZP_PSEUDO_URL_SAFE_TOKEN, 1),
	    "p~LKW3WIP3bZzEQFelvQBi0lpLDZtk-1qJbWe3rHfhYhdfeki-8voee3S0wopon6Y"
	    "3");
}

TEST(pseudo_vectors_numbers)
{
	CHECK_STR(pseudo_with(
		      test_cfg(), "111111111", 1, ZP_PSEUDO_URL_SAFE_TOKEN, 0),
	    "t~LKW3WIP3bZzEQFelvQBi0lpLDZtk-1qJbWe3rHfhYhc");
	CHECK_STR(pseudo_with(
		      test_cfg(), "111111111", 0, ZP_PSEUDO_URL_SAFE_TOKEN, 0),
	    "t~LKW3WIP3bZzEQFelvQBi0lpLDZtk-1qJbWe3rHfhYhc");
	CHECK_STR(pseudo_with(test_cfg(), "1", 1, ZP_PSEUDO_JSON, 0),
	    "{\"hash\":\"0zPKqEd-CtbCLB1ZSwX6Zo7uAWUvkpfHGzv9-cuYwZc\"}");
}

TEST(pseudo_vectors_csv_json)
{
	const char *h;

	h = pseudo_with(test_cfg(), "person 1", 0, ZP_PSEUDO_JSON, 0);
	CHECK_STR(
	    h, "{\"hash\":\"GI144xrPnMS9IwneeTEzMfcC2zowYSHHhVaReTIDXeo\"}");
	h = pseudo_with(test_cfg(), "person_1@acme.com", 0, ZP_PSEUDO_JSON, 0);
	CHECK_STR(h,
	    "{\"domain\":\"acme.com\","
	    "\"hash\":\"-MFHtQFQtPUXyclPE-B71x_F4jJStaMz9ZN-kWFE4_o\"}");
}

/* --- floats as Java Double.toString ---------------------------------- */

/* java_hash gives the hash-only pseudonym of number text v. */
static const char *
java_hash(const char *v)
{
	static char copy[64];

	snprintf(copy, sizeof(copy), "%s",
	    pseudo_with(test_cfg(), v, 1, ZP_PSEUDO_URL_SAFE_HASH_ONLY, 0));
	return copy;
}

/* same_hash tells whether number text a hashes like string b. */
static int
same_hash(const char *a, const char *b)
{
	const char *ha = java_hash(a);

	return strcmp(ha,
		   pseudo_with(test_cfg(), b, 0, ZP_PSEUDO_URL_SAFE_HASH_ONLY,
		       0)) == 0;
}

TEST(pseudo_numbers_java_double)
{
	CHECK_STR(
	    java_hash("1e10"), "ZS6BmeT8ke6sH3YxCso8S0tCVDVKBU9nVVJ99lPnqOI");
	CHECK_STR(
	    java_hash("1.50"), "IlrZ8WlswrTzTpEYzhz0lGJEPbh3zGeguB7NL6mhF6Y");
	CHECK(same_hash("100.0", "100.0"));
	CHECK(same_hash("100", "100"));
	CHECK(same_hash("-0", "0"));
	CHECK(same_hash("1E2", "100.0"));
	CHECK(same_hash("0.0001", "1.0E-4"));
	CHECK(same_hash("0.001", "0.001"));
	CHECK(same_hash("1234567.5", "1234567.5"));
	CHECK(same_hash("12345678.5", "1.23456785E7"));
	CHECK(same_hash("0.1", "0.1"));
	CHECK(same_hash("-2.5e-7", "-2.5E-7"));
	CHECK(same_hash("0.0", "0.0"));
	CHECK(same_hash("-0.0", "-0.0"));
	CHECK(same_hash("1e400", "Infinity"));
	CHECK_STR(java_hash("1.2.3"), "(failed)");
	CHECK_STR(java_hash("abc"), "(failed)");
}

/* --- section 3.3 and 3.2: canonical form, email detection ------------ */

TEST(pseudo_canonical_display_name)
{
	const char *want = "t~Qf4dLJ4jfqZLn9ef4VirvYjvOnRaVI5tf5oLnM65YOA"
			   "@Worklytics.co";

	CHECK_STR(token("Alice Example <Alice+x@Worklytics.co>"), want);
	CHECK_STR(token("\"Alice Example\" <Alice+x@Worklytics.co>"), want);
	CHECK_STR(token("alice@worklytics.co"),
	    "t~Qf4dLJ4jfqZLn9ef4VirvYjvOnRaVI5tf5oLnM65YOA@worklytics.co");
	CHECK_STR(token("Bob@Example.COM"),
	    "t~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@Example.COM");
	CHECK_STR(token(" (work) bob@example.com (home) "),
	    "t~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@example.com");
	CHECK_STR(token("\"bob\"@example.com"),
	    "t~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@example.com");
}

TEST(pseudo_canonical_ignore_dots)
{
	struct zp_pseudo cfg;

	CHECK_INT(zp_pseudo_init(&cfg, "salt", 4), 0);
	cfg.canon = ZP_PSEUDO_IGNORE_DOTS;
	CHECK_STR(pseudo_with(&cfg, "John.Smith+news@Acme.com", 0,
		      ZP_PSEUDO_URL_SAFE_TOKEN, 0),
	    "t~KD6VzLbWma-eBKPCttlyXkCiY588H9xP3Uc9KA4HICs@Acme.com");
	zp_pseudo_release(&cfg);
	CHECK(cfg.salt == NULL);
}

TEST(pseudo_not_emails)
{
	char lower[64];

	CHECK_STR(token("a@localhost"),
	    "t~2buMecBbGMsm4WV7QLYgVwWyODw-lgl4rqiFrZXHW_w");
	CHECK_STR(
	    token("a@x.c0m"), "t~OpEgkSeAxBhBanCfyvAqohRCFaCAc0xiPYDdOgiFSLo");
	CHECK_STR(token("a@[1.2.3.4]"),
	    "t~uFFc6dHcNR3bFZY_jYpgGTPFxnyGqwJ11ik5tRdYySM");
	CHECK(strchr(token("a@1.2.3.4"), '@') == NULL);
	CHECK(strchr(token("a..b@example.com"), '@') == NULL);
	CHECK(strchr(token(".a@example.com"), '@') == NULL);
	CHECK(strchr(token("a@-x.com"), '@') == NULL);
	CHECK(strchr(token("a@example.abcdefghijklmnopqrstuvwxyza"), '@') ==
	    NULL);
	CHECK(strchr(token("Alice <a@example.com"), '@') == NULL);
	CHECK(strchr(token("a@b@example.com"), '@') == NULL);
	CHECK(strchr(token("a@example.com (open"), '@') == NULL);
	/* hashed verbatim: no trimming, no case folding */
	snprintf(lower, sizeof(lower), "%s", token("a@localhost"));
	CHECK(strcmp(token("A@localhost"), lower) != 0);
}

/* --- null and blank -------------------------------------------------- */

TEST(pseudo_null_and_blank)
{
	struct zp_buf b = ZP_BUF_INIT;
	const struct zp_pseudo *cfg = test_cfg();
	const char *blanks[] = {"", " ", "\t\r\n ", "\xe3\x80\x80"};

	for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
		const char *s = blanks[i];

		CHECK_INT(zp_pseudo_value(cfg, s, strlen(s), 0,
			      ZP_PSEUDO_URL_SAFE_TOKEN, 0, &b),
		    ZP_PSEUDO_NULL);
		CHECK_INT(zp_pseudo_value(
			      cfg, s, strlen(s), 0, ZP_PSEUDO_JSON, 1, &b),
		    ZP_PSEUDO_NULL_STRING);
	}
	CHECK_INT(zp_pseudo_value(
		      cfg, NULL, 0, 0, ZP_PSEUDO_URL_SAFE_HASH_ONLY, 0, &b),
	    ZP_PSEUDO_NULL);
	CHECK_INT(b.len, 0);
	/* U+00A0 is not Java whitespace */
	CHECK_INT(zp_pseudo_value(
		      cfg, "\xc2\xa0", 2, 0, ZP_PSEUDO_URL_SAFE_TOKEN, 0, &b),
	    0);
	zp_buf_release(&b);
}

/* --- encodings ------------------------------------------------------- */

TEST(pseudo_hash_only)
{
	CHECK_STR(pseudo_with(test_cfg(), "Bob <bob@example.com>", 0,
		      ZP_PSEUDO_URL_SAFE_HASH_ONLY, 1),
	    "PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0");
}

TEST(pseudo_json_shape)
{
	CHECK_STR(
	    pseudo_with(test_cfg(), "bob@example.com", 0, ZP_PSEUDO_JSON, 0),
	    "{\"domain\":\"example.com\","
	    "\"hash\":\"PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0\"}");
	CHECK_STR(
	    pseudo_with(test_cfg(), "z8yAAAAA8bbbQ", 0, ZP_PSEUDO_JSON, 1),
	    "{\"hash\":\"JzXCV2FA272NOeqHYQbR4PewwSZI9hznATn7Wse3j8E\","
	    "\"reversible\":\"p~JzXCV2FA272NOeqHYQbR4PewwSZI9hznATn7Wse3j8Gps"
	    "oD91NC0nDg1vNKrhPEc\"}");
}

TEST(pseudo_appends_and_keeps_on_error)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct zp_pseudo nokey;

	zp_buf_puts(&b, "x:");
	CHECK_INT(zp_pseudo_value(test_cfg(), "8b29rgg4bb", 10, 0,
		      ZP_PSEUDO_URL_SAFE_TOKEN, 0, &b),
	    0);
	CHECK_STR(b.data, "x:t~HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE");
	CHECK_INT(zp_pseudo_init(&nokey, "salt", 4), 0);
	zp_buf_reset(&b);
	zp_buf_puts(&b, "x:");
	CHECK_INT(zp_pseudo_value(
		      &nokey, "v", 1, 0, ZP_PSEUDO_URL_SAFE_TOKEN, 1, &b),
	    ZP_EINVAL);
	CHECK_STR(b.data, "x:");
	CHECK_INT(zp_pseudo_value(
		      &nokey, "1x", 2, 1, ZP_PSEUDO_URL_SAFE_TOKEN, 0, &b),
	    ZP_EINVAL);
	CHECK_STR(b.data, "x:");
	zp_pseudo_release(&nokey);
	zp_buf_release(&b);
}

/* --- domain handling (section 3.4) ----------------------------------- */

TEST(pseudo_domain_handling)
{
	struct zp_pseudo *cfg = domain_cfg();
	const char *t;

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	cfg->domains = ZP_PSEUDO_TOKENIZE;
	t = pseudo_with(cfg, "x@acme.com", 0, ZP_PSEUDO_URL_SAFE_TOKEN, 0);
	CHECK(strstr(t, "@h~XeVeXr3msNs83nxpGuEjUO0Cv7JfkmYhnprXIY-BEgs") !=
	    NULL);
	cfg->domains = ZP_PSEUDO_ENCRYPT;
	t = pseudo_with(cfg, "x@acme.com", 0, ZP_PSEUDO_URL_SAFE_TOKEN, 0);
	CHECK(
	    strstr(t,
		"@e~XeVeXr3msNs83nxpGuEjUO0Cv7JfkmYhnprXIY-BEgtyvcXqtDujwfr0b5"
		"vLmXHQ") != NULL);
	cfg->domains = ZP_PSEUDO_REDACT;
	t = pseudo_with(cfg, "x@acme.com", 0, ZP_PSEUDO_URL_SAFE_TOKEN, 0);
	CHECK(strchr(t, '@') == NULL);
	t = pseudo_with(cfg, "x@acme.com", 0, ZP_PSEUDO_JSON, 0);
	CHECK(strncmp(t, "{\"hash\":", 8) == 0);
	cfg->domains = ZP_PSEUDO_PRESERVE;
}

TEST(pseudo_domain_salt_and_key)
{
	struct zp_pseudo cfg;
	const char *t;

	CHECK_INT(zp_pseudo_init(&cfg, "salt", 4), 0);
	CHECK_INT(zp_pseudo_set_domain_salt(&cfg, "salt-domains", 12), 0);
	cfg.domains = ZP_PSEUDO_TOKENIZE;
	t = pseudo_with(&cfg, "bob@acme.com", 0, ZP_PSEUDO_URL_SAFE_TOKEN, 0);
	CHECK(strstr(t, "@h~XeVeXr3msNs83nxpGuEjUO0Cv7JfkmYhnprXIY-BEgs") !=
	    NULL);
	cfg.domains = ZP_PSEUDO_ENCRYPT;
	CHECK_STR(
	    pseudo_with(&cfg, "bob@acme.com", 0, ZP_PSEUDO_URL_SAFE_TOKEN, 0),
	    "(failed)");
	zp_pseudo_release(&cfg);
}

/* --- reversal -------------------------------------------------------- */

TEST(pseudo_reverse_vectors)
{
	CHECK_STR(reversed("p~JzXCV2FA272NOeqHYQbR4PewwSZI9hznATn7Wse3j8Gpso"
			   "D91NC0nDg1vNKrhPEc"),
	    "z8yAAAAA8bbbQ");
	CHECK_STR(reversed("p~LKW3WIP3bZzEQFelvQBi0lpLDZtk-1qJbWe3rHfhYhdfek"
			   "i-8voee3S0wopon6Y3"),
	    "111111111");
}

TEST(pseudo_reverse_email_round_trip)
{
	const char *v = "Alice Example <Alice+x@Worklytics.co>";
	char tok[256];

	snprintf(tok, sizeof(tok), "%s",
	    pseudo_with(test_cfg(), v, 0, ZP_PSEUDO_URL_SAFE_TOKEN, 1));
	CHECK(strncmp(tok, "p~Qf4dLJ4jfqZLn9ef4VirvYjvOnRaVI5tf5oLnM65YO",
		  44) == 0);
	CHECK(strstr(tok, "@Worklytics.co") != NULL);
	CHECK_STR(reversed(tok), v);
}

TEST(pseudo_reverse_rejects)
{
	char tok[] =
	    "p~JzXCV2FA272NOeqHYQbR4PewwSZI9hznATn7Wse3j8GpsoD91NC0nDg1"
	    "vNKrhPEc";

	tok[5] = tok[5] == 'A' ? 'B' : 'A'; /* tamper with the hash */
	CHECK_STR(reversed(tok), "(crypto)");
	CHECK_STR(reversed("t~HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE"),
	    "(failed)");
	CHECK_STR(reversed("p~HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE"),
	    "(failed)");
	CHECK_STR(reversed("p~!!"), "(failed)");
	CHECK_STR(reversed("p~"), "(failed)");
}
