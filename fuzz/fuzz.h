/* Shared by the fuzz targets: the libFuzzer entry point each one defines,
 * and small helpers.  A target is built twice: with -fsanitize=fuzzer
 * (libFuzzer supplies main) and with replay.c (main replays a corpus
 * folder), so the corpus runs as an ordinary test in every build. */
#ifndef WS_FUZZ_H
#define WS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Points fontconfig, plugins and caches at the source and build trees
 * (tests never use what is installed on the machine); called from
 * LLVMFuzzerInitialize by the targets that need fonts or plugins. */
void ws_fuzz_setup_env(void);

/* Formats every diagnostic (exercising ws_diag_format); prints them to
 * stderr when WS_FUZZ_DEBUG is set, to see what an input reaches. */
struct ws_diags;
void ws_fuzz_diags(const struct ws_diags *d);

#endif
