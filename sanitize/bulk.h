/*
 * bulk.h - Psoxy's columnar bulk sanitizer (RULES-SPEC 6.1) for CSV files
 * such as HR rosters and Zoom CSV exports, and the same rules applied to
 * the top-level keys of NDJSON objects.
 *
 * Rules are YAML with the keys of Psoxy's ColumnarRules:
 * columnsToPseudonymize, columnsToPseudonymizeIfPresent, columnsToRedact,
 * columnsToInclude, columnsToRename, columnsToDuplicate, pseudonymFormat
 * (JSON by default), delimiter (',' by default) and the ignored
 * defaultScopeIdForSource.  fieldsToTransform (alpha in Psoxy) and any
 * other key are refused with "FILE:LINE: reason".
 *
 * Column semantics follow Psoxy's ColumnarBulkDataSanitizerImpl: names
 * are trimmed and matched case-insensitively; values are trimmed, and a
 * blank one is written empty; renames and duplicates happen before
 * pseudonymization; original columns keep their order and spelling, a
 * renamed one takes its original's place, new ones follow in name order
 * (a listed columnsToPseudonymize absent from the file is such a new,
 * empty column, as in Psoxy).  Pseudonyms come from zp_pseudo_value with
 * pseudonymFormat, so a roster joins the stream sanitized with the same
 * salt.  Unlike Psoxy, rows are not shuffled: output order is input order.
 *
 * Ownership: a loaded struct sanitize_bulk_rules owns all its strings until
 * sanitize_bulk_rules_free; it is read-only afterwards.
 */
#ifndef ZP_SANITIZE_BULK_H
#define ZP_SANITIZE_BULK_H

#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "buf.h"
#include "pseudonym.h"

/* A column name: bytes and length (a CSV header may hold any byte). */
struct sanitize_bulk_name {
	const char *s;
	size_t n;
};

/*
 * A set of column names: trimmed, without a case-insensitive duplicate
 * (the first spelling is kept), sorted case-insensitively as Psoxy's
 * TreeSet iterates them.
 */
struct sanitize_bulk_set {
	struct sanitize_bulk_name *v;
	size_t n;
};

/* A map of column names, from to to; ordered and deduplicated by from. */
struct sanitize_bulk_map {
	struct sanitize_bulk_name *from;
	struct sanitize_bulk_name *to;
	size_t n;
};

/* The columnar rules, with Psoxy's defaults for absent keys. */
struct sanitize_bulk_rules {
	const char *name; /* the FILE of messages */
	struct sanitize_bulk_set pseudonymize;
	struct sanitize_bulk_set pseudonymize_if_present;
	struct sanitize_bulk_set redact;
	struct sanitize_bulk_set include;
	int has_include; /* 0: absent or null, every column is kept */
	struct sanitize_bulk_map rename;
	struct sanitize_bulk_map duplicate;
	enum zp_pseudo_encoding format; /* pseudonymFormat; JSON default */
	char delimiter; /* input only; output is always ',' */
	struct zp_arena mem; /* private: every string above */
};

/* The input formats of sanitize_bulk_run. */
enum sanitize_bulk_format { SANITIZE_BULK_CSV, SANITIZE_BULK_NDJSON };

/*
 * sanitize_bulk_rules_load_string parses len bytes of YAML at text, named
 * name in messages (borrowed; it must outlive the rules).  Returns 0 and new
 * rules in *out, which the caller frees with sanitize_bulk_rules_free;
 * ZP_ECONFIG with one "FILE:LINE: reason\n" line per problem appended to
 * why (if not NULL); ZP_ENOMEM; ZP_EINVAL for NULL arguments.  On failure
 * *out is NULL.
 */
int sanitize_bulk_rules_load_string(const char *name, const char *text,
    size_t len, struct sanitize_bulk_rules **out, struct zp_buf *why);

/*
 * sanitize_bulk_rules_load_file reads path (borrowed, the FILE of
 * messages) and loads it as above; an unreadable file gives ZP_EIO and a
 * "FILE: reason\n" line in why.
 */
int sanitize_bulk_rules_load_file(
    const char *path, struct sanitize_bulk_rules **out, struct zp_buf *why);

/* sanitize_bulk_rules_free frees *r and clears it; NULL is fine. */
void sanitize_bulk_rules_free(struct sanitize_bulk_rules **r);

/*
 * sanitize_bulk_run reads in (named in_name in messages) as fmt, one row
 * at a time, and writes the sanitized rows to out: CSV with a header row
 * and the input's first line ending, or one compact JSON object per line.
 * A malformed row is reported on stderr as "in_name:LINE: reason", left
 * out and counted in *rejected (may be NULL); the rest goes on.  Memory
 * is bounded by the longest row (rows over 16 MiB are rejected), not by
 * the input.
 *
 * Returns 0 (also with rejected rows); ZP_EPARSE for a CSV without a
 * usable header row, reported the same way; ZP_EIO when reading or
 * writing fails; ZP_ENOMEM; ZP_EINVAL for NULL arguments.  Everything is
 * borrowed; out is flushed, not closed.
 */
int sanitize_bulk_run(const struct sanitize_bulk_rules *r,
    const struct zp_pseudo *pseudo, FILE *in, const char *in_name, FILE *out,
    enum sanitize_bulk_format fmt, unsigned long *rejected);

#endif
