/*
 * intent: what a message is, beyond a question for the guide, decided from
 * words that are data (phrase entries, every loaded language), never C:
 *
 * - danger now: someone is in danger at this moment ("I'm being followed",
 *   "la police est devant chez moi"). Entries: danger_words (signs of danger
 *   happening now), danger_unless (a question about the future or a
 *   hypothesis: "what should I do if", "si un jour"; it covers the whole
 *   message), danger_unless_near (a qualifier, "online", "last year": it
 *   cancels only the danger words of its own clause, the text cut at
 *   . ! ? ; , : newlines and danger_breaks words, "and", "mais"),
 *   danger_now_marks ("right now": neither cancels these). A scene no
 *   phrase says is danger too: a word of each of danger_who (police, men,
 *   a van), danger_act (knocking, surrounding, parked, watching) and
 *   danger_where (my house, the door), in any order. A time to come
 *   (danger_later_words: "tomorrow", "demain") beside danger words
 *   makes them danger later, not now (intent_danger_later());
 *   danger_authority_words in a clause of danger say who it is
 *   (intent_danger_authority()); danger_ordinary ("my neighbour",
 *   "parked wrong") in the clause of a place makes it none ("my
 *   neighbour is at my door"). A message of plea words only (a single
 *   cry, "au secours", "SOS") is a plea, not danger. danger_words_other
 *   holds danger words of languages the desk does not speak ("estou
 *   sendo seguida" in es.txt): they are the file language's.
 * - self-harm: the person may hurt or kill themselves ("I want to kill
 *   myself", "quiero morir"). Entries: self_harm_words, and self_harm_not
 *   (negations that hold a self-harm phrase, "I don't want to die"), whose
 *   words are removed from the text before self_harm_words are looked for.
 *   Something done to the writer (danger_done: "me sigue", "beats me")
 *   is danger with a doer (danger_who, where partners are too: "my
 *   husband") or a mark that it goes on (danger_still: "since", "every
 *   night", "depuis", "desde hace"); danger_not phrases ("me siguen
 *   llegando": they keep coming) are blanked for that match only.
 * - fear with no subject: "j'ai peur", "tengo miedo", "I feel unsafe", or
 *   a threat the writer makes ("I'm going to hurt him"): fear_words, with
 *   nothing else but plea_words, filler_words, stopwords and places
 *   (danger_where, fear_where: "at home", "dans la rue", "en casa").
 * - distress with no subject: "I can't do this anymore", "j'en peux
 *   plus", "ya no aguanto más" (distress_words), with nothing else but
 *   what fear allows beside it (and fear words).
 * - the writer's own arrest: arrest_self ("I was arrested", "me
 *   detuvieron"), past with an arrest_over time in its clause (not after
 *   arrest_since, nor with an arrest_present mark) or an arrest_freed
 *   release in a clause with no arrest_unsure word, not asked;
 *   arrest_held (being held now) is danger, and so is an arrest earlier
 *   today (arrest_today: "arrested + this morning") unless an
 *   arrest_other word names someone else as the one arrested ("my
 *   colleague was arrested this morning").
 * - a plea: a greeting or a call for help with no subject yet ("hello, I
 *   need help", "j'ai besoin d'aide"). Entry: plea_words; the message must
 *   be made of nothing else (and filler_words: "please", "por favor").
 *
 * Each entry holds one phrase per line; "a + b" needs both a and b. Text
 * and phrases are compared folded (lang_fold: case, accents, apostrophes)
 * with every non-letter as a word break, so phrases match whole words.
 * Pure: no I/O.
 */
#ifndef SECOURS_INTENT_H
#define SECOURS_INTENT_H

struct phrases;
struct intent;

/* Reads the entries of every language p has. p may be freed afterwards. */
struct intent *intent_new(const struct phrases *p);
void intent_free(struct intent *i);

/* 1 if text says someone is in danger now. *lang (if lang != NULL) gets
 * the language of the words that matched (borrowed, static); for SOS
 * alone, lang_guess() of the words beside it (NULL: none told). */
int intent_danger(const struct intent *i, const char *text,
    const char **lang);
/* 1 if text tells of danger to come, not now: danger words that only a
 * danger_later_words time beside them qualifies away ("they are going to
 * arrest me tomorrow", "me van a detener mañana"; a now mark does not
 * hold them), or a summons (danger_summons: "convoqué par la police",
 * "estoy convocada") that is no hypothesis. 0 when intent_danger() says
 * 1. *lang as for intent_danger(). */
int intent_danger_later(const struct intent *i, const char *text,
    const char **lang);
/* What to search for danger to come (intent_danger_later()): the words of
 * text (folded) without the danger words and their time, with the
 * danger_later_search words of their language (what to do with the phone
 * before an arrest) when fewer than two words besides stopwords are left;
 * a summons as it is. *own (when not NULL): how many bytes of it are the
 * text's own words. New string; caller frees. */
char *intent_danger_later_rest(const struct intent *i, const char *text,
    size_t *own);
/* 1 if the danger in text comes from the authorities: a
 * danger_authority_words word (police, soldiers, security services,
 * officials, an arrest) in a clause that says danger, once
 * danger_authority_not phrases ("call the police") are blanked, or a
 * clause with an arrest earlier today that names nobody else
 * (arrest_today, no arrest_other). The one test of who the danger is:
 * the emergency number calls them. */
int intent_danger_authority(const struct intent *i, const char *text);
/* The words of text (folded, one space between words) without those that
 * make it danger (danger_words, danger_done and danger_still; danger_act
 * and _where when they make a scene or a doer, whose danger_who words
 * stay: "my husband" points to the partner's pages): what is left to
 * search for guidance after the danger reply; danger_topic phrases in it
 * stay ("death threats", "kill", "arrested": the guide has pages on
 * them). *topic gets INTENT_REST_TOPIC if one did, INTENT_REST_GOES_ON if
 * something done to the writer goes on (a danger_done act with a
 * danger_still mark: "he follows me home every day"), INTENT_REST_ARREST
 * if the writer was arrested or is held themselves: the arrest's words are
 * gone, as for intent_arrested_rest(). New string; caller frees. */
