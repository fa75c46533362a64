/* X14: the note verbale's own rule (see x14.h). */
#include "x14.h"

#include <glib.h>
#include <string.h>

#include "record.h"

/* The addressee (受照机关) of a note verbale is the post of interview
 * (X1 says the same for the record; X14 names it as the note's fault). */
static void check_addressee(const ws_host_services *h, const ws_value *group, ws_diags *diags)
{
	const ws_value *note = visa_get(h, group, "note");
	const ws_value *v = visa_get(h, note, "addressee");
	const char *addr = visa_text(h, note, "addressee");
	const visa_post *post = visa_post_find(visa_text(h, group, "interview_post"));
	if (addr && post && strcmp(addr, post->name_zh) != 0)
		h->diag(diags, WS_SEVERITY_ERROR, v, "X14", "group.note.addressee",
		        "the note is addressed to %s, but the interview post %s is %s", addr, post->code,
		        post->name_zh);
}

/* A note verbale speaks in the third person (§1.2): never 我们, 你们,
 * 贵方, 贵馆, 您.  Walks every text under `v`. */
static void wording_one(const ws_host_services *h, const ws_value *v, const char *path,
                        ws_diags *diags)
{
	static const char *const banned[] = {"贵馆", "贵方", "我们", "你们", "您"};
	if (!v)
		return;
	ws_value_type t = h->value_type(v);
	if (t == WS_VALUE_MAP) {
		for (size_t i = 0; i < h->value_length(v); i++) {
			char *p = g_strdup_printf("%s.%s", path, h->map_key_at(v, i));
			wording_one(h, h->map_value_at(v, i), p, diags);
			g_free(p);
		}
		return;
	}
	if (t == WS_VALUE_LIST) {
		for (size_t i = 0; i < h->value_length(v); i++) {
			char *p = g_strdup_printf("%s[%zu]", path, i);
			wording_one(h, h->list_at(v, i), p, diags);
			g_free(p);
		}
		return;
	}
	const char *s = h->value_text(v);
	for (size_t i = 0; s && i < G_N_ELEMENTS(banned); i++)
		if (strstr(s, banned[i])) {
			h->diag(diags, WS_SEVERITY_WARNING, v, "X14", path,
			        "\"%s\" uses %s; a note verbale is written in the third person (repeat the full names, e.g. 美利坚合众国驻华大使馆)",
			        s, banned[i]);
			break;
		}
}

void note_check_x14(const ws_host_services *h, const ws_value *group, ws_diags *diags)
{
	if (!group || h->value_type(group) != WS_VALUE_MAP)
		return; /* the record rules said so */
	check_addressee(h, group, diags);
	/* every text the note prints */
	static const char *const keys[] = {"group_name", "purpose", "dispatching_unit", "inviting_party",
	                                   "us_itinerary", "note"};
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		char *p = g_strdup_printf("group.%s", keys[i]);
		wording_one(h, visa_get(h, group, keys[i]), p, diags);
		g_free(p);
	}
	const ws_value *apps = visa_get(h, group, "applicants");
	size_t n = h->value_type(apps) == WS_VALUE_LIST ? h->value_length(apps) : 0;
	for (size_t i = 0; i < n; i++) {
		const ws_value *a = h->list_at(apps, i);
		static const char *const fields[] = {"employer", "position"};
		for (size_t k = 0; k < G_N_ELEMENTS(fields); k++) {
			char *p = g_strdup_printf("group.applicants[%zu].%s", i, fields[k]);
			wording_one(h, visa_get(h, a, fields[k]), p, diags);
			g_free(p);
		}
	}
}
