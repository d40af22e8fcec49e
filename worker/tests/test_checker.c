/*
 * Checkers and assertions: each table row is one behaviour, read as
 * "given this output and this answer, the verdict and message are these".
 */

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "daemon/checker.h"
#include "judge.pb-c.h"
#include "tap.h"


/* The enums are cast from the wire's: their values must stay equal. */
#define SAME(ours, wire)  ((int) (ours) == (int) (wire))

_Static_assert(SAME(CHECKER_DEFAULT, JUDGE__CHECKER__KIND__DEFAULT)
               && SAME(CHECKER_EXACT, JUDGE__CHECKER__KIND__EXACT)
               && SAME(CHECKER_TOKENS, JUDGE__CHECKER__KIND__TOKENS)
               && SAME(CHECKER_FLOAT, JUDGE__CHECKER__KIND__FLOAT)
               && SAME(CHECKER_CUSTOM, JUDGE__CHECKER__KIND__CUSTOM),
               "checker_kind_t matches Checker.Kind");
_Static_assert(SAME(ASSERT_STDOUT_CONTAINS,
                    JUDGE__ASSERTION__KIND__STDOUT_CONTAINS)
               && SAME(ASSERT_STDOUT_EQUALS,
                       JUDGE__ASSERTION__KIND__STDOUT_EQUALS)
               && SAME(ASSERT_STDOUT_MATCHES,
                       JUDGE__ASSERTION__KIND__STDOUT_MATCHES)
               && SAME(ASSERT_STDERR_CONTAINS,
                       JUDGE__ASSERTION__KIND__STDERR_CONTAINS)
               && SAME(ASSERT_EXIT_CODE, JUDGE__ASSERTION__KIND__EXIT_CODE),
               "assertion_kind_t matches Assertion.Kind");


/* A literal as (pointer, length): it may hold NUL bytes. */
#define TEXT(s)  s, sizeof(s) - 1

#define COUNT(a)  (sizeof(a) / sizeof((a)[0]))


typedef struct {
    const char        *name;
    const char        *out;
    size_t             out_len;
    const char        *ans;
    size_t             ans_len;
    check_verdict_t    verdict;
    const char        *message;
} compare_case_t;


static const char *
verdict_name(check_verdict_t v)
{
    return v == CHECK_AC ? "AC" : v == CHECK_WA ? "WA"
           : v == CHECK_ERROR ? "ERROR" : "?";
}


/* One test: both the verdict and the whole message are as expected. */
static void
verdict_is(check_verdict_t got, const char *got_msg, check_verdict_t want,
           const char *want_msg, const char *name)
{
    if (!ok(got == want && strcmp(got_msg, want_msg) == 0, name)) {
        printf("#          got: %s \"%s\"\n#     expected: %s \"%s\"\n",
               verdict_name(got), got_msg, verdict_name(want), want_msg);
    }
}


static void
run_cases(const char *checker, const checker_spec_t *spec,
          const compare_case_t *cases, size_t n)
{
    check_verdict_t  v;
    char             msg[CHECKER_MSG_SIZE], name[200];
    size_t           i;

    for (i = 0; i < n; i++) {
        v = checker_compare(spec, cases[i].out, cases[i].out_len,
                            cases[i].ans, cases[i].ans_len,
                            msg, sizeof(msg));
        snprintf(name, sizeof(name), "%s: %s", checker, cases[i].name);
        verdict_is(v, msg, cases[i].verdict, cases[i].message, name);
    }
}


static const compare_case_t default_cases[] = {
    { "empty output, empty answer", TEXT(""), TEXT(""), CHECK_AC, "" },
    { "identical", TEXT("1 2\n3\n"), TEXT("1 2\n3\n"), CHECK_AC, "" },
    { "missing final newline", TEXT("1\n3"), TEXT("1\n3\n"), CHECK_AC, "" },
    { "CRLF line endings", TEXT("1 2\r\n3\r\n"), TEXT("1 2\n3\n"),
      CHECK_AC, "" },
    { "CRLF in the answer", TEXT("1 2\n3\n"), TEXT("1 2\r\n3\r\n"),
      CHECK_AC, "" },
    { "trailing spaces and tabs", TEXT("1 2 \t \n3\t\n"), TEXT("1 2\n3\n"),
      CHECK_AC, "" },
    { "trailing blank lines in the output", TEXT("3\n\n \n\t\r\n\n"),
      TEXT("3\n"), CHECK_AC, "" },
    { "trailing blank lines in the answer", TEXT("3"), TEXT("3\n\n\n"),
      CHECK_AC, "" },
    { "blank output, empty answer", TEXT(" \n\r\n\n"), TEXT(""),
      CHECK_AC, "" },
    { "leading spaces matter", TEXT(" 3\n"), TEXT("3\n"), CHECK_WA,
      "line 1 differs at column 1: expected \"3\", got \" \"" },
    { "inner spaces matter", TEXT("1  2\n"), TEXT("1 2\n"), CHECK_WA,
      "line 1 differs at column 3: expected \"2\", got \" \"" },
    { "a leading blank line matters", TEXT("\n3\n"), TEXT("3\n"), CHECK_WA,
      "line 1 differs at column 1: expected \"3\", got end of line" },
    { "an inner blank line matters", TEXT("1\n\n2\n"), TEXT("1\n2\n"),
      CHECK_WA,
      "line 2 differs at column 1: expected \"2\", got end of line" },
    { "a shorter line", TEXT("1\n12\n"), TEXT("1\n123\n"), CHECK_WA,
      "line 2 differs at column 3: expected \"3\", got end of line" },
    { "a longer line", TEXT("1\n1234  \n"), TEXT("1\n123\n"), CHECK_WA,
      "line 2 differs at column 4: expected end of line, got \"4\"" },
    { "case matters", TEXT("yes\n"), TEXT("YES\n"), CHECK_WA,
      "line 1 differs at column 1: expected \"Y\", got \"y\"" },
    { "'\\r' inside a line matters", TEXT("a\rb\n"), TEXT("a b\n"), CHECK_WA,
      "line 1 differs at column 2: expected \" \", got \"\\r\"" },
    { "form feed is not trailing whitespace", TEXT("3\f\n"), TEXT("3\n"),
      CHECK_WA, "line 1 differs at column 2: expected end of line, "
      "got \"\\x0c\"" },
    { "empty output", TEXT(""), TEXT("1\n2\n"), CHECK_WA,
      "output is empty, expected 2 lines" },
    { "blank output", TEXT("\n\n"), TEXT("7\n"), CHECK_WA,
      "output is empty, expected 1 line" },
    { "missing lines", TEXT("1\n"), TEXT("1\n\n3\n"), CHECK_WA,
      "output has 1 line, expected 3" },
    { "an extra line", TEXT("1\n2  \n"), TEXT("1\n"), CHECK_WA,
      "extra output at line 2: got \"2\" (expected 1 line)" },
    { "output against an empty answer", TEXT("x"), TEXT("\n"), CHECK_WA,
      "extra output at line 1: got \"x\" (expected 0 lines)" },
    { "NUL bytes compared as bytes", TEXT("a\0b\n\0\n"), TEXT("a\0b\n\0"),
      CHECK_AC, "" },
    { "a NUL byte differs", TEXT("a\0b\n"), TEXT("a\0c\n"), CHECK_WA,
      "line 1 differs at column 3: expected \"c\", got \"b\"" },
    { "a NUL byte is not whitespace", TEXT("a\0\n"), TEXT("a\n"), CHECK_WA,
      "line 1 differs at column 2: expected end of line, got \"\\x00\"" },
    { "a long extra line is quoted up to 32 bytes",
      TEXT("ok\n0123456789abcdefghijklmnopqrstuvwxyz\n"), TEXT("ok"),
      CHECK_WA, "extra output at line 2: "
      "got \"0123456789abcdefghijklmnopqrstuv\"... (expected 1 line)" },
    { "non-ASCII bytes are escaped", TEXT("\xc3\xa9\n"), TEXT(""),
      CHECK_WA, "extra output at line 1: got \"\\xc3\\xa9\" "
      "(expected 0 lines)" },
};


