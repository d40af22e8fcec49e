/*
 * The built-in checkers and the assertions of stage-based tests; checker.h
 * says what each accepts.  Everything walks (pointer, length) pairs once,
 * with offsets rather than pointers so that nothing points past a buffer.
 * The only allocations are PCRE2's for a regex and, for a number token
 * too long for a stack buffer, one buffer grown as needed; both are freed
 * before returning.
 */

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH  8
#include <pcre2.h>

#include "checker.h"


#define SNIPPET_MAX         32      /* source bytes quoted in a message */
#define NUMBER_LOCAL_MAX    128     /* shorter numbers parse without malloc */
#define FLOAT_DEFAULT_TOL   1e-6
#define COMPARE_BLOCK       4096
#define REGEX_CPU_NS_MAX    (UINT64_MAX - CHECKER_REGEX_CPU_MS * 1000000ull)


/* A message being built in the caller's buffer: never overflows it. */
typedef struct {
    char    *buf;
    size_t   size;
    size_t   len;
    int      closed;        /* a piece did not fit: append nothing more */
} msg_t;


/* The CPU budget of a test's regex searches, kept by their callout. */
typedef struct {
    uint64_t   deadline_ns;     /* on the thread's CPU clock */
    unsigned   items;           /* callouts since the clock was read */
    int        spent;
} regex_budget_t;


/* Where a number token is copied so that strtod() finds a terminator. */
typedef struct {
    char     local[NUMBER_LOCAL_MAX];
    char    *heap;
    size_t   heap_size;
} number_buf_t;


/*
 * Starts an empty message in (buf, size); buf may be NULL when size is 0,
 * and then every append is dropped.
 */
static void
msg_init(msg_t *m, char *buf, size_t size)
{
    m->buf = buf;
    m->size = size;
    m->len = 0;
    m->closed = (size == 0);

    if (size > 0) {
        buf[0] = '\0';
    }
}


/*
 * Appends n bytes whole, or closes the message when they do not fit, so
 * that a truncated message never ends in half an escape sequence.
 */
static void
msg_append(msg_t *m, const char *s, size_t n)
{
    if (m->closed || m->len + n >= m->size) {
        m->closed = 1;
        return;
    }

    memcpy(m->buf + m->len, s, n);
    m->len += n;
    m->buf[m->len] = '\0';
}


/* Appends printf-style text (ASCII only), cut short if it does not fit. */
static void
msg_printf(msg_t *m, const char *fmt, ...)
{
    va_list  ap;
    int      n;

    if (m->closed) {
        return;
    }

    va_start(ap, fmt);
    n = vsnprintf(m->buf + m->len, m->size - m->len, fmt, ap);
    va_end(ap);

    if (n < 0 || (size_t) n >= m->size - m->len) {
        m->len = strlen(m->buf);
        m->closed = 1;
        return;
    }

    m->len += n;
}


/*
 * Appends n bytes with everything but printable ASCII escaped C-style
 * (\n, \r, \t, \", \\, else \xHH), so a message stays one line of valid
 * UTF-8 whatever the program printed.
 */
static void
msg_escaped(msg_t *m, const char *p, size_t n)
{
    char           esc[5];
    unsigned char  c;
    size_t         i;

    for (i = 0; i < n && !m->closed; i++) {
        c = (unsigned char) p[i];

        switch (c) {
        case '\n':
            msg_append(m, "\\n", 2);
            break;
        case '\r':
            msg_append(m, "\\r", 2);
            break;
        case '\t':
            msg_append(m, "\\t", 2);
            break;
        case '"':
            msg_append(m, "\\\"", 2);
            break;
        case '\\':
            msg_append(m, "\\\\", 2);
            break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                esc[0] = (char) c;
                msg_append(m, esc, 1);
            } else {
                snprintf(esc, sizeof(esc), "\\x%02x", c);
                msg_append(m, esc, 4);
            }
        }
    }
}


/*
 * Appends a double-quoted snippet of at most SNIPPET_MAX bytes of (p, n),
 * escaped, with "..." after the quote when it was cut.
 */
