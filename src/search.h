/*
 * search: tokenizer and BM25 index over a loaded guide.
 *
 * Tokens: lang.c's words (folded, elisions cut, stopwords dropped: data
 * in DATADIR/lang/), Snowball stemming (libstemmer) in the text's language.
 * Heading, title and front-matter keywords weigh more than body text.
 *
 * Invariants: search_query() does no allocation proportional to the index,
 * never touches the guide's text, and is safe on any byte string (invalid
 * UTF-8 is skipped). It uses work arrays kept in the index: one query at a
 * time per index (the daemon is single-threaded).
 *
 * Scores: BM25 (k1 1.2, b 0.75) where a section's own words (body, its
 * heading x2, its keywords x3) and the words its page shares with all its
 * sections (title, heading path, page keywords) saturate apart, divided by
 * what the question could score (the idf of each of its words; a word the
 * guide never uses counts as the rarest one); plus 0.6 times the overlap
 * (idf-weighted Dice) of the question and the section's heading; halved
 * for a section in another language than the question's; the words of a
 * section's asks (guide.h, and its page's) are one more field, and the
 * best single ask's similarity to the question (idf-weighted Dice) is
 * added at W_ASK, and the section's own best ask's again at W_ASK_OWN
 * (search.c). So about 1 means
 * "every word found once in the body", more when found in the heading; a
 * question made of words the guide does not use finds nothing. When the
 * guide has asks, the ten best hits are then reordered by score x
 * p(page)^0.1, p the page a naive Bayes over the pages' asks reads in the
 * question (search.c: prior_build()); the scores stay as they are. Each
 * hit carries how like the question the best not-ask of its page is
 * (guide.h: a question the page says it does not answer), measured as the
 * asks are, beside the page's best ask: search_decide() reads them.
 */
#ifndef SECOURS_SEARCH_H
#define SECOURS_SEARCH_H

#include <stddef.h>

struct guide;
struct lexicon;
struct search;

