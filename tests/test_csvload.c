/* The CSV data loader (core/load/csvload.c), through ws_data_load_buffer
 * as a program reads a .csv: what a cell becomes (typing, quoting, lists,
 * nested paths), line ends and a byte-order mark as spreadsheets write
 * them, and every error at the exact line:col an editor shows.  (The
 * sample files and the row-grouping rules are test_data's.) */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glib.h>
#include <string.h>

#include "data.h"
#include "support.h"

static ws_dataset *load(const char *src, ws_diags *d)
{
	ws_dataset *ds = NULL;
	int rc = ws_data_load_buffer(&ds, src, strlen(src), "rows.csv", d);
	for (size_t i = 0; rc != WS_OK && i < ws_diags_count(d); i++) {
		char *s = ws_diag_format(ws_diags_at(d, i));
		cr_log_error("%s", s);
		g_free(s);
	}
	cr_assert_eq(rc, WS_OK);
	return ds;
}

/* The value at a dotted path below the first group ("applicants.0.name"). */
static ws_value *at(ws_dataset *ds, const char *path)
{
	ws_value *v = ws_dataset_group(ds, 0);
	char **segs = g_strsplit(path, ".", -1);
	for (char **s = segs; v && *s; s++)
		v = g_ascii_isdigit(**s) ? ws_value_list_at(v, (size_t)atoi(*s)) : ws_value_map_get(v, *s);
	g_strfreev(segs);
	return v;
}

typedef struct value_case {
	const char *src;
	const char *path;   /* below the first group */
	ws_value_type type;
	const char *text;   /* NULL: the value is null */
	unsigned line, col; /* where the value is located */
} value_case;

#define HDR "group_id,a,b\n"
static const value_case VALUES[] = {
	/* unquoted cells are typed like plain YAML scalars, quoted ones are text */
	{HDR "G1,12,x\n", "a", WS_VALUE_NUMBER, "12", 2, 4},
	{HDR "G1,\"12\",x\n", "a", WS_VALUE_STRING, "12", 2, 4},
	{HDR "G1,true,x\n", "a", WS_VALUE_BOOL, "true", 2, 4},
	{HDR "G1,0012,x\n", "a", WS_VALUE_STRING, "0012", 2, 4}, /* a leading zero keeps the text */
	{HDR "G1,,x\n", "a", WS_VALUE_NULL, NULL, 0, 0},
	{HDR "G1,\"\",x\n", "a", WS_VALUE_NULL, NULL, 0, 0},
	{HDR "G1,x\n", "b", WS_VALUE_NULL, NULL, 0, 0}, /* a short row: missing cells are empty */
	/* quoting: doubled quotes, separators and line ends inside */
	{HDR "G1,\"say \"\"hi\"\", now\",x\n", "a", WS_VALUE_STRING, "say \"hi\", now", 2, 4},
	{HDR "G1,\"two\nlines\",x\n", "a", WS_VALUE_STRING, "two\nlines", 2, 4},
	{HDR "G1,\"two\nlines\",x\n", "b", WS_VALUE_STRING, "x", 3, 8}, /* counted after the line end */
	{HDR "G1,  padded  ,x\n", "a", WS_VALUE_STRING, "padded", 2, 6},
	/* CRLF and CR line ends (Excel, old Mac exports) */
	{"group_id,a,b\r\nG1,\"x\r\ny\",z\r\n", "b", WS_VALUE_STRING, "z", 3, 4},
	{"group_id,a,b\rG1,p,q\r", "b", WS_VALUE_STRING, "q", 2, 6},
	/* a byte-order mark is no part of the first column, nor a column */
	{"\xEF\xBB\xBFgroup_id,a,b\nG1,p,q\n", "a", WS_VALUE_STRING, "p", 2, 4},
	/* NFC: a decomposed ü (u + U+0308) is composed */
	{HDR "G1,\"Mu\xCC\x88ller\",x\n", "a", WS_VALUE_STRING, "Müller", 2, 4},
	{HDR "G1,贾宝玉,x\n", "b", WS_VALUE_STRING, "x", 2, 8}, /* columns count characters */
	/* nested paths and applicants */
	{"group.group_id,group.contact.mobile,applicants.name_zh\nG1,13800000000,张三\nG1,,李四\n",
	 "contact.mobile", WS_VALUE_NUMBER, "13800000000", 2, 4},
	{"group.group_id,group.contact.mobile,applicants.name_zh\nG1,13800000000,张三\nG1,,李四\n",
	 "applicants.1.name_zh", WS_VALUE_STRING, "李四", 3, 5},
	{"group_id,applicants.mailing_address.street\nG1,1 Main St\n", "applicants.0.mailing_address.street",
	 WS_VALUE_STRING, "1 Main St", 2, 4},
	/* lists: x[] and us_itinerary, split on ; or 、, items trimmed and located */
	{"group_id,cities[]\nG1,北京; 上海、广州\n", "cities.2", WS_VALUE_STRING, "广州", 2, 11},
	{"group_id,cities[]\nG1,北京; 上海、广州\n", "cities.1", WS_VALUE_STRING, "上海", 2, 8},
	{"group_id,us_itinerary\nG1,New York;Boston\n", "us_itinerary.1", WS_VALUE_STRING, "Boston", 2, 13},
};

