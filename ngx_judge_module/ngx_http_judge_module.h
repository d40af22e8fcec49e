
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_MODULE_H_INCLUDED_
#define _NGX_HTTP_JUDGE_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "judge.pb-c.h"


#define NGX_HTTP_JUDGE_VERSION  "0.1.0"


#define NGX_HTTP_JUDGE_MIN_PROCS     64      /* process table, at least */
#define NGX_HTTP_JUDGE_MAX_ID_LEN    64
#define NGX_HTTP_JUDGE_JOB_ID_LEN    24
#define NGX_HTTP_JUDGE_HASH_LEN      64      /* hex SHA-256 */
#define NGX_HTTP_JUDGE_CLIENT_LEN    16      /* MD5 of judge_client_key */
#define NGX_HTTP_JUDGE_MAX_WAITERS   64
#define NGX_HTTP_JUDGE_MAX_LANGS     64
#define NGX_HTTP_JUDGE_SHA256_LEN    32      /* binary SHA-256 */
#define NGX_HTTP_JUDGE_HELD          16      /* artifacts known per worker */
#define NGX_HTTP_JUDGE_INSTANCE_LEN  8       /* hex: names the zone's files */
#define NGX_HTTP_JUDGE_MAX_TEMPLATE  4096    /* a language's template */

/*
 * How long a language stays runnable after its last worker went: workers
 * reconnect after an nginx reload or a restart of their own.
 */
#define NGX_HTTP_JUDGE_REJOIN_GRACE  15000

#define NGX_HTTP_JUDGE_UNPROCESSABLE      422
#define NGX_HTTP_JUDGE_UPGRADE_REQUIRED   426


/* a process-to-process address: a process of a generation, and an id */
typedef struct {
    ngx_pid_t                    pid;
    ngx_uint_t                   generation;
    uint64_t                     id;
} ngx_http_judge_addr_t;


/*
 * Bytes kept in the cache directory (ngx_http_judge_blobs.c), named by
 * their SHA-256 and the serial of the index entry that made the file.
 * A zero serial is no blob.
 */
typedef struct {
    u_char                       hash[NGX_HTTP_JUDGE_SHA256_LEN];
    uint64_t                     serial;
    uint64_t                     len;
} ngx_http_judge_blob_ref_t;


/* the zone's index entry of one blob file */
typedef struct {
    ngx_str_node_t               sn;          /* by hash */
    ngx_queue_t                  lru;         /* unreferenced, newest first */
    u_char                       hash[NGX_HTTP_JUDGE_SHA256_LEN];
    uint64_t                     serial;
    uint64_t                     len;
    ngx_uint_t                   refs;
} ngx_http_judge_blob_t;


/* where one test's rendered result lies in its job's results file */
typedef struct {
    uint64_t                     off;
    uint32_t                     len;
} ngx_http_judge_result_t;


/*
 * One language a worker offers.  In the registry its strings lie in the
 * worker's record; "flags" are the patterns of the compiler flags it
 * takes, comma-wrapped (",-O2,-std=*,").
 */
typedef struct {
    ngx_str_t                    id;
    ngx_str_t                    name;
    ngx_str_t                    version;
    ngx_str_t                    flags;
    ngx_str_t                    file_name;   /* the source's */
    ngx_str_t                    runtime;
    ngx_str_t                    template;    /* a new session's source */
    unsigned                     compiled:1;
} ngx_http_judge_worker_lang_t;


/* a judge-worker as the whole fleet sees it; one slab allocation */
typedef struct {
    ngx_str_node_t               sn;          /* by id (crc32, then bytes) */
    ngx_queue_t                  queue;

    ngx_str_t                    id;
    ngx_str_t                    abi;
    ngx_str_t                    tags;        /* ",tag,tag," */
    ngx_str_t                    languages;   /* ",c,cpp," */
    ngx_str_t                    compiled;    /* ",c,cpp," of those compiled */
    ngx_http_judge_worker_lang_t *langs;
    ngx_uint_t                   nlangs;
    ngx_str_t                    detail;      /* JSON members, rendered once */

    ngx_uint_t                   inflight;    /* tests and compiles sent */
    size_t                       max_frame;   /* the largest it accepts */

    /* artifacts it holds (hex hashes), a ring of the latest */
    u_char                       held[NGX_HTTP_JUDGE_HELD]
                                     [NGX_HTTP_JUDGE_HASH_LEN];
    ngx_uint_t                   held_next;

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
    unsigned                     can_compile:1;
} ngx_http_judge_worker_t;


