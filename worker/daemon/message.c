/*
 * Building and decoding the stream's messages with protobuf-c.  Outgoing
 * messages are assembled from stack structures pointing at data owned
 * elsewhere and packed straight into the frame writer; nothing here keeps
 * a reference after returning.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker.h"
#include "message.h"
#include "sandbox.h"
#include "text.h"
#include "version.h"


/*
 * Queues Register, the first frame of every stream: who this worker is,
 * what it runs on, which languages it offers (only those whose toolchain
 * answered the version probe, each with its template and runtime), the
 * largest frame it accepts, and the
 * "n_cached" artifact hashes in "cached" (most recently used first) that
 * the master need not send again.  Hashes are left out from the end when
 * Register would not fit in "max_frame": one not listed costs a resend
 * only.  Returns 0 or -1 with errno set.
 */
int
message_put_register(struct frame_writer *out, size_t max_frame,
                     const struct config *cfg, const struct languages *ls,
                     const struct host_facts *host, char **cached,
                     size_t n_cached)
{
    Judge__WorkerMessage    msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__Register         reg = JUDGE__REGISTER__INIT;
    Judge__SandboxInfo      sandbox = JUDGE__SANDBOX_INFO__INIT;
    sandbox_host_info_t     sandbox_info;
    Judge__Language        *langs, **lang_ptrs;
    const struct language  *l;
    size_t                  i, n;
    int                     rc, saved;

    langs = calloc(ls->n ? ls->n : 1, sizeof(*langs));
    lang_ptrs = calloc(ls->n ? ls->n : 1, sizeof(*lang_ptrs));

    if (langs == NULL || lang_ptrs == NULL) {
        free(langs);
        free(lang_ptrs);
        errno = ENOMEM;
        return -1;
    }

    n = 0;
    rc = 0;

    for (i = 0; i < ls->n; i++) {
        l = &ls->items[i];

        if (l->version == NULL) {
            continue;
        }

        judge__language__init(&langs[n]);
        langs[n].id = l->id;
        langs[n].name = languages_display_name(l);
        langs[n].version = l->version;
        langs[n].compiled = l->compile_command != NULL;
        reg.can_compile |= langs[n].compiled;
        langs[n].source_file = l->source_shown;
        langs[n].compile_command = l->compile_command ? l->compile_command
                                                      : "";
        langs[n].run_command = l->run_command;
        langs[n].n_allowed_flags = l->n_flags;
        langs[n].allowed_flags = l->flags;
        langs[n].template_ = l->template != NULL ? l->template : "";
        langs[n].runtime = l->runtime;

        if (langs[n].name == NULL) {
            errno = ENOMEM;
            rc = -1;
            break;
        }

        lang_ptrs[n] = &langs[n];
        n++;
    }

    if (rc == 0) {
        if (cfg->backend != NULL && strcmp(cfg->backend, "docker") == 0) {
            docker_backend.host_info(NULL, &sandbox_info);
        } else {
            sandbox_host_info(NULL, &sandbox_info);
        }

        sandbox.backend = (char *) sandbox_info.backend;
        sandbox.cgroup_version = sandbox_info.cgroup_version;
        sandbox.exact_memory = sandbox_info.memory_exact;

        reg.worker_id = cfg->id;
        reg.hostname = (char *) host->hostname;
        reg.cores = host->cores;
        reg.ram_kb = host->ram_kb;
        reg.n_tags = cfg->n_tags;
        reg.tags = cfg->tag_list;
        reg.abi = cfg->abi;
        reg.n_languages = n;
        reg.languages = lang_ptrs;
        reg.slots = cfg->slots;
        reg.version = JUDGE_WORKER_VERSION;
        reg.sandbox = &sandbox;
        reg.max_frame_size = cfg->max_frame;
        reg.n_cached_artifacts = n_cached;
        reg.cached_artifacts = cached;

        msg.body_case = JUDGE__WORKER_MESSAGE__BODY_REGISTER;
        msg.register_ = &reg;

        while (reg.n_cached_artifacts > 0
               && protobuf_c_message_get_packed_size(&msg.base) > max_frame)
        {
            reg.n_cached_artifacts--;
        }

        rc = frame_writer_put(out, &msg.base, max_frame);
    }

    saved = errno;

    for (i = 0; i < n; i++) {
        free(langs[i].name);
    }

    free(langs);
    free(lang_ptrs);
    errno = saved;

    return rc;
}


