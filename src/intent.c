/*
 * intent: self-harm, danger-now and plea detection from phrase data (see
 * intent.h).
 */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "intent.h"
#include "lang.h"
#include "phrases.h"
#include "util.h"

enum list {
	L_DANGER,
	L_UNLESS,
	L_NEAR,
	L_HERE,
	L_BREAK,
	L_NOW,
	L_PLEA,
	L_FILLER,
	L_SELF,
	L_SELF_NOT,
	L_WHO,
	L_ACT,
	L_WHERE,
	L_NOT,
	L_DONE,
	L_STILL,
	L_GAME,
	L_FEAR,
	L_TOPIC,
	L_FEAR_WHERE,
	L_ARREST,
	L_OVER,
	L_FREED,
	L_ASEARCH,
	L_HELD,
	L_UNSURE,
	L_SINCE,
	L_PRESENT,
	L_TODAY,
	L_TODAY_OTHER,
	L_DISTRESS,
	L_ASK,
	L_DIGITAL,
	L_CRY,
	L_CORRECT,
	L_ATTACK,
	L_URGENT,
	L_LATER,
	L_SUMMONS,
	L_AUTH,
	L_AUTH_NOT,
	L_LATER_NOT,
	L_ORDINARY,
	L_ORD_BUT,
	L_ORD_OFFICIAL,
	L_LOUD,
	L_LOUD_NOT,
	L_CRY_DESK,
	L_LSEARCH,
	L_DESK_REAL,
	L_DESK_WHO,
	L_DESK_KEY,
	L_DESK_DIFFERS,
	L_DESK_ALSO,
	L_DESK_UNVERIFIED,
	L_DESK_MINE,
	L_DESK_SOMEONE,
	L_FIGURE,
	L_FIGURE_NOT,
	L_UNLESS_NOT,
	L_FIGURE_IF,
	L_DIST_TALK,
	L_DIST_ASK,
	L_COUNT,
};

static const char *const list_keys[L_COUNT] = {
	[L_DANGER] = "danger_words",
	[L_UNLESS] = "danger_unless",
	[L_NEAR] = "danger_unless_near",
	[L_HERE] = "danger_here",
	[L_BREAK] = "danger_breaks",
	[L_NOW] = "danger_now_marks",
	[L_PLEA] = "plea_words",
	[L_FILLER] = "filler_words",
	[L_SELF] = "self_harm_words",
	[L_SELF_NOT] = "self_harm_not",
	[L_WHO] = "danger_who",
	[L_ACT] = "danger_act",
	[L_WHERE] = "danger_where",
	[L_NOT] = "danger_not",
	[L_DONE] = "danger_done",
	[L_STILL] = "danger_still",
	[L_GAME] = "danger_game",
	[L_FEAR] = "fear_words",
	[L_TOPIC] = "danger_topic",
	[L_FEAR_WHERE] = "fear_where",
	[L_ARREST] = "arrest_self",
	[L_OVER] = "arrest_over",
	[L_FREED] = "arrest_freed",
	[L_ASEARCH] = "arrest_search",
	[L_HELD] = "arrest_held",
	[L_UNSURE] = "arrest_unsure",
	[L_SINCE] = "arrest_since",
	[L_PRESENT] = "arrest_present",
	[L_TODAY] = "arrest_today",
	[L_TODAY_OTHER] = "arrest_other",
	[L_DISTRESS] = "distress_words",
	[L_ASK] = "ask_words",
	[L_DIGITAL] = "digital_words",
	[L_CRY] = "danger_cry",
	[L_CORRECT] = "self_harm_correction",
	[L_ATTACK] = "distress_attack",
	[L_URGENT] = "urgent_words",
	[L_LATER] = "danger_later_words",
	[L_SUMMONS] = "danger_summons",
	[L_AUTH] = "danger_authority_words",
	[L_AUTH_NOT] = "danger_authority_not",
	[L_LATER_NOT] = "danger_later_not",
	[L_ORDINARY] = "danger_ordinary",
	[L_ORD_BUT] = "danger_ordinary_but",
	[L_ORD_OFFICIAL] = "danger_ordinary_official",
	[L_LOUD] = "danger_cry_loud",
	[L_LOUD_NOT] = "danger_cry_not",
	[L_CRY_DESK] = "danger_cry_desk",
	[L_LSEARCH] = "danger_later_search",
	[L_DESK_REAL] = "desk_real",
	[L_DESK_WHO] = "desk_who",
	[L_DESK_KEY] = "desk_key",
	[L_DESK_DIFFERS] = "desk_differs",
	[L_DESK_ALSO] = "desk_also",
	[L_DESK_UNVERIFIED] = "desk_unverified",
	[L_DESK_MINE] = "desk_mine",
	[L_DESK_SOMEONE] = "desk_someone",
	[L_FIGURE] = "danger_figure",
	[L_FIGURE_NOT] = "danger_figure_not",
	[L_UNLESS_NOT] = "danger_unless_not",
	[L_FIGURE_IF] = "danger_figure_if",
	[L_DIST_TALK] = "distress_talk",
	[L_DIST_ASK] = "distress_question",
};

/*
 * Entries read into a list besides its own: danger words of languages the
 * desk does not speak (danger_words_other: "estou sendo seguida", "jemand
 * verfolgt mich"), each in the file of the language to answer them in
 * (lang_near(): Portuguese in Spanish), are danger words of that language;
 * so are self-harm and distress words (self_harm_words_other: "ich will
 * nicht mehr leben"; distress_words_other: "não aguento mais").
 */
static const struct {
	enum list	 l;
	const char	*key;
} also_keys[] = {
	{ L_DANGER, "danger_words_other" },
	{ L_SELF, "self_harm_words_other" },
	{ L_DISTRESS, "distress_words_other" },
};

/* One line of an entry: its parts, each " folded words ". */
struct rule {
	char		**parts;
	size_t		  nparts;
	const char	 *lang;
};

struct intent {
	struct rule	*rules[L_COUNT];
	size_t		 nrules[L_COUNT];
};

/*
 * Folded text with every run of non-letters (ASCII punctuation, digits
 * count as letters) as one space, and a space at each end, so that
 * strstr(" a b ") finds whole words. New string; caller frees.
 */
static char *
words_of(const char *text)
{
	char *f = lang_fold(text);
	struct buf b;
	int space = 1;

	buf_init(&b);
	buf_addc(&b, ' ');
	for (const unsigned char *s = (const unsigned char *)(f ? f : "");
	    *s != '\0'; s++) {
		int letter = *s >= 0x80 || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9');

		if (!letter) {
			if (!space)
				buf_addc(&b, ' ');
			space = 1;
			continue;
		}
		buf_addc(&b, (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s));
		space = 0;
	}
	if (!space)
		buf_addc(&b, ' ');
	free(f);
	return buf_detach(&b);
}

static void
rule_add(struct intent *in, enum list l, const char *line, const char *lang)
{
	struct rule r;
	const char *s = line;

	memset(&r, 0, sizeof(r));
	r.lang = lang;
	while (*s != '\0') {
		const char *plus = strstr(s, " + ");
		size_t n = plus ? (size_t)(plus - s) : strlen(s);
		char *part = xstrndup(s, n), *w = words_of(part);

		free(part);
		if (strcmp(w, " ") != 0) {
			r.parts = xrealloc(r.parts, (r.nparts + 1) *
			    sizeof(*r.parts));
			r.parts[r.nparts++] = w;
		} else
			free(w);
		s += n;
		if (plus != NULL)
			s += 3;
	}
	if (r.nparts == 0)
		return;
	in->rules[l] = xrealloc(in->rules[l], (in->nrules[l] + 1) *
	    sizeof(struct rule));
	in->rules[l][in->nrules[l]++] = r;
}