/* a message from one nginx process to another, queued in the zone */
typedef enum {
    NGX_HTTP_JUDGE_MSG_SEND = 1,       /* send the frame on stream_id */
    NGX_HTTP_JUDGE_MSG_CLOSE,          /* close stream_id */
    NGX_HTTP_JUDGE_MSG_NOTIFY,         /* wake waiter id */
    NGX_HTTP_JUDGE_MSG_TASK            /* a task head, then a recipe of
                                          bytes and blob ranges: make the
                                          frame and send it, if the task
                                          is still out to this stream */
} ngx_http_judge_msg_type_e;


/* which task a NGX_HTTP_JUDGE_MSG_TASK carries */

typedef struct {
    u_char                       key[NGX_HTTP_JUDGE_HASH_LEN];
    size_t                       key_len;     /* job id or artifact hash */
    uint64_t                     task_id;
} ngx_http_judge_task_head_t;


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


typedef enum {
    NGX_HTTP_JUDGE_QUEUED = 0,
    NGX_HTTP_JUDGE_COMPILING,
    NGX_HTTP_JUDGE_RUNNING,
    NGX_HTTP_JUDGE_COMPLETED,
    NGX_HTTP_JUDGE_FAILED,
    NGX_HTTP_JUDGE_CANCELLED
} ngx_http_judge_job_status_e;


typedef enum {
    NGX_HTTP_JUDGE_TASK_PENDING = 0,
    NGX_HTTP_JUDGE_TASK_RUNNING,
    NGX_HTTP_JUDGE_TASK_DONE
} ngx_http_judge_task_state_e;


/* one unit of work sent to one worker: a compile or a batch of tests */
typedef struct {
    ngx_http_judge_addr_t        worker;      /* stream it went to */
    uint64_t                     task_id;
    uint32_t                     first;
    uint32_t                     count;
    uint32_t                     reported;
    ngx_http_judge_task_state_e  state;
    ngx_uint_t                   attempt;
    ngx_msec_t                   not_before;
    ngx_msec_t                   deadline;    /* running: given up after */
    unsigned                     send_artifact:1;
    unsigned                     returns:4;   /* handed back unstarted */
} ngx_http_judge_task_t;


/* a compiled artifact, or a compilation under way, by source hash */
typedef struct {
    ngx_str_node_t               sn;          /* by hash (crc32, then bytes) */
    ngx_queue_t                  queue;       /* LRU, most recent first */
    u_char                       hash[NGX_HTTP_JUDGE_HASH_LEN];
    ngx_uint_t                   status;      /* Judge__Status; 0: none yet */
    ngx_http_judge_blob_ref_t    spec;        /* packed CompileTask */
    ngx_str_t                    language;
    ngx_http_judge_blob_ref_t    artifact;
    ngx_str_t                    abi;
    ngx_http_judge_blob_ref_t    compile;     /* JSON members of "compile",
                                                 as the worker told it */
    ngx_str_t                    note;        /* or as the judge decided */
    ngx_http_judge_task_t        task;
    ngx_uint_t                   max_attempts;
    size_t                       max_artifact;
    ngx_msec_t                   compile_time;  /* its wall time limit */
    ngx_msec_t                   grace;       /* beyond the compile limit */
    ngx_msec_t                   orphan_since;  /* no worker can compile */
    ngx_msec_t                   orphan_limit;
    ngx_queue_t                  compiling;   /* sh->compiling, while sent */
    unsigned                     in_compiling:1;
} ngx_http_judge_artifact_t;


/*
 * A client, as judge_client_key tells clients apart, while it has
 * unfinished jobs.  Scheduling shares the workers' slots out between
 * clients first, then between a client's jobs.
 */
