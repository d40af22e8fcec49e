/*
 * Writes the seed corpus of the fuzz targets, packed with the generated
 * code so that the seeds follow the proto:
 *
 *   DIR/command/   one valid MasterCommand of each kind (fuzz_command)
 *   DIR/frame/     those commands framed as the master sends them, alone
 *                  and as one stream (fuzz_frame; two leading bytes pick
 *                  the frame limit and the read sizes)
 *   DIR/fit/       task results a little over their frame limit
 *                  (fuzz_fit; two leading bytes say how far)
 *
 *   make-seeds DIR
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "judge.pb-c.h"


#define SEEDS_MAX           16

#define SEEDS_JOB           "0123456789abcdef"
#define SEEDS_HASH                                                          \
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* a two-file archive of daemon/archive.h's format */
#define SEEDS_ARCHIVE                                                       \
    "judge-archive 1\n5 Main.class\nhello3 A.class\nabc"

/* output with characters of two, three and four bytes to cut between */
#define SEEDS_UTF8          "r\xc3\xa9sultat \xe2\x82\xac \xf0\x9f\x99\x82 "

/* fuzz_frame.c's limits table: 10 is 1 MiB, 2 is 3 bytes */
#define SEEDS_LIMIT_LARGE   10
#define SEEDS_LIMIT_TINY    2

/* fuzz_fit.c: the limit this far under the payload's length plus 16 */
#define SEEDS_FIT_UNDER     40


struct seed {
    const char  *name;
    uint8_t     *payload;
    size_t       len;
};

struct seeds {
    struct seed  items[SEEDS_MAX];
    size_t       n;
};


static void
seeds_die(const char *what, const char *name)
{
    fprintf(stderr, "make-seeds: %s %s: %s\n", what, name, strerror(errno));
    exit(1);
}


/*
 * Packs "msg" as the next seed, called "name".
 */
static void
seeds_add(struct seeds *ss, const char *name, const ProtobufCMessage *msg)
{
    struct seed  *s;

    if (ss->n == SEEDS_MAX) {
        errno = ENOBUFS;
        seeds_die("too many seeds at", name);
    }

    s = &ss->items[ss->n++];
    s->name = name;
    s->len = protobuf_c_message_get_packed_size(msg);
    s->payload = malloc(s->len ? s->len : 1);

    if (s->payload == NULL) {
        seeds_die("out of memory for", name);
    }

    protobuf_c_message_pack(msg, s->payload);
}


static void
seeds_free(struct seeds *ss)
{
    size_t  i;

    for (i = 0; i < ss->n; i++) {
        free(ss->items[i].payload);
    }

    ss->n = 0;
}


/*
 * Welcome, Cancel, Drain, Shutdown.
 */
static void
seeds_control(struct seeds *ss)
{
    Judge__MasterCommand  cmd = JUDGE__MASTER_COMMAND__INIT;
    Judge__Welcome        welcome = JUDGE__WELCOME__INIT;
    Judge__Cancel         cancel = JUDGE__CANCEL__INIT;
    Judge__Drain          drain = JUDGE__DRAIN__INIT;
    Judge__Shutdown       shutdown = JUDGE__SHUTDOWN__INIT;

    welcome.worker_id = "w1";
    welcome.heartbeat_interval_ms = 1000;
    welcome.max_frame_size = 16 << 20;
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_WELCOME;
    cmd.welcome = &welcome;
    seeds_add(ss, "welcome", &cmd.base);

    cancel.job_id = SEEDS_JOB;
    cancel.task_id = 2;
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_CANCEL;
    cmd.cancel = &cancel;
    seeds_add(ss, "cancel", &cmd.base);

    drain.reason = "reload";
    drain.reconnect = 1;
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_DRAIN;
    cmd.drain = &drain;
    seeds_add(ss, "drain", &cmd.base);

    shutdown.reason = "bye";
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_SHUTDOWN;
    cmd.shutdown = &shutdown;
    seeds_add(ss, "shutdown", &cmd.base);
}


/*
 * A CompileTask in C with flags and limits.
 */
