/*
 * bot: the conversation engine. An event goes in, actions come out; every
 * sentence comes from phrases, every excerpt from the guide. No I/O, no
 * clock: time is an argument.
 */
#include "ac-config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bot.h"
#include "chat.h"
#include "config.h"
#include "escalate.h"
#include "guide.h"
#include "intent.h"
#include "jid.h"
#include "lang.h"
#include "log.h"
#include "lru.h"
#include "phrases.h"
#include "search.h"
#include "util.h"

#define BOT_NHITS		10	/* hits asked of the search */
#define DANGER_AGREE		3	/* danger_guidance(): hits that may agree */
#define BOT_NCLOSEST		3	/* "did you mean" suggestions */
#define BOT_NEXPLAIN		5	/* --explain lines */
#define BOT_QUEUE		64	/* sections MORE may still show */
#define BOT_LISTING		60	/* numbered entries of a listing */
#define BOT_PAGE_LINES		8	/* sections "this page, which part?" lists
					   (a phone screen; MORE reads them all) */
#define BOT_PLAIN_LINES		5	/* the same on a page without asks: its
					   start, then the closest (s12-dunc) */
#define BOT_MIN_EXCERPT		200	/* characters, whatever the footer */
#define BOT_PHONE_CHARS		700	/* characters a message aims at: a
					   phone screen without scrolling
					   (VOICE.md), max_reply_chars the
					   most */
#define BOT_LANG_MAX		8
#define ALSO_LEAD		0.6	/* side_own(): the prior's lead of a
					   second subject's page */
#define ALSO_SHARE		0.7	/* side_own(): the answered page's
					   share of its best score, under */
#define BOT_REDETECT_WORDS	3	/* words for a question to switch language */
#define LANG_GUESS_MAX		16	/* desk languages a guess weighs */
#define BOT_FOLLOW_WORDS	4	/* search words of a follow-up, at most */
#define BOT_NEXT_WORDS		6	/* words of a "what next" message, at most */
#define BOT_JOIN_MIN		120	/* characters of the part that a section
					   ending on a colon opens, at least,
					   shown with it (show_section()) */
#define BOT_TOPIC_LINES		10	/* TOPICS entries a screen shows, at
					   most: MORE for the others */
#define BOT_TYPO_MIN		4	/* letters of a word a typo may stand for
					   (typo_fixed()) */
#define BOT_KEEP_SHARE		0.8	/* of a follow-up's best score: the
					   page read keeps it (page_kept()) */
#define BOT_FOLLOW_BARE		2	/* ...of one that does not open as one
					   ("and", "what about"): four words
					   are a question of their own ("log
					   fb anoth countri") */
#define BOT_GREETINGS		8	/* greetings kept rendered (bot_secure) */
#define BOT_NARROW_WORDS	8	/* words of a message that only says
					   which one (names_only()), at most */

enum lang_from {
	LANG_DEFAULT = 0,	/* not known yet: detection may change it */
	LANG_GUESSED,		/* a best guess on a message that told none
				   (question_lang()): as LANG_DEFAULT, the
				   next message with evidence changes it */
	LANG_DETECTED,		/* from the first message with evidence */
	LANG_CHOSEN,		/* FRANCAIS, LANG xx, --lang: kept */
};

enum pending {
	PENDING_NONE = 0,
	PENDING_DESCRIBE,	/* HUMAN without a question: next text */
	PENDING_CONSENT,	/* consent asked for consent_text */
};

/* What last_question came with (person.danger). */
enum danger {
	DANGER_NOW = 1,		/* danger now: the emergency line */
	DANGER_SELF,		/* self-harm: an emergency number, a crisis
				   line */
	DANGER_LATER,		/* danger to come (an arrest tomorrow):
				   never person.danger, only a request's
				   mark */
};

enum listing_kind {
	LIST_PAGE,		/* TOPICS: a number lists the page */
	LIST_SECTION,		/* a page's sections: MORE goes on in the page */
	LIST_CHOICE,		/* "is it one of these?": MORE goes on with
				   the other choices */
};

struct listing {
	enum listing_kind	kind;
	size_t			index;
};

/* A reading: the section being read, where its next page starts, and the
 * sections MORE shows after it. One assignment saves or restores it
 * (reading_aside()); reading_clear() ends it. */
struct reading {
	int		 open;		/* sec has more to show */
	size_t		 sec;		/* the section read last (it stays
					   when the reading ends) */
	size_t		 offset;
	size_t		 queue[BOT_QUEUE];
	size_t		 nqueue;
	size_t		 qpos;
	size_t		 first;		/* the reading's first section */
	int		 branch;	/* it is a branch of its page: MORE
					   ends with the page's list */
};

/* A reading put aside while a part offered beside it is read
 * (reading_aside()): MORE goes back to it after that part. */
struct resume {
	int		 set;
	struct reading	 rd;
};

/* The conversation with one peer: language, reading, consent, checks.
 * (daemon.c's struct contact is how to reach them.) */
struct person {
	char		*jid;
	char		 lang[BOT_LANG_MAX];
	enum lang_from	 lang_from;
	char		*last_question;
	struct reading	 rd;		/* what MORE reads on */
	struct resume	 resume;	/* the reading a part offered beside
					   it interrupted */
	size_t		 aside;		/* that part, offered by number
					   (also_offer(), follow_same()); else
					   GUIDE_NONE */
	/* The last numbered list shown (TOPICS, a page, "did you mean"). */
	struct listing	 listing[BOT_LISTING];
	size_t		 nlisting;
	size_t		 tshown;	/* TOPICS: its entries shown so far */
	int		 tmine;		/* TOPICS: in the person's language */
	/* The choices of a question that came with danger, kept for MORE
	 * (the danger reply came instead of them). */
	size_t		 held[BOT_NCLOSEST];
	size_t		 nheld;
	/* Choices found beyond the first BOT_NCLOSEST: MORE lists them. */
	size_t		 more[BOT_NCLOSEST];
	size_t		 nmore;
	int		 listed;	/* the list is the last thing shown */
	size_t		 offer;		/* the section offered after a
					   check-in (crisis_after()): MORE
					   reads it too; else GUIDE_NONE */
	enum pending	 pending;
	char		*consent_text;
	int		 consent_cut;	/* consent_text is a long text cut */
	int		 question_cut;	/* so is last_question */
	int		 answered;	/* a guide section was shown */
	int		 danger;	/* last_question came with words of
					   danger now (DANGER_NOW) or of
					   self-harm (DANGER_SELF), else 0 */
	int		 consent_danger; /* so did consent_text (it stays
					   while other questions come) */
	char		*alarm;		/* the last words that got the
					   danger or self-harm reply, until
					   a request is sent: HUMAN offers
					   them with what followed */
	int		 alarm_kind;	/* DANGER_NOW, DANGER_SELF or
					   DANGER_LATER */
	char		 consent_lang[BOT_LANG_MAX]; /* the language of
					   consent_text: the case's */
	int		 declined;	/* the last message was a NO to
					   consent: a YES now asks it again */
	int		 relay_warned;	/* words of danger relayed to a
					   helper got the emergency line */
	int		 unverified_told; /* HUMAN said the session is not
					   verified (until it changes) */
	int		 spoken_told;	/* lang_spoken was said (once) */
	int		 verified;	/* the bot checked the person's key */
	int		 proved;	/* the person's check of the bot passed */
	int		 smp_asked;	/* the bot started the last check */
	int		 doubted;	/* a check failed since the bot's last
					   pass: the key's trust no longer
					   counts, whatever libotr says */
	time_t		 last;
};

/*
 * A greeting as sent (after chat_text_out): the same text for everyone
 * who shares its language, key state and the bot's fingerprint, so it is
 * rendered once and kept; every field it depends on is its key. Emptied
 * by bot_reload (new phrases).
 */
struct greeting {
	char		 lang[BOT_LANG_MAX];
	int		 verified;
	char		*our_fp;	/* NULL: none given */
	char		*question;	/* the SMP question; NULL: none */
	char		*text;		/* NULL: slot unused */
	int		 silent;	/* every phrase empty: nothing said */
};

struct bot {
	const struct config	*cfg;
	const struct guide	*g;
	const struct search	*s;
	const struct phrases	*p;
	struct escalate		*esc;
	struct bot_env		 env;
	int			 explain;
	/* --explain: the last question's best hits, for the console's own
	 * lines (bot_explain_hits()); never put in a BOT_SAY. */
	struct search_hit	 xhits[BOT_NEXPLAIN];
	size_t			 nxhits;
	/* --explain: the words the bot added to this search itself (an own
	 * arrest's arrest_search), or NULL. */
	char			*xadded;
	struct lru		*people;	/* folded bare JID -> person */
	struct intent		*intent;
	struct greeting		 greet[BOT_GREETINGS];
	size_t			 greet_next;	/* slot to reuse next */
};

/* One event being handled. */
struct turn {
	struct bot		*b;
	struct person		*who;		/* NULL: no state (busy) */
	const char		*peer;
	const struct bot_facts	*f;
	time_t			 now;
	struct bot_actions	*out;
	int			 declined;	/* who->declined before
						   this message */
};

/* Actions. */

void
bot_actions_init(struct bot_actions *a)
{
	memset(a, 0, sizeof(*a));
}

void
bot_actions_add(struct bot_actions *a, enum bot_act type, const char *peer,
    const char *text)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 8;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n].type = type;
	a->v[a->n].peer = xstrdup(peer ? peer : "");
	a->v[a->n].text = text ? xstrdup(text) : NULL;
	a->n++;
}

void
bot_actions_clear(struct bot_actions *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].peer);
		free(a->v[i].text);
	}
	a->n = 0;
}

void
bot_actions_release(struct bot_actions *a)
{
	bot_actions_clear(a);
	free(a->v);
	bot_actions_init(a);
}

/* Text helpers. */

/*
 * Copies at most max characters of s (limits.max_text counts characters),
 * cut after the last whole word when one ends in the second half; *cut
 * (may be NULL) gets 1 when s was cut, else 0.
 */
