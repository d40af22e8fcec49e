/*
 * checker.h: decide whether a program's output is right.
 *
 * Pure comparison logic: no I/O, no globals, nothing kept between calls,
 * so any executor thread may call any function at any time.  Outputs are
 * (pointer, length) pairs: they may be megabytes long and hold NUL bytes,
 * and nothing here reads past the given length.  Every comparison is
 * linear in the size of its inputs, but for stdoutMatches: a regex may
 * backtrack without end, so its search is bounded instead by the limits
 * below, and one that reaches a limit is a CHECK_ERROR.
 *
 * Each call writes a short message into (msg, msg_size), always
 * NUL-terminated when msg_size > 0 and truncated to fit: empty on AC, on
 * WA a hint for the contestant ("line 3 differs at column 5: ..."), on
 * CHECK_ERROR what is wrong with the test itself.  Quoted snippets are at
 * most 32 bytes of the source with all but printable ASCII escaped (so a
 * message is one line of valid UTF-8), and a message never shows more
 * than one token of the expected answer.  CHECKER_MSG_SIZE holds any
 * message whole, but for a custom checker's stderr, which is cut to fit.
 *
 * Custom checkers (a program run in the sandbox) are the executor's job;
 * checker_custom_verdict() and checker_kattis_verdict() turn their exit
 * status into a verdict.
 */

#ifndef JUDGE_WORKER_CHECKER_H
#define JUDGE_WORKER_CHECKER_H

#include <stddef.h>


#define CHECKER_MSG_SIZE  512

/*
 * The bounds of stdoutMatches searches (PCRE2, interpreted).  The first
 * three are PCRE2's own, for each search: backtracking steps from one
 * start position, nesting of backtracking points, and memory for them.
 * The step count starts over at every position of stdout, so the
 * searches also have a budget of the calling thread's CPU time, one for
 * all the regexes of a checker_assert() call, read at the start of each
 * search and every CHECKER_REGEX_CLOCK_EVERY pattern items; one item
 * costs at most a pass over stdout, so the budget is overrun by no more
 * than that.
 */
#define CHECKER_REGEX_MATCH_LIMIT   10000000
#define CHECKER_REGEX_DEPTH_LIMIT   250000
#define CHECKER_REGEX_HEAP_KB       131072
#define CHECKER_REGEX_CPU_MS        2000
#define CHECKER_REGEX_CLOCK_EVERY   1024


typedef enum {
    CHECK_AC,       /* the output is accepted */
    CHECK_WA,       /* the output is wrong; the message says where */
    CHECK_ERROR     /* the test or checker is broken: report IE, not WA */
} check_verdict_t;


/* Values equal Checker.Kind in proto/judge.proto, so a cast converts. */
typedef enum {
    /*
     * Lines compared exactly, except that spaces, tabs and '\r' at the
     * end of each line and blank lines at the end of the text are
     * ignored (in the output and in the answer alike).
     */
    CHECKER_DEFAULT = 0,

    /* Byte for byte. */
    CHECKER_EXACT = 1,

    /*
     * Tokens separated by any run of " \t\n\v\f\r" must be equal;
     * leading and trailing whitespace is ignored.
     */
    CHECKER_TOKENS = 2,

    /*
     * As TOKENS, but a pair of tokens that are both decimal numbers
     * (an optional sign, digits with at most one '.', an optional e/E
     * exponent: "5", "-.5", "5.", "1E+03"; finite as a double) is
     * equal when |out - ans| <= abs_tolerance or
     * |out - ans| <= rel_tolerance * |ans|.  Hex floats, "inf" and "nan"
     * are not numbers here: they, and numbers too large for a double,
     * must match as text.  Both tolerances 0 means 1e-6 for each; a
     * tolerance set alone leaves the other at 0 (not applied).  Numbers
     * are read with strtod(): the process must run in the C locale (or
     * any locale whose decimal point is '.').
     */
    CHECKER_FLOAT = 3,

    /* A program run by the executor: checker_compare() refuses it. */
    CHECKER_CUSTOM = 4
} checker_kind_t;


typedef struct {
    checker_kind_t   kind;
    double           abs_tolerance;     /* CHECKER_FLOAT only; >= 0 */
    double           rel_tolerance;     /* CHECKER_FLOAT only; >= 0 */
} checker_spec_t;


