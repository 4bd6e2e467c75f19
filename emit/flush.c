/*
 * flush.c - the end of a run (core.h): finish every record, then, one
 * partition (type, day) at a time, merge the run's records with what
 * the state saved there, hand the sinks the partition and its changes,
 * and save it.
 *
 * A record of the run meets its saved self by key; a participation also
 * by any identity it shares with a saved one of the same meeting (a
 * person matched now who was a pseudonym before, a session whose e-mail
 * a later page adds).  A saved record whose contents the run leaves as
 * they were (sources aside) stays byte for byte, so re-running a day
 * changes nothing and hands the sinks nothing.
 */
#include "flush.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "splitmix.h"

/* One line of a saved partition. */
struct old {
	const char *key; /* NUL-terminated copy */
	const char *line;
	size_t n;
	struct zp_json *dom;
	int used; /* merged into a record of the run, or dropped */
	int legacy; /* from a user partition of a day: to be rebuilt */
};

/* The flush. */
struct flush {
	struct emit_table *t;
	struct emit_state *s;
	struct emit_sink **sinks;
	const struct emit_sink_ops **ops;
	size_t n_sinks;
	struct emit_flush_stats *st;
	struct emit_writer w;
	struct emit_job *job; /* the partition being merged */
	struct emit_job scratch; /* the one adopt reads orphans with */
	struct zp_arena arena; /* the saved partition's DOMs */
	struct zp_arena keys; /* the partition's keys */
	struct zp_json_parser parser;
	struct old *olds;
	size_t n_olds, cap_olds;
	struct emit_pmap *old_ids; /* (uuid, id) -> old index + 1 */
	struct emit_pmap *moved; /* (day, key) -> orphans moved out */
	struct emit_pmap *orphaned; /* (account, key) -> known orphans */
	char **legacy; /* user partitions of days (before users/all) */
	size_t n_legacy;
	int users_done; /* users/all was merged */
	size_t legacy_from; /* where in file they begin */
};

/* --- ordering -------------------------------------------------------- */

/* A partition's place in their order: type, then day as strcmp orders
 * it (its first ten bytes as big-endian numbers, which a day never
 * exceeds). */
struct part_key {
	uint64_t day8; /* bytes 0..7 */
	uint32_t rest; /* type, bytes 8..9 */
};

/* part_key_of fills k for r's partition. */
static void
part_key_of(struct part_key *k, const struct emit_rec *r)
{
	const unsigned char *d = (const unsigned char *)r->day;
	size_t i, n = strnlen(r->day, sizeof(r->day));

	k->day8 = 0;
	for (i = 0; i < 8; i++)
		k->day8 = k->day8 << 8 | (i < n ? d[i] : 0);
	k->rest = (uint32_t)r->type << 16 | (uint32_t)(n > 8 ? d[8] : 0) << 8 |
	    (n > 9 ? d[9] : 0);
}

/* by_part orders partitions (struct part_key). */
static int
by_part(const void *a, const void *b)
{
	const struct part_key *x = a, *y = b;

	if ((x->rest >> 16) != (y->rest >> 16))
		return (x->rest >> 16) < (y->rest >> 16) ? -1 : 1;
	if (x->day8 != y->day8)
		return x->day8 < y->day8 ? -1 : 1;
	return x->rest < y->rest ? -1 : x->rest > y->rest;
}

/* by_key orders records of one partition by key. */
static int
by_key(const void *a, const void *b)
{
	return strcmp((*(struct emit_rec *const *)a)->key,
	    (*(struct emit_rec *const *)b)->key);
}

/* by_old_key orders saved lines by key. */
static int
by_old_key(const void *a, const void *b)
{
	return strcmp(
	    ((const struct old *)a)->key, ((const struct old *)b)->key);
}

/* by_out_key orders output lines by key, a changed line last. */
static int
by_out_key(const void *a, const void *b)
{
	const struct emit_out *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : x->changed - y->changed;
}

