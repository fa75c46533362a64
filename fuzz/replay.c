/* Plain driver: replays every file of the folders (or files) given on the
 * command line through the target's LLVMFuzzerTestOneInput, in name order,
 * so a fuzz corpus runs as an ordinary test without clang or libFuzzer.
 * Exit status 0 when every input returned (a crash or a sanitizer report
 * ends the process with its own status); 1 when a folder is empty or
 * unreadable, so a missing corpus cannot pass silently. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

/* Weak, so that targets without an initializer link too. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int run_file(const char *path)
{
	gchar *buf = NULL;
	gsize len = 0;
	GError *err = NULL;
	if (!g_file_get_contents(path, &buf, &len, &err)) {
		fprintf(stderr, "replay: %s\n", err->message);
		g_error_free(err);
		return 1;
	}
	if (g_getenv("WS_REPLAY_VERBOSE"))
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, (size_t)len);
	/* A copy of exactly `len` bytes, so ASan sees reads past the end. */
	uint8_t *copy = g_malloc(len ? len : 1);
	memcpy(copy, buf, len);
	LLVMFuzzerTestOneInput(copy, len);
	g_free(copy);
	g_free(buf);
	return 0;
}

static int cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR|FILE...\n", argv[0]);
		return 2;
	}
	size_t total = 0;
	int bad = 0;
	for (int a = 1; a < argc; a++) {
		if (!g_file_test(argv[a], G_FILE_TEST_IS_DIR)) {
			bad |= run_file(argv[a]);
			total++;
			continue;
		}
		GDir *dir = g_dir_open(argv[a], 0, NULL);
		if (!dir) {
			fprintf(stderr, "replay: cannot open %s\n", argv[a]);
			return 1;
		}
		GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
		for (const char *n; (n = g_dir_read_name(dir));)
			g_ptr_array_add(names, g_build_filename(argv[a], n, NULL));
		g_dir_close(dir);
		g_ptr_array_sort(names, cmp);
		for (guint i = 0; i < names->len; i++) {
			bad |= run_file(g_ptr_array_index(names, i));
			total++;
		}
		g_ptr_array_free(names, TRUE);
	}
	fprintf(stderr, "replay: %zu input(s)\n", total);
	return total == 0 || bad ? 1 : 0;
}
