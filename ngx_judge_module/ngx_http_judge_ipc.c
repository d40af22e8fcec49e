
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_channel.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_ipc.h"


/*
 * Cross-process delivery.  Every nginx worker process has a mailbox in
 * the zone; a sender queues the message there and rings the receiver's
 * doorbell, one end of a socketpair made by the master before fork.  A
 * doorbell only reaches processes of the sender's own generation (the
 * pairs are made per cycle), so a cancelable timer also drains the
 * mailbox: a lost ring or a message across a reload costs latency only.
 *
 * The timer also looks after the others: a process that is gone (it
 * crashed, or an old generation exited) gets no more mail, its unread
 * mail is freed and its workers' records dropped, so their work moves at
 * once.  And it notices a reset of the zone (ngx_http_judge_shm.c): this
 * process's worker streams and waiting requests then refer to records
 * that are no more, so the streams are closed (their workers register
 * again) and the requests woken.
 */


#define NGX_HTTP_JUDGE_IPC_POLL      200
#define NGX_HTTP_JUDGE_EXPIRE_EVERY  5


static void ngx_http_judge_ipc_close_doorbells(void *data);
static void ngx_http_judge_ipc_doorbell_handler(ngx_event_t *ev);
static void ngx_http_judge_ipc_timer_handler(ngx_event_t *ev);
static void ngx_http_judge_ipc_drain(ngx_http_judge_zone_t *zone);
static void ngx_http_judge_ipc_free_mail(ngx_http_judge_zone_t *zone,
    ngx_queue_t *mail);
static ngx_int_t ngx_http_judge_ipc_grow_locked(ngx_http_judge_zone_t *zone);
static ngx_int_t ngx_http_judge_ipc_post(ngx_http_judge_zone_t *zone,
    ngx_http_judge_addr_t *to, ngx_http_judge_msg_type_e type, u_char *data,
    size_t len);
static void ngx_http_judge_ipc_fill(ngx_http_judge_msg_t *msg,
    ngx_http_judge_addr_t *to, ngx_http_judge_msg_type_e type, u_char *data,
    size_t len);
static void ngx_http_judge_ipc_local_handler(ngx_event_t *ev);
static void ngx_http_judge_ipc_dispatch(ngx_http_judge_zone_t *zone,
    ngx_http_judge_msg_t *first);
static ngx_http_judge_proc_t *ngx_http_judge_ipc_find(
    ngx_http_judge_shctx_t *sh, ngx_pid_t pid);
static void ngx_http_judge_ipc_watch(ngx_http_judge_zone_t *zone);


/*
 * this process's mailbox slot (an index: the root object moves when the
 * zone is reset) and poll timer; set in init_process
 */
static ngx_int_t               ngx_http_judge_ipc_slot = -1;
static ngx_event_t             ngx_http_judge_ipc_timer;
static ngx_uint_t              ngx_http_judge_ipc_ticks;
static ngx_http_judge_ipc_handlers_t  ngx_http_judge_ipc_handlers;

/* messages of this process to itself: in process memory, a posted event */
static ngx_queue_t             ngx_http_judge_ipc_local;
static ngx_event_t             ngx_http_judge_ipc_local_ev;


void
ngx_http_judge_ipc_set_handlers(ngx_http_judge_ipc_handlers_t *h)
{
    ngx_http_judge_ipc_handlers = *h;
}


static ngx_http_judge_main_conf_t *
ngx_http_judge_ipc_conf(ngx_cycle_t *cycle)
{
    ngx_http_judge_main_conf_t  *jmcf;

    if (ngx_http_cycle_get_module_main_conf(cycle, ngx_http_module) == NULL)
    {
        return NULL;
    }

    jmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_judge_module);

    if (jmcf == NULL || jmcf->zone == NULL) {
        return NULL;
    }

    return jmcf;
}


/*
 * Runs in the master (and for "nginx -t").  One socketpair per worker
 * process of the coming generation: [2i] is read by worker i, [2i + 1] is
 * written by anyone who wants to wake it.  The pairs close with the cycle.
 */