/* --- finishing the run's records ------------------------------------- */

/* finish_all finishes webinars first (their instances take the host),
 * then meetings (participations take the day, kind and host), then the
 * rest: the records grouped by type in one pass (finishing makes none),
 * then finished group by group. */
static int
finish_all(struct emit_table *t)
{
	static const enum emit_type order[] = {EMIT_WEBINAR, EMIT_MEETING,
	    EMIT_USER, EMIT_RECORDING, EMIT_CALL, EMIT_PARTICIPATION};
	size_t at[EMIT_NTYPES + 1] = {0}, i, k;
	struct emit_rec **v = malloc((t->n_recs + 1) * sizeof(*v)), *r;
	int rc = 0;

	if (v == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < t->n_recs; i++)
		at[t->recs[i]->type + 1]++;
	for (k = 1; k <= EMIT_NTYPES; k++)
		at[k] += at[k - 1];
	for (i = 0; i < t->n_recs; i++)
		v[at[t->recs[i]->type]++] = t->recs[i];
	/* at[ty] is now where type ty + 1 begins */
	for (k = 0; rc == 0 && k < sizeof(order) / sizeof(order[0]); k++)
		for (i = order[k] ? at[order[k] - 1] : 0;
		     rc == 0 && i < at[order[k]]; i++) {
			if ((r = v[i])->dead)
				continue;
			if ((rc = emit_rec_finish(t, r)) == ZP_EINVAL) {
				r->dead =
				    1; /* nothing names it: never written */
				rc = 0;
			}
		}
	free(v);
	return rc;
}

/* One partition while the records are sorted: its key, and where its
 * records go. */
struct bucket {
	struct part_key k;
	size_t count;
	size_t slot; /* its place in the table */
	int used;
};

/* by_bucket orders buckets by partition. */
static int
by_bucket(const void *a, const void *b)
{
	return by_part(
	    &((const struct bucket *)a)->k, &((const struct bucket *)b)->k);
}

/* bucket_of finds or makes the bucket of k in table m (cap a power of
 * two, never full); its index. */
static size_t
bucket_of(struct bucket *m, size_t cap, const struct part_key *k)
{
	size_t i =
	    (size_t)zp_mix64(k->day8 ^ ((uint64_t)k->rest << 40)) & (cap - 1);

	while (m[i].used && (m[i].k.day8 != k->day8 || m[i].k.rest != k->rest))
		i = (i + 1) & (cap - 1);
	if (!m[i].used) {
		m[i].used = 1;
		m[i].k = *k;
		m[i].slot = i;
	}
	return i;
}

/* live_sorted collects the live records sorted by partition, each
 * partition's in the run's order: a bucket sort (a run has hundreds of
 * partitions, not hundreds of thousands).  *out is the caller's to
 * free. */
static int
live_sorted(struct emit_table *t, struct emit_rec ***out, size_t *n)
{
	struct emit_rec **v = malloc((t->n_recs + 1) * sizeof(*v));
	uint32_t *slot = malloc((t->n_recs + 1) * sizeof(*slot));
	struct bucket *m = NULL, *sorted = NULL;
	size_t cap = 1024, i, k, used = 0, *place = NULL;
	struct part_key key;
	int rc = ZP_ENOMEM;

	if (v == NULL || slot == NULL)
		goto out;
	for (;;) { /* a table with room for every partition */
		free(m);
		if ((m = calloc(cap, sizeof(*m))) == NULL)
			goto out;
		for (i = 0, used = 0; i < t->n_recs && 2 * used < cap; i++) {
			if (t->recs[i]->dead)
				continue;
			part_key_of(&key, t->recs[i]);
			k = bucket_of(m, cap, &key);
			used += m[k].count++ == 0;
			slot[i] = (uint32_t)k;
		}
		if (i == t->n_recs)
			break;
		cap *= 4;
	}
	if ((sorted = malloc((used + 1) * sizeof(*sorted))) == NULL ||
	    (place = malloc(cap * sizeof(*place))) == NULL)
		goto out;
	for (i = 0, k = 0; i < cap; i++)
		if (m[i].used)
			sorted[k++] = m[i];
	qsort(sorted, used, sizeof(*sorted), by_bucket);
	for (i = 0, *n = 0; i < used; i++) {
		place[sorted[i].slot] = *n;
		*n += sorted[i].count;
	}
	for (i = 0; i < t->n_recs; i++)
		if (!t->recs[i]->dead)
			v[place[slot[i]]++] = t->recs[i];
	*out = v;
	v = NULL;
	rc = 0;
out:
	free(v);
	free(slot);
	free(m);
	free(sorted);
	free(place);
	return rc;
}