static char *
copy_capped(const char *s, size_t max, int *cut)
{
	size_t n = 0, chars = 0, sp = 0;

	if (cut != NULL)
		*cut = 0;
	while (s[n] != '\0' && (max == 0 || chars < max)) {
		n++;
		while (((unsigned char)s[n] & 0xc0) == 0x80)
			n++;
		chars++;
		if (s[n] == ' ' && chars > max / 2)
			sp = n;
	}
	if (s[n] == '\0')
		return xstrdup(s);
	if (cut != NULL)
		*cut = 1;
	return xstrndup(s, sp > 0 ? sp : n);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/*
 * Folds text for command matching: lang_fold(), then any trailing
 * punctuation and spaces, and a leading Spanish ¿ or ¡, are dropped, and
 * inner runs of spaces become one. New string; caller frees.
 */
static char *
fold_command(const char *text)
{
	char *f = lang_fold(text), *s, *w, *out;
	size_t n;

	if (f == NULL)
		return xstrdup("");
	s = f;
	for (;;) {
		while (is_space(*s))
			s++;
		if (strncmp(s, "\xc2\xbf", 2) == 0 ||
		    strncmp(s, "\xc2\xa1", 2) == 0)
			s += 2;
		else
			break;
	}
	n = strlen(s);
	for (;;) {
		if (n > 0 && (strchr(" \n\t\r!?.,;:", s[n - 1]) != NULL))
			n--;
		else if (n >= 3 && strncmp(s + n - 3, "\xe2\x80\xa6", 3) == 0)
			n -= 3;	/* … */
		else
			break;
	}
	out = xmalloc(n + 1);
	w = out;
	for (size_t i = 0; i < n; i++) {
		if (is_space(s[i])) {
			if (w > out && w[-1] != ' ')
				*w++ = ' ';
		} else
			*w++ = s[i];
	}
	*w = '\0';
	free(f);
	return out;
}

static size_t
count_words(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (!is_space(*s) && (s[1] == '\0' || is_space(s[1])))
			n++;
	return n;
}

/* Output. */

static const char *
turn_lang(const struct turn *t)
{
	if (t->who != NULL)
		return t->who->lang;
	return t->b->cfg->guide.default_language;
}

static const char *
P(const struct turn *t, const char *key)
{
	return phrases_get(t->b->p, turn_lang(t), key);
}

static void
emit(struct turn *t, enum bot_act type, const char *peer, const char *text)
{
	char *clean = chat_text_out(text);

	bot_actions_add(t->out, type, peer, clean);
	free(clean);
}

/* Says text to the peer of this turn. */
static void
say(struct turn *t, const char *text)
{
	emit(t, BOT_SAY, t->peer, text);
}

/* Says one phrase to the peer of this turn. */
static void
say_key(struct turn *t, const char *key)
{
	say(t, P(t, key));
}

/* Appends a phrase to a message being built, as a new paragraph. */
static void
add_key(struct turn *t, struct buf *m, const char *key,
    const char *const *vars)
{
	char *s = phrases_render(t->b->p, turn_lang(t), key, vars);

	if (m->len > 0)
		buf_adds(m, "\n\n");
	buf_adds(m, s);
	free(s);
}

/* Same, as a new line rather than a paragraph. */
static void
add_line(struct turn *t, struct buf *m, const char *key,
    const char *const *vars)
{
	char *s = phrases_render(t->b->p, turn_lang(t), key, vars);

	if (m->len > 0)
		buf_addc(m, '\n');
	buf_adds(m, s);
	free(s);
}

static void
say_buf(struct turn *t, struct buf *m)
{
	if (m->len > 0)
		say(t, m->s);
	buf_release(m);
}

/* Renders escalation notes into actions. */
static void
emit_notes(struct turn *t, struct esc_notes *notes)
{
	for (size_t i = 0; i < notes->n; i++) {
		struct esc_note *n = &notes->v[i];
		char *text;

		if (n->to == ESC_OPEN_HELPER) {
			bot_actions_add(t->out, BOT_OPEN, n->jid, NULL);
			continue;
		}
		text = phrases_render(t->b->p, n->lang, n->key,
		    (const char *const *)n->vars);
		emit(t, n->sensitive ? BOT_SAY_HELPER : BOT_SAY, n->jid, text);
		free(text);
	}
	esc_notes_clear(notes);
}

/* People. */

/* The reading ends: nothing left for MORE. The section read last stays
 * (a follow-up compares with it). */
static void
reading_clear(struct reading *rd)
{
	size_t sec = rd->sec;

	*rd = (struct reading){ .sec = sec, .first = GUIDE_NONE };
}

static void
person_reset_reading(struct person *w)
{
	reading_clear(&w->rd);
	w->nheld = 0;
	w->offer = GUIDE_NONE;
	w->aside = GUIDE_NONE;
	w->resume.set = 0;
}

static void
person_free(struct person *w)
{
	if (w == NULL)
		return;
	free(w->jid);
	free(w->last_question);
	util_strfreezero(w->consent_text);
	util_strfreezero(w->alarm);
	free(w);
}

static void
person_free_val(void *val)
{
	person_free(val);
}

static size_t
max_people(const struct bot *b)
{
	return b->cfg->limits.max_sessions ? b->cfg->limits.max_sessions :
	    1000;
}

/*
 * Who must keep their conversation when a newcomer needs room: a helper, a
 * person with a question waiting for their yes or no (consent), one with an
 * open case, and whoever the daemon keeps (bot_env.kept: an encrypted
 * session), as in the daemon's own people table.
 */
static int
person_kept(void *ud, const char *key, void *val)
{
	const struct bot *b = ud;
	const struct person *w = val;

	if (w != NULL && w->pending != PENDING_NONE)
		return 1;
	if (config_helper_find(b->cfg, key) != NULL ||
	    (b->esc != NULL && escalate_case_of(b->esc, key) > 0))
		return 1;
	return b->env.kept != NULL && b->env.kept(b->env.ud, key);
}

/*
 * The person's state, created if missing and marked most recently active.
 * The table holds max_sessions people, in a hash by folded bare JID: a
 * newcomer takes the place of the least recently active person that
 * person_kept() does not protect; NULL only when every one is protected
 * (the newcomer is told to come back later).
 */
static struct person *
person_get(struct bot *b, const char *jid, time_t now)
{
	char key[JID_BARE_MAX + 1];
	struct person *w;
	void **slot;
	int made;

	if (jid_bare_into(jid, key, sizeof(key)) != JID_OK ||
	    (slot = lru_touch(b->people, key, &made)) == NULL) {
		log_warnx("bot: %zu conversations live, all kept, none for %s",
		    lru_count(b->people), log_peer(jid));
		return NULL;
	}
	if (!made) {
		w = *slot;
		w->last = now;
		return w;
	}
	w = xcalloc(1, sizeof(*w));
	w->jid = xstrdup(jid);
	reading_clear(&w->rd);
	w->offer = GUIDE_NONE;
	w->aside = GUIDE_NONE;
	util_strlcpy(w->lang, b->cfg->guide.default_language,
	    sizeof(w->lang));
	w->last = now;
	*slot = w;
	return w;
}

static void
person_forget(struct bot *b, const char *jid)
{
	char key[JID_BARE_MAX + 1];

	if (jid_bare_into(jid, key, sizeof(key)) == JID_OK)
		lru_remove(b->people, key);
}

static void
turn_init(struct turn *t, struct bot *b, const char *peer,
    const struct bot_facts *f, time_t now, struct bot_actions *out)
{
	memset(t, 0, sizeof(*t));
	t->b = b;
	t->peer = peer;
	t->f = f;
	t->now = now;
	t->out = out;
}

/* Languages. */

static int
lang_known(const struct bot *b, const char *lang)
{
	if (phrases_has_lang(b->p, lang))
		return 1;
	for (size_t i = 0; b->g != NULL && i < guide_npages(b->g); i++)
		if (strcmp(guide_page_lang(b->g, i), lang) == 0)
			return 1;
	return 0;
}

static void
set_lang(struct person *w, const char *lang, enum lang_from from)
{
	util_strlcpy(w->lang, lang, sizeof(w->lang));
	w->lang_from = from;
}

/* 1 if no message told the person's language yet (the default, or a
 * best guess): the next one with evidence sets it. */
static int
lang_open(const struct person *w)
{
	return w->lang_from == LANG_DEFAULT || w->lang_from == LANG_GUESSED;
}

/* A message in a language the bot speaks (lang, NULL: none told) moves
 * the conversation to it, unless the person chose one with a command. */
static void
follow_lang(struct turn *t, const char *lang)
{
	struct person *w = t->who;

	if (w->lang_from != LANG_CHOSEN && lang != NULL &&
	    phrases_has_lang(t->b->p, lang))
		set_lang(w, lang, LANG_DETECTED);
}

/* The name of lang in the person's language ("anglais"), or the code. */
static const char *
lang_name(struct turn *t, const char *lang, char *key, size_t size)
{
	(void)util_snprintf(key, size, "lang_name_%s", lang);
	if (phrases_exists(t->b->p, turn_lang(t), key) ||
	    phrases_exists(t->b->p, "en", key))
		return P(t, key);
	return lang;
}

/* The guide: excerpts and paging. */

static double
min_score(const struct bot *b)
{
	/* 0, the key's default, means the guide's own threshold. */
	return b->cfg->guide.min_score > 0 ? b->cfg->guide.min_score :
	    search_min_score(b->s);
}

/* Appends heading h to m without a trailing colon ("Helpful resources:",
 * French "Premières mesures :"): on a source line or in a list it reads as
 * a sentence cut short. The guide keeps the heading as written. */
static void
add_heading(struct buf *m, const char *h)
{
	size_t n = strlen(h);

	while (n > 0 && (h[n - 1] == ':' || h[n - 1] == ' '))
		n--;
	if (n >= 2 && (unsigned char)h[n - 1] == 0xa0 &&
	    (unsigned char)h[n - 2] == 0xc2)
		n -= 2;		/* a no-break space before the colon */
	while (n > 0 && h[n - 1] == ' ')
		n--;
	buf_add(m, h, n > 0 ? n : strlen(h));
}

/* "Page title › Section heading" into m. An empty parent shows its first
 * child's text (guide.h): the child's heading names what is shown. */
static void
add_source(struct turn *t, struct buf *m, size_t sec)
{
	const struct guide *g = t->b->g;
	size_t page = guide_section_page(g, sec);
	size_t end = guide_page_first_section(g, page) +
	    guide_page_nsections(g, page);
	const char *title = guide_page_title(g, page);
	const char *head;

	while (sec + 1 < end && guide_section_text(g, sec)[0] != '\0' &&
	    strcmp(guide_section_text(g, sec),
	    guide_section_text(g, sec + 1)) == 0)
		sec++;
	head = guide_section_heading(g, sec);

	if (head == NULL || head[0] == '\0' || strcmp(head, title) == 0)
		head = P(t, "source_intro");
	buf_addf(m, "%s \xe2\x80\xba ", title);
	add_heading(m, head);
}

/* Characters (code points) of the first n bytes of s. */
static size_t
chars_n(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* n, the spaces before it dropped: where s's first n bytes end as text. */
static size_t
trimmed(const char *s, size_t n)
{
	while (n > 0 && is_space(s[n - 1]))
		n--;
	return n;
}

static size_t
skip_space(const char *s, size_t i)
{
	while (s[i] != '\0' && is_space(s[i]))
		i++;
	return i;
}

/* Chat text of section sec as the reader sees it, or "". */
static const char *
shown_text(const struct guide *g, size_t sec)
{
	const char *s = guide_section_shown(g, sec);

	return s ? s : "";
}

static const char *
section_text(const struct bot *b, size_t sec)
{
	return shown_text(b->g, sec);
}

/* The page's URL when base_url is set, or NULL. New string. */
static char *
page_url(const struct bot *b, size_t page)
{
	const char *base = b->cfg->guide.base_url;
	const char *link = guide_page_permalink(b->g, page);
	struct buf u;
	size_t n;

	if (base == NULL || base[0] == '\0')
		return NULL;
	if (link == NULL || link[0] == '\0') {
		const char *path = guide_page_path(b->g, page);
		const char *slash = path ? strrchr(path, '/') : NULL;

		link = slash ? slash + 1 : path;
		if (link == NULL)
			return NULL;
	}
	buf_init(&u);
	buf_adds(&u, base);
	n = strlen(base);
	if (n > 0 && base[n - 1] == '/' && link[0] == '/')
		link++;
	else if (n > 0 && base[n - 1] != '/' && link[0] != '/')
		buf_addc(&u, '/');
	buf_adds(&u, link);
	return buf_detach(&u);
}

/* 1 if sections a and b read the same on a list ("Title › Heading",
 * case and accents aside): a page's copy in another language folder, as
 * the DFAK's, must not show one entry twice. */
static int
same_source(struct turn *t, size_t a, size_t b)
{
	struct buf x, y;
	char *fx, *fy;
	int same;

	buf_init(&x);
	buf_init(&y);
	add_source(t, &x, a);
	add_source(t, &y, b);
	fx = lang_fold(x.s);
	fy = lang_fold(y.s);
	same = fx != NULL && fy != NULL && strcmp(fx, fy) == 0;
	free(fx);
	free(fy);
	buf_release(&x);
	buf_release(&y);
	return same;
}

static size_t	reader_section(const struct turn *, size_t);

/* The next section MORE would show, skipping empty ones; 0 when none. */
static int
queue_peek(const struct bot *b, struct person *w, size_t *sec)
{
	while (w->rd.qpos < w->rd.nqueue) {
		size_t s = w->rd.queue[w->rd.qpos];

		if (section_text(b, s)[0] != '\0') {
			*sec = s;
			return 1;
		}
		w->rd.qpos++;
	}
	return 0;
}

/* Has the reading more for MORE: the rest of its section, or a section
 * queued after it? */
static int
reading_left(const struct bot *b, struct person *w)
{
	size_t next;

	return w->rd.open || queue_peek(b, w, &next);
}

/*
 * Shows a page of section sec from the person's offset: the source line, the
 * excerpt (cut at a boundary so the whole message fits max_reply_chars), a
 * note when the section is in another language, what to type next, and the
 * page URL.
 */
static void
show_section(struct turn *t, size_t sec, size_t offset)
{
	struct bot *b = t->b;
	struct person *w = t->who;
	const char *text = section_text(b, sec) + offset;
	const char *plang = guide_page_lang(b->g, guide_section_page(b->g, sec));
	struct buf m, tail;
	size_t max, used, cut, next_s, lim, aim;
	char *url, key[32];
	const char *footer;

	buf_init(&m);
	add_source(t, &m, sec);
	if (offset > 0) {
		buf_addc(&m, ' ');
		buf_adds(&m, P(t, "source_continued"));
	}
	buf_addc(&m, '\n');

	/* The tail first: its length decides how much excerpt fits. */
	buf_init(&tail);
	if (plang != NULL && strcmp(plang, turn_lang(t)) != 0) {
		const char *v[] = { "language",
		    lang_name(t, plang, key, sizeof(key)), NULL };
		add_key(t, &tail, "answer_other_lang", v);
	}
	max = b->cfg->guide.max_reply_chars;
	/* The footer depends on what is left; count the longest one. */
	used = util_utf8_chars(m.s) + util_utf8_chars(tail.s) + 4;
	{
		size_t fm = util_utf8_chars(P(t, "footer_more"));
		size_t fn = util_utf8_chars(P(t, "footer_next"));
		size_t fe = util_utf8_chars(P(t, "footer_end"));
		size_t fb = w->rd.branch ?
		    util_utf8_chars(P(t, "footer_branch")) : 0;
		size_t fr = w->resume.set ?
		    util_utf8_chars(P(t, "footer_resume")) : 0;
		size_t fp = util_utf8_chars(P(t, "footer_next_part"));

		if (fp > fn)
			fn = fp;
		if (fb > fe)
			fe = fb;
		if (fr > fe)
			fe = fr;
		used += fm > fn ? (fm > fe ? fm : fe) : (fn > fe ? fn : fe);
	}
	if ((url = page_url(b, guide_section_page(b->g, sec))) != NULL) {
		const char *v[] = { "url", url, NULL };
		char *line = phrases_render(b->p, turn_lang(t), "footer_url", v);

		used += util_utf8_chars(line) + 1;
		free(line);
	}
	/*
	 * max_reply_chars at most; on a page written for the web (no asks:
	 * the DFAK's), a phone screen (BOT_PHONE_CHARS) when a paragraph or
	 * a list item ends there (guide.h). A page written for this desk
	 * (asks) keeps its own order whole up to max_reply_chars: its authors
	 * put a section's warnings where the reader meets them, and the
	 * phone cut once pushed "we never ask for your passwords" behind
	 * MORE. No phone cut either when the source line and footer leave
	 * it less than BOT_MIN_EXCERPT.
	 */
	lim = used + BOT_MIN_EXCERPT < max ? max - used : BOT_MIN_EXCERPT;
	aim = lim;
	if (used + BOT_MIN_EXCERPT < BOT_PHONE_CHARS &&
	    !guide_section_for_desk(b->g, sec))
		aim = BOT_PHONE_CHARS - used;
	cut = guide_excerpt_aim(text, aim, lim);
	{
		size_t end = trimmed(text, cut), ex, next = GUIDE_NONE, h = 0;

		/*
		 * A section that ends on a line opening what follows ("If you
		 * suspect a malware infection, here are some things you can
		 * do:") with the next part of its page after it: that part's
		 * heading and first lines come with it, never a colon and
		 * then only "Type MORE" (s18-qa). With no room for them, the
		 * excerpt stops before that sentence (guide_excerpt_lead()),
		 * which MORE then shows with them. A cut inside a section
		 * never ends so (guide_excerpt_cut()).
		 */
		if (text[skip_space(text, cut)] == '\0' && end > 0 &&
		    text[end - 1] == ':' && queue_peek(b, w, &next) &&
		    guide_section_page(b->g, (next = reader_section(t,
		    next))) == guide_section_page(b->g, sec) &&
		    section_text(b, next)[0] != '\0') {
			h = util_utf8_chars(guide_section_heading(b->g, next)) +
			    3;
			if (h + chars_n(text, end) + BOT_JOIN_MIN > lim) {
				cut = guide_excerpt_lead(text, cut);
				end = trimmed(text, cut);
				next = GUIDE_NONE;
			}
		} else
			next = GUIDE_NONE;
		buf_add(&m, text, end);
		ex = chars_n(text, end);
		if (next != GUIDE_NONE) {
			w->rd.qpos++;
			buf_adds(&m, "\n\n");
			add_heading(&m, guide_section_heading(b->g, next));
			buf_addc(&m, '\n');
			sec = next;
			offset = 0;
			text = section_text(b, sec);
			cut = guide_excerpt_aim(text, aim > ex + h ?
			    aim - ex - h : 0, lim - ex - h);
			buf_add(&m, text, trimmed(text, cut));
		}
	}

	w->rd.open = 1;
	w->answered = 1;
	w->listed = 0;
	w->rd.sec = sec;
	w->rd.offset = offset + skip_space(text, cut);
	if (section_text(b, sec)[w->rd.offset] != '\0')
		footer = "footer_more";
	else {
		w->rd.open = 0;
		footer = !queue_peek(b, w, &next_s) ? (w->resume.set ?
		    "footer_resume" : w->rd.branch ?
		    "footer_branch" : "footer_end") :
		    guide_section_page(b->g, reader_section(t, next_s)) ==
		    guide_section_page(b->g, sec) ? "footer_next_part" :
		    "footer_next";
	}
	if (tail.len > 0) {
		buf_adds(&m, "\n\n");
		buf_adds(&m, tail.s);
	}
	add_key(t, &m, footer, NULL);
	if (url != NULL) {
		const char *v[] = { "url", url, NULL };

		add_line(t, &m, "footer_url", v);
	}
	free(url);
	buf_release(&tail);
	say_buf(t, &m);
}

/* Fills the MORE queue with sections, dropping empty ones and those whose
 * text was already queued (an empty parent shows its first child's). */
static void
queue_set(struct turn *t, size_t first, const size_t *secs, size_t n)
{
	struct person *w = t->who;
	const char *ftext = section_text(t->b, first);

	w->rd.nqueue = 0;
	w->rd.qpos = 0;
	w->rd.first = first;
	w->rd.branch = 0;
	for (size_t i = 0; i < n && w->rd.nqueue < BOT_QUEUE; i++) {
		const char *s = section_text(t->b, secs[i]);
		int dup = s[0] == '\0' || strcmp(s, ftext) == 0;

		for (size_t k = 0; !dup && k < w->rd.nqueue; k++)
			if (strcmp(s, section_text(t->b, w->rd.queue[k])) == 0)
				dup = 1;
		if (!dup)
			w->rd.queue[w->rd.nqueue++] = secs[i];
	}
}

static void
explain(struct turn *t, const char *question, const char *qlang,
    const struct search_hit *hits, size_t n)
{
	const struct guide *g = t->b->g;
	struct search_decision d;
	struct buf m;
	char thr[32], *tokens;

	/* The bar this question's best hit was held to (agreement, a long
	 * question, the page prior), not the guide's starting one. */
	d.bar = min_score(t->b);
	if (n > 0)
		(void)search_decide_why(hits, n, min_score(t->b), &d);
	(void)util_snprintf(thr, sizeof(thr), "%.2f", d.bar);
	buf_init(&m);
	{
		const char *v[] = { "threshold", thr, NULL };
		add_line(t, &m, "explain_head", v);
	}
	if (n == 0)
		add_line(t, &m, "explain_none", NULL);
	for (size_t i = 0; i < n && i < BOT_NEXPLAIN; i++) {
		size_t page = guide_section_page(g, hits[i].section);

		buf_addf(&m, "\n%zu) %.2f ", i + 1, hits[i].score);
		add_source(t, &m, hits[i].section);
		buf_addf(&m, " [%s]", guide_page_lang(g, page));
	}
	tokens = search_tokens(question, qlang);
	{
		const char *v[] = { "tokens", tokens ? tokens : "", NULL };
		add_line(t, &m, "explain_tokens", v);
	}
	free(tokens);
	if (t->b->xadded != NULL) {
		const char *v[] = { "words", t->b->xadded, NULL };
		add_line(t, &m, "explain_added", v);
	}
	say_buf(t, &m);
}

/*
 * The phrase for a numbered list just set (the person's listing): key,
 * or key_one when the list has one entry ("This may be it:", "type 1"): a
 * list of one is no choice, and "a number from 1 to 1" reads wrong.
 * Every key_one is in every language (phrases_require()).
 */
static const char *
list_key(const struct turn *t, const char *key, char *buf, size_t size)
{
	if (t->who->nlisting != 1)
		return key;
	(void)util_snprintf(buf, size, "%s_one", key);
	return buf;
}

/* Sets the numbered listing to sections; the part offered beside a
 * check-in (person.offer) is no longer the list shown. */
static void
listing_sections(struct person *w, const size_t *secs, size_t n)
{
	w->nlisting = 0;
	w->nmore = 0;
	w->listed = 1;
	w->offer = GUIDE_NONE;
	w->aside = GUIDE_NONE;
	for (size_t i = 0; i < n && w->nlisting < BOT_LISTING; i++) {
		w->listing[w->nlisting].kind = LIST_SECTION;
		w->listing[w->nlisting].index = secs[i];
		w->nlisting++;
	}
}

/*
 * 1 if a hit is worth offering as "is it one of these?": its page carries
 * the question's key concept when it names one (not lacks_key), and one of
 * the question's topic concepts when it names any. A list of sections on
 * other subjects (Glossary › DNS for a fake profile) helps nobody: "no
 * good answer" with TOPICS and HUMAN is kinder. Measured on replies/ (all
 * lines of each set, choices outcomes only): uncovered 38 of 67 choice
 * lists become "no answer", helpdesk keeps 20 of 21 lists holding the
 * right section (none becomes "no answer"), questions.tsv and long lose
 * no right choice.
 */
static int
choice_plausible(const struct search_hit *h)
{
	return !h->lacks_key && (h->topics == 0 || h->page_topics != 0);
}

/*
 * 1 if a hit is worth offering as the closest part of the guide when
 * there is no good answer and no choice_plausible() one: it is on the
 * question's subject, the question names topic concepts and its page
 * carries one of them, and no not-ask of the page refuses it. The page
 * may lack the question's key concept when its title names one of the
 * question's topics, or when the message is long (SEARCH_LONG_WORDS: a
 * long message names many things, and a rare one says little about what
 * it asks). A way on instead of a dead end, under "I don't have a good
 * answer". On the tune halves of replies/: covered questions with a bare
 * "no good answer" 9 -> 1 (with s12-miss's lexicon), uncovered ones
 * 190 -> 146 (the 44 others get the closest sections under that line).
 */
static int
closest_plausible(const struct search_hit *h)
{
	return !h->off_subject && h->topics != 0 && h->page_topics != 0 &&
	    !search_hit_refused(h) && (!h->lacks_key ||
	    h->title_topics != 0 || h->words >= SEARCH_LONG_WORDS);
}

/*
 * Picks up to BOT_NCLOSEST sections to offer from hits: on the question's
 * subject first, in the person's language first (a list in a language one
 * can't read helps nobody), each text once. Choices are choice_plausible()
 * hits; with closest set, closest_plausible() ones. For a long message
 * (SEARCH_LONG_WORDS), first the best one, then one of each other page
 * whose title names one of the question's topics, then the rest in order:
 * a message on several subjects gets a section of each (on the tune
 * halves' long choice lists, as many hold a right section: 10 of 14).
 * A question that names only a subject (search_hit.subject_only: "my
 * account", "phone") gets the best section of each page first, then the
 * rest: the subject's pages, to say which one is theirs.
 * At most max (the first BOT_NCLOSEST are shown, MORE lists the rest).
 * Returns how many.
 */
static size_t
pick_choices(struct turn *t, const struct search_hit *hits, size_t n,
    int closest, size_t *secs, size_t max)
{
	size_t k = 0;
	int long_q = n > 0 && hits[0].words >= SEARCH_LONG_WORDS;
	int wide = long_q || (n > 0 && hits[0].subject_only);

	for (int pass = 0; pass < 8 && k < max; pass++) {
		int other_lang = pass & 1, off_subject = pass >> 2;
		int spread = wide && !(pass & 2);

		if ((other_lang && k > 0) || (!wide && (pass & 2)))
			continue;
		for (size_t i = 0; i < n && k < max; i++) {
			size_t sec = hits[i].section;
			const char *s = section_text(t->b, sec);
			const char *pl = guide_page_lang(t->b->g,
			    guide_section_page(t->b->g, sec));
			/* The best hit on a page the guide lacks in the
			 * reader's language leads in its own (s18-fixk: "comment
			 * vérifier l'empreinte" on the DFAK, whose page on
			 * checking a contact is in English and Spanish only). */
			int lead = i == 0 && !other_lang &&
			    strcmp(pl, t->who->lang) != 0 &&
			    guide_section_in_lang(t->b->g, sec,
			    t->who->lang) == GUIDE_NONE;
			int skip = hits[i].score < SEARCH_CHOICE_MIN ||
			    !(closest ? closest_plausible(&hits[i]) :
			    choice_plausible(&hits[i])) ||
			    s[0] == '\0' || hits[i].off_subject !=
			    off_subject || (!lead && (strcmp(pl,
			    t->who->lang) != 0) != other_lang);

			if (spread && long_q && k > 0 &&
			    hits[i].title_topics == 0)
				skip = 1;
			for (size_t j = 0; !skip && j < k; j++)
				skip = strcmp(s, section_text(t->b,
				    secs[j])) == 0 ||
				    same_source(t, sec, secs[j]) || (spread &&
				    guide_section_page(t->b->g, secs[j]) ==
				    guide_section_page(t->b->g, sec));
			if (!skip)
				secs[k++] = sec;
		}
	}
	return k;
}

/* Opens the numbered list of choices secs[0..k) and appends it to m,
 * with the line of what to type next; those past BOT_NCLOSEST are kept
 * for MORE (more_choices()). */
static void
list_choices(struct turn *t, struct buf *m, const size_t *secs, size_t k)
{
	struct person *w = t->who;
	size_t shown = k < BOT_NCLOSEST ? k : BOT_NCLOSEST;
	char kb[40];

	listing_sections(w, secs, shown);
	for (size_t i = 0; i < shown; i++) {
		const char *pl = guide_page_lang(t->b->g,
		    guide_section_page(t->b->g, secs[i]));

		w->listing[i].kind = LIST_CHOICE;
		buf_addf(m, "\n%zu) ", i + 1);
		add_source(t, m, secs[i]);
		/* A section in another language says which. */
		if (strcmp(pl, w->lang) != 0) {
			char key[32];
			const char *v[] = { "language", lang_name(t, pl, key,
			    sizeof(key)), NULL };
			char *note = phrases_render(t->b->p, w->lang,
			    "topic_other_lang", v);

			buf_addf(m, " %s", note);
			free(note);
		}
	}
	for (size_t i = shown; i < k; i++)
		w->more[w->nmore++] = secs[i];
	add_key(t, m, list_key(t, "no_answer_next", kb, sizeof(kb)), NULL);
}

/* MORE right after a numbered list, nothing to read: the choices kept
 * past the first ones (list_choices()), numbered on, else that the list
 * is whole (never "nothing more" with a menu on screen). */
static void
more_choices(struct turn *t)
{
	struct person *w = t->who;
	struct buf m;

	if (w->nmore == 0 || w->listing[w->nlisting - 1].kind != LIST_CHOICE) {
		say_key(t, "more_list_end");
		return;
	}
	buf_init(&m);
	add_line(t, &m, "more_list_head", NULL);
	for (size_t i = 0; i < w->nmore && w->nlisting < BOT_LISTING; i++) {
		w->listing[w->nlisting].kind = LIST_CHOICE;
		w->listing[w->nlisting].index = w->more[i];
		buf_addf(&m, "\n%zu) ", ++w->nlisting);
		add_source(t, &m, w->more[i]);
	}
	w->nmore = 0;
	add_key(t, &m, "no_answer_next", NULL);
	say_buf(t, &m);
}

/* No answer: say so, with the closest sections on the question's subject
 * by number when there are any (closest_plausible()), else TOPICS and
 * HUMAN. Never a dead end. The first line is never a source line. */
static void
no_answer(struct turn *t, const struct search_hit *hits, size_t n)
{
	size_t secs[2 * BOT_NCLOSEST];
	size_t k = pick_choices(t, hits, n, 1, secs, 2 * BOT_NCLOSEST);
	struct buf m;

	person_reset_reading(t->who);
	buf_init(&m);
	add_line(t, &m, "no_answer", NULL);
	if (k > 0) {
		add_line(t, &m, "no_answer_closest", NULL);
		list_choices(t, &m, secs, k);
	} else
		add_line(t, &m, "no_answer_none", NULL);
	say_buf(t, &m);
}

/* "Is it one of these?" with sections secs[0..k) by number (a number
 * reads one), TOPICS and HUMAN. A question on what the law allows
 * (law: search_hit.asks_law) was understood: its head says the guide
 * can't say what the law allows, and offers the parts that may help
 * (s18-fixlaw). */
static void
show_choices(struct turn *t, const size_t *secs, size_t k, int law)
{
	struct buf m;
	char kb[40];

	person_reset_reading(t->who);
	buf_init(&m);
	/* The count first: list_key() words a list of one its own way. */
	listing_sections(t->who, secs, k < BOT_NCLOSEST ? k : BOT_NCLOSEST);
	add_line(t, &m, list_key(t, law ? "choices_law" : "choices_head", kb,
	    sizeof(kb)), NULL);
	list_choices(t, &m, secs, k);
	say_buf(t, &m);
}

/* Not sure: the closest sections as choices (show_choices()), or no
 * answer when none is plausible. */
static void
offer_choices(struct turn *t, const struct search_hit *hits, size_t n)
{
	size_t secs[2 * BOT_NCLOSEST];
	size_t k = pick_choices(t, hits, n, 0, secs, 2 * BOT_NCLOSEST);

	if (k == 0)
		no_answer(t, hits, n);
	else
		show_choices(t, secs, k, hits[0].asks_law);
}

/*
 * A message that came with danger, the search not sure of a section
 * (outcome d): the danger reply came instead of the choices, and the
 * question the message also asks is not lost. Its choices (a page's or
 * "did you mean", never the loosely related closest topics) are kept for
 * MORE, and one line says so; with none, nothing is said. After danger
 * now, danger_guidance() decided d and hits; after self-harm, only a long
 * message (words: SEARCH_LONG_WORDS) keeps them: a short one's choices
 * would be its own words of distress matched anywhere.
 */
static void
hold_choices(struct turn *t, const struct search_hit *hits, size_t n,
    enum search_outcome d, size_t words)
{
	struct person *w = t->who;
	size_t secs[BOT_NCLOSEST], k = 0;

	w->nheld = 0;
	if ((d == SEARCH_CHOICES || d == SEARCH_PAGE) &&
	    (words >= SEARCH_LONG_WORDS || w->danger == DANGER_NOW))
		k = pick_choices(t, hits, n, 0, secs, BOT_NCLOSEST);
	if (k == 0)
		return;
	person_reset_reading(w);
	w->nlisting = 0;
	memcpy(w->held, secs, k * sizeof(secs[0]));
	w->nheld = k;
	say_key(t, "danger_question_held");
}

/* Does a list of a page's sections show section sec (the page's
 * sections end before end)? Not an empty one, nor an empty parent showing
 * its first child's text: the child is listed, under its own heading. */
static int
section_listed(const struct bot *b, size_t sec, size_t end)
{
	return section_text(b, sec)[0] != '\0' && !(sec + 1 < end &&
	    strcmp(section_text(b, sec), section_text(b, sec + 1)) == 0);
}

/* Appends entry number nlisting + 1 to m and to the person's listing:
 * section sec, indented by depth (its heading, "Introduction" for the
 * page's own text). */
static void
add_list_entry(struct turn *t, struct buf *m, size_t sec, int depth)
{
	const struct guide *g = t->b->g;
	struct person *w = t->who;
	const char *head = guide_section_heading(g, sec);
	const char *title = guide_page_title(g, guide_section_page(g, sec));

	if (head == NULL || strcmp(head, title) == 0) {
		head = P(t, "source_intro");
		depth = 0;
	}
	w->listing[w->nlisting].kind = LIST_SECTION;
	w->listing[w->nlisting].index = sec;
	w->nlisting++;
	buf_addc(m, '\n');
	for (int d = 0; d < depth && d < 4; d++)
		buf_adds(m, "  ");
	buf_addf(m, "%zu) ", w->nlisting);
	add_heading(m, head);
}

/* Is section sec on the listing shown to w already? */
static int
on_list(const struct person *w, size_t sec)
{
	for (size_t k = 0; k < w->nlisting; k++)
		if (w->listing[k].index == sec)
			return 1;
	return 0;
}

/*
 * Every list of a page's sections (TOPICS then a number, "this page,
 * which part?"): appends them to m, numbered from 1, as the person's
 * listing (a number reads that section, then MORE goes on through the
 * page: cmd_number()). The sections of first that are on the page (the
 * closest to a question) come first; then the others in page order,
 * indented by depth when none came first; at most max (<= BOT_LISTING)
 * in all. Right after the list, MORE reads the page from its first
 * section, those left out included. Returns how many are left out.
 */
static size_t
add_page_list(struct turn *t, struct buf *m, size_t page,
    const size_t *first, size_t nfirst, size_t max)
{
	const struct guide *g = t->b->g;
	struct person *w = t->who;
	size_t start = guide_page_first_section(g, page);
	size_t end = start + guide_page_nsections(g, page), shown = 0;
	int top = 7;

	/* Depth counts from the highest heading below the title. */
	for (size_t sec = start; sec < end; sec++) {
		const char *h = guide_section_heading(g, sec);
		int l = guide_section_level(g, sec);

		if (h != NULL && strcmp(h, guide_page_title(g, page)) != 0 &&
		    l < top)
			top = l;
	}
	person_reset_reading(w);
	w->nlisting = 0;
	w->listed = 1;
	if (max > BOT_LISTING)
		max = BOT_LISTING;
	for (size_t sec = start; sec < end; sec++)
		if (section_listed(t->b, sec, end)) {
			shown++;
			if (w->rd.nqueue < BOT_QUEUE)
				w->rd.queue[w->rd.nqueue++] = sec;
		}
	for (size_t i = 0; i < nfirst && w->nlisting < max; i++) {
		size_t sec = first[i];

		if (sec < start || sec >= end)
			continue;
		/* An empty parent's hit names its first child. */
		while (!section_listed(t->b, sec, end) && sec + 1 < end)
			sec++;
		if (section_listed(t->b, sec, end) && !on_list(w, sec))
			add_list_entry(t, m, sec, 0);
	}
	for (size_t sec = start; sec < end && w->nlisting < max; sec++)
		if (section_listed(t->b, sec, end) && !on_list(w, sec))
			add_list_entry(t, m, sec, nfirst > 0 ? 0 :
			    guide_section_level(g, sec) - top);
	return shown > w->nlisting ? shown - w->nlisting : 0;
}

/*
 * "This page, which part?" (search.h: SEARCH_PAGE): the best hits agree
 * on a page but no section of it is an answer. What the page is (its
 * title), its sections numbered, the closest to the question first, at
 * most BOT_PAGE_LINES (a phone screen; MORE reads the whole page, in
 * order), and what to type. A page without asks (search_hit.page_p < 0:
 * a kit's page, a path through one subject, offered whole) lists its
 * start first, then the closest, at most BOT_PLAIN_LINES.
 */
static void
offer_page(struct turn *t, const struct search_hit *hits, size_t n)
{
	const struct guide *g = t->b->g;
	size_t page = hits[0].page, best[BOT_NCLOSEST + 1], k = 0, rest;
	size_t start = guide_page_first_section(g, page);
	size_t end = start + guide_page_nsections(g, page);
	size_t max = BOT_PAGE_LINES;
	const char *plang = guide_page_lang(g, page), *head = "page_head";
	const char *v[] = { "title", guide_page_title(g, page), NULL };
	struct buf m, list;
	char kb[40];

	if (hits[0].page_p < 0) {
		max = BOT_PLAIN_LINES;
		if (start < end && section_listed(t->b, start, end)) {
			best[k++] = start;
			head = "page_head_start";
		}
	}
	for (size_t i = 0; i < n && k < BOT_NCLOSEST + 1; i++)
		if (hits[i].page == page)
			best[k++] = hits[i].section;
	buf_init(&list);
	rest = add_page_list(t, &list, page, best, k, max);
	if (t->who->nlisting == 0) {
		buf_release(&list);
		offer_choices(t, hits, n);
		return;
	}
	/* A list of one is no page's start then closest: page_head_one. */
	if (t->who->nlisting == 1)
		head = "page_head";
	buf_init(&m);
	add_line(t, &m, list_key(t, head, kb, sizeof(kb)), v);
	buf_adds(&m, list.s);
	buf_release(&list);
	if (rest > 0) {
		char count[24];
		const char *vr[] = { "count", count, NULL };

		(void)util_snprintf(count, sizeof(count), "%zu", rest);
		add_line(t, &m, "page_rest", vr);
	}
	if (plang != NULL && strcmp(plang, turn_lang(t)) != 0) {
		char key[32];
		const char *vl[] = { "language",
		    lang_name(t, plang, key, sizeof(key)), NULL };

		add_key(t, &m, "answer_other_lang", vl);
	}
	add_key(t, &m, list_key(t, "page_next", kb, sizeof(kb)), NULL);
	say_buf(t, &m);
}

/* The end of section sec's part of its page: the first section after it
 * that is not below it (its sub-sections come before). */
static size_t
part_end(const struct guide *g, size_t sec)
{
	size_t page = guide_page_first_section(g, guide_section_page(g, sec));
	size_t end = page + guide_page_nsections(g, guide_section_page(g, sec));
	int level = guide_section_level(g, sec);
	size_t s = sec + 1;

	while (s < end && guide_section_level(g, s) > level)
		s++;
	return s;
}

/* The sections after sec on its page, in page order, into secs (at most
 * max): where MORE goes once sec and its sub-sections are read, as a
 * reader of a workflow goes to its next step. Returns how many. */
static size_t
page_rest(const struct guide *g, size_t sec, size_t *secs, size_t max)
{
	size_t page = guide_section_page(g, sec), k = 0;
	size_t end = guide_page_first_section(g, page) +
	    guide_page_nsections(g, page);

	for (size_t s = sec + 1; s < end && k < max; s++)
		secs[k++] = s;
	return k;
}

/* Is sec its page's own text, before its first heading ("Introduction")? */
static int
section_intro(const struct guide *g, size_t sec)
{
	size_t page = guide_section_page(g, sec);
	const char *h = guide_section_heading(g, sec);

	return sec == guide_page_first_section(g, page) && (h == NULL ||
	    strcmp(h, guide_page_title(g, page)) == 0);
}

/* Is sec its page's closing part: the last one, telling when to type
 * HUMAN ("When to ask a person")? search_section_closing() says. */
static int
section_closing(const struct guide *g, size_t sec)
{
	return search_section_closing(g, sec);
}

/* Does sec's heading open with a condition ([branch.if]: "If the police
 * took your device", "Si vous avez cliqué"): advice for one branch of its
 * page's situation, not for the others? */
static int
section_branch(const struct guide *g, size_t sec)
{
	const char *h = guide_section_heading(g, sec), *lang;
	char *f;
	int r;

	if (h == NULL || sec == guide_page_first_section(g,
	    guide_section_page(g, sec)))
		return 0;
	f = lang_fold(h);
	r = f != NULL && lang_match("branch.if", f, strcspn(f, " ,.:;!?'"),
	    &lang);
	free(f);
	return r;
}

/* Is sec a part of its page for another situation than a branch just
 * read: another branch (section_branch()) or advice for before
 * ([section.prevent])? answer_order() reads none after a branch. */
static int
branch_other(const struct guide *g, size_t sec)
{
	const char *h = guide_section_heading(g, sec);

	return !section_closing(g, sec) && (section_branch(g, sec) ||
	    (h != NULL && lang_text_names(h, "section.prevent", 0)));
}

/* After sec, one branch of its page: the parts after it that are not for
 * another situation (branch_other()) and its closing part, in page
 * order, into secs (at most max). Returns how many. */
static size_t
branch_rest(const struct guide *g, size_t sec, size_t *secs, size_t max)
{
	size_t page = guide_section_page(g, sec), k = 0;
	size_t end = guide_page_first_section(g, page) +
	    guide_page_nsections(g, page);

	for (size_t s = part_end(g, sec); s < end && k < max;) {
		if (branch_other(g, s)) {
			s = part_end(g, s);	/* and its parts */
			continue;
		}
		secs[k++] = s++;
	}
	return k;
}

/*
 * Is hits[0..n) holding sec at the bar min? A section the search itself
 * found for the question.
 */
static int
hit_confident(const struct search_hit *hits, size_t n, size_t sec,
    double min)
{
	for (size_t i = 0; i < n; i++)
		if (hits[i].section == sec && hits[i].score >= min)
			return 1;
	return 0;
}

/*
 * The section an answer on sec shows first: sec, the best hit, unless it
 * is its page's closing part (section_closing()) pointing "above"
 * ([pointer.above]: "if the steps above did not help") at steps not
 * shown, and the page's first action part that does not point so is a
 * section the search found for the question too (in hits[0..n) at the bar
 * min): then that part, where the steps start. Any other section is shown
 * first as the best hit, though it mentions something above in passing
 * ("the basic benefits above", "the organisations above", "(above)"): the
 * page's first part would answer another question (a tester asking how to
 * verify an OTR fingerprint read about HTTPS certificate authorities).
 */
static size_t
answer_first(const struct guide *g, size_t sec, const struct search_hit *hits,
    size_t n, double min)
{
	size_t page = guide_section_page(g, sec);
	size_t start = guide_page_first_section(g, page);
	size_t end = start + guide_page_nsections(g, page);

	if (!section_closing(g, sec) ||
	    !lang_text_names(shown_text(g, sec), "pointer.above", 0))
		return sec;
	for (size_t s = start; s < end; s++)
		if (!section_intro(g, s) && !section_closing(g, s) &&
		    shown_text(g, s)[0] != '\0' &&
		    !lang_text_names(shown_text(g, s), "pointer.above", 0))
			return hit_confident(hits, n, s, min) ? s : sec;
	return sec;
}

size_t
bot_answer_first(const struct guide *g, const struct search_hit *hits,
    size_t n, double min)
{
	if (n == 0)
		return GUIDE_NONE;
	if (section_branch(g, hits[0].section) &&
	    !section_closing(g, hits[0].section))
		return hits[0].section;
	return answer_first(g, hits[0].section, hits, n, min);
}

/*
 * The reading of an answer: the section shown first (*first, the best
 * hit, or where its steps start: answer_first()), and after it, into secs
 * (at most max), the page's action parts in page order, then its
 * introduction, then its closing part (section_closing()). Returns how
 * many. A first section that is one
 * branch (section_branch(): "If the police took your device") reads on
 * only forward, through the parts that are not for another situation
 * (branch_other()), and the closing part: the
 * other parts may be for another situation (erasing a lost phone from
 * afar), so *branch is set, and MORE then lists the page to choose from,
 * instead of going on to other sections.
 */
static size_t
answer_order(const struct bot *b, size_t *first, const struct search_hit *hits,
    size_t n, size_t *secs, size_t max, int *branch)
{
	const struct guide *g = b->g;
	size_t page = guide_section_page(g, *first), k = 0;
	size_t start = guide_page_first_section(g, page);
	size_t end = start + guide_page_nsections(g, page);

	if ((*branch = section_branch(g, *first) &&
	    !section_closing(g, *first)))
		return branch_rest(g, *first, secs, max);
	*first = answer_first(g, *first, hits, n, min_score(b));
	for (int pass = 0; pass < 3; pass++)
		for (size_t s = start; s < end && k < max; s++)
			if (s != *first && (pass == 0 ? !section_intro(g, s) &&
			    !section_closing(g, s) : pass == 1 ?
			    section_intro(g, s) : section_closing(g, s)))
				secs[k++] = s;
	return k;
}

/*
 * Every reading starts here (an answer, a choice or a section picked by
 * number), so MORE follows one rule: the rest of sec, then its
 * sub-sections, then `then` (what it was picked among: for an answer the
 * rest of its page, then its other confident sections; the other
 * choices; or the rest of the page for a page's list). Never a section
 * that came with none of these. branch: at its end MORE lists sec's page
 * (answer_order()).
 */
/*
 * The part offered beside a reading (person.aside) is about to be read:
 * the reading is put aside, when anything of it is left, for MORE to go
 * back to after that part (s18-qa: MORE said "nothing more" although the
 * offer said it went on with what they were reading).
 */
static void
reading_aside(struct turn *t)
{
	struct person *w = t->who;
	struct resume *r = &w->resume;

	r->set = reading_left(t->b, w) || w->rd.branch;
	if (!r->set)
		return;
	r->rd = w->rd;
	w->aside = GUIDE_NONE;
}

/* The reading reading_aside() put aside, back. */
static void
reading_resume(struct person *w)
{
	w->rd = w->resume.rd;
	w->resume.set = 0;
}

static void
read_start(struct turn *t, size_t sec, const size_t *then, size_t n,
    int branch)
{
	const struct guide *g = t->b->g;
	size_t secs[BOT_QUEUE], k = 0, end = part_end(g, sec);

	for (size_t s = sec + 1; s < end && k < BOT_QUEUE; s++)
		secs[k++] = s;
	for (size_t i = 0; i < n && k < BOT_QUEUE; i++)
		if (then[i] < sec || then[i] >= end)
			secs[k++] = then[i];
	t->who->nheld = 0;
	queue_set(t, sec, secs, k);
	t->who->rd.branch = branch;
	show_section(t, sec, 0);
}

static int	starts_with(const char *, const char *, const char **);
static void	keep_question(struct turn *, const char *);
static void	cmd_more(struct turn *, const char *);
static void	topics_from(struct turn *, const char *);
static void	branch_list(struct turn *, size_t);
static void	cmd_number(struct turn *, long);
static int	text_foreign(const struct turn *, const char *);

/* Is folded text the words of key, whole or as its first words? */
static int
opens_with(const char *key, const char *folded)
{
	const char *lang;

	return lang_match(key, folded, strlen(folded), &lang) ||
	    starts_with(key, folded, &lang);
}

/*
 * Is folded text a "what next" message: a whole [follow.more] one ("que
 * faire"), or at most BOT_NEXT_WORDS words, each a [follow.next] word of
 * a loaded language or a stopword (or one letter), one of them at least
 * a [follow.next] word: "what do i do next", "next step", "je fais quoi
 * après", "y ahora qué hago". Such a message names nothing to search.
 */
static int
what_next(const char *folded)
{
	const char *p = folded, *lang;
	size_t words = 0;
	int next = 0;

	if (lang_match("follow.more", folded, strlen(folded), &lang))
		return 1;
	while (*p != '\0') {
		size_t n = strcspn(p, " ");
		const char *w = p;

		p += n;
		p += strspn(p, " ");
		while (n > 0 && strchr(",;:!?.'\"", w[n - 1]) != NULL)
			n--;
		while (n > 0 && strchr(",;:!?.'\"", w[0]) != NULL) {
			w++;
			n--;
		}
		if (n == 0)
			continue;
		if (++words > BOT_NEXT_WORDS)
			return 0;
		if (lang_match("follow.next", w, n, &lang))
			next = 1;
		else if (n > 1 && !lang_is_stopword(w, n))
			return 0;
	}
	return next;
}

/* Counts of names_only(): [follow.narrow] words, and words of no list. */
struct narrow_count {
	size_t	names;
	size_t	other;
};

/* lang_split() callback of names_only(). */
static void
narrow_word(void *arg, const char *w, size_t n, float weight)
{
	struct narrow_count *c = arg;
	const char *lang;

	(void)weight;
	if (lang_match("follow.narrow", w, n, &lang))
		c->names++;
	else if (!lang_match("follow.filler", w, n, &lang) &&
	    !lang_match("follow.next", w, n, &lang))
		c->other++;
}

/*
 * Does folded text only say which one the last question was about: at
 * most BOT_NARROW_WORDS words, a [follow.narrow] word at least (a
 * platform, a device, whose it is: android, work, ex) and otherwise
 * stopwords, [follow.filler] words (actually, en fait) and [follow.next]
 * ones: "actually it's my work email", "c'est un iphone", "es android",
 * "it was my ex", "what should i do with my phone". Such a message
 * narrows the last question; alone it names no problem. Names alone
 * ("Gmail", "android") are not: a word typed as a topic is a question.
 */
static int
names_only(const char *folded)
{
	struct narrow_count c = { 0, 0 };
	size_t words = count_words(folded);

	if (words > BOT_NARROW_WORDS)
		return 0;
	lang_split(folded, strlen(folded), 1, narrow_word, &c, 1);
	return c.names > 0 && c.other == 0 && words > c.names;
}

/*
 * Was sec, as the person reads it now (reader_section()), shown in the
 * reading open or just ended: its first section, the one on screen, or
 * one MORE showed between them? The same section read in another
 * language before a switch was not (the text in the new one was not).
 */
static int
shown_now(const struct turn *t, size_t sec)
{
	const struct person *w = t->who;
	size_t r = reader_section(t, sec);

	if (!w->answered)
		return 0;
	if (r == w->rd.sec || r == w->rd.first)
		return 1;
	for (size_t i = 0; i < w->rd.qpos && i < w->rd.nqueue; i++)
		if (r == w->rd.queue[i])
			return 1;
	return 0;
}

/* Is sec (as the person reads it) on the page of the section just read? */
static int
on_page_read(const struct turn *t, size_t sec)
{
	const struct guide *g = t->b->g;
	const struct person *w = t->who;

	return w->answered && w->rd.sec != GUIDE_NONE &&
	    guide_section_page(g, reader_section(t, sec)) ==
	    guide_section_page(g, reader_section(t, w->rd.sec));
}

/*
 * The page just read answers a short message's own words (hits, n: the
 * message searched alone, decided alone): its answer is on that page,
 * or the search is sure of another page (an answer, a page) but a
 * section of the page read scores BOT_KEEP_SHARE of the best hit or
 * more. Returns the index of that hit (none shown already, none for
 * another situation than a branch being read: branch_other()), else -1.
 * "what should we do with his accounts" after a friend's arrest is the
 * arrest page's "Their accounts", not another page's password reset
 * (logging into a detainee's accounts can endanger them); "and it was
 * defaced too" after the signs of a DDoS is the same page's defacement.
 * Never more sure than the search: a message that gets choices alone
 * keeps none.
 */
static int
page_kept(const struct turn *t, const struct search_hit *hits, size_t n,
    enum search_outcome alone)
{
	const struct guide *g = t->b->g;
	double best = 0;
	int k = -1;

	if (n == 0 || (alone != SEARCH_ANSWER && alone != SEARCH_PAGE))
		return -1;
	if (on_page_read(t, hits[0].section))
		k = alone == SEARCH_ANSWER ? 0 : -1;
	else {
		for (size_t i = 0; i < n; i++)
			if (hits[i].score > best)
				best = hits[i].score;
		for (size_t i = 0; k < 0 && i < n; i++)
			if (on_page_read(t, hits[i].section) &&
			    hits[i].score >= BOT_KEEP_SHARE * best)
				k = (int)i;
	}
	if (k < 0 || shown_now(t, hits[k].section) ||
	    hits[k].score < min_score(t->b) || search_hit_refused(&hits[k]) ||
	    (t->who->rd.branch && branch_other(g, reader_section(t,
	    hits[k].section))))
		return -1;
	return k;
}

/*
 * A follow-up's combined search (mhits, m) answers with a section shown
 * already: the message's own answer (own) goes first when it has the
 * combined search's highest score (its page prior put the page read
 * first) and is an answer there too (search_decide()), as the person has
 * not read it. "it was my ex" after a hacked account's first section:
 * the page on a partner who spies, not "the guide has nothing more
 * specific"; "no it's android" or "c'est un iphone" after a stolen
 * phone's remote lock keep that answer (the phones page's section scores
 * 0.6 and 0.9 of it: the guide has nothing more specific).
 */
static void
own_first(const struct turn *t, struct search_hit *mhits, size_t m,
    const struct search_hit *own)
{
	struct search_hit h[BOT_NHITS];
	double best = 0;
	size_t k;

	if (m == 0 || m > BOT_NHITS || !shown_now(t, mhits[0].section))
		return;
	for (size_t i = 0; i < m; i++)
		if (mhits[i].score > best)
			best = mhits[i].score;
	for (k = 1; k < m && mhits[k].section != own->section; k++)
		;
	if (k == m || mhits[k].score < best || shown_now(t,
	    mhits[k].section) || mhits[k].off_subject ||
	    search_hit_refused(&mhits[k]))
		return;
	h[0] = mhits[k];
	memcpy(h + 1, mhits, k * sizeof(*h));
	memcpy(h + k + 1, mhits + k + 1, (m - k - 1) * sizeof(*h));
	if (search_decide(h, m, min_score(t->b)) == SEARCH_ANSWER)
		memcpy(mhits, h, m * sizeof(*h));
}

/*
 * A follow-up: a short message (at most BOT_FOLLOW_WORDS of the search's
 * words; BOT_FOLLOW_BARE when it does not open as one) after a question,
 * naming none of the five subjects (no hit of its own is off its
 * subject), that either opens as one ([follow] of the language files,
 * whole or as first words: "and on iphone?"; or any what_next() one:
 * "que faire", "next step") or ranks no section on its own with
 * confidence ("y sus dispositivos"). It is searched with the previous
 * question, in qlang (the message's language: question_lang()); that
 * search is kept when it answers (or, for a message that opens as a
 * follow-up, offers choices), else the message's own. A what_next()
 * message is MORE while a reading, held choices or a numbered list are
 * open: then 1 and nothing is searched; 2 when the hits are those of
 * the search with the previous question; 3 when the page just read
 * answers its own words (page_kept(): then hits[0] is that section, an
 * answer, whether it opens as a follow-up or not). Sets the person's
 * last question to what was asked, *n to the hits (at most max), and
 * *own to the message's own answer when its words alone answer (else its
 * section is GUIDE_NONE). A forgotten person (STOP, idle) has no
 * previous question, and words of self-harm (intent_self_harm()) are
 * never a previous question to search. More than BOT_FOLLOW_BARE words
 * whose own search answers, offers a page or leads its choices with
 * another page than the one just read are a new question, even after an
 * opening word.
 */
static int
follow_up(struct turn *t, const char *text, const char *qlang,
    struct search_hit *hits, size_t max, size_t *n, struct search_hit *own)
{
	struct bot *b = t->b;
	struct person *w = t->who;
	struct search_hit mhits[BOT_NHITS];
	enum search_outcome alone, d;
	char *folded, *tokens, *both = NULL;
	size_t m, words = 0;
	int opens, merge, agree = 0, keep, ret = 0, bare = 0;

	folded = fold_command(text);
	opens = what_next(folded);
	if (opens && (reading_left(b, w) || w->nheld > 0 ||
	    w->rd.branch || (w->nlisting > 0 && w->listed))) {
		free(folded);
		cmd_more(t, "");
		return 1;
	}
	opens = opens || opens_with("follow", folded) || names_only(folded);
	free(folded);
	*n = 0;
	if (b->s == NULL || b->g == NULL) {
		keep_question(t, text);
		return 0;
	}
	*n = search_query(b->s, text, qlang, hits, max);
	if ((tokens = search_tokens(text, qlang)) != NULL)
		words = count_words(tokens);
	free(tokens);
	/* A subject alone after a question narrows it ("it was my ex",
	 * "what about his accounts"): its own answer counts here as any
	 * follow-up's. Asked as a new question (nothing merged nor kept),
	 * it gets choices again (search_hit.subject_only). */
	if (w->last_question != NULL && *n > 0 && hits[0].subject_only) {
		bare = 1;
		for (size_t i = 0; i < *n; i++)
			hits[i].subject_only = 0;
	}
	alone = search_decide(hits, *n, min_score(b));
	if (alone == SEARCH_ANSWER)
		*own = hits[0];
	merge = w->last_question != NULL && (opens ?
	    words <= BOT_FOLLOW_WORDS : words <= BOT_FOLLOW_BARE &&
	    alone != SEARCH_ANSWER && alone != SEARCH_PAGE);
	/* Its own words keep the page just read when that page answers
	 * them (page_kept()); then it is merged as a follow-up is. */
	keep = w->last_question != NULL && words > 0 &&
	    words <= BOT_FOLLOW_WORDS ? page_kept(t, hits, *n, alone) : -1;
	if (keep >= 0)
		merge = 1;
	/* Sure of another page than the one just read, on its own, or
	 * offering choices led by another page: a new subject ("what if my
	 * phone was stolen and they read my messages" after the 2FA answer),
	 * not that answer again (s15-fixv1). */
	else if (merge && words > BOT_FOLLOW_BARE && (alone == SEARCH_ANSWER ||
	    alone == SEARCH_PAGE || alone == SEARCH_CHOICES) && w->answered &&
	    w->rd.sec != GUIDE_NONE &&
	    !on_page_read(t, hits[0].section))
		merge = 0;
	for (size_t i = 0; merge && i < *n; i++)
		if (hits[i].off_subject)
			merge = 0;	/* it names a subject of its own */
	/* Words of someone who may hurt themselves are kept for HUMAN,
	 * never searched: "what now" after them is a question alone. */
	if (merge && intent_self_harm(b->intent, w->last_question, NULL))
		merge = 0;
	if (merge) {
		struct buf q;

		buf_init(&q);
		buf_adds(&q, w->last_question);
		buf_addc(&q, ' ');
		buf_adds(&q, text);
		both = buf_detach(&q);
	}
	if (merge && keep >= 0) {
		struct search_hit h = hits[keep];

		memmove(hits + 1, hits, (size_t)keep * sizeof(*hits));
		hits[0] = h;
		ret = 3;
	} else if (merge) {
		m = search_query(b->s, both, qlang, mhits,
		    max < BOT_NHITS ? max : BOT_NHITS);
		d = search_decide(mhits, m, min_score(b));
		/* Without an opening word, the message's own hits must hold
		 * the answer: its words agree with it ("tape" after a kite
		 * in a tree is a new question, not that answer again). */
		for (size_t i = 0; !opens && m > 0 && i < *n; i++)
			if (hits[i].section == mhits[0].section)
				agree = 1;
		if ((opens || agree) && (d == SEARCH_ANSWER ||
		    d == SEARCH_PAGE || (opens && d == SEARCH_CHOICES))) {
			if (d == SEARCH_ANSWER && alone == SEARCH_ANSWER)
				own_first(t, mhits, m, &hits[0]);
			memcpy(hits, mhits, m * sizeof(*hits));
			*n = m;
			ret = 2;
		} else {
			free(both);
			both = NULL;
		}
	}
	for (size_t i = 0; bare && ret == 0 && i < *n; i++)
		hits[i].subject_only = 1;
	keep_question(t, both != NULL ? both : text);
	free(both);
	return ret;
}

/*
 * Hits found in another language than the person's, as they read them:
 * each section replaced by its place in their language's translation of
 * the page when the guide has one (guide_section_in_lang()), else kept
 * (show_section() and offer_page() then say which language it is in).
 * The scores and flags stay the search's.
 */
static void
hits_for_reader(const struct guide *g, const char *lang,
    struct search_hit *hits, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t sec = guide_section_in_lang(g, hits[i].section, lang);

		if (sec != GUIDE_NONE) {
			hits[i].section = sec;
			hits[i].page = guide_section_page(g, sec);
		}
	}
}

/* Is outcome d of hits sure of a section: an answer, or a page whose best
 * hit is itself an answer at the bar, on the question's subject and not
 * refused by its page? */
static int
sure_of(const struct bot *b, enum search_outcome d,
    const struct search_hit *hits, size_t n)
{
	if (d == SEARCH_ANSWER)
		return 1;
	return d == SEARCH_PAGE && n > 0 &&
	    search_is_answer(&hits[0], min_score(b)) &&
	    !hits[0].off_subject && !hits[0].lacks_key &&
	    !search_hit_refused(&hits[0]);
}

/* Is section sec among hits h[0..n)? */
static int
hit_in(const struct search_hit *h, size_t n, size_t sec)
{
	for (size_t i = 0; i < n; i++)
		if (h[i].section == sec)
			return 1;
	return 0;
}

/*
 * The choices a danger reply holds when neither search is sure (s13-fixd):
 * the sections both found (in the order of rhits, the message without its
 * danger words), then those of rhits and of hits (the whole message: the
 * partner who spies, the threat of harm, the danger's own subject) in
 * turn; m is 0 when the rest is no question. Into hits, at most max;
 * returns how many.
 */
static size_t
danger_choices(struct search_hit *hits, size_t n,
    const struct search_hit *rhits, size_t m, size_t max)
{
	struct search_hit all[3 * BOT_NHITS];
	size_t k = 0;

	n = n < BOT_NHITS ? n : BOT_NHITS;
	m = m < BOT_NHITS ? m : BOT_NHITS;
	for (size_t i = 0; i < m; i++)
		if (hit_in(hits, n, rhits[i].section))
			all[k++] = rhits[i];
	for (size_t i = 0; i < BOT_NHITS; i++) {
		if (i < m && !hit_in(all, k, rhits[i].section))
			all[k++] = rhits[i];
		if (i < n && !hit_in(all, k, hits[i].section))
			all[k++] = hits[i];
	}
	k = k < max ? k : max;
	memcpy(hits, all, k * sizeof(*hits));
	return k;
}

/*
 * Returns rest, an own arrest's words to search whose first own bytes are
 * the person's, and keeps in b->xadded the words the bot added after
 * them (NULL when none), for --explain and danger_past_arrest().
 */
static char *
arrest_added(struct bot *b, char *rest, size_t own)
{
	const char *a = rest + (own < strlen(rest) ? own : strlen(rest));
	size_t len;

	a += strspn(a, " ");
	for (len = strlen(a); len > 0 && a[len - 1] == ' '; len--)
		;
	free(b->xadded);
	b->xadded = len > 0 ? xstrndup(a, len) : NULL;
	return rest;
}

/*
 * What to search after the writer's own arrest (intent_arrested_rest()):
 * the message without the arrest when its search is sure, else with the
 * words of what an arrest leaves to do (the police took the phone) when
 * that search is sure; else the message without the arrest (its choices
 * are of the person's own words). b->xadded: the words added, or NULL
 * (arrest_added()). New string; caller frees.
 */
static char *
danger_arrest_rest(struct turn *t, const char *text, const char *qlang)
{
	struct bot *b = t->b;
	struct search_hit h[BOT_NHITS];
	size_t n, own, hown;
	char *rest = intent_arrested_rest(b->intent, text, 0, &own), *hint;

	if (b->s == NULL)
		return arrest_added(b, rest, own);
	n = search_query(b->s, rest, qlang, h, BOT_NHITS);
	if (sure_of(b, search_decide(h, n, min_score(b)), h, n))
		return arrest_added(b, rest, own);
	hint = intent_arrested_rest(b->intent, text, 1, &hown);
	n = search_query(b->s, hint, qlang, h, BOT_NHITS);
	if (!sure_of(b, search_decide(h, n, min_score(b)), h, n)) {
		free(hint);
		return arrest_added(b, rest, own);
	}
	free(rest);
	return arrest_added(b, hint, hown);
}

/*
 * What follows the reply to danger now (d, hits and *n: the search of the
 * whole message): a section only when the search is sure of it and the
 * words that raised the danger do not carry the match ("someone is
 * following me" found "the following questions", "quelqu'un me suit"
 * "tout de suite"). The message without them (intent_danger_rest()) is
 * searched too, and the two must agree: the whole message's section is
 * kept when it is sure and the rest's search ranks its page among its
 * DANGER_AGREE best; else the rest's own section when it is sure and the
 * whole message's search ranks its page so. The rest must hold two words
 * of the search at least ("estoy" alone found "dónde estás"), or a
 * danger_topic ("me golpearon": beatings). Either is read as an answer
 * (SEARCH_ANSWER: its page's next parts on MORE): "they raided our office
 * and took the hard drives" keeps the taken-device section. Otherwise
 * hits and *n become danger_choices() (at most max) and the outcome is
 * SEARCH_CHOICES (hold_choices() keeps them for MORE) when the rest names
 * a danger_topic (a threat, "my husband"), the act goes on (every day) or
 * the message is long; else SEARCH_NONE: the danger alone ("a car is
 * following me") has no question to keep. The rest's own hits count when
 * it holds three search words or a topic. The writer's own arrest ("I'm
 * being arrested": INTENT_REST_ARREST) leaves only the rest's search, its
 * section when sure, else its choices (s14-safe3).
 */
static enum search_outcome
danger_guidance(struct turn *t, const char *text, const char *qlang,
    enum search_outcome d, struct search_hit *hits, size_t max, size_t *n)
{
	struct bot *b = t->b;
	struct search_hit rhits[BOT_NHITS];
	enum search_outcome rd;
	char *rest, *tokens;
	size_t m, words = 0;
	int whole = 0, part = 0, topic;

	rest = intent_danger_rest(b->intent, text, &topic);
	m = rest != NULL && b->s != NULL ? search_query(b->s, rest, qlang,
	    rhits, max < BOT_NHITS ? max : BOT_NHITS) : 0;
	if (m > 0 && (tokens = search_tokens(rest, qlang)) != NULL) {
		words = count_words(tokens);
		free(tokens);
	}
	free(rest);
	rd = search_decide(rhits, m, min_score(b));
	if ((topic & INTENT_REST_ARREST) && b->s != NULL &&
	    !sure_of(b, rd, rhits, m)) {
		rest = danger_arrest_rest(t, text, qlang);
		m = search_query(b->s, rest, qlang, rhits,
		    max < BOT_NHITS ? max : BOT_NHITS);
		rd = search_decide(rhits, m, min_score(b));
		free(rest);
	}
	for (size_t i = 0; (words >= 2 || (topic & INTENT_REST_TOPIC)) &&
	    *n > 0 && i < DANGER_AGREE; i++) {
		if (i < m && rd != SEARCH_NONE && rhits[i].page == hits[0].page)
			whole = 1;
		if (m > 0 && i < *n && hits[i].page == rhits[0].page)
			part = 1;
	}
	/* The writer's own arrest (INTENT_REST_ARREST): the whole message
	 * finds the page for a friend of a detainee; the rest, what is left
	 * to do about their own phone and accounts, is searched alone. */
	if (topic & INTENT_REST_ARREST) {
		*n = 0;
		whole = 0;
		part = 1;
	}
	if (whole && sure_of(b, d, hits, *n))
		return SEARCH_ANSWER;
	if (part && sure_of(b, rd, rhits, m)) {
		memcpy(hits, rhits, m * sizeof(*hits));
		*n = m;
		return SEARCH_ANSWER;
	}
	if (rd == SEARCH_NONE || (words < 3 &&
	    !(topic & (INTENT_REST_TOPIC | INTENT_REST_ARREST))))
		m = 0;
	/* The danger alone ("a car is following me", "au secours"): its
	 * hits are its danger words matched anywhere, nothing to hold. */
	if (!(topic & (INTENT_REST_TOPIC | INTENT_REST_GOES_ON |
	    INTENT_REST_ARREST)) &&
	    (*n == 0 || hits[0].words < SEARCH_LONG_WORDS))
		m = *n = 0;
	*n = danger_choices(hits, *n, rhits, m, max);
	return *n > 0 ? SEARCH_CHOICES : SEARCH_NONE;
}

/*
 * A follow-up whose combined search finds only a section just read: the
 * guide has nothing more specific, and the reading stays open for MORE.
 * When the message's words alone answer elsewhere (own: not shown, not
 * on the page read, at the bar, on its subject), that section is
 * offered by number, never shown unasked: "no it's android" after a
 * stolen phone's remote lock may mean the phones page, or nothing more;
 * "it's my ex" after harassment, the page on a partner who spies.
 */
static void
follow_same(struct turn *t, const struct search_hit *own)
{
	struct person *w = t->who;
	struct buf m;
	int more = reading_left(t->b, w);

	if (own->section == GUIDE_NONE || shown_now(t, own->section) ||
	    on_page_read(t, own->section) || own->score < min_score(t->b) ||
	    own->off_subject || search_hit_refused(own)) {
		say_key(t, more ? "follow_same_more" : "follow_same");
		return;
	}
	buf_init(&m);
	add_line(t, &m, "follow_same_other", NULL);
	listing_sections(w, &own->section, 1);
	w->listing[0].kind = LIST_CHOICE;
	w->listed = 0;	/* MORE still reads on */
	w->aside = own->section;
	buf_adds(&m, "\n1) ");
	add_source(t, &m, reader_section(t, own->section));
	add_key(t, &m, more ? "follow_other_next_more" : "follow_other_next",
	    NULL);
	say_buf(t, &m);
}

/*
 * Is one side of a message of two subjects strong on a subject: its
 * search alone sure of a section (sure_of(): the bar and rules of an
 * answer) from two of its words at least?
 */
static int
part_strong(const struct bot *b, const struct search_hit *h, size_t n)
{
	return n > 0 && h[0].words >= 2 &&
	    sure_of(b, search_decide(h, n, min_score(b)), h, n);
}

/* The offsets in folded f of its first joiner after *at: a [split.also]
 * phrase of qlang (else English) as whole words, or a sentence's end
 * (". ", "? ", "! ", "; "). *at and *end get its start and end; 0 when
 * there is none. */
static int
next_joiner(const char *f, const char *qlang, size_t *at, size_t *end)
{
	const char *const *items;
	size_t n, best = SIZE_MAX, bend = 0, len = strlen(f);

	if (qlang == NULL || (items = lang_items(qlang, "split.also",
	    &n)) == NULL)
		items = lang_items("en", "split.also", &n);
	for (size_t i = *at; i + 1 < len && best == SIZE_MAX; i++)
		if (strchr(".?!;", f[i]) != NULL && f[i + 1] == ' ') {
			best = i;
			bend = i + 1;
		}
	for (size_t k = 0; items != NULL && k < n; k++) {
		char *w = lang_fold(items[k]);
		size_t wn = strlen(w);

		for (const char *p = f + *at; wn > 0 &&
		    (p = strstr(p, w)) != NULL; p++)
			if (p > f && p[-1] == ' ' && (p[wn] == ' ' ||
			    p[wn] == ',') && (size_t)(p - f) < best) {
				best = (size_t)(p - f);
				bend = best + wn;
				break;
			}
		free(w);
	}
	if (best == SIZE_MAX)
		return 0;
	*at = best;
	*end = bend;
	return 1;
}

/*
 * Is side h (n hits, searched alone) a subject of its own beside the
 * section sec of page page that answers the whole message (GUIDE_NONE:
 * none)? It names a topic concept (search_hit.topics: a side without one
 * is a detail, "and now I can't get in"); the page prior, where its best
 * page has asks, is sure of that page (ALSO_LEAD over any other: "and
 * they changed the e-mail" leans to the account page it came with); and
 * the answered page, among its own hits, scores under ALSO_SHARE of its
 * best (a detail the answered page covers too is no second subject).
 */
static int
side_own(const struct search_hit *h, size_t n, size_t page)
{
	if (n == 0 || h[0].topics == 0)
		return 0;
	if (h[0].page_p >= 0 && h[0].page_p - h[0].page_rival < ALSO_LEAD)
		return 0;
	for (size_t i = 0; page != GUIDE_NONE && i < n; i++)
		if (h[i].page == page && h[i].score >= ALSO_SHARE * h[0].score)
			return 0;
	return 1;
}

/*
 * A message of two subjects (s17-fixm): "my whatsapp was hacked and
 * someone is pretending to be me on facebook". It is split at a joiner
 * (next_joiner()) and each side searched alone in qlang. With sec, the
 * section the whole message answers: the first split whose two sides
 * are strong (part_strong()) on two pages that the whole message's hits
 * (all, nall: in the reader's language) also reach, one of them sec's,
 * the other side a subject of its own (side_own()), decides: pair[0]
 * gets the answer's side's best hit, pair[1] the other's; returns
 * TWO_OFFER. Without (GUIDE_NONE: the whole message has no answer), both
 * sides strong: pair gets their best hits, first side first, for choices
 * (TWO_CHOICES); one side strong and the other a subject of its own
 * (s18-fixk: "they hacked my gmail and my phone is acting weird too",
 * whose second side alone is only choices): that side is the answer, its
 * hits copied to side (BOT_NHITS) and their number to *nside, pair[0]
 * its best, pair[1] the other side's, offered after it (TWO_OFFER).
 * Returns 0 when the message does not carry two subjects so.
 */
enum { TWO_NONE, TWO_OFFER, TWO_CHOICES };

static int
two_subjects(struct turn *t, const char *text, const char *qlang, size_t sec,
    const struct search_hit *all, size_t nall, struct search_hit *pair,
    struct search_hit *side, size_t *nside)
{
	struct bot *b = t->b;
	const struct guide *g = b->g;
	struct search_hit h[2][BOT_NHITS];
	size_t n[2], at = 0, end, page = GUIDE_NONE, pa, pb;
	char *f, *part;
	int found = 0, how = TWO_NONE;

	if (b->s == NULL || g == NULL)
		return 0;
	if (sec != GUIDE_NONE)
		page = guide_section_page(g, sec);
	f = lang_fold(text);
	for (; !found && next_joiner(f, qlang, &at, &end); at = end) {
		int reach = 0, strong[2];

		part = xstrndup(f, at);
		n[0] = search_query(b->s, part, qlang, h[0], BOT_NHITS);
		free(part);
		n[1] = search_query(b->s, f + end, qlang, h[1], BOT_NHITS);
		strong[0] = part_strong(b, h[0], n[0]);
		strong[1] = part_strong(b, h[1], n[1]);
		if (n[0] == 0 || n[1] == 0 || (!strong[0] && !strong[1]))
			continue;
		hits_for_reader(g, t->who->lang, h[0], n[0]);
		hits_for_reader(g, t->who->lang, h[1], n[1]);
		pa = h[0][0].page;
		pb = h[1][0].page;
		for (size_t i = 0; i < nall; i++)
			reach |= (all[i].page == pa) | (all[i].page == pb) << 1;
		if (pa == pb || reach != 3 || (sec != GUIDE_NONE &&
		    page != pa && page != pb))
			continue;
		if (sec != GUIDE_NONE) {
			found = page == pb ? 2 : 1;
			if (!strong[2 - found] ||
			    !side_own(h[2 - found], n[2 - found], page)) {
				found = 0;
				continue;
			}
			how = TWO_OFFER;
		} else if (strong[0] && strong[1]) {
			found = 1;
			how = TWO_CHOICES;
		} else {
			found = strong[0] ? 1 : 2;
			if (h[2 - found][0].score < min_score(b) ||
			    h[2 - found][0].page_p < 0 ||
			    !side_own(h[2 - found], n[2 - found],
			    h[found - 1][0].page) ||
			    !side_own(h[found - 1], n[found - 1],
			    h[2 - found][0].page)) {
				found = 0;
				continue;
			}
			memcpy(side, h[found - 1], n[found - 1] * sizeof(*side));
			*nside = n[found - 1];
			how = TWO_OFFER;
		}
		pair[0] = h[found - 1][0];
		pair[1] = h[2 - found][0];
	}
	free(f);
	return found > 0 ? how : TWO_NONE;
}

/* Hits h (*n of them, at most BOT_NHITS) led by the two hits of pair:
 * the choices of a message of two subjects (two_subjects()) name both
 * first. */
static void
both_first(struct search_hit *h, size_t *n, const struct search_hit *pair)
{
	struct search_hit out[BOT_NHITS];
	size_t k = 2;

	out[0] = pair[0];
	out[1] = pair[1];
	for (size_t i = 0; i < *n && k < BOT_NHITS; i++)
		if (!hit_in(pair, 2, h[i].section))
			out[k++] = h[i];
	memcpy(h, out, k * sizeof(*h));
	*n = k;
}

/*
 * 1 if section sec, as the person reads it, sends its reader to the page
 * of section to (names its title): the same situation told in another
 * page, no second subject beside to ("If your address was published"
 * on the leak page ends with the harassment page, whose doxxing section
 * was the answer; s18-qa).
 */
static int
points_to(const struct turn *t, size_t sec, size_t to)
{
	const struct guide *g = t->b->g;
	char *text, *title;
	int r;

	sec = reader_section(t, sec);
	to = reader_section(t, to);
	if (guide_section_page(g, sec) == guide_section_page(g, to))
		return 1;
	text = lang_fold(section_text(t->b, sec));
	title = lang_fold(guide_page_title(g, guide_section_page(g, to)));
	r = text != NULL && title != NULL && title[0] != '\0' &&
	    strstr(text, title) != NULL;
	free(text);
	free(title);
	return r;
}

/*
 * After the answer to one subject of a message that carries two
 * (two_subjects()), one short message naming the other, by number: 1
 * reads it, MORE still reads on.
 */
static void
also_offer(struct turn *t, size_t other)
{
	struct person *w = t->who;
	struct buf m;
	int more = reading_left(t->b, w);

	buf_init(&m);
	add_line(t, &m, "also_other", NULL);
	listing_sections(w, &other, 1);
	w->listing[0].kind = LIST_CHOICE;
	w->listed = 0;	/* MORE still reads on */
	w->aside = other;
	buf_adds(&m, "\n1) ");
	add_source(t, &m, reader_section(t, other));
	add_key(t, &m, more ? "follow_other_next_more" : "follow_other_next",
	    NULL);
	say_buf(t, &m);
}

/*
 * Answers text, searched as text in qlang (the language it is written in:
 * question_lang()), shown in the person's language where the guide has it.
 */
static void
answer_question(struct turn *t, const char *text, const char *qlang)
{
	struct bot *b = t->b;
	struct person *w = t->who;
	struct search_hit hits[BOT_NHITS], found[BOT_NHITS], own;
	struct search_hit pair[2], side[BOT_NHITS];
	size_t n = 0, secs[BOT_QUEUE], k = 0, words, first, nfound, nside = 0;
	size_t other = GUIDE_NONE;
	enum search_outcome d;
	int f, branch;

	own.section = GUIDE_NONE;
	if ((f = follow_up(t, text, qlang, hits, BOT_NHITS, &n, &own)) == 1)
		return;
	/* A number refers to the list on screen: a new question's answer
	 * (or its absence) closes the old one; choices open their own. */
	w->nlisting = 0;
	/* A page kept (follow_up()) answers, unless words of danger came:
	 * then the search's own decision, as for any question. */
	d = f == 3 && !w->danger ? SEARCH_ANSWER :
	    search_decide(hits, n, min_score(b));
	words = n > 0 ? hits[0].words : 0;
	if (w->danger == DANGER_NOW) {
		d = danger_guidance(t, text, qlang, d, hits, BOT_NHITS, &n);
		f = 0;	/* its hits are no longer a follow-up's */
	}
	memcpy(found, hits, n * sizeof(hits[0]));
	nfound = n;
	/* Whatever language it was searched in, a hit on a page the guide
	 * also has in the person's language is shown there (a guide such as
	 * the DFAK's may rank the French copy of a page first for an English
	 * question: its words may match better). */
	hits_for_reader(b->g, w->lang, hits, n);
	/* Two subjects in one message, outside danger and follow-ups: the
	 * answer to one, the other offered by number after it; without an
	 * answer, both sides' best sections lead the choices. */
	if (!w->danger && f == 0 && d == SEARCH_ANSWER) {
		if (two_subjects(t, text, qlang, hits[0].section, hits, n,
		    pair, side, &nside) == TWO_OFFER)
			other = pair[1].section;
	} else if (!w->danger && f == 0 && (d == SEARCH_CHOICES ||
	    d == SEARCH_NONE)) {
		switch (two_subjects(t, text, qlang, GUIDE_NONE, hits, n,
		    pair, side, &nside)) {
		case TWO_CHOICES:
			both_first(hits, &n, pair);
			d = SEARCH_CHOICES;
			break;
		case TWO_OFFER:
			/* One side sure alone: its answer, the other
			 * offered after it. */
			memcpy(hits, side, nside * sizeof(hits[0]));
			n = nside;
			other = pair[1].section;
			d = SEARCH_ANSWER;
			break;
		}
	}
	/* A message in a language the desk does not speak was read through
	 * a few of its words (the lexicon's lines in that language, s19-fixc:
	 * "telefonum çalındı"): after "I may have misread you", the parts it
	 * found as choices, never one of them as the answer. */
	if (!w->danger && f == 0 && d == SEARCH_ANSWER && other == GUIDE_NONE &&
	    text_foreign(t, text))
		d = SEARCH_CHOICES;
	/* After the way to a person (danger), a section only when the search
	 * is sure of it: never a list of loosely related topics; choices
	 * wait for MORE. */
	if (w->danger && d != SEARCH_ANSWER) {
		hold_choices(t, hits, n, d, words);
		goto explain;
	}
	switch (d) {
	case SEARCH_ANSWER:
		/* A follow-up that finds only a section just read: the
		 * guide has nothing more specific; not the same text again. */
		if (f == 2 && shown_now(t, hits[0].section)) {
			follow_same(t, &own);
			break;
		}
		/* The page's action parts in page order first (its steps),
		 * then its introduction and closing part, then the other
		 * confident sections (answer_order()); after one branch of
		 * a page, the parts after it, then the page's list. */
		first = hits[0].section;
		k = answer_order(b, &first, hits, n, secs, BOT_QUEUE,
		    &branch);
		for (size_t i = 1; i < n && k < BOT_QUEUE; i++)
			if (hits[i].score >= min_score(b) &&
			    !hits[i].off_subject &&
			    !search_hit_refused(&hits[i]) && !branch)
				secs[k++] = hits[i].section;
		read_start(t, first, secs, k, branch);
		if (other != GUIDE_NONE && !points_to(t, other, first))
			also_offer(t, other);
		break;
	case SEARCH_PAGE:
		offer_page(t, hits, n);
		break;
	case SEARCH_CHOICES:
		offer_choices(t, hits, n);
		break;
	case SEARCH_NONE:
		no_answer(t, hits, n);
		break;
	}
explain:
	if (b->explain) {
		explain(t, w->last_question, qlang, found, nfound);
		for (b->nxhits = 0; b->nxhits < nfound &&
		    b->nxhits < BOT_NEXPLAIN; b->nxhits++)
			b->xhits[b->nxhits] = found[b->nxhits];
	}
	free(b->xadded);
	b->xadded = NULL;
}

/* Commands. */

static void	say_phrase_line(struct turn *, const char *);
static void	say_request_then(struct turn *, const char *);
static int	has_request(const struct turn *);
static void	say_request_drop(struct turn *);

/*
 * The writer was arrested themselves, and it is over (intent_danger()
 * said no: "I was arrested yesterday", "me soltaron"): no danger reply,
 * but a person offered at once, in one line (none with a request
 * waiting), then the search of what is left to do about their own phone
 * and accounts (intent_arrested_rest()), never the page for a friend of
 * a detainee that "arrested" finds. HUMAN offers the words they wrote.
 */
static void
danger_past_arrest(struct turn *t, const char *text, const char *qlang)
{
	char *rest = danger_arrest_rest(t, text, qlang);
	int added = t->b->xadded != NULL;

	/* Words the bot added find what may help, not what was asked:
	 * said so (arrested_hint), the section after it. */
	if (!has_request(t))
		say_key(t, added ? "arrested_self_hint" : "arrested_self");
	else if (added)
		say_key(t, "arrested_hint");
	answer_question(t, rest, qlang);
	free(t->b->xadded);
	t->b->xadded = NULL;
	keep_question(t, text);
	free(rest);
}

/*
 * Danger to come (intent_danger_later()): the search of the message
 * without its danger words and time (intent_danger_later_rest()), with
 * what to do before an arrest when little else is left: "they are going
 * to arrest me tomorrow" found only the page for a friend of a detainee.
 * HUMAN offers the words they wrote.
 */
static void
danger_later_answer(struct turn *t, const char *text, const char *qlang)
{
	size_t own;
	char *rest = intent_danger_later_rest(t->b->intent, text, &own);

	rest = arrest_added(t->b, rest, own);
	answer_question(t, rest, qlang != NULL ? qlang : t->who->lang);
	free(t->b->xadded);
	t->b->xadded = NULL;
	keep_question(t, text);
	free(rest);
}

/* 1 if the person has a request waiting or a case open. */
static int
has_request(const struct turn *t)
{
	return t->b->esc != NULL && escalate_case_of(t->b->esc, t->peer) > 0;
}

/* To someone who has a request: where it stands (STATUS's line) and the
 * emergency line. */
static void
say_request(struct turn *t)
{
	say_request_then(t, "danger_queue");
}

/* Where the request stands, then key (with {line} and {crisis}). */
static void
say_request_then(struct turn *t, const char *key)
{
	struct esc_notes notes;

	esc_notes_init(&notes);
	escalate_status(t->b->esc, t->peer, turn_lang(t), t->now,
	    &notes);
	emit_notes(t, &notes);
	esc_notes_release(&notes);
	say_phrase_line(t, key);
}

/* With a request waiting: where it stands (say_request()); else key. */
static void
say_request_or(struct turn *t, const char *key)
{
	if (has_request(t))
		say_request(t);
	else
		say_key(t, key);
}

/* To someone with a request who says they no longer need it (NO, "never
 * mind"): it stays open until CANCEL, and how to withdraw it. */
static void
say_request_drop(struct turn *t)
{
	char num[24];
	const char *v[] = { "case", num, NULL };
	char *s;

	(void)util_snprintf(num, sizeof(num), "%ld",
	    escalate_case_of(t->b->esc, t->peer));
	s = phrases_render(t->b->p, turn_lang(t), "request_drop", v);
	say(t, s);
	free(s);
}

/*
 * After the danger or self-harm reply, a follow-up with no subject ("what
 * now", "que faire", HELP): the safety steps of that reply again, short,
 * and HUMAN (danger_again, self_harm_again; _offline without a rota;
 * danger_again_authority when the words that raised it name the
 * authorities as the danger: no emergency number); with a request
 * waiting, where it stands and the line that fits (danger_queue,
 * self_harm_queue).
 */
static void
say_again(struct turn *t)
{
	int self = t->who->danger == DANGER_SELF;

	if (has_request(t))
		say_request_then(t, self ? "self_harm_queue" : "danger_queue");
	else if (self)
		say_phrase_line(t, t->b->esc != NULL ? "self_harm_again" :
		    "self_harm_again_offline");
	else if (intent_danger_authority(t->b->intent, t->who->alarm))
		say_phrase_line(t, t->b->esc != NULL ?
		    "danger_again_authority" :
		    "danger_again_authority_offline");
	else
		say_phrase_line(t, t->b->esc != NULL ? "danger_again" :
		    "danger_again_offline");
}

/*
 * HELP: the whole list; while a request waits or a case is open, where it
 * stands and the emergency line first (say_request()), then the commands
 * that matter now.
 */
static void
cmd_help(struct turn *t, const char *arg)
{
	(void)arg;
	/* After the danger or self-harm reply: the safety steps again,
	 * and HUMAN. */
	if (!has_request(t) && t->who->danger != 0) {
		say_again(t);
		return;
	}
	if (!has_request(t)) {
		say_key(t, "help");
		return;
	}
	say_request(t);
	say_key(t, "help_case");
}

/* A greeting or a thank-you is not a question for the guide. */
static void
cmd_hello(struct turn *t, const char *arg)
{
	(void)arg;
	/* "hello??" while a request waits: where it stands. */
	say_request_or(t, "greeting_reply");
}

static void
cmd_thanks(struct turn *t, const char *arg)
{
	(void)arg;
	/* With a request waiting: where it stands, not HUMAN. */
	say_request_or(t, "thanks");
}

/* An acknowledgement ("ok", "d'accord", "vale") is no question either: a
 * short reply that says what can come next (MORE while a reading is open),
 * the reading and any numbered list left as they are. */
static void
cmd_ack(struct turn *t, const char *arg)
{
	(void)arg;
	if (has_request(t) && !t->who->rd.open)
		say_request(t);
	else
		say_key(t, reading_left(t->b, t->who) ?
		    "ack_more" : "ack");
}

static void
cmd_more(struct turn *t, const char *arg)
{
	struct person *w = t->who;
	size_t sec;

	(void)arg;
	/* TOPICS shown in part, last on screen: its other entries. */
	if (w->listed && w->nlisting > 0 && w->listing[0].kind == LIST_PAGE &&
	    w->tshown < w->nlisting) {
		topics_from(t, "topics_more_head");
		return;
	}
	/* Right after the part offered beside a check-in, MORE reads it,
	 * as its number does (crisis_after()). */
	if (w->listed && w->nlisting == 1 && w->listing[0].index == w->offer) {
		cmd_number(t, 1);
		return;
	}
	if (w->rd.open) {
		/* After a language switch, the section again from its start
		 * in the new language. */
		sec = reader_section(t, w->rd.sec);
		show_section(t, sec, sec == w->rd.sec ? w->rd.offset : 0);
		return;
	}
	if (queue_peek(t->b, w, &sec)) {
		w->rd.qpos++;
		show_section(t, reader_section(t, sec), 0);
		return;
	}
	/* The part offered beside a reading is read: the reading again,
	 * where it was ("MORE for the next part of what you were reading",
	 * said the offer). */
	if (w->resume.set) {
		reading_resume(w);
		cmd_more(t, arg);
		return;
	}
	/* One branch of a page read: its other parts, to choose from. */
	if (w->rd.branch && w->rd.first != GUIDE_NONE) {
		branch_list(t, guide_section_page(t->b->g,
		    reader_section(t, w->rd.first)));
		return;
	}
	/* The choices a danger reply held (hold_choices()). */
	if (w->nheld > 0) {
		size_t held[BOT_NCLOSEST], k = w->nheld;

		for (size_t i = 0; i < k; i++)
			held[i] = reader_section(t, w->held[i]);
		show_choices(t, held, k, 0);
		return;
	}
	if (w->nlisting > 0 && w->listed) {
		more_choices(t);
		return;
	}
	say_key(t, "more_nothing");
}

/* How much a page says: the length of its sections' own texts. */
static size_t
page_size(const struct guide *g, size_t page)
{
	size_t first = guide_page_first_section(g, page), n = 0;

	for (size_t i = 0; i < guide_page_nsections(g, page); i++)
		n += strlen(guide_section_text(g, first + i));
	return n;
}

/* 1 if pages a and b are one subject: the same title (case and accents
 * aside) in the same language. */
static int
same_topic(const struct guide *g, size_t a, size_t b)
{
	char *fa, *fb;
	int same;

	if (strcmp(guide_page_lang(g, a), guide_page_lang(g, b)) != 0)
		return 0;
	fa = lang_fold(guide_page_title(g, a));
	fb = lang_fold(guide_page_title(g, b));
	same = fa != NULL && fb != NULL && strcmp(fa, fb) == 0;
	free(fa);
	free(fb);
	return same;
}

static int topic_page(const struct guide *, const char *, size_t, int);
static int topic_rank(const struct guide *, size_t);

/*
 * Is page i one that introduces or explains the others rather than helps
 * with a problem? Its front matter says so: its permalink is the folder
 * of another page's of its language (an index, the kit's "Introduction"),
 * or its summary only repeats its title (a glossary: the kit's
 * "Glossary"), unless it is a list of where to turn (guide_page_links():
 * the kit's "Resources", the organisations that help).
 */
static int
page_reference(const struct guide *g, size_t i)
{
	const char *p = guide_page_permalink(g, i), *q;
	const char *sum = guide_page_summary(g, i);
	size_t np = guide_npages(g), n;

	if (sum != NULL && strcasecmp(sum, guide_page_title(g, i)) == 0 &&
	    !guide_page_links(g, i))
		return 1;
	if (p == NULL || (n = strlen(p)) == 0)
		return 0;
	for (size_t j = 0; j < np; j++)
		if (j != i && (q = guide_page_permalink(g, j)) != NULL &&
		    strlen(q) > n && strncmp(q, p, n) == 0 &&
		    strcmp(guide_page_lang(g, j), guide_page_lang(g, i)) == 0)
			return 1;
	return 0;
}

/* Does the guide hold page i (by its file name, guide_page_stem()) in
 * lang? */
static int
page_in_lang(const struct guide *g, size_t i, const char *lang)
{
	size_t n, m;
	const char *a = guide_page_stem(g, i, &n), *b;

	for (size_t j = 0; j < guide_npages(g); j++)
		if (strcmp(guide_page_lang(g, j), lang) == 0 &&
		    (b = guide_page_stem(g, j, &m)) != NULL && m == n &&
		    strncmp(a, b, n) == 0 && guide_page_nsections(g, j) > 0)
			return 1;
	return 0;
}

/* Is page i, not in lang, the copy a reader of lang is offered of its
 * subject (no copy in lang): the one in pref (the desk's default
 * language), else the first by path of those in one language? */
static int
topic_stranger(const struct guide *g, const char *lang, const char *pref,
    size_t i)
{
	size_t n, m;
	const char *a = guide_page_stem(g, i, &n), *b;

	if (page_in_lang(g, i, lang) || guide_page_nsections(g, i) == 0)
		return 0;
	if (strcmp(guide_page_lang(g, i), pref) == 0)
		return 1;
	for (size_t j = 0; j < guide_npages(g); j++)
		if (j != i && guide_page_nsections(g, j) > 0 &&
		    (b = guide_page_stem(g, j, &m)) != NULL && m == n &&
		    strncmp(a, b, n) == 0 && (strcmp(guide_page_lang(g, j),
		    pref) == 0 || j < i))
			return 0;
	return 1;
}

/*
 * The pages a list of topics shows, in load order (sorted by path): those
 * in lang (all of them when none is), with sections, each subject once;
 * then the subjects the guide has in other languages only (a page's file
 * name, guide_page_stem(), in no page of lang), one copy each
 * (topic_stranger(): in pref, else the first): a French reader of the
 * kit is offered its English-only "Establishing Trust" too, marked so.
 * Of pages with one title in one language (a seed copy of a page, a
 * folder's untranslated page read as English), the one that says the
 * most stays, the first by path on a tie: a short copy never hides the
 * full page. Pages that introduce or explain the others
 * (page_reference()) only when no other page of lang is left, and never
 * in another language. Returns how many (at most max).
 */
static size_t
topic_pages(const struct guide *g, const char *lang, const char *pref,
    size_t *pages, size_t max, int *mine)
{
	size_t np = g ? guide_npages(g) : 0, k = 0;

	*mine = 0;
	for (size_t i = 0; i < np; i++)
		if (strcmp(guide_page_lang(g, i), lang) == 0)
			*mine = 1;
	for (int refs = 0; refs < 2 && k == 0; refs++)
		for (size_t i = 0; i < np && k < max; i++)
			if ((refs || !page_reference(g, i)) &&
			    topic_page(g, lang, i, *mine))
				pages[k++] = i;
	/* In the pages' own order ("order:", urgent situations first),
	 * those without one after, in file order. */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && topic_rank(g, pages[j - 1]) >
		    topic_rank(g, pages[j]); j--) {
			size_t x = pages[j];

			pages[j] = pages[j - 1];
			pages[j - 1] = x;
		}
	for (size_t i = 0; *mine && i < np && k < max; i++)
		if (!page_reference(g, i) &&
		    topic_page(g, guide_page_lang(g, i), i, 1) &&
		    topic_stranger(g, lang, pref, i))
			pages[k++] = i;
	return k;
}

