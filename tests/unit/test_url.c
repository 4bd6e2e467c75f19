/* test_url.c - percent-encoding, Zoom UUID paths and query strings. */
#include "harness.h"

#include "buf.h"
#include "error.h"
#include "url.h"

/* encoded returns s percent-encoded, in a static buffer. */
static const char *
encoded(const char *s)
{
	static struct zp_buf b;

	zp_buf_release(&b);
	if (zp_url_encode(&b, s, strlen(s)) != 0 || b.data == NULL)
		return "(failed)";
	return b.data;
}

/* uuid_path returns zp_zoom_uuid_path of uuid, in a static buffer. */
static const char *
uuid_path(const char *uuid)
{
	static struct zp_buf b;

	zp_buf_release(&b);
	if (zp_zoom_uuid_path(&b, uuid) != 0 || b.data == NULL)
		return "(failed)";
	return b.data;
}

/* --- encode ---------------------------------------------------------- */

TEST(url_encode_unreserved_kept)
{
	const char *s = "ABCXYZabcxyz0189-._~";

	CHECK_STR(encoded(s), s);
}

TEST(url_encode_reserved)
{
	CHECK_STR(encoded(" !\"#$%&'()*+,/:;=?@[]"),
	    "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D");
	CHECK_STR(encoded("a+b/c=="), "a%2Bb%2Fc%3D%3D");
	CHECK_STR(encoded("\x7f\x01"), "%7F%01");
}

TEST(url_encode_empty)
{
	struct zp_buf b = ZP_BUF_INIT;

	CHECK_INT(zp_url_encode(&b, "", 0), 0);
	CHECK_INT(b.len, 0);
	zp_buf_puts(&b, "x");
	CHECK_INT(zp_url_encode(&b, "", 0), 0);
	CHECK_STR(b.data, "x");
	zp_buf_release(&b);
}

TEST(url_encode_utf8)
{
	CHECK_STR(encoded("caf\xc3\xa9"), "caf%C3%A9");
	CHECK_STR(
	    encoded("\xe6\x97\xa5\xf0\x9f\x98\x80"), "%E6%97%A5%F0%9F%98%80");
}

TEST(url_encode_nul_byte)
{
	struct zp_buf b = ZP_BUF_INIT;

	CHECK_INT(zp_url_encode(&b, "a\0b", 3), 0);
	CHECK_STR(b.data, "a%00b");
	zp_buf_release(&b);
}

/* --- decode ---------------------------------------------------------- */

TEST(url_decode_basic)
{
	struct zp_buf b = ZP_BUF_INIT;
	const char *s = "a%20b+c%2f%2F%C3%A9";

	CHECK_INT(zp_url_decode(&b, s, strlen(s)), 0);
	CHECK_STR(b.data, "a b+c//\xc3\xa9");
	zp_buf_reset(&b);
	CHECK_INT(zp_url_decode(&b, "", 0), 0);
	CHECK_INT(b.len, 0);
	CHECK_INT(zp_url_decode(&b, "%00", 3), 0);
	CHECK_MEM(b.data, b.len, "\0", 1);
	zp_buf_release(&b);
}

TEST(url_decode_rejects)
{
	static const char *const bad[] = {
	    "%",
	    "%4",
	    "a%",
	    "a%2",
	    "%4g",
	    "%g4",
	    "%%41",
	    "ok%zz",
	    "% 1",
	};
	struct zp_buf b = ZP_BUF_INIT;
	size_t i;

	zp_buf_puts(&b, "kept");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (zp_url_decode(&b, bad[i], strlen(bad[i])) != ZP_EDECODE)
			zp_test_failf(
			    __FILE__, __LINE__, "accepted \"%s\"", bad[i]);
		CHECK_STR(b.data, "kept");
	}
	zp_buf_release(&b);
}