static const compare_case_t exact_cases[] = {
    { "empty output, empty answer", TEXT(""), TEXT(""), CHECK_AC, "" },
    { "identical", TEXT("1 2\n3\n"), TEXT("1 2\n3\n"), CHECK_AC, "" },
    { "identical with NUL bytes", TEXT("a\0b\0"), TEXT("a\0b\0"),
      CHECK_AC, "" },
    { "missing final newline", TEXT("1\n3"), TEXT("1\n3\n"), CHECK_WA,
      "output differs at line 2, column 2: expected \"\\n\", "
      "got end of output" },
    { "an extra blank line", TEXT("3\n\n"), TEXT("3\n"), CHECK_WA,
      "output differs at line 2, column 1: expected end of output, "
      "got \"\\n\"" },
    { "CRLF", TEXT("3\r\n"), TEXT("3\n"), CHECK_WA,
      "output differs at line 1, column 2: expected \"\\n\", got \"\\r\"" },
    { "a trailing space", TEXT("3 \n"), TEXT("3\n"), CHECK_WA,
      "output differs at line 1, column 2: expected \"\\n\", got \" \"" },
    { "empty output", TEXT(""), TEXT("3\n"), CHECK_WA,
      "output differs at line 1, column 1: expected \"3\", "
      "got end of output" },
    { "a NUL byte against nothing", TEXT("\0"), TEXT(""), CHECK_WA,
      "output differs at line 1, column 1: expected end of output, "
      "got \"\\x00\"" },
    { "the position counts lines", TEXT("a\nb\nc\nxyz"), TEXT("a\nb\nc\nxy!"),
      CHECK_WA, "output differs at line 4, column 3: expected \"!\", "
      "got \"z\"" },
    { "a quote is escaped", TEXT("\""), TEXT("'"), CHECK_WA,
      "output differs at line 1, column 1: expected \"'\", got \"\\\"\"" },
};


static const compare_case_t tokens_cases[] = {
    { "empty output, empty answer", TEXT(""), TEXT(""), CHECK_AC, "" },
    { "blank output, empty answer", TEXT(" \n\t"), TEXT(""), CHECK_AC, "" },
    { "any whitespace separates", TEXT("1 2\t3\n4\r\n5\v6\f7"),
      TEXT("1\n2\n3\n4\n5\n6\n7\n"), CHECK_AC, "" },
    { "leading and trailing whitespace", TEXT("\n\n   1 2  \n\n"),
      TEXT("1 2"), CHECK_AC, "" },
    { "a different token", TEXT("1 2 4\n"), TEXT("1 2 3\n"), CHECK_WA,
      "token 3: expected \"3\", got \"4\"" },
    { "numbers are text here", TEXT("1.0"), TEXT("1"), CHECK_WA,
      "token 1: expected \"1\", got \"1.0\"" },
    { "case matters", TEXT("Yes"), TEXT("YES"), CHECK_WA,
      "token 1: expected \"YES\", got \"Yes\"" },
    { "an extra token", TEXT("1 2 3 4"), TEXT("1 2 3"), CHECK_WA,
      "extra token 4 in output: got \"4\" (expected 3 tokens)" },
    { "an extra token against an empty answer", TEXT(" x "), TEXT(""),
      CHECK_WA, "extra token 1 in output: got \"x\" (expected 0 tokens)" },
    { "missing tokens", TEXT("1"), TEXT("1 2 3"), CHECK_WA,
      "output has 1 token, expected 3" },
    { "empty output", TEXT("\n"), TEXT("1"), CHECK_WA,
      "output is empty, expected 1 token" },
    { "a NUL byte does not separate", TEXT("a\0b"), TEXT("a b"), CHECK_WA,
      "token 1: expected \"a\", got \"a\\x00b\"" },
    { "only one expected token is shown, cut to 32 bytes",
      TEXT("x 0123456789"),
      TEXT("x 0123456789abcdefghijklmnopqrstuvwxyz and more"),
      CHECK_WA, "token 2: expected \"0123456789abcdefghijklmnopqrstuv\"..., "
      "got \"0123456789\"" },
};


