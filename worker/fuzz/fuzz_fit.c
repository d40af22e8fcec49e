/*
 * libFuzzer target: message_fit_result(), the other decoder on the
 * session's path.  A task result over the master's frame limit is
 * unpacked, cut (a compile's artifact left out, a test's output and
 * messages shortened between UTF-8 characters) and packed again; the
 * output it cuts is a submission's, so anything may be in it.
 *
 * The input: bytes 0-1 say how far under the payload's length (plus 16)
 * the frame limit is, the rest a WorkerMessage.  The function is only
 * ever given what protobuf_c_message_pack() made, so the message is
 * unpacked and packed again first, and left alone when protobuf-c cannot
 * read back its own packing (it keeps an unknown field numbered 0, sent
 * as an overlong tag, and packs it into a tag it then refuses).
 *
 * Checked: a remade result fits the limit, decodes, is the same kind of
 * message for the same task, no output grew, and the texts that changed
 * are valid UTF-8; a refusal is EMSGSIZE (or ENOMEM), never EINVAL.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/message.h"
#include "daemon/text.h"


#define FUZZ_CHECK(cond)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "fuzz_fit: %s:%d: %s\n", __FILE__, __LINE__,    \
                    #cond);                                                 \
            abort();                                                        \
        }                                                                   \
    } while (0)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/*
 * The job and task a result names, "" and 0 for what is not a result.
 */
static void
fuzz_ids(const Judge__WorkerMessage *m, const char **job, uint64_t *task)
{
    *job = "";
    *task = 0;

    switch (m->body_case) {
    case JUDGE__WORKER_MESSAGE__BODY_COMPILE_RESULT:
        *job = m->compile_result->job_id;
        *task = m->compile_result->task_id;
        break;
    case JUDGE__WORKER_MESSAGE__BODY_TEST_RESULT:
        *job = m->test_result->job_id;
        *task = m->test_result->task_id;
        break;
    case JUDGE__WORKER_MESSAGE__BODY_BATCH_RESULT:
        *job = m->batch_result->job_id;
        *task = m->batch_result->task_id;
        break;
    default:
        break;
    }
}


/*
 * Checks that "cut", the remade text of "was", is valid UTF-8 without NUL
 * unless it was left as it was.
 */
static void
fuzz_cut_text(const char *was, const char *cut)
{
    char    *clean;
    size_t   len;

    if (strcmp(was, cut) == 0) {
        return;
    }

    len = strlen(cut);
    clean = utf8_clean_copy(cut, len, len);
    FUZZ_CHECK(clean != NULL);
    FUZZ_CHECK(strcmp(clean, cut) == 0);
    free(clean);
}


/*
 * "data" unpacked and packed again, as the executor packs its results:
 * the packed bytes in "*packed" (free() them) and their decoding, or
 * NULL when "data" is not a WorkerMessage protobuf-c reads back.
 */
static Judge__WorkerMessage *
fuzz_repack(const uint8_t *data, size_t size, uint8_t **packed,
            size_t *len)
{
    Judge__WorkerMessage  *m, *again;

    m = judge__worker_message__unpack(NULL, size, data);
    if (m == NULL) {
        return NULL;
    }

    *len = protobuf_c_message_get_packed_size(&m->base);
    *packed = malloc(*len ? *len : 1);
    FUZZ_CHECK(*packed != NULL);
    protobuf_c_message_pack(&m->base, *packed);
    judge__worker_message__free_unpacked(m, NULL);

    again = judge__worker_message__unpack(NULL, *len, *packed);
    if (again == NULL) {
        free(*packed);
    }

    return again;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Judge__WorkerMessage  *in, *out;
    struct message_fit     fit;
    const char            *in_job, *out_job;
    uint8_t               *packed;
    uint64_t               in_task, out_task;
    size_t                 under, limit, len;

    if (size < 2) {
        return 0;
    }

    under = (size_t) data[0] << 8 | data[1];

    in = fuzz_repack(data + 2, size - 2, &packed, &len);
    if (in == NULL) {
        return 0;
    }

    limit = len + 16 > under ? len + 16 - under : 0;

    if (message_fit_result(packed, len, limit, &fit) != 0) {
        FUZZ_CHECK(errno == EMSGSIZE || errno == ENOMEM);
        FUZZ_CHECK(fit.payload == NULL);
        judge__worker_message__free_unpacked(in, NULL);
        free(packed);
        return 0;
    }

    FUZZ_CHECK(fit.len <= limit);
    FUZZ_CHECK(memchr(fit.label, '\0', sizeof(fit.label)) != NULL);
    FUZZ_CHECK(memchr(fit.what, '\0', sizeof(fit.what)) != NULL);

    out = judge__worker_message__unpack(NULL, fit.len, fit.payload);
    FUZZ_CHECK(out != NULL);
    FUZZ_CHECK(in->body_case == out->body_case);

    fuzz_ids(in, &in_job, &in_task);
    fuzz_ids(out, &out_job, &out_task);
    FUZZ_CHECK(strcmp(in_job, out_job) == 0 && in_task == out_task);

    switch (out->body_case) {

    case JUDGE__WORKER_MESSAGE__BODY_COMPILE_RESULT:
        fuzz_cut_text(in->compile_result->output,
                      out->compile_result->output);
        break;

    case JUDGE__WORKER_MESSAGE__BODY_TEST_RESULT:
        FUZZ_CHECK(out->test_result->stdout.len
                   <= in->test_result->stdout.len);
        FUZZ_CHECK(out->test_result->stderr.len
                   <= in->test_result->stderr.len);
        fuzz_cut_text(in->test_result->checker_message,
                      out->test_result->checker_message);
        fuzz_cut_text(in->test_result->message, out->test_result->message);
        break;

    case JUDGE__WORKER_MESSAGE__BODY_BATCH_RESULT:
        fuzz_cut_text(in->batch_result->message,
                      out->batch_result->message);
        break;

    default:
        FUZZ_CHECK(!"only results are remade");
    }

    judge__worker_message__free_unpacked(in, NULL);
    judge__worker_message__free_unpacked(out, NULL);
    free(fit.payload);
    free(packed);

    return 0;
}
