/*
 * Text for protobuf string fields: always valid UTF-8, cut between
 * characters, bad bytes and NULs shown as '?'; a notice appended on a
 * line of its own survives the cut.
 */

#include <stdlib.h>

#include "daemon/text.h"
#include "tap.h"


static void
cleans(const char *in, size_t len, size_t max, const char *want,
       const char *name)
{
    char  *out;

    out = utf8_clean_copy(in, len, max);
    is_str(out, want, name);
    free(out);
}


static void
appends(const char *text, const char *line, size_t max, const char *want,
        const char *name)
{
    char  *out;

    out = text_append_line(text, strlen(text), line, max);
    is_str(out, want, name);
    free(out);
}


int
main(void)
{
    cleans("hello", 5, 100, "hello", "ASCII as it is");
    cleans("hello", 5, 3, "hel", "cut to the maximum");
    cleans("", 0, 10, "", "empty");
    cleans("\xe2\x80\x98x\xe2\x80\x99", 7, 100, "\xe2\x80\x98x\xe2\x80\x99",
           "gcc's quotes stay");
    cleans("a\xe2\x80\x98", 4, 3, "a", "no character split at the cut");
    cleans("a\xe2\x80\x98", 4, 4, "a\xe2\x80\x98", "a cut right after it");
    cleans("a\xffz", 3, 10, "a?z", "an invalid byte becomes ?");
    cleans("a\0z", 3, 10, "a?z", "a NUL becomes ?");
    cleans("\xc0\xaf", 2, 10, "??", "overlong form refused");
    cleans("\xed\xa0\x80", 3, 10, "???", "a surrogate refused");
    cleans("\xf4\x90\x80\x80", 4, 10, "????", "above U+10FFFF refused");
    cleans("\xf0\x9f\x98\x80!", 5, 10, "\xf0\x9f\x98\x80!",
           "a four-byte character stays");
    cleans("x\xe2\x80", 3, 10, "x??", "a sequence cut short by the input");
    cleans("\x80\x80", 2, 1, "?", "the cut counts replaced bytes too");

    appends("warning\n", "too big", 100, "warning\ntoo big",
            "a line after text that ends in a newline");
    appends("warning", "too big", 100, "warning\ntoo big",
            "a newline put in between when the text lacks one");
    appends("", "too big", 100, "too big", "no text: the line alone");
    appends("abcdefgh", "too big", 12, "abcd\ntoo big",
            "the text is cut so that the line fits");
    appends("ab\xe2\x80\x98" "cd", "too big", 12, "ab\ntoo big",
            "not inside a character");
    appends("a\xff", "x", 10, "a?\nx", "the text is cleaned");
    appends("abc", "too big", 7, "too big", "a line that fills it: alone");
    appends("abc", "too big", 4, "too ", "a line longer than it: cut");

    return done_testing();
}