static const compare_case_t float_default_cases[] = {
    { "identical", TEXT("3.14159265 2"), TEXT("3.14159265 2"), CHECK_AC, "" },
    { "within 1e-6", TEXT("3.1415926"), TEXT("3.14159265"), CHECK_AC, "" },
    { "too far", TEXT("3.14"), TEXT("3.1416"), CHECK_WA,
      "token 1: expected \"3.1416\", got \"3.14\" (difference 0.0016)" },
    { "absolute 1e-6 near zero", TEXT("0.0000009"), TEXT("0"), CHECK_AC, "" },
    { "beyond 1e-6 near zero", TEXT("0.000002"), TEXT("0"), CHECK_WA,
      "token 1: expected \"0\", got \"0.000002\" (difference 2e-06)" },
    { "relative 1e-6 for large numbers", TEXT("1000000.9"), TEXT("1000000"),
      CHECK_AC, "" },
    { "beyond relative 1e-6", TEXT("1000002"), TEXT("1000000"), CHECK_WA,
      "token 1: expected \"1000000\", got \"1000002\" (difference 2)" },
    { "negative zero equals zero", TEXT("-0 -0.0 0"), TEXT("0 0.000 -0"),
      CHECK_AC, "" },
    { "the sign matters", TEXT("-1"), TEXT("1"), CHECK_WA,
      "token 1: expected \"1\", got \"-1\" (difference 2)" },
    { "exponent forms", TEXT("1e3 1E+03 2.5e-7 +5 .5 5. 1e-400"),
      TEXT("1000 1000.0 0.00000025 5 0.5 5 0"), CHECK_AC, "" },
    { "a dangling exponent is text", TEXT("1e"), TEXT("1"), CHECK_WA,
      "token 1: expected \"1\", got \"1e\"" },
    { "hex floats are text", TEXT("0x10"), TEXT("16"), CHECK_WA,
      "token 1: expected \"16\", got \"0x10\"" },
    { "a decimal comma is text", TEXT("1,5"), TEXT("1.5"), CHECK_WA,
      "token 1: expected \"1.5\", got \"1,5\"" },
    { "inf and nan match only as text", TEXT("inf nan"), TEXT("inf nan"),
      CHECK_AC, "" },
    { "nan is not NaN", TEXT("nan"), TEXT("NaN"), CHECK_WA,
      "token 1: expected \"NaN\", got \"nan\"" },
    { "an overflowing number is text", TEXT("1e999"), TEXT("2e999"),
      CHECK_WA, "token 1: expected \"2e999\", got \"1e999\"" },
    { "words and numbers", TEXT("Case #1: 3.1415927"),
      TEXT("Case #1: 3.14159265"), CHECK_AC, "" },
    { "a word against a number", TEXT("x"), TEXT("1"), CHECK_WA,
      "token 1: expected \"1\", got \"x\"" },
    { "words must match exactly", TEXT("case #1: 3.14"),
      TEXT("Case #1: 3.14"), CHECK_WA,
      "token 1: expected \"Case\", got \"case\"" },
    { "token counts must match", TEXT("1.0 2.0"), TEXT("1.0"), CHECK_WA,
      "extra token 2 in output: got \"2.0\" (expected 1 token)" },
    { "a number longer than the stack buffer",
      TEXT("1.00000000000000000000000000000000000000000000000000000000000000"
           "000000000000000000000000000000000000000000000000000000000000000"
           "000000000000000000000000000000000000000000000000000000000000001"
           " 2"),
      TEXT("1 2.0000000000000000000000000000000000000000000000000000000000"
           "000000000000000000000000000000000000000000000000000000000000000"
           "000000000000000000000000000000000000000000000000000000000000000"
           "0000000000000000000000000000000000000000000000000000000000001"),
      CHECK_AC, "" },
};


/* Tolerances whose boundaries are exact in binary. */
static void
test_float_tolerances(void)
{
    checker_spec_t  spec = { CHECKER_FLOAT, 0.5, 0 };

    static const compare_case_t absolute[] = {
        { "on the absolute boundary", TEXT("1.5 0.5"), TEXT("1 1"),
          CHECK_AC, "" },
        { "just past the absolute boundary", TEXT("1.5000001"), TEXT("1"),
          CHECK_WA, "token 1: expected \"1\", got \"1.5000001\" "
          "(difference 0.5)" },
        { "no relative tolerance when only absolute is set",
          TEXT("1000001"), TEXT("1000000"), CHECK_WA,
          "token 1: expected \"1000000\", got \"1000001\" (difference 1)" },
    };
    static const compare_case_t relative[] = {
        { "on the relative boundary", TEXT("3.75"), TEXT("5"),
          CHECK_AC, "" },
        { "relative to the expected value", TEXT("5"), TEXT("3.75"),
          CHECK_WA, "token 1: expected \"3.75\", got \"5\" "
          "(difference 1.25)" },
        { "no absolute tolerance when only relative is set",
          TEXT("0.000001"), TEXT("0"), CHECK_WA,
          "token 1: expected \"0\", got \"0.000001\" (difference 1e-06)" },
    };
    static const compare_case_t both[] = {
        { "either tolerance suffices", TEXT("1000.5 0.0000000001"),
          TEXT("1000 0"), CHECK_AC, "" },
    };

    run_cases("float abs 0.5", &spec, absolute, COUNT(absolute));

    spec.abs_tolerance = 0;
    spec.rel_tolerance = 0.25;
    run_cases("float rel 0.25", &spec, relative, COUNT(relative));

    spec.abs_tolerance = 1e-9;
    spec.rel_tolerance = 1e-3;
    run_cases("float abs 1e-9 rel 1e-3", &spec, both, COUNT(both));
}


