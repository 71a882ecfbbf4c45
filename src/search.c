/*
 * search: BM25 index over guide sections.
 *
 * Words are folded and split by lang.c (NFKD + case fold, marks dropped,
 * so "Téléphone" and "telephone" are one word; elisions cut, stopwords
 * dropped), and what is left is stemmed in the language of its text. Accents
 * are folded *before* stemming: people type without accents, and a stemmer
 * fed "securite" and "sécurité" must give the same stem.
 *
 * The index keeps one vocabulary per language (a French section is indexed
 * with French stems). A query is stemmed once per language of the index and
 * each section only sees the stems of its own language; sections in the
 * question's language get a boost. Unknown words get a second chance by
 * prefix (a stem that starts another: "pirat" / "piratag") and by edit
 * distance 1 (a symmetric-delete table built with the index).
 */
#include "ac-config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>

#include <libstemmer.h>

#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "search.h"
#include "search_tune.h"
#include "util.h"

#define WORD_MAX	LANG_WORD_MAX
#define QUERY_MAX	2048	/* bytes of a question looked at */
#define QWORDS_MAX	40	/* distinct words of a question looked at */
#define LANGS_MAX	16
#define NONE		UINT32_MAX

/*
 * The ranking constants. Each name reads a field of rank_params, so that a
 * measurement (bench/rank_eval.c, through search_tune_set() of
 * src/search_tune.h) can vary them; the daemon never does, and
 * reads these defaults. Field types are those of the old literals (float
 * or double), so that the defaults rank exactly as the literals did.
 */
static struct {
	double	bm25_k1, bm25_b, w_page, heading_bonus, sibling_near,
		sibling_cover, w_concept, w_claim, w_mention, w_mention_word, w_weak,
		subject_other, w_prefix, w_typo, w_unknown, lang_other,
		lang_absent,
		w_ask, nb_alpha, nb_beta, nb_k, nb_norm, nb_veto, nb_gate, nb_doubt,
		nb_doubt_bar, nb_grade, nb_vouch_bar, nb_vouch_cover,
		not_floor, not_margin, not_aside, ask_cover,
		moved_ask, exact_ask, w_ask_own;
	double	page_hits, page_cover, page_cover_asks, page_lead, page_tie,
		page_agreed, page_other, page_section, page_heading, bm25_mindl,
		w_borrowed, w_term, w_branch;
	double	ask_pick, page_clear, page_topic;
	double	match_share;
	double	page_far, page_share, page_carry;
	double	w_links;
	double	page_alone, page_titled, page_rival_share;
	double	sec_branch, sec_cover, sec_tie, sec_pair, sec_heading,
		sec_matched, sec_close;
	float	w_heading, w_path, w_title, w_page_kw, w_sec_kw, w_asks;
	double	w_router_unknown;
	double	w_prevent_past, w_prevent_before, w_warn_acted;
	double	w_case, w_case_named;
	double	w_name_other;
	double	w_page_absent;
	double	w_title_subject, w_title_head, title_own;
	double	w_yield;
	double	w_closing;
	double	w_picked;
} rank_params = {
	.w_picked = 0.6,	/* the side of a branch pair the question's
				   own words chose, among the three best of
				   the first hit's page, takes the first
				   place when it scores this share of it
				   (hits_within_page(); 0: never) */
	.w_closing = 0.9,	/* a page's closing part ("When to ask
				   for a human") gives the first place to
				   a step of its page scoring this share of
				   it (closing_step(); 0: never) */
	.w_yield = 0.6,		/* a page's introduction or list of
				   questions first gives the first place to
				   a step of its page scoring this share of
				   it (page_step(); 0: never) */
	.w_title_subject = 0.8,	/* a first hit on a page without asks
				   whose title names subjects, none of the
				   question's, when another page's title
				   names one, gives the first place to a
				   hit scoring this share of it
				   (hits_page_title(); 1: never) */
	.title_own = 0.4,	/* ...unless the question meets the first
				   hit's own heading with other words than
				   subjects for this share of it or more */
	.w_title_head = 0.7,	/* a first hit whose heading the question
				   meets with subject words alone, on a
				   page without asks whose title names
				   none of its concepts, gives the first
				   place to a hit scoring this share of
				   it (hits_page_title(); 1: never) */
	.w_page_absent = 0.9,	/* a section of a page without asks that
				   carries none of the question's specific
				   concepts, when a page carries one
				   (page_absent()) */
	.w_case = 0.8,		/* a lone branch of a page without asks
				   ("When you are suffering from a Website
				   Defacement") for a question that does
				   not name its case (lone_cases(),
				   section_case())... */
	.w_case_named = 1.3,	/* ...and for one that names it (not when
				   the question asks what a word means) */
	.w_name_other = 0.75,	/* a section whose heading names
				   platforms, none of them the one the
				   question names (section_names()) */
	.w_prevent_past = 0.6,	/* a preventive section (section.prevent:
				   "Before you cross a border") for a
				   question that says it happened already
				   (ask.happened), section_tense() */
	.w_prevent_before = 1.3,	/* a preventive section for a
				   question that asks what to do before
				   (ask.before) */
	.w_warn_acted = 0.4,	/* a section that warns against an act
				   (section.warn: "Attachments: don't open
				   them") for a question that says the act
				   was done (ask.acted: "i opened it"),
				   section_tense() */
	.w_router_unknown = 0.4,	/* for a question that says the
				   person does not know (ask.unknown), its
				   page's best list of questions takes the
				   first place when it scores this share
				   of it (hits_router()); 0: never */
	.bm25_k1 = 1.2,
	.bm25_b = 0.75,
	.bm25_mindl = 1,	/* a body shorter than this share of its
				   language's mean length is normalised as
				   that long: a short section is not more
				   about a word than an average one */
	.w_borrowed = 0,	/* an empty parent's body, borrowed from
				   its first sub-section (indexed there
				   already): its heading, path and title
				   alone find it */
	.w_term = 0.3,		/* a glossary term's definition, when the
				   question does not ask what a word means
				   (ask.define words, lang files) */
	.w_links = 2,		/* a section of a page of where to turn
				   (guide_page_links(): the kit's
				   "Resources"), when the question asks who
				   or what can help (ask.resource words,
				   lang files; s14-dpr) */
	.w_branch = 1,		/* 1: the question's negation chooses between
				   the two branches of a pair ("If you still
				   have access" / "If you no longer have
				   access"), hits_branch(); 0: never */
	.w_heading = 2.0f,	/* the section's own heading */
	.w_page = 1.0,		/* share of page-wide words (title, path...) */
	.heading_bonus = 0.6,	/* times the question/heading overlap */
	.sibling_near = 0.85,	/* a section of the best hit's page within
				   this share of its score... */
	.sibling_cover = 0.15,	/* ...covering this much more of the
				   question goes first */
	.w_path = 1.0f,		/* headings above it (and its own again) */
	.w_title = 1.0f,	/* the page title */
	.w_page_kw = 2.0f,	/* front matter keywords */
	.w_sec_kw = 3.0f,	/* <!-- keywords: --> of the section */
	.w_concept = 0.7,	/* a question word met through a concept */
	.w_claim = 0.7,		/* a question word an expression claims,
				   met through its concept only */
	.w_mention = 0.6,	/* a concept only mentioned in passing: its
				   section's and page's headings and title
				   do not name it */
	.w_mention_word = 0.8,	/* the same for a word that is a one-word
				   lexicon term of such a concept */
	.w_weak = 0.3,		/* the same through a weak concept */
	.subject_other = 0.7,	/* sections off the question's subject */
	.w_prefix = 0.6,	/* a stem that starts / is started by another */
	.w_typo = 0.6,		/* one edit away */
	.w_unknown = 1.0,	/* an unknown word weighs this much of the
				   top idf */
	.lang_other = 0.5,	/* sections in another language than
				   the question's (when it is known) */
	.lang_absent = 0.75,	/* the same, when their page is not held
				   in the question's language */
	.w_asks = 0.25f,	/* the words of its asks (and its page's),
				   as one more field */
	.w_ask = 0.25,		/* times the similarity of its best ask
				   (or its page's) to the question */
	.w_ask_own = 0.2,	/* times the similarity of its own best
				   ask, on top: a page's ask lifts all its
				   sections alike, a section's own tells
				   them apart */
	.nb_alpha = 0.1,	/* the page prior's smoothing (naive Bayes
				   over the pages' asks: prior_build()) */
	.nb_beta = 0.1,		/* the best hits reordered by score x
				   p(page)^nb_beta (0: no prior)... */
	.nb_k = 10,		/* ...this many of them */
	.nb_norm = 0.3,		/* a page's ask counts times (mean features
				   of a page / its own)^nb_norm: 1, every
				   page weighs as much however many asks it
				   has (prior_classes()) */
	/* The prior in search_decide() (prior_decide(); measured forms,
	 * docs/design.md, "The prior in the decision"): */
	.nb_doubt = 0.75,	/* when the first hit's page leads the next
				   page by less than this (p(page) minus the
				   best other's)... */
	.nb_doubt_bar = 2,	/* ...the bar is this much higher; when it
				   leads by this or more... */
	.nb_vouch_cover = 0.5,	/* ...and the first hit covers this share of
				   the question, the prior vouches for the
				   page: ... */
	.nb_vouch_bar = 0.7,	/* ...the bar times this, and the subject
				   test does not refuse it (prior_decide();
				   a thin lead still does: s19-fixdec) */
	.nb_veto = 0,		/* 1: no answer when the prior put another
				   hit first than the search's own */
	.nb_gate = 0,		/* no answer when the first hit's p(page) is
				   under this (0: never) */
	.nb_grade = 0,		/* the bar times 1 + nb_grade x (1 - the
				   lead) */
	.not_floor = 0.4,	/* a page's best not-ask at least this like
				   the question (idf-weighted Dice)... */
	.not_margin = 0.25,	/* ...and this much more than its best ask:
				   the page does not answer it (hit_notask());
				   both chosen on the tune halves */
	.not_aside = 0.1,	/* a hit that nothing marks as being about
				   the question (hit_about()) is refused by
				   a not-ask at least as like it as the
				   page's best ask less this */
	/* The first hit on a page with asks must be backed by the question
	 * (hit_unbacked(); s11-unc2, chosen on the tune halves): */
	.ask_cover = 0.42,	/* it covers this share of it (not a long
				   one)... */
	.moved_ask = 0.35,	/* ...and when the page prior put it first,
				   not the search, its best ask reads this
				   like the question */
	.match_share = 0.45,	/* ...and it matches this share of the
				   question's content words, counted (a rare
				   word or two carry coverage; s13-rdec) */
	.ask_pick = 0.4,	/* the first hit's best ask reads this like
				   the question, more than any other page's
				   among the best three: the asks pick its
				   page, no thin lead or doubt of the prior
				   refuses it (asks_pick(); s12-rdec; 0.5
				   -> 0.4 fitted, s17-refit) */
	.exact_ask = 0.9,	/* a section's own ask that reads this like
				   the question (and no other section's or
				   title's does) makes it the answer
				   (hits_exact(); 0: never) */
	/* The page outcome (page_fits(), page_tie(); docs/design.md, "This
	 * page, which part?"): ON for pages without asks only. Chosen on the
	 * tune halves (page_hits 2); on pages with asks (replies/) it gained
	 * nothing held out, so page_cover_asks is above 1 (never) and
	 * page_agreed 0; on pages without asks (the DFAK's) it lost on the
	 * test halves and gained on the four blind DFAK sets (design.md). */
	.page_hits = 2,		/* of the SEARCH_AGREE_HITS best hits, at
				   least this many on the best one's page
				   (0: no page outcome) */
	.page_cover = 0.2,	/* the best hit covers at least this share
				   of the question... */
	.page_cover_asks = 2,	/* ...this much when its page has asks (the
				   page prior reads it; above 1: never) */
	.page_lead = 0,		/* and the prior's p(page) leads the best
				   other page's by at least this */
	.page_tie = 0,		/* an answer whose page's next section
				   scores this share of it or more is the
				   page instead (0: never) */
	.page_agreed = 0,	/* an answer that scores under this share
				   of its bar without the agreement of the
				   three best hits (SEARCH_AGREE) is the
				   page instead (0: never) */
	/* When the best hit's page has no asks (plain_decide();
	 * docs/design.md, "Pages without asks"), chosen on the DFAK tune
	 * halves: */
	.page_other = 0.9,	/* another page scoring this share of the
				   best hit or more: the page is not clear,
				   neither an answer nor the page (above 1:
				   never) */
	.page_section = 0.9,	/* another section of its page scoring this
				   share of it or more: the section is not
				   clear, the page instead of an answer
				   (above 1: never)... */
	.page_heading = 0.3,	/* ...as it is when the three best hits are
				   all on its page and its heading matches
				   less than this share of the question (0:
				   never) */
	.page_clear = 0.6,	/* but where its page fits (page_fits()),
				   an answer when the page's next section
				   among the three best scores under this
				   share of it: the section is clear,
				   whatever its heading or the bar (0:
				   never; s12-ddec) */
	.page_topic = 1,	/* a page without asks that carries none of
				   the question's topic concepts is never
				   offered, and its section is an answer
				   only with a second hit on its page (0:
				   off; s12-dunc) */
	.page_far = 0.7,	/* a page without asks is offered with no
				   second hit on it when every other page
				   among the three best scores under this
				   share of its best (page_plain_fits(); 0:
				   never; s13-dpage) */
	.page_share = 0.15,	/* it is not offered when its best hit is
				   under the answer bar and under this
				   share of its sections carry a topic of
				   the question (0: off; s13-dpage) */
	.page_carry = 0.6,	/* nor when its sections carry under this
				   share of the question's topics (0: off;
				   s13-dpage) */
	.page_alone = 0.1,	/* a page without asks that no other page
				   shares the three best hits with is
				   offered from this coverage
				   (page_cover(); 0: off; s14-dec) */
	.page_titled = 1,	/* a page without asks whose title names a
				   topic of the question is offered though
				   it lacks its key concept or carries few
				   of its topics (0: off; s14-dec) */
	.page_rival_share = 0.1,	/* nor, under the bar, when another
				   page among the three best has this much
				   more of its sections carrying a topic of
				   the question (page_weak(); 0: off;
				   s14-dec) */
	/* Where its page would be offered ("which part?"), the best
	 * section is the answer when it stands out among its page's
	 * (section_picked(); docs/design.md, "The section that stands out";
	 * s18-ddec, chosen on the DFAK tune halves): */
	.sec_branch = 1,	/* 1: its heading opens with a condition
				   ("If your device is still missing": one
				   situation's advice; 0: never)... */
	.sec_cover = 0.21,	/* ...or it covers this much more of the
				   question than any other section of its
				   page among the three best (0: never;
				   s18-ddec2)... */
	.sec_tie = 0.78,	/* and an answer whose page's next part
				   scores this share of it or more and
				   covers as much of the question is the
				   page instead (section_tied(); 0: never) */
	.sec_pair = 1,		/* 1: the other side of its branch pair is
				   no tie (section_next()) */
	.sec_heading = 0.1,	/* ...and its own heading matches this
				   share of the question */
	.sec_matched = 2,	/* ...and, when the question's words the
				   guide lacks say its subject may be
				   another (hit_unknown()), it matches this
				   many of the question's words (0: the
				   unknown-words test never stops it) */
	.sec_close = 0.95,	/* a next part scoring this share of the
				   answer ties whatever it covers
				   (section_tied(); 0: never) */
};
#define BM25_K1		(rank_params.bm25_k1)
#define BM25_B		(rank_params.bm25_b)
#define BM25_MINDL	(rank_params.bm25_mindl)
#define W_BORROWED	(rank_params.w_borrowed)
#define W_TERM		(rank_params.w_term)
#define W_LINKS		(rank_params.w_links)
#define W_ROUTER_UNKNOWN	(rank_params.w_router_unknown)
#define W_PREVENT_PAST	(rank_params.w_prevent_past)
#define W_PREVENT_BEFORE	(rank_params.w_prevent_before)
#define W_WARN_ACTED	(rank_params.w_warn_acted)
#define W_CASE		(rank_params.w_case)
#define W_CASE_NAMED	(rank_params.w_case_named)
#define W_NAME_OTHER	(rank_params.w_name_other)
#define W_PAGE_ABSENT	(rank_params.w_page_absent)
#define W_TITLE_HEAD	(rank_params.w_title_head)
#define TITLE_OWN	(rank_params.title_own)
#define W_TITLE_SUBJECT	(rank_params.w_title_subject)
#define W_YIELD		(rank_params.w_yield)
#define W_PICKED	(rank_params.w_picked)
#define W_CLOSING	(rank_params.w_closing)
#define W_BRANCH	(rank_params.w_branch)
#define W_HEADING	(rank_params.w_heading)
#define W_PAGE		(rank_params.w_page)
#define HEADING_BONUS	(rank_params.heading_bonus)
#define SIBLING_NEAR	(rank_params.sibling_near)
#define SIBLING_COVER	(rank_params.sibling_cover)
#define W_PATH		(rank_params.w_path)
#define W_TITLE		(rank_params.w_title)
#define W_PAGE_KW	(rank_params.w_page_kw)
#define W_SEC_KW	(rank_params.w_sec_kw)
#define W_CONCEPT	(rank_params.w_concept)
#define W_CLAIM		(rank_params.w_claim)
#define W_MENTION	(rank_params.w_mention)
#define W_MENTION_WORD	(rank_params.w_mention_word)
#define W_WEAK		(rank_params.w_weak)
#define SUBJECT_OTHER	(rank_params.subject_other)
#define W_PREFIX	(rank_params.w_prefix)
#define W_TYPO		(rank_params.w_typo)
#define W_UNKNOWN	(rank_params.w_unknown)
#define LANG_OTHER	(rank_params.lang_other)
#define LANG_ABSENT	(rank_params.lang_absent)
#define W_ASKS		(rank_params.w_asks)
#define W_ASK		(rank_params.w_ask)
#define W_ASK_OWN	(rank_params.w_ask_own)
#define NB_ALPHA	(rank_params.nb_alpha)
#define NB_BETA		(rank_params.nb_beta)
#define NB_K		(rank_params.nb_k)
#define NB_NORM		(rank_params.nb_norm)
#define NB_VETO		(rank_params.nb_veto)
#define NB_GATE		(rank_params.nb_gate)
#define NB_DOUBT	(rank_params.nb_doubt)
#define NB_DOUBT_BAR	(rank_params.nb_doubt_bar)
#define NB_GRADE	(rank_params.nb_grade)
#define NB_VOUCH_BAR	(rank_params.nb_vouch_bar)
#define NB_VOUCH_COVER	(rank_params.nb_vouch_cover)
#define NOT_FLOOR	(rank_params.not_floor)
#define NOT_MARGIN	(rank_params.not_margin)
#define NOT_ASIDE	(rank_params.not_aside)
#define ASK_COVER	(rank_params.ask_cover)
#define MOVED_ASK	(rank_params.moved_ask)
#define ASK_PICK	(rank_params.ask_pick)
#define MATCH_SHARE	(rank_params.match_share)
#define EXACT_ASK	(rank_params.exact_ask)
#define PAGE_HITS	(rank_params.page_hits)
#define PAGE_COVER	(rank_params.page_cover)
#define PAGE_COVER_ASKS	(rank_params.page_cover_asks)
#define PAGE_LEAD	(rank_params.page_lead)
#define PAGE_TIE	(rank_params.page_tie)
#define PAGE_AGREED	(rank_params.page_agreed)
#define PAGE_OTHER	(rank_params.page_other)
#define PAGE_SECTION	(rank_params.page_section)
#define PAGE_HEADING	(rank_params.page_heading)
#define PAGE_CLEAR	(rank_params.page_clear)
#define PAGE_TOPIC	(rank_params.page_topic)
#define PAGE_FAR	(rank_params.page_far)
#define PAGE_SHARE	(rank_params.page_share)
#define PAGE_CARRY	(rank_params.page_carry)
#define PAGE_ALONE	(rank_params.page_alone)
#define PAGE_TITLED	(rank_params.page_titled)
#define PAGE_RIVAL_SHARE	(rank_params.page_rival_share)
#define SEC_BRANCH	(rank_params.sec_branch)
#define SEC_COVER	(rank_params.sec_cover)
#define SEC_TIE		(rank_params.sec_tie)
#define SEC_PAIR	(rank_params.sec_pair)
#define SEC_HEADING	(rank_params.sec_heading)
#define SEC_MATCHED	(rank_params.sec_matched)
#define SEC_CLOSE	(rank_params.sec_close)
#define PRIOR_HITS	10	/* hits the prior and the rules that reorder
				   hits rank, however few or many the caller
				   asks for (query_run()) */
#define PRIOR_MIN	1e-9	/* floor of a page's probability */
#define LX_LANGS	(LANGS_MAX + 1)
/* A lexicon language's words in the stem cache (stem_fill()): key byte
 * LX_STEMKEY | its index, apart from the index languages' (< LANGS_MAX). */
#define LX_STEMKEY	0x80
#define LX_WORDS	8	/* words of one lexicon term */
#define SUBJ_MAX	8	/* subject concepts */
#define PREFIX_MIN	4	/* bytes: shortest stem used for prefixes */
#define PLURAL_MIN	6	/* bytes: shortest "-ent" verb plural_verb()
				   reads */
#define ELISION_MIN	5	/* bytes: shortest word bare_elision() reads */
#define PREFIX_FANOUT	16
#define TYPO_MIN	5	/* bytes: shortest word given a typo match */
#define TYPO_MAX	24
#define TYPO_FANOUT	8

static const char *text_line(const char *p, uint32_t line, size_t *n);

/* ------------------------------------------------------- string tables */

struct stent {
	uint32_t	off;	/* key in the arena */
	uint32_t	len;
	uint32_t	hash;
	uint32_t	val;
};

/* Open-addressing hash of byte strings to one uint32 each. */
struct strtab {
	uint32_t	*slots;		/* entry index + 1; 0 = empty */
	size_t		 mask;
	struct stent	*ents;
	size_t		 n;
	size_t		 cap;
	char		*arena;
	size_t		 alen;
	size_t		 acap;
};

static uint32_t
hash_bytes(const char *s, size_t n)
{
	uint32_t h = util_hash(s, n);

	h ^= h >> 15;
	h *= 0x2c1b3c6dU;
	h ^= h >> 12;
	return h;
}

static void
strtab_init(struct strtab *t, size_t hint)
{
	size_t slots = 64;

	while (slots < hint * 2)
		slots *= 2;
	memset(t, 0, sizeof(*t));
	t->slots = xcalloc(slots, sizeof(*t->slots));
	t->mask = slots - 1;
}

static void
strtab_release(struct strtab *t)
{
	free(t->slots);
	free(t->ents);
	free(t->arena);
	memset(t, 0, sizeof(*t));
}

static const char *
strtab_key(const struct strtab *t, const struct stent *e)
{
	return t->arena + e->off;
}

static struct stent *
strtab_find(const struct strtab *t, const char *k, size_t n)
{
	uint32_t h = hash_bytes(k, n);
	size_t i = h & t->mask;

	for (;; i = (i + 1) & t->mask) {
		uint32_t s = t->slots[i];
		struct stent *e;

		if (s == 0)
			return NULL;
		e = &t->ents[s - 1];
		if (e->hash == h && e->len == n &&
		    memcmp(t->arena + e->off, k, n) == 0)
			return e;
	}
}

static void
strtab_grow(struct strtab *t)
{
	size_t slots = (t->mask + 1) * 2, i;

	free(t->slots);
	t->slots = xcalloc(slots, sizeof(*t->slots));
	t->mask = slots - 1;
	for (i = 0; i < t->n; i++) {
		size_t j = t->ents[i].hash & t->mask;

		while (t->slots[j] != 0)
			j = (j + 1) & t->mask;
		t->slots[j] = (uint32_t)i + 1;
	}
}

/* Finds or adds key; a new entry gets val. Sets *isnew. Returns the entry
 * (valid until the next add). */
static struct stent *
strtab_add(struct strtab *t, const char *k, size_t n, uint32_t val, int *isnew)
{
	struct stent *e = strtab_find(t, k, n);
	size_t i;

	*isnew = e == NULL;
	if (e != NULL)
		return e;
	if ((t->n + 1) * 2 > t->mask + 1)
		strtab_grow(t);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->ents = xrealloc(t->ents, t->cap * sizeof(*t->ents));
	}
	if (t->alen + n + 1 > t->acap) {
		while (t->alen + n + 1 > t->acap)
			t->acap = t->acap ? t->acap * 2 : 4096;
		t->arena = xrealloc(t->arena, t->acap);
	}
	memcpy(t->arena + t->alen, k, n);
	t->arena[t->alen + n] = '\0';
	e = &t->ents[t->n];
	e->off = (uint32_t)t->alen;
	e->len = (uint32_t)n;
	e->hash = hash_bytes(k, n);
	e->val = val;
	t->alen += n + 1;
	for (i = e->hash & t->mask; t->slots[i] != 0; i = (i + 1) & t->mask)
		;
	t->slots[i] = (uint32_t)t->n + 1;
	t->n++;
	return e;
}

/* ------------------------------------------------------------- the index */

struct slang {
	char			 code[4];
	struct sb_stemmer	*stemmer;	/* NULL: no stemming */
	size_t			 nsec;
	double			 avgdl;
	double			 idf_max;	/* idf of a word seen once */
	uint32_t		*sorted;	/* its term ids, by string */
	size_t			 nsorted;
};

struct term {
	uint32_t	key;	/* vocab entry: lang byte + stem */
	uint32_t	post;	/* first posting */
	uint32_t	npost;
	uint32_t	apost;	/* first ask posting (s->askpost) */
	uint32_t	napost;
	float		idf;
	uint8_t		lang;
};

struct posting {
	uint32_t	sec;
	float		w;	/* BM25 term-frequency part */
	float		f;	/* of its idf matched: W_MENTION for a concept
				   its section and page are not about */
	uint8_t		own;	/* the word is in the section's heading */
	uint8_t		kw;	/* in its section's keywords */
	uint8_t		title;	/* in its page's title or keywords */
	uint8_t		asked;	/* only in its asks or its page's: the
				   section does not carry it (a page's
				   concepts are what its text says) */
};

/* One question of a section's (or, page-wide, a page's) asks. */
struct ask {
	uint32_t	sec;	/* its section, or NONE for a page's */
	uint32_t	page;
	uint32_t	line;	/* which line of its asks text */
	float		mass;	/* idf of its words */
};

/* One question of a page's not-asks (guide.h): one the page does not
 * answer. */
struct notask {
	uint32_t	page;
	uint32_t	line;	/* which line of its not-asks text */
	float		mass;	/* idf of its words */
};

struct dlink {
	uint32_t	term;
	uint32_t	next;
};

/* Question words whose matches scratch.wbits records (bits of a word). */
#define WBITS	32

/* Per-query work arrays, sized by the number of sections at build time. */
struct scratch {
	double		*acc;		/* score so far */
	float		*best;		/* this word's best share */
	double		*hacc;		/* idf of question words in heading */
	double		*plain;		/* score without the heading bonus */
	float		*hbest;		/* this word's best share of it */
	double		*lacc;		/* score of words not in the title */
	float		*lbest;		/* this word's best share of it */
	double		*local;		/* that score, for hits_within_page() */
	double		*cacc;		/* idf of question words matched */
	float		*cbest;		/* this word's best share of it */
	uint8_t		*nmatch;	/* question words matched */
	uint8_t		*swapped;	/* its evidence is its branch pair's
					   (hits_branch()) */
	uint8_t		*offside;	/* the side of its branch pair the
					   question is not in (hits_branch()) */
	uint8_t		*picked;	/* the side of its branch pair the
					   question's own words chose: a loss
					   or change word, or a word that says
					   the state goes on (hits_branch()) */
	uint32_t	*offs;		/* ...those set, of either */
	size_t		 noff;
	uint32_t	*tmark;		/* per term: the qgen that matched it */
	uint32_t	*tnegm;		/* ...that matched it in a word a
					   negation reaches (negword) */
	uint32_t	 qgen;		/* query_run()'s generation */
	float		*cmax;		/* idf of its rarest matched word */
	uint32_t	*wbits;		/* bit i: it matched question word i
					   (the first WBITS words) */
	uint8_t		*pmain;		/* per page: a section of it matched
					   the question's heaviest word */
	size_t		 qword;		/* the question word being matched */
	uint32_t	*wmark;		/* word generation that set best */
	uint32_t	*touched;
	size_t		 ntouched;
	uint32_t	 gen;
	int		 only_router;	/* query_run() ranks the lists of
					   questions alone (hits_router()) */
	unsigned	 qbranch;	/* text_branch() of the question
					   being run */
	uint64_t	 qnegw;		/* ...its words (qwords) a negation
					   reaches (words_negated()) */
	uint64_t	 qnotw;		/* ...and those of an ask.not pair */
	int		 negword;	/* the word being matched is one
					   (add_term(): tnegm) */
	int		 objword;	/* ...names a subject ("email") */
	uint32_t	*headm;		/* per section: the qgen a question
					   word met its own heading with a
					   word its page's title lacks
					   (branch_stands()) */
	uint32_t	*wordm;		/* per section: the qgen a word not
					   objword met its own heading in
					   (page_absent()) */
	/* Per ask: idf of question words matched, this word's best, its
	 * generation; the asks touched. */
	double		*aacc;
	float		*abest;
	uint32_t	*amark;
	uint32_t	*atouched;
	size_t		 natouched;
	float		*secask;	/* per section: its best ask's
					   similarity... */
	uint32_t	*secwho;	/* ...which ask */
	float		*pageask;	/* the same per page */
	uint32_t	*pagewho;
	double		*nbscale;	/* per prior class: prior_scale()
					   of this query */
	double		*nblp;		/* per prior class: its log
					   probability, then probability */
	float		*pagebest;	/* per page: its best ask's
					   similarity, any of its sections'
					   or its title's */
	/* Per not-ask: idf of question words matched, this word's best,
	 * its generation; the not-asks touched; per page, its best
	 * not-ask's similarity and which. */
	double		*nacc;
	float		*nbest;
	uint32_t	*nmark;
	uint32_t	 ngen;
	uint32_t	*nottouched;
	size_t		 nntouched;
	float		*pagenot;
	uint32_t	*pagenotwho;
	struct search_hit *hits;	/* PRIOR_HITS (search_query_prev()) */
};

struct search {
	const struct guide	*g;
	struct slang		 langs[LANGS_MAX];
	size_t			 nlangs;
	int			 deflang;	/* for questions of unknown
						   language: the default one
						   (search_set_default_lang),
						   else most sections' */
	size_t			 nsec;
	uint8_t			*seclang;
	double			*hmass;		/* idf of each heading */
	struct strtab		 vocab;		/* lang + stem -> term id */
	struct term		*terms;
	size_t			 nterms;
	struct posting		*posts;
	size_t			 nposts;
	struct strtab		 dels;		/* lang + stem minus a byte */
	struct strtab		 known;		/* lang + stem of a word of the
						   language: never a typo */
	struct strtab		 bkinds;	/* lang + folded item of a
						   branch key -> its bits
						   (bkinds_build()) */
	struct strtab		 addrw;		/* folded [you], [you.polite]
						   item -> ADDR_* bits
						   (addrw_build()) */
	struct dlink		*dlinks;
	size_t			 ndlinks;
	struct strtab		 stems;		/* lang + word -> stem cache */
	struct buf		 stemarena;	/* length byte + stem */
	struct scratch		*scr;
	/* The lexicon, compiled: each term a sequence of stems in its
	 * language ("*": folded words), chained by its first word. */
	const struct lexicon	*lx;
	struct lxlang		*lxl;
	size_t			 nlxl;
	int			 lxstar;	/* the "*" language, or -1 */
	struct lxterm		*lxt;
	size_t			 nlxt;
	struct buf		 lxarena;	/* length byte + word, ... */
	struct strtab		 lxfirst;	/* lxlang + first word */
	/* Expressions: terms written in quotes, every word kept (stopwords
	 * too), matched in questions only (query_expressions()). */
	struct lxterm		*lxx;
	size_t			 nlxx;
	struct strtab		 lxxfirst;	/* lxlang + first word of an
						   expression: the last one,
						   lxterm.next the others */
	uint8_t			*csubj;		/* per concept: subject bit */
	uint8_t			*cweak;		/* per concept: weak */
	uint8_t			*cname;		/* per concept: a name */
	uint8_t			*cvague;	/* per concept: vague (lexicon
						   "vague") */
	uint8_t			*claw;		/* ...asks the law ("law") */
	uint32_t		 caddr;		/* the concept a question
						   addressed to the bot names
						   (LEXICON_ADDRESSED), or
						   NONE */
	uint8_t			*secsubj;	/* per section: subjects */
	uint8_t			*intro;		/* per section: its heading is
						   the page title */
	uint8_t			*router;	/* per section: section_router() */
	uint8_t			*closing;	/* per section: a closing part
						   not pointing above
						   (closing_step()) */
	uint8_t			*term;		/* per section: a glossary
						   term */
	uint8_t			*linkpage;	/* per page: guide_page_links() */
	uint16_t		*branch;	/* per section: BRANCH_* */
	int			 calibrating;	/* decide_calibrate() is
						   querying: page text, not
						   a person's question */
	struct search		*fill;		/* while building: s itself,
						   whose stem cache takes
						   stem_query()'s and
						   lx_stem()'s stems
						   (stem_fill()); NULL after */
	uint32_t		*pair;		/* per section: the other
						   branch, or NONE */
	uint32_t		*chg;		/* terms, grouped by section:
						   the words of a change
						   branch's own heading, or of
						   a lone branch's keywords
						   (change_words()) */
	uint32_t		*chgoff;	/* per section and one more:
						   its first term in chg */
	uint32_t		*cases;		/* the terms of the concepts
						   that name a lone branch's
						   case (lone_cases()) */
	uint32_t		*caseoff;	/* per section and one more:
						   its first term in cases */
	uint32_t		*names;		/* the name concepts a
						   section carries itself
						   (section_names_build()) */
	uint32_t		*nameoff;	/* per section and one more:
						   its first in names */
	uint8_t			*namehead;	/* per section: its own
						   heading names one */
	uint32_t		*secpage;	/* per section: its page */
	uint32_t		*pagelangs;	/* per page: the index's
						   languages it is held in,
						   as bits (see
						   page_langs_build()) */
	uint8_t			*pagetopic;	/* per page and concept:
						   PT_TITLE (see
						   page_topics_build()) */
	uint8_t			*ptsubj;	/* per page without asks:
						   the subjects its title
						   names */
	size_t			 npages;
	double			 bar;		/* the guide's own answer bar
						   (decide_calibrate()), or
						   -1 */
	struct ask		*asks;		/* every section's and page's
						   asks, one question each */
	size_t			 nasks;
	uint32_t		*askpost;	/* ask ids, grouped by term */
	/* The page prior (prior_build()): naive Bayes over the pages' asks.
	 * A class is a page stem (its languages together) with asks;
	 * features are the lexicon's concepts (ids 0..nconcepts-1), then
	 * stems (nbwords, language-blind), counted once an ask. */
	size_t			 nclass;	/* 0: no prior */
	uint32_t		*pageclass;	/* per page: class or NONE */
	struct strtab		 nbwords;	/* stem -> feature id */
	size_t			 nbconcepts;
	size_t			 nbfeat;
	uint32_t		*nbstart;	/* per feature: first count */
	uint32_t		*nbcls;		/* class of each count... */
	uint32_t		*nbcnt;		/* ...asks of it with the
						   feature */
	double			*nbtot;		/* per class: features counted */
	double			 nbvocab;	/* distinct features, plus 1 */
	/* The pages' not-asks (notasks_build()), read as questions are,
	 * in a vocabulary of their own (language + stem, or language +
	 * 0xff + concept id): never in the index's, so that they change
	 * nothing the guide says or matches. */
	struct notask		*nots;
	size_t			 nnots;
	struct strtab		 notvocab;	/* key -> id */
	size_t			 nnotv;
	float			*notidf;	/* per id: its idf */
	uint32_t		*notstart;	/* per id: first in notpost */
	uint32_t		*notpost;	/* not-asks, grouped by id */
	uint8_t			*pagenots;	/* per page: has not-asks */
};

struct lxlang {
	char			 code[4];
	struct sb_stemmer	*stemmer;	/* NULL: words as folded */
};

struct lxterm {
	uint32_t	concept;
	uint32_t	off;		/* first word in lxarena */
	uint32_t	next;		/* next term with the same first word */
	uint8_t		lang;
	uint8_t		nwords;
};

/* A run of words (a field, a question) for lexicon matching: each word
 * folded and stemmed in the text's language. */
struct wseq {
	struct buf	 arena;
	uint32_t	*raw;		/* offsets: length byte + bytes */
	uint32_t	*stem;
	size_t		 n;
	size_t		 cap;
};

