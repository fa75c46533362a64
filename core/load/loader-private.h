/* Helpers shared by the file loaders (yaml.c, data.c, csvload.c).  Not
 * public API: nothing here is exported from the library. */
#ifndef WS_LOADER_PRIVATE_H
#define WS_LOADER_PRIVATE_H

#include <glib.h>
#include <stdbool.h>
#include "common.h"
#include "diag.h"
#include "value.h"
#include "readfile.h"

/* The 1-based location of byte `offset` of `text` (offset ≤ len).  Lines
 * break at LF, CR LF, lone CR, and at U+0085, U+2028 and U+2029 as libyaml
 * does, so positions agree with the parser's; columns count characters. */
ws_loc ws__loc_at(const char *file, const char *text, size_t len, size_t offset);

/* Checks that `buf` is text wenshu can read: valid UTF-8, no NUL byte, no
 * byte-order mark except at the very start.  A leading BOM is reported as a
 * warning and *skip is set to its length (3), else 0: positions are counted
 * from after it.  Returns WS_OK or WS_EINPUT with an error at the first bad
 * byte. */
int ws__check_text(const char *buf, size_t len, const char *file, size_t *skip,
                   ws_diags *diags);

/* Types a plain scalar by the YAML 1.2 core schema as documented in wsyaml.h.
 * Returns a new value (caller unrefs), or NULL after appending an error
 * ("number out of range") at `loc`.  `text` must be valid UTF-8; strings are
 * returned NFC-normalised. */
ws_value *ws__plain_scalar(const char *text, size_t len, ws_loc loc, ws_diags *diags);

/* Streaming YAML: loads `buf` like ws_yaml_load_buffer(), except that each
 * item of the list under the root map's key `list_key` is handed to `fn`
 * (borrowed for the call) as soon as it is read, and not kept: the list in
 * *root stays empty.  *streamed counts the items handed over.  `fn`
 * returns false to stop reading (the rest of the file is then neither read
 * nor checked, and *root is NULL).  Node limits count what is held at a
 * time, so a long list is not refused for its length. */
typedef bool (*ws__yaml_item_fn)(ws_value *item, void *user);
int ws__yaml_stream(ws_value **root, const char *buf, size_t len, const char *name, const char *list_key,
                    ws__yaml_item_fn fn, void *user, size_t *streamed, ws_diags *diags);

/* `len` bytes of valid UTF-8 in Normalization Form C, newly allocated.
 * Text made only of ASCII, CJK punctuation, unified Hanzi and fullwidth
 * forms is NFC already and is copied as is (most of the office's data:
 * a batch spent a third of its loading time normalizing). */
char *ws__nfc_dup(const char *text, size_t len);

/* True for characters between which Chinese text takes no space: Han,
 * kana, hangul, CJK punctuation and fullwidth forms (East Asian wide). */
bool ws__is_cjk(gunichar c);

/* The CSV loader (csvload.c): reads `buf` (already checked by
 * ws__check_text, BOM skipped) into a new list of group maps, grouped by
 * group.group_id.  Returns WS_OK or WS_EINPUT with diagnostics. */
int ws__csv_load_groups(ws_value **out_groups, const char *buf, size_t len,
                        const char *file, ws_diags *diags);

#endif
