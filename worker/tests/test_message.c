/*
 * The worker's messages: Register with the frame limit and the cached
 * artifacts (trimmed to fit the frame), and task results too big for the
 * master's frames remade to fit: a compile without its artifact as CE, a
 * test with its output cut and flagged, a batch end with its message cut.
 * A test argument or environment entry with a NUL byte is found on the
 * wire when decoding.  A chunk of live output over the frame limit goes
 * in several frames.
 */

#include <errno.h>
#include <stdlib.h>

#include "daemon/message.h"
#include "tap.h"


/* Packs "msg" as a task result would be, into a malloc'ed buffer. */
static uint8_t *
pack(Judge__WorkerMessage *msg, size_t *len)
{
    uint8_t  *buf;

    *len = protobuf_c_message_get_packed_size(&msg->base);
    buf = malloc(*len);
    if (buf == NULL) {
        abort();
    }

    protobuf_c_message_pack(&msg->base, buf);

    return buf;
}


/* The payload of the one frame queued in "w", decoded. */
static Judge__WorkerMessage *
queued(struct frame_writer *w)
{
    return judge__worker_message__unpack(NULL,
                                         frame_writer_pending(w)
                                         - FRAME_HEADER_SIZE,
                                         frame_writer_data(w)
                                         + FRAME_HEADER_SIZE);
}


static void
test_register(void)
{
    struct config          cfg;
    struct languages       ls;
    struct host_facts      host;
    struct frame_writer    w;
    Judge__WorkerMessage  *m;
    char                   keys[300][SHA256_HEX_LEN + 1], *cached[300];
    char                   why[256];
    size_t                 i, full;

    config_init(&cfg);
    cfg.id = (char *) "w1";
    cfg.abi = (char *) "x86_64-linux-gnu";
    cfg.max_frame = 4 << 20;
    memset(&ls, 0, sizeof(ls));
    memset(&host, 0, sizeof(host));
    strcpy(host.hostname, "judge-1");

    for (i = 0; i < 300; i++) {
        snprintf(keys[i], sizeof(keys[i]), "%064zx", i);
        cached[i] = keys[i];
    }

    frame_writer_init(&w);
    ok(message_put_register(&w, 1 << 20, &cfg, &ls, &host, cached, 3) == 0,
       "Register with three cached artifacts");
    m = queued(&w);
    ok(m != NULL && m->body_case == JUDGE__WORKER_MESSAGE__BODY_REGISTER,
       "decodes as Register");
    is_int(m->register_->max_frame_size, 4 << 20,
           "max_frame_size is the worker's --max-frame");
    is_int(m->register_->n_cached_artifacts, 3, "three hashes listed");
    is_str(m->register_->cached_artifacts[0], keys[0], "in the order given");
    is_str(m->register_->cached_artifacts[2], keys[2], "all of them");
    judge__worker_message__free_unpacked(m, NULL);
    frame_writer_free(&w);

    frame_writer_init(&w);
    ok(message_put_register(&w, 1 << 20, &cfg, &ls, &host, cached, 0) == 0,
       "Register without cached artifacts");
    m = queued(&w);
    is_int(m->register_->n_cached_artifacts, 0, "lists none");
    full = frame_writer_pending(&w);
    judge__worker_message__free_unpacked(m, NULL);
    frame_writer_free(&w);

    /* 66 bytes a hash: room for 10 of them on top of the rest */
    frame_writer_init(&w);
    ok(message_put_register(&w, full - FRAME_HEADER_SIZE + 10 * 66 + 30,
                            &cfg, &ls, &host, cached, 300) == 0,
       "Register with 300 hashes and a small frame limit still goes");
    m = queued(&w);
    is_int(m->register_->n_cached_artifacts, 10,
           "with as many hashes as fit");
    is_str(m->register_->cached_artifacts[9], keys[9],
           "the least recently used left out");
    judge__worker_message__free_unpacked(m, NULL);
    frame_writer_free(&w);

    frame_writer_init(&w);
    errno = 0;
    ok(message_put_register(&w, 10, &cfg, &ls, &host, cached, 300) == -1
       && errno == EMSGSIZE, "a frame too small for Register alone: EMSGSIZE");
    frame_writer_free(&w);

    ok(languages_parse(&ls, "[cpp]\nname=C++\nversion=x\nsource=a.cpp\n"
                       "compile=g++ a.cpp\nartifact=a.out\nrun=./a.out\n"
                       "flags=-O2 -std=*\n", "t.conf", why, sizeof(why))
       == 0, "a table with flags");
    ls.items[0].version = strdup("12");
    frame_writer_init(&w);
    ok(message_put_register(&w, 1 << 20, &cfg, &ls, &host, cached, 0) == 0,
       "Register with a language");
    m = queued(&w);
    ok(m != NULL && m->register_->n_languages == 1
       && m->register_->languages[0]->n_allowed_flags == 2,
       "the language carries its flags");
    is_str(m != NULL ? m->register_->languages[0]->allowed_flags[1] : NULL,
           "-std=*", "as the table lists them");
    is_str(m != NULL ? m->register_->languages[0]->runtime : NULL, "x",
           "its runtime, from the version command");
    is_str(m != NULL ? m->register_->languages[0]->template_ : NULL, "",
           "no template: empty");
    judge__worker_message__free_unpacked(m, NULL);
    frame_writer_free(&w);
    languages_free(&ls);

    ok(languages_parse(&ls, "[py]\nname=Py\nversion=python3 -V\n"
                       "source=a.py\nrun=python3 a.py\nruntime=cpython\n"
                       "template=print(\"hi\")\\n\n", "t.conf", why,
                       sizeof(why)) == 0, "a table with a template");
    ls.items[0].version = strdup("3.11");
    frame_writer_init(&w);
    ok(message_put_register(&w, 1 << 20, &cfg, &ls, &host, cached, 0) == 0,
       "Register with it");
    m = queued(&w);
    is_str(m != NULL ? m->register_->languages[0]->template_ : NULL,
           "print(\"hi\")\n", "the template as text");
    is_str(m != NULL ? m->register_->languages[0]->runtime : NULL, "cpython",
           "the runtime the table gives");
    judge__worker_message__free_unpacked(m, NULL);
    frame_writer_free(&w);
    languages_free(&ls);
}