typedef struct {
    ngx_str_node_t               sn;          /* by key */
    u_char                       key[NGX_HTTP_JUDGE_CLIENT_LEN];
    ngx_uint_t                   jobs;        /* unfinished */
    ngx_uint_t                   running;     /* tests out, of all its jobs */
    ngx_queue_t                  entries;     /* its ready sets, by class */
} ngx_http_judge_client_t;


typedef struct ngx_http_judge_entry_s  ngx_http_judge_entry_t;


/* someone (a request in some process) to tell about a job's progress */
typedef struct {
    ngx_queue_t                  queue;
    ngx_http_judge_addr_t        addr;
    unsigned                     progress:1;  /* every test, not just the end */
} ngx_http_judge_waiter_t;


typedef struct {
    ngx_str_node_t               sn;          /* by id (crc32, then bytes) */
    ngx_queue_t                  queue;       /* active or finished list */
    ngx_queue_t                  due_link;    /* in "due" until the durable
                                                 store has its end */
    ngx_msec_t                   due_sent;    /* when its end went */
    u_char                       id[NGX_HTTP_JUDGE_JOB_ID_LEN];

    ngx_http_judge_job_status_e  status;
    ngx_uint_t                   verdict;     /* Judge__Status */
    uint32_t                     ntests;
    uint32_t                     nresults;
    uint32_t                     passed;
    uint32_t                     stop_at;     /* first failing index, when
                                                 stopping at the first */
    uint64_t                     created_ms;
    uint64_t                     finished_ms;
    ngx_msec_t                   expires;

    ngx_str_t                    language;
    u_char                       hash[NGX_HTTP_JUDGE_HASH_LEN];
    ngx_http_judge_blob_ref_t    compile_spec; /* packed CompileTask */
    ngx_http_judge_blob_ref_t    run_spec;    /* ExecuteBatchTask, no tests */
    ngx_http_judge_blob_ref_t    tests;       /* the tests, each a framed
                                                 ExecuteBatchTask.tests */
    uint64_t                    *test_off;    /* [ntests + 1] in "tests" */
    ngx_http_judge_blob_ref_t    compile;     /* JSON members of "compile" */
    ngx_str_t                    note;        /* or the judge's own */
    ngx_str_t                    message;
    ngx_str_t                    failure;     /* the words of the worker of
                                                 the last batch that failed */
    size_t                       max_artifact;
    ngx_msec_t                   test_time;   /* the longest a test may take */
    ngx_msec_t                   compile_time;  /* the longest a compile may */
    ngx_msec_t                   grace;       /* a task's deadline beyond */

    uint64_t                     serial;      /* names the results file */
    uint64_t                     results_size; /* bytes claimed in it */
    uint64_t                     charged;     /* of the cache directory's
                                                 size: its results' most
                                                 while it runs, then what
                                                 they took */
    size_t                       max_capture;
    ngx_http_judge_result_t     *results;     /* [ntests] test JSON */
    uint32_t                    *order;       /* [ntests] finishing order */
    u_char                      *test_status; /* [ntests] Judge__Status */

    ngx_http_judge_task_t       *batches;
    ngx_uint_t                   nbatches;
    ngx_uint_t                   batch_size;
    ngx_http_judge_client_t     *client;

    /* the scheduler's: tests out, the next batch to send, and where the
       job is in its structures (ngx_http_judge_ready.h) */
    ngx_uint_t                   running;
    ngx_uint_t                   next_batch;
    ngx_http_judge_entry_t      *entry;       /* ready: in this set */
    ngx_rbtree_node_t            ready_node;
    ngx_rbtree_node_t            timer;
    ngx_queue_t                  dirty_link;
    ngx_uint_t                   max_attempts;
    ngx_msec_t                   ttl;
    ngx_msec_t                   keep_until;  /* not evicted before */
    ngx_msec_t                   min_ttl;

    ngx_queue_t                  waiters;
    ngx_msec_t                   orphan_since;  /* no worker can run it */
    ngx_msec_t                   orphan_limit;

    /*
     * a stored problem's job: its lines of the problem (see
     * ngx_http_judge_submit_stored()), where its stages end and what they
     * are worth (points * 1000), which tests are hidden ('1')
     */
    ngx_str_t                    problem;
    uint32_t                    *stage_end;
    uint64_t                    *stage_points;
    ngx_uint_t                   nstages;
    u_char                      *hidden;

    unsigned                     compiled:1;
    unsigned                     cached:1;
    unsigned                     stop_on_failure:1;
    unsigned                     all_stages:1;
    unsigned                     scoring:1;
    unsigned                     in_tree:1;
    unsigned                     in_timer:1;
    unsigned                     dirty:1;
    unsigned                     unwritten:2; /* a result was not kept:
                                                 1 failed, 2 a full disk */
    unsigned                     durable:2;   /* its end, to the durable
                                                 store: 1 due, 2 going,
                                                 3 written */
    unsigned                     spills:3;    /* frontends it left */
    unsigned                     execution:1; /* a code session's run */

    /* a run of a code session: which, and how its one test ended */
    u_char                       session[NGX_HTTP_JUDGE_JOB_ID_LEN];
    uint64_t                     revision;
    uint64_t                     started_ms;
    int32_t                      exit_code;
    int32_t                      signal;
    uint32_t                     wall_ms;
    uint32_t                     cpu_ms;
    uint64_t                     memory_kb;
    ngx_http_judge_result_t      out;         /* its stdout and stderr, */
    ngx_http_judge_result_t      err;         /* JSON strings in the file */
    unsigned                     out_cut:1;
    unsigned                     err_cut:1;
    unsigned                     ran:1;       /* its test has a result */

    /*
     * what the run wrote while it ran: pieces of SSE data in the
     * results file, the bytes of stdout and stderr shown so far, and
     * the task they are of (a task run again starts over)
     */
    ngx_http_judge_result_t     *chunks;
    uint32_t                     nchunks;
    uint32_t                     chunks_cap;
    uint64_t                     live[2];
    uint64_t                     live_task;
    uint32_t                     live_attempt;
    uint32_t                     starts;      /* its batches sent */
    uint64_t                     live_bytes;
    u_char                       held[2][4];  /* an incomplete character */
    size_t                       held_len[2];
} ngx_http_judge_job_t;