/* Temporary posting while building. */
struct tpost {
	uint32_t	term;
	uint32_t	sec;
	float		tfb;	/* body occurrences */
	float		tfl;	/* weighted: own heading, section keywords */
	float		tfp;	/* weighted: page title, path, page keywords */
	float		tfa;	/* weighted: its asks and its page's */
	int		own;	/* in the section's own heading */
	int		kw;	/* in the section's keywords */
	int		title;	/* in the page's title or keywords */
	uint32_t	concept;	/* the concept of a #token, or NONE */
	uint32_t	cword[2];	/* a body word: concepts it is a
					   one-word term of (NONE: none) */
};

/* Where a word of a section comes from. */
enum field {
	F_BODY,		/* its text: length-normalised */
	F_LOCAL,	/* its heading and keywords */
	F_PAGE,		/* what all sections of its page share */
	F_ASKS,		/* its asks (questions it answers), or its
			   page's */
};

/* A word of one ask, while building. */
struct askterm {
	uint32_t	ask;
	uint32_t	term;
	uint8_t		concept;	/* a concept token, not a word */
};

struct builder {
	struct search	*s;
	uint32_t	 sec;
	uint8_t		 lang;
	enum field	 field;		/* of the words being counted */
	int		 own;		/* counting the section's heading */
	int		 title;		/* counting the page's title, keywords */
	size_t		 dl;		/* body words of this section */
	struct tpost	*tp;
	size_t		 ntp;
	size_t		 tpcap;
	uint32_t	*lastsec;	/* per term: section of its last tp */
	uint32_t	*lasttp;
	size_t		 tcap;
	int		 concept;	/* counting a concept, not a word */
	uint32_t	 cur_concept;	/* which one */
	float		 weight;	/* of the field being counted */
	float		 bodyw;		/* of a body word (F_BODY) */
	struct wseq	 seq;		/* words of the field being counted */
	uint32_t	*seqtp;		/* ...the temporary posting of each */
	size_t		 seqcap;
	uint8_t		 subj_head;	/* subjects in heading, title, path */
	uint8_t		 subj_body[SUBJ_MAX];
	uint32_t	 cur_ask;	/* the ask being read, or NONE */
	struct askterm	*at;
	size_t		 nat;
	size_t		 atcap;
};

/* The Snowball stemmer of code (lang.c's table), or NULL. */
static struct sb_stemmer *
stemmer_new(const char *code)
{
	const struct lang_row *r = lang_row(code);

	if (r == NULL)
		return sb_stemmer_new(code, "UTF_8");
	return r->stemmer ? sb_stemmer_new(r->stemmer, "UTF_8") : NULL;
}

static int
lang_id(struct search *s, const char *code)
{
	size_t i;

	for (i = 0; i < s->nlangs; i++)
		if (strcmp(s->langs[i].code, code) == 0)
			return (int)i;
	if (s->nlangs == LANGS_MAX)
		return 0;
	util_strlcpy(s->langs[i].code, code, sizeof(s->langs[i].code));
	s->langs[i].stemmer = stemmer_new(code);
	s->nlangs++;
	return (int)i;
}

static int
find_lang(const struct search *s, const char *code)
{
	size_t i;

	if (code == NULL)
		return -1;
	for (i = 0; i < s->nlangs; i++)
		if (strcmp(s->langs[i].code, code) == 0)
			return (int)i;
	return -1;
}

/*
 * Folded endings that Snowball only knows with their accents: lang_fold
 * runs before the stemmer (people type without accents), so these are
 * given back their accents for the stemmer, and the stem is folded again.
 * Without this, Spanish "organizacion" keeps its "-ion" while
 * "organizaciones" loses it, and French "-ee(s)" / "-iere(s)" stem apart
 * from the masculine. Measured on replies/ and the DFAK pages (fr, es):
 * each row joins word families that the accented stems keep together and
 * merges none that they keep apart. Longest ending first per language.
 * scripts/check-lexicon.py reads these rows from this file: keep one row
 * per line, in this form.
 */
static const struct stem_accent {
	const char	*lang;
	const char	*folded;
	const char	*accented;
} stem_accents[] = {
	{ "fr", "ierement", "i\xc3\xa8rement" },
	{ "fr", "ieres", "i\xc3\xa8res" },
	{ "fr", "iere", "i\xc3\xa8re" },
	{ "fr", "ees", "\xc3\xa9" "es" },
	{ "fr", "ee", "\xc3\xa9" "e" },
	{ "es", "ion", "i\xc3\xb3n" },
};

/* Shortest word the stem_accents table touches, besides the ending. */
#define STEM_ACCENT_MIN	2

/* Row of stem_accents for folded word w, or NULL. */
static const struct stem_accent *
stem_accent(const char *code, const char *w, size_t n)
{
	size_t i, el;

	for (i = 0; i < sizeof(stem_accents) / sizeof(stem_accents[0]); i++) {
		if (strcmp(stem_accents[i].lang, code) != 0)
			continue;
		el = strlen(stem_accents[i].folded);
		if (n >= el + STEM_ACCENT_MIN &&
		    memcmp(w + n - el, stem_accents[i].folded, el) == 0)
			return &stem_accents[i];
	}
	return NULL;
}

/* Length of a Snowball stem after our own touch: English keeps "-ll-y"
 * adverbs as "...lli" ("really" -> "realli") while "real" stays "real";
 * drop the "li" so that the two meet. */
static size_t
stem_fix(const char *code, const char *st, size_t len)
{
	if (code[0] == 'e' && code[1] == 'n' && len > 4 &&
	    memcmp(st + len - 3, "lli", 3) == 0)
		return len - 2;
	return len;
}

/* Stem of folded word w (n bytes) in language code: the stem_accents
 * ending put back, Snowball, the stem folded into buf (STEM_BUF bytes) if
 * an accent went in, stem_fix. NULL if the stemmer fails. */
#define STEM_BUF	(WORD_MAX * 2)
static const char *
stem_run(struct sb_stemmer *sb, const char *code, const char *w, size_t n,
    char *buf, size_t *len)
{
	const struct stem_accent *a = stem_accent(code, w, n);
	char in[WORD_MAX + 16];
	const sb_symbol *st;
	size_t l, el;

	if (a != NULL && n < WORD_MAX) {
		el = strlen(a->folded);
		memcpy(in, w, n - el);
		l = strlen(a->accented);
		memcpy(in + n - el, a->accented, l);
		n = n - el + l;
		w = in;
	} else
		a = NULL;
	if ((st = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)n)) == NULL)
		return NULL;
	l = (size_t)sb_stemmer_length(sb);
	if (a != NULL) {
		l = lang_fold_buf((const char *)st, l, buf, STEM_BUF);
		st = (const sb_symbol *)buf;
	}
	*len = stem_fix(code, (const char *)st, l);
	return (const char *)st;
}

/* Stem of a folded word in language li, cached. Borrowed: valid until the
 * next call. */
static const char *
stem_word(struct search *s, uint8_t li, const char *w, size_t n, size_t *sl)
{
	char key[WORD_MAX + 1];
	char buf[STEM_BUF];
	const struct stent *e;
	const char *st;
	size_t off, len;
	int isnew;

	if (s->langs[li].stemmer == NULL || n >= WORD_MAX) {
		*sl = n;
		return w;
	}
	key[0] = (char)li;
	memcpy(key + 1, w, n);
	if ((e = strtab_find(&s->stems, key, n + 1)) != NULL) {
		*sl = (unsigned char)s->stemarena.s[e->val];
		return s->stemarena.s + e->val + 1;
	}
	st = stem_run(s->langs[li].stemmer, s->langs[li].code, w, n, buf,
	    &len);
	if (st == NULL) {
		*sl = n;
		return w;
	}
	if (len >= WORD_MAX)
		len = WORD_MAX - 1;
	off = s->stemarena.len;
	buf_addc(&s->stemarena, (char)len);
	buf_add(&s->stemarena, (const char *)st, len);
	(void)strtab_add(&s->stems, key, n + 1, (uint32_t)off, &isnew);
	*sl = len;
	return s->stemarena.s + off + 1;
}

/*
 * While building (s->fill), a stem st (len bytes) that stem_run() gave for
 * folded word w (n bytes) goes into the stem cache under key byte kb: the
 * calibration's page text, the asks and the not-asks then stem each word
 * once per language, and questions find their words there. Only stems
 * stem_query() and lx_stem() read back (under WORD_MAX - 1 bytes), which
 * are stem_word()'s too: what any of them returns is unchanged.
 */
static void
stem_fill(const struct search *s, char kb, const char *w, size_t n,
    const char *st, size_t len)
{
	struct search *f = s->fill;
	char key[WORD_MAX + 1];
	size_t off;
	int isnew;

	if (f == NULL || st == NULL || n >= WORD_MAX || len >= WORD_MAX - 1)
		return;
	key[0] = kb;
	memcpy(key + 1, w, n);
	off = f->stemarena.len;
	buf_addc(&f->stemarena, (char)len);
	buf_add(&f->stemarena, st, len);
	(void)strtab_add(&f->stems, key, n + 1, (uint32_t)off, &isnew);
	if (!isnew)
		f->stemarena.len = off;
}

/*
 * The stem of folded word w (n bytes, under WORD_MAX) in language li, which
 * has a stemmer, at query time: stem_run()'s, but read from the index's
 * stem cache (stem_word()) when the index stemmed w too, which saves the
 * stemmer most of a question's words. The cache is filled while building
 * only and a word's stem never changes, so nothing invalidates it; an
 * entry of WORD_MAX - 1 bytes may be cut short there, and is stemmed
 * again. Into buf (STEM_BUF bytes) or borrowed from s; NULL if the
 * stemmer fails.
 */
static const char *
stem_query(const struct search *s, uint8_t li, const char *w, size_t n,
    char *buf, size_t *sl)
{
	char key[WORD_MAX + 1];
	const struct stent *e;
	const char *st;
	size_t len;

	key[0] = (char)li;
	memcpy(key + 1, w, n);
	if ((e = strtab_find(&s->stems, key, n + 1)) != NULL &&
	    (len = (unsigned char)s->stemarena.s[e->val]) < WORD_MAX - 1) {
		*sl = len;
		return s->stemarena.s + e->val + 1;
	}
	st = stem_run(s->langs[li].stemmer, s->langs[li].code, w, n, buf, sl);
	if (e == NULL)
		stem_fill(s, (char)li, w, n, st, *sl);
	return st;
}

/* Lexicon language l's index language (-1: none), when both have a
 * stemmer (stemmer_new() of the same code), for lx_stem(). */
static int
lx_index_lang(const struct search *s, const struct lxlang *l)
{
	int li;

	if (l->stemmer == NULL || (li = find_lang(s, l->code)) < 0 ||
	    s->langs[li].stemmer == NULL)
		return -1;
	return li;
}

/* The stem of folded word w (n bytes, under WORD_MAX) in lexicon language
 * l, whose lx_index_lang() is qi, outside the build's stem_word(): through
 * stem_query() when qi is an index language, else Snowball's into buf
 * (STEM_BUF bytes). NULL when l has no stemmer or it fails. */
static const char *
lx_stem(const struct search *s, const struct lxlang *l, int qi,
    const char *w, size_t n, char *buf, size_t *sl)
{
	char key[WORD_MAX + 1];
	const struct stent *e;
	const char *st;
	size_t len;

	if (qi >= 0)
		return stem_query(s, (uint8_t)qi, w, n, buf, sl);
	if (l->stemmer == NULL)
		return NULL;
	/* A lexicon language no page is in: its own cache entries. */
	key[0] = (char)(LX_STEMKEY | (l - s->lxl));
	memcpy(key + 1, w, n);
	if ((e = strtab_find(&s->stems, key, n + 1)) != NULL &&
	    (len = (unsigned char)s->stemarena.s[e->val]) < WORD_MAX - 1) {
		*sl = len;
		return s->stemarena.s + e->val + 1;
	}
	st = stem_run(l->stemmer, l->code, w, n, buf, sl);
	if (e == NULL)
		stem_fill(s, key[0], w, n, st, *sl);
	return st;
}

/*
 * The stem of folded word w (n bytes, under WORD_MAX) in index language li
 * as the index keys it: through build's stem cache while building (build:
 * the search being built), else stem_query()'s into buf (STEM_BUF bytes);
 * the word itself when li has no stemmer or it fails; at most WORD_MAX - 1
 * bytes. The one rule for the page prior's words and the not-asks', at
 * build and at query time.
 */
static const char *
stem_key(const struct search *s, struct search *build, uint8_t li,
    const char *w, size_t n, char *buf, size_t *sl)
{
	const char *st = NULL;

	if (build != NULL)
		return stem_word(build, li, w, n, sl);
	if (s->langs[li].stemmer != NULL)
		st = stem_query(s, li, w, n, buf, sl);
	if (st == NULL) {
		st = w;
		*sl = n;
	}
	if (*sl >= WORD_MAX)
		*sl = WORD_MAX - 1;
	return st;
}

static void
wseq_reset(struct wseq *q)
{
	q->n = 0;
	q->arena.len = 0;
}

static void
wseq_release(struct wseq *q)
{
	buf_release(&q->arena);
	free(q->raw);
	free(q->stem);
	memset(q, 0, sizeof(*q));
}

static uint32_t
wseq_put(struct wseq *q, const char *w, size_t n)
{
	uint32_t off = (uint32_t)q->arena.len;

	if (n >= WORD_MAX)
		n = WORD_MAX - 1;
	buf_addc(&q->arena, (char)n);
	buf_add(&q->arena, w, n);
	return off;
}

static void
wseq_add(struct wseq *q, const char *raw, size_t rn, const char *st,
    size_t sn)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		q->raw = xrealloc(q->raw, q->cap * sizeof(*q->raw));
		q->stem = xrealloc(q->stem, q->cap * sizeof(*q->stem));
	}
	q->raw[q->n] = wseq_put(q, raw, rn);
	q->stem[q->n] = st ? wseq_put(q, st, sn) : q->raw[q->n];
	q->n++;
}

static uint32_t builder_term(struct builder *b, const char *st, size_t sl,
    float weight);

static void
builder_word(void *arg, const char *w, size_t n, float weight)
{
	struct builder *b = arg;
	const char *st;
	size_t sl;

	st = stem_word(b->s, b->lang, w, n, &sl);
	wseq_add(&b->seq, w, n, st, sl);
	if (b->seq.n > b->seqcap) {
		b->seqcap = b->seq.cap;
		b->seqtp = xrealloc(b->seqtp, b->seqcap * sizeof(*b->seqtp));
	}
	b->seqtp[b->seq.n - 1] = builder_term(b, st, sl, weight);
}

/* Counts one stem (or concept token) in the field being indexed; returns
 * its temporary posting. */
static uint32_t
builder_term(struct builder *b, const char *st, size_t sl, float weight)
{
	struct search *s = b->s;
	char key[WORD_MAX + 1];
	struct stent *e;
	uint32_t t;
	int isnew;

	if (sl >= WORD_MAX)
		sl = WORD_MAX - 1;
	key[0] = (char)b->lang;
	memcpy(key + 1, st, sl);
	e = strtab_add(&s->vocab, key, sl + 1, (uint32_t)s->nterms, &isnew);
	t = e->val;
	if (isnew) {
		if (s->nterms == b->tcap) {
			b->tcap = b->tcap ? b->tcap * 2 : 1024;
			s->terms = xrealloc(s->terms,
			    b->tcap * sizeof(*s->terms));
			b->lastsec = xrealloc(b->lastsec,
			    b->tcap * sizeof(*b->lastsec));
			b->lasttp = xrealloc(b->lasttp,
			    b->tcap * sizeof(*b->lasttp));
		}
		memset(&s->terms[t], 0, sizeof(s->terms[t]));
		s->terms[t].key = (uint32_t)(e - s->vocab.ents);
		s->terms[t].lang = b->lang;
		b->lastsec[t] = NONE;
		s->nterms++;
	}
	if (b->lastsec[t] != b->sec) {
		if (b->ntp == b->tpcap) {
			b->tpcap = b->tpcap ? b->tpcap * 2 : 4096;
			b->tp = xrealloc(b->tp, b->tpcap * sizeof(*b->tp));
		}
		b->tp[b->ntp].term = t;
		b->tp[b->ntp].sec = b->sec;
		b->tp[b->ntp].tfb = 0;
		b->tp[b->ntp].tfl = 0;
		b->tp[b->ntp].tfp = 0;
		b->tp[b->ntp].tfa = 0;
		b->tp[b->ntp].own = 0;
		b->tp[b->ntp].kw = 0;
		b->tp[b->ntp].title = 0;
		b->tp[b->ntp].concept = b->concept ? b->cur_concept : NONE;
		b->tp[b->ntp].cword[0] = NONE;
		b->tp[b->ntp].cword[1] = NONE;
		b->lastsec[t] = b->sec;
		b->lasttp[t] = (uint32_t)b->ntp++;
	}
	switch (b->field) {
	case F_BODY:
		b->tp[b->lasttp[t]].tfb += b->bodyw;
		if (!b->concept)
			b->dl++;
		break;
	case F_LOCAL:
		b->tp[b->lasttp[t]].tfl += weight;
		if (!b->own)
			b->tp[b->lasttp[t]].kw = 1;
		break;
	case F_PAGE:
		b->tp[b->lasttp[t]].tfp += weight;
		break;
	case F_ASKS:
		b->tp[b->lasttp[t]].tfa += weight;
		break;
	}
	if (b->cur_ask != NONE) {
		if (b->nat == b->atcap) {
			b->atcap = b->atcap ? b->atcap * 2 : 1024;
			b->at = xrealloc(b->at, b->atcap * sizeof(*b->at));
		}
		b->at[b->nat].ask = b->cur_ask;
		b->at[b->nat].term = t;
		b->at[b->nat].concept = (uint8_t)b->concept;
		b->nat++;
	}
	if (b->own)
		b->tp[b->lasttp[t]].own = 1;
	if (b->title)
		b->tp[b->lasttp[t]].title = 1;
	return b->lasttp[t];
}

/* ------------------------------------------------------------- lexicon */

static int
lx_lang_of(const struct search *s, const char *code)
{
	for (size_t i = 0; i < s->nlxl; i++)
		if (strcmp(s->lxl[i].code, code) == 0)
			return (int)i;
	return -1;
}

static const char *
lx_word(const struct buf *a, uint32_t off, size_t *n)
{
	*n = (unsigned char)a->s[off];
	return a->s + off + 1;
}

struct lxcompile {
	struct search	*s;
	uint8_t		 lang;
	char		 words[LX_WORDS][WORD_MAX];
	uint8_t		 n[LX_WORDS];
	size_t		 count;
	int		 toolong;
};

static void
lxcompile_word(void *arg, const char *w, size_t n, float weight)
{
	struct lxcompile *c = arg;
	struct lxlang *l = &c->s->lxl[c->lang];
	char buf[STEM_BUF];
	const char *st = NULL;
	size_t sl = 0;

	(void)weight;
	if (c->count == LX_WORDS) {
		c->toolong = 1;
		return;
	}
	if (n >= WORD_MAX)
		n = WORD_MAX - 1;
	if (l->stemmer != NULL)
		st = stem_run(l->stemmer, l->code, w, n, buf, &sl);
	if (st != NULL) {
		n = sl;
		if (n >= WORD_MAX)
			n = WORD_MAX - 1;
		w = st;
	}
	memcpy(c->words[c->count], w, n);
	c->n[c->count++] = (uint8_t)n;
}

/* Calls fn for each word of folded text f as an expression reads it:
 * letters and digits, stopwords and one-letter words kept, apostrophes
 * and hyphens between words ("s'est fait": "s", "est", "fait"); the end
 * of a clause (a '$' of a term; ". , ; : ? !" or the end of a question,
 * when end) as the word "$" ("est sur $": "sûr", not "sur"). */
static void
expr_split(const char *f, size_t flen, int end, lang_word_fn fn,
    void *arg)
{
	size_t i = 0, j;
	int last = 1;		/* the last word sent was a "$" */

	while (i < flen) {
		while (i < flen && !isalnum((unsigned char)f[i]) &&
		    (unsigned char)f[i] < 0x80) {
			if (!last && strchr("$.,;:?!", f[i]) != NULL) {
				fn(arg, "$", 1, 0);
				last = 1;
			}
			i++;
		}
		for (j = i; j < flen && (isalnum((unsigned char)f[j]) ||
		    (unsigned char)f[j] >= 0x80); j++)
			;
		if (j > i) {
			fn(arg, f + i, j - i, 0);
			last = 0;
		}
		i = j;
	}
	if (end && !last)
		fn(arg, "$", 1, 0);
}

/* Turns each lexicon term into a sequence of stems in its language (the
 * way the index sees text in that language), chained by first word; a
 * term in quotes, an expression, into the stems of all its words
 * (expr_split()), kept apart for query_expressions(). */
static void
lx_compile(struct search *s, const struct lexicon *lx)
{
	size_t nt = lexicon_nterms(lx), nc = lexicon_nconcepts(lx), i;
	unsigned nsubj = 0;

	s->lx = lx;
	s->lxstar = -1;
	s->csubj = xcalloc(nc + 1, 1);
	s->cweak = xcalloc(nc + 1, 1);
	s->cname = xcalloc(nc + 1, 1);
	s->cvague = xcalloc(nc + 1, 1);
	s->claw = xcalloc(nc + 1, 1);
	for (i = 0; i < nc; i++) {
		unsigned fl = lexicon_concept_flags(lx, i);

		if ((fl & LEXICON_ADDRESSED) && s->caddr == NONE)
			s->caddr = (uint32_t)i;
		if ((fl & LEXICON_SUBJECT) && nsubj < SUBJ_MAX)
			s->csubj[i] = (uint8_t)(1u << nsubj++);
		s->cweak[i] = (fl & LEXICON_WEAK) != 0;
		s->cname[i] = (fl & LEXICON_NAME) != 0;
		s->cvague[i] = (fl & LEXICON_VAGUE) != 0;
		s->claw[i] = (fl & LEXICON_LAW) != 0;
	}
	s->lxl = xcalloc(LX_LANGS, sizeof(*s->lxl));
	s->lxt = xcalloc(nt + 1, sizeof(*s->lxt));
	s->lxx = xcalloc(nt + 1, sizeof(*s->lxx));
	buf_init(&s->lxarena);
	strtab_init(&s->lxfirst, nt + 16);
	strtab_init(&s->lxxfirst, 64);
	for (i = 0; i < nt; i++) {
		const char *code = lexicon_term_lang(lx, i);
		const char *text = lexicon_term_text(lx, i);
		struct lxcompile c;
		struct lxterm *t;
		struct stent *e;
		char *f, key[WORD_MAX + 1];
		size_t flen, k;
		int li = lx_lang_of(s, code), isnew, expr = text[0] == '"';

		if (li < 0) {
			if (s->nlxl == LX_LANGS)
				continue;
			li = (int)s->nlxl++;
			util_strlcpy(s->lxl[li].code, code,
			    sizeof(s->lxl[li].code));
			s->lxl[li].stemmer = strcmp(code, "*") == 0 ? NULL :
			    stemmer_new(code);
			if (strcmp(code, "*") == 0)
				s->lxstar = li;
		}
		memset(&c, 0, sizeof(c));
		c.s = s;
		c.lang = (uint8_t)li;
		f = lang_fold_alloc(text, strlen(text), &flen);
		if (expr)
			expr_split(f, flen, 0, lxcompile_word, &c);
		else
			lang_split(f, flen, 0, lxcompile_word, &c, 1);
		free(f);
		if (c.count == 0 || c.toolong)
			continue;
		t = expr ? &s->lxx[s->nlxx] : &s->lxt[s->nlxt];
		t->concept = (uint32_t)lexicon_term_concept(lx, i);
		t->lang = (uint8_t)li;
		t->nwords = (uint8_t)c.count;
		t->off = (uint32_t)s->lxarena.len;
		for (k = 0; k < c.count; k++) {
			buf_addc(&s->lxarena, (char)c.n[k]);
			buf_add(&s->lxarena, c.words[k], c.n[k]);
		}
		key[0] = (char)li;
		memcpy(key + 1, c.words[0], c.n[0]);
		if (expr) {
			e = strtab_add(&s->lxxfirst, key, (size_t)c.n[0] + 1,
			    (uint32_t)s->nlxx, &isnew);
			t->next = isnew ? NONE : e->val;
			e->val = (uint32_t)s->nlxx;
			s->nlxx++;
			continue;
		}
		e = strtab_add(&s->lxfirst, key, (size_t)c.n[0] + 1,
		    (uint32_t)s->nlxt, &isnew);
		t->next = isnew ? NONE : e->val;
		e->val = (uint32_t)s->nlxt;
		s->nlxt++;
	}
}

/* The search word standing for concept c: "#" + its name (no text word
 * has a '#'). Returns its length, 0 if it does not fit. */
static size_t
concept_token(const struct search *s, uint32_t c, char tok[WORD_MAX])
{
	const char *name = lexicon_concept_name(s->lx, c);
	size_t n = strlen(name);

	if (n + 1 >= WORD_MAX)
		return 0;
	tok[0] = '#';
	memcpy(tok + 1, name, n);
	return n + 1;
}

typedef void (*concept_fn)(void *arg, uint32_t concept, size_t from,
    size_t to);

/* Calls fn for every lexicon term found in q: words stemmed in lexicon
 * language li (raw folded words for the "*" language). */
static void
lx_match_lang(const struct search *s, int li, const struct wseq *q,
    const uint32_t *words, concept_fn fn, void *arg)
{
	char key[WORD_MAX + 1];

	for (size_t p = 0; p < q->n; p++) {
		const struct stent *e;
		const char *w;
		size_t n;
		uint32_t t;

		w = lx_word(&q->arena, words[p], &n);
		key[0] = (char)li;
		memcpy(key + 1, w, n);
		if ((e = strtab_find(&s->lxfirst, key, n + 1)) == NULL)
			continue;
		for (t = e->val; t != NONE; t = s->lxt[t].next) {
			const struct lxterm *tm = &s->lxt[t];
			size_t k, off = tm->off, tn;
			const char *tw;

			if (p + tm->nwords > q->n)
				continue;
			tw = lx_word(&s->lxarena, (uint32_t)off, &tn);
			off += tn + 1;
			for (k = 1; k < tm->nwords; k++) {
				const char *qw = lx_word(&q->arena,
				    words[p + k], &n);

				tw = lx_word(&s->lxarena, (uint32_t)off, &tn);
				off += tn + 1;
				if (n != tn || memcmp(qw, tw, n) != 0)
					break;
			}
			if (k == tm->nwords)
				fn(arg, tm->concept, p, p + tm->nwords);
		}
	}
}

static void
builder_concept(void *arg, uint32_t concept, size_t from, size_t to)
{
	struct builder *b = arg;
	char tok[WORD_MAX];
	size_t n = concept_token(b->s, concept, tok);
	uint8_t bit = b->s->csubj[concept];

	if (n == 0)
		return;
	/* A body word that is a one-word term of it: whether its page is
	 * about the concept decides the word's weight too (a phrase of
	 * several words is specific enough as it is). */
	for (size_t p = from; b->field == F_BODY && to - from == 1 && p < to;
	    p++) {
		struct tpost *tp = &b->tp[b->seqtp[p]];

		if (tp->cword[0] == NONE || tp->cword[0] == concept)
			tp->cword[0] = concept;
		else if (tp->cword[1] == NONE)
			tp->cword[1] = concept;
	}
	b->concept = 1;
	b->cur_concept = concept;
	builder_term(b, tok, n, b->field == F_BODY ? 1 : b->weight);
	b->concept = 0;
	if (bit == 0)
		return;
	if (b->field == F_BODY) {
		for (size_t k = 0; k < SUBJ_MAX; k++)
			if (bit == (1u << k) && b->subj_body[k] < UINT8_MAX)
				b->subj_body[k]++;
	} else if (b->field != F_ASKS)
		b->subj_head |= bit;
}

static void addrw_build(struct search *s);
static const char *addressing_word(const struct search *s, const char *f,
    size_t flen, size_t *n);

static void
index_field(struct builder *b, const char *text, enum field field,
    float weight)
{
	char *f;
	size_t flen;

	if (text == NULL || *text == '\0')
		return;
	f = lang_fold_alloc(text, strlen(text), &flen);
	b->field = field;
	b->weight = weight;
	wseq_reset(&b->seq);
	lang_split(f, flen, 1, builder_word, b, weight);
	if (b->s->nlxt > 0 && b->seq.n > 0) {
		int li = lx_lang_of(b->s, b->s->langs[b->lang].code);

		if (li >= 0)
			lx_match_lang(b->s, li, &b->seq, b->seq.stem,
			    builder_concept, b);
		if (b->s->lxstar >= 0)
			lx_match_lang(b->s, b->s->lxstar, &b->seq,
			    b->seq.raw, builder_concept, b);
	}
	/* An ask is a question: addressing the bot names the desk, as in
	 * query_addressed(), when it has other words. */
	if (field == F_ASKS && b->s->caddr != NONE && b->seq.n > 0) {
		size_t an;

		if (addressing_word(b->s, f, flen, &an) != NULL)
			builder_concept(b, b->s->caddr, 0, 0);
	}
	free(f);
}

/* Indexes asks text (one question a line) as section sec's F_ASKS field
 * (pagewide: its page's asks); with record set, each line is also one
 * ask of sec (NONE: of page) for the per-ask similarity. */
static void
index_asks(struct builder *b, const char *text, uint32_t sec, uint32_t page,
    int pagewide, int record)
{
	struct search *s = b->s;
	const char *p = text;
	uint32_t line = 0;

	b->title = pagewide;
	while (p != NULL && *p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char *one = xstrndup(p, n);

		if (record) {
			if ((s->nasks & (s->nasks - 1)) == 0)
				s->asks = xrealloc(s->asks, (s->nasks ?
				    s->nasks * 2 : 1) * sizeof(*s->asks));
			s->asks[s->nasks].sec = sec;
			s->asks[s->nasks].page = page;
			s->asks[s->nasks].line = line;
			s->asks[s->nasks].mass = 0;
			b->cur_ask = (uint32_t)s->nasks++;
		}
		index_field(b, one, F_ASKS, W_ASKS);
		b->cur_ask = NONE;
		free(one);
		line++;
		p = eol ? eol + 1 : NULL;
	}
	b->title = 0;
}

/* Each term's asks (s->askpost), and each ask's idf mass: its distinct
 * words (a concept token is another way to meet a word, not more). */
static void
asks_build(struct search *s, struct builder *b)
{
	size_t i, *n;
	uint32_t off = 0;

	n = xcalloc(s->nterms + 1, sizeof(*n));
	for (i = 0; i < b->nat; i++)
		n[b->at[i].term]++;
	for (i = 0; i < s->nterms; i++) {
		s->terms[i].apost = off;
		s->terms[i].napost = 0;
		off += (uint32_t)n[i];
	}
	free(n);
	s->askpost = xcalloc(b->nat + 1, sizeof(*s->askpost));
	for (i = 0; i < b->nat; i++) {
		const struct askterm *a = &b->at[i];
		struct term *t = &s->terms[a->term];

		/* Asks are read in order, each whole: a word the ask says
		 * twice is its term's last ask already. */
		if (t->napost > 0 && s->askpost[t->apost + t->napost - 1] ==
		    a->ask)
			continue;
		s->askpost[t->apost + t->napost++] = a->ask;
		if (!a->concept)
			s->asks[a->ask].mass += t->idf;
	}
}

/* A section's subjects: those named in its heading, path or title (head),
 * and those its text names twice or more (body: counts by subject); else
 * any its text names. */
static uint8_t
section_subjects(uint8_t head, const uint8_t *body)
{
	uint8_t m = head, any = 0;

	for (size_t k = 0; k < SUBJ_MAX; k++) {
		if (body[k] >= 2)
			m |= (uint8_t)(1u << k);
		if (body[k] >= 1)
			any |= (uint8_t)(1u << k);
	}
	return m ? m : any;
}

/* The section whose text borrowed section sec shows (its lender: the
 * first section after it on its page that has a text of its own), or sec
 * itself when it borrows none. */
static size_t
section_lender(const struct guide *g, size_t sec)
{
	size_t n = guide_nsections(g), page = guide_section_page(g, sec), j;

	if (!guide_section_borrowed(g, sec))
		return sec;
	for (j = sec + 1; j < n && guide_section_page(g, j) == page; j++)
		if (!guide_section_borrowed(g, j))
			return j;
	return sec;
}

/* A byte of a folded word as text_branch() reads them ("can't" is one). */
static int
word_byte(char c)
{
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80 ||
	    c == '\'';
}

/* What a text's words say of a branch: BRANCH_IF when its first word is
 * a branch.if word ("If", "Si", "Cuando"), BRANCH_NOT when a word or pair
 * of words of it is a branch.not item ("no longer", "n'avez plus", "ya no",
 * "can't", "locked out", "no access", "pas accès"), BRANCH_STILL for a
 * branch.still word ("still", "toujours", "todavía"), ASK_DEFINE for an
 * ask.define word or pair of words ("what is", "veut dire"), ASK_UNKNOWN
 * for an ask.unknown word or run of two or three words ("no idea", "no sé
 * quién": Spanish "no se" alone is also the reflexive "no se carga"), and
 * so on for each key below (section_tense() reads the last three), all
 * read from the language files (branch_kinds()), lang's or, when it is
 * NULL, every language's. A section keeps the bits below 65536
 * (s->branch: its heading's ASK_ACTED, "If you clicked the link", is
 * read by section_tense()). */
#define BRANCH_IF	1
#define BRANCH_NOT	2
#define ASK_DEFINE	4
#define BRANCH_STILL	8
#define ASK_UNKNOWN	16
#define SEC_PREVENT	32	/* section.prevent */
#define BRANCH_STAY	64	/* the side of its pair that says the state
				   goes on (branches_build()) */
#define SEC_WARN	128	/* section.warn */
#define ASK_HAPPENED	256	/* ask.happened */
#define ASK_BEFORE	512	/* ask.before */
#define ASK_RESOURCE	1024	/* ask.resource */
#define ASK_NOT		2048	/* ask.not */
#define ASK_BREAK	4096	/* ask.break: ends a negation's reach */
#define ASK_STAY	8192	/* a branch.still word no negation or loss
				   word reaches, an ask.stay word in its
				   reach: "i can still log in", not "he
				   still has my phone and i can't log in" */
#define ASK_ACCESS	16384	/* ask.stay */
#define ASK_VAGUE	131072	/* ask.vague: says something is wrong,
				   not what (question_subject_only()) */
#define ASK_ACTED	32768	/* ask.acted, no negation reaching it */
#define ASK_UNACTED	65536	/* ask.unacted */

/* The language keys text_branch() reads, and the bit each one gives. */
static const struct {
	const char	*key;
	unsigned	 bit;
} branch_keys[] = {
	{ "branch.if", BRANCH_IF },
	{ "branch.not", BRANCH_NOT },
	{ "branch.still", BRANCH_STILL },
	{ "ask.define", ASK_DEFINE },
	{ "ask.unknown", ASK_UNKNOWN },
	{ "section.prevent", SEC_PREVENT },
	{ "ask.happened", ASK_HAPPENED },
	{ "ask.before", ASK_BEFORE },
	{ "ask.not", ASK_NOT },
	{ "ask.resource", ASK_RESOURCE },
	{ "ask.break", ASK_BREAK },
	{ "ask.stay", ASK_ACCESS },
	{ "ask.vague", ASK_VAGUE },
	{ "section.warn", SEC_WARN },
	{ "ask.acted", ASK_ACTED },
	{ "ask.unacted", ASK_UNACTED },
};

/*
 * A question's words as text_branch() reads them (the folded text, each
 * word's place in it) and which of them a negation reaches (neg): the
 * words up to the NEG_REACH-th word not a stopword after an ask.not word
 * or pair ("never got my laptop back", "pas rendu", "no me lo
 * devolvieron"), up to the UNKNOWN_REACH-th after an ask.unknown one
 * ("i don't know when i get it back"), never past a punctuation mark or
 * an ask.break word ("but", "mais", "pero"), nor, for ask.not, past a
 * branch.if word ("if", "si"): "they returned my phone, no idea if they
 * installed spyware" negates nothing of the return.
 */
#define BWORDS_MAX	128
#define NEG_REACH	3
#define LONE_DENIED	0.3	/* of a lone branch's evidence when the
				   question denies its condition */
#define UNKNOWN_REACH	6
struct bwords {
	char		*f;		/* folded text (the caller frees it) */
	struct {
		uint16_t off;
		uint8_t	 len;
		uint8_t	 neg;	/* a negation reaches it */
		uint8_t	 not;	/* a word of an ask.not pair ("toujours
				   pas", "todavía no"): no search word */
	}		 w[BWORDS_MAX];
	size_t		 n;
};

/* The keys that list folded text f (n bytes), as branch_keys bits: from
 * s->bkinds when lang is an index language (built by bkinds_build()),
 * else from the language files (lang_match_in(), lang's or, when it is
 * NULL, every language's). */