/*
 * Queues a Heartbeat carrying "hb".  Returns 0 or -1 with errno set.
 */
int
message_put_heartbeat(struct frame_writer *out, size_t max_frame,
                      Judge__Heartbeat *hb)
{
    Judge__WorkerMessage  msg = JUDGE__WORKER_MESSAGE__INIT;

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_HEARTBEAT;
    msg.heartbeat = hb;

    return frame_writer_put(out, &msg.base, max_frame);
}


/*
 * Queues Leaving, the last frame before a worker that is going away
 * closes the stream.
 */
int
message_put_leaving(struct frame_writer *out, size_t max_frame,
                    const char *reason, bool drained)
{
    Judge__WorkerMessage  msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__Leaving        leaving = JUDGE__LEAVING__INIT;

    leaving.reason = (char *) reason;
    leaving.drained = drained;

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_LEAVING;
    msg.leaving = &leaving;

    return frame_writer_put(out, &msg.base, max_frame);
}


/*
 * How many bytes "msg" packs to beyond "max": 0 when it fits.
 */
static size_t
fit_excess(const Judge__WorkerMessage *msg, size_t max)
{
    size_t  size;

    size = protobuf_c_message_get_packed_size(&msg->base);

    return size > max ? size - max : 0;
}


/*
 * What is left of "have" bytes with "excess" of them cut.
 */
static size_t
fit_keep(size_t have, size_t excess)
{
    return have > excess ? have - excess : 0;
}


/*
 * Cuts the text "*field" of "msg", between characters, by as many bytes
 * as "msg" is over "max" (shorter content never packs longer).  The cut
 * copy is kept in "*owned", whose earlier text is freed.  Returns 0, or
 * -1 on ENOMEM.
 */
static int
fit_text(const Judge__WorkerMessage *msg, size_t max, char **field,
         char **owned)
{
    char    *cut;
    size_t   excess, len;

    excess = fit_excess(msg, max);

    if (excess == 0) {
        return 0;
    }

    len = strlen(*field);

    cut = utf8_clean_copy(*field, len, fit_keep(len, excess));
    if (cut == NULL) {
        errno = ENOMEM;
        return -1;
    }

    free(*owned);
    *owned = cut;
    *field = cut;

    return 0;
}


/*
 * A CompileResult too big: its artifact is left out and it becomes CE,
 * with a notice in the message and at the end of the compiler output
 * (cut to make room when needed).  "notice" holds the notice's text.
 */
static int
fit_compile(Judge__WorkerMessage *msg, size_t max, struct message_fit *fit,
            char *notice, size_t notice_size, char **owned)
{
    Judge__CompileResult  *cr = msg->compile_result;
    const char            *output;
    size_t                 output_len, excess;

    snprintf(fit->label, sizeof(fit->label), "CompileResult of %.64s/%"
             PRIu64, cr->job_id, cr->task_id);

    output = cr->output;
    output_len = strlen(output);

    if (cr->artifact.len == 0) {
        if (fit_text(msg, max, &cr->output, &owned[0]) != 0) {
            return -1;
        }

        snprintf(fit->what, sizeof(fit->what), "compiler output cut to %zu "
                 "of %zu bytes", strlen(cr->output), output_len);
        return 0;
    }

    snprintf(notice, notice_size, "the compiled program is %zu bytes, too "
             "large for the judge's frames of at most %zu bytes",
             cr->artifact.len, max);
    snprintf(fit->what, sizeof(fit->what), "artifact of %zu bytes left out, "
             "sent as CE", cr->artifact.len);

    if (strlen(cr->artifact_hash) <= SHA256_HEX_LEN) {
        strcpy(fit->dropped_artifact, cr->artifact_hash);
    }

    cr->status = JUDGE__STATUS__CE;
    cr->artifact.data = NULL;
    cr->artifact.len = 0;
    cr->artifact_sha256 = (char *) "";
    cr->message = notice;

    cr->output = text_append_line(output, output_len, notice, SIZE_MAX);
    if (cr->output == NULL) {
        errno = ENOMEM;
        return -1;
    }

    owned[0] = cr->output;
    excess = fit_excess(msg, max);

    if (excess > 0) {
        cr->output = text_append_line(output, output_len, notice,
                                      fit_keep(strlen(owned[0]), excess));
        if (cr->output == NULL) {
            errno = ENOMEM;
            return -1;
        }

        free(owned[0]);
        owned[0] = cr->output;
    }

    return 0;
}


