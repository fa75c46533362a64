/* YAML (and JSON) loader: reads one file into a ws_value tree.
 * (Named wsyaml.h, not yaml.h: core/ is on the include path, and a yaml.h
 * there would shadow libyaml's <yaml.h>.)
 *
 * The loader is the only place that sees libyaml.  It builds the tree from
 * parser events, so limits (WS_LIMIT_* in wslimits.h) are checked while the
 * file is read, not after a full tree was built.  Every value and every map
 * key carries the 1-based ws_loc of its first character; columns count
 * Unicode characters.
 *
 * Typing follows the YAML 1.2 core schema for plain (unquoted) scalars:
 *   null, Null, NULL, ~, empty          → null
 *   true/True/TRUE, false/False/FALSE   → bool
 *   decimal numbers (12, -3, 185.00, 1e3) → number, keeping the text
 *   everything else                     → string
 * with two deliberate choices for paperwork data: a number written with a
 * leading zero ("007", "010020", a postal code) and hex/octal forms stay
 * strings, because in this domain they are codes, not quantities; and
 * `.inf`/`.nan` stay strings, while a decimal that overflows (1e400) is an
 * error.  Quoted, literal and folded scalars are strings.  Dates ("2025-03-05")
 * and times ("08:30") stay strings.
 *
 * Strings are normalised to NFC.  Line folding never leaves a space between
 * two CJK characters: in a scalar written over several lines (plain, quoted
 * or folded `>`; not literal `|`), a single space between two CJK characters
 * is removed, because folding turned a line break into it and Chinese text
 * has no inter-word spaces.
 *
 * Refused with an error at file:line:col: syntax errors (tabs used for
 * indentation get their own message), invalid UTF-8, NUL bytes, a
 * byte-order mark other than at the very start (one there is ignored with a
 * warning), duplicate keys (with a note at the first), keys that are not
 * scalars, unknown or cyclic aliases, more than one document, unsupported
 * tags, and every limit of wslimits.h.
 *
 * Aliases share the anchored value (ws_value_ref), they are not copied.
 */
#ifndef WS_WSYAML_H
#define WS_WSYAML_H

#include "common.h"
#include "diag.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loads the single document of the file at `path`.  The file must be a
 * regular file (FIFOs, devices and directories are refused without being
 * read) of at most WS_LIMIT_FILE_SIZE bytes.
 *
 * Returns WS_OK and the document's root in *out (caller unrefs with
 * ws_value_unref(); an empty file yields a null value), or WS_EINPUT (the
 * file has problems) / WS_EIO (it could not be read) / WS_ENOMEM, with the
 * reasons appended to `diags`; *out is then NULL.  Warnings (a leading
 * byte-order mark) may be appended on success. */
WS_EXPORT int ws_yaml_load_file(ws_value **out, const char *path, ws_diags *diags);

/* Same, from memory.  `name` is the file name used in locations (interned);
 * `buf` need not be NUL-terminated. */
WS_EXPORT int ws_yaml_load_buffer(ws_value **out, const char *buf, size_t len,
                                  const char *name, ws_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
