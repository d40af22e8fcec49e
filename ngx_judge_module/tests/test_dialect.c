
/*
 * Copyright (C) ngx_judge authors
 */


/*
 * What the API dialects parse of other engines' clients: command lines
 * split into words as a shell would, Base64 and hex text, limits as
 * numbers or numeric strings, versions made semver and semver ranges.
 */


#include "harness.h"
#include "ngx_http_judge_dialect.h"
#include "tap.h"


/* the words of "line" joined by "|", or "(null)" */

static const char *
words(const char *line)
{
    size_t       i, n;
    json_t      *w;
    static char  out[256];

    w = ngx_http_judge_dialect_words(line, strlen(line));
    if (w == NULL) {
        return "(null)";
    }

    n = 0;
    out[0] = '\0';

    for (i = 0; i < json_array_size(w); i++) {
        n += snprintf(out + n, sizeof(out) - n, "%s%s", i ? "|" : "",
                      json_string_value(json_array_get(w, i)));
    }

    json_decref(w);

    return out;
}


static size_t
nwords(const char *line)
{
    size_t   n;
    json_t  *w;

    w = ngx_http_judge_dialect_words(line, strlen(line));
    n = w ? json_array_size(w) : (size_t) -1;
    json_decref(w);

    return n;
}


static void
test_words(void)
{
    ok(strcmp(words("a b  c"), "a|b|c") == 0, "blanks separate words");
    ok(strcmp(words("  "), "") == 0, "only blanks: no word");
    ok(strcmp(words("'a b' c"), "a b|c") == 0, "single quotes keep blanks");
    ok(strcmp(words("\"a \\\"b\\\"\" c"), "a \"b\"|c") == 0,
       "double quotes keep blanks, \\\" is a quote");
    ok(strcmp(words("a\\ b"), "a b") == 0, "a backslash keeps a blank");
    ok(strcmp(words("x'y'\"z\""), "xyz") == 0, "quoted parts join a word");
    ok(nwords("'' \"\"") == 2, "empty quoted words are words");
    ok(nwords(" \t\n ") == 0, "blanks alone are none");
    ok(strcmp(words("'$HOME' `id`"), "$HOME|`id`") == 0,
       "nothing is expanded");
    ok(strcmp(words("'open"), "(null)") == 0, "an unclosed ' is refused");
    ok(strcmp(words("\"open"), "(null)") == 0, "an unclosed \" is refused");
    ok(strcmp(words("end\\"), "end\\") == 0, "a last backslash stays");
}


static void
test_decode(void)
{
    json_t  *v;

    v = ngx_http_judge_dialect_decode("aGk=", 4, 1, 0);
    ok(v && json_string_length(v) == 2
       && memcmp(json_string_value(v), "hi", 2) == 0, "Base64");
    json_decref(v);

    v = ngx_http_judge_dialect_decode("aG\nk=", 5, 1, 0);
    ok(v && json_string_length(v) == 2, "Base64 wrapped in lines");
    json_decref(v);

    v = ngx_http_judge_dialect_decode("AP8=", 4, 1, 0);
    ok(v && json_string_length(v) == 2
       && json_string_value(v)[0] == '\0'
       && (u_char) json_string_value(v)[1] == 0xff,
       "Base64 of bytes that are not text, NUL included");
    json_decref(v);

    ok(ngx_http_judge_dialect_decode("a", 1, 1, 0) == NULL,
       "Base64 of a bad length is refused");
    ok(ngx_http_judge_dialect_decode("a!==", 4, 1, 0) == NULL,
       "Base64 with a character not of it is refused");

    v = ngx_http_judge_dialect_decode("6869", 4, 0, 1);
    ok(v && json_string_length(v) == 2
       && memcmp(json_string_value(v), "hi", 2) == 0, "hex");
    json_decref(v);

    ok(ngx_http_judge_dialect_decode("686", 3, 0, 1) == NULL,
       "hex of an odd length is refused");
    ok(ngx_http_judge_dialect_decode("6g", 2, 0, 1) == NULL,
       "hex with a character not of it is refused");

    v = ngx_http_judge_dialect_decode("plain", 5, 0, 0);
    ok(v && strcmp(json_string_value(v), "plain") == 0, "plain text");
    json_decref(v);
}


static ngx_int_t
limit(json_t *v, double scale, int64_t *value)
{
    ngx_int_t  rc;

    rc = ngx_http_judge_dialect_limit(v, scale, value);
    json_decref(v);

    return rc;
}


