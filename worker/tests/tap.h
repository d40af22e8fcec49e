/*
 * A minimal TAP producer for the C unit tests: ok(), is_int(), is_str(),
 * then done_testing() prints the plan and gives main()'s exit status.
 */

#ifndef JUDGE_WORKER_TAP_H
#define JUDGE_WORKER_TAP_H

#include <stdio.h>
#include <string.h>


static int  tap_run;
static int  tap_failed;


static int
tap_ok(int pass, const char *name, const char *file, int line)
{
    const char  *p;

    tap_run++;
    printf("%sok %d - ", pass ? "" : "not ", tap_run);

    /* a line break in a name would end the TAP line early */
    for (p = name; *p != '\0'; p++) {
        putchar((unsigned char) *p < 0x20 ? ' ' : *p);
    }

    putchar('\n');

    if (!pass) {
        tap_failed++;
        printf("#   Failed test '%s'\n#   at %s line %d.\n", name, file, line);
    }

    return pass;
}


#define ok(cond, name)  tap_ok((cond) != 0, name, __FILE__, __LINE__)

#define is_int(got, want, name)                                              \
    do {                                                                     \
        long long  got_ = (long long) (got), want_ = (long long) (want);     \
        if (!ok(got_ == want_, name)) {                                      \
            printf("#          got: %lld\n#     expected: %lld\n",           \
                   got_, want_);                                             \
        }                                                                    \
    } while (0)

#define is_str(got, want, name)                                              \
    do {                                                                     \
        const char  *got_ = (got), *want_ = (want);                          \
        if (!ok(got_ != NULL && want_ != NULL && strcmp(got_, want_) == 0,   \
                name))                                                       \
        {                                                                    \
            printf("#          got: \"%s\"\n#     expected: \"%s\"\n",       \
                   got_ ? got_ : "(null)", want_ ? want_ : "(null)");        \
        }                                                                    \
    } while (0)


static int
done_testing(void)
{
    printf("1..%d\n", tap_run);

    return tap_failed == 0 ? 0 : 1;
}


#endif /* JUDGE_WORKER_TAP_H */
