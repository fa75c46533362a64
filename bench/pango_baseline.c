/* pango-baseline: the floor the engine is measured against.
 *
 * Draws one page of bilingual form text (Pango markup) with nothing but
 * Pango and Cairo, N times, to N PDFs (or PNGs), and reports the time per
 * document and the file size.  With --prepared the fonts come from a
 * fontconfig set up by ws_fontprep (desubroutinized CJK copies); that and
 * the font map are made once, before the clock starts, as the engine does
 * once per batch.
 *
 *   pango-baseline -n 50 -o /tmp/out                 stock fonts
 *   pango-baseline -n 50 -o /tmp/out --prepared      ws_fontprep copies
 *   pango-baseline --fonts-conf fonts/fonts.conf ... a given fontconfig file
 *   pango-baseline -t bench/baseline-page.txt --merge  all pages in one PDF
 *
 * In the page text, "{{n}}" stands for the document number (00001, ...),
 * so every document differs a little, as the engine's groups do.
 *
 * See bench/README.md, "Where the PDF time goes".
 */
#include <cairo-pdf.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fontprep.h"

#define A4_WIDTH_PT 595.276
#define A4_HEIGHT_PT 841.89
#define MARGIN_PT 48.0
#define DEFAULT_DPI 144.0

/* A one-page interview confirmation: two families, two weights, some
 * three hundred distinct Hanzi with Latin labels, like the paperwork the
 * engine sets. */
static const char default_form[] =
	"<span font_family='Noto Serif CJK SC' weight='bold' size='18pt'>面谈确认单</span>\n"
	"<span font_family='Noto Serif CJK SC' size='12pt'>Interview Appointment Confirmation</span>\n\n"
	"<b>预约确认 Appointment confirmed</b>    确认编号 Confirmation No.: AA00TEST01\n"
	"申请人姓名 Applicant name: 张伟 ZHANG WEI    性别 Sex: 男 M    国籍 Nationality: 中国 CHINA\n"
	"出生日期 Date of birth: 1990-01-01    出生地 Place of birth: 北京市朝阳区\n"
	"护照号码 Passport number: E12345678    签发机关 Issuing authority: 国家移民管理局\n"
	"护照有效期至 Passport valid until: 2031-06-30    DS-160 确认号: AA00TEST01\n"
	"签证类别 Visa class: B1/B2 商务旅游    申请费用 Fee paid: 1369.00 CNY\n"
	"缴费收据编号 Receipt number: 2025030500012345    缴费日期 Paid on: 2025-02-20\n\n"
	"<b>面谈地点 Interview location</b>\n"
	"北京市朝阳区安家楼路55号 美国驻华大使馆签证处\n"
	"No. 55 Anjialou Road, Chaoyang District, Beijing 100600\n"
	"面谈日期 Date: 2025年3月5日 星期三    时间 Time: 上午九点三十分 09:30\n\n"
	"<b>请携带以下材料 Please bring</b>\n"
	"<span font_family='Noto Serif CJK SC'>一、有效护照及所有旧护照；二、本确认页打印件；三、近六个月内拍摄的"
	"白底彩色照片一张，尺寸为五十一毫米乘五十一毫米；四、签证申请费缴费收据原件；五、在职证明或在读证明，"
	"须注明职务、月薪、入职时间及准假期限，并加盖单位公章；六、近六个月的银行流水、存款证明、房产证明、"
	"车辆行驶证等财力证明；七、户口簿原件及复印件；八、结婚证或离婚证等婚姻状况证明；九、行程安排及"
	"邀请函（如有）。未满十四周岁的儿童须由父母或法定监护人陪同，并携带出生证明。</span>\n\n"
	"<span font_family='Noto Serif CJK SC' weight='bold'>重要提示 Important notice</span>\n"
	"请提前十五分钟到达，迟到者须重新预约。使馆内禁止携带手机、笔记本电脑、平板电脑、智能手表等电子设备，"
	"以及液体、打火机、火柴、锐器、化妆品和大件行李；安检处不提供寄存服务。请勿携带与申请无关的文件。"
	"签证获批后，护照将通过中信银行指定网点或快递寄回，一般需要五至七个工作日。\n"
	"Arrive fifteen minutes early. Electronic devices, liquids and large bags are not permitted.\n\n"
	"联系电话 Telephone: +86 10 5679 4700    电子邮箱 Email: support@example.cn\n"
	"本确认单由系统自动生成，无需盖章。如信息有误，请登录预约网站修改或致电客服中心（工作日八点至十七点）。\n\n"
	"申请人签名 Signature: ________________    日期 Date: ________________";