struct search_hit {
	size_t	section;	/* index into the guide */
	double	score;		/* normalised BM25 (see above), higher is better */
	double	coverage;	/* share of the question's idf mass matched */
	double	rarity;		/* idf of its rarest matched word / top idf */
	size_t	words;		/* content words of the question */
	size_t	matched;	/* how many of them the section matches */
	double	unknown;	/* share of the question's weight in words
				   the guide never uses */
	double	heading;	/* share of the question's idf mass the
				   section's own heading matches (or its
				   page's first one's, when it was put
				   before that section: search.c) */
	size_t	page;		/* the page of the section */
	int	off_subject;	/* the question names a subject (lexicon
				   "subject" concept) the section is not
				   about */
	int	lacks_key;	/* the question names key concepts
				   (SEARCH_KEY_DF) and the section's page
				   carries none of them */
	int	key_mention;	/* the question names key concepts and
				   the section's page carries some, but
				   only in passing: no title, heading or
				   keywords of the page name any of them
				   (then the section is not about the
				   question: see SEARCH_ASIDE_COVERAGE) */
	/* The question's topic concepts (key_candidate() in search.c: not
	 * weak, not a subject, not a name; at most SEARCH_TOPICS_MAX) and,
	 * bit j for topic j, those the page's title names and those any
	 * section of the page carries. */
	unsigned	topics;
	unsigned	title_topics;
	unsigned	page_topics;
	/* How much the page is about the question: of the question's topic
	 * concepts, the largest share of the page's sections that carry
	 * one (0 when the question has none). A page ABOUT the subject
	 * carries it in most sections; one that mentions it, in one. */
	double	page_share;
	int	other_lang;	/* the section is in another language than
				   the question's (the fallback) */
	int	copy;		/* the section's text is the best hit's,
				   on another page (a guide that holds a
				   page twice): not a second opinion */
	double	ask;		/* how like the question (idf-weighted Dice)
				   the best of its asks (or its page's) is,
				   0 when none */
	long	ask_id;		/* that ask (search_hit_ask()), or -1 */
	int	exact;		/* one of the section's own asks reads like
				   the question (similarity search.c
				   EXACT_ASK or more, two content words or
				   the same words), and no other section's
				   or title's ask does: the hit is put first
				   and search_decide() answers it unless it
				   is off the question's subject or a
				   not-ask of its page refuses it */
	double	page_ask;	/* the best ask of the hit's page (any of
				   its sections' or its title's), 0 when
				   none */
	double	notask;		/* the best not-ask of the hit's page
				   (guide.h: a question it does not
				   answer), as the asks are measured, 0
				   when none */
	long	notask_id;	/* that not-ask, or -1 */
	double	prior;		/* p(page)^beta of the page prior, which
				   ranks the best hits by score x prior
				   (search.c: hits_prior()); 1 when none */
	double	page_p;		/* the prior's p(page) of its page; -1 when
				   the question had no prior or the page
				   has no asks (it ranks as neutral) */
	double	page_rival;	/* the largest p(page) of another page:
				   page_p - page_rival is how sure the
				   prior is of this page; -1 with page_p */
	int	prior_moved;	/* (the same on every hit) the prior put
				   first another hit than the search's own
				   first, whose page has asks */
	int	translation;	/* the section's page is the best hit's in
				   another language (the same file name
				   but for its language suffix or folder:
				   "page.fr.md", "fr/Page.md") */
	int	twin;		/* the section's page is the best hit's held
				   twice in one language (the same file
				   name in another folder: a page a
				   folder's language lacks, left as it
				   was) */
	int	subject_only;	/* (the same on every hit) the question
				   names what it is about and nothing of
				   what happened: "my account", "phone"
				   (search.c: question_subject_only());
				   never an answer nor a page */
	int	asks_law;	/* (the same on every hit) the question
				   asks what the law allows (search.c:
				   question_law()): never an answer nor a
				   page */
	int	branch;		/* the section's heading opens with a
				   condition (a branch.if word: "If your
				   device is still missing"): one
				   situation's advice on its page */
	int	intro;		/* the section is its page's first: its
				   introduction */
	int	pair;		/* the section is the other side of the
				   best hit's branch pair ("If you no
				   longer have access" to "If you still
				   have access"): the question's words
				   chose between the two (search.c:
				   hits_branch()) */
	int	main_missed;	/* the section leaves unmatched the
				   question's heaviest word, its main
				   subject (s17-fixdu: hit_subject_missed()
				   in search.c) */
};
#define SEARCH_TOPICS_MAX	16

/* Below this score the bot gives no answer, only choices (config
 * guide.min_score overrides it; search_min_score() measures a guide's own,
 * this one is for a guide too small to measure). Measured on tests/fixtures/questions.tsv
 * and the DFAK tune half (bench/dfak-questions.tsv): right answers mostly
 * score 0.8 and up; from 0.5 to 0.8 the wrong ones were as many as the
 * right ones. */
#define SEARCH_DEFAULT_MIN_SCORE 0.8

/*
 * Is hit a good answer? Its score must reach min_score, it must cover at
 * least SEARCH_MIN_COVERAGE_ANY of the question (SEARCH_UNKNOWN_COVERAGE
 * when much of the question is unknown to the guide), and it must not rest
 * on one common word: a hit that matches one word only of a question
 * of two or more words is refused when that word is common in the guide
 * (rarity below SEARCH_RARE) and the rest of the question weighs more than
 * it (coverage below SEARCH_MIN_COVERAGE). "horoscope du jour" scores high
 * on "Mettre à jour le téléphone" through "jour" alone; "cryptocat existe
 * encore" rests on one word too, but a word only Cryptocat's section uses.
 */
#define SEARCH_MIN_COVERAGE	0.4
#define SEARCH_RARE		0.9
/* Whatever its score, a hit that covers less than this share of the
 * question (its idf mass) is not an answer: it rests on a side word. */
