/* Forms of the office's own: a layout that names itself (name:, title:)
 * instead of posing as a plugin's kind, borrows derived fields (derive:)
 * without the kind's rules, is validated by its own fields: rules, is
 * found by name in the layout folders and listed by `wenshu list`. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "support.h"

#define SELF "examples/data/self-beijing.yaml"

static char *write_file(const char *dir, const char *name, const char *text)
{
	char *p = g_build_filename(dir, name, NULL);
	cr_assert(g_file_set_contents(p, text, -1, NULL));
	return p;
}

static int run(const char *const *args, char **out, char **err)
{
	return wst_wenshu(args, out, err);
}

Test(forms, the_receipt_renders_under_its_own_name_and_metadata)
{
	char *dir = wst_tmpdir();
	char *tmpl = g_strdup_printf("%s/{group.group_id}-{kind}-{layout}.{format}", dir);
	const char *args[] = {"render", "passport-receipt", "--data", SELF, "-o", tmpl, NULL};
	char *err = NULL;
	cr_assert_eq(run(args, NULL, &err), 0, "%s", err);
	char *pdf = g_strdup_printf("%s/G2025-TEST-001-passport-receipt-passport-receipt.pdf", dir);
	cr_assert(g_file_test(pdf, G_FILE_TEST_EXISTS), "{kind} and {layout} are the form's name: %s", pdf);
	char *info = wst_pdfinfo(pdf);
	cr_assert(strstr(info, "护照领取签收单") && strstr(info, "passport-receipt"), "the metadata names the form:\n%s",
	          info);
	cr_assert_null(strstr(info, "note"), "not the kind it borrows its fields from:\n%s", info);
	char *raw = wst_pdftotext(pdf, false);
	cr_assert_not_null(raw, "pdftotext failed on %s", pdf);
	char *text = wst_squeeze(raw);
	g_free(raw);
	const char *order[] = {"护照领取签收单", "某某省示例学术交流团", "2025年4月20日至2025年4月27日", "序号", "贾测试",
	                       "护照号码", "领取人签名", "PE0000001", "共1人，护照1本", "第1页，共1页", NULL};
	wst_assert_in_order(text, order);
	g_free(text);
	g_free(info);
	g_free(pdf);
	g_free(tmpl);
	g_free(err);
	g_free(dir);
}

/* A receipt never prints the appointment: a bad time there is the visa
 * kinds' business, not the receipt's. */
Test(forms, the_borrowed_kind_does_not_validate)
{
	char *dir = wst_tmpdir();
	char *src = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/" SELF, &src, NULL, NULL));
	char **parts = g_strsplit(src, "time: \"08:30\"", -1);
	char *bad = g_strjoinv("time: \"8点半\"", parts);
	g_strfreev(parts);
	char *data = write_file(dir, "bad-time.yaml", bad);
	const char *note[] = {"check", "note", "--data", data, NULL};
	cr_assert_eq(run(note, NULL, NULL), 1, "the note's rules refuse the time");
	char *err = NULL;
	const char *form[] = {"check", "passport-receipt", "--data", data, NULL};
	cr_assert_eq(run(form, NULL, &err), 0, "the receipt does not: %s", err);
	cr_assert_null(strstr(err, "FangSong"), "no word about a font the receipt never uses: %s", err);
	g_free(err);
	g_free(data);
	g_free(bad);
	g_free(src);
	g_free(dir);
}

/* Its own fields: rules are its validation. */
Test(forms, its_own_field_rules_validate)
{
	char *dir = wst_tmpdir();
	char *src = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/" SELF, &src, NULL, NULL));
	char **parts = g_strsplit(src, "passport_no: PE", -1);
	char *bad = g_strjoinv("passport_no: X1", parts);
	g_strfreev(parts);
	char *data = write_file(dir, "bad-passport.yaml", bad);
	char *err = NULL;
	const char *form[] = {"check", "passport-receipt", "--data", data, NULL};
	cr_assert_eq(run(form, NULL, &err), 1, "%s", err);
	cr_assert(strstr(err, "bad-passport.yaml:") && strstr(err, "护照号码") &&
	          strstr(err, "group.applicants[0].passport_no"), "%s", err);
	g_free(err);
	g_free(data);
	g_free(bad);
	g_free(src);
	g_free(dir);
}