/* Longest first: "can you help me" is blanked whole before "help me". */
static int
rule_cmp(const void *a, const void *b)
{
	size_t la = strlen(((const struct rule *)a)->parts[0]);
	size_t lb = strlen(((const struct rule *)b)->parts[0]);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

/* Adds each line of entry key of language lang in p (if any) to list l. */
static void
entry_add(struct intent *in, const struct phrases *p, enum list l,
    const char *key, const char *lang)
{
	const char *text, *s;

	if (p == NULL || !phrases_exists(p, lang, key))
		return;
	text = phrases_get(p, lang, key);
	for (s = text; *s != '\0'; ) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		char *line = xstrndup(s, n);

		rule_add(in, l, line, lang);
		free(line);
		s += n;
		if (nl != NULL)
			s++;
	}
}

struct intent *
intent_new(const struct phrases *p)
{
	struct intent *in = xcalloc(1, sizeof(*in));
	const struct lang_row *r;

	for (size_t k = 0; (r = lang_row_at(k)) != NULL; k++) {
		for (int l = 0; l < L_COUNT; l++)
			entry_add(in, p, (enum list)l, list_keys[l], r->code);
		for (size_t a = 0; a < ARRAY_LEN(also_keys); a++)
			entry_add(in, p, also_keys[a].l, also_keys[a].key,
			    r->code);
	}
	for (int l = 0; l < L_COUNT; l++)
		if (in->nrules[l] > 1)
			qsort(in->rules[l], in->nrules[l], sizeof(struct rule),
			    rule_cmp);
	return in;
}

void
intent_free(struct intent *in)
{
	if (in == NULL)
		return;
	for (int l = 0; l < L_COUNT; l++) {
		for (size_t i = 0; i < in->nrules[l]; i++) {
			for (size_t j = 0; j < in->rules[l][i].nparts; j++)
				free(in->rules[l][i].parts[j]);
			free(in->rules[l][i].parts);
		}
		free(in->rules[l]);
	}
	free(in);
}

/* Is every part of r in words? */
static int
rule_in(const struct rule *r, const char *words)
{
	for (size_t j = 0; j < r->nparts; j++)
		if (strstr(words, r->parts[j]) == NULL)
			return 0;
	return 1;
}

/* The first rule of list l whose every part is in words, or NULL. */
static const struct rule *
rule_match(const struct intent *in, enum list l, const char *words)
{
	for (size_t i = 0; i < in->nrules[l]; i++)
		if (rule_in(&in->rules[l][i], words))
			return &in->rules[l][i];
	return NULL;
}

/* Blanks every occurrence of the parts of the rules of list l in w. */
static void	blank_all(const struct intent *, enum list, char *,
    const char **);
static int	blank_rule(const struct rule *, char *);

/*
 * The clauses of text, each as words_of() gives it: text cut at sentence
 * and clause punctuation, and before each danger_breaks word of the
 * text's language ("and", "mais"; every language's when none is told:
 * Spanish "y" is no break in French "il y a"). New strings in *v (caller
 * frees each and *v); returns how many.
 */
static size_t
clauses_of(const struct intent *in, const char *text, char ***v)
{
	const char *lang = lang_detect(text);
	size_t n = 0;

	*v = NULL;
	while (*text != '\0') {
		size_t len = strcspn(text, ".!?;,:\n");
		char *piece = xstrndup(text, len), *w = words_of(piece);
		char *start = w;

		free(piece);
		for (char *p = w; *p != '\0'; p++) {
			if (*p != ' ' || p == start)
				continue;
			for (size_t i = 0; i < in->nrules[L_BREAK]; i++) {
				const struct rule *r = &in->rules[L_BREAK][i];
				size_t bl = strlen(r->parts[0]);

				if ((lang != NULL && strcmp(r->lang, lang) != 0) ||
				    strncmp(p, r->parts[0], bl) != 0)
					continue;
				*v = xrealloc(*v, (n + 1) * sizeof(**v));
				(*v)[n++] = xstrndup(start,
				    (size_t)(p - start) + 1);
				start = p + bl - 1;
				p = start;
				break;
			}
		}
		*v = xrealloc(*v, (n + 1) * sizeof(**v));
		(*v)[n++] = xstrdup(start);
		free(w);
		text += len;
		if (*text != '\0')
			text++;
	}
	return n;
}

/* How near a qualifier must be to the danger words it cancels, in words
 * between them. */
#define NEAR_WORDS	3

/* Words strictly between " a..." (alen bytes) and " b..." (blen bytes) of
 * one words_of() string; 0 when they touch or overlap. */
static size_t
words_between(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *from = a < b ? a + alen - 1 : b + blen - 1;
	const char *to = a < b ? b : a;
	size_t spaces = 0;

	if (to <= from)
		return 0;
	for (; from <= to; from++)
		spaces += *from == ' ';
	return spaces - 1;
}

/* Is a part of rule q within NEAR_WORDS words of phrase at (len bytes) in
 * words w? */
static int
rule_near(const struct rule *q, const char *w, const char *at, size_t len)
{
	for (size_t j = 0; j < q->nparts; j++) {
		size_t qlen = strlen(q->parts[j]);

		for (const char *b = w; (b = strstr(b, q->parts[j])) != NULL;
		    b++)
			if (words_between(at, len, b, qlen) <= NEAR_WORDS)
				return 1;
	}
	return 0;
}

/* Is a rule of list l in clause w within NEAR_WORDS words of the phrase at
 * at (len bytes)? */
static int
list_near(const struct intent *in, enum list l, const char *w,
    const char *at, size_t len)
{
	for (size_t i = 0; i < in->nrules[l]; i++)
		if (rule_in(&in->rules[l][i], w) &&
		    rule_near(&in->rules[l][i], w, at, len))
			return 1;
	return 0;
}

static const struct rule *done_match(const struct intent *, char *const *,
    size_t, int);
static const struct rule *cry_loud(const struct intent *, const char *,
    const char *);

/*
 * The ordinary visitor or matter that words w name, or NULL: a
 * danger_ordinary phrase ("my neighbour", "the delivery guy") or a
 * danger_ordinary_official matter, one that brings an officer to the door
 * ("parked wrong", "noise complaint").
 */
static const struct rule *
ordinary_in(const struct intent *in, const char *w)
{
	const struct rule *r = rule_match(in, L_ORDINARY, w);

	return r != NULL ? r : rule_match(in, L_ORD_OFFICIAL, w);
}

/*
 * Is an ordinary visit or errand (ordinary_in(): "my neighbour", "parked
 * wrong") all that the message says: with its phrases and the places
 * (danger_here: "devant ma porte") blanked, no clause holds a
 * danger_ordinary_but phrase ("won't leave", "threatening", "two men",
 * "they", "fake"), fear (fear_words: "i'm scared"), an act (danger_act:
 * knocking, waiting), something done (danger_done: "hitting me"), danger
 * words that are more than a place (a part with no danger_here phrase:
 * "threatened to kill"), or the authorities (danger_authority_words, less
 * danger_authority_not: "call the police") unless an official matter
 * (danger_ordinary_official: "parked wrong") is why they came? The whole
 * message, not one clause: "he has a package but he won't leave" is two.
 * A false alarm costs less than a miss.
 */