#define SEARCH_MIN_COVERAGE_ANY	0.2
/* Nor is one that covers less than SEARCH_UNKNOWN_COVERAGE of a question
 * whose words the guide never uses weigh SEARCH_UNKNOWN_MAX or more of it
 * ("how do i fix a cracked phone screen": the guide knows phones, not
 * repairs). */
#define SEARCH_UNKNOWN_MAX	0.4
#define SEARCH_UNKNOWN_COVERAGE	0.6
/* Nor, in a question of SEARCH_UNKNOWN_WORDS content words or fewer whose
 * unknown words weigh SEARCH_UNKNOWN_SOME or more, a hit that matches at
 * most SEARCH_UNKNOWN_MATCHED of its words: in a short question the words
 * left unmatched are its subject ("necesito abogado para una demanda
 * laboral"; s16-unc: tune folds A and B, replies/ and DFAK, all gain;
 * one right replies/ answer lost, "je pars au maroc pour un reportage,
 * comment preparer mon tel pour la frontiere"; a longer question's
 * unknown words are as often a place or a name, "depuis mon reportage au
 * cameroun"). */
#define SEARCH_UNKNOWN_WORDS	6
#define SEARCH_UNKNOWN_SOME	0.25
#define SEARCH_UNKNOWN_MATCHED	0.67
/* Nor is a hit that nothing marks as being about the question (its
 * heading matches none of the question's words, its page's title names
 * none of the question's topic concepts: title_topics) when it covers
 * less than this share of the question: the page uses the question's
 * words in passing, on another subject ("is my period tracker app sharing
 * my data" on "If your organisation's documents leaked"). The question's
 * words decide, not a list of subjects: measured on the tune halves, 5
 * of 14 confident answers to uncovered questions go, no right answer.
 * A heading or title that matches the question does not mark the section
 * as about it when the question's key concepts are only mentioned on its
 * page (key_mention): "my bank card was stolen" is not answered by a
 * section on scams with stolen data that names card numbers once. */
#define SEARCH_ASIDE_COVERAGE	0.6
/* The rule above for one hit: 1 if it is a good answer at min_score. */
int search_is_answer(const struct search_hit *hit, double min_score);

/* The ask (guide.h: a question the section or its page says it answers)
 * that hit matched best: *n bytes at the result, or NULL when none; *page
 * (unless page is NULL) is 1 when it is its page's ask. For --explain on a
 * console and guide_dump only: asks are never chat text. */
const char *search_hit_ask(const struct search *s,
    const struct search_hit *hit, size_t *n, int *page);

/* The not-ask (guide.h: a question the page says it does not answer) of
 * hit's page that refused it: search_decide() gives no answer from a page
 * whose best not-ask is at least a floor like the question and clearly
 * more like it than the page's best ask (search.c: hit_notask()). *n
 * bytes at the result, or NULL when none refused it. For --explain on a
 * console only: not-asks are never chat text. */
const char *search_hit_notask(const struct search *s,
    const struct search_hit *hit, size_t *n);
/* Does a not-ask of hit's page refuse the question (the rule above)? Then
 * no section of that page is an answer to it: not the first
 * (search_decide()), nor one the bot reads after it on MORE. */
int search_hit_refused(const struct search_hit *hit);
/*
 * The min_score of s's guide when none is configured, measured when the
 * index is built, with no labels (search.c: decide_calibrate()): passages
 * of its sections asked as questions; the median of the best score a
 * section other than a passage's own gets on each (how high a near miss
 * scores in this guide), times SEARCH_BAR_SHARE, kept within
 * SEARCH_BAR_LOW and SEARCH_BAR_HIGH times SEARCH_DEFAULT_MIN_SCORE. A
 * guide with too few passages (under 60) keeps SEARCH_DEFAULT_MIN_SCORE.
 * replies/ gets 1.205 x 0.85 = 1.025; the DFAK 2018 pages, no keywords,
 * 0.726 x 0.85 = 0.617: their right answers, their wrong ones and their
 * near misses all score lower.
 */
double search_min_score(const struct search *s);
/* Is sec its page's closing part, the last one, telling when to type
 * HUMAN ("When to ask for a human")? */
