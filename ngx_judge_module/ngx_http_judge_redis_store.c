
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/rand.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_blobs.h"
#include "ngx_http_judge_cache.h"
#include "ngx_http_judge_ipc.h"
#include "ngx_http_judge_job.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_metrics.h"
#include "ngx_http_judge_redis.h"
#include "ngx_http_judge_registry.h"
#include "ngx_http_judge_scheduler.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_store.h"


/*
 * The durable store: jobs in the zone, as with the zone's store, and a
 * record of each in Redis.  A submission is accepted (2xx) only once
 * Redis has its record; while Redis cannot be reached, at once 503.  A
 * job's end (status and the whole answer) is written at the next tick
 * after it finished, expiring after judge_result_ttl, and any frontend
 * on the same Redis reads it from there when its own zone does not hold
 * the job.
 *
 * Keys, under the prefix of judge_redis (a job's keys share the hash
 * tag of its id):
 *
 *     <prefix>{j:<id>}     hash: status, owner (the frontend's instance),
 *                          created (ms), the packed submission (lang,
 *                          hash, cspec, rspec, tests, toff, ntests, ttime,
 *                          flags, client, params) while it runs, cancel
 *                          once asked for; result (the answer's JSON) once
 *                          it ended
 *     <prefix>{j:<id>}:r   list: each test's result (JSON) as it came in
 *     <prefix>{o:<inst>}   sorted set: ids of the jobs not ended that a
 *                          frontend owns, by created; {o:} those passed
 *                          on, anyone's
 *     <prefix>{owners}     set: the instances that may own jobs ("" for
 *                          those passed on)
 *     <prefix>{free}       hash: each frontend's free slots, as it said
 *                          at its last second
 *     <prefix>{cx:<inst>}  list: ids whose cancel a frontend is to do
 *     <prefix>{fs:<inst>}  a frontend's workers (its GET /workers),
 *                          renewed with its lease
 *     <prefix>{fm:<inst>}  a frontend's figures (its GET /metrics, as
 *                          "<series> <value>" lines), renewed with its
 *                          lease
 *     <prefix>{frontends}  sorted set: frontends by when they last said so
 *     <prefix>{langs}      sorted set: "<language>:<compiled>" by when a
 *                          frontend last said its workers offer it
 *     <prefix>{a:<hash>}   hash: a compile's outcome (status, abi, the
 *                          answer, the program), for a day: a frontend
 *                          that has not compiled a source takes it from
 *                          there when a submission of it arrives
 *     <prefix>{fe:<inst>}  a frontend's lease, renewed every second,
 *                          lasting 5 s
 *     <prefix>{s:<id>}     hash: a code session (lang, src, stdin, rev,
 *                          created, updated, closed, ttl; what admits its
 *                          runs: tokens, tokens_at, failures, failed_at;
 *                          runs), expiring when untouched for its ttl,
 *                          with its keys below
 *     <prefix>{s:<id>}:x   list: its runs' ids, newest first, to
 *                          judge_session_history
 *     <prefix>{s:<id>}:e   hash: each of those runs' summary, "status
 *                          exit_code time_ms revision created ended"
 *     <prefix>{ik:<key>}   the first answer to an Idempotency-Key (a
 *                          digest of it and its scope): "<the body's
 *                          digest>:<status>:<answer>", status 0 while it
 *                          is being answered; for judge_idempotency_ttl
 *     <prefix>{clock}      hash: tick, resumed: Redis's time (ms) at the
 *                          last renewal or takeover of any frontend, and
 *                          after the last gap of two seconds without one
 *
 * A job belongs to the frontend that accepted it.  Every two seconds
 * each frontend with free slots takes over jobs not ended whose owner's
 * lease has lapsed (a frontend killed, or stopped and started again: a
 * new start is a new instance), and jobs passed on, and runs them from
 * their records: within about 7 s of a frontend's end, its unfinished work
 * runs elsewhere.  Tests are run again from the start; the end is written
 * by the owner only.  A frontend with no free slot passes on jobs that
 * waited a second when other frontends said they had free ones.  Every
 * ten seconds a frontend looks for jobs Redis says it owns that its zone
 * does not hold (an answer lost on the way) and runs them.
 *
 * Requests on a frontend that does not hold the job read its record: a
 * waiting request or an SSE stream is told of news by a poll of the
 * record at each tick; a DELETE is queued for the owner, which picks its
 * cancels up at each tick.
 */


#define NGX_HTTP_JUDGE_REDIS_SYNC_MAX     16
#define NGX_HTTP_JUDGE_REDIS_LEASE        5000    /* ms */
#define NGX_HTTP_JUDGE_REDIS_RENEW        1000
#define NGX_HTTP_JUDGE_REDIS_CLAIM        2000
#define NGX_HTTP_JUDGE_REDIS_CLAIM_MAX    64
#define NGX_HTTP_JUDGE_REDIS_AUDIT        10000
#define NGX_HTTP_JUDGE_REDIS_AUDIT_MAX    256
#define NGX_HTTP_JUDGE_REDIS_SUSPECTS     64
#define NGX_HTTP_JUDGE_REDIS_GAP           "2000"  /* 2 renewals, ms */


/* a job's limits as its location had them, kept with its record */
typedef struct {
    uint64_t                     max_capture;
    uint64_t                     max_artifact;
    uint64_t                     batch_size;
    uint64_t                     max_attempts;
    uint64_t                     result_ttl;
    uint64_t                     result_min_ttl;
    uint64_t                     no_worker_timeout;
    uint64_t                     task_grace;
    uint64_t                     compile_time;
} ngx_http_judge_redis_params_t;


#define NGX_HTTP_JUDGE_REDIS_ARGS  64


/* a command's words */
typedef struct {
    const char                  *argv[NGX_HTTP_JUDGE_REDIS_ARGS];
    size_t                       len[NGX_HTTP_JUDGE_REDIS_ARGS];
    ngx_uint_t                   n;
} ngx_http_judge_redis_argv_t;


/* a job taken over, on its way from Redis */
typedef struct {
    ngx_http_judge_zone_t       *zone;
    ngx_str_t                    id;
    ngx_pool_t                  *pool;
    ngx_uint_t                   stray;       /* found, not taken over */
} ngx_http_judge_redis_claim_t;


/* a job Redis says this frontend owns that its zone did not hold */
typedef struct {
    u_char                       id[NGX_HTTP_JUDGE_JOB_ID_LEN];
    ngx_msec_t                   seen;
} ngx_http_judge_redis_suspect_t;


/* a request of this process following a job another frontend holds */
typedef struct {
    ngx_queue_t                  queue;
    ngx_http_judge_addr_t        addr;
    ngx_uint_t                   progress;
    ngx_uint_t                   seen;        /* results told of */
    ngx_uint_t                   polling;
    ngx_http_judge_zone_t       *zone;
    u_char                       id[NGX_HTTP_JUDGE_JOB_ID_LEN];
} ngx_http_judge_redis_watch_t;


#define NGX_HTTP_JUDGE_REDIS_ENDED  256


/* a poll of the jobs followed from afar */
typedef struct {
    ngx_uint_t                      n;
    ngx_http_judge_redis_watch_t  **watch;
    ngx_uint_t                     *key;      /* each watch's job's key */
} ngx_http_judge_redis_poll_t;


/* a job's end on its way to Redis */
typedef struct {
    ngx_http_judge_zone_t       *zone;
    u_char                       id[NGX_HTTP_JUDGE_JOB_ID_LEN];
} ngx_http_judge_redis_sync_t;


static ngx_int_t ngx_http_judge_redis_create(ngx_http_judge_store_op_t *op);
static void ngx_http_judge_redis_created(void *data, redisReply *reply);
static ngx_int_t ngx_http_judge_redis_ask(ngx_http_judge_redis_pt handler,
    ngx_http_judge_store_op_t *op, ngx_http_judge_redis_argv_t *a);
static void ngx_http_judge_redis_adopt(ngx_http_judge_store_op_t *op,
    redisReply *reply);
static void ngx_http_judge_redis_artifact(ngx_http_judge_zone_t *zone,
    u_char *hash, ngx_uint_t status, ngx_str_t *abi, ngx_str_t *compile,
    ngx_str_t *program);
static ngx_int_t ngx_http_judge_redis_read(ngx_http_judge_store_op_t *op);
static void ngx_http_judge_redis_got(void *data, redisReply *reply);
static ngx_int_t ngx_http_judge_redis_events(ngx_http_judge_store_op_t *op);
static void ngx_http_judge_redis_evented(void *data, redisReply *reply);
static ngx_int_t ngx_http_judge_redis_watch(ngx_http_judge_store_op_t *op);
static void ngx_http_judge_redis_unwatch(ngx_http_judge_store_op_t *op);
static ngx_int_t ngx_http_judge_redis_follow(ngx_http_judge_store_op_t *op);
static void ngx_http_judge_redis_poll(ngx_http_judge_zone_t *zone);
static void ngx_http_judge_redis_polled(void *data, redisReply *reply);
static void ngx_http_judge_redis_told(ngx_http_judge_redis_watch_t *w,
    long long there, long long ended, long long results);
static void ngx_http_judge_redis_ended_add(u_char *id);
static ngx_int_t ngx_http_judge_redis_cancel(ngx_http_judge_store_op_t *op);
static void ngx_http_judge_redis_asked(void *data, redisReply *reply);
static void ngx_http_judge_redis_cancels(ngx_http_judge_zone_t *zone);
static void ngx_http_judge_redis_cancels_got(void *data, redisReply *reply);
static void ngx_http_judge_redis_result(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, u_char *json, size_t len);
static void ngx_http_judge_redis_languages_got(void *data,
    redisReply *reply);
static ngx_int_t ngx_http_judge_redis_offered(ngx_http_judge_zone_t *zone,
    ngx_str_t *language, ngx_uint_t *compiled);
static ngx_int_t ngx_http_judge_redis_fleet(ngx_http_judge_store_op_t *op);
static void ngx_http_judge_redis_fleet_got(void *data, redisReply *reply);
static ngx_int_t ngx_http_judge_redis_metrics(ngx_http_judge_store_op_t *op);
static void ngx_http_judge_redis_metrics_got(void *data, redisReply *reply);
static ngx_int_t ngx_http_judge_redis_frontends(ngx_http_judge_store_op_t *op,
    char *tag, ngx_http_judge_redis_pt handler);
static void ngx_http_judge_redis_sync(ngx_http_judge_zone_t *zone);
static void ngx_http_judge_redis_synced(void *data, redisReply *reply);
static void ngx_http_judge_redis_heartbeat(ngx_http_judge_zone_t *zone);
static void ngx_http_judge_redis_beaten(void *data, redisReply *reply);
static void ngx_http_judge_redis_figures(ngx_http_judge_zone_t *zone);
static void ngx_http_judge_redis_claim(ngx_http_judge_zone_t *zone);
static void ngx_http_judge_redis_spill(ngx_http_judge_zone_t *zone);
static void ngx_http_judge_redis_pass(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_str_t *id);
static void ngx_http_judge_redis_take(ngx_http_judge_zone_t *zone, u_char *id,
    ngx_uint_t stray);
static void ngx_http_judge_redis_strays(ngx_http_judge_zone_t *zone);
static void ngx_http_judge_redis_strays_got(void *data, redisReply *reply);
static void ngx_http_judge_redis_claimed(void *data, redisReply *reply);
static void ngx_http_judge_redis_recover(void *data, redisReply *reply);
static const char *ngx_http_judge_redis_damaged(redisReply *reply);
static ngx_int_t ngx_http_judge_redis_restore(
    ngx_http_judge_redis_claim_t *cl, redisReply **e);
static void ngx_http_judge_redis_retire(ngx_http_judge_redis_claim_t *cl);
static ngx_int_t ngx_http_judge_redis_flatten(ngx_http_judge_store_op_t *op,
    ngx_str_t *s);
static u_char *ngx_http_judge_redis_key(ngx_pool_t *pool, ngx_str_t *key,
    char *tag, ngx_str_t *id);
static u_char *ngx_http_judge_redis_list(ngx_pool_t *pool, ngx_str_t *key,
    ngx_str_t *id);
static ngx_int_t ngx_http_judge_redis_session(ngx_http_judge_store_op_t *op);
static ngx_int_t ngx_http_judge_redis_idem(ngx_http_judge_store_op_t *op);
static void ngx_http_judge_redis_idemmed(void *data, redisReply *reply);
static void ngx_http_judge_redis_sessioned(void *data, redisReply *reply);
static ngx_int_t ngx_http_judge_redis_session_view(
    ngx_http_judge_store_op_t *op, redisReply *reply);
static void ngx_http_judge_redis_session_sum(ngx_http_judge_exec_t *e,
    redisReply *sum);
static ngx_int_t ngx_http_judge_redis_session_keys(ngx_pool_t *pool,
    ngx_str_t *id, ngx_str_t *keys);
static void ngx_http_judge_redis_arg(ngx_http_judge_redis_argv_t *a,
    void *data, size_t len);
static void ngx_http_judge_redis_argz(ngx_http_judge_redis_argv_t *a,
    char *s);


ngx_http_judge_store_t  ngx_http_judge_redis_store = {
    "redis",
    ngx_http_judge_redis_create,
    ngx_http_judge_redis_read,
    ngx_http_judge_redis_events,
    ngx_http_judge_redis_watch,
    ngx_http_judge_redis_unwatch,
    ngx_http_judge_redis_cancel,
    ngx_http_judge_job_expire,
    ngx_http_judge_redis_sync,
    ngx_http_judge_redis_fleet,
    ngx_http_judge_redis_metrics,
    ngx_http_judge_redis_artifact,
    ngx_http_judge_redis_offered,
    ngx_http_judge_redis_result,
    ngx_http_judge_redis_session,
    ngx_http_judge_redis_idem,
    ngx_http_judge_redis_up
};


/* the languages the fleet offers, as last read, "id:1,id:0" */
static u_char      ngx_http_judge_redis_langs[4096];
static size_t      ngx_http_judge_redis_nlangs;
static ngx_uint_t  ngx_http_judge_redis_heard;   /* the fleet's languages */

static ngx_msec_t  ngx_http_judge_redis_renewed;
static ngx_msec_t  ngx_http_judge_redis_leased;  /* renewed since, or 0 */
static ngx_uint_t  ngx_http_judge_redis_cancels_out;   /* a read of them */
static ngx_msec_t  ngx_http_judge_redis_claimed_at;
static ngx_uint_t  ngx_http_judge_redis_idle;    /* free slots elsewhere */
static ngx_msec_t  ngx_http_judge_redis_strayed_at;
static ngx_uint_t  ngx_http_judge_redis_stray_from;

static ngx_http_judge_redis_suspect_t
    ngx_http_judge_redis_suspects[NGX_HTTP_JUDGE_REDIS_SUSPECTS];
static ngx_uint_t  ngx_http_judge_redis_refusing;

/* this process's requests following other frontends' jobs */
static ngx_queue_t  ngx_http_judge_redis_watches;
static ngx_uint_t   ngx_http_judge_redis_nwatches;

/* jobs of other frontends seen ended or gone lately, a ring */
static u_char      ngx_http_judge_redis_ended[NGX_HTTP_JUDGE_REDIS_ENDED]
                                             [NGX_HTTP_JUDGE_JOB_ID_LEN];
static ngx_uint_t  ngx_http_judge_redis_nended;


/*
 * KEYS: the job, this frontend's jobs, its lease, the artifact, owners;
 * ARGV: created, id, lease ms, whether the artifact is wanted, this
 * frontend, fields.  The artifact's outcome, or 1.
 */
static char  ngx_http_judge_redis_create_lua[] =
    "redis.call('HSET', KEYS[1], unpack(ARGV, 6)) "
    "redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2]) "
    "redis.call('SADD', KEYS[5], ARGV[5]) "
    "redis.call('SET', KEYS[3], '1', 'PX', ARGV[3]) "
    "if ARGV[4] == '1' then "
    "  return redis.call('HMGET', KEYS[4], 'status', 'abi', 'compile', "
    "                    'program') "
    "end "
    "return 1";


/*
 * The fleet's clock, on Redis's time: each renewal and each takeover
 * notes it ("tick"); a gap of two renewals with none (Redis frozen or
 * away for every frontend, or every frontend gone) notes that Redis
 * resumed then.  KEYS[k] is the clock; "now" is Redis's time in ms.
 */
#define NGX_HTTP_JUDGE_REDIS_TICK_LUA(k)                                    \
    "local t = redis.call('TIME') "                                         \
    "local now = t[1] * 1000 + math.floor(t[2] / 1000) "                    \
    "local tick = tonumber(redis.call('HGET', KEYS[" k "], 'tick')) "       \
    "if not tick or now - tick > " NGX_HTTP_JUDGE_REDIS_GAP " then "        \
    "  redis.call('HSET', KEYS[" k "], 'resumed', now) "                    \
    "end "                                                                  \
    "redis.call('HSET', KEYS[" k "], 'tick', now) "


/*
 * Each second.  KEYS: the lease, this frontend's workers, frontends,
 * languages, free slots, the clock, the problems' counter; ARGV: lease
 * ms, its workers, now, this frontend, who is too old, its free slots,
 * the languages its workers offer...  The fleet's languages, the free
 * slots of the other frontends, and the problems' counter.
 */