/* keyed gives the records of one partition their keys (in an arena that
 * lives as long as the partition: keys of all records at once would be
 * a tenth of the memory) and sorts them by key, a participation that
 * another of the run now shares its key with merged into it.  *n is
 * what is left. */
static int
keyed(struct flush *f, struct emit_rec **v, size_t *n)
{
	size_t i, k = 0;
	int rc;

	zp_arena_reset(&f->keys);
	if (*n == 0)
		return 0;
	for (i = 0; i < *n; i++) {
		if ((rc = emit_rec_key(f->t, v[i], &f->keys)) == 0)
			v[k++] = v[i];
		else if (rc != ZP_EINVAL)
			return rc;
	}
	qsort(v, k, sizeof(*v), by_key);
	for (i = 1; i < k; i++) {
		if (strcmp(v[i - 1]->key, v[i]->key) != 0)
			continue;
		if ((rc = emit_rec_merge(f->t, v[i], v[i - 1])) != 0 ||
		    (rc = emit_rec_finish(f->t, v[i])) != 0 ||
		    (rc = emit_rec_key(f->t, v[i], &f->keys)) != 0)
			return rc;
	}
	for (i = 0, *n = 0; i < k; i++)
		if (!v[i]->dead)
			v[(*n)++] = v[i];
	return 0;
}

/* --- the saved partition --------------------------------------------- */

/* old_add notes one saved line. */
static int
old_add(struct flush *f, const char *line, size_t n)
{
	struct zp_json *dom;
	const struct zp_json *k;
	struct old *o;
	char *key;

	if (zp_json_parse(&f->parser, line, n, &dom) != 0 ||
	    (k = zp_json_get(dom, "key")) == NULL || k->type != ZP_JSON_STRING)
		return 0; /* not ours: dropped when the partition is written */
	if (f->n_olds == f->cap_olds) {
		size_t cap = f->cap_olds ? f->cap_olds * 2 : 256;

		if ((o = realloc(f->olds, cap * sizeof(*o))) == NULL)
			return ZP_ENOMEM;
		f->olds = o;
		f->cap_olds = cap;
	}
	if ((key = zp_arena_memdup(&f->arena, k->u.s, k->n + 1)) == NULL)
		return ZP_ENOMEM;
	key[k->n] = '\0';
	o = &f->olds[f->n_olds++];
	o->key = key;
	o->line = line;
	o->n = n;
	o->dom = dom;
	o->used = 0;
	o->legacy = line >= f->job->file.data + f->legacy_from;
	return 0;
}

/* old_index maps each saved participation's identities to it. */
static int
old_index(struct flush *f)
{
	size_t i, k;

	emit_pmap_free(&f->old_ids);
	for (i = 0; i < f->n_olds; i++) {
		const struct zp_json *ids = zp_json_get(f->olds[i].dom, "ids");
		const char *uuid = emit_intern_json(
		    f->t, zp_json_get(f->olds[i].dom, "meeting_uuid"));

		if (uuid == NULL || ids == NULL || ids->type != ZP_JSON_ARRAY)
			continue;
		for (k = 0; k < ids->n; k++) {
			const char *id =
			    emit_intern_json(f->t, &ids->u.items[k]);

			if (id != NULL &&
			    emit_pmap_put(&f->old_ids, uuid, id,
				(void *)(uintptr_t)(i + 1)) != 0)
				return ZP_ENOMEM;
		}
	}
	return 0;
}