int search_section_closing(const struct guide *g, size_t sec);
#define SEARCH_BAR_SHARE	0.85
#define SEARCH_BAR_LOW		0.5
#define SEARCH_BAR_HIGH		1.5

/*
 * What the bot does with a question, from its hits (best first):
 * SEARCH_ANSWER  the best hit is an answer: search_is_answer() at the bar
 *                below, on the question's subject, not lacks_key, and no
 *                rival page among the SEARCH_AGREE_HITS best hits, and
 *                a lead that is not thin (SEARCH_LEAD), and its page's
 *                not-asks do not refuse it (search_hit_notask()); the
 *                subject and the thin lead are not asked when the page
 *                prior vouches for its page (below); and, on a page with
 *                asks, the question backs it (search.c: hit_unbacked():
 *                it covers 0.42 of the question, a long one aside, and
 *                when the page prior put it first rather than the
 *                search, one of its asks reads 0.35 like the question);
 * SEARCH_PAGE    (in the daemon for pages without asks only: search.c's
 *                page_cover_asks is above 1 and page_agreed 0;
 *                docs/design.md says why) no section is an answer, but
 *                the best hits agree on the best hit's page
 *                (hits[0].page): "this looks like <title>, which part?"
 *                with the page's sections. At least 2 of the
 *                SEARCH_AGREE_HITS best hits are on that page (not its
 *                translation nor a copy of the best hit's section: either
 *                may be that section again), the best hit reaches
 *                SEARCH_CHOICE_MIN, is on the question's subject, does
 *                not lack its key concept, has no rival and no not-ask
 *                of its page refuses it, and it covers at least 0.2 of
 *                the question; when its page
 *                has asks, page_cover_asks, and the page prior puts no
 *                other page before it (search.c: page_fits(), measured
 *                on the tune halves); and, with page_agreed set, an
 *                answer that reaches its bar only through the three best
 *                hits' agreement (search.c: page_tie());
 * SEARCH_CHOICES no answer, but the best hit reaches SEARCH_CHOICE_MIN:
 *                "is it one of these?" with the closest sections;
 * SEARCH_NONE    nothing close: no answer, TOPICS and HUMAN.
 * A page without asks (hits[0].page_p < 0: no prior to go by, as the
 * DFAK's pages) adds its own rules (search.c: plain_decide(), measured on
 * the DFAK tune halves, docs/design.md "Pages without asks"): an answer
 * only when no other page among the SEARCH_AGREE_HITS best scores 0.9 of
 * it (else choices), no other section of its page does, and, when the
 * three best hits are all on its page, its heading matches 0.3 of the
 * question or more (else the page, when the page outcome's rules above
 * let it, or choices). There the page is also offered from one hit on
 * it when no other page among the three best scores 0.7 of it (the hit
 * in the question's language, its page carrying a topic the question
 * names), and never when its page carries under 0.6 of the question's
 * topics, or, the hit under the bar, under 0.15 of its sections carry
 * one (search.c: page_plain_fits(), docs/design.md "Commit to the
 * page"). A page no other page shares the three best hits with is
 * offered from a coverage of 0.1; one whose title names a topic of the
 * question, though it lacks its key concept or carries few of its
 * topics; and one two best hits agree on, under the bar, not when
 * another page among them has 0.1 more of its sections carrying a topic
 * of the question (search.c: page_cover(), page_plausible(), page_weak();
 * docs/design.md "The page when the search has no other"). Where that
 * page would be offered, its best section is the answer instead when its
 * heading opens with a condition ("If your device is still missing"),
 * or its heading names the question, it is about it and it covers 0.21
 * more of the question than the page's other parts (search.c's
 * sec_cover, sec_heading, sec_matched), unless it is the page's
 * introduction, in another language than the question's, or tied: the
 * page's next part (not its introduction, nor the other side of its
 * branch pair) among the three best scoring 0.78 of it and covering as
 * much of the question, a tie that also makes an answer the page
 * (search.c: section_picked(), section_tied(); docs/design.md "The
 * section that stands out").
 * A SEARCH_PAGE is as confident as an answer about the page: measured, a
 * PAGE on a page the label does not name counts as a confident wrong
 * answer.
 * The score bar starts at min_score and only comes down, for evidence
 * other than the score (the factors multiply):
 * - agreement: the SEARCH_AGREE_HITS best hits are sections of one page
 *   (SEARCH_AGREE);
 * - a long question (SEARCH_LONG_WORDS content words or more) whose topic
 *   concepts the page all carries: times sqrt(SEARCH_LONG_WORDS / words),
 *   and coverage judged as for a short one at SEARCH_LONG_COVERAGE (a
 *   frightened person's three sentences carry many words no page uses).
 * A rival: another of the SEARCH_AGREE_HITS best hits, on another page,
 * whose title names a topic concept of the question that the best hit's
 * page never carries: the question may be about that page's subject, so
 * the person chooses. A question naming a subject (account, device,
 * website, person, message) that the best section is not about is never
 * an answer.
 * A thin lead: the next two hits are both on pages other than the best
 * hit's, the second scores more than SEARCH_LEAD of the best, and the
 * best covers less than SEARCH_LEAD_COVERAGE more of the question than
 * the second. Two pages nearly tie and nothing backs the first: the
 * person chooses rather than get a confident guess; unless the pages'
 * asks pick the first hit's page (its best ask reads 0.5 like the
 * question, more than any other page's among the three best: search.c
 * asks_pick()). A hit whose text is
 * the best hit's own (search_hit.copy: a guide holding a page twice), or
 * a section of its page in another language (search_hit.translation), is
 * not another page there.
 * The page prior (search_hit.page_p) moves the bar: when the first
 * hit's page leads the next page by less than 0.75 in p(page) (the prior
 * hesitates, or puts another page first), the bar is 2 times higher,
 * unless the prior puts no other page first and the asks pick the first
 * hit's page (as for a thin lead); when it leads by 0.75 or more and the
 * first hit covers half the question or more (times
 * sqrt(SEARCH_LONG_WORDS / words) for a long question, as its bar), the
 * prior vouches for the page: the bar is 0.7 times
 * the bar, and the subject test does not refuse the hit (the pages' own
 * asks say which page the question is about; search.c: prior_decide(),
 * measured on the tune halves); a thin lead over another page still
 * does. A first hit whose page has no asks, or a guide without asks,
 * keeps the bar and the subject test.
 * Scale: SEARCH_CHOICE_MIN is a score (search.h's top comment); the other
 * factors are shares of min_score, so they follow guide.min_score.
 */