static char  ngx_http_judge_redis_heartbeat_lua[] =
    NGX_HTTP_JUDGE_REDIS_TICK_LUA("6")
    "redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) "
    "redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[1]) "
    "for _, f in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', "
    "                              ARGV[5])) do "
    "  redis.call('HDEL', KEYS[5], f) "
    "end "
    "redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[5]) "
    "redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4]) "
    "redis.call('HSET', KEYS[5], ARGV[4], ARGV[6]) "
    "for i = 7, #ARGV do redis.call('ZADD', KEYS[4], ARGV[3], ARGV[i]) end "
    "redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[5]) "
    "local idle = 0 "
    "for _, f in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do "
    "  if f ~= ARGV[4] then "
    "    idle = idle + (tonumber(redis.call('HGET', KEYS[5], f)) or 0) "
    "  end "
    "end "
    "return {redis.call('ZRANGE', KEYS[4], 0, -1), idle, "
    "        redis.call('GET', KEYS[7]) or '0'}";


/*
 * KEYS: the job, this frontend's jobs, those passed on, owners; ARGV: this
 * frontend, id: the job is anyone's who can run it.
 */
static char  ngx_http_judge_redis_spill_lua[] =
    "if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end "
    "redis.call('HSET', KEYS[1], 'owner', '') "
    "redis.call('HINCRBY', KEYS[1], 'spills', 1) "
    "redis.call('ZREM', KEYS[2], ARGV[2]) "
    "redis.call('ZADD', KEYS[3], redis.call('HGET', KEYS[1], 'created'), "
    "           ARGV[2]) "
    "redis.call('SADD', KEYS[4], '') "
    "return 1";


/* KEYS: the artifact; ARGV: status, abi, answer, program, ttl */
static char  ngx_http_judge_redis_artifact_lua[] =
    "redis.call('HSET', KEYS[1], 'status', ARGV[1], 'abi', ARGV[2], "
    "           'compile', ARGV[3], 'program', ARGV[4]) "
    "redis.call('PEXPIRE', KEYS[1], ARGV[5]) "
    "return 1";


/*
 * KEYS: the job, this frontend's jobs, its results, and for a run of a
 * code session its session and its runs' summaries; ARGV: status, result,
 * ttl, id, this frontend, and for a run how it counts for its session
 * ("ok", "fail", "none") and its summary's status, exit code and time
 */
static char  ngx_http_judge_redis_end_lua[] =
    "if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[5] then return 0 end "
    "redis.call('HSET', KEYS[1], 'status', ARGV[1], 'result', ARGV[2]) "
    "redis.call('HDEL', KEYS[1], 'cspec', 'rspec', 'tests', 'toff') "
    "redis.call('PEXPIRE', KEYS[1], ARGV[3]) "
    "redis.call('PEXPIRE', KEYS[3], ARGV[3]) "
    "redis.call('ZREM', KEYS[2], ARGV[4]) "
    "if ARGV[6] and redis.call('EXISTS', KEYS[4]) == 1 then "
    "  local sum = redis.call('HGET', KEYS[5], ARGV[4]) "
    "  if sum then "
    "    local rev, created = string.match(sum, '^%S+ %S+ %S+ (%S+) (%S+)') "
    "    redis.call('HSET', KEYS[5], ARGV[4], ARGV[7] .. ' ' .. ARGV[8] "
    "               .. ' ' .. ARGV[9] .. ' ' .. rev .. ' ' .. created "
    "               .. ' 1') "
    "  end "
    "  local ttl = redis.call('HGET', KEYS[4], 'ttl') "
    "  redis.call('PEXPIRE', KEYS[4], ttl) "
    "  redis.call('PEXPIRE', KEYS[5], ttl) "
    "  if ARGV[6] == 'ok' then "
    "    redis.call('HSET', KEYS[4], 'failures', 0) "
    "  elseif ARGV[6] == 'fail' then "
    "    local t = redis.call('TIME') "
    "    redis.call('HINCRBY', KEYS[4], 'failures', 1) "
    "    redis.call('HSET', KEYS[4], 'failed_at', "
    "               tonumber(t[1]) * 1000 "
    "               + math.floor(tonumber(t[2]) / 1000)) "
    "  end "
    "end "
    "return 1";


/*
 * KEYS: the job, its results; ARGV: this frontend, a test's result.  Only
 * the owner's run is kept: a frontend whose job was taken over meanwhile
 * (cut off past its lease) runs it on, its results are not the record's.
 */
static char  ngx_http_judge_redis_result_lua[] =
    "if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end "
    "redis.call('RPUSH', KEYS[2], ARGV[2]) "
    "return 1";


/*
 * KEYS: frontends; ARGV: prefix, who is too old, the tag of their keys
 * ("fs:" workers, "fm:" figures): instance, value, ... in the order of
 * the instances
 */
static char  ngx_http_judge_redis_frontends_lua[] =
    "local fs = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], "
    "                      '+inf') "
    "table.sort(fs) "
    "local out = {} "
    "for _, f in ipairs(fs) do "
    "  local v = redis.call('GET', ARGV[1] .. '{' .. ARGV[3] .. f .. '}') "
    "  if v then out[#out + 1] = f out[#out + 1] = v end "
    "end "
    "return out";


/*
 * KEYS: jobs.  For each: is it there, has it ended, how many results so
 * far (in its list, the job's key and ":r").
 */
static char  ngx_http_judge_redis_poll_lua[] =
    "local out = {} "
    "for _, k in ipairs(KEYS) do "
    "  if redis.call('EXISTS', k) == 0 then "
    "    out[#out + 1] = 0 out[#out + 1] = 0 out[#out + 1] = 0 "
    "  else "
    "    out[#out + 1] = 1 "
    "    out[#out + 1] = redis.call('HEXISTS', k, 'result') "
    "    out[#out + 1] = redis.call('LLEN', k .. ':r') "
    "  end "
    "end "
    "return out";


/*
 * Code sessions.  Every script takes KEYS: the session, its runs, their
 * summaries; most answer with the session as it then is: {code, retry ms,
 * lang, src, stdin, rev, created, updated, closed, ms to live, the last
 * run's id, its summary}, or {"nf"} when there is none.
 */
#define NGX_HTTP_JUDGE_REDIS_SESSION_LUA                                      \
    "local function view(code, retry) "                                       \
    "  local f = redis.call('HMGET', KEYS[1], 'lang', 'src', 'stdin', "       \
    "                       'rev', 'created', 'updated', 'closed') "          \
    "  local last = redis.call('LINDEX', KEYS[2], 0) "                        \
    "  local sum = last and redis.call('HGET', KEYS[3], last) "               \
    "  return {code, tostring(retry), f[1], f[2], f[3], f[4], f[5], f[6], "   \
    "          f[7], tostring(redis.call('PTTL', KEYS[1])), last or '', "     \
    "          sum or ''} "                                                   \
    "end "                                                                    \
    "local function touch() "                                                 \
    "  local ttl = redis.call('HGET', KEYS[1], 'ttl') "                       \
    "  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end "              \
    "end "                                                                    \
    "local function now() "                                                   \
    "  local t = redis.call('TIME') "                                         \
    "  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "     \
    "end "                                                                    \
    "if ARGV[1] ~= 'create' and redis.call('EXISTS', KEYS[1]) == 0 then "     \
    "  return {'nf'} "                                                        \
    "end "


/* ARGV: "create", lang, src, stdin, now, ttl, tokens */
static char  ngx_http_judge_redis_session_create_lua[] =
    NGX_HTTP_JUDGE_REDIS_SESSION_LUA
    "redis.call('HSET', KEYS[1], 'lang', ARGV[2], 'src', ARGV[3], "
    "           'stdin', ARGV[4], 'rev', 1, 'created', ARGV[5], "
    "           'updated', ARGV[5], 'closed', 0, 'ttl', ARGV[6], "
    "           'tokens', ARGV[7], 'tokens_at', now(), 'failures', 0, "
    "           'failed_at', 0, 'runs', 0) "
    "touch() "
    "return view('ok', 0)";


/* ARGV: "read" */
static char  ngx_http_judge_redis_session_read_lua[] =
    NGX_HTTP_JUDGE_REDIS_SESSION_LUA
    "touch() "
    "return view('ok', 0)";


/*
 * ARGV: "update", the revision expected (0: any), whether to set the
 * source, it, the stdin, it, the language, it, now
 */
static char  ngx_http_judge_redis_session_update_lua[] =
    NGX_HTTP_JUDGE_REDIS_SESSION_LUA
    "if redis.call('HGET', KEYS[1], 'closed') == '1' then "
    "  return view('closed', 0) "
    "end "
    "local rev = tonumber(redis.call('HGET', KEYS[1], 'rev')) "
    "if ARGV[2] ~= '0' and tonumber(ARGV[2]) ~= rev then "
    "  return view('conflict', 0) "
    "end "
    "if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'src', ARGV[4]) end "
    "if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'stdin', ARGV[6]) end "
    "if ARGV[7] == '1' then redis.call('HSET', KEYS[1], 'lang', ARGV[8]) end "
    "redis.call('HSET', KEYS[1], 'rev', rev + 1, 'updated', ARGV[9]) "
    "touch() "
    "return view('ok', 0)";


/* ARGV: "close", now */
static char  ngx_http_judge_redis_session_close_lua[] =
    NGX_HTTP_JUDGE_REDIS_SESSION_LUA
    "if redis.call('HGET', KEYS[1], 'closed') ~= '1' then "
    "  redis.call('HSET', KEYS[1], 'closed', 1, 'updated', ARGV[2]) "
    "end "
    "touch() "
    "return view('ok', 0)";


/*
 * ARGV: "delete", prefix.  The session goes with its runs' records; runs
 * not ended are queued for their owners to cancel.  {"ok", id, ...}
 */
static char  ngx_http_judge_redis_session_delete_lua[] =
    NGX_HTTP_JUDGE_REDIS_SESSION_LUA
    "local ids = redis.call('LRANGE', KEYS[2], 0, -1) "
    "for _, id in ipairs(ids) do "
    "  local j = ARGV[2] .. '{j:' .. id .. '}' "
    "  local owner = redis.call('HGET', j, 'owner') "
    "  if owner and redis.call('HEXISTS', j, 'result') == 0 then "
    "    local q = ARGV[2] .. '{cx:' .. owner .. '}' "
    "    redis.call('RPUSH', q, id) "
    "    redis.call('PEXPIRE', q, 60000) "
    "  end "
    "  redis.call('DEL', j, j .. ':r') "
    "end "
    "redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) "
    "table.insert(ids, 1, 'ok') "
    "return ids";


/*
 * ARGV: "admit", rate (runs a minute * 1000), burst, failures at most,
 * cool-down ms.  A run is taken from the bucket, on Redis's clock.
 */
static char  ngx_http_judge_redis_session_admit_lua[] =
    NGX_HTTP_JUDGE_REDIS_SESSION_LUA
    "if redis.call('HGET', KEYS[1], 'closed') == '1' then "
    "  return view('closed', 0) "
    "end "
    "local t = now() "
    "local most = tonumber(ARGV[4]) "
    "if most > 0 then "
    "  local f = tonumber(redis.call('HGET', KEYS[1], 'failures')) "
    "  if f >= most then "
    "    local gone = t - tonumber(redis.call('HGET', KEYS[1], "
    "                                        'failed_at')) "
    "    local cool = tonumber(ARGV[5]) "
    "    if gone < cool then return view('cool', cool - gone) end "
    "    redis.call('HSET', KEYS[1], 'failures', 0) "
    "  end "
    "end "
    "local rate = tonumber(ARGV[2]) "
    "if rate > 0 then "
    "  local cap = tonumber(ARGV[3]) * 1000 "
    "  local tok = tonumber(redis.call('HGET', KEYS[1], 'tokens')) "
    "  local at = tonumber(redis.call('HGET', KEYS[1], 'tokens_at')) "
    "  tok = math.min(cap, tok + math.floor((t - at) * rate / 60000)) "
    "  if tok < 1000 then "
    "    redis.call('HSET', KEYS[1], 'tokens', tok, 'tokens_at', t) "
    "    return view('rate', math.ceil((1000 - tok) * 60000 / rate)) "
    "  end "
    "  redis.call('HSET', KEYS[1], 'tokens', tok - 1000, 'tokens_at', t) "
    "end "
    "touch() "
    "return view('ok', 0)";


/* ARGV: "ran", the run, its revision, created, history kept */
static char  ngx_http_judge_redis_session_ran_lua[] =
    NGX_HTTP_JUDGE_REDIS_SESSION_LUA
    "redis.call('LPUSH', KEYS[2], ARGV[2]) "
    "redis.call('HSET', KEYS[3], ARGV[2], "
    "           '0 0 0 ' .. ARGV[3] .. ' ' .. ARGV[4] .. ' 0') "
    "redis.call('HINCRBY', KEYS[1], 'runs', 1) "
    "local n = tonumber(ARGV[5]) "
    "for _, old in ipairs(redis.call('LRANGE', KEYS[2], n, -1)) do "
    "  redis.call('HDEL', KEYS[3], old) "
    "end "
    "redis.call('LTRIM', KEYS[2], 0, n - 1) "
    "touch() "
    "return {'ok'}";


/* ARGV: "refund", burst: a run admitted that made no job goes back */
static char  ngx_http_judge_redis_session_refund_lua[] =
    NGX_HTTP_JUDGE_REDIS_SESSION_LUA
    "local tok = tonumber(redis.call('HGET', KEYS[1], 'tokens')) + 1000 "
    "redis.call('HSET', KEYS[1], 'tokens', "
    "           math.min(tok, tonumber(ARGV[2]) * 1000)) "
    "return {'ok'}";


/*
 * ARGV: "history", the run number below which (0: the newest), at most.
 * {"ok", the number of the first, whether older ones follow, id,
 * summary, ...}
 */
static char  ngx_http_judge_redis_session_history_lua[] =
    NGX_HTTP_JUDGE_REDIS_SESSION_LUA
    "local runs = tonumber(redis.call('HGET', KEYS[1], 'runs')) "
    "local first = tonumber(ARGV[2]) "
    "if first == 0 or first > runs then first = runs else first = first - 1 "
    "end "
    "local from = runs - first "
    "local ids = redis.call('LRANGE', KEYS[2], from, "
    "                       from + tonumber(ARGV[3]) - 1) "
    "local more = redis.call('LLEN', KEYS[2]) > from + #ids and 1 or 0 "
    "local out = {'ok', tostring(first), tostring(more)} "
    "for _, id in ipairs(ids) do "
    "  table.insert(out, id) "
    "  table.insert(out, redis.call('HGET', KEYS[3], id) or '') "
    "end "
    "touch() "
    "return out";


/* NGX_HTTP_JUDGE_IDEM_HELD, as Lua sees it */
#define NGX_HTTP_JUDGE_REDIS_IDEM_HELD  "30000"


/*
 * KEYS: the key; ARGV: "begin", the body's digest, ttl, or "end", the
 * body's digest, status, answer, ttl.  {"new"}, {"other"} (another
 * body), {"busy"}, {"done", status, answer}
 */
static char  ngx_http_judge_redis_idem_lua[] =
    "local v = redis.call('GET', KEYS[1]) "
    "if ARGV[1] == 'end' then "
    "  if not v or string.sub(v, 1, #ARGV[2]) ~= ARGV[2] then return {'new'} "
    "  end "
    "  if ARGV[3] == '0' then redis.call('DEL', KEYS[1]) "
    "  else redis.call('SET', KEYS[1], ARGV[2] .. ':' .. ARGV[3] .. ':' "
    "                  .. ARGV[4], 'PX', ARGV[5]) end "
    "  return {'new'} "
    "end "
    "if not v then "
    "  redis.call('SET', KEYS[1], ARGV[2] .. ':0:', 'PX', "
    "             math.min(tonumber(ARGV[3]), "
    NGX_HTTP_JUDGE_REDIS_IDEM_HELD ")) "
    "  return {'new'} "
    "end "
    "local body, status, answer = string.match(v, '^(%x+):(%d+):(.*)$') "
    "if body ~= ARGV[2] then return {'other'} end "
    "if status == '0' then return {'busy'} end "
    "return {'done', status, answer}";


/* KEYS: the job, its results; ARGV: the first result wanted */
static char  ngx_http_judge_redis_events_lua[] =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end "
    "return {1, redis.call('HGET', KEYS[1], 'result') or '', "
    "        redis.call('LRANGE', KEYS[2], ARGV[1], -1)}";


/*
 * KEYS: the job; ARGV: prefix, id, whether a run is asked for.  -1:
 * unknown (or no run), 0: ended, 1: asked
 */
static char  ngx_http_judge_redis_cancel_lua[] =
    "local owner = redis.call('HGET', KEYS[1], 'owner') "
    "if not owner then return -1 end "
    "if ARGV[3] == '1' and redis.call('HEXISTS', KEYS[1], 'run') == 0 then "
    "  return -1 "
    "end "
    "if redis.call('HEXISTS', KEYS[1], 'result') == 1 then return 0 end "
    "if redis.call('HSETNX', KEYS[1], 'cancel', '1') == 0 then return 1 end "
    "local q = ARGV[1] .. '{cx:' .. owner .. '}' "
    "redis.call('RPUSH', q, ARGV[2]) "
    "redis.call('PEXPIRE', q, 60000) "
    "return 1";


/*
 * KEYS: owners, the clock; ARGV: prefix, this frontend, the most to take,
 * lease ms.  The jobs of owners without a lease (those passed on among
 * them) become this frontend's, oldest first; ids whose record is gone
 * (expired), is no record, or names another owner leave the owner's set.
 * An owner with none left leaves the owners.  Nothing is taken within a
 * lease of Redis resuming: the leases that lapsed while it was frozen or
 * away are renewed meanwhile (a takeover sent before, held by a frozen
 * Redis, runs when it thaws, before the other frontends' renewals).
 */
