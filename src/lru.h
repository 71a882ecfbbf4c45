/*
 * lru: a bounded table of rows keyed by a string (a JID), in least
 * recently active order, for state a stranger can make the daemon keep.
 *
 * Invariants: the table never holds more than its bound; a new key makes
 * room by evicting the least recently active row the owner's keep()
 * does not protect (protected rows met on the way move to the front, so
 * each is passed over once per round of the table: the cost per insertion
 * is amortised constant, lookups are constant); a newcomer is refused
 * only when every row is protected.
 */
#ifndef SECOURS_LRU_H
#define SECOURS_LRU_H

#include <stddef.h>

struct lru;

/* 1 if the row of key must not be evicted (ud: the owner's). */
typedef int (*lru_keep_fn)(void *ud, const char *key, void *val);
/* Frees a row's value (NULL is never passed). */
typedef void (*lru_free_fn)(void *val);
/* Called per row; returns 1 to remove that row. */
typedef int (*lru_each_fn)(void *ud, const char *key, void *val);

/* A table of at most max rows (max >= 1); keep may be NULL. */
struct lru *lru_new(size_t max, lru_keep_fn keep, lru_free_fn free_val,
    void *ud);
void lru_free(struct lru *t);
/* The value of key, or NULL; does not change the order (counts steps). */
void *lru_get(struct lru *t, const char *key);
/* The row of key, made if missing (*made set to 1, value NULL: the caller
 * stores one through the pointer), and marked most recently active. NULL
 * when the table is full of protected rows. */
void **lru_touch(struct lru *t, const char *key, int *made);
/* Removes key's row if there is one. */
void lru_remove(struct lru *t, const char *key);
/* Calls fn on every row, most recent first (fn may ask for removal). */
void lru_each(struct lru *t, lru_each_fn fn, void *ud);
/* Calls fn on rows from the least recently active while it asks for
 * removal (returns 1); stops at the first row fn keeps. Expiry by age
 * then costs the rows expired, not the table: a row that eviction passed
 * over (moved to the front, protected) waits for its turn. */
void lru_expire(struct lru *t, lru_each_fn fn, void *ud);
size_t lru_count(const struct lru *t);
/* Rows evicted so far (a flood shows here). */
size_t lru_evicted(const struct lru *t);
/* Rows looked at so far (hash chain steps, eviction and expiry passes):
 * the work of the table, for tests that it stays constant per call. */
size_t lru_steps(const struct lru *t);

#endif