enum search_outcome {
	SEARCH_NONE = 0,
	SEARCH_CHOICES,
	SEARCH_ANSWER,
	SEARCH_PAGE,
};
#define SEARCH_CHOICE_MIN	0.25
/* Measured on the tune halves: 0.8 gains a right answer and no wrong
 * one; 0.6 or 0.7 also answer an uncovered question. */
#define SEARCH_AGREE_HITS	3
#define SEARCH_AGREE		0.8
/* Measured on the tune halves (docs/design.md, "A thin lead"): 0.85
 * cuts confident wrong answers from 75 to 51 for 29 right answers turned
 * into choices that hold them; 0.8 cuts 29 for 42, 0.9 at most 12. A
 * coverage floor instead costs the DFAK pages half their answers. The
 * coverage gap spares a best hit that explains the question and a rival
 * that explains half of it (0.3 to 0.45 change one or two answers). */
#define SEARCH_LEAD		0.85
#define SEARCH_LEAD_COVERAGE	0.4
/* Measured on the tune halves: 8 to 10 words give the same answers; 12
 * two fewer long ones; none of the other sets changes. */
#define SEARCH_LONG_WORDS	10
#define SEARCH_LONG_COVERAGE	0.1
/* A question's concept is a key one (see search_hit.lacks_key) when at
 * most this many sections of its language carry it: the guide says little
 * or nothing about it. Measured on the tune halves: 1 keeps every right
 * answer of the helpdesk set and questions.tsv; 2 and more (idf down to
 * 0.5 of the top) cost right answers for no more refused ones. */
