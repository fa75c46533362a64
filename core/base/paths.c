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

/* The installation's folders.  An installed tree may be moved (an
 * unpacked archive, a DESTDIR staging tree, /opt/wenshu-x.y): when the
 * running executable is PREFIX/BINDIR/NAME, the folders are taken
 * relative to that PREFIX; otherwise (another program linking libwenshu)
 * they are the configured ones. */
typedef struct install_dirs {
	char *data;    /* DATADIR/wenshu */
	char *plugins; /* LIBDIR/wenshu/plugins */
	char *layouts; /* DATADIR/wenshu/layouts */
} install_dirs;

static void *find_install_dirs(void *unused)
{
	(void)unused;
	install_dirs *d = g_new0(install_dirs, 1);
	char *exe = realpath("/proc/self/exe", NULL);
	char *bindir = exe ? g_path_get_dirname(exe) : NULL;
	if (bindir && !g_path_is_absolute(WS_BINDIR_REL) && !g_path_is_absolute(WS_DATADIR_REL) &&
	    !g_path_is_absolute(WS_LIBDIR_REL) && g_str_has_suffix(bindir, "/" WS_BINDIR_REL)) {
		char *prefix = g_strndup(bindir, strlen(bindir) - strlen("/" WS_BINDIR_REL));
		d->data = g_build_filename(prefix, WS_DATADIR_REL, "wenshu", NULL);
		d->plugins = g_build_filename(prefix, WS_LIBDIR_REL, "wenshu", "plugins", NULL);
		g_free(prefix);
	} else {
		d->data = g_strdup(WS_DATA_INSTALL_DIR);
		d->plugins = g_strdup(WS_PLUGIN_INSTALL_DIR);
	}
	d->layouts = g_build_filename(d->data, "layouts", NULL);
	g_free(bindir);
	free(exe);
	return d;
}

static const install_dirs *installed(void)
{
	static GOnce once = G_ONCE_INIT;
	return g_once(&once, find_install_dirs, NULL);
}

const char *ws_paths_installed_layout_dir(void)
{
	return installed()->layouts;
}

const char *ws_paths_installed_plugin_dir(void)
{
	return installed()->plugins;
}

const char *ws_paths_installed_data_dir(void)
{
	return installed()->data;
}

char *ws_paths_default_fonts_conf(void)
{
	if (ws_paths_running_from_build_tree())
		return g_build_filename(WS_SOURCE_DIR, "fonts", "fonts.conf", NULL);
	return g_build_filename(ws_paths_installed_data_dir(), "fonts", "fonts.conf", NULL);
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
