/*
 * chat: the one set of rules for chat text, in and out. No I/O, no library.
 *
 * Incoming (chat_text_in): Pidgin sends HTML, other clients plain text.
 * Known tags are stripped (line-breaking ones become newlines), entities
 * decoded, invalid UTF-8 becomes U+FFFD, unwanted characters are dropped
 * and the text is capped. Tabs are kept: they are the person's.
 *
 * Outgoing (chat_text_out): what the bot sends must show as written both in
 * Pidgin, which renders it as HTML, and in Profanity, which shows it as is.
 * In this order:
 *   1. invalid UTF-8 bytes and unwanted characters are dropped (C0 controls
 *      but newline, DEL, C1 controls, U+FFFE, U+FFFF), a tab becomes a
 *      space (tabs and spaces could form an OTR whitespace tag). Dropping
 *      comes first, so that "?O<DEL>TR" cannot become "?OTR" later;
 *   2. '<' and '>' become the single angle quotes U+2039 and U+203A;
 *   3. an '&' that starts an entity Pidgin would read ("&amp;", "&#60;":
 *      1 to 9 letters, digits or '#', then ';') becomes U+FF06;
 *   4. "?OTR" in any case gets a '-' after the '?' ("?-OTR", "?-otr"):
 *      libotr would read it as a protocol message.
 * chat_is_safe() is true exactly for the text chat_text_out() leaves as it
 * is, and chat_text_out()'s result is always safe.
 */
#ifndef SECOURS_CHAT_H
#define SECOURS_CHAT_H

#include <stddef.h>

/* Incoming text made plain: at most max_chars characters. New string;
 * caller frees. */
char *chat_text_in(const char *text, size_t max_chars);

/* Outgoing text made safe by the rules above. New string; caller frees. */
char *chat_text_out(const char *text);

/* 1 if text may be sent as it is, else 0 with *why (if why is not NULL)
 * naming the first problem ("contains a tab"). *why is static. */
int chat_is_safe(const char *text, const char **why);

#endif
