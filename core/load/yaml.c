/* YAML/JSON loader: libyaml events → ws_value trees.  See wsyaml.h. */
#include "wsyaml.h"

#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <yaml.h>

#include "loader-private.h"
#include "wslimits.h"

/* ------------------------------------------------------------------ */
/* Text positions                                                      */

ws_loc ws__loc_at(const char *file, const char *text, size_t len, size_t offset)
{
	ws_loc loc = {file ? g_intern_string(file) : NULL, 1, 1};
	const unsigned char *s = (const unsigned char *)text;
	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++) {
		unsigned char c = s[i];
		if (c == '\n' || (c == '\r' && !(i + 1 < len && s[i + 1] == '\n'))) {
			loc.line++;
			loc.column = 1;
		} else if (c == 0xC2 && i + 1 < len && s[i + 1] == 0x85) {
			/* NEL: a line break for libyaml (YAML 1.1). */
			loc.line++;
			loc.column = 1;
			i++;
		} else if (c == 0xE2 && i + 2 < len && s[i + 1] == 0x80 &&
		           (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
			/* LINE SEPARATOR, PARAGRAPH SEPARATOR. */
			loc.line++;
			loc.column = 1;
			i += 2;
		} else if (c == '\r') {
			/* The CR of CR LF: the LF ends the line. */
		} else if ((c & 0xC0) != 0x80) {
			loc.column++;
		}
	}
	return loc;
}

static const char BOM[] = "\xEF\xBB\xBF";

int ws__check_text(const char *buf, size_t len, const char *file, size_t *skip,
                   ws_diags *diags)
{
	*skip = 0;
	if (len >= 3 && memcmp(buf, BOM, 3) == 0) {
		ws_loc at = {g_intern_string(file), 1, 1};
		ws_warning_at(diags, at, "byte-order mark ignored");
		*skip = 3;
	}
	const char *text = buf + *skip;
	size_t n = len - *skip;
	const char *end = NULL;
	if (!g_utf8_validate_len(text, n, &end)) {
		size_t off = (size_t)(end - text);
		ws_loc at = ws__loc_at(file, text, n, off);
		if (*end == '\0')
			return ws_error_at(diags, at, "NUL byte in the file (is it UTF-16 or binary? "
			                   "save it as UTF-8)");
		return ws_error_at(diags, at, "invalid UTF-8 byte 0x%02X (save the file as UTF-8)",
		                   (unsigned)(unsigned char)*end);
	}
	const char *bom = memmem(text, n, BOM, 3);
	if (bom) {
		ws_loc at = ws__loc_at(file, text, n, (size_t)(bom - text));
		return ws_error_at(diags, at, "byte-order mark (U+FEFF) in the middle of the file");
	}
	return WS_OK;
}

/* ------------------------------------------------------------------ */
/* Scalars                                                             */

bool ws__is_cjk(gunichar c)
{
	return g_unichar_iswide(c) || (c >= 0x3000 && c <= 0x303F) ||
	       (c >= 0xFF00 && c <= 0xFFEF);
}

/* Punctuation of Chinese text that Unicode gives ambiguous width (middle
 * dot of transliterated names, dashes, ellipsis, curly quotes).  A folding
 * space next to one is removed only when the other side is wide CJK, so
 * English text with curly quotes keeps its spaces. */
static bool is_cjk_ambiguous(gunichar c)
{
	return c == 0x00B7 || c == 0x2014 || c == 0x2015 || c == 0x2026 ||
	       (c >= 0x2018 && c <= 0x201D);
}

/* Removes each single space between two CJK characters (at least one of
 * them wide).  Only called for scalars that span several lines, where such
 * a space was a line break before folding.  Takes `s`. */
static char *unfold_cjk(char *s)
{
	if (!strchr(s, ' '))
		return s;
	GString *out = g_string_sized_new(strlen(s));
	gunichar prev = 0;
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == ' ' && prev) {
			const char *q = p + 1;
			gunichar next = *q ? g_utf8_get_char(q) : 0;
			bool pw = ws__is_cjk(prev), nw = next && ws__is_cjk(next);
			if ((pw && nw) || (pw && is_cjk_ambiguous(next)) ||
			    (nw && is_cjk_ambiguous(prev)))
				continue; /* prev stays: the next character sees it */
		}
		g_string_append_unichar(out, c);
		prev = c;
	}
	g_free(s);
	return g_string_free(out, FALSE);
}