static char  ngx_http_judge_redis_claim_lua[] =
    NGX_HTTP_JUDGE_REDIS_TICK_LUA("2")
    "if now - tonumber(redis.call('HGET', KEYS[2], 'resumed')) "
    "   < tonumber(ARGV[4]) "
    "then "
    "  return {} "
    "end "
    "local got = {} "
    "local max = tonumber(ARGV[3]) "
    "local mine = ARGV[1] .. '{o:' .. ARGV[2] .. '}' "
    "for _, f in ipairs(redis.call('SMEMBERS', KEYS[1])) do "
    "  if #got >= max then break end "
    "  if f ~= ARGV[2] "
    "     and redis.call('EXISTS', ARGV[1] .. '{fe:' .. f .. '}') == 0 "
    "  then "
    "    local set = ARGV[1] .. '{o:' .. f .. '}' "
    "    local ids = redis.call('ZRANGE', set, 0, max - #got - 1, "
    "                           'WITHSCORES') "
    "    for i = 1, #ids, 2 do "
    "      local k = ARGV[1] .. '{j:' .. ids[i] .. '}' "
    "      redis.call('ZREM', set, ids[i]) "
    "      if redis.pcall('HGET', k, 'owner') == f then "
    "        redis.call('HSET', k, 'owner', ARGV[2]) "
    "        redis.call('DEL', k .. ':r') "
    "        redis.call('ZADD', mine, ids[i + 1], ids[i]) "
    "        got[#got + 1] = ids[i] "
    "      end "
    "    end "
    "    if redis.call('EXISTS', set) == 0 then "
    "      redis.call('SREM', KEYS[1], f) "
    "    end "
    "  end "
    "end "
    "if #got > 0 then redis.call('SADD', KEYS[1], ARGV[2]) end "
    "return got";


/*
 * The record goes to Redis first; the job enters the zone when Redis has
 * it.  If the zone then refuses it, the record goes again.
 */

static ngx_int_t
ngx_http_judge_redis_create(ngx_http_judge_store_op_t *op)
{
    u_char                         *p, *run;
    ngx_str_t                       key, owned, lease, created, ntests;
    ngx_str_t                       ttime, flags, owner, leased, hash, art;
    ngx_str_t                       owners;
    ngx_http_judge_loc_conf_t      *jlcf;
    ngx_http_judge_submission_t    *sub;
    ngx_http_judge_redis_argv_t    *a;
    ngx_http_judge_redis_params_t  *params;
    u_char                          rnd[NGX_HTTP_JUDGE_JOB_ID_LEN / 2];

    if (!ngx_http_judge_redis_up()) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    jlcf = op->jlcf;
    sub = op->sub;

    if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
        return NGX_ERROR;
    }

    op->id.data = ngx_pnalloc(op->pool, NGX_HTTP_JUDGE_JOB_ID_LEN);
    a = ngx_palloc(op->pool, sizeof(ngx_http_judge_redis_argv_t));
    params = ngx_pcalloc(op->pool, sizeof(ngx_http_judge_redis_params_t));
    p = ngx_pnalloc(op->pool, 5 * NGX_INT64_LEN + 8);

    if (op->id.data == NULL || a == NULL || params == NULL || p == NULL) {
        return NGX_ERROR;
    }

    ngx_hex_dump(op->id.data, rnd, sizeof(rnd));
    op->id.len = NGX_HTTP_JUDGE_JOB_ID_LEN;

    owner.data = op->zone->instance;
    owner.len = NGX_HTTP_JUDGE_INSTANCE_LEN;

    if (ngx_http_judge_redis_key(op->pool, &key, "j:", &op->id) == NULL
        || ngx_http_judge_redis_key(op->pool, &owned, "o:", &owner) == NULL
        || ngx_http_judge_redis_key(op->pool, &owners, "owners", NULL) == NULL
        || ngx_http_judge_redis_key(op->pool, &lease, "fe:", &owner) == NULL)
    {
        return NGX_ERROR;
    }

    hash.data = sub->hash;
    hash.len = NGX_HTTP_JUDGE_HASH_LEN;

    if (ngx_http_judge_redis_key(op->pool, &art, "a:", &hash) == NULL) {
        return NGX_ERROR;
    }

    /* a program compiled on another frontend is taken, not compiled again */

    op->want = sub->compiled && ngx_http_judge_redis_programs()
               && !ngx_http_judge_cache_has(op->zone, sub->hash);

    created.data = p;
    p = ngx_sprintf(p, "%uL", ngx_http_judge_json_now_ms());
    created.len = p - created.data;

    ntests.data = p;
    p = ngx_sprintf(p, "%ui", sub->ntests);
    ntests.len = p - ntests.data;

    ttime.data = p;
    p = ngx_sprintf(p, "%M", sub->test_time);
    ttime.len = p - ttime.data;

    flags.data = p;
    p = ngx_sprintf(p, "%s%s", sub->compiled ? "c" : "",
                    sub->stop_on_failure ? "s" : "");
    flags.len = p - flags.data;

    leased.data = p;
    p = ngx_sprintf(p, "%d", NGX_HTTP_JUDGE_REDIS_LEASE);
    leased.len = p - leased.data;

    params->max_capture = jlcf->max_capture;
    params->max_artifact = jlcf->max_artifact_size;
    params->batch_size = jlcf->batch_size;
    params->max_attempts = jlcf->max_attempts;
    params->result_ttl = jlcf->result_ttl;
    params->result_min_ttl = jlcf->result_min_ttl;
    params->no_worker_timeout = jlcf->no_worker_timeout;
    params->task_grace = jlcf->task_grace;
    params->compile_time = jlcf->compile_wall_time;

    a->n = 0;
    ngx_http_judge_redis_argz(a, "EVAL");
    ngx_http_judge_redis_argz(a, ngx_http_judge_redis_create_lua);
    ngx_http_judge_redis_argz(a, "5");
    ngx_http_judge_redis_arg(a, key.data, key.len);
    ngx_http_judge_redis_arg(a, owned.data, owned.len);
    ngx_http_judge_redis_arg(a, lease.data, lease.len);
    ngx_http_judge_redis_arg(a, art.data, art.len);
    ngx_http_judge_redis_arg(a, owners.data, owners.len);
    ngx_http_judge_redis_arg(a, created.data, created.len);
    ngx_http_judge_redis_arg(a, op->id.data, op->id.len);
    ngx_http_judge_redis_arg(a, leased.data, leased.len);
    ngx_http_judge_redis_argz(a, op->want ? "1" : "0");
    ngx_http_judge_redis_arg(a, owner.data, owner.len);

    ngx_http_judge_redis_argz(a, "status");
    ngx_http_judge_redis_argz(a, "QUEUED");
    ngx_http_judge_redis_argz(a, "owner");
    ngx_http_judge_redis_arg(a, owner.data, owner.len);
    ngx_http_judge_redis_argz(a, "created");
    ngx_http_judge_redis_arg(a, created.data, created.len);
    ngx_http_judge_redis_argz(a, "lang");
    ngx_http_judge_redis_arg(a, sub->language.data, sub->language.len);
    ngx_http_judge_redis_argz(a, "hash");
    ngx_http_judge_redis_arg(a, sub->hash, NGX_HTTP_JUDGE_HASH_LEN);
    ngx_http_judge_redis_argz(a, "cspec");
    ngx_http_judge_redis_arg(a, sub->compile_spec.data, sub->compile_spec.len);
    ngx_http_judge_redis_argz(a, "rspec");
    ngx_http_judge_redis_arg(a, sub->run_spec.data, sub->run_spec.len);
    ngx_http_judge_redis_argz(a, "tests");
    ngx_http_judge_redis_arg(a, sub->tests.data, sub->tests.len);
    ngx_http_judge_redis_argz(a, "toff");
    ngx_http_judge_redis_arg(a, sub->test_off,
                             (sub->ntests + 1) * sizeof(uint64_t));
    ngx_http_judge_redis_argz(a, "ntests");
    ngx_http_judge_redis_arg(a, ntests.data, ntests.len);
    ngx_http_judge_redis_argz(a, "ttime");
    ngx_http_judge_redis_arg(a, ttime.data, ttime.len);
    ngx_http_judge_redis_argz(a, "flags");
    ngx_http_judge_redis_arg(a, flags.data, flags.len);
    ngx_http_judge_redis_argz(a, "client");
    ngx_http_judge_redis_arg(a, sub->client, NGX_HTTP_JUDGE_CLIENT_LEN);
    ngx_http_judge_redis_argz(a, "params");
    ngx_http_judge_redis_arg(a, params,
                             sizeof(ngx_http_judge_redis_params_t));

    if (sub->execution) {
        /* a code session's run: its session and revision, "<id>:<rev>" */

        run = ngx_pnalloc(op->pool, NGX_HTTP_JUDGE_JOB_ID_LEN + 1
                                    + NGX_INT64_LEN);
        if (run == NULL) {
            return NGX_ERROR;
        }

        p = ngx_sprintf(run, "%*s:%uL", (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN,
                        sub->session, sub->revision);

        ngx_http_judge_redis_argz(a, "run");
        ngx_http_judge_redis_arg(a, run, p - run);
    }

    if (sub->problem.len) {
        /* a stored problem's: its stages and hidden tests go along */
        ngx_http_judge_redis_argz(a, "problem");
        ngx_http_judge_redis_arg(a, sub->problem.data, sub->problem.len);
    }

    return ngx_http_judge_redis_ask(ngx_http_judge_redis_created, op, a);
}


static void
ngx_http_judge_redis_created(void *data, redisReply *reply)
{
    ngx_http_judge_store_op_t  *op = data;

    ngx_str_t                    key, owned, owner;
    ngx_http_judge_redis_argv_t  a;

    if (reply == NULL || reply->type == REDIS_REPLY_ERROR) {

        /* logged once, until a record is taken again */

        if (reply && !ngx_http_judge_redis_refusing) {
            ngx_http_judge_redis_refusing = 1;
            ngx_log_error(NGX_LOG_ERR, op->log, 0,
                          "judge: redis refuses submissions' records: %*s",
                          (size_t) ngx_min(reply->len, 200), reply->str);
        }

        op->rc = NGX_HTTP_SERVICE_UNAVAILABLE;
        op->done(op);
        return;
    }

    if (ngx_http_judge_redis_refusing) {
        ngx_http_judge_redis_refusing = 0;
        ngx_log_error(NGX_LOG_NOTICE, op->log, 0,
                      "judge: redis takes submissions' records again");
    }

    if (op->want && reply->type == REDIS_REPLY_ARRAY) {
        ngx_http_judge_redis_adopt(op, reply);
    }

    op->durable = 1;
    op->rc = ngx_http_judge_job_create(op);

    owner.data = op->zone->instance;
    owner.len = NGX_HTTP_JUDGE_INSTANCE_LEN;

    if (op->rc != NGX_OK
        && ngx_http_judge_redis_key(op->pool, &key, "j:", &op->id)
        && ngx_http_judge_redis_key(op->pool, &owned, "o:", &owner))
    {
        /* refused here: the record goes too */

        a.n = 0;
        ngx_http_judge_redis_argz(&a, "DEL");
        ngx_http_judge_redis_arg(&a, key.data, key.len);
        (void) ngx_http_judge_redis_send(NULL, NULL, a.n, a.argv, a.len);

        a.n = 0;
        ngx_http_judge_redis_argz(&a, "ZREM");
        ngx_http_judge_redis_arg(&a, owned.data, owned.len);
        ngx_http_judge_redis_arg(&a, op->id.data, op->id.len);
        (void) ngx_http_judge_redis_send(NULL, NULL, a.n, a.argv, a.len);
    }

    op->done(op);
}


/* a compile's outcome from another frontend, into the cache here */

static void
ngx_http_judge_redis_adopt(ngx_http_judge_store_op_t *op, redisReply *reply)
{
    ngx_int_t    status;
    ngx_str_t    abi, compile, program;
    redisReply  **e;

    e = reply->element;

    if (reply->elements != 4 || e[0]->type != REDIS_REPLY_STRING
        || e[1]->type != REDIS_REPLY_STRING
        || e[2]->type != REDIS_REPLY_STRING
        || e[3]->type != REDIS_REPLY_STRING
        || e[1]->len > NGX_HTTP_JUDGE_MAX_ID_LEN)
    {
        return;
    }

    status = ngx_atoi((u_char *) e[0]->str, e[0]->len);

    if ((status != JUDGE__STATUS__OK || e[3]->len == 0
         || e[3]->len > op->jlcf->max_artifact_size)
        && (status != JUDGE__STATUS__CE || e[3]->len != 0))
    {
        return;
    }

    abi.data = (u_char *) e[1]->str;
    abi.len = e[1]->len;
    compile.data = (u_char *) e[2]->str;
    compile.len = e[2]->len;
    program.data = (u_char *) e[3]->str;
    program.len = e[3]->len;

    if (ngx_http_judge_cache_adopt(op->zone, op->sub->hash,
                                   &op->sub->language, status, &abi,
                                   &compile, &program)
        == NGX_OK)
    {
        ngx_log_error(NGX_LOG_INFO, op->log, 0,
                      "judge: the program of %*s was compiled on another "
                      "frontend", (size_t) NGX_HTTP_JUDGE_HASH_LEN,
                      op->sub->hash);
    }
}


/* a compile's outcome, for the other frontends */

static void
ngx_http_judge_redis_artifact(ngx_http_judge_zone_t *zone, u_char *hash,
    ngx_uint_t status, ngx_str_t *abi, ngx_str_t *compile,
    ngx_str_t *program)
{
    u_char                       *p;
    ngx_str_t                     prefix;
    ngx_msec_t                    ttl;
    ngx_http_judge_redis_argv_t   a;
    u_char                        key[192], st[NGX_INT_T_LEN],
                                  ms[NGX_INT_T_LEN];

    prefix = ngx_http_judge_redis_prefix();
    ttl = ngx_http_judge_redis_programs();

    if (ttl == 0 || prefix.len + NGX_HTTP_JUDGE_HASH_LEN + 5 > sizeof(key)) {
        return;
    }

    p = ngx_sprintf(key, "%V{a:%*s}", &prefix,
                    (size_t) NGX_HTTP_JUDGE_HASH_LEN, hash);

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "EVAL");
    ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_artifact_lua);
    ngx_http_judge_redis_argz(&a, "1");
    ngx_http_judge_redis_arg(&a, key, p - key);

    p = ngx_sprintf(st, "%ui", status);
    ngx_http_judge_redis_arg(&a, st, p - st);
    ngx_http_judge_redis_arg(&a, abi->data, abi->len);
    ngx_http_judge_redis_arg(&a, compile->data, compile->len);
    ngx_http_judge_redis_arg(&a, program->data, program->len);

    p = ngx_sprintf(ms, "%M", ttl);
    ngx_http_judge_redis_arg(&a, ms, p - ms);

    (void) ngx_http_judge_redis_send(NULL, NULL, a.n, a.argv, a.len);
}


/* a command whose reply answers "op": NGX_AGAIN, or why not */

static ngx_int_t
ngx_http_judge_redis_ask(ngx_http_judge_redis_pt handler,
    ngx_http_judge_store_op_t *op, ngx_http_judge_redis_argv_t *a)
{
    switch (ngx_http_judge_redis_send(handler, op, a->n, a->argv, a->len)) {

    case NGX_OK:
        return NGX_AGAIN;

    case NGX_DECLINED:
        return NGX_HTTP_SERVICE_UNAVAILABLE;

    default:
        return NGX_ERROR;
    }
}


/* the zone first; a job it does not hold may be in Redis */

static ngx_int_t
ngx_http_judge_redis_read(ngx_http_judge_store_op_t *op)
{
    ngx_int_t                    rc;
    ngx_str_t                    key;
    ngx_http_judge_redis_argv_t  a;

    rc = ngx_http_judge_job_read(op);

    if (rc != NGX_DECLINED || op->local) {
        return rc;
    }

    if (op->id.len != NGX_HTTP_JUDGE_JOB_ID_LEN) {
        return NGX_DECLINED;
    }

    if (!ngx_http_judge_redis_up()) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    if (ngx_http_judge_redis_key(op->pool, &key, "j:", &op->id) == NULL) {
        return NGX_ERROR;
    }

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "HMGET");
    ngx_http_judge_redis_arg(&a, key.data, key.len);
    ngx_http_judge_redis_argz(&a, "status");
    ngx_http_judge_redis_argz(&a, "result");
    ngx_http_judge_redis_argz(&a, "ntests");
    ngx_http_judge_redis_argz(&a, "lang");
    ngx_http_judge_redis_argz(&a, "created");
    ngx_http_judge_redis_argz(&a, "run");

    return ngx_http_judge_redis_ask(ngx_http_judge_redis_got, op, &a);
}


