/*
 * test_lru: the bounded tables a stranger can add rows to (the daemon's
 * people, presence and rate tables; issue 9). A flood of strangers evicts
 * strangers, least recently active first, never a protected row (a person
 * with an open case or an encrypted session, a configured helper), never
 * refuses a newcomer while one stranger is left, and costs a constant
 * amount per insertion.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lru.h"
#include "tap.h"
#include "util.h"

static long keep_calls;

/* Protected: keys starting with "case:" or "helper:". */
static int
keep(void *ud, const char *key, void *val)
{
	(void)ud;
	(void)val;
	keep_calls++;
	return strncmp(key, "case:", 5) == 0 ||
	    strncmp(key, "helper:", 7) == 0;
}

static int
add(struct lru *t, const char *key)
{
	int made;
	void **v = lru_touch(t, key, &made);

	if (v == NULL)
		return -1;
	if (made)
		*v = xstrdup(key);
	return made;
}

static int
remove_all(void *ud, const char *key, void *val)
{
	(void)ud;
	(void)key;
	(void)val;
	return 1;
}

/* Removes rows whose number (the key's first digits) is below *ud. */
static int
older_than(void *ud, const char *key, void *val)
{
	(void)val;
	return atoi(key) < *(const int *)ud;
}

int
main(void)
{
	struct lru *t = lru_new(64, keep, free, NULL);
	char key[64];
	long worst = 0;
	int refused = 0;

	CHECK_INT(1, add(t, "case:alice@example.test"), "a person with a case");
	CHECK_INT(1, add(t, "helper:hana@example.test"), "a helper");
	CHECK_INT(1, add(t, "bob@example.test"), "a person who wrote");
	/* A flood: 100,000 strangers, bob writing now and then. */
	for (int i = 0; i < 100000; i++) {
		long before = keep_calls;

		util_snprintf(key, sizeof(key), "s%d@flood.test", i);
		if (add(t, key) != 1)
			refused++;
		if (keep_calls - before > worst)
			worst = keep_calls - before;
		if (i % 40 == 0)
			add(t, "bob@example.test");
	}
	CHECK_INT(0, refused, "no stranger of the flood is refused");
	CHECK_INT(64, lru_count(t), "the table stays at its bound");
	CHECK(lru_get(t, "case:alice@example.test") != NULL,
	    "the person with an open case is still there");
	CHECK(lru_get(t, "helper:hana@example.test") != NULL,
	    "the helper is still there");
	CHECK(lru_get(t, "bob@example.test") != NULL,
	    "the person who keeps writing is still there");
	CHECK(lru_get(t, "s0@flood.test") == NULL,
	    "the least recent strangers went");
	CHECK(lru_get(t, "s99999@flood.test") != NULL,
	    "the newest stranger is there");
	CHECK(lru_evicted(t) >= 100000 - 64, "each newcomer evicted one");
	printf("# 100000 insertions: %ld keep() calls, at most %ld for one\n",
	    keep_calls, worst);
	CHECK(keep_calls < 3 * 100000L,
	    "amortised constant: under 3 keep() calls per insertion");
	CHECK(worst <= 3, "protected rows are passed over once per round");

	/* Full of protected rows: the newcomer is refused, nothing evicted. */
	lru_each(t, remove_all, NULL);
	CHECK_INT(0, lru_count(t), "emptied");
	for (int i = 0; i < 64; i++) {
		util_snprintf(key, sizeof(key), "case:p%d@example.test", i);
		add(t, key);
	}
	CHECK_INT(-1, add(t, "late@flood.test"),
	    "full of protected rows: a stranger is refused");
	CHECK(lru_get(t, "case:p0@example.test") != NULL,
	    "and no protected row went");
	lru_remove(t, "case:p5@example.test");
	CHECK_INT(1, add(t, "late@flood.test"), "room again after a removal");
	lru_free(t);

	/* Expiry by age: oldest first, up to the first row kept. */
	t = lru_new(1000, NULL, free, NULL);
	for (int i = 0; i < 1000; i++) {
		util_snprintf(key, sizeof(key), "%04d@example.test", i);
		add(t, key);
	}
	add(t, "0000@example.test");	/* active again: most recent */
	{
		size_t before = lru_steps(t);
		int limit = 100;

		lru_expire(t, older_than, &limit);
		before = lru_steps(t) - before;
		CHECK_INT(99, lru_count(t) == 1000 - 99 ? 99 : -1,
		    "lru_expire: 0001 to 0099 went");
		CHECK(lru_get(t, "0000@example.test") != NULL,
		    "lru_expire: the row active again stayed");
		CHECK(before == 100,
		    "lru_expire looks at the expired rows and one more");
		before = lru_steps(t);
		(void)lru_get(t, "0500@example.test");
		CHECK(lru_steps(t) - before <= 2,
		    "a lookup in 900 rows looks at 2 at most");
	}
	lru_free(t);
	return TAP_DONE();
}