/*
 * A language some worker offered: how many live workers offer it, when
 * one last could run it, whether it is compiled (once a worker or the
 * languages file said so), and the flags its latest worker took (in the
 * slab pool), which stand while its workers are away.
 */
typedef struct {
    u_char                       id[NGX_HTTP_JUDGE_MAX_ID_LEN];
    size_t                       len;
    ngx_uint_t                   workers;
    ngx_msec_t                   last_live;
    ngx_str_t                    flags;
    unsigned                     compiled:1;
    unsigned                     compiled_known:1;
} ngx_http_judge_lang_t;


/* the root object of the shared zone, hung on shpool->data */
typedef struct {
    time_t                       created;
    ngx_atomic_t                 generation;  /* moved on without the lock */
    uint64_t                     next_id;

    /* the process inside the lock; a dead one left the zone half-changed */
    ngx_pid_t                    holder;
    ngx_uint_t                   resets;
    uint64_t                     reset_serial; /* files below are stale */
    ngx_uint_t                   reserve;     /* pages kept for what runs */
    u_char                       instance[NGX_HTTP_JUDGE_INSTANCE_LEN];

    ngx_rbtree_t                 workers;
    ngx_rbtree_node_t            workers_sentinel;
    ngx_queue_t                  workers_queue;
    ngx_uint_t                   nworkers;
    ngx_uint_t                   free_slots;  /* of workers not draining */

    ngx_http_judge_proc_t       *procs;       /* grows when full */
    ngx_uint_t                   nprocs;

    ngx_rbtree_t                 jobs;
    ngx_rbtree_node_t            jobs_sentinel;
    ngx_queue_t                  active;      /* jobs not finished */
    ngx_queue_t                  finished;    /* oldest last */
    ngx_queue_t                  due;         /* finished, their end not
                                                 yet kept by the durable
                                                 store: by when each was
                                                 due or went, oldest
                                                 first */
    ngx_uint_t                   nactive;

    ngx_rbtree_t                 clients;
    ngx_rbtree_node_t            clients_sentinel;
    ngx_uint_t                   nclients;    /* with unfinished jobs */

    ngx_rbtree_t                 artifacts;
    ngx_rbtree_node_t            artifacts_sentinel;
    ngx_queue_t                  artifacts_lru;
    ngx_queue_t                  compiling;   /* artifacts being compiled */

    /* the scheduler's (ngx_http_judge_ready.h) */
    ngx_queue_t                  classes;
    ngx_queue_t                  dirty;
    ngx_rbtree_t                 timers;
    ngx_rbtree_node_t            timers_sentinel;

    ngx_rbtree_t                 blobs;
    ngx_rbtree_node_t            blobs_sentinel;
    ngx_queue_t                  blobs_lru;
    uint64_t                     blob_bytes;
    ngx_uint_t                   nblobs;

    ngx_http_judge_lang_t        languages[NGX_HTTP_JUDGE_MAX_LANGS];

    /* code sessions (ngx_http_judge_session.h), and Idempotency-Key */
    ngx_rbtree_t                 sessions;
    ngx_rbtree_node_t            sessions_sentinel;
    ngx_queue_t                  sessions_lru;
    ngx_uint_t                   nsessions;
    ngx_rbtree_t                 idem;
    ngx_rbtree_node_t            idem_sentinel;
    ngx_queue_t                  idem_lru;
    uint64_t                     sessions_made;
    uint64_t                     sessions_expired;
    uint64_t                     sessions_evicted;
    uint64_t                     runs_refused[2]; /* past the rate,
                                                     cooling down */
    uint64_t                     executions;

    uint64_t                     submissions;
    uint64_t                     takeovers;   /* accepted elsewhere */
    uint64_t                     data_files;  /* test files sent to workers */
    uint64_t                     data_bytes;
    uint64_t                     problems_rev; /* {problems:rev}, as Redis
                                                  last said */
    uint64_t                     compiles;
    uint64_t                     cache_hits;
    uint64_t                     tests_judged;
    uint64_t                     retries;
    uint64_t                     deadlines;   /* tasks given up on in time */
    uint64_t                     verdicts[16];  /* by Judge__Status */
} ngx_http_judge_shctx_t;


