/* Reading a whole input file, bounded and without blocking: the one way the
 * loaders (load/) and the layout loader read a file from disk.  Not public
 * API: nothing here is exported from the library. */
#ifndef WS_READFILE_H
#define WS_READFILE_H

#include <stddef.h>
#include "common.h"
#include "diag.h"

/* Reads a whole regular file of at most `max_size` bytes.  The file is
 * opened with O_NONBLOCK and checked with fstat() before anything is read,
 * so a FIFO or a device is refused instead of blocking the caller.
 * On WS_OK, *out (NUL-terminated, caller g_free()s) and *out_len are set.
 * Errors: WS_EIO (cannot open or read), WS_EINPUT (not a regular file, too
 * large), each with a diagnostic located at the file. */
int ws__read_file(const char *path, size_t max_size, char **out, size_t *out_len,
                  ws_diags *diags);

#endif