/* is_users_all tells whether (ty, day) is the partition of users. */
static int
is_users_all(enum emit_type ty, const char *day)
{
	return ty == EMIT_USER && strcmp(day, EMIT_USERS_DAY) == 0;
}

/* load_olds reads and indexes the saved partition (type, day); that of
 * users takes in the users a state kept by day before. */
static int
load_olds(struct flush *f, enum emit_type ty, const char *day)
{
	const char *line, *nl, *end;
	size_t i;
	int rc;

	f->n_olds = 0;
	zp_arena_reset(&f->arena);
	zp_buf_reset(&f->job->file);
	if ((rc = emit_state_load_part(f->s, ty, day, &f->job->file)) != 0)
		return rc;
	f->legacy_from = f->job->file.len;
	for (i = 0; is_users_all(ty, day) && i < f->n_legacy; i++)
		if ((f->job->file.len > 0 &&
			f->job->file.data[f->job->file.len - 1] != '\n' &&
			(rc = zp_buf_putc(&f->job->file, '\n')) != 0) ||
		    (rc = emit_state_load_part(
			 f->s, ty, f->legacy[i], &f->job->file)) != 0)
			return rc;
	end = f->job->file.data + f->job->file.len;
	for (line = f->job->file.data; f->job->file.len > 0 && line < end;
	     line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		if (nl > line && (rc = old_add(f, line, (size_t)(nl - line))))
			return rc;
	}
	if (f->n_olds > 1)
		qsort(f->olds, f->n_olds, sizeof(*f->olds), by_old_key);
	return ty == EMIT_PARTICIPATION ? old_index(f) : 0;
}

/* old_by_key finds the saved line of key, or NULL. */
static struct old *
old_by_key(struct flush *f, const char *key)
{
	struct old probe = {.key = key};

	return f->n_olds == 0 ? NULL
			      : bsearch(&probe, f->olds, f->n_olds,
				    sizeof(*f->olds), by_old_key);
}

/* --- merging one record ---------------------------------------------- */

/* out_add appends an output line. */
static int
out_add(struct flush *f, const char *key, size_t off, size_t n,
    const char *old, int changed)
{
	struct emit_out *o;

	if (f->job->n_outs == f->job->cap_outs) {
		size_t cap = f->job->cap_outs ? f->job->cap_outs * 2 : 1024;

		if ((o = realloc(f->job->outs, cap * sizeof(*o))) == NULL)
			return ZP_ENOMEM;
		f->job->outs = o;
		f->job->cap_outs = cap;
	}
	o = &f->job->outs[f->job->n_outs++];
	o->key = key;
	o->off = off;
	o->n = n;
	o->old = old;
	o->changed = changed;
	return 0;
}

/* content is the part of a line before its "sources", the last field. */
static size_t
content(const char *line, size_t n)
{
	static const char pat[] = ",\"sources\":[";
	size_t k = sizeof(pat) - 1, i;

	for (i = n >= k ? n - k + 1 : 0; i-- > 0;)
		if (memcmp(line + i, pat, k) == 0)
			return i;
	return n;
}

/* absorb_olds merges every saved line that r is into r; returns how
 * many, the last in *last. */