/* process-local handle of the zone, allocated from the cycle's conf pool */
typedef struct {
    ngx_http_judge_shctx_t      *sh;          /* valid under the lock */
    ngx_slab_pool_t             *shpool;
    ngx_shm_zone_t              *shm_zone;
    ngx_uint_t                   generation;
    ngx_uint_t                   resets;      /* as this process knows */

    ngx_path_t                  *cache;       /* judge_cache_path */
    off_t                        cache_max;
    ngx_path_t                  *problems;    /* judge_problems_path */
    u_char                       instance[NGX_HTTP_JUDGE_INSTANCE_LEN];
    ngx_uint_t                   nprocs;      /* a new table's size */
    ngx_array_t                 *known;       /* judge_languages */
    struct ngx_http_judge_store_s *store;     /* where records live */
} ngx_http_judge_zone_t;


typedef struct ngx_http_judge_redis_conf_s  ngx_http_judge_redis_conf_t;


typedef struct {
    ngx_http_judge_zone_t       *zone;
    ngx_path_t                  *cache;
    off_t                        cache_max;
    ngx_path_t                  *problems;    /* judge_problems_path */
    ngx_array_t                 *languages;   /* judge_languages */
    ngx_socket_t                *doorbells;   /* [2 * worker_processes] */
    ngx_uint_t                   ndoorbells;
    ngx_http_judge_redis_conf_t *redis;       /* judge_redis */
    ngx_msec_t                   redis_timeout;
    unsigned                     used:1;
} ngx_http_judge_main_conf_t;


typedef struct {
    uint64_t                     value;
    uint64_t                     max;
} ngx_http_judge_limit_t;