static void
seeds_compile(struct seeds *ss)
{
    Judge__MasterCommand   cmd = JUDGE__MASTER_COMMAND__INIT;
    Judge__CompileTask     compile = JUDGE__COMPILE_TASK__INIT;
    Judge__Limits          limits = JUDGE__LIMITS__INIT;
    Judge__SourceFile      src = JUDGE__SOURCE_FILE__INIT;
    Judge__SourceFile     *srcs[1];
    static char           *flags[] = { "-O2", "-std=c11" };

    limits.cpu_time_ms = 1000;
    limits.wall_time_ms = 3000;
    limits.memory_kb = 262144;

    src.content.data = (uint8_t *) "int main(void) { return 0; }\n";
    src.content.len = strlen((char *) src.content.data);
    srcs[0] = &src;

    compile.job_id = SEEDS_JOB;
    compile.task_id = 1;
    compile.language = "c";
    compile.n_sources = 1;
    compile.sources = srcs;
    compile.n_compiler_flags = 2;
    compile.compiler_flags = flags;
    compile.limits = &limits;
    compile.artifact_hash = SEEDS_HASH;
    compile.max_artifact_size = 64 << 20;

    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_COMPILE;
    cmd.compile = &compile;
    seeds_add(ss, "compile-c", &cmd.base);
}


/*
 * ExecuteBatchTasks: Python sources with a float checker and assertions,
 * a Java archive with a custom checker, a C artifact named by its hash
 * only.
 */
static void
seeds_batches(struct seeds *ss)
{
    Judge__MasterCommand      cmd = JUDGE__MASTER_COMMAND__INIT;
    Judge__ExecuteBatchTask   b = JUDGE__EXECUTE_BATCH_TASK__INIT;
    Judge__SourceFile         src = JUDGE__SOURCE_FILE__INIT;
    Judge__SourceFile        *srcs[1];
    Judge__Checker            by_float = JUDGE__CHECKER__INIT;
    Judge__Checker            custom = JUDGE__CHECKER__INIT;
    Judge__TestCase           t1 = JUDGE__TEST_CASE__INIT;
    Judge__TestCase           t2 = JUDGE__TEST_CASE__INIT;
    Judge__TestCase          *tests[2];
    Judge__Assertion          a[3] = { JUDGE__ASSERTION__INIT,
                                       JUDGE__ASSERTION__INIT,
                                       JUDGE__ASSERTION__INIT };
    Judge__Assertion         *as[3];

    a[0].kind = JUDGE__ASSERTION__KIND__STDOUT_CONTAINS;
    a[0].value = "3";
    a[1].kind = JUDGE__ASSERTION__KIND__STDOUT_MATCHES;
    a[1].value = "^[0-9]+(\\.[0-9]*)?$";
    a[2].kind = JUDGE__ASSERTION__KIND__EXIT_CODE;
    as[0] = &a[0];
    as[1] = &a[1];
    as[2] = &a[2];

    t1.id = "t1";
    t1.input.data = (uint8_t *) "1 2\n";
    t1.input.len = 4;
    t1.expected_output.data = (uint8_t *) "3.0000001\n";
    t1.expected_output.len = 10;
    t1.has_expected = 1;

    t2.id = "t2";
    t2.index = 1;
    t2.input.data = (uint8_t *) "3\n";
    t2.input.len = 2;
    t2.n_assertions = 3;
    t2.assertions = as;
    tests[0] = &t1;
    tests[1] = &t2;

    src.name = "main.py";
    src.content.data = (uint8_t *) "print(sum(map(int, input().split())))";
    src.content.len = strlen((char *) src.content.data);
    srcs[0] = &src;

    by_float.kind = JUDGE__CHECKER__KIND__FLOAT;
    by_float.abs_tolerance = 1e-6;

    b.job_id = SEEDS_JOB;
    b.task_id = 2;
    b.language = "python";
    b.n_sources = 1;
    b.sources = srcs;
    b.n_tests = 2;
    b.tests = tests;
    b.checker = &by_float;
    b.max_capture = 65536;

    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_EXECUTE_BATCH;
    cmd.execute_batch = &b;
    seeds_add(ss, "batch-python", &cmd.base);

    custom.kind = JUDGE__CHECKER__KIND__CUSTOM;
    custom.language = "python";
    custom.source.data = (uint8_t *) "import sys\nsys.exit(0)\n";
    custom.source.len = strlen((char *) custom.source.data);

    b.task_id = 3;
    b.language = "java";
    b.n_sources = 0;
    b.artifact.data = (uint8_t *) SEEDS_ARCHIVE;
    b.artifact.len = sizeof(SEEDS_ARCHIVE) - 1;
    b.artifact_hash = SEEDS_HASH;
    b.n_tests = 1;
    b.checker = &custom;
    b.stop_on_first_failure = 1;
    b.attempt = 1;
    seeds_add(ss, "batch-java-archive", &cmd.base);

    b.task_id = 4;
    b.language = "c";
    b.artifact.data = NULL;
    b.artifact.len = 0;
    b.n_tests = 2;
    b.checker = NULL;
    seeds_add(ss, "batch-c-hash-only", &cmd.base);
}