static int
ordinary_only(const struct intent *in, char *const *clause, size_t n)
{
	int more = 0, official = 0;

	for (size_t c = 0; c < n; c++)
		official |= rule_match(in, L_ORD_OFFICIAL, clause[c]) != NULL;
	for (size_t c = 0; c < n && !more; c++) {
		char *v = xstrdup(clause[c]);

		blank_all(in, L_ORDINARY, v, NULL);
		blank_all(in, L_ORD_OFFICIAL, v, NULL);
		blank_all(in, L_HERE, v, NULL);
		more = rule_match(in, L_ORD_BUT, v) != NULL ||
		    rule_match(in, L_FEAR, v) != NULL ||
		    rule_match(in, L_ACT, v) != NULL ||
		    done_match(in, &v, 1, 0) != NULL;
		for (size_t i = 0; i < in->nrules[L_DANGER] && !more; i++) {
			const struct rule *r = &in->rules[L_DANGER][i];

			for (size_t j = 0; j < r->nparts && !more; j++)
				more = rule_in(r, v) &&
				    rule_match(in, L_HERE, r->parts[j]) == NULL;
		}
		if (!more && !official) {
			blank_all(in, L_AUTH_NOT, v, NULL);
			more = rule_match(in, L_AUTH, v) != NULL;
		}
		free(v);
	}
	return !more;
}

/* What may qualify danger words away (near_cancelled()). */
#define QUAL_NEAR	1	/* danger_unless_near: "online" */
#define QUAL_LATER	2	/* danger_later_words: "tomorrow" */
#define QUAL_ORDINARY	4	/* danger_ordinary: "my neighbour" */

/*
 * Is danger rule r qualified away where it stands: a danger_unless_near
 * phrase ("online", "last year") in a clause that holds one of its parts,
 * within NEAR_WORDS words of it ("someone is following me online", not
 * "someone is following me home after they found me online")? Never a
 * place now (a part holding a danger_here phrase: "at my door"), but by
 * what its clause says makes it ordinary (QUAL_ORDINARY, danger_ordinary:
 * "my neighbour", "parked wrong") when nothing else says danger
 * (ordinary_only()). quals says which lists qualify
 * (QUAL_NEAR, QUAL_LATER, QUAL_ORDINARY); a danger_later_words time
 * ("tomorrow", "demain"; not after danger_later_not: "esta mañana" is
 * this morning) qualifies a place too: what comes tomorrow is not danger
 * now.
 */
static int
near_cancelled(const struct intent *in, const struct rule *r,
    char *const *clause, size_t n, int quals)
{
	int here = 0, yes = 0;

	for (size_t j = 0; j < r->nparts; j++)
		if (rule_match(in, L_HERE, r->parts[j]) != NULL)
			here = 1;
	for (size_t c = 0; c < n && !yes; c++) {
		char *later = xstrdup(clause[c]);

		blank_all(in, L_LATER_NOT, later, NULL);
		for (size_t j = 0; j < r->nparts && !yes; j++) {
			size_t len = strlen(r->parts[j]);

			if (here && (quals & QUAL_ORDINARY) &&
			    strstr(clause[c], r->parts[j]) != NULL &&
			    ordinary_in(in, clause[c]) != NULL &&
			    ordinary_only(in, clause, n))
				yes = 1;
			for (const char *at = clause[c]; !yes &&
			    (at = strstr(at, r->parts[j])) != NULL; at++)
				yes = ((quals & QUAL_NEAR) && !here &&
				    list_near(in, L_NEAR, clause[c], at,
				    len)) || ((quals & QUAL_LATER) &&
				    list_near(in, L_LATER, later,
				    later + (at - clause[c]), len));
		}
		free(later);
	}
	return yes;
}

/*
 * A scene of danger no single phrase says: someone (danger_who: police,
 * men, a van) is doing something at the person's place (danger_act:
 * outside, knocking, surrounding, watching; danger_where: my house, the
 * door). All three must be in words; the act's rule, or NULL.
 */
static const struct rule *
scene_match(const struct intent *in, const char *words)
{
	const struct rule *act;

	if (rule_match(in, L_WHO, words) == NULL ||
	    rule_match(in, L_WHERE, words) == NULL)
		return NULL;
	if ((act = rule_match(in, L_ACT, words)) == NULL)
		return NULL;
	return act;
}

static void	clauses_free(char **, size_t);

/*
 * Is act r of clause w a game lost ("beats me at chess", "me bat aux
 * échecs"): a danger_game phrase after its first part?
 */
static int
played(const struct intent *in, const struct rule *r, const char *w)
{
	const char *at = strstr(w, r->parts[0]);

	for (size_t i = 0; at != NULL && i < in->nrules[L_GAME]; i++)
		for (size_t j = 0; j < in->rules[L_GAME][i].nparts; j++)
			if (strstr(at, in->rules[L_GAME][i].parts[j]) != NULL)
				return 1;
	return 0;
}

/*
 * Does clause c open with act r and the clause before it name a doer
 * (danger_who): the doer said once for two acts ("mon mari me surveille
 * et me menace", "mi pareja me revisa el cel y me amenaza")?
 */
static int
elided_doer(const struct intent *in, const struct rule *r,
    char *const *v, size_t c)
{
	return c > 0 && strncmp(v[c], r->parts[0], strlen(r->parts[0])) == 0 &&
	    rule_match(in, L_WHO, v[c - 1]) != NULL;
}

/*
 * Something done to the writer that is danger when someone does it or it
 * goes on (danger_done: "me sigue", "beats me", "il me suit"): with a
 * doer (danger_who: a man, a car, my husband, mi pareja; or in the clause
 * before, elided_doer()) or a mark that it is still going on
 * (danger_still: since, every night, desde hace dias) in the same
 * clause, unless a game follows it (played()). The
 * first such rule of the clauses not qualified away by the lists of
 * quals (near_cancelled(); none when 0), as danger words are ("someone
 * follows me everywhere on instagram"); or
 * NULL. danger_not phrases ("me siguen llegando": they keep coming; "he
 * hits me up") are blanked here only, where they would read as something
 * done: never before danger words, a scene or a now mark ("someone is
 * following me with a knife").
 */
static const struct rule *
done_match(const struct intent *in, char *const *clause, size_t n,
    int quals)
{
	const struct rule *found = NULL;
	char **v = xcalloc(n + 1, sizeof(*v));

	for (size_t c = 0; c < n; c++) {
		v[c] = xstrdup(clause[c]);
		blank_all(in, L_NOT, v[c], NULL);
	}
	for (size_t i = 0; i < in->nrules[L_DONE] && found == NULL; i++) {
		const struct rule *r = &in->rules[L_DONE][i];

		for (size_t c = 0; c < n && found == NULL; c++)
			if (rule_in(r, v[c]) && !played(in, r, v[c]) &&
			    (rule_match(in, L_WHO, v[c]) != NULL ||
			    elided_doer(in, r, v, c) ||
			    rule_match(in, L_STILL, v[c]) != NULL) &&
			    (!quals || !near_cancelled(in, r, v, n, quals)))
				found = r;
	}
	clauses_free(v, n);
	return found;
}