static void
ngx_http_judge_redis_got(void *data, redisReply *reply)
{
    ngx_http_judge_store_op_t  *op = data;

    u_char       *p;
    ngx_int_t     ntests, created;
    ngx_str_t     lang;
    ngx_buf_t    *b;
    ngx_uint_t    run;
    redisReply   *status, *result, **e;
    ngx_chain_t  *cl;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY
        || reply->elements != 6)
    {
        op->rc = NGX_HTTP_SERVICE_UNAVAILABLE;
        op->done(op);
        return;
    }

    e = reply->element;
    status = e[0];
    result = e[1];

    b = NULL;

    run = e[5]->type == REDIS_REPLY_STRING
          && e[5]->len > NGX_HTTP_JUDGE_JOB_ID_LEN + 1
          && e[5]->str[NGX_HTTP_JUDGE_JOB_ID_LEN] == ':';

    if (op->execution && !run) {
        /* asked for a run, and it is none */
        op->rc = NGX_DECLINED;
        op->done(op);
        return;
    }

    if (result->type == REDIS_REPLY_STRING) {
        b = ngx_create_temp_buf(op->pool, result->len + 1);

        if (b) {
            b->last = ngx_cpymem(b->last, result->str, result->len);
            *b->last++ = '\n';
            op->finished = 1;
        }

    } else if (status->type == REDIS_REPLY_STRING && status->len == 6
               && ngx_strncmp(status->str, "QUEUED", 6) == 0
               && e[2]->type == REDIS_REPLY_STRING
               && e[3]->type == REDIS_REPLY_STRING
               && ngx_http_judge_name_ok((u_char *) e[3]->str, e[3]->len)
               && e[4]->type == REDIS_REPLY_STRING
               && (ntests = ngx_atoi((u_char *) e[2]->str, e[2]->len)) > 0
               && (created = ngx_atoi((u_char *) e[4]->str, e[4]->len))
                  != NGX_ERROR)
    {
        /*
         * running on another frontend: where it stands (a record that
         * cannot say is as good as none)
         */

        lang.data = (u_char *) e[3]->str;
        lang.len = e[3]->len;

        b = ngx_create_temp_buf(op->pool,
                                768 + status->len + e[5]->len
                                + 2 * ngx_http_judge_json_str_len(&lang));

        if (b && run) {
            /* a run queued on another frontend, in the fields of a run */
            p = ngx_sprintf(b->last, "{\"execution_id\":\"%V\","
                            "\"session_id\":\"%*s\",\"revision\":%*s,"
                            "\"status\":\"QUEUED\",\"reason\":null,"
                            "\"language_id\":",
                            &op->id, (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN,
                            e[5]->str,
                            (size_t) (e[5]->len - NGX_HTTP_JUDGE_JOB_ID_LEN
                                      - 1),
                            e[5]->str + NGX_HTTP_JUDGE_JOB_ID_LEN + 1);
            p = ngx_http_judge_json_str(p, &lang);
            p = ngx_cpymem(p, ",\"language\":", 12);
            p = ngx_http_judge_json_str(p, &lang);
            p = ngx_sprintf(p, ",\"exit_code\":null,\"signal\":null,"
                            "\"execution_time_ms\":null,\"cpu_time_ms\":null,"
                            "\"memory_kb\":null,\"attempts\":0,\"stdout\":\"\","
                            "\"stderr\":\"\",\"stdout_truncated\":false,"
                            "\"stderr_truncated\":false,\"compile\":null,"
                            "\"created_at\":");
            p = ngx_http_judge_json_time(p, (uint64_t) created);
            p = ngx_sprintf(p, ",\"queued_at\":");
            p = ngx_http_judge_json_time(p, (uint64_t) created);
            p = ngx_sprintf(p, ",\"started_at\":null,\"finished_at\":null}\n");
            b->last = p;

        } else if (b) {
            p = ngx_sprintf(b->last, "{\"id\":\"%V\",\"status\":\"%*s\","
                            "\"verdict\":null,\"score\":0.0000,"
                            "\"passed\":0,\"total\":%i,\"language\":",
                            &op->id, (size_t) status->len, status->str,
                            ntests);
            p = ngx_http_judge_json_str(p, &lang);
            p = ngx_cpymem(p, ",\"tests\":[],\"created_at\":", 25);
            p = ngx_http_judge_json_time(p, (uint64_t) created);
            p = ngx_cpymem(p, ",\"finished_at\":null}\n", 20);
            b->last = p;
        }

    } else {
        op->rc = NGX_DECLINED;
        op->done(op);
        return;
    }

    cl = b ? ngx_alloc_chain_link(op->pool) : NULL;

    if (cl == NULL) {
        op->rc = NGX_ERROR;
        op->done(op);
        return;
    }

    b->last_buf = 1;
    cl->buf = b;
    cl->next = NULL;

    op->out = cl;
    op->len = b->last - b->pos;
    op->rc = NGX_OK;

    op->done(op);
}


/* SSE: what is new of a job another frontend holds */

static ngx_int_t
ngx_http_judge_redis_events(ngx_http_judge_store_op_t *op)
{
    u_char                       *p;
    ngx_int_t                     rc;
    ngx_str_t                     key, list;
    ngx_http_judge_redis_argv_t   a;
    u_char                        from[NGX_INT_T_LEN];

    rc = ngx_http_judge_job_events(op);

    if (rc != NGX_DECLINED || op->id.len != NGX_HTTP_JUDGE_JOB_ID_LEN) {
        return rc;
    }

    if (!ngx_http_judge_redis_up()) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    /* a job that left this frontend is followed from afar from now on */

    if (op->addr && ngx_http_judge_redis_follow(op) == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (ngx_http_judge_redis_key(op->pool, &key, "j:", &op->id) == NULL
        || ngx_http_judge_redis_list(op->pool, &list, &op->id) == NULL)
    {
        return NGX_ERROR;
    }

    p = ngx_sprintf(from, "%ui", op->cursor->sent);

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "EVAL");
    ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_events_lua);
    ngx_http_judge_redis_argz(&a, "2");
    ngx_http_judge_redis_arg(&a, key.data, key.len);
    ngx_http_judge_redis_arg(&a, list.data, list.len);
    ngx_http_judge_redis_arg(&a, from, p - from);

    return ngx_http_judge_redis_ask(ngx_http_judge_redis_evented, op, &a);
}


static void
ngx_http_judge_redis_evented(void *data, redisReply *reply)
{
    ngx_http_judge_store_op_t  *op = data;

    size_t        len;
    ngx_buf_t    *b;
    ngx_uint_t    i, n;
    redisReply   *result, *tests;
    ngx_chain_t  *cl;

    op->out = NULL;
    op->finished = 0;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY
        || reply->elements < 1
        || reply->element[0]->type != REDIS_REPLY_INTEGER)
    {
        op->rc = NGX_HTTP_SERVICE_UNAVAILABLE;
        op->done(op);
        return;
    }

    if (reply->element[0]->integer == 0) {
        op->rc = NGX_DECLINED;
        op->done(op);
        return;
    }

    if (reply->elements != 3
        || reply->element[1]->type != REDIS_REPLY_STRING
        || reply->element[2]->type != REDIS_REPLY_ARRAY)
    {
        op->rc = NGX_ERROR;
        op->done(op);
        return;
    }

    result = reply->element[1];
    tests = reply->element[2];

    len = result->len + sizeof("event: verdict\ndata: \n\n");

    /* a run's results are not its events: only its end is */
    n = op->execution ? 0 : tests->elements;

    for (i = 0; i < n; i++) {
        if (tests->element[i]->type != REDIS_REPLY_STRING) {
            op->rc = NGX_ERROR;
            op->done(op);
            return;
        }

        len += tests->element[i]->len + sizeof("event: test\ndata: \n\n");
    }

    op->rc = NGX_OK;
    op->finished = (result->len != 0);

    if (n == 0 && !op->finished) {
        op->done(op);
        return;
    }

    b = ngx_create_temp_buf(op->pool, len);
    cl = ngx_alloc_chain_link(op->pool);

    if (b == NULL || cl == NULL) {
        op->rc = NGX_ERROR;
        op->done(op);
        return;
    }

    for (i = 0; i < n; i++) {
        b->last = ngx_cpymem(b->last, "event: test\ndata: ", 18);
        b->last = ngx_cpymem(b->last, tests->element[i]->str,
                             tests->element[i]->len);
        b->last = ngx_cpymem(b->last, "\n\n", 2);
    }

    op->cursor->sent += n;

    if (op->finished && op->execution) {
        /* a run followed from afar: its end (its output came with it) */
        b->last = ngx_cpymem(b->last, "event: done\ndata: ", 18);
        b->last = ngx_cpymem(b->last, result->str, result->len);
        b->last = ngx_cpymem(b->last, "\n\n", 2);

    } else if (op->finished) {
        b->last = ngx_cpymem(b->last, "event: verdict\ndata: ", 21);
        b->last = ngx_cpymem(b->last, result->str, result->len);
        b->last = ngx_cpymem(b->last, "\n\n", 2);
    }

    cl->buf = b;
    cl->next = NULL;
    op->out = cl;
    op->len = b->last - b->pos;

    op->done(op);
}


/*
 * A job this frontend does not hold is followed by a poll of its record
 * at each tick; a job seen ended or gone lately ends the wait at once.
 */

static ngx_int_t
ngx_http_judge_redis_watch(ngx_http_judge_store_op_t *op)
{
    ngx_int_t   rc;
    ngx_uint_t  i, n;

    rc = ngx_http_judge_job_watch(op);

    if (rc != NGX_DECLINED || op->id.len != NGX_HTTP_JUDGE_JOB_ID_LEN
        || !ngx_http_judge_redis_up())
    {
        return rc;
    }

    n = ngx_min(ngx_http_judge_redis_nended, NGX_HTTP_JUDGE_REDIS_ENDED);

    for (i = 0; i < n; i++) {
        if (ngx_memcmp(ngx_http_judge_redis_ended[i], op->id.data,
                       NGX_HTTP_JUDGE_JOB_ID_LEN)
            == 0)
        {
            return NGX_DONE;
        }
    }

    return ngx_http_judge_redis_follow(op);
}


/* op->addr is told of the news of a job another frontend holds */

static ngx_int_t
ngx_http_judge_redis_follow(ngx_http_judge_store_op_t *op)
{
    ngx_queue_t                   *q;
    ngx_http_judge_redis_watch_t  *w;

    if (ngx_http_judge_redis_watches.next == NULL) {
        ngx_queue_init(&ngx_http_judge_redis_watches);
    }

    for (q = ngx_queue_head(&ngx_http_judge_redis_watches);
         q != ngx_queue_sentinel(&ngx_http_judge_redis_watches);
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, ngx_http_judge_redis_watch_t, queue);

        if (w->addr.id == op->addr->id && w->addr.pid == op->addr->pid
            && ngx_memcmp(w->id, op->id.data, NGX_HTTP_JUDGE_JOB_ID_LEN) == 0)
        {
            return NGX_OK;
        }
    }

    if (ngx_http_judge_redis_nwatches >= 4 * NGX_HTTP_JUDGE_MAX_WAITERS) {
        return NGX_BUSY;
    }

    w = ngx_alloc(sizeof(ngx_http_judge_redis_watch_t), op->log);
    if (w == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(w->id, op->id.data, NGX_HTTP_JUDGE_JOB_ID_LEN);
    w->addr = *op->addr;
    w->progress = op->progress;
    w->seen = op->cursor ? op->cursor->sent : 0;
    w->polling = 0;

    ngx_queue_insert_tail(&ngx_http_judge_redis_watches, &w->queue);
    ngx_http_judge_redis_nwatches++;

    return NGX_OK;
}


static void
ngx_http_judge_redis_unwatch(ngx_http_judge_store_op_t *op)
{
    ngx_queue_t                   *q, *next;
    ngx_http_judge_redis_watch_t  *w;

    ngx_http_judge_job_unwatch(op);

    if (ngx_http_judge_redis_watches.next == NULL) {
        return;
    }

    for (q = ngx_queue_head(&ngx_http_judge_redis_watches);
         q != ngx_queue_sentinel(&ngx_http_judge_redis_watches);
         q = next)
    {
        next = ngx_queue_next(q);
        w = ngx_queue_data(q, ngx_http_judge_redis_watch_t, queue);

        if (w->addr.id != op->waiter
            || ngx_memcmp(w->id, op->id.data, NGX_HTTP_JUDGE_JOB_ID_LEN)
               != 0)
        {
            continue;
        }

        ngx_queue_remove(q);
        ngx_http_judge_redis_nwatches--;

        if (w->polling) {
            /* its poll's reply lets it go */
            w->addr.pid = 0;
            continue;
        }

        ngx_free(w);
    }
}


static void
ngx_http_judge_redis_poll(ngx_http_judge_zone_t *zone)
{
    u_char                         *p;
    size_t                          size;
    ngx_uint_t                      n, k, nkeys;
    ngx_str_t                       prefix;
    ngx_queue_t                    *q;
    ngx_http_judge_redis_poll_t    *poll;
    ngx_http_judge_redis_watch_t   *w;
    const char                    **argv;
    size_t                         *argl;

    if (ngx_http_judge_redis_watches.next == NULL
        || ngx_http_judge_redis_nwatches == 0)
    {
        return;
    }

    prefix = ngx_http_judge_redis_prefix();
    n = ngx_http_judge_redis_nwatches;

    /*
     * One block: the poll, its watches, the command's words, the keys
     * ("<prefix>{j:<id>}") and the count of keys.
     */

    size = sizeof(ngx_http_judge_redis_poll_t)
           + n * (sizeof(ngx_http_judge_redis_watch_t *) + sizeof(ngx_uint_t)
                  + prefix.len + sizeof("{j:}") - 1
                  + NGX_HTTP_JUDGE_JOB_ID_LEN)
           + (n + 3) * (sizeof(char *) + sizeof(size_t))
           + NGX_INT_T_LEN;

    p = ngx_alloc(size, ngx_cycle->log);
    if (p == NULL) {
        return;
    }

    poll = (ngx_http_judge_redis_poll_t *) p;
    poll->watch = (ngx_http_judge_redis_watch_t **) (poll + 1);
    poll->key = (ngx_uint_t *) (poll->watch + n);
    argv = (const char **) (poll->key + n);
    argl = (size_t *) (argv + n + 3);
    p = (u_char *) (argl + n + 3);

    poll->n = 0;
    nkeys = 0;

    for (q = ngx_queue_head(&ngx_http_judge_redis_watches);
         q != ngx_queue_sentinel(&ngx_http_judge_redis_watches)
         && poll->n < n;
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, ngx_http_judge_redis_watch_t, queue);

        if (w->polling) {
            continue;
        }

        /* one key for each job, however many follow it */

        for (k = 0; k < poll->n; k++) {
            if (ngx_memcmp(poll->watch[k]->id, w->id,
                           NGX_HTTP_JUDGE_JOB_ID_LEN)
                == 0)
            {
                break;
            }
        }

        if (k < poll->n) {
            poll->key[poll->n] = poll->key[k];

        } else {
            argv[3 + nkeys] = (char *) p;
            p = ngx_sprintf(p, "%V{j:%*s}", &prefix,
                            (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN, w->id);
            argl[3 + nkeys] = (char *) p - argv[3 + nkeys];
            poll->key[poll->n] = nkeys++;
        }

        w->zone = zone;
        poll->watch[poll->n++] = w;
    }

    if (nkeys == 0) {
        ngx_free(poll);
        return;
    }

    argv[0] = "EVAL";
    argl[0] = 4;
    argv[1] = ngx_http_judge_redis_poll_lua;
    argl[1] = sizeof(ngx_http_judge_redis_poll_lua) - 1;
    argv[2] = (char *) p;
    p = ngx_sprintf(p, "%ui", nkeys);
    argl[2] = (char *) p - argv[2];

    if (ngx_http_judge_redis_send(ngx_http_judge_redis_polled, poll,
                                  3 + nkeys, argv, argl)
        != NGX_OK)
    {
        ngx_free(poll);
        return;
    }

    for (k = 0; k < poll->n; k++) {
        poll->watch[k]->polling = 1;
    }
}


static void
ngx_http_judge_redis_polled(void *data, redisReply *reply)
{
    ngx_http_judge_redis_poll_t  *poll = data;

    ngx_uint_t                     i, k, ok;
    redisReply                   **e;
    ngx_http_judge_redis_watch_t  *w;

    ok = reply && reply->type == REDIS_REPLY_ARRAY;

    for (i = 0; i < poll->n; i++) {
        w = poll->watch[i];
        w->polling = 0;

        if (w->addr.pid == 0) {
            /* no longer followed */
            ngx_free(w);
            continue;
        }

        k = 3 * poll->key[i];

        if (!ok || k + 3 > reply->elements) {
            continue;
        }

        e = reply->element + k;

        if (e[0]->type == REDIS_REPLY_INTEGER
            && e[1]->type == REDIS_REPLY_INTEGER
            && e[2]->type == REDIS_REPLY_INTEGER)
        {
            ngx_http_judge_redis_told(w, e[0]->integer, e[1]->integer,
                                      e[2]->integer);
        }
    }

    ngx_free(poll);
}


/* what a poll found of a job followed: news wakes its request */

static void
ngx_http_judge_redis_told(ngx_http_judge_redis_watch_t *w, long long there,
    long long ended, long long results)
{
    ngx_uint_t  tell;

    ended = (there == 0 || ended == 1);
    tell = ended;

    if (w->progress && results > 0 && (ngx_uint_t) results > w->seen) {
        w->seen = results;
        tell = 1;
    }

    if (tell) {
        (void) ngx_http_judge_ipc_send(w->zone, &w->addr,
                                       NGX_HTTP_JUDGE_MSG_NOTIFY, NULL, 0);
    }

    if (ended) {
        /* ended or unknown: its request reads the record (or a 404) */
        ngx_http_judge_redis_ended_add(w->id);

        ngx_queue_remove(&w->queue);
        ngx_http_judge_redis_nwatches--;
        ngx_free(w);
    }
}


