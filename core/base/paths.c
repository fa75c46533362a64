/* Search paths (paths.h). */
#include "paths.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "ws-config.h"

bool ws_paths_running_from_build_tree(void)
{
	/* realpath on both sides: the build folder may be reached through a
	 * symlink, and /proc/self/exe is always resolved. */
	char *exe = realpath("/proc/self/exe", NULL);
	char *build = realpath(WS_BUILD_DIR, NULL);
	bool inside = false;
	if (exe && build) {
		size_t n = strlen(build);
		inside = strncmp(exe, build, n) == 0 && exe[n] == '/';
	}
	free(exe);
	free(build);
	return inside;
}

char *ws_paths_office_layout_dir(void)
{
	const char *xdg = g_getenv("XDG_DATA_HOME");
	/* The XDG spec: a relative XDG_DATA_HOME is invalid and ignored. */
	if (xdg && *xdg && g_path_is_absolute(xdg))
		return g_build_filename(xdg, "wenshu", "layouts", NULL);
	const char *home = g_getenv("HOME");
	if (!home || !*home)
		home = g_get_home_dir();
	return g_build_filename(home, ".local", "share", "wenshu", "layouts", NULL);
}

const char *ws_paths_installed_layout_dir(void)
{
	return WS_DATA_INSTALL_DIR "/layouts";
}

const char *ws_paths_installed_plugin_dir(void)
{
	return WS_PLUGIN_INSTALL_DIR;
}

char *ws_paths_default_fonts_conf(void)
{
	if (ws_paths_running_from_build_tree())
		return g_build_filename(WS_SOURCE_DIR, "fonts", "fonts.conf", NULL);
	return g_build_filename(WS_DATA_INSTALL_DIR, "fonts", "fonts.conf", NULL);
}

const char *ws_search_origin_name(ws_search_origin origin)
{
	switch (origin) {
	case WS_SEARCH_OPTION: return "given";
	case WS_SEARCH_ENV: return "environment";
	case WS_SEARCH_OFFICE: return "office folder";
	case WS_SEARCH_BUILD_TREE: return "build tree";
	case WS_SEARCH_INSTALLED: return "installed";
	}
	return "?";
}