static void
clauses_free(char **v, size_t n)
{
	for (size_t c = 0; c < n; c++)
		free(v[c]);
	free(v);
}

/*
 * Does a now mark stand in a clause that holds a part of danger rule r?
 * "now" of "now i got it back" marks no police visit "last year" in
 * another clause.
 */
static int
now_with(const struct intent *in, const struct rule *r, char *const *clause,
    size_t n)
{
	for (size_t c = 0; c < n; c++)
		for (size_t j = 0; j < r->nparts; j++)
			if (strstr(clause[c], r->parts[j]) != NULL &&
			    rule_match(in, L_NOW, clause[c]) != NULL)
				return 1;
	return 0;
}

/*
 * Is words w, a clause of text, part of a sentence of text that asks ("will
 * they let me go?")?
 */
static int
asked(const char *text, const char *w)
{
	while (*text != '\0') {
		size_t len = strcspn(text, ".!?;\n");
		int q = text[len] == '?';
		char *piece, *pw;

		if (q) {
			piece = xstrndup(text, len);
			pw = words_of(piece);
			free(piece);
			q = strstr(pw, w) != NULL;
			free(pw);
			if (q)
				return 1;
		}
		text += len;
		if (*text != '\0')
			text++;
	}
	return 0;
}

/*
 * Does text say a release (arrest_freed: "they let me go", "me
 * soltaron")? Only in a clause with no negation or condition
 * (arrest_unsure: "won't", "no", "ne", "if", "si") and not asked: "they
 * won't let me go", "I don't know if I will be released", "will they let
 * me go?" say none.
 */
static int
arrest_freed(const struct intent *in, const char *text, char *const *clause,
    size_t n)
{
	for (size_t c = 0; c < n; c++)
		if (rule_match(in, L_FREED, clause[c]) != NULL &&
		    rule_match(in, L_UNSURE, clause[c]) == NULL &&
		    !asked(text, clause[c]))
			return 1;
	return 0;
}

/*
 * Does clause w hold an arrest_over time ("ayer", "hier", "last week")
 * that dates the arrest: not after a still mark (arrest_since: "since
 * yesterday", "depuis hier", "desde ayer") and not when the message says
 * it is now (arrest_present, in words all: "today", "still", "sigo",
 * "toujours")?
 */
static int
arrest_dated(const struct intent *in, const char *w, const char *all)
{
	return rule_match(in, L_OVER, w) != NULL &&
	    rule_match(in, L_SINCE, w) == NULL &&
	    rule_match(in, L_PRESENT, all) == NULL;
}

/*
 * The writer's own arrest that is over: blanks the arrest_self phrases
 * ("me detuvieron", "la police m'a arrêté", "I've been arrested") of each
 * clause that an arrest_over time dates (arrest_dated()) when the message
 * says no release (arrest_freed()), of every clause when it does.
 * Phrases of being held now ("estoy detenido", "in police custody") are
 * no arrest_self phrase: they stay. Returns 1 if it blanked any: *w is
 * then made again from the clauses.
 */
static int
arrest_over(const struct intent *in, const char *text, char **w,
    char **clause, size_t n)
{
	int freed = arrest_freed(in, text, clause, n), any = 0;
	struct buf b;

	for (size_t c = 0; c < n; c++)
		if (rule_match(in, L_ARREST, clause[c]) != NULL &&
		    (freed || arrest_dated(in, clause[c], *w))) {
			blank_all(in, L_ARREST, clause[c], NULL);
			any = 1;
		}
	if (!any)
		return 0;
	buf_init(&b);
	for (size_t c = 0; c < n; c++)
		buf_adds(&b, clause[c]);
	free(*w);
	*w = buf_detach(&b);
	return 1;
}

/*
 * An arrest earlier today (arrest_today: "arrested + this morning",
 * "arrêté + ce matin", "detenido + hoy") is the writer's danger now,
 * whoever it names, unless someone else is the one arrested: an
 * arrest_other word ("colleague", "frère", "hermano") in a clause that
 * holds the arrest ("my colleague was arrested this morning": the page on
 * a friend's arrest) and no own arrest (arrest_self, arrest_held) beside
 * it ("my colleague and I were arrested"). "got arrested today, what do i
 * do with my phone" names nobody: danger. A release said (arrest_freed())
 * makes it over. Its rule, or NULL.
 */
static const struct rule *
arrest_today(const struct intent *in, const char *text, const char *w,
    char *const *clause, size_t n)
{
	const struct rule *r = rule_match(in, L_TODAY, w);

	if (r == NULL)
		return NULL;
	if (rule_match(in, L_ARREST, w) != NULL ||
	    rule_match(in, L_HELD, w) != NULL)
		return r;
	if (arrest_freed(in, text, clause, n))
		return NULL;
	for (size_t c = 0; c < n; c++)
		if (strstr(clause[c], r->parts[0]) != NULL &&
		    rule_match(in, L_TODAY_OTHER, clause[c]) != NULL)
			return NULL;
	return r;
}

static size_t	subject_words(const char *);

/*
 * Is w (words_of()) nothing but a question about this desk once the
 * desk_* lists are blanked: no word left but stopwords ("can i trust
 * signal" is about someone else)? Blanks them in w.
 */
static int
desk_only(const struct intent *in, char *w)
{
	static const enum list all[] = { L_DESK_DIFFERS, L_DESK_UNVERIFIED,
	    L_DESK_REAL, L_DESK_WHO, L_DESK_KEY, L_DESK_MINE, L_DESK_ALSO };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		blank_all(in, all[i], w, NULL);
	return subject_words(w) == 0;
}

/*
 * Does a cry of help open nothing but a question about verifying this
 * desk (danger_cry_desk: "SOS, how do I verify you?", "sos como verifico
 * la huella")? The cry, the danger_cry_desk words and desk_only() leave
 * no word: "SOS your fingerprint, he is outside" is no such question.
 */
static int
cry_desk_only(const struct intent *in, const char *w)
{
	char *v;
	int yes;

	if (rule_match(in, L_CRY_DESK, w) == NULL)
		return 0;
	v = xstrdup(w);
	blank_all(in, L_CRY, v, NULL);
	blank_all(in, L_LOUD, v, NULL);
	blank_all(in, L_CRY_DESK, v, NULL);
	yes = desk_only(in, v);
	free(v);
	return yes;
}

/*
 * SOS in w in any form (danger_cry_loud; "vos sos", danger_cry_not, is
 * none): its rule, or NULL. English danger_cry holds "sos" too.
 */
static const struct rule *
cry_sos(const struct intent *in, const char *w)
{
	const struct rule *r;
	char *v = xstrdup(w);

	blank_all(in, L_LOUD_NOT, v, NULL);
	r = rule_match(in, L_LOUD, v);
	free(v);
	return r;
}