typedef struct {
    ngx_http_judge_limit_t       cpu_time;    /* ms */
    ngx_http_judge_limit_t       wall_time;   /* ms */
    ngx_http_judge_limit_t       memory;      /* KiB */
    ngx_http_judge_limit_t       output;      /* KiB */
    ngx_http_judge_limit_t       stack;       /* KiB */
    ngx_http_judge_limit_t       processes;
    ngx_uint_t                   batch_size;  /* 0: from free slots */
    ngx_uint_t                   max_tests;
    ngx_uint_t                   max_attempts;
    ngx_uint_t                   queue_size;
    ngx_http_complex_value_t    *client_key;  /* whose jobs these are */
    ngx_uint_t                   client_jobs; /* unfinished, per client;
                                                 0: any number */
    ngx_msec_t                   max_job_time; /* tests x wall time */
    size_t                       max_body_size;
    size_t                       max_problem_size;  /* PUT /problems */
    size_t                       max_source_size;
    size_t                       max_capture;
    size_t                       max_artifact_size;
    ngx_msec_t                   result_ttl;
    ngx_msec_t                   result_min_ttl;
    ngx_msec_t                   task_grace;
    ngx_msec_t                   compile_cpu_time;   /* the compile caps */
    ngx_msec_t                   compile_wall_time;
    size_t                       compile_memory;
    ngx_msec_t                   wait_timeout;
    ngx_msec_t                   no_worker_timeout;

    ngx_msec_t                   session_ttl;
    ngx_uint_t                   session_rate; /* runs per minute * 1000 */
    ngx_uint_t                   session_burst;
    ngx_uint_t                   session_max_failures;
    ngx_msec_t                   session_cooldown;
    ngx_uint_t                   session_history;
    ngx_msec_t                   idempotency_ttl;

    ngx_str_t                    token;
    ngx_str_t                    admin_token;
    size_t                       max_frame_size;
    ngx_msec_t                   heartbeat_interval;
    ngx_msec_t                   heartbeat_timeout;
    ngx_msec_t                   drain_timeout;
    /* judge_api with a dialect: another engine's API, and its settings */
    struct ngx_http_judge_dialect_s *dialect;
    void                        *dialect_conf;

    unsigned                     endpoint:1;
    unsigned                     admin:1;     /* judge_admin */
} ngx_http_judge_loc_conf_t;


/* what a Register frame carries into the registry */
typedef struct {
    ngx_str_t                    id;
    ngx_str_t                    abi;
    ngx_str_t                    tags;
    ngx_str_t                    languages;
    ngx_str_t                    compiled;
    ngx_http_judge_worker_lang_t *langs;
    ngx_uint_t                   nlangs;
    ngx_str_t                    detail;
    ngx_uint_t                   cores;
    ngx_uint_t                   slots;
    uint64_t                     ram_kb;
    uint64_t                     stream_id;
    ngx_msec_t                   timeout;
    size_t                       max_frame;
    char                       **cached;      /* hex hashes it holds */
    size_t                       ncached;
    unsigned                     can_compile:1;
} ngx_http_judge_worker_info_t;


/* a checked POST /submissions, ready for the zone */
typedef struct {
    ngx_str_t                    language;
    u_char                       hash[NGX_HTTP_JUDGE_HASH_LEN];
    ngx_str_t                    compile_spec;
    ngx_str_t                    run_spec;    /* without the tests */
    ngx_str_t                    tests;       /* framed tests, one after
                                                 another */
    uint64_t                    *test_off;    /* [ntests + 1] */
    ngx_msec_t                   test_time;
    ngx_uint_t                   ntests;
    u_char                       client[NGX_HTTP_JUDGE_CLIENT_LEN];
    unsigned                     compiled:1;
    unsigned                     stop_on_failure:1;
    unsigned                     stream_output:1; /* asked of the parser */
    unsigned                     shown:1;     /* tests may expect nothing */
    unsigned                     all_stages:1;

    /* a stored problem's: what the job keeps of it (see the parser) */
    ngx_str_t                    problem;

    /* a code session's run: which session, at which revision */
    unsigned                     execution:1;
    u_char                       session[NGX_HTTP_JUDGE_JOB_ID_LEN];
    uint64_t                     revision;
} ngx_http_judge_submission_t;


extern ngx_module_t  ngx_http_judge_module;


/* the Bearer token of the request is "token" (digests, constant time) */
ngx_int_t ngx_http_judge_bearer_ok(ngx_http_request_t *r, ngx_str_t *token);

/* a secret read from a file at configuration time, trailing blanks cut */
char *ngx_http_judge_secret_file(ngx_conf_t *cf, ngx_str_t *name,
    ngx_str_t *secret);


#endif /* _NGX_HTTP_JUDGE_MODULE_H_INCLUDED_ */