static void
ngx_http_judge_redis_ended_add(u_char *id)
{
    ngx_memcpy(ngx_http_judge_redis_ended[ngx_http_judge_redis_nended
                                          % NGX_HTTP_JUDGE_REDIS_ENDED],
               id, NGX_HTTP_JUDGE_JOB_ID_LEN);
    ngx_http_judge_redis_nended++;
}


/*
 * DELETE: a job held here is cancelled here; one another frontend holds
 * is queued for it (and marked, for whoever takes it over).  NGX_DONE: it
 * had ended; NGX_DECLINED: unknown.
 */

static ngx_int_t
ngx_http_judge_redis_cancel(ngx_http_judge_store_op_t *op)
{
    ngx_int_t                    rc;
    ngx_str_t                    key, prefix;
    ngx_http_judge_redis_argv_t  a;

    rc = ngx_http_judge_store_cancel_here(op);

    if (rc != NGX_DECLINED || op->id.len != NGX_HTTP_JUDGE_JOB_ID_LEN) {
        return rc;
    }

    if (!ngx_http_judge_redis_up()) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    if (ngx_http_judge_redis_key(op->pool, &key, "j:", &op->id) == NULL) {
        return NGX_ERROR;
    }

    prefix = ngx_http_judge_redis_prefix();

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "EVAL");
    ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_cancel_lua);
    ngx_http_judge_redis_argz(&a, "1");
    ngx_http_judge_redis_arg(&a, key.data, key.len);
    ngx_http_judge_redis_arg(&a, prefix.data, prefix.len);
    ngx_http_judge_redis_arg(&a, op->id.data, op->id.len);
    ngx_http_judge_redis_argz(&a, op->execution ? "1" : "0");

    return ngx_http_judge_redis_ask(ngx_http_judge_redis_asked, op, &a);
}


static void
ngx_http_judge_redis_asked(void *data, redisReply *reply)
{
    ngx_http_judge_store_op_t  *op = data;

    if (reply == NULL || reply->type != REDIS_REPLY_INTEGER) {
        op->rc = NGX_HTTP_SERVICE_UNAVAILABLE;

    } else {
        op->rc = (reply->integer == 1) ? NGX_OK
                 : (reply->integer == 0) ? NGX_DONE : NGX_DECLINED;
    }

    op->done(op);
}


/*
 * At each tick while this frontend holds unfinished jobs: the cancels
 * other frontends queued for it, taken off the queue and carried out (an
 * empty queue costs one read).  One read is out at a time, so a slow
 * Redis is not sent a queue of them.
 */

static void
ngx_http_judge_redis_cancels(ngx_http_judge_zone_t *zone)
{
    u_char                       *p;
    ngx_str_t                     prefix;
    ngx_http_judge_redis_argv_t   a;
    u_char                        cx[128];

    prefix = ngx_http_judge_redis_prefix();

    if (ngx_http_judge_redis_cancels_out
        || prefix.len + NGX_HTTP_JUDGE_INSTANCE_LEN + 5 > sizeof(cx)
        || ngx_http_judge_job_active(zone) == 0)
    {
        return;
    }

    p = ngx_sprintf(cx, "%V{cx:%*s}", &prefix,
                    (size_t) NGX_HTTP_JUDGE_INSTANCE_LEN, zone->instance);

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "LPOP");
    ngx_http_judge_redis_arg(&a, cx, p - cx);
    ngx_http_judge_redis_argz(&a, "64");

    if (ngx_http_judge_redis_send(ngx_http_judge_redis_cancels_got, zone,
                                  a.n, a.argv, a.len)
        == NGX_OK)
    {
        ngx_http_judge_redis_cancels_out = 1;
    }
}


static void
ngx_http_judge_redis_cancels_got(void *data, redisReply *reply)
{
    ngx_http_judge_zone_t  *zone = data;

    size_t       i;
    ngx_str_t    id;
    redisReply  *e;

    ngx_http_judge_redis_cancels_out = 0;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY) {
        return;
    }

    for (i = 0; i < reply->elements; i++) {
        e = reply->element[i];

        if (e->type != REDIS_REPLY_STRING
            || e->len != NGX_HTTP_JUDGE_JOB_ID_LEN)
        {
            continue;
        }

        id.data = (u_char *) e->str;
        id.len = e->len;

        if (ngx_http_judge_sched_cancel_job(zone, &id) == NGX_OK) {
            ngx_log_error(NGX_LOG_INFO, ngx_cycle->log, 0,
                          "judge: submission %V cancelled through another "
                          "frontend", &id);
        }
    }

    if (reply->elements) {
        ngx_http_judge_sched_run(zone);
    }
}


/* a test's result, kept as it comes in */

static void
ngx_http_judge_redis_result(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    u_char *json, size_t len)
{
    u_char                       *p;
    ngx_str_t                     prefix;
    ngx_http_judge_redis_argv_t   a;
    u_char                        list[192];

    prefix = ngx_http_judge_redis_prefix();

    if (prefix.len + id->len + 8 > sizeof(list)) {
        return;
    }

    p = ngx_sprintf(list, "%V{j:%V}:r", &prefix, id);

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "EVAL");
    ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_result_lua);
    ngx_http_judge_redis_argz(&a, "2");
    ngx_http_judge_redis_arg(&a, list, p - list - 2);
    ngx_http_judge_redis_arg(&a, list, p - list);
    ngx_http_judge_redis_arg(&a, zone->instance, NGX_HTTP_JUDGE_INSTANCE_LEN);
    ngx_http_judge_redis_arg(&a, json, len);

    (void) ngx_http_judge_redis_send(NULL, NULL, a.n, a.argv, a.len);
}


/* jobs that ended since the last tick: their answers go to Redis */

static void
ngx_http_judge_redis_sync(ngx_http_judge_zone_t *zone)
{
    u_char                       *p, *q, *sum;
    ngx_str_t                     key, owned, list, result, ttl, id, owner;
    ngx_str_t                     sid, skeys[3];
    ngx_msec_t                    since;
    ngx_uint_t                    i, n;
    ngx_pool_t                   *pool;
    ngx_http_judge_due_t          due[NGX_HTTP_JUDGE_REDIS_SYNC_MAX];
    ngx_http_judge_store_op_t     op;
    ngx_http_judge_redis_argv_t   a;
    ngx_http_judge_redis_sync_t  *s;
    u_char                        buf[NGX_INT64_LEN];

    if (!ngx_http_judge_redis_up()) {
        return;
    }

    since = ngx_http_judge_redis_up_since();

    /* at once on a new connection: Redis may have been away a while */

    if (ngx_current_msec - ngx_http_judge_redis_renewed
        >= NGX_HTTP_JUDGE_REDIS_RENEW
        || (ngx_msec_int_t) (ngx_http_judge_redis_renewed - since) < 0)
    {
        ngx_http_judge_redis_renewed = ngx_current_msec;
        ngx_http_judge_redis_heartbeat(zone);
        ngx_http_judge_redis_figures(zone);

        /* a walk of the unfinished jobs under the lock: once a second */
        ngx_http_judge_redis_spill(zone);
    }

    /*
     * Not before a lease's time on this connection, nor before this
     * process has renewed the lease for a lease's time in a row: after
     * Redis was away, or refused the renewals (full, say), the other
     * frontends' leases may have lapsed there meanwhile for the same
     * reason, and they renew them when they can.
     */

    if (ngx_current_msec - since >= NGX_HTTP_JUDGE_REDIS_LEASE
        && ngx_http_judge_redis_leased
        && ngx_current_msec - ngx_http_judge_redis_leased
           >= NGX_HTTP_JUDGE_REDIS_LEASE
        && ngx_current_msec - ngx_http_judge_redis_claimed_at
           >= NGX_HTTP_JUDGE_REDIS_CLAIM)
    {
        ngx_http_judge_redis_claimed_at = ngx_current_msec;
        ngx_http_judge_redis_claim(zone);
    }

    if (ngx_current_msec - ngx_http_judge_redis_strayed_at
        >= NGX_HTTP_JUDGE_REDIS_AUDIT)
    {
        ngx_http_judge_redis_strayed_at = ngx_current_msec;
        ngx_http_judge_redis_strays(zone);
    }

    ngx_http_judge_redis_poll(zone);

    ngx_http_judge_redis_cancels(zone);

    n = ngx_http_judge_job_due(zone, due, NGX_HTTP_JUDGE_REDIS_SYNC_MAX);

    for (i = 0; i < n; i++) {

        pool = ngx_create_pool(4096, ngx_cycle->log);
        s = ngx_alloc(sizeof(ngx_http_judge_redis_sync_t), ngx_cycle->log);

        if (pool == NULL || s == NULL) {
            goto failed;
        }

        s->zone = zone;
        ngx_memcpy(s->id, due[i].id, NGX_HTTP_JUDGE_JOB_ID_LEN);

        id.data = s->id;
        id.len = NGX_HTTP_JUDGE_JOB_ID_LEN;

        ngx_memzero(&op, sizeof(ngx_http_judge_store_op_t));
        op.zone = zone;
        op.pool = pool;
        op.log = ngx_cycle->log;
        op.id = id;
        op.local = 1;

        owner.data = zone->instance;
        owner.len = NGX_HTTP_JUDGE_INSTANCE_LEN;

        if (ngx_http_judge_job_read(&op) != NGX_OK
            || ngx_http_judge_redis_flatten(&op, &result) != NGX_OK
            || ngx_http_judge_redis_key(pool, &key, "j:", &id) == NULL
            || ngx_http_judge_redis_key(pool, &owned, "o:", &owner) == NULL
            || ngx_http_judge_redis_list(pool, &list, &id) == NULL)
        {
            goto failed;
        }

        p = ngx_sprintf(buf, "%M", ngx_max(due[i].ttl, 1000));
        ttl.data = buf;
        ttl.len = p - buf;

        a.n = 0;
        ngx_http_judge_redis_argz(&a, "EVAL");
        ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_end_lua);
        ngx_http_judge_redis_argz(&a, due[i].counts ? "5" : "3");
        ngx_http_judge_redis_arg(&a, key.data, key.len);
        ngx_http_judge_redis_arg(&a, owned.data, owned.len);
        ngx_http_judge_redis_arg(&a, list.data, list.len);

        if (due[i].counts) {
            /* a run: its session learns how it ended */

            sid.data = due[i].session;
            sid.len = NGX_HTTP_JUDGE_JOB_ID_LEN;

            if (ngx_http_judge_redis_session_keys(pool, &sid, skeys)
                != NGX_OK)
            {
                goto failed;
            }

            ngx_http_judge_redis_arg(&a, skeys[0].data, skeys[0].len);
            ngx_http_judge_redis_arg(&a, skeys[2].data, skeys[2].len);
        }

        ngx_http_judge_redis_argz(&a, (char *) due[i].status);
        ngx_http_judge_redis_arg(&a, result.data, result.len);
        ngx_http_judge_redis_arg(&a, ttl.data, ttl.len);
        ngx_http_judge_redis_arg(&a, id.data, id.len);
        ngx_http_judge_redis_arg(&a, owner.data, owner.len);

        if (due[i].counts) {
            sum = ngx_pnalloc(pool, 3 * NGX_INT64_LEN);
            if (sum == NULL) {
                goto failed;
            }

            /* "x" for an exit code or a time the run does not have */

            ngx_http_judge_redis_argz(&a, (char *) due[i].counts);
            p = ngx_sprintf(sum, "%ui", due[i].exec_status);
            ngx_http_judge_redis_arg(&a, sum, p - sum);
            q = due[i].exited ? ngx_sprintf(p, "%D", due[i].exit_code)
                              : ngx_sprintf(p, "x");
            ngx_http_judge_redis_arg(&a, p, q - p);
            p = due[i].timed ? ngx_sprintf(q, "%uD", due[i].wall_ms)
                             : ngx_sprintf(q, "x");
            ngx_http_judge_redis_arg(&a, q, p - q);
        }

        if (ngx_http_judge_redis_send(ngx_http_judge_redis_synced, s,
                                      a.n, a.argv, a.len)
            != NGX_OK)
        {
            goto failed;
        }

        ngx_destroy_pool(pool);
        continue;

    failed:

        ngx_http_judge_job_kept(zone, due[i].id, 0);

        if (pool) {
            ngx_destroy_pool(pool);
        }

        if (s) {
            ngx_free(s);
        }
    }
}


static void
ngx_http_judge_redis_synced(void *data, redisReply *reply)
{
    ngx_http_judge_redis_sync_t  *s = data;

    ngx_http_judge_job_kept(s->zone, s->id,
                            reply && reply->type != REDIS_REPLY_ERROR);
    ngx_free(s);
}


/*
 * This frontend is alive for five seconds more; its workers and their
 * languages, for the other frontends; theirs back.
 */

static void
ngx_http_judge_redis_heartbeat(ngx_http_judge_zone_t *zone)
{
    u_char                       *p, *q, *last;
    size_t                        n;
    ngx_buf_t                    *b;
    ngx_str_t                     prefix, inst;
    ngx_uint_t                    workers, free;
    ngx_pool_t                   *pool;
    ngx_http_judge_redis_argv_t   a;
    u_char                        lease[128], fs[128], fes[128], langs[128];
    u_char                        frees[128], clock[128], rev[128];
    u_char                        ms[NGX_INT_T_LEN];
    u_char                        now[NGX_INT64_LEN], old[NGX_INT64_LEN];
    u_char                        slots[NGX_INT_T_LEN], offered[1024];

    prefix = ngx_http_judge_redis_prefix();

    if (prefix.len + NGX_HTTP_JUDGE_INSTANCE_LEN + 12 > sizeof(lease)) {
        return;
    }

    pool = ngx_create_pool(4096, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    b = ngx_http_judge_registry_json(zone, pool, 0);
    if (b == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    inst.data = zone->instance;
    inst.len = NGX_HTTP_JUDGE_INSTANCE_LEN;

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "EVAL");
    ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_heartbeat_lua);
    ngx_http_judge_redis_argz(&a, "7");

    p = ngx_sprintf(lease, "%V{fe:%V}", &prefix, &inst);
    ngx_http_judge_redis_arg(&a, lease, p - lease);
    p = ngx_sprintf(fs, "%V{fs:%V}", &prefix, &inst);
    ngx_http_judge_redis_arg(&a, fs, p - fs);
    p = ngx_sprintf(fes, "%V{frontends}", &prefix);
    ngx_http_judge_redis_arg(&a, fes, p - fes);
    p = ngx_sprintf(langs, "%V{langs}", &prefix);
    ngx_http_judge_redis_arg(&a, langs, p - langs);
    p = ngx_sprintf(frees, "%V{free}", &prefix);
    ngx_http_judge_redis_arg(&a, frees, p - frees);
    p = ngx_sprintf(clock, "%V{clock}", &prefix);
    ngx_http_judge_redis_arg(&a, clock, p - clock);
    p = ngx_sprintf(rev, "%V{problems:rev}", &prefix);
    ngx_http_judge_redis_arg(&a, rev, p - rev);

    p = ngx_sprintf(ms, "%d", NGX_HTTP_JUDGE_REDIS_LEASE);
    ngx_http_judge_redis_arg(&a, ms, p - ms);
    ngx_http_judge_redis_arg(&a, b->pos, b->last - b->pos);
    p = ngx_sprintf(now, "%uL", ngx_http_judge_json_now_ms());
    ngx_http_judge_redis_arg(&a, now, p - now);
    ngx_http_judge_redis_arg(&a, inst.data, inst.len);
    p = ngx_sprintf(old, "%uL", ngx_http_judge_json_now_ms()
                                - 2 * NGX_HTTP_JUDGE_REDIS_LEASE);
    ngx_http_judge_redis_arg(&a, old, p - old);

    ngx_http_judge_registry_counts(zone, &workers, &free);
    p = ngx_sprintf(slots, "%ui", free);
    ngx_http_judge_redis_arg(&a, slots, p - slots);

    n = ngx_http_judge_registry_offered(zone, offered, sizeof(offered));
    last = offered + n;

    for (p = offered; p < last && a.n < NGX_HTTP_JUDGE_REDIS_ARGS; p = q + 1)
    {
        q = ngx_strlchr(p, last, ',');
        if (q == NULL) {
            q = last;
        }

        ngx_http_judge_redis_arg(&a, p, q - p);
    }

    (void) ngx_http_judge_redis_send(ngx_http_judge_redis_beaten, zone,
                                     a.n, a.argv, a.len);

    ngx_destroy_pool(pool);
}


static void
ngx_http_judge_redis_beaten(void *data, redisReply *reply)
{
    ngx_http_judge_zone_t *zone = data;

    ngx_int_t         rev;
    ngx_core_conf_t  *ccf;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY
        || reply->elements != 3)
    {
        /* not renewed: nothing taken over or passed on until it is */
        ngx_http_judge_redis_leased = 0;
        ngx_http_judge_redis_idle = 0;
        return;
    }

    if (ngx_http_judge_redis_leased == 0) {
        ngx_http_judge_redis_leased = ngx_current_msec;
    }

    ngx_http_judge_redis_languages_got(NULL, reply->element[0]);

    /* problems published since: ngx_http_judge_problem_sync() looks */

    rev = (reply->element[2]->type == REDIS_REPLY_STRING)
          ? ngx_atoi((u_char *) reply->element[2]->str,
                     reply->element[2]->len)
          : NGX_ERROR;

    if (rev != NGX_ERROR) {
        ngx_http_judge_zone_lock(zone);
        zone->sh->problems_rev = rev;
        ngx_http_judge_zone_unlock(zone);
    }

    /* what this process may pass on until the next: its share */

    ccf = (ngx_core_conf_t *) ngx_get_conf(ngx_cycle->conf_ctx,
                                           ngx_core_module);

    if (reply->element[1]->type == REDIS_REPLY_INTEGER
        && reply->element[1]->integer > 0)
    {
        ngx_http_judge_redis_idle = (reply->element[1]->integer
                                     + ccf->worker_processes - 1)
                                    / ccf->worker_processes;
    } else {
        ngx_http_judge_redis_idle = 0;
    }
}