/*
 * A cry of help ("au secours", "socorro", "SOS": danger_cry and
 * danger_cry_loud, also danger words) that opens a question about a
 * subject is a plea, not a report of danger now. Nothing but a question
 * about verifying this desk (cry_desk_only()): the cry, loud or not, is
 * blanked. A digital subject (digital_words: "mon compte instagram est
 * piraté", as "help!!! my facebook was hacked"): danger_cry only, and
 * nothing beside SOS (cry_sos()): it stays danger ("S.O.S. he has
 * my phone and is outside", "SOS my phone", s17-fixr1).
 * Blanked in w and each clause, so that only other danger words can
 * still make it danger. Alone ("SOS", "sos sos"), or with no such
 * subject, the cry stays.
 */
static void
cry_subject(const struct intent *in, char *w, char **clause, size_t n)
{
	int desk;

	if (rule_match(in, L_CRY, w) == NULL &&
	    rule_match(in, L_LOUD, w) == NULL)
		return;
	desk = cry_desk_only(in, w);
	if (!desk && (rule_match(in, L_DIGITAL, w) == NULL ||
	    cry_sos(in, w) != NULL))
		return;
	blank_all(in, L_CRY, w, NULL);
	for (size_t c = 0; c < n; c++)
		blank_all(in, L_CRY, clause[c], NULL);
	if (!desk)
		return;
	blank_all(in, L_LOUD, w, NULL);
	for (size_t c = 0; c < n; c++)
		blank_all(in, L_LOUD, clause[c], NULL);
}

/*
 * Does a clause say what makes a place ordinary (danger_ordinary: "my
 * neighbour is at my door", "the officer at my door says my car is
 * parked wrong") and nothing else say danger (ordinary_only())? Then a
 * scene there is none.
 */
static int
ordinary_place(const struct intent *in, char *const *clause, size_t n)
{
	for (size_t c = 0; c < n; c++)
		if (ordinary_in(in, clause[c]) != NULL &&
		    rule_match(in, L_WHERE, clause[c]) != NULL)
			return ordinary_only(in, clause, n);
	return 0;
}

/*
 * A figure of speech (danger_figure: "my mom + will kill me", "kill me +
 * if i lose", "ma mere + va me tuer", "matar + si pierdo") about a mishap
 * (danger_figure_if: a lost or broken phone, a bill, a website, a click):
 * the parts of each rule whose every part is in w are blanked in w and in
 * each clause, so that "my mom will kill me if i lose this phone" says no
 * danger. Never without such a mishap ("my dad will kill me"), with a
 * now mark ("he said he will kill me") or a danger_figure_not word
 * anywhere (a threat, a blow, a weapon, an attempt, "if he finds me", who
 * the writer is: "my dad will kill me if he finds out i'm gay"): a false
 * alarm costs less than a miss.
 */
static void
figure_blank(const struct intent *in, char *w, char **clause, size_t n)
{
	size_t i, c;
	int *hit;

	if (in->nrules[L_FIGURE] == 0 || rule_match(in, L_FIGURE_IF, w) ==
	    NULL || rule_match(in, L_NOW, w) != NULL ||
	    rule_match(in, L_FIGURE_NOT, w) != NULL)
		return;
	hit = xcalloc(in->nrules[L_FIGURE], sizeof(*hit));
	for (i = 0; i < in->nrules[L_FIGURE]; i++)
		hit[i] = rule_in(&in->rules[L_FIGURE][i], w);
	for (i = 0; i < in->nrules[L_FIGURE]; i++) {
		if (!hit[i])
			continue;
		(void)blank_rule(&in->rules[L_FIGURE][i], w);
		for (c = 0; c < n; c++)
			(void)blank_rule(&in->rules[L_FIGURE][i], clause[c]);
	}
	free(hit);
}

/*
 * Does words w say a hypothesis (danger_unless: "what if", "si je", "if
 * they") once the conditions a threat sets are blanked (danger_unless_not:
 * "kill me if", "me tuer si", "matarme si")? "they will kill me if they
 * find out", "il va me tuer si je parle" are threats now, not questions.
 */
static int
hypothesis(const struct intent *in, const char *w)
{
	char *v = xstrdup(w);
	int yes;

	blank_all(in, L_UNLESS_NOT, v, NULL);
	yes = rule_match(in, L_UNLESS, v) != NULL;
	free(v);
	return yes;
}

/*
 * The danger rule that makes text danger (intent_danger()), or NULL; with
 * later set, a danger_later_words time beside danger words qualifies them
 * away
 * too, a now mark included ("they will arrest me tomorrow, what do I do
 * now"). A message of plea words only, a single cry for help among them
 * ("au secours", "socorro"), is a plea, never danger; a loud cry
 * (cry_loud(): "SOS", "socorro socorro", "AU SECOURS") is danger.
 */
static const struct rule *
danger_found(const struct intent *in, const char *text, int later)
{
	const struct rule *r, *scene, *done, *today, *found = NULL;
	int strong = QUAL_ORDINARY | (later ? QUAL_LATER : 0);
	int quals = QUAL_NEAR | strong;
	char *w, **clause;
	size_t nclause;

	if (in == NULL || text == NULL || intent_plea(in, text, NULL))
		return NULL;
	w = words_of(text);
	nclause = clauses_of(in, text, &clause);
	(void)arrest_over(in, text, &w, clause, nclause);
	cry_subject(in, w, clause, nclause);
	figure_blank(in, w, clause, nclause);
	r = rule_match(in, L_DANGER, w);
	scene = scene_match(in, w);
	if (scene != NULL && ordinary_place(in, clause, nclause))
		scene = NULL;
	done = done_match(in, clause, nclause, later ? QUAL_LATER : 0);
	if ((today = arrest_today(in, text, w, clause, nclause)) != NULL &&
	    near_cancelled(in, today, clause, nclause, quals))
		today = NULL;
	if (rule_match(in, L_NOW, w) != NULL) {
		/* A now mark overrides a hypothesis anywhere, but not a
		 * qualifier beside the danger words unless it stands in
		 * their clause, nor a later time or an ordinary visitor
		 * beside them. */
		for (size_t i = 0; i < in->nrules[L_DANGER] && found == NULL;
		    i++) {
			r = &in->rules[L_DANGER][i];
			if (rule_in(r, w) && (!near_cancelled(in, r, clause,
			    nclause, quals) || (now_with(in, r, clause,
			    nclause) && !near_cancelled(in, r, clause, nclause,
			    strong))))
				found = r;
		}
		if (found == NULL)
			found = done != NULL ? done : today != NULL ? today :
			    scene;
	} else if ((r != NULL || scene != NULL || done != NULL ||
	    today != NULL) && !hypothesis(in, w)) {
		/* "What should I do if I get arrested someday" is a
		 * question, not an alarm, unless it also says it is
		 * happening now. A qualifier cancels only the danger words
		 * of its own clause: "someone is following me and harassing
		 * me online" is still danger. */
		for (size_t i = 0; i < in->nrules[L_DANGER] && found == NULL;
		    i++) {
			r = &in->rules[L_DANGER][i];
			if (rule_in(r, w) && !near_cancelled(in, r, clause,
			    nclause, quals))
				found = r;
		}
		if (found == NULL)
			found = done_match(in, clause, nclause, quals);
		if (found == NULL)
			found = today;
		/* A scene (scene_match()) is no qualifier's to cancel. */
		if (found == NULL)
			found = scene;
	}
	if (found == NULL)
		found = cry_loud(in, text, w);
	clauses_free(clause, nclause);
	free(w);
	return found;
}

