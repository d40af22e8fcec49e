/*
 * Logging: timestamped lines to stderr or an append-only file.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"


static const char *level_names[] = { "error", "warn", "info", "debug" };


/*
 * Opens the log: "path" NULL means stderr.  A file is opened for appending
 * and close-on-exec, so children (compilers, probes) never inherit it.
 * Returns 0, or -1 with a message in "err".
 */
int
log_open(struct log *lg, const char *path, enum log_level level,
         char *err, size_t errlen)
{
    lg->fd = STDERR_FILENO;
    lg->path = NULL;
    lg->level = level;

    if (path == NULL) {
        return 0;
    }

    lg->path = strdup(path);
    if (lg->path == NULL) {
        snprintf(err, errlen, "log: out of memory");
        return -1;
    }

    lg->fd = -1;
    if (log_reopen(lg, err, errlen) != 0) {
        free(lg->path);
        lg->path = NULL;
        lg->fd = STDERR_FILENO;
        return -1;
    }

    return 0;
}


/*
 * Opens the log file again under its configured name (after logrotate
 * moved it away) and swaps it in; the old descriptor stays in use when the
 * new one cannot be opened.  A no-op for stderr.
 */
int
log_reopen(struct log *lg, char *err, size_t errlen)
{
    int  fd;

    if (lg->path == NULL) {
        return 0;
    }

    fd = open(lg->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd == -1) {
        snprintf(err, errlen, "cannot open log file \"%s\": %s",
                 lg->path, strerror(errno));
        return -1;
    }

    if (lg->fd != -1 && close(lg->fd) == -1) {
        snprintf(err, errlen, "close of the old log file failed: %s",
                 strerror(errno));
        lg->fd = fd;
        return -1;
    }

    lg->fd = fd;
    return 0;
}


/*
 * Closes a log file (stderr is left open) and frees the path.
 */
void
log_close(struct log *lg)
{
    if (lg->path != NULL) {
        (void) close(lg->fd);
        free(lg->path);
        lg->path = NULL;
    }

    lg->fd = STDERR_FILENO;
}


/*
 * Formats one line "2024-05-01T12:00:00.123Z judge-worker[42] info: ..."
 * and writes it at once.  A line longer than the buffer is cut; a failed
 * write is ignored, since there is nowhere left to report it.
 */
void
log_write(struct log *lg, enum log_level level, const char *fmt, ...)
{
    char            line[2048];
    size_t          len, start, i;
    int             n;
    struct timeval  tv;
    struct tm       tm;
    va_list         ap;
    ssize_t         written;

    if (level > lg->level) {
        return;
    }

    if (gettimeofday(&tv, NULL) == -1 || gmtime_r(&tv.tv_sec, &tm) == NULL) {
        memset(&tm, 0, sizeof(tm));
        tv.tv_usec = 0;
    }

    len = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
    n = snprintf(line + len, sizeof(line) - len, ".%03dZ judge-worker[%d] %s: ",
                 (int) (tv.tv_usec / 1000), (int) getpid(),
                 level_names[level]);
    if (n > 0) {
        len += (size_t) n;
    }

    start = len;

    va_start(ap, fmt);
    n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
    va_end(ap);

    if (n > 0) {
        len += (size_t) n;
    }

    if (len > sizeof(line) - 2) {
        len = sizeof(line) - 2;
    }

    /* peer-supplied text (an HTTP error body) must not forge log lines */
    for (i = start; i < len; i++) {
        if ((unsigned char) line[i] < 0x20) {
            line[i] = ' ';
        }
    }

    line[len++] = '\n';

    do {
        written = write(lg->fd, line, len);
    } while (written == -1 && errno == EINTR);
}