/* this frontend's figures, packed, for the fleet's: they go with its lease */

static void
ngx_http_judge_redis_figures(ngx_http_judge_zone_t *zone)
{
    u_char                       *p;
    ngx_str_t                     prefix, inst;
    ngx_http_judge_redis_argv_t   a;
    uint64_t                      value[NGX_HTTP_JUDGE_METRICS_MAX];
    u_char                        key[128], ms[NGX_INT_T_LEN];
    u_char                        packed[NGX_HTTP_JUDGE_METRICS_PACKED];

    prefix = ngx_http_judge_redis_prefix();

    if (prefix.len + NGX_HTTP_JUDGE_INSTANCE_LEN + 5 > sizeof(key)) {
        return;
    }

    inst.data = zone->instance;
    inst.len = NGX_HTTP_JUDGE_INSTANCE_LEN;

    ngx_http_judge_metrics_read(zone, value);

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "SET");

    p = ngx_sprintf(key, "%V{fm:%V}", &prefix, &inst);
    ngx_http_judge_redis_arg(&a, key, p - key);
    p = ngx_http_judge_metrics_pack(packed, packed + sizeof(packed), value);
    ngx_http_judge_redis_arg(&a, packed, p - packed);

    ngx_http_judge_redis_argz(&a, "PX");
    p = ngx_sprintf(ms, "%d", NGX_HTTP_JUDGE_REDIS_LEASE);
    ngx_http_judge_redis_arg(&a, ms, p - ms);

    (void) ngx_http_judge_redis_send(NULL, NULL, a.n, a.argv, a.len);
}


static void
ngx_http_judge_redis_languages_got(void *data, redisReply *reply)
{
    u_char      *p, *last;
    size_t       i;
    redisReply  *e;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY) {
        return;
    }

    ngx_http_judge_redis_heard = 1;

    p = ngx_http_judge_redis_langs;
    last = p + sizeof(ngx_http_judge_redis_langs);

    for (i = 0; i < reply->elements; i++) {
        e = reply->element[i];

        if (e->type != REDIS_REPLY_STRING || e->len < 3
            || e->len > NGX_HTTP_JUDGE_MAX_ID_LEN + 2
            || (size_t) (last - p) < e->len + 1)
        {
            continue;
        }

        if (p != ngx_http_judge_redis_langs) {
            *p++ = ',';
        }

        p = ngx_cpymem(p, e->str, e->len);
    }

    ngx_http_judge_redis_nlangs = p - ngx_http_judge_redis_langs;
}


static ngx_int_t
ngx_http_judge_redis_offered(ngx_http_judge_zone_t *zone,
    ngx_str_t *language, ngx_uint_t *compiled)
{
    u_char  *p, *last, *q;

    p = ngx_http_judge_redis_langs;
    last = p + ngx_http_judge_redis_nlangs;

    for ( /* void */ ; p < last; p = q + 1) {
        q = ngx_strlchr(p, last, ',');
        if (q == NULL) {
            q = last;
        }

        if ((size_t) (q - p) == language->len + 2
            && ngx_strncmp(p, language->data, language->len) == 0
            && p[language->len] == ':')
        {
            *compiled = (p[language->len + 1] == '1');
            return NGX_OK;
        }
    }

    /* not heard yet (a process just started): perhaps, in a moment */

    return ngx_http_judge_redis_heard ? NGX_DECLINED : NGX_BUSY;
}


static ngx_int_t
ngx_http_judge_redis_fleet(ngx_http_judge_store_op_t *op)
{
    return ngx_http_judge_redis_frontends(op, "fs:",
                                          ngx_http_judge_redis_fleet_got);
}


static ngx_int_t
ngx_http_judge_redis_metrics(ngx_http_judge_store_op_t *op)
{
    return ngx_http_judge_redis_frontends(op, "fm:",
                                          ngx_http_judge_redis_metrics_got);
}


/* the keys "tag" of the frontends seen lately; the reply answers "op" */

static ngx_int_t
ngx_http_judge_redis_frontends(ngx_http_judge_store_op_t *op, char *tag,
    ngx_http_judge_redis_pt handler)
{
    u_char                       *p;
    ngx_str_t                     prefix, set;
    ngx_http_judge_redis_argv_t   a;
    u_char                        old[NGX_INT64_LEN];

    if (!ngx_http_judge_redis_up()) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    prefix = ngx_http_judge_redis_prefix();

    set.data = ngx_pnalloc(op->pool, prefix.len + sizeof("{frontends}"));
    if (set.data == NULL) {
        return NGX_ERROR;
    }

    set.len = ngx_sprintf(set.data, "%V{frontends}", &prefix) - set.data;

    /* frontends silent for two leases are gone */

    p = ngx_sprintf(old, "%uL", ngx_http_judge_json_now_ms()
                                - 2 * NGX_HTTP_JUDGE_REDIS_LEASE);

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "EVAL");
    ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_frontends_lua);
    ngx_http_judge_redis_argz(&a, "1");
    ngx_http_judge_redis_arg(&a, set.data, set.len);
    ngx_http_judge_redis_arg(&a, prefix.data, prefix.len);
    ngx_http_judge_redis_arg(&a, old, p - old);
    ngx_http_judge_redis_argz(&a, tag);

    return ngx_http_judge_redis_ask(handler, op, &a);
}


static void
ngx_http_judge_redis_fleet_got(void *data, redisReply *reply)
{
    ngx_http_judge_store_op_t  *op = data;

    size_t                   i, n, k;
    ngx_http_judge_shown_t  *shown;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY
        || reply->elements % 2)
    {
        op->rc = NGX_HTTP_SERVICE_UNAVAILABLE;
        op->done(op);
        return;
    }

    n = reply->elements / 2;

    shown = ngx_pcalloc(op->pool, (n + 1) * sizeof(ngx_http_judge_shown_t));
    if (shown == NULL) {
        op->rc = NGX_ERROR;
        op->done(op);
        return;
    }

    k = 0;

    for (i = 0; i < n; i++) {
        if (reply->element[2 * i]->type != REDIS_REPLY_STRING
            || reply->element[2 * i + 1]->type != REDIS_REPLY_STRING)
        {
            continue;
        }

        shown[k].instance.data = (u_char *) reply->element[2 * i]->str;
        shown[k].instance.len = reply->element[2 * i]->len;
        shown[k].workers.data = (u_char *) reply->element[2 * i + 1]->str;
        shown[k].workers.len = reply->element[2 * i + 1]->len;
        k++;
    }

    op->rc = ngx_http_judge_store_fleet_json(op, shown, k);
    op->done(op);
}


static void
ngx_http_judge_redis_metrics_got(void *data, redisReply *reply)
{
    ngx_http_judge_store_op_t  *op = data;

    u_char                    *p;
    size_t                     i, n, shown;
    redisReply                *inst, *packed;
    ngx_http_judge_figures_t  *figures;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY
        || reply->elements % 2)
    {
        op->rc = NGX_HTTP_SERVICE_UNAVAILABLE;
        op->done(op);
        return;
    }

    n = reply->elements / 2;

    figures = ngx_palloc(op->pool, (n + 1) * sizeof(ngx_http_judge_figures_t));
    if (figures == NULL) {
        op->rc = NGX_ERROR;
        op->done(op);
        return;
    }

    shown = 0;

    for (i = 0; i < n; i++) {
        inst = reply->element[2 * i];
        packed = reply->element[2 * i + 1];

        if (inst->type != REDIS_REPLY_STRING
            || packed->type != REDIS_REPLY_STRING)
        {
            continue;
        }

        p = (u_char *) packed->str;

        if (ngx_http_judge_metrics_unpack(p, p + packed->len,
                                          figures[shown].value)
            != NGX_OK)
        {
            continue;
        }

        figures[shown].instance.data = (u_char *) inst->str;
        figures[shown].instance.len = inst->len;
        shown++;
    }

    op->rc = ngx_http_judge_metrics_fleet(op, figures, shown);
    op->done(op);
}


/*
 * Jobs no worker here can run, and jobs waiting here for a slot while
 * other frontends have free ones, leave: the record becomes anyone's, and
 * the frontends with free slots take it at their next look.
 */

static void
ngx_http_judge_redis_spill(ngx_http_judge_zone_t *zone)
{
    ngx_uint_t     i, n, busy, workers, free;
    ngx_pool_t    *pool;
    ngx_array_t   *notify;
    ngx_str_t      id;
    u_char         ids[8 * NGX_HTTP_JUDGE_JOB_ID_LEN];

    ngx_http_judge_registry_counts(zone, &workers, &free);

    busy = (free == 0) ? ngx_http_judge_redis_idle : 0;

    pool = ngx_create_pool(1024, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    notify = ngx_array_create(pool, 4, sizeof(ngx_http_judge_addr_t));
    if (notify == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    n = ngx_http_judge_job_spill(zone, ids, 8, busy, notify);

    ngx_http_judge_redis_idle -= ngx_min(n, ngx_http_judge_redis_idle);

    for (i = 0; i < n; i++) {
        id.data = ids + i * NGX_HTTP_JUDGE_JOB_ID_LEN;
        id.len = NGX_HTTP_JUDGE_JOB_ID_LEN;

        ngx_http_judge_redis_pass(zone, pool, &id);

        ngx_log_error(NGX_LOG_INFO, ngx_cycle->log, 0,
                      "judge: submission %V left for a frontend whose "
                      "workers can run it now", &id);
    }

    ngx_http_judge_notify(zone, notify);
    ngx_destroy_pool(pool);
}


/* a job of this frontend becomes anyone's */

static void
ngx_http_judge_redis_pass(ngx_http_judge_zone_t *zone, ngx_pool_t *pool,
    ngx_str_t *id)
{
    ngx_str_t                    key, inst, owned, passed, owners;
    ngx_http_judge_redis_argv_t  a;

    inst.data = zone->instance;
    inst.len = NGX_HTTP_JUDGE_INSTANCE_LEN;

    if (ngx_http_judge_redis_key(pool, &key, "j:", id) == NULL
        || ngx_http_judge_redis_key(pool, &owned, "o:", &inst) == NULL
        || ngx_http_judge_redis_key(pool, &passed, "o:", NULL) == NULL
        || ngx_http_judge_redis_key(pool, &owners, "owners", NULL) == NULL)
    {
        return;
    }

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "EVAL");
    ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_spill_lua);
    ngx_http_judge_redis_argz(&a, "4");
    ngx_http_judge_redis_arg(&a, key.data, key.len);
    ngx_http_judge_redis_arg(&a, owned.data, owned.len);
    ngx_http_judge_redis_arg(&a, passed.data, passed.len);
    ngx_http_judge_redis_arg(&a, owners.data, owners.len);
    ngx_http_judge_redis_arg(&a, inst.data, inst.len);
    ngx_http_judge_redis_arg(&a, id->data, id->len);

    (void) ngx_http_judge_redis_send(NULL, NULL, a.n, a.argv, a.len);
}


/* jobs of frontends whose lease lapsed become this one's */

static void
ngx_http_judge_redis_claim(ngx_http_judge_zone_t *zone)
{
    u_char                       *p;
    ngx_str_t                     prefix;
    ngx_uint_t                    workers, free;
    ngx_http_judge_redis_argv_t   a;
    u_char                        owners[128], clock[128];
    u_char                        max[NGX_INT_T_LEN], ms[NGX_INT_T_LEN];

    /* a frontend takes as many jobs as its workers have free slots */

    ngx_http_judge_registry_counts(zone, &workers, &free);

    if (free == 0) {
        return;
    }

    prefix = ngx_http_judge_redis_prefix();

    if (prefix.len + sizeof("{owners}") > sizeof(owners)) {
        return;
    }

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "EVAL");
    ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_claim_lua);
    ngx_http_judge_redis_argz(&a, "2");
    p = ngx_sprintf(owners, "%V{owners}", &prefix);
    ngx_http_judge_redis_arg(&a, owners, p - owners);
    p = ngx_sprintf(clock, "%V{clock}", &prefix);
    ngx_http_judge_redis_arg(&a, clock, p - clock);
    ngx_http_judge_redis_arg(&a, prefix.data, prefix.len);
    ngx_http_judge_redis_arg(&a, zone->instance, NGX_HTTP_JUDGE_INSTANCE_LEN);

    p = ngx_sprintf(max, "%ui",
                    ngx_min(free, NGX_HTTP_JUDGE_REDIS_CLAIM_MAX));
    ngx_http_judge_redis_arg(&a, max, p - max);
    p = ngx_sprintf(ms, "%d", NGX_HTTP_JUDGE_REDIS_LEASE);
    ngx_http_judge_redis_arg(&a, ms, p - ms);

    (void) ngx_http_judge_redis_send(ngx_http_judge_redis_claimed, zone,
                                     a.n, a.argv, a.len);
}


static void
ngx_http_judge_redis_claimed(void *data, redisReply *reply)
{
    ngx_http_judge_zone_t  *zone = data;

    size_t       i;
    redisReply  *id;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY) {
        /* taken, perhaps: the look for strays here finds them */
        return;
    }

    for (i = 0; i < reply->elements; i++) {
        id = reply->element[i];

        if (id->type == REDIS_REPLY_STRING
            && id->len == NGX_HTTP_JUDGE_JOB_ID_LEN)
        {
            ngx_http_judge_redis_take(zone, (u_char *) id->str, 0);
        }
    }
}


/*
 * Jobs Redis says this frontend owns but its zone does not hold: the
 * answer to a takeover or to the reading of a record taken over was lost,
 * or a job passed on did not reach Redis.  A part of them, the next at
 * each look, a few hundred at most; one seen twice ten seconds apart,
 * older than ten seconds, is taken (an answer on its way to another
 * process of this frontend is no stray).
 */

static void
ngx_http_judge_redis_strays(ngx_http_judge_zone_t *zone)
{
    u_char                       *p;
    ngx_str_t                     inst, owned;
    ngx_pool_t                   *pool;
    ngx_http_judge_redis_argv_t   a;
    u_char                        from[NGX_INT_T_LEN], to[NGX_INT_T_LEN];

    pool = ngx_create_pool(512, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    inst.data = zone->instance;
    inst.len = NGX_HTTP_JUDGE_INSTANCE_LEN;

    if (ngx_http_judge_redis_key(pool, &owned, "o:", &inst) == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "ZRANGE");
    ngx_http_judge_redis_arg(&a, owned.data, owned.len);
    p = ngx_sprintf(from, "%ui", ngx_http_judge_redis_stray_from);
    ngx_http_judge_redis_arg(&a, from, p - from);
    p = ngx_sprintf(to, "%ui", ngx_http_judge_redis_stray_from
                               + NGX_HTTP_JUDGE_REDIS_AUDIT_MAX - 1);
    ngx_http_judge_redis_arg(&a, to, p - to);
    ngx_http_judge_redis_argz(&a, "WITHSCORES");

    (void) ngx_http_judge_redis_send(ngx_http_judge_redis_strays_got, zone,
                                     a.n, a.argv, a.len);

    ngx_destroy_pool(pool);
}


static void
ngx_http_judge_redis_strays_got(void *data, redisReply *reply)
{
    ngx_http_judge_zone_t  *zone = data;

    size_t                           i, n;
    uint64_t                         before;
    ngx_int_t                        created;
    ngx_uint_t                       k, room;
    redisReply                      *id, *score;
    ngx_http_judge_redis_suspect_t  *sus;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY) {
        return;
    }

    n = reply->elements / 2;

    ngx_http_judge_redis_stray_from = (n < NGX_HTTP_JUDGE_REDIS_AUDIT_MAX)
        ? 0 : ngx_http_judge_redis_stray_from + NGX_HTTP_JUDGE_REDIS_AUDIT_MAX;

    sus = ngx_http_judge_redis_suspects;

    /* suspects not seen again for a while were none */

    for (k = 0; k < NGX_HTTP_JUDGE_REDIS_SUSPECTS; k++) {
        if (sus[k].seen
            && ngx_current_msec - sus[k].seen
               > 3 * NGX_HTTP_JUDGE_REDIS_AUDIT)
        {
            sus[k].seen = 0;
        }
    }

    before = ngx_http_judge_json_now_ms() - NGX_HTTP_JUDGE_REDIS_AUDIT;

    for (i = 0; i < n; i++) {
        id = reply->element[2 * i];
        score = reply->element[2 * i + 1];

        if (id->type != REDIS_REPLY_STRING
            || id->len != NGX_HTTP_JUDGE_JOB_ID_LEN
            || score->type != REDIS_REPLY_STRING)
        {
            continue;
        }

        created = ngx_atoi((u_char *) score->str, score->len);

        if (created == NGX_ERROR || (uint64_t) created > before
            || ngx_http_judge_job_held(zone, (u_char *) id->str))
        {
            continue;
        }

        room = NGX_HTTP_JUDGE_REDIS_SUSPECTS;

        for (k = 0; k < NGX_HTTP_JUDGE_REDIS_SUSPECTS; k++) {
            if (sus[k].seen == 0) {
                room = k;
                continue;
            }

            if (ngx_strncmp(sus[k].id, id->str, NGX_HTTP_JUDGE_JOB_ID_LEN)
                == 0)
            {
                break;
            }
        }

        if (k < NGX_HTTP_JUDGE_REDIS_SUSPECTS) {
            if (ngx_current_msec - sus[k].seen >= NGX_HTTP_JUDGE_REDIS_AUDIT)
            {
                sus[k].seen = 0;
                ngx_http_judge_redis_take(zone, (u_char *) id->str, 1);
            }

            continue;
        }

        if (room < NGX_HTTP_JUDGE_REDIS_SUSPECTS) {
            ngx_memcpy(sus[room].id, id->str, NGX_HTTP_JUDGE_JOB_ID_LEN);
            sus[room].seen = ngx_current_msec;
        }
    }
}