static void
test_broken_specs(void)
{
    checker_spec_t  spec = { CHECKER_FLOAT, -1, 0 };
    char            msg[CHECKER_MSG_SIZE];

    verdict_is(checker_compare(&spec, TEXT("1"), TEXT("1"), msg, sizeof(msg)),
               msg, CHECK_ERROR,
               "invalid float tolerance (absolute -1, relative 0)",
               "float: a negative tolerance is the test's fault");

    spec.abs_tolerance = 0;
    spec.rel_tolerance = NAN;
    verdict_is(checker_compare(&spec, TEXT("1"), TEXT("1"), msg, sizeof(msg)),
               msg, CHECK_ERROR,
               "invalid float tolerance (absolute 0, relative nan)",
               "float: a NaN tolerance is the test's fault");

    spec.kind = CHECKER_CUSTOM;
    verdict_is(checker_compare(&spec, TEXT("1"), TEXT("1"), msg, sizeof(msg)),
               msg, CHECK_ERROR, "a custom checker must be run, not compared",
               "custom is refused");

    spec.kind = (checker_kind_t) 99;
    verdict_is(checker_compare(&spec, TEXT("1"), TEXT("1"), msg, sizeof(msg)),
               msg, CHECK_ERROR, "unknown checker kind 99",
               "an unknown kind is refused");
}


static void
test_message_buffer(void)
{
    checker_spec_t  spec = { CHECKER_TOKENS, 0, 0 };
    char            msg[CHECKER_MSG_SIZE];

    is_int(checker_compare(&spec, TEXT("a"), TEXT("b"), NULL, 0), CHECK_WA,
           "no message buffer: the verdict alone");

    is_int(checker_compare(&spec, NULL, 0, NULL, 0, NULL, 0), CHECK_AC,
           "NULL buffers of length 0 are empty texts");

    memset(msg, 'x', sizeof(msg));
    checker_compare(&spec, TEXT("1"), TEXT("1"), msg, sizeof(msg));
    is_str(msg, "", "AC clears the message");

    checker_compare(&spec, TEXT("a"), TEXT("b"), msg, 16);
    is_str(msg, "token 1: expect", "a small buffer gets a cut message");

    checker_compare(&spec, TEXT("\x01\x02\x03"), TEXT("b"), msg, 12);
    is_str(msg, "token 1: ex", "cut in printf text");

    checker_compare(&spec, TEXT("\x01\x02\x03\x04\x05\x06\x07\x08"
                                "\x01\x02\x03\x04\x05\x06\x07\x08"
                                "\x01\x02\x03\x04\x05\x06\x07\x08"
                                "\x01\x02\x03\x04\x05\x06\x07\x08!"),
                    TEXT("\x01\x02\x03\x04\x05\x06\x07\x08"
                         "\x01\x02\x03\x04\x05\x06\x07\x08"
                         "\x01\x02\x03\x04\x05\x06\x07\x08"
                         "\x01\x02\x03\x04\x05\x06\x07\x08?"),
                    msg, sizeof(msg));
    ok(strlen(msg) > 2 * 4 * 32 && strcmp(msg + strlen(msg) - 4, "\"...") == 0,
       "the longest snippets fit CHECKER_MSG_SIZE whole");

    spec.kind = CHECKER_DEFAULT;
    checker_compare(&spec, TEXT("\x01\x02\x03"), TEXT(""), msg, 33);
    is_str(msg, "extra output at line 1: got \"", "an escape is never cut");
    checker_compare(&spec, TEXT("\x01\x02\x03"), TEXT(""), msg, 34);
    is_str(msg, "extra output at line 1: got \"\\x01",
           "whole escapes fit");
}


/* Fills n bytes with "line\n" repeated. */
static char *
repeated(const char *line, size_t n)
{
    char    *buf;
    size_t   i, len;

    len = strlen(line);
    buf = malloc(n);
    if (buf == NULL) {
        abort();
    }

    for (i = 0; i < n; i++) {
        buf[i] = line[i % len];
    }

    return buf;
}


/*
 * 16 MB outputs with a difference at the very end: right positions, and
 * (since all of it is linear) far under a second each even instrumented.
 */
