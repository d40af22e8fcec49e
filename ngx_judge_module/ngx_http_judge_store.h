
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_STORE_H_INCLUDED_
#define _NGX_HTTP_JUDGE_STORE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_session.h"


/*
 * The store: what the API does to records (today jobs) goes through
 * these operations, and never through the zone's trees.  The embedded
 * store is the zone (ngx_http_judge_zone_store); a durable store puts
 * itself in front of it and may answer later.
 *
 * Every operation takes an ngx_http_judge_store_op_t.  It returns NGX_OK
 * or its own error codes when it is done at once, or NGX_AGAIN when it
 * will call op->done with the outcome in op->rc; until then op and its
 * pool must live.
 */


typedef struct ngx_http_judge_store_op_s  ngx_http_judge_store_op_t;
typedef struct ngx_http_judge_store_s     ngx_http_judge_store_t;

typedef void (*ngx_http_judge_store_done_pt)(ngx_http_judge_store_op_t *op);


/* what a session operation does (ngx_http_judge_store_t's "session") */
typedef enum {
    NGX_HTTP_JUDGE_SESSION_CREATE = 0,
    NGX_HTTP_JUDGE_SESSION_READ,
    NGX_HTTP_JUDGE_SESSION_UPDATE,
    NGX_HTTP_JUDGE_SESSION_CLOSE,
    NGX_HTTP_JUDGE_SESSION_DELETE,
    NGX_HTTP_JUDGE_SESSION_ADMIT,
    NGX_HTTP_JUDGE_SESSION_RAN,
    NGX_HTTP_JUDGE_SESSION_REFUND,
    NGX_HTTP_JUDGE_SESSION_HISTORY
} ngx_http_judge_session_verb_e;


/* where a reader of a job's events stands, from one read to the next */
typedef struct {
    ngx_uint_t                   sent;        /* results sent */
    ngx_uint_t                   chunks;      /* a run's output sent */
    ngx_uint_t                   status;      /* a run's status sent, + 1 */
    ngx_file_t                  *results;     /* opened once */
    ngx_chain_t                 *free;        /* buffers to reuse */
} ngx_http_judge_cursor_t;


struct ngx_http_judge_store_op_s {
    ngx_http_judge_zone_t       *zone;
    ngx_pool_t                  *pool;        /* answers are built here */
    ngx_log_t                   *log;
    ngx_str_t                    id;          /* create fills it */

    /* create */
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_submission_t *sub;
    uint64_t                     created;     /* ms; 0: now */
    unsigned                     durable:1;   /* its end is to be kept */
    unsigned                     want:1;      /* its program, from afar */
    unsigned                     spills:3;    /* frontends it left */
    unsigned                     restored:1;  /* accepted elsewhere */

    /* read, events */
    ngx_chain_t                 *out;
    off_t                        len;
    ngx_http_judge_cursor_t     *cursor;      /* events */
    ngx_uint_t                   finished;
    unsigned                     local:1;     /* read: what is here now */
    unsigned                     execution:1; /* read, events, cancel: a
                                                 run of a code session
                                                 is asked for;
                                                 NGX_DECLINED if it is
                                                 none */

    /* watch, unwatch */
    ngx_http_judge_addr_t       *addr;
    ngx_uint_t                   progress;    /* every result, or the end */
    uint64_t                     waiter;

    /* session: op->id names it (create fills view->id) */
    ngx_http_judge_session_verb_e    verb;
    ngx_http_judge_session_change_t *change;   /* create, update */
    ngx_http_judge_session_view_t   *view;     /* what it is now */
    ngx_http_judge_session_limits_t *limits;   /* create, admit, ran */
    ngx_msec_t                   ttl;         /* create */
    ngx_msec_t                   retry;       /* admit refused: for how
                                                 long */
    ngx_array_t                 *execs;       /* delete: ids; history:
                                                 ngx_http_judge_exec_t */
    uint64_t                     before;      /* history: the cursor */
    ngx_uint_t                   limit;       /* history */
    uint64_t                     next;        /* history: older ones */
    u_char                      *exec;        /* ran: the job */
    uint64_t                     created_ms;  /* ran */

    /* idem: an Idempotency-Key's digest, its body's; "end" its answer */
    u_char                      *key;
    u_char                      *body;
    ngx_uint_t                   status;      /* end: 0, the key is free */
    ngx_str_t                    answer;
    unsigned                     end:1;

    /* an operation answered later */
    ngx_int_t                    rc;
    ngx_http_judge_store_done_pt done;
    void                        *data;
};


struct ngx_http_judge_store_s {
    const char                  *name;

