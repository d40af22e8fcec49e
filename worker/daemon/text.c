/*
 * UTF-8 checking and cutting for the text fields of results.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"


/*
 * The length of the well-formed UTF-8 sequence at "s" (at most "len"
 * bytes available): 1-4, or 0 when the bytes there are not one (a stray
 * continuation byte, an overlong form, a surrogate, a code point above
 * U+10FFFF, or a sequence cut short).  NUL counts as a valid character.
 */
static size_t
utf8_sequence(const unsigned char *s, size_t len)
{
    size_t    n, i;
    uint32_t  cp, min;

    if (s[0] < 0x80) {
        return 1;
    }

    if ((s[0] & 0xe0) == 0xc0) {
        n = 2;
        cp = s[0] & 0x1f;
        min = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3;
        cp = s[0] & 0x0f;
        min = 0x800;
    } else if ((s[0] & 0xf8) == 0xf0) {
        n = 4;
        cp = s[0] & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }

    if (n > len) {
        return 0;
    }

    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }

    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }

    return n;
}


/*
 * A NUL-terminated copy of at most "max" bytes of "s" that is valid UTF-8
 * and has no NUL inside: every byte that does not start a well-formed
 * character, and every NUL, becomes '?', and the cut falls between
 * characters.  Returns NULL on ENOMEM.
 */
char *
utf8_clean_copy(const char *s, size_t len, size_t max)
{
    char    *out;
    size_t   in, o, n;

    out = malloc((len < max ? len : max) + 1);
    if (out == NULL) {
        return NULL;
    }

    in = 0;
    o = 0;

    while (in < len) {
        n = utf8_sequence((const unsigned char *) s + in, len - in);

        if (n == 0 || s[in] == '\0') {
            if (o + 1 > max) {
                break;
            }
            out[o++] = '?';
            in++;
            continue;
        }

        if (o + n > max) {
            break;
        }

        memcpy(out + o, s + in, n);
        o += n;
        in += n;
    }

    out[o] = '\0';

    return out;
}


/*
 * A copy of "text" as utf8_clean_copy() makes it, then "line" on a line
 * of its own, at most "max" bytes in all: the text is cut first, so that
 * the line (a notice from the judge) survives; the line is cut only when
 * it does not fit even alone.  Returns NULL on ENOMEM.
 */
char *
text_append_line(const char *text, size_t len, const char *line, size_t max)
{
    char    *head, *out;
    size_t   head_len, line_len, o;

    line_len = strlen(line);

    if (line_len >= max) {
        return utf8_clean_copy(line, line_len, max);
    }

    /* one byte for the newline that may be needed between them */
    head = utf8_clean_copy(text, len, max - line_len - 1);
    if (head == NULL) {
        return NULL;
    }

    head_len = strlen(head);

    out = malloc(head_len + 1 + line_len + 1);
    if (out == NULL) {
        free(head);
        return NULL;
    }

    memcpy(out, head, head_len);
    o = head_len;

    if (head_len > 0 && head[head_len - 1] != '\n') {
        out[o++] = '\n';
    }

    memcpy(out + o, line, line_len + 1);
    free(head);

    return out;
}