static void
test_huge(void)
{
    checker_spec_t   spec = { CHECKER_DEFAULT, 0, 0 };
    struct timespec  start, end;
    char            *out, *ans, msg[CHECKER_MSG_SIZE];
    size_t           n;
    double           seconds;

    n = 16u << 20;
    out = repeated("1.5 x\n", n);
    ans = repeated("1.5 x\n", n);
    clock_gettime(CLOCK_MONOTONIC, &start);

    verdict_is(checker_compare(&spec, out, n, ans, n, msg, sizeof(msg)),
               msg, CHECK_AC, "", "huge: default, identical");

    spec.kind = CHECKER_EXACT;
    verdict_is(checker_compare(&spec, out, n, ans, n, msg, sizeof(msg)),
               msg, CHECK_AC, "", "huge: exact, identical");

    spec.kind = CHECKER_FLOAT;
    verdict_is(checker_compare(&spec, out, n, ans, n, msg, sizeof(msg)),
               msg, CHECK_AC, "", "huge: float, identical");

    /* 16 MiB = 2796202 lines of 6 bytes and 4 more: "1.5 " */
    out[n - 2] = '7';
    spec.kind = CHECKER_DEFAULT;
    verdict_is(checker_compare(&spec, out, n, ans, n, msg, sizeof(msg)),
               msg, CHECK_WA,
               "line 2796203 differs at column 3: expected \"5\", got \"7\"",
               "huge: default, last line");

    spec.kind = CHECKER_EXACT;
    verdict_is(checker_compare(&spec, out, n, ans, n, msg, sizeof(msg)),
               msg, CHECK_WA, "output differs at line 2796203, column 3: "
               "expected \"5\", got \"7\"", "huge: exact, last byte but one");

    spec.kind = CHECKER_TOKENS;
    verdict_is(checker_compare(&spec, out, n, ans, n, msg, sizeof(msg)),
               msg, CHECK_WA, "token 5592405: expected \"1.5\", got \"1.7\"",
               "huge: tokens, last token");

    spec.kind = CHECKER_FLOAT;
    verdict_is(checker_compare(&spec, out, n, ans, n, msg, sizeof(msg)),
               msg, CHECK_WA, "token 5592405: expected \"1.5\", got \"1.7\" "
               "(difference 0.2)", "huge: float, last token");

    /* one token of 16 MB, numeric text, through the heap buffer */
    memset(out, '1', n);
    memset(ans, '1', n);
    ans[n - 1] = '2';
    verdict_is(checker_compare(&spec, out, n, ans, n, msg, sizeof(msg)),
               msg, CHECK_WA, "token 1: expected "
               "\"11111111111111111111111111111111\"..., got "
               "\"11111111111111111111111111111111\"...",
               "huge: a 16 MB number overflows and is compared as text");

    clock_gettime(CLOCK_MONOTONIC, &end);
    seconds = (double) (end.tv_sec - start.tv_sec)
              + (double) (end.tv_nsec - start.tv_nsec) / 1e9;
    ok(seconds < 20, "huge: linear time (all of the above within 20 s)");
    if (seconds >= 20) {
        printf("#   took %.1f s\n", seconds);
    }

    free(out);
    free(ans);
}


typedef struct {
    const char         *name;
    assertion_t         assertions[3];
    size_t              n;
    const char         *out;
    size_t              out_len;
    const char         *err;
    int                 exit_code;
    check_verdict_t     verdict;
    const char         *message;
} assert_case_t;


#define CONTAINS(s)      { ASSERT_STDOUT_CONTAINS, TEXT(s), 0, NULL, 0 }
#define EQUALS(s)        { ASSERT_STDOUT_EQUALS, TEXT(s), 0, NULL, 0 }
#define MATCHES(s)       { ASSERT_STDOUT_MATCHES, TEXT(s), 0, NULL, 0 }
#define ERR_CONTAINS(s)  { ASSERT_STDERR_CONTAINS, TEXT(s), 0, NULL, 0 }
#define EXIT_CODE(c)     { ASSERT_EXIT_CODE, NULL, 0, c, NULL, 0 }
#define NOT_CONTAINS(s)  { ASSERT_STDOUT_NOT_CONTAINS, TEXT(s), 0, NULL, 0 }
#define DESCRIBED(kind, s, d) \
    { kind, TEXT(s), 0, TEXT(d) }