/* An office folder on WENSHU_LAYOUT_PATH: found by name, listed. */
Test(forms, an_office_folder_is_searched_and_listed)
{
	char *dir = wst_tmpdir();
	char *lay = write_file(dir, "hand-back.yaml",
	                       "wenshu: 1\nname: hand-back\ntitle: 交还单\nelements:\n  - text: \"交还 {{ group.group_id }}\"\n");
	char *path = g_strdup_printf("%s:%s", dir, g_getenv("WENSHU_LAYOUT_PATH"));
	char *old = g_strdup(g_getenv("WENSHU_LAYOUT_PATH"));
	g_setenv("WENSHU_LAYOUT_PATH", path, TRUE);
	char *out = NULL, *err = NULL;
	const char *list[] = {"list", NULL};
	cr_assert_eq(run(list, &out, NULL), 0);
	cr_assert(strstr(out, "hand-back") && strstr(out, "交还单"), "%s", out);
	cr_assert(strstr(out, "passport-receipt"), "%s", out);
	char *o = g_strdup_printf("%s/{kind}.pdf", dir);
	const char *render[] = {"render", "hand-back", "--data", SELF, "-o", o, NULL};
	cr_assert_eq(run(render, NULL, &err), 0, "%s", err);
	char *pdf = g_build_filename(dir, "hand-back.pdf", NULL);
	char *text = wst_pdftotext(pdf, false);
	cr_assert(text && strstr(text, "交还 G2025-TEST-001"), "%s", text);
	g_setenv("WENSHU_LAYOUT_PATH", old, TRUE);
	g_free(text);
	g_free(pdf);
	g_free(o);
	g_free(out);
	g_free(err);
	g_free(old);
	g_free(path);
	g_free(lay);
	g_free(dir);
}

typedef struct bad_identity {
	const char *yaml;
	const char *message;
} bad_identity;

/* The mistakes a clerk makes in the head of a form, each located. */
Test(forms, identity_mistakes_are_located)
{
	static const bad_identity cases[] = {
		{"wenshu: 1\ntitle: x\nelements: [{text: a}]\n", ":1:1: error: the layout must say what it is: 'name: my-form'"},
		{"wenshu: 1\nname: my-form\nderive: noet\nelements: [{text: a}]\n",
		 ":3:9: error: no plugin serves the kind 'noet' (did you mean 'note'?)"},
		{"wenshu: 1\nname: my-form\nkind: note\nderive: note\nelements: [{text: a}]\n",
		 ":4:9: error: derive: is for a form without kind:"},
		{"wenshu: 1\nname: my form\nelements: [{text: a}]\n", ":2:7: error: the form's name 'my form' must be letters"},
		{"wenshu: 1\nname: note\nelements: [{text: a}]\n", ":2:7: error: the name 'note' is a plugin's kind"},
		{"wenshu: 1\nname: other\nelements: [{text: a}]\n", ":2:7: warning: the form is named 'other' but its file is my-form.yaml"},
	};
	char *dir = wst_tmpdir();
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *lay = write_file(dir, "my-form.yaml", cases[i].yaml);
		char *err = NULL;
		const char *args[] = {"check", lay, NULL};
		run(args, NULL, &err);
		cr_assert(strstr(err, cases[i].message), "case %zu: want '%s' in:\n%s", i, cases[i].message, err);
		g_free(err);
		g_free(lay);
	}
	g_free(dir);
}

/* check --data names every template path that no group has, at its
 * file:line:col, with the closest field a group has — or, when no group
 * has anything near, the closest field of the data format (docs/fields.md).
 * A path one group has, or one given a default, is not reported. */
