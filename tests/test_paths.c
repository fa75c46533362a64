/* Search paths (paths.h): which layout folders a name is looked up in, in
 * what order, and what a "not found" says. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "engine.h"
#include "paths.h"
#include "support.h"

static ws_engine *open_engine(void)
{
	ws_engine_options o = WS_ENGINE_OPTIONS_INIT;
	o.prepare_fonts = false;
	ws_engine *e = NULL;
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_engine_new(&e, &o, d), WS_OK);
	ws_diags_free(d);
	return e;
}

static void write_file(const char *path, const char *text)
{
	char *dir = g_path_get_dirname(path);
	cr_assert_eq(g_mkdir_with_parents(dir, 0755), 0);
	g_free(dir);
	cr_assert(g_file_set_contents(path, text, -1, NULL));
}

static const char *first_error(const ws_diags *d)
{
	for (size_t i = 0; i < ws_diags_count(d); i++)
		if (ws_diags_at(d, i)->severity == WS_SEVERITY_ERROR)
			return ws_diags_at(d, i)->message;
	return "";
}

Test(paths, test_binary_runs_from_the_build_tree)
{
	cr_assert(ws_paths_running_from_build_tree());
}

Test(paths, office_folder_follows_xdg_data_home)
{
	g_setenv("XDG_DATA_HOME", "/srv/office", TRUE);
	char *d = ws_paths_office_layout_dir();
	cr_assert_str_eq(d, "/srv/office/wenshu/layouts");
	g_free(d);
	/* A relative XDG_DATA_HOME is invalid (XDG spec): $HOME/.local/share. */
	g_setenv("XDG_DATA_HOME", "relative", TRUE);
	g_setenv("HOME", "/home/clerk", TRUE);
	d = ws_paths_office_layout_dir();
	cr_assert_str_eq(d, "/home/clerk/.local/share/wenshu/layouts");
	g_free(d);
}

Test(paths, search_order_env_office_build_installed)
{
	g_autofree char *tmp = wst_tmpdir();
	g_autofree char *env1 = g_build_filename(tmp, "env1", NULL);
	g_autofree char *env = g_strdup_printf("%s::relative/dir", env1);
	g_setenv("WENSHU_LAYOUT_PATH", env, TRUE);
	g_setenv("XDG_DATA_HOME", tmp, TRUE);
	ws_engine *e = open_engine();
	ws_search_origin o;
	cr_assert_eq(ws_engine_layout_dir_count(e), 4, "env, office, build tree, installed");
	cr_assert_str_eq(ws_engine_layout_dir_at(e, 0, &o), env1);
	cr_assert_eq(o, WS_SEARCH_ENV);
	g_autofree char *office = g_build_filename(tmp, "wenshu", "layouts", NULL);
	cr_assert_str_eq(ws_engine_layout_dir_at(e, 1, &o), office);
	cr_assert_eq(o, WS_SEARCH_OFFICE);
	cr_assert_str_eq(ws_engine_layout_dir_at(e, 2, &o), WS_TEST_SOURCE_DIR "/layouts");
	cr_assert_eq(o, WS_SEARCH_BUILD_TREE);
	cr_assert_str_eq(ws_engine_layout_dir_at(e, 3, &o), ws_paths_installed_layout_dir());
	cr_assert_eq(o, WS_SEARCH_INSTALLED);
	cr_assert_null(ws_engine_layout_dir_at(e, 4, NULL));
	ws_engine_free(e);
}

