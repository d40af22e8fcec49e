
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_IPC_H_INCLUDED_
#define _NGX_HTTP_JUDGE_IPC_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"


/* mailboxes, doorbells and the poll timer (ngx_http_judge_ipc.c) */


/*
 * Who the mail and the timer are for, registered at configuration time so
 * that this layer names none of them:
 *
 *   stream    a message for a worker stream of this process (send a frame,
 *             a task, or close);
 *   waiter    a waiting request of this process has news;
 *   pending   whether this process has work to finish before it exits
 *             (waiting requests, ends the durable store has not yet):
 *             the poll timer then keeps it through a stop or a reload;
 *   tick      the poll timer (every 200 ms): expiry, due work;
 *   gone      the registry's sweep: workers whose nginx process is gone
 *             ("pids", found now), and those silent too long;
 *   reset     the zone was reset: everything of this process goes.
 */
typedef struct {
    void                       (*stream)(ngx_http_judge_zone_t *zone,
                                         ngx_http_judge_msg_t *msg);
    void                       (*waiter)(uint64_t id);
    ngx_uint_t                 (*pending)(ngx_http_judge_zone_t *zone);
    void                       (*tick)(ngx_http_judge_zone_t *zone,
                                       ngx_uint_t expire);
    void                       (*gone)(ngx_http_judge_zone_t *zone,
                                       ngx_pid_t *pids, ngx_uint_t n);
    void                       (*reset)(void);
} ngx_http_judge_ipc_handlers_t;


void ngx_http_judge_ipc_set_handlers(ngx_http_judge_ipc_handlers_t *h);

ngx_int_t ngx_http_judge_ipc_init_module(ngx_cycle_t *cycle);
ngx_int_t ngx_http_judge_ipc_init_process(ngx_cycle_t *cycle);
void ngx_http_judge_ipc_exit_process(ngx_cycle_t *cycle);
ngx_int_t ngx_http_judge_ipc_send(ngx_http_judge_zone_t *zone,
    ngx_http_judge_addr_t *to, ngx_http_judge_msg_type_e type,
    u_char *data, size_t len);


#endif /* _NGX_HTTP_JUDGE_IPC_H_INCLUDED_ */