static unsigned
branch_kinds(const struct search *s, int li, const char *lang,
    const char *f, size_t n)
{
	unsigned r = 0;

	if (li >= 0) {
		char key[QUERY_MAX + 1];
		const struct stent *e;

		if (n >= sizeof(key))
			return 0;
		key[0] = (char)li;
		memcpy(key + 1, f, n);
		e = strtab_find(&s->bkinds, key, n + 1);
		return e != NULL ? e->val : 0;
	}
	for (size_t j = 0; j < ARRAY_LEN(branch_keys); j++)
		if (lang_match_in(lang, branch_keys[j].key, f, n))
			r |= branch_keys[j].bit;
	return r;
}

/* Adds language lang's items of key to t, folded as the language files
 * fold them, after byte pre when pre >= 0 (an index language): bit goes
 * into each item's bits. */
static void
items_add(struct strtab *t, const char *lang, const char *key, int pre,
    unsigned bit)
{
	const char *const *w;
	size_t n, off = pre >= 0;

	w = lang_items(lang, key, &n);
	for (size_t k = 0; w != NULL && k < n; k++) {
		char *f, *item;
		size_t fl;
		struct stent *e;
		int isnew;

		f = lang_fold_alloc(w[k], strlen(w[k]), &fl);
		item = xmalloc(fl + 1);
		item[0] = (char)pre;
		memcpy(item + off, f, fl);
		e = strtab_add(t, item, fl + off, bit, &isnew);
		e->val |= bit;
		free(item);
		free(f);
	}
}

/* Each index language's items of branch_keys, folded as the language
 * files fold them (index language byte + item -> bits): text_branch()
 * looks a word up once, not once a key. */
static void
bkinds_build(struct search *s)
{
	strtab_init(&s->bkinds, 256);
	for (size_t li = 0; li < s->nlangs; li++)
		for (size_t j = 0; j < ARRAY_LEN(branch_keys); j++)
			items_add(&s->bkinds, s->langs[li].code,
			    branch_keys[j].key, (int)li, branch_keys[j].bit);
}

/* What a text's words say (BRANCH_* and ASK_* bits) in language lang:
 * a branch.if word first, a branch.still word, a word or pair of words
 * of the other keys, or a run of three ask.unknown words. With bw (a
 * question), also its words and which of them a negation reaches. */
static unsigned
text_branch(const struct search *s, const char *text, const char *lang,
    struct bwords *bw)
{
	size_t flen, i = 0, n, prev = 0, prev2 = 0, words = 0, gap;
	size_t reach = 0;	/* words a negation still reaches */
	size_t stay = 0;	/* words a still word waits for a negation */
	char *f;
	unsigned r = 0, v, v2, v3 = 0, acted;
	int first = 1, li = find_lang(s, lang), unk = 0;
	int access = 0;		/* an ask.stay word in the still word's reach */

	if (bw != NULL) {
		bw->f = NULL;
		bw->n = 0;
	}
	if (text == NULL || *text == '\0')
		return 0;
	f = lang_fold_alloc(text, strlen(text), &flen);
	while (i < flen) {
		for (gap = i; i < flen && !word_byte(f[i]); i++)
			;
		for (n = 0; i + n < flen && word_byte(f[i + n]); n++)
			;
		if (n == 0)
			break;
		v = branch_kinds(s, li, lang, f + i, n);
		v2 = first ? 0 : branch_kinds(s, li, lang, f + prev,
		    i + n - prev);
		/* An act a negation reaches was not done ("i haven't
		 * opened it"): ask.acted is read below, after the reach. */
		acted = (v | v2) & ASK_ACTED;
		v &= ~ASK_ACTED;
		v2 &= ~ASK_ACTED;
		r |= v & ~BRANCH_IF;
		if (first)
			r |= v & BRANCH_IF;
		else
			r |= v2 & ~(BRANCH_IF | BRANCH_STILL);
		if (words >= 2)
			r |= (v3 = branch_kinds(s, li, lang, f + prev2,
			    i + n - prev2) & ASK_UNKNOWN);
		if (bw != NULL) {
			/* A mark or a break word ends the reach; a branch.if
			 * word ends that of ask.not. */
			int mark = 0;

			for (size_t k = gap; k < i; k++)
				mark |= strchr(",;.:!?()", f[k]) != NULL;
			if (mark || (v & (ASK_BREAK | BRANCH_IF))) {
				if (mark || !unk || !(v & BRANCH_IF))
					reach = 0;
				if (stay > 0 && access)
					r |= ASK_STAY;
				stay = 0;
			}
			/* "i can still log in", not "i still can't", "toujours
			 * pas", "still haven't", nor a still word of something
			 * else ("he still has my phone"). */
			if ((v | v2) & (ASK_NOT | BRANCH_NOT))
				stay = 0;
			else if (stay > 0) {
				access |= ((v | v2) & ASK_ACCESS) != 0;
				if (!lang_is_stopword(f + i, n) &&
				    --stay == 0 && access)
					r |= ASK_STAY;
			}
			if ((v & BRANCH_STILL) && reach == 0) {
				stay = NEG_REACH;
				access = 0;
			}
			if (reach > 0)
				acted = 0;
			if (bw->n < BWORDS_MAX && i <= UINT16_MAX &&
			    n <= UINT8_MAX) {
				bw->w[bw->n].off = (uint16_t)i;
				bw->w[bw->n].len = (uint8_t)n;
				bw->w[bw->n].not = 0;
				bw->w[bw->n++].neg = reach > 0;
				if ((v2 & ASK_NOT) && bw->n >= 2)
					bw->w[bw->n - 1].not =
					    bw->w[bw->n - 2].not = 1;
			}
			if (reach > 0 && !lang_is_stopword(f + i, n))
				reach--;
			if ((v | v2 | v3) & ASK_UNKNOWN) {
				reach = UNKNOWN_REACH;
				unk = 1;
			} else if (((v | v2) & ASK_NOT) && reach < NEG_REACH) {
				reach = NEG_REACH;
				unk = 0;
			}
		}
		r |= acted;
		first = 0;
		prev2 = prev;
		prev = i;
		words++;
		i += n;
	}
	if (stay > 0 && access)
		r |= ASK_STAY;
	if (bw != NULL)
		bw->f = f;
	else
		free(f);
	return r;
}

/*
 * The branches of the guide's workflows: a section whose heading starts
 * with a condition ("If you still have access to the account") and has a
 * sibling (its page, its level) whose conditional heading differs from it
 * by a negation ("If you no longer have access...") is BRANCH_IF, or
 * BRANCH_IF | BRANCH_NOT for the negative one. Without such a pair
 * (a page's lone "If the police took your device") it is none: the
 * negation words of a question choose between the two branches, and
 * deny a lone one only by its keywords (lone_denied()).
 */
static void
branches_build(struct search *s)
{
	size_t i, j;

	bkinds_build(s);
	for (i = 0; i < s->nsec; i++)
		s->branch[i] = (uint16_t)text_branch(s,
		    guide_section_heading(s->g, i),
		    guide_page_lang(s->g, guide_section_page(s->g, i)), NULL);
	for (i = 0; i < s->nsec; i++) {
		size_t page = guide_section_page(s->g, i);
		size_t first = guide_page_first_section(s->g, page);

		s->pair[i] = NONE;
		for (j = first; (s->branch[i] & BRANCH_IF) && j < first +
		    guide_page_nsections(s->g, page); j++)
			if (j != i && (s->branch[j] & BRANCH_IF) &&
			    guide_section_level(s->g, j) ==
			    guide_section_level(s->g, i) &&
			    (s->branch[j] & BRANCH_NOT) !=
			    (s->branch[i] & BRANCH_NOT)) {
				s->pair[i] = (uint32_t)j;
				break;
			}
	}
	/* The side of a pair that says the state goes on (BRANCH_STAY): its
	 * branch.still one ("If you still have access", "If your device is
	 * still missing"); with none or both, its negative one ("Si vous
	 * n'avez pas récupéré l'appareil": nothing happened yet). The other
	 * side says a change ("If you no longer have access", "If you get
	 * your device back"), which a question has to say (hits_branch()). */
	for (i = 0; i < s->nsec; i++) {
		uint16_t me = s->branch[i], other;

		if (s->pair[i] == NONE)
			continue;
		other = s->branch[s->pair[i]];
		if ((me & BRANCH_STILL) != (other & BRANCH_STILL) ?
		    (me & BRANCH_STILL) != 0 : (me & BRANCH_NOT) != 0)
			s->branch[i] |= BRANCH_STAY;
	}
}

/*
 * The words that say a branch's change: each term of the heading of a
 * pair's change side ("If you get your device back": "get", "back",
 * [returned]) that is not its page's title or keywords ("device" of
 * "Devices Seized" says which page, not which branch). A question that
 * matches none of them does not say the change happened (hits_branch()).
 * Likewise the words of a lone branch (a conditional heading without a
 * pair: replies/' "When they give the device back"), from its section
 * keywords, which spell out its case ("returned, gave back"; the kit's
 * sections have none, and a heading's other words, "site" of "Quand vous
 * êtes victime d'un défacement de site internet", are no case): a
 * question that names them only where a negation reaches them denies its
 * condition (lone_denied()). Is posting p such a word of its section?
 */
static int
change_word(const struct search *s, const struct posting *p)
{
	if (p->title)
		return 0;
	if (s->pair[p->sec] == NONE)
		return p->kw && (s->branch[p->sec] & BRANCH_IF);
	return p->own && !(s->branch[p->sec] & BRANCH_STAY);
}

/* Every section's change words (change_word()), grouped by section (a
 * counting sort): hits_branch() reads one section's for each touched
 * branch, and a scan of every section's pairs there cost a fifth of a
 * query. */
static void
change_words(struct search *s)
{
	uint32_t *next;
	size_t sec;

	s->chgoff = xcalloc(s->nsec + 1, sizeof(*s->chgoff));
	for (size_t t = 0; t < s->nterms; t++)
		for (uint32_t k = 0; k < s->terms[t].npost; k++) {
			const struct posting *p =
			    &s->posts[s->terms[t].post + k];

			if (change_word(s, p))
				s->chgoff[p->sec + 1]++;
		}
	for (sec = 0; sec < s->nsec; sec++)
		s->chgoff[sec + 1] += s->chgoff[sec];
	s->chg = xcalloc(s->chgoff[s->nsec] + 1, sizeof(*s->chg));
	next = xcalloc(s->nsec + 1, sizeof(*next));
	memcpy(next, s->chgoff, s->nsec * sizeof(*next));
	for (size_t t = 0; t < s->nterms; t++)
		for (uint32_t k = 0; k < s->terms[t].npost; k++) {
			const struct posting *p =
			    &s->posts[s->terms[t].post + k];

			if (change_word(s, p))
				s->chg[next[p->sec]++] = (uint32_t)t;
		}
	free(next);
}

/* Does the question (query_run()'s matches) name a word of change
 * branch sec's own heading (change_words()), and never where a negation
 * reaches it (words_negated(): "they still haven't given my phone back")?
 * A term of several words is negated when one of them is. */
static int
says_change(const struct search *s, uint32_t sec)
{
	for (uint32_t i = s->chgoff[sec]; i < s->chgoff[sec + 1]; i++)
		if (s->scr->tmark[s->chg[i]] == s->scr->qgen &&
		    s->scr->tnegm[s->chg[i]] != s->scr->qgen)
			return 1;
	return 0;
}

/* Does the question name words of lone branch sec (change_words()), and
 * each of them only where a negation reaches it ("the police never gave
 * my phone back", "la policía no me ha devuelto el teléfono" for "When
 * they give the device back"; "it has no pin" for "If the police took
 * your device")? */
static int
lone_denied(const struct search *s, uint32_t sec)
{
	int named = 0;

	for (uint32_t i = s->chgoff[sec]; i < s->chgoff[sec + 1]; i++)
		if (s->scr->tmark[s->chg[i]] == s->scr->qgen) {
			if (s->scr->tnegm[s->chg[i]] != s->scr->qgen)
				return 0;
			named = 1;
		}
	return named;
}

/* Is sec a lone branch (BRANCH_IF, no pair) with another conditional
 * section at its level on its page: one of a step's alternatives? */
static int
lone_alternative(const struct search *s, size_t sec)
{
	size_t page = guide_section_page(s->g, sec);
	size_t first = guide_page_first_section(s->g, page);

	if (!(s->branch[sec] & BRANCH_IF) || s->pair[sec] != NONE)
		return 0;
	for (size_t j = first; j < first + guide_page_nsections(s->g, page);
	    j++)
		if (j != sec && (s->branch[j] & BRANCH_IF) &&
		    guide_section_level(s->g, j) ==
		    guide_section_level(s->g, sec))
			return 1;
	return 0;
}

/*
 * Per section, the postings of b that keep() holds, as one array and
 * offsets (*offp: one per section and one more, so section i's items are
 * (*valp)[(*offp)[i]] up to (*offp)[i + 1]): each item the posting's
 * term, or its concept when concept is set. lone_cases() and
 * section_names_build() keep theirs so.
 */
static void
sec_lists(struct search *s, const struct builder *b,
    int (*keep)(const struct search *, const struct tpost *), int concept,
    uint32_t **offp, uint32_t **valp)
{
	uint32_t *off, *val, *next;
	size_t i;

	off = xcalloc(s->nsec + 1, sizeof(*off));
	for (i = 0; i < b->ntp; i++)
		if (keep(s, &b->tp[i]))
			off[b->tp[i].sec + 1]++;
	for (i = 0; i < s->nsec; i++)
		off[i + 1] += off[i];
	val = xcalloc(off[s->nsec] + 1, sizeof(*val));
	next = xcalloc(s->nsec + 1, sizeof(*next));
	memcpy(next, off, s->nsec * sizeof(*next));
	for (i = 0; i < b->ntp; i++)
		if (keep(s, &b->tp[i]))
			val[next[b->tp[i].sec]++] = concept ?
			    (uint32_t)b->tp[i].concept : b->tp[i].term;
	free(next);
	*offp = off;
	*valp = val;
}

/* Is tp a term of a concept that names its lone branch's case
 * (lone_cases())? */
static int
case_post(const struct search *s, const struct tpost *tp)
{
	const struct guide *g = s->g;

	return tp->own && tp->concept != NONE && !s->cweak[tp->concept] &&
	    !s->csubj[tp->concept] && !s->cname[tp->concept] &&
	    !guide_section_for_desk(g, tp->sec) &&
	    lone_alternative(s, tp->sec);
}

/*
 * The case of a lone branch that is one of a step's alternatives
 * (lone_alternative(): "When you are suffering from a Denial of Service
 * attack", "When you are suffering from a Website Defacement", two steps
 * of one page) is what the specific lexicon concepts of its own heading
 * name ([ddos], [defacement]; not a weak, subject or name concept: "site"
 * of "Quand vous êtes victime d'un défacement de site internet" says
 * which page, not which case). Only on pages without asks: asks say which
 * questions a branch answers, better than a concept of its heading does
 * (section_case()). Kept per section (caseoff), as change_words() keeps
 * its words.
 */
static void
lone_cases(struct search *s, const struct builder *b)
{
	sec_lists(s, b, case_post, 0, &s->caseoff, &s->cases);
}

/* Is tp a name concept's token that its section carries itself: in
 * its own heading, its keywords or its text (section_names_build())? */
static int
name_post(const struct search *s, const struct tpost *tp)
{
	return tp->concept != NONE && s->cname[tp->concept] &&
	    (tp->own || tp->kw || tp->tfb > 0);
}

/*
 * The platforms a section names itself ([facebook name], [google name]:
 * the lexicon's name concepts in its heading, keywords or text), and
 * whether its own heading names one ("Recover a Google, Microsoft or
 * Apple account"): such a section is for those platforms, and a
 * question about another one ("my yahoo mail") is not its case
 * (section_names()). Kept per section (nameoff), as lone_cases() keeps
 * its terms.
 */
static void
section_names_build(struct search *s, const struct builder *b)
{
	size_t i;

	s->namehead = xcalloc(s->nsec + 1, sizeof(*s->namehead));
	for (i = 0; i < b->ntp; i++)
		if (name_post(s, &b->tp[i]) && b->tp[i].own)
			s->namehead[b->tp[i].sec] = 1;
	sec_lists(s, b, name_post, 1, &s->nameoff, &s->names);
}

/*
 * Is a section's text a list of questions (a workflow's "Start by
 * answering some simple questions", "Basic information": "Who is your
 * web hosting provider?...")? Four or more list items, four fifths or
 * more of them asking something (a step whose items ask "Do you use
 * X?" and then say what to do asks in fewer): it helps the person find
 * their branch.
 */
static int
section_router(const char *text)
{
	size_t items = 0, asks = 0;
	const char *p = text;

	while (p != NULL && *p != '\0') {
		const char *eol = strchr(p, '\n'), *q = p;
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		while (q < p + n && (*q == ' ' || *q == '\t'))
			q++;
		if (q + 1 < p + n && (*q == '-' || *q == '*') && q[1] == ' ') {
			items++;
			asks += memchr(q, '?', n - (size_t)(q - p)) != NULL;
		}
		p = eol ? eol + 1 : NULL;
	}
	return items >= 4 && 5 * asks >= 4 * items;
}

/*
 * Is sec its page's closing part: the last part (its sub-sections to the
 * page's end), not the page's own text, that tells when to ask a person
 * (a [cmd.human] word of a loaded language written in capitals, as a
 * whole word: "Type HUMAN")? The bot shows it last (bot.c); the search
 * lets a step of its page go before it (closing_step()).
 */
int
search_section_closing(const struct guide *g, size_t sec)
{
	size_t page = guide_section_page(g, sec);
	size_t first = guide_page_first_section(g, page);
	size_t end = first + guide_page_nsections(g, page), k;
	const char *text = guide_section_text(g, sec);
	const char *h = guide_section_heading(g, sec);
	int level = guide_section_level(g, sec);

	if (text == NULL || (sec == first && (h == NULL ||
	    strcmp(h, guide_page_title(g, page)) == 0)))
		return 0;
	for (k = sec + 1; k < end && guide_section_level(g, k) > level; k++)
		;
	if (k != end)
		return 0;
	return lang_text_names(text, "cmd.human", 1);
}

/* qsort has no context argument: the index being sorted. */
static const struct search *sort_ctx;

/* Terms by language, then by stem. */
static int
cmp_term(const void *a, const void *b)
{
	const struct search *s = sort_ctx;
	const struct term *ta = &s->terms[*(const uint32_t *)a];
	const struct term *tb = &s->terms[*(const uint32_t *)b];

	if (ta->lang != tb->lang)
		return ta->lang < tb->lang ? -1 : 1;
	return strcmp(strtab_key(&s->vocab, &s->vocab.ents[ta->key]) + 1,
	    strtab_key(&s->vocab, &s->vocab.ents[tb->key]) + 1);
}

/* Symmetric-delete table: every stem with one byte removed → stems. */
static void
build_deletes(struct search *s)
{
	size_t t, cap = 0;

	strtab_init(&s->dels, s->nterms * 6);
	for (t = 0; t < s->nterms; t++) {
		const struct stent *e = &s->vocab.ents[s->terms[t].key];
		const char *k = strtab_key(&s->vocab, e);
		size_t n = e->len, i, j;
		char d[TYPO_MAX + 2];

		/* k[0] is the language byte. */
		if (n - 1 < TYPO_MIN - 1 || n - 1 > TYPO_MAX)
			continue;
		for (i = 1; i < n; i++)
			if ((unsigned char)k[i] >= 0x80)
				break;
		if (i < n)
			continue;
		for (i = 1; i < n; i++) {
			struct stent *de;
			int isnew;

			if (i > 1 && k[i] == k[i - 1])
				continue;	/* same delete as before */
			d[0] = k[0];
			for (j = 1; j < n; j++)
				if (j != i)
					d[j < i ? j : j - 1] = k[j];
			de = strtab_add(&s->dels, d, n - 1, NONE, &isnew);
			if (s->ndlinks == cap) {
				cap = cap ? cap * 2 : 4096;
				s->dlinks = xrealloc(s->dlinks,
				    cap * sizeof(*s->dlinks));
			}
			s->dlinks[s->ndlinks].term = (uint32_t)t;
			s->dlinks[s->ndlinks].next = de->val;
			de->val = (uint32_t)s->ndlinks++;
		}
	}
}

/* The stems of each index language's common words (its lang file's
 * [words]): a question word with one of them is a word of the language,
 * not a misspelling of another (match_stem()). */
static void
build_known(struct search *s)
{
	strtab_init(&s->known, 4096);
	for (size_t li = 0; li < s->nlangs; li++) {
		const char *const *w;
		size_t n;

		w = lang_items(s->langs[li].code, "words", &n);
		for (size_t k = 0; w != NULL && k < n; k++) {
			char f[WORD_MAX], key[WORD_MAX + 1];
			const char *st;
			size_t fl, sl;
			int isnew;

			fl = lang_fold_buf(w[k], strlen(w[k]), f, sizeof(f));
			if (fl == 0 || fl >= WORD_MAX)
				continue;
			st = stem_word(s, (uint8_t)li, f, fl, &sl);
			if (sl >= WORD_MAX)
				continue;
			key[0] = (char)li;
			memcpy(key + 1, st, sl);
			(void)strtab_add(&s->known, key, sl + 1, 0, &isnew);
		}
	}
}

static void page_topics_build(struct search *s);
static void page_langs_build(struct search *s);
static void prior_build(struct search *s);
static void notasks_build(struct search *s);
static void decide_calibrate(struct search *s);

struct search *
search_new(const struct guide *g)
{
	return search_new_lex(g, NULL);
}

/* BM25's idf of a word that df of n sections carry: the index's, and the
 * key-concept bar of hits_scope() (SEARCH_KEY_DF sections). */
static double
bm25_idf(double n, double df)
{
	return log(1 + (n - df + 0.5) / (df + 0.5));
}

/* Whether two strings (either may be NULL) are the same text. */
static int
same_text(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

struct search *
search_new_lex(const struct guide *g, const struct lexicon *lx)
{
	struct search *s = xcalloc(1, sizeof(*s));
	struct builder b;
	size_t i, *dl, *df, *npost;
	uint32_t *start;
	double *sumdl;
	uint8_t *ptopic, *subjh, *subjb;

	s->g = g;
	s->nsec = guide_nsections(g);
	s->seclang = xcalloc(s->nsec + 1, 1);
	s->secsubj = xcalloc(s->nsec + 1, 1);
	s->intro = xcalloc(s->nsec + 1, 1);
	s->term = xcalloc(s->nsec + 1, 1);
	s->linkpage = xcalloc(guide_npages(g) + 1, 1);
	for (i = 0; i < guide_npages(g); i++)
		s->linkpage[i] = (uint8_t)guide_page_links(g, i);
	s->router = xcalloc(s->nsec + 1, 1);
	s->closing = xcalloc(s->nsec + 1, 1);
	s->branch = xcalloc(s->nsec + 1, sizeof(*s->branch));
	s->pair = xcalloc(s->nsec + 1, sizeof(*s->pair));
	strtab_init(&s->vocab, 4096);
	strtab_init(&s->stems, 8192);
	addrw_build(s);
	buf_init(&s->stemarena);
	s->lxstar = -1;
	s->caddr = NONE;
	if (lx != NULL)
		lx_compile(s, lx);
	memset(&b, 0, sizeof(b));
	b.s = s;
	b.cur_ask = NONE;
	dl = xcalloc(s->nsec + 1, sizeof(*dl));
	subjh = xcalloc(s->nsec + 1, 1);
	subjb = xcalloc(s->nsec + 1, SUBJ_MAX);
	for (i = 0; i < s->nsec; i++) {
		size_t page = guide_section_page(g, i);
		const char *lang = guide_page_lang(g, page);

		b.sec = (uint32_t)i;
		b.lang = (uint8_t)lang_id(s, lang ? lang : "en");
		s->seclang[i] = b.lang;
		b.dl = 0;
		b.subj_head = 0;
		memset(b.subj_body, 0, sizeof(b.subj_body));
		b.bodyw = guide_section_borrowed(g, i) ? (float)W_BORROWED :
		    1;
		if (b.bodyw > 0)
			index_field(&b, guide_section_text(g, i), F_BODY, 1);
		index_field(&b, guide_section_keywords(g, i), F_LOCAL,
		    W_SEC_KW);
		b.own = 1;
		index_field(&b, guide_section_heading(g, i), F_LOCAL,
		    W_HEADING);
		b.own = 0;
		index_field(&b, guide_section_path(g, i), F_PAGE, W_PATH);
		b.title = 1;
		index_field(&b, guide_page_title(g, page), F_PAGE, W_TITLE);
		index_field(&b, guide_page_keywords(g, page), F_PAGE,
		    W_PAGE_KW);
		b.title = 0;
		/* Asks weighed at 0 are not read at all: what the guide
		 * says stays what it was without them. */
		if (W_ASKS > 0 || W_ASK > 0) {
			index_asks(&b, guide_section_asks(g, i), (uint32_t)i,
			    (uint32_t)page, 0, 1);
			index_asks(&b, guide_page_asks(g, page), NONE,
			    (uint32_t)page, 1,
			    guide_page_first_section(g, page) == i);
		}
		dl[i] = b.dl;
		subjh[i] = b.subj_head;
		memcpy(subjb + i * SUBJ_MAX, b.subj_body, SUBJ_MAX);
		s->intro[i] = (uint8_t)same_text(guide_section_heading(g, i),
		    guide_page_title(g, page));
		s->term[i] = (uint8_t)guide_section_term(g, i);
		s->router[i] = (uint8_t)section_router(
		    guide_section_text(g, i));
		/* One that points "above" is shown after the page's first
		 * step already (bot.c answer_first()). */
		s->closing[i] = (uint8_t)(search_section_closing(g, i) &&
		    !lang_text_names(guide_section_text(g, i),
		    "pointer.above", 0));
	}
	wseq_release(&b.seq);
	free(b.seqtp);
	branches_build(s);
	lone_cases(s, &b);
	section_names_build(s, &b);
	/* A borrowed parent's body is not indexed (W_BORROWED): its own
	 * heading's subjects, and its lender's text's, which it shows. */
	for (i = 0; i < s->nsec; i++)
		s->secsubj[i] = section_subjects(subjh[i],
		    subjb + section_lender(g, i) * SUBJ_MAX);
	free(subjh);
	free(subjb);
	/* Per-language section counts and mean lengths. */
	sumdl = xcalloc(LANGS_MAX, sizeof(*sumdl));
	for (i = 0; i < s->nsec; i++) {
		s->langs[s->seclang[i]].nsec++;
		sumdl[s->seclang[i]] += (double)dl[i];
	}
	for (i = 0; i < s->nlangs; i++) {
		struct slang *l = &s->langs[i];

		l->avgdl = l->nsec ? sumdl[i] / (double)l->nsec : 1;
		if (l->avgdl < 1)
			l->avgdl = 1;
		l->idf_max = log(1 + ((double)l->nsec + 0.5) / 1.5);
	}
	free(sumdl);
	s->deflang = -1;
	for (i = 0; i < s->nlangs; i++)
		if (s->deflang < 0 ||
		    s->langs[i].nsec > s->langs[s->deflang].nsec)
			s->deflang = (int)i;
	/* Postings grouped by term (a counting sort keeps section order).
	 * The idf counts only sections that use the word themselves: a
	 * page's title or keywords are in all its sections and would make
	 * the page's own topic look like a common word. */
	df = xcalloc(s->nterms + 1, sizeof(*df));
	npost = xcalloc(s->nterms + 1, sizeof(*npost));
	for (i = 0; i < b.ntp; i++) {
		npost[b.tp[i].term]++;
		df[b.tp[i].term] += b.tp[i].tfb > 0 || b.tp[i].tfl > 0;
	}
	start = xcalloc(s->nterms + 1, sizeof(*start));
	for (i = 0; i < s->nterms; i++) {
		start[i + 1] = start[i] + (uint32_t)npost[i];
		s->terms[i].post = start[i];
		s->terms[i].npost = (uint32_t)npost[i];
	}
	free(npost);
	s->nposts = b.ntp;
	s->posts = xcalloc(b.ntp + 1, sizeof(*s->posts));
	/* Each page's topic concepts: those of its title and headings. */
	{
		size_t nc = s->lx ? lexicon_nconcepts(s->lx) : 0;

		ptopic = xcalloc(guide_npages(g) * nc + 1, 1);
		for (i = 0; i < b.ntp; i++) {
			const struct tpost *tp = &b.tp[i];

			if (tp->concept != NONE && (tp->own || tp->tfp > 0))
				ptopic[guide_section_page(g, tp->sec) * nc +
				    tp->concept] = 1;
		}
	}
	for (i = 0; i < b.ntp; i++) {
		const struct tpost *tp = &b.tp[i];
		const struct slang *l = &s->langs[s->seclang[tp->sec]];
		double len = (double)dl[tp->sec] < BM25_MINDL * l->avgdl ?
		    BM25_MINDL * l->avgdl : (double)dl[tp->sec];
		double norm = 1 - BM25_B + BM25_B * len / l->avgdl;
		double tf = tp->tfb / norm + tp->tfl;
		struct posting *p = &s->posts[start[tp->term]++];

		/* The section's own words and the page's saturate apart: a
		 * page keyword must not eat the room of a word that only
		 * this section has. */
		p->sec = tp->sec;
		p->w = (float)(tf * (BM25_K1 + 1) / (tf + BM25_K1) +
		    W_PAGE * tp->tfp * (BM25_K1 + 1) / (tp->tfp + BM25_K1));
		if (tp->tfa > 0)
			p->w += (float)(tp->tfa * (BM25_K1 + 1) /
			    (tp->tfa + BM25_K1));
		p->own = (uint8_t)tp->own;
		p->kw = (uint8_t)tp->kw;
		p->title = (uint8_t)tp->title;
		p->asked = tp->tfb <= 0 && tp->tfl <= 0 && tp->tfp <= 0;
		p->f = 1;
		/* A concept only the body mentions, when neither the
		 * section nor its page is about it, is weak evidence. */
		if (tp->concept != NONE && tp->tfl <= 0 && tp->tfp <= 0 &&
		    !ptopic[guide_section_page(g, tp->sec) *
		    lexicon_nconcepts(s->lx) + tp->concept])
			p->f = W_MENTION;
		/* So is a body word that is a one-word term of concepts none
		 * of which is its page's: a malware page that lists
		 * "confisqué puis rendu" among the signs is not the page on
		 * returned devices, and the exact word must not make it so. */
		if (tp->concept == NONE && tp->cword[0] != NONE &&
		    tp->tfl <= 0 && tp->tfp <= 0 &&
		    !ptopic[guide_section_page(g, tp->sec) *
		    lexicon_nconcepts(s->lx) + tp->cword[0]] &&
		    (tp->cword[1] == NONE ||
		    !ptopic[guide_section_page(g, tp->sec) *
		    lexicon_nconcepts(s->lx) + tp->cword[1]]))
			p->f = W_MENTION_WORD;
		p->w *= p->f;
	}
	for (i = 0; i < s->nterms; i++) {
		const struct slang *l = &s->langs[s->terms[i].lang];
		double n = (double)l->nsec, d = df[i] ? (double)df[i] : 1;

		s->terms[i].idf = (float)bm25_idf(n, d);
	}
	asks_build(s, &b);
	s->hmass = xcalloc(s->nsec + 1, sizeof(*s->hmass));
	for (i = 0; i < s->nterms; i++) {
		uint32_t k;

		for (k = 0; k < s->terms[i].npost; k++) {
			const struct posting *p =
			    &s->posts[s->terms[i].post + k];

			if (p->own)
				s->hmass[p->sec] += s->terms[i].idf;
		}
	}
	free(start);
	free(df);
	free(dl);
	free(ptopic);
	free(b.tp);
	free(b.at);
	free(b.lastsec);
	free(b.lasttp);
	/* Each language's terms sorted by string, for prefix lookups. */
	{
		uint32_t *all = xcalloc(s->nterms + 1, sizeof(*all));
		size_t off = 0, li;

		for (i = 0; i < s->nterms; i++)
			all[i] = (uint32_t)i;
		sort_ctx = s;
		qsort(all, s->nterms, sizeof(*all), cmp_term);
		sort_ctx = NULL;
		for (li = 0; li < s->nlangs; li++) {
			struct slang *l = &s->langs[li];

			for (i = off; i < s->nterms && s->terms[all[i]].lang ==
			    li; i++)
				;
			l->nsorted = i - off;
			l->sorted = xcalloc(l->nsorted + 1, sizeof(*l->sorted));
			memcpy(l->sorted, all + off,
			    l->nsorted * sizeof(*l->sorted));
			off = i;
		}
		free(all);
	}
	build_deletes(s);
	build_known(s);
	change_words(s);
	s->scr = xcalloc(1, sizeof(*s->scr));
	s->scr->hits = xcalloc(PRIOR_HITS, sizeof(*s->scr->hits));
	s->scr->acc = xcalloc(s->nsec + 1, sizeof(*s->scr->acc));
	s->scr->best = xcalloc(s->nsec + 1, sizeof(*s->scr->best));
	s->scr->hacc = xcalloc(s->nsec + 1, sizeof(*s->scr->hacc));
	s->scr->wordm = xcalloc(s->nsec + 1, sizeof(*s->scr->wordm));
	s->scr->headm = xcalloc(s->nsec + 1, sizeof(*s->scr->headm));
	s->scr->plain = xcalloc(s->nsec + 1, sizeof(*s->scr->plain));
	s->scr->hbest = xcalloc(s->nsec + 1, sizeof(*s->scr->hbest));
	s->scr->lacc = xcalloc(s->nsec + 1, sizeof(*s->scr->lacc));
	s->scr->lbest = xcalloc(s->nsec + 1, sizeof(*s->scr->lbest));
	s->scr->local = xcalloc(s->nsec + 1, sizeof(*s->scr->local));
	s->scr->cacc = xcalloc(s->nsec + 1, sizeof(*s->scr->cacc));
	s->scr->cbest = xcalloc(s->nsec + 1, sizeof(*s->scr->cbest));
	s->scr->nmatch = xcalloc(s->nsec + 1, sizeof(*s->scr->nmatch));
	s->scr->swapped = xcalloc(s->nsec + 1, 1);
	s->scr->offside = xcalloc(s->nsec + 1, 1);
	s->scr->picked = xcalloc(s->nsec + 1, 1);
	s->scr->offs = xcalloc(2 * s->nsec + 2, sizeof(*s->scr->offs));
	s->scr->tmark = xcalloc(s->nterms + 1, sizeof(*s->scr->tmark));
	s->scr->tnegm = xcalloc(s->nterms + 1, sizeof(*s->scr->tnegm));
	s->scr->cmax = xcalloc(s->nsec + 1, sizeof(*s->scr->cmax));
	s->scr->wbits = xcalloc(s->nsec + 1, sizeof(*s->scr->wbits));

	s->scr->wmark = xcalloc(s->nsec + 1, sizeof(*s->scr->wmark));
	s->scr->aacc = xcalloc(s->nasks + 1, sizeof(*s->scr->aacc));
	s->scr->abest = xcalloc(s->nasks + 1, sizeof(*s->scr->abest));
	s->scr->amark = xcalloc(s->nasks + 1, sizeof(*s->scr->amark));
	s->scr->atouched = xcalloc(s->nasks + 1, sizeof(*s->scr->atouched));
	s->scr->secask = xcalloc(s->nsec + 1, sizeof(*s->scr->secask));
	s->scr->secwho = xcalloc(s->nsec + 1, sizeof(*s->scr->secwho));
	s->scr->pageask = xcalloc(guide_npages(g) + 1,
	    sizeof(*s->scr->pageask));
	s->scr->pagewho = xcalloc(guide_npages(g) + 1,
	    sizeof(*s->scr->pagewho));
	s->scr->pmain = xcalloc(guide_npages(g) + 1, 1);
	s->scr->pagebest = xcalloc(guide_npages(g) + 1,
	    sizeof(*s->scr->pagebest));
	s->scr->touched = xcalloc(s->nsec + 1, sizeof(*s->scr->touched));
	s->secpage = xcalloc(s->nsec + 1, sizeof(*s->secpage));
	for (size_t k = 0; k < s->nsec; k++)
		s->secpage[k] = (uint32_t)guide_section_page(g, k);
	page_langs_build(s);
	page_topics_build(s);
	/* The bar is the search's own, measured without the prior (which
	 * only reorders questions' best hits). */
	s->fill = s;
	decide_calibrate(s);
	prior_build(s);
	notasks_build(s);
	s->fill = NULL;
	return s;
}

void
search_free(struct search *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nlangs; i++) {
		sb_stemmer_delete(s->langs[i].stemmer);
		free(s->langs[i].sorted);
	}
	strtab_release(&s->vocab);
	strtab_release(&s->dels);
	strtab_release(&s->known);
	strtab_release(&s->bkinds);
	if (s->addrw.slots != NULL)
		strtab_release(&s->addrw);
	strtab_release(&s->stems);
	buf_release(&s->stemarena);
	free(s->terms);
	free(s->posts);
	free(s->dlinks);
	free(s->seclang);
	free(s->hmass);
	free(s->secsubj);
	free(s->intro);
	free(s->term);
	free(s->linkpage);
	free(s->router);
	free(s->closing);
	free(s->branch);
	free(s->pair);
	free(s->chg);
	free(s->cases);
	free(s->caseoff);
	free(s->names);
	free(s->nameoff);
	free(s->namehead);
	free(s->chgoff);
	free(s->secpage);
	free(s->pagelangs);
	free(s->pagetopic);
	free(s->ptsubj);
	free(s->asks);
	free(s->askpost);
	free(s->pageclass);
	if (s->nbwords.slots != NULL)
		strtab_release(&s->nbwords);
	free(s->nbstart);
	free(s->nbcls);
	free(s->nbcnt);
	free(s->nbtot);
	free(s->nots);
	if (s->notvocab.slots != NULL)
		strtab_release(&s->notvocab);
	free(s->notidf);
	free(s->notstart);
	free(s->notpost);
	free(s->pagenots);
	free(s->csubj);
	free(s->cweak);
	free(s->cname);
	free(s->cvague);
	free(s->claw);
	for (i = 0; i < s->nlxl; i++)
		sb_stemmer_delete(s->lxl[i].stemmer);
	free(s->lxl);
	free(s->lxt);
	free(s->lxx);
	buf_release(&s->lxarena);
	if (s->lxfirst.slots != NULL)
		strtab_release(&s->lxfirst);
	if (s->lxxfirst.slots != NULL)
		strtab_release(&s->lxxfirst);
	if (s->scr != NULL) {
		free(s->scr->acc);
		free(s->scr->best);
		free(s->scr->hacc);
		free(s->scr->wordm);
		free(s->scr->headm);
		free(s->scr->plain);
		free(s->scr->hbest);
		free(s->scr->lacc);
		free(s->scr->lbest);
		free(s->scr->local);
		free(s->scr->cacc);
		free(s->scr->cbest);
		free(s->scr->nmatch);
		free(s->scr->swapped);
		free(s->scr->tmark);
		free(s->scr->tnegm);
		free(s->scr->offside);
		free(s->scr->picked);
		free(s->scr->offs);
		free(s->scr->cmax);
		free(s->scr->wbits);

		free(s->scr->wmark);
		free(s->scr->touched);
		free(s->scr->aacc);
		free(s->scr->abest);
		free(s->scr->amark);
		free(s->scr->atouched);
		free(s->scr->secask);
		free(s->scr->secwho);
		free(s->scr->pageask);
		free(s->scr->pagewho);
		free(s->scr->nblp);
		free(s->scr->nbscale);
		free(s->scr->hits);
		free(s->scr->pagebest);
		free(s->scr->pmain);
		free(s->scr->nacc);
		free(s->scr->nbest);
		free(s->scr->nmark);
		free(s->scr->nottouched);
		free(s->scr->pagenot);
		free(s->scr->pagenotwho);
		free(s->scr);
	}
	free(s);
}

