/* Helpers shared by the end-to-end tests: run the real `wenshu` binary,
 * read PDFs back the way a user would (pdftotext, pdffonts), and compare
 * PNGs with the reference images in tests/reference/. */
#ifndef WS_TEST_SUPPORT_H
#define WS_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

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
 * On failure it writes NAME-actual.png and NAME-diff.png into the build
 * folder (WS_TEST_BUILD_DIR, passed by tests/meson.build), never the
 * source tree.  With
 * WENSHU_UPDATE_REFERENCES=1 it writes the reference instead (look at it!).
 * Returns the fraction of differing pixels, or -1 when sizes differ or a
 * file is missing. */
double wst_compare_reference(const char *png, const char *name, double max_fraction);

/* Asserts that a PNG exists and has the given size in pixels. */
void wst_assert_png_size(const char *png, int width, int height);

/* Asserts that a PNG matches tests/reference/NAME.png within `tolerance`
 * (see wst_compare_reference); the message names the diff image. */
void wst_assert_reference(const char *png, const char *name, double tolerance);

#endif
