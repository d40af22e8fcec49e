
/*
 * Copyright (C) ngx_judge authors
 */


/*
 * JSON output (ngx_http_judge_json.c): strings escaped as JSON, program
 * output made valid UTF-8, a worker's text cleaned in place, and the
 * comma-wrapped lists rendered as array members.
 */


#include "harness.h"
#include "tap.h"


/* "s" rendered by ngx_http_judge_json_str(), as a C string */
static const char *
json_str(const char *s, size_t len)
{
    u_char      *p;
    ngx_str_t    in;
    static char  out[1024];

    in.data = (u_char *) s;
    in.len = len;

    p = ngx_http_judge_json_str((u_char *) out, &in);
    *p = '\0';

    is_int(p - (u_char *) out, ngx_http_judge_json_str_len(&in),
           "json_str_len() is the length written");

    return out;
}


/* "s" rendered by ngx_http_judge_json_utf8(), as a C string */
static const char *
json_utf8(const char *s, size_t len)
{
    u_char      *p;
    ngx_str_t    in;
    static char  out[1024];

    in.data = (u_char *) s;
    in.len = len;

    p = ngx_http_judge_json_utf8((u_char *) out, &in);
    *p = '\0';

    ok((size_t) (p - (u_char *) out) <= ngx_http_judge_json_utf8_len(&in),
       "json_utf8_len() bounds the length written");

    return out;
}


static void
test_json_str(void)
{
    is_str(json_str("", 0), "\"\"", "an empty string");
    is_str(json_str("plain", 5), "\"plain\"", "plain text as is");
    is_str(json_str("a\"b\\c", 5), "\"a\\\"b\\\\c\"",
           "quote and backslash escaped");
    is_str(json_str("l1\nl2\tx\r", 8), "\"l1\\nl2\\tx\\r\"",
           "line feed, tab, carriage return escaped");
    is_str(json_str("\001\037", 2), "\"\\u0001\\u001F\"",
           "other control characters as \\u00XX");
    is_str(json_str("a\0b", 3), "\"a\\u0000b\"", "a NUL byte escaped");
    is_str(json_str("caf\xc3\xa9", 5), "\"caf\xc3\xa9\"",
           "UTF-8 passes through");
}


static void
test_json_utf8(void)
{
    is_str(json_utf8("ok\n", 3), "\"ok\\n\"", "ASCII with escapes");
    is_str(json_utf8("\"\\\t\r", 4), "\"\\\"\\\\\\t\\r\"",
           "quote, backslash, tab, carriage return");
    is_str(json_utf8("\001\177", 2), "\"\\u0001\\u007f\"",
           "control characters and DEL as \\u00xx");
    is_str(json_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x99\x82", 9),
           "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x99\x82\"",
           "two-, three- and four-byte sequences pass");
    is_str(json_utf8("\xf4\x8f\xbf\xbf", 4), "\"\xf4\x8f\xbf\xbf\"",
           "U+10FFFF passes");
    is_str(json_utf8("a\xffz", 3), "\"a\\ufffdz\"",
           "a byte that starts nothing becomes U+FFFD");
    is_str(json_utf8("\xc0\x80", 2), "\"\\ufffd\\ufffd\"",
           "an overlong NUL is two bad bytes");
    is_str(json_utf8("\xe0\x80\xaf", 3), "\"\\ufffd\\ufffd\\ufffd\"",
           "an overlong three-byte sequence is refused");
    is_str(json_utf8("\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\"",
           "a surrogate is refused");
    is_str(json_utf8("\xf4\x90\x80\x80", 4),
           "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", "past U+10FFFF is refused");
    is_str(json_utf8("x\xe2\x82", 3), "\"x\\ufffd\\ufffd\"",
           "a sequence cut short at the end");
    is_str(json_utf8("\xe2\x82x", 3), "\"\\ufffd\\ufffdx\"",
           "a sequence cut short by ASCII");
    is_str(json_utf8("\x80\xbf", 2), "\"\\ufffd\\ufffd\"",
           "lone continuation bytes");
}


static void
test_utf8_clean(void)
{
    u_char  buf[32];

    ngx_memcpy(buf, "host", 5);
    is_int(ngx_http_judge_utf8_clean(buf, 4), 0, "clean text: none replaced");
    is_str((char *) buf, "host", "clean text is unchanged");

    ngx_memcpy(buf, "caf\xc3\xa9 \xe2\x82\xac", 10);
    is_int(ngx_http_judge_utf8_clean(buf, 9), 0, "UTF-8 is left alone");

    ngx_memcpy(buf, "a\xff" "b\xc3", 5);
    is_int(ngx_http_judge_utf8_clean(buf, 4), 2, "two bad bytes counted");
    is_str((char *) buf, "a?b?", "each bad byte is a \"?\" in place");

    ngx_memcpy(buf, "\xed\xa0\x80!", 5);
    is_int(ngx_http_judge_utf8_clean(buf, 4), 3, "a surrogate: three bytes");
    is_str((char *) buf, "??" "?!", "and the length is kept");

    ngx_memcpy(buf, "\xe2\x82\xac", 4);
    is_int(ngx_http_judge_utf8_clean(buf, 2), 2,
           "only the given length is looked at");
    is_int(buf[2], 0xac, "the byte past it is not touched");
}


static void
test_json_list(void)
{
    u_char     *p;
    ngx_str_t   list;
    char        out[256];

    ngx_str_set(&list, ",cpp,python,");
    p = ngx_http_judge_json_list((u_char *) out, &list);
    *p = '\0';
    is_str(out, "\"cpp\",\"python\"", "a list as array members");
    ok((size_t) (p - (u_char *) out) <= ngx_http_judge_json_list_len(&list),
       "json_list_len() bounds it");

    ngx_str_set(&list, ",");
    p = ngx_http_judge_json_list((u_char *) out, &list);
    *p = '\0';
    is_str(out, "", "an empty list has no members");

    ngx_str_set(&list, ",-O2,-D\",");
    p = ngx_http_judge_json_list((u_char *) out, &list);
    *p = '\0';
    is_str(out, "\"-O2\",\"-D\\\"\"", "members are escaped");
}


int
main(void)
{
    (void) judge_test_init();

    test_json_str();
    test_json_utf8();
    test_utf8_clean();
    test_json_list();

    return done_testing();
}