    /*
     * create: files an accepted submission, op->id names it.  Errors as
     * ngx_http_judge_job_create() says.
     */
    ngx_int_t                  (*create)(ngx_http_judge_store_op_t *op);

    /* read, events: a job's JSON, or what is new since op->cursor */
    ngx_int_t                  (*read)(ngx_http_judge_store_op_t *op);
    ngx_int_t                  (*events)(ngx_http_judge_store_op_t *op);

    /* watch: op->addr is told of the job's news; NGX_DONE: it is over */
    ngx_int_t                  (*watch)(ngx_http_judge_store_op_t *op);
    void                       (*unwatch)(ngx_http_judge_store_op_t *op);

    /* cancel: NGX_DONE if the job had finished */
    ngx_int_t                  (*cancel)(ngx_http_judge_store_op_t *op);

    /* expire: finished records past their time go */
    void                       (*expire)(ngx_http_judge_zone_t *zone);

    /* sync, at every tick: what is due goes to a durable store (or NULL) */
    void                       (*sync)(ngx_http_judge_zone_t *zone);

    /*
     * fleet: every frontend's workers on a shared store, as
     * {"count":N,"frontends":[{"instance":...,"count":...,"workers":[...]}]}
     * (or NULL: this frontend is the fleet)
     */
    ngx_int_t                  (*fleet)(ngx_http_judge_store_op_t *op);

    /*
     * metrics: every frontend's figures on a shared store (this one's
     * alone on the zone's), as the Prometheus text of
     * GET /metrics?scope=fleet
     */
    ngx_int_t                  (*metrics)(ngx_http_judge_store_op_t *op);

    /*
     * artifact: a compile's outcome was taken in (OK or CE): its answer
     * (JSON members) and, when OK, the program (or NULL)
     */
    void                       (*artifact)(ngx_http_judge_zone_t *zone,
                                           u_char *hash, ngx_uint_t status,
                                           ngx_str_t *abi,
                                           ngx_str_t *compile,
                                           ngx_str_t *program);

    /*
     * offered: a worker of another frontend offers the language (NGX_OK,
     * with *compiled), as last heard; NGX_BUSY: the fleet not heard yet
     * (or NULL)
     */
    ngx_int_t                  (*offered)(ngx_http_judge_zone_t *zone,
                                          ngx_str_t *language,
                                          ngx_uint_t *compiled);

    /* result: a test's result (JSON) was taken in (or NULL) */
    void                       (*result)(ngx_http_judge_zone_t *zone,
                                         ngx_str_t *id, u_char *json,
                                         size_t len);

    /*
     * session: a code session's operation (op->verb), with the codes of
     * ngx_http_judge_session.h: create NGX_DECLINED (no room), read and
     * the others NGX_DECLINED (no such session), update NGX_BUSY (another
     * revision) and NGX_ABORT (closed), admit NGX_ABORT, NGX_DONE (past
     * the rate) and NGX_BUSY (cooling down) with op->retry;
     * NGX_HTTP_INSUFFICIENT_STORAGE and NGX_HTTP_SERVICE_UNAVAILABLE for
     * the bytes not kept
     */
    ngx_int_t                  (*session)(ngx_http_judge_store_op_t *op);

    /*
     * idem: an Idempotency-Key begun (codes of ngx_http_judge_idem_begin(),
     * the first answer in op->status and op->answer) or ended (op->end)
     */
    ngx_int_t                  (*idem)(ngx_http_judge_store_op_t *op);

    /*
     * up: whether this process reaches the durable store now (or NULL:
     * the zone is the store)
     */
    ngx_uint_t                 (*up)(void);
};


/* a frontend and its GET /workers, to be shown with the fleet */
typedef struct {
    ngx_str_t                    instance;
    ngx_str_t                    workers;     /* {"count":N,"workers":[]} */
} ngx_http_judge_shown_t;


ngx_int_t ngx_http_judge_store_fleet_json(ngx_http_judge_store_op_t *op,
    ngx_http_judge_shown_t *shown, ngx_uint_t n);


ngx_int_t ngx_http_judge_zone_session(ngx_http_judge_store_op_t *op);
ngx_int_t ngx_http_judge_store_cancel_here(ngx_http_judge_store_op_t *op);
ngx_int_t ngx_http_judge_zone_idem(ngx_http_judge_store_op_t *op);


extern ngx_http_judge_store_t  ngx_http_judge_zone_store;
extern ngx_http_judge_store_t  ngx_http_judge_redis_store;


#endif /* _NGX_HTTP_JUDGE_STORE_H_INCLUDED_ */
