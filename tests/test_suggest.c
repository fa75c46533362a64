/* "Did you mean ...?" (core/base/suggest.c): the edit distance counted in
 * characters, not bytes, and which candidate a misspelt name gets. */
#include <criterion/criterion.h>
#include <glib.h>

#include "suggest.h"

typedef struct dist_case {
	const char *a, *b;
	size_t want;
} dist_case;

static const dist_case DIST[] = {
	{"", "", 0},
	{"abc", "abc", 0},
	{"", "abc", 3},
	{"abc", "", 3},
	{NULL, "ab", 2},          /* NULL reads as "" */
	{"kitten", "sitting", 3}, /* two substitutions and an insertion */
	{"passport_no", "pasport_no", 1},
	{"surname", "surnmae", 2}, /* a swap is two edits */
	{"flaw", "lawn", 2},
	/* characters, not bytes: one Hanzi is one edit (three UTF-8 bytes) */
	{"登记表", "登记", 1},
	{"登记表", "确认单", 3},
	{"护照号", "护照号码", 1},
	{"Müller", "Muller", 1},
};

Test(suggest, edit_distance_counts_characters)
{
	for (size_t i = 0; i < G_N_ELEMENTS(DIST); i++) {
		cr_expect_eq(ws_edit_distance(DIST[i].a, DIST[i].b), DIST[i].want, "d(%s, %s)",
		             DIST[i].a ? DIST[i].a : "NULL", DIST[i].b);
		/* the distance is symmetric */
		if (DIST[i].a)
			cr_expect_eq(ws_edit_distance(DIST[i].b, DIST[i].a), DIST[i].want, "d(%s, %s)",
			             DIST[i].b, DIST[i].a);
	}
}

static const char *const KINDS[] = {"note", "invitation", "form", NULL, "applicant-list", "visa"};

typedef struct pick_case {
	const char *word;
	const char *want; /* NULL: no suggestion */
} pick_case;

static const pick_case PICK[] = {
	{"ntoe", "note"},            /* 2 edits */
	{"invitaton", "invitation"}, /* 1 edit */
	{"applicant_lists", "applicant-list"},
	{"fomr", "form"},
	{"note", "note"},            /* an exact match is returned as is */
	{"notes", "note"},
	{"vsa", "visa"},
	{"nnnnote", NULL},           /* 3 edits: too far */
	{"x", NULL},                 /* not closer than its own length */
	{"fo", NULL},                /* 2 edits from "form" but only 2 long */
	{"", NULL},
	{"letter", NULL},
};

Test(suggest, closest_candidate_within_two_edits)
{
	size_t n = G_N_ELEMENTS(KINDS);
	for (size_t i = 0; i < G_N_ELEMENTS(PICK); i++) {
		const char *got = ws_suggest(PICK[i].word, KINDS, n);
		if (PICK[i].want)
			cr_expect(got && g_strcmp0(got, PICK[i].want) == 0, "'%s' suggested '%s', expected '%s'",
			          PICK[i].word, got ? got : "(nothing)", PICK[i].want);
		else
			cr_expect_null(got, "'%s' suggested '%s'", PICK[i].word, got);
	}
}

Test(suggest, borrowed_pointer_ties_and_bad_arguments)
{
	/* the result points into the candidates (borrowed, not a copy) */
	cr_assert_eq(ws_suggest("ntoe", KINDS, G_N_ELEMENTS(KINDS)), KINDS[0]);
	/* a tie goes to the earliest candidate: "cat" is one edit from both */
	const char *const tie[] = {"bat", "cot", "cut"};
	cr_assert_eq(ws_suggest("cat", tie, 3), tie[0]);
	const char *const tie2[] = {"cot", "bat"};
	cr_assert_eq(ws_suggest("cat", tie2, 2), tie2[0]);
	/* a closer later candidate wins over an earlier one */
	const char *const near[] = {"forms", "form"};
	cr_assert_eq(ws_suggest("form", near, 2), near[1]);
	/* only the first n candidates are looked at */
	cr_assert_null(ws_suggest("visa", KINDS, 5));
	cr_assert_null(ws_suggest(NULL, KINDS, G_N_ELEMENTS(KINDS)));
	cr_assert_null(ws_suggest("note", NULL, 3));
	cr_assert_null(ws_suggest("note", KINDS, 0));
	/* Hanzi: one character off in a three-character term */
	const char *const terms[] = {"登记表", "确认单"};
	cr_assert_eq(ws_suggest("登记单", terms, 2), terms[0]);
}