ParameterizedTestParameters(csvload, cells_become_values_located_at_their_text)
{
	return wst_case_indices(G_N_ELEMENTS(VALUES));
}

/* Each row alone: a failure names the path and the CSV text. */
ParameterizedTest(size_t *i, csvload, cells_become_values_located_at_their_text)
{
	const value_case *c = &VALUES[*i];
	ws_diags *d = ws_diags_new();
	ws_dataset *ds = load(c->src, d);
	ws_value *v = at(ds, c->path);
	char *src = g_strescape(c->src, NULL);
	if (!c->text) {
		cr_expect(!v || ws_value_is_null(v), "%s in %s: not null", c->path, src);
	} else {
		cr_assert_not_null(v, "%s in %s: missing", c->path, src);
		cr_expect_eq(ws_value_get_type(v), c->type, "%s in %s: a %s", c->path, src,
		             ws_value_type_name(ws_value_get_type(v)));
		cr_expect_str_eq(ws_value_text(v), c->text, "%s in %s", c->path, src);
		ws_loc l = ws_value_loc(v);
		cr_expect_str_eq(l.file, "rows.csv", "%s in %s", c->path, src);
		cr_expect(l.line == c->line && l.column == c->col, "%s in %s: at %u:%u, expected %u:%u", c->path, src,
		          l.line, l.column, c->line, c->col);
	}
	g_free(src);
	ws_dataset_free(ds);
	ws_diags_free(d);
}

typedef struct error_case {
	const char *src;
	unsigned line, col;
	const char *what;
} error_case;

static const error_case ERRORS[] = {
	/* a quote left open: at the opening quote, however far the file goes on */
	{"group_id,a\nG1,\"open\nG2,x\nG3,y\n", 2, 4, "quoted cell is not closed"},
	{"group_id,a\nG1,ab\"c\n", 2, 6, "quote character inside an unquoted cell"},
	{"group_id,a\nG1,\"ab\" c\n", 2, 9, "text after the closing quote"},
	/* after a quoted cell that spans lines, lines go on counting */
	{"group_id,note,a\nG1,\"line one\nline two\",x,extra\n", 3, 13, "this row has 4 cells"},
	/* CRLF: one line end, not two */
	{"group_id,a\r\nG1,x\r\nG1,x,extra\r\n", 3, 6, "this row has 3 cells"},
	{"group_id,a\r\n\r\nG2,x,extra\r\n", 3, 6, "this row has 3 cells"},
	/* a BOM does not shift the columns of the first line */
	{"\xEF\xBB\xBFgroup_id,,a\nG1,x,y\n", 1, 10, "empty column name"},
	{"\xEF\xBB\xBF" "a,b\nx,y\n", 1, 1, "no group.group_id column"},
	/* the header */
	{"group_id,a,a\nG1,x,y\n", 1, 12, "duplicate column 'a'"},
	{"group_id,group_id[]\nG1,x\n", 1, 10, "group.group_id cannot be a list"},
	{"group_id[],a\nG1,x\n", 1, 1, "group.group_id cannot be a list"},
	{"group_id,a.\nG1,x\n", 1, 10, "bad column name 'a.'"},
	/* rows */
	{"group_id,a\nG1,x\n,y\n", 3, 1, "this row has no group.group_id"},
	{"group_id,a\nG1,1\nG1,2\n", 3, 4, "group 'G1': a is 2 on line 3 but 1 on line 2"},
	{"group_id,a\n中文,\xC3\n", 2, 4, "invalid UTF-8"},
	{"group_id,a\n", 1, 1, "has a header but no data rows"},
	{"", 1, 1, "the CSV file is empty"},
};