static void
test_fit_compile(void)
{
    Judge__WorkerMessage   msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__CompileResult   cr = JUDGE__COMPILE_RESULT__INIT;
    Judge__WorkerMessage  *m;
    struct message_fit     fit;
    uint8_t               *payload, *artifact;
    char                  *output;
    const char            *notice;
    size_t                 len;

    artifact = calloc(1, 100000);
    output = malloc(5001);
    memset(output, 'w', 5000);
    output[5000] = '\0';

    cr.job_id = (char *) "j1";
    cr.task_id = 7;
    cr.status = JUDGE__STATUS__OK;
    cr.output = (char *) "main.c: warning: unused\n";
    cr.artifact.data = artifact;
    cr.artifact.len = 100000;
    cr.artifact_hash = (char *) "ab12";
    cr.artifact_sha256 = (char *) "cd34";
    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_COMPILE_RESULT;
    msg.compile_result = &cr;

    payload = pack(&msg, &len);
    ok(message_fit_result(payload, len, 65536, &fit) == 0,
       "a CompileResult of 100 kB fits a 64 KiB frame once remade");
    ok(fit.len <= 65536, "it does fit");
    m = judge__worker_message__unpack(NULL, fit.len, fit.payload);
    ok(m != NULL && m->body_case == JUDGE__WORKER_MESSAGE__BODY_COMPILE_RESULT,
       "still a CompileResult");
    is_int(m->compile_result->status, JUDGE__STATUS__CE, "now CE");
    is_int(m->compile_result->artifact.len, 0, "without the artifact");
    is_str(m->compile_result->artifact_sha256, "", "or its SHA-256");
    is_str(m->compile_result->artifact_hash, "ab12", "the hash still echoed");
    is_int(m->compile_result->task_id, 7, "the task id kept");
    is_str(m->compile_result->message, "the compiled program is 100000 "
           "bytes, too large for the judge's frames of at most 65536 bytes",
           "the message says why");
    is_str(m->compile_result->output, "main.c: warning: unused\nthe compiled "
           "program is 100000 bytes, too large for the judge's frames of at "
           "most 65536 bytes", "and so does the output's last line");
    is_str(fit.dropped_artifact, "ab12", "the artifact to forget is named");
    is_str(fit.label, "CompileResult of j1/7", "the log names the result");
    is_str(fit.what, "artifact of 100000 bytes left out, sent as CE",
           "and what was cut");
    judge__worker_message__free_unpacked(m, NULL);
    free(fit.payload);
    free(payload);

    /* long compiler output: cut, the notice kept */
    cr.output = output;
    payload = pack(&msg, &len);
    ok(message_fit_result(payload, len, 2000, &fit) == 0,
       "with 5000 bytes of compiler output and a 2000-byte frame");
    m = judge__worker_message__unpack(NULL, fit.len, fit.payload);
    ok(fit.len <= 2000 && fit.len > 1900, "it fits, nearly filling it");
    len = strlen(m->compile_result->output);
    notice = "\nthe compiled program is 100000 bytes, too large for the "
             "judge's frames of at most 2000 bytes";
    ok(len > strlen(notice) && len < 2000
       && strncmp(m->compile_result->output, "wwww", 4) == 0
       && strcmp(m->compile_result->output + len - strlen(notice), notice)
          == 0,
       "the compiler output is cut, the notice kept whole at its end");
    judge__worker_message__free_unpacked(m, NULL);
    free(fit.payload);
    free(payload);

    /* no artifact: only the output can go */
    cr.status = JUDGE__STATUS__CE;
    cr.artifact.data = NULL;
    cr.artifact.len = 0;
    payload = pack(&msg, &len);
    ok(message_fit_result(payload, len, 1000, &fit) == 0,
       "a CE with 5000 bytes of output fits a 1000-byte frame");
    m = judge__worker_message__unpack(NULL, fit.len, fit.payload);
    ok(fit.len <= 1000 && m->compile_result->status == JUDGE__STATUS__CE,
       "still CE, fitting");
    is_str(fit.dropped_artifact, "", "no artifact to forget");
    ok(strlen(m->compile_result->output) > 900
       && strncmp(fit.what, "compiler output cut to ", 23) == 0,
       "the output cut to what fits");
    judge__worker_message__free_unpacked(m, NULL);
    free(fit.payload);

    errno = 0;
    ok(message_fit_result(payload, len, 10, &fit) == -1 && errno == EMSGSIZE,
       "a frame too small for what is left: EMSGSIZE");
    free(payload);

    free(artifact);
    free(output);
}