ngx_int_t
ngx_http_judge_ipc_init_module(ngx_cycle_t *cycle)
{
    ngx_uint_t                   i, n;
    ngx_socket_t                 fds[2];
    ngx_core_conf_t             *ccf;
    ngx_pool_cleanup_t          *cln;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_judge_ipc_conf(cycle);

    if (jmcf == NULL || ngx_test_config) {
        return NGX_OK;
    }

    ccf = (ngx_core_conf_t *) ngx_get_conf(cycle->conf_ctx, ngx_core_module);

    n = ccf->worker_processes;

    jmcf->doorbells = ngx_palloc(cycle->pool, 2 * n * sizeof(ngx_socket_t));
    if (jmcf->doorbells == NULL) {
        return NGX_ERROR;
    }

    cln = ngx_pool_cleanup_add(cycle->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    jmcf->ndoorbells = 0;
    cln->handler = ngx_http_judge_ipc_close_doorbells;
    cln->data = jmcf;

    for (i = 0; i < n; i++) {

        if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == -1) {
            ngx_log_error(NGX_LOG_EMERG, cycle->log, ngx_errno,
                          "judge: socketpair() for doorbell %ui failed", i);
            return NGX_ERROR;
        }

        jmcf->doorbells[2 * i] = fds[0];
        jmcf->doorbells[2 * i + 1] = fds[1];
        jmcf->ndoorbells = i + 1;

        if (ngx_nonblocking(fds[0]) == -1
            || ngx_nonblocking(fds[1]) == -1
            || fcntl(fds[0], F_SETFD, FD_CLOEXEC) == -1
            || fcntl(fds[1], F_SETFD, FD_CLOEXEC) == -1)
        {
            ngx_log_error(NGX_LOG_EMERG, cycle->log, ngx_errno,
                          "judge: setting up doorbell %ui failed", i);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static void
ngx_http_judge_ipc_close_doorbells(void *data)
{
    ngx_http_judge_main_conf_t  *jmcf = data;

    ngx_uint_t  i;

    for (i = 0; i < 2 * jmcf->ndoorbells; i++) {
        if (jmcf->doorbells[i] != (ngx_socket_t) -1) {
            (void) close(jmcf->doorbells[i]);
        }
    }

    jmcf->ndoorbells = 0;
}


/*
 * Runs in each worker process: claims a mailbox (a slot whose process is
 * gone is taken over, with whatever mail it left), listens on its own
 * doorbell and starts the poll timer.
 */

ngx_int_t
ngx_http_judge_ipc_init_process(ngx_cycle_t *cycle)
{
    ngx_int_t                    slot;
    ngx_uint_t                   i, ngone, nprocs, grown;
    ngx_pid_t                   *gone;
    ngx_http_judge_zone_t       *zone;
    ngx_http_judge_proc_t       *proc;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_judge_ipc_conf(cycle);

    if (jmcf == NULL
        || (ngx_process != NGX_PROCESS_WORKER
            && ngx_process != NGX_PROCESS_SINGLE))
    {
        return NGX_OK;
    }

    zone = jmcf->zone;
    slot = -1;
    ngone = 0;

    ngx_http_judge_zone_lock(zone);

    gone = ngx_alloc(zone->sh->nprocs * sizeof(ngx_pid_t), cycle->log);
    if (gone == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_ERROR;
    }

    for (i = 0; i < zone->sh->nprocs; i++) {
        proc = &zone->sh->procs[i];

        if (proc->pid != 0
            && kill(proc->pid, 0) == -1 && ngx_errno == NGX_ESRCH)
        {
            gone[ngone++] = proc->pid;
            ngx_http_judge_ipc_free_mail(zone, &proc->mail);
            proc->pid = 0;
        }

        if (proc->pid == 0 && slot == -1) {
            slot = i;
        }
    }

    grown = 0;

    if (slot == -1) {
        /* old generations still serving long requests fill it: it grows */
        slot = ngx_http_judge_ipc_grow_locked(zone);
        grown = (slot != -1);
    }

    if (slot != -1) {
        proc = &zone->sh->procs[slot];
        proc->pid = ngx_pid;
        proc->generation = zone->generation;
        proc->worker = ngx_worker;
        ngx_queue_init(&proc->mail);
    }

    zone->resets = zone->sh->resets;
    nprocs = zone->sh->nprocs;

    ngx_http_judge_zone_unlock(zone);

    if (slot == -1) {
        ngx_free(gone);
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                      "judge: no room in the zone for the process table of "
                      "more than %ui nginx processes; make judge_zone larger",
                      nprocs);
        return NGX_ERROR;
    }

    if (grown) {
        ngx_log_error(NGX_LOG_NOTICE, cycle->log, 0,
                      "judge: the zone's process table holds %ui processes "
                      "now", nprocs);
    }

    ngx_http_judge_ipc_slot = slot;

    /* the process this one replaces may have crashed holding streams */
    if (ngone) {
        ngx_http_judge_ipc_handlers.gone(zone, gone, ngone);
    }

    ngx_free(gone);

    for (i = 0; i < jmcf->ndoorbells; i++) {
        if (i != ngx_worker) {
            (void) close(jmcf->doorbells[2 * i]);
            jmcf->doorbells[2 * i] = (ngx_socket_t) -1;
        }
    }

    if (ngx_worker < jmcf->ndoorbells
        && ngx_add_channel_event(cycle, jmcf->doorbells[2 * ngx_worker],
                                 NGX_READ_EVENT,
                                 ngx_http_judge_ipc_doorbell_handler)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_queue_init(&ngx_http_judge_ipc_local);
    ngx_http_judge_ipc_local_ev.handler = ngx_http_judge_ipc_local_handler;
    ngx_http_judge_ipc_local_ev.log = cycle->log;
    ngx_http_judge_ipc_local_ev.data = zone;

    ngx_http_judge_ipc_timer.handler = ngx_http_judge_ipc_timer_handler;
    ngx_http_judge_ipc_timer.log = cycle->log;
    ngx_http_judge_ipc_timer.data = zone;
    ngx_http_judge_ipc_timer.cancelable = 1;

    ngx_add_timer(&ngx_http_judge_ipc_timer, NGX_HTTP_JUDGE_IPC_POLL);

    return NGX_OK;
}


void
ngx_http_judge_ipc_exit_process(ngx_cycle_t *cycle)
{
    ngx_queue_t                 *q;
    ngx_http_judge_zone_t       *zone;
    ngx_http_judge_main_conf_t  *jmcf;
    ngx_http_judge_proc_t       *proc;

    jmcf = ngx_http_judge_ipc_conf(cycle);

    if (jmcf == NULL || ngx_http_judge_ipc_slot == -1) {
        return;
    }

    zone = jmcf->zone;

    ngx_http_judge_zone_lock(zone);

    proc = &zone->sh->procs[ngx_http_judge_ipc_slot];

    if (proc->pid == ngx_pid) {
        ngx_http_judge_ipc_free_mail(zone, &proc->mail);
        proc->pid = 0;
    }

    ngx_http_judge_zone_unlock(zone);

    if (ngx_http_judge_ipc_local_ev.posted) {
        ngx_delete_posted_event(&ngx_http_judge_ipc_local_ev);
    }

    while (!ngx_queue_empty(&ngx_http_judge_ipc_local)) {
        q = ngx_queue_head(&ngx_http_judge_ipc_local);
        ngx_queue_remove(q);
        ngx_free(ngx_queue_data(q, ngx_http_judge_msg_t, queue));
    }

    ngx_http_judge_ipc_slot = -1;
}


/*
 * Queues a message for the process "to" and rings its doorbell when it
 * belongs to our generation.  NGX_DECLINED: that process is gone.
 */

ngx_int_t
ngx_http_judge_ipc_send(ngx_http_judge_zone_t *zone, ngx_http_judge_addr_t *to,
    ngx_http_judge_msg_type_e type, u_char *data, size_t len)
{
    u_char                       bell;
    ngx_uint_t                   worker;
    ngx_http_judge_msg_t        *msg;
    ngx_http_judge_proc_t       *proc;
    ngx_http_judge_main_conf_t  *jmcf;

    if (to->pid == ngx_pid && to->generation == zone->generation
        && ngx_http_judge_ipc_slot != -1)
    {
        return ngx_http_judge_ipc_post(zone, to, type, data, len);
    }

    ngx_http_judge_zone_lock(zone);

    proc = ngx_http_judge_ipc_find(zone->sh, to->pid);

    if (proc == NULL || proc->generation != to->generation) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_DECLINED;
    }

    msg = ngx_http_judge_zone_alloc_locked(zone,
                                   offsetof(ngx_http_judge_msg_t, data) + len);
    if (msg == NULL) {
        ngx_http_judge_zone_unlock(zone);
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                      "judge: no room in the zone for a message to "
                      "process %P", to->pid);
        return NGX_ERROR;
    }

    ngx_http_judge_ipc_fill(msg, to, type, data, len);
    ngx_queue_insert_tail(&proc->mail, &msg->queue);

    worker = proc->worker;

    ngx_http_judge_zone_unlock(zone);

    if (to->generation != zone->generation) {
        return NGX_OK;
    }

    jmcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_http_judge_module);

    if (worker < jmcf->ndoorbells) {
        bell = 1;

        if (write(jmcf->doorbells[2 * worker + 1], &bell, 1) == -1
            && ngx_errno != NGX_EAGAIN)
        {
            ngx_log_error(NGX_LOG_ALERT, ngx_cycle->log, ngx_errno,
                          "judge: ringing the doorbell of process %P failed",
                          to->pid);
        }
    }

    return NGX_OK;
}