static void
msg_quote(msg_t *m, const char *p, size_t n)
{
    msg_append(m, "\"", 1);
    msg_escaped(m, p, n < SNIPPET_MAX ? n : SNIPPET_MAX);
    msg_append(m, "\"", 1);

    if (n > SNIPPET_MAX) {
        msg_append(m, "...", 3);
    }
}


/*
 * Appends the byte at p quoted, or "end_word" when there is none left
 * (remaining is 0).
 */
static void
msg_next_byte(msg_t *m, const char *p, size_t remaining,
              const char *end_word)
{
    if (remaining == 0) {
        msg_printf(m, "%s", end_word);
    } else {
        msg_quote(m, p, 1);
    }
}


static const char *
plural(size_t n)
{
    return n == 1 ? "" : "s";
}


/* Ignored at the end of a line by the default checker. */
static int
is_line_padding(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}


/* Ignored at the end of the text by the default checker. */
static int
is_line_padding_or_newline(char c)
{
    return is_line_padding(c) || c == '\n';
}


/* Separates tokens; the "C" locale's isspace() without the locale. */
static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f'
           || c == '\r';
}


static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}


/* The length of (text, len) once bytes "is_trailing" are cut off its end. */
static size_t
trim_end(const char *text, size_t len, int (*is_trailing)(char))
{
    while (len > 0 && is_trailing(text[len - 1])) {
        len--;
    }

    return len;
}


/*
 * The offset of the first byte where a and b (both n bytes long) differ,
 * or n when they are equal: memcmp() by blocks, then bytes in the block
 * that differs.
 */
static size_t
first_difference(const char *a, const char *b, size_t n)
{
    size_t  off, block;

    for (off = 0; off < n; off += block) {
        block = n - off < COMPARE_BLOCK ? n - off : COMPARE_BLOCK;
        if (memcmp(a + off, b + off, block) != 0) {
            break;
        }
    }

    while (off < n && a[off] == b[off]) {
        off++;
    }

    return off;
}


/* Line and column, both counted from 1, of byte "off" of "text". */
static void
text_position(const char *text, size_t off, size_t *line, size_t *column)
{
    const char  *nl;
    size_t       line_start;

    *line = 1;
    line_start = 0;

    while ((nl = memchr(text + line_start, '\n', off - line_start)) != NULL) {
        (*line)++;
        line_start = (size_t) (nl - text) + 1;
    }

    *column = off - line_start + 1;
}


/*
 * Byte-for-byte comparison of "out" against "expected"; on WA the message
 * reads "<subject> differs at line L, column C: expected X, got Y" with
 * X and Y single bytes or "end of output".
 */
static check_verdict_t
compare_bytes(const char *subject, const char *out, size_t out_len,
              const char *expected, size_t expected_len, msg_t *m)
{
    size_t  off, line, column;

    off = first_difference(out, expected,
                           out_len < expected_len ? out_len : expected_len);

    if (off == out_len && off == expected_len) {
        return CHECK_AC;
    }

    text_position(out, off, &line, &column);
    msg_printf(m, "%s differs at line %zu, column %zu: expected ",
               subject, line, column);
    msg_next_byte(m, expected + off, expected_len - off, "end of output");
    msg_printf(m, ", got ");
    msg_next_byte(m, out + off, out_len - off, "end of output");

    return CHECK_WA;
}


/* The offset of the '\n' ending the line at "start", or len if none. */
static size_t
line_end(const char *text, size_t len, size_t start)
{
    const char  *nl;

    nl = memchr(text + start, '\n', len - start);

    return nl != NULL ? (size_t) (nl - text) : len;
}


/*
 * The number of lines from "start" on, in a text of "len" bytes that does
 * not end with '\n' (start < len).
 */
static size_t
count_lines(const char *text, size_t len, size_t start)
{
    size_t  lines;

    for (lines = 1; (start = line_end(text, len, start)) < len; lines++) {
        start++;
    }

    return lines;
}


/*
 * The default checker: lines compared exactly once spaces, tabs and '\r'
 * are cut from the end of each, and trailing blank lines from the end of
 * each text.  Cutting [ \t\r\n]* off both ends first does the latter and
 * leaves texts that do not end with '\n', so the n-th line of one is
 * always compared with the n-th line of the other.
 */