static void
test_fit_test(void)
{
    Judge__WorkerMessage   msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__TestResult      tr = JUDGE__TEST_RESULT__INIT;
    Judge__WorkerMessage  *m;
    struct message_fit     fit;
    uint8_t               *payload, *out, *err;
    size_t                 len;

    out = malloc(300000);
    err = malloc(300000);
    memset(out, 'o', 300000);
    memset(err, 'e', 300000);

    tr.job_id = (char *) "j2";
    tr.task_id = 3;
    tr.test_id = (char *) "t5";
    tr.status = JUDGE__STATUS__AC;
    tr.stdout.data = out;
    tr.stdout.len = 300000;
    tr.stderr.data = err;
    tr.stderr.len = 300000;
    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_TEST_RESULT;
    msg.test_result = &tr;

    payload = pack(&msg, &len);
    ok(message_fit_result(payload, len, 100000, &fit) == 0,
       "a TestResult of 600 kB fits a 100 kB frame once cut");
    m = judge__worker_message__unpack(NULL, fit.len, fit.payload);
    ok(fit.len <= 100000 && fit.len > 99900, "it fits, nearly filling it");
    ok(m->test_result->stdout.len > 49900 && m->test_result->stdout.len < 50000
       && m->test_result->stderr.len > 49900
       && m->test_result->stderr.len < 50000,
       "stdout and stderr get half the room each");
    ok(m->test_result->stdout_truncated && m->test_result->stderr_truncated,
       "both flagged truncated");
    ok(m->test_result->stdout.data[0] == 'o'
       && m->test_result->stderr.data[0] == 'e', "each keeps its beginning");
    is_int(m->test_result->status, JUDGE__STATUS__AC, "the verdict kept");
    is_str(m->test_result->test_id, "t5", "and the test id");
    is_str(fit.label, "TestResult of j2/3, test t5", "the log names it");
    judge__worker_message__free_unpacked(m, NULL);
    free(fit.payload);
    free(payload);

    /* a short stderr is kept whole; stdout takes the rest of the room */
    tr.stderr.len = 1000;
    payload = pack(&msg, &len);
    ok(message_fit_result(payload, len, 100000, &fit) == 0,
       "300 kB of stdout and 1 kB of stderr");
    m = judge__worker_message__unpack(NULL, fit.len, fit.payload);
    ok(fit.len <= 100000 && m->test_result->stderr.len == 1000
       && !m->test_result->stderr_truncated,
       "stderr kept whole, not flagged");
    ok(m->test_result->stdout.len > 98800 && m->test_result->stdout_truncated,
       "stdout takes what stderr does not need");
    judge__worker_message__free_unpacked(m, NULL);
    free(fit.payload);
    free(payload);

    free(out);
    free(err);
}


