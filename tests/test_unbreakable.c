/* Text that never breaks inside (core/text/unbreakable.c): which spans of
 * a text the attributes protect, in running text and in a table cell, and
 * that Pango then really keeps them on one line. */
#include <criterion/criterion.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "unbreakable.h"

/* The protected spans of `text`, in order, joined by '|'. */
static char *protected_spans(const char *text, gboolean cell, bool *no_hyphens)
{
	PangoAttrList *attrs = pango_attr_list_new();
	ws_unbreakable_attrs(text, attrs, cell);
	GSList *list = pango_attr_list_get_attributes(attrs);
	GString *s = g_string_new(NULL);
	*no_hyphens = false;
	for (GSList *l = list; l; l = l->next) {
		PangoAttribute *a = l->data;
		if (a->klass->type == PANGO_ATTR_INSERT_HYPHENS && !((PangoAttrInt *)a)->value)
			*no_hyphens = a->start_index == 0 && a->end_index >= strlen(text);
		if (a->klass->type != PANGO_ATTR_ALLOW_BREAKS || ((PangoAttrInt *)a)->value)
			continue;
		g_string_append_printf(s, "%s%.*s", s->len ? "|" : "", (int)(a->end_index - a->start_index),
		                       text + a->start_index);
	}
	g_slist_free_full(list, (GDestroyNotify)pango_attribute_destroy);
	pango_attr_list_unref(attrs);
	return g_string_free(s, FALSE);
}

typedef struct span_case {
	const char *text;
	gboolean cell;
	const char *want; /* the protected spans, '|'-separated, in order */
} span_case;

static const span_case SPANS[] = {
	/* names, numbers and amounts: whole, broken only at a space */
	{"Name: ILIK-UERBAN", FALSE, "Name:|ILIK-UERBAN"},
	{"MÜLLER Hans", FALSE, "MÜLLER|Hans"},
	{"护照号 E12345678，金额 1369.00 元", FALSE, "E12345678|1369.00"},
	{"a b", FALSE, ""}, /* one character has nothing to split */
	/* a short full-width parenthetical, brackets included */
	{"示例（虚构）团", FALSE, "（虚构）"},
	/* WS_UNBREAKABLE_PAREN_MAX (8) characters, brackets included, at most */
	{"（一二三四五六）", FALSE, "（一二三四五六）"},
	{"（一二三四五六七）", FALSE, ""},
	{"（未闭合", FALSE, ""},
	/* addresses in running text break after / and @, before a dot */
	{"mail a.b@x.cn now", FALSE, "mail|.b@|.cn|now"},
	{"https://www.example.cn/a", FALSE, "https://www|.example|.cn/a"},
	/* … but never in a cell */
	{"mail a.b@x.cn now", TRUE, "mail|a.b@x.cn|now"},
	/* the office's paper names and Chinese dates: only in cells */
	{"签证申请登记表", TRUE, "签证|登记表"},
	{"签证申请登记表", FALSE, ""},
	{"出生1980年1月1日", TRUE, "1980年1月1日"},
	{"出生1980年1月1日", FALSE, "1980"},
	{"照会与回执", TRUE, "照会|回执"},
};

Test(unbreakable, protected_spans)
{
	for (size_t i = 0; i < G_N_ELEMENTS(SPANS); i++) {
		bool no_hyphens = false;
		char *got = protected_spans(SPANS[i].text, SPANS[i].cell, &no_hyphens);
		cr_expect_str_eq(got, SPANS[i].want, "'%s' (%s)", SPANS[i].text, SPANS[i].cell ? "cell" : "text");
		cr_expect(no_hyphens, "'%s': hyphens are not switched off over the whole text", SPANS[i].text);
		g_free(got);
	}
}

typedef struct addr_case {
	const char *word;
	gboolean address;
	const char *breaks; /* '^' under each byte a break may precede */
} addr_case;

static const addr_case ADDR[] = {
	{"a.b@x.cn", TRUE, " ^  ^^  "},
	{"https://w.cn/x?y=1", TRUE, "         ^   ^^ ^ "},
	{"www.example.cn", TRUE, "   ^       ^  "},
	{"E12345678", FALSE, "         "},
	{"@x", FALSE, "  "},   /* an @ at an end is no address */
	{"x@", FALSE, "  "},
	{"a..b@c", TRUE, " ^    "}, /* never between two dots, nor at the @ */
};

Test(unbreakable, address_break_points)
{
	for (size_t i = 0; i < G_N_ELEMENTS(ADDR); i++) {
		const char *w = ADDR[i].word;
		size_t len = strlen(w);
		cr_expect_eq(ws_is_address(w, len), ADDR[i].address, "ws_is_address(%s)", w);
		char got[64];
		for (size_t k = 0; k < len; k++)
			got[k] = ws_url_break_before(w, len, k) ? '^' : ' ';
		got[len] = '\0';
		cr_expect_str_eq(got, ADDR[i].breaks, "break points of %s", w);
	}
	cr_expect(ws_word_char('Z') && ws_word_char('7') && ws_word_char('@') && ws_word_char(0xDC));
	cr_expect(!ws_word_char(' ') && !ws_word_char(0xD7) && !ws_word_char(0x4E2D) &&
	          !ws_word_char(0xFF08) && !ws_word_char(0));
}

/* What the attributes are for: laid out far too narrow, Pango wraps at
 * the spaces and the CJK characters around, never inside a protected
 * span, and adds no hyphen. */
Test(unbreakable, pango_keeps_spans_on_one_line)
{
	const char *text = "姓名 ILIK-UERBAN 护照 E12345678 示例（虚构）团";
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *ctx = pango_font_map_create_context(fm);
	PangoLayout *lay = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_from_string("Sans 12");
	pango_layout_set_font_description(lay, fd);
	pango_layout_set_text(lay, text, -1);
	pango_layout_set_width(lay, 1); /* every break point is taken */
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	PangoAttrList *attrs = pango_attr_list_new();
	ws_unbreakable_attrs(text, attrs, FALSE);
	pango_layout_set_attributes(lay, attrs);

	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	for (GSList *l = pango_layout_get_lines_readonly(lay); l; l = l->next) {
		PangoLayoutLine *line = l->data;
		char *t = g_strndup(text + line->start_index, (gsize)line->length);
		g_ptr_array_add(lines, g_strstrip(t));
	}
	const char *whole[] = {"ILIK-UERBAN", "E12345678", "（虚构）"};
	for (size_t k = 0; k < G_N_ELEMENTS(whole); k++) {
		bool found = false;
		for (guint j = 0; j < lines->len; j++)
			found = found || strstr(g_ptr_array_index(lines, j), whole[k]) != NULL;
		cr_expect(found, "'%s' was split across lines", whole[k]);
	}
	cr_expect_gt(lines->len, 6, "the layout did wrap (%u lines)", lines->len);

	g_ptr_array_unref(lines);
	pango_attr_list_unref(attrs);
	pango_font_description_free(fd);
	g_object_unref(lay);
	g_object_unref(ctx);
	g_object_unref(fm);
}
