
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_MODULE_H_INCLUDED_
#define _NGX_HTTP_JUDGE_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


#define NGX_HTTP_JUDGE_VERSION  "0.1.0"


#define NGX_HTTP_JUDGE_MAX_PROCS     64
#define NGX_HTTP_JUDGE_MAX_ID_LEN    64


/* a judge-worker as the whole fleet sees it; one slab allocation */
typedef struct {
    ngx_rbtree_node_t            node;        /* key: crc32 of the id */
    ngx_queue_t                  queue;

    ngx_str_t                    id;
    ngx_str_t                    abi;
    ngx_str_t                    tags;        /* ",tag,tag," */
    ngx_str_t                    languages;   /* ",c,cpp," */
    ngx_str_t                    detail;      /* JSON members, rendered once */

    ngx_uint_t                   cores;
    ngx_uint_t                   slots;
    ngx_uint_t                   free_slots;
    ngx_uint_t                   active_tasks;
    ngx_uint_t                   cpu_percent;
    ngx_uint_t                   load100;     /* load average * 100 */
    uint64_t                     ram_kb;
    uint64_t                     ram_used_kb;
    uint64_t                     tasks_done;

    /* the stream: which nginx process holds it, since when */
    ngx_pid_t                    owner_pid;
    ngx_uint_t                   owner_worker;
    ngx_uint_t                   generation;
    uint64_t                     stream_id;
    time_t                       connected;
    ngx_msec_t                   last_seen;
    ngx_msec_t                   timeout;

    /* who waits for the worker to go (POST /workers/{id}/drain) */
    ngx_pid_t                    waiter_pid;
    ngx_uint_t                   waiter_generation;
    uint64_t                     waiter_id;

    unsigned                     draining:1;
} ngx_http_judge_worker_t;


/* a message from one nginx process to another, queued in the zone */
typedef enum {
    NGX_HTTP_JUDGE_MSG_SEND = 1,       /* send the frame on stream_id */
    NGX_HTTP_JUDGE_MSG_CLOSE,          /* close stream_id */
    NGX_HTTP_JUDGE_MSG_NOTIFY          /* wake waiter id */
} ngx_http_judge_msg_type_e;


typedef struct {
    ngx_queue_t                  queue;
    ngx_http_judge_msg_type_e    type;
    uint64_t                     id;          /* stream or waiter id */
    size_t                       len;
    u_char                       data[1];
} ngx_http_judge_msg_t;


/* one live nginx worker process and its mailbox */
typedef struct {
    ngx_pid_t                    pid;
    ngx_uint_t                   generation;
    ngx_uint_t                   worker;      /* ngx_worker in that cycle */
    ngx_queue_t                  mail;
} ngx_http_judge_proc_t;


/* the root object of the shared zone, hung on shpool->data */
typedef struct {
    time_t                       created;
    ngx_uint_t                   generation;
    uint64_t                     next_id;

    ngx_rbtree_t                 workers;
    ngx_rbtree_node_t            workers_sentinel;
    ngx_queue_t                  workers_queue;
    ngx_uint_t                   nworkers;
    ngx_uint_t                   free_slots;  /* of workers not draining */

    ngx_http_judge_proc_t        procs[NGX_HTTP_JUDGE_MAX_PROCS];
} ngx_http_judge_shctx_t;


/* process-local handle of the zone, allocated from the cycle's conf pool */
typedef struct {
    ngx_http_judge_shctx_t      *sh;
    ngx_slab_pool_t             *shpool;
    ngx_shm_zone_t              *shm_zone;
    ngx_uint_t                   generation;
} ngx_http_judge_zone_t;


typedef struct {
    ngx_http_judge_zone_t       *zone;
    ngx_socket_t                *doorbells;   /* [2 * worker_processes] */
    ngx_uint_t                   ndoorbells;
    unsigned                     used:1;
} ngx_http_judge_main_conf_t;


