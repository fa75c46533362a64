/* Font preparation: desubroutinized working copies of CFF-flavoured fonts.
 *
 * Why: Cairo 1.16 embeds a CID-keyed CFF font (Noto Sans/Serif CJK) together
 * with its subroutines, so every PDF carries hundreds of kilobytes of
 * subroutine data per face and spends its time deflating them.  Given a copy
 * of the face with the subroutines expanded into the glyphs (HarfBuzz's
 * subsetter with HB_SUBSET_FLAGS_DESUBROUTINIZE, every glyph, code point,
 * name and layout feature kept), Cairo embeds only the glyphs a document
 * uses: a one-page bilingual form drops from about a megabyte to tens of
 * kilobytes.  See bench/README.md, "Where the PDF time goes".
 *
 * The copies live in a cache folder, one file per source face, named by a
 * SHA-256 of the source's identity (real path, size, mtime in ns, face
 * index, the HarfBuzz version and a format version), so the cost is paid
 * once per machine.  Each copy has a sidecar (`<key>.id`) recording that
 * identity and what the copy must look like; an entry whose sidecar does
 * not match, or whose font is truncated or unreadable, is rebuilt.  Entries
 * are written to a temporary file in the same folder and renamed into
 * place (font first, sidecar last), so two processes preparing the same
 * face at once never see a half-written file and need no lock.
 *
 * A cache folder that cannot be created or written is not an error: a
 * WARNING is reported and the original font is used (the PDF is larger and
 * slower to write, but correct).
 *
 * Thread-safety: a ws_fontprep belongs to one thread at a time; separate
 * processes (or handles) may share one cache folder.
 */
#ifndef WS_FONTPREP_H
#define WS_FONTPREP_H

#include <fontconfig/fontconfig.h>
#include "common.h"
#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_fontprep ws_fontprep;

/* Creates a preparer using `cache_dir`, or when NULL
 * $XDG_CACHE_HOME/wenshu/fonts (~/.cache/wenshu/fonts), created with mode
 * 0700.  A folder that cannot be created gives a WARNING in `diags` and a
 * preparer that hands back the original fonts; this still returns WS_OK.
 * Returns WS_ENOMEM when allocation fails.  Caller frees *out with
 * ws_fontprep_free(). */
WS_EXPORT int ws_fontprep_new(ws_fontprep **out, const char *cache_dir, ws_diags *diags);

/* NULL is a no-op.  Prepared files stay in the cache. */
WS_EXPORT void ws_fontprep_free(ws_fontprep *p);

/* The cache folder in use, as an absolute path.  Borrowed, valid while
 * `p` lives. */
WS_EXPORT const char *ws_fontprep_cache_dir(const ws_fontprep *p);

/* Puts in *prepared_path the path of a desubroutinized single-face OpenType
 * copy of face `index` of `font_path` (a .otf, .ttc or .otc), building it
 * when the cache holds no valid entry.  Caller frees *prepared_path with
 * g_free().
 *
 * *prepared_path is NULL, with WS_OK, when the original should be used:
 * the face has TrueType (glyf) outlines and needs no preparation, or the
 * cache could not be written (then a WARNING is in `diags`).
 *
 * Errors: WS_EIO when `font_path` cannot be read or is not a font,
 * WS_EUSAGE when `index` is not a face of it (an ERROR is in `diags`). */
WS_EXPORT int ws_fontprep_prepare(ws_fontprep *p, const char *font_path, unsigned int index,
                                  char **prepared_path, ws_diags *diags);

/* Makes `config` use prepared copies of every face of the fontconfig
 * families in `families` (NULL-terminated, e.g. {"Noto Sans CJK SC",
 * "Noto Serif CJK SC", NULL}): each CFF face is prepared, the copy is
 * added as an application font, and the original face (that file and face
 * index only; the other faces of a collection stay) is rejected, so font
 * matching can only pick the copy.  The copy carries the original's names,
 * so family names, PDF font names and text extraction are unchanged.
 *
 * Call it before a Pango font map uses `config` (or tell the font map with
 * pango_fc_font_map_config_changed()).  A face that cannot be prepared
 * keeps its original, with a WARNING; that is still WS_OK.  Returns
 * WS_EUSAGE for a NULL config, WS_ENOMEM or WS_EINTERNAL when fontconfig
 * fails. */
WS_EXPORT int ws_fontprep_apply(ws_fontprep *p, FcConfig *config, const char *const *families,
                                ws_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