/* Where TOPICS lists page i: its "order:", else after every page that
 * has one. */
static int
topic_rank(const struct guide *g, size_t i)
{
	int o = guide_page_order(g, i);

	return o > 0 ? o : GUIDE_ORDER_MAX + 1;
}

/* Does topic_pages() list page i: in lang (when mine), with sections, and
 * no longer page of one title in one language beside it? */
static int
topic_page(const struct guide *g, const char *lang, size_t i, int mine)
{
	size_t np = guide_npages(g);

	if (mine && strcmp(guide_page_lang(g, i), lang) != 0)
		return 0;
	if (guide_page_nsections(g, i) == 0)
		return 0;
	for (size_t j = 0; j < np; j++) {
		size_t si, sj;

		if (j == i || guide_page_nsections(g, j) == 0 ||
		    !same_topic(g, i, j))
			continue;
		si = page_size(g, i);
		sj = page_size(g, j);
		if (sj > si || (sj == si && j < i))
			return 0;
	}
	return 1;
}

/* Entry i of the TOPICS listing (a page), numbered, added to m. */
static void
add_topic(struct turn *t, struct buf *m, size_t i, int mine)
{
	const struct guide *g = t->b->g;
	struct person *w = t->who;
	size_t page = w->listing[i].index;

	buf_addf(m, "\n%zu) %s", i + 1, guide_page_title(g, page));
	if (!mine)
		buf_addf(m, " [%s]", guide_page_lang(g, page));
	else if (strcmp(guide_page_lang(g, page), w->lang) != 0) {
		char key[32];
		const char *v[] = { "language", lang_name(t,
		    guide_page_lang(g, page), key, sizeof(key)), NULL };
		char *note = phrases_render(t->b->p, w->lang,
		    "topic_other_lang", v);

		buf_addf(m, " %s", note);
		free(note);
	}
}

