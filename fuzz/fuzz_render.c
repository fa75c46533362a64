/* Fuzz target: the whole render path.  The input is a layout; it is loaded
 * with the engine's registry, rendered with a sample group (the first
 * group of examples/data/self-beijing.yaml) and written to a PDF in a
 * private temporary folder.  Inputs are bounded (the replay corpus and
 * -max_len keep them small) and documents of more than FUZZ_MAX_PAGES pages are
 * not written, so one input costs at most a few seconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "wenshu.h"
#include "ws-config.h"

#define FUZZ_MAX_INPUT (16 * 1024)
#define FUZZ_MAX_PAGES 20

static ws_engine *engine;
static ws_dataset *data;
static char *out_dir, *out_pdf;

static void cleanup(void)
{
	if (out_pdf)
		unlink(out_pdf);
	if (out_dir)
		rmdir(out_dir);
	ws_dataset_free(data);
	ws_engine_free(engine);
	g_free(out_pdf);
	g_free(out_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ws_fuzz_setup_env();
	ws_engine_options opts = WS_ENGINE_OPTIONS_INIT;
	opts.prepare_fonts = false;
	ws_diags *d = ws_diags_new();
	if (ws_engine_new(&engine, &opts, d) != WS_OK ||
	    ws_data_load_file(&data, WS_SOURCE_DIR "/examples/data/self-beijing.yaml", d) != WS_OK) {
		for (size_t i = 0; i < ws_diags_count(d); i++)
			fprintf(stderr, "%s\n", ws_diag_format(ws_diags_at(d, i)));
		abort();
	}
	ws_diags_free(d);
	out_dir = g_dir_make_tmp("wenshu-fuzz-XXXXXX", NULL);
	if (!out_dir)
		abort();
	out_pdf = g_build_filename(out_dir, "out.pdf", NULL);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return 0;
	ws_diags *d = ws_diags_new();
	ws_layout *l = NULL;
	/* Named inside the source tree's fuzz/ folder: image paths resolve
	 * (and are confined) there. */
	int rc = ws_layout_load_buffer(&l, (const char *)buf, size, WS_SOURCE_DIR "/fuzz/l.yaml",
	                               ws_engine_registry(engine), d);
	if (rc == WS_OK) {
		ws_document *doc = NULL;
		rc = ws_engine_render(engine, l, ws_dataset_group(data, 0), &doc, d);
		if ((rc == WS_OK) != (doc != NULL))
			__builtin_trap();
		if (doc && ws_document_page_count(doc) <= FUZZ_MAX_PAGES) {
			ws_output_options oo = WS_OUTPUT_OPTIONS_INIT;
			rc = ws_output_write(&doc, 1, out_pdf, &oo, d);
			/* A written PDF is complete: it starts and ends as one. */
			if (rc == WS_OK && ws_document_page_count(doc) > 0) {
				gchar *pdf = NULL;
				gsize len = 0;
				if (!g_file_get_contents(out_pdf, &pdf, &len, NULL) || len < 16 ||
				    memcmp(pdf, "%PDF-", 5) != 0 || !g_strrstr_len(pdf + len - 16, 16, "%%EOF"))
					__builtin_trap();
				g_free(pdf);
			}
		}
		ws_document_free(doc);
	}
	ws_fuzz_diags(d);
	ws_layout_free(l);
	ws_diags_free(d);
	return 0;
}