/* A decimal number of the YAML 1.2 core schema, with no leading zero on a
 * multi-digit integer part (such tokens are codes here, see wsyaml.h). */
static bool looks_decimal(const char *s, size_t len)
{
	size_t i = 0, int_digits = 0, frac_digits = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	size_t int_start = i;
	while (i < len && g_ascii_isdigit(s[i]))
		i++, int_digits++;
	if (int_digits > 1 && s[int_start] == '0')
		return false;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && g_ascii_isdigit(s[i]))
			i++, frac_digits++;
	}
	if (int_digits == 0 && frac_digits == 0)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		size_t exp_digits = 0;
		while (i < len && g_ascii_isdigit(s[i]))
			i++, exp_digits++;
		if (exp_digits == 0)
			return false;
	}
	return i == len;
}

static bool text_is(const char *s, size_t len, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == len && memcmp(s, *words, len) == 0)
			return true;
	return false;
}

static const char *const NULL_WORDS[] = {"null", "Null", "NULL", "~", NULL};
static const char *const TRUE_WORDS[] = {"true", "True", "TRUE", NULL};
static const char *const FALSE_WORDS[] = {"false", "False", "FALSE", NULL};

/* Code points that are unchanged by NFC and never combine with a
 * neighbour (canonical combining class 0, NFC_Quick_Check=Yes). */
static bool nfc_inert(gunichar c)
{
	return c < 0x80 || (c >= 0x3000 && c <= 0x3029) || (c >= 0x3030 && c <= 0x303F) ||
	       (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xFF01 && c <= 0xFF5E);
}

char *ws__nfc_dup(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end && nfc_inert(g_utf8_get_char(p)))
		p = g_utf8_next_char(p);
	if (p >= end)
		return g_strndup(text, len);
	char *nfc = g_utf8_normalize(text, (gssize)len, G_NORMALIZE_NFC);
	/* g_utf8_normalize fails only on invalid UTF-8, which the callers
	 * have ruled out; keep the text as is rather than lose it. */
	return nfc ? nfc : g_strndup(text, len);
}

static ws_value *new_nfc_string(const char *s, size_t len, ws_loc loc)
{
	return ws_value_new_string_take(ws__nfc_dup(s, len), loc);
}

ws_value *ws__plain_scalar(const char *text, size_t len, ws_loc loc, ws_diags *diags)
{
	if (len == 0 || text_is(text, len, NULL_WORDS))
		return ws_value_new_null(loc);
	if (text_is(text, len, TRUE_WORDS))
		return ws_value_new_bool(true, loc);
	if (text_is(text, len, FALSE_WORDS))
		return ws_value_new_bool(false, loc);
	if (looks_decimal(text, len)) {
		char *copy = g_strndup(text, len);
		double d = g_ascii_strtod(copy, NULL);
		if (!isfinite(d)) {
			ws_error_at(diags, loc, "number out of range: %s", copy);
			g_free(copy);
			return NULL;
		}
		ws_value *v = ws_value_new_number_text(d, copy, loc);
		g_free(copy);
		return v;
	}
	return new_nfc_string(text, len, loc);
}

/* ------------------------------------------------------------------ */
/* The event loop                                                      */

typedef struct anchor {
	ws_value *val;  /* owned reference */
	uint64_t size;  /* nodes the anchored value expands to */
} anchor;

typedef struct frame {
	ws_value *node;  /* owned: the list or map being built */
	uint64_t size;   /* expanded nodes so far, this node included */
	char *anchor;    /* owned: the anchor to define when the node ends, or NULL */
	char *key;       /* owned: map key waiting for its value, or NULL */
	ws_loc key_loc;
} frame;

typedef struct loader {
	const char *file;     /* interned */
	const char *text;     /* after a leading BOM */
	size_t len;
	ws_diags *diags;
	GArray *stack;        /* of frame */
	GHashTable *anchors;  /* name → anchor* */
	ws_value *root;       /* owned */
	uint64_t nodes;       /* expanded nodes so far (held, when streaming) */
	unsigned aliases;
	int status;
	/* Streaming (ws__yaml_stream): items of the root map's `stream_key`
	 * list go to `item_fn` instead of the list. */
	const char *stream_key;
	ws__yaml_item_fn item_fn;
	void *item_user;
	size_t streamed;
	bool stopped;         /* item_fn asked to stop */
	/* A libyaml mark's index counts characters from the start; the byte
	 * it is at, found by walking on from the last one asked for (scalars
	 * come in file order, so the walks add up to one pass). */
	size_t cursor_index, cursor_byte;
} loader;