/* -------------------------------------------------------------- queries */

#define QSEQ_MAX	(QWORDS_MAX * 2)
#define QCONCEPTS	8	/* concepts one question word may carry */
#define QSPAN_MAX	32	/* terms query_subjects() looks at */

#define QSPEC_MAX	8	/* specific concepts of a question for
				   page_absent() */
struct qwords {
	char	 w[QWORDS_MAX][WORD_MAX];
	uint8_t	 n[QWORDS_MAX];
	size_t	 count;
	uint8_t	 seq[QSEQ_MAX];		/* the words in order (indices) */
	size_t	 nseq;
	uint32_t c[QWORDS_MAX][QCONCEPTS];	/* concepts of each word */
	uint32_t clx[QWORDS_MAX][QCONCEPTS];	/* ...lexicon languages that
						   found it (bits) */
	uint8_t	 nc[QWORDS_MAX];
	uint8_t	 claim[QWORDS_MAX];	/* an expression claimed the word:
					   only its concepts count */
	int	 lxl;				/* language being matched */
	uint8_t	 subj;			/* subjects the question names */
	/* Where subject terms and longer terms of other concepts were found
	 * (word positions in seq, [from, to)), for query_subjects(). */
	uint8_t	 span[QSPAN_MAX][3];		/* from, to, subject bits */
	uint32_t spanc[QSPAN_MAX];		/* ...and the concept */
	size_t	 nspan;
	/* Concepts of longer terms that hold one of the question's subject
	 * terms ("recovery phone": [account-recovery]). */
	uint32_t cover[QSPAN_MAX];
	size_t	 ncover;
	size_t	 addr;		/* the word query_addressed() added, or
				   QWORDS_MAX: no page's evidence */
	const struct search *s;
};

static void hits_within_page(const struct search *s,
    struct search_hit *hits, size_t nhits);
static void hits_scope(const struct search *s, const struct qwords *q,
    const char *lang, int qli, struct search_hit *hits, size_t nhits);
static void hits_notasks(const struct search *s, const struct qwords *q,
    double norm, struct search_hit *hits, size_t nhits);
static uint32_t exact_section(const struct search *s, const char *text,
    int qli, size_t nexact, long who);
static void hits_exact(struct search_hit *hits, size_t nhits);
static int hits_page_title(const struct search *s, const struct qwords *q,
    struct search_hit *hits, size_t nhits);
static void hits_branch(const struct search *s, unsigned q, double norm);
static double section_tense(const struct search *s, size_t sec,
    unsigned q);
static size_t question_names(const struct search *s,
    const struct qwords *q, uint32_t *qn);
static double section_names(const struct search *s, size_t sec,
    const uint32_t *qn, size_t nqn);
static double section_case(const struct search *s, size_t sec,
    unsigned q);
static size_t question_specific(const struct search *s,
    const struct qwords *q, const char *lang, uint32_t *spec);
static int page_absent(const struct search *s, size_t sec,
    const uint32_t *spec, size_t nspec);
static int key_candidate(const struct search *s, const struct qwords *q,
    size_t i, size_t k, int lxq);
static size_t page_concept_secs(const struct search *s, uint32_t pg,
    uint8_t li, uint32_t c);
static void hits_router(const struct search *s, const char *text,
    const char *lang, const char *prev, struct search_hit *hits,
    size_t nhits);
static int sec_carries_cover(const struct search *s, size_t sec,
    const struct qwords *q);

static void
query_word(void *arg, const char *w, size_t n, float weight)
{
	struct qwords *q = arg;
	size_t i;

	(void)weight;
	if (n >= WORD_MAX)
		return;
	for (i = 0; i < q->count; i++)
		if (q->n[i] == n && memcmp(q->w[i], w, n) == 0)
			break;
	if (i == q->count) {
		if (q->count == QWORDS_MAX)
			return;
		memcpy(q->w[q->count], w, n);
		q->n[q->count++] = (uint8_t)n;
	}
	if (q->nseq < QSEQ_MAX)
		q->seq[q->nseq++] = (uint8_t)i;
}

/*
 * Which words of q (bit i: q->w[i]) a negation reaches in bw (text_branch()
 * of the same text): each of its places there, and only those (a word
 * said once negated and once not is not negated). A word of bw is one of
 * q as lang_split() cuts it: whole, or after an elision ("l'ont": "ont"),
 * without its apostrophes ("can't": "cant").
 */
static uint64_t
words_negated(const struct bwords *bw, const struct qwords *q,
    uint64_t *notw)
{
	uint64_t neg = 0, plain = 0, not = 0, word = 0;

	for (size_t j = 0; j < bw->n; j++) {
		const char *w = bw->f + bw->w[j].off, *ap;
		size_t n = bw->w[j].len, k, m, cut;
		char flat[UINT8_MAX + 1];

		for (k = m = 0; k < n; k++)
			if (w[k] != '\'')
				flat[m++] = w[k];
		ap = memchr(w, '\'', n);
		cut = ap != NULL ? n - (size_t)(ap + 1 - w) : 0;
		for (size_t i = 0; i < q->count && i < 64; i++)
			if ((q->n[i] == m && memcmp(q->w[i], flat, m) == 0) ||
			    (cut > 0 && q->n[i] == cut &&
			    memcmp(q->w[i], ap + 1, cut) == 0)) {
				if (bw->w[j].neg)
					neg |= (uint64_t)1 << i;
				else
					plain |= (uint64_t)1 << i;
				if (bw->w[j].not)
					not |= (uint64_t)1 << i;
				else
					word |= (uint64_t)1 << i;
			}
	}
	*notw = not & ~word;
	return neg & ~plain;
}

/* Gives question word i concept c, found by lexicon language q->lxl. */
static void
word_concept(struct qwords *q, size_t i, uint32_t c)
{
	size_t k;

	for (k = 0; k < q->nc[i]; k++)
		if (q->c[i][k] == c)
			break;
	if (k == q->nc[i] && q->nc[i] < QCONCEPTS) {
		q->c[i][k] = c;
		q->clx[i][q->nc[i]++] = 0;
	}
	if (k < q->nc[i])
		q->clx[i][k] |= 1u << q->lxl;
}

static void
query_concept(void *arg, uint32_t concept, size_t from, size_t to)
{
	struct qwords *q = arg;

	if (!q->s->cweak[concept])
		q->subj |= q->s->csubj[concept];
	if (!q->s->cweak[concept] && (q->s->csubj[concept] != 0 ||
	    to - from >= 2) && q->nspan < QSPAN_MAX && to <= UINT8_MAX) {
		q->span[q->nspan][0] = (uint8_t)from;
		q->span[q->nspan][1] = (uint8_t)to;
		q->span[q->nspan][2] = q->s->csubj[concept];
		q->spanc[q->nspan++] = concept;
	}
	for (size_t p = from; p < to; p++)
		word_concept(q, q->seq[p], concept);
}

/*
 * The concepts that hold some of the question's subject terms: a subject
 * term that lies inside a longer term of another concept may name that
 * concept rather than the subject ("recovery phone" is how an account
 * gets back in), or the subject itself ("page d'accueil" is a web page).
 * The subject stays the question's (query_concept() sets q->subj from
 * every term, not from the spans, which stop at QSPAN_MAX); a section
 * that carries the longer term's concept is not off it (query_run()).
 */
static void
query_subjects(struct qwords *q)
{
	q->ncover = 0;
	for (size_t i = 0; i < q->nspan; i++) {
		const uint8_t *a = q->span[i];

		if (a[2] == 0)
			continue;
		for (size_t k = 0; k < q->nspan; k++) {
			const uint8_t *b = q->span[k];
			size_t j;

			if (b[2] != 0 || b[0] > a[0] || a[1] > b[1] ||
			    b[1] - b[0] <= a[1] - a[0])
				continue;
			for (j = 0; j < q->ncover; j++)
				if (q->cover[j] == q->spanc[k])
					break;
			if (j == q->ncover && q->ncover < QSPAN_MAX)
				q->cover[q->ncover++] = q->spanc[k];
		}
	}
}

/* Finds the lexicon's terms in the question, in every language of the
 * lexicon (a question's language guess may be wrong; a term is specific
 * enough), and gives each word the concepts it takes part in. With cache
 * (s itself, while building), stems come through stem_word()'s cache. */
static void
query_concepts(const struct search *s, struct qwords *q,
    struct search *cache)
{
	struct wseq raw, st;
	size_t li, p;
	int ci, qi;

	memset(&raw, 0, sizeof(raw));
	memset(&st, 0, sizeof(st));
	for (p = 0; p < q->nseq; p++)
		wseq_add(&raw, q->w[q->seq[p]], q->n[q->seq[p]], NULL, 0);
	for (li = 0; li < s->nlxl; li++) {
		const struct lxlang *l = &s->lxl[li];

		q->lxl = (int)li;
		if ((int)li == s->lxstar) {
			lx_match_lang(s, (int)li, &raw, raw.raw, query_concept,
			    q);
			continue;
		}
		wseq_reset(&st);
		ci = cache ? find_lang(cache, l->code) : -1;
		qi = lx_index_lang(s, l);
		for (p = 0; p < q->nseq; p++) {
			const char *w = q->w[q->seq[p]];
			size_t n = q->n[q->seq[p]];
			char buf[STEM_BUF];
			const char *x = NULL;
			size_t xl = 0;

			if (ci >= 0)
				x = stem_word(cache, (uint8_t)ci, w, n, &xl);
			else
				x = lx_stem(s, l, qi, w, n, buf, &xl);
			if (x != NULL)
				wseq_add(&st, w, n, x, xl);
			else
				wseq_add(&st, w, n, NULL, 0);
		}
		lx_match_lang(s, (int)li, &st, st.stem, query_concept, q);
	}
	wseq_release(&raw);
	wseq_release(&st);
	query_subjects(q);
}

/*
 * Expressions: lexicon terms in quotes, whose every word counts, the
 * stopwords too ("se faire passer pour", "hacerse pasar por"). A word
 * of an expression means it only there: the expression claims the
 * question's words it covers, which then bring its concept and nothing
 * else, neither their own stem ("passer" is not the "passe" of "mot de
 * passe") nor the concepts of other terms (query_run(),
 * match_concepts()). An expression made only of stopwords adds its first
 * word as a word of the question that carries it. Where two overlap, the
 * longer claims (query_expressions()).
 */
struct xwords {
	const char	*w[QSEQ_MAX];
	uint8_t		 n[QSEQ_MAX];
	size_t		 count;
};

static void
xwords_add(void *arg, const char *w, size_t n, float weight)
{
	struct xwords *x = arg;

	(void)weight;
	if (x->count < QSEQ_MAX && n < WORD_MAX) {
		x->w[x->count] = w;
		x->n[x->count++] = (uint8_t)n;
	}
}

/* Gives question word w concept c as its claim; add: a word the question
 * does not have is added. Returns 1 if the word is the question's. */
static int
query_claim(const struct search *s, struct qwords *q, const char *w,
    size_t n, uint32_t c, int add)
{
	size_t i;

	for (i = 0; i < q->count; i++)
		if (q->n[i] == n && memcmp(q->w[i], w, n) == 0)
			break;
	if (i == q->count) {
		if (!add)
			return 0;
		query_word(q, w, n, 0);
		if (i == q->count)
			return 0;
	}
	if (!q->claim[i]) {
		size_t k;

		/* A word that means c on its own ("pretending" of "pretend
		 * to be") keeps its stem and its concepts: the claim would
		 * only take its own evidence away. */
		for (k = 0; k < q->nc[i] && q->c[i][k] != c; k++)
			;
		if (k < q->nc[i])
			return 1;
		q->claim[i] = 1;
		q->nc[i] = 0;
	}
	if (!s->cweak[c])
		q->subj |= s->csubj[c];
	word_concept(q, i, c);
	return 1;
}

/* Most expressions a question's first words can start (xcand()). */
#define XCAND_MAX	256

/*
 * The expressions of lexicon language li whose first word is one of the
 * question's n stems st (through s->lxxfirst), ascending, each once, into
 * cand (XCAND_MAX); their number, or -1 when there are more: the caller
 * then tries them all. Only these can match, and they come in the order
 * of a scan over every expression, which query_expressions() keeps for
 * overlapping expressions of the same length.
 */
static long
xcand(const struct search *s, size_t li, char st[][WORD_MAX],
    const uint8_t *sn, size_t n, uint32_t *cand)
{
	char key[WORD_MAX + 1];
	size_t nc = 0, p, i, j;

	for (p = 0; p < n; p++) {
		const struct stent *e;

		key[0] = (char)li;
		memcpy(key + 1, st[p], sn[p]);
		if ((e = strtab_find(&s->lxxfirst, key, (size_t)sn[p] + 1)) ==
		    NULL)
			continue;
		for (uint32_t t = e->val; t != NONE; t = s->lxx[t].next) {
			if (nc == XCAND_MAX)
				return -1;
			cand[nc++] = t;
		}
	}
	/* Insertion sort, then the duplicates out. */
	for (i = 1; i < nc; i++) {
		uint32_t v = cand[i];

		for (j = i; j > 0 && cand[j - 1] > v; j--)
			cand[j] = cand[j - 1];
		cand[j] = v;
	}
	for (i = j = 0; i < nc; i++)
		if (j == 0 || cand[j - 1] != cand[i])
			cand[j++] = cand[i];
	return (long)j;
}

/* Most expressions found in one question, in one language. */
#define XMATCH_MAX	64

/* An expression found in a question: lexicon term t at word p of its
 * xwords, nw words long. */
struct xmatch {
	uint32_t	t;
	uint8_t		p;
	uint8_t		nw;
};

/* Expression t, found at word p of x, claims the question's words it
 * covers (query_claim()). */
static void
xclaim(const struct search *s, struct qwords *q, const struct xwords *x,
    uint32_t t, uint8_t p)
{
	const struct lxterm *tm = &s->lxx[t];
	size_t k;
	int mine = 0;

	for (k = p; k < (size_t)p + tm->nwords; k++)
		mine |= query_claim(s, q, x->w[k], x->n[k], tm->concept, 0);
	if (!mine)
		query_claim(s, q, x->w[p], x->n[p], tm->concept, 1);
}

/*
 * Where expressions overlap in a question, the longer one (more words)
 * claims the words, and the shorter is not read: "faire appel à" (to
 * call on someone) is not the "faire appel" of an appeal. Expressions
 * of the same length that overlap both claim, in the lexicon's order.
 * No other rule depends on where a block stands in the file.
 */
static void
query_expressions(const struct search *s, struct qwords *q, const char *f,
    size_t flen)
{
	struct xwords x;
	char st[QSEQ_MAX][WORD_MAX];
	uint8_t sn[QSEQ_MAX];
	uint32_t cand[XCAND_MAX];
	struct xmatch m[XMATCH_MAX];
	uint8_t took[QSEQ_MAX];
	size_t li, p, t, k, c, i, j, nm;
	long nc;
	int qi;

	x.count = 0;
	expr_split(f, flen, 1, xwords_add, &x);
	for (li = 0; li < s->nlxl; li++) {
		const struct lxlang *l = &s->lxl[li];

		for (t = 0; t < s->nlxx && s->lxx[t].lang != li; t++)
			;
		if (t == s->nlxx)
			continue;
		q->lxl = (int)li;
		qi = lx_index_lang(s, l);
		for (p = 0; p < x.count; p++) {
			char buf[STEM_BUF];
			const char *w = x.w[p], *y;
			size_t n = x.n[p], yl = 0;

			y = lx_stem(s, l, qi, w, n, buf, &yl);
			if (y != NULL) {
				w = y;
				n = yl < WORD_MAX ? yl : WORD_MAX - 1;
			}
			memcpy(st[p], w, n);
			sn[p] = (uint8_t)n;
		}
		nc = xcand(s, li, st, sn, x.count, cand);
		nm = 0;
		for (c = 0; c < (nc < 0 ? s->nlxx : (size_t)nc); c++) {
			const struct lxterm *tm;

			t = nc < 0 ? c : cand[c];
			tm = &s->lxx[t];
			if (tm->lang != li)
				continue;
			for (p = 0; p + tm->nwords <= x.count; p++) {
				uint32_t off = tm->off;

				for (k = 0; k < tm->nwords; k++) {
					size_t tn;
					const char *tw = lx_word(&s->lxarena,
					    off, &tn);

					off += (uint32_t)tn + 1;
					if (tn != sn[p + k] ||
					    memcmp(tw, st[p + k], tn) != 0)
						break;
				}
				if (k < tm->nwords)
					continue;
				if (nm == XMATCH_MAX) {
					/* No room (64 expressions in one
					 * question): it claims at once. */
					xclaim(s, q, &x, (uint32_t)t,
					    (uint8_t)p);
					continue;
				}
				m[nm].t = (uint32_t)t;
				m[nm].p = (uint8_t)p;
				m[nm++].nw = tm->nwords;
			}
		}
		/* The longest first, stable: ties keep the scan order. */
		for (i = 1; i < nm; i++) {
			struct xmatch v = m[i];

			for (j = i; j > 0 && m[j - 1].nw < v.nw; j--)
				m[j] = m[j - 1];
			m[j] = v;
		}
		memset(took, 0, sizeof(took));
		for (i = 0; i < nm; i++) {
			for (k = m[i].p; k < (size_t)m[i].p + m[i].nw; k++)
				if (took[k] > m[i].nw)
					break;
			if (k < (size_t)m[i].p + m[i].nw)
				continue;	/* a longer one has a word */
			for (k = m[i].p; k < (size_t)m[i].p + m[i].nw; k++)
				took[k] = m[i].nw;
			xclaim(s, q, &x, m[i].t, m[i].p);
		}
	}
}

/* ----------------------------------------------------------- page prior */

/*
 * The page prior: which page a question reads like, from the pages' own
 * example questions (guide.h's asks), never from a question set. A
 * multinomial naive Bayes over binary features (a question's stems in its
 * language and the lexicon concepts it names, as query_concepts() finds
 * them), smoothing NB_ALPHA, uniform class prior: the form
 * scripts/page-classifier.py chose. A class is a page stem, its languages
 * together; a page whose stem has no asks gets the neutral 1/classes; a
 * guide without asks has no prior at all.
 */

#define NB_FEAT_MAX	(QWORDS_MAX + QWORDS_MAX * QCONCEPTS)

static uint32_t lookup(const struct search *s, uint8_t li, const char *w,
    size_t n);

/* What a word is to addressing_word(): a [you] word, a [you.polite]
 * one. */
#define ADDR_YOU	1
#define ADDR_POLITE	2

/* Every loaded language's [you] and [you.polite] items, folded (item ->
 * ADDR_* bits): addressing_word() looks a word up once, not once a key
 * and a language (lang_match(): a seventh of an index with the lexicon).
 * The language files are loaded before any index is built, and never
 * again. */
static void
addrw_build(struct search *s)
{
	const struct lang_row *r;

	strtab_init(&s->addrw, 64);
	for (size_t i = 0; (r = lang_row_at(i)) != NULL; i++) {
		items_add(&s->addrw, r->code, "you", -1, ADDR_YOU);
		items_add(&s->addrw, r->code, "you.polite", -1, ADDR_POLITE);
	}
}

/* The ADDR_* bits of folded word w (n bytes): from s->addrw, or from the
 * language files without an index (s NULL: search_tokens()). */
static unsigned
addr_kinds(const struct search *s, const char *w, size_t n)
{
	const struct stent *e;

	if (s == NULL)
		return (lang_match("you", w, n, NULL) ? ADDR_YOU : 0) |
		    (lang_match("you.polite", w, n, NULL) ? ADDR_POLITE : 0);
	e = strtab_find(&s->addrw, w, n);
	return e != NULL ? e->val : 0;
}

/* Finds the first word of folded text f that addresses the bot (the [you]
 * words of lang/: "your", "ton", "tu"; words as word_byte() reads them:
 * "you're" is one); its length in *n, or NULL. A [you] word right after
 * a [you.polite] one ("can you", "pouvez-vous", "puede usted") is
 * politeness, not the bot: "can you help me with signal" is about Signal.
 * s: the index, for addr_kinds(), or NULL. */
static const char *
addressing_word(const struct search *s, const char *f, size_t flen,
    size_t *n)
{
	size_t i = 0;
	int polite = 0;

	while (i < flen) {
		size_t j;
		unsigned k;

		while (i < flen && !word_byte(f[i]))
			i++;
		for (j = i; j < flen && word_byte(f[j]); j++)
			;
		k = j > i ? addr_kinds(s, f + i, j - i) : 0;
		if (!polite && (k & ADDR_YOU)) {
			*n = j - i;
			return f + i;
		}
		polite = (k & ADDR_POLITE) != 0;
		i = j;
	}
	return NULL;
}

/*
 * A question that addresses the bot ("how do i check your fingerprint",
 * "cómo verifico tu huella") is about the bot's own key, not anyone's:
 * the addressing word, a stopword, is kept as a word of its own that
 * names the lexicon's addressed concept (this-desk), when the guide has
 * it. Never a key concept of the question (found by no lexicon language:
 * key_candidate()), so it only weighs for the desk's pages; never alone
 * ("who are you" is no search: in a guide where only another help desk
 * names the concept, it answered with that). A guide text's "your" is
 * the reader's: decide_calibrate()'s passages of it are never read so
 * (asks are questions, and are).
 */
static void
query_addressed(const struct search *s, struct qwords *q, const char *f,
    size_t flen)
{
	const char *w;
	size_t n, i, k, li;
	char tok[WORD_MAX];
	size_t tn;

	if (s->lx == NULL || s->caddr == NONE || s->calibrating ||
	    q->count == 0 || q->count == QWORDS_MAX || q->nseq == QSEQ_MAX ||
	    (w = addressing_word(s, f, flen, &n)) == NULL || n >= WORD_MAX)
		return;
	if ((tn = concept_token(s, s->caddr, tok)) == 0)
		return;
	for (li = 0; li < s->nlangs; li++)
		if (lookup(s, (uint8_t)li, tok, tn) != NONE)
			break;
	if (li == s->nlangs)
		return;		/* no page carries it */
	for (i = 0; i < q->count; i++)
		if (q->n[i] == n && memcmp(q->w[i], w, n) == 0)
			break;		/* a word of its own ("eres") */
	if (i == q->count) {
		query_word(q, w, n, 0);
		q->addr = i;
	}
	for (k = 0; k < q->nc[i]; k++)
		if (q->c[i][k] == s->caddr)
			return;
	if (q->nc[i] < QCONCEPTS) {
		q->c[i][q->nc[i]] = s->caddr;
		q->clx[i][q->nc[i]++] = 0;
	}
}

/*
 * Reads text as a question is read: folded, its words, and the lexicon
 * concepts they name. cache: the search being built (asks, for the page
 * prior), whose stem cache stem_word() fills; NULL at query time.
 */
static void
qwords_read(const struct search *s, struct search *cache, const char *text,
    struct qwords *q)
{
	char f[QUERY_MAX * 2];
	size_t flen;

	flen = lang_fold_buf(text, strnlen(text, QUERY_MAX), f, sizeof(f));
	q->count = 0;
	q->nseq = 0;
	q->subj = 0;
	q->nspan = 0;
	q->ncover = 0;
	q->addr = QWORDS_MAX;
	q->s = s;
	memset(q->nc, 0, sizeof(q->nc));
	memset(q->claim, 0, sizeof(q->claim));
	lang_split(f, flen, 0, query_word, q, 1);
	if (q->count > 0 && s->nlxt > 0)
		query_concepts(s, q, cache);
	if (q->count > 0 && s->nlxx > 0)
		query_expressions(s, q, f, flen);
	query_addressed(s, q, f, flen);
}

/*
 * The prior's features of q, its words stemmed in index language li (-1:
 * as folded): their ids into ids (distinct), the number of distinct ones
 * the asks never use in *unknown. With build (s itself, while counting the
 * asks), a new stem is given an id instead, and stems are cached.
 */
static size_t
prior_features(const struct search *s, struct search *build,
    const struct qwords *q, int li, uint32_t ids[NB_FEAT_MAX],
    size_t *unknown)
{
	char seen[QWORDS_MAX][WORD_MAX];
	uint8_t seenlen[QWORDS_MAX];
	size_t n = 0, nseen = 0, i, j, k;

	*unknown = 0;
	for (i = 0; i < q->count; i++) {
		char buf[STEM_BUF];
		const struct stent *e;
		const char *st = NULL;
		size_t sl = 0;
		uint32_t id;
		int isnew;

		/* The addressing word itself ("your") is no evidence of a
		 * page; the concept it names is (this-desk's asks say it). */
		if (i == q->addr || q->claim[i])
			continue;
		if (li >= 0)
			st = stem_key(s, build, (uint8_t)li, q->w[i], q->n[i],
			    buf, &sl);
		else {
			st = q->w[i];
			sl = q->n[i];
		}
		if (build != NULL)
			e = strtab_add(&build->nbwords, st, sl,
			    (uint32_t)build->nbwords.n, &isnew);
		else
			e = strtab_find(&s->nbwords, st, sl);
		if (e == NULL) {
			/* Two words of one stem are one feature. */
			for (j = 0; j < nseen && (seenlen[j] != sl ||
			    memcmp(seen[j], st, sl) != 0); j++)
				;
			if (j == nseen) {
				memcpy(seen[nseen], st, sl);
				seenlen[nseen++] = (uint8_t)sl;
				++*unknown;
			}
			continue;
		}
		id = (uint32_t)(s->nbconcepts + e->val);
		for (j = 0; j < n && ids[j] != id; j++)
			;
		if (j == n)
			ids[n++] = id;
	}
	for (i = 0; i < q->count; i++)
		for (k = 0; k < q->nc[i]; k++) {
			uint32_t id = q->c[i][k];

			if (id >= s->nbconcepts)
				continue;
			for (j = 0; j < n && ids[j] != id; j++)
				;
			if (j == n && n < NB_FEAT_MAX)
				ids[n++] = id;
		}
	return n;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Counts one asks text (one question a line) for class cls: (feature,
 * class) pairs into *pairs, the features into s->nbtot[cls]. */
static void
prior_count(struct search *s, const char *text, int li, uint32_t cls,
    uint64_t **pairs, size_t *npairs, size_t *cap)
{
	const char *p = text;

	while (p != NULL && *p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p), nf, unk;
		uint32_t ids[NB_FEAT_MAX];
		struct qwords q;
		char *one = xstrndup(p, n);

		qwords_read(s, s, one, &q);
		free(one);
		nf = prior_features(s, s, &q, li, ids, &unk);
		if (*npairs + nf > *cap) {
			*cap = (*npairs + nf) * 2;
			*pairs = xrealloc(*pairs, *cap * sizeof(**pairs));
		}
		for (size_t i = 0; i < nf; i++)
			(*pairs)[(*npairs)++] = (uint64_t)ids[i] << 32 | cls;
		s->nbtot[cls] += (double)nf;
		p = eol ? eol + 1 : NULL;
	}
}

/* The page prior's counts, from the asks of every section and page (each
 * once); none when no page has asks, or NB_BETA is 0. */
static void
prior_build(struct search *s)
{
	const struct guide *g = s->g;
	size_t np = guide_npages(g), nall = 0, npairs = 0, cap = 0, i, j;
	uint32_t *map;
	uint64_t *pairs = NULL;
	struct strtab stems;

	if (NB_BETA <= 0 || np == 0)
		return;
	/* Classes: page stems, all of them for now. */
	strtab_init(&stems, np);
	s->pageclass = xcalloc(np + 1, sizeof(*s->pageclass));
	for (i = 0; i < np; i++) {
		size_t sl;
		const char *st = guide_page_stem(g, i, &sl);
		int isnew;

		s->pageclass[i] = strtab_add(&stems, st ? st : "", st ? sl : 0,
		    (uint32_t)nall, &isnew)->val;
		nall += isnew;
	}
	strtab_release(&stems);
	s->nbtot = xcalloc(nall + 1, sizeof(*s->nbtot));
	s->nbconcepts = s->lx ? lexicon_nconcepts(s->lx) : 0;
	strtab_init(&s->nbwords, 1024);
	for (i = 0; i < s->nsec; i++) {
		size_t pg = guide_section_page(g, i);

		prior_count(s, guide_section_asks(g, i), s->seclang[i],
		    s->pageclass[pg], &pairs, &npairs, &cap);
		if (guide_page_first_section(g, pg) == i)
			prior_count(s, guide_page_asks(g, pg), s->seclang[i],
			    s->pageclass[pg], &pairs, &npairs, &cap);
	}
	/* Only stems with asks are classes. */
	map = xcalloc(nall + 1, sizeof(*map));
	for (i = 0; i < nall; i++) {
		map[i] = s->nbtot[i] > 0 ? (uint32_t)s->nclass : NONE;
		if (s->nbtot[i] > 0)
			s->nbtot[s->nclass++] = s->nbtot[i];
	}
	for (i = 0; i < np; i++)
		s->pageclass[i] = map[s->pageclass[i]];
	for (i = 0; i < npairs; i++)
		pairs[i] = (pairs[i] & ~(uint64_t)UINT32_MAX) |
		    map[pairs[i] & UINT32_MAX];
	free(map);
	if (s->nclass == 0) {
		free(pairs);
		free(s->pageclass);
		free(s->nbtot);
		strtab_release(&s->nbwords);
		s->pageclass = NULL;
		s->nbtot = NULL;
		return;
	}
	/* Counts grouped by feature: runs of one (feature, class). */
	qsort(pairs, npairs, sizeof(*pairs), cmp_u64);
	s->nbfeat = s->nbconcepts + s->nbwords.n;
	s->nbstart = xcalloc(s->nbfeat + 1, sizeof(*s->nbstart));
	s->nbcls = xcalloc(npairs + 1, sizeof(*s->nbcls));
	s->nbcnt = xcalloc(npairs + 1, sizeof(*s->nbcnt));
	s->nbvocab = 1;
	for (i = 0, j = 0; i < npairs; i++) {
		uint32_t f = (uint32_t)(pairs[i] >> 32);

		if (i > 0 && pairs[i] == pairs[i - 1]) {
			s->nbcnt[j - 1]++;
			continue;
		}
		if (i == 0 || f != (uint32_t)(pairs[i - 1] >> 32))
			s->nbvocab++;
		s->nbcls[j] = (uint32_t)(pairs[i] & UINT32_MAX);
		s->nbcnt[j++] = 1;
		s->nbstart[f + 1]++;
	}
	for (i = 0; i < s->nbfeat; i++)
		s->nbstart[i + 1] += s->nbstart[i];
	free(pairs);
	s->scr->nblp = xcalloc(s->nclass, sizeof(*s->scr->nblp));
	s->scr->nbscale = xcalloc(s->nclass, sizeof(*s->scr->nbscale));
}

/* What class c's counts are multiplied by: (mean / its features
 * counted)^NB_NORM. */
static double
prior_scale(const struct search *s, uint32_t c, double mean)
{
	return NB_NORM > 0 ? pow(mean / s->nbtot[c], NB_NORM) : 1;
}

/* The question's class probabilities (naive Bayes) into s->scr->nblp; 0
 * when the guide has no prior. */
static int
prior_classes(const struct search *s, const struct qwords *q,
    const char *lang)
{
	double *lp = s->scr->nblp, *scale = s->scr->nbscale, top, sum = 0,
	    la = log(NB_ALPHA), mean = 0;
	uint32_t ids[NB_FEAT_MAX];
	size_t n, unk, c;

	if (s->nclass == 0 || NB_ALPHA <= 0)
		return 0;
	n = prior_features(s, NULL, q, find_lang(s, lang), ids, &unk);
	/* A page's counts scaled to the mean page's (NB_NORM 1): a page
	 * with many asks is not made less likely by them, each feature's
	 * share of them counts (s16-asks3: adding asks to a page worked
	 * against it). */
	for (c = 0; c < s->nclass; c++)
		mean += s->nbtot[c] / (double)s->nclass;
	for (c = 0; c < s->nclass; c++) {
		scale[c] = prior_scale(s, c, mean);
		lp[c] = (double)(n + unk) * (la - log(s->nbtot[c] * scale[c] +
		    NB_ALPHA * s->nbvocab));
	}
	for (size_t i = 0; i < n; i++)
		for (uint32_t k = s->nbstart[ids[i]]; k < s->nbstart[ids[i] +
		    1]; k++)
			lp[s->nbcls[k]] += log(s->nbcnt[k] *
			    scale[s->nbcls[k]] + NB_ALPHA) - la;
	top = lp[0];
	for (c = 1; c < s->nclass; c++)
		if (lp[c] > top)
			top = lp[c];
	for (c = 0; c < s->nclass; c++)
		sum += lp[c] = exp(lp[c] - top);
	for (c = 0; c < s->nclass; c++)
		lp[c] /= sum;
	return 1;
}

/* Reorders the NB_K best hits by score x p(page)^NB_BETA (the scores
 * stay: search_decide() weighs them as they are, on the new order), and
 * gives every hit its page's probability, the best other page's, and
 * whether the prior moved the search's own first hit (prior_decide()). */
static void
hits_prior(const struct search *s, const struct qwords *q, const char *lang,
    struct search_hit *hits, size_t nhits)
{
	double key[PRIOR_HITS], p1 = 0, p2 = 0;
	size_t n = nhits < (size_t)NB_K ? nhits : (size_t)NB_K, i, k;
	size_t first = nhits > 0 ? hits[0].section : 0;
	uint32_t c1 = NONE;
	int moved;

	/* One hit has nothing to reorder, but its page's p(page) still
	 * counts in the decision (prior_decide()). */
	if (NB_BETA <= 0 || nhits == 0 || !prior_classes(s, q, lang))
		return;
	for (uint32_t c = 0; c < s->nclass; c++) {
		double p = s->scr->nblp[c];

		if (c1 == NONE || p > p1) {
			p2 = p1;
			p1 = p;
			c1 = c;
		} else if (p > p2)
			p2 = p;
	}
	for (i = 0; i < nhits; i++) {
		uint32_t c = s->pageclass[hits[i].page];

		if (c == NONE)
			continue;
		hits[i].page_p = s->scr->nblp[c];
		hits[i].page_rival = c == c1 ? p2 : p1;
	}
	if (n < 2)
		return;
	if (n > PRIOR_HITS)
		n = PRIOR_HITS;
	for (i = 0; i < n; i++) {
		double p = hits[i].page_p >= 0 ? hits[i].page_p :
		    1.0 / (double)s->nclass;

		hits[i].prior = pow(p > PRIOR_MIN ? p : PRIOR_MIN, NB_BETA);
		key[i] = hits[i].score * hits[i].prior;
	}
	/* A page without asks stays neutral: the prior does not contradict
	 * a first hit it knows nothing about. */
	moved = hits[0].page_p >= 0;
	/* Insertion sort, stable: ties keep the search's order. */
	for (i = 1; i < n; i++) {
		struct search_hit h = hits[i];
		double kv = key[i];

		for (k = i; k > 0 && key[k - 1] < kv; k--) {
			hits[k] = hits[k - 1];
			key[k] = key[k - 1];
		}
		hits[k] = h;
		key[k] = kv;
	}
	moved = moved && hits[0].section != first;
	for (i = 0; i < nhits; i++)
		hits[i].prior_moved = moved;
}

