/* Text that must never be broken or altered when a line wraps (issue 11):
 * passport names, passport and DS-160 numbers, e-mail addresses, amounts,
 * and short Chinese parentheticals such as "（虚构）".
 *
 * Pango, left alone, hyphenates a Latin word it has to break
 * ("ILIK‑UERBAN") and breaks between any two Han characters, also inside
 * "（虚/构）".  A name must match the passport letter for letter (DOMAIN.md
 * X4), so no character may be added; a word that does not fit its line
 * overflows instead, where the preflight (preflight.h) sees and reports it.
 */
#ifndef WS_UNBREAKABLE_H
#define WS_UNBREAKABLE_H

#include <pango/pango.h>

/* Adds to `attrs` (for `text`, UTF-8, the layout's whole text):
 *  - no inserted hyphens anywhere;
 *  - no break inside a run of Latin letters, digits and the marks that join
 *    them in names, numbers, dates, e-mail addresses and amounts
 *    (. , @ - _ + / : ' and the like): such a run breaks only at a space,
 *    except an e-mail address or URL in running text (ws_url_break_before);
 *  - nor at the spaces of a number that reads as one: an amount with its
 *    currency code ("EUR 30,000", "185.00 USD"), a phone number in groups
 *    of 2–4 digits, 7 to 15 digits in all ("010-6596 1114",
 *    "+86 10 6596 1114"; after a + the country and area codes may be
 *    one digit, "+33 1 45 68 10 00");
 *  - no break inside a full-width parenthetical of at most
 *    WS_UNBREAKABLE_PAREN_MAX characters, brackets included;
 *  - `cell`: also none inside the names of the office's papers (登记表,
 *    确认单, 照会 …), which a narrow table column would otherwise split
 *    ("登/记表"), nor inside a date written the Chinese way ("1980年1月1日",
 *    a birth date split over two lines reads as two values).  Body text on the GB/T 9704 grid keeps every break, so
 *    its lines stay 28 characters. */
#define WS_UNBREAKABLE_PAREN_MAX 8
void ws_unbreakable_attrs(const char *text, PangoAttrList *attrs, gboolean cell);

/* Issue 12: in running text (not `cell`) an e-mail address or URL, a run
 * w[0..len) of word characters for which ws_is_address() holds, may break
 * before byte i where ws_url_break_before() holds (after / or @, before
 * . ? & = #); names and numbers never.  cjk.c adds the break points. */
gboolean ws_is_address(const char *w, size_t len);
gboolean ws_url_break_before(const char *w, size_t len, size_t i);
/* A character of such a run (letters, digits, . , @ - _ + / : ' & # % = ~ *). */
gboolean ws_word_char(gunichar c);

#endif