static ws_loc mark_loc(const loader *ld, yaml_mark_t m)
{
	/* libyaml marks are 0-based and count characters: converted here,
	 * once, for the whole project. */
	return (ws_loc){ld->file, (unsigned)m.line + 1, (unsigned)m.column + 1};
}

static void anchor_free(gpointer p)
{
	anchor *a = p;
	ws_value_unref(a->val);
	g_free(a);
}

static int fail(loader *ld, int status)
{
	if (ld->status == WS_OK)
		ld->status = status;
	return ld->status;
}

static bool count_nodes(loader *ld, uint64_t n, yaml_mark_t at)
{
	ld->nodes += n;
	if (ld->nodes > WS_LIMIT_YAML_NODES) {
		ws_diag_add(ld->diags, WS_SEVERITY_ERROR, mark_loc(ld, at), "limit", NULL,
		            "the document expands to more than %u nodes (through aliases?)",
		            (unsigned)WS_LIMIT_YAML_NODES);
		fail(ld, WS_EINPUT);
		return false;
	}
	return true;
}

static void define_anchor(loader *ld, const char *name, ws_value *v, uint64_t size)
{
	anchor *a = g_new(anchor, 1);
	a->val = ws_value_ref(v);
	a->size = size;
	/* A later anchor of the same name replaces the earlier one (YAML). */
	g_hash_table_replace(ld->anchors, g_strdup(name), a);
}

/* Accepts a key for the map on top of the stack.  Takes `key`. */
static void take_key(loader *ld, frame *top, char *key, ws_loc at)
{
	if (*key == '\0') {
		ws_error_at(ld->diags, at, "empty mapping key");
		g_free(key);
		fail(ld, WS_EINPUT);
		return;
	}
	if (ws_value_map_get(top->node, key)) {
		ws_error_at(ld->diags, at, "duplicate key '%s'", key);
		for (size_t i = 0; i < ws_value_length(top->node); i++)
			if (strcmp(ws_value_map_key_at(top->node, i), key) == 0)
				ws_diag_add(ld->diags, WS_SEVERITY_NOTE, ws_value_map_key_loc(top->node, i),
				            NULL, NULL, "'%s' was first defined here", key);
		g_free(key);
		fail(ld, WS_EINPUT);
		return;
	}
	top->key = key;
	top->key_loc = at;
}

/* Attaches a finished node to its parent (or makes it the root).  Takes `v`. */
static void add_node(loader *ld, ws_value *v, uint64_t size)
{
	if (ld->stack->len == 0) {
		ws_value_unref(ld->root);
		ld->root = v;
		return;
	}
	frame *top = &g_array_index(ld->stack, frame, ld->stack->len - 1);
	if (ld->item_fn && ld->stack->len == 2 && ws_value_get_type(top->node) == WS_VALUE_LIST) {
		const frame *root = &g_array_index(ld->stack, frame, 0);
		if (ws_value_get_type(root->node) == WS_VALUE_MAP && root->key &&
		    strcmp(root->key, ld->stream_key) == 0) {
			/* Handed over and let go: what it held no longer counts. */
			ld->streamed++;
			if (!ld->item_fn(v, ld->item_user))
				ld->stopped = true;
			ws_value_unref(v);
			ld->nodes = ld->nodes > size ? ld->nodes - size : 0;
			return;
		}
	}
	top->size += size;
	if (ws_value_get_type(top->node) == WS_VALUE_LIST) {
		ws_value_list_append(top->node, v);
		return;
	}
	ws_value_map_set(top->node, top->key, v, top->key_loc);
	g_free(top->key);
	top->key = NULL;
}

static bool expecting_key(const loader *ld)
{
	if (ld->stack->len == 0)
		return false;
	const frame *top = &g_array_index(ld->stack, frame, ld->stack->len - 1);
	return ws_value_get_type(top->node) == WS_VALUE_MAP && top->key == NULL;
}

#define YAML_TAG(t) "tag:yaml.org,2002:" t

static bool tag_ok(loader *ld, const yaml_char_t *tag, yaml_mark_t at, const char *const *allowed)
{
	if (!tag || strcmp((const char *)tag, "!") == 0)
		return true;
	for (; *allowed; allowed++)
		if (strcmp((const char *)tag, *allowed) == 0)
			return true;
	ws_error_at(ld->diags, mark_loc(ld, at), "unsupported tag '%s'", (const char *)tag);
	fail(ld, WS_EINPUT);
	return false;
}

