/*
 * The worker's side of proto/judge.proto: building the WorkerMessage
 * frames the daemon itself sends (Register, Heartbeat, Leaving) and
 * decoding MasterCommand frames.  Task results are built by executor.c.
 */

#ifndef JUDGE_WORKER_MESSAGE_H
#define JUDGE_WORKER_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "judge.pb-c.h"

#include "config.h"
#include "frame.h"
#include "languages.h"
#include "sysinfo.h"


int  message_put_register(struct frame_writer *out, size_t max_frame,
                          const struct config *cfg,
                          const struct languages *ls,
                          const struct host_facts *host);
int  message_put_heartbeat(struct frame_writer *out, size_t max_frame,
                           Judge__Heartbeat *hb);
int  message_put_leaving(struct frame_writer *out, size_t max_frame,
                         const char *reason, bool drained);
Judge__MasterCommand *message_decode(const uint8_t *payload, size_t len);
void message_free(Judge__MasterCommand *cmd);
const char *message_command_name(const Judge__MasterCommand *cmd);


#endif /* JUDGE_WORKER_MESSAGE_H */
