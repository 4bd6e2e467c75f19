/*
 * schema.h - Psoxy's responseSchema filter (RULES-SPEC 1.5.1): an
 * allow-list projection of a JSON document by a schema of the rules, not a
 * validation.
 *
 * In short: an object keeps, in input order, the keys its schema lists
 * (and every key starting with '+'); an array keeps the items that do not
 * filter to null; string, integer (floats truncated toward zero, 32 or 64
 * bits), number and boolean (null becomes false) keep a value of their type
 * and turn anything else into null; type null always gives null; no type
 * lets scalars through and turns containers into null; $ref follows its
 * target; anyOf, if/then/else and const follow Psoxy's JsonSchemaFilterUtils,
 * quirks included (see schema.c).
 *
 * The filter works in place on our arena DOM: kept members and items are
 * moved down inside the arrays they already occupy, scalars are rewritten in
 * their slots, and only rewritten integers, anyOf candidates and if
 * conditions take memory, from the document's arena.  Nothing is malloc'd.
 */
#ifndef ZP_SANITIZE_SCHEMA_H
#define ZP_SANITIZE_SCHEMA_H

#include "arena.h"
#include "buf.h"
#include "json.h"
#include "rules.h"

/*
 * sanitize_schema_filter filters the document *v by schema s in place.  a is
 * the arena the document lives in (borrowed; it receives the few new nodes
 * and texts); why, if not NULL, gets a "rules line N: reason" text on
 * error.  s and the rules it belongs to are borrowed and not changed.
 *
 * Returns 0, with *v the projected document (a top-level mismatch leaves a
 * JSON null); ZP_EINVAL where Psoxy fails the whole response (an
 * unresolved $ref, an integer beyond 64 bits under a schema without type, a
 * value that failed a const check where Psoxy would have to serialize it,
 * an if/then/else shape Psoxy cannot evaluate), with *v partly filtered;
 * ZP_ENOMEM.
 */
int sanitize_schema_filter(const struct sanitize_schema *s, struct zp_json *v,
    struct zp_arena *a, struct zp_buf *why);

#endif