static void
test_fit_others(void)
{
    Judge__WorkerMessage          msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__BatchExecutionResult   br = JUDGE__BATCH_EXECUTION_RESULT__INIT;
    Judge__Heartbeat              hb = JUDGE__HEARTBEAT__INIT;
    Judge__WorkerMessage         *m;
    struct message_fit            fit;
    uint8_t                      *payload;
    char                          text[3000];
    size_t                        len;

    memset(text, 'x', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';

    br.job_id = (char *) "j3";
    br.task_id = 1;
    br.system_error = 1;
    br.message = text;
    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_BATCH_RESULT;
    msg.batch_result = &br;

    payload = pack(&msg, &len);
    ok(message_fit_result(payload, len, 500, &fit) == 0,
       "a BatchExecutionResult with a long message fits once cut");
    m = judge__worker_message__unpack(NULL, fit.len, fit.payload);
    ok(fit.len <= 500 && m->batch_result->system_error
       && strlen(m->batch_result->message) > 400,
       "the message cut to what fits, the rest kept");
    judge__worker_message__free_unpacked(m, NULL);
    free(fit.payload);
    free(payload);

    hb.load1 = 1.5;
    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_HEARTBEAT;
    msg.heartbeat = &hb;
    payload = pack(&msg, &len);
    errno = 0;
    ok(message_fit_result(payload, len, 2, &fit) == -1 && errno == EMSGSIZE,
       "a message that is not a result is not cut: EMSGSIZE");
    free(payload);

    errno = 0;
    ok(message_fit_result((const uint8_t *) "\xff\xff\xff", 3, 2, &fit) == -1
       && errno == EINVAL, "bytes that do not decode: EINVAL");
}


/*
 * A batch of two tests with arguments (and the second with environment
 * entries), packed; "X" bytes after an "a" are made NUL bytes on the
 * wire.
 */
static uint8_t *
batch_with_args(size_t *len)
{
    Judge__MasterCommand      cmd = JUDGE__MASTER_COMMAND__INIT;
    Judge__ExecuteBatchTask   b = JUDGE__EXECUTE_BATCH_TASK__INIT;
    Judge__TestCase           t0 = JUDGE__TEST_CASE__INIT;
    Judge__TestCase           t1 = JUDGE__TEST_CASE__INIT;
    Judge__TestCase          *tests[] = { &t0, &t1 };
    char                     *a0[] = { "one", "two" };
    char                     *a1[] = { "aXb", "", "c" };
    char                     *e1[] = { "A=1", "B=aXy" };
    uint8_t                  *buf;
    size_t                    i;

    t0.id = "t0";
    t0.args = a0;
    t0.n_args = 2;
    t1.id = "t1";
    t1.input.data = (uint8_t *) "X in the input";
    t1.input.len = 14;
    t1.args = a1;
    t1.n_args = 3;
    t1.env = e1;
    t1.n_env = 2;
    b.job_id = "j";
    b.tests = tests;
    b.n_tests = 2;
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_EXECUTE_BATCH;
    cmd.execute_batch = &b;

    *len = protobuf_c_message_get_packed_size(&cmd.base);
    buf = malloc(*len);
    if (buf == NULL) {
        abort();
    }

    protobuf_c_message_pack(&cmd.base, buf);

    for (i = 0; i + 2 < *len; i++) {
        if (buf[i] == 'a' && buf[i + 1] == 'X') {
            buf[i + 1] = '\0';
        }
    }

    return buf;
}


static void
test_decode_args(void)
{
    Judge__MasterCommand  *cmd;
    Judge__TestCase       *t0, *t1;
    uint8_t               *buf, *twice;
    size_t                 len;

    buf = batch_with_args(&len);
    cmd = message_decode(buf, len);
    ok(cmd != NULL, "a batch with a NUL byte in an argument decodes");

    if (cmd != NULL) {
        t0 = cmd->execute_batch->tests[0];
        t1 = cmd->execute_batch->tests[1];
        ok(t0->n_args == 2 && strcmp(t0->args[0], "one") == 0
           && strcmp(t0->args[1], "two") == 0, "the other test's args kept");
        ok(t1->n_args == 3 && t1->args[0] == NULL,
           "the argument with the NUL byte left NULL, not cut short");
        ok(t1->n_args == 3 && strcmp(t1->args[1], "") == 0
           && strcmp(t1->args[2], "c") == 0, "the test's other args kept");
        ok(t1->input.len == 14, "a NUL byte in the input is not an arg's");
        ok(t1->n_env == 2 && strcmp(t1->env[0], "A=1") == 0
           && t1->env[1] == NULL,
           "the env entry with the NUL byte left NULL, the other kept");
    }

    message_free(cmd);

    /* a frame repeating the batch: protobuf-c keeps the last */
    twice = malloc(2 * len);
    if (twice == NULL) {
        abort();
    }

    memcpy(twice, buf, len);
    memcpy(twice + len, buf, len);
    cmd = message_decode(twice, 2 * len);
    ok(cmd != NULL && cmd->execute_batch->n_tests == 2
       && cmd->execute_batch->tests[1]->args[0] == NULL
       && strcmp(cmd->execute_batch->tests[1]->args[2], "c") == 0,
       "a repeated batch: the NUL argument found in the one kept");
    message_free(cmd);

    free(twice);
    free(buf);
}


static void
test_put_output(void)
{
    Judge__WorkerMessage   msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__OutputChunk     chunk = JUDGE__OUTPUT_CHUNK__INIT;
    Judge__Leaving         leaving = JUDGE__LEAVING__INIT;
    Judge__WorkerMessage  *m;
    struct frame_writer    w;
    static uint8_t         data[16384], joined[16384];
    uint8_t               *payload;
    const uint8_t         *p, *end;
    size_t                 len, i, n, frame, biggest;
    uint64_t               next;
    bool                   in_order;

    for (i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t) (i * 7);
    }

    chunk.job_id = "job";
    chunk.task_id = 9;
    chunk.index = 3;
    chunk.stream = 2;
    chunk.offset = 100000;
    chunk.data.data = data;
    chunk.data.len = sizeof(data);
    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_OUTPUT;
    msg.output = &chunk;
    payload = pack(&msg, &len);

    frame_writer_init(&w);
    ok(message_put_output(&w, payload, len, 4096) == 0,
       "a 16 KiB chunk in frames of 4 KiB");

    p = frame_writer_data(&w);
    end = p + frame_writer_pending(&w);
    n = 0;
    biggest = 0;
    next = 100000;
    in_order = true;

    while (p + FRAME_HEADER_SIZE <= end) {
        frame = (size_t) p[0] << 24 | (size_t) p[1] << 16 | (size_t) p[2] << 8
                | p[3];
        m = judge__worker_message__unpack(NULL, frame, p + FRAME_HEADER_SIZE);
        if (m == NULL || m->body_case != JUDGE__WORKER_MESSAGE__BODY_OUTPUT
            || m->output->offset != next || m->output->stream != 2
            || m->output->index != 3 || strcmp(m->output->job_id, "job") != 0
            || next - 100000 + m->output->data.len > sizeof(joined))
        {
            in_order = false;
            judge__worker_message__free_unpacked(m, NULL);
            break;
        }

        memcpy(joined + (next - 100000), m->output->data.data,
               m->output->data.len);
        next += m->output->data.len;
        biggest = frame > biggest ? frame : biggest;
        n++;
        judge__worker_message__free_unpacked(m, NULL);
        p += FRAME_HEADER_SIZE + frame;
    }

    ok(in_order && n == 5, "five frames, their offsets following on");
    ok(biggest <= 4096 && biggest > 4000, "each as full as the limit allows");
    ok(next == 100000 + sizeof(data) && memcmp(joined, data, sizeof(data)) == 0,
       "together the chunk's bytes");
    frame_writer_free(&w);

    frame_writer_init(&w);
    errno = 0;
    ok(message_put_output(&w, payload, len, 20) == -1 && errno == EMSGSIZE,
       "a limit too small for one byte with the fields: EMSGSIZE");
    frame_writer_free(&w);
    free(payload);

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_LEAVING;
    msg.leaving = &leaving;
    payload = pack(&msg, &len);
    frame_writer_init(&w);
    errno = 0;
    ok(message_put_output(&w, payload, len, 4096) == -1 && errno == EINVAL
       && frame_writer_pending(&w) == 0, "not an OutputChunk: EINVAL");
    frame_writer_free(&w);
    free(payload);
}


int
main(void)
{
    test_register();
    test_fit_compile();
    test_fit_test();
    test_fit_others();
    test_decode_args();
    test_put_output();

    return done_testing();
}