/*
 * The process table is full: it is twice as large from now on.  The
 * index of the first new slot, or -1 when the zone has no room.
 */

static ngx_int_t
ngx_http_judge_ipc_grow_locked(ngx_http_judge_zone_t *zone)
{
    ngx_uint_t              i, n;
    ngx_queue_t            *q;
    ngx_http_judge_proc_t  *procs, *old;

    old = zone->sh->procs;
    n = zone->sh->nprocs;

    procs = ngx_http_judge_zone_alloc_locked(zone,
                                        2 * n * sizeof(ngx_http_judge_proc_t));
    if (procs == NULL) {
        return -1;
    }

    for (i = 0; i < 2 * n; i++) {
        ngx_queue_init(&procs[i].mail);

        if (i >= n) {
            continue;
        }

        procs[i].pid = old[i].pid;
        procs[i].generation = old[i].generation;
        procs[i].worker = old[i].worker;

        /* the mail moves with its box */
        while (!ngx_queue_empty(&old[i].mail)) {
            q = ngx_queue_head(&old[i].mail);
            ngx_queue_remove(q);
            ngx_queue_insert_tail(&procs[i].mail, q);
        }
    }

    zone->sh->procs = procs;
    zone->sh->nprocs = 2 * n;
    ngx_slab_free_locked(zone->shpool, old);

    return n;
}


