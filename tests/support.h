/* Helpers shared by the end-to-end tests: run the real `wenshu` binary,
 * read PDFs back the way a user would (pdftotext, pdffonts), and compare
 * PNGs with the reference images in tests/reference/. */
#ifndef WS_TEST_SUPPORT_H
#define WS_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <pango/pango.h>

#include "engine.h"
#include "fonts.h"

/* A new empty temporary folder.  Caller g_free()s (the folder is left for
 * inspection under /tmp). */
char *wst_tmpdir(void);

/* Runs build/cli/wenshu with `args` (NULL-terminated, without argv[0]) in
 * the source tree as working directory.  Returns the exit status; *out and
 * *err (may be NULL) receive stdout and stderr (caller g_free()s). */
int wst_wenshu(const char *const *args, char **out, char **err);

/* pdftotext (with -layout when `layout`) of a PDF; caller g_free()s.
 * NULL when the tool failed. */
char *wst_pdftotext(const char *pdf, bool layout);
/* pdffonts / pdfinfo output; caller g_free()s. */
char *wst_pdffonts(const char *pdf);
char *wst_pdfinfo(const char *pdf);
/* The value of one "Key:   value" line of pdfinfo's output ("" when
 * absent); caller g_free()s. */
char *wst_pdfinfo_field(const char *info, const char *key);

/* Asserts (criterion) that every needle occurs in `text`, each after the
 * previous one: the reading order a clerk sees. */
void wst_assert_in_order(const char *text, const char *const *needles);

/* Removes all whitespace (pdftotext puts spaces and line breaks where the
 * layout has gaps; the values themselves have none). Caller g_free()s. */
char *wst_squeeze(const char *text);

/* Compares a PNG with tests/reference/NAME.png.  With `max_fraction` 0 the
 * comparison is exact: one differing channel of one pixel fails.  A caller
 * passing a tolerance states why (text rasterizes slightly differently
 * across FreeType builds): then a pixel differs when any channel differs by
 * more than 48 of 255, and at most `max_fraction` of the pixels may differ.
 * On failure it writes NAME-actual.png and NAME-diff.png into
 * wst_output_dir(), never the source tree.  With
 * WENSHU_UPDATE_REFERENCES=1 it writes the reference instead (look at it!).
 * Returns the fraction of differing pixels, or -1 when sizes differ or a
 * file is missing. */
double wst_compare_reference(const char *png, const char *name, double max_fraction);

/* The build folder a failed comparison writes its -actual/-diff images
 * into: $WENSHU_TEST_OUTPUT_DIR, which tests/meson.build sets to its own
 * build folder (build/tests), or that folder when a test binary is run
 * by hand. */
const char *wst_output_dir(void);

/* Asserts that a PNG exists and has the given size in pixels. */
void wst_assert_png_size(const char *png, int width, int height);

/* Asserts that a PNG matches tests/reference/NAME.png within `tolerance`
 * (see wst_compare_reference); the message names the diff image. */
void wst_assert_reference(const char *png, const char *name, double tolerance);

/* The parameters of a ParameterizedTest over a case table: the indices
 * 0 .. n-1.  Criterion copies parameters into the test's process byte for
 * byte, and the process is a new one, where a pointer into the parent
 * (to a case's strings) is not valid; an index into the same static table
 * is.  So a table of any shape is run one case per test:
 *
 *     ParameterizedTestParameters(suite, name) { return wst_case_indices(G_N_ELEMENTS(cases)); }
 *     ParameterizedTest(size_t *i, suite, name) { const my_case *c = &cases[*i]; ... }
 *
 * and each case's failure is reported on its own (name the case in the
 * assertion messages). */
struct criterion_test_params wst_case_indices(size_t n);

/* One glyph of a laid-out paragraph, for the tests that measure where
 * glyphs stand (test_cjk, test_typography). */
typedef struct wst_glyph {
	const char *at;             /* its cluster's first byte in the layout's text */
	int line;                   /* its line, from 0 */
	int x;                      /* its pen position plus its own x offset, Pango units */
	const PangoLayoutRun *run;  /* the run it is in (font, rise) */
	const PangoGlyphInfo *info; /* its glyph id and geometry */
} wst_glyph;

/* Calls fn for every glyph of `l`, line by line, in visual order. */
void wst_each_glyph(PangoLayout *l, void (*fn)(const wst_glyph *g, void *user), void *user);

/* The text fixture of the tests that lay text out with Pango directly
 * (test_cjk, test_typography): the project's fonts (fonts/fonts.conf)
 * and a Pango context on them, new for each test.  A suite names the two
 * as its .init and .fini. */
extern PangoContext *wst_pango;
void wst_pango_setup(void);
void wst_pango_teardown(void);

/* The engine fixture of the typesetting tests (test_paragraph, test_shape,
 * test_typeset, test_preflight): one engine per test, without font
 * preparation (they write no PDF, and preparing the fonts costs seconds).
 * A suite names the two as its .init and .fini:
 *
 *     TestSuite(typeset, .init = wst_engine_setup, .fini = wst_engine_teardown);
 */
extern ws_engine *wst_engine;
void wst_engine_setup(void);
void wst_engine_teardown(void);

/* The page those tests typeset on: A4, 20 mm margins, 12 pt 黑体; a
 * layout source is WST_HEAD "elements:\n" followed by the elements. */
#define WST_HEAD "wenshu: 1\nkind: test\npage: {size: A4, margins: 20mm}\ndefaults: {font: hei, size: 12pt}\n"

/* The value under `group:` of a YAML text (the caller unrefs it). */
ws_value *wst_group_from(const char *yaml);

/* Every diagnostic, formatted, into the test's log (cr_log_info). */
void wst_log_diags(const ws_diags *d);

#endif