/* the record of a job now this frontend's is read, to run it here */

static void
ngx_http_judge_redis_take(ngx_http_judge_zone_t *zone, u_char *id,
    ngx_uint_t stray)
{
    size_t                         k;
    ngx_str_t                      key;
    ngx_pool_t                    *pool;
    ngx_http_judge_redis_argv_t    a;
    ngx_http_judge_redis_claim_t  *cl;

    static char  *fields[] = { "lang", "hash", "cspec", "rspec", "tests",
                               "toff", "ntests", "ttime", "flags", "client",
                               "params", "created", "cancel", "spills",
                               "run", "problem" };

    pool = ngx_create_pool(4096, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    cl = ngx_palloc(pool, sizeof(ngx_http_judge_redis_claim_t));
    if (cl == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    cl->zone = zone;
    cl->pool = pool;
    cl->stray = stray;
    cl->id.len = NGX_HTTP_JUDGE_JOB_ID_LEN;
    cl->id.data = ngx_pnalloc(pool, NGX_HTTP_JUDGE_JOB_ID_LEN);

    if (cl->id.data == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    ngx_memcpy(cl->id.data, id, NGX_HTTP_JUDGE_JOB_ID_LEN);

    if (ngx_http_judge_redis_key(pool, &key, "j:", &cl->id) == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "HMGET");
    ngx_http_judge_redis_arg(&a, key.data, key.len);

    for (k = 0; k < sizeof(fields) / sizeof(char *); k++) {
        ngx_http_judge_redis_argz(&a, fields[k]);
    }

    if (ngx_http_judge_redis_send(ngx_http_judge_redis_recover, cl,
                                  a.n, a.argv, a.len)
        != NGX_OK)
    {
        ngx_destroy_pool(pool);
    }
}


static void
ngx_http_judge_redis_recover(void *data, redisReply *reply)
{
    ngx_http_judge_redis_claim_t  *cl = data;

    ngx_int_t    rc;
    const char  *damage;

    if (reply == NULL || reply->type == REDIS_REPLY_ERROR) {

        /*
         * not read (Redis away, or refusing the read now): this
         * frontend's still, the look for strays here finds it
         */

        ngx_destroy_pool(cl->pool);
        return;
    }

    damage = ngx_http_judge_redis_damaged(reply);

    if (damage) {
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                      "judge: the record of submission %V is damaged (%s): "
                      "it is not run, and leaves the active jobs",
                      &cl->id, damage);
        ngx_http_judge_redis_retire(cl);
        ngx_destroy_pool(cl->pool);
        return;
    }

    rc = ngx_http_judge_redis_restore(cl, reply->element);

    if (rc == NGX_OK) {
        if (cl->stray) {
            ngx_log_error(NGX_LOG_NOTICE, ngx_cycle->log, 0,
                          "judge: submission %V, this frontend's in redis "
                          "but not held here (an answer was lost), is run "
                          "here", &cl->id);

        } else {
            ngx_log_error(NGX_LOG_NOTICE, ngx_cycle->log, 0,
                          "judge: submission %V taken over from another "
                          "frontend (gone, busy, or without workers for it)",
                          &cl->id);
        }

        if (reply->element[12]->type == REDIS_REPLY_STRING) {
            /* its cancel was asked for meanwhile */
            (void) ngx_http_judge_sched_cancel_job(cl->zone, &cl->id);
        }

        ngx_http_judge_sched_run(cl->zone);

    } else {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "judge: submission %V taken over cannot be run here "
                      "now: it is passed on", &cl->id);
        ngx_http_judge_redis_pass(cl->zone, cl->pool, &cl->id);
    }

    ngx_destroy_pool(cl->pool);
}


/*
 * What is wrong with a record taken over (the fields of the claim's
 * HMGET), or NULL: whatever it holds, it may only make a job that a
 * submission could have made.
 */

static const char *
ngx_http_judge_redis_damaged(redisReply *reply)
{
    uint64_t     off, last;
    ngx_int_t    ntests;
    ngx_uint_t   i;
    redisReply **e;

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 16) {
        return "not the fields asked for";
    }

    e = reply->element;

    /* the last four (cancel, spills, run, problem) may be missing */

    for (i = 0; i < 12; i++) {
        if (e[i]->type != REDIS_REPLY_STRING) {
            return "a field is missing";
        }
    }

    ntests = ngx_atoi((u_char *) e[6]->str, e[6]->len);

    if (ntests == NGX_ERROR || ntests == 0
        || e[5]->len % sizeof(uint64_t)
        || e[5]->len / sizeof(uint64_t) != (size_t) ntests + 1)
    {
        return "its tests are miscounted";
    }

    if (ngx_atoi((u_char *) e[7]->str, e[7]->len) == NGX_ERROR
        || ngx_atoi((u_char *) e[11]->str, e[11]->len) == NGX_ERROR
        || e[1]->len != NGX_HTTP_JUDGE_HASH_LEN
        || e[9]->len != NGX_HTTP_JUDGE_CLIENT_LEN
        || e[10]->len != sizeof(ngx_http_judge_redis_params_t))
    {
        return "a field has the wrong size";
    }

    if (!ngx_http_judge_name_ok((u_char *) e[0]->str, e[0]->len)) {
        return "its language is no language's name";
    }

    /* each test a range of the tests' bytes, one after another */

    last = 0;

    for (i = 0; i <= (ngx_uint_t) ntests; i++) {
        ngx_memcpy(&off, e[5]->str + i * sizeof(uint64_t), sizeof(uint64_t));

        if ((i == 0 && off != 0) || (i > 0 && off <= last)
            || off > e[4]->len)
        {
            return "its test offsets do not fit its tests";
        }

        last = off;
    }

    if (last != e[4]->len) {
        return "its test offsets do not fit its tests";
    }

    return NULL;
}


/* a job from its record (not damaged), into the zone as it was accepted */

static ngx_int_t
ngx_http_judge_redis_restore(ngx_http_judge_redis_claim_t *cl,
    redisReply **e)
{
    ngx_int_t                       ntests, ttime, created, spills;
    ngx_int_t                       revision;
    ngx_http_judge_store_op_t       op;
    ngx_http_judge_loc_conf_t      *jlcf;
    ngx_http_judge_submission_t    *sub;
    ngx_http_judge_redis_params_t   params;

    ntests = ngx_atoi((u_char *) e[6]->str, e[6]->len);
    ttime = ngx_atoi((u_char *) e[7]->str, e[7]->len);
    created = ngx_atoi((u_char *) e[11]->str, e[11]->len);

    sub = ngx_pcalloc(cl->pool, sizeof(ngx_http_judge_submission_t));
    jlcf = ngx_pcalloc(cl->pool, sizeof(ngx_http_judge_loc_conf_t));

    if (sub == NULL || jlcf == NULL) {
        return NGX_ERROR;
    }

    sub->test_off = ngx_palloc(cl->pool, e[5]->len);
    if (sub->test_off == NULL) {
        return NGX_ERROR;
    }

    sub->language.data = (u_char *) e[0]->str;
    sub->language.len = e[0]->len;
    ngx_memcpy(sub->hash, e[1]->str, NGX_HTTP_JUDGE_HASH_LEN);
    sub->compile_spec.data = (u_char *) e[2]->str;
    sub->compile_spec.len = e[2]->len;
    sub->run_spec.data = (u_char *) e[3]->str;
    sub->run_spec.len = e[3]->len;
    sub->tests.data = (u_char *) e[4]->str;
    sub->tests.len = e[4]->len;
    ngx_memcpy(sub->test_off, e[5]->str, e[5]->len);
    sub->ntests = ntests;
    sub->test_time = ttime;
    sub->compiled = ngx_strlchr((u_char *) e[8]->str,
                                (u_char *) e[8]->str + e[8]->len, 'c')
                    != NULL;
    sub->stop_on_failure = ngx_strlchr((u_char *) e[8]->str,
                                       (u_char *) e[8]->str + e[8]->len, 's')
                           != NULL;
    ngx_memcpy(sub->client, e[9]->str, NGX_HTTP_JUDGE_CLIENT_LEN);

    /* a code session's run, "<session>:<revision>", stays one */

    if (e[14]->type == REDIS_REPLY_STRING
        && e[14]->len > NGX_HTTP_JUDGE_JOB_ID_LEN + 1
        && e[14]->str[NGX_HTTP_JUDGE_JOB_ID_LEN] == ':')
    {
        revision = ngx_atoi((u_char *) e[14]->str
                            + NGX_HTTP_JUDGE_JOB_ID_LEN + 1,
                            e[14]->len - NGX_HTTP_JUDGE_JOB_ID_LEN - 1);

        if (revision != NGX_ERROR) {
            sub->execution = 1;
            sub->revision = revision;
            ngx_memcpy(sub->session, e[14]->str, NGX_HTTP_JUDGE_JOB_ID_LEN);
        }
    }

    if (e[15]->type == REDIS_REPLY_STRING) {
        sub->problem.data = (u_char *) e[15]->str;
        sub->problem.len = e[15]->len;
    }

    ngx_memcpy(&params, e[10]->str, sizeof(ngx_http_judge_redis_params_t));

    /* accepted work: no queue or client limit refuses it */

    jlcf->queue_size = NGX_MAX_INT32_VALUE;
    jlcf->max_capture = params.max_capture;
    jlcf->max_artifact_size = params.max_artifact;
    jlcf->batch_size = params.batch_size;
    jlcf->max_attempts = params.max_attempts;
    jlcf->result_ttl = params.result_ttl;
    jlcf->result_min_ttl = params.result_min_ttl;
    jlcf->no_worker_timeout = params.no_worker_timeout;
    jlcf->task_grace = params.task_grace;
    jlcf->compile_wall_time = params.compile_time;

    ngx_memzero(&op, sizeof(ngx_http_judge_store_op_t));
    op.zone = cl->zone;
    op.pool = cl->pool;
    op.log = ngx_cycle->log;
    op.id = cl->id;
    op.jlcf = jlcf;
    op.sub = sub;
    op.created = created;
    op.durable = 1;
    op.restored = 1;

    if (e[13]->type == REDIS_REPLY_STRING) {
        spills = ngx_atoi((u_char *) e[13]->str, e[13]->len);
        op.spills = (spills == NGX_ERROR) ? NGX_HTTP_JUDGE_MAX_SPILLS
                    : ngx_min(spills, NGX_HTTP_JUDGE_MAX_SPILLS);
    }

    return ngx_http_judge_job_create(&op);
}


/* a damaged record leaves the jobs owned, so that no frontend takes it */

static void
ngx_http_judge_redis_retire(ngx_http_judge_redis_claim_t *cl)
{
    ngx_str_t                    owned, inst;
    ngx_http_judge_redis_argv_t  a;

    inst.data = cl->zone->instance;
    inst.len = NGX_HTTP_JUDGE_INSTANCE_LEN;

    if (ngx_http_judge_redis_key(cl->pool, &owned, "o:", &inst) == NULL) {
        return;
    }

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "ZREM");
    ngx_http_judge_redis_arg(&a, owned.data, owned.len);
    ngx_http_judge_redis_arg(&a, cl->id.data, cl->id.len);

    (void) ngx_http_judge_redis_send(NULL, NULL, a.n, a.argv, a.len);
}


/* an answer planned as memory and file parts, in one piece */

static ngx_int_t
ngx_http_judge_redis_flatten(ngx_http_judge_store_op_t *op, ngx_str_t *s)
{
    u_char  *p;

    p = ngx_pnalloc(op->pool, op->len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    s->data = p;

    p = ngx_http_judge_chain_copy(op->out, p);
    if (p == NULL) {
        return NGX_ERROR;
    }

    /* without the answer's newline */

    while (p > s->data && p[-1] == '\n') {
        p--;
    }

    s->len = p - s->data;

    return NGX_OK;
}


/* <prefix>{j:<id>}:r, a job's results */

static u_char *
ngx_http_judge_redis_list(ngx_pool_t *pool, ngx_str_t *key, ngx_str_t *id)
{
    u_char     *p;
    ngx_str_t   prefix;

    prefix = ngx_http_judge_redis_prefix();

    p = ngx_pnalloc(pool, prefix.len + id->len + 7);
    if (p == NULL) {
        return NULL;
    }

    key->data = p;
    p = ngx_sprintf(p, "%V{j:%V}:r", &prefix, id);
    key->len = p - key->data;

    return key->data;
}


/* <prefix>{<tag><id>} */

static u_char *
ngx_http_judge_redis_key(ngx_pool_t *pool, ngx_str_t *key, char *tag,
    ngx_str_t *id)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   prefix;

    prefix = ngx_http_judge_redis_prefix();

    len = prefix.len + ngx_strlen(tag) + 2 + (id ? id->len : 0);

    p = ngx_pnalloc(pool, len);
    if (p == NULL) {
        return NULL;
    }

    key->data = p;
    p = ngx_cpymem(p, prefix.data, prefix.len);
    *p++ = '{';
    p = ngx_cpymem(p, tag, ngx_strlen(tag));

    if (id) {
        p = ngx_cpymem(p, id->data, id->len);
    }

    *p++ = '}';
    key->len = p - key->data;

    return key->data;
}


static void
ngx_http_judge_redis_arg(ngx_http_judge_redis_argv_t *a, void *data,
    size_t len)
{
    a->argv[a->n] = data;
    a->len[a->n] = len;
    a->n++;
}


static void
ngx_http_judge_redis_argz(ngx_http_judge_redis_argv_t *a, char *s)
{
    ngx_http_judge_redis_arg(a, s, ngx_strlen(s));
}



/* ------------------------------------------------------- code sessions */


/* a session's keys: the session, its runs, their summaries */

static ngx_int_t
ngx_http_judge_redis_session_keys(ngx_pool_t *pool, ngx_str_t *id,
    ngx_str_t *keys)
{
    u_char  *p;

    if (ngx_http_judge_redis_key(pool, &keys[0], "s:", id) == NULL) {
        return NGX_ERROR;
    }

    p = ngx_pnalloc(pool, 2 * (keys[0].len + 2));
    if (p == NULL) {
        return NGX_ERROR;
    }

    keys[1].data = p;
    p = ngx_sprintf(p, "%V:x", &keys[0]);
    keys[1].len = p - keys[1].data;

    keys[2].data = p;
    p = ngx_sprintf(p, "%V:e", &keys[0]);
    keys[2].len = p - keys[2].data;

    return NGX_OK;
}


/*
 * A code session's operation, in Redis: the session is there alone (any
 * frontend reads and changes it, each change one script), so that it
 * outlives this frontend and every frontend sees the same revision.  The
 * codes are the zone's; NGX_HTTP_BAD_GATEWAY: Redis cannot be reached.
 */