Test(paths, office_layout_shadows_the_shipped_one_and_own_forms_are_found_by_name)
{
	g_autofree char *tmp = wst_tmpdir();
	g_unsetenv("WENSHU_LAYOUT_PATH");
	g_setenv("XDG_DATA_HOME", tmp, TRUE);
	g_autofree char *note = g_build_filename(tmp, "wenshu", "layouts", "note.yaml", NULL);
	g_autofree char *form = g_build_filename(tmp, "wenshu", "layouts", "passport-receipt.yaml", NULL);
	write_file(note, "wenshu: 1\n");
	write_file(form, "wenshu: 1\n");
	ws_engine *e = open_engine();
	ws_diags *d = ws_diags_new();
	char *path = NULL;
	cr_assert_eq(ws_engine_find_layout(e, "note", &path, d), WS_OK);
	cr_assert_str_eq(path, note);
	g_free(path);
	cr_assert_eq(ws_engine_find_layout(e, "passport-receipt", &path, d), WS_OK);
	cr_assert_str_eq(path, form);
	g_free(path);
	/* A kind the office does not override still finds the shipped layout. */
	cr_assert_eq(ws_engine_find_layout(e, "note-cover", &path, d), WS_OK);
	cr_assert_str_eq(path, WS_TEST_SOURCE_DIR "/layouts/note-cover.yaml");
	g_free(path);
	ws_diags_free(d);
	ws_engine_free(e);
}

Test(paths, not_found_lists_every_folder_searched)
{
	g_autofree char *tmp = wst_tmpdir();
	g_autofree char *env1 = g_build_filename(tmp, "mine", NULL);
	g_mkdir(env1, 0755);
	g_setenv("WENSHU_LAYOUT_PATH", env1, TRUE);
	g_setenv("XDG_DATA_HOME", tmp, TRUE);
	ws_engine *e = open_engine();
	ws_diags *d = ws_diags_new();
	char *path = NULL;
	cr_assert_eq(ws_engine_find_layout(e, "no-such-form", &path, d), WS_EUSAGE);
	cr_assert_null(path);
	const char *msg = first_error(d);
	g_autofree char *want_env = g_strdup_printf("%s ($WENSHU_LAYOUT_PATH)", env1);
	g_autofree char *want_office = g_strdup_printf("%s/wenshu/layouts (office folder, missing)", tmp);
	cr_assert(strstr(msg, "layout folders searched: "), "%s", msg);
	cr_assert(strstr(msg, want_env), "%s", msg);
	cr_assert(strstr(msg, want_office), "%s", msg);
	cr_assert(strstr(msg, WS_TEST_SOURCE_DIR "/layouts (build tree)"), "%s", msg);
	cr_assert(strstr(msg, ws_paths_installed_layout_dir()), "%s", msg);
	ws_diags_free(d);
	ws_engine_free(e);
}

/* The same binary copied out of the build tree is an installed binary: it
 * must not fall back on the source tree's layouts even though the build
 * folder is still there. */
Test(paths, binary_outside_the_build_tree_never_reads_the_source_tree)
{
	g_autofree char *tmp = wst_tmpdir();
	g_autofree char *exe = g_build_filename(tmp, "wenshu", NULL);
	char *bin = NULL;
	gsize len = 0;
	cr_assert(g_file_get_contents(WS_TEST_BUILD_DIR "/cli/wenshu", &bin, &len, NULL));
	cr_assert(g_file_set_contents(exe, bin, len, NULL));
	g_chmod(exe, 0755);
	g_free(bin);
	g_autofree char *data = g_build_filename(WS_TEST_SOURCE_DIR, "examples", "data", "self-beijing.yaml", NULL);
	const char *argv[] = {exe, "check", "note", "--data", data, NULL};
	char **envp = g_get_environ();
	envp = g_environ_unsetenv(envp, "WENSHU_LAYOUT_PATH");
	envp = g_environ_setenv(envp, "XDG_DATA_HOME", tmp, TRUE);
	char *err = NULL;
	int status = -1;
	cr_assert(g_spawn_sync(tmp, (char **)argv, envp, 0, NULL, NULL, NULL, &err, &status, NULL));
	cr_assert(g_spawn_check_wait_status(status, NULL) == FALSE);
	cr_assert_null(strstr(err, WS_TEST_SOURCE_DIR "/layouts"), "read the source tree: %s", err);
	cr_assert(strstr(err, "no layout 'note.yaml' for the kind 'note'"), "%s", err);
	cr_assert(strstr(err, "(office folder, missing)"), "%s", err);
	g_strfreev(envp);
	g_free(err);
}