/*
 * Line a of an asks-like table (asks, not-asks) meets the current question
 * word with weight v: it keeps that word's best meeting (mark[a] == gen
 * once met) and adds it to acc[a]; a line met for the first time in this
 * question goes on touched (acc[a] stays non-zero from then on).
 */
static void
line_best(uint32_t a, float v, uint32_t gen, uint32_t *mark, float *best,
    double *acc, uint32_t *touched, size_t *ntouched)
{
	if (mark[a] != gen) {
		if (acc[a] == 0)
			touched[(*ntouched)++] = a;
		mark[a] = gen;
		best[a] = v;
		acc[a] += v;
		if (acc[a] == 0)
			acc[a] = 1e-9;
	} else if (v > best[a]) {
		acc[a] += v - best[a];
		best[a] = v;
	}
}

/* Adds share * idf * w of every posting of term t to the scores, keeping
 * for each section only the best share of the current word; and, for
 * search_is_answer(), what the section matches of the question: the idf
 * mass (without the term-frequency part), the number of words, the idf of
 * the rarest one. */
static void
add_term(const struct search *s, uint32_t t, double share, int counts)
{
	struct scratch *sc = s->scr;
	const struct term *tm = &s->terms[t];
	uint32_t i;

	sc->tmark[t] = sc->qgen;
	if (sc->negword)
		sc->tnegm[t] = sc->qgen;
	for (i = 0; i < tm->npost; i++) {
		const struct posting *p = &s->posts[tm->post + i];
		float c = (float)(share * tm->idf * p->w);
		float h = p->own ? (float)(share * tm->idf) : 0;
		float l = p->title ? 0 : c;
		float m = counts ? (float)(share * tm->idf * p->f) : 0;

		if (!sc->objword && p->own)
			sc->wordm[p->sec] = sc->qgen;
		if (p->own && !p->title)
			sc->headm[p->sec] = sc->qgen;
		if (sc->wmark[p->sec] != sc->gen) {
			if (sc->acc[p->sec] == 0)
				sc->touched[sc->ntouched++] = p->sec;
			sc->wmark[p->sec] = sc->gen;
			sc->best[p->sec] = c;
			sc->acc[p->sec] += c;
			if (sc->acc[p->sec] == 0)
				sc->acc[p->sec] = 1e-9;
			sc->hbest[p->sec] = h;
			sc->hacc[p->sec] += h;
			sc->lbest[p->sec] = l;
			sc->lacc[p->sec] += l;
			sc->cbest[p->sec] = m;
			sc->cacc[p->sec] += m;
			if (m > 0 && sc->nmatch[p->sec] < UINT8_MAX)
				sc->nmatch[p->sec]++;
			if (m > 0 && sc->qword < WBITS)
				sc->wbits[p->sec] |= 1u << sc->qword;
			if (m > sc->cmax[p->sec])
				sc->cmax[p->sec] = m;
			continue;
		}
		if (c > sc->best[p->sec]) {
			sc->acc[p->sec] += c - sc->best[p->sec];
			sc->best[p->sec] = c;
		}
		if (h > sc->hbest[p->sec]) {
			sc->hacc[p->sec] += h - sc->hbest[p->sec];
			sc->hbest[p->sec] = h;
		}
		if (l > sc->lbest[p->sec]) {
			sc->lacc[p->sec] += l - sc->lbest[p->sec];
			sc->lbest[p->sec] = l;
		}
		if (m > sc->cbest[p->sec]) {
			if (sc->cbest[p->sec] == 0 &&
			    sc->nmatch[p->sec] < UINT8_MAX)
				sc->nmatch[p->sec]++;
			sc->cacc[p->sec] += m - sc->cbest[p->sec];
			sc->cbest[p->sec] = m;
			if (sc->qword < WBITS)
				sc->wbits[p->sec] |= 1u << sc->qword;
			if (m > sc->cmax[p->sec])
				sc->cmax[p->sec] = m;
		}
	}
	/* The asks that say this word: each keeps this word's best. */
	for (i = 0; i < tm->napost; i++) {
		uint32_t a = s->askpost[tm->apost + i];
		float v = (float)(share * tm->idf);

		line_best(a, v, sc->gen, sc->amark, sc->abest, sc->aacc,
		    sc->atouched, &sc->natouched);
	}
}

static uint32_t
lookup(const struct search *s, uint8_t li, const char *w, size_t n)
{
	char key[WORD_MAX + 1];
	const struct stent *e;

	if (n >= WORD_MAX)
		return NONE;
	key[0] = (char)li;
	memcpy(key + 1, w, n);
	e = strtab_find(&s->vocab, key, n + 1);
	return e ? e->val : NONE;
}

static search_near_fn near_hook;
static void *near_hook_arg;

void
search_tune_near_hook(search_near_fn fn, void *arg)
{
	near_hook = fn;
	near_hook_arg = arg;
}

/* A near match of stem st to term t (kind 'p' or 't'), scored at share;
 * raises *ref to its idf. */
static void
add_near(const struct search *s, uint32_t t, double share, int kind,
    const char *st, size_t sl, double *ref)
{
	add_term(s, t, share, 1);
	if (*ref < s->terms[t].idf)
		*ref = s->terms[t].idf;
	if (near_hook != NULL) {
		const struct stent *e = &s->vocab.ents[s->terms[t].key];

		near_hook(near_hook_arg, kind, st, sl,
		    strtab_key(&s->vocab, e) + 1, e->len - 1);
	}
}

/* 1 if stem st of language li is a common word's (build_known()). */
static int
known_stem(const struct search *s, uint8_t li, const char *st, size_t sl)
{
	char key[WORD_MAX + 1];

	if (sl >= WORD_MAX || s->known.slots == NULL)
		return 0;
	key[0] = (char)li;
	memcpy(key + 1, st, sl);
	return strtab_find(&s->known, key, sl + 1) != NULL;
}

/* Whether the guide's stem c, one edit from the question's stem st, may
 * be what the question meant: a misspelling keeps its first letter
 * ("light" is not "sight", "union" not "onion"). */
static int
typo_fits(const char *st, const char *c)
{
	return st[0] == c[0];
}

/*
 * A French verb's third person plural present ("ils m'insultent", "ils
 * bloquent", "envoient"): Snowball leaves its "-ent", which the verb's
 * other forms do not have; the guide's term of the same word less "nt"
 * ("insulte": "insult"), or NONE.
 */
static uint32_t
plural_verb(const struct search *s, uint8_t li, const char *st, size_t sl)
{
	const struct slang *l = &s->langs[li];
	char buf[STEM_BUF];
	const char *x;
	size_t xl;

	if (l->stemmer == NULL || strcmp(l->code, "fr") != 0 ||
	    sl < PLURAL_MIN || sl >= WORD_MAX || memcmp(st + sl - 3, "ent",
	    3) != 0)
		return NONE;
	if ((x = stem_run(l->stemmer, l->code, st, sl - 2, buf, &xl)) ==
	    NULL)
		return NONE;
	return lookup(s, li, x, xl);
}

/*
 * A French elision typed without its apostrophe ("ladresse", "dinsultes",
 * "louvre" for "l'ouvre"): the guide's word after the elided letter, or
 * NONE. Read only for a word the guide does not use as such.
 */
static uint32_t
bare_elision(const struct search *s, uint8_t li, const char *st, size_t sl)
{
	const struct slang *l = &s->langs[li];

	if (l->stemmer == NULL || strcmp(l->code, "fr") != 0 ||
	    sl < ELISION_MIN || strchr("ldjmnst", st[0]) == NULL ||
	    strchr("aeiouyh", st[1]) == NULL)
		return NONE;
	return lookup(s, li, st + 1, sl - 1);
}

/* Scores one stem of one language; returns the best idf it reached (for
 * the query's norm). */
static double
match_stem(const struct search *s, uint8_t li, const char *st, size_t sl,
    int near)
{
	const struct slang *l = &s->langs[li];
	uint32_t t = lookup(s, li, st, sl), cands[TYPO_FANOUT];
	double ref = 0;
	size_t i, nc = 0;
	int real;

	if (t != NONE) {
		add_term(s, t, 1.0, 1);
		ref = s->terms[t].idf;
	}
	/* Near matches only for a word the guide does not use as such. */
	if (!near || t != NONE)
		return ref;
	if ((t = plural_verb(s, li, st, sl)) != NONE ||
	    (t = bare_elision(s, li, st, sl)) != NONE) {
		add_term(s, t, 1.0, 1);
		return s->terms[t].idf;
	}
	real = known_stem(s, li, st, sl);
	/* Prefixes: other stems that start with this one: a word cut short
	 * ("ordi", "compu"), or a word of the language as the first part of
	 * a compound whose rest is a word too ("girl" of "girlfriend"), not
	 * another word ("idea" is not "ideal", "police" not "policies")... */
	if (sl >= PREFIX_MIN && l->nsorted > 0 && W_PREFIX > 0) {
		char qs[WORD_MAX];
		size_t lo = 0, hi = l->nsorted, k;

		memcpy(qs, st, sl);
		qs[sl] = '\0';
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			const struct stent *e =
			    &s->vocab.ents[s->terms[l->sorted[mid]].key];

			if (strcmp(strtab_key(&s->vocab, e) + 1, qs) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (k = lo; k < l->nsorted && k < lo + PREFIX_FANOUT; k++) {
			uint32_t pt = l->sorted[k];
			const struct stent *e =
			    &s->vocab.ents[s->terms[pt].key];
			const char *pk = strtab_key(&s->vocab, e) + 1;

			if (strncmp(pk, qs, sl) != 0)
				break;
			if (pt == t || (real && (e->len - 1 < sl + 3 ||
			    !known_stem(s, li, pk + sl, e->len - 1 - sl))))
				continue;
			add_near(s, pt, W_PREFIX, 'p', st, sl, &ref);
		}
	}
	/* ... and stems this one starts with, if not much shorter ("pirat"
	 * for "piratag", not "sign" for "signal"). */
	for (i = sl > PREFIX_MIN + 2 ? sl - 2 : PREFIX_MIN + 1;
	    i < sl && W_PREFIX > 0; i++) {
		uint32_t pt = lookup(s, li, st, i);

		if (pt == NONE)
			continue;
		add_near(s, pt, W_PREFIX, 'p', st, sl, &ref);
	}
	/* A word of the language is no misspelling of another ("protest"
	 * is not "protect", "black" not "back"). */
	if (real || sl < TYPO_MIN || sl > TYPO_MAX || W_TYPO <= 0)
		return ref;
	for (i = 0; i < sl; i++)
		if ((unsigned char)st[i] >= 0x80)
			return ref;
	/* One edit away, through the delete table. */
	{
		char d[TYPO_MAX + 2];
		size_t j, k;

		d[0] = (char)li;
		memcpy(d + 1, st, sl);
		for (k = 0; k <= sl && nc < TYPO_FANOUT; k++) {
			const struct stent *de;
			uint32_t link;
			size_t dn = sl + 1;

			if (k > 0) {
				/* The stem minus byte k-1. */
				for (j = 0; j < sl; j++)
					if (j != k - 1)
						d[1 + (j < k - 1 ? j : j - 1)] =
						    st[j];
				dn = sl;
				if (dn - 1 >= TYPO_MIN &&
				    (t = lookup(s, li, d + 1, dn - 1)) != NONE &&
				    typo_fits(st, d + 1))
					cands[nc++] = t;
			}
			if ((de = strtab_find(&s->dels, d, dn)) == NULL)
				continue;
			for (link = de->val; link != NONE && nc < TYPO_FANOUT;
			    link = s->dlinks[link].next) {
				uint32_t ct = s->dlinks[link].term;
				const struct stent *e =
				    &s->vocab.ents[s->terms[ct].key];

				if (util_within_one(strtab_key(&s->vocab, e) + 1,
				    e->len - 1, st, sl) &&
				    typo_fits(st, strtab_key(&s->vocab, e) +
				    1))
					cands[nc++] = ct;
			}
		}
	}
	for (i = 0; i < nc; i++)
		add_near(s, cands[i], W_TYPO, 't', st, sl, &ref);
	return ref;
}

/* Scores the concepts of question word i in language li (same word: a
 * section keeps the best of the word and its concepts); returns the best
 * of ref and what they can bring. */
static double
match_concepts(const struct search *s, uint8_t li, const struct qwords *q,
    size_t i, double ref)
{
	for (size_t k = 0; k < q->nc[i]; k++) {
		uint32_t c = q->c[i][k], t;
		char tok[WORD_MAX];
		size_t n = concept_token(s, c, tok);
		double share = s->cweak[c] ? W_WEAK : q->claim[i] ?
		    W_CLAIM : W_CONCEPT;

		if (n == 0 || (t = lookup(s, li, tok, n)) == NONE)
			continue;
		add_term(s, t, share, !s->cweak[c]);
		if (ref < share * s->terms[t].idf)
			ref = share * s->terms[t].idf;
	}
	return ref;
}

int
search_set_default_lang(struct search *s, const char *code)
{
	int li = find_lang(s, code);

	if (li < 0)
		return -1;
	s->deflang = li;
	return 0;
}

size_t
search_query(const struct search *s, const char *text, const char *lang,
    struct search_hit *hits, size_t max)
{
	return search_query_prev(s, text, lang, NULL, hits, max);
}

/* The index's language for a question in ql (NULL: not known): ql if the
 * index has it, else prev, else the default language (-1 only for an
 * empty index). */
static int
question_lang(const struct search *s, const char *ql, const char *prev)
{
	int li = find_lang(s, ql);

	if (li < 0)
		li = find_lang(s, prev);
	if (li < 0)
		li = s->deflang;
	return li;
}

static size_t query_run(const struct search *s, const char *text,
    const char *lang, const char *prev, struct search_hit *hits, size_t max);

/* PRIOR_HITS are ranked however few the caller wants: the prior and the
 * rules that reorder hits (query_run()) reorder the same best hits for
 * the bot (ten) and for test_quality and rank_eval (three). */
size_t
search_query_prev(const struct search *s, const char *text, const char *lang,
    const char *prev, struct search_hit *hits, size_t max)
{
	size_t n;

	if (max == 0 || max >= PRIOR_HITS || s->scr == NULL ||
	    s->scr->hits == NULL)
		return query_run(s, text, lang, prev, hits, max);
	n = query_run(s, text, lang, prev, s->scr->hits, PRIOR_HITS);
	if (n > max)
		n = max;
	memcpy(hits, s->scr->hits, n * sizeof(*hits));
	return n;
}

/*
 * The hits the rules that reorder hits see, out of nhits in score order:
 * the first PRIOR_HITS, as a list of PRIOR_HITS would hold them, the one
 * whose own ask reads like the question (search_hit.exact) kept last when
 * it ranks lower (query_run() drops the lowest other hit for it). Moves
 * that hit there; returns how many.
 */
/*
 * Does the question name only what it is about, a subject ("my account",
 * "phone", "j'ai un problème avec mon tel"), and nothing of what happened
 * to it (s18-fixun)? Every word it asks (not those of an ask.not pair,
 * notw) carries subject concepts (lexicon "subject"), weak ones beside
 * them, and vague ones (lexicon "vague": the kinds of a subject, "phone",
 * "laptop") and no other, or is an ask.vague word of the language files
 * ("problem", "souci": a word, not a concept, that the ranking never
 * sees), and one word at least carries a subject; a question that asks what a word means
 * (ASK_DEFINE) is not. Any other word, known to the lexicon or not, a
 * word of weak concepts alone too ("is sms secure"), or a subject word
 * that is also a situation's ("acosando": [person] and [harassment]),
 * may say the situation ("hacked", "lost", "blocked") that a confident
 * answer needs: without one the question gets choices,
 * the subject's sections (answer_refused(), page_plausible()), never
 * one section nor one page.
 */
static int
question_subject_only(const struct search *s, const struct qwords *q,
    uint64_t notw, unsigned qbranch, int qli, const char *lang)
{
	int subj = 0;

	if (qbranch & ASK_DEFINE)
		return 0;
	for (size_t i = 0; i < q->count; i++) {
		int own = 0, other = q->nc[i] == 0, weak = 0;

		if (i < 64 && (notw >> i) & 1)
			continue;
		if (q->nc[i] == 0 && (qbranch & ASK_VAGUE) &&
		    (branch_kinds(s, qli, lang, q->w[i], q->n[i]) &
		    ASK_VAGUE))
			continue;
		for (size_t k = 0; k < q->nc[i]; k++) {
			uint32_t c = q->c[i][k];

			if (s->csubj[c] && !s->cweak[c])
				own = 1;
			else if (s->cvague[c] || s->csubj[c])
				continue;
			else if (s->cweak[c])
				weak = 1;
			else
				other = 1;
		}
		if (other || (weak && !own))
			return 0;
		subj |= own;
	}
	return subj;
}

/*
 * Does the question ask what the law allows ("can the police legally
 * force me", "ai-je le droit", "es legal que"): a word of it carries a
 * lexicon "law" concept (s18-fixun)? A guide of first aid gives no legal
 * advice: the sections that come closest ("ask a lawyer") are choices,
 * never one confident answer nor one page (answer_refused(),
 * page_plausible()).
 */
static int
question_law(const struct search *s, const struct qwords *q)
{
	for (size_t i = 0; i < q->count; i++)
		for (size_t k = 0; k < q->nc[i]; k++)
			if (s->claw[q->c[i][k]])
				return 1;
	return 0;
}

static size_t
hits_window(struct search_hit *hits, size_t nhits)
{
	struct search_hit h;
	size_t k;

	if (nhits <= PRIOR_HITS)
		return nhits;
	for (k = 0; k < nhits && !hits[k].exact; k++)
		;
	if (k < nhits && k >= PRIOR_HITS) {
		h = hits[k];
		memmove(&hits[PRIOR_HITS], &hits[PRIOR_HITS - 1],
		    (k - PRIOR_HITS + 1) * sizeof(*hits));
		hits[PRIOR_HITS - 1] = h;
	}
	return PRIOR_HITS;
}

static size_t
query_run(const struct search *s, const char *text, const char *lang,
    const char *prev, struct search_hit *hits, size_t max)
{
	struct scratch *sc = s->scr;
	struct qwords q;
	size_t i, li, nhits = 0, nrule;
	double norm = 0, unknown = 0, unused = 0, xsim = 0, rmain = 0;
	size_t nexact = 0, imain = WBITS;
	uint32_t xsec;
	long xwho = -1;
	int qli, subj_only, law;
	unsigned qbranch;
	uint32_t spec[QSPEC_MAX], qn[QSPEC_MAX];
	size_t nspec, nqn;

	if (max == 0 || s->nsec == 0 || text == NULL)
		return 0;
	qwords_read(s, NULL, text, &q);
	if (q.count == 0)
		return 0;
	/* lang stays the question's own language, for the lexicon (a
	 * French question names French terms even to an English guide). */
	if (lang == NULL)
		lang = lang_detect(text);
	qli = question_lang(s, lang, prev);
	if (lang == NULL && qli >= 0)
		lang = s->langs[qli].code;
	/* hits_router()'s run again asks the same question. */
	if (sc->only_router)
		qbranch = sc->qbranch;
	else {
		struct bwords bw;

		qbranch = sc->qbranch = text_branch(s, text, lang, &bw);
		sc->qnegw = words_negated(&bw, &q, &sc->qnotw);
		free(bw.f);
	}
	if (!sc->only_router) {
		for (i = 0; i < sc->noff; i++)
			sc->offside[sc->offs[i]] = sc->picked[sc->offs[i]] =
			    0;
		sc->noff = 0;
	}
	if (++sc->qgen == 0) {
		memset(sc->tmark, 0, s->nterms * sizeof(*sc->tmark));
		memset(sc->tnegm, 0, s->nterms * sizeof(*sc->tnegm));
		memset(sc->wordm, 0, (s->nsec + 1) * sizeof(*sc->wordm));
		memset(sc->headm, 0, (s->nsec + 1) * sizeof(*sc->headm));
		sc->qgen = 1;
	}
	for (li = 0; li < s->nlangs; li++)
		if (unknown < s->langs[li].idf_max)
			unknown = s->langs[li].idf_max;
	if (qli >= 0)
		unknown = s->langs[qli].idf_max;
	sc->ntouched = 0;
	sc->natouched = 0;
	for (i = 0; i < q.count; i++) {
		double ref = 0, own = 0;

		/* A word of an ask.not pair ("toujours pas", "todavía no")
		 * only negates; one a negation reaches says no change
		 * (says_change()). */
		if ((sc->qnotw >> i) & 1)
			continue;
		sc->qword = i;
		sc->negword = (sc->qnegw >> i) & 1;
		sc->objword = 0;
		for (size_t k = 0; k < q.nc[i]; k++)
			if (s->csubj[q.c[i][k]] && !s->cweak[q.c[i][k]])
				sc->objword = 1;
		for (li = 0; li < s->nlangs; li++) {
			char buf[STEM_BUF];
			const char *st;
			size_t sl;
			double r;

			if (++sc->gen == 0) {
				memset(sc->wmark, 0, s->nsec *
				    sizeof(*sc->wmark));
				memset(sc->amark, 0, s->nasks *
				    sizeof(*sc->amark));
				sc->gen = 1;
			}
			if (s->langs[li].stemmer != NULL) {
				st = stem_query(s, (uint8_t)li, q.w[i],
				    (size_t)q.n[i], buf, &sl);
				if (st == NULL)
					continue;
			} else {
				st = q.w[i];
				sl = q.n[i];
			}
			/* Near matches (prefix, typo) only in the question's
			 * language: across languages they are mostly noise. */
			r = q.claim[i] ? 0 : match_stem(s, (uint8_t)li,
			    st, sl, qli < 0 || (int)li == qli);
			r = match_concepts(s, (uint8_t)li, &q, i, r);
			if (r > ref)
				ref = r;
			if ((int)li == qli)
				own = r;
		}
		/* What the word can bring: its weight in the question's
		 * language if it is used there (a rarer homograph elsewhere
		 * must not raise the bar), else anywhere. */
		if (own > 0)
			ref = own;
		/* A word an expression claimed for a concept no section
		 * carries ("didn't click": [not-done]) is not asked. */
		if (ref <= 0 && q.claim[i])
			continue;
		/* The heaviest word the guide knows: the question's main
		 * subject (search_hit.main_missed, hit_missed_why()). */
		if (ref > rmain && i < WBITS) {
			rmain = ref;
			imain = i;
		}
		norm += ref > 0 ? ref : W_UNKNOWN * unknown;
		if (ref <= 0)
			unused += W_UNKNOWN * unknown;
	}
	sc->negword = 0;
	sc->objword = 0;
	sc->qword = WBITS;
	if (norm <= 0)
		norm = 1;
	/* Each ask's similarity to the question (idf-weighted Dice: a
	 * question that reads like one ask, not like many a little), the
	 * best of each section's and of each page's. */
	for (i = 0; i < sc->natouched; i++) {
		uint32_t a = sc->atouched[i];
		const struct ask *k = &s->asks[a];
		double sim = 2 * sc->aacc[a] / (k->mass + norm);
		float *best = k->sec != NONE ? &sc->secask[k->sec] :
		    &sc->pageask[k->page];

		sc->aacc[a] = 0;
		if (sim > 1)
			sim = 1;
		if (sim > sc->pagebest[k->page])
			sc->pagebest[k->page] = (float)sim;
		/* Asks that read like the question, one per section or
		 * title, and the best of them (exact_section()). */
		if (EXACT_ASK > 0 && sim >= EXACT_ASK) {
			nexact += *best < EXACT_ASK;
			if (sim > xsim) {
				xsim = sim;
				xwho = (long)a;
			}
		}
		if (sim > *best) {
			*best = (float)sim;
			if (k->sec != NONE)
				sc->secwho[k->sec] = a;
			else
				sc->pagewho[k->page] = a;
		}
	}
	xsec = exact_section(s, text, qli, nexact, xwho);
	subj_only = question_subject_only(s, &q, sc->qnotw, qbranch, qli,
	    lang);
	law = question_law(s, &q);
	nspec = s->calibrating ? 0 : question_specific(s, &q, lang, spec);
	nqn = question_names(s, &q, qn);
	if (W_BRANCH > 0 && !s->calibrating)
		hits_branch(s, qbranch, norm);
	for (i = 0; imain < WBITS && i < sc->ntouched; i++)
		if ((sc->wbits[sc->touched[i]] >> imain) & 1)
			sc->pmain[s->secpage[sc->touched[i]]] = 1;
	for (i = 0; i < sc->ntouched; i++) {
		uint32_t sec = sc->touched[i];
		double score = sc->acc[sec] / norm, plain, cov, rare, head;
		double local = sc->lacc[sec] / norm;
		double ask = sc->secask[sec], pask, tense;
		/* A branch given its pair's evidence scores as its pair
		 * would have: the same heading share of the same heading. */
		uint32_t hsec = sc->swapped[sec] ? s->pair[sec] : sec;
		long who = ask > 0 ? (long)sc->secwho[sec] : -1;
		size_t k, nm;
		int off, missed;
		/* How well the question and the heading overlap (Dice, idf
		 * weighted): "Pidgin" is all about a question on Pidgin. */
		plain = score;
		if (sc->hacc[sec] > 0)
			score += HEADING_BONUS * 2 * sc->hacc[sec] /
			    (s->hmass[hsec] + norm);
		head = sc->hacc[sec] / norm;
		/* The best ask: its own, or its page's; and its own again. */
		local += W_ASK * ask + W_ASK_OWN * ask;
		score += W_ASK_OWN * ask;
		plain += W_ASK_OWN * ask;
		pask = sc->pageask[s->secpage[sec]];
		if (pask > ask) {
			ask = pask;
			who = (long)sc->pagewho[s->secpage[sec]];
		}
		score += W_ASK * ask;
		plain += W_ASK * ask;
		cov = sc->cacc[sec] / norm;
		nm = sc->nmatch[sec];
		rare = sc->cmax[sec] / s->langs[s->seclang[sec]].idf_max;
		missed = imain < WBITS && !sc->pmain[s->secpage[sec]];
		sc->cmax[sec] = 0;
		sc->wbits[sec] = 0;
		sc->acc[sec] = 0;
		sc->hacc[sec] = 0;
		sc->lacc[sec] = 0;
		sc->cacc[sec] = 0;
		sc->nmatch[sec] = 0;
		sc->swapped[sec] = 0;
		if (sc->only_router && !s->router[sec])
			continue;

		/* Another language's section ranks below the asker's
		 * language's copy of it, and less far below their other
		 * sections when the guide lacks its page in their
		 * language: then it answers in its own (s17-fixd). */
		if (qli >= 0 && (int)s->seclang[sec] != qli) {
			double f = s->pagelangs[s->secpage[sec]] >> qli & 1 ?
			    LANG_OTHER : LANG_ABSENT;

			score *= f;
			plain *= f;
			local *= f;
		}
		/* A section about another subject than the question's ranks
		 * below those about it (and is never an answer). */
		off = q.subj != 0 && s->secsubj[sec] != 0 &&
		    (q.subj & s->secsubj[sec]) == 0 &&
		    !sec_carries_cover(s, sec, &q);
		if (off) {
			score *= SUBJECT_OTHER;
			plain *= SUBJECT_OTHER;
			local *= SUBJECT_OTHER;
		}
		/* A glossary term defines a word: it answers a question
		 * that asks what a word means (an ask.define word: "what
		 * is", "c'est quoi", "qué significa"), not every question
		 * that uses the word ("our site is down" is not "Website
		 * host"). Not while calibrating: page text asks nothing. */
		if (s->term[sec] && !(qbranch & ASK_DEFINE) &&
		    !s->calibrating) {
			score *= W_TERM;
			plain *= W_TERM;
			local *= W_TERM;
		}
		/* A page of where to turn (organisations, guides: a list of
		 * links) answers a question that asks who or what can help
		 * ("which organisations help journalists", "un guide de
		 * sécurité"), whose other words its link texts rarely say. */
		if ((qbranch & ASK_RESOURCE) && s->linkpage[s->secpage[sec]] &&
		    !s->calibrating) {
			score *= W_LINKS;
			plain *= W_LINKS;
			local *= W_LINKS;
		}
		if ((tense = section_tense(s, sec, qbranch)) != 1) {
			score *= tense;
			plain *= tense;
			local *= tense;
		}
		if ((tense = section_case(s, sec, qbranch)) != 1) {
			score *= tense;
			plain *= tense;
			local *= tense;
		}
		if ((tense = section_names(s, sec, qn, nqn)) != 1) {
			score *= tense;
			plain *= tense;
			local *= tense;
		}
		if (page_absent(s, sec, spec, nspec)) {
			score *= W_PAGE_ABSENT;
			plain *= W_PAGE_ABSENT;
			local *= W_PAGE_ABSENT;
		}
		sc->plain[sec] = plain;
		sc->local[sec] = local;
		if (nhits == max) {
			/* A full list drops its lowest hit, never the one
			 * whose own ask reads like the question (xsec):
			 * hits_exact() puts it first. */
			size_t low = max - 1;

			if (hits[low].exact && low == 0)
				continue;
			if (hits[low].exact)
				low--;
			if (sec != xsec && score <= hits[low].score)
				continue;
			hits[low] = hits[max - 1];
			k = max - 1;
		} else
			k = nhits++;
		while (k > 0 && (hits[k - 1].score < score ||
		    (hits[k - 1].score == score &&
		    hits[k - 1].section > sec))) {
			hits[k] = hits[k - 1];
			k--;
		}
		hits[k].section = sec;
		hits[k].score = score;
		hits[k].coverage = cov > 1 ? 1 : cov;
		hits[k].words = q.count;
		hits[k].matched = nm;
		hits[k].rarity = rare > 1 ? 1 : rare;
		hits[k].main_missed = missed;
		hits[k].subject_only = subj_only;
		hits[k].asks_law = law;
		hits[k].off_subject = off;
		hits[k].unknown = unused / norm;
		hits[k].page = s->secpage[sec];
		hits[k].heading = head > 1 ? 1 : head;
		hits[k].ask = ask;
		hits[k].ask_id = who;
		hits[k].exact = sec == xsec;
		hits[k].prior = 1;
		hits[k].page_p = -1;
		hits[k].page_rival = -1;
		hits[k].prior_moved = 0;
	}
	for (i = 0; i < sc->ntouched; i++)
		sc->pmain[s->secpage[sc->touched[i]]] = 0;
	sc->ntouched = 0;
	for (i = 0; i < sc->natouched; i++) {
		const struct ask *k = &s->asks[sc->atouched[i]];

		if (k->sec != NONE)
			sc->secask[k->sec] = 0;
		else
			sc->pageask[k->page] = 0;
	}
	sc->natouched = 0;
	/* The rules below reorder the first PRIOR_HITS, as a list of that
	 * many would hold them (the exact hit last when not among them),
	 * so that the first hits do not depend on max (s17-fixd). */
	nrule = hits_window(hits, nhits);
	hits_within_page(s, hits, nrule);
	hits_prior(s, &q, lang, hits, nrule);
	/* A first hit the prior put there gets the sibling rules the
	 * search's own first hit got: its page's sections share its words,
	 * a sibling may answer the question better. */
	if (nhits > 0 && hits[0].prior_moved)
		hits_within_page(s, hits, nrule);
	if (hits_page_title(s, &q, hits, nrule))
		hits_within_page(s, hits, nrule);
	hits_exact(hits, nrule);
	hits_scope(s, &q, lang, qli, hits, nhits);
	hits_notasks(s, &q, norm, hits, nhits);
	if ((qbranch & ASK_UNKNOWN) && !s->calibrating &&
	    !sc->only_router)
		hits_router(s, text, lang, prev, hits, nrule);
	return nhits;
}

/*
 * A workflow's list of questions (section_router(): "Start by answering
 * some simple questions", "Basic information") is where a person who
 * does not know a fact of their case (an ask.unknown word: "i don't know
 * who hosts our site") finds their branch. For such a question, the
 * question is run again over those lists alone (sc->only_router): the
 * best one of the first hit's page, when it scores W_ROUTER_UNKNOWN of
 * the first hit or more, takes the first place and its score. The page
 * and the other hits stay.
 */
static void
hits_router(const struct search *s, const char *text, const char *lang,
    const char *prev, struct search_hit *hits, size_t nhits)
{
	struct search_hit r[SEARCH_AGREE_HITS], h;
	size_t nr, k, j;

	if (nhits == 0 || W_ROUTER_UNKNOWN <= 0 || hits[0].exact ||
	    s->router[hits[0].section] || s->pair[hits[0].section] != NONE)
		return;
	s->scr->only_router = 1;
	nr = query_run(s, text, lang, prev, r, SEARCH_AGREE_HITS);
	s->scr->only_router = 0;
	for (k = 0; k < nr && r[k].page != hits[0].page; k++)
		;
	if (k == nr || r[k].score < W_ROUTER_UNKNOWN * hits[0].score)
		return;
	/* The first hit's page and score, the list's own measures: its
	 * words, and the refusal, key and topic flags its own run gave it
	 * (not the first hit's). */
	h = hits[0];
	h.section = r[k].section;
	h.coverage = r[k].coverage;
	h.rarity = r[k].rarity;
	h.main_missed = r[k].main_missed;
	h.branch = r[k].branch;
	h.intro = r[k].intro;
	h.matched = r[k].matched;
	h.heading = r[k].heading;
	h.off_subject = r[k].off_subject;
	h.ask = r[k].ask;
	h.ask_id = r[k].ask_id;
	h.lacks_key = r[k].lacks_key;
	h.key_mention = r[k].key_mention;
	h.topics = r[k].topics;
	h.title_topics = r[k].title_topics;
	h.page_topics = r[k].page_topics;
	h.page_share = r[k].page_share;
	h.page_ask = r[k].page_ask;
	h.notask = r[k].notask;
	h.notask_id = r[k].notask_id;
	for (j = 1; j + 1 < nhits && hits[j].section != h.section; j++)
		;
	if (nhits > 1)
		memmove(hits + 1, hits, j * sizeof(*hits));
	hits[0] = h;
}

/*
 * When a question is about an incident that happened already ("my phone
 * was taken at the border", "on m'a volé mon ordi", "se filtró") a
 * section on what to do before one ("Before you cross a border", "Take
 * extra precautions against attackers": a section.prevent word in its
 * heading) answers the next time, not this one: it scores
 * W_PREVENT_PAST of itself. A question that asks what to do before
 * (ask.before: "before i travel", "avoid", "la prochaine fois") weighs
 * it W_PREVENT_BEFORE instead, whatever else it says. So, after the
 * click (s18-fixph): a section that warns against an act (section.warn
 * in its heading: "Attachments: don't open them", "Signs of a trap")
 * scores W_WARN_ACTED of itself for a question that says the person did
 * it (ask.acted, no negation reaching it: "i installed the apk", "j'ai
 * cliqué", "abrí el adjunto"): the section for after it answers. The
 * other way, a section for after the act (a conditional heading with
 * an ask.acted word: "If you clicked the link") scores W_WARN_ACTED of
 * itself for a question that asks whether to do it (ask.unacted:
 * "should i click", "je dois cliquer", "¿lo abro?") and says it did
 * nothing. Page text (decide_calibrate()) asks nothing: 1.
 */
static double
section_tense(const struct search *s, size_t sec, unsigned q)
{
	if (s->calibrating)
		return 1;
	if ((s->branch[sec] & SEC_WARN) && (q & ASK_ACTED))
		return W_WARN_ACTED;
	if ((s->branch[sec] & (BRANCH_IF | ASK_ACTED)) ==
	    (BRANCH_IF | ASK_ACTED) && (q & ASK_UNACTED) && !(q & ASK_ACTED))
		return W_WARN_ACTED;
	if (!(s->branch[sec] & SEC_PREVENT))
		return 1;
	return (q & ASK_BEFORE) ? W_PREVENT_BEFORE :
	    (q & ASK_HAPPENED) ? W_PREVENT_PAST : 1;
}

/*
 * A lone branch is the step for its case (lone_cases()): when the
 * question names that case (the concept of one of its heading's words),
 * it scores W_CASE_NAMED of itself, above the page's other steps whose
 * words the question shares ("nos están tirando la página con un ataque
 * ddos": the DoS step, not the defacement one whose heading says
 * "página"); when it does not, W_CASE ("notre site web est en panne":
 * neither step, the diagnosis). A case named only where a negation
 * reaches it (as says_change() reads it: "it's not a ddos attack,
 * someone changed our homepage") is not named: W_CASE, as for a question
 * that does not name it. A question that asks what a word means
 * (ask.define) wants the word's definition, not a step: never raised.
 * Page text (decide_calibrate()) asks nothing: 1.
 */
static double
section_case(const struct search *s, size_t sec, unsigned q)
{
	if (s->calibrating)
		return 1;
	for (uint32_t i = s->caseoff[sec]; i < s->caseoff[sec + 1]; i++)
		if (s->scr->tmark[s->cases[i]] == s->scr->qgen &&
		    s->scr->tnegm[s->cases[i]] != s->scr->qgen)
			return (q & ASK_DEFINE) ? 1 : W_CASE_NAMED;
	return s->caseoff[sec] < s->caseoff[sec + 1] ? W_CASE : 1;
}

/*
 * A section whose own heading names platforms ("Recover a Facebook,
 * Instagram or X account") is for them: for a question that names other
 * platforms and none it carries itself (section_names_build(): "someone
 * reset my yahoo mail password"), it scores W_NAME_OTHER of itself. A
 * question that names no platform, or one of the section's, is not
 * affected. qn: the question's name concepts. Page text
 * (decide_calibrate()) names none: 1.
 */
static double
section_names(const struct search *s, size_t sec, const uint32_t *qn,
    size_t nqn)
{
	if (s->calibrating || nqn == 0 || !s->namehead[sec])
		return 1;
	for (uint32_t i = s->nameoff[sec]; i < s->nameoff[sec + 1]; i++)
		for (size_t j = 0; j < nqn; j++)
			if (s->names[i] == qn[j])
				return 1;
	return W_NAME_OTHER;
}

/* The question's name concepts (platforms, products: [yahoo name]), at
 * most QSPEC_MAX, for section_names(). */
static size_t
question_names(const struct search *s, const struct qwords *q,
    uint32_t *qn)
{
	size_t n = 0;

	for (size_t i = 0; i < q->count; i++)
		for (size_t k = 0; k < q->nc[i] && n < QSPEC_MAX; k++) {
			size_t j;

			if (!s->cname[q->c[i][k]])
				continue;
			for (j = 0; j < n && qn[j] != q->c[i][k]; j++)
				;
			if (j == n)
				qn[n++] = q->c[i][k];
		}
	return n;
}

/*
 * The question's specific concepts (key_candidate(): not weak, subject or
 * name, found in its language), at most QSPEC_MAX, those the index has
 * (some section carries them) only: none when it has none of them.
 */
static size_t
question_specific(const struct search *s, const struct qwords *q,
    const char *lang, uint32_t *spec)
{
	int lxq = lang != NULL ? lx_lang_of(s, lang) : -1;
	size_t n = 0;

	for (size_t i = 0; i < q->count; i++)
		for (size_t k = 0; k < q->nc[i] && n < QSPEC_MAX; k++) {
			char tok[WORD_MAX];
			size_t j, tl;
			uint8_t li;

			if (!key_candidate(s, q, i, k, lxq))
				continue;
			for (j = 0; j < n && spec[j] != q->c[i][k]; j++)
				;
			if (j < n || (tl = concept_token(s, q->c[i][k],
			    tok)) == 0)
				continue;
			for (li = 0; li < s->nlangs &&
			    lookup(s, li, tok, tl) == NONE; li++)
				;
			if (li < s->nlangs)
				spec[n++] = q->c[i][k];
		}
	return n;
}

/*
 * A page without asks whose sections carry none of the question's
 * specific concepts (question_specific()), when some page carries one,
 * is about something else than what is asked: those of its sections
 * whose own heading the question meets with subject words alone, or not
 * at all, score W_PAGE_ABSENT of themselves ("Trust in Email: PGP", on
 * a page that names no intrusion, for "my email was hacked": a shared
 * object word is not a shared case). A heading met by another word of
 * the question ("Floods of traffic" for "traffic and battery") keeps its
 * score: the question may be about two pages. A page with asks says
 * what it answers already; the decision's own test of a missing key
 * concept (hits_scope(): lacks_key, of the rarer concepts) is apart.
 */
static int
page_absent(const struct search *s, size_t sec, const uint32_t *spec,
    size_t nspec)
{
	uint32_t pg = s->secpage[sec];

	if (nspec == 0 || guide_page_asks(s->g, pg)[0] != '\0' ||
	    s->scr->wordm[sec] == s->scr->qgen)
		return 0;
	for (size_t j = 0; j < nspec; j++)
		if (page_concept_secs(s, pg, s->seclang[sec], spec[j]) > 0)
			return 0;
	return 1;
}

#define PT_TITLE	0x1	/* the page's title names the concept */

/* Moves hits[b] to the first place; the others keep their order. */
static void
hits_first(struct search_hit *hits, size_t b)
{
	struct search_hit h = hits[b];

	memmove(hits + 1, hits, b * sizeof(*hits));
	hits[0] = h;
}

/*
 * Hit h is a chance meeting of its heading: the question meets the
 * section's own heading with subject words alone ("email" of "Trust in
 * Email: PGP" for "found a forwarding rule in my email"; "website" of
 * "Website Trust" for "website shows a page that isnt ours";
 * "computer" of "Safer computing") and names none of the concepts of
 * its page's title (a page without asks; its title may name none): a
 * shared object, not what the page is about.
 */
static int
head_chance(const struct search *s, const struct qwords *q,
    const struct search_hit *h)
{
	const uint8_t *row;

	if (guide_page_asks(s->g, h->page)[0] != '\0' || h->heading <= 0 ||
	    s->scr->wordm[h->section] == s->scr->qgen)
		return 0;
	row = s->pagetopic + h->page * lexicon_nconcepts(s->lx);
	for (size_t i = 0; i < q->count; i++)
		for (size_t k = 0; k < q->nc[i]; k++)
			if ((row[q->c[i][k]] & PT_TITLE) &&
			    !s->cweak[q->c[i][k]])
				return 0;
	return 1;
}

/*
 * A page's title says what it is about. Two first hits got there by a
 * section's own words rather than by what its page is about, and give
 * the first place to the best of the PRIOR_HITS first hits that is
 * neither when it scores their share of the first or more (the others
 * keep their order, every score stays):
 *
 * - one whose heading the question meets by chance (head_chance()),
 *   W_TITLE_HEAD; not to a page of where to turn (guide_page_links():
 *   "Resources"), which answers who can help (W_LINKS);
 * - when the question names a subject that some page's title names
 *   (ptsubj: a device, "Devices Seized"; an account, "Account
 *   Hijacking"), one on a page whose title names subjects, none of the
 *   question's ("got my account back" meets "If you get your device
 *   back" through "get" and "back"), W_TITLE_SUBJECT; a page whose title
 *   names no subject ("Malware") is neither. Not when the question meets
 *   the first hit's own heading with words other than subjects for
 *   TITLE_OWN of its weight or more ("recover gmail on a stolen android
 *   phone" and "Recover a Gmail account": a question of two pages).
 *
 * Pages with asks say what they answer: never theirs. Never while calibrating (page text asks nothing).
 * Returns whether the first hit changed.
 */
static int
hits_page_title(const struct search *s, const struct qwords *q,
    struct search_hit *hits, size_t nhits)
{
	const uint8_t *ts = s->ptsubj;
	size_t n = nhits < PRIOR_HITS ? nhits : PRIOR_HITS, i, b = 0;
	int named = 0;

	if (ts == NULL || n < 2 || s->calibrating)
		return 0;
	if (W_TITLE_HEAD < 1 && head_chance(s, q, &hits[0])) {
		for (i = 1; i < n; i++)
			if (!head_chance(s, q, &hits[i]) &&
			    !s->linkpage[hits[i].page] &&
			    (!hits[i].off_subject || hits[0].off_subject) &&
			    hits[i].score >= W_TITLE_HEAD * hits[0].score &&
			    (b == 0 || hits[i].score > hits[b].score))
				b = i;
		if (b > 0) {
			hits_first(hits, b);
			return 1;
		}
	}
	if (q->subj == 0 || W_TITLE_SUBJECT >= 1 ||
	    ts[hits[0].page] == 0 || (ts[hits[0].page] & q->subj) != 0)
		return 0;
	if (s->scr->wordm[hits[0].section] == s->scr->qgen &&
	    hits[0].heading >= TITLE_OWN)
		return 0;
	for (size_t pg = 0; pg < s->npages && !named; pg++)
		named = (ts[pg] & q->subj) != 0;
	if (!named)
		return 0;
	for (i = 1; i < n; i++)
		if ((ts[hits[i].page] == 0 ||
		    (ts[hits[i].page] & q->subj) != 0) &&
		    (!hits[i].off_subject || hits[0].off_subject) &&
		    hits[i].score >= W_TITLE_SUBJECT * hits[0].score &&
		    (b == 0 || hits[i].score > hits[b].score))
			b = i;
	if (b == 0)
		return 0;
	hits_first(hits, b);
	return 1;
}

/* Swaps two sections' evidence (every accumulator query_run() scores). */
static void
scratch_swap(struct scratch *sc, uint32_t a, uint32_t b)
{
#define SWAP(f) do { __typeof__(sc->f[0]) x_ = sc->f[a];		\
	sc->f[a] = sc->f[b]; sc->f[b] = x_; } while (0)
	SWAP(acc);
	SWAP(hacc);
	SWAP(lacc);
	SWAP(cacc);
	SWAP(nmatch);
	SWAP(cmax);
	SWAP(wbits);
#undef SWAP
}

