/* Cancellation (core/base/cancel.c): the process-wide flag that a
 * SIGINT/SIGTERM handler raises, that the typesetting loops poll (a
 * cancelled render returns WS_EINTERRUPTED and no document) and that a
 * long-lived process clears to go on.  Criterion runs each test in its own
 * process, so the flag starts down in every one. */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>

#include "cancel.h"
#include "engine.h"

TestSuite(cancel);

Test(cancel, request_is_seen_until_cleared)
{
	cr_assert(!ws_cancel_requested(), "the flag starts down");
	ws_cancel_request();
	cr_assert(ws_cancel_requested());
	ws_cancel_request(); /* twice is once */
	cr_assert(ws_cancel_requested());
	ws_cancel_clear();
	cr_assert(!ws_cancel_requested());
	ws_cancel_clear();
	cr_assert(!ws_cancel_requested());
}

static void on_signal(int sig)
{
	(void)sig;
	ws_cancel_request();
}

/* The way the command line raises it: from a signal handler. */
Test(cancel, raised_from_a_signal_handler)
{
	static const int sigs[] = {SIGINT, SIGTERM};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		cr_assert_eq(sigaction(sigs[i], &sa, NULL), 0);
		ws_cancel_clear();
		cr_assert_eq(raise(sigs[i]), 0);
		cr_assert(ws_cancel_requested(), "signal %d did not raise the flag", sigs[i]);
	}
}

#define LAYOUT                                                                                             \
	"wenshu: 1\nkind: test\npage: {size: A4, margins: 20mm}\ndefaults: {font: hei, size: 12pt}\n"      \
	"elements:\n  - {text: 'one line', box: [20mm, 20mm, 170mm, 20mm]}\n"

static int render(ws_engine *engine, ws_document **doc)
{
	ws_diags *d = ws_diags_new();
	ws_layout *l = NULL;
	cr_assert_eq(ws_layout_load_buffer(&l, LAYOUT, strlen(LAYOUT), "c.yaml", NULL, d), WS_OK);
	int rc = ws_engine_render(engine, l, NULL, doc, d);
	ws_layout_free(l);
	ws_diags_free(d);
	return rc;
}

/* The loops poll it: a render under a request stops with
 * WS_EINTERRUPTED and no document; once cleared the same render works. */
Test(cancel, typesetting_polls_the_flag)
{
	ws_engine_options o = WS_ENGINE_OPTIONS_INIT;
	o.prepare_fonts = false;
	ws_engine *engine = NULL;
	cr_assert_eq(ws_engine_new(&engine, &o, NULL), WS_OK);
	ws_document *doc = NULL;
	ws_cancel_request();
	cr_assert_eq(render(engine, &doc), WS_EINTERRUPTED);
	cr_assert_null(doc, "a cancelled render made a document");
	ws_cancel_clear();
	cr_assert_eq(render(engine, &doc), WS_OK);
	cr_assert_not_null(doc);
	cr_assert_gt(ws_document_text_run_count(doc), 0);
	ws_document_free(doc);
	ws_engine_free(engine);
}
