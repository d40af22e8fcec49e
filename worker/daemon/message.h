/*
 * The worker's side of proto/judge.proto: building the WorkerMessage
 * frames the daemon itself sends (Register, Heartbeat, Leaving), remaking
 * a task result that is too big for the master's frames (an OutputChunk
 * is split instead), and decoding MasterCommand frames.  Task results are
 * built by executor.c.
 */

#ifndef JUDGE_WORKER_MESSAGE_H
#define JUDGE_WORKER_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "judge.pb-c.h"

#include "artifact.h"
#include "config.h"
#include "frame.h"
#include "languages.h"
#include "sysinfo.h"


/*
 * A task result remade by message_fit_result() to fit the master's frame
 * limit.
 */
struct message_fit {
    uint8_t  *payload;          /* the packed WorkerMessage: free() it */
    size_t    len;
    char      label[192];       /* which result, for the log */
    char      what[128];        /* what was cut */

    /* a compile's artifact left out: its hash, else "" */
    char      dropped_artifact[SHA256_HEX_LEN + 1];
};


int  message_put_register(struct frame_writer *out, size_t max_frame,
                          const struct config *cfg,
                          const struct languages *ls,
                          const struct host_facts *host, char **cached,
                          size_t n_cached);
int  message_put_heartbeat(struct frame_writer *out, size_t max_frame,
                           Judge__Heartbeat *hb);
int  message_put_leaving(struct frame_writer *out, size_t max_frame,
                         const char *reason, bool drained);
int  message_fit_result(const uint8_t *payload, size_t len,
                        size_t max_frame, struct message_fit *fit);
int  message_put_output(struct frame_writer *out, const uint8_t *payload,
                        size_t len, size_t max_frame);
Judge__MasterCommand *message_decode(const uint8_t *payload, size_t len);
void message_free(Judge__MasterCommand *cmd);
const char *message_command_name(const Judge__MasterCommand *cmd);


#endif /* JUDGE_WORKER_MESSAGE_H */