static int
absorb_olds(struct flush *f, struct emit_rec *r, int *count, struct old **last)
{
	struct old *o = old_by_key(f, r->key), *cand[EMIT_MAX_IDS + 1];
	size_t i, n = 0;
	int rc;

	if (o != NULL && !o->used)
		cand[n++] = o;
	for (i = 0; r->type == EMIT_PARTICIPATION && i < r->n_ids; i++) {
		uintptr_t k = (uintptr_t)emit_pmap_get(
		    f->old_ids, V(r, FP_MEETING_UUID), r->ids[i]);

		if (k != 0 && !f->olds[k - 1].used && &f->olds[k - 1] != o)
			cand[n++] = &f->olds[k - 1];
	}
	*count = 0;
	for (i = 0; i < n; i++) {
		if (cand[i]->used)
			continue;
		if ((rc = emit_rec_absorb(f->t, r, cand[i]->dom)) != 0)
			return rc;
		cand[i]->used = 1;
		(*count)++;
		*last = cand[i];
	}
	if (*count == 0)
		return 0;
	if ((rc = emit_rec_finish(f->t, r)) != 0)
		return rc;
	return emit_rec_key(f->t, r, &f->keys);
}

/* orphan_note remembers a participation whose meeting is unknown. */
static int
orphan_note(struct flush *f, const struct emit_rec *r)
{
	const struct emit_minfo *mi;
	const char *key;

	if (r->type != EMIT_PARTICIPATION)
		return 0;
	mi = emit_pmap_get(f->t->minfo, r->account, V(r, FP_MEETING_UUID));
	if (mi != NULL && mi->day[0] != '\0')
		return 0;
	if ((key = emit_intern(f->t, r->key, strlen(r->key))) == NULL)
		return ZP_ENOMEM;
	if (emit_pmap_get(f->orphaned, r->account, key) != NULL)
		return 0;
	if (emit_pmap_put(&f->orphaned, r->account, key, (void *)r) != 0)
		return ZP_ENOMEM;
	return emit_state_add_orphan(
	    f->s, r->account, V(r, FP_MEETING_UUID), key, r->day);
}

/* same_as tells whether the line written at f->lines[off..] has the
 * content of saved line o (their sources aside). */
static int
same_as(const struct flush *f, size_t off, const struct old *o)
{
	size_t c = content(f->job->lines.data + off, f->job->lines.len - off);

	return c == content(o->line, o->n) &&
	    memcmp(o->line, f->job->lines.data + off, c) == 0;
}

/* keep_old drops the line written at off and keeps saved line o. */
static int
keep_old(struct flush *f, size_t off, struct old *o)
{
	f->job->lines.len = off;
	o->used = 1;
	return out_add(f, o->key, 0, o->n, o->line, 0);
}

/* merge_one merges record r with the saved partition and adds its
 * output line. */
static int
merge_one(struct flush *f, struct emit_rec *r)
{
	struct old *last = NULL, *same = old_by_key(f, r->key);
	size_t off = f->job->lines.len;
	int n, rc;

	/* The common case of a run again: the run's record is its saved
	 * self already, and nothing need be merged (or held). */
	if (same != NULL && !same->used) {
		if ((rc = emit_rec_write(f->t, r, &f->job->lines)) != 0)
			return rc;
		if (same_as(f, off, same))
			return keep_old(f, off, same);
		f->job->lines.len = off;
	}
	if ((rc = absorb_olds(f, r, &n, &last)) != 0 ||
	    (rc = emit_rec_write(f->t, r, &f->job->lines)) != 0 ||
	    (rc = orphan_note(f, r)) != 0)
		return rc;
	if (n == 1 && strcmp(last->key, r->key) == 0 && same_as(f, off, last))
		return keep_old(f, off, last); /* unchanged: the saved line */
	f->st->changed[r->type]++;
	if ((rc = out_add(f, r->key, off, f->job->lines.len - off, NULL, 1)) !=
	    0)
		return rc;
	return zp_buf_putc(
	    &f->job->lines, '\n'); /* so that the lines are the
				  partition's file as they are */
}

/* rebuild makes a user saved by day a record of the run again, so that
 * it takes its day in users/all; one that does not rebuild is dropped. */
static int
rebuild(struct flush *f, struct old *o)
{
	struct emit_rec *r = emit_rec_from_line(f->t, EMIT_USER, o->dom);
	int rc;

	if (r == NULL)
		return ZP_ENOMEM;
	if ((rc = emit_rec_finish(f->t, r)) != 0 ||
	    (rc = emit_rec_key(f->t, r, &f->keys)) != 0) {
		o->used = 1;
		return rc == ZP_EINVAL ? 0 : rc;
	}
	return merge_one(f, r);
}