static const assert_case_t assert_cases[] = {
    { "no assertions hold vacuously", { CONTAINS("") }, 0,
      TEXT(""), "", 1, CHECK_AC, "" },
    { "stdoutContains finds a substring", { CONTAINS("llo, w") }, 1,
      TEXT("hello, world\n"), "", 0, CHECK_AC, "" },
    { "stdoutContains looks past NUL bytes", { CONTAINS("lo") }, 1,
      TEXT("\0\0hello"), "", 0, CHECK_AC, "" },
    { "stdoutContains with an empty value", { CONTAINS("") }, 1,
      TEXT(""), "", 0, CHECK_AC, "" },
    { "stdoutContains fails", { CONTAINS("bye") }, 1,
      TEXT("hello\n"), "", 0, CHECK_WA,
      "assertion 1 (stdoutContains): \"bye\" not found in stdout" },
    { "stdoutContains does not look at stderr", { CONTAINS("oops") }, 1,
      TEXT(""), "oops", 0, CHECK_WA,
      "assertion 1 (stdoutContains): \"oops\" not found in stdout" },
    { "stdoutEquals ignores trailing whitespace", { EQUALS("hello\n") }, 1,
      TEXT("hello \n\n\t"), "", 0, CHECK_AC, "" },
    { "stdoutEquals on empty output", { EQUALS("\n") }, 1,
      TEXT(""), "", 0, CHECK_AC, "" },
    { "stdoutEquals: leading whitespace matters", { EQUALS("hello") }, 1,
      TEXT(" hello"), "", 0, CHECK_WA, "assertion 1 (stdoutEquals): "
      "stdout differs at line 1, column 1: expected \"h\", got \" \"" },
    { "stdoutEquals: inner newlines matter", { EQUALS("hello") }, 1,
      TEXT("hello\nworld\n"), "", 0, CHECK_WA, "assertion 1 (stdoutEquals): "
      "stdout differs at line 1, column 6: expected end of output, "
      "got \"\\n\"" },
    { "stdoutMatches: ^ and $ match at lines",
      { MATCHES("^Hello, [A-Z][a-z]+!$") }, 1,
      TEXT("Hi\nHello, World!\nBye\n"), "", 0, CHECK_AC, "" },
    { "stdoutMatches is unanchored", { MATCHES("[0-9]+ ms") }, 1,
      TEXT("took 15 ms\n"), "", 0, CHECK_AC, "" },
    { "stdoutMatches: '.' does not match a newline", { MATCHES("a.b") }, 1,
      TEXT("a\nb"), "", 0, CHECK_WA,
      "assertion 1 (stdoutMatches): no match for \"a.b\" in stdout" },
    { "stdoutMatches: extended syntax", { MATCHES("^(ab)+c?$") }, 1,
      TEXT("ababab\n"), "", 0, CHECK_AC, "" },
    { "stdoutMatches looks past NUL bytes", { MATCHES("yz$") }, 1,
      TEXT("x\0yz"), "", 0, CHECK_AC, "" },
    { "stdoutMatches stops at the end of stdout", { MATCHES("^x$") }, 1,
      "xy", 1, "", 0, CHECK_AC, "" },
    { "stdoutMatches on empty output", { MATCHES("^$") }, 1,
      TEXT(""), "", 0, CHECK_AC, "" },
    { "stdoutMatches: an invalid regex is an error", { MATCHES("((") }, 1,
      TEXT("(("), "", 0, CHECK_ERROR, "assertion 1 (stdoutMatches): "
      "invalid regex \"((\" at offset 2: missing closing parenthesis" },
    { "stdoutMatches: a NUL in the pattern is a character",
      { MATCHES("a\0b$") }, 1, TEXT("xa\0b"), "", 0, CHECK_AC, "" },
    { "stdoutMatches: a negated class matches a newline",
      { MATCHES("a[^b]c") }, 1, TEXT("a\nc"), "", 0, CHECK_AC, "" },
    { "stdoutMatches: back-references", { MATCHES("^(\\w+) \\1$") }, 1,
      TEXT("hey you\nhey hey\n"), "", 0, CHECK_AC, "" },
    { "stdoutMatches: bytes, not UTF-8", { MATCHES("(*UTF)\xc3\xa9") }, 1,
      TEXT("\xc3\xa9"), "", 0, CHECK_ERROR, "assertion 1 (stdoutMatches): "
      "invalid regex \"(*UTF)\\xc3\\xa9\" at offset 6: using UTF is "
      "disabled by the application" },
    { "stderrContains finds a substring", { ERR_CONTAINS("warning") }, 1,
      TEXT(""), "a warning: x\n", 0, CHECK_AC, "" },
    { "stderrContains fails", { ERR_CONTAINS("warning") }, 1,
      TEXT("warning"), "", 0, CHECK_WA,
      "assertion 1 (stderrContains): \"warning\" not found in stderr" },
    { "exitCode holds", { EXIT_CODE(3) }, 1,
      TEXT(""), "", 3, CHECK_AC, "" },
    { "exitCode fails", { EXIT_CODE(0) }, 1,
      TEXT(""), "", -1, CHECK_WA,
      "assertion 1 (exitCode): expected exit code 0, got -1" },
    { "all must hold", { CONTAINS("a"), EXIT_CODE(0), ERR_CONTAINS("e") }, 3,
      TEXT("a"), "e", 0, CHECK_AC, "" },
    { "the first failing one is named",
      { CONTAINS("a"), EXIT_CODE(0), CONTAINS("b") }, 3,
      TEXT("a"), "", 2, CHECK_WA,
      "assertion 2 (exitCode): expected exit code 0, got 2" },
    { "a broken assertion wins over an earlier failure",
      { EXIT_CODE(0), MATCHES("(?<"), CONTAINS("b") }, 3,
      TEXT(""), "", 1, CHECK_ERROR, "assertion 2 (stdoutMatches): invalid "
      "regex \"(?<\" at offset 3: subpattern name expected" },
    { "an unknown kind is an error",
      { { (assertion_kind_t) 42, NULL, 0, 0, NULL, 0 } }, 1,
      TEXT(""), "", 0, CHECK_ERROR, "assertion 1: unknown assertion kind 42" },
    { "stdoutNotContains holds", { NOT_CONTAINS("debug") }, 1,
      TEXT("result 42\n"), "debug", 0, CHECK_AC, "" },
    { "stdoutNotContains fails, saying where", { NOT_CONTAINS("debug") }, 1,
      TEXT("x\0 debug: 1\n"), "", 0, CHECK_WA,
      "assertion 1 (stdoutNotContains): \"debug\" found in stdout at "
      "byte 3" },
    { "stdoutNotContains with an empty value always fails",
      { NOT_CONTAINS("") }, 1, TEXT(""), "", 0, CHECK_WA,
      "assertion 1 (stdoutNotContains): \"\" found in stdout at byte 0" },
    { "a failure is told by its description",
      { CONTAINS("a"), DESCRIBED(ASSERT_STDOUT_CONTAINS, "secret",
                                 "prints the sum of the row") }, 2,
      TEXT("a"), "", 0, CHECK_WA, "prints the sum of the row" },
    { "an assertion that holds says nothing of its description",
      { DESCRIBED(ASSERT_STDOUT_NOT_CONTAINS, "secret", "no debug output") },
      1, TEXT("ok"), "", 0, CHECK_AC, "" },
    { "a broken assertion says what is wrong, description or not",
      { DESCRIBED(ASSERT_STDOUT_MATCHES, "((", "has a pair") }, 1,
      TEXT(""), "", 0, CHECK_ERROR, "assertion 1 (stdoutMatches): "
      "invalid regex \"((\" at offset 2: missing closing parenthesis" },
    { "a long value is cut in the message",
      { CONTAINS("0123456789abcdefghijklmnopqrstuvwxyz") }, 1,
      TEXT(""), "", 0, CHECK_WA, "assertion 1 (stdoutContains): "
      "\"0123456789abcdefghijklmnopqrstuv\"... not found in stdout" },
};


static void
test_assertions(void)
{
    const assert_case_t  *c;
    check_verdict_t       v;
    char                  msg[CHECKER_MSG_SIZE];
    size_t                i;

    for (i = 0; i < COUNT(assert_cases); i++) {
        c = &assert_cases[i];
        v = checker_assert(c->assertions, c->n, c->out, c->out_len,
                           c->err, strlen(c->err), c->exit_code,
                           msg, sizeof(msg), NULL);
        verdict_is(v, msg, c->verdict, c->message, c->name);
    }
}


/*
 * "n" lines of "width" a's, then an "x" when "last_x", in a buffer to
 * free() that is "*len" bytes long; NULL when out of memory.
 */
static char *
lines_of_a(size_t n, size_t width, int last_x, size_t *len)
{
    char    *text;
    size_t   i;

    *len = n * (width + 1) + (last_x ? 1 : 0);
    text = malloc(*len);
    if (text == NULL) {
        return NULL;
    }

    for (i = 0; i < n; i++) {
        memset(text + i * (width + 1), 'a', width);
        text[i * (width + 1) + width] = '\n';
    }

    if (last_x) {
        text[*len - 1] = 'x';
    }

    return text;
}


