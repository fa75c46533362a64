/* wenshu render: every group of a data file with one layout, one file per
 * group and format (the batch runner, batch.c), or all into one PDF
 * (--merge, streamed here). */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "commands.h"
#include "names.h"
#include "report.h"
#include "suggest.h"

/* Parses "pdf", "png,pdf" ... into output options.  Returns the count, 0 on error. */
static size_t parse_formats(const char *list, double dpi, ws_output_options *out, size_t max)
{
	char **parts = g_strsplit(list, ",", -1);
	size_t n = 0;
	for (char **p = parts; *p; p++) {
		ws_output_options o = WS_OUTPUT_OPTIONS_INIT;
		if (n >= max || ws_format_from_name(g_strstrip(*p), &o.format) != WS_OK) {
			const char *const names[] = {"pdf", "png", "svg"};
			const char *hint = ws_suggest(g_strstrip(*p), names, G_N_ELEMENTS(names));
			fprintf(stderr, "wenshu: unknown format '%s'%s%s%s; use pdf, png or svg\n", ws_cli_safe(*p),
			        hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
			g_strfreev(parts);
			return 0;
		}
		o.dpi = dpi;
		out[n++] = o;
	}
	g_strfreev(parts);
	return n;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Replaces the extension of `path` by `ext` when the template ends in an
 * extension of another format. */
static char *with_extension(const char *path, const char *ext)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	if (dot && (!slash || dot > slash)) {
		ws_format f;
		if (ws_format_from_path(path, &f) == WS_OK)
			return g_strdup_printf("%.*s.%s", (int)(dot - path), path, ext);
	}
	return g_strdup_printf("%s.%s", path, ext);
}

/* The first reading of a batch's data (ws_cli_render). */
typedef struct batch_plan {
	ws_engine *engine;
	const char *tmpl, *kind;
	const ws_output_options *oo;
	size_t n_oo;             /* 0: no output names (--merge) */
	const char *data_path, *layout_path;
	GArray *items;           /* of ws_batch_item, in file order */
	GHashTable *seen;        /* output names so far (owned strings) */
	bool names_ok;
} batch_plan;

static bool plan_group(ws_value *group, size_t index, void *user)
{
	batch_plan *p = user;
	ws_engine_expect_group(p->engine, group);
	ws_batch_item it = {.group_index = index};
	const char *id = ws_value_text(ws_value_map_get(group, "group_id"));
	it.label = g_strdup(id && *id ? id : "(no group_id)");
	it.outputs = g_new0(char *, p->n_oo + 1);
	for (size_t f = 0; f < p->n_oo; f++) {
		ws_diags *nd = ws_diags_new();
		const char *fname = ws_format_name(p->oo[f].format);
		char *name = ws_cli_expand_name(p->tmpl, group, p->kind, fname, p->items->len, nd);
		ws_cli_print_diags(nd, false);
		ws_diags_free(nd);
		if (!name) {
			p->names_ok = false;
			continue;
		}
		/* Several formats from one name: each gets its own extension. */
		if (p->n_oo > 1 || !strstr(p->tmpl, "{format}")) {
			ws_format f2;
			if (p->n_oo > 1 || ws_format_from_path(name, &f2) != WS_OK) {
				char *x = with_extension(name, fname);
				g_free(name);
				name = x;
			}
		}
		if (same_file(name, p->data_path) || same_file(name, p->layout_path)) {
			fprintf(stderr, "wenshu: %s: the output would overwrite an input file\n", ws_cli_safe(name));
			p->names_ok = false;
		}
		if (g_hash_table_contains(p->seen, name)) {
			fprintf(stderr,
			        "wenshu: two groups would be written to the same file %s (group %s); put {group.group_id} in -o\n",
			        ws_cli_safe(name), ws_cli_safe(it.label));
			p->names_ok = false;
		} else {
			g_hash_table_add(p->seen, g_strdup(name));
		}
		it.outputs[f] = name;
	}
	g_array_append_val(p->items, it);
	return true;
}

/* When one group's file is named like a page of another group's PNG or
 * SVG (group "G1-2" writes out/G1-2.png; page 2 of group G1 is
 * out/G1-2.png too), one would overwrite the other, and a shorter run of
 * G1 would remove G1-2's file as an old page of its own.  Refused before
 * anything is written, like two groups to one file (exit 2). */
static bool pages_clash(const ws_batch_item *items, size_t n, const ws_output_options *oo, size_t n_oo)
{
	GHashTable *paged = g_hash_table_new(g_str_hash, g_str_equal); /* name → item, PNG/SVG only */
	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < n_oo; f++)
			if (oo[f].format != WS_FORMAT_PDF && items[i].outputs[f])
				g_hash_table_insert(paged, items[i].outputs[f], (void *)&items[i]);
	bool clash = false;
	for (size_t i = 0; i < n && !clash; i++)
		for (size_t f = 0; f < n_oo && !clash; f++) {
			/* NAME-K.EXT → NAME.EXT (no extension: NAME-K → NAME). */
			const char *name = items[i].outputs[f];
			if (!name)
				continue;
			const char *slash = strrchr(name, '/');
			const char *base = slash ? slash + 1 : name;
			const char *dot = strrchr(base, '.');
			const char *end = dot && dot != base ? dot : name + strlen(name);
			const char *k = end;
			while (k > base && g_ascii_isdigit(k[-1]))
				k--;
			if (k == end || k - 1 <= base || k[-1] != '-' || *k == '0')
				continue;
			char *owner_name = g_strdup_printf("%.*s%s", (int)(k - 1 - name), name, end);
			const ws_batch_item *owner = g_hash_table_lookup(paged, owner_name);
			if (owner && owner != &items[i]) {
				fprintf(stderr,
				        "wenshu: group %s would be written to %s, the name of page %.*s of group %s's %s; "
				        "put -{kind} after {group.group_id} in -o\n",
				        ws_cli_safe(items[i].label), ws_cli_safe(name), (int)(end - k), k, ws_cli_safe(owner->label),
				        ws_cli_safe(owner_name));
				clash = true;
			}
			g_free(owner_name);
		}
	g_hash_table_unref(paged);
	return clash;
}

