/*
 * Small helpers shared by the daemon's files.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util.h"


/*
 * Milliseconds on the monotonic clock: for timers and deadlines, never for
 * wall-clock time.  CLOCK_MONOTONIC cannot fail on Linux.
 */
int64_t
now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/*
 * Fills "buf" from the kernel's random pool.  Returns 0 or -1 (errno set);
 * only fails before the pool is initialised on very early boot, or on a
 * kernel without getrandom(2).
 */
static int
random_fill(void *buf, size_t len)
{
    unsigned char  *p = buf;
    ssize_t         n;

    while (len > 0) {
        n = getrandom(p, len, 0);
        if (n == -1) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }

    return 0;
}


/*
 * A random 64-bit number, for backoff jitter.  Should the kernel refuse,
 * the clock still spreads a fleet's reconnects well enough.
 */
uint64_t
random_u64(void)
{
    uint64_t         r;
    struct timespec  ts;

    if (random_fill(&r, sizeof(r)) == 0) {
        return r;
    }

    clock_gettime(CLOCK_REALTIME, &ts);

    return ((uint64_t) ts.tv_nsec << 20) ^ (uint64_t) ts.tv_sec
           ^ (uint64_t) getpid();
}


/*
 * Writes "bytes" random bytes as lowercase hex plus a NUL into "out", which
 * must hold 2 * bytes + 1 characters.  Returns 0 or -1 (errno set).
 */
int
random_hex(char *out, size_t bytes)
{
    static const char  digits[] = "0123456789abcdef";
    unsigned char      raw[64];
    size_t             i;

    if (bytes > sizeof(raw)) {
        errno = EINVAL;
        return -1;
    }

    if (random_fill(raw, bytes) != 0) {
        return -1;
    }

    for (i = 0; i < bytes; i++) {
        out[2 * i] = digits[raw[i] >> 4];
        out[2 * i + 1] = digits[raw[i] & 0xf];
    }

    out[2 * bytes] = '\0';

    return 0;
}


/*
 * Reads a whole file of at most "max" bytes into a NUL-terminated malloc'd
 * buffer (for /proc files, the config, the token).  Returns NULL with a
 * message in "err" when the file cannot be read or is larger than "max".
 */
char *
read_small_file(const char *path, size_t max, char *err, size_t errlen)
{
    int      fd;
    char    *buf;
    size_t   len;
    ssize_t  n;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        snprintf(err, errlen, "cannot open \"%s\": %s", path, strerror(errno));
        return NULL;
    }

    buf = malloc(max + 1);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory reading \"%s\"", path);
        (void) close(fd);
        return NULL;
    }

    len = 0;

    for ( ;; ) {
        n = read(fd, buf + len, max + 1 - len);

        if (n == -1) {
            if (errno == EINTR) {
                continue;
            }
            snprintf(err, errlen, "cannot read \"%s\": %s",
                     path, strerror(errno));
            goto failed;
        }

        if (n == 0) {
            break;
        }

        len += (size_t) n;

        if (len > max) {
            snprintf(err, errlen, "\"%s\" is larger than %zu bytes", path, max);
            goto failed;
        }
    }

    (void) close(fd);
    buf[len] = '\0';

    return buf;

failed:

    (void) close(fd);
    free(buf);

    return NULL;
}


/*
 * Strips leading and trailing white space in place; returns the start of
 * the trimmed string (inside "s").
 */
char *
str_trim(char *s)
{
    char  *end;

    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
        s++;
    }

    end = s + strlen(s);

    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'
                       || end[-1] == '\n'))
    {
        end--;
    }

    *end = '\0';

    return s;
}


/*
 * Reads settings text ("key = value" files: the config file, the languages
 * table) line by line, in place: cuts the next line off "*rest", counts it
 * in "*lineno", and returns it trimmed.  Blank lines and "#" comments are
 * counted and skipped.  NULL when the text is used up.
 */
char *
settings_next_line(char **rest, unsigned *lineno)
{
    char  *line, *next;

    while ((line = *rest) != NULL) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }

        *rest = next;
        (*lineno)++;
        line = str_trim(line);

        if (*line != '\0' && *line != '#') {
            return line;
        }
    }

    return NULL;
}