/*
 * Entries from w->tshown of the TOPICS listing, numbered, after head:
 * as many as a phone screen holds (BOT_TOPIC_LINES, BOT_PHONE_CHARS with
 * the footer; BOT_NCLOSEST at least), then MORE for the others
 * (topics_next_more).
 */
static void
topics_from(struct turn *t, const char *head)
{
	struct person *w = t->who;
	struct buf m;
	char kb[40];
	size_t foot = util_utf8_chars(P(t, "topics_next_more")) + 2, first;
	int mine = w->tmine;

	buf_init(&m);
	add_line(t, &m, head, NULL);
	first = w->tshown;
	while (w->tshown < w->nlisting) {
		size_t len = m.len;

		add_topic(t, &m, w->tshown, mine);
		if (w->tshown >= first + BOT_NCLOSEST &&
		    (w->tshown >= first + BOT_TOPIC_LINES ||
		    util_utf8_chars(m.s) + foot > BOT_PHONE_CHARS) &&
		    w->tshown + 1 < w->nlisting) {
			buf_truncate(&m, len);
			break;
		}
		w->tshown++;
	}
	w->listed = 1;
	w->offer = GUIDE_NONE;
	w->aside = GUIDE_NONE;
	add_key(t, &m, w->tshown < w->nlisting ? "topics_next_more" :
	    list_key(t, "topics_next", kb, sizeof(kb)), NULL);
	say_buf(t, &m);
}