/*
 * A TestResult too big: stdout and stderr are cut, half of the room
 * each (what one does not need goes to the other), and flagged
 * truncated; then the messages, should that not be enough.
 */
static int
fit_test(Judge__WorkerMessage *msg, size_t max, struct message_fit *fit,
         char **owned)
{
    Judge__TestResult  *tr = msg->test_result;
    size_t              out_len, err_len, room, keep_out, keep_err;
    int                 pass;

    snprintf(fit->label, sizeof(fit->label), "TestResult of %.64s/%" PRIu64
             ", test %.64s", tr->job_id, tr->task_id, tr->test_id);

    out_len = tr->stdout.len;
    err_len = tr->stderr.len;

    /* a *_truncated flag the first pass sets packs into two more bytes:
     * the second pass cuts again with the flags in the count */
    for (pass = 0; pass < 2; pass++) {
        tr->stdout.len = out_len;
        tr->stderr.len = err_len;
        room = fit_keep(out_len + err_len, fit_excess(msg, max));

        keep_out = out_len < room / 2 ? out_len : room / 2;
        keep_err = err_len < room - keep_out ? err_len : room - keep_out;
        keep_out = out_len < room - keep_err ? out_len : room - keep_err;

        tr->stdout.len = keep_out;
        tr->stderr.len = keep_err;
        tr->stdout_truncated = tr->stdout_truncated || keep_out < out_len;
        tr->stderr_truncated = tr->stderr_truncated || keep_err < err_len;
    }

    snprintf(fit->what, sizeof(fit->what), "stdout cut to %zu of %zu bytes, "
             "stderr to %zu of %zu", keep_out, out_len, keep_err, err_len);

    if (fit_text(msg, max, &tr->checker_message, &owned[0]) != 0
        || fit_text(msg, max, &tr->message, &owned[1]) != 0)
    {
        return -1;
    }

    return 0;
}


/*
 * A packed task result (CompileResult, TestResult, BatchExecutionResult)
 * longer than "max_frame", the master's limit, remade to fit, so that the
 * master learns how the task ended instead of waiting for a result that
 * never comes: see fit_compile() and fit_test(); a BatchExecutionResult
 * has only its message to cut.  "fit" gets the new payload (free() it)
 * and what was cut, for the log.  Returns 0, or -1 with errno set:
 * EMSGSIZE when it cannot be made to fit (not a result; a limit too small
 * even for its fixed fields), EINVAL when it does not decode, ENOMEM.
 */
int
message_fit_result(const uint8_t *payload, size_t len, size_t max_frame,
                   struct message_fit *fit)
{
    Judge__WorkerMessage          *in, msg;
    Judge__CompileResult           compile;
    Judge__TestResult              test;
    Judge__BatchExecutionResult    batch;
    char                           notice[200], *owned[2];
    int                            rc, saved;

    memset(fit, 0, sizeof(*fit));
    snprintf(fit->label, sizeof(fit->label), "a task result");

    in = judge__worker_message__unpack(NULL, len, payload);
    if (in == NULL) {
        errno = EINVAL;
        return -1;
    }

    /* the cuts go into shallow copies, pointing at new text or at fewer
     * of the old bytes, so "in" is freed just as it was unpacked */
    msg = *in;
    owned[0] = NULL;
    owned[1] = NULL;

    switch (in->body_case) {

    case JUDGE__WORKER_MESSAGE__BODY_COMPILE_RESULT:
        compile = *in->compile_result;
        msg.compile_result = &compile;
        rc = fit_compile(&msg, max_frame, fit, notice, sizeof(notice),
                         owned);
        break;

    case JUDGE__WORKER_MESSAGE__BODY_TEST_RESULT:
        test = *in->test_result;
        msg.test_result = &test;
        rc = fit_test(&msg, max_frame, fit, owned);
        break;

    case JUDGE__WORKER_MESSAGE__BODY_BATCH_RESULT:
        batch = *in->batch_result;
        msg.batch_result = &batch;
        snprintf(fit->label, sizeof(fit->label), "BatchExecutionResult of "
                 "%.64s/%" PRIu64, batch.job_id, batch.task_id);
        snprintf(fit->what, sizeof(fit->what), "message cut");
        rc = fit_text(&msg, max_frame, &batch.message, &owned[0]);
        break;

    default:
        /* not a result: nothing of it may be cut */
        errno = EMSGSIZE;
        rc = -1;
        break;
    }

