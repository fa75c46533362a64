/* Search paths: where wenshu looks for layouts, plugins and its font
 * configuration, in one place.
 *
 * An installed wenshu reads only what is installed (and what the user
 * points it at); the source and build trees are used only by a program
 * that itself runs from the build tree (tests, the README quick start).
 * The test is on the running executable's path, not on whether the build
 * folder still exists: an installed binary next to a live build folder
 * must not quietly pick up the source tree's layouts.
 *
 * Layout folders, searched in this order (each a ws_search_dir):
 *   1. the caller's extra folders (ws_engine_options.layout_dirs)
 *   2. each entry of $WENSHU_LAYOUT_PATH (colon-separated, absolute)
 *   3. the office folder $XDG_DATA_HOME/wenshu/layouts
 *      (~/.local/share/wenshu/layouts when XDG_DATA_HOME is unset)
 *   4. the source tree's layouts/, only when running from the build tree
 *   5. the installed DATADIR/wenshu/layouts
 * Plugin folders: plugin.h (ws_registry_add_default_dirs).
 */
#ifndef WS_PATHS_H
#define WS_PATHS_H

#include <stdbool.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a search folder came from, for messages ("searched: ... ($WENSHU_LAYOUT_PATH)"). */
typedef enum ws_search_origin {
	WS_SEARCH_OPTION = 0,  /* given by the caller */
	WS_SEARCH_ENV,         /* $WENSHU_LAYOUT_PATH or $WENSHU_PLUGIN_PATH */
	WS_SEARCH_OFFICE,      /* $XDG_DATA_HOME/wenshu/layouts */
	WS_SEARCH_BUILD_TREE,  /* source or build tree (running from the build tree) */
	WS_SEARCH_INSTALLED,   /* the installation's data or library folder */
} ws_search_origin;

/* True when the running executable lies inside the build tree this
 * library was configured for (meson's build folder). */
WS_EXPORT bool ws_paths_running_from_build_tree(void);

/* The office layout folder: $XDG_DATA_HOME/wenshu/layouts, or
 * $HOME/.local/share/wenshu/layouts.  Read from the environment at each
 * call (GLib caches g_get_user_data_dir() for the life of the process).
 * Caller g_free()s. */
WS_EXPORT char *ws_paths_office_layout_dir(void);

/* The installed folders: meson's prefix, or — when the running executable
 * is PREFIX/bin/wenshu of a moved installation — that PREFIX (relocatable
 * installs).  Static strings. */
WS_EXPORT const char *ws_paths_installed_layout_dir(void);  /* DATADIR/wenshu/layouts */
WS_EXPORT const char *ws_paths_installed_plugin_dir(void);  /* LIBDIR/wenshu/plugins */
WS_EXPORT const char *ws_paths_installed_data_dir(void);    /* DATADIR/wenshu */

/* The font configuration to use when neither the caller nor
 * $FONTCONFIG_FILE names one: the source tree's fonts/fonts.conf when
 * running from the build tree, else DATADIR/wenshu/fonts/fonts.conf.
 * Caller g_free()s. */
WS_EXPORT char *ws_paths_default_fonts_conf(void);

/* "$WENSHU_LAYOUT_PATH", "office folder", ... for messages.  Static. */
WS_EXPORT const char *ws_search_origin_name(ws_search_origin origin);

#ifdef __cplusplus
}
#endif
#endif