/* The byte offset of mark `m` in the text. */
static size_t mark_byte(loader *ld, yaml_mark_t m)
{
	if (m.index < ld->cursor_index)
		ld->cursor_index = ld->cursor_byte = 0;
	const char *p = ld->text + ld->cursor_byte, *end = ld->text + ld->len;
	for (; ld->cursor_index < m.index && p < end; ld->cursor_index++)
		p = g_utf8_next_char(p);
	ld->cursor_byte = (size_t)(p - ld->text);
	return ld->cursor_byte;
}

/* Where the text of a quoted scalar stands (ws_value_set_text_map), so a
 * template error inside it points at its own character: the text starts
 * one column past the opening quote, and on a scalar written on one line
 * every escape ("\t", "\u00e9", '' in single quotes) shifts what follows.
 * The escapes are read back from the file, in step with the decoded text
 * `v` holds; if the two do not keep step (NFC changed the text), only the
 * start is kept. */
static void map_quoted_text(loader *ld, const yaml_event_t *e, ws_value *v)
{
	yaml_scalar_style_t style = e->data.scalar.style;
	if (style != YAML_SINGLE_QUOTED_SCALAR_STYLE && style != YAML_DOUBLE_QUOTED_SCALAR_STYLE)
		return;
	ws_loc start = mark_loc(ld, e->start_mark);
	start.column++;
	if (e->start_mark.line != e->end_mark.line || e->end_mark.column < e->start_mark.column + 2) {
		ws_value_set_text_map(v, start, NULL, NULL, 0);
		return;
	}
	const char *text = ws_value_text(v);
	size_t len = ws_value_text_len(v);
	size_t written = e->end_mark.column - e->start_mark.column - 2; /* characters inside the quotes */
	/* Every escape reads fewer characters than it was written with. */
	bool escaped = style == YAML_SINGLE_QUOTED_SCALAR_STYLE ? memchr(text, '\'', len) != NULL
	                                                         : (size_t)g_utf8_strlen(text, (gssize)len) != written;
	if (!escaped) {
		ws_value_set_text_map(v, start, NULL, NULL, 0);
		return;
	}
	GArray *at = g_array_new(FALSE, FALSE, sizeof(size_t)), *cols = g_array_new(FALSE, FALSE, sizeof(unsigned));
	const char *raw = ld->text + mark_byte(ld, e->start_mark) + 1, *raw_end = ld->text + ld->len;
	size_t d = 0;
	unsigned col = start.column;
	for (size_t n = 0; n < written && raw < raw_end && d < len; n++) {
		size_t w = 1; /* characters of the file for one of the text */
		if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && *raw == '\\')
			w = raw[1] == 'x' ? 4 : raw[1] == 'u' ? 6 : raw[1] == 'U' ? 10 : 2;
		else if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE && raw[0] == '\'' && raw[1] == '\'')
			w = 2;
		for (size_t k = 0; k < w && raw < raw_end; k++)
			raw = g_utf8_next_char(raw);
		n += w - 1;
		col += (unsigned)w;
		d = (size_t)(g_utf8_next_char(text + d) - text);
		if (w > 1) {
			g_array_append_val(at, d);
			g_array_append_val(cols, col);
		}
	}
	if (d == len && raw < raw_end && *raw == (style == YAML_SINGLE_QUOTED_SCALAR_STYLE ? '\'' : '"'))
		ws_value_set_text_map(v, start, (const size_t *)at->data, (const unsigned *)cols->data, at->len);
	else
		ws_value_set_text_map(v, start, NULL, NULL, 0);
	g_array_free(at, TRUE);
	g_array_free(cols, TRUE);
}