/* The second reading for --merge: each group into the one PDF. */
typedef struct merge_run {
	ws_engine *engine;
	const ws_layout *layout;
	ws_output_pdf *pdf;
	const ws_batch_item *items;
	size_t n, next, merged;
	int worst, write_rc;
} merge_run;

static bool merge_group(ws_value *group, size_t index, void *user)
{
	merge_run *m = user;
	if (ws_cli_interrupted || m->write_rc != WS_OK)
		return false;
	const ws_batch_item *it = m->next < m->n ? &m->items[m->next++] : NULL;
	if (!ws_cli_same_group(it, group, index)) {
		m->worst = WS_EINPUT;
		return false;
	}
	ws_diags *gd = ws_diags_new();
	ws_document *doc = NULL;
	ws_cli_repeats_group(index);
	int rc = ws_engine_render(m->engine, m->layout, group, &doc, gd);
	ws_cli_print_diags(gd, true);
	ws_diags_free(gd);
	if (rc != WS_OK) {
		m->worst = rc;
		return true;
	}
	ws_diags *wd = ws_diags_new();
	m->write_rc = ws_output_pdf_add(m->pdf, doc, wd);
	ws_cli_print_diags(wd, false);
	ws_diags_free(wd);
	ws_document_free(doc);
	if (m->write_rc == WS_OK)
		m->merged++;
	return m->write_rc == WS_OK;
}

