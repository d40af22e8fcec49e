/*
 * Reading multi-file artifacts, and adding a file to one; the format is
 * described in archive.h.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"


#define ARCHIVE_NAME_MAX  255


/*
 * True for a name that is one plain file in the work dir.
 */
static int
archive_name_ok(const uint8_t *name, size_t len)
{
    return len > 0 && len <= ARCHIVE_NAME_MAX
           && memchr(name, '/', len) == NULL
           && memchr(name, '\0', len) == NULL
           && !(len == 1 && name[0] == '.')
           && !(len == 2 && name[0] == '.' && name[1] == '.');
}


/*
 * Parses the archive in "buf" into "ar" (zeroed by the call).  The files'
 * data point into "buf", which must outlive "ar"; names are copies.
 * Returns 0, or -1 with the reason in "err" and nothing to free.
 */
int
archive_parse(struct archive *ar, const uint8_t *buf, size_t len, char *err,
              size_t errlen)
{
    const uint8_t        *p, *end, *eol, *name;
    size_t                size, name_len, i, digits;
    struct archive_file  *files, *f;

    memset(ar, 0, sizeof(*ar));

    if (len < sizeof(ARCHIVE_MAGIC) - 1
        || memcmp(buf, ARCHIVE_MAGIC, sizeof(ARCHIVE_MAGIC) - 1) != 0)
    {
        snprintf(err, errlen, "not an archive (no \"judge-archive 1\" line)");
        return -1;
    }

    p = buf + sizeof(ARCHIVE_MAGIC) - 1;
    end = buf + len;

    while (p < end) {
        if (ar->n == ARCHIVE_MAX_FILES) {
            snprintf(err, errlen, "more than %d files", ARCHIVE_MAX_FILES);
            goto failed;
        }

        eol = memchr(p, '\n', (size_t) (end - p));
        if (eol == NULL) {
            snprintf(err, errlen, "file %zu: header without end of line",
                     ar->n + 1);
            goto failed;
        }

        size = 0;
        digits = 0;

        while (p < eol && *p >= '0' && *p <= '9') {
            if (size > (SIZE_MAX - 9) / 10) {
                snprintf(err, errlen, "file %zu: size too large", ar->n + 1);
                goto failed;
            }
            size = size * 10 + (size_t) (*p++ - '0');
            digits++;
        }

        if (digits == 0 || p == eol || *p != ' ') {
            snprintf(err, errlen, "file %zu: header is not \"<size> <name>\"",
                     ar->n + 1);
            goto failed;
        }

        name = p + 1;
        name_len = (size_t) (eol - name);

        if (!archive_name_ok(name, name_len)) {
            snprintf(err, errlen, "file %zu: bad name \"%.*s\"", ar->n + 1,
                     (int) (name_len > 64 ? 64 : name_len),
                     (const char *) name);
            goto failed;
        }

        for (i = 0; i < ar->n; i++) {
            if (strlen(ar->files[i].name) == name_len
                && memcmp(ar->files[i].name, name, name_len) == 0)
            {
                snprintf(err, errlen, "file \"%s\" appears twice",
                         ar->files[i].name);
                goto failed;
            }
        }

        p = eol + 1;

        if (size > (size_t) (end - p)) {
            snprintf(err, errlen, "file \"%.*s\": %zu bytes announced, %zu "
                     "left", (int) name_len, (const char *) name, size,
                     (size_t) (end - p));
            goto failed;
        }

        files = realloc(ar->files, (ar->n + 1) * sizeof(*files));
        if (files == NULL) {
            snprintf(err, errlen, "out of memory");
            goto failed;
        }

        ar->files = files;
        f = &ar->files[ar->n];

        f->name = strndup((const char *) name, name_len);
        if (f->name == NULL) {
            snprintf(err, errlen, "out of memory");
            goto failed;
        }

        f->data = p;
        f->len = size;
        ar->n++;
        p += size;
    }

    if (ar->n == 0) {
        snprintf(err, errlen, "the archive holds no file");
        goto failed;
    }

    return 0;

failed:

    archive_free(ar);
    return -1;
}


/*
 * Frees what archive_parse() allocated; a zeroed archive is fine.
 */
void
archive_free(struct archive *ar)
{
    size_t  i;

    for (i = 0; i < ar->n; i++) {
        free(ar->files[i].name);
    }

    free(ar->files);
    memset(ar, 0, sizeof(*ar));
}


/*
 * Adds the file "name" with (data, len) at the end of the archive of
 * "*len_io" bytes at "*buf" (malloc'd; it is reallocated).  The caller
 * sees to it that the name is a plain one not in the archive yet.
 * Returns 0, or -1 on ENOMEM with the archive as it was.
 */
int
archive_append(uint8_t **buf, size_t *len_io, const char *name,
               const void *data, size_t len)
{
    uint8_t  *grown;
    char      head[32 + ARCHIVE_NAME_MAX];
    int       n;

    n = snprintf(head, sizeof(head), "%zu %s\n", len, name);
    if (n < 0 || (size_t) n >= sizeof(head)) {
        return -1;
    }

    grown = realloc(*buf, *len_io + (size_t) n + len);
    if (grown == NULL) {
        return -1;
    }

    memcpy(grown + *len_io, head, (size_t) n);
    if (len > 0) {
        memcpy(grown + *len_io + n, data, len);
    }

    *buf = grown;
    *len_io += (size_t) n + len;

    return 0;
}
