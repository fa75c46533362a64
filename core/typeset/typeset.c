/* Typesetting: layout + group → pages of drawing operations.  See
 * typeset.h.  This file holds the pages and the loop over the elements;
 * what each element type does is in core/elements/ (element.h), the
 * paragraphs in paragraph.c, the strokes in shape.c. */
#include "typeset.h"

#include "cancel.h"
#include "flow.h"
#include "host.h"
#include "preflight.h"
#include "wslimits.h"

/* ------------------------------------------------------------ pages */

bool ws_flow_stop(ws_flow *t)
{
	if (!t->aborted && ws_cancel_requested()) {
		t->aborted = true;
		t->cancelled = true;
	}
	return t->aborted;
}

bool ws_flow_new_page(ws_flow *t)
{
	if (ws_document_page_count(t->doc) >= WS_LIMIT_PAGES) {
		/* At the element that asked for the page (a table, an `each`). */
		if (!t->aborted)
			ws_diag_add(t->limits, WS_SEVERITY_ERROR, t->at.line ? t->at : (ws_loc){t->l->path, 0, 0}, "limit",
			            NULL, "the document would have more than %d pages", WS_LIMIT_PAGES);
		t->aborted = true;
		return false;
	}
	t->page = ws_document_add_page(t->doc, t->l->page_w, t->l->page_h);
	t->y = t->frame.y;
	t->page_has_flow = false;
	ws_bind_set_page(t->scope, t->page + 1, 0);
	return true;
}

double ws_flow_frame_bottom(const ws_flow *t)
{
	return t->frame.y + t->frame.height;
}

bool ws_flow_ensure_room(ws_flow *t, double h)
{
	if (t->y + h <= ws_flow_frame_bottom(t) + 0.01 || !t->page_has_flow)
		return true;
	return ws_flow_new_page(t);
}

/* ------------------------------------------------------------ placement */

/* The typesetting loops are ws_flow_place_list() here (the elements of
 * the flow, one after the other, with keep_with_next and keep_together),
 * ws_flow_text_flow() in paragraph.c (the lines of a paragraph across
 * pages) and place() in core/elements/table.c (the rows of a table) and
 * group.c (the items of `each`). */

double ws_flow_start_height(ws_flow *t, const ws_elem *e)
{
	if (e->has_box || !e->cls->start_height)
		return 0;
	return e->cls->start_height(t, e);
}

bool ws_flow_shown(ws_flow *t, const ws_elem *e)
{
	bool show = true;
	ws_diags *quiet = ws_diags_new();
	if (ws_bind_condition(e->when, t->scope, &show, quiet) != WS_OK)
		show = false;
	ws_diags_free(quiet);
	return show;
}

/* The height a flow element takes, for keep_together and
 * keep_with_previous: texts are laid out and tables measured. */
double ws_flow_block_height(ws_flow *t, const ws_elem *e)
{
	/* Measuring walks `each` too (keep_together on nested items), so it is
	 * counted and cancelled like placing. */
	if (ws_flow_stop(t) || e->has_box)
		return 0;
	if (++t->n_measured > WS_LIMIT_MEASURED) {
		ws_diag_add(t->limits, WS_SEVERITY_ERROR, t->each_at.line ? t->each_at : e->loc, "limit", NULL,
		            "keeping blocks together would measure more than %d elements (each item of `each` counts its "
		            "elements again)", WS_LIMIT_MEASURED);
		t->aborted = true;
		return 0;
	}
	if (!ws_flow_shown(t, e))
		return 0;
	if (e->cls->block_height)
		return e->cls->block_height(t, e);
	return e->space_before + ws_flow_start_height(t, e) + e->space_after;
}

double ws_flow_list_height(ws_flow *t, const GPtrArray *elems)
{
	double h = 0;
	for (guint i = 0; i < elems->len; i++)
		h += ws_flow_block_height(t, g_ptr_array_index(elems, i));
	return h;
}

void ws_flow_record_box(ws_flow *t, const ws_elem *e, ws_record_kind kind, ws_rect r)
{
	ws_record rec = {.kind = kind, .page = t->page, .loc = e->loc, .type = e->type_name, .box = r,
	                 .flow = !e->has_box};
	ws_document_add_record(t->doc, &rec);
}

/* The next element of `elems` after i that will be drawn, or NULL;
 * *at: its index. */
static const ws_elem *next_shown(ws_flow *t, const GPtrArray *elems, guint i, guint *at)
{
	for (guint k = i + 1; k < elems->len; k++) {
		const ws_elem *n = g_ptr_array_index(elems, k);
		if (ws_flow_shown(t, n)) {
			*at = k;
			return n;
		}
	}
	return NULL;
}