static ngx_int_t
ngx_http_judge_redis_session(ngx_http_judge_store_op_t *op)
{
    u_char                            *p, *n;
    ngx_str_t                          keys[3], prefix;
    ngx_http_judge_redis_argv_t        a;
    ngx_http_judge_session_change_t   *ch;
    u_char                             rnd[NGX_HTTP_JUDGE_JOB_ID_LEN / 2];

    if (!ngx_http_judge_redis_up()) {
        return NGX_HTTP_BAD_GATEWAY;
    }

    ch = op->change;

    if (op->verb == NGX_HTTP_JUDGE_SESSION_CREATE) {
        if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
            return NGX_ERROR;
        }

        ngx_hex_dump(op->view->id, rnd, sizeof(rnd));
        op->id.data = op->view->id;
        op->id.len = NGX_HTTP_JUDGE_JOB_ID_LEN;

    } else if (op->id.len != NGX_HTTP_JUDGE_JOB_ID_LEN) {
        return NGX_DECLINED;
    }

    if (ngx_http_judge_redis_session_keys(op->pool, &op->id, keys)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the numbers the scripts take, in one piece of memory */

    n = ngx_pnalloc(op->pool, 8 * NGX_INT64_LEN);
    if (n == NULL) {
        return NGX_ERROR;
    }

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "EVAL");

    switch (op->verb) {

    case NGX_HTTP_JUDGE_SESSION_CREATE:
        ngx_http_judge_redis_argz(&a,
                                  ngx_http_judge_redis_session_create_lua);
        break;

    case NGX_HTTP_JUDGE_SESSION_READ:
        ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_session_read_lua);
        break;

    case NGX_HTTP_JUDGE_SESSION_UPDATE:
        ngx_http_judge_redis_argz(&a,
                                  ngx_http_judge_redis_session_update_lua);
        break;

    case NGX_HTTP_JUDGE_SESSION_CLOSE:
        ngx_http_judge_redis_argz(&a,
                                  ngx_http_judge_redis_session_close_lua);
        break;

    case NGX_HTTP_JUDGE_SESSION_DELETE:
        ngx_http_judge_redis_argz(&a,
                                  ngx_http_judge_redis_session_delete_lua);
        break;

    case NGX_HTTP_JUDGE_SESSION_ADMIT:
        ngx_http_judge_redis_argz(&a,
                                  ngx_http_judge_redis_session_admit_lua);
        break;

    case NGX_HTTP_JUDGE_SESSION_RAN:
        ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_session_ran_lua);
        break;

    case NGX_HTTP_JUDGE_SESSION_REFUND:
        ngx_http_judge_redis_argz(&a,
                                  ngx_http_judge_redis_session_refund_lua);
        break;

    default: /* NGX_HTTP_JUDGE_SESSION_HISTORY */
        ngx_http_judge_redis_argz(&a,
                                  ngx_http_judge_redis_session_history_lua);
        break;
    }

    ngx_http_judge_redis_argz(&a, "3");
    ngx_http_judge_redis_arg(&a, keys[0].data, keys[0].len);
    ngx_http_judge_redis_arg(&a, keys[1].data, keys[1].len);
    ngx_http_judge_redis_arg(&a, keys[2].data, keys[2].len);

    switch (op->verb) {

    case NGX_HTTP_JUDGE_SESSION_CREATE:
        ngx_http_judge_redis_argz(&a, "create");
        ngx_http_judge_redis_arg(&a, ch->language.data, ch->language.len);
        ngx_http_judge_redis_arg(&a, ch->source.data, ch->source.len);
        ngx_http_judge_redis_arg(&a, ch->input.data, ch->input.len);
        p = ngx_sprintf(n, "%uL", ngx_http_judge_json_now_ms());
        ngx_http_judge_redis_arg(&a, n, p - n);
        n = p;
        p = ngx_sprintf(n, "%M", ngx_max(op->ttl, 1));
        ngx_http_judge_redis_arg(&a, n, p - n);
        n = p;
        p = ngx_sprintf(n, "%ui", op->limits->burst * 1000);
        ngx_http_judge_redis_arg(&a, n, p - n);
        break;

    case NGX_HTTP_JUDGE_SESSION_READ:
        ngx_http_judge_redis_argz(&a, "read");
        break;

    case NGX_HTTP_JUDGE_SESSION_UPDATE:
        ngx_http_judge_redis_argz(&a, "update");
        p = ngx_sprintf(n, "%uL", ch->revision);
        ngx_http_judge_redis_arg(&a, n, p - n);
        n = p;
        ngx_http_judge_redis_argz(&a, ch->set_source ? "1" : "0");
        ngx_http_judge_redis_arg(&a, ch->source.data, ch->source.len);
        ngx_http_judge_redis_argz(&a, ch->set_input ? "1" : "0");
        ngx_http_judge_redis_arg(&a, ch->input.data, ch->input.len);
        ngx_http_judge_redis_argz(&a, ch->set_language ? "1" : "0");
        ngx_http_judge_redis_arg(&a, ch->language.data, ch->language.len);
        p = ngx_sprintf(n, "%uL", ngx_http_judge_json_now_ms());
        ngx_http_judge_redis_arg(&a, n, p - n);
        break;

    case NGX_HTTP_JUDGE_SESSION_CLOSE:
        ngx_http_judge_redis_argz(&a, "close");
        p = ngx_sprintf(n, "%uL", ngx_http_judge_json_now_ms());
        ngx_http_judge_redis_arg(&a, n, p - n);
        break;

    case NGX_HTTP_JUDGE_SESSION_DELETE:
        prefix = ngx_http_judge_redis_prefix();
        ngx_http_judge_redis_argz(&a, "delete");
        ngx_http_judge_redis_arg(&a, prefix.data, prefix.len);
        break;

    case NGX_HTTP_JUDGE_SESSION_ADMIT:
        ngx_http_judge_redis_argz(&a, "admit");
        p = ngx_sprintf(n, "%ui", op->limits->rate);
        ngx_http_judge_redis_arg(&a, n, p - n);
        n = p;
        p = ngx_sprintf(n, "%ui", op->limits->burst);
        ngx_http_judge_redis_arg(&a, n, p - n);
        n = p;
        p = ngx_sprintf(n, "%ui", op->limits->max_failures);
        ngx_http_judge_redis_arg(&a, n, p - n);
        n = p;
        p = ngx_sprintf(n, "%M", op->limits->cooldown);
        ngx_http_judge_redis_arg(&a, n, p - n);
        break;

    case NGX_HTTP_JUDGE_SESSION_RAN:
        ngx_http_judge_redis_argz(&a, "ran");
        ngx_http_judge_redis_arg(&a, op->exec, NGX_HTTP_JUDGE_JOB_ID_LEN);
        p = ngx_sprintf(n, "%uL", op->view->revision);
        ngx_http_judge_redis_arg(&a, n, p - n);
        n = p;
        p = ngx_sprintf(n, "%uL", op->created_ms);
        ngx_http_judge_redis_arg(&a, n, p - n);
        n = p;
        p = ngx_sprintf(n, "%ui", op->limits->history);
        ngx_http_judge_redis_arg(&a, n, p - n);
        break;

    case NGX_HTTP_JUDGE_SESSION_REFUND:
        ngx_http_judge_redis_argz(&a, "refund");
        p = ngx_sprintf(n, "%ui", op->limits->burst);
        ngx_http_judge_redis_arg(&a, n, p - n);
        break;

    default: /* NGX_HTTP_JUDGE_SESSION_HISTORY */
        ngx_http_judge_redis_argz(&a, "history");
        p = ngx_sprintf(n, "%uL", op->before);
        ngx_http_judge_redis_arg(&a, n, p - n);
        n = p;
        p = ngx_sprintf(n, "%ui", op->limit);
        ngx_http_judge_redis_arg(&a, n, p - n);
        break;
    }

    switch (ngx_http_judge_redis_send(ngx_http_judge_redis_sessioned, op,
                                      a.n, a.argv, a.len))
    {
    case NGX_OK:
        return NGX_AGAIN;

    case NGX_DECLINED:
        return NGX_HTTP_BAD_GATEWAY;

    default:
        return NGX_ERROR;
    }
}


static void
ngx_http_judge_redis_sessioned(void *data, redisReply *reply)
{
    ngx_http_judge_store_op_t  *op = data;

    u_char                 *e;
    ngx_uint_t              i, k;
    ngx_http_judge_exec_t  *x;
    uint64_t                first;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY
        || reply->elements == 0
        || reply->element[0]->type != REDIS_REPLY_STRING)
    {
        if (reply && reply->type == REDIS_REPLY_ERROR) {
            ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                          "judge: redis refused a code session's "
                          "operation: %*s", (size_t) reply->len, reply->str);
        }

        op->rc = NGX_HTTP_BAD_GATEWAY;
        op->done(op);
        return;
    }

    if (reply->element[0]->len == 2
        && ngx_strncmp(reply->element[0]->str, "nf", 2) == 0)
    {
        op->rc = NGX_DECLINED;
        op->done(op);
        return;
    }

    op->rc = NGX_OK;

    switch (op->verb) {

    case NGX_HTTP_JUDGE_SESSION_RAN:
    case NGX_HTTP_JUDGE_SESSION_REFUND:
        break;

    case NGX_HTTP_JUDGE_SESSION_DELETE:
        for (i = 1; i < reply->elements; i++) {
            if (reply->element[i]->type != REDIS_REPLY_STRING
                || reply->element[i]->len != NGX_HTTP_JUDGE_JOB_ID_LEN)
            {
                continue;
            }

            e = ngx_array_push(op->execs);
            if (e == NULL) {
                break;
            }

            ngx_memcpy(e, reply->element[i]->str, NGX_HTTP_JUDGE_JOB_ID_LEN);
        }

        break;

    case NGX_HTTP_JUDGE_SESSION_HISTORY:
        if (reply->elements < 3
            || reply->element[1]->type != REDIS_REPLY_STRING
            || reply->element[2]->type != REDIS_REPLY_STRING)
        {
            op->rc = NGX_HTTP_BAD_GATEWAY;
            break;
        }

        first = ngx_atoof((u_char *) reply->element[1]->str,
                          reply->element[1]->len);
        k = 0;

        for (i = 3; i + 1 < reply->elements; i += 2) {
            if (reply->element[i]->type != REDIS_REPLY_STRING
                || reply->element[i]->len != NGX_HTTP_JUDGE_JOB_ID_LEN)
            {
                continue;
            }

            x = ngx_array_push(op->execs);
            if (x == NULL) {
                break;
            }

            ngx_memzero(x, sizeof(ngx_http_judge_exec_t));
            ngx_memcpy(x->id, reply->element[i]->str,
                       NGX_HTTP_JUDGE_JOB_ID_LEN);
            x->seq = first - k++;
            ngx_http_judge_redis_session_sum(x, reply->element[i + 1]);
        }

        op->next = (reply->element[2]->len == 1
                    && reply->element[2]->str[0] == '1' && k)
                   ? first - k + 1 : 0;
        break;

    default:
        op->rc = ngx_http_judge_redis_session_view(op, reply);
        break;
    }

    op->done(op);
}


/* the session a script answered with, into op->view; the code it says */

static ngx_int_t
ngx_http_judge_redis_session_view(ngx_http_judge_store_op_t *op,
    redisReply *reply)
{
    ngx_int_t                       retry;
    ngx_uint_t                      i;
    redisReply                    **e;
    ngx_http_judge_session_view_t  *v;

    if (reply->elements != 12) {
        return NGX_HTTP_BAD_GATEWAY;
    }

    e = reply->element;

    for (i = 0; i < 12; i++) {
        if (e[i]->type != REDIS_REPLY_STRING) {
            return NGX_HTTP_BAD_GATEWAY;
        }
    }

    v = op->view;

    ngx_memcpy(v->id, op->id.data, NGX_HTTP_JUDGE_JOB_ID_LEN);

    v->language.len = ngx_min(e[2]->len, NGX_HTTP_JUDGE_MAX_ID_LEN);
    ngx_memcpy(v->lang, e[2]->str, v->language.len);
    v->language.data = v->lang;

    v->source.len = e[3]->len;
    v->source.data = ngx_pnalloc(op->pool, e[3]->len + 1);
    v->input.len = e[4]->len;
    v->input.data = ngx_pnalloc(op->pool, e[4]->len + 1);

    if (v->source.data == NULL || v->input.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(v->source.data, e[3]->str, e[3]->len);
    ngx_memcpy(v->input.data, e[4]->str, e[4]->len);

    v->revision = ngx_atoof((u_char *) e[5]->str, e[5]->len);
    v->created_ms = ngx_atoof((u_char *) e[6]->str, e[6]->len);
    v->updated_ms = ngx_atoof((u_char *) e[7]->str, e[7]->len);
    v->closed = (e[8]->len == 1 && e[8]->str[0] == '1');

    retry = ngx_atoi((u_char *) e[9]->str, e[9]->len);
    v->expires_in = (retry == NGX_ERROR) ? 0 : (ngx_msec_t) retry;

    v->has_last = 0;

    if (e[10]->len == NGX_HTTP_JUDGE_JOB_ID_LEN) {
        v->has_last = 1;
        ngx_memzero(&v->last, sizeof(ngx_http_judge_exec_t));
        ngx_memcpy(v->last.id, e[10]->str, NGX_HTTP_JUDGE_JOB_ID_LEN);
        ngx_http_judge_redis_session_sum(&v->last, e[11]);
    }

    retry = ngx_atoi((u_char *) e[1]->str, e[1]->len);
    op->retry = (retry == NGX_ERROR) ? 1000 : (ngx_msec_t) retry;

    /* what the script said */

    switch (e[0]->len) {

    case 2: /* "ok" */
        return NGX_OK;

    case 4: /* "rate", "cool" */
        return (e[0]->str[0] == 'r') ? NGX_DONE : NGX_BUSY;

    case 6: /* "closed" */
        return NGX_ABORT;

    default: /* "conflict" */
        return NGX_BUSY;
    }
}


/*
 * A run's summary, "status exit_code time_ms revision created ended"; an
 * exit code or a time the run does not have is "x".
 */

static void
ngx_http_judge_redis_session_sum(ngx_http_judge_exec_t *e, redisReply *sum)
{
    u_char     *p, *last, *w;
    ngx_int_t   n;
    ngx_uint_t  i, known;
    int64_t     f[6];

    if (sum->type != REDIS_REPLY_STRING) {
        return;
    }

    p = (u_char *) sum->str;
    last = p + sum->len;
    known = 0;

    for (i = 0; i < 6; i++) {
        w = p;

        while (p < last && *p != ' ') {
            p++;
        }

        f[i] = 0;

        if (p - w == 1 && *w == 'x') {
            p++;
            continue;
        }

        n = (w < p && *w == '-') ? ngx_atoi(w + 1, p - w - 1)
                                 : ngx_atoi(w, p - w);
        if (n == NGX_ERROR) {
            return;
        }

        f[i] = (w < p && *w == '-') ? -n : n;
        known |= 1 << i;
        p++;
    }

    e->status = (f[0] >= 0 && f[0] <= NGX_HTTP_JUDGE_EXEC_TIMEOUT)
                ? (ngx_uint_t) f[0] : NGX_HTTP_JUDGE_EXEC_QUEUED;
    e->exit_code = (int32_t) f[1];
    e->time_ms = (uint32_t) f[2];
    e->revision = (uint64_t) f[3];
    e->created_ms = (uint64_t) f[4];
    e->ended = (f[5] == 1);
    e->exited = e->ended && (known & 2);
    e->timed = e->ended && (known & 4);
}



/* ----------------------------------------------------- Idempotency-Key */


/*
 * An Idempotency-Key in Redis, so that a retry that reaches another
 * frontend is answered as the first.  NGX_HTTP_BAD_GATEWAY: Redis cannot
 * be reached.
 */

static ngx_int_t
ngx_http_judge_redis_idem(ngx_http_judge_store_op_t *op)
{
    u_char                       *p;
    ngx_str_t                     key, hex;
    ngx_http_judge_redis_argv_t   a;
    u_char                        k[2 * NGX_HTTP_JUDGE_SHA256_LEN];
    u_char                        body[2 * NGX_HTTP_JUDGE_SHA256_LEN];
    u_char                        n[2 * NGX_INT64_LEN];

    if (!ngx_http_judge_redis_up()) {
        return NGX_HTTP_BAD_GATEWAY;
    }

    hex.data = k;
    hex.len = ngx_hex_dump(k, op->key, NGX_HTTP_JUDGE_SHA256_LEN) - k;

    if (ngx_http_judge_redis_key(op->pool, &key, "ik:", &hex) == NULL) {
        return NGX_ERROR;
    }

    a.n = 0;
    ngx_http_judge_redis_argz(&a, "EVAL");
    ngx_http_judge_redis_argz(&a, ngx_http_judge_redis_idem_lua);
    ngx_http_judge_redis_argz(&a, "1");
    ngx_http_judge_redis_arg(&a, key.data, key.len);
    ngx_http_judge_redis_argz(&a, op->end ? "end" : "begin");
    ngx_http_judge_redis_arg(&a, body,
                             ngx_hex_dump(body, op->body,
                                          NGX_HTTP_JUDGE_SHA256_LEN)
                             - body);

    if (op->end) {
        p = ngx_sprintf(n, "%ui", op->status);
        ngx_http_judge_redis_arg(&a, n, p - n);
        ngx_http_judge_redis_arg(&a, op->answer.data, op->answer.len);

    } else {
        p = n;
    }

    ngx_http_judge_redis_arg(&a, p, ngx_sprintf(p, "%M", ngx_max(op->ttl, 1))
                                    - p);

    switch (ngx_http_judge_redis_send(ngx_http_judge_redis_idemmed, op,
                                      a.n, a.argv, a.len))
    {
    case NGX_OK:
        return NGX_AGAIN;

    case NGX_DECLINED:
        return NGX_HTTP_BAD_GATEWAY;

    default:
        return NGX_ERROR;
    }
}


static void
ngx_http_judge_redis_idemmed(void *data, redisReply *reply)
{
    ngx_http_judge_store_op_t  *op = data;

    ngx_int_t    status;
    redisReply  *code;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY
        || reply->elements == 0
        || reply->element[0]->type != REDIS_REPLY_STRING)
    {
        op->rc = NGX_HTTP_BAD_GATEWAY;
        op->done(op);
        return;
    }

    code = reply->element[0];

    switch (code->len) {

    case 3: /* "new" */
        op->rc = NGX_OK;
        break;

    case 5: /* "other" */
        op->rc = NGX_DECLINED;
        break;

    case 4: /* "busy", "done" */
        if (code->str[0] == 'b') {
            op->rc = NGX_BUSY;
            break;
        }

        if (reply->elements != 3
            || reply->element[1]->type != REDIS_REPLY_STRING
            || reply->element[2]->type != REDIS_REPLY_STRING
            || (status = ngx_atoi((u_char *) reply->element[1]->str,
                                  reply->element[1]->len))
               == NGX_ERROR)
        {
            op->rc = NGX_HTTP_BAD_GATEWAY;
            break;
        }

        op->answer.len = reply->element[2]->len;
        op->answer.data = ngx_pnalloc(op->pool, op->answer.len + 1);

        if (op->answer.data == NULL) {
            op->rc = NGX_ERROR;
            break;
        }

        ngx_memcpy(op->answer.data, reply->element[2]->str, op->answer.len);
        op->status = status;
        op->rc = NGX_DONE;
        break;

    default:
        op->rc = NGX_HTTP_BAD_GATEWAY;
        break;
    }

    op->done(op);
}