/* What query_run() makes of a section's evidence before what applies to
 * a whole page alike: its words and its heading share (a heavier heading
 * gives less of it). */
static double
side_score(const struct search *s, uint32_t sec, double norm)
{
	const struct scratch *sc = s->scr;

	return sc->acc[sec] / norm + (sc->hacc[sec] > 0 ? HEADING_BONUS *
	    2 * sc->hacc[sec] / (s->hmass[sec] + norm) : 0);
}

/*
 * A pair of branches is one step of a workflow page ("If you still have
 * access to the account" / "If you no longer have access..."): the
 * question's words say the pair is what it asks about, its loss words say
 * which of the two it is in ("i can't log in anymore", "je peux plus me
 * connecter", "ya no puedo entrar"). One side of a pair says the state
 * goes on (BRANCH_STAY), the other a change: a loss ("If you no longer
 * have access"), the question's when it has a loss word and does not say
 * the state goes on (ASK_STAY: "i can still log in but they changed the
 * recovery email"), or a positive change ("If you get your device back"),
 * the question's when it names a word of that heading where no negation
 * reaches it (says_change(): not "they still haven't given it back", but
 * "they returned my phone, no idea if they installed spyware"); else the
 * question is in the side that goes on ("my phone was stolen"). A
 * touched side the question is not in that scores more than its pair
 * (side_score(): its words and its heading share) gives its evidence
 * to the pair and takes the pair's: the page's score stays, the branch
 * shown is the one the question is in, and hits_within_page() does not
 * put the other one first (offside). The two headings share every other
 * word: their words alone cannot tell them apart. When the pair the
 * question is in has the evidence already, the two only trade their
 * heading shares if its heading weighs more (each scores its heading as
 * the other would). A side chosen by a word of the question (a loss or
 * change word, or ASK_STAY), not for want of one, is picked: it may go
 * first in its page (hits_within_page()) and answer (branch_stands()).
 */
static void
hits_branch(const struct search *s, unsigned q, double norm)
{
	struct scratch *sc = s->scr;
	size_t i, k;
	/* A loss word, unless the question says the state goes on ("i can
	 * still log in but they changed the recovery email"). */
	int qneg = (q & BRANCH_NOT) && !(q & ASK_STAY);

	for (i = 0; i < sc->ntouched; i++) {
		uint32_t a = sc->touched[i], b = s->pair[a], stay, change;

		/* A lone branch whose condition the question denies keeps
		 * LONE_DENIED of its evidence, and is no sibling to put
		 * first. */
		if (b == NONE && (s->branch[a] & BRANCH_IF) &&
		    lone_denied(s, a)) {
			sc->acc[a] *= LONE_DENIED;
			sc->hacc[a] *= LONE_DENIED;
			sc->lacc[a] *= LONE_DENIED;
			sc->secask[a] *= LONE_DENIED;
			if (!sc->offside[a] && !sc->only_router) {
				sc->offside[a] = 1;
				sc->offs[sc->noff++] = a;
			}
			continue;
		}
		if (b == NONE || sc->swapped[a])
			continue;
		stay = (s->branch[a] & BRANCH_STAY) ? a : b;
		change = stay == a ? b : a;
		/* The side the question is in: a loss (the change side is
		 * the negative one) when it has a loss word; a positive
		 * change ("If you get your device back") when it names a
		 * word of its heading (not the page's) out of a negation's
		 * reach; else the state that goes on. */
		if (s->branch[change] & BRANCH_NOT)
			b = qneg ? change : stay;
		else
			b = !qneg && says_change(s, change) ? change : stay;
		/* The question's words chose b (not the state that goes
		 * on for want of a word): branch_stands(), and
		 * hits_within_page() may put it first. */
		if ((b == change || (q & ASK_STAY)) && !sc->picked[b] &&
		    !sc->only_router) {
			sc->picked[b] = 1;
			sc->offs[sc->noff++] = b;
		}
		if (a == b)
			continue;
		if (!sc->offside[a] && !sc->only_router) {
			sc->offside[a] = 1;
			sc->offs[sc->noff++] = a;
		}
		for (k = 0; k < sc->ntouched && sc->touched[k] != b; k++)
			;
		if (sc->acc[a] <= sc->acc[b] ||
		    side_score(s, a, norm) <= side_score(s, b, norm)) {
			/* b leads already (its lighter heading gives it more
			 * of the heading share: "Si vous n'avez pas récupéré
			 * l'appareil"), and a's heavier heading ("no longer"
			 * more than "still") must not put a first. */
			if (k < sc->ntouched && s->hmass[b] > s->hmass[a])
				sc->swapped[a] = sc->swapped[b] = 1;
			continue;
		}
		scratch_swap(sc, a, b);
		sc->swapped[a] = sc->swapped[b] = 1;
		if (k == sc->ntouched) {
			sc->touched[i] = b;	/* a has nothing left */
			sc->swapped[a] = 0;
			sc->offside[a] = 0;
		}
	}
}

/* Does section sec carry concept c (not only in its asks)? */
static int
sec_has_concept(const struct search *s, size_t sec, uint32_t c)
{
	char tok[WORD_MAX];
	size_t n = concept_token(s, c, tok);
	uint32_t t;

	if (n == 0 || (t = lookup(s, s->seclang[sec], tok, n)) == NONE)
		return 0;
	for (uint32_t k = 0; k < s->terms[t].npost; k++) {
		const struct posting *p = &s->posts[s->terms[t].post + k];

		if (p->sec == sec && !p->asked)
			return 1;
	}
	return 0;
}

/* Does section sec carry (not only in its asks) one of the concepts that
 * hold a subject term of the question (qwords.cover)? */
static int
sec_carries_cover(const struct search *s, size_t sec, const struct qwords *q)
{
	for (size_t j = 0; j < q->ncover; j++)
		if (sec_has_concept(s, sec, q->cover[j]))
			return 1;
	return 0;
}

/* ------------------------------------------------------------ not-asks */

/*
 * Not-asks (guide.h): questions near a page's subject, sharing its words,
 * that the page does not answer. Each is read as a question is
 * (qwords_read(): folded words, stopwords out, the lexicon's concepts),
 * its words stemmed in its page's language, into a vocabulary of their
 * own; a word's idf is the index's when the guide uses it, else the
 * rarest (as a question's unknown word weighs). At query time the best
 * not-ask of each hit's page is compared with the best ask of that page,
 * by the same idf-weighted Dice (hits_notasks()), and hit_notask()
 * decides.
 */

#define NOT_KEY	(1 + 1 + 4)	/* language, 0xff, concept id */

/* The not-ask vocabulary's id of key (n bytes), added with idf if new. */
static uint32_t
notvocab_id(struct search *s, const char *key, size_t n, float idf)
{
	struct stent *e;
	int isnew;

	e = strtab_add(&s->notvocab, key, n, (uint32_t)s->nnotv, &isnew);
	if (isnew) {
		if ((s->nnotv & (s->nnotv - 1)) == 0)
			s->notidf = xrealloc(s->notidf, (s->nnotv ?
			    s->nnotv * 2 : 1) * sizeof(*s->notidf));
		s->notidf[s->nnotv++] = idf;
	}
	return e->val;
}

/* A concept's key in language li. */
static size_t
notkey_concept(char key[NOT_KEY], uint8_t li, uint32_t c)
{
	key[0] = (char)li;
	key[1] = (char)0xff;
	memcpy(key + 2, &c, 4);
	return NOT_KEY;
}

/* Adds the pair (not-ask a, id) to *pairs unless a has it already (its
 * pairs start at from). Returns 1 when added. */
static int
notpair_add(uint32_t (**pairs)[2], size_t *n, size_t *cap, size_t from,
    uint32_t a, uint32_t id)
{
	for (size_t k = from; k < *n; k++)
		if ((*pairs)[k][1] == id)
			return 0;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*pairs = xrealloc(*pairs, *cap * sizeof(**pairs));
	}
	(*pairs)[*n][0] = a;
	(*pairs)[*n][1] = id;
	(*n)++;
	return 1;
}

/* Reads every page's not-asks (after the index's idf is known). */
static void
notasks_build(struct search *s)
{
	const struct guide *g = s->g;
	size_t np = guide_npages(g), npairs = 0, cap = 0, i;
	uint32_t (*pairs)[2] = NULL;
	struct qwords q;

	for (size_t page = 0; page < np; page++) {
		const char *p = guide_page_notasks(g, page);
		const char *lang = guide_page_lang(g, page);
		int li = find_lang(s, lang != NULL ? lang : "en");
		uint32_t line = 0;

		for (; p != NULL && *p != '\0' && li >= 0; line++) {
			const char *eol = strchr(p, '\n');
			size_t n = eol ? (size_t)(eol - p) : strlen(p);
			char *one = xstrndup(p, n);
			size_t from = npairs;
			uint32_t a = (uint32_t)s->nnots;
			float mass = 0;

			p = eol ? eol + 1 : NULL;
			qwords_read(s, s, one, &q);
			free(one);
			if (q.count == 0)
				continue;
			if (s->notvocab.slots == NULL)
				strtab_init(&s->notvocab, 1024);
			for (i = 0; i < q.count; i++) {
				char key[WORD_MAX + 1], buf[STEM_BUF];
				size_t sl;
				const char *st = stem_key(s, s, (uint8_t)li,
				    q.w[i], q.n[i], buf, &sl);
				uint32_t t = lookup(s, (uint8_t)li, st, sl);
				float idf = t != NONE ? s->terms[t].idf :
				    (float)s->langs[li].idf_max;

				key[0] = (char)li;
				memcpy(key + 1, st, sl);
				if (notpair_add(&pairs, &npairs, &cap, from, a,
				    notvocab_id(s, key, sl + 1, idf)))
					mass += idf;
			}
			/* A concept is another way to meet a word, not
			 * more of the not-ask's mass. */
			for (i = 0; i < q.count; i++)
				for (size_t k = 0; k < q.nc[i]; k++) {
					char key[NOT_KEY], tok[WORD_MAX];
					size_t tn = concept_token(s, q.c[i][k],
					    tok);
					uint32_t t = tn > 0 ? lookup(s,
					    (uint8_t)li, tok, tn) : NONE;
					float idf = t != NONE ?
					    s->terms[t].idf :
					    (float)s->langs[li].idf_max;

					(void)notpair_add(&pairs, &npairs, &cap,
					    from, a, notvocab_id(s, key,
					    notkey_concept(key, (uint8_t)li,
					    q.c[i][k]), idf));
				}
			if ((s->nnots & (s->nnots - 1)) == 0)
				s->nots = xrealloc(s->nots, (s->nnots ?
				    s->nnots * 2 : 1) * sizeof(*s->nots));
			s->nots[s->nnots].page = (uint32_t)page;
			s->nots[s->nnots].line = line;
			s->nots[s->nnots].mass = mass;
			s->nnots++;
		}
	}
	if (s->nnots == 0) {
		free(pairs);
		return;
	}
	/* The not-asks of each id, by a counting sort. */
	s->notstart = xcalloc(s->nnotv + 1, sizeof(*s->notstart));
	s->notpost = xcalloc(npairs + 1, sizeof(*s->notpost));
	for (i = 0; i < npairs; i++)
		s->notstart[pairs[i][1] + 1]++;
	for (i = 0; i < s->nnotv; i++)
		s->notstart[i + 1] += s->notstart[i];
	{
		uint32_t *at = xcalloc(s->nnotv + 1, sizeof(*at));

		for (i = 0; i < npairs; i++)
			s->notpost[s->notstart[pairs[i][1]] +
			    at[pairs[i][1]]++] = pairs[i][0];
		free(at);
	}
	free(pairs);
	s->pagenots = xcalloc(np + 1, 1);
	for (i = 0; i < s->nnots; i++)
		s->pagenots[s->nots[i].page] = 1;
	s->scr->nacc = xcalloc(s->nnots, sizeof(*s->scr->nacc));
	s->scr->nbest = xcalloc(s->nnots, sizeof(*s->scr->nbest));
	s->scr->nmark = xcalloc(s->nnots, sizeof(*s->scr->nmark));
	s->scr->nottouched = xcalloc(s->nnots, sizeof(*s->scr->nottouched));
	s->scr->pagenot = xcalloc(np + 1, sizeof(*s->scr->pagenot));
	s->scr->pagenotwho = xcalloc(np + 1, sizeof(*s->scr->pagenotwho));
}

/* The not-asks that say key (n bytes) get share x its idf for the current
 * question word, each keeping that word's best. */
static void
notasks_add(const struct search *s, const char *key, size_t n, double share)
{
	struct scratch *sc = s->scr;
	const struct stent *e = strtab_find(&s->notvocab, key, n);
	uint32_t id;

	if (e == NULL)
		return;
	id = e->val;
	for (uint32_t k = s->notstart[id]; k < s->notstart[id + 1]; k++) {
		uint32_t a = s->notpost[k];
		float v = (float)(share * s->notidf[id]);

		line_best(a, v, sc->ngen, sc->nmark, sc->nbest, sc->nacc,
		    sc->nottouched, &sc->nntouched);
	}
}

/*
 * For each hit, the best not-ask of its page (search_hit.notask, its id in
 * notask_id, -1 when none) and the best ask of that page, any section's
 * or its title's (search_hit.page_ask): the question's words met exactly
 * or through a concept in each not-ask, against its mass and the
 * question's norm, as the asks are (query_run()). Clears the per-page
 * best asks query_run() left.
 */
static void
hits_notasks(const struct search *s, const struct qwords *q, double norm,
    struct search_hit *hits, size_t nhits)
{
	struct scratch *sc = s->scr;
	size_t i, k, any = 0;

	for (k = 0; k < nhits; k++) {
		hits[k].page_ask = sc->pagebest[hits[k].page];
		hits[k].notask = 0;
		hits[k].notask_id = -1;
		any += s->nnots > 0 && s->pagenots[hits[k].page];
	}
	memset(sc->pagebest, 0, (guide_npages(s->g) + 1) *
	    sizeof(*sc->pagebest));
	if (any == 0)
		return;
	sc->nntouched = 0;
	for (i = 0; i < q->count; i++) {
		if (++sc->ngen == 0) {
			memset(sc->nmark, 0, s->nnots * sizeof(*sc->nmark));
			sc->ngen = 1;
		}
		for (size_t li = 0; li < s->nlangs; li++) {
			char buf[STEM_BUF], key[WORD_MAX + 1];
			size_t sl;
			const char *st = stem_key(s, NULL, (uint8_t)li,
			    q->w[i], (size_t)q->n[i], buf, &sl);

			key[0] = (char)li;
			memcpy(key + 1, st, sl);
			notasks_add(s, key, sl + 1, 1.0);
			for (k = 0; k < q->nc[i]; k++) {
				uint32_t c = q->c[i][k];

				notasks_add(s, key, notkey_concept(key,
				    (uint8_t)li, c), s->cweak[c] ? W_WEAK :
				    W_CONCEPT);
			}
		}
	}
	for (i = 0; i < sc->nntouched; i++) {
		uint32_t a = sc->nottouched[i];
		const struct notask *t = &s->nots[a];
		double sim = 2 * sc->nacc[a] / (t->mass + norm);

		sc->nacc[a] = 0;
		if (sim > 1)
			sim = 1;
		if (sim > sc->pagenot[t->page]) {
			sc->pagenot[t->page] = (float)sim;
			sc->pagenotwho[t->page] = a;
		}
	}
	for (k = 0; k < nhits; k++) {
		size_t pg = hits[k].page;

		if (sc->pagenot[pg] > 0) {
			hits[k].notask = sc->pagenot[pg];
			hits[k].notask_id = (long)sc->pagenotwho[pg];
		}
	}
	for (i = 0; i < sc->nntouched; i++)
		sc->pagenot[s->nots[sc->nottouched[i]].page] = 0;
	sc->nntouched = 0;
}

/* ------------------------------------------------------------ decision */


struct topicscan {
	struct search	*s;
	uint8_t		 lang;
	uint8_t		 bit;
	uint8_t		*row;		/* the page's concepts */
	struct wseq	 seq;
};

static void
topic_word(void *arg, const char *w, size_t n, float weight)
{
	struct topicscan *t = arg;
	const char *st;
	size_t sl;

	(void)weight;
	st = stem_word(t->s, t->lang, w, n, &sl);
	wseq_add(&t->seq, w, n, st, sl);
}

static void
topic_concept(void *arg, uint32_t concept, size_t from, size_t to)
{
	struct topicscan *t = arg;

	(void)from;
	(void)to;
	t->row[concept] |= t->bit;
}

/* Marks in t->row the concepts that text names, with t->bit. */
static void
topic_scan(struct topicscan *t, const char *text, uint8_t bit)
{
	char *f;
	size_t flen;
	int li;

	if (text == NULL || *text == '\0')
		return;
	t->bit = bit;
	f = lang_fold_alloc(text, strlen(text), &flen);
	wseq_reset(&t->seq);
	lang_split(f, flen, 1, topic_word, t, 1);
	free(f);
	if (t->seq.n == 0)
		return;
	if ((li = lx_lang_of(t->s, t->s->langs[t->lang].code)) >= 0)
		lx_match_lang(t->s, li, &t->seq, t->seq.stem, topic_concept, t);
	if (t->s->lxstar >= 0)
		lx_match_lang(t->s, t->s->lxstar, &t->seq, t->seq.raw,
		    topic_concept, t);
}

/* What each page is about, for search_decide(): the lexicon concepts its
 * title names (PT_TITLE). A page's title says what it answers ("Someone I
 * know was arrested"); its headings name too much (measured on the tune
 * halves: headings as well as titles answered uncovered questions). */
static void
page_topics_build(struct search *s)
{
	const struct guide *g = s->g;
	size_t nc, pg;
	struct topicscan t;

	s->npages = guide_npages(g);
	if (s->lx == NULL || s->npages == 0)
		return;
	nc = lexicon_nconcepts(s->lx);
	s->pagetopic = xcalloc(s->npages * nc + 1, 1);
	s->ptsubj = xcalloc(s->npages + 1, 1);
	memset(&t, 0, sizeof(t));
	t.s = s;
	for (pg = 0; pg < s->npages; pg++) {
		size_t first = guide_page_first_section(g, pg);
		size_t nsec = guide_page_nsections(g, pg);

		if (nsec == 0)
			continue;
		t.lang = s->seclang[first];
		t.row = s->pagetopic + pg * nc;
		topic_scan(&t, guide_page_title(g, pg), PT_TITLE);
		if (guide_page_asks(g, pg)[0] != '\0')
			continue;
		for (size_t c = 0; c < nc; c++)
			if ((t.row[c] & PT_TITLE) && !s->cweak[c])
				s->ptsubj[pg] |= s->csubj[c];
	}
	wseq_release(&t.seq);
}

/* How many sections of page pg carry concept c (in language li)? */
static size_t
page_concept_secs(const struct search *s, uint32_t pg, uint8_t li,
    uint32_t c)
{
	char tok[WORD_MAX];
	size_t n = concept_token(s, c, tok), secs = 0;
	uint32_t t;

	if (n == 0 || (t = lookup(s, li, tok, n)) == NONE)
		return 0;
	for (uint32_t k = 0; k < s->terms[t].npost; k++) {
		const struct posting *p = &s->posts[s->terms[t].post + k];

		secs += s->secpage[p->sec] == pg && !p->asked;
	}
	return secs;
}

/* How page pg (sections of language li) treats concept c: PAGE_ABSENT
 * (no section carries it), PAGE_MENTIONS (some section's text names it,
 * but nothing that says what the page is about: its title, headings,
 * keywords) or PAGE_ABOUT. A concept's posting scores fully (f = 1) only
 * where the section's heading or keywords, or its page's title, headings
 * or keywords name it: the index's own test of a passing mention
 * (W_MENTION), read back here. */
enum page_about { PAGE_ABSENT, PAGE_MENTIONS, PAGE_ABOUT };

static enum page_about
page_about_concept(const struct search *s, uint32_t pg, uint8_t li,
    uint32_t c)
{
	char tok[WORD_MAX];
	size_t n = concept_token(s, c, tok);
	enum page_about a = PAGE_ABSENT;
	uint32_t t;

	if (n == 0 || (t = lookup(s, li, tok, n)) == NONE)
		return PAGE_ABSENT;
	for (uint32_t k = 0; k < s->terms[t].npost; k++) {
		const struct posting *p = &s->posts[s->terms[t].post + k];

		if (s->secpage[p->sec] != pg || p->asked)
			continue;
		if (p->f >= 1)
			return PAGE_ABOUT;
		a = PAGE_MENTIONS;
	}
	return a;
}

/* How specific concept c is in language li: its idf there, or the top
 * idf when no section of that language uses it. */
static double
concept_idf(const struct search *s, uint32_t c, int li)
{
	char tok[WORD_MAX];
	size_t n = concept_token(s, c, tok);
	uint32_t t;

	if (n == 0 || (t = lookup(s, (uint8_t)li, tok, n)) == NONE)
		return s->langs[li].idf_max;
	return s->terms[t].idf;
}

/* Can concept c of question word i be its key concept? Not a weak one, a
 * subject (the subject test is apart), a name (a guide's advice on
 * accounts applies to LinkedIn's, named or not) or a law question ("is it
 * illegal", "est-il légal": how the question is asked, not what about;
 * carried by no page, it made every page lack the key and left "est-il
 * légal que mon mari lise mes messages" with no list at all; s18-fixlaw);
 * and found in the question's language (or "*"), not through a
 * look-alike word of another language (French "marche" is not Spanish
 * "marcha"). */
static int
key_candidate(const struct search *s, const struct qwords *q, size_t i,
    size_t k, int lxq)
{
	uint32_t c = q->c[i][k], ok = 0;

	if (s->cweak[c] || s->csubj[c] || s->cname[c] || s->claw[c])
		return 0;
	if (lxq >= 0)
		ok |= 1u << lxq;
	if (s->lxstar >= 0)
		ok |= 1u << s->lxstar;
	return lxq < 0 || (q->clx[i][k] & ok) != 0;
}

#define KEYS_MAX	8	/* specific concepts of a question looked at */

/*
 * For search_decide(): the question's key concepts are its specific ones:
 * those key_candidate() keeps (lang: the question's language, NULL when
 * unknown) that at most SEARCH_KEY_DF sections of that language carry
 * themselves (else of the guide's main language; a concept no section
 * uses is the most specific there is). A hit whose page carries none of
 * them answers something else than what is asked: lacks_key. What a page
 * carries is read from the pages at index time, so a guide that gains a
 * page on routers answers router questions, with no list to keep.
 */
static void hits_topics(const struct search *s, const struct qwords *q,
    const char *lang, int qli, struct search_hit *hits, size_t nhits);

/*
 * A page's introduction (its heading is its title: "Devices Seized") says
 * what the page is about, and a workflow's list of questions
 * (section_router(): "Start by answering some simple questions") asks
 * which case the person is in; a step of the page says what to do. On a
 * page without asks, such a first hit gives the first place to the best
 * other section of its page among the SEARCH_AGREE_HITS best that is
 * neither (nor the side of a pair the question is not in), meets a word
 * of the question of its own (not only its page's title or keywords:
 * s->scr->local) and scores W_YIELD of it or more: its index, else 0.
 * Not a list of questions for a question that says the person does not
 * know (ask.unknown: hits_router() wants it first), and never while
 * calibrating (page text asks nothing).
 */
static size_t
page_step(const struct search *s, const struct search_hit *hits,
    size_t nhits)
{
	const struct scratch *sc = s->scr;
	uint32_t top;

	if (nhits < 2 || W_YIELD <= 0 || s->calibrating)
		return 0;
	top = hits[0].section;
	if (!s->intro[top] && !(s->router[top] &&
	    !(sc->qbranch & ASK_UNKNOWN)))
		return 0;
	if (guide_page_asks(s->g, hits[0].page)[0] != '\0')
		return 0;
	for (size_t k = 1; k < nhits && k < SEARCH_AGREE_HITS; k++) {
		uint32_t sec = hits[k].section;

		if (hits[k].page == hits[0].page && !sc->offside[sec] &&
		    !s->intro[sec] && !s->router[sec] && sc->local[sec] > 0 &&
		    hits[k].score >= W_YIELD * hits[0].score)
			return k;
	}
	return 0;
}

/*
 * A page's closing part ("When to ask for a human",
 * search_section_closing()) says when to ask a person; its words name the
 * page's situations again ("if the fake is used to collect money").
 * When it is first, the best step of its page among the SEARCH_AGREE_HITS
 * best (not the side of a pair the question is not in, not the page's
 * own text) that scores W_CLOSING of it or more takes its place: its
 * index, else 0.
 */
static size_t
closing_step(const struct search *s, const struct search_hit *hits,
    size_t nhits)
{
	const struct scratch *sc = s->scr;

	if (nhits < 2 || W_CLOSING <= 0 || s->calibrating ||
	    !s->closing[hits[0].section])
		return 0;
	for (size_t k = 1; k < nhits && k < SEARCH_AGREE_HITS; k++) {
		uint32_t sec = hits[k].section;

		if (hits[k].page == hits[0].page && !sc->offside[sec] &&
		    !s->intro[sec] && !s->router[sec] &&
		    (!hits[k].off_subject || hits[0].off_subject) &&
		    hits[k].score >= W_CLOSING * hits[0].score)
			return k;
	}
	return 0;
}

/* The page title decides between pages, a section's own words inside its
 * page. The side of a branch pair the question's own words chose
 * (hits_branch(): picked) among the SEARCH_AGREE_HITS best of the best
 * hit's page, scoring W_PICKED of it or more, takes its place when the
 * best hit is neither such a side nor a branch. Else a section of the
 * best hit's page among the SEARCH_AGREE_HITS best
 * that scores at least SIBLING_NEAR of it and covers SIBLING_COVER more of
 * the question takes its place (the most covering one, its own heading
 * share with it; the closest hits only, so that the order does not
 * depend on how many hits the caller asks for; never one off the
 * question's subject over one on it, which SUBJECT_OTHER put below on
 * purpose). Else a page's introduction or list of questions gives its
 * place to a step of its page (page_step()). Else, when the
 * best hit is a page's first section (its heading is the
 * title), another section of that page takes its place if it scores more
 * than the first section does without the heading bonus the title gives
 * it; failing that, the section of the page in the hits that scores most
 * on the words the page's title and keywords do not carry (s->scr->local:
 * what is its own, not the page's; not a list of questions, but for an
 * ask.unknown question: "What happened?" is no answer to "police took my
 * laptop"), if that beats the first section on the same words. The two
 * change places (and scores: the order, and the page's score at its top,
 * stay); the one now first keeps the larger
 * heading share of the two, the title's match being its page's. */