static ngx_http_judge_proc_t *
ngx_http_judge_ipc_find(ngx_http_judge_shctx_t *sh, ngx_pid_t pid)
{
    ngx_uint_t  i;

    for (i = 0; i < sh->nprocs; i++) {
        if (sh->procs[i].pid == pid) {
            return &sh->procs[i];
        }
    }

    return NULL;
}


static void
ngx_http_judge_ipc_doorbell_handler(ngx_event_t *ev)
{
    u_char                       buf[64];
    ssize_t                      n;
    ngx_connection_t            *c;
    ngx_http_judge_main_conf_t  *jmcf;

    c = ev->data;

    do {
        n = read(c->fd, buf, sizeof(buf));
    } while (n > 0);

    if (n == 0 || (n == -1 && ngx_errno != NGX_EAGAIN)) {
        ngx_log_error(NGX_LOG_ALERT, ev->log, ngx_errno,
                      "judge: doorbell closed");
        ngx_del_conn(c, 0);
        ngx_close_connection(c);
        return;
    }

    jmcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_http_judge_module);

    ngx_http_judge_ipc_drain(jmcf->zone);
}


static void
ngx_http_judge_ipc_timer_handler(ngx_event_t *ev)
{
    ngx_http_judge_zone_t  *zone = ev->data;

    ngx_http_judge_ipc_drain(zone);
    ngx_http_judge_ipc_watch(zone);

    ngx_http_judge_ipc_handlers.tick(zone, ++ngx_http_judge_ipc_ticks
                                           % NGX_HTTP_JUDGE_EXPIRE_EVERY
                                           == 0);

    /*
     * An old process after a reload: nobody rings its doorbell any more,
     * and its requests still waiting (?wait=true, event streams) hear of
     * their jobs through this timer only; after a stop, no process but
     * this one would write to the durable store the ends it has not yet.
     * It keeps the process for them (a cancelable timer would not), and
     * no longer.
     */

    ev->cancelable = !ngx_http_judge_ipc_handlers.pending(zone);

    if (!ngx_exiting || !ev->cancelable) {
        ngx_add_timer(ev, NGX_HTTP_JUDGE_IPC_POLL);
    }
}