/* --- one partition --------------------------------------------------- */

/* dedupe sorts the output by key and keeps one line per key (the
 * run's). */
static void
dedupe(struct flush *f)
{
	size_t i, k = 0;

	if (f->job->fresh || f->job->n_outs < 2)
		return; /* fresh: the run's records alone, sorted, one per
			   key; or no line to order (outs may be NULL) */
	qsort(f->job->outs, f->job->n_outs, sizeof(*f->job->outs), by_out_key);
	for (i = 0; i < f->job->n_outs; i++) {
		if (k > 0 &&
		    strcmp(f->job->outs[k - 1].key, f->job->outs[i].key) == 0)
			k--;
		f->job->outs[k++] = f->job->outs[i];
	}
	f->job->n_outs = k;
}

/* partition merges recs[0..n) (one type and day) with the state and
 * hands the result to the writer, to be delivered and saved. */
static int
partition(struct flush *f, enum emit_type ty, const char *day,
    struct emit_rec **recs, size_t n)
{
	size_t i, before;
	int rc, changed = 0;

	if ((rc = keyed(f, recs, &n)) != 0)
		return rc;
	if ((f->job = emit_writer_take(&f->w)) == NULL)
		return emit_writer_finish(&f->w); /* the writer failed */
	f->job->type = ty;
	snprintf(f->job->day, sizeof(f->job->day), "%s", day);
	if ((rc = load_olds(f, ty, day)) != 0)
		return rc;
	f->job->fresh = f->n_olds == 0;
	for (i = 0; f->moved != NULL && i < f->n_olds; i++) /* orphans */
		if (emit_pmap_get(f->moved,
			emit_intern(f->t, day, strlen(day)),
			emit_intern(f->t, f->olds[i].key,
			    strlen(f->olds[i].key))) != NULL) {
			f->olds[i].used = 1;
			changed = 1;
		}
	before = f->st->changed[ty];
	for (i = 0; i < n; i++)
		if ((rc = merge_one(f, recs[i])) != 0)
			return rc;
	for (i = 0; i < f->n_olds; i++) {
		if (f->olds[i].used)
			continue;
		if (f->olds[i].legacy)
			rc = rebuild(f, &f->olds[i]);
		else
			rc = out_add(f, f->olds[i].key, 0, f->olds[i].n,
			    f->olds[i].line, 0);
		if (rc != 0)
			return rc;
	}
	changed |= f->st->changed[ty] != before;
	if (is_users_all(ty, day)) {
		changed |= f->n_legacy > 0; /* to be saved here from now on */
		f->users_done = 1;
	}
	dedupe(f);
	f->st->partitions++;
	f->job->changed = changed;
	emit_writer_put(&f->w, f->job);
	f->job = NULL;
	return 0;
}

/* --- orphans --------------------------------------------------------- */

/* adopt moves an orphan whose meeting the run (or the index) now knows
 * out of its first join's day: it is rebuilt from its saved line as a
 * record of the run and dropped from the old partition. */
static int
adopt(struct flush *f, struct emit_orphan *o)
{
	const struct emit_minfo *mi =
	    emit_pmap_get(f->t->minfo, o->account, o->uuid);
	struct old *old;
	struct emit_rec *r;
	int rc;

	if (mi == NULL || mi->day[0] == '\0' || strcmp(mi->day, o->day) == 0) {
		o->resolved = mi != NULL && mi->day[0] != '\0';
		return 0;
	}
	if ((rc = load_olds(f, EMIT_PARTICIPATION, o->day)) != 0)
		return rc;
	o->resolved = 1;
	if ((old = old_by_key(f, o->key)) == NULL)
		return 0;
	if ((r = emit_rec_from_line(f->t, EMIT_PARTICIPATION, old->dom)) ==
	    NULL)
		return ZP_ENOMEM;
	if ((rc = emit_rec_finish(f->t, r)) != 0)
		return rc == ZP_EINVAL ? 0 : rc;
	return emit_pmap_put(&f->moved,
	    emit_intern(f->t, o->day, strlen(o->day)), o->key, (void *)o);
}

