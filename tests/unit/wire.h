/*
 * wire.h: the bodies in flight between OTR instances run in one process
 * (test_otr, fuzz_otr): a queue, oldest first, of copies of the sender's
 * full JID, the recipient and the body.
 */
#ifndef SECOURS_WIRE_H
#define SECOURS_WIRE_H

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct wire_msg {
	char	*from;
	char	*to;
	char	*body;
};

/* Appends to q (*n used of cap); -1 when it is full. */
static int
wire_push(struct wire_msg *q, int *n, int cap, const char *from,
    const char *to, const char *body)
{
	if (*n == cap)
		return -1;
	q[*n].from = xstrdup(from);
	q[*n].to = xstrdup(to);
	q[*n].body = xstrdup(body);
	(*n)++;
	return 0;
}

/* Takes the oldest into m (free it with wire_msg_free); 0 when empty. */
static int
wire_pop(struct wire_msg *q, int *n, struct wire_msg *m)
{
	if (*n == 0)
		return 0;
	*m = q[0];
	memmove(q, q + 1, (size_t)(*n - 1) * sizeof(q[0]));
	(*n)--;
	return 1;
}

static void
wire_msg_free(struct wire_msg *m)
{
	free(m->from);
	free(m->to);
	free(m->body);
}

#endif