/*
 * The CPU milliseconds this thread spent since "start": what the regex
 * budget counts, however busy the machine is.
 */
static double
ms_since(const struct timespec *start)
{
    struct timespec  now;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);

    return (now.tv_sec - start->tv_sec) * 1e3
           + (now.tv_nsec - start->tv_nsec) / 1e6;
}


/*
 * One pattern against "lines" lines of "width" a's (and an 'x' on a last
 * line when "last_x"): the verdict and message are as expected, and the
 * check took at most "max_ms".
 */
static void
regex_bounded(const char *pattern, size_t lines, size_t width, int last_x,
              check_verdict_t want, const char *want_msg, double max_ms,
              const char *name)
{
    assertion_t      a = { ASSERT_STDOUT_MATCHES, pattern, strlen(pattern),
                           0, NULL, 0 };
    check_verdict_t  v;
    struct timespec  start;
    double           took;
    size_t           len;
    char            *text, msg[CHECKER_MSG_SIZE];

    text = lines_of_a(lines, width, last_x, &len);
    if (text == NULL) {
        ok(0, name);
        return;
    }

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
    v = checker_assert(&a, 1, text, len, "", 0, 0, msg, sizeof(msg), NULL);
    took = ms_since(&start);
    free(text);

    verdict_is(v, msg, want, want_msg, name);

    if (!ok(took <= max_ms, "... and ends in time")) {
        printf("#     took %.0f ms, more than %.0f\n", took, max_ms);
    }
}


/*
 * Searches that backtrack without end are cut off by the limits of
 * checker.h, each with its own message, in bounded time.
 */
static void
test_regex_limits(void)
{
    static const char  bomb[] = "(.*)(.*)(.*)(.*)(.*)\\5\\4\\3\\2\\1x";
    char               deep[200], *p;
    size_t             i;

    regex_bounded(bomb, 1, 100, 0, CHECK_WA,
                  "assertion 1 (stdoutMatches): no match for "
                  "\"(.*)(.*)(.*)(.*)(.*)\\\\5\\\\4\\\\3\\\\2\\\\1x\" "
                  "in stdout", 1000,
                  "the back-reference bomb on 100 a's: no x, no search");

    regex_bounded(bomb, 1, 100, 1, CHECK_ERROR,
                  "assertion 1 (stdoutMatches): the regex "
                  "\"(.*)(.*)(.*)(.*)(.*)\\\\5\\\\4\\\\3\\\\2\\\\1x\" "
                  "could not be evaluated on stdout: more than 10000000 "
                  "backtracking steps from one position (match limit)",
                  CHECKER_REGEX_CPU_MS + 1000,
                  "the bomb with an x on the next line: match limit");

    regex_bounded("(a|aa)*[bc]", 100000, 25, 0,
                  CHECK_ERROR, "assertion 1 (stdoutMatches): the regex "
                  "\"(a|aa)*[bc]\" could not be evaluated on stdout: more "
                  "than 2000 ms of CPU time for the test's regexes together "
                  "(time limit)",
                  CHECKER_REGEX_CPU_MS + 1000,
                  "under the match limit at every position: CPU time");

    regex_bounded("^(?:a|b)*[cd]", 1, 300000, 0,
                  CHECK_ERROR, "assertion 1 (stdoutMatches): the regex "
                  "\"^(?:a|b)*[cd]\" could not be evaluated on stdout: "
                  "backtracking nested deeper than 250000 (depth limit)",
                  CHECKER_REGEX_CPU_MS + 1000,
                  "a backtracking point per character: depth limit");

    p = deep;
    p += sprintf(p, "^(?:");
    for (i = 0; i < 40; i++) {
        *p++ = '(';
    }
    *p++ = 'a';
    for (i = 0; i < 40; i++) {
        *p++ = ')';
    }
    sprintf(p, ")*[cd]");

    regex_bounded(deep, 1, 240000, 0, CHECK_ERROR,
                  "assertion 1 (stdoutMatches): the regex "
                  "\"^(?:((((((((((((((((((((((((((((\"... could not be evaluated on stdout: "
                  "more than 131072 KiB of backtracking memory (heap limit)",
                  CHECKER_REGEX_CPU_MS + 1000,
                  "forty captures per backtracking point: heap limit");
}


/*
 * A test's regexes share one CPU budget: a slow search that fits it
 * alone does not, many times over, hold the slot many times as long.
 */
static void
test_regex_shared_budget(void)
{
    assertion_t      a[16];
    check_verdict_t  v;
    struct timespec  start;
    double           one, all;
    size_t           i, len;
    char            *text, msg[CHECKER_MSG_SIZE];

    text = lines_of_a(200, 18, 1, &len);
    if (text == NULL) {
        ok(0, "shared budget: text");
        return;
    }

    for (i = 0; i < 16; i++) {
        a[i] = (assertion_t) { ASSERT_STDOUT_MATCHES, "(a|aa)*[xc]", 11, 0,
                               NULL, 0 };
    }

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
    v = checker_assert(a, 1, text, len, "", 0, 0, msg, sizeof(msg), NULL);
    one = ms_since(&start);
    verdict_is(v, msg, CHECK_AC, "", "a slow regex that matches in its "
               "budget");
    printf("# one search took %.0f ms\n", one);
    ok(one * 16 > CHECKER_REGEX_CPU_MS + 1000,
       "... slow enough that sixteen would overrun the budget");

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
    v = checker_assert(a, 16, text, len, "", 0, 0, msg, sizeof(msg), NULL);
    all = ms_since(&start);
    is_int(v, CHECK_ERROR, "sixteen of it: the budget runs out");
    ok(strstr(msg, "for the test's regexes together (time limit)") != NULL,
       "... saying so");
    if (!ok(all <= CHECKER_REGEX_CPU_MS + 1000, "... in the time of one "
            "budget")) {
        printf("#     took %.0f ms\n", all);
    }

    free(text);
}


