/* Fonts: wenshu's own fontconfig configuration, role families and glyph
 * coverage checks (DOMAIN.md §3).
 *
 * wenshu never uses the process-wide fontconfig configuration: a ws_fonts
 * loads fonts/fonts.conf into a private FcConfig and binds a PangoCairo
 * FreeType font map to it, so layouts see the same fonts in tests, on the
 * command line and in a service.
 *
 * Thread-safety: a ws_fonts, its font map and every PangoContext created
 * from it belong to one thread at a time (Pango font maps are not
 * thread-safe).  Use one ws_fonts per worker thread.
 */
#ifndef WS_FONTS_H
#define WS_FONTS_H

#include <stdbool.h>
#include <pango/pango.h>
#include "common.h"
#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_fonts ws_fonts;

/* Loads a font configuration.
 * conf_file: path of fonts.conf; NULL → $FONTCONFIG_FILE, else
 *   <source dir>/fonts/fonts.conf when it exists, else the installed
 *   <datadir>/wenshu/fonts/fonts.conf.
 * extra_dirs: NULL-terminated list of font folders to add, or NULL.
 * Returns WS_OK and the handle in *out (caller frees with ws_fonts_free()),
 * WS_EIO when the configuration or a folder cannot be read, WS_EUSAGE when
 * out is NULL, WS_ENOMEM.  Problems are reported into diags. */
WS_EXPORT int ws_fonts_new(ws_fonts **out, const char *conf_file,
                           const char *const *extra_dirs, ws_diags *diags);
/* NULL is a no-op. */
WS_EXPORT void ws_fonts_free(ws_fonts *f);

/* The PangoCairo FreeType font map bound to this configuration, at 72 dpi.
 * Borrowed; valid while f lives. */
WS_EXPORT PangoFontMap *ws_fonts_font_map(ws_fonts *f);

/* A context for print geometry (L17): 72 dpi, metric hinting off, hinting
 * none, grey antialiasing, unrounded glyph positions, language zh-cn, base
 * direction LTR.  Caller unrefs with g_object_unref(). */
WS_EXPORT PangoContext *ws_fonts_create_context(ws_fonts *f);

/* Which real family serves `role` (e.g. "Wenshu FangSong") for zh-cn text.
 * *family_out and *file_out (each may be NULL) receive the matched family
 * and font file; caller frees both with g_free().  *is_fallback (may be
 * NULL) is true when the match is not the role's first choice (the first
 * family fonts.conf lists for it).  Returns WS_OK, WS_EUSAGE (NULL f or
 * role) or WS_EINPUT when no font matches at all. */
WS_EXPORT int ws_fonts_resolve_role(ws_fonts *f, const char *role, char **family_out,
                                    char **file_out, bool *is_fallback);

/* The faces `ctx` draws text set in `family` with, as a clerk reads it:
 * "'Noto Sans CJK SC'" when one face serves Chinese, Latin letters and
 * digits alike, else e.g. "'Noto Sans CJK SC' (Chinese, digits) and 'AR PL
 * UKai CN' (Latin letters)".  For the warning about a family that is not
 * installed, so it names what is printed instead.  Caller g_free()s. */
WS_EXPORT char *ws_fonts_describe_faces(PangoContext *ctx, const char *family);

/* Checks every character of a laid-out layout:
 *  - error "character U+XXXX 'X' is not in any installed font" for a
 *    visible character drawn with no glyph (PANGO_GLYPH_UNKNOWN_FLAG, or
 *    PANGO_GLYPH_EMPTY);
 *  - warning "character U+XXXX 'X' drawn from fallback font 'HanaMinB'"
 *    when a character comes from another font than the one Pango picked
 *    for the requested description (per-glyph fallback) — not when the
 *    requested family is not installed at all (no font of that name, and
 *    no alias such as a role): the layout's font check says that once, at
 *    the style, naming the faces drawn instead (ws_fonts_describe_faces),
 *    and a fallback "from" a font that is not there would contradict it.
 * Each distinct character is reported once, at `loc` with data `path`
 * (may be NULL).  Returns the number of missing glyphs (0 when all are
 * present), or WS_EUSAGE when layout is NULL. */
WS_EXPORT int ws_fonts_check_layout(PangoLayout *layout, ws_loc loc, const char *path,
                                    ws_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
