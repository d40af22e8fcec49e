/*
 * The archive format of multi-file artifacts (Java's .class files, say):
 * what a compile hands back when the language's "artifact" is a pattern.
 *
 *     judge-archive 1\n
 *     <size> <name>\n
 *     <size bytes of the file>
 *     <size> <name>\n
 *     ...
 *
 * <size> is a decimal byte count, <name> the rest of the line: a plain
 * file name (1-255 bytes, no "/", no NUL, not "." or "..").  Files follow
 * one another with nothing in between; the archive ends right after the
 * last one.  At least one file, at most ARCHIVE_MAX_FILES, no name twice.
 * Modes are not recorded: placed files get 0755.
 *
 * It is simple enough to be written by a POSIX shell with printf, wc and
 * cat, which is how the compile step makes it inside the sandbox (see
 * runner.c), and self-describing enough to be read back without knowing
 * which language made it.
 */

#ifndef JUDGE_WORKER_ARCHIVE_H
#define JUDGE_WORKER_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>


#define ARCHIVE_MAGIC      "judge-archive 1\n"
#define ARCHIVE_MAX_FILES  1024


struct archive_file {
    char            *name;      /* NUL-terminated copy */
    const uint8_t   *data;      /* points into the parsed buffer */
    size_t           len;
};

struct archive {
    struct archive_file  *files;
    size_t                n;
};


int  archive_parse(struct archive *ar, const uint8_t *buf, size_t len,
                   char *err, size_t errlen);
void archive_free(struct archive *ar);
int  archive_append(uint8_t **buf, size_t *len, const char *name,
                    const void *data, size_t n);


#endif /* JUDGE_WORKER_ARCHIVE_H */