/*
 * A hidden test's messages: fixed words or the description, and which
 * assertion decided.
 */
static void
test_hidden_messages(void)
{
    static const assertion_t  a[] = {
        CONTAINS("input-1"),
        DESCRIBED(ASSERT_STDOUT_NOT_CONTAINS, "expected-2", "no leak"),
        MATCHES("(("),
    };
    char                      msg[CHECKER_MSG_SIZE];
    size_t                    failed;
    check_verdict_t           v;

    checker_hidden_message(CHECK_AC, NULL, 0, msg, sizeof(msg));
    is_str(msg, "", "hidden: AC says nothing");
    checker_hidden_message(CHECK_WA, NULL, 0, msg, sizeof(msg));
    is_str(msg, "wrong answer", "hidden: the checker's WA is fixed words");
    checker_hidden_message(CHECK_ERROR, NULL, 0, msg, sizeof(msg));
    is_str(msg, "the checker failed", "hidden: so is its failure");

    v = checker_assert(a, 2, TEXT("out"), "", 0, 0, msg, sizeof(msg),
                       &failed);
    ok(v == CHECK_WA && failed == 0, "the first assertion decided");
    checker_hidden_message(v, &a[failed], failed, msg, sizeof(msg));
    is_str(msg, "assertion 1 failed", "hidden: no description, its number");

    v = checker_assert(a, 2, TEXT("input-1 expected-2"), "", 0, 0, msg,
                       sizeof(msg), &failed);
    ok(v == CHECK_WA && failed == 1, "the second assertion decided");
    checker_hidden_message(v, &a[failed], failed, msg, sizeof(msg));
    is_str(msg, "no leak", "hidden: its description");

    v = checker_assert(a, 3, TEXT(""), "", 0, 0, msg, sizeof(msg), &failed);
    ok(v == CHECK_ERROR && failed == 2, "the broken assertion decided");
    checker_hidden_message(v, &a[failed], failed, msg, sizeof(msg));
    is_str(msg, "assertion 3 could not be evaluated",
           "hidden: a broken one, without its pattern");

    v = checker_assert(a, 1, TEXT("input-1"), "", 0, 0, msg, sizeof(msg),
                       &failed);
    ok(v == CHECK_AC && failed == 1, "all hold: failed is n");

    checker_hidden_message(CHECK_WA, &a[1], 1, msg, 4);
    is_str(msg, "no ", "a description is cut to the buffer");
}


static void
test_custom_verdicts(void)
{
    char  msg[CHECKER_MSG_SIZE];

    verdict_is(checker_custom_verdict(0, 0, TEXT("ok 3 numbers\n"),
                                      msg, sizeof(msg)),
               msg, CHECK_AC, "ok 3 numbers", "custom: exit 0 is AC");
    verdict_is(checker_custom_verdict(0, 0, NULL, 0, msg, sizeof(msg)),
               msg, CHECK_AC, "", "custom: AC without a word");
    verdict_is(checker_custom_verdict(1, 0,
                                      TEXT("wrong answer expected 3, found 4"),
                                      msg, sizeof(msg)),
               msg, CHECK_WA, "wrong answer expected 3, found 4",
               "custom: exit 1 is WA, stderr the message");
    verdict_is(checker_custom_verdict(1, 0, TEXT(" \n"), msg, sizeof(msg)),
               msg, CHECK_WA, "wrong answer (checker exit code 1)",
               "custom: WA with a silent checker");
    verdict_is(checker_custom_verdict(2, 0, TEXT("wrong output format"),
                                      msg, sizeof(msg)),
               msg, CHECK_WA, "wrong output format",
               "custom: exit 2 (presentation error) is WA");
    verdict_is(checker_custom_verdict(4, 0, NULL, 0, msg, sizeof(msg)),
               msg, CHECK_WA, "wrong answer (checker exit code 4)",
               "custom: exit 4 (extra output) is WA");
    verdict_is(checker_custom_verdict(3, 0, TEXT("FAIL answer file broken\n"),
                                      msg, sizeof(msg)),
               msg, CHECK_ERROR,
               "checker failed with exit code 3: FAIL answer file broken",
               "custom: exit 3 (checker failure) is an error");
    verdict_is(checker_custom_verdict(7, 0, NULL, 0, msg, sizeof(msg)),
               msg, CHECK_ERROR, "checker failed with exit code 7",
               "custom: any other exit code is an error");
    verdict_is(checker_custom_verdict(0, 9, TEXT("ok"), msg, sizeof(msg)),
               msg, CHECK_ERROR, "checker killed by signal 9: ok",
               "custom: a killed checker is an error, whatever it said");
    verdict_is(checker_custom_verdict(1, 0, TEXT("a\tb\x01\n\"c\""),
                                      msg, sizeof(msg)),
               msg, CHECK_WA, "a\\tb\\x01\\n\\\"c\\\"",
               "custom: stderr is escaped");
}


int
main(void)
{
    checker_spec_t  spec = { CHECKER_DEFAULT, 0, 0 };

    run_cases("default", &spec, default_cases, COUNT(default_cases));

    spec.kind = CHECKER_EXACT;
    run_cases("exact", &spec, exact_cases, COUNT(exact_cases));

    spec.kind = CHECKER_TOKENS;
    run_cases("tokens", &spec, tokens_cases, COUNT(tokens_cases));

    spec.kind = CHECKER_FLOAT;
    run_cases("float", &spec, float_default_cases,
              COUNT(float_default_cases));

    test_float_tolerances();
    test_broken_specs();
    test_message_buffer();
    test_assertions();
    test_hidden_messages();
    test_regex_limits();
    test_regex_shared_budget();
    test_custom_verdicts();
    test_huge();

    return done_testing();
}