    if (rc == 0 && fit_excess(&msg, max_frame) > 0) {
        errno = EMSGSIZE;
        rc = -1;
    }

    if (rc == 0) {
        fit->len = protobuf_c_message_get_packed_size(&msg.base);
        fit->payload = malloc(fit->len ? fit->len : 1);

        if (fit->payload == NULL) {
            errno = ENOMEM;
            rc = -1;

        } else {
            protobuf_c_message_pack(&msg.base, fit->payload);
        }
    }

    saved = errno;
    free(owned[0]);
    free(owned[1]);
    judge__worker_message__free_unpacked(in, NULL);
    errno = saved;

    return rc;
}


/*
 * Queues an OutputChunk ("payload") that is too big for the master's
 * frames as several, each as large as "max_frame" allows, their offsets
 * following on: a chunk is cut anywhere, the master joins them by offset.
 * Returns 0, or -1 with errno set: EINVAL when "payload" is not an
 * OutputChunk, EMSGSIZE when not one byte of data fits with the chunk's
 * other fields, ENOMEM (the pieces before it are queued).
 */
int
message_put_output(struct frame_writer *out, const uint8_t *payload,
                   size_t len, size_t max_frame)
{
    Judge__WorkerMessage  *in, msg;
    Judge__OutputChunk     chunk;
    size_t                 done, excess;
    int                    rc;

    in = judge__worker_message__unpack(NULL, len, payload);
    if (in == NULL || in->body_case != JUDGE__WORKER_MESSAGE__BODY_OUTPUT) {
        judge__worker_message__free_unpacked(in, NULL);
        errno = EINVAL;
        return -1;
    }

    msg = *in;
    chunk = *in->output;
    msg.output = &chunk;
    rc = 0;

    for (done = 0; done < in->output->data.len; done += chunk.data.len) {
        chunk.offset = in->output->offset + done;
        chunk.data.data = in->output->data.data + done;
        chunk.data.len = in->output->data.len - done;

        /* fewer bytes never pack longer: the length's varint only shrinks */
        excess = fit_excess(&msg, max_frame);
        if (excess >= chunk.data.len) {
            errno = EMSGSIZE;
            rc = -1;
            break;
        }

        chunk.data.len -= excess;

        rc = frame_writer_put(out, &msg.base, max_frame);
        if (rc != 0) {
            break;
        }
    }

    judge__worker_message__free_unpacked(in, NULL);

    return rc;
}


/*
 * Reads the varint at "*p" (up to "end") into "v".  Returns 0, or -1 when
 * it is cut short or longer than ten bytes.
 */
static int
wire_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    unsigned  shift;

    *v = 0;

    for (shift = 0; shift < 64; shift += 7) {
        if (*p == end) {
            return -1;
        }

        *v |= (uint64_t) (**p & 0x7f) << shift;

        if ((*(*p)++ & 0x80) == 0) {
            return 0;
        }
    }

    return -1;
}


/*
 * The next field of the protobuf bytes at "*p" (up to "end"): its number
 * and, for a length-delimited one, its bytes in "data" and "len" (else
 * "data" is NULL).  Returns 1 with a field, 0 at the end, -1 when the
 * bytes are not protobuf's (groups included: protobuf-c refuses them).
 */
static int
wire_next(const uint8_t **p, const uint8_t *end, uint64_t *field,
          const uint8_t **data, size_t *len)
{
    uint64_t  key, n;

    if (*p == end) {
        return 0;
    }

    if (wire_varint(p, end, &key) != 0) {
        return -1;
    }

    *field = key >> 3;
    *data = NULL;

    switch (key & 7) {

    case 0:
        return wire_varint(p, end, &n) == 0 ? 1 : -1;

    case 1:
        n = 8;
        break;

    case 2:
        if (wire_varint(p, end, &n) != 0) {
            return -1;
        }
        break;

    case 5:
        n = 4;
        break;

    default:
        return -1;
    }

    if (n > (uint64_t) (end - *p)) {
        return -1;
    }

    if ((key & 7) == 2) {
        *data = *p;
        *len = (size_t) n;
    }

    *p += n;

    return 1;
}


