/* lru: a bounded, least-recently-active table keyed by string (lru.h). */
#include "ac-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lru.h"
#include "util.h"

struct row {
	struct row	*next;		/* towards the least recently active */
	struct row	*prev;
	struct row	*hnext;		/* same bucket */
	char		*key;
	void		*val;
};

struct lru {
	struct row	*head;		/* most recently active */
	struct row	*tail;
	struct row	**bucket;
	size_t		 nbuckets;	/* a power of two */
	size_t		 n;
	size_t		 max;
	size_t		 evicted;
	size_t		 steps;		/* rows looked at (lru_steps) */
	lru_keep_fn	 keep;
	lru_free_fn	 free_val;
	void		*ud;
};

static size_t
slot_of(const struct lru *t, const char *key)
{
	return util_hash_str(key) & (t->nbuckets - 1);
}

static struct row *
row_find(struct lru *t, const char *key)
{
	struct row *r;

	for (r = t->bucket[slot_of(t, key)]; r != NULL; r = r->hnext) {
		t->steps++;
		if (strcmp(r->key, key) == 0)
			return r;
	}
	return NULL;
}

static void
unlink_row(struct lru *t, struct row *r)
{
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		t->head = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	else
		t->tail = r->prev;
	r->next = r->prev = NULL;
}

static void
push_front(struct lru *t, struct row *r)
{
	r->prev = NULL;
	r->next = t->head;
	if (t->head != NULL)
		t->head->prev = r;
	t->head = r;
	if (t->tail == NULL)
		t->tail = r;
}

static void
row_drop(struct lru *t, struct row *r)
{
	struct row **pp;

	for (pp = &t->bucket[slot_of(t, r->key)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == r) {
			*pp = r->hnext;
			break;
		}
	unlink_row(t, r);
	if (r->val != NULL && t->free_val != NULL)
		t->free_val(r->val);
	free(r->key);
	free(r);
	t->n--;
}

struct lru *
lru_new(size_t max, lru_keep_fn keep, lru_free_fn free_val, void *ud)
{
	struct lru *t = xcalloc(1, sizeof(*t));

	t->max = max > 0 ? max : 1;
	t->nbuckets = 64;
	while (t->nbuckets < t->max && t->nbuckets < 65536)
		t->nbuckets *= 2;
	t->bucket = xcalloc(t->nbuckets, sizeof(*t->bucket));
	t->keep = keep;
	t->free_val = free_val;
	t->ud = ud;
	return t;
}

void
lru_free(struct lru *t)
{
	if (t == NULL)
		return;
	while (t->head != NULL)
		row_drop(t, t->head);
	free(t->bucket);
	free(t);
}

void *
lru_get(struct lru *t, const char *key)
{
	struct row *r = row_find(t, key);

	return r != NULL ? r->val : NULL;
}

/* Evicts the least recently active unprotected row. Protected rows met at
 * the tail move to the front; at most one round of the table. */
static int
make_room(struct lru *t)
{
	size_t tries;

	for (tries = 0; tries < t->n && t->tail != NULL; tries++) {
		struct row *r = t->tail;

		t->steps++;
		if (t->keep == NULL || !t->keep(t->ud, r->key, r->val)) {
			row_drop(t, r);
			t->evicted++;
			return 0;
		}
		unlink_row(t, r);
		push_front(t, r);
	}
	return -1;
}

void **
lru_touch(struct lru *t, const char *key, int *made)
{
	struct row *r = row_find(t, key);
	size_t s;

	*made = 0;
	if (r != NULL) {
		unlink_row(t, r);
		push_front(t, r);
		return &r->val;
	}
	if (t->n >= t->max && make_room(t) == -1)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->key = xstrdup(key);
	s = slot_of(t, key);
	r->hnext = t->bucket[s];
	t->bucket[s] = r;
	push_front(t, r);
	t->n++;
	*made = 1;
	return &r->val;
}

void
lru_remove(struct lru *t, const char *key)
{
	struct row *r = row_find(t, key);

	if (r != NULL)
		row_drop(t, r);
}

void
lru_each(struct lru *t, lru_each_fn fn, void *ud)
{
	struct row *r = t->head, *next;

	for (; r != NULL; r = next) {
		next = r->next;
		if (fn(ud, r->key, r->val))
			row_drop(t, r);
	}
}

void
lru_expire(struct lru *t, lru_each_fn fn, void *ud)
{
	while (t->tail != NULL) {
		t->steps++;
		if (!fn(ud, t->tail->key, t->tail->val))
			break;
		row_drop(t, t->tail);
	}
}

size_t
lru_count(const struct lru *t)
{
	return t->n;
}

size_t
lru_evicted(const struct lru *t)
{
	return t->evicted;
}

size_t
lru_steps(const struct lru *t)
{
	return t->steps;
}
