#include "support.h"

#include <cairo.h>
#include <criterion/alloc.h>
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "wsyaml.h"

char *wst_tmpdir(void)
{
	GError *err = NULL;
	char *d = g_dir_make_tmp("wenshu-test-XXXXXX", &err);
	cr_assert_not_null(d, "cannot make a temp dir: %s", err ? err->message : "?");
	return d;
}

static int spawn(const char *const *argv, char **out, char **err)
{
	char *o = NULL, *e = NULL;
	int status = -1;
	GError *gerr = NULL;
	gboolean ok = g_spawn_sync(WS_TEST_SOURCE_DIR, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &o, &e,
	                           &status, &gerr);
	cr_assert(ok, "cannot run %s: %s", argv[0], gerr ? gerr->message : "?");
	if (out)
		*out = o;
	else
		g_free(o);
	if (err)
		*err = e;
	else
		g_free(e);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int wst_wenshu(const char *const *args, char **out, char **err)
{
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, (gpointer)(WS_TEST_BUILD_DIR "/cli/wenshu"));
	for (const char *const *a = args; *a; a++)
		g_ptr_array_add(argv, (gpointer)*a);
	g_ptr_array_add(argv, NULL);
	int rc = spawn((const char *const *)argv->pdata, out, err);
	g_ptr_array_free(argv, TRUE);
	return rc;
}

char *wst_pdftotext(const char *pdf, bool layout)
{
	const char *argv_l[] = {"pdftotext", "-layout", "-enc", "UTF-8", pdf, "-", NULL};
	const char *argv_r[] = {"pdftotext", "-enc", "UTF-8", pdf, "-", NULL};
	char *out = NULL;
	int rc = spawn(layout ? argv_l : argv_r, &out, NULL);
	if (rc != 0) {
		g_free(out);
		return NULL;
	}
	return out;
}

char *wst_pdffonts(const char *pdf)
{
	const char *argv[] = {"pdffonts", pdf, NULL};
	char *out = NULL;
	spawn(argv, &out, NULL);
	return out;
}

char *wst_pdfinfo(const char *pdf)
{
	const char *argv[] = {"pdfinfo", pdf, NULL};
	char *out = NULL;
	spawn(argv, &out, NULL);
	return out;
}

char *wst_pdfinfo_field(const char *info, const char *key)
{
	char **lines = g_strsplit(info, "\n", -1);
	char *v = NULL;
	for (char **l = lines; *l && !v; l++)
		if (g_str_has_prefix(*l, key) && (*l)[strlen(key)] == ':')
			v = g_strstrip(g_strdup(*l + strlen(key) + 1));
	g_strfreev(lines);
	return v ? v : g_strdup("");
}

char *wst_squeeze(const char *text)
{
	GString *s = g_string_new(NULL);
	for (const char *p = text; *p; p++)
		if (!g_ascii_isspace(*p) && *p != '\f')
			g_string_append_c(s, *p);
	return g_string_free(s, FALSE);
}

void wst_assert_in_order(const char *text, const char *const *needles)
{
	const char *at = text;
	for (const char *const *n = needles; *n; n++) {
		const char *found = strstr(at, *n);
		cr_assert_not_null(found, "expected '%s' (after the previous values) in:\n%s", *n, text);
		at = found + strlen(*n);
	}
}

const char *wst_output_dir(void)
{
	const char *dir = g_getenv("WENSHU_TEST_OUTPUT_DIR");
	return dir && *dir ? dir : WS_TEST_BUILD_DIR "/tests";
}

/* What the last comparison found, for wst_assert_reference's message. */
static long last_bad;
static int last_x = -1, last_y = -1;

double wst_compare_reference(const char *png, const char *name, double max_fraction)
{
	/* A tolerance of 0 means exact: any channel of any pixel differing
	 * fails.  A caller that passes a tolerance states why (FreeType builds
	 * rasterize text slightly differently); then small channel differences
	 * (<= 48 of 255) do not count. */
	int channel_slack = max_fraction > 0 ? 48 : 0;
	last_bad = 0;
	last_x = last_y = -1;
	char *ref = g_strdup_printf("%s/tests/reference/%s.png", WS_TEST_SOURCE_DIR, name);
	if (g_getenv("WENSHU_UPDATE_REFERENCES")) {
		char *data = NULL;
		gsize len = 0;
		cr_assert(g_file_get_contents(png, &data, &len, NULL));
		cr_assert(g_file_set_contents(ref, data, (gssize)len, NULL));
		g_free(data);
		g_free(ref);
		return 0;
	}
	cairo_surface_t *a = cairo_image_surface_create_from_png(png);
	cairo_surface_t *b = cairo_image_surface_create_from_png(ref);
	double result = -1;
	if (cairo_surface_status(a) == CAIRO_STATUS_SUCCESS && cairo_surface_status(b) == CAIRO_STATUS_SUCCESS) {
		cairo_surface_t *ca = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, cairo_image_surface_get_width(a),
		                                                 cairo_image_surface_get_height(a));
		cairo_surface_t *cb = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, cairo_image_surface_get_width(b),
		                                                 cairo_image_surface_get_height(b));
		cairo_t *cr = cairo_create(ca);
		cairo_set_source_surface(cr, a, 0, 0);
		cairo_paint(cr);
		cairo_destroy(cr);
		cr = cairo_create(cb);
		cairo_set_source_surface(cr, b, 0, 0);
		cairo_paint(cr);
		cairo_destroy(cr);
		int w = cairo_image_surface_get_width(ca), h = cairo_image_surface_get_height(ca);
		if (w == cairo_image_surface_get_width(cb) && h == cairo_image_surface_get_height(cb)) {
			cairo_surface_t *diff = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
			cairo_surface_flush(ca);
			cairo_surface_flush(cb);
			unsigned char *pa = cairo_image_surface_get_data(ca), *pb = cairo_image_surface_get_data(cb);
			unsigned char *pd = cairo_image_surface_get_data(diff);
			int sa = cairo_image_surface_get_stride(ca), sd = cairo_image_surface_get_stride(diff);
			long bad = 0;
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					unsigned char *qa = pa + y * sa + 4 * x, *qb = pb + y * sa + 4 * x, *qd = pd + y * sd + 4 * x;
					int m = 0;
					for (int c = 0; c < 4; c++)
						m = MAX(m, abs(qa[c] - qb[c]));
					bool differs = m > channel_slack;
					if (differs && bad == 0) {
						last_x = x;
						last_y = y;
					}
					bad += differs;
					/* diff image: differing pixels red over a faded copy */
					qd[0] = differs ? 0 : (unsigned char)(191 + qa[0] / 4);
					qd[1] = differs ? 0 : (unsigned char)(191 + qa[1] / 4);
					qd[2] = differs ? 255 : (unsigned char)(191 + qa[2] / 4);
					qd[3] = 255;
				}
			cairo_surface_mark_dirty(diff);
			result = (double)bad / ((double)w * h);
			last_bad = bad;
			if (result > max_fraction) {
				/* Into the build folder, never the source tree. */
				char *base = g_strdup_printf("%s/%s", wst_output_dir(), name);
				char *pa_name = g_strdup_printf("%s-actual.png", base);
				char *pd_name = g_strdup_printf("%s-diff.png", base);
				cairo_surface_write_to_png(a, pa_name);
				cairo_surface_write_to_png(diff, pd_name);
				g_free(pa_name);
				g_free(pd_name);
				g_free(base);
			}
			cairo_surface_destroy(diff);
		}
		cairo_surface_destroy(ca);
		cairo_surface_destroy(cb);
	}
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
	g_free(ref);
	return result;
}