/*
 * protobuf-c hands strings over NUL-terminated, so a test's argument or
 * environment entry holding a NUL byte would arrive cut short at it, and
 * the program would run with another one than the master gave.  The
 * frame's bytes show it: such words are set to NULL here, and the runner
 * refuses the test (runner_check_args(), runner_check_env()).  The walk
 * follows the decoded batch: MasterCommand.execute_batch (its last
 * occurrence, the one protobuf-c keeps), its tests, their args and env.
 * Returns 0, or -1 should the two disagree.
 */
static int
message_words_nul(Judge__ExecuteBatchTask *b, const uint8_t *payload,
                 size_t len)
{
    const uint8_t     *p, *q, *r, *data, *batch, *test, *arg;
    size_t             data_len, batch_len, test_len, arg_len, n_tests,
                       n_args, n_env, *n, max;
    uint64_t           field;
    int                rc;
    char             **words;
    Judge__TestCase   *tc;

    batch = NULL;
    batch_len = 0;
    p = payload;

    while ((rc = wire_next(&p, payload + len, &field, &data, &data_len))
           == 1)
    {
        if (field == 3 && data != NULL) {
            batch = data;
            batch_len = data_len;
        }
    }

    if (rc != 0 || batch == NULL) {
        return -1;
    }

    n_tests = 0;
    q = batch;

    while ((rc = wire_next(&q, batch + batch_len, &field, &test, &test_len))
           == 1)
    {
        if (field != 7 || test == NULL) {
            continue;
        }

        if (n_tests == b->n_tests) {
            return -1;
        }

        tc = b->tests[n_tests++];
        n_args = 0;
        n_env = 0;
        r = test;

        while ((rc = wire_next(&r, test + test_len, &field, &arg, &arg_len))
               == 1)
        {
            if (field == 7 && arg != NULL) {
                words = tc->args;
                n = &n_args;
                max = tc->n_args;

            } else if (field == 14 && arg != NULL) {
                words = tc->env;
                n = &n_env;
                max = tc->n_env;

            } else {
                continue;
            }

            if (*n == max) {
                return -1;
            }

            if (memchr(arg, '\0', arg_len) != NULL) {
                free(words[*n]);
                words[*n] = NULL;
            }

            (*n)++;
        }

        if (rc != 0 || n_args != tc->n_args || n_env != tc->n_env) {
            return -1;
        }
    }

    return rc == 0 && n_tests == b->n_tests ? 0 : -1;
}


/*
 * Decodes one MasterCommand payload; NULL when it is not a valid message.
 * A test argument or environment entry holding a NUL byte is left NULL
 * (message_words_nul()).
 * Free the result with message_free().
 */
Judge__MasterCommand *
message_decode(const uint8_t *payload, size_t len)
{
    Judge__MasterCommand  *cmd;

    cmd = judge__master_command__unpack(NULL, len, payload);

    if (cmd != NULL
        && cmd->body_case == JUDGE__MASTER_COMMAND__BODY_EXECUTE_BATCH
        && message_words_nul(cmd->execute_batch, payload, len) != 0)
    {
        judge__master_command__free_unpacked(cmd, NULL);
        return NULL;
    }

    return cmd;
}


/*
 * Frees a command from message_decode(); NULL is fine.
 */
void
message_free(Judge__MasterCommand *cmd)
{
    if (cmd != NULL) {
        judge__master_command__free_unpacked(cmd, NULL);
    }
}


/*
 * The command's name for the log.
 */
const char *
message_command_name(const Judge__MasterCommand *cmd)
{
    switch (cmd->body_case) {
    case JUDGE__MASTER_COMMAND__BODY_WELCOME:        return "Welcome";
    case JUDGE__MASTER_COMMAND__BODY_COMPILE:        return "CompileTask";
    case JUDGE__MASTER_COMMAND__BODY_EXECUTE_BATCH:  return "ExecuteBatchTask";
    case JUDGE__MASTER_COMMAND__BODY_CANCEL:         return "Cancel";
    case JUDGE__MASTER_COMMAND__BODY_DRAIN:          return "Drain";
    case JUDGE__MASTER_COMMAND__BODY_SHUTDOWN:       return "Shutdown";
    default:                                         return "unknown";
    }
}