static void
hits_within_page(const struct search *s, struct search_hit *hits,
    size_t nhits)
{
	const double *local = s->scr->local;
	/* The side of a pair the question is not in is no sibling to put
	 * first: hits_branch() chose between the two. */
	const uint8_t *off = s->scr->offside;
	struct search_hit h;
	double top;
	size_t k, j = 0;
	int picked;

	/* The side of a branch pair the question's own words chose ("je
	 * peux plus rentrer", "ils me l'ont rendu", "j'ai encore accès")
	 * goes before a part of its page that only shares its words. */
	if (nhits >= 2 && W_PICKED > 0 && !s->calibrating &&
	    !s->scr->picked[hits[0].section] &&
	    !(s->branch[hits[0].section] & BRANCH_IF))
		for (k = 1; k < nhits && k < SEARCH_AGREE_HITS; k++)
			if (hits[k].page == hits[0].page &&
			    s->scr->picked[hits[k].section] &&
			    hits[k].score >= W_PICKED * hits[0].score) {
				j = k;
				break;
			}
	picked = j > 0;
	/* Inside a page, a near tie goes to the section that covers clearly
	 * more of the question: its siblings share the page's words, so
	 * what is left between them is how much of the question each one
	 * answers. */
	for (k = 1; !picked && k < nhits && k < SEARCH_AGREE_HITS; k++)
		if (hits[k].page == hits[0].page && !off[hits[k].section] &&
		    hits[k].score >=
		    SIBLING_NEAR * hits[0].score && hits[k].coverage >
		    hits[0].coverage + SIBLING_COVER &&
		    (!hits[k].off_subject || hits[0].off_subject) &&
		    (j == 0 || hits[k].coverage > hits[j].coverage))
			j = k;
	if (j == 0)
		j = page_step(s, hits, nhits);
	if (j == 0)
		j = closing_step(s, hits, nhits);
	if (j > 0) {
		h = hits[j];
		hits[j] = hits[0];
		hits[j].score = h.score;
		top = hits[0].score;
		hits[0] = h;
		hits[0].score = top;
		return;
	}
	if (nhits < 2 || !s->intro[hits[0].section])
		return;
	for (k = 1; k < nhits; k++)
		if (hits[k].page == hits[0].page && hits[k].score >
		    s->scr->plain[hits[0].section])
			break;
	if (k == nhits)
		for (j = 1, k = 0; j < nhits; j++)
			if (hits[j].page == hits[0].page &&
			    local[hits[j].section] > local[hits[k].section] &&
			    (!s->router[hits[j].section] ||
			    (s->scr->qbranch & ASK_UNKNOWN)))
				k = j;
	/* The pair's evidence says the question is in the other side. */
	if (k > 0 && k < nhits && off[hits[k].section]) {
		for (j = 1; j < nhits && hits[j].section !=
		    s->pair[hits[k].section]; j++)
			;
		k = j;
	}
	if (k == 0 || k == nhits)
		return;
	h = hits[k];
	top = hits[0].score;
	hits[k] = hits[0];
	hits[k].score = h.score;
	hits[0] = h;
	hits[0].score = top;
	if (hits[0].heading < hits[k].heading)
		hits[0].heading = hits[k].heading;
}

#define RAW_WORDS	64	/* words of a question or an ask compared */

/* The words of n bytes of folded text at p (lang_fold_buf()), every one
 * (stop words too), at most RAW_WORDS: their starts and lengths; how
 * many, or RAW_WORDS + 1 when there are more. A word is a run of letters
 * and digits; anything else (spaces, "¿", "¡", "«", quotes) parts them. */
static size_t
raw_words(const char *p, size_t n, const char **w, size_t *len)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, k = 0, b = 0, cl;
	uint32_t c;
	int in = 0, word;

	for (;;) {
		if (i < n && s[i] < 0x80) {
			cl = 1;
			word = lang_is_word_cp(s[i]);
		} else if (i < n) {
			if ((cl = util_utf8_decode(s + i, n - i, &c)) == 0)
				cl = 1;
			word = cl > 1 && lang_is_word_cp(c);
		} else
			word = 0;
		if (word && !in) {
			if (k == RAW_WORDS)
				return RAW_WORDS + 1;
			b = i;
			in = 1;
		} else if (!word && in) {
			w[k] = p + b;
			len[k++] = i - b;
			in = 0;
		}
		if (i >= n)
			return k;
		i += cl;
	}
}

/* How alike the words of a and b (an, bn bytes) are, every word counted
 * once, stop words too, both folded (lang_fold_buf(): case and accents
 * aside, so "¿Cómo los contacto?" is "como los contacto"): Dice, 0 to 1;
 * 0 when either has fewer than two words or more than RAW_WORDS. */
static double
raw_dice(const char *a, size_t an, const char *b, size_t bn)
{
	const char *wa[RAW_WORDS], *wb[RAW_WORDS];
	size_t la[RAW_WORDS], lb[RAW_WORDS], na, nb, same = 0;
	unsigned char used[RAW_WORDS] = { 0 };
	char *fa, *fb;

	fa = lang_fold_alloc(a, an, &an);
	fb = lang_fold_alloc(b, bn, &bn);
	na = raw_words(fa, an, wa, la);
	nb = raw_words(fb, bn, wb, lb);
	if (na >= 2 && nb >= 2 && na <= RAW_WORDS && nb <= RAW_WORDS)
		for (size_t i = 0; i < na; i++)
			for (size_t j = 0; j < nb; j++)
				if (!used[j] && la[i] == lb[j] &&
				    memcmp(wa[i], wb[j], la[i]) == 0) {
					used[j] = 1;
					same++;
					break;
				}
	free(fa);
	free(fb);
	if (na < 2 || nb < 2 || na > RAW_WORDS || nb > RAW_WORDS)
		return 0;
	return 2.0 * (double)same / (double)(na + nb);
}

/*
 * The section whose own ask reads like the question (search_hit.exact),
 * or NONE: nexact sections and titles have an ask of similarity
 * EXACT_ASK or more, the best of them who. It must be the only one (when
 * another section's ask reads as much like the question, the asks do not
 * settle it), a section's rather than a title's, in the question's
 * language (qli; through the lexicon's concepts an ask in another
 * language can read like it, and that page's own section then does not
 * answer in the question's language), and its folded words, stop
 * words too, must be as like the question's (raw_dice(), EXACT_ASK): the
 * similarity weighs content words only, and "what should i not do on a
 * hacked phone" has the same two as "my phone was hacked"; "when are you
 * open" has one, which alone says little.
 */
static uint32_t
exact_section(const struct search *s, const char *text, int qli,
    size_t nexact, long who)
{
	const struct ask *k;
	const char *line;
	size_t n;

	if (nexact != 1 || who < 0)
		return NONE;
	k = &s->asks[who];
	if (k->sec == NONE || (qli >= 0 && (int)s->seclang[k->sec] != qli))
		return NONE;
	line = text_line(guide_section_asks(s->g, k->sec), k->line, &n);
	return line != NULL && raw_dice(text, strlen(text), line, n) >=
	    EXACT_ASK ? k->sec : NONE;
}

/* The hit whose own ask reads like the question (exact_section()) goes
 * first, the others keeping their order: search_decide() answers it unless
 * its page or the question's subject refuses it (answer_refused()). */
static void
hits_exact(struct search_hit *hits, size_t nhits)
{
	struct search_hit h;
	size_t k;

	for (k = 1; k < nhits && !hits[k].exact; k++)
		;
	if (k >= nhits)
		return;
	h = hits[k];
	memmove(&hits[1], &hits[0], k * sizeof(*hits));
	hits[0] = h;
}

/* Do pages a and b (not one page) have the same file name but for their
 * language suffix or folder (guide.c reads a page's language from them)?
 * Then b is a in another language (page_translates()), or a held twice
 * (page_twin()). */
static int
page_same_stem(const struct search *s, size_t a, size_t b)
{
	const char *x, *y;
	size_t nx, ny;

	if (a == b || s->g == NULL)
		return 0;
	x = guide_page_stem(s->g, a, &nx);
	y = guide_page_stem(s->g, b, &ny);
	return nx > 0 && nx == ny && memcmp(x, y, nx) == 0;
}

/* Is page b page a in another language? */
static int
page_translates(const struct search *s, size_t a, size_t b)
{
	return page_same_stem(s, a, b) && strcmp(guide_page_lang(s->g, a),
	    guide_page_lang(s->g, b)) != 0;
}

/* Is page b page a held twice in one language: the same file name in
 * another folder read as the same language (a page a folder's language
 * lacks, left untranslated: the DFAK's fr/Resources.md is English)? */
static int
page_twin(const struct search *s, size_t a, size_t b)
{
	return page_same_stem(s, a, b) && strcmp(guide_page_lang(s->g, a),
	    guide_page_lang(s->g, b)) == 0;
}

/* Is page b page a held twice under two names: the same language, and
 * section for section the same text (the DFAK's seed copy of a page)? */
static int
page_copy(const struct search *s, size_t a, size_t b)
{
	size_t fa, fb, n;

	if (a == b || strcmp(guide_page_lang(s->g, a),
	    guide_page_lang(s->g, b)) != 0 ||
	    (n = guide_page_nsections(s->g, a)) !=
	    guide_page_nsections(s->g, b) || n == 0)
		return 0;
	fa = guide_page_first_section(s->g, a);
	fb = guide_page_first_section(s->g, b);
	for (size_t k = 0; k < n; k++)
		if (!same_text(guide_section_text(s->g, fa + k),
		    guide_section_text(s->g, fb + k)))
			return 0;
	return 1;
}

/*
 * Per page, the index's languages it is held in: its sections' own, and
 * those of every page that translates it (page_translates()) or copies
 * it (page_copy()), and so on. Not its folder's: the DFAK's
 * fr/Resources.md is in English, and a French question ranked every
 * Resources section as the English copy of a French page (LANG_OTHER)
 * under the French introductions of the kit; the guide lacks the page
 * in French (LANG_ABSENT), as it lacks EstablishingTrust (s18-drank2).
 */
static void
page_langs_build(struct search *s)
{
	size_t np = guide_npages(s->g);
	int more = 1;

	s->pagelangs = xcalloc(np + 1, sizeof(*s->pagelangs));
	for (size_t k = 0; k < s->nsec; k++)
		s->pagelangs[s->secpage[k]] |= 1u << s->seclang[k];
	while (more) {
		more = 0;
		for (size_t a = 0; a < np; a++)
			for (size_t b = 0; b < np; b++) {
				uint32_t had = s->pagelangs[b];

				if ((s->pagelangs[a] & ~had) == 0 ||
				    (!page_translates(s, a, b) &&
				    !page_copy(s, a, b)))
					continue;
				s->pagelangs[b] |= s->pagelangs[a];
				more = 1;
			}
	}
}

/*
 * Is branch section sec one situation's advice for this question
 * (search_hit.branch, which section_picked() answers with)? A lone
 * branch, or a side of a pair the question's words chose (picked), or
 * whose heading or its pair's the question meets with a word the page's
 * title lacks ("access" of "If you still have access to the account"),
 * is; so is the side that goes on (hits_branch()'s choice for want of a
 * word) when the question names no key concept (key_candidate(): "my
 * phone", "mes mails"), or one its page is about: its introduction
 * carries it, or its title or a heading ("cops took", "volé", "hacked":
 * the page's situation). A question whose key concepts are all another
 * situation's ("the border police want my phone password": not lost, not
 * taken) is not in either side: the side is only where the search put
 * the page's words, and the page is offered instead.
 */
static int
branch_stands(const struct search *s, const struct qwords *q, int lxq,
    uint32_t sec)
{
	uint32_t pg = s->secpage[sec], pair = s->pair[sec];
	size_t first = guide_page_first_section(s->g, pg), nkey = 0;

	if (!(s->branch[sec] & BRANCH_IF))
		return 0;
	if (pair == NONE || s->calibrating || s->scr->picked[sec] ||
	    s->scr->headm[sec] == s->scr->qgen ||
	    s->scr->headm[pair] == s->scr->qgen)
		return 1;
	for (size_t i = 0; i < q->count; i++)
		for (size_t k = 0; k < q->nc[i]; k++) {
			uint32_t c = q->c[i][k];

			if (!key_candidate(s, q, i, k, lxq))
				continue;
			nkey++;
			if (sec_has_concept(s, first, c) ||
			    page_about_concept(s, pg, s->seclang[sec], c) ==
			    PAGE_ABOUT)
				return 1;
		}
	return nkey == 0;
}

static void
hits_scope(const struct search *s, const struct qwords *q, const char *lang,
    int qli, struct search_hit *hits, size_t nhits)
{
	uint32_t keys[KEYS_MAX];
	size_t nkeys = 0;
	int li = qli >= 0 ? qli : s->deflang, lxq;
	int lxb = lang != NULL ? lx_lang_of(s, lang) : -1;
	double bar;

	for (size_t k = 0; k < nhits; k++) {
		hits[k].lacks_key = 0;
		hits[k].key_mention = 0;
		hits[k].copy = k > 0 && hits[k].page != hits[0].page &&
		    same_text(guide_section_text(s->g, hits[k].section),
		    guide_section_text(s->g, hits[0].section));
		hits[k].translation = k > 0 &&
		    page_translates(s, hits[0].page, hits[k].page);
		hits[k].twin = k > 0 && page_twin(s, hits[0].page,
		    hits[k].page);
		hits[k].branch = branch_stands(s, q, lxb, hits[k].section);
		hits[k].intro = hits[k].section ==
		    guide_page_first_section(s->g, hits[k].page);
		hits[k].pair = k > 0 &&
		    s->pair[hits[0].section] == hits[k].section;
	}
	hits_topics(s, q, lang, qli, hits, nhits);
	if (s->lx == NULL || li < 0)
		return;
	/* The idf of a concept SEARCH_KEY_DF sections carry (as the index
	 * computes it, less a rounding margin): rarer ones are keys. */
	bar = bm25_idf((double)s->langs[li].nsec, SEARCH_KEY_DF) - 1e-4;
	lxq = lx_lang_of(s, lang != NULL ? lang : s->langs[li].code);
	for (size_t i = 0; i < q->count; i++)
		for (size_t k = 0; k < q->nc[i] && nkeys < KEYS_MAX; k++) {
			size_t j;

			if (!key_candidate(s, q, i, k, lxq) ||
			    concept_idf(s, q->c[i][k], li) < bar)
				continue;
			for (j = 0; j < nkeys && keys[j] != q->c[i][k]; j++)
				;
			if (j == nkeys)
				keys[nkeys++] = q->c[i][k];
		}
	/* Keys absent from the page: lacks_key; carried, but only named in
	 * passing: key_mention. */
	for (size_t k = 0; nkeys > 0 && k < nhits; k++) {
		enum page_about best = PAGE_ABSENT;

		for (size_t j = 0; j < nkeys && best != PAGE_ABOUT; j++) {
			enum page_about a = page_about_concept(s,
			    (uint32_t)hits[k].page,
			    s->seclang[hits[k].section], keys[j]);

			if (a > best)
				best = a;
		}
		hits[k].lacks_key = best == PAGE_ABSENT;
		hits[k].key_mention = best == PAGE_MENTIONS;
	}
}

/*
 * For search_decide(): what each hit's page is about, against the
 * question's topic concepts (those key_candidate() keeps, whatever how
 * many sections carry them; at most SEARCH_TOPICS_MAX): bit j of
 * title_topics when the page's title names topic j, of page_topics when
 * any section of the page carries it.
 */
static void
hits_topics(const struct search *s, const struct qwords *q, const char *lang,
    int qli, struct search_hit *hits, size_t nhits)
{
	uint32_t tc[SEARCH_TOPICS_MAX];
	size_t ntc = 0, nc;
	int li = qli >= 0 ? qli : s->deflang, lxq;

	for (size_t k = 0; k < nhits; k++) {
		hits[k].topics = 0;
		hits[k].title_topics = 0;
		hits[k].page_topics = 0;
		hits[k].page_share = 0;
		hits[k].other_lang = qli >= 0 &&
		    (int)s->seclang[hits[k].section] != qli;
	}
	if (s->lx == NULL || li < 0 || s->pagetopic == NULL)
		return;
	nc = lexicon_nconcepts(s->lx);
	lxq = lx_lang_of(s, lang != NULL ? lang : s->langs[li].code);
	for (size_t i = 0; i < q->count; i++)
		for (size_t k = 0; k < q->nc[i] && ntc < SEARCH_TOPICS_MAX;
		    k++) {
			size_t j;

			if (!key_candidate(s, q, i, k, lxq))
				continue;
			for (j = 0; j < ntc && tc[j] != q->c[i][k]; j++)
				;
			if (j == ntc)
				tc[ntc++] = q->c[i][k];
		}
	for (size_t k = 0; k < nhits; k++) {
		uint32_t pg = (uint32_t)hits[k].page;
		const uint8_t *row = s->pagetopic + pg * nc;

		size_t psec = guide_page_nsections(s->g, pg);

		hits[k].topics = (unsigned)ntc;
		for (size_t j = 0; j < ntc; j++) {
			size_t c = page_concept_secs(s, pg,
			    s->seclang[hits[k].section], tc[j]);
			double share = psec > 0 ? (double)c / (double)psec : 0;

			if (row[tc[j]] & PT_TITLE)
				hits[k].title_topics |= 1u << j;
			if (c > 0)
				hits[k].page_topics |= 1u << j;
			if (share > hits[k].page_share)
				hits[k].page_share = share > 1 ? 1 : share;
		}
	}
}

static int hit_about(const struct search_hit *hit);

/* Does a not-ask of hit's page (guide.h: a question the page does not
 * answer) read like the question, clearly more than any of its asks
 * (NOT_MARGIN)? Or, when nothing marks the hit as being about the
 * question (hit_about(): it answers only on how much of the question its
 * words cover), about as much as its best ask (NOT_ASIDE)? Then the
 * page's hits are no answer (search_decide(): choices or none). */
static int
hit_notask(const struct search_hit *hit)
{
	return hit->notask_id >= 0 && hit->notask > 0 &&
	    hit->notask >= NOT_FLOOR && hit->notask - hit->page_ask >=
	    (hit_about(hit) ? NOT_MARGIN : -NOT_ASIDE);
}

/* Does something mark hit's section as being about the question: its
 * heading shares a word with it, or its page's title names one of its
 * topic concepts; and its page does more than mention the question's key
 * concepts in passing (key_mention)? */
static int
hit_about(const struct search_hit *hit)
{
	return (hit->heading > 0 || hit->title_topics != 0) &&
	    !hit->key_mention;
}

/* hit_refused()'s reason for a hit that covers too little. */
#define HIT_THIN	"the best section covers too little of the question, " \
			"or only in passing"

/*
 * Do the question's words the guide never uses (search_hit.unknown) say
 * its subject is one the guide lacks (not asked of a long question)?
 * Much of the question is such words and hit covers little of it
 * (SEARCH_UNKNOWN_MAX, _COVERAGE); or a short question has some of its
 * weight in them and hit leaves a third of its words or more unmatched:
 * the unmatched words are its subject ("necesito abogado para una
 * demanda laboral", "se me mojó el celular y no prende";
 * SEARCH_UNKNOWN_WORDS, _SOME, _MATCHED).
 */
static int
hit_unknown(const struct search_hit *hit)
{
	if (hit->unknown >= SEARCH_UNKNOWN_MAX &&
	    hit->coverage < SEARCH_UNKNOWN_COVERAGE)
		return 1;
	return hit->words <= SEARCH_UNKNOWN_WORDS &&
	    hit->unknown >= SEARCH_UNKNOWN_SOME &&
	    (double)hit->matched <= SEARCH_UNKNOWN_MATCHED * (double)hit->words;
}

/* Why hit, of a question not long (long_q 0), is no answer by
 * hit_unknown(), in words for --explain; NULL when it is not refused so.
 * hit_refused() and plain_decide() both read it. */
static const char *
hit_unknown_why(const struct search_hit *hit, int long_q)
{
	if (long_q || !hit_unknown(hit))
		return NULL;
	return "the question's own words that the guide does not know say "
	    "its subject is one the guide lacks";
}

/*
 * Why hit, on a page without asks, of a short question (SEARCH_UNKNOWN_WORDS
 * content words or fewer, two or more) is no answer: its page never
 * matches the question's heaviest word the guide knows, its main subject
 * (search_hit.main_missed; s17-fixdu), and the section meets the question
 * in its body rather than its heading (heading share under MISSED_HEADING
 * of its coverage: a heading that names the words matched says the
 * section is about them, the heaviest word being then often a word of
 * the asking, "gratis", "sirve", "abroad"). NULL when it is not refused
 * so.
 */
#define MISSED_HEADING	0.5
static const char *
hit_missed_why(const struct search_hit *hit, int long_q)
{
	if (long_q || !hit->main_missed || hit->words < 2 ||
	    hit->words > SEARCH_UNKNOWN_WORDS ||
	    hit->heading >= MISSED_HEADING * hit->coverage)
		return NULL;
	return "the best section does not name the question's main subject "
	    "(its heaviest word)";
}

/* Why hit is no answer by search_is_answer()'s rules, with the coverage
 * floor of a long question (SEARCH_LONG_COVERAGE, and no unknown-words or
 * aside test) when long_q is set, in words for --explain; NULL when it
 * is one. */
static const char *
hit_refused(const struct search_hit *hit, double min_score, int long_q)
{
	const char *r;

	if (hit == NULL || hit->score < min_score || hit->coverage <
	    (long_q ? SEARCH_LONG_COVERAGE : SEARCH_MIN_COVERAGE_ANY))
		return HIT_THIN;
	if ((r = hit_unknown_why(hit, long_q)) != NULL)
		return r;
	if (hit->matched == 1 && hit->words >= 2 &&
	    hit->rarity < SEARCH_RARE && hit->coverage < SEARCH_MIN_COVERAGE)
		return HIT_THIN;
	/* Nothing says the section is about the question (hit_about()) and
	 * it matches little of it: it mentions the question's words in
	 * passing ("does my fitness watch send my location" on "Your phone
	 * shows who and where you are"). */
	if (!long_q && !hit_about(hit) &&
	    hit->coverage < SEARCH_ASIDE_COVERAGE)
		return HIT_THIN;
	return NULL;
}

/* search_is_answer(), long_q as for hit_refused(). */
static int
hit_is_answer(const struct search_hit *hit, double min_score, int long_q)
{
	return hit_refused(hit, min_score, long_q) == NULL;
}

int
search_is_answer(const struct search_hit *hit, double min_score)
{
	return hit_is_answer(hit, min_score, 0);
}

/* Are the best hits (the first SEARCH_AGREE_HITS) all sections of one
 * page? Then they agree on the question's topic. */
static int
pages_agree(const struct search_hit *hits, size_t n)
{
	if (n > SEARCH_AGREE_HITS)
		n = SEARCH_AGREE_HITS;
	if (n < SEARCH_AGREE_HITS)
		return 0;
	for (size_t k = 1; k < n; k++)
		if (hits[k].page != hits[0].page)
			return 0;
	return 1;
}

/* Is there a rival to the best hit among the SEARCH_AGREE_HITS best: a
 * hit on another page whose title names a topic of the question that the
 * best hit's page never carries? */
static int
has_rival(const struct search_hit *hits, size_t n)
{
	for (size_t k = 1; k < n && k < SEARCH_AGREE_HITS; k++)
		if (hits[k].page != hits[0].page &&
		    (hits[k].title_topics & ~hits[0].page_topics) != 0)
			return 1;
	return 0;
}

/*
 * Do the pages' own asks pick the best hit's page: its best ask (or its
 * page's: search_hit.ask) reads ASK_PICK like the question, and more than
 * that of every hit on another page among the SEARCH_AGREE_HITS best (a
 * copy of its section and its page in another language are not another
 * page)? The asks are the questions each page says it answers; read one
 * by one, they tell pages apart where the scores nearly tie (lead_thin())
 * and where the page prior, which reads them all at once, hesitates
 * (prior_decide(): it puts no other page first, but leads by less than
 * NB_DOUBT).
 */
static int
asks_pick(const struct search_hit *hits, size_t n)
{
	if (n == 0 || hits[0].ask < ASK_PICK)
		return 0;
	for (size_t k = 1; k < n && k < SEARCH_AGREE_HITS; k++)
		if (hits[k].page != hits[0].page && !hits[k].copy &&
		    !hits[k].translation && hits[k].ask >= hits[0].ask)
			return 0;
	return 1;
}

/* Is the best hit's lead thin (SEARCH_LEAD): the next two hits are on
 * other pages than its own (a copy of its own section on another page is
 * the same answer again, and its page in another language is its page:
 * search_hit.copy, search_hit.translation), the better scoring of them
 * nearly ties with it (the page prior orders the hits by score x p(page),
 * so the third may score as high as the first: "how do i change my gmail
 * profile picture", 1.20 for "Report a fake profile" and for "Choosing a
 * provider"; s19-fixdec), it does not cover clearly more of the question
 * (SEARCH_LEAD_COVERAGE), and the pages' asks do not pick its page
 * (asks_pick())? */
static int
lead_thin(const struct search_hit *hits, size_t n)
{
	const struct search_hit *o;

	for (size_t k = 1; k < 3 && k < n; k++)
		if (hits[k].page == hits[0].page || hits[k].copy ||
		    hits[k].translation)
			return 0;
	if (n < 3 || asks_pick(hits, n))
		return 0;
	o = hits[2].score > hits[1].score ? &hits[2] : &hits[1];
	return o->score > SEARCH_LEAD * hits[0].score &&
	    hits[0].coverage - o->coverage < SEARCH_LEAD_COVERAGE;
}

/* A long question whose topics the best hit's page all carries. */
static int
is_long(const struct search_hit *h)
{
	unsigned all = h->topics >= SEARCH_TOPICS_MAX ? ~0u :
	    (1u << h->topics) - 1;

	return h->words >= SEARCH_LONG_WORDS && h->topics > 0 &&
	    (h->page_topics & all) == all;
}

/* How much of its tests a question's coverage must meet: all, or for a
 * long one (is_long()) sqrt(SEARCH_LONG_WORDS / words), as its bar comes
 * down: its many words no page uses dilute its coverage as they do its
 * score (answer_bar(), prior_decide(), hit_unbacked()). */
static double
long_share(const struct search_hit *h)
{
	return is_long(h) ? sqrt((double)SEARCH_LONG_WORDS /
	    (double)h->words) : 1;
}

/*
 * For scripts/fit-decide.py (SF_VETO): the rules it keeps around a fitted
 * model, those that are not a matter of degree: a best hit off the
 * question's subject, lacking its key concept or with a rival page, one
 * that covers less than SEARCH_MIN_COVERAGE_ANY of the question
 * (SEARCH_LONG_COVERAGE for a long one), or, for a question not long,
 * words unknown to the guide that say its subject is one the guide lacks
 * (hit_unknown(), the rule search_decide() reads).
 */
static int
decide_veto(const struct search_hit *hits, size_t n)
{
	const struct search_hit *h = &hits[0];
	int long_q = is_long(h);

	if (h->off_subject || h->lacks_key || has_rival(hits, n))
		return 1;
	if (h->coverage < (long_q ? SEARCH_LONG_COVERAGE :
	    SEARCH_MIN_COVERAGE_ANY))
		return 1;
	return hit_unknown_why(h, long_q) != NULL;
}

static unsigned
bits_count(unsigned v)
{
	unsigned c = 0;

	for (; v != 0; v &= v - 1)
		c++;
	return c;
}

static const char *const feature_names[SEARCH_NFEATURES] = {
	[SF_SCORE] = "score",		[SF_LOGSCORE] = "logscore",
	[SF_R2] = "r2",			[SF_R3] = "r3",
	[SF_MARGIN] = "margin",		[SF_COVERAGE] = "coverage",
	[SF_HEADING] = "heading",	[SF_TITLE] = "title",
	[SF_TITLE_SHARE] = "title_share", [SF_PAGE_TOPICS] = "page_topics",
	[SF_NO_TOPICS] = "no_topics",	[SF_LACKS_KEY] = "lacks_key",
	[SF_OFF_SUBJECT] = "off_subject", [SF_AGREE] = "agree",
	[SF_RIVAL] = "rival",		[SF_UNKNOWN] = "unknown",
	[SF_LOGWORDS] = "logwords",	[SF_MATCHED] = "matched",
	[SF_RARITY] = "rarity",		[SF_OTHER_LANG] = "other_lang",
	[SF_PAGE_SHARE] = "page_share",	[SF_LONG] = "long",
	[SF_ABOUT] = "about",		[SF_ONE_COMMON] = "one_common",
	[SF_LOGCOVERAGE] = "logcoverage", [SF_UNKNOWN_GAP] = "unknown_gap",
	[SF_ASIDE] = "aside",		[SF_VETO] = "veto",
	[SF_PAGE_P] = "page_p",		[SF_PAGE_LEAD] = "page_lead",
	[SF_PRIOR_MOVED] = "prior_moved",
	[SF_ASK] = "ask",		[SF_SIBLING] = "sibling",
	[SF_SIBLING_ASK] = "sibling_ask",
};

const char *
search_feature_name(enum search_feature k)
{
	return (unsigned)k < SEARCH_NFEATURES ? feature_names[k] : "?";
}

void
search_features(const struct search_hit *hits, size_t n, double min_score,
    double f[SEARCH_NFEATURES])
{
	const struct search_hit *h = &hits[0];
	double s1 = h->score > 0 ? h->score : 0, m = min_score > 0 ?
	    min_score : SEARCH_DEFAULT_MIN_SCORE, rel = s1 / m;
	size_t agree = 0;

	for (size_t k = 1; k < n && k < SEARCH_AGREE_HITS; k++)
		agree += hits[k].page == h->page;
	f[SF_SCORE] = rel > 4 ? 4 : rel;
	f[SF_LOGSCORE] = log(rel > 0.05 ? rel : 0.05);
	f[SF_R2] = n > 1 && s1 > 0 ? hits[1].score / s1 : 0;
	f[SF_R3] = n > 2 && s1 > 0 ? hits[2].score / s1 : 0;
	f[SF_MARGIN] = (s1 - (n > 1 ? hits[1].score : 0)) / m;
	if (f[SF_MARGIN] > 4)
		f[SF_MARGIN] = 4;
	f[SF_COVERAGE] = h->coverage;
	f[SF_HEADING] = h->heading;
	f[SF_TITLE] = h->title_topics != 0;
	f[SF_TITLE_SHARE] = h->topics > 0 ?
	    (double)bits_count(h->title_topics) / h->topics : 0;
	f[SF_PAGE_TOPICS] = h->topics > 0 ?
	    (double)bits_count(h->page_topics) / h->topics : 0;
	f[SF_NO_TOPICS] = h->topics == 0;
	f[SF_LACKS_KEY] = h->lacks_key != 0;
	f[SF_OFF_SUBJECT] = h->off_subject != 0;
	f[SF_AGREE] = (double)agree / (SEARCH_AGREE_HITS - 1);
	f[SF_RIVAL] = has_rival(hits, n);
	f[SF_UNKNOWN] = h->unknown;
	f[SF_LOGWORDS] = log(1.0 + (double)h->words);
	f[SF_MATCHED] = h->words > 0 ? (double)h->matched / h->words : 0;
	f[SF_RARITY] = h->rarity;
	f[SF_OTHER_LANG] = h->other_lang != 0;
	f[SF_PAGE_SHARE] = h->page_share;
	f[SF_LONG] = is_long(h);
	f[SF_ABOUT] = hit_about(h);
	f[SF_ONE_COMMON] = h->matched == 1 && h->words >= 2 &&
	    h->rarity < SEARCH_RARE;
	f[SF_LOGCOVERAGE] = log(h->coverage > 0.05 ? h->coverage : 0.05);
	f[SF_UNKNOWN_GAP] = h->unknown * (1 - h->coverage);
	f[SF_ASIDE] = (1 - f[SF_ABOUT]) * (1 - h->coverage);
	f[SF_VETO] = decide_veto(hits, n);
	f[SF_PAGE_P] = h->page_p >= 0 ? h->page_p : 0;
	f[SF_PAGE_LEAD] = h->page_p >= 0 ? h->page_p - h->page_rival : 0;
	f[SF_PRIOR_MOVED] = h->prior_moved != 0;
	f[SF_ASK] = h->ask;
	f[SF_SIBLING] = f[SF_SIBLING_ASK] = 0;
	for (size_t k = 1; k < n && k < SEARCH_AGREE_HITS; k++)
		if (hits[k].page == h->page && !hits[k].copy) {
			f[SF_SIBLING] = s1 > 0 ? hits[k].score / s1 : 0;
			f[SF_SIBLING_ASK] = hits[k].ask - h->ask;
			break;
		}
}

/* The score the best hit must reach (see search.h): min_score, lowered
 * by each piece of evidence other than the score. */
static double
answer_bar(const struct search_hit *hits, size_t n, double min_score)
{
	const struct search_hit *h = &hits[0];
	double bar = min_score;

	if (pages_agree(hits, n))
		bar *= SEARCH_AGREE;
	return bar * long_share(h);
}

/*
 * The page prior's part in the decision (search.h: search_decide()): 1
 * when it forbids an answer (NB_VETO: it moved the search's first hit;
 * NB_GATE: the first hit's page is unlikely), with *why; else 0, and
 * *bar raised when the first hit's page leads the next one by less than
 * NB_DOUBT (a contested page, or one the prior puts behind another),
 * unless the prior puts no other page first and the asks one by one pick
 * that page (asks_pick(): d->picked): they break a hesitation, not a
 * contradiction. When
 * it leads by NB_DOUBT or more and the first hit covers NB_VOUCH_COVER of
 * the question (less for a long one: long_share()), the prior vouches for
 * the page (d->vouched set; a raised bar sets d->doubted): the pages'
 * own asks, read as a whole, say which page the question is about, so
 * the bar comes down (NB_VOUCH_BAR) and the test that doubts the page
 * from a part of the question gives way (answer_refused(): the subject
 * test). A thin lead over another page does not: the prior reads the
 * page from the question's words, not whether the section the search put
 * first is the one asked about, and a rival page's section scoring as
 * high is the search's own doubt (s19-fixdec). A first hit whose page
 * has no asks, or a question with no prior, leaves the decision as it
 * is.
 */
static int
prior_decide(const struct search_hit *hits, size_t n, double *bar,
    enum search_prior *why, struct search_decision *d)
{
	const struct search_hit *h = &hits[0];
	double lead;

	if (NB_VETO > 0 && h->prior_moved) {
		*why = SEARCH_PRIOR_VETOED;
		return 1;
	}
	if (h->page_p < 0)
		return 0;
	if (NB_GATE > 0 && h->page_p < NB_GATE) {
		*why = SEARCH_PRIOR_DOUBTED;
		return 1;
	}
	lead = h->page_p - h->page_rival;
	if (lead < NB_DOUBT) {
		if (!(d->picked = lead >= 0 && asks_pick(hits, n))) {
			d->doubted = 1;
			*bar *= NB_DOUBT_BAR;
		}
	} else if (h->coverage >= NB_VOUCH_COVER * long_share(h)) {
		d->vouched = 1;
		*bar *= NB_VOUCH_BAR;
	}
	*bar *= 1 + NB_GRADE * (1 - lead);
	return 0;
}

/* How many of the SEARCH_AGREE_HITS best hits are on the best hit's page
 * (itself counted). Its page in another language (search_hit.translation)
 * and a copy of its section on a page held twice (search_hit.copy) do not
 * count: either may be the same section again, no second opinion. */
static size_t
page_hits(const struct search_hit *hits, size_t n)
{
	size_t same = 1;

	for (size_t k = 1; k < n && k < SEARCH_AGREE_HITS; k++)
		same += hits[k].page == hits[0].page && !hits[k].copy;
	return same;
}

static int page_within(const struct search_hit *, size_t, double);

/* Is the best hit's page one without asks whose title names a topic
 * concept of the question (search_hit.title_topics; PAGE_TITLED)? Then
 * the page is about the question, whatever else it carries. */
static int
page_titled(const struct search_hit *h)
{
	return PAGE_TITLED > 0 && h->page_p < 0 && h->title_topics != 0;
}

/*
 * How much of the question the best hit must cover for its page to be
 * offered (offer set) or to stand behind an answer (section_clear()):
 * PAGE_COVER; for an offer on a page without asks that no other page
 * shares the SEARCH_AGREE_HITS best hits with (page_within(): copies and
 * translations aside), at most PAGE_ALONE, its sections being all the
 * search found (docs/design.md, "The page when the search has no
 * other").
 */
static double
page_cover(const struct search_hit *hits, size_t n, int offer)
{
	if (offer && PAGE_ALONE > 0 && PAGE_ALONE < PAGE_COVER &&
	    hits[0].page_p < 0 && n >= 2 && !page_within(hits, n, 0))
		return PAGE_ALONE;
	return PAGE_COVER;
}

/*
 * The tests of page_fits() but the agreement: the best hit is close
 * (SEARCH_CHOICE_MIN), on the question's subject, does not lack its key
 * concept, has no rival page, no not-ask of its page refuses it, and it
 * covers page_cover() of the question. For a page offer (offer set), a
 * page without asks whose title names a topic of the question
 * (page_titled()) may lack its key concept. An answer (section_clear())
 * is held to every test.
 */
static int
page_plausible(const struct search_hit *hits, size_t n, int offer)
{
	const struct search_hit *h = &hits[0];

	return h->score >= SEARCH_CHOICE_MIN && !h->off_subject &&
	    !h->subject_only && !h->asks_law &&
	    (!h->lacks_key || (offer && page_titled(h))) &&
	    !has_rival(hits, n) && !hit_notask(h) &&
	    h->coverage >= page_cover(hits, n, offer);
}

