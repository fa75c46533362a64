/* The layout model, shared by the loader, the binder and the typesetter.
 * Not installed: plugins and users see only layout.h. */
#ifndef WS_LAYOUT_PRIVATE_H
#define WS_LAYOUT_PRIVATE_H

#include <glib.h>
#include "layout.h"
#include "expr.h"
#include "cjk.h"
#include "plugin-abi.h"
#include "element.h"

/* Lengths that may be left open. */
#define WS_AUTO (-1.0)

typedef enum ws_align {
	WS_ALIGN_LEFT = 0,
	WS_ALIGN_CENTER,
	WS_ALIGN_RIGHT,
	WS_ALIGN_JUSTIFY,     /* L10: equal gaps, last line left */
	WS_ALIGN_DISTRIBUTE,  /* L13 均排: every line spread, first and last flush */
} ws_align;

typedef enum ws_valign { WS_VALIGN_TOP = 0, WS_VALIGN_MIDDLE, WS_VALIGN_BOTTOM } ws_valign;
typedef enum ws_fit { WS_FIT_WRAP = 0, WS_FIT_SHRINK, WS_FIT_ERROR } ws_fit;

/* A text style.  Fields marked "set" bits tell which were given, so that
 * inheritance (style → parent style → element overrides) merges correctly. */
typedef struct ws_style {
	char *font;            /* owned: fontconfig family (role already resolved) */
	double size;           /* pt */
	int weight;            /* PangoWeight */
	bool italic;
	ws_color color;
	ws_align align;
	ws_valign valign;
	double line_height;    /* pt, absolute pitch; 0 = font's natural */
	double line_height_factor; /* × size when > 0 (used when line_height is 0) */
	double indent;         /* pt, first line */
	double indent_em;      /* first-line indent in em (× size), added to indent */
	double letter_spacing; /* pt */
	double min_size;       /* pt, for fit: shrink */
	ws_fit fit;
	bool grid;             /* L11: use the layout's character grid */
	ws_cjk_options cjk;
	unsigned int set;      /* WS_STYLE_SET_* bits */
} ws_style;

enum {
	WS_STYLE_SET_FONT = 1u << 0,
	WS_STYLE_SET_SIZE = 1u << 1,
	WS_STYLE_SET_WEIGHT = 1u << 2,
	WS_STYLE_SET_ITALIC = 1u << 3,
	WS_STYLE_SET_COLOR = 1u << 4,
	WS_STYLE_SET_ALIGN = 1u << 5,
	WS_STYLE_SET_VALIGN = 1u << 6,
	WS_STYLE_SET_LINE_HEIGHT = 1u << 7,
	WS_STYLE_SET_INDENT = 1u << 8,
	WS_STYLE_SET_LETTER_SPACING = 1u << 9,
	WS_STYLE_SET_MIN_SIZE = 1u << 10,
	WS_STYLE_SET_FIT = 1u << 11,
	WS_STYLE_SET_GRID = 1u << 12,
	WS_STYLE_SET_HAN_LATIN = 1u << 13,
	WS_STYLE_SET_PUNCT = 1u << 14,
	WS_STYLE_SET_ORPHANS = 1u << 15,
	WS_STYLE_SET_STRICT = 1u << 16,
};

/* One element of a layout: what every element type has.  The type's own
 * fields are in `data`, a struct private to the type's file in
 * core/elements/ (element.h). */
struct ws_elem {
	const ws_elem_class *cls; /* borrowed, static: the element's type */
	void *data;              /* owned (cls->free): the type's own fields, or NULL */
	ws_loc loc;              /* where the element starts */
	char *type_name;         /* owned: "text", "table", "barcode", ... */
	ws_template *when;       /* owned or NULL */

	/* Placement.  With a box the element sits at absolute page
	 * coordinates; without one it flows in the content frame. */
	bool has_box;
	ws_rect box;             /* pt; height may be WS_AUTO */
	double width;            /* pt, flow elements; WS_AUTO = frame width */
	double height;           /* pt, flow elements; WS_AUTO = natural */
	double x_offset;         /* pt, flow elements: indent from the frame's left */
	double space_before, space_after; /* pt */
	bool keep_with_next;     /* flow: never the last thing on a page (headings) */
	bool keep_together;      /* flow group, table or text: all on one page when it fits on one */
	bool keep_with_previous; /* flow: travels with the last lines or rows before it (a seal block) */
};

/* How a line or a shape's outline is drawn (rect, line, checkbox). */
typedef struct ws_stroke {
	ws_color stroke;
	ws_color fill;           /* a = 0: none */
	double width;            /* pt */
	double dash[8];          /* pt, n_dash entries */
	int n_dash;
	double radius;           /* pt, rounded corners */
} ws_stroke;

typedef struct ws_field_rule {
	char *path;              /* owned: data path relative to group */
	ws_loc loc;
	bool required;
	char *type;              /* owned or NULL: string | number | date | list | map */
	GRegex *pattern;         /* owned or NULL */
	char *pattern_text;      /* owned or NULL */
	GPtrArray *enum_values;  /* of char*, owned, or NULL */
	char *message;           /* owned or NULL: custom text */
	bool warning;            /* level: warning instead of error */
} ws_field_rule;

struct ws_layout {
	char *path;              /* owned */
	char *dir;               /* owned: folder of the layout (asset confinement) */
	char *kind;              /* owned; the plugin kind that derives and validates, or NULL */
	char *name;              /* owned; the form's name: `name:`, else the kind (never NULL) */
	char *derive;            /* owned; a kind whose derived fields a form without kind uses, or NULL */
	GHashTable *used_fonts;  /* set of the font families its styles name (owned strings) */
	GPtrArray *font_names;   /* the same, in the order first named */
	GArray *font_locs;       /* of ws_loc: where each was first named */
	char *title;             /* owned */
	char *author, *subject;  /* owned or NULL */
	double page_w, page_h;   /* pt */
	ws_loc page_loc;         /* where `page:` sets them, else the layout's start */
	double margin[4];        /* pt: top right bottom left */
	int grid_chars, grid_lines; /* 0 = no grid */
	GHashTable *fonts;       /* role → family (owned strings) */
	GHashTable *styles;      /* name → ws_style* (owned) */
	ws_style base_style;     /* defaults for every text */
	GPtrArray *elements;     /* of ws_elem* (owned): the flow */
	GPtrArray *every_page;   /* of ws_elem* (owned): drawn on every page */
	GPtrArray *fields;       /* of ws_field_rule* (owned) */
	ws_value *source;        /* owned: the parsed YAML (keeps locations alive) */
};

void ws_elem_free(ws_elem *e);
void ws_style_free_contents(ws_style *s);
void ws_style_copy(ws_style *dst, const ws_style *src);

/* Content frame of a page, in pt. */
static inline ws_rect ws_layout_frame(const ws_layout *l)
{
	return (ws_rect){l->margin[3], l->margin[0], l->page_w - l->margin[1] - l->margin[3],
	                 l->page_h - l->margin[0] - l->margin[2]};
}

#endif