#define SEARCH_KEY_DF		1
/* The outcome for a question's hits, best first (the rules above). */
enum search_outcome search_decide(const struct search_hit *hits, size_t n,
    double min_score);
/*
 * The record of one decision: what search_decide() gave (outcome), the
 * score bar it held the best hit to (bar: min_score after agreement, a
 * long question and the page prior), what the page prior did to that bar
 * (vouched: the bar times its vouch factor, the subject test waived;
 * doubted: a higher bar; forbade: no answer at all; picked:
 * the prior hesitated, putting no other page first, and the pages' asks
 * pick the first hit's page, so no higher bar: search.c asks_pick()), and
 * refused, why the best hit is no answer (NULL for an answer, static
 * text). plain is set when the best hit's page has no asks (search.c:
 * plain_decide()'s rules apply and the prior has no part); exact when
 * its own ask reads like the question (search_hit.exact): then the bar,
 * the page prior and every test but the subject and a not-ask have no
 * part (refused says which of those two refused it); clear when a page
 * without asks gave an answer because its section stands out where the
 * page would be offered (search.c: section_clear()), whatever the bar,
 * the section's coverage or its heading; sectioned when, the page offered
 * there, its best section is the answer instead (search.c:
 * section_picked(): a branch heading, or it covers much more of the
 * question than its page's other best sections).
 */
struct search_decision {
	enum search_outcome	 outcome;
	double			 bar;
	int			 vouched;
	int			 doubted;
	int			 picked;
	int			 forbade;
	int			 plain;
	int			 exact;
	int			 clear;
	int			 sectioned;
	const char		*refused;
};
/* The decision on hits (search_decide()'s) with its record filled into
 * *d: the one rule, so --explain and the fuzzer read what it used. */
enum search_outcome search_decide_why(const struct search_hit *hits,
    size_t n, double min_score, struct search_decision *d);
/* For --explain on a console: when search_decide() gives hits
 * SEARCH_PAGE, one line saying why into buf (size bytes, cut to fit),
 * and 1; else 0 and buf untouched. */
int search_page_why(const struct search_hit *hits, size_t n,
    double min_score, char *buf, size_t size);

/*
 * What the page prior (search_hit.page_p) did to search_decide()'s
 * outcome, for --explain: nothing to go by (no hit's page has asks), kept
 * the search's first hit first, put another first (the outcome as it
 * would be without it), vetoed an answer (it moved the search's first
 * hit: choices), doubted the first hit's page (an answer turned into
 * choices), or vouched for it (choices turned into an answer).
 */
enum search_prior {
	SEARCH_PRIOR_NONE = 0,
	SEARCH_PRIOR_KEPT,
	SEARCH_PRIOR_MOVED,
	SEARCH_PRIOR_VETOED,
	SEARCH_PRIOR_DOUBTED,
	SEARCH_PRIOR_VOUCHED,
};
/* What the prior did (the list above) to the decision on these hits. */
enum search_prior search_prior_effect(const struct search_hit *hits,
    size_t n, double min_score);

/*
 * What search_decide() can know about a question's best hits, as numbers
 * (for scripts/fit-decide.py: test_quality and bench/guide_dump write them
 * out). Scores enter only as shares of min_score (SF_SCORE, SF_LOGSCORE,
 * SF_MARGIN) or of each other (SF_R2, SF_R3): a configured
 * guide.min_score moves the decision with them.
 */