static void
test_limit(void)
{
    int64_t  value;

    ok(limit(json_real(1.5), 1000, &value) == NGX_OK && value == 1500,
       "seconds to ms");
    ok(limit(json_string("2"), 1000, &value) == NGX_OK && value == 2000,
       "a number in a string");
    ok(limit(json_real(0.0001), 1000, &value) == NGX_OK && value == 1,
       "rounded up");
    ok(limit(json_integer(1025), 1.0 / 1024, &value) == NGX_OK
       && value == 2, "bytes to KiB, rounded up");
    ok(limit(NULL, 1, &value) == NGX_DONE, "absent");
    ok(limit(json_null(), 1, &value) == NGX_DONE, "null");
    ok(limit(json_integer(-1), 1, &value) == NGX_DECLINED, "negative");
    ok(limit(json_string("1x"), 1, &value) == NGX_DECLINED,
       "a string that is not a number");
    ok(limit(json_string(""), 1, &value) == NGX_DECLINED, "empty string");
    ok(limit(json_string("nan"), 1, &value) == NGX_DECLINED, "NaN");
    ok(limit(json_string("1e300"), 1, &value) == NGX_DECLINED,
       "far too large");
    ok(limit(json_true(), 1, &value) == NGX_DECLINED, "not a number");
}


static ngx_uint_t
in(const char *version, const char *range)
{
    int  v[3];

    ngx_http_judge_dialect_semver(version, v);

    return ngx_http_judge_dialect_satisfies(v, range);
}


static void
test_semver(void)
{
    int  v[3];

    ngx_http_judge_dialect_semver("3.11.2", v);
    ok(v[0] == 3 && v[1] == 11 && v[2] == 2, "three parts");
    ngx_http_judge_dialect_semver("1.70", v);
    ok(v[0] == 1 && v[1] == 70 && v[2] == 0, "two parts: .0");
    ngx_http_judge_dialect_semver("go1.19.8 linux", v);
    ok(v[0] == 1 && v[1] == 19 && v[2] == 8, "the first number in text");
    ngx_http_judge_dialect_semver("none", v);
    ok(v[0] == 0 && v[1] == 0 && v[2] == 0, "no number: 0.0.0");
    ngx_http_judge_dialect_semver(NULL, v);
    ok(v[0] == 0 && v[1] == 0 && v[2] == 0, "no version: 0.0.0");

    ok(in("3.11.2", "*"), "* is any");
    ok(in("3.11.2", ""), "empty is any");
    ok(in("3.11.2", "3.11.2"), "exact");
    ok(!in("3.11.2", "3.11.3"), "another exact");
    ok(in("3.11.2", "3"), "a major alone");
    ok(in("3.11.2", "3.x"), "3.x");
    ok(in("3.11.2", "3.11.x"), "3.11.x");
    ok(!in("3.11.2", "2.x"), "another major");
    ok(in("3.11.2", "^3.10.0"), "^ within the major");
    ok(!in("3.11.2", "^3.12"), "^ below its floor");
    ok(!in("4.0.0", "^3.10.0"), "^ above its major");
    ok(in("3.11.2", "~3.11.0"), "~ within the minor");
    ok(!in("3.12.0", "~3.11.0"), "~ above its minor");
    ok(in("3.11.2", ">=3.8"), ">=");
    ok(!in("3.7.9", ">=3.8"), ">= below");
    ok(in("3.11.2", ">3.10"), "> a prefix");
    ok(!in("3.11.2", ">3.11"), "> its own prefix is not above it");
    ok(in("3.11.2", "<4"), "<");
    ok(!in("3.11.2", "<3.11"), "< its own prefix is not below it");
    ok(in("3.11.2", "<=3.11"), "<= its own prefix");
    ok(in("3.11.2", ">=3 <4"), "two comparators, both hold");
    ok(!in("3.11.2", ">=3 <3.5"), "two comparators, one fails");
    ok(in("3.11.2", "2.x || 3.x"), "alternatives");
    ok(!in("3.11.2", "1.x || 2.x"), "no alternative holds");
    ok(in("3.11.2", "=3.11.2"), "= exact");
    ok(in("3.11.2", "v3.11.2"), "a leading v");
    ok(!in("3.11.2", "3.11.2-beta"), "a pre-release is no match");
    ok(!in("3.11.2", "abc"), "not a range");
    ok(in("3.11.2", "||3"), "an empty alternative is any");
    ok(!in("3.11.2", "99999999999999999999"), "huge numbers do not wrap");
    ok(!in("3.11.2", "|"), "a lone | is no range");
    ok(!in("3.11.2", "3.x | 2.x"), "nor a lone | between two");
    ok(in("3.11.2", "3.x||2.x"), "|| without blanks");
}


int
main(void)
{
    (void) judge_test_init();

    test_words();
    test_decode();
    test_limit();
    test_semver();

    return done_testing();
}
