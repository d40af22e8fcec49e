/*
 * The archive of multi-file artifacts: what a compile's packing script
 * writes is read back file by file, and anything malformed is refused
 * with a reason instead of being placed half-read.  A file added at the
 * end (a Java program's main name) reads back with the others.
 */

#include <stdlib.h>

#include "daemon/archive.h"
#include "tap.h"


#define BUF(s)  (const uint8_t *) (s), sizeof(s) - 1


static void
refuses(const uint8_t *buf, size_t len, const char *needle, const char *name)
{
    struct archive  ar;
    char            err[256];
    int             rc;

    rc = archive_parse(&ar, buf, len, err, sizeof(err));
    if (!ok(rc == -1 && strstr(err, needle) != NULL && ar.n == 0
            && ar.files == NULL, name))
    {
        printf("#   rc %d, error: %s\n", rc, rc ? err : "");
    }
}


static void
test_append(void)
{
    static const char   packed[] = "judge-archive 1\n3 A.class\nabc";
    struct archive      ar;
    uint8_t            *buf;
    size_t              len;
    char                err[256];

    len = sizeof(packed) - 1;
    buf = malloc(len);
    memcpy(buf, packed, len);

    ok(archive_append(&buf, &len, ".judge-main", "Solution", 8) == 0,
       "append: a file added");
    ok(len == sizeof(packed) - 1 + 22
       && memcmp(buf + sizeof(packed) - 1, "8 .judge-main\nSolution", 22)
          == 0, "append: at the end, in the archive's format");
    ok(archive_parse(&ar, buf, len, err, sizeof(err)) == 0 && ar.n == 2
       && strcmp(ar.files[1].name, ".judge-main") == 0
       && ar.files[1].len == 8 && memcmp(ar.files[0].data, "abc", 3) == 0,
       "append: both files read back");
    archive_free(&ar);

    ok(archive_append(&buf, &len, "empty", "", 0) == 0
       && archive_parse(&ar, buf, len, err, sizeof(err)) == 0 && ar.n == 3
       && ar.files[2].len == 0, "append: an empty file");
    archive_free(&ar);
    free(buf);
}


int
main(void)
{
    static const char  two[] = "judge-archive 1\n"
                               "5 Main.class\n" "\xca\xfe\n\0x"
                               "3 Main$Adder.class\n" "a\nb";
    static const char  nul_name[] = "judge-archive 1\n1 a\0b\nx";
    static const char  binary[] = "judge-archive 1\n4 bin\n\0\n\xff\n";
    struct archive     ar;
    char               err[256];
    char              *big;
    size_t             i, len;

    /* --- the two files of a Java class with an inner class */
    ok(archive_parse(&ar, BUF(two), err, sizeof(err)) == 0,
       "two files parse");
    is_int(ar.n, 2, "two files");
    is_str(ar.files[0].name, "Main.class", "first name");
    is_int(ar.files[0].len, 5, "first size");
    ok(memcmp(ar.files[0].data, "\xca\xfe\n\0x", 5) == 0,
       "first data, NUL and newline included");
    is_str(ar.files[1].name, "Main$Adder.class", "second name with a $");
    is_int(ar.files[1].len, 3, "second size");
    ok(memcmp(ar.files[1].data, "a\nb", 3) == 0, "second data");
    archive_free(&ar);
    is_int(ar.n, 0, "archive_free leaves it empty");

    ok(archive_parse(&ar, BUF("judge-archive 1\n0 empty\n"), err,
                     sizeof(err)) == 0 && ar.n == 1 && ar.files[0].len == 0,
       "an empty file is a file");
    archive_free(&ar);

    ok(archive_parse(&ar, BUF(binary), err, sizeof(err)) == 0
       && ar.files[0].len == 4, "binary data is taken by its size");
    archive_free(&ar);

    ok(archive_parse(&ar, BUF("judge-archive 1\n3 with space.txt\nabc"), err,
                     sizeof(err)) == 0
       && strcmp(ar.files[0].name, "with space.txt") == 0,
       "the name is the rest of the line");
    archive_free(&ar);

    /* --- malformed */
    refuses(BUF(""), "not an archive", "empty input");
    refuses(BUF("\x7f" "ELF..."), "not an archive", "a bare executable");
    refuses(BUF("judge-archive 2\n1 a\nx"), "not an archive",
            "another version");
    refuses(BUF("judge-archive 1\n"), "no file", "no file at all");
    refuses(BUF("judge-archive 1\n5 a\nabc"), "5 bytes announced, 3 left",
            "data cut short");
    refuses(BUF("judge-archive 1\n1 a\nxy"), "header",
            "trailing bytes after the last file");
    refuses(BUF("judge-archive 1\n1 a"), "without end of line",
            "header cut short");
    refuses(BUF("judge-archive 1\nx a\n"), "not \"<size> <name>\"",
            "size not a number");
    refuses(BUF("judge-archive 1\n-1 a\n"), "not \"<size> <name>\"",
            "negative size");
    refuses(BUF("judge-archive 1\n1\nx"), "not \"<size> <name>\"",
            "no name");
    refuses(BUF("judge-archive 1\n1 \nx"), "bad name", "empty name");
    refuses(BUF("judge-archive 1\n1 ../x\nx"), "bad name", "a path");
    refuses(BUF("judge-archive 1\n1 a/b\nx"), "bad name", "a slash");
    refuses(BUF("judge-archive 1\n1 ..\nx"), "bad name", "\"..\"");
    refuses(BUF("judge-archive 1\n1 .\nx"), "bad name", "\".\"");
    refuses(BUF(nul_name), "bad name", "a NUL in the name");
    refuses(BUF("judge-archive 1\n1 a\nx1 a\ny"), "appears twice",
            "a name twice");
    refuses(BUF("judge-archive 1\n99999999999999999999999 a\n"),
            "size too large", "a size past SIZE_MAX");

    /* --- the file count bound */
    big = malloc(64 * (ARCHIVE_MAX_FILES + 2));
    len = (size_t) sprintf(big, "judge-archive 1\n");
    for (i = 0; i <= ARCHIVE_MAX_FILES; i++) {
        len += (size_t) sprintf(big + len, "1 f%zu\nx", i);
    }
    refuses((const uint8_t *) big, len, "more than", "too many files");

    len = (size_t) sprintf(big, "judge-archive 1\n");
    for (i = 0; i < ARCHIVE_MAX_FILES; i++) {
        len += (size_t) sprintf(big + len, "1 f%zu\nx", i);
    }
    ok(archive_parse(&ar, (const uint8_t *) big, len, err, sizeof(err)) == 0
       && ar.n == ARCHIVE_MAX_FILES, "exactly the maximum of files");
    archive_free(&ar);
    free(big);

    test_append();

    return done_testing();
}