static ws_value *make_scalar(loader *ld, const yaml_event_t *e)
{
	static const char *const scalar_tags[] = {YAML_TAG("str"), YAML_TAG("null"), YAML_TAG("bool"),
	                                          YAML_TAG("int"), YAML_TAG("float"), NULL};
	const char *text = (const char *)e->data.scalar.value;
	size_t len = e->data.scalar.length;
	ws_loc at = mark_loc(ld, e->start_mark);
	if (len > WS_LIMIT_SCALAR_LENGTH) {
		ws_diag_add(ld->diags, WS_SEVERITY_ERROR, at, "limit", NULL,
		            "scalar is too long (%zu bytes; the limit is %u)", len,
		            (unsigned)WS_LIMIT_SCALAR_LENGTH);
		fail(ld, WS_EINPUT);
		return NULL;
	}
	/* A double-quoted "\0" or "\x00" escape yields a NUL that the file
	 * check could not see. */
	if (memchr(text, '\0', len)) {
		ws_error_at(ld->diags, at, "NUL character in a string");
		fail(ld, WS_EINPUT);
		return NULL;
	}
	if (!tag_ok(ld, e->data.scalar.tag, e->start_mark, scalar_tags))
		return NULL;
	const char *tag = (const char *)e->data.scalar.tag;
	/* Untagged plain scalars are typed by the core schema; quoted ones, the
	 * non-specific tag "!" and !!str are strings; !!null, !!bool, !!int and
	 * !!float must describe their text. */
	bool explicit_type = tag && strcmp(tag, "!") != 0 && strcmp(tag, YAML_TAG("str")) != 0;
	bool typed = explicit_type || (!tag && e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
	if (typed) {
		ws_value *v = ws__plain_scalar(text, len, at, ld->diags);
		if (!v) {
			fail(ld, WS_EINPUT);
			return NULL;
		}
		if (explicit_type) {
			ws_value_type want = strcmp(tag, YAML_TAG("null")) == 0   ? WS_VALUE_NULL
			                     : strcmp(tag, YAML_TAG("bool")) == 0 ? WS_VALUE_BOOL
			                                                          : WS_VALUE_NUMBER;
			bool ok = ws_value_get_type(v) == want;
			if (ok && strcmp(tag, YAML_TAG("int")) == 0)
				ok = strcspn(ws_value_text(v), ".eE") == ws_value_text_len(v);
			if (!ok) {
				ws_error_at(ld->diags, at, "'%s' is not a valid !!%s", ws_value_text(v),
				            tag + strlen(YAML_TAG("")));
				ws_value_unref(v);
				fail(ld, WS_EINPUT);
				return NULL;
			}
		}
		if (ws_value_get_type(v) != WS_VALUE_STRING)
			return v;
		ws_value_unref(v);
	}
	char *nfc = ws__nfc_dup(text, len);
	if (e->start_mark.line != e->end_mark.line &&
	    e->data.scalar.style != YAML_LITERAL_SCALAR_STYLE)
		nfc = unfold_cjk(nfc);
	ws_value *v = ws_value_new_string_take(nfc, at);
	map_quoted_text(ld, e, v);
	return v;
}

/* YAML 1.1 (PyYAML, which office scripts use to write and transform data
 * files) reads these plain words as booleans, also as keys: `no:` becomes
 * the key false.  This loader reads a key as its text, so the file works
 * here and breaks there; it is said where it happens. */
static void warn_bool_key(loader *ld, const yaml_event_t *e)
{
	static const char *const yes_words[] = {"yes", "Yes", "YES", "on", "On", "ON", "y", "Y", NULL};
	static const char *const no_words[] = {"no", "No", "NO", "off", "Off", "OFF", "n", "N", NULL};
	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return; /* a quoted key is text for every YAML tool */
	const char *s = (const char *)e->data.scalar.value;
	size_t len = e->data.scalar.length;
	bool yes = text_is(s, len, yes_words);
	if (!yes && !text_is(s, len, no_words))
		return;
	/* The key this map is the value of: under `note:`, `no` has a
	 * spelling no tool misreads. */
	const frame *parent = ld->stack->len >= 2 ? &g_array_index(ld->stack, frame, ld->stack->len - 2) : NULL;
	bool note_no = !yes && parent && parent->key && strcmp(parent->key, "note") == 0 && g_ascii_strcasecmp(s, "no") == 0;
	ws_diag_add(ld->diags, WS_SEVERITY_WARNING, mark_loc(ld, e->start_mark), "yaml1.1", NULL,
	            "YAML 1.1 tools (PyYAML, go-yaml v2) may read the key '%.*s' as the boolean %s; %s", (int)len, s,
	            yes ? "true" : "false", note_no ? "write 'number:' instead" : "quote it");
}

static void on_scalar(loader *ld, const yaml_event_t *e)
{
	ws_value *v = make_scalar(ld, e);
	if (!v)
		return;
	if (!count_nodes(ld, 1, e->start_mark)) {
		ws_value_unref(v);
		return;
	}
	if (e->data.scalar.anchor)
		define_anchor(ld, (const char *)e->data.scalar.anchor, v, 1);
	if (expecting_key(ld)) {
		warn_bool_key(ld, e);
		frame *top = &g_array_index(ld->stack, frame, ld->stack->len - 1);
		/* Keys are names: "1", "true" and "null" as keys mean those words,
		 * so a key is its written text, not its typed value. */
		char *key = ws_value_get_type(v) == WS_VALUE_STRING
		            ? g_strndup(ws_value_text(v), ws_value_text_len(v))
		            : g_strndup((const char *)e->data.scalar.value, e->data.scalar.length);
		take_key(ld, top, key, mark_loc(ld, e->start_mark));
		ws_value_unref(v);
		return;
	}
	add_node(ld, v, 1);
}

static bool anchor_is_open(const loader *ld, const char *name)
{
	for (guint i = 0; i < ld->stack->len; i++) {
		const frame *f = &g_array_index(ld->stack, frame, i);
		if (f->anchor && strcmp(f->anchor, name) == 0)
			return true;
	}
	return false;
}

static void on_alias(loader *ld, const yaml_event_t *e)
{
	const char *name = (const char *)e->data.alias.anchor;
	ws_loc at = mark_loc(ld, e->start_mark);
	if (++ld->aliases > WS_LIMIT_YAML_ALIASES) {
		ws_diag_add(ld->diags, WS_SEVERITY_ERROR, at, "limit", NULL,
		            "more than %u aliases", (unsigned)WS_LIMIT_YAML_ALIASES);
		fail(ld, WS_EINPUT);
		return;
	}
	if (anchor_is_open(ld, name)) {
		ws_error_at(ld->diags, at, "alias '*%s' refers to a node that contains it "
		            "(recursive structures are not allowed)", name);
		fail(ld, WS_EINPUT);
		return;
	}
	anchor *a = g_hash_table_lookup(ld->anchors, name);
	if (!a) {
		ws_error_at(ld->diags, at, "unknown anchor '&%s'", name);
		fail(ld, WS_EINPUT);
		return;
	}
	if (!count_nodes(ld, a->size, e->start_mark))
		return;
	if (expecting_key(ld)) {
		ws_value_type t = ws_value_get_type(a->val);
		if (t == WS_VALUE_LIST || t == WS_VALUE_MAP) {
			ws_error_at(ld->diags, at, "mapping keys must be scalars, not a %s",
			            ws_value_type_name(t));
			fail(ld, WS_EINPUT);
			return;
		}
		frame *top = &g_array_index(ld->stack, frame, ld->stack->len - 1);
		take_key(ld, top, g_strdup(ws_value_text(a->val)), at);
		return;
	}
	add_node(ld, ws_value_ref(a->val), a->size);
}

static void on_start(loader *ld, const yaml_event_t *e, bool is_map)
{
	static const char *const map_tags[] = {YAML_TAG("map"), NULL};
	static const char *const seq_tags[] = {YAML_TAG("seq"), NULL};
	ws_loc at = mark_loc(ld, e->start_mark);
	const yaml_char_t *tag = is_map ? e->data.mapping_start.tag : e->data.sequence_start.tag;
	const yaml_char_t *anc = is_map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
	if (expecting_key(ld)) {
		ws_error_at(ld->diags, at, "mapping keys must be scalars, not a %s",
		            is_map ? "map" : "list");
		fail(ld, WS_EINPUT);
		return;
	}
	if (ld->stack->len >= WS_LIMIT_YAML_DEPTH) {
		ws_diag_add(ld->diags, WS_SEVERITY_ERROR, at, "limit", NULL,
		            "nesting deeper than %u levels", (unsigned)WS_LIMIT_YAML_DEPTH);
		fail(ld, WS_EINPUT);
		return;
	}
	if (!tag_ok(ld, tag, e->start_mark, is_map ? map_tags : seq_tags))
		return;
	if (!count_nodes(ld, 1, e->start_mark))
		return;
	frame f = {is_map ? ws_value_new_map(at) : ws_value_new_list(at), 1,
	           anc ? g_strdup((const char *)anc) : NULL, NULL, WS_LOC_NONE};
	g_array_append_val(ld->stack, f);
}

static void on_end(loader *ld)
{
	frame *top = &g_array_index(ld->stack, frame, ld->stack->len - 1);
	frame f = *top;
	/* The stack's clear function must not release what `f` now owns. */
	memset(top, 0, sizeof *top);
	g_array_set_size(ld->stack, ld->stack->len - 1);
	if (f.anchor) {
		define_anchor(ld, f.anchor, f.node, f.size);
		g_free(f.anchor);
	}
	g_free(f.key);
	add_node(ld, f.node, f.size);
}

static void frame_clear(gpointer p)
{
	frame *f = p;
	ws_value_unref(f->node);
	g_free(f->anchor);
	g_free(f->key);
}

/* Byte offset of a 0-based (line, column) mark, for looking at the
 * character libyaml complained about.  Line breaks as in ws__loc_at(). */
static size_t mark_offset(const loader *ld, yaml_mark_t m)
{
	const unsigned char *s = (const unsigned char *)ld->text;
	size_t line = 0, col = 0, i = 0;
	while (i < ld->len) {
		if (line == m.line && col == m.column)
			return i;
		unsigned char c = s[i];
		size_t w = (size_t)g_utf8_skip[c];
		bool brk = c == '\n' || c == '\r' || (c == 0xC2 && i + 1 < ld->len && s[i + 1] == 0x85) ||
		           (c == 0xE2 && i + 2 < ld->len && s[i + 1] == 0x80 &&
		            (s[i + 2] == 0xA8 || s[i + 2] == 0xA9));
		if (c == '\r' && i + 1 < ld->len && s[i + 1] == '\n')
			w = 2;
		if (brk) {
			line++;
			col = 0;
		} else {
			col++;
		}
		i += w;
	}
	return ld->len;
}

/* The full-width colon (U+FF1A) of a line written `key：value` or
 * `- key：value` (a key of ASCII letters, as every layout and data key
 * is), or NULL: what a clerk typing Chinese writes for `key: value`. */
static const char *fullwidth_key_colon(const loader *ld, size_t line_start)
{
	const char *s = ld->text + line_start, *end = ld->text + ld->len;
	while (s < end && (*s == ' ' || *s == '-'))
		s++;
	const char *key = s;
	while (s < end && (g_ascii_isalnum(*s) || *s == '_'))
		s++;
	if (s == key || !g_ascii_isalpha(*key))
		return NULL;
	while (s < end && *s == ' ')
		s++;
	return end - s >= 3 && memcmp(s, "\xEF\xBC\x9A", 3) == 0 ? s : NULL;
}

/* Byte offset of the start of the line before the one holding `off`, or
 * (size_t)-1 on the first line. */
static size_t previous_line_start(const loader *ld, size_t off)
{
	size_t i = off;
	while (i > 0 && ld->text[i - 1] != '\n' && ld->text[i - 1] != '\r')
		i--;
	if (i == 0)
		return (size_t)-1;
	i--; /* the break */
	if (i > 0 && ld->text[i] == '\n' && ld->text[i - 1] == '\r')
		i--;
	while (i > 0 && ld->text[i - 1] != '\n' && ld->text[i - 1] != '\r')
		i--;
	return i;
}

static void parser_error(loader *ld, const yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR) {
		ws_loc at = {ld->file, 0, 0};
		ws_error_at(ld->diags, at, "out of memory while parsing");
		fail(ld, WS_ENOMEM);
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		/* problem_offset is a byte offset into the input. */
		ws_error_at(ld->diags, ws__loc_at(ld->file, ld->text, ld->len, p->problem_offset),
		            "%s", p->problem ? p->problem : "cannot read the input");
		fail(ld, WS_EINPUT);
		return;
	}
	const char *problem = p->problem ? p->problem : "syntax error";
	ws_loc at = mark_loc(ld, p->problem_mark);
	size_t prev = 0;
	const char *fw = NULL;
	bool tab = strstr(problem, "tab character") != NULL;
	if (!tab && strcmp(problem, "found character that cannot start any token") == 0) {
		size_t off = mark_offset(ld, p->problem_mark);
		tab = off < ld->len && ld->text[off] == '\t';
	}
	if (tab) {
		ws_error_at(ld->diags, at, "tabs are not allowed for indentation (use spaces)");
	} else if (p->context && strcmp(problem, "could not find expected ':'") == 0) {
		/* libyaml says so at the line after the key's, which is not where
		 * the mistake is.  Typing Chinese, a clerk writes the key's colon
		 * full-width (`title：出国人员名单`): point at it and say which to
		 * type; else the key's line simply lacks its colon. */
		size_t off = mark_offset(ld, p->context_mark);
		size_t end = off;
		while (end < ld->len && ld->text[end] != '\n' && ld->text[end] != '\r')
			end++;
		fw = g_strstr_len(ld->text + off, (gssize)(end - off), "\xEF\xBC\x9A"); /* U+FF1A ： */
		if (fw)
			ws_error_at(ld->diags, ws__loc_at(ld->file, ld->text, ld->len, (size_t)(fw - ld->text)),
			            "a full-width colon '：' after a key: write ':' and a space instead (key: value)");
		else
			ws_error_at(ld->diags, mark_loc(ld, p->context_mark),
			            "this line has no ':' after its key (write key: value)");
	} else if (strcmp(problem, "mapping values are not allowed in this context") == 0 &&
	           (prev = previous_line_start(ld, mark_offset(ld, p->problem_mark))) != (size_t)-1 &&
	           (fw = fullwidth_key_colon(ld, prev))) {
		/* `- text：标题` is a text item, valid YAML; the key under it
		 * (`  style: title`) is what libyaml trips on. */
		ws_error_at(ld->diags, ws__loc_at(ld->file, ld->text, ld->len, (size_t)(fw - ld->text)),
		            "a full-width colon '：' after a key: write ':' and a space instead (key: value)");
	} else if (p->context) {
		ws_error_at(ld->diags, at, "%s %s that starts at %u:%u", problem, p->context,
		            (unsigned)p->context_mark.line + 1, (unsigned)p->context_mark.column + 1);
	} else {
		ws_error_at(ld->diags, at, "%s", problem);
	}
	fail(ld, WS_EINPUT);
}