typedef struct bench_opts {
	int count;
	char *output_dir;
	char *format;
	char *text_file;
	char *fonts_conf;
	gboolean prepared;
	char *cache_dir;
	char *families;
	char *font;
	gboolean merge;
	double dpi;
} bench_opts;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double now_ms(void)
{
	return (double)g_get_monotonic_time() / 1000.0;
}

static FcConfig *load_config(const char *fonts_conf)
{
	if (!fonts_conf)
		return FcInitLoadConfigAndFonts();
	FcConfig *c = FcConfigCreate();
	if (!FcConfigParseAndLoad(c, (const FcChar8 *)fonts_conf, FcTrue) || !FcConfigBuildFonts(c)) {
		FcConfigDestroy(c);
		return NULL;
	}
	return c;
}

static void print_diags(ws_diags *d)
{
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		char *s = ws_diag_format(ws_diags_at(d, i));
		fprintf(stderr, "pango-baseline: %s\n", s);
		g_free(s);
	}
}

/* The page text of document `i`: "{{n}}" replaced by its number. */
static char *page_markup(const char *markup, int i)
{
	char num[16];
	g_snprintf(num, sizeof num, "%05d", i + 1);
	char **parts = g_strsplit(markup, "{{n}}", -1);
	char *out = g_strjoinv(num, parts);
	g_strfreev(parts);
	return out;
}