/*
 * A message to this very process skips the zone and the doorbell: it is
 * queued in process memory and handed over from a posted event, after
 * the handler that sent it, as mail would be.
 */

static ngx_int_t
ngx_http_judge_ipc_post(ngx_http_judge_zone_t *zone,
    ngx_http_judge_addr_t *to, ngx_http_judge_msg_type_e type, u_char *data,
    size_t len)
{
    ngx_http_judge_msg_t  *msg;

    msg = ngx_alloc(offsetof(ngx_http_judge_msg_t, data) + len,
                    ngx_cycle->log);
    if (msg == NULL) {
        return NGX_ERROR;
    }

    ngx_http_judge_ipc_fill(msg, to, type, data, len);
    ngx_queue_insert_tail(&ngx_http_judge_ipc_local, &msg->queue);

    ngx_http_judge_ipc_local_ev.data = zone;
    ngx_post_event(&ngx_http_judge_ipc_local_ev, &ngx_posted_events);

    return NGX_OK;
}


static void
ngx_http_judge_ipc_fill(ngx_http_judge_msg_t *msg, ngx_http_judge_addr_t *to,
    ngx_http_judge_msg_type_e type, u_char *data, size_t len)
{
    msg->type = type;
    msg->id = to->id;
    msg->len = len;

    if (len) {
        ngx_memcpy(msg->data, data, len);
    }
}


static void
ngx_http_judge_ipc_local_handler(ngx_event_t *ev)
{
    ngx_queue_t           *q;
    ngx_http_judge_msg_t  *msg, *first, **last;

    first = NULL;
    last = &first;

    while (!ngx_queue_empty(&ngx_http_judge_ipc_local)) {
        q = ngx_queue_head(&ngx_http_judge_ipc_local);
        ngx_queue_remove(q);

        msg = ngx_queue_data(q, ngx_http_judge_msg_t, queue);
        msg->queue.next = NULL;
        *last = msg;
        last = (ngx_http_judge_msg_t **) &msg->queue.next;
    }

    ngx_http_judge_ipc_dispatch(ev->data, first);
}


/*
 * Takes every message out of our mailbox into process memory (under the
 * lock: a reset of the zone may recycle the mailbox's memory as soon as
 * it is released), frees them in the zone, then handles the copies.
 */

static void
ngx_http_judge_ipc_drain(ngx_http_judge_zone_t *zone)
{
    size_t                  size;
    ngx_queue_t            *q;
    ngx_http_judge_msg_t   *msg, *copy, *first, **last;
    ngx_http_judge_proc_t  *proc;

    if (ngx_http_judge_ipc_slot == -1) {
        return;
    }

    first = NULL;
    last = &first;

    ngx_http_judge_zone_lock(zone);

    proc = &zone->sh->procs[ngx_http_judge_ipc_slot];

    while (!ngx_queue_empty(&proc->mail)) {
        q = ngx_queue_head(&proc->mail);
        msg = ngx_queue_data(q, ngx_http_judge_msg_t, queue);

        size = offsetof(ngx_http_judge_msg_t, data) + msg->len;

        copy = ngx_alloc(size, ngx_cycle->log);
        if (copy == NULL) {
            break;
        }

        ngx_memcpy(copy, msg, size);

        /* the copies are chained through the queue's next pointer */
        copy->queue.next = NULL;
        *last = copy;
        last = (ngx_http_judge_msg_t **) &copy->queue.next;

        ngx_queue_remove(q);
        ngx_slab_free_locked(zone->shpool, msg);
    }

    ngx_http_judge_zone_unlock(zone);

    ngx_http_judge_ipc_dispatch(zone, first);
}


