/* Reading a whole input file, bounded and without blocking.  See
 * readfile.h. */
#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

int ws__read_file(const char *path, size_t max_size, char **out, size_t *out_len,
                  ws_diags *diags)
{
	ws_loc at = {g_intern_string(path), 0, 0};
	*out = NULL;
	*out_len = 0;
	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer; the type is checked below before any read. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ws_error_at(diags, at, "cannot open: %s", g_strerror(errno));
		return WS_EIO;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		ws_error_at(diags, at, "cannot read: %s", g_strerror(errno));
		close(fd);
		return WS_EIO;
	}
	if (S_ISDIR(st.st_mode)) {
		ws_error_at(diags, at, "is a directory, not a file");
		close(fd);
		return WS_EINPUT;
	}
	if (!S_ISREG(st.st_mode)) {
		ws_error_at(diags, at, "is not a regular file (a pipe, device or socket cannot be read)");
		close(fd);
		return WS_EINPUT;
	}
	if ((uintmax_t)st.st_size > max_size) {
		ws_diag_add(diags, WS_SEVERITY_ERROR, at, "limit", NULL,
		            "file is too large (%jd bytes; the limit is %zu bytes)",
		            (intmax_t)st.st_size, max_size);
		close(fd);
		return WS_EINPUT;
	}
	/* The file may grow between fstat() and read(): read at most one byte
	 * more than the limit so growth past it is noticed, never followed. */
	size_t cap = (size_t)st.st_size + 1;
	if (cap > max_size + 1)
		cap = max_size + 1;
	char *buf = g_malloc(cap + 1);
	size_t len = 0;
	for (;;) {
		if (len == cap) {
			if (cap > max_size)
				break;
			cap = MIN(cap * 2, max_size + 1);
			buf = g_realloc(buf, cap + 1);
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ws_error_at(diags, at, "cannot read: %s", g_strerror(errno));
			g_free(buf);
			close(fd);
			return WS_EIO;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > max_size) {
		ws_diag_add(diags, WS_SEVERITY_ERROR, at, "limit", NULL,
		            "file is too large (more than %zu bytes)", max_size);
		g_free(buf);
		return WS_EINPUT;
	}
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return WS_OK;
}