TEST(url_decode_roundtrip_all_bytes)
{
	char all[256];
	struct zp_buf enc = ZP_BUF_INIT, dec = ZP_BUF_INIT;
	int i;

	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	CHECK_INT(zp_url_encode(&enc, all, sizeof(all)), 0);
	CHECK_INT(zp_url_decode(&dec, enc.data, enc.len), 0);
	CHECK_MEM(dec.data, dec.len, all, sizeof(all));
	zp_buf_release(&enc);
	zp_buf_release(&dec);
}

/* --- Zoom meeting UUIDs --------------------------------------------- */

TEST(url_uuid_leading_slash_double)
{
	CHECK_STR(uuid_path("/abc=="), "%252Fabc%253D%253D");
	CHECK_STR(uuid_path("/ajXp112QmuoKj4854875=="),
	    "%252FajXp112QmuoKj4854875%253D%253D");
	CHECK_STR(uuid_path("/"), "%252F");
}

TEST(url_uuid_double_slash_double)
{
	CHECK_STR(uuid_path("ab//c"), "ab%252F%252Fc");
	CHECK_STR(uuid_path("Xy+a//b=="), "Xy%252Ba%252F%252Fb%253D%253D");
}

TEST(url_uuid_other_once)
{
	CHECK_STR(uuid_path("abc+/d=="), "abc%2B%2Fd%3D%3D");
	CHECK_STR(uuid_path("4444AAAiAAAAAiAiAiiAii=="),
	    "4444AAAiAAAAAiAiAiiAii%3D%3D");
	CHECK_STR(uuid_path("a/b/c/"), "a%2Fb%2Fc%2F");
	CHECK_STR(uuid_path("85746065"), "85746065");
}

TEST(url_uuid_empty_and_append)
{
	struct zp_buf b = ZP_BUF_INIT;

	zp_buf_puts(&b, "/past_meetings/");
	CHECK_INT(zp_zoom_uuid_path(&b, ""), ZP_EINVAL);
	CHECK_STR(b.data, "/past_meetings/");
	CHECK_INT(zp_zoom_uuid_path(&b, "//x"), 0);
	CHECK_INT(zp_buf_puts(&b, "/instances"), 0);
	CHECK_STR(b.data, "/past_meetings/%252F%252Fx/instances");
	zp_buf_release(&b);
}

/* --- query strings -------------------------------------------------- */

TEST(url_query_add_first_and_next)
{
	struct zp_buf u = ZP_BUF_INIT;

	zp_buf_puts(&u, "https://api.zoom.us/v2/users");
	CHECK_INT(zp_url_query_add(&u, "page_size", "300"), 0);
	CHECK_STR(u.data, "https://api.zoom.us/v2/users?page_size=300");
	CHECK_INT(zp_url_query_add(&u, "next_page_token", "a b+c/="), 0);
	CHECK_STR(u.data,
	    "https://api.zoom.us/v2/users?page_size=300"
	    "&next_page_token=a%20b%2Bc%2F%3D");
	zp_buf_release(&u);
}

TEST(url_query_add_empty)
{
	struct zp_buf u = ZP_BUF_INIT;

	CHECK_INT(zp_url_query_add(&u, "from", ""), 0);
	CHECK_STR(u.data, "?from=");
	CHECK_INT(zp_url_query_add(&u, "to", "2024-01-31"), 0);
	CHECK_STR(u.data, "?from=&to=2024-01-31");
	zp_buf_release(&u);
}

TEST(url_query_add_utf8_and_key)
{
	struct zp_buf u = ZP_BUF_INIT;

	zp_buf_puts(&u, "/v2/report/users/x/meetings?type=past");
	CHECK_INT(zp_url_query_add(&u, "q r", "caf\xc3\xa9&x=1"), 0);
	CHECK_STR(u.data,
	    "/v2/report/users/x/meetings?type=past"
	    "&q%20r=caf%C3%A9%26x%3D1");
	zp_buf_release(&u);
}