/* TOPICS: the pages topic_pages() picks, numbered, a phone screen at a
 * time (topics_from()). */
static void
cmd_topics(struct turn *t, const char *arg)
{
	const struct guide *g = t->b->g;
	struct person *w = t->who;
	size_t pages[BOT_LISTING], k;
	int mine;

	(void)arg;
	k = topic_pages(g, w->lang, t->b->cfg->guide.default_language, pages,
	    BOT_LISTING, &mine);
	w->nlisting = 0;
	if (k == 0) {
		say_key(t, "topics_none");
		return;
	}
	for (size_t i = 0; i < k; i++) {
		w->listing[i].kind = LIST_PAGE;
		w->listing[i].index = pages[i];
	}
	w->nlisting = k;
	w->tshown = 0;
	w->tmine = mine;
	topics_from(t, "topics_head");
}

/* The sections of one page, numbered, indented by depth. */
static void
list_page(struct turn *t, size_t page)
{
	struct buf m;
	char kb[40];
	const char *v[] = { "title", guide_page_title(t->b->g, page), NULL };

	buf_init(&m);
	add_line(t, &m, "sections_head", v);
	(void)add_page_list(t, &m, page, NULL, 0, BOT_LISTING);
	add_key(t, &m, list_key(t, "sections_next", kb, sizeof(kb)), NULL);
	say_buf(t, &m);
}

/* After one branch of a page was read (answer_order()): the page's
 * parts not shown in that reading, numbered, to pick the one that fits
 * (the others may be for other situations). MORE then says the list is
 * whole: it does not read the page on from its start. */
static void
branch_list(struct turn *t, size_t page)
{
	const struct guide *g = t->b->g;
	struct person *w = t->who;
	size_t start = guide_page_first_section(g, page);
	size_t end = start + guide_page_nsections(g, page);
	size_t secs[BOT_LISTING], k = 0;
	struct buf m;
	char kb[40];

	for (size_t sec = start; sec < end && k < BOT_LISTING; sec++)
		if (section_listed(t->b, sec, end) && !shown_now(t, sec))
			secs[k++] = sec;
	person_reset_reading(w);
	if (k == 0) {
		say_key(t, "more_nothing");
		return;
	}
	buf_init(&m);
	add_line(t, &m, "branch_head", NULL);
	w->nlisting = 0;
	w->nmore = 0;
	w->listed = 1;
	w->offer = GUIDE_NONE;
	w->aside = GUIDE_NONE;
	for (size_t i = 0; i < k; i++)
		add_list_entry(t, &m, secs[i], 0);
	add_key(t, &m, list_key(t, "sections_next", kb, sizeof(kb)), NULL);
	say_buf(t, &m);
}

/*
 * Section sec as the person reads it now: its place in their language's
 * translation of its page (guide_section_in_lang()), else sec. A list or
 * a MORE queue keeps the sections it was made of; the person may have
 * switched language since (LANG es, FRANCAIS), and then a number or MORE
 * serves the same section in the new language when the guide has it.
 */
static size_t
reader_section(const struct turn *t, size_t sec)
{
	size_t s = guide_section_in_lang(t->b->g, sec, t->who->lang);

	return s != GUIDE_NONE ? s : sec;
}

static void
cmd_number(struct turn *t, long n)
{
	const struct guide *g = t->b->g;
	struct person *w = t->who;
	struct listing *l;
	size_t then[BOT_QUEUE], k = 0, sec;
	int branch = 0;

	if (w->nlisting == 0) {
		say_key(t, "number_no_list");
		return;
	}
	if (n < 1 || (size_t)n > w->nlisting) {
		char max[24], kb[40];
		const char *v[] = { "max", max, NULL };
		char *s;

		(void)util_snprintf(max, sizeof(max), "%zu", w->nlisting);
		s = phrases_render(t->b->p, w->lang, list_key(t,
		    "number_out_of_range", kb, sizeof(kb)), v);
		say(t, s);
		free(s);
		return;
	}
	l = &w->listing[n - 1];
	if (l->kind == LIST_PAGE) {
		sec = guide_page_first_section(g, l->index);
		list_page(t, guide_page_nsections(g, l->index) > 0 ?
		    guide_section_page(g, reader_section(t, sec)) : l->index);
		return;
	}
	sec = reader_section(t, l->index);
	if (l->kind == LIST_CHOICE && l->index == w->aside)
		reading_aside(t);
	if (l->kind == LIST_CHOICE) {
		/* Then the other choices, in the order offered. */
		for (size_t i = 0; i < w->nlisting && k < BOT_QUEUE; i++)
			if (i != (size_t)n - 1)
				then[k++] = reader_section(t,
				    w->listing[i].index);
	} else if ((branch = section_branch(g, sec) &&
	    !section_closing(g, sec)))
		k = branch_rest(g, sec, then, BOT_QUEUE);
	else
		k = page_rest(g, sec, then, BOT_QUEUE);	/* the page */
	read_start(t, sec, then, k, branch);
}

/*
 * BACK, RETOUR, ATRÁS: after a part read from a numbered list, that
 * list again, its entries and numbers as they were (a number then reads
 * the same part), in the person's language where the guide has it; a
 * page's sections under its title, choices under back_head. With the
 * list itself last on screen, or none open (a new question's answer
 * closes the list before it), one step up: TOPICS. The reading, if any,
 * stays where it was (MORE goes on with it).
 */
static void
cmd_back(struct turn *t, const char *arg)
{
	const struct guide *g = t->b->g;
	struct person *w = t->who;
	struct buf m;
	char kb[40];
	size_t sec;

	if (w->nlisting == 0 || w->listed || w->listing[0].kind == LIST_PAGE) {
		cmd_topics(t, arg);
		return;
	}
	buf_init(&m);
	sec = reader_section(t, w->listing[0].index);
	if (w->listing[0].kind == LIST_SECTION) {
		const char *v[] = { "title",
		    guide_page_title(g, guide_section_page(g, sec)), NULL };

		add_line(t, &m, "sections_head", v);
	} else
		add_line(t, &m, "back_head", NULL);
	for (size_t i = 0; i < w->nlisting; i++) {
		const char *head, *title;

		sec = reader_section(t, w->listing[i].index);
		buf_addf(&m, "\n%zu) ", i + 1);
		if (w->listing[i].kind == LIST_CHOICE) {
			add_source(t, &m, sec);
			continue;
		}
		head = guide_section_heading(g, sec);
		title = guide_page_title(g, guide_section_page(g, sec));
		add_heading(&m, head == NULL || strcmp(head, title) == 0 ?
		    P(t, "source_intro") : head);
	}
	w->listed = 1;
	add_key(t, &m, list_key(t, w->listing[0].kind == LIST_SECTION ?
	    "sections_next" : "no_answer_next", kb, sizeof(kb)), NULL);
	say_buf(t, &m);
}

/* The SMP question in the conversation's language, or NULL. */
static const char *
smp_question(const struct turn *t)
{
	const char *q = config_smp_question(t->b->cfg, turn_lang(t));

	return q != NULL && q[0] != '\0' ? q : NULL;
}

/*
 * How the person can check the bot (their app's Authenticate/Verify buddy,
 * with the question in their language when one is set up), appended to m
 * as a paragraph (para) or a line.
 */
static void
add_check_me(struct turn *t, struct buf *m, const char *key, int para)
{
	const char *q = smp_question(t);
	char *s;

	if (strcmp(key, "status_proved") == 0) {
		add_line(t, m, key, NULL);
		return;
	}
	{
		char k[40];
		const char *v[] = { "question", q ? q : "", NULL };

		(void)util_snprintf(k, sizeof(k), "%s%s", key,
		    q != NULL ? "_q" : "");
		s = phrases_render(t->b->p, turn_lang(t), k, v);
	}
	if (m->len > 0)
		buf_adds(m, para ? "\n\n" : "\n");
	buf_adds(m, s);
	free(s);
}

/* The bot's fingerprint (ours) or the person's, as a paragraph of m. */
static void
add_fingerprint(struct turn *t, struct buf *m, int ours)
{
	const char *fp = ours ? t->f->our_fp : t->f->their_fp;
	const char *v[] = { "fp", fp, NULL };

	if (fp != NULL)
		add_key(t, m, ours ? "fingerprint_ours" : "fingerprint_theirs",
		    v);
	else if (!ours)
		add_key(t, m, "fingerprint_theirs_unknown", NULL);
}

static void
cmd_fingerprint(struct turn *t, const char *arg)
{
	struct buf m;

	(void)arg;
	buf_init(&m);
	add_fingerprint(t, &m, 1);
	add_fingerprint(t, &m, 0);
	add_key(t, &m, t->who->verified ? "fingerprint_verified" :
	    "fingerprint_unverified", NULL);
	add_key(t, &m, "fingerprint_how", NULL);
	say_buf(t, &m);
}

static void
cmd_verify(struct turn *t, const char *arg)
{
	const char *q = smp_question(t);

	(void)arg;
	if (q == NULL) {
		say_key(t, "verify_unavailable");
		return;
	}
	t->who->smp_asked = 1;
	{
		const char *v[] = { "question", q, NULL };
		char *s = phrases_render(t->b->p, turn_lang(t), "verify_start",
		    v);

		say(t, s);
		free(s);
	}
	/* After the explanation: clients show the question at once. */
	bot_actions_add(t->out, BOT_SMP_START, t->peer, q);
}

/* STATUS's lines on this conversation: private, the bot's check of the
 * person, the person's check of the bot (with the desk's question). */
static void
add_checks(struct turn *t, struct buf *m)
{
	add_line(t, m, "status_private", NULL);
	add_line(t, m, t->who->verified ? "status_verified" :
	    "status_unverified", NULL);
	add_check_me(t, m, t->who->proved ? "status_proved" :
	    "status_unproved", 0);
}

static void
cmd_status(struct turn *t, const char *arg)
{
	struct bot *b = t->b;
	struct buf m;
	char key[32];
	const char *v[] = { "language",
	    lang_name(t, t->who->lang, key, sizeof(key)), NULL };

	(void)arg;
	buf_init(&m);
	/* A request for a person not sent yet comes first: it waits for
	 * their YES, or for the description (s19-fixconv). */
	if (t->who->pending == PENDING_CONSENT)
		add_line(t, &m, "status_consent", NULL);
	else if (t->who->pending == PENDING_DESCRIBE)
		add_line(t, &m, "status_describe", NULL);
	add_checks(t, &m);
	add_line(t, &m, "status_lang", v);
	say_buf(t, &m);
	if (b->esc != NULL) {
		struct esc_notes notes;

		/* An open case, else a handoff of the last 24 hours. */
		esc_notes_init(&notes);
		if (escalate_case_of(b->esc, t->peer) > 0)
			escalate_status(b->esc, t->peer, turn_lang(t),
			    t->now, &notes);
		else
			escalate_handoff_status(b->esc, t->peer, t->now,
			    &notes);
		emit_notes(t, &notes);
		esc_notes_release(&notes);
	}
}

static void
cmd_stop(struct turn *t, const char *arg)
{
	struct bot *b = t->b;
	long n;

	(void)arg;
	if (b->esc != NULL && (n = escalate_case_of(b->esc, t->peer)) > 0) {
		char num[24];
		const char *v[] = { "case", num, NULL };
		char *s;
		struct esc_notes notes;

		(void)util_snprintf(num, sizeof(num), "%ld", n);
		s = phrases_render(b->p, turn_lang(t), "stop_case_open", v);
		say(t, s);
		free(s);
		/* A helper talking with them hears that they stopped. */
		esc_notes_init(&notes);
		escalate_person_stopped(b->esc, t->peer, t->now, &notes);
		emit_notes(t, &notes);
		esc_notes_release(&notes);
	}
	/*
	 * The private conversation stays open: ending it from here leaves
	 * Pidgin in "Finished", refusing to send until the person ends it
	 * too. Only the conversation is forgotten; the goodbye says how the
	 * person closes the private conversation from their app.
	 */
	if (b->cfg->otr.narrate)
		say_key(t, "narrate_end");
	say_key(t, "stop");
	person_forget(b, t->peer);
	t->who = NULL;
}

static void
cmd_lang(struct turn *t, const char *arg)
{
	char code[BOT_LANG_MAX];
	size_t n = 0;

	if (arg == NULL || arg[0] == '\0') {
		say_key(t, "lang_which");
		return;
	}
	while (arg[n] != '\0' && n + 1 < sizeof(code) &&
	    ((arg[n] >= 'a' && arg[n] <= 'z') || arg[n] == '-' ||
	    arg[n] == '_')) {
		code[n] = arg[n];
		n++;
	}
	code[n] = '\0';
	if (n < 2 || n > 3 || arg[n] != '\0' || !lang_known(t->b, code)) {
		const char *v[] = { "code", arg, NULL };
		char *s = phrases_render(t->b->p, turn_lang(t), "lang_unknown",
		    v);

		say(t, s);
		free(s);
		return;
	}
	set_lang(t->who, code, LANG_CHOSEN);
	say_key(t, "lang_set");
}

/* The kind of danger (DANGER_NOW, DANGER_SELF, DANGER_LATER or 0) as
 * escalate.c stores it. */
static int
esc_danger_of(int kind)
{
	return kind == DANGER_SELF ? ESC_DANGER_SELF : kind == DANGER_NOW ?
	    ESC_DANGER_NOW : kind == DANGER_LATER ? ESC_DANGER_LATER :
	    ESC_DANGER_NONE;
}