static int load(ws_value **out, const char *buf, size_t len, const char *name, const char *stream_key,
                ws__yaml_item_fn item_fn, void *item_user, size_t *streamed, ws_diags *diags)
{
	*out = NULL;
	if (!buf && len)
		return WS_EUSAGE;
	const char *file = g_intern_string(name ? name : "<buffer>");
	size_t skip = 0;
	int rc = ws__check_text(buf ? buf : "", len, file, &skip, diags);
	if (rc != WS_OK)
		return rc;

	loader ld = {
		.file = file,
		.text = buf ? buf + skip : "",
		.len = len - skip,
		.diags = diags,
		.stack = g_array_new(FALSE, FALSE, sizeof(frame)),
		.anchors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, anchor_free),
		.status = WS_OK,
		.stream_key = stream_key,
		.item_fn = item_fn,
		.item_user = item_user,
	};
	g_array_set_clear_func(ld.stack, frame_clear);

	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		g_array_unref(ld.stack);
		g_hash_table_unref(ld.anchors);
		return WS_ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)ld.text, ld.len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

	unsigned documents = 0;
	bool done = false;
	while (!done && ld.status == WS_OK && !ld.stopped) {
		yaml_event_t e;
		if (!yaml_parser_parse(&parser, &e)) {
			parser_error(&ld, &parser);
			break;
		}
		switch (e.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				ws_error_at(diags, mark_loc(&ld, e.start_mark),
				            "more than one document in the file (only one is allowed)");
				fail(&ld, WS_EINPUT);
			}
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(&ld, &e);
			break;
		case YAML_ALIAS_EVENT:
			on_alias(&ld, &e);
			break;
		case YAML_SEQUENCE_START_EVENT:
			on_start(&ld, &e, false);
			break;
		case YAML_MAPPING_START_EVENT:
			on_start(&ld, &e, true);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			on_end(&ld);
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&parser);
	g_array_unref(ld.stack);
	g_hash_table_unref(ld.anchors);
	if (streamed)
		*streamed = ld.streamed;

	if (ld.status != WS_OK || ld.stopped) {
		ws_value_unref(ld.root);
		return ld.status;
	}
	*out = ld.root ? ld.root : ws_value_new_null((ws_loc){file, 1, 1});
	return WS_OK;
}

int ws_yaml_load_buffer(ws_value **out, const char *buf, size_t len, const char *name,
                        ws_diags *diags)
{
	return load(out, buf, len, name, NULL, NULL, NULL, NULL, diags);
}

int ws__yaml_stream(ws_value **root, const char *buf, size_t len, const char *name, const char *list_key,
                    ws__yaml_item_fn fn, void *user, size_t *streamed, ws_diags *diags)
{
	if (!list_key || !fn)
		return WS_EUSAGE;
	return load(root, buf, len, name, list_key, fn, user, streamed, diags);
}

int ws_yaml_load_file(ws_value **out, const char *path, ws_diags *diags)
{
	char *buf;
	size_t len;
	*out = NULL;
	if (!path)
		return WS_EUSAGE;
	int rc = ws__read_file(path, WS_LIMIT_FILE_SIZE, &buf, &len, diags);
	if (rc != WS_OK)
		return rc;
	rc = ws_yaml_load_buffer(out, buf, len, path, diags);
	g_free(buf);
	return rc;
}
