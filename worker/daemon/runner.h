/*
 * One sandboxed step of a task, from the master's message to a result:
 * a compile, a test (its run, then the checker), a custom checker's run.
 * Everything here runs on an executor thread with that thread's sandbox;
 * nothing is shared, so any number of threads may call in at once.
 */

#ifndef JUDGE_WORKER_RUNNER_H
#define JUDGE_WORKER_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "judge.pb-c.h"
#include "sandbox.h"

#include "archive.h"
#include "languages.h"
#include "live.h"


/* bytes of stdout and stderr a TestResult carries when the batch sets no
 * max_capture */
#define RUNNER_DEFAULT_CAPTURE  (16 * 1024)


/* the archive member that keeps a compiled program's main name */
#define RUNNER_MAIN_MEMBER      ".judge-main"


/* What a run finds in its work dir: a program's artifact or sources. */
struct program {
    sandbox_file_t   *files;        /* data point into the caller's bytes */
    size_t            n;
    struct archive    archive;      /* a multi-file artifact, unpacked */
    char             *source_name;  /* an unnamed source's, {main} made */
    char              main[LANGUAGE_MAIN_MAX + 1];  /* for {main}, or "" */
    char              main_error[256];  /* the source's name is refused */
};

struct compile_outcome {
    Judge__Status     status;       /* OK, CE, TLE, MLE, OLE, IE */
    char             *output;       /* stdout + stderr, capped, UTF-8 */
    uint8_t          *artifact;     /* with OK */
    size_t            artifact_len;
    Judge__Usage      usage;
    char              message[256];
};

/* Everything a test of a batch needs but the test itself. */
struct test_setup {
    const struct language    *lang;
    const struct program     *prog;
    const Judge__Limits      *limits;        /* NULL: defaults; a test's
                                                own replace what they set */
    const Judge__Checker     *checker;       /* NULL: the default checker */
    const struct language    *checker_lang;  /* custom checker only */
    const struct program     *checker_prog;  /* NULL: see checker_error */
    const char               *checker_error;
    size_t                    max_capture;   /* bytes of stdout/stderr */
    const char               *input_path;    /* stdin from this file (a
                                                cached test file) rather
                                                than the test's input */
    const Judge__Interactor  *interactor;    /* NULL: not interactive */
    const struct language    *interactor_lang;
    const struct program     *interactor_prog;  /* NULL: see
                                                   interactor_error */
    const char               *interactor_error;
};

struct test_outcome {
    Judge__TestResult         result;   /* ids are left to the caller */
    Judge__Usage              usage;    /* result.usage points here */
};


int   program_from_artifact(struct program *p, const struct language *l,
                            const uint8_t *data, size_t len, char *err,
                            size_t errlen);
int   program_from_sources(struct program *p, const struct language *l,
                           Judge__SourceFile *const *sources, size_t n,
                           char *err, size_t errlen);
void  program_free(struct program *p);

void  runner_compile(sandbox_t *sb, const struct language *l,
                     const struct program *src, char *const *flags,
                     size_t nflags, const Judge__Limits *cap,
                     struct compile_outcome *out);
void  compile_outcome_limit_artifact(struct compile_outcome *out,
                                     uint64_t max);
void  compile_outcome_free(struct compile_outcome *out);

int   runner_check_args(char *const *args, size_t n, char *msg,
                        size_t msg_size);
int   runner_check_env(char *const *env, size_t n, char *msg,
                       size_t msg_size);
void  runner_test(sandbox_t *sb, const struct test_setup *ts,
                  const Judge__TestCase *tc, struct live_output *live,
                  struct test_outcome *out);
void  test_outcome_free(struct test_outcome *out);

/* the pieces of a test's run, for interact.c */
const void   *runner_bytes(const ProtobufCBinaryData *b);
void          runner_limits(const Judge__Limits *given,
                            const sandbox_limits_t *defaults,
                            const struct language *l, size_t placed,
                            sandbox_limits_t *out);
size_t        program_bytes(const struct program *p);
bool          runner_heap_full(const struct language *l,
                               sandbox_result_t *res);
void          runner_usage(const sandbox_result_t *res, Judge__Usage *u);
int           runner_capture(ProtobufCBinaryData *dst,
                             protobuf_c_boolean *truncated, const char *src,
                             size_t len, int sandbox_truncated, size_t cap,
                             int hidden);
const char  **runner_test_env(const Judge__TestCase *tc);
const char   *runner_collected(const sandbox_result_t *res, size_t *len);


#endif /* JUDGE_WORKER_RUNNER_H */