static check_verdict_t
check_lines(const char *out, size_t out_len, const char *ans, size_t ans_len,
            msg_t *m)
{
    size_t  line, o, a, o_eol, a_eol, o_n, a_n, column, expected_lines;

    out_len = trim_end(out, out_len, is_line_padding_or_newline);
    ans_len = trim_end(ans, ans_len, is_line_padding_or_newline);

    for (line = 1, o = 0, a = 0; ; line++, o = o_eol + 1, a = a_eol + 1) {

        if (o >= out_len && a >= ans_len) {
            return CHECK_AC;
        }

        if (a >= ans_len) {
            o_eol = line_end(out, out_len, o);
            msg_printf(m, "extra output at line %zu: got ", line);
            msg_quote(m, out + o,
                      trim_end(out + o, o_eol - o, is_line_padding));
            msg_printf(m, " (expected %zu line%s)", line - 1,
                       plural(line - 1));
            return CHECK_WA;
        }

        if (o >= out_len) {
            expected_lines = line - 1 + count_lines(ans, ans_len, a);
            if (line == 1) {
                msg_printf(m, "output is empty, expected %zu line%s",
                           expected_lines, plural(expected_lines));
            } else {
                msg_printf(m, "output has %zu line%s, expected %zu",
                           line - 1, plural(line - 1), expected_lines);
            }
            return CHECK_WA;
        }

        o_eol = line_end(out, out_len, o);
        a_eol = line_end(ans, ans_len, a);
        o_n = trim_end(out + o, o_eol - o, is_line_padding);
        a_n = trim_end(ans + a, a_eol - a, is_line_padding);

        column = first_difference(out + o, ans + a, o_n < a_n ? o_n : a_n);

        if (column < o_n || column < a_n) {
            msg_printf(m, "line %zu differs at column %zu: expected ",
                       line, column + 1);
            msg_next_byte(m, ans + a + column, a_n - column, "end of line");
            msg_printf(m, ", got ");
            msg_next_byte(m, out + o + column, o_n - column, "end of line");
            return CHECK_WA;
        }
    }
}


/*
 * Finds the token at or after *pos in (text, len) and moves *pos past it;
 * 0 when only whitespace is left.
 */
static int
next_token(const char *text, size_t len, size_t *pos, const char **token,
           size_t *token_len)
{
    size_t  p, start;

    for (p = *pos; p < len && is_space(text[p]); p++) {
        /* skip the separator */
    }

    if (p == len) {
        *pos = p;
        return 0;
    }

    for (start = p; p < len && !is_space(text[p]); p++) {
        /* scan the token */
    }

    *token = text + start;
    *token_len = p - start;
    *pos = p;

    return 1;
}


/* Whether "token" is [+-](digits[.digits?] | .digits)[(e|E)[+-]digits]. */
static int
is_decimal(const char *token, size_t n)
{
    size_t  i, mantissa_digits, exponent_digits;

    i = 0;
    mantissa_digits = 0;

    if (i < n && (token[i] == '+' || token[i] == '-')) {
        i++;
    }

    for (; i < n && is_digit(token[i]); i++) {
        mantissa_digits++;
    }

    if (i < n && token[i] == '.') {
        for (i++; i < n && is_digit(token[i]); i++) {
            mantissa_digits++;
        }
    }

    if (mantissa_digits == 0) {
        return 0;
    }

    if (i < n && (token[i] == 'e' || token[i] == 'E')) {
        i++;
        if (i < n && (token[i] == '+' || token[i] == '-')) {
            i++;
        }

        for (exponent_digits = 0; i < n && is_digit(token[i]); i++) {
            exponent_digits++;
        }

        if (exponent_digits == 0) {
            return 0;
        }
    }

    return i == n;
}


/*
 * A NUL-terminated copy of "token" in "buf": its stack array when the
 * token fits, else its heap buffer, grown (at least doubled) on demand.
 * NULL when out of memory.
 */
static const char *
number_buf_hold(number_buf_t *buf, const char *token, size_t n)
{
    char    *dst, *grown;
    size_t   size;

    if (n < sizeof(buf->local)) {
        dst = buf->local;

    } else {
        if (n >= buf->heap_size) {
            size = buf->heap_size * 2 > n + 1 ? buf->heap_size * 2 : n + 1;
            grown = realloc(buf->heap, size);
            if (grown == NULL) {
                return NULL;
            }
            buf->heap = grown;
            buf->heap_size = size;
        }
        dst = buf->heap;
    }

    memcpy(dst, token, n);
    dst[n] = '\0';

    return dst;
}