/* hands a chain of messages (in process memory) to their consumers */

static void
ngx_http_judge_ipc_dispatch(ngx_http_judge_zone_t *zone,
    ngx_http_judge_msg_t *first)
{
    ngx_http_judge_msg_t  *msg;

    while (first) {
        msg = first;
        first = (ngx_http_judge_msg_t *) msg->queue.next;

        switch (msg->type) {

        case NGX_HTTP_JUDGE_MSG_SEND:
        case NGX_HTTP_JUDGE_MSG_CLOSE:
        case NGX_HTTP_JUDGE_MSG_TASK:
            ngx_http_judge_ipc_handlers.stream(zone, msg);
            break;

        case NGX_HTTP_JUDGE_MSG_NOTIFY:
            ngx_http_judge_ipc_handlers.waiter(msg->id);
            break;
        }

        ngx_free(msg);
    }
}


/*
 * Finds processes that are gone and, once a tick, a reset of the zone.
 * Liveness is checked outside the lock; the pids are checked again
 * inside it.
 */

static void
ngx_http_judge_ipc_watch(ngx_http_judge_zone_t *zone)
{
    ngx_uint_t              i, n, nprocs, ngone, reset;
    ngx_pid_t              *pids, *gone;
    ngx_http_judge_proc_t  *proc;

    ngx_http_judge_zone_lock(zone);

    nprocs = zone->sh->nprocs;
    pids = ngx_alloc(2 * nprocs * sizeof(ngx_pid_t), ngx_cycle->log);

    for (i = 0; pids && i < nprocs; i++) {
        pids[i] = zone->sh->procs[i].pid;
    }

    reset = (zone->resets != zone->sh->resets);
    zone->resets = zone->sh->resets;

    ngx_http_judge_zone_unlock(zone);

    if (pids == NULL) {
        return;
    }

    gone = pids + nprocs;
    ngone = 0;

    for (i = 0; i < nprocs; i++) {
        if (pids[i] && pids[i] != ngx_pid
            && kill(pids[i], 0) == -1 && ngx_errno == NGX_ESRCH)
        {
            gone[ngone++] = pids[i];
        }
    }

    if (ngone) {
        ngx_http_judge_zone_lock(zone);

        for (i = 0; i < zone->sh->nprocs; i++) {
            proc = &zone->sh->procs[i];

            for (n = 0; n < ngone; n++) {
                if (proc->pid == gone[n]) {
                    ngx_http_judge_ipc_free_mail(zone, &proc->mail);
                    proc->pid = 0;
                }
            }
        }

        ngx_http_judge_zone_unlock(zone);
    }

    if (ngone || ngx_http_judge_ipc_ticks % NGX_HTTP_JUDGE_EXPIRE_EVERY == 0)
    {
        ngx_http_judge_ipc_handlers.gone(zone, gone, ngone);
    }

    ngx_free(pids);

    if (reset) {
        ngx_http_judge_ipc_handlers.reset();
    }
}



/* the zone must be locked */

static void
ngx_http_judge_ipc_free_mail(ngx_http_judge_zone_t *zone, ngx_queue_t *mail)
{
    ngx_queue_t  *q;

    while (!ngx_queue_empty(mail)) {
        q = ngx_queue_head(mail);
        ngx_queue_remove(q);
        ngx_slab_free_locked(zone->shpool,
                             ngx_queue_data(q, ngx_http_judge_msg_t, queue));
    }
}