typedef struct {
    ngx_str_t                    token;
    size_t                       max_frame_size;
    ngx_msec_t                   heartbeat_interval;
    ngx_msec_t                   heartbeat_timeout;
    ngx_msec_t                   drain_timeout;
    unsigned                     endpoint:1;
} ngx_http_judge_loc_conf_t;


/* what a Register frame carries into the registry */
typedef struct {
    ngx_str_t                    id;
    ngx_str_t                    abi;
    ngx_str_t                    tags;
    ngx_str_t                    languages;
    ngx_str_t                    detail;
    ngx_uint_t                   cores;
    ngx_uint_t                   slots;
    uint64_t                     ram_kb;
    uint64_t                     stream_id;
    ngx_msec_t                   timeout;
} ngx_http_judge_worker_info_t;


/* a process-to-process address: a process of a generation, and an id */
typedef struct {
    ngx_pid_t                    pid;
    ngx_uint_t                   generation;
    uint64_t                     id;
} ngx_http_judge_addr_t;


extern ngx_module_t  ngx_http_judge_module;


ngx_int_t ngx_http_judge_init_zone(ngx_shm_zone_t *shm_zone, void *data);
void ngx_http_judge_zone_stats(ngx_http_judge_zone_t *zone,
    ngx_uint_t *generation, time_t *created, size_t *size, size_t *free);
uint64_t ngx_http_judge_zone_next_id(ngx_http_judge_zone_t *zone);

ngx_int_t ngx_http_judge_registry_add(ngx_http_judge_zone_t *zone,
    ngx_http_judge_worker_info_t *info, ngx_http_judge_addr_t *old);
void ngx_http_judge_registry_heartbeat(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, uint64_t stream_id, ngx_uint_t free_slots,
    ngx_uint_t active_tasks, ngx_uint_t load100, ngx_uint_t cpu_percent,
    uint64_t ram_used_kb, uint64_t ram_total_kb, uint64_t tasks_done);
void ngx_http_judge_registry_remove(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, uint64_t stream_id, ngx_http_judge_addr_t *waiter);
ngx_int_t ngx_http_judge_registry_drain(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, ngx_http_judge_addr_t *waiter,
    ngx_http_judge_addr_t *stream);
void ngx_http_judge_registry_counts(ngx_http_judge_zone_t *zone,
    ngx_uint_t *workers, ngx_uint_t *free_slots);
ngx_buf_t *ngx_http_judge_registry_json(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool);
void ngx_http_judge_registry_expire(ngx_http_judge_zone_t *zone);

ngx_int_t ngx_http_judge_ipc_init_module(ngx_cycle_t *cycle);
ngx_int_t ngx_http_judge_ipc_init_process(ngx_cycle_t *cycle);
void ngx_http_judge_ipc_exit_process(ngx_cycle_t *cycle);
ngx_int_t ngx_http_judge_ipc_send(ngx_http_judge_zone_t *zone,
    ngx_http_judge_addr_t *to, ngx_http_judge_msg_type_e type,
    u_char *data, size_t len);

void ngx_http_judge_stream_deliver(ngx_http_judge_msg_t *msg);
void ngx_http_judge_waiter_deliver(uint64_t id);

ngx_int_t ngx_http_judge_api_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_judge_stream_handler(ngx_http_request_t *r);

ngx_int_t ngx_http_judge_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_buf_t *b);
ngx_int_t ngx_http_judge_send_error(ngx_http_request_t *r, ngx_uint_t status,
    char *code, char *message);
size_t ngx_http_judge_json_str_len(ngx_str_t *s);
u_char *ngx_http_judge_json_str(u_char *p, ngx_str_t *s);
size_t ngx_http_judge_json_list_len(ngx_str_t *list);
u_char *ngx_http_judge_json_list(u_char *p, ngx_str_t *list);


#endif /* _NGX_HTTP_JUDGE_MODULE_H_INCLUDED_ */