/* Values equal Assertion.Kind in proto/judge.proto, so a cast converts. */
typedef enum {
    /* "value" occurs somewhere in stdout (an empty value always does). */
    ASSERT_STDOUT_CONTAINS = 0,

    /*
     * stdout equals "value" byte for byte once trailing whitespace
     * (" \t\n\v\f\r") is cut from the end of both.
     */
    ASSERT_STDOUT_EQUALS = 1,

    /*
     * The regex "value" (PCRE2 syntax, a superset of POSIX extended
     * regexes) matches somewhere in stdout (unanchored).  Compiled with
     * PCRE2_MULTILINE: '^' and '$' match at the start and end of every
     * line; '.' does not match a newline, but a negated class such as
     * "[^a]" does (write "[^a\n]" to stay on a line).  Bytes, not UTF-8
     * characters ("(*UTF)" is refused); NUL bytes in the pattern and in
     * stdout are ordinary characters.  An invalid pattern, and a search
     * that reaches one of the CHECKER_REGEX_* limits, are CHECK_ERROR.
     */
    ASSERT_STDOUT_MATCHES = 2,

    /* "value" occurs somewhere in stderr. */
    ASSERT_STDERR_CONTAINS = 3,

    /* The exit code equals "code". */
    ASSERT_EXIT_CODE = 4,

    /* "value" occurs nowhere in stdout (an empty value occurs in any, so
     * it always fails). */
    ASSERT_STDOUT_NOT_CONTAINS = 5
} assertion_kind_t;


typedef struct {
    assertion_kind_t   kind;
    const char        *value;       /* need not be NUL-terminated */
    size_t             value_len;
    int                code;        /* ASSERT_EXIT_CODE only */
    const char        *description; /* what a failure says; NULL: none */
    size_t             description_len;
} assertion_t;


/*
 * In all three calls a buffer pointer may be NULL when its length is 0.
 */

/* The program's output "out" against the expected answer "ans". */
check_verdict_t checker_compare(const checker_spec_t *spec,
                                const char *out, size_t out_len,
                                const char *ans, size_t ans_len,
                                char *msg, size_t msg_size);

/*
 * A run against a test's assertions: AC when all hold (or n is 0), else
 * WA naming the first that fails; its message is then the assertion's
 * description, as given (cut to fit), when it has one.  A broken
 * assertion (invalid regex, unknown kind) or one that cannot be
 * evaluated (a regex search past its limits) gives CHECK_ERROR wherever
 * it stands in the list, so a broken test is reported as such whatever
 * the program printed; its message says what is wrong, description or
 * not.  "failed", when not NULL, is set to the index of the assertion
 * that decided, n when all hold.
 */
check_verdict_t checker_assert(const assertion_t *assertions, size_t n,
                               const char *out, size_t out_len,
                               const char *err, size_t err_len,
                               int exit_code, char *msg, size_t msg_size,
                               size_t *failed);

/*
 * The message of a hidden test, which may quote nothing of the input,
 * the expected output, an assertion's value or the program's output:
 * empty for CHECK_AC; when the checker decided ("failed" NULL: the
 * expected output through checker_compare() or a custom checker)
 * "wrong answer" or "the checker failed"; when assertion "failed"
 * (number "index", from 0) did, its description or "assertion N
 * failed" for WA, "assertion N could not be evaluated" for CHECK_ERROR.
 */
void checker_hidden_message(check_verdict_t v, const assertion_t *failed,
                            size_t index, char *msg, size_t msg_size);

/*
 * A custom checker's exit status (testlib convention, "signal" non-zero
 * when it was killed) with its stderr as the message: 0 is AC; 1 (WA),
 * 2 (presentation error) and 4 (extra output) are WA, the contestant's
 * fault; anything else, 3 (checker failure) included, is CHECK_ERROR.
 */
check_verdict_t checker_custom_verdict(int exit_code, int signal,
                                       const char *err, size_t err_len,
                                       char *msg, size_t msg_size);


/* The exit codes of the Kattis convention. */
#define CHECKER_KATTIS_AC  42
#define CHECKER_KATTIS_WA  43

/*
 * A Kattis output validator's (or interactor's) exit status with its
 * feedback_dir/judgemessage.txt as the message: 42 is AC, 43 WA; any
 * other exit code or a signal is CHECK_ERROR.
 */
check_verdict_t checker_kattis_verdict(int exit_code, int signal,
                                       const char *judgemessage, size_t len,
                                       char *msg, size_t msg_size);


#endif /* JUDGE_WORKER_CHECKER_H */