/*
 * Task results as the executor makes them: a CompileResult with its
 * artifact, a TestResult with output and messages, a BatchExecutionResult
 * with a message, and a Heartbeat, which is not a result.
 */
static void
seeds_results(struct seeds *ss)
{
    Judge__WorkerMessage          msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__CompileResult          cr = JUDGE__COMPILE_RESULT__INIT;
    Judge__TestResult             tr = JUDGE__TEST_RESULT__INIT;
    Judge__BatchExecutionResult   br = JUDGE__BATCH_EXECUTION_RESULT__INIT;
    Judge__Heartbeat              hb = JUDGE__HEARTBEAT__INIT;
    static uint8_t                artifact[96];

    memset(artifact, 0x7f, sizeof(artifact));

    cr.job_id = SEEDS_JOB;
    cr.task_id = 1;
    cr.status = JUDGE__STATUS__OK;
    cr.output = SEEDS_UTF8 "warning: unused variable";
    cr.artifact.data = artifact;
    cr.artifact.len = sizeof(artifact);
    cr.artifact_hash = SEEDS_HASH;
    cr.artifact_sha256 = SEEDS_HASH;
    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_COMPILE_RESULT;
    msg.compile_result = &cr;
    seeds_add(ss, "compile-result", &msg.base);

    tr.job_id = SEEDS_JOB;
    tr.task_id = 2;
    tr.test_id = "t1";
    tr.status = JUDGE__STATUS__WA;
    tr.stdout.data = (uint8_t *) SEEDS_UTF8 SEEDS_UTF8 "42\n";
    tr.stdout.len = strlen((char *) tr.stdout.data);
    tr.stderr.data = (uint8_t *) "Traceback (most recent call last):\n";
    tr.stderr.len = strlen((char *) tr.stderr.data);
    tr.checker_message = "line 1 differs at column 1: " SEEDS_UTF8;
    tr.message = SEEDS_UTF8;
    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_TEST_RESULT;
    msg.test_result = &tr;
    seeds_add(ss, "test-result", &msg.base);

    br.job_id = SEEDS_JOB;
    br.task_id = 2;
    br.tests_run = 2;
    br.message = SEEDS_UTF8 SEEDS_UTF8 SEEDS_UTF8;
    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_BATCH_RESULT;
    msg.batch_result = &br;
    seeds_add(ss, "batch-result", &msg.base);

    hb.active_tasks = 1;
    hb.free_slots = 1;
    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_HEARTBEAT;
    msg.heartbeat = &hb;
    seeds_add(ss, "heartbeat", &msg.base);
}


/*
 * Writes "prefix" ("prefix_len" bytes) and "data" into DIR/NAME.
 */
static void
seeds_write(const char *dir, const char *name, const uint8_t *prefix,
            size_t prefix_len, const uint8_t *data, size_t len)
{
    char   path[4096];
    FILE  *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);

    f = fopen(path, "wb");
    if (f == NULL) {
        seeds_die("cannot create", path);
    }

    if ((prefix_len > 0 && fwrite(prefix, 1, prefix_len, f) != prefix_len)
        || (len > 0 && fwrite(data, 1, len, f) != len)
        || fclose(f) != 0)
    {
        seeds_die("cannot write", path);
    }
}