/* The height of the keep_with_previous chain that starts at elems[at]:
 * that block and each shown keep_with_previous block right after it
 * (0 when elems[at] is not keep_with_previous). */
static double chain_height(ws_flow *t, const GPtrArray *elems, guint at)
{
	double h = 0;
	for (guint k = at; k < elems->len; k++) {
		const ws_elem *c = g_ptr_array_index(elems, k);
		if (!ws_flow_shown(t, c))
			continue;
		if (!c->keep_with_previous || c->has_box)
			break;
		h += ws_flow_block_height(t, c);
	}
	return h;
}

/* Counts elements and table rows as they are placed: every item of `each`
 * counts its elements again, so a layout of three nested `each` over 100
 * items (10^6 elements) is refused at the `each` that expands them, long
 * before their display lists fill memory. */
bool ws_flow_count(ws_flow *t, size_t n, ws_loc at)
{
	if (t->aborted)
		return false;
	t->n_placed += n;
	if (t->n_placed <= WS_LIMIT_ELEMENTS)
		return true;
	ws_diag_add(t->limits, WS_SEVERITY_ERROR, t->each_at.line ? t->each_at : at, "limit", NULL,
	            "the document would have more than %d elements and table rows (each item of `each` counts its "
	            "elements again)", WS_LIMIT_ELEMENTS);
	t->aborted = true;
	return false;
}

static void place_element(ws_flow *t, const ws_elem *e, bool absolute_only)
{
	if (ws_flow_stop(t) || !ws_flow_count(t, 1, e->loc))
		return;
	ws_loc saved_at = t->at;
	t->at = e->loc;
	bool show = true;
	if (ws_bind_condition(e->when, t->scope, &show, t->diags) != WS_OK || !show) {
	} else if (e->cls->place) {
		e->cls->place(t, e, absolute_only);
	} else if (absolute_only && !e->has_box) {
		ws_diag_add(t->diags, WS_SEVERITY_ERROR, e->loc, NULL, NULL,
		            "elements under every_page need a box (they are drawn at a fixed place on each page)");
	} else if (e->has_box) {
		e->cls->place_box(t, e, e->box);
	} else {
		double x = t->frame.x + e->x_offset;
		double width = e->width == WS_AUTO ? t->frame.width - e->x_offset : e->width;
		if (width <= 0) {
			ws_diag_add(t->diags, WS_SEVERITY_ERROR, e->loc, NULL, NULL, "the element has no width left in the frame");
		} else {
			if (t->page_has_flow)
				t->y += e->space_before;
			e->cls->place_flow(t, e, x, width);
			t->y += e->space_after;
		}
	}
	t->at = saved_at;
}