int
intent_danger(const struct intent *in, const char *text, const char **lang)
{
	const struct rule *found = danger_found(in, text, 1);
	const struct rule *sos = in != NULL ? in->rules[L_LOUD] : NULL;
	char *w;

	if (found != NULL && lang != NULL)
		*lang = found->lang;
	/* SOS is every language's: the words around it tell which
	 * ("SOS il a mon téléphone" is French; "S O S" no word of
	 * French, s17-fixr1), or none. */
	if (found != NULL && lang != NULL && found >= sos &&
	    found < sos + in->nrules[L_LOUD]) {
		w = words_of(text);
		blank_all(in, L_LOUD, w, NULL);
		*lang = lang_guess(w);
		free(w);
	}
	return found != NULL;
}

int
intent_danger_later(const struct intent *in, const char *text,
    const char **lang)
{
	const struct rule *found;
	char *w;

	if (in == NULL || text == NULL || danger_found(in, text, 1) != NULL)
		return 0;
	/* Danger words that only a later time qualifies away, or a
	 * summons ("convoqué par la police"), not as a hypothesis. */
	if ((found = danger_found(in, text, 0)) == NULL) {
		w = words_of(text);
		if (rule_match(in, L_UNLESS, w) == NULL)
			found = rule_match(in, L_SUMMONS, w);
		free(w);
	}
	if (found != NULL && lang != NULL)
		*lang = found->lang;
	return found != NULL;
}

/*
 * Is clause w (after danger_authority_not is blanked) one that says
 * danger: danger words, a scene, something done with a doer, or an own
 * arrest or being held?
 */
static int
clause_danger(const struct intent *in, char *w)
{
	return rule_match(in, L_DANGER, w) != NULL ||
	    scene_match(in, w) != NULL ||
	    done_match(in, &w, 1, 0) != NULL ||
	    rule_match(in, L_HELD, w) != NULL ||
	    rule_match(in, L_ARREST, w) != NULL;
}

int
intent_danger_authority(const struct intent *in, const char *text)
{
	char **clause;
	size_t n;
	int yes = 0;

	if (in == NULL || text == NULL)
		return 0;
	n = clauses_of(in, text, &clause);
	for (size_t c = 0; c < n && !yes; c++) {
		/* "should I call the police": the police as help, not as
		 * the danger. */
		blank_all(in, L_AUTH_NOT, clause[c], NULL);
		yes = rule_match(in, L_AUTH, clause[c]) != NULL &&
		    clause_danger(in, clause[c]);
		/* An arrest earlier today that names nobody else
		 * (arrest_today(): "arrested this morning", "arrêté ce
		 * matin") is the authorities' doing, whatever word says
		 * it (s18-fixk: it had the emergency number). */
		if (!yes && rule_match(in, L_TODAY, clause[c]) != NULL &&
		    rule_match(in, L_TODAY_OTHER, clause[c]) == NULL)
			yes = 1;
	}
	clauses_free(clause, n);
	return yes;
}

/* Blanks every occurrence of the parts of r in w; 1 if there was one. */
static int
blank_rule(const struct rule *r, char *w)
{
	int any = 0;

	for (size_t j = 0; j < r->nparts; j++) {
		size_t n = strlen(r->parts[j]);
		char *at;

		while ((at = strstr(w, r->parts[j])) != NULL) {
			/* keep the spaces that bound the words */
			memset(at + 1, ' ', n - 2);
			any = 1;
		}
	}
	return any;
}

static void
blank_all(const struct intent *in, enum list l, char *w, const char **lang)
{
	for (size_t i = 0; i < in->nrules[l]; i++) {
		const struct rule *r = &in->rules[l][i];

		if (blank_rule(r, w) && lang != NULL && *lang == NULL)
			*lang = r->lang;
	}
}

/* Is text plea words only (plea_words, filler_words)? *lang: the first
 * plea word's language. */
static int
plea_only(const struct intent *in, const char *text, const char **lang)
{
	const char *found = NULL;
	char *w;
	int yes;

	w = words_of(text);
	blank_all(in, L_PLEA, w, &found);
	if (found != NULL)
		blank_all(in, L_FILLER, w, NULL);
	yes = found != NULL && strspn(w, " ") == strlen(w);
	if (yes && lang != NULL)
		*lang = found;
	free(w);
	return yes;
}

/*
 * A cry for help that is danger even with nothing else beside it: SOS in
 * any form (danger_cry_loud: "sos", "s o s"), or a cry (danger_cry:
 * "au secours", "socorro") said twice or more ("socorro socorro") or in
 * capitals ("AU SECOURS"). Its rule, or NULL: a lone "au secours" is a
 * plea. w: the words of text (after cry_subject()); danger_cry_not ("vos
 * sos": you are, in Rioplatense Spanish) is no SOS.
 */
static const struct rule *
cry_loud(const struct intent *in, const char *text, const char *w)
{
	const struct rule *r, *found = NULL;
	size_t cries = 0;
	int upper = 0, lower = 0;

	if ((r = cry_sos(in, w)) != NULL)
		return r;
	for (size_t i = 0; i < in->nrules[L_CRY]; i++) {
		r = &in->rules[L_CRY][i];
		for (size_t j = 0; j < r->nparts; j++) {
			size_t len = strlen(r->parts[j]);

			/* Parts are space-bounded: step onto the last
			 * space so "sos sos" counts twice; an empty part
			 * would never move on. */
			if (len < 2)
				continue;
			for (const char *at = w; (at = strstr(at,
			    r->parts[j])) != NULL; at += len - 1) {
				cries++;
				if (found == NULL)
					found = r;
			}
		}
	}
	for (const char *s = text; *s != '\0'; s++) {
		upper |= *s >= 'A' && *s <= 'Z';
		lower |= *s >= 'a' && *s <= 'z';
	}
	return cries > 1 || (upper && !lower) ? found : NULL;
}

int
intent_plea(const struct intent *in, const char *text, const char **lang)
{
	const char *found = NULL;
	char *w;
	int yes;

	if (in == NULL || text == NULL || !plea_only(in, text, &found))
		return 0;
	w = words_of(text);
	yes = cry_loud(in, text, w) == NULL;
	free(w);
	if (yes && lang != NULL)
		*lang = found;
	return yes;
}

/* Words after a self-correction that must name its digital subject. */
#define CORRECT_WORDS	5

/*
 * A self-correction (self_harm_correction: "I mean", "je veux dire",
 * "quiero decir") right before an ordinary subject: "how do I end it all,
 * I mean delete all my accounts". 1 when a correction is followed by a
 * word that is no stopword ("I mean it" stays self-harm), a digital word
 * (digital_words) within CORRECT_WORDS words, and no self-harm words
 * after it.
 */