/* Says phrase key with {line}: the emergency line (danger_line), and
 * {crisis}: how to find a crisis line (crisis_line). */
static void
say_phrase_line(struct turn *t, const char *key)
{
	const char *v[] = { "line", P(t, "danger_line"), "crisis",
	    P(t, "crisis_line"), NULL };
	char *s = phrases_render(t->b->p, turn_lang(t), key, v);

	say(t, s);
	free(s);
}

/*
 * Keeps text, which got the danger or self-harm reply (kind), for HUMAN:
 * a request made later must carry these words and their mark, whatever
 * was asked in between (s15-fixs: HUMAN after "i want to die" and "what
 * now" offered "what now" alone, unmarked). Self-harm words stay over
 * later words of danger now, as escalate.c's danger_raises() keeps a
 * case's self-harm mark; words of danger now stay over later words of
 * danger to come.
 */
static void
note_alarm(struct turn *t, const char *text, int kind)
{
	struct person *w = t->who;

	if (text == NULL || (w->alarm != NULL &&
	    ((w->alarm_kind == DANGER_SELF && kind != DANGER_SELF) ||
	    (w->alarm_kind == DANGER_NOW && kind == DANGER_LATER))))
		return;
	util_strfreezero(w->alarm);
	w->alarm = xstrdup(text);
	w->alarm_kind = kind;
}

/*
 * What HUMAN offers to send when it is more than the last question: the
 * words that got the danger or self-harm reply (person.alarm) before it,
 * when it does not hold them already (new string); else NULL. *kind gets
 * the mark the request carries: the last question's (person.danger), or
 * the alarm's when it is self-harm or the question has none.
 */
static char *
alarm_offer(const struct person *w, int *kind)
{
	struct buf q;

	*kind = w->danger;
	if (w->alarm == NULL)
		return NULL;
	if (*kind == 0 || w->alarm_kind == DANGER_SELF)
		*kind = w->alarm_kind;
	if (strstr(w->last_question, w->alarm) != NULL)
		return NULL;
	buf_init(&q);
	buf_adds(&q, w->alarm);
	buf_adds(&q, "\n");
	buf_adds(&q, w->last_question);
	return buf_detach(&q);
}

/*
 * Marks the danger (kind) text says: kept for HUMAN with its mark
 * (note_alarm()), so that the helper sees DANGER and the case goes first,
 * and a case already waiting moves up now (escalate_danger()); the notes
 * for helpers go in marked (initialised here), for the caller to emit
 * after its reply. Danger now and danger to come (s16-fixs3: "they will
 * arrest me tomorrow" went to the helper unmarked) both use it.
 */
static void
danger_mark(struct turn *t, const char *text, int kind,
    struct esc_notes *marked)
{
	note_alarm(t, text, kind);
	esc_notes_init(marked);
	if (t->b->esc != NULL)
		(void)escalate_danger(t->b->esc, t->peer, esc_danger_of(kind),
		    t->now, marked);
}

/*
 * The desk's answer n (escalate_desk()) to someone in danger who typed
 * HUMAN and then the description (PENDING_DESCRIBE), without "type HUMAN":
 * the consent question comes right after it. Helpers free now:
 * danger_desk_describe; busy: danger_desk_waiting; a full queue:
 * danger_desk_full; nobody on duty: danger_desk_closed (the consent
 * question says when); anything else (a case they have) as it is. New
 * string.
 */
static char *
danger_desk_describe(struct turn *t, const struct esc_note *n)
{
	static const char *const map[][2] = {
		{ "esc_desk_now", "danger_desk_describe" },
		{ "esc_desk_waiting", "danger_desk_waiting" },
		{ "esc_desk_full", "danger_desk_full" },
		{ "esc_desk_closed", "danger_desk_closed" },
		{ "esc_desk_closed_day", "danger_desk_closed" },
		{ "esc_desk_noshift", "danger_desk_closed" },
	};

	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strcmp(n->key, map[i][0]) == 0)
			return xstrdup(P(t, map[i][1]));
	return phrases_render(t->b->p, n->lang, n->key,
	    (const char *const *)n->vars);
}

/*
 * The reply to someone in danger now (kind DANGER_NOW) or who may hurt
 * themselves (DANGER_SELF), key (or key_offline without escalation): its
 * {desk} says at once whether a
 * person of this desk can answer now, and if not when (escalate_desk());
 * {line} is the emergency line. The request is marked as one that came
 * with danger: consent before the notice about verification, and after the
 * queue's answer the emergency line again, or for self-harm the emergency
 * number and crisis line (self_harm_queue). Danger from the authorities
 * (intent_danger_authority()) gets danger_authority instead of key: no
 * emergency number. Returns 1 if a guide section
 * may follow (when the search is sure of one); 0 to someone who already
 * has a request: where it stands and the emergency line are the whole
 * reply, never an excerpt ("au secours" found the first-aid kit's page).
 * The reading before it is closed; text, the words that raised it, is
 * kept for HUMAN (note_alarm()). To a description typed after HUMAN
 * (PENDING_DESCRIBE) its {desk} is danger_desk_describe()'s: the desk's
 * answer, without "type HUMAN", for the consent question that follows.
 */
static int
say_danger(struct turn *t, int kind, const char *key,
    const char *key_offline, const char *text)
{
	struct bot *b = t->b;
	struct esc_notes notes, marked;
	char *desk = NULL, *s;
	const char *v[] = { "desk", "", "line", P(t, "danger_line"),
	    "crisis", P(t, "crisis_line"), NULL };
	struct buf m;

	/* Danger from the police, soldiers or officials: the emergency
	 * number calls them (s16-fixs2); the line, a lawyer, the phone. */
	if (kind == DANGER_NOW && intent_danger_authority(b->intent, text)) {
		key = "danger_authority";
		key_offline = "danger_authority_offline";
	}
	t->who->danger = kind;
	/* The reply replaces what was read: MORE never goes on through the
	 * page before it; a section or held choices that follow start
	 * their own reading (s14-fixa). */
	person_reset_reading(t->who);
	esc_notes_init(&notes);
	danger_mark(t, text, kind, &marked);
	if (b->esc != NULL)
		escalate_desk(b->esc, t->peer, turn_lang(t), t->now, &notes);
	/* Already asking for a person (HUMAN, then these words): not
	 * "type HUMAN" but the desk's answer worded for the consent
	 * question right after it (s17-fixs4); "a helper will be told
	 * first" only when one can answer now (s17-fixr1: a full queue
	 * refuses the YES). */
	if (notes.n > 0 && t->who->pending == PENDING_DESCRIBE)
		desk = danger_desk_describe(t, &notes.v[0]);
	else if (notes.n > 0)
		desk = phrases_render(b->p, notes.v[0].lang, notes.v[0].key,
		    (const char *const *)notes.v[0].vars);
	esc_notes_release(&notes);
	if (desk != NULL)
		v[1] = desk;
	s = phrases_render(b->p, turn_lang(t), b->esc != NULL ? key :
	    key_offline, v);
	buf_init(&m);
	buf_adds(&m, s);
	/* An offer waiting (these words were added to it): YES sends it. */
	if (t->who->pending == PENDING_CONSENT && b->esc != NULL) {
		buf_adds(&m, "\n");
		buf_adds(&m, P(t, "danger_consent"));
	}
	say_buf(t, &m);
	emit_notes(t, &marked);
	esc_notes_release(&marked);
	free(s);
	free(desk);
	return !has_request(t);
}

/*
 * Whom consent names, as honestly as the bot can know it: the one helper
 * on duty now (and, when others could take over, that they might), the
 * only helper there is, or the helpers of the desk in general. New string.
 */
static char *
consent_whom(struct turn *t)
{
	const struct config *cfg = t->b->cfg;
	const char *name = NULL;

	if (t->b->env.on_duty != NULL)
		name = t->b->env.on_duty(t->b->env.ud, t->now);
	if (name == NULL && cfg->nhelpers == 1 && cfg->helpers[0].name != NULL)
		name = cfg->helpers[0].name;
	if (name != NULL && cfg->nhelpers > 1) {
		const char *v[] = { "name", name, NULL };

		return phrases_render(t->b->p, turn_lang(t),
		    "consent_whom_first", v);
	}
	if (name != NULL)
		return xstrdup(name);
	return xstrdup(P(t, "consent_whom_duty"));
}

/*
 * Adds text, said while consent waits, to what would be sent (after a
 * line break; the whole cut at twice limits.max_text); kind (DANGER_NOW,
 * DANGER_SELF) marks the request as one that came with danger. HUMAN then
 * offers the whole again.
 */
static void
consent_add(struct turn *t, const char *text, int kind)
{
	struct person *w = t->who;
	size_t max = t->b->cfg->limits.max_text;
	struct buf q;
	int cut;

	buf_init(&q);
	buf_adds(&q, w->consent_text != NULL ? w->consent_text : "");
	if (q.len > 0)
		buf_adds(&q, "\n");
	buf_adds(&q, text);
	util_strfreezero(w->consent_text);
	w->consent_text = copy_capped(q.s, 2 * max, &cut);
	util_strfreezero(buf_detach(&q));
	w->consent_cut |= cut;
	if (kind != 0 && w->consent_danger != DANGER_SELF)
		w->consent_danger = kind;
	free(w->last_question);
	w->last_question = xstrdup(w->consent_text);
	w->question_cut = w->consent_cut;
	w->nlisting = 0;
}

/*
 * The language the consented text is written in, as the case's (the
 * helper answers in it): the one lang_guess() tells, else the
 * conversation's now. A LANG typed while consent waits changes the
 * bot's replies, not the request's language.
 */
static void
consent_set_lang(struct turn *t)
{
	struct person *w = t->who;
	const char *d = lang_guess(w->consent_text);

	util_strlcpy(w->consent_lang, d != NULL && lang_known(t->b, d) ? d :
	    w->lang, sizeof(w->consent_lang));
}

/*
 * When nobody from the desk is on duty now, the line that says so and
 * when the next shift starts (consent_desk_closed, _closed_day,
 * _noshift: escalate_desk()'s answer, worded for the consent), added to
 * m; nothing when someone is on duty (busy or not) or without
 * escalation.
 */
static void
consent_desk(struct turn *t, struct buf *m)
{
	static const char *const off[] = { "esc_desk_closed",
	    "esc_desk_closed_day", "esc_desk_noshift" };
	struct esc_notes notes;
	char key[64];

	if (t->b->esc == NULL)
		return;
	esc_notes_init(&notes);
	escalate_desk(t->b->esc, t->peer, turn_lang(t), t->now, &notes);
	for (size_t i = 0; notes.n > 0 && i < ARRAY_LEN(off); i++)
		if (strcmp(notes.v[0].key, off[i]) == 0) {
			(void)util_snprintf(key, sizeof(key), "consent_desk_%s",
			    off[i] + strlen("esc_desk_"));
			add_key(t, m, key, (const char *const *)notes.v[0].vars);
		}
	esc_notes_release(&notes);
}

/* Asks the consent question naming what is sent, to whom and how. */
static void
ask_consent(struct turn *t, const char *text)
{
	struct person *w = t->who;
	const char *how = t->b->cfg->escalation.mode == CONFIG_ESC_HANDOFF ?
	    "consent_how_handoff" : "consent_how_relay";
	char *whom = consent_whom(t);
	const char *v[] = { "whom", whom, "text", text, "how", P(t, how),
	    NULL };
	char *s, max[24];
	struct buf m, q;
	int cut;

	if (w->consent_text != text) {
		util_strfreezero(w->consent_text);
		w->consent_text = copy_capped(text, t->b->cfg->limits.max_text,
		    &cut);
		w->consent_cut = cut || (text == w->last_question &&
		    w->question_cut);
	}
	w->pending = PENDING_CONSENT;
	w->consent_danger = w->danger;
	consent_set_lang(t);
	/* Nobody on duty now: say so, and when, before the question; a long
	 * message is sent cut: say so before it, and mark the cut. */
	buf_init(&m);
	consent_desk(t, &m);
	buf_init(&q);
	buf_adds(&q, w->consent_text);
	if (w->consent_cut) {
		const char *vm[] = { "max", max, NULL };

		(void)util_snprintf(max, sizeof(max), "%zu",
		    t->b->cfg->limits.max_text);
		add_key(t, &m, "consent_cut", vm);
		buf_adds(&q, " [\xe2\x80\xa6]");
	}
	v[3] = q.s;
	s = phrases_render(t->b->p, w->lang, "consent", v);
	if (m.len > 0)
		buf_adds(&m, "\n\n");
	buf_adds(&m, s);
	say_buf(t, &m);
	util_strfreezero(buf_detach(&q));
	free(s);
	free(whom);
}

static void
cmd_human(struct turn *t, const char *arg)
{
	struct bot *b = t->b;
	struct person *w = t->who;
	int unverified;
	char *offer = NULL;
	int kind = 0;

	(void)arg;
	if (b->esc == NULL) {
		say_key(t, "human_unavailable");
		return;
	}
	if (escalate_case_of(b->esc, t->peer) > 0) {
		struct esc_notes notes;

		esc_notes_init(&notes);
		escalate_status(b->esc, t->peer, turn_lang(t), t->now,
		    &notes);
		if (notes.n == 0)
			say_key(t, "human_already");
		emit_notes(t, &notes);
		esc_notes_release(&notes);
		return;
	}
	/* Someone in danger hears what would be sent, and to whom, first;
	 * the notice about an unverified conversation comes after it, once
	 * a conversation (again after a new session or a failed check). The
	 * words that got a danger or self-harm reply go with what followed
	 * (alarm_offer()). */
	if (w->last_question != NULL)
		offer = alarm_offer(w, &kind);
	unverified = !w->verified && !w->proved && !w->unverified_told;
	if (unverified)
		w->unverified_told = 1;
	if (unverified && (w->last_question == NULL || !kind))
		say_key(t, "human_unverified");
	if (w->last_question != NULL) {
		ask_consent(t, offer != NULL ? offer : w->last_question);
		w->consent_danger = kind;
		if (unverified && kind)
			say_key(t, "human_unverified_after");
		if (offer != NULL)
			util_strfreezero(offer);
	} else {
		w->pending = PENDING_DESCRIBE;
		say_key(t, "human_describe");
	}
}

static void
cmd_yes(struct turn *t, const char *arg)
{
	struct bot *b = t->b;
	struct person *w = t->who;
	struct esc_notes notes;
	long id;

	/* A YES right after a NO to consent: they changed their mind. */
	if (w->pending == PENDING_NONE && t->declined && b->esc != NULL &&
	    w->last_question != NULL) {
		cmd_human(t, "");
		return;
	}
	/* Right after one offer ("This may be it: 1) ..."), yes picks it. */
	if (w->pending == PENDING_NONE && w->nlisting == 1 && w->listed) {
		cmd_number(t, 1);
		return;
	}
	if (w->pending != PENDING_CONSENT || b->esc == NULL) {
		/* A request already waits: where it stands, not HUMAN. */
		if (w->pending == PENDING_NONE && has_request(t))
			say_request(t);
		else
			say_key(t, w->pending == PENDING_DESCRIBE ?
			    "human_describe" : "nothing_pending");
		return;
	}
	/* "yes but also tell them...": the words after the yes go too. */
	if (arg != NULL && *arg != '\0')
		consent_add(t, arg, 0);
	w->pending = PENDING_NONE;
	esc_notes_init(&notes);
	id = escalate_open(b->esc, t->peer, w->consent_lang, w->consent_text,
	    esc_danger_of(w->consent_danger), t->now, &notes);
	/* The case is in the text's language; the person still reads
	 * theirs. */
	for (size_t i = 0; i < notes.n; i++)
		if (notes.v[i].to == ESC_TO_PERSON &&
		    strcmp(notes.v[i].jid, t->peer) == 0) {
			free(notes.v[i].lang);
			notes.v[i].lang = xstrdup(turn_lang(t));
		}
	emit_notes(t, &notes);
	esc_notes_release(&notes);
	/* The alarm went with it (or the request carries its own). */
	if (id > 0 && w->alarm != NULL) {
		util_strfreezero(w->alarm);
		w->alarm = NULL;
	}
	if (id > 0 && arg != NULL && *arg != '\0') {
		const char *v[] = { "text", arg, NULL };
		char *s = phrases_render(b->p, turn_lang(t), "consent_added",
		    v);

		say(t, s);
		free(s);
	}
	if (w->consent_danger == DANGER_SELF)
		say_phrase_line(t, "self_harm_queue");
	else if (w->consent_danger)
		say_phrase_line(t, "danger_queue");
	util_strfreezero(w->consent_text);
	w->consent_text = NULL;
}

static void
cmd_no(struct turn *t, const char *arg)
{
	struct person *w = t->who;

	(void)arg;
	if (w->pending == PENDING_NONE) {
		if (has_request(t))
			say_request_drop(t);
		else
			say_key(t, "nothing_pending");
		return;
	}
	w->declined = w->pending == PENDING_CONSENT;
	w->pending = PENDING_NONE;
	util_strfreezero(w->consent_text);
	w->consent_text = NULL;
	say_key(t, "consent_no");
}

static void
cmd_cancel(struct turn *t, const char *arg)
{
	struct bot *b = t->b;
	struct esc_notes notes;

	if (t->who->pending != PENDING_NONE) {
		cmd_no(t, arg);
		return;
	}
	if (b->esc == NULL || escalate_case_of(b->esc, t->peer) <= 0) {
		say_key(t, "cancel_nothing");
		return;
	}
	esc_notes_init(&notes);
	(void)escalate_cancel(b->esc, t->peer, t->now, &notes);
	emit_notes(t, &notes);
	esc_notes_release(&notes);
}

/*
 * The command table: a command is a row; its words are data, the items of
 * its key in every language file (DATADIR/lang/, see lang.h). The language
 * a word gives away, when the person's is not known yet, is the one file
 * that lists it (none when several do). Flags: CMD_ARG takes a word after
 * the name; CMD_RELAY is still the bot's while a helper talks with the
 * person through it; CMD_PENDING only counts while a question waits for
 * YES or NO; CMD_GREETING (hello, merci...) gives the language away even
 * after detection, since a greeting is how people open in their own
 * language; CMD_NOLANG words give no language away; CMD_NAME words name
 * a language (the file that lists them) and choose it.
 */
#define CMD_ARG		0x01
#define CMD_RELAY	0x02
#define CMD_PENDING	0x04
#define CMD_GREETING	0x08	/* also moves a detected language */
#define CMD_NOLANG	0x10
#define CMD_NAME	0x20

struct command {
	const char	*key;
	void		(*fn)(struct turn *, const char *);
	int		 flags;
};

static const struct command commands[] = {
	{ "cmd.help",		cmd_help,	0 },
	{ "cmd.topics",		cmd_topics,	0 },
	{ "cmd.more",		cmd_more,	0 },
	{ "cmd.fingerprint",	cmd_fingerprint, 0 },
	{ "cmd.verify",		cmd_verify,	CMD_RELAY },
	{ "cmd.status",		cmd_status,	CMD_RELAY },
	{ "cmd.stop",		cmd_stop,	CMD_RELAY },
	{ "cmd.lang_name",	cmd_lang,	CMD_NAME | CMD_NOLANG },
	{ "cmd.lang",		cmd_lang,	CMD_ARG | CMD_NOLANG },
	{ "cmd.human",		cmd_human,	CMD_RELAY },
	{ "cmd.yes",		cmd_yes,	0 },
	{ "cmd.yes_short",	cmd_yes,	CMD_PENDING | CMD_NOLANG },
	{ "cmd.no",		cmd_no,		0 },
	{ "cmd.no_short",	cmd_no,		CMD_PENDING | CMD_NOLANG },
	{ "cmd.cancel",		cmd_cancel,	CMD_RELAY },
	{ "cmd.hello",		cmd_hello,	CMD_GREETING },
	{ "cmd.thanks",		cmd_thanks,	CMD_GREETING },
	{ "cmd.ack",		cmd_ack,	CMD_GREETING },
	{ "cmd.back",		cmd_back,	0 },
};

/* The row of key. */
static const struct command *
command_row(const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].key, key) == 0)
			return &commands[i];
	return NULL;
}

/* The command folded text is, its argument and the language its word
 * gives away (NULL: none), or NULL. */
static const struct command *
command_find(const char *folded, const char **arg, const char **lang,
    int pending)
{
	for (size_t i = 0; i < ARRAY_LEN(commands); i++) {
		const struct command *c = &commands[i];
		const char *sp = strchr(folded, ' ');

		if ((c->flags & CMD_PENDING) && !pending)
			continue;
		if (lang_match(c->key, folded, strlen(folded), lang)) {
			*arg = (c->flags & CMD_NAME) && *lang ? *lang : "";
		} else if ((c->flags & CMD_ARG) && sp != NULL &&
		    lang_match(c->key, folded, (size_t)(sp - folded), lang)) {
			*arg = sp + 1;
		} else
			continue;
		if (c->flags & CMD_NOLANG)
			*lang = NULL;
		return c;
	}
	return NULL;
}

/* 1 if folded starts with an item of key followed by more words
 * ("oui merci"); *lang as lang_match. */
static int
starts_with(const char *key, const char *folded, const char **lang)
{
	for (const char *sp = folded; (sp = strchr(sp, ' ')) != NULL; sp++)
		if (lang_match(key, folded, (size_t)(sp - folded), lang))
			return 1;
	return 0;
}

/*
 * The words of text after its first (a yes), unless they only say yes
 * ("please", "send it": [consent.yes_plain]); "" if none. Points into
 * text.
 */
static const char *
yes_more(const char *text)
{
	const char *r = text, *hl;
	char *f;
	int plain;

	while (is_space(*r))
		r++;
	while (*r != '\0' && !is_space(*r) && strchr(",.;:!", *r) == NULL)
		r++;
	while (*r != '\0' && (is_space(*r) || strchr(",.;:!-", *r) != NULL))
		r++;
	f = fold_command(r);
	plain = f[0] == '\0' || lang_match("consent.yes_plain", f,
	    strlen(f), &hl) || lang_match("cmd.yes", f, strlen(f), &hl);
	free(f);
	return plain ? "" : r;
}

/*
 * The command row (cmd.yes, cmd.no) of a yes or no that is only a reply:
 * a [consent.again] way of saying yes ("actually yes", "finalement
 * oui"), or a yes or a no followed only by words that say it again
 * ("yes please", "no thanks"); else NULL. *lang as lang_match.
 */
static int	said(const char *, const char *, const char **);
static int	said_closing(const char *, const char **);

/*
 * 1 if folded (text folded) is only a yes, a no, an acknowledgement, a
 * greeting, thanks or a plea ("go ahead", "please", "ok", "help me"):
 * words that never replace what a request would send, nor describe it.
 */
static int
no_subject(const struct turn *t, const char *text, const char *folded)
{
	static const char *const keys[] = { "cmd.yes", "cmd.no",
	    "consent.yes", "consent.yes_plain", "consent.unsure",
	    "consent.again", "cmd.ack", "cmd.thanks", "cmd.hello" };
	const char *hl;

	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (said(keys[i], folded, &hl))
			return 1;
	return said_closing(folded, &hl) || intent_plea(t->b->intent, text,
	    &hl);
}

static const struct command *
yes_no_reply(const char *text, const char *folded, const char **lang)
{
	if (lang_match("consent.again", folded, strlen(folded), lang) ||
	    said("consent.yes", folded, lang))
		return command_row("cmd.yes");
	if (yes_more(text)[0] != '\0')
		return NULL;
	if (starts_with("cmd.yes", folded, lang))
		return command_row("cmd.yes");
	if (starts_with("cmd.no", folded, lang))
		return command_row("cmd.no");
	return NULL;
}

/* folded without the marks between its words (",;:-"). New string. */
static char *
unmarked(const char *folded)
{
	char *f = xstrdup(folded), *w = f;

	for (const char *p = folded; *p != '\0'; p++)
		if (strchr(",;:-", *p) == NULL)
			*w++ = *p;
	*w = '\0';
	return f;
}

/* 1 if folded, marks aside, is an item of key; *lang as lang_match. */
static int
said(const char *key, const char *folded, const char **lang)
{
	char *f = unmarked(folded);
	int r;

	r = lang_match(key, f, strlen(f), lang) ||
	    lang_match(key, folded, strlen(folded), lang);
	free(f);
	return r;
}

/*
 * 1 if folded, marks aside, is only items of key, one after the other
 * ("never mind i fixed it"): a message that opens with one and goes on
 * with words of its own ("j'ai trouvé un traceur GPS", "forget it, he
 * posted my photos") is none; *lang as lang_match_only().
 */
static int
said_only(const char *key, const char *folded, const char **lang)
{
	char *f = unmarked(folded);
	int r;

	*lang = NULL;
	r = lang_match_only(&key, 1, 1, f, lang) ||
	    lang_match_only(&key, 1, 1, folded, lang);
	free(f);
	return r;
}