Test(forms, template_paths_missing_in_every_group)
{
	char *dir = wst_tmpdir();
	char *data = write_file(dir, "two.yaml",
	                        "groups:\n"
	                        "  - {group_id: A, fao_name: 外办, applicants: [{name_zh: 甲, passport_no: PE0000001}]}\n"
	                        "  - {group_id: B, only_b: x, applicants: [{name_zh: 乙}]}\n");
	char *form = write_file(dir, "paths.yaml",
	                        "wenshu: 1\n"
	                        "name: paths\n"
	                        "elements:\n"
	                        "  - text: \"{{ group.fao_name }}{{ group.only_b }}{{ group.gone | default('') }}\"\n"
	                        "  - text: \"{{ group.fao_nmae }}\"\n"
	                        "  - text: \"{{ group.note.numbr }}\"\n"
	                        "  - table:\n"
	                        "      columns: [1fr]\n"
	                        "      each: group.applicants\n"
	                        "      rows: [[\"{{ it.pasport_no }}\"]]\n");
	const char *args[] = {"check", form, "--data", data, NULL};
	char *out = NULL, *err = NULL;
	cr_assert_eq(run(args, &out, &err), 0, "%s", err);
	const char *want[] = {
		":5:15: warning: [path] 'group.fao_nmae' is in no group of two.yaml: it prints blank (did you mean 'fao_name'?)",
		":6:15: warning: [path] 'group.note.numbr' is in no group of two.yaml: it prints blank (did you mean 'number'?)",
		":10:19: warning: [path] 'group.applicants[*].pasport_no' is in no group of two.yaml: it prints blank (did you "
		"mean 'passport_no'?)",
		"wenshu: 3 template path(s) found in no group of two.yaml",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
		cr_assert(strstr(err, want[i]), "expected\n  %s\nin\n%s", want[i], err);
	cr_assert_null(strstr(err, "only_b"), "%s", err);
	cr_assert_null(strstr(err, "'group.fao_name'"), "%s", err);
	cr_assert_null(strstr(err, "gone"), "%s", err);
	g_free(out);
	g_free(err);
	g_free(form);
	g_free(data);
	g_free(dir);
}

/* The example forms (examples/forms/: a roster, a hand-over receipt with
 * checkboxes, an emblem and a barcode, a fee summary) are checked clean
 * against both bundled samples: an example a clerk copies must not teach
 * a warning.  The summary's rows and totals are the plugin's cents. */
Test(forms, the_example_forms_check_clean_and_add_up)
{
	static const char *const forms[] = {"roster", "handover", "fee-summary"};
	static const char *const data[] = {SELF, "examples/data/delegated-shanghai.yaml"};
	for (size_t f = 0; f < G_N_ELEMENTS(forms); f++)
		for (size_t k = 0; k < G_N_ELEMENTS(data); k++) {
			char *layout = g_strdup_printf("examples/forms/%s.yaml", forms[f]);
			const char *args[] = {"check", layout, "--data", data[k], NULL};
			char *err = NULL;
			cr_assert_eq(run(args, NULL, &err), 0, "%s with %s:\n%s", forms[f], data[k], err);
			cr_assert(strstr(err, ": OK"), "%s with %s is clean:\n%s", forms[f], data[k], err);
			g_free(err);
			g_free(layout);
		}
	char *dir = wst_tmpdir();
	char *out = g_strdup_printf("%s/sum.pdf", dir);
	const char *args[] = {"render", "examples/forms/fee-summary.yaml", "--data", "examples/data/delegated-shanghai.yaml",
	                      "-o", out, NULL};
	char *err = NULL;
	cr_assert_eq(run(args, NULL, &err), 0, "%s", err);
	char *raw = wst_pdftotext(out, false);
	cr_assert_not_null(raw);
	char *text = wst_squeeze(raw);
	g_free(raw);
	const char *order[] = {"签证费汇总表", "1", "甄示例", "TESTRCPT0002", "185.00", "1369.00", "3", "范例华", "1369.00",
	                       "555.00", "4107.00", "总计：4107.00CNY（555.00USD）", NULL};
	wst_assert_in_order(text, order);
	cr_assert(strstr(text, "合计3人"), "%s", text);
	cr_assert_null(strstr(text, "1369.0000"), "each line is rounded to the cent:\n%s", text);
	g_free(text);
	g_free(err);
	g_free(out);
	g_free(dir);
}
