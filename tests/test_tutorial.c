/* docs/tutorial.md, run: each ```yaml file=NAME block is written into a
 * fresh office folder (the tutorial's ~/forms); each ```yaml edit=NAME
 * block changes that file (its first and last lines are the context, the
 * lines between replace what is between them, wherever they stand); each
 * line of a ```sh block is run by sh from the source folder; each
 * `$ wenshu …` line of a ```console block is run with WENSHU_LAYOUT_PATH on
 * that folder, and each line under it must appear in what wenshu printed
 * (stdout + stderr). */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "support.h"

static char *with_dir(const char *s, const char *dir)
{
	char **parts = g_strsplit(s, "~/forms", -1);
	char *out = g_strjoinv(dir, parts);
	g_strfreev(parts);
	return out;
}

/* The lines of a ```yaml edit= block: between each pair of its context
 * lines in `file`, its middle lines.  Returns how many places changed. */
static int edit_file(const char *file, char **block, size_t n)
{
	char *text = NULL;
	cr_assert(g_file_get_contents(file, &text, NULL, NULL), "%s: no such file to edit", file);
	char **lines = g_strsplit(text, "\n", -1);
	GString *out = g_string_new(NULL);
	int changed = 0;
	for (size_t i = 0; lines[i]; i++) {
		g_string_append_printf(out, "%s%s", i ? "\n" : "", lines[i]);
		if (n < 2 || strcmp(lines[i], block[0]) != 0)
			continue;
		size_t j = i + 1;
		while (lines[j] && j <= i + n + 2 && strcmp(lines[j], block[n - 1]) != 0)
			j++;
		if (!lines[j] || strcmp(lines[j], block[n - 1]) != 0)
			continue;
		for (size_t k = 1; k + 1 < n; k++)
			g_string_append_printf(out, "\n%s", block[k]);
		i = j - 1;
		changed++;
	}
	cr_assert(g_file_set_contents(file, out->str, (gssize)out->len, NULL));
	g_string_free(out, TRUE);
	g_strfreev(lines);
	g_free(text);
	return changed;
}

Test(tutorial, every_step_says_what_the_doc_says)
{
	char *doc = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/docs/tutorial.md", &doc, NULL, NULL));
	char *dir = wst_tmpdir();
	char *old = g_strdup(g_getenv("WENSHU_LAYOUT_PATH"));
	char *path = g_strdup_printf("%s:%s", dir, old);
	g_setenv("WENSHU_LAYOUT_PATH", path, TRUE);
	char **lines = g_strsplit(doc, "\n", -1);
	int files = 0, commands = 0, expected = 0, edits = 0, shell = 0;
	char *said = NULL;
	bool in_console = false;
	for (size_t i = 0; lines[i]; i++) {
		const char *l = lines[i];
		if (g_str_has_prefix(l, "```yaml file=")) {
			GString *body = g_string_new(NULL);
			char *file = g_build_filename(dir, l + strlen("```yaml file="), NULL);
			for (i++; lines[i] && strcmp(lines[i], "```") != 0; i++)
				g_string_append_printf(body, "%s\n", lines[i]);
			cr_assert(g_file_set_contents(file, body->str, (gssize)body->len, NULL));
			g_string_free(body, TRUE);
			g_free(file);
			files++;
		} else if (g_str_has_prefix(l, "```yaml edit=")) {
			char *file = g_build_filename(dir, l + strlen("```yaml edit="), NULL);
			GPtrArray *block = g_ptr_array_new();
			for (i++; lines[i] && strcmp(lines[i], "```") != 0; i++)
				g_ptr_array_add(block, lines[i]);
			cr_assert_geq(edit_file(file, (char **)block->pdata, block->len), 1,
			              "docs/tutorial.md:%zu: the edit's context is nowhere in %s", i, file);
			g_ptr_array_free(block, TRUE);
			g_free(file);
			edits++;
		} else if (strcmp(l, "```sh") == 0) {
			for (i++; lines[i] && strcmp(lines[i], "```") != 0; i++) {
				char *line = with_dir(lines[i], dir);
				const char *argv[] = {"/bin/sh", "-c", line, NULL};
				int status = -1;
				char *err = NULL;
				cr_assert(g_spawn_sync(WS_TEST_SOURCE_DIR, (char **)argv, NULL, 0, NULL, NULL, NULL, &err, &status,
				                       NULL));
				cr_assert(g_spawn_check_wait_status(status, NULL), "docs/tutorial.md:%zu: %s failed: %s", i + 1,
				          line, err);
				g_free(err);
				g_free(line);
				shell++;
			}
		} else if (strcmp(l, "```console") == 0) {
			in_console = true;
		} else if (in_console && strcmp(l, "```") == 0) {
			in_console = false;
		} else if (in_console && g_str_has_prefix(l, "$ wenshu ")) {
			char *cmd = with_dir(l + strlen("$ wenshu "), dir);
			char **args = g_strsplit(cmd, " ", -1);
			char *out = NULL, *err = NULL;
			wst_wenshu((const char *const *)args, &out, &err);
			g_free(said);
			said = g_strconcat(out, err, NULL);
			g_free(out);
			g_free(err);
			g_strfreev(args);
			g_free(cmd);
			commands++;
		} else if (in_console && *l) {
			cr_assert_not_null(said, "an expected line before any command: %s", l);
			char *want = with_dir(l, dir);
			cr_assert(strstr(said, want), "docs/tutorial.md:%zu: wenshu did not say\n  %s\nit said:\n%s", i + 1, want,
			          said);
			g_free(want);
			expected++;
		}
	}
	cr_assert_geq(files, 6, "the tutorial writes its form step by step (%d files)", files);
	cr_assert_geq(commands, 8, "%d commands", commands);
	cr_assert_geq(expected, 8, "%d expected lines", expected);
	cr_assert_geq(edits, 2, "the packet is edited twice (%d)", edits);
	cr_assert_geq(shell, 3, "%d shell lines", shell);
	/* The packet: the receipt listed on the cover after the note, and printed. */
	char *packet = g_build_filename(dir, "packet", "G2025-TEST-002-packet.pdf", NULL);
	char *ptext = wst_pdftotext(packet, false);
	cr_assert_not_null(ptext, "pdftotext failed on %s", packet);
	char *pflat = wst_squeeze(ptext);
	const char *cover[] = {"本邮件所附打印文件", "中文照会", "护照领取签收单", "领取人签名", NULL};
	wst_assert_in_order(pflat, cover);
	g_free(pflat);
	g_free(ptext);
	g_free(packet);
	/* The printed receipt, read back. */
	char *pdf = g_build_filename(dir, "out", "G2025-TEST-002-receipt.pdf", NULL);
	char *raw = wst_pdftotext(pdf, false);
	cr_assert_not_null(raw, "pdftotext failed on %s", pdf);
	char *text = wst_squeeze(raw);
	g_free(raw);
	const char *order[] = {"护照领取签收单", "出访日期", "甄示例", "PE0000002", "范例华", "SE0000004", "第1页，共1页", NULL};
	wst_assert_in_order(text, order);
	cr_assert(strstr(text, "2025年5月10日") && strstr(text, "领取人签名"), "%s", text);
	char *info = wst_pdfinfo(pdf);
	cr_assert(strstr(info, "护照领取签收单") && strstr(info, "receipt"), "%s", info);
	g_free(info);
	g_free(text);
	g_free(pdf);
	g_free(said);
	g_strfreev(lines);
	g_free(doc);
	g_setenv("WENSHU_LAYOUT_PATH", old, TRUE);
	g_free(path);
	g_free(old);
	g_free(dir);
}