/*
 * folded with each word that is no word of keys' items (nkeys of them,
 * in any loaded language) but one edit from such a word of
 * BOT_TYPO_MIN letters or more made that word: "thnaks", "mercii",
 * "no funsiona". Only for messages then matched whole against those
 * items (said_near(), said_closing()): a short reply's typos, never a
 * question's. New string.
 */
static char *
typo_fixed(const char *const *keys, size_t nkeys, const char *folded)
{
	const struct lang_row *r;
	struct buf out, vocab;
	const char *p = folded;

	/* The items' words, folded, each followed by a space. */
	buf_init(&vocab);
	buf_addc(&vocab, ' ');
	for (size_t i = 0; (r = lang_row_at(i)) != NULL; i++)
		for (size_t k = 0; k < nkeys; k++) {
			const char *const *it;
			size_t n;

			if ((it = lang_items(r->code, keys[k], &n)) == NULL)
				continue;
			for (size_t j = 0; j < n; j++) {
				char *f = lang_fold(it[j]);

				buf_adds(&vocab, f);
				buf_addc(&vocab, ' ');
				free(f);
			}
		}
	buf_init(&out);
	while (*p != '\0') {
		size_t n = strcspn(p, " "), best = 0;
		const char *fix = NULL, *v = vocab.s;
		int known = 0;

		while (!known && (v = strchr(v, ' ')) != NULL && v[1] != '\0') {
			size_t vn = strcspn(++v, " ");

			if (vn == n && strncmp(v, p, n) == 0)
				known = 1;
			else if (fix == NULL && vn >= BOT_TYPO_MIN &&
			    n + 1 >= BOT_TYPO_MIN &&
			    util_within_one(p, n, v, vn)) {
				fix = v;
				best = vn;
			}
		}
		if (out.len > 0)
			buf_addc(&out, ' ');
		if (!known && fix != NULL)
			buf_add(&out, fix, best);
		else
			buf_add(&out, p, n);
		p += n;
		while (*p == ' ')
			p++;
	}
	buf_release(&vocab);
	if (out.s == NULL)
		return xstrdup("");
	return buf_detach(&out);
}

/* 1 if folded, marks and typos aside (typo_fixed()), is only items of
 * key ("it didnt wrok", "no funsiona"); *lang as lang_match. */
static int
said_near(const char *key, const char *folded, const char **lang)
{
	char *u, *f;
	int r;

	u = unmarked(folded);
	f = typo_fixed(&key, 1, u);
	r = said_only(key, folded, lang) || said_only(key, f, lang);
	free(f);
	free(u);
	return r;
}

/* The words of a goodbye: thanks, a farewell, and acknowledgements
 * beside them ("ok thanks bye", "merci au revoir", "listo gracias"). */
static const char *const closing_keys[] = { "cmd.thanks", "cmd.bye",
    "cmd.ack" };
#define CLOSING_OWN	2	/* closing_keys[] before it say goodbye */

/*
 * 1 if folded, marks and typos aside, only thanks or says goodbye
 * ("thanks bye", "merci au revoir", "ok gracias adios", "thnaks"): the
 * reply "thank you" gets. *lang as lang_match (NULL: none told).
 */
static int
said_closing(const char *folded, const char **lang)
{
	char *u, *f;
	int r;

	*lang = NULL;
	u = unmarked(folded);
	f = typo_fixed(closing_keys, ARRAY_LEN(closing_keys), u);
	r = lang_match_only(closing_keys, ARRAY_LEN(closing_keys), CLOSING_OWN,
	    u, lang) || lang_match_only(closing_keys, ARRAY_LEN(closing_keys),
	    CLOSING_OWN, f, lang);
	free(f);
	free(u);
	return r;
}

/* 1 if the words after a yes (arg) open a condition ([consent.but]:
 * "but not now", "wait", "no"): the yes sends nothing. */
static int
yes_but(const char *arg)
{
	char *f;
	const char *hl;
	int r;

	if (arg == NULL || *arg == '\0')
		return 0;
	f = fold_command(arg);
	r = said("consent.but", f, &hl) ||
	    starts_with("consent.but", f, &hl);
	free(f);
	return r;
}

/* 1 if folded opens with a [consent.add] word ("also", "wait, also",
 * "et aussi"): words to add to what consent would send. */
static int
adds_to_consent(const char *folded)
{
	char *f = unmarked(folded);
	const char *lang;
	int r;

	r = starts_with("consent.add", f, &lang);
	free(f);
	return r;
}