/* adopt_all adopts the orphans and returns, in *days, the days they
 * left (a partition to rewrite even when the run has nothing there). */
static int
adopt_all(struct flush *f, const char ***days, size_t *n_days)
{
	struct emit_orphan *o;
	const char **grown, *day;
	size_t i, n, k;
	int rc;

	*days = NULL;
	*n_days = 0;
	o = emit_state_orphans(f->s, &n);
	for (i = 0; i < n; i++) {
		if (o[i].resolved)
			continue;
		if ((rc = emit_pmap_put(
			 &f->orphaned, o[i].account, o[i].key, &o[i])) != 0 ||
		    (rc = adopt(f, &o[i])) != 0)
			return rc;
		if (!o[i].resolved ||
		    (day = emit_intern(f->t, o[i].day, strlen(o[i].day))) ==
			NULL ||
		    emit_pmap_get(f->moved, day, o[i].key) == NULL)
			continue;
		for (k = 0; k < *n_days && (*days)[k] != day; k++)
			;
		if (k < *n_days)
			continue;
		if ((grown = realloc(*days, (*n_days + 1) * sizeof(*grown))) ==
		    NULL)
			return ZP_ENOMEM; /* the caller frees *days */
		*days = grown;
		(*days)[(*n_days)++] = day;
	}
	return 0;
}

/* --- the whole flush ------------------------------------------------- */

/* legacy_users lists the user partitions of days a state kept before
 * users had one partition, to be merged into it and removed. */
static int
legacy_users(struct flush *f)
{
	size_t i, k = 0;
	int rc;

	if ((rc = emit_state_days(f->s, EMIT_USER, &f->legacy, &f->n_legacy)))
		return rc;
	for (i = 0; i < f->n_legacy; i++)
		if (strcmp(f->legacy[i], EMIT_USERS_DAY) != 0)
			f->legacy[k++] = f->legacy[i];
		else
			free(f->legacy[i]);
	f->n_legacy = k;
	if (k > 0)
		zp_info(
		    "state: %zu partitions of users by day are merged into "
		    "users/%s",
		    k, EMIT_USERS_DAY);
	return 0;
}

/* drop_legacy removes, once users/all holds their records, the user
 * partitions of days from the state and from the sinks that keep
 * partitions. */
static int
drop_legacy(struct flush *f)
{
	struct emit_part p = {.type = EMIT_USER};
	size_t i, k;
	int rc;

	for (i = 0; i < f->n_legacy; i++) {
		p.day = f->legacy[i];
		for (k = 0; k < f->n_sinks; k++)
			if (f->ops[k]->missing != NULL &&
			    (rc = f->ops[k]->put(f->sinks[k], &p)) != 0)
				return rc;
		if ((rc = emit_state_drop_part(f->s, EMIT_USER, p.day)) != 0)
			return rc;
	}
	return 0;
}

/* merge_all runs partition() over the sorted records, plus the
 * participation days that orphans left (and users/all when users of
 * days are to be merged). */
static int
merge_all(struct flush *f, struct emit_rec **v, size_t n, const char **days,
    size_t n_days)
{
	size_t i = 0, j, k;
	int rc;

	while (i < n) {
		for (j = i + 1; j < n && v[j]->type == v[i]->type &&
		     strcmp(v[j]->day, v[i]->day) == 0;
		     j++)
			;
		for (k = 0; v[i]->type == EMIT_PARTICIPATION && k < n_days;
		     k++)
			if (days[k] != NULL && strcmp(days[k], v[i]->day) == 0)
				days[k] = NULL; /* done with its records */
		if ((rc = partition(f, v[i]->type, v[i]->day, v + i, j - i)))
			return rc;
		i = j;
	}
	for (k = 0; k < n_days; k++)
		if (days[k] != NULL &&
		    (rc = partition(f, EMIT_PARTICIPATION, days[k], NULL, 0)))
			return rc;
	if (f->n_legacy > 0 && !f->users_done &&
	    (rc = partition(f, EMIT_USER, EMIT_USERS_DAY, NULL, 0)))
		return rc;
	return 0;
}