/*
 * Reads "token" as a number into *value: 1 when it is a decimal number
 * (see is_decimal) that is finite as a double, 0 when it is text, -1 when
 * out of memory.
 */
static int
parse_number(const char *token, size_t n, number_buf_t *buf, double *value)
{
    const char  *text;

    if (!is_decimal(token, n)) {
        return 0;
    }

    text = number_buf_hold(buf, token, n);
    if (text == NULL) {
        return -1;
    }

    *value = strtod(text, NULL);

    return isfinite(*value);
}


/*
 * The tokens and float checkers.  "tolerance" is NULL for tokens compared
 * as text; for the float checker it points at {abs, rel}, already
 * defaulted and checked.
 */
static check_verdict_t
check_tokens(const char *out, size_t out_len, const char *ans, size_t ans_len,
             const double *tolerance, msg_t *m)
{
    check_verdict_t   verdict;
    number_buf_t      numbers;
    const char       *o_tok, *a_tok;
    size_t            o_pos, a_pos, o_n, a_n, index, expected_tokens;
    double            o_val, a_val, difference;
    int               have_o, have_a, o_num, a_num;

    numbers.heap = NULL;
    numbers.heap_size = 0;
    verdict = CHECK_AC;
    o_pos = 0;
    a_pos = 0;

    for (index = 1; ; index++) {
        have_o = next_token(out, out_len, &o_pos, &o_tok, &o_n);
        have_a = next_token(ans, ans_len, &a_pos, &a_tok, &a_n);

        if (!have_o && !have_a) {
            break;
        }

        if (!have_a) {
            msg_printf(m, "extra token %zu in output: got ", index);
            msg_quote(m, o_tok, o_n);
            msg_printf(m, " (expected %zu token%s)", index - 1,
                       plural(index - 1));
            verdict = CHECK_WA;
            break;
        }

        if (!have_o) {
            for (expected_tokens = index;
                 next_token(ans, ans_len, &a_pos, &a_tok, &a_n);
                 expected_tokens++)
            {
                /* count what the output lacks */
            }

            if (index == 1) {
                msg_printf(m, "output is empty, expected %zu token%s",
                           expected_tokens, plural(expected_tokens));
            } else {
                msg_printf(m, "output has %zu token%s, expected %zu",
                           index - 1, plural(index - 1), expected_tokens);
            }
            verdict = CHECK_WA;
            break;
        }

        if (o_n == a_n && memcmp(o_tok, a_tok, o_n) == 0) {
            continue;
        }

        difference = NAN;

        if (tolerance != NULL) {
            o_num = parse_number(o_tok, o_n, &numbers, &o_val);
            a_num = o_num == 1 ? parse_number(a_tok, a_n, &numbers, &a_val)
                               : 0;

            if (o_num < 0 || a_num < 0) {
                msg_printf(m, "out of memory reading token %zu", index);
                verdict = CHECK_ERROR;
                break;
            }

            if (o_num && a_num) {
                difference = fabs(o_val - a_val);
                if (difference <= tolerance[0]
                    || difference <= tolerance[1] * fabs(a_val))
                {
                    continue;
                }
            }
        }

        msg_printf(m, "token %zu: expected ", index);
        msg_quote(m, a_tok, a_n);
        msg_printf(m, ", got ");
        msg_quote(m, o_tok, o_n);
        if (!isnan(difference)) {
            msg_printf(m, " (difference %.3g)", difference);
        }
        verdict = CHECK_WA;
        break;
    }

    free(numbers.heap);

    return verdict;
}


/*
 * The float checker: checks and defaults the tolerances (see checker.h),
 * then compares tokens.
 */