static int
same_str(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static void
greetings_clear(struct bot *b)
{
	for (size_t i = 0; i < BOT_GREETINGS; i++) {
		free(b->greet[i].our_fp);
		free(b->greet[i].question);
		free(b->greet[i].text);
	}
	memset(b->greet, 0, sizeof(b->greet));
	b->greet_next = 0;
}

/* Engine. */

struct bot *
bot_new(const struct config *cfg, const struct guide *g,
    const struct search *s, const struct phrases *p, struct escalate *esc,
    const struct bot_env *env)
{
	struct bot *b = xcalloc(1, sizeof(*b));

	b->cfg = cfg;
	b->g = g;
	b->s = s;
	b->p = p;
	b->esc = esc;
	if (env != NULL)
		b->env = *env;
	b->intent = intent_new(p);
	b->people = lru_new(max_people(b), person_kept, person_free_val, b);
	return b;
}

void
bot_free(struct bot *b)
{
	if (b == NULL)
		return;
	lru_free(b->people);
	intent_free(b->intent);
	greetings_clear(b);
	free(b->xadded);
	free(b);
}

void
bot_stats(const struct bot *b, struct bot_stats *st)
{
	st->people = lru_count(b->people);
	st->evicted = lru_evicted(b->people);
	st->steps = lru_steps(b->people);
}

void
bot_set_explain(struct bot *b, int on)
{
	b->explain = on;
	b->nxhits = 0;
}

size_t
bot_explain_hits(const struct bot *b, const struct search_hit **hits)
{
	*hits = b->xhits;
	return b->explain ? b->nxhits : 0;
}

double
bot_min_score(const struct bot *b)
{
	return min_score(b);
}

static int
person_reread(void *ud, const char *key, void *val)
{
	struct person *w = val;

	(void)ud;
	(void)key;
	reading_clear(&w->rd);
	/* No section of the new guide was read: a follow-up has no
	 * previous section to compare with ("answered" stays: advice was
	 * given, and "it didn't work" still offers HUMAN). */
	w->rd.sec = GUIDE_NONE;
	w->nlisting = 0;
	w->resume.set = 0;
	w->aside = GUIDE_NONE;
	return 0;
}

void
bot_reload(struct bot *b, const struct guide *g, const struct search *s,
    const struct phrases *p, struct escalate *esc)
{
	b->g = g;
	b->s = s;
	b->p = p;
	b->esc = esc;
	greetings_clear(b);
	/* Section numbers belong to the old guide: paging and numbered
	 * lists start again; language, consent and verification stay. */
	lru_each(b->people, person_reread, NULL);
}

void
bot_set_lang(struct bot *b, const char *peer, const char *lang)
{
	char key[JID_BARE_MAX + 1];
	struct person *w = NULL;

	if (lang == NULL || lang[0] == '\0')
		return;
	/* Not the person's activity: their idle clock stays as it was (set
	 * to 0, the next bot_tick() forgot the conversation, its language
	 * and numbered list with it: fuzz_bot, lang-keeps-list.txt). */
	if (jid_bare_into(peer, key, sizeof(key)) == JID_OK)
		w = lru_get(b->people, key);
	if (w == NULL)
		w = person_get(b, peer, 0);
	if (w != NULL)
		set_lang(w, lang, LANG_CHOSEN);
}

/* The language a helper reads: the first they listed, or the default. */
static const char *
helper_lang(const struct bot *b, const struct config_helper *h)
{
	if (h->nlanguages > 0)
		return h->languages[0];
	return b->cfg->guide.default_language;
}

static void
helper_unpinned(struct turn *t, const struct config_helper *h)
{
	const char *v[] = { "fp", t->f->their_fp ? t->f->their_fp : "?",
	    NULL };
	char *s = phrases_render(t->b->p, helper_lang(t->b, h),
	    "helper_unpinned", v);

	say(t, s);
	free(s);
}

static void
reach_changed(struct turn *t, const char *peer)
{
	struct esc_notes notes;

	if (t->b->esc == NULL)
		return;
	esc_notes_init(&notes);
	escalate_reach_changed(t->b->esc, peer, t->now, &notes);
	emit_notes(t, &notes);
	esc_notes_release(&notes);
}

/* Is folded word w one of the words of line, folded? */
static int
word_listed(const char *line, const char *w)
{
	char *f = lang_fold(line);
	size_t n = strlen(w);
	int found = 0;

	for (const char *p = f; !found && *p != '\0'; ) {
		size_t k = strcspn(p, " ");

		found = k == n && memcmp(p, w, n) == 0;
		p += k;
		p += strspn(p, " ");
	}
	free(f);
	return found;
}

/*
 * A pick from the numbered list on screen written otherwise than as
 * digits alone: digits after [number.prefix] words, glued or not ("#1",
 * "n°2", "number 3"), or a number word or ordinal of any loaded language,
 * with or without them ("two", "deux", "primero", "the second": line n of
 * [number.words] holds the words of n). 1 and *num when it is one.
 */
static int
pick_number(const char *folded, long *num)
{
	const struct lang_row *r;
	const char *s = folded, *lang;
	size_t sp, d;

	for (int i = 0; i < 3; i++) {
		sp = strcspn(s, " ");
		d = strcspn(s, "0123456789");
		if (d > 0 && d < sp && lang_match("number.prefix", s, d, &lang))
			s += d;
		else if (s[sp] == ' ' &&
		    lang_match("number.prefix", s, sp, &lang))
			s += sp + 1;
		else
			break;
	}
	d = strspn(s, "0123456789");
	if (d > 0 && d <= 4 && (s[d] == '\0' || strcmp(s + d, ")") == 0)) {
		*num = strtol(s, NULL, 10);
		return 1;
	}
	if (s[0] == '\0' || strchr(s, ' ') != NULL || strlen(s) > LANG_WORD_MAX)
		return 0;
	for (size_t i = 0; (r = lang_row_at(i)) != NULL; i++) {
		const char *const *items;
		size_t n;

		if ((items = lang_items(r->code, "number.words", &n)) == NULL)
			continue;
		for (size_t k = 0; k < n; k++)
			if (word_listed(items[k], s)) {
				*num = (long)k + 1;
				return 1;
			}
	}
	return 0;
}

/*
 * The language question text (folded: its command folding) is written in,
 * when lang_guess() tells one the bot knows and there is evidence enough:
 * any when the person's language is still open (lang_open()), else at
 * least BOT_REDETECT_WORDS words. NULL when not. While it is open and the
 * message ties (no language of its own), the best guess among the desk's
 * languages, its default or the last guess when tied with it; *guessed
 * (may be NULL) is then 1.
 */
static const char *
question_lang(struct turn *t, const char *text, const char *folded,
    int *guessed)
{
	const char *d, *codes[LANG_GUESS_MAX];
	const struct lang_row *r;
	size_t n = 0;

	if (guessed != NULL)
		*guessed = 0;
	if (!lang_open(t->who) && count_words(folded) < BOT_REDETECT_WORDS)
		return NULL;
	d = lang_guess(text);
	if (d != NULL && !lang_known(t->b, d)) {
		/* Another language ("jemand hat ein fake profil"): its
		 * near one, else the person's (the default), never a
		 * guess among the desk's from its loanwords. */
		d = lang_near(d);
		return d != NULL && lang_known(t->b, d) ? d : NULL;
	}
	if (d != NULL)
		return d;
	if (!lang_open(t->who))
		return NULL;	/* the person's language stays */
	/* Unsure, and no language yet: the best guess among the desk's
	 * own, the person's (the default) when tied with it ("vol de
	 * telephone" is French and Spanish, "de la ong" too: never
	 * English). */
	for (size_t i = 0; (r = lang_row_at(i)) != NULL &&
	    n < LANG_GUESS_MAX; i++)
		if (lang_known(t->b, r->code))
			codes[n++] = r->code;
	d = lang_guess_among(text, codes, n, t->who->lang);
	if (d != NULL && guessed != NULL)
		*guessed = 1;
	return d;
}

/*
 * Is text written in a language the desk does not speak (lang_guess()
 * tells one with no phrases or pages: "estou sendo seguida", "hesabim
 * hacklendi")? The one test: say_foreign() and answer_question() ask it.
 */
static int
text_foreign(const struct turn *t, const char *text)
{
	const char *d = lang_guess(text);

	return d != NULL && !lang_known(t->b, d);
}

/*
 * If text_foreign(): which languages the desk speaks, and HUMAN
 * (lang_spoken), in the language lang_near() gives or the person's; once
 * a conversation.
 */
static void
say_foreign(struct turn *t, const char *text)
{
	if (t->who->spoken_told || !text_foreign(t, text))
		return;
	t->who->spoken_told = 1;
	say_key(t, "lang_spoken");
}

/*
 * 1 if folded text asks about the bot and nothing else, in one language:
 * a [you] word ("you", "tu", "eres") with a [you.what] one ("are you a
 * bot", "eres humano") or with [you.ask] words only ("who are you", "qui
 * es-tu", "are you there"); a [you.talk] word with stopwords ("who am i
 * talking to", "je parle à qui", "am i talking to a robot": s13-conv2);
 * or a [you.what] word with [you.ask] words only ("c'est un robot ?",
 * "bot?"). One letter counts for nothing (the "c" of "c'est"). "are you
 * with them", "do you know them", "i need you" are not about the bot,
 * nor "j'ai besoin de vous" (English "ai"). The search has nothing to look
 * for but the desk itself (any of its pages alike, or in a guide without
 * them, another desk's); in any guide, the bot says what it is.
 */
static int
about_bot(const char *folded)
{
	const struct lang_row *r;
	const char *p, *sep = " -',.;:!?";
	size_t n;

	for (size_t k = 0; (r = lang_row_at(k)) != NULL; k++) {
		int you = 0, talk = 0, what = 0, other = 0, subject = 0;

		for (p = folded + strspn(folded, sep); *p != '\0' &&
		    !subject; p += strspn(p, sep)) {
			n = strcspn(p, sep);
			if (n < 2)
				;	/* one letter: the "c" of "c'est" */
			else if (lang_match_in(r->code, "you", p, n))
				you = 1;
			else if (lang_match_in(r->code, "you.talk", p, n))
				talk = 1;
			else if (lang_match_in(r->code, "you.what", p, n))
				what = 1;
			else if (!lang_match_in(r->code, "you.ask", p, n)) {
				subject = !lang_is_stopword(p, n);
				other = 1;
			}
			p += n;
		}
		if (subject)
			continue;
		if (talk || (you && what) || ((you || what) && !other))
			return 1;
	}
	return 0;
}

/*
 * 1 if folded only asks to talk with a person, in one language's words
 * (s19-fixconv: "je veux parler a quelqu'un de vrai" got "I am a bot",
 * "quiero hablar con una persona de verdad" a guide section): a wish
 * ([human.want]) and a person ([human.who]), every other word of two
 * letters or more a [you.talk], [human.filler], [you] word or a
 * stopword, and no [human.not] word ("i don't want to talk to anyone",
 * "je ne veux parler a personne"). [human] lists whole messages; this is
 * their grammar. *lang: the language whose words they are.
 */
static int
wants_person(const char *folded, const char **lang)
{
	const struct lang_row *r;
	const char *p, *sep = " -',.;:!?", *end = " ,.;:!?";
	size_t n;

	/* A negation, apostrophes kept ("don't"), in any language. */
	for (p = folded + strspn(folded, end); *p != '\0';
	    p += strspn(p, end)) {
		const char *hl;

		n = strcspn(p, end);
		if (lang_match("human.not", p, n, &hl))
			return 0;
		p += n;
	}
	for (size_t k = 0; (r = lang_row_at(k)) != NULL; k++) {
		int want = 0, who = 0, other = 0;

		for (p = folded + strspn(folded, sep); *p != '\0' && !other;
		    p += strspn(p, sep)) {
			n = strcspn(p, sep);
			if (n < 2)
				;	/* the "j" of "j'ai", the "d" of "i'd" */
			else if (lang_match_in(r->code, "human.want", p, n))
				want = 1;
			else if (lang_match_in(r->code, "human.who", p, n))
				who = 1;
			else if (!lang_match_in(r->code, "you.talk", p, n) &&
			    !lang_match_in(r->code, "human.filler", p, n) &&
			    !lang_match_in(r->code, "you", p, n) &&
			    !lang_is_stopword(p, n))
				other = 1;
			p += n;
		}
		if (want && who && !other) {
			*lang = r->code;
			return 1;
		}
	}
	return 0;
}

/*
 * The language a whole message asks for by name, with words around it
 * ([lang.ask]: "english please", "in english please", "en français
 * svp", "en español por favor"): its code, or NULL. The bare name is
 * [cmd.lang_name]'s own row (s19-fixconv: with "please" it was
 * searched).
 */
static const char *
lang_asked(const char *folded)
{
	static const char *const keys[] = { "cmd.lang_name", "lang.ask" };
	char *u = unmarked(folded);
	const char *lang = NULL;
	int r;

	r = lang_match_only(keys, ARRAY_LEN(keys), 1, u, &lang);
	free(u);
	return r ? lang : NULL;
}

/* What a question about this conversation's own check asks
 * (about_session()). */
enum session_ask {
	SESSION_NONE = 0,
	SESSION_STATE,		/* is this chat verified, am i verified */
	SESSION_OURS,		/* your fingerprint, how do i verify you */
	SESSION_THEIRS,		/* my fingerprint */
	SESSION_BOTH,		/* this chat's fingerprints */
	SESSION_QUESTION,	/* the desk's check question */
};

/*
 * What folded text asks about this very conversation's check, in one
 * language: every word is a stopword or one of [you], [you.ask],
 * [session.*] (one letter counts for nothing). A check word
 * ([session.state]: verified, encrypted) with a word for this chat
 * ([session.this]), the person ([session.me]) or the bot ([you]) asks
 * where the checks stand ("is this chat verified", "am i verified"); with
 * "how" and the bot alone, how to check it ("how do i verify you"). A
 * fingerprint word with the bot is the bot's ("what is your
 * fingerprint"), with the person theirs, with both or this chat both. The
 * question word with "what", the bot or this chat is the desk's check
 * question ("what is the smp question"). "How do fingerprints work",
 * "how do i verify a fingerprint", "is my whatsapp encrypted" name no
 * party or another subject: guide questions. Every caller that answers a
 * question asks this first; the guide loaded does not matter.
 */
static enum session_ask
about_session(const char *folded)
{
	const struct lang_row *r;
	const char *p, *sep = " -',.;:!?";
	size_t n;

	for (size_t k = 0; (r = lang_row_at(k)) != NULL; k++) {
		int you = 0, me = 0, chat = 0, state = 0, key = 0, q = 0;
		int which = 0, how = 0, other = 0;

		for (p = folded + strspn(folded, sep); *p != '\0' && !other;
		    p += strspn(p, sep)) {
			n = strcspn(p, sep);
			if (n < 2)
				;
			else if (lang_match_in(r->code, "session.state", p, n))
				state = 1;
			else if (lang_match_in(r->code, "session.key", p, n))
				key = 1;
			else if (lang_match_in(r->code, "session.question", p,
			    n))
				q = 1;
			else if (lang_match_in(r->code, "you", p, n))
				you = 1;
			else if (lang_match_in(r->code, "session.me", p, n))
				me = 1;
			else if (lang_match_in(r->code, "session.this", p, n))
				chat = 1;
			else if (lang_match_in(r->code, "session.which", p, n))
				which = 1;
			else if (lang_match_in(r->code, "session.how", p, n))
				how = 1;
			else if (!lang_match_in(r->code, "session.also", p, n) &&
			    !lang_match_in(r->code, "you.ask", p, n))
				other = !lang_is_stopword(p, n);
			p += n;
		}
		if (other)
			continue;
		if (key && (chat || (you && me)))
			return SESSION_BOTH;
		if (key && you)
			return SESSION_OURS;
		if (key && me)
			return SESSION_THEIRS;
		if (q && (which || you || chat))
			return SESSION_QUESTION;
		if (state && how && you && !me && !chat)
			return SESSION_OURS;
		if (state && (you || me || chat))
			return SESSION_STATE;
	}
	return SESSION_NONE;
}

/* The answer to a question about this conversation's check
 * (about_session()): the session's own facts, short. */
static void
say_session(struct turn *t, enum session_ask a)
{
	const char *q;
	struct buf m;

	buf_init(&m);
	switch (a) {
	case SESSION_STATE:
		add_checks(t, &m);
		break;
	case SESSION_OURS:
		add_fingerprint(t, &m, 1);
		add_key(t, &m, t->who->proved ? "status_proved" :
		    "fingerprint_how", NULL);
		if (!t->who->proved && smp_question(t) != NULL)
			add_check_me(t, &m, "status_unproved", 1);
		break;
	case SESSION_THEIRS:
		add_fingerprint(t, &m, 0);
		add_key(t, &m, t->who->verified ? "status_verified" :
		    "status_unverified", NULL);
		break;
	case SESSION_QUESTION:
		if ((q = smp_question(t)) != NULL) {
			const char *v[] = { "question", q, NULL };
			add_line(t, &m, "session_question", v);
		} else
			add_line(t, &m, "verify_unavailable", NULL);
		break;
	case SESSION_BOTH:
	case SESSION_NONE:
		buf_release(&m);
		cmd_fingerprint(t, "");
		return;
	}
	say_buf(t, &m);
}

/* Keeps text as the question HUMAN offers to pass on (cut at max_text). */
static void
keep_question(struct turn *t, const char *text)
{
	char *f = fold_command(text);
	int none = no_subject(t, text, f);

	free(f);
	/* "go ahead", "please": never what HUMAN offers to send; the
	 * problem they described stays. */
	if (none)
		return;
	free(t->who->last_question);
	t->who->last_question = copy_capped(text,
	    t->b->cfg->limits.max_text, &t->who->question_cut);
}

/* A message of marks only ("???", "..."): the yes/no question or the
 * description that waits, where a request stands, or what to type. */
static void
say_unclear(struct turn *t)
{
	struct person *w = t->who;

	if (w->pending != PENDING_NONE)
		say_key(t, w->pending == PENDING_CONSENT ? "consent_unsure" :
		    "human_describe");
	else
		say_request_or(t, "unclear");
}

/*
 * The last line after the check-in for self-harm or distress (its reply
 * said) beside a digital subject (s16-fixi): the message without its
 * words of feeling (intent_crisis_rest()) is searched when it holds two
 * search words or an attack, and when the search is sure of a section
 * (sure_of()), or its best hit is a plausible choice at the bar (CHOICES:
 * the guide nearly answers), that section is offered by number, never
 * shown: the check-in stays the whole reply (self_harm_offer, its
 * source line; 1, YES or MORE reads it, as a list of one would). Else
 * the way back to the problem, in their words (self_harm_after).
 */
static void
crisis_after(struct turn *t, const char *text)
{
	struct bot *b = t->b;
	struct person *w = t->who;
	struct search_hit hits[BOT_NHITS];
	enum search_outcome d;
	const char *qlang = NULL;
	char *rest, *f;
	size_t n = 0, sec, words = 0;
	int attack;
	struct buf m;

	rest = intent_crisis_rest(b->intent, text, &attack);
	if (b->s != NULL && rest != NULL) {
		if (w->lang_from == LANG_CHOSEN) {
			f = fold_command(text);
			qlang = question_lang(t, text, f, NULL);
			free(f);
		}
		if (qlang == NULL)
			qlang = w->lang;
		if ((f = search_tokens(rest, qlang)) != NULL) {
			words = count_words(f);
			free(f);
		}
		/* One word that is no attack ("i want to die, my phone")
		 * is no question: what happened is asked. */
		if (words >= 2 || attack)
			n = search_query(b->s, rest, qlang, hits, BOT_NHITS);
	}
	free(rest);
	d = search_decide(hits, n, min_score(b));
	if (n == 0 || !(sure_of(b, d, hits, n) || (d == SEARCH_CHOICES &&
	    hits[0].score >= min_score(b) && choice_plausible(&hits[0]) &&
	    !hits[0].off_subject && !search_hit_refused(&hits[0])))) {
		say_key(t, "self_harm_after");
		return;
	}
	hits_for_reader(b->g, w->lang, hits, 1);
	sec = reader_section(t, hits[0].section);
	if (section_text(b, sec)[0] == '\0') {
		say_key(t, "self_harm_after");
		return;
	}
	person_reset_reading(w);
	listing_sections(w, &sec, 1);
	w->offer = sec;
	buf_init(&m);
	add_line(t, &m, "self_harm_offer", NULL);
	buf_adds(&m, "\n1) ");
	add_source(t, &m, sec);
	add_key(t, &m, "self_harm_offer_next", NULL);
	say_buf(t, &m);
}

/* Words of a person (or of a helper talking as one). */
static void
person_text(struct turn *t, const char *text)
{
	struct bot *b = t->b;
	struct person *w = t->who;
	const struct command *c;
	const char *arg = NULL, *hl, *clang = NULL;
	char *folded = fold_command(text);
	long num;
	int remind = 0, attack = 0, failed, guessed;
	enum session_ask sa;
	const char *why = NULL;

	if (folded[0] == '\0') {
		/* "???", "...": never silence; the question that waits, where
		 * a request stands, or what can be typed. */
		if (text[strspn(text, " \t\r\n")] != '\0')
			say_unclear(t);
		goto done;
	}
	t->declined = w->declined;
	w->declined = 0;
	c = command_find(folded, &arg, &clang, w->pending != PENDING_NONE);
	/* "english please", "en français svp": as the bare name. */
	if (c == NULL && (arg = lang_asked(folded)) != NULL)
		c = command_row("cmd.lang_name");
	/* "thanks bye", "merci au revoir", "gracias adios": what "thank
	 * you" gets, never a search (while a question waits, no_subject()
	 * asks it again). */
	if (c == NULL && w->pending == PENDING_NONE &&
	    said_closing(folded, &hl)) {
		c = command_row("cmd.thanks");
		arg = "";
		clang = hl;
	}

	/* A live relay: the person's words are for the helper, flagged when
	 * they say danger or self-harm; the person gets the way to help now
	 * once (s13-fixd). */
	if (b->esc != NULL && (c == NULL || !(c->flags & CMD_RELAY))) {
		struct esc_notes notes;
		int used, kind = intent_self_harm(b->intent, text, NULL) ?
		    DANGER_SELF : intent_danger(b->intent, text, NULL) ?
		    DANGER_NOW : 0;

		esc_notes_init(&notes);
		used = escalate_person_text(b->esc, t->peer, text,
		    esc_danger_of(kind), t->now, &notes);
		emit_notes(t, &notes);
		esc_notes_release(&notes);
		if (used && kind != 0 && !w->relay_warned) {
			w->relay_warned = 1;
			say_phrase_line(t, kind == DANGER_SELF ?
			    "self_harm_relayed" : "danger_relayed");
		}
		if (used)
			goto done;
	}

	if (c == NULL && w->pending == PENDING_CONSENT) {
		/* "yes, and also my laptop": the comma is no word. */
		char *u = unmarked(folded);

		arg = "";
		if (starts_with("cmd.yes", folded, &clang) ||
		    starts_with("cmd.yes", u, &clang)) {
			c = command_row("cmd.yes");
			arg = yes_more(text);
		}
		else if (starts_with("cmd.no", folded, &clang) ||
		    starts_with("cmd.no", u, &clang))
			c = command_row("cmd.no");
		free(u);
	}
	/*
	 * A yes or a no said otherwise ("actually yes", "yes please", "no
	 * thanks") is a reply, never a question nor a description: YES and
	 * NO answer it (a YES right after a NO asks consent again; with
	 * nothing to answer, they name HUMAN).
	 */
	if (c == NULL && (c = yes_no_reply(text, folded, &clang)) != NULL)
		arg = "";

	/* "ok", "alright", "d'accord", "vale": heard, not a yes to sending
	 * someone's words to a person, nor a description; every
	 * acknowledgement, thanks or greeting ([cmd.ack], [cmd.thanks],
	 * [cmd.hello]: "ok thanks", "ok merci", "vale gracias") or
	 * [consent.unsure] word asks the question again, saying plainly
	 * that nothing is sent yet (s19-fixconv: "ok thanks" got "You're
	 * welcome" and the person believed a helper was coming). */
	if (w->pending != PENDING_NONE &&
	    ((c != NULL && (c->flags & CMD_GREETING)) || (c == NULL &&
	    (lang_match("consent.unsure", folded, strlen(folded), &hl) ||
	    no_subject(t, text, folded))))) {
		say_key(t, w->pending == PENDING_CONSENT ? "consent_unsure" :
		    "human_describe");
		goto done;
	}
	/* The wish for a person beside distress ("j'ai besoin de parler à
	 * quelqu'un, je n'en peux plus") gets the check-in first, which
	 * names HUMAN and the crisis line (s19-fixsh). */
	if (c == NULL && (lang_match("human", folded, strlen(folded), &hl) ||
	    wants_person(folded, &hl)) &&
	    !intent_distress(b->intent, text, NULL)) {
		if (lang_open(w) && hl != NULL &&
		    phrases_has_lang(b->p, hl))
			set_lang(w, hl, LANG_DETECTED);
		c = command_row("cmd.human");
		arg = "";
		clang = NULL;
	}
	/* "urgent", "ayuda urgente", "c'est urgent": HUMAN, after the way
	 * to help now if someone is in danger (s15-fixs: "urgent" went to
	 * HUMAN with no emergency line, "ayuda urgente" to the menu). */
	if ((c == NULL || c == command_row("cmd.human")) &&
	    w->pending == PENDING_NONE &&
	    intent_urgent(b->intent, text, &hl)) {
		if (lang_open(w))
			follow_lang(t, hl);
		say_phrase_line(t, "urgent_first");
		c = command_row("cmd.human");
		arg = "";
		clang = NULL;
	}
	/* "yes but not now", "oui mais attends", "yes no": a yes with a
	 * condition sends nothing; the question is asked again. */
	if (c == command_row("cmd.yes") && w->pending == PENDING_CONSENT &&
	    yes_but(arg)) {
		say_key(t, "consent_held");
		goto done;
	}
	if (c != NULL) {
		/* Any other command while consent waits (a list, a reading,
		 * HELP, FINGERPRINT, a language) says what YES still does
		 * (consent_open): the request is not sent. YES, NO, HUMAN
		 * and CANCEL answer the offer; STATUS names it itself. */
		if (w->pending == PENDING_CONSENT && c->fn != cmd_yes &&
		    c->fn != cmd_no && c->fn != cmd_human &&
		    c->fn != cmd_cancel && c->fn != cmd_stop &&
		    c->fn != cmd_status)
			remind = 1;
		if (clang != NULL && phrases_has_lang(b->p, clang) &&
		    (lang_open(w) ||
		    (w->lang_from == LANG_DETECTED &&
		    (c->flags & CMD_GREETING))))
			set_lang(w, clang, LANG_DETECTED);
		c->fn(t, arg);
		goto done;
	}
	/* A number, or a number word alone ("two", "deux"), with no list
	 * open gets number_no_list: it is no question ("two" found 2FA). */
	if ((strlen(folded) <= 4 &&
	    util_parse_long(folded, 0, 9999, &num) == 0) ||
	    pick_number(folded, &num)) {
		remind = w->pending == PENDING_CONSENT;
		cmd_number(t, num);
		goto done;
	}
	if (w->pending == PENDING_DESCRIBE) {
		/* The description is what they need help with: HUMAN offers
		 * it again if they say no now and change their mind. Words
		 * of self-harm or danger get their own reply first, as they
		 * do while consent waits (s16-fixs3: a NO left them without
		 * the crisis line); danger to come keeps the mark. */
		int kind = intent_self_harm(b->intent, text, &hl) ?
		    DANGER_SELF : intent_danger(b->intent, text, &hl) ?
		    DANGER_NOW : 0, later;
		struct esc_notes marked;

		keep_question(t, text);
		w->danger = 0;
		if (kind != 0) {
			follow_lang(t, hl);
			say_danger(t, kind, kind == DANGER_SELF ? "self_harm" :
			    "danger_now", kind == DANGER_SELF ?
			    "self_harm_offline" : "danger_now_offline", text);
		}
		/* Danger to come: the mark, as on the main path
		 * (note_alarm(): a NO then HUMAN still sends it marked;
		 * s16-rev3); not its line, whose "type HUMAN" the consent
		 * question right after answers. */
		later = kind == 0 && intent_danger_later(b->intent, text, &hl);
		if (later) {
			follow_lang(t, hl);
			danger_mark(t, text, DANGER_LATER, &marked);
		}
		ask_consent(t, w->last_question);
		if (later) {
			w->consent_danger = DANGER_LATER;
			emit_notes(t, &marked);
			esc_notes_release(&marked);
		}
		goto done;
	}
	/*
	 * Another message while consent waits: the offer stays open, and the
	 * reply says so (YES, NO, or HUMAN for the new words). Words of
	 * self-harm or of danger now are added to the offer (consent_add():
	 * YES sends both) and get their own reply first.
	 */
	if (w->pending == PENDING_CONSENT) {
		int kind = intent_self_harm(b->intent, text, &hl) ?
		    DANGER_SELF : intent_danger(b->intent, text, &hl) ?
		    DANGER_NOW : 0;

		if (kind == 0 && adds_to_consent(folded)) {
			/* "wait, also my laptop": added, and shown again. */
			int d = w->consent_danger;

			consent_add(t, text, 0);
			ask_consent(t, w->consent_text);
			if (d != 0)
				w->consent_danger = d;
			goto done;
		}
		if (kind == 0)
			remind = 1;
		else {
			/* The offer stays open, these words added to it:
			 * the helper needs both. */
			follow_lang(t, hl);
			consent_add(t, text, kind);
			say_danger(t, kind, kind == DANGER_SELF ? "self_harm" :
			    "danger_now", kind == DANGER_SELF ?
			    "self_harm_offline" : "danger_now_offline", text);
			goto done;
		}
	}
	/* Someone who may hurt themselves: no guide excerpt, only the way
	 * to help now; HUMAN offers to pass these very words on. */
	if (intent_self_harm(b->intent, text, &hl)) {
		follow_lang(t, hl);
		keep_question(t, text);
		w->nlisting = 0;
		say_danger(t, DANGER_SELF, "self_harm", "self_harm_offline",
		    text);
		/* "me quiero morir, me hackearon todo": the hack can wait,
		 * and the way back to it is said. */
		if (intent_digital(b->intent, text))
			crisis_after(t, text);
		goto done;
	}
	/* After the danger reply, "what should I do", "que faire", "help":
	 * no subject of its own to search (its stopwords found GDPR), but
	 * the safety steps again, short, and the way to a person. */
	if (w->danger != 0 && intent_bare_ask(b->intent, text, &hl)) {
		follow_lang(t, hl);
		w->nlisting = 0;
		say_again(t);
		goto done;
	}
	/*
	 * "It didn't work", "ça marche pas" ([follow.failed]) or a plea
	 * ("please help me"): after an answer, the advice failed, and a
	 * search would only find some section sharing a word ("work",
	 * "help"); the way on is a person, or what is left to read. Before
	 * any answer, a plea is a call for help: what the desk can do.
	 */
	if ((failed = said_near("follow.failed", folded, &clang)) ||
	    intent_plea(b->intent, text, &clang)) {
		follow_lang(t, clang);
		/* With a request waiting: where it stands, not HUMAN. Before
		 * any answer, "it didn't work" is what they tried alone:
		 * sorry, and what happened, or HUMAN (failed_first). */
		if (has_request(t))
			say_request(t);
		else
			say_key(t, !w->answered ? (failed ? "failed_first" :
			    "greeting_help") :
			    reading_left(b, w) ||
			    w->resume.set || (w->rd.branch && w->rd.first !=
			    GUIDE_NONE) ? "advice_failed_more" :
			    "advice_failed");
		goto done;
	}
	/* Danger to come ("they will arrest me tomorrow", "convocada"): not
	 * now, so the line if it comes sooner and HUMAN to prepare with a
	 * person, then the guide (s16-fixs2). */
	if (intent_danger_later(b->intent, text, &hl)) {
		struct esc_notes marked;

		follow_lang(t, hl);
		/* Not danger now for the search, but marked for the
		 * helper: the case goes first (s16-fixs3). */
		w->danger = 0;
		danger_mark(t, text, DANGER_LATER, &marked);
		say_phrase_line(t, b->esc != NULL ? "danger_later" :
		    "danger_later_offline");
		say_foreign(t, text);
		danger_later_answer(t, text, question_lang(t, text, folded,
		    NULL));
		emit_notes(t, &marked);
		esc_notes_release(&marked);
		goto done;
	}
	/* Someone in danger now: the way to a person comes first, before
	 * any excerpt (none with a request waiting: say_danger()), and HUMAN
	 * will offer to pass these very words on. */
	if (intent_danger(b->intent, text, &hl)) {
		follow_lang(t, hl);
		if (say_danger(t, DANGER_NOW, "danger_now",
		    "danger_now_offline", text)) {
			say_foreign(t, text);
			hl = w->lang_from == LANG_CHOSEN ? question_lang(t,
			    text, folded, NULL) : NULL;
			answer_question(t, text, hl != NULL ? hl : w->lang);
		} else {
			keep_question(t, text);
			w->nheld = 0;
		}
		goto done;
	}
	/* Distress with no subject ("I can't do this anymore", "j'en peux
	 * plus"): exhaustion, despair, maybe self-harm. A gentle check-in
	 * with the crisis line and HUMAN for these very words, never a
	 * section; with a request waiting, where it stands and the crisis
	 * line (self_harm_queue). */
	if (intent_distress(b->intent, text, &hl) ||
	    (attack = intent_distress_attack(b->intent, text, &hl))) {
		follow_lang(t, hl);
		w->nlisting = 0;
		w->nheld = 0;
		if (has_request(t))
			say_request_then(t, "self_harm_queue");
		else {
			keep_question(t, text);
			say_phrase_line(t, b->esc != NULL ? "distress_ask" :
			    "distress_ask_offline");
			/* "they hacked everything, i cant take it anymore":
			 * the check-in first, then the way back to the hack,
			 * as after self-harm (s15-fixs). */
			if (attack)
				crisis_after(t, text);
		}
		goto done;
	}
	/* Fear with no subject ("j'ai peur", "tengo miedo") or a threat the
	 * writer makes ("I'm going to hurt him"): a gentle question and
	 * HUMAN, never a section found through "afraid" or "hurt". */
	if (intent_fear(b->intent, text, &hl)) {
		follow_lang(t, hl);
		w->nlisting = 0;
		/* With a request waiting: where it stands, as for a plea. */
		if (has_request(t))
			say_request(t);
		else
			say_phrase_line(t, "fear_ask");
		goto done;
	}
	/*
	 * The language of a question: the first one with evidence sets it; a
	 * later one of a few words in another language moves the conversation
	 * to that language (the person answers in the language they wrote
	 * in), unless they chose one with a command: then it is only searched
	 * in the language it is written in.
	 */
	/* While a request waits: "never mind, I fixed it" hears how to
	 * withdraw it (nothing is until CANCEL); "how long", "anyone
	 * there?" where it stands. Only when the message says nothing else
	 * (s15-fixv1: "j'ai trouvé un traceur GPS" got the cancel hint);
	 * other questions go to the guide. */
	if (w->pending == PENDING_NONE && has_request(t)) {
		if (said_only("request.drop", folded, &hl)) {
			follow_lang(t, hl);
			say_request_drop(t);
			goto done;
		}
		if (said_only("request.when", folded, &hl) ||
		    said_only("request.when_alone", folded, &hl)) {
			follow_lang(t, hl);
			say_request(t);
			goto done;
		}
	}
	hl = question_lang(t, text, folded, &guessed);
	if (hl != NULL && w->lang_from != LANG_CHOSEN)
		set_lang(w, hl, guessed ? LANG_GUESSED : LANG_DETECTED);
	w->danger = 0;
	if ((sa = about_session(folded)) != SESSION_NONE) {
		w->nheld = 0;
		say_session(t, sa);
		goto done;
	}
	if (about_bot(folded)) {
		/* An old list held for MORE would answer another message. */
		w->nheld = 0;
		/* With a request waiting: where it stands, not HUMAN. */
		if (has_request(t)) {
			say_key(t, "about_bot_request");
			say_request(t);
		} else
			say_key(t, "about_bot");
		goto done;
	}
	/* Is it really this desk ("can i trust you", "the fingerprint
	 * doesn't match the website's")? The bot's own check, its
	 * fingerprint and to stop if it differs, whatever the guide: one
	 * without this desk's pages (the DFAK's) answered with PGP keys, or
	 * not at all (s17-fixv). */
	if (intent_desk_check(b->intent, text, &why)) {
		w->nheld = 0;
		say_session(t, SESSION_OURS);
		if (b->explain) {
			const char *v[] = { "rule", why, NULL };
			struct buf m;

			buf_init(&m);
			add_line(t, &m, "explain_desk", v);
			say_buf(t, &m);
		}
		goto done;
	}
	say_foreign(t, text);
	if (intent_arrested(b->intent, text, NULL)) {
		danger_past_arrest(t, text, hl != NULL ? hl : w->lang);
		goto done;
	}
	answer_question(t, text, hl != NULL ? hl : w->lang);
done:
	if (remind && t->who != NULL && t->who->pending == PENDING_CONSENT)
		say_key(t, "consent_open");
	free(folded);
}

void
bot_text(struct bot *b, const char *peer, const char *text,
    const struct bot_facts *f, time_t now, struct bot_actions *out)
{
	const struct config_helper *h;
	struct turn t;

	if (peer == NULL || text == NULL || f == NULL || !f->encrypted)
		return;	/* never: the daemon hands over decrypted text only */
	b->nxhits = 0;
	turn_init(&t, b, peer, f, now, out);
	if ((h = config_helper_find(b->cfg, peer)) != NULL) {
		if (!f->pinned) {
			helper_unpinned(&t, h);
			return;
		}
		if (b->esc != NULL) {
			struct esc_notes notes;
			int used;

			esc_notes_init(&notes);
			used = escalate_helper_text(b->esc, peer, text, now,
			    &notes);
			emit_notes(&t, &notes);
			esc_notes_release(&notes);
			if (used)
				return;
		}
	}
	if ((t.who = person_get(b, peer, now)) == NULL) {
		say_key(&t, "busy");
		return;
	}
	if (f->verified && !t.who->doubted)
		t.who->verified = 1;
	person_text(&t, text);
}

/* The greeting of a new private conversation, made of phrases only;
 * *silent: nothing to say. New string. */
static char *
greeting_render(struct turn *t, int *silent)
{
	const struct bot_facts *f = t->f;
	struct buf m;
	char *clean;

	buf_init(&m);
	add_line(t, &m, "hello", NULL);
	if (f->our_fp != NULL) {
		const char *v[] = { "fp", f->our_fp, NULL };
		add_key(t, &m, "hello_fp", v);
	}
	if (f->verified)
		add_key(t, &m, "hello_known", NULL);
	add_check_me(t, &m, "hello_check_me", 1);
	add_key(t, &m, smp_question(t) != NULL ? "hello_next_verify" :
	    "hello_next", NULL);
	*silent = m.len == 0;
	clean = chat_text_out(m.s);
	buf_release(&m);
	return clean;
}

/* Borrowed (valid until bot_reload or BOT_GREETINGS other greetings): the
 * greeting for this turn's person, rendered on the first use; NULL when
 * there is nothing to say. */
static const char *
greeting_get(struct turn *t)
{
	struct bot *b = t->b;
	const char *lang = turn_lang(t), *q = smp_question(t);
	const char *fp = t->f->our_fp;
	int verified = t->f->verified != 0;
	struct greeting *g;

	for (size_t i = 0; i < BOT_GREETINGS; i++) {
		g = &b->greet[i];
		if (g->text != NULL && g->verified == verified &&
		    strcmp(g->lang, lang) == 0 && same_str(g->our_fp, fp) &&
		    same_str(g->question, q))
			return g->silent ? NULL : g->text;
	}
	g = &b->greet[b->greet_next];
	b->greet_next = (b->greet_next + 1) % BOT_GREETINGS;
	free(g->our_fp);
	free(g->question);
	free(g->text);
	(void)util_snprintf(g->lang, sizeof(g->lang), "%s", lang);
	g->verified = verified;
	g->our_fp = fp != NULL ? xstrdup(fp) : NULL;
	g->question = q != NULL ? xstrdup(q) : NULL;
	g->text = greeting_render(t, &g->silent);
	return g->silent ? NULL : g->text;
}

void
bot_secure(struct bot *b, const char *peer, const struct bot_facts *f,
    int unread, int plaintext, time_t now, struct bot_actions *out)
{
	const struct config_helper *h;
	struct turn t;

	turn_init(&t, b, peer, f, now, out);
	if ((h = config_helper_find(b->cfg, peer)) != NULL) {
		if (f->pinned) {
			char *s = phrases_render(b->p, helper_lang(b, h),
			    "helper_hello", NULL);

			say(&t, s);
			free(s);
		} else
			helper_unpinned(&t, h);
		reach_changed(&t, peer);
		return;
	}
	if ((t.who = person_get(b, peer, now)) == NULL) {
		say_key(&t, "busy");
		return;
	}
	t.who->verified = f->verified;
	t.who->proved = 0;
	t.who->doubted = 0;
	t.who->unverified_told = 0;
	{
		const char *hello = greeting_get(&t);

		if (hello != NULL)
			bot_actions_add(out, BOT_SAY, peer, hello);
	}
	if (b->cfg->otr.narrate) {
		say_key(&t, "narrate_secure");
		if (plaintext)
			say_key(&t, "narrate_plaintext");
	}
	if (plaintext)
		say_key(&t, "notice_plaintext");
	if (unread)
		say_key(&t, "notice_unread");
	reach_changed(&t, peer);
}

void
bot_ended(struct bot *b, const char *peer, time_t now,
    struct bot_actions *out)
{
	struct turn t;

	turn_init(&t, b, peer, NULL, now, out);
	person_forget(b, peer);
	reach_changed(&t, peer);
}

void
bot_smp(struct bot *b, const char *peer, enum bot_smp_result r,
    const struct bot_facts *f, time_t now, struct bot_actions *out)
{
	struct turn t;
	struct person *w;
	const char *key = NULL;

	turn_init(&t, b, peer, f, now, out);
	if (config_helper_find(b->cfg, peer) != NULL && !f->pinned)
		return;
	if ((w = t.who = person_get(b, peer, now)) == NULL)
		return;
	switch (r) {
	case BOT_SMP_ANSWERED:
		key = "smp_answered";
		break;
	case BOT_SMP_SUCCEEDED:
		w->verified = 1;
		w->doubted = 0;
		key = "smp_succeeded";
		break;
	case BOT_SMP_PROVED:
		w->proved = 1;
		key = "smp_proved";
		break;
	case BOT_SMP_FAILED:
		/* A failed check, either way, leaves the session in doubt
		 * until one passes again: nothing earlier still counts. */
		w->verified = 0;
		w->proved = 0;
		w->doubted = 1;
		w->unverified_told = 0;
		key = w->smp_asked ? "smp_failed_ours" : "smp_failed_theirs";
		break;
	case BOT_SMP_LIMITED:
		key = "smp_limited";
		break;
	case BOT_SMP_UNAVAILABLE:
		key = "smp_unavailable";
		break;
	}
	if (r != BOT_SMP_ANSWERED)
		w->smp_asked = 0;
	if (key != NULL)
		say_key(&t, key);
	if (b->cfg->otr.narrate && r == BOT_SMP_SUCCEEDED)
		say_key(&t, "narrate_verified");
	if (b->cfg->otr.narrate && r == BOT_SMP_ANSWERED)
		say_key(&t, "narrate_answered");
}

void
bot_presence(struct bot *b, const char *peer, int available, time_t now,
    struct bot_actions *out)
{
	struct turn t;

	(void)available;
	turn_init(&t, b, peer, NULL, now, out);
	reach_changed(&t, peer);
}

struct idle_walk {
	time_t	 now;
	long	 idle;
};

static int
person_idle(void *ud, const char *key, void *val)
{
	const struct idle_walk *iw = ud;
	const struct person *w = val;

	(void)key;
	return iw->now - w->last >= iw->idle;
}

void
bot_tick(struct bot *b, time_t now, struct bot_actions *out)
{
	long idle = b->cfg->otr.idle_timeout;
	struct idle_walk w = { now, idle };
	struct turn t;

	/* Oldest first, up to the first one still active: the cost is the
	 * people forgotten, not the people held. */
	lru_expire(b->people, person_idle, &w);
	if (b->esc != NULL) {
		struct esc_notes notes;

		turn_init(&t, b, NULL, NULL, now, out);
		esc_notes_init(&notes);
		escalate_tick(b->esc, now, &notes);
		emit_notes(&t, &notes);
		esc_notes_release(&notes);
	}
}

void
bot_helper_impostor(struct bot *b, const char *peer, time_t now,
    struct bot_actions *out)
{
	struct esc_notes notes;
	struct turn t;

	if (b->esc == NULL)
		return;
	turn_init(&t, b, peer, NULL, now, out);
	esc_notes_init(&notes);
	escalate_helper_impostor(b->esc, peer, now, &notes);
	emit_notes(&t, &notes);
	esc_notes_release(&notes);
}