/* each_partition merges every partition while the writer delivers and
 * saves them, then removes the users of days and commits.  After a
 * failure, what the partitions before it delivered is committed. */
static int
each_partition(struct flush *f, struct emit_rec **v, size_t n,
    const char **days, size_t n_days)
{
	int rc = merge_all(f, v, n, days, n_days), wrc;

	wrc = emit_writer_finish(&f->w);
	if (rc == 0 && wrc == 0)
		rc = drop_legacy(f);
	if (rc == 0 && wrc == 0) /* the writer is done with the batch */
		emit_state_index_stage(f->s);
	if (rc != 0 || wrc != 0) {
		if (wrc == 0) /* else the writer committed already */
			emit_writer_commit(&f->w);
		return rc != 0 ? rc : wrc;
	}
	return emit_writer_commit(&f->w);
}

/* flush_release frees what the flush held. */
static void
flush_release(struct flush *f)
{
	emit_writer_finish(&f->w);
	emit_writer_release(&f->w);
	zp_buf_release(&f->scratch.file);
	zp_buf_release(&f->scratch.lines);
	free(f->scratch.outs);
	zp_json_parser_release(&f->parser);
	zp_arena_release(&f->arena);
	zp_arena_release(&f->keys);
	free(f->olds);
	emit_pmap_free(&f->old_ids);
	emit_pmap_free(&f->moved);
	emit_pmap_free(&f->orphaned);
	while (f->n_legacy > 0)
		free(f->legacy[--f->n_legacy]);
	free(f->legacy);
}

/* peak_kib is the process's peak resident memory so far (for -v). */
static long
peak_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

int
emit_flush(struct emit_table *t, struct emit_state *s,
    struct emit_sink **sinks, const struct emit_sink_ops **ops, size_t n_sinks,
    struct emit_where *where, struct emit_flush_stats *st)
{
	struct flush f;
	struct emit_rec **v = NULL;
	const char **days = NULL;
	size_t n = 0, n_days = 0, i;
	int rc;

	memset(&f, 0, sizeof(f));
	memset(st, 0, sizeof(*st));
	f.t = t;
	f.s = s;
	f.sinks = sinks;
	f.ops = ops;
	f.n_sinks = n_sinks;
	f.st = st;
	if ((rc = emit_writer_start(&f.w, sinks, ops, n_sinks, s, where)) != 0)
		return rc;
	f.job = &f.scratch; /* until the partitions: adopt's reads */
	zp_json_parser_init(&f.parser, &f.arena);
	zp_debug("table: %zu records, %zu strings (%zu slots), %zu bytes "
		 "in the arena, peak RSS %ld KiB",
	    t->n_recs, t->n_strs, t->cap_strs, t->arena.total, peak_kib());
	emit_pmap_free(&t->part_ids); /* the build is over */
	if ((rc = finish_all(t)) == 0) /* the index, while the rest goes on */
		emit_state_index_start(s);
	if (rc == 0 && (rc = legacy_users(&f)) == 0 &&
	    (rc = adopt_all(&f, &days, &n_days)) == 0 &&
	    (rc = live_sorted(t, &v, &n)) == 0) {
		for (i = 0; i < n; i++)
			st->records[v[i]->type]++;
		f.job = NULL;
		rc = each_partition(&f, v, n, days, n_days);
	}
	st->written = f.w.written;
	free(v);
	free(days);
	flush_release(&f);
	zp_debug("flushed: peak RSS %ld KiB", peak_kib());
	return rc;
}