/* Draws one page on `cr`. */
static void draw_page(cairo_t *cr, PangoContext *ctx, const char *markup, const char *font,
                      char **font_file)
{
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	pango_cairo_update_context(cr, ctx);
	PangoLayout *layout = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(layout, fd);
	pango_layout_set_width(layout, (int)((A4_WIDTH_PT - 2 * MARGIN_PT) * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_markup(layout, markup, -1);
	cairo_move_to(cr, MARGIN_PT, MARGIN_PT);
	pango_cairo_show_layout(cr, layout);

	if (font_file) {
		PangoLayoutIter *it = pango_layout_get_iter(layout);
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		FcChar8 *file = NULL;
		if (run && PANGO_IS_FC_FONT(run->item->analysis.font) &&
		    FcPatternGetString(pango_fc_font_get_pattern(PANGO_FC_FONT(run->item->analysis.font)),
		                       FC_FILE, 0, &file) == FcResultMatch)
			*font_file = g_strdup((const char *)file);
		pango_layout_iter_free(it);
	}
	g_object_unref(layout);
	pango_font_description_free(fd);
	cairo_restore(cr);
}

/* Draws one document; returns its size in bytes, or -1. */
static long draw_one(PangoContext *ctx, const char *markup, const char *font, gboolean png,
                     double dpi, const char *path, char **font_file)
{
	cairo_surface_t *s;
	double scale = dpi / 72.0;
	if (png) {
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(A4_WIDTH_PT * scale),
		                               (int)(A4_HEIGHT_PT * scale));
	} else {
		s = cairo_pdf_surface_create(path, A4_WIDTH_PT, A4_HEIGHT_PT);
	}
	cairo_t *cr = cairo_create(s);
	if (png) {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_scale(cr, scale, scale);
	}
	draw_page(cr, ctx, markup, font, font_file);
	cairo_destroy(cr);
	if (png && cairo_surface_write_to_png(s, path) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return -1;
	}
	cairo_surface_finish(s);
	cairo_status_t st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS)
		return -1;
	GStatBuf sb;
	return g_stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

int main(int argc, char **argv)
{
	bench_opts o = {.count = 20, .dpi = DEFAULT_DPI};
	GOptionEntry entries[] = {
		{"count", 'n', 0, G_OPTION_ARG_INT, &o.count, "Documents to draw (default 20)", "N"},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output_dir, "Folder for the output (default: .)", "DIR"},
		{"format", 'f', 0, G_OPTION_ARG_STRING, &o.format, "pdf (default) or png", "FMT"},
		{"text", 't', 0, G_OPTION_ARG_FILENAME, &o.text_file, "Pango markup of the page (default: built-in form)", "FILE"},
		{"fonts-conf", 'c', 0, G_OPTION_ARG_FILENAME, &o.fonts_conf, "fontconfig file (default: the system's)", "FILE"},
		{"prepared", 'p', 0, G_OPTION_ARG_NONE, &o.prepared, "Use ws_fontprep's desubroutinized copies", NULL},
		{"cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.cache_dir, "ws_fontprep cache (default $XDG_CACHE_HOME/wenshu/fonts)", "DIR"},
		{"families", 0, 0, G_OPTION_ARG_STRING, &o.families, "Families to prepare, comma-separated (default: Noto Sans/Serif CJK SC)", "LIST"},
		{"font", 0, 0, G_OPTION_ARG_STRING, &o.font, "Base font (default: \"Noto Sans CJK SC 10.5\")", "DESC"},
		{"merge", 0, 0, G_OPTION_ARG_NONE, &o.merge, "All documents as pages of one PDF (baseline-merged.pdf)", NULL},
		{"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &o.dpi, "PNG resolution (default 144)", "N"},
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	GError *err = NULL;
	GOptionContext *oc = g_option_context_new("- draw a bilingual form with plain Pango/Cairo");
	g_option_context_add_main_entries(oc, entries, NULL);
	if (!g_option_context_parse(oc, &argc, &argv, &err)) {
		fprintf(stderr, "pango-baseline: %s\n", err->message);
		return 2;
	}
	g_option_context_free(oc);
	gboolean png = o.format && strcmp(o.format, "png") == 0;
	if ((o.format && !png && strcmp(o.format, "pdf") != 0) || o.count < 1 || (png && o.merge) ||
	    !(o.dpi >= 10 && o.dpi <= 1200)) {
		fprintf(stderr, "pango-baseline: --format is pdf or png, --count at least 1, "
		                "--merge only for PDF, --dpi 10..1200\n");
		return 2;
	}
	const char *out_dir = o.output_dir ? o.output_dir : ".";
	if (g_mkdir_with_parents(out_dir, 0755) != 0) {
		fprintf(stderr, "pango-baseline: cannot create %s: %s\n", out_dir, g_strerror(errno));
		return 3;
	}
	char *markup = NULL;
	if (o.text_file && !g_file_get_contents(o.text_file, &markup, NULL, &err)) {
		fprintf(stderr, "pango-baseline: %s\n", err->message);
		return 1;
	}
	if (!markup)
		markup = g_strdup(default_form);
	if (!pango_parse_markup(markup, -1, 0, NULL, NULL, NULL, &err)) {
		fprintf(stderr, "pango-baseline: %s: %s\n", o.text_file ? o.text_file : "built-in form", err->message);
		return 1;
	}

	double t0 = now_ms();
	FcConfig *config = load_config(o.fonts_conf);
	if (!config) {
		fprintf(stderr, "pango-baseline: cannot load fontconfig file %s\n", o.fonts_conf);
		return 1;
	}
	double t_config = now_ms() - t0;
	double t_prep = 0;
	if (o.prepared) {
		ws_diags *d = ws_diags_new();
		ws_fontprep *fp = NULL;
		char **fams = g_strsplit(o.families ? o.families : "Noto Sans CJK SC,Noto Serif CJK SC", ",", -1);
		t0 = now_ms();
		int rc = ws_fontprep_new(&fp, o.cache_dir, d);
		if (rc == WS_OK)
			rc = ws_fontprep_apply(fp, config, (const char *const *)fams, d);
		t_prep = now_ms() - t0;
		print_diags(d);
		if (fp)
			printf("font cache: %s\n", ws_fontprep_cache_dir(fp));
		ws_fontprep_free(fp);
		ws_diags_free(d);
		g_strfreev(fams);
		if (rc != WS_OK) {
			fprintf(stderr, "pango-baseline: font preparation failed: %s\n", ws_status_name(rc));
			return 3;
		}
	}

	PangoFontMap *fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fm), config);
	PangoContext *ctx = pango_font_map_create_context(fm);
	const char *font = o.font ? o.font : "Noto Sans CJK SC 10.5";

	double *ms = g_new(double, (gsize)o.count);
	long first_size = 0;
	double total_size = 0;
	char *font_file = NULL;
	double run_start = now_ms();
	if (o.merge) {
		/* One PDF, one page per document: fonts embedded once. */
		char *path = g_build_filename(out_dir, "baseline-merged.pdf", NULL);
		cairo_surface_t *s = cairo_pdf_surface_create(path, A4_WIDTH_PT, A4_HEIGHT_PT);
		cairo_t *cr = cairo_create(s);
		for (int i = 0; i < o.count; i++) {
			char *page = page_markup(markup, i);
			draw_page(cr, ctx, page, font, i == 0 ? &font_file : NULL);
			cairo_show_page(cr);
			g_free(page);
		}
		cairo_destroy(cr);
		cairo_surface_finish(s);
		cairo_status_t st = cairo_surface_status(s);
		cairo_surface_destroy(s);
		GStatBuf sb;
		if (st != CAIRO_STATUS_SUCCESS || g_stat(path, &sb) != 0) {
			fprintf(stderr, "pango-baseline: cannot write %s\n", path);
			return 3;
		}
		double total = now_ms() - run_start;
		printf("fonts: %s\n", o.prepared ? "prepared (ws_fontprep)" : "stock");
		printf("documents: %d pages merged into %s\n", o.count, path);
		printf("summary: docs=%d total_ms=%.1f bytes=%lld\n", o.count, total, (long long)sb.st_size);
		g_free(path);
		return 0;
	}
	for (int i = 0; i < o.count; i++) {
		char *name = g_strdup_printf("baseline-%04d.%s", i, png ? "png" : "pdf");
		char *path = g_build_filename(out_dir, name, NULL);
		char *page = page_markup(markup, i);
		double start = now_ms();
		long size = draw_one(ctx, page, font, png, o.dpi, path, i == 0 ? &font_file : NULL);
		ms[i] = now_ms() - start;
		g_free(page);
		if (size < 0) {
			fprintf(stderr, "pango-baseline: cannot write %s\n", path);
			return 3;
		}
		if (i == 0)
			first_size = size;
		total_size += (double)size;
		g_free(path);
		g_free(name);
	}

	double first = ms[0], sum = 0;
	for (int i = 1; i < o.count; i++)
		sum += ms[i];
	qsort(ms + 1, (size_t)(o.count - 1), sizeof *ms, cmp_double);
	printf("fonts: %s%s\n", o.prepared ? "prepared (ws_fontprep)" : "stock",
	       o.fonts_conf ? " via --fonts-conf" : "");
	printf("first run's font file: %s\n", font_file ? font_file : "(unknown)");
	printf("fontconfig load: %.1f ms; font preparation (apply): %.1f ms\n", t_config, t_prep);
	printf("documents: %d %s\n", o.count, png ? "PNG" : "PDF");
	printf("first document: %.1f ms (font loading included)\n", first);
	if (o.count > 1)
		printf("later documents: mean %.2f ms, median %.2f ms, min %.2f ms, max %.2f ms\n",
		       sum / (o.count - 1), ms[1 + (o.count - 1) / 2], ms[1], ms[o.count - 1]);
	printf("size: first %ld bytes, mean %.0f bytes\n", first_size, total_size / o.count);
	printf("summary: docs=%d total_ms=%.1f bytes=%.0f\n", o.count, now_ms() - run_start, total_size);

	g_free(font_file);
	g_free(ms);
	g_object_unref(ctx);
	g_object_unref(fm);
	FcConfigDestroy(config);
	g_free(markup);
	g_free(o.output_dir);
	g_free(o.format);
	g_free(o.text_file);
	g_free(o.fonts_conf);
	g_free(o.cache_dir);
	g_free(o.families);
	g_free(o.font);
	return 0;
}