enum search_feature {
	SF_SCORE,	/* best score / min_score, at most 4 */
	SF_LOGSCORE,	/* its log */
	SF_R2,		/* second score / best score (0: no second hit) */
	SF_R3,		/* third score / best score */
	SF_MARGIN,	/* (best - second) / min_score, at most 4 */
	SF_COVERAGE,	/* the best hit's coverage */
	SF_HEADING,	/* its heading's share of the question */
	SF_TITLE,	/* its page's title names a topic of the question */
	SF_TITLE_SHARE,	/* share of the question's topics the title names */
	SF_PAGE_TOPICS,	/* share of them the page carries */
	SF_NO_TOPICS,	/* the question has no topic concept */
	SF_LACKS_KEY,
	SF_OFF_SUBJECT,
	SF_AGREE,	/* share of the 2nd and 3rd hits on the best one's page */
	SF_RIVAL,	/* has_rival() in search.c */
	SF_UNKNOWN,
	SF_LOGWORDS,	/* log(1 + content words) */
	SF_MATCHED,	/* share of the question's words matched */
	SF_RARITY,
	SF_OTHER_LANG,
	SF_PAGE_SHARE,
	SF_LONG,	/* a long question whose topics the page all carries */
	SF_ABOUT,	/* heading overlap or a title topic: not an aside */
	SF_ONE_COMMON,	/* one common word of several matched */
	SF_LOGCOVERAGE,	/* log of the coverage (at least 0.05) */
	SF_UNKNOWN_GAP,	/* unknown x (1 - coverage): much of the question
			   unknown to the guide, little of it covered */
	SF_ASIDE,	/* (1 - about) x (1 - coverage): nothing says the
			   section is about the question, little covered */
	SF_VETO,	/* a rule kept around a model says no (search.c) */
	SF_PAGE_P,	/* the page prior's p(page) of the best hit's page
			   (0: no prior, or a page without asks) */
	SF_PAGE_LEAD,	/* p(page) minus the best other page's (0: none) */
	SF_PRIOR_MOVED,	/* the prior put another hit first */
	SF_ASK,		/* the first hit's best ask (search_hit.ask) */
	SF_SIBLING,	/* the best other section of its page among the
			   three best: its score over the first's (0:
			   none) */
	SF_SIBLING_ASK,	/* that section's ask less the first's */
	SEARCH_NFEATURES
};
/* The features of hits[0] among hits (n > 0) into f. */
void search_features(const struct search_hit *hits, size_t n,
    double min_score, double f[SEARCH_NFEATURES]);
/* A feature's name ("score", "r2"...). Static string. */
const char *search_feature_name(enum search_feature k);

/* Builds an index over every section of g (g must outlive it). */
struct search *search_new(const struct guide *g);
/* The same, with the concepts of lx (may be NULL; must outlive it) added
 * to sections and questions that use one of their terms. */
struct search *search_new_lex(const struct guide *g,
    const struct lexicon *lx);
void search_free(struct search *s);

/* The language of questions whose language is not known (the config's
 * guide.default_language). Until it is set, or when no page of the guide
 * is in code (then -1), it is the language most sections are in. */
int search_set_default_lang(struct search *s, const char *code);

/* Ranks sections for text. lang ("fr", "en", ...) is the question's
 * language; NULL means detect. A question with no language to go by (one
 * word: "pidgin", "signal", a URL, a name; or a language no page is in)
 * is taken in prev (the person's previous language; may be NULL), else in
 * the default language (search_set_default_lang()). Sections in other
 * languages still match, at half their score: the cross-language fallback
 * (the bot says so). Prefix and typo matches are tried only in the
 * question's language and only for words the guide does not use as
 * written. Fills at most max hits, best first (ties: guide order; with
 * the page prior, the ten best by score x prior, the same ten however few
 * are asked for); returns how many. Text beyond 2 KiB or 40 distinct
 * words is ignored. */
size_t search_query_prev(const struct search *s, const char *text,
    const char *lang, const char *prev, struct search_hit *hits,
    size_t max);
/* search_query_prev() with no previous language. */
size_t search_query(const struct search *s, const char *text,
    const char *lang, struct search_hit *hits, size_t max);

/* For tests and --explain: the tokens of text in lang, space-separated.
 * New string; caller frees. */
char *search_tokens(const char *text, const char *lang);

#endif