/*
 * Makes DIR/SUB and writes its path into "dir".
 */
static void
seeds_mkdir(char *dir, size_t size, const char *top, const char *sub)
{
    snprintf(dir, size, "%s/%s", top, sub);

    if ((mkdir(top, 0755) != 0 && errno != EEXIST)
        || (mkdir(dir, 0755) != 0 && errno != EEXIST))
    {
        seeds_die("cannot make", dir);
    }
}


/*
 * Appends "s" framed (4-byte big-endian length) to "buf" at "*len".
 */
static void
seeds_frame(uint8_t *buf, size_t *len, const struct seed *s)
{
    buf[*len] = (uint8_t) (s->len >> 24);
    buf[*len + 1] = (uint8_t) (s->len >> 16);
    buf[*len + 2] = (uint8_t) (s->len >> 8);
    buf[*len + 3] = (uint8_t) s->len;
    memcpy(buf + *len + 4, s->payload, s->len);
    *len += 4 + s->len;
}


/*
 * DIR/command/ and DIR/frame/ from the commands in "ss".
 */
static void
seeds_write_commands(const char *top, const struct seeds *ss)
{
    uint8_t  *stream, prefix[2];
    size_t    i, len, total;
    char      dir[4096];

    seeds_mkdir(dir, sizeof(dir), top, "command");

    total = 0;

    for (i = 0; i < ss->n; i++) {
        seeds_write(dir, ss->items[i].name, NULL, 0, ss->items[i].payload,
                    ss->items[i].len);
        total += 4 + ss->items[i].len;
    }

    stream = malloc(total);
    if (stream == NULL) {
        seeds_die("out of memory for", "the stream");
    }

    seeds_mkdir(dir, sizeof(dir), top, "frame");

    prefix[0] = SEEDS_LIMIT_LARGE;

    for (i = 0; i < ss->n; i++) {
        len = 0;
        seeds_frame(stream, &len, &ss->items[i]);
        prefix[1] = (uint8_t) i;
        seeds_write(dir, ss->items[i].name, prefix, 2, stream, len);
    }

    len = 0;
    for (i = 0; i < ss->n; i++) {
        seeds_frame(stream, &len, &ss->items[i]);
    }

    prefix[1] = 7;
    seeds_write(dir, "stream", prefix, 2, stream, len);

    prefix[0] = SEEDS_LIMIT_TINY;
    seeds_write(dir, "stream-too-big", prefix, 2, stream, len);

    prefix[0] = SEEDS_LIMIT_LARGE;
    prefix[1] = 0;
    seeds_write(dir, "empty-frame", prefix, 2, (const uint8_t *) "\0\0\0\0",
                4);
    seeds_write(dir, "short-prefix", prefix, 2, (const uint8_t *) "\0\0",
                2);

    free(stream);
}


/*
 * DIR/fit/ from the results in "ss".
 */
static void
seeds_write_results(const char *top, const struct seeds *ss)
{
    uint8_t  prefix[2];
    size_t   i;
    char     dir[4096];

    seeds_mkdir(dir, sizeof(dir), top, "fit");

    prefix[0] = 0;
    prefix[1] = SEEDS_FIT_UNDER;

    for (i = 0; i < ss->n; i++) {
        seeds_write(dir, ss->items[i].name, prefix, 2, ss->items[i].payload,
                    ss->items[i].len);
    }
}


int
main(int argc, char **argv)
{
    struct seeds  ss;

    if (argc != 2) {
        fprintf(stderr, "usage: make-seeds DIR\n");
        return 2;
    }

    ss.n = 0;
    seeds_control(&ss);
    seeds_compile(&ss);
    seeds_batches(&ss);
    seeds_write_commands(argv[1], &ss);
    seeds_free(&ss);

    seeds_results(&ss);
    seeds_write_results(argv[1], &ss);
    seeds_free(&ss);

    return 0;
}