static check_verdict_t
check_floats(const checker_spec_t *spec, const char *out, size_t out_len,
             const char *ans, size_t ans_len, msg_t *m)
{
    double  tolerance[2];

    tolerance[0] = spec->abs_tolerance;
    tolerance[1] = spec->rel_tolerance;

    if (!(tolerance[0] >= 0 && tolerance[1] >= 0)
        || !isfinite(tolerance[0]) || !isfinite(tolerance[1]))
    {
        msg_printf(m, "invalid float tolerance (absolute %g, relative %g)",
                   tolerance[0], tolerance[1]);
        return CHECK_ERROR;
    }

    if (tolerance[0] == 0 && tolerance[1] == 0) {
        tolerance[0] = FLOAT_DEFAULT_TOL;
        tolerance[1] = FLOAT_DEFAULT_TOL;
    }

    return check_tokens(out, out_len, ans, ans_len, tolerance, m);
}


/*
 * Compares the program's output with the expected answer as "spec" says.
 * Assumes spec is not NULL; a kind this file does not implement (custom,
 * or a value outside the enum) is CHECK_ERROR.
 */
check_verdict_t
checker_compare(const checker_spec_t *spec, const char *out, size_t out_len,
                const char *ans, size_t ans_len, char *msg, size_t msg_size)
{
    msg_t  m;

    msg_init(&m, msg, msg_size);
    out = out != NULL ? out : "";
    ans = ans != NULL ? ans : "";

    switch (spec->kind) {
    case CHECKER_DEFAULT:
        return check_lines(out, out_len, ans, ans_len, &m);
    case CHECKER_EXACT:
        return compare_bytes("output", out, out_len, ans, ans_len, &m);
    case CHECKER_TOKENS:
        return check_tokens(out, out_len, ans, ans_len, NULL, &m);
    case CHECKER_FLOAT:
        return check_floats(spec, out, out_len, ans, ans_len, &m);
    case CHECKER_CUSTOM:
        msg_printf(&m, "a custom checker must be run, not compared");
        return CHECK_ERROR;
    }

    msg_printf(&m, "unknown checker kind %d", (int) spec->kind);

    return CHECK_ERROR;
}


/* The assertion's name as the API spells it, or NULL if unknown. */
static const char *
assertion_name(assertion_kind_t kind)
{
    switch (kind) {
    case ASSERT_STDOUT_CONTAINS:
        return "stdoutContains";
    case ASSERT_STDOUT_EQUALS:
        return "stdoutEquals";
    case ASSERT_STDOUT_MATCHES:
        return "stdoutMatches";
    case ASSERT_STDERR_CONTAINS:
        return "stderrContains";
    case ASSERT_EXIT_CODE:
        return "exitCode";
    case ASSERT_STDOUT_NOT_CONTAINS:
        return "stdoutNotContains";
    }

    return NULL;
}


/* Whether (value, value_len) occurs in (text, len) named "subject". */
static check_verdict_t
check_contains(const char *subject, const char *text, size_t len,
               const char *value, size_t value_len, msg_t *m)
{
    if (memmem(text, len, value, value_len) != NULL) {
        return CHECK_AC;
    }

    msg_quote(m, value, value_len);
    msg_printf(m, " not found in %s", subject);

    return CHECK_WA;
}


/* Whether (value, value_len) occurs nowhere in (text, len), "subject". */
static check_verdict_t
check_not_contains(const char *subject, const char *text, size_t len,
                   const char *value, size_t value_len, msg_t *m)
{
    const char  *at;

    at = memmem(text, len, value, value_len);
    if (at == NULL) {
        return CHECK_AC;
    }

    msg_quote(m, value, value_len);
    msg_printf(m, " found in %s at byte %zu", subject, (size_t) (at - text));

    return CHECK_WA;
}


/*
 * The CPU time the calling thread has used, in ns; UINT64_MAX if the
 * clock cannot be read, so that a budget then runs out at once.
 */
static uint64_t
thread_cpu_ns(void)
{
    struct timespec  ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) {
        return UINT64_MAX;
    }

    return (uint64_t) ts.tv_sec * 1000000000 + (uint64_t) ts.tv_nsec;
}


/*
 * Called by PCRE2 before every item of the pattern (PCRE2_AUTO_CALLOUT):
 * every CHECKER_REGEX_CLOCK_EVERY items, ends the search once the thread
 * has spent its budget.  A negative return abandons the match.
 */