static int
corrected(const struct intent *in, const char *w)
{
	for (size_t i = 0; i < in->nrules[L_CORRECT]; i++) {
		const struct rule *r = &in->rules[L_CORRECT][i];
		const char *at, *s;
		char *rest;
		size_t n, k;
		int yes;

		if (r->nparts != 1 ||
		    (at = strstr(w, r->parts[0])) == NULL)
			continue;
		s = at + strlen(r->parts[0]) - 1;	/* " next ..." */
		n = strcspn(s + 1, " ");
		if (n == 0 || lang_is_stopword(s + 1, n))
			continue;
		/* The first CORRECT_WORDS words after it. */
		for (k = 0, at = s; k < CORRECT_WORDS && *at != '\0'; k++) {
			at += strspn(at, " ");
			at += strcspn(at, " ");
		}
		/* " a b c " : a space at each end, as words_of() has. */
		rest = xcalloc(1, (size_t)(at - s) + 2);
		memcpy(rest, s, (size_t)(at - s));
		rest[at - s] = ' ';
		yes = rule_match(in, L_DIGITAL, rest) != NULL &&
		    rule_match(in, L_SELF, s) == NULL;
		free(rest);
		if (yes)
			return 1;
	}
	return 0;
}

int
intent_self_harm(const struct intent *in, const char *text,
    const char **lang)
{
	const struct rule *r;
	char *w;

	if (in == NULL || text == NULL)
		return 0;
	w = words_of(text);
	/* "I don't want to die" holds "want to die": blank the negations
	 * first, so that only what is left can match. */
	blank_all(in, L_SELF_NOT, w, NULL);
	r = rule_match(in, L_SELF, w);
	if (r != NULL && corrected(in, w))
		r = NULL;
	if (r != NULL && lang != NULL)
		*lang = r->lang;
	free(w);
	return r != NULL;
}

/* How many words of w (words_of()) are no stopword. */
static size_t
subject_words(const char *w)
{
	size_t words = 0;

	for (const char *s = w; *s != '\0'; ) {
		size_t n;

		s += strspn(s, " ");
		n = strcspn(s, " ");
		if (n > 0 && !lang_is_stopword(s, n))
			words++;
		s += n;
	}
	return words;
}

/* Fewer words than this, besides stopwords, left after the arrest: the
 * question has no subject of its own. */
#define ARREST_SUBJECT_WORDS	2

/*
 * The writer's own arrest in words w (arrest_self, or arrest_held: being
 * held now): blanks it, its time and its release, which would find the
 * page for a friend of a detainee. The language of the arrest's words, or
 * NULL (w untouched) when w says no own arrest.
 */
static const char *
arrest_blank(const struct intent *in, char *w)
{
	const struct rule *r;

	if ((r = rule_match(in, L_HELD, w)) == NULL &&
	    (r = rule_match(in, L_ARREST, w)) == NULL)
		return NULL;
	blank_all(in, L_HELD, w, NULL);
	blank_all(in, L_ARREST, w, NULL);
	blank_all(in, L_OVER, w, NULL);
	blank_all(in, L_FREED, w, NULL);
	return r->lang;
}

/*
 * Adds w to b, then, when always is set or w holds fewer than
 * ARREST_SUBJECT_WORDS words besides stopwords, the words of list l
 * (arrest_search: what an arrest leaves to do, the police took the phone;
 * danger_later_search: what to do before one) in lang.
 */
static void
arrest_hint(const struct intent *in, enum list l, struct buf *b,
    const char *w, const char *lang, int always)
{
	buf_adds(b, w);
	if (!always && subject_words(w) >= ARREST_SUBJECT_WORDS)
		return;
	for (size_t i = 0; i < in->nrules[l]; i++)
		if (strcmp(in->rules[l][i].lang, lang) == 0) {
			for (size_t j = 0; j < in->rules[l][i].nparts; j++)
				buf_adds(b, in->rules[l][i].parts[j]);
			break;
		}
}

/* Blanks the parts of each rule of list l that w holds whole ("took" of
 * "security forces + took" only with "security forces"). */
static void
blank_matched(const struct intent *in, enum list l, char *w)
{
	for (size_t i = 0; i < in->nrules[l]; i++)
		if (rule_in(&in->rules[l][i], w))
			(void)blank_rule(&in->rules[l][i], w);
}

char *
intent_danger_rest(const struct intent *in, const char *text, int *topic)
{
	const char *alang;
	char *w, **clause;
	size_t nclause;
	int doer;
	struct buf b;

	*topic = 0;
	if (text == NULL)
		return NULL;
	w = words_of(text);
	if (in == NULL)
		return w;
	/* The writer's own arrest: "arrested" would find the page for a
	 * friend of a detainee; what is left to do is theirs (s14-safe3). */
	if ((alang = arrest_blank(in, w)) != NULL)
		*topic |= INTENT_REST_ARREST;
	nclause = clauses_of(in, text, &clause);
	doer = done_match(in, clause, nclause, 0) != NULL;
	clauses_free(clause, nclause);
	if (doer && rule_match(in, L_STILL, w) != NULL)
		*topic |= INTENT_REST_GOES_ON;
	/* The doer stays: "my husband", "mon ex" are what point to the
	 * partner's pages (s13-fixd); only the act and the place go. */
	if (doer || scene_match(in, w) != NULL) {
		blank_all(in, L_ACT, w, NULL);
		blank_all(in, L_WHERE, w, NULL);
	}
	/* What the guide has pages on stays ("death threats", "arrested"). */
	buf_init(&b);
	for (size_t i = 0; i < in->nrules[L_TOPIC]; i++)
		for (size_t j = 0; j < in->rules[L_TOPIC][i].nparts; j++)
			if (strstr(w, in->rules[L_TOPIC][i].parts[j]) != NULL) {
				buf_adds(&b, in->rules[L_TOPIC][i].parts[j]);
				*topic |= INTENT_REST_TOPIC;
			}
	blank_matched(in, L_DANGER, w);
	blank_matched(in, L_TODAY, w);
	blank_matched(in, L_DONE, w);
	blank_all(in, L_STILL, w, NULL);
	blank_all(in, L_NOW, w, NULL);
	if (alang != NULL)
		arrest_hint(in, L_ASEARCH, &b, w, alang, 0);
	else
		buf_adds(&b, w);
	free(w);
	return buf_detach(&b);
}

/* Blanks in w the words of feeling that name no subject: fear,
 * distress, the wish to talk that goes with them (distress_talk: "I need
 * someone to talk to"), urgency, plea and filler. */
static void
blank_feelings(const struct intent *in, char *w)
{
	blank_all(in, L_FEAR, w, NULL);
	blank_all(in, L_DISTRESS, w, NULL);
	blank_all(in, L_DIST_TALK, w, NULL);
	blank_all(in, L_URGENT, w, NULL);
	blank_all(in, L_PLEA, w, NULL);
	blank_all(in, L_FILLER, w, NULL);
}

/*
 * A feeling with no subject: a phrase of list l (fear_words,
 * distress_words) and nothing else but plea, filler and stop words, a
 * place or a time (danger_where, fear_where: "at home", "anymore") and the
 * other feelings ("I'm scared and I can't take it anymore"). The one test
 * of intent_fear() and intent_distress().
 */
static int
feeling_alone(const struct intent *in, enum list l, const char *text,
    const char **lang)
{
	const char *found = NULL;
	char *w;
	int yes;

	if (in == NULL || text == NULL)
		return 0;
	w = words_of(text);
	blank_all(in, l, w, &found);
	if (found != NULL) {
		blank_feelings(in, w);
		/* Where it is felt is no subject for the guide ("I feel
		 * unsafe at home", "j'ai peur chez moi"): a place of a
		 * scene, or of fear_where. */
		blank_all(in, L_WHERE, w, NULL);
		blank_all(in, L_FEAR_WHERE, w, NULL);
	}
	/* Nothing else that names a subject: only stopwords are left. */
	yes = found != NULL && subject_words(w) == 0;
	if (yes && lang != NULL)
		*lang = found;
	free(w);
	return yes;
}

