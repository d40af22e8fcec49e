/*
 * Building and decoding the stream's messages with protobuf-c.  Outgoing
 * messages are assembled from stack structures pointing at data owned
 * elsewhere and packed straight into the frame writer; nothing here keeps
 * a reference after returning.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "sandbox.h"
#include "version.h"


/*
 * Queues Register, the first frame of every stream: who this worker is,
 * what it runs on and which languages it offers (only those whose
 * toolchain answered the version probe).  Returns 0 or -1 with errno set.
 */
int
message_put_register(struct frame_writer *out, size_t max_frame,
                     const struct config *cfg, const struct languages *ls,
                     const struct host_facts *host)
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
        langs[n].source_file = l->source_file;
        langs[n].compile_command = l->compile_command ? l->compile_command
                                                      : "";
        langs[n].run_command = l->run_command;

        if (langs[n].name == NULL) {
            errno = ENOMEM;
            rc = -1;
            break;
        }

        lang_ptrs[n] = &langs[n];
        n++;
    }

    if (rc == 0) {
        sandbox_host_info(NULL, &sandbox_info);

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

        msg.body_case = JUDGE__WORKER_MESSAGE__BODY_REGISTER;
        msg.register_ = &reg;

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
 * Decodes one MasterCommand payload; NULL when it is not a valid message.
 * Free the result with message_free().
 */
Judge__MasterCommand *
message_decode(const uint8_t *payload, size_t len)
{
    return judge__master_command__unpack(NULL, len, payload);
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