static int
regex_callout(pcre2_callout_block *block, void *data)
{
    regex_budget_t  *budget = data;

    (void) block;

    if (++budget->items < CHECKER_REGEX_CLOCK_EVERY) {
        return 0;
    }

    budget->items = 0;

    if (thread_cpu_ns() < budget->deadline_ns) {
        return 0;
    }

    budget->spent = 1;

    return PCRE2_ERROR_CALLOUT;
}


/*
 * Says why pcre2_match() gave up ("rc" < 0, not NOMATCH) on the pattern
 * quoted by the caller.
 */
static void
msg_regex_failure(msg_t *m, int rc, const regex_budget_t *budget)
{
    PCRE2_UCHAR  reason[128];

    switch (rc) {
    case PCRE2_ERROR_MATCHLIMIT:
        msg_printf(m, "more than %u backtracking steps from one position "
                   "(match limit)", CHECKER_REGEX_MATCH_LIMIT);
        return;
    case PCRE2_ERROR_DEPTHLIMIT:
        msg_printf(m, "backtracking nested deeper than %u (depth limit)",
                   CHECKER_REGEX_DEPTH_LIMIT);
        return;
    case PCRE2_ERROR_HEAPLIMIT:
        msg_printf(m, "more than %u KiB of backtracking memory (heap limit)",
                   CHECKER_REGEX_HEAP_KB);
        return;
    case PCRE2_ERROR_NOMEMORY:
        msg_printf(m, "out of memory");
        return;
    }

    if (rc == PCRE2_ERROR_CALLOUT && budget->spent) {
        msg_printf(m, "more than %u ms of CPU time for the test's regexes "
                   "together (time limit)", CHECKER_REGEX_CPU_MS);
        return;
    }

    if (pcre2_get_error_message(rc, reason, sizeof(reason)) < 0) {
        msg_printf(m, "error %d", rc);
        return;
    }

    msg_printf(m, "%s", (const char *) reason);
}


/*
 * Whether the regex (pattern, pattern_len) matches somewhere in (text,
 * len), as checker.h says, within the CHECKER_REGEX_* limits.  Both are
 * given by length, so NUL bytes are ordinary characters.  The pattern is
 * interpreted, not JIT-compiled: the depth and heap limits and the
 * callouts apply to the interpreter only.
 */
static check_verdict_t
check_matches(const char *text, size_t len, const char *pattern,
              size_t pattern_len, uint64_t deadline_ns, msg_t *m)
{
    check_verdict_t         verdict;
    pcre2_code             *re;
    pcre2_match_data       *match;
    pcre2_match_context    *limits;
    regex_budget_t          budget;
    PCRE2_UCHAR             reason[128];
    PCRE2_SIZE              offset;
    int                     rc;

    re = pcre2_compile((PCRE2_SPTR) pattern, pattern_len,
                       PCRE2_MULTILINE | PCRE2_NEVER_UTF | PCRE2_NEVER_UCP
                       | PCRE2_AUTO_CALLOUT, &rc, &offset, NULL);

    if (re == NULL) {
        if (pcre2_get_error_message(rc, reason, sizeof(reason)) < 0) {
            reason[0] = '\0';
        }
        msg_printf(m, "invalid regex ");
        msg_quote(m, pattern, pattern_len);
        msg_printf(m, " at offset %zu: %s", (size_t) offset,
                   (const char *) reason);
        return CHECK_ERROR;
    }

    match = pcre2_match_data_create(1, NULL);
    limits = pcre2_match_context_create(NULL);

    if (match == NULL || limits == NULL) {
        msg_printf(m, "out of memory matching the pattern");
        verdict = CHECK_ERROR;
        goto done;
    }

    budget.deadline_ns = deadline_ns;
    budget.items = CHECKER_REGEX_CLOCK_EVERY - 1;   /* the clock at once */
    budget.spent = 0;

    (void) pcre2_set_match_limit(limits, CHECKER_REGEX_MATCH_LIMIT);
    (void) pcre2_set_depth_limit(limits, CHECKER_REGEX_DEPTH_LIMIT);
    (void) pcre2_set_heap_limit(limits, CHECKER_REGEX_HEAP_KB);
    (void) pcre2_set_callout(limits, regex_callout, &budget);

    rc = pcre2_match(re, (PCRE2_SPTR) text, len, 0, 0, match, limits);

    if (rc >= 0) {
        verdict = CHECK_AC;

    } else if (rc == PCRE2_ERROR_NOMATCH) {
        msg_printf(m, "no match for ");
        msg_quote(m, pattern, pattern_len);
        msg_printf(m, " in stdout");
        verdict = CHECK_WA;

    } else {
        msg_printf(m, "the regex ");
        msg_quote(m, pattern, pattern_len);
        msg_printf(m, " could not be evaluated on stdout: ");
        msg_regex_failure(m, rc, &budget);
        verdict = CHECK_ERROR;
    }

done:

    pcre2_match_context_free(limits);
    pcre2_match_data_free(match);
    pcre2_code_free(re);

    return verdict;
}