ParameterizedTestParameters(csvload, errors_name_the_exact_line_and_column)
{
	return wst_case_indices(G_N_ELEMENTS(ERRORS));
}

/* Each row alone: a failure names the CSV text and the expected error. */
ParameterizedTest(size_t *i, csvload, errors_name_the_exact_line_and_column)
{
	const error_case *c = &ERRORS[*i];
	ws_diags *d = ws_diags_new();
	ws_dataset *ds = (ws_dataset *)0x1;
	char *src = g_strescape(c->src, NULL);
	cr_assert_eq(ws_data_load_buffer(&ds, c->src, strlen(c->src), "rows.csv", d), WS_EINPUT, "%s", src);
	cr_assert_null(ds, "%s: nothing half-loaded", src);
	const ws_diag *e = NULL;
	for (size_t k = 0; k < ws_diags_count(d) && !e; k++)
		if (ws_diags_at(d, k)->severity == WS_SEVERITY_ERROR)
			e = ws_diags_at(d, k);
	cr_assert_not_null(e, "%s: no error", src);
	char *msg = ws_diag_format(e);
	cr_expect_str_eq(e->loc.file, "rows.csv", "%s", src);
	cr_expect(e->loc.line == c->line && e->loc.column == c->col, "%s: expected %u:%u, got %s", src, c->line,
	          c->col, msg);
	cr_expect(strstr(e->message, c->what) != NULL, "%s: expected '%s' in %s", src, c->what, msg);
	g_free(msg);
	g_free(src);
	ws_diags_free(d);
}

/* Rows of one group_id gather in one group, in the order they came;
 * blank lines and rows of empty cells are no rows. */
Test(csvload, rows_gather_by_group_id)
{
	const char *src = "group_id,applicants.name_zh\r\n"
	                  "B2,甲\r\n"
	                  "\r\n"
	                  ",\r\n"
	                  "A1,乙\r\n"
	                  "B2,丙\r\n";
	ws_diags *d = ws_diags_new();
	ws_dataset *ds = load(src, d);
	cr_assert_eq(ws_dataset_count(ds), 2);
	cr_assert_str_eq(ws_value_text(ws_value_map_get(ws_dataset_group(ds, 0), "group_id")), "B2");
	ws_value *b2 = ws_value_map_get(ws_dataset_find(ds, "B2"), "applicants");
	cr_assert_eq(ws_value_length(b2), 2);
	cr_assert_str_eq(ws_value_text(ws_value_map_get(ws_value_list_at(b2, 1), "name_zh")), "丙");
	cr_assert_eq(ws_value_loc(ws_value_list_at(b2, 1)).line, 6);
	cr_assert_eq(ws_value_length(ws_value_map_get(ws_dataset_find(ds, "A1"), "applicants")), 1);
	cr_assert_eq(ws_diags_count(d), 0);
	ws_dataset_free(ds);
	ws_diags_free(d);
}