/*
 * Is the best hit's page what the question is about, when none of its
 * sections is an answer (search.h: SEARCH_PAGE)? The best hits agree on
 * it (PAGE_HITS of the SEARCH_AGREE_HITS best), the best hit is close
 * (SEARCH_CHOICE_MIN), on the question's subject, does not lack its key
 * concept, has no rival page and no not-ask of its page refuses it, and
 * it covers PAGE_COVER of the question. When the page has asks (the page
 * prior reads it), the prior must not put another page first
 * (PAGE_LEAD) and the hit must cover PAGE_COVER_ASKS of the question: a
 * page with asks draws questions near its subject that it does not
 * answer (measured on replies/' tune halves, docs/design.md). offer: for
 * the page outcome itself, not as a condition of an answer
 * (page_plausible()).
 */
static int
page_fits(const struct search_hit *hits, size_t n, int offer)
{
	const struct search_hit *h = &hits[0];

	if (PAGE_HITS <= 0 || (double)page_hits(hits, n) < PAGE_HITS ||
	    !page_plausible(hits, n, offer))
		return 0;
	if (h->page_p < 0)
		return 1;
	return h->page_p - h->page_rival >= PAGE_LEAD &&
	    h->coverage >= PAGE_COVER_ASKS;
}


/*
 * Is an answer the page's rather than its section's? It reaches its bar
 * only because the three best hits agree on its page (pages_agree():
 * the bar times SEARCH_AGREE), scoring under PAGE_AGREED of the bar
 * without that (not a long question, whose bar comes down for its
 * length); or (share, 0: never) the page's next section scores share of
 * it or more: PAGE_TIE (0) on a page with asks, PAGE_SECTION on one
 * without (plain_decide()). The page is sure, the section is not.
 */
static int
page_tie(const struct search_hit *hits, size_t n, double bar, double share)
{
	if (pages_agree(hits, n) && !is_long(&hits[0]) &&
	    hits[0].score < PAGE_AGREED * bar / SEARCH_AGREE)
		return 1;
	for (size_t k = 1; share > 0 && k < n && k < SEARCH_AGREE_HITS; k++)
		if (hits[k].page == hits[0].page && !hits[k].copy)
			return hits[k].score >= share * hits[0].score;
	return 0;
}

/*
 * Does another page come within share of the best hit: one of the
 * SEARCH_AGREE_HITS best on another page (not a copy of its section nor
 * its page in another language: search_hit.copy, .translation; nor, when
 * twins is 0, its page held twice in one language: .twin) scoring share
 * of it or more?
 */
static int
page_within_twins(const struct search_hit *hits, size_t n, double share,
    int twins)
{
	for (size_t k = 1; k < n && k < SEARCH_AGREE_HITS; k++)
		if (hits[k].page != hits[0].page && !hits[k].copy &&
		    !hits[k].translation && (twins || !hits[k].twin) &&
		    hits[k].score >= share * hits[0].score)
			return 1;
	return 0;
}

/* page_within_twins(), its page held twice counted as another page. */
static int
page_within(const struct search_hit *hits, size_t n, double share)
{
	return page_within_twins(hits, n, share, 1);
}

/* Does another page nearly tie with the best hit (page_within() at
 * PAGE_OTHER)? Then the search is not sure of the page. */
static int
page_contested(const struct search_hit *hits, size_t n)
{
	return page_within(hits, n, PAGE_OTHER);
}

/*
 * Is the best hit's page, on a page without asks, too weak a guess to
 * offer whole (docs/design.md, "Commit to the page")? Its best hit is
 * under the answer bar and fewer than PAGE_SHARE of the page's sections
 * carry any topic concept of the question (search_hit.page_share: the
 * page mentions the subject, it is not about it; "can you pay my
 * lawyer" on the DDoS page's one section naming lawyers), or, a second
 * of the best hits on its page (page_hits()), another page among the
 * SEARCH_AGREE_HITS best (not a copy, not its translation) has
 * PAGE_RIVAL_SHARE more of its sections carrying one: that page is more
 * about the question (a page far ahead of any other, page_plain_fits()'s
 * PAGE_FAR, is not asked this); or the page
 * carries fewer than PAGE_CARRY of the question's topics ("how do i
 * delete my facebook" on Account Hijacking, which names accounts, never
 * deleting one), unless its title names one (page_titled()). A question
 * that names no topic concept is never one.
 */
static int
page_weak(const struct search_hit *hits, size_t n, double bar)
{
	const struct search_hit *h = &hits[0];
	int about = 0;

	if (h->topics == 0)
		return 0;
	for (size_t k = 1; PAGE_RIVAL_SHARE > 0 && page_hits(hits, n) >= 2 &&
	    k < n && k < SEARCH_AGREE_HITS; k++)
		if (hits[k].page != h->page && !hits[k].copy &&
		    !hits[k].translation && hits[k].page_share >=
		    h->page_share + PAGE_RIVAL_SHARE)
			about = 1;
	if (h->score < bar && (h->page_share < PAGE_SHARE || about))
		return 1;
	return !page_titled(h) &&
	    bits_count(h->page_topics) < PAGE_CARRY * h->topics;
}

/*
 * The page outcome on a page without asks (plain_decide()): not a weak
 * guess (page_weak()), and page_fits(), or the page is clear by other
 * evidence than a second hit on it (docs/design.md, "Commit to the
 * page"): the best hit is in the question's language, its page's
 * sections carry a topic concept the question names
 * (search_hit.page_topics), and no other page among the SEARCH_AGREE_HITS
 * best comes within PAGE_FAR of it (page_within()): the runner-up page is
 * far behind. The other tests of page_fits() stand, and PAGE_HITS above
 * SEARCH_AGREE_HITS (no page outcome) holds for both.
 */
static int
page_plain_fits(const struct search_hit *hits, size_t n, double bar)
{
	if (page_weak(hits, n, bar))
		return 0;
	if (page_fits(hits, n, 1))
		return 1;
	return PAGE_HITS > 0 && PAGE_HITS <= SEARCH_AGREE_HITS &&
	    PAGE_FAR > 0 && n >= 2 && !hits[0].other_lang &&
	    hits[0].page_topics != 0 && !page_within(hits, n, PAGE_FAR) &&
	    page_plausible(hits, n, 1);
}

/*
 * Why the best hit's section is no clearer than its page, on a page
 * without asks (NULL: it is clearer): it reaches its bar only through the
 * best hits' agreement (page_tie() with PAGE_AGREED); the page's next
 * section scores PAGE_SECTION of it or more (page_tie()); or the
 * SEARCH_AGREE_HITS best hits are all on its page and its own heading
 * matches less than PAGE_HEADING of the question: the body words that
 * ranked it first are its page's, which its sections share (the DFAK's
 * pages are paths through one subject).
 */
static const char *
section_unclear(const struct search_hit *hits, size_t n, double bar)
{
	if (page_tie(hits, n, bar, 0))
		return "the best section reaches its bar only because the "
		    "best hits agree on its page";
	if (page_tie(hits, n, bar, PAGE_SECTION))
		return "the page's next section nearly ties with the best one";
	if (page_hits(hits, n) >= SEARCH_AGREE_HITS &&
	    hits[0].heading < PAGE_HEADING)
		return "the three best hits are on this page and the best "
		    "one's heading names little of the question";
	return NULL;
}

/*
 * Does the best hit's section stand out, on a page without asks, where
 * its page would be offered (page_fits()): no other page near it
 * (page_contested()) and the page's next section among the
 * SEARCH_AGREE_HITS best scoring under PAGE_CLEAR of it (page_tie())?
 * Then "which part?" has one clear reply, whatever the section's heading
 * or the bar (docs/design.md, "A clear section of a clear page").
 */
static int
section_clear(const struct search_hit *hits, size_t n, double bar)
{
	return PAGE_CLEAR > 0 && page_fits(hits, n, 0) &&
	    !page_contested(hits, n) && !page_tie(hits, n, bar, PAGE_CLEAR);
}

/*
 * Is the best hit's page, on a guide page without asks, off the
 * question's topic: the question names topic concepts (search_hit.topics:
 * specific lexicon concepts, hits_topics()) and no section of the page
 * carries any of them (page_topics 0)? Such a page is never offered
 * whole ("my account was suspended" is no "Account Hijacking, which
 * part?" because both say "account"). *alone is set when no other of the
 * SEARCH_AGREE_HITS best is on its page or on its page in another
 * language (not a copy of its section): one section's words, no second
 * opinion, and then not an answer either.
 */
static int
page_off_topic(const struct search_hit *hits, size_t n, int *alone)
{
	*alone = 1;
	if (PAGE_TOPIC <= 0 || hits[0].topics == 0 ||
	    hits[0].page_topics != 0)
		return 0;
	for (size_t k = 1; k < n && k < SEARCH_AGREE_HITS; k++)
		if ((hits[k].page == hits[0].page && !hits[k].copy) ||
		    hits[k].translation)
			*alone = 0;
	return 1;
}

/*
 * The best other section of the best hit's page among the
 * SEARCH_AGREE_HITS best, not a copy of it, nor its page's introduction
 * (search_hit.intro: what the page is about, not a part of it), nor,
 * SEC_PAIR on, the other side of its branch pair (search_hit.pair: the
 * two headings share every word but the condition's, so they match the
 * same of the question, and the question's words chose between them,
 * hits_branch()): its index, or 0 when there is none.
 */
static size_t
section_next(const struct search_hit *hits, size_t n)
{
	for (size_t k = 1; k < n && k < SEARCH_AGREE_HITS; k++)
		if (hits[k].page == hits[0].page && !hits[k].copy &&
		    !hits[k].intro && !(SEC_PAIR > 0 && hits[k].pair))
			return k;
	return 0;
}

/*
 * Does the best hit's section tie with another part of its page, on a
 * page without asks: the page's next section (section_next()) scores
 * SEC_TIE of it or more and covers as much of the question? Then the
 * search cannot tell the parts apart: the page, not an answer.
 */
static int
section_tied(const struct search_hit *hits, size_t n)
{
	size_t k = section_next(hits, n);

	return SEC_TIE > 0 && k > 0 && hits[k].score >= SEC_TIE *
	    hits[0].score && (hits[k].coverage >= hits[0].coverage ||
	    (SEC_CLOSE > 0 && hits[k].score >= SEC_CLOSE * hits[0].score));
}

/*
 * Does the best hit's section stand out among its page's, where the page
 * would be offered (plain_decide(): "which part?")? It is a part of the
 * page in the question's language (not its introduction, not the
 * fallback language), not tied with another (section_tied()), and its
 * heading opens with a condition (search_hit.branch, SEC_BRANCH: "If your
 * device is still missing", the advice for one situation of the page,
 * which the search put before the page's other parts); or, SEC_COVER on
 * (0: off), its heading names SEC_HEADING of the question, it is about
 * the question (hit_about(): its page does more than mention the
 * question's key concepts in passing) and it covers SEC_COVER more of the
 * question than any other section of its page among the
 * SEARCH_AGREE_HITS best (than nothing, when none is there: "Anti-virus"
 * to "antivirus gratuit lequel"). A question whose own words say its
 * subject may be one the guide lacks (unknown set: hit_unknown()) needs
 * more than the one word a heading shares ("Reports on State-sponsored
 * Malware attacks" to "how do i report a noisy neighbour to the
 * police"): the section matches SEC_MATCHED of its words or more. Then
 * that part is the answer, as any answer is sent: its heading names the
 * page and the part, and MORE reads the page's next part; the other parts
 * are no longer listed (docs/design.md, "The section that stands out").
 */
static int
section_picked(const struct search_hit *hits, size_t n, int unknown)
{
	const struct search_hit *h = &hits[0];
	double other = 0;

	if (h->intro || h->other_lang || section_tied(hits, n))
		return 0;
	if (SEC_BRANCH > 0 && h->branch)
		return 1;
	if (SEC_COVER <= 0 || h->heading < SEC_HEADING || !hit_about(h) ||
	    (unknown && (double)h->matched < SEC_MATCHED))
		return 0;
	for (size_t k = 1; k < n && k < SEARCH_AGREE_HITS; k++)
		if (hits[k].page == h->page && !hits[k].copy &&
		    hits[k].coverage > other)
			other = hits[k].coverage;
	return h->coverage >= other + SEC_COVER;
}

/*
 * search_decide() when the best hit's page has no asks (hits[0].page_p <
 * 0: the scores are all there is to go by; docs/design.md, "Pages
 * without asks"). r is answer_refused()'s reason, NULL when the best hit
 * is an answer by the rule of every page. Such an answer stands only
 * when its page is clear (page_contested(): no other page within
 * PAGE_OTHER of it; else choices, or the page when that other page is
 * only its page held twice in one language, search_hit.twin: the page is
 * not in doubt, the section is; s16-dconf) and so is its section
 * (section_unclear(); else the page), and it does not tie with another
 * part of its page (section_tied(); else the page). A section that
 * stands out on a page that fits (section_clear()) is an answer whatever
 * r or section_unclear() say (*clear set), but for the unknown-words
 * tests (hit_unknown(): a subject the guide lacks, which a clear section
 * does not answer; s16-unc), whose reason (hit_unknown_why()) is then the
 * one given.
 * The page ("which part?") when it fits (page_plain_fits()) and the
 * answer is refused or its section is not clear, unless its best section
 * stands out among the page's parts (section_picked(): a branch heading,
 * "If your device is still missing", or, SEC_COVER on, a heading that
 * names the question and a clear coverage lead): then that part is the
 * answer (*sectioned set; s18-ddec). Else choices, or nothing close.
 * A page that carries none of the question's topics (page_off_topic())
 * is never offered, nor its section an answer without a second hit on
 * it (s12-dunc).
 * *refused (when not NULL) is why there is no answer.
 */
static enum search_outcome
plain_decide(const struct search_hit *hits, size_t n, double bar,
    const char *r, const char **refused, int *clear, int *sectioned)
{
	const char *u = hit_unknown_why(&hits[0], is_long(&hits[0]));
	const char *m = hit_missed_why(&hits[0], is_long(&hits[0]));
	int page = 1, alone, unknown = u != NULL;

	if (page_off_topic(hits, n, &alone)) {
		page = 0;
		if (r == NULL && alone)
			r = "the best section's page carries none of the "
			    "question's topics, and no other hit is on it";
	}
	if (r == NULL && page_contested(hits, n)) {
		r = "another page scores nearly as high";
		page = !page_within_twins(hits, n, PAGE_OTHER, 0);
	} else if (r == NULL)
		r = section_unclear(hits, n, bar);
	if (r == NULL)
		r = m;
	if (r == NULL && section_tied(hits, n))
		r = "another part of its page scores nearly as high and "
		    "covers as much of the question";
	if (u == NULL)
		u = m;
	if (r != NULL && section_clear(hits, n, bar)) {
		/* Not a subject the guide lacks: its own reason. */
		if (u != NULL)
			r = u;
		else {
			r = NULL;
			*clear = 1;
		}
	}
	if (r == NULL) {
		if (refused != NULL)
			*refused = NULL;
		return SEARCH_ANSWER;
	}
	if (page && page_plain_fits(hits, n, bar)) {
		/* The page fits and its best section stands out: that part
		 * (s18-ddec). */
		if (section_picked(hits, n, unknown)) {
			*sectioned = 1;
			r = NULL;
		}
		if (refused != NULL)
			*refused = r;
		return r == NULL ? SEARCH_ANSWER : SEARCH_PAGE;
	}
	if (refused != NULL)
		*refused = r;
	return hits[0].score >= SEARCH_CHOICE_MIN ? SEARCH_CHOICES :
	    SEARCH_NONE;
}

/*
 * Why the best hit, on a page with asks, is not backed by the question
 * (NULL: it is, or its page has no asks: plain_decide() has its own
 * rules). Such a page's asks and the page prior draw everyday questions
 * that share its words ("dark mode in signal", "mute a work group chat")
 * to it, so the first hit must cover ASK_COVER of the question (less of a
 * long one, whose many words no page uses: long_share()) and match
 * MATCH_SHARE of its content words, counted, whatever their weight (one
 * rare word carries coverage, not the question); and when the
 * page prior put
 * it first rather than the search (search_hit.prior_moved), one of its
 * asks must read MOVED_ASK like the question: the prior is sure of a
 * page from a word or two as readily as from a whole question.
 */
static const char *
hit_unbacked(const struct search_hit *h)
{
	if (h->page_p < 0)
		return NULL;
	if (h->coverage < ASK_COVER * long_share(h))
		return "the best section covers too little of the question "
		    "for a page with asks";
	if ((double)h->matched < MATCH_SHARE * (double)h->words)
		return "the best section matches too few of the question's "
		    "words for a page with asks";
	if (h->prior_moved && h->ask < MOVED_ASK)
		return "the page prior put the best section first, and none "
		    "of its asks reads like the question";
	return NULL;
}

/* Why the best hit is no answer at the bar (and after the prior's part:
 * no, it forbids one; vouch, it vouches for the best hit's page), in
 * words for --explain; NULL when it is one. The one rule of an answer:
 * decide() and search_page_why() both read it. */
static const char *
answer_refused(const struct search_hit *hits, size_t n, double bar, int no,
    int vouch)
{
	const char *r;

	/* A section whose own ask reads like the question (hits_exact()):
	 * the asks say what it answers, and only these two refuse it. */
	if (hits[0].exact) {
		if (hits[0].off_subject)
			return "the best section is off the question's subject";
		if (hit_notask(&hits[0]))
			return "a not-ask of its page refuses it";
		return NULL;
	}
	if (hits[0].subject_only)
		return "the question names a subject and nothing of what "
		    "happened";
	if (hits[0].asks_law)
		return "the question asks what the law allows";
	if (no)
		return "the page prior forbids an answer";
	if (hits[0].off_subject && !vouch)
		return "the best section is off the question's subject";
	if (hits[0].lacks_key)
		return "the best section lacks the question's key concept";
	if (has_rival(hits, n))
		return "another page names a topic of the question";
	if (lead_thin(hits, n))
		return "a thin lead over another page";
	if (hit_notask(&hits[0]))
		return "a not-ask of its page refuses it";
	if (hits[0].score < bar)
		return "the best section is under the answer bar";
	if ((r = hit_unbacked(&hits[0])) != NULL)
		return r;
	return hit_refused(&hits[0], bar, is_long(&hits[0]));
}

/*
 * search_decide(), with the page prior's part or without it (prior 0),
 * its record filled into *d (search.h: struct search_decision); *why
 * (when not NULL) says what the prior did, if it forbade an answer.
 */
static enum search_outcome
decide(const struct search_hit *hits, size_t n, double min_score, int prior,
    enum search_prior *why, struct search_decision *d)
{
	enum search_prior w = SEARCH_PRIOR_KEPT;
	const char *r;
	int no = 0, tie;

	memset(d, 0, sizeof(*d));
	d->outcome = SEARCH_NONE;
	if (why != NULL)
		*why = w;
	if (hits == NULL || n == 0) {
		d->refused = "no section matched";
		return SEARCH_NONE;
	}
	d->bar = answer_bar(hits, n, min_score);
	d->exact = hits[0].exact;
	if (prior && !d->exact)
		no = prior_decide(hits, n, &d->bar, &w, d);
	d->forbade = no;
	if (why != NULL)
		*why = w;
	r = answer_refused(hits, n, d->bar, no, d->vouched);
	/* Its own ask reads like the question: no other test (s11-exact). */
	if (d->exact) {
		d->refused = r;
		d->outcome = r == NULL ? SEARCH_ANSWER : hits[0].score >=
		    SEARCH_CHOICE_MIN ? SEARCH_CHOICES : SEARCH_NONE;
		return d->outcome;
	}
	/* A page without asks: plain_decide() (s11-dfak). */
	if (hits[0].page_p < 0) {
		d->plain = 1;
		d->outcome = plain_decide(hits, n, d->bar, r, &d->refused,
		    &d->clear, &d->sectioned);
		return d->outcome;
	}
	tie = r == NULL && page_tie(hits, n, d->bar, PAGE_TIE);
	if (tie)
		r = "the best section reaches its bar only because the best "
		    "hits agree on its page, or the page's next section "
		    "nearly ties with it";
	d->refused = r;
	if (r == NULL)
		d->outcome = SEARCH_ANSWER;
	else if (tie || page_fits(hits, n, 1))
		d->outcome = SEARCH_PAGE;
	else if (hits[0].score >= SEARCH_CHOICE_MIN)
		d->outcome = SEARCH_CHOICES;
	else
		d->outcome = SEARCH_NONE;
	return d->outcome;
}

enum search_outcome
search_decide(const struct search_hit *hits, size_t n, double min_score)
{
	struct search_decision d;

	return decide(hits, n, min_score, 1, NULL, &d);
}

enum search_outcome
search_decide_why(const struct search_hit *hits, size_t n, double min_score,
    struct search_decision *d)
{
	return decide(hits, n, min_score, 1, NULL, d);
}

int
search_page_why(const struct search_hit *hits, size_t n, double min_score,
    char *buf, size_t size)
{
	struct search_decision d;

	if (decide(hits, n, min_score, 1, NULL, &d) != SEARCH_PAGE)
		return 0;
	(void)util_snprintf(buf, size, "page outcome: %zu of the %d best hits "
	    "are on this page%s; %s (score %.2f, bar %.2f); the first covers "
	    "%.2f of the question (a page needs %.2f%s)", page_hits(hits, n),
	    SEARCH_AGREE_HITS, (double)page_hits(hits, n) < PAGE_HITS ?
	    ", no other page comes near it" : "", d.refused, hits[0].score,
	    d.bar,
	    hits[0].coverage,
	    hits[0].page_p >= 0 ? PAGE_COVER_ASKS : page_cover(hits, n, 1),
	    hits[0].page_p >= 0 ? ", its page has asks and the page prior "
	    "puts it first" : "");
	return 1;
}

/* decide() with and without the prior, to tell --explain what it changed. */
enum search_prior
search_prior_effect(const struct search_hit *hits, size_t n,
    double min_score)
{
	struct search_decision d;
	enum search_outcome with, without;
	enum search_prior why;
	size_t k;

	for (k = 0; k < n && hits[k].page_p < 0; k++)
		;
	if (k == n)
		return SEARCH_PRIOR_NONE;
	with = decide(hits, n, min_score, 1, &why, &d);
	without = decide(hits, n, min_score, 0, NULL, &d);
	if (with != SEARCH_ANSWER && without == SEARCH_ANSWER)
		return why == SEARCH_PRIOR_VETOED ? why : SEARCH_PRIOR_DOUBTED;
	if (with == SEARCH_ANSWER && without != SEARCH_ANSWER)
		return SEARCH_PRIOR_VOUCHED;
	return hits[0].prior_moved ? SEARCH_PRIOR_MOVED : SEARCH_PRIOR_KEPT;
}

/* ------------------------------------------------- the guide's own bar */

#define CALIB_PASSAGE	60	/* bytes of a passage: a question's words */
#define CALIB_PER_SEC	3	/* passages of a section, evenly spaced */
#define CALIB_MAX	6144	/* passages asked at most: beyond, each is
				   kept or not by a hash of its own text */
#define CALIB_MIN	60	/* fewer: the guide is too small to tell */
#define CALIB_BAND	50	/* percent of the near misses left out at
				   each end; the bar is the rest's mean
				   (50: the median) */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Passage k of CALIB_PER_SEC of text (len bytes) into q: about
 * CALIB_PASSAGE bytes from an even place, cut at spaces. 0 when the text
 * is too short to have one. */
static size_t
calib_passage(const char *text, size_t len, size_t k, char *q, size_t qsize)
{
	size_t from = len * (2 * k + 1) / (2 * CALIB_PER_SEC), to;

	if (len < 2 * CALIB_PASSAGE)
		return 0;
	if (from + CALIB_PASSAGE > len)
		from = len - CALIB_PASSAGE;
	while (from > 0 && text[from - 1] != ' ')
		from--;
	to = from + CALIB_PASSAGE < len ? from + CALIB_PASSAGE : len;
	while (to < len && text[to] != ' ' && to - from < qsize - 1)
		to++;
	if (to - from >= qsize)
		to = from + qsize - 1;
	memcpy(q, text + from, to - from);
	q[to - from] = '\0';
	return to - from;
}

/*
 * The guide's own answer bar, measured once when the index is built and
 * with no labels: passages of its sections' text asked as questions (in
 * their language), and the best score a section other than the passage's
 * own gets on each. Their median (the mean of the middle of them, were
 * CALIB_BAND under 50) is how high a near miss scores in this guide: a
 * guide whose pages share much vocabulary, or whose words a question
 * meets more often, scores everything higher. Every passage is asked;
 * past CALIB_MAX, each is kept or not by a hash of its own text, so that
 * an edit elsewhere, or one section more, never draws another sample.
 * -1 when the guide has too few passages to tell.
 */
static void
decide_calibrate(struct search *s)
{
	struct search_hit hits[2];
	double *near, sum = 0;
	size_t n = 0, total = 0, lo, hi;
	uint32_t keep = UINT32_MAX;
	char q[CALIB_PASSAGE * 2];

	s->bar = -1;
	s->calibrating = 1;
	for (size_t i = 0; i < s->nsec; i++)
		total += strlen(guide_section_text(s->g, i)) >=
		    2 * CALIB_PASSAGE;
	if (total * CALIB_PER_SEC < CALIB_MIN) {
		s->calibrating = 0;
		return;
	}
	if (total * CALIB_PER_SEC > CALIB_MAX)
		keep = (uint32_t)((double)UINT32_MAX * CALIB_MAX /
		    (total * CALIB_PER_SEC));
	near = xcalloc(total * CALIB_PER_SEC + 1, sizeof(*near));
	for (size_t i = 0; i < s->nsec; i++) {
		const char *t = guide_section_text(s->g, i);
		size_t len = strlen(t);

		for (size_t k = 0; k < CALIB_PER_SEC; k++) {
			size_t m;

			if (calib_passage(t, len, k, q, sizeof(q)) == 0 ||
			    util_hash_str(q) > keep)
				continue;
			m = search_query(s, q, s->langs[s->seclang[i]].code,
			    hits, 2);
			if (m > 0 && hits[0].section != i)
				near[n++] = hits[0].score;
			else if (m > 1)
				near[n++] = hits[1].score;
			else
				near[n++] = 0;
		}
	}
	if (n >= CALIB_MIN) {
		qsort(near, n, sizeof(*near), cmp_double);
		lo = n * CALIB_BAND / 100;
		hi = n - lo > lo ? n - lo : lo + 1;
		for (size_t k = lo; k < hi; k++)
			sum += near[k];
		s->bar = SEARCH_BAR_SHARE * sum / (hi - lo);
	}
	s->calibrating = 0;
	free(near);
}

double
search_min_score(const struct search *s)
{
	double lo = SEARCH_DEFAULT_MIN_SCORE * SEARCH_BAR_LOW,
	    hi = SEARCH_DEFAULT_MIN_SCORE * SEARCH_BAR_HIGH;

	if (s == NULL || s->bar < 0)
		return SEARCH_DEFAULT_MIN_SCORE;
	return s->bar < lo ? lo : s->bar > hi ? hi : s->bar;
}

/* ---------------------------------------------------------- small tools */

struct tokbuf {
	struct buf		 b;
	struct sb_stemmer	*stemmer;
	const char		*lang;
};

static void
tokens_word(void *arg, const char *w, size_t n, float weight)
{
	struct tokbuf *t = arg;
	char buf[STEM_BUF];
	const char *st = NULL;
	size_t sl = 0;

	(void)weight;
	if (t->b.len > 0)
		buf_addc(&t->b, ' ');
	if (t->stemmer != NULL)
		st = stem_run(t->stemmer, t->lang, w, n, buf, &sl);
	if (st != NULL)
		buf_add(&t->b, st, sl);
	else
		buf_add(&t->b, w, n);
}

char *
search_tokens(const char *text, const char *lang)
{
	struct tokbuf t;
	size_t flen, an;
	const char *a;
	char *f;

	buf_init(&t.b);
	if (lang == NULL)
		lang = lang_detect(text);
	t.stemmer = lang ? stemmer_new(lang) : NULL;
	t.lang = lang ? lang : "";
	f = lang_fold_alloc(text, strlen(text), &flen);
	lang_split(f, flen, 0, tokens_word, &t, 1);
	/* The word that addresses the bot, a stopword that query_addressed()
	 * keeps when the guide has the desk's concept ("reach you"). */
	if (t.b.len > 0 && (a = addressing_word(NULL, f, flen, &an)) !=
	    NULL) {
		buf_addc(&t.b, ' ');
		buf_add(&t.b, a, an);
	}
	free(f);
	sb_stemmer_delete(t.stemmer);
	if (t.b.s == NULL)
		buf_adds(&t.b, "");
	return buf_detach(&t.b);
}

/* ------------------------------------------- ranking constants, measured */

/* The fields of rank_params by name (their names in lower case). */
static const struct {
	const char	*name;
	double		*d;
	float		*f;
} tune_fields[] = {
	{ "bm25_k1", &rank_params.bm25_k1, NULL },
	{ "bm25_b", &rank_params.bm25_b, NULL },
	{ "bm25_mindl", &rank_params.bm25_mindl, NULL },
	{ "w_borrowed", &rank_params.w_borrowed, NULL },
	{ "w_heading", NULL, &rank_params.w_heading },
	{ "w_page", &rank_params.w_page, NULL },
	{ "heading_bonus", &rank_params.heading_bonus, NULL },
	{ "sibling_near", &rank_params.sibling_near, NULL },
	{ "sibling_cover", &rank_params.sibling_cover, NULL },
	{ "w_path", NULL, &rank_params.w_path },
	{ "w_title", NULL, &rank_params.w_title },
	{ "w_page_kw", NULL, &rank_params.w_page_kw },
	{ "w_sec_kw", NULL, &rank_params.w_sec_kw },
	{ "w_concept", &rank_params.w_concept, NULL },
	{ "w_claim", &rank_params.w_claim, NULL },
	{ "w_mention", &rank_params.w_mention, NULL },
	{ "w_mention_word", &rank_params.w_mention_word, NULL },
	{ "w_weak", &rank_params.w_weak, NULL },
	{ "subject_other", &rank_params.subject_other, NULL },
	{ "w_prefix", &rank_params.w_prefix, NULL },
	{ "w_typo", &rank_params.w_typo, NULL },
	{ "w_unknown", &rank_params.w_unknown, NULL },
	{ "lang_other", &rank_params.lang_other, NULL },
	{ "lang_absent", &rank_params.lang_absent, NULL },
	{ "w_asks", NULL, &rank_params.w_asks },
	{ "w_ask", &rank_params.w_ask, NULL },
	{ "w_ask_own", &rank_params.w_ask_own, NULL },
	{ "nb_alpha", &rank_params.nb_alpha, NULL },
	{ "nb_beta", &rank_params.nb_beta, NULL },
	{ "nb_k", &rank_params.nb_k, NULL },
	{ "nb_norm", &rank_params.nb_norm, NULL },
	{ "nb_veto", &rank_params.nb_veto, NULL },
	{ "nb_gate", &rank_params.nb_gate, NULL },
	{ "nb_doubt", &rank_params.nb_doubt, NULL },
	{ "nb_doubt_bar", &rank_params.nb_doubt_bar, NULL },
	{ "nb_grade", &rank_params.nb_grade, NULL },
	{ "nb_vouch_bar", &rank_params.nb_vouch_bar, NULL },
	{ "nb_vouch_cover", &rank_params.nb_vouch_cover, NULL },
	{ "not_floor", &rank_params.not_floor, NULL },
	{ "not_margin", &rank_params.not_margin, NULL },
	{ "not_aside", &rank_params.not_aside, NULL },
	{ "ask_cover", &rank_params.ask_cover, NULL },
	{ "moved_ask", &rank_params.moved_ask, NULL },
	{ "exact_ask", &rank_params.exact_ask, NULL },
	{ "ask_pick", &rank_params.ask_pick, NULL },
	{ "match_share", &rank_params.match_share, NULL },
	{ "page_hits", &rank_params.page_hits, NULL },
	{ "page_cover", &rank_params.page_cover, NULL },
	{ "page_cover_asks", &rank_params.page_cover_asks, NULL },
	{ "page_lead", &rank_params.page_lead, NULL },
	{ "page_tie", &rank_params.page_tie, NULL },
	{ "page_agreed", &rank_params.page_agreed, NULL },
	{ "page_other", &rank_params.page_other, NULL },
	{ "page_section", &rank_params.page_section, NULL },
	{ "page_heading", &rank_params.page_heading, NULL },
	{ "page_clear", &rank_params.page_clear, NULL },
	{ "w_term", &rank_params.w_term, NULL },
	{ "w_router_unknown", &rank_params.w_router_unknown, NULL },
	{ "w_branch", &rank_params.w_branch, NULL },
	{ "w_prevent_past", &rank_params.w_prevent_past, NULL },
	{ "w_prevent_before", &rank_params.w_prevent_before, NULL },
	{ "w_warn_acted", &rank_params.w_warn_acted, NULL },
	{ "w_case", &rank_params.w_case, NULL },
	{ "w_case_named", &rank_params.w_case_named, NULL },
	{ "w_name_other", &rank_params.w_name_other, NULL },
	{ "w_page_absent", &rank_params.w_page_absent, NULL },
	{ "w_title_subject", &rank_params.w_title_subject, NULL },
	{ "w_title_head", &rank_params.w_title_head, NULL },
	{ "title_own", &rank_params.title_own, NULL },
	{ "w_yield", &rank_params.w_yield, NULL },
	{ "w_closing", &rank_params.w_closing, NULL },
	{ "w_picked", &rank_params.w_picked, NULL },
	{ "page_topic", &rank_params.page_topic, NULL },
	{ "page_far", &rank_params.page_far, NULL },
	{ "page_share", &rank_params.page_share, NULL },
	{ "page_carry", &rank_params.page_carry, NULL },
	{ "w_links", &rank_params.w_links, NULL },
	{ "page_alone", &rank_params.page_alone, NULL },
	{ "page_titled", &rank_params.page_titled, NULL },
	{ "page_rival_share", &rank_params.page_rival_share, NULL },
	{ "sec_branch", &rank_params.sec_branch, NULL },
	{ "sec_cover", &rank_params.sec_cover, NULL },
	{ "sec_tie", &rank_params.sec_tie, NULL },
	{ "sec_pair", &rank_params.sec_pair, NULL },
	{ "sec_heading", &rank_params.sec_heading, NULL },
	{ "sec_matched", &rank_params.sec_matched, NULL },
	{ "sec_close", &rank_params.sec_close, NULL },
};

/* Name of the i-th ranking constant, or NULL past the last one. */
const char *
search_tune_name(size_t i)
{
	return i < ARRAY_LEN(tune_fields) ? tune_fields[i].name : NULL;
}

/* Value of a ranking constant; -1 when no constant has that name. */
int
search_tune_get(const char *name, double *v)
{
	for (size_t i = 0; i < ARRAY_LEN(tune_fields); i++) {
		if (strcmp(tune_fields[i].name, name) != 0)
			continue;
		*v = tune_fields[i].d ? *tune_fields[i].d : *tune_fields[i].f;
		return 0;
	}
	return -1;
}

/* Sets a ranking constant for indexes made and queries run after it (for
 * measurements only); -1 when no constant has that name. */
int
search_tune_set(const char *name, double v)
{
	for (size_t i = 0; i < ARRAY_LEN(tune_fields); i++) {
		if (strcmp(tune_fields[i].name, name) != 0)
			continue;
		if (tune_fields[i].d != NULL)
			*tune_fields[i].d = v;
		else
			*tune_fields[i].f = (float)v;
		return 0;
	}
	return -1;
}

/* Line `line` (from 0) of text p, n bytes at the result, or NULL when p
 * is NULL or has fewer lines. */
static const char *
text_line(const char *p, uint32_t line, size_t *n)
{
	for (; p != NULL && line > 0; line--) {
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	if (p == NULL)
		return NULL;
	*n = strcspn(p, "\n");
	return p;
}

/* The ask that matched hit best (search_hit.ask_id), n bytes at the
 * result, or NULL; *page (if not NULL) says whether it is its page's. */
const char *
search_hit_ask(const struct search *s, const struct search_hit *hit,
    size_t *n, int *page)
{
	const struct ask *k;

	*n = 0;
	if (hit->ask_id < 0 || (size_t)hit->ask_id >= s->nasks)
		return NULL;
	k = &s->asks[hit->ask_id];
	if (page != NULL)
		*page = k->sec == NONE;
	return text_line(k->sec != NONE ? guide_section_asks(s->g, k->sec) :
	    guide_page_asks(s->g, k->page), k->line, n);
}

int
search_hit_refused(const struct search_hit *hit)
{
	return hit != NULL && hit_notask(hit);
}

/* The not-ask of hit's page that refused it (search_decide() gives no
 * answer from that page), n bytes at the result, or NULL when none did.
 * For --explain on a console only: not-asks are never chat text. */
const char *
search_hit_notask(const struct search *s, const struct search_hit *hit,
    size_t *n)
{
	const struct notask *t;

	*n = 0;
	if (!hit_notask(hit) || (size_t)hit->notask_id >= s->nnots)
		return NULL;
	t = &s->nots[hit->notask_id];
	return text_line(guide_page_notasks(s->g, t->page), t->line, n);
}