/*
 * One assertion against a run whose buffers are not NULL; the message
 * (after the caller's "assertion N (kind): ") says why it fails.  A
 * regex search stops at "deadline_ns" on the thread's CPU clock.
 */
static check_verdict_t
check_assertion(const assertion_t *a, const char *out, size_t out_len,
                const char *err, size_t err_len, int exit_code,
                uint64_t deadline_ns, msg_t *m)
{
    const char  *value;

    value = a->value != NULL ? a->value : "";

    switch (a->kind) {
    case ASSERT_STDOUT_CONTAINS:
        return check_contains("stdout", out, out_len, value, a->value_len, m);

    case ASSERT_STDOUT_EQUALS:
        return compare_bytes("stdout", out, trim_end(out, out_len, is_space),
                             value, trim_end(value, a->value_len, is_space),
                             m);

    case ASSERT_STDOUT_MATCHES:
        return check_matches(out, out_len, value, a->value_len, deadline_ns,
                             m);

    case ASSERT_STDERR_CONTAINS:
        return check_contains("stderr", err, err_len, value, a->value_len, m);

    case ASSERT_STDOUT_NOT_CONTAINS:
        return check_not_contains("stdout", out, out_len, value,
                                  a->value_len, m);

    case ASSERT_EXIT_CODE:
        if (exit_code == a->code) {
            return CHECK_AC;
        }
        msg_printf(m, "expected exit code %d, got %d", a->code, exit_code);
        return CHECK_WA;
    }

    msg_printf(m, "unknown assertion kind %d", (int) a->kind);

    return CHECK_ERROR;
}


/*
 * Checks every assertion (see checker.h): the first CHECK_ERROR ends the
 * walk and is reported; otherwise the first WA is, once all were checked
 * for errors, in its description's words when it has one.  Each
 * assertion's message is built in a CHECKER_MSG_SIZE buffer, then copied
 * to the caller's.  The regex searches share one CPU budget, so many of
 * them cost no more than one.
 */
check_verdict_t
checker_assert(const assertion_t *assertions, size_t n, const char *out,
               size_t out_len, const char *err, size_t err_len,
               int exit_code, char *msg, size_t msg_size, size_t *failed)
{
    check_verdict_t   verdict, v;
    msg_t             m;
    char              detail[CHECKER_MSG_SIZE];
    const char       *name;
    size_t            i, decided;
    uint64_t          deadline_ns;

    deadline_ns = thread_cpu_ns();
    deadline_ns += deadline_ns < REGEX_CPU_NS_MAX
                   ? (uint64_t) CHECKER_REGEX_CPU_MS * 1000000 : 0;

    out = out != NULL ? out : "";
    err = err != NULL ? err : "";
    verdict = CHECK_AC;
    decided = n;

    if (msg_size > 0) {
        msg[0] = '\0';
    }

    for (i = 0; i < n; i++) {
        msg_init(&m, detail, sizeof(detail));

        name = assertion_name(assertions[i].kind);
        if (name != NULL) {
            msg_printf(&m, "assertion %zu (%s): ", i + 1, name);
        } else {
            msg_printf(&m, "assertion %zu: ", i + 1);
        }

        v = check_assertion(&assertions[i], out, out_len, err, err_len,
                            exit_code, deadline_ns, &m);

        if (v == CHECK_WA && assertions[i].description_len > 0) {
            msg_init(&m, detail, sizeof(detail));
            msg_append(&m, assertions[i].description,
                       assertions[i].description_len < sizeof(detail)
                       ? assertions[i].description_len
                       : sizeof(detail) - 1);
        }

        if (v == CHECK_ERROR || (v == CHECK_WA && verdict == CHECK_AC)) {
            verdict = v;
            decided = i;
            if (msg_size > 0) {
                snprintf(msg, msg_size, "%s", detail);
            }
        }

        if (v == CHECK_ERROR) {
            break;
        }
    }

    if (failed != NULL) {
        *failed = decided;
    }

    return verdict;
}