int
intent_fear(const struct intent *in, const char *text, const char **lang)
{
	return feeling_alone(in, L_FEAR, text, lang);
}

int
intent_distress(const struct intent *in, const char *text,
    const char **lang)
{
	return feeling_alone(in, L_DISTRESS, text, lang);
}

/* This many words, besides stopwords, left beside distress and an
 * attack: a question of its own, for the search. */
#define DISTRESS_SUBJECT_WORDS	2

/*
 * Is there a clause of text that says distress alone (feeling_alone():
 * "i can't take it anymore", "je suis à bout") and no question in text
 * (a '?', or a distress_question word beside the feelings: "how", "comment",
 * "cómo")? Then the attack in the other clauses, however told ("they hacked
 * my instagram and posted my photos everywhere"), waits for the check-in.
 */
static int
distress_clause(const struct intent *in, const char *text)
{
	char **clause, *w;
	size_t n = clauses_of(in, text, &clause);
	int alone = 0, asked_too;

	for (size_t c = 0; c < n && !alone; c++)
		alone = feeling_alone(in, L_DISTRESS, clause[c], NULL);
	clauses_free(clause, n);
	if (!alone || strchr(text, '?') != NULL)
		return 0;
	w = words_of(text);
	blank_feelings(in, w);
	blank_all(in, L_ASK, w, NULL);
	asked_too = rule_match(in, L_DIST_ASK, w) != NULL;
	free(w);
	return !asked_too;
}

int
intent_distress_attack(const struct intent *in, const char *text,
    const char **lang)
{
	const struct rule *r = NULL;
	char *w;

	if (in == NULL || text == NULL)
		return 0;
	w = words_of(text);
	if (rule_match(in, L_ATTACK, w) != NULL)
		r = rule_match(in, L_DISTRESS, w);
	/* A question beside them ("my instagram was hacked and i'm
	 * overwhelmed, how do i get it back") is searched (s15-fixv1):
	 * besides the attack and the feeling, at most one word ("they
	 * hacked everything"), or the feeling in a clause of its own and
	 * no question (s19-fixsh: "i can't take it anymore, they hacked my
	 * instagram and posted my photos everywhere"). */
	if (r != NULL) {
		blank_matched(in, L_ATTACK, w);
		blank_feelings(in, w);
		blank_all(in, L_FEAR_WHERE, w, NULL);
		if (subject_words(w) >= DISTRESS_SUBJECT_WORDS &&
		    !distress_clause(in, text))
			r = NULL;
	}
	if (r != NULL && lang != NULL)
		*lang = r->lang;
	free(w);
	return r != NULL;
}

int
intent_urgent(const struct intent *in, const char *text, const char **lang)
{
	/* Distress and self-harm win ("urgent, i can't take it anymore"):
	 * their own replies carry the crisis line (s15-fixv1). */
	if (intent_distress(in, text, NULL) ||
	    intent_self_harm(in, text, NULL))
		return 0;
	return feeling_alone(in, L_URGENT, text, lang);
}

int
intent_bare_ask(const struct intent *in, const char *text, const char **lang)
{
	return feeling_alone(in, L_ASK, text, lang) ||
	    intent_plea(in, text, lang);
}

int
intent_digital(const struct intent *in, const char *text)
{
	char *w;
	int yes;

	if (in == NULL || text == NULL)
		return 0;
	w = words_of(text);
	yes = rule_match(in, L_DIGITAL, w) != NULL;
	free(w);
	return yes;
}

int
intent_desk_check(const struct intent *in, const char *text,
    const char **why)
{
	const char *rule = NULL;
	char *w;

	if (in == NULL || text == NULL)
		return 0;
	w = words_of(text);
	/* Is it really the desk, does its key differ from the one it
	 * published (a desk_mine word: "your", "the website": "the security
	 * code is different" is a contact's key), or does the app say it is
	 * not checked yet? Not when someone else claims to be it
	 * (desk_someone: "someone says they are you"): the guide's page. */
	if (rule_match(in, L_DESK_SOMEONE, w) != NULL)
		rule = NULL;
	else if (rule_match(in, L_DESK_REAL, w) != NULL &&
	    rule_match(in, L_DESK_WHO, w) != NULL)
		rule = "desk_real + desk_who";
	else if (rule_match(in, L_DESK_KEY, w) != NULL &&
	    rule_match(in, L_DESK_MINE, w) != NULL &&
	    rule_match(in, L_DESK_DIFFERS, w) != NULL)
		rule = "desk_key + desk_mine + desk_differs";
	else if (rule_match(in, L_DESK_UNVERIFIED, w) != NULL)
		rule = "desk_unverified";
	/* Nothing else: "can i trust signal", "my friend's fingerprint is
	 * different" are about someone else. */
	if (rule != NULL && !desk_only(in, w))
		rule = NULL;
	free(w);
	if (rule != NULL && why != NULL)
		*why = rule;
	return rule != NULL;
}

char *
intent_crisis_rest(const struct intent *in, const char *text, int *attack)
{
	char *w;

	*attack = 0;
	if (text == NULL)
		return NULL;
	w = words_of(text);
	if (in == NULL)
		return w;
	/* "want to die" is blanked whole; the negations are no subject
	 * either ("i don't want to die"). */
	blank_matched(in, L_SELF, w);
	blank_all(in, L_SELF_NOT, w, NULL);
	blank_feelings(in, w);
	*attack = rule_match(in, L_ATTACK, w) != NULL;
	return w;
}

int
intent_arrested(const struct intent *in, const char *text, const char **lang)
{
	const struct rule *r = NULL;
	char *w;

	if (in == NULL || text == NULL)
		return 0;
	w = words_of(text);
	/* "What happens to my phone if I was arrested" is a question. */
	if (rule_match(in, L_UNLESS, w) == NULL)
		r = rule_match(in, L_ARREST, w);
	if (r != NULL && lang != NULL)
		*lang = r->lang;
	free(w);
	return r != NULL;
}

char *
intent_arrested_rest(const struct intent *in, const char *text, int always,
    size_t *own)
{
	const char *lang;
	char *w;
	struct buf b;

	if (text == NULL)
		return NULL;
	w = words_of(text);
	if (own != NULL)
		*own = strlen(w);
	if (in == NULL || (lang = arrest_blank(in, w)) == NULL)
		return w;
	buf_init(&b);
	arrest_hint(in, L_ASEARCH, &b, w, lang, always);
	free(w);
	return buf_detach(&b);
}

char *
intent_danger_later_rest(const struct intent *in, const char *text,
    size_t *own)
{
	const struct rule *r;
	char *w;
	struct buf b;
	int topic;

	if ((w = intent_danger_rest(in, text, &topic)) == NULL || in == NULL)
		return w;
	blank_all(in, L_LATER, w, NULL);
	if (own != NULL)
		*own = strlen(w);
	/* A summons says no more than the message: searched as it is. */
	if ((r = danger_found(in, text, 0)) == NULL)
		return w;
	buf_init(&b);
	arrest_hint(in, L_LSEARCH, &b, w, r->lang, 0);
	free(w);
	return buf_detach(&b);
}