char *intent_danger_rest(const struct intent *i, const char *text,
    int *topic);
#define INTENT_REST_TOPIC	1
#define INTENT_REST_GOES_ON	2
#define INTENT_REST_ARREST	4
/* 1 if text says only that its writer is afraid (or will hurt someone):
 * no subject to search. *lang as for intent_danger(). */
int intent_fear(const struct intent *i, const char *text, const char **lang);
/* 1 if text only asks what to do or for help (ask_words: "what should I
 * do", "que faire", "qué hago"; or a plea), with nothing else but what
 * intent_fear() allows beside it: no subject of its own to search. *lang
 * as for intent_danger(). */
/* 1 if text names a digital subject (digital_words: "account", "piraté",
 * "me hackearon"). */
int intent_digital(const struct intent *i, const char *text);
int intent_bare_ask(const struct intent *i, const char *text,
    const char **lang);
/* 1 if text says only that its writer can't go on (distress_words: "I
 * can't do this anymore", "j'en peux plus", "ya no aguanto más"), with
 * nothing else but what intent_fear() allows beside it, and the wish to
 * talk (distress_talk: "I need someone to talk to"): no subject to
 * search ("...on my old laptop, it's too slow" has one). Exhaustion,
 * despair or maybe self-harm: ask intent_self_harm() first. *lang as for
 * intent_danger(). */
int intent_distress(const struct intent *i, const char *text,
    const char **lang);
/* 1 if text says its writer can't go on (distress_words) beside
 * something done to them (distress_attack: "they hacked everything",
 * "me hackearon", "on m'a piratée") and at most one other word, or with
 * the feeling in a clause of its own ("je suis à bout, mon ex me harcèle
 * sur tous mes comptes"): the check-in comes before the subject. With a
 * question of its own beside them (a '?', distress_question: "how",
 * "comment") it is 0, and the question is searched. *lang as for
 * intent_danger(). */
int intent_distress_attack(const struct intent *i, const char *text,
    const char **lang);
/* The words of text (folded, as intent_danger_rest() gives them) without
 * those of self-harm, distress, fear, urgency, plea and filler: the
 * subject beside a check-in ("my instagram was hacked and i want to
 * die": "my instagram was hacked and"), for the search. *attack gets 1
 * if a distress_attack word is left ("hacked", "me hackearon"): the
 * subject is something done to the writer, a question even in one
 * word. New string; caller frees. */
char *intent_crisis_rest(const struct intent *i, const char *text,
    int *attack);
/* 1 if text only says it is urgent (urgent_words: "urgent", "ayuda
 * urgente", "c'est urgent"), with nothing else but what intent_fear()
 * allows beside it. *lang as for intent_danger(). */
int intent_urgent(const struct intent *i, const char *text,
    const char **lang);
/* 1 if text says its writer may hurt or kill themselves. *lang as for
 * intent_danger(). */
int intent_self_harm(const struct intent *i, const char *text,
    const char **lang);
/* 1 if text says its writer was arrested or detained themselves
 * (arrest_self: "I was arrested", "j'ai été arrêtée", "me detuvieron"),
 * not as a hypothesis (danger_unless). Ask intent_danger() first: an own
 * arrest is danger when it says nothing of being over (intent_danger()
 * blanks it only with an arrest_over time in its clause, "ayer", "last
 * week", not "since yesterday" nor with "today" or "still" anywhere, or
 * a release told, arrest_freed: "they let me go", not "they won't let me
 * go" nor "will they let me go?"); being
 * held now ("estoy detenido") is always danger. *lang as for
 * intent_danger(). */
int intent_arrested(const struct intent *i, const char *text,
    const char **lang);
/* What to search for an own arrest (intent_arrested(), or being held:
 * arrest_held): the words of text (folded) without the arrest, its time
 * and its release, which would find the page for a friend of a detainee;
 * with the arrest_search words of its language (the police took the
 * phone) when always is set or fewer than two words besides stopwords are
 * left. *own (when not NULL): how many bytes of it are the text's own
 * words; the words the bot added follow them. New string; caller frees. */
char *intent_arrested_rest(const struct intent *i, const char *text,
    int always, size_t *own);
/* 1 if text asks whether it is really this desk it talks to (a
 * desk_real word: "trust", "really", "fake", "vraiment", "de verdad", with
 * a desk_who one: "you", the bot, the help desk) or says the desk's
 * fingerprint differs from the one it publishes (desk_key: "fingerprint",
 * "empreinte", "huella", with a desk_mine word: "your", "the website",
 * and desk_differs: "doesn't match", "ne correspond pas", "no coincide";
 * "the security code is different" is a contact's key), or says the app
 * marks it unchecked (desk_unverified: "unverified", "non vérifié":
 * "pidgin says unverified fingerprint"), and nothing else but desk_also
 * words ("how", "sure", "website", "leaflet", "pidgin") and stopwords:
 * "can i trust signal", "my friend's safety number is different" name
 * someone else, and so does a desk_someone word ("someone says they are
 * you"). *why (when not NULL): the lists that matched, for --explain.
 * The one test of a question about checking this desk, whatever the
 * guide (bot.c answers it with the desk's own check). */
int intent_desk_check(const struct intent *i, const char *text,
    const char **why);
/* 1 if text is only a greeting or a plea for help, with no subject. */
int intent_plea(const struct intent *i, const char *text, const char **lang);

#endif