void wst_assert_png_size(const char *png, int width, int height)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(png);
	cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS, "cannot read %s", png);
	cr_assert_eq(cairo_image_surface_get_width(s), width, "%s width", png);
	cr_assert_eq(cairo_image_surface_get_height(s), height, "%s height", png);
	cairo_surface_destroy(s);
}

void wst_assert_reference(const char *png, const char *name, double tolerance)
{
	double d = wst_compare_reference(png, name, tolerance);
	cr_assert_geq(d, 0, "%s: size differs from tests/reference/%s.png, or a file is missing", png, name);
	cr_assert_leq(d, tolerance,
	              "%s differs from tests/reference/%s.png: %ld pixels (%.4f%%, allowed %.4f%%), the first at "
	              "x=%d y=%d (see %s/%s-actual.png and %s-diff.png)",
	              png, name, last_bad, d * 100, tolerance * 100, last_x, last_y, wst_output_dir(), name,
	              name);
}

static void free_case_indices(struct criterion_test_params *p)
{
	cr_free(p->params);
}

struct criterion_test_params wst_case_indices(size_t n)
{
	size_t *ix = cr_malloc(n * sizeof *ix);
	cr_assert_not_null(ix);
	for (size_t i = 0; i < n; i++)
		ix[i] = i;
	return cr_make_param_array(size_t, ix, n, free_case_indices);
}

void wst_each_glyph(PangoLayout *l, void (*fn)(const wst_glyph *g, void *user), void *user)
{
	const char *t = pango_layout_get_text(l);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	int line = 0;
	PangoLayoutLine *cur = pango_layout_iter_get_line_readonly(it);
	do {
		if (pango_layout_iter_get_line_readonly(it) != cur) {
			cur = pango_layout_iter_get_line_readonly(it);
			line++;
		}
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		if (!run)
			continue;
		PangoRectangle r;
		pango_layout_iter_get_run_extents(it, NULL, &r);
		int x = r.x;
		for (int g = 0; g < run->glyphs->num_glyphs; g++) {
			const PangoGlyphInfo *gi = &run->glyphs->glyphs[g];
			wst_glyph wg = {t + run->item->offset + run->glyphs->log_clusters[g], line, x + gi->geometry.x_offset,
			                run, gi};
			fn(&wg, user);
			x += gi->geometry.width;
		}
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
}

/* ------------------------------------------------ the text fixture */

PangoContext *wst_pango;
static ws_fonts *wst_fonts;

void wst_pango_setup(void)
{
	cr_assert_eq(ws_fonts_new(&wst_fonts, NULL, NULL, NULL), WS_OK);
	wst_pango = ws_fonts_create_context(wst_fonts);
}

void wst_pango_teardown(void)
{
	g_object_unref(wst_pango);
	ws_fonts_free(wst_fonts);
}

/* ------------------------------------------------ the engine fixture */

ws_engine *wst_engine;

void wst_engine_setup(void)
{
	ws_engine_options o = WS_ENGINE_OPTIONS_INIT;
	o.prepare_fonts = false;
	cr_assert_eq(ws_engine_new(&wst_engine, &o, NULL), WS_OK);
}

void wst_engine_teardown(void)
{
	ws_engine_free(wst_engine);
	wst_engine = NULL;
}

ws_value *wst_group_from(const char *yaml)
{
	ws_value *v = NULL;
	cr_assert_eq(ws_yaml_load_buffer(&v, yaml, strlen(yaml), "g.yaml", NULL), WS_OK);
	ws_value *g = ws_value_ref(ws_value_map_get(v, "group"));
	ws_value_unref(v);
	return g;
}

void wst_log_diags(const ws_diags *d)
{
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		char *s = ws_diag_format(ws_diags_at(d, i));
		cr_log_info("%s", s);
		g_free(s);
	}
}