void ws_flow_place_list(ws_flow *t, const GPtrArray *elems, bool absolute_only)
{
	for (guint i = 0; i < elems->len && !ws_flow_stop(t); i++) {
		const ws_elem *e = g_ptr_array_index(elems, i);
		bool flow = !absolute_only && !e->has_box;
		guint next_at = 0;
		const ws_elem *next = flow ? next_shown(t, elems, i, &next_at) : NULL;
		/* keep_with_next: a heading never ends a page; it moves on with
		 * the start of the element after it.  Only an element whose
		 * height comes from its content (text at its natural height). */
		if (flow && e->keep_with_next && next && e->cls->content_height && e->height == WS_AUTO &&
		    ws_flow_shown(t, e)) {
			/* When what follows is itself followed by a block that takes
			 * its last lines along (a declaration and its seal), the
			 * heading goes with all of it. */
			guint after_at = 0;
			const ws_elem *after = next_shown(t, elems, next_at, &after_at);
			/* (A text, whose last lines that block may take, or a short
			 * table or list, which the block may take whole; a longer one
			 * hands over its last rows and keeps its start.  A table is
			 * short when it cannot open here and end there with
			 * WS_KEEP_ROWS rows on each side: a name table of 4 rows
			 * opens under its heading with 2 and takes the closing along
			 * with the other 2, rather than leave page 1 half empty.  A
			 * list is short when it is not much more than its start.) */
			double whole = ws_flow_block_height(t, next), first = ws_flow_start_height(t, next);
			/* A block kept together does not split: it starts with all
			 * of itself, and with the keep_with_previous chain that its
			 * own keep_together (below) takes along when both fit on a
			 * page — else the block moves on and leaves the heading
			 * alone at the foot (三、费用 of a 30-person delegated form). */
			if ((next->keep_together || next->keep_with_previous) &&
			    !(next->cls->keeps_items && next->cls->keeps_items(next))) {
				double chain = after ? chain_height(t, elems, after_at) : 0;
				first = whole + chain <= t->frame.height ? whole + chain : whole;
			}
			bool short_next = next->cls->content_height ||
			                  (next->cls->flow_rows ? next->cls->flow_rows(t, next) < 2 * WS_KEEP_ROWS
			                                        : whole <= 2 * first);
			double start = after && after->keep_with_previous && short_next
			                   ? whole + chain_height(t, elems, after_at)
			                   : first;
			if (start > t->frame.height)
				start = ws_flow_start_height(t, next);
			double need = (t->page_has_flow ? e->space_before : 0) + e->cls->content_height(t, e) +
			              e->space_after + start;
			if (need <= t->frame.height)
				ws_flow_ensure_room(t, need);
		}
		/* keep_together: a closing formula, the date and the room for the
		 * seal move to the next page together (GB/T 9704: a seal never
		 * stands on a page without text); keep_with_previous implies it.
		 * An element that repeats keeps each item itself (keeps_items). */
		if (flow && (e->keep_together || e->keep_with_previous) &&
		    !(e->cls->keeps_items && e->cls->keeps_items(e))) {
			/* a link of a keep_with_previous chain takes the rest of
			 * the chain along: the signature lines never leave the
			 * seal block behind */
			double need = ws_flow_block_height(t, e);
			double chain = next ? chain_height(t, elems, next_at) : 0;
			if (need + chain <= t->frame.height)
				need += chain;
			if (need <= t->frame.height)
				ws_flow_ensure_room(t, need);
		}
		/* keep_with_previous after this element: its last lines or rows
		 * go over with that block — and with every keep_with_previous
		 * block chained after it — rather than leave it alone. */
		double saved_tail = t->tail_need;
		/* the last element of a group is followed by what follows the group */
		t->tail_need = next ? 0 : saved_tail;
		if (next && !next->has_box) {
			double need = chain_height(t, elems, next_at);
			if (need > t->frame.height && next->keep_with_previous)
				need = ws_flow_block_height(t, next); /* the chain is longer than a page: its first link */
			/* the block follows this element's own space_after */
			if (need > 0)
				need += e->space_after;
			if (need > 0 && need <= t->frame.height)
				t->tail_need = need;
		}
		place_element(t, e, absolute_only);
		t->tail_need = saved_tail;
	}
}

int ws_typeset(const ws_layout *layout, const ws_value *group, const ws_typeset_env *env,
               ws_document **out, ws_diags *diags)
{
	*out = NULL;
	if (!env || !env->pango)
		return WS_EUSAGE;
	if (env->version == 0 || env->version > WS_TYPESET_ENV_VERSION) {
		ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL,
		            "typeset environment version %u is not supported (expected %d)", env->version,
		            WS_TYPESET_ENV_VERSION);
		return WS_EUSAGE;
	}
	ws_diags *mine = ws_diags_new();
	ws_document_meta meta = {
		.title = layout->title,
		.author = layout->author,
		.subject = layout->subject ? layout->subject : layout->name,
		.keywords = layout->name,
	};
	ws_flow t = {
		.l = layout,
		.env = env,
		.diags = mine,
		.limits = mine,
		.doc = ws_document_new(&meta),
		.frame = ws_layout_frame(layout),
	};
	t.scope = ws_bind_scope_new(group, layout->name, layout->title,
	                            env->doc_date ? env->doc_date : ws_host_today());
	ws_flow_new_page(&t);
	ws_flow_place_list(&t, layout->elements, false);
	size_t n = ws_document_page_count(t.doc);
	for (size_t p = 0; p < n && !ws_flow_stop(&t); p++) {
		t.page = p;
		ws_bind_set_page(t.scope, p + 1, n);
		ws_flow_place_list(&t, layout->every_page, true);
	}
	ws_value_unref(t.scope);
	if (t.cancelled) {
		/* Interrupted: no document, and nothing to say about the group. */
		ws_document_free(t.doc);
		ws_diags_free(mine);
		return WS_EINTERRUPTED;
	}
	if (!t.aborted) {
		const ws_value *gid = group ? ws_value_map_get(group, "group_id") : NULL;
		ws_preflight_document(t.doc, t.frame, gid ? ws_value_text(gid) : NULL, mine);
	}
	bool failed = ws_diags_has_errors(mine);
	ws_diags_move(diags, mine);
	ws_diags_free(mine);
	if (failed) {
		/* Typeset to the end and refused only by the preflight: a
		 * preview still wants the pages, to show what is wrong. */
		if (!t.aborted && env->version >= 2 && env->refused)
			*env->refused = t.doc;
		else
			ws_document_free(t.doc);
		return WS_EINPUT;
	}
	*out = t.doc;
	return WS_OK;
}