/*
 * Writes the message of a hidden test (see checker.h): fixed texts, or
 * the description the test's author wrote for the assertion.
 */
void
checker_hidden_message(check_verdict_t v, const assertion_t *failed,
                       size_t index, char *msg, size_t msg_size)
{
    msg_t  m;

    msg_init(&m, msg, msg_size);

    if (v == CHECK_AC) {
        return;
    }

    if (failed == NULL) {
        msg_printf(&m, "%s", v == CHECK_WA ? "wrong answer"
                                           : "the checker failed");
        return;
    }

    if (v == CHECK_ERROR) {
        msg_printf(&m, "assertion %zu could not be evaluated", index + 1);

    } else if (failed->description_len > 0) {
        msg_append(&m, failed->description,
                   failed->description_len < msg_size
                   ? failed->description_len : msg_size - 1);

    } else {
        msg_printf(&m, "assertion %zu failed", index + 1);
    }
}


/*
 * Maps a custom checker's exit (testlib codes, see checker.h) to a
 * verdict; its stderr, trailing whitespace cut and escaped, is the
 * message, after "checker failed ..." when the checker is at fault.
 * PE (2) and DIRT (4) count as WA, as in DOMjudge: the checker judged
 * the contestant's output malformed, which is not the judge's failure.
 */
check_verdict_t
checker_custom_verdict(int exit_code, int signal, const char *err,
                       size_t err_len, char *msg, size_t msg_size)
{
    check_verdict_t  verdict;
    msg_t            m;
    size_t           shown;

    msg_init(&m, msg, msg_size);
    err = err != NULL ? err : "";
    shown = trim_end(err, err_len, is_space);

    if (signal != 0) {
        verdict = CHECK_ERROR;
        msg_printf(&m, "checker killed by signal %d", signal);

    } else if (exit_code == 0) {
        verdict = CHECK_AC;

    } else if (exit_code == 1 || exit_code == 2 || exit_code == 4) {
        verdict = CHECK_WA;
        if (shown == 0) {
            msg_printf(&m, "wrong answer (checker exit code %d)", exit_code);
        }

    } else {
        verdict = CHECK_ERROR;
        msg_printf(&m, "checker failed with exit code %d", exit_code);
    }

    if (shown > 0) {
        if (m.len > 0) {
            msg_append(&m, ": ", 2);
        }
        msg_escaped(&m, err, shown);
    }

    return verdict;
}


/*
 * Maps a Kattis output validator's or interactor's exit (see checker.h)
 * to a verdict; its judgemessage.txt, trailing whitespace cut and
 * escaped, is the message, after "validator failed ..." when the
 * validator is at fault.
 */
check_verdict_t
checker_kattis_verdict(int exit_code, int signal, const char *judgemessage,
                       size_t len, char *msg, size_t msg_size)
{
    check_verdict_t  verdict;
    msg_t            m;
    size_t           shown;

    msg_init(&m, msg, msg_size);
    judgemessage = judgemessage != NULL ? judgemessage : "";
    shown = trim_end(judgemessage, len, is_space);

    if (signal != 0) {
        verdict = CHECK_ERROR;
        msg_printf(&m, "validator killed by signal %d", signal);

    } else if (exit_code == CHECKER_KATTIS_AC) {
        verdict = CHECK_AC;

    } else if (exit_code == CHECKER_KATTIS_WA) {
        verdict = CHECK_WA;
        if (shown == 0) {
            msg_printf(&m, "wrong answer (validator exit code %d)",
                       exit_code);
        }

    } else {
        verdict = CHECK_ERROR;
        msg_printf(&m, "validator failed with exit code %d", exit_code);
    }

    if (shown > 0) {
        if (m.len > 0) {
            msg_append(&m, ": ", 2);
        }
        msg_escaped(&m, judgemessage, shown);
    }

    return verdict;
}