int ws_cli_render(int argc, char **argv)
{
	char *data_path = NULL, *out_tmpl = NULL, *format = NULL, *merge = NULL;
	double dpi = 150;
	int jobs = 0;
	gboolean no_fontprep = FALSE;
	GOptionEntry entries[] = {
		{"data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path, "Group data (YAML, JSON or CSV)", "FILE"},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &out_tmpl,
		 "Output name template (default out/{group.group_id}-{kind}.{format})", "TEMPLATE"},
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format, "pdf, png, svg, or a list such as pdf,png", "FORMAT"},
		{"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &dpi, "PNG resolution (default 150)", "N"},
		{"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Parallel workers (default: number of cores)", "N"},
		{"merge", 0, 0, G_OPTION_ARG_FILENAME, &merge, "Write every group into this one PDF", "FILE"},
		{"no-font-cache", 0, 0, G_OPTION_ARG_NONE, &no_fontprep, "Embed the stock fonts (slower, larger)", NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	static const char usage[] = "wenshu render LAYOUT|KIND --data FILE [-o TEMPLATE] [--format pdf,png,svg] [--merge FILE]";
	GOptionContext *ctx = g_option_context_new("LAYOUT|KIND - render every group of a data file");
	g_option_context_add_main_entries(ctx, entries, NULL);
	int status = 2;
	ws_engine *engine = NULL;
	ws_layout *layout = NULL;
	ws_batch_item *items = NULL;
	size_t n_items = 0;
	if (!ws_cli_parse(ctx, entries, "render", &argc, &argv))
		goto out;
	if (argc != 2 || !data_path) {
		ws_cli_usage_error(usage, "give one LAYOUT or KIND and --data FILE");
		goto out;
	}
	if (jobs < 0 || jobs > 256) {
		fprintf(stderr, "wenshu: --jobs must be between 1 and 256\n");
		goto out;
	}
	if (jobs == 0)
		jobs = (int)g_get_num_processors();
	if (!(dpi >= WS_OUTPUT_DPI_MIN && dpi <= WS_OUTPUT_DPI_MAX)) {
		fprintf(stderr, "wenshu: --dpi must be between %g and %g\n", WS_OUTPUT_DPI_MIN, WS_OUTPUT_DPI_MAX);
		goto out;
	}
	ws_output_options oo[3];
	size_t n_oo;
	if (format) {
		n_oo = parse_formats(format, dpi, oo, 3);
	} else {
		ws_output_options o = WS_OUTPUT_OPTIONS_INIT;
		o.dpi = dpi;
		if (out_tmpl && ws_format_from_path(out_tmpl, &o.format) != WS_OK)
			o.format = WS_FORMAT_PDF;
		if (merge)
			o.format = WS_FORMAT_PDF;
		oo[0] = o;
		n_oo = 1;
	}
	if (n_oo == 0)
		goto out;
	/* The files named here first: a typo is a usage error (2), an
	 * unreadable file an I/O error (3), before the engine starts. */
	if ((status = ws_cli_need_layout(argv[1])) != 0 || (status = ws_cli_need_file(data_path, "data file")) != 0)
		goto out;
	ws_cli_repeats_on();

	status = 3;
	if (ws_cli_engine_open(&engine, !no_fontprep) != WS_OK)
		goto out;
	/* PDFs draw their text with the engine's font twins (twins.h). */
	for (size_t i = 0; i < n_oo; i++)
		oo[i].twins = ws_engine_twins(engine);
	ws_diags *d = ws_diags_new();
	int rc = ws_engine_load_layout(engine, argv[1], &layout, d);
	/* Fallbacks of the font roles this layout uses, and of no other. */
	if (rc == WS_OK)
		ws_engine_report_layout_fonts(engine, layout, d);
	/* A page too big in pixels is the layout's (or --dpi's): exit 1 at its
	 * `page:`, before any group is typeset. */
	for (size_t f = 0; rc == WS_OK && f < n_oo; f++)
		rc = ws_output_check_layout(layout, &oo[f], d);
	ws_cli_print_diags(d, true);
	ws_diags_free(d);
	if (rc != WS_OK) {
		status = ws_cli_exit_status(rc);
		goto out;
	}
	/* First reading: check every group, name every output and announce
	 * the text to the font twins, before anything is written.  Groups are
	 * read one at a time and let go (ws_data_each), here and when they
	 * are rendered, so memory does not grow with the file. */
	const char *kind = ws_layout_name(layout);
	batch_plan plan = {
		.engine = engine,
		.tmpl = out_tmpl ? out_tmpl : "out/{group.group_id}-{kind}.{format}",
		.kind = kind,
		.oo = oo,
		.n_oo = merge ? 0 : n_oo,
		.data_path = data_path,
		.layout_path = ws_layout_path(layout),
		.items = g_array_new(FALSE, TRUE, sizeof(ws_batch_item)),
		.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.names_ok = true,
	};
	ws_diags *dd = ws_diags_new();
	rc = ws_data_each(data_path, plan_group, &plan, dd);
	ws_cli_print_diags(dd, false);
	ws_diags_free(dd);
	g_hash_table_unref(plan.seen);
	n_items = plan.items->len;
	items = (ws_batch_item *)(void *)g_array_free(plan.items, FALSE);
	if (rc != WS_OK) {
		status = ws_cli_exit_status(rc);
		goto out;
	}

	if (merge) {
		/* One PDF for all groups: fonts embedded once. */
		if (same_file(merge, data_path) || same_file(merge, ws_layout_path(layout))) {
			fprintf(stderr, "wenshu: --merge would overwrite an input file: %s\n", ws_cli_safe(merge));
			status = 2;
			goto out;
		}
		if ((status = ws_cli_make_folder_of(merge)) != 0)
			goto out;
		/* Streamed: each document is drawn into the PDF as soon as it is
		 * typeset and freed, so memory does not grow with the groups. */
		oo[0].format = WS_FORMAT_PDF;
		ws_diags *wd = ws_diags_new();
		merge_run m = {.engine = engine, .layout = layout, .items = items, .n = n_items, .worst = WS_OK,
		               .write_rc = WS_OK};
		rc = ws_output_pdf_open(&m.pdf, merge, &oo[0], wd);
		ws_cli_print_diags(wd, false);
		ws_diags_free(wd);
		if (rc != WS_OK) {
			status = ws_cli_exit_status(rc);
			goto out;
		}
		wd = ws_diags_new();
		rc = ws_data_each(data_path, merge_group, &m, wd);
		ws_cli_print_diags(wd, false);
		ws_diags_free(wd);
		if (ws_cli_interrupted) {
			ws_output_pdf_abort(m.pdf);
			status = 4;
			goto out;
		}
		if (rc != WS_OK && m.worst == WS_OK)
			m.worst = rc;
		wd = ws_diags_new();
		if (m.merged == 0 && m.write_rc == WS_OK) {
			ws_output_pdf_abort(m.pdf);
			rc = WS_EINPUT;
		} else {
			rc = ws_output_pdf_close(m.pdf, wd);
		}
		ws_cli_print_diags(wd, false);
		ws_diags_free(wd);
		size_t distinct = 0, warned = ws_cli_repeats_groups(&distinct);
		fprintf(stderr, "wenshu: %zu of %zu group(s) merged into %s", m.merged, n_items, ws_cli_safe(merge));
		if (warned)
			fprintf(stderr, ", %zu with warnings (%zu different)", warned, distinct);
		fputc('\n', stderr);
		ws_cli_repeats_summary();
		status = ws_cli_exit_status(rc != WS_OK ? rc : m.worst);
		goto out;
	}
	if (!plan.names_ok || pages_clash(items, n_items, oo, n_oo)) {
		status = 2;
		goto out;
	}
	/* Create the output folders the template names. */
	for (size_t i = 0; i < n_items; i++)
		for (size_t f = 0; f < n_oo; f++)
			if ((status = ws_cli_make_folder_of(items[i].outputs[f])) != 0)
				goto out;
	rc = ws_cli_run_batch(engine, layout, data_path, items, n_items, oo, n_oo, jobs);
	status = ws_cli_exit_status(rc);
	if (rc == WS_OK && n_items == 1)
		for (size_t f = 0; f < n_oo; f++) {
			/* A multi-page PNG or SVG is one file per page: NAME-1.png, ... */
			if (g_file_test(items[0].outputs[f], G_FILE_TEST_EXISTS)) {
				printf("%s\n", ws_cli_safe(items[0].outputs[f]));
				continue;
			}
			const char *dot = strrchr(items[0].outputs[f], '.');
			int stem = dot ? (int)(dot - items[0].outputs[f]) : (int)strlen(items[0].outputs[f]);
			for (int page = 1;; page++) {
				char *name = g_strdup_printf("%.*s-%d%s", stem, items[0].outputs[f], page, dot ? dot : "");
				bool exists = g_file_test(name, G_FILE_TEST_EXISTS);
				if (exists)
					printf("%s\n", ws_cli_safe(name));
				g_free(name);
				if (!exists)
					break;
			}
		}
out:
	for (size_t i = 0; i < n_items && items; i++) {
		g_free(items[i].label);
		g_strfreev(items[i].outputs);
	}
	g_free(items);
	ws_layout_free(layout);
	ws_engine_free(engine);
	g_option_context_free(ctx);
	g_free(data_path);
	g_free(out_tmpl);
	g_free(format);
	g_free(merge);
	return status;
}
