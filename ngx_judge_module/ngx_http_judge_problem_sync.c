
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/evp.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_redis.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_problem.h"


/*
 * Problems on Redis (judge_redis), the frontends' shared copy:
 *
 *   {pd:<sha256>}     a test file's bytes
 *   {pr:<id>}         a hash: "j:<version>" the stored form of a version
 *   {problems}        a hash: each problem's latest version
 *   {problems:rev}    a counter, one more at every version published
 *
 * A PUT publishes the new version after writing it to its own directory:
 * its test files first, then the record, on the one connection, so a
 * version is seen only with its files.  Every frontend's heartbeat brings
 * {problems:rev} back each second (into the zone); when it moved past
 * what worker process 0 last took, that process brings each problem
 * whose latest version it lacks into its own directory: the record, then
 * the test files it does not have, each checked against its hash, then
 * the version made its latest.  One round at a time; after a round that
 * failed, the next waits ten times as long as it took (a second at
 * least).
 */


#define NGX_HTTP_JUDGE_SYNC_EVERY  1000
#define NGX_HTTP_JUDGE_SYNC_MOST   60000     /* the longest pause */


typedef struct {
    ngx_str_t                    id;
    ngx_uint_t                   version;
} ngx_http_judge_sync_problem_t;


typedef struct {
    ngx_pool_t                  *pool;
    ngx_path_t                  *dir;
    uint64_t                     seen;        /* {problems:rev} this round */
    ngx_array_t                 *problems;    /* to bring in */
    ngx_uint_t                   next;
    json_t                      *def;         /* the one coming in */
    ngx_array_t                 *files;       /* its hashes lacking here */
    ngx_uint_t                   file;
} ngx_http_judge_sync_t;


static void ngx_http_judge_sync_all(void *data, redisReply *reply);
static void ngx_http_judge_sync_next(ngx_http_judge_sync_t *s);
static void ngx_http_judge_sync_record(void *data, redisReply *reply);
static void ngx_http_judge_sync_file(ngx_http_judge_sync_t *s);
static void ngx_http_judge_sync_got(void *data, redisReply *reply);
static void ngx_http_judge_sync_done(ngx_http_judge_sync_t *s,
    ngx_uint_t ok);
static ngx_int_t ngx_http_judge_sync_ask(ngx_http_judge_redis_pt handler,
    void *data, ngx_pool_t *pool, char *cmd, char *tag, ngx_str_t *id,
    char *field);
static void ngx_http_judge_sync_publish_file(ngx_path_t *dir, json_t *ref);
static void ngx_http_judge_sync_published(void *data, redisReply *reply);


static ngx_uint_t  ngx_http_judge_sync_busy;
static ngx_msec_t  ngx_http_judge_sync_last;   /* the last round ended */
static ngx_msec_t  ngx_http_judge_sync_began;
static ngx_msec_t  ngx_http_judge_sync_pause;  /* after a failed round */
static uint64_t    ngx_http_judge_sync_taken;  /* {problems:rev} */


/* "<prefix>{<tag><id>}" */

static ngx_int_t
ngx_http_judge_sync_key(ngx_pool_t *pool, ngx_str_t *key, char *tag,
    ngx_str_t *id)
{
    ngx_str_t  prefix;

    prefix = ngx_http_judge_redis_prefix();

    key->data = ngx_pnalloc(pool, prefix.len + ngx_strlen(tag) + 2
                                  + (id ? id->len : 0));
    if (key->data == NULL) {
        return NGX_ERROR;
    }

    key->len = ngx_sprintf(key->data, "%V{%s%V}", &prefix, tag,
                           id ? id : &(ngx_str_t) ngx_null_string)
               - key->data;

    return NGX_OK;
}


/* one command "cmd key [field]" */

static ngx_int_t
ngx_http_judge_sync_ask(ngx_http_judge_redis_pt handler, void *data,
    ngx_pool_t *pool, char *cmd, char *tag, ngx_str_t *id, char *field)
{
    size_t        len[3];
    ngx_str_t     key;
    ngx_uint_t    n;
    const char   *argv[3];

    if (ngx_http_judge_sync_key(pool, &key, tag, id) != NGX_OK) {
        return NGX_ERROR;
    }

    argv[0] = cmd;
    len[0] = ngx_strlen(cmd);
    argv[1] = (char *) key.data;
    len[1] = key.len;
    n = 2;

    if (field) {
        argv[2] = field;
        len[2] = ngx_strlen(field);
        n = 3;
    }

    return ngx_http_judge_redis_send(handler, data, n, argv, len);
}


/*
 * At each tick, in worker process 0 (not one going away): a round when
 * Redis's counter of problems moved past what was last taken.
 */

void
ngx_http_judge_problem_sync(ngx_http_judge_zone_t *zone)
{
    uint64_t                rev;
    ngx_pool_t             *pool;
    ngx_http_judge_sync_t  *s;

    if (ngx_worker != 0 || ngx_exiting || ngx_quit
        || ngx_http_judge_sync_busy || !ngx_http_judge_redis_up()
        || ngx_current_msec - ngx_http_judge_sync_last
           < ngx_http_judge_sync_pause)
    {
        return;
    }

    ngx_http_judge_zone_lock(zone);
    rev = zone->sh->problems_rev;
    ngx_http_judge_zone_unlock(zone);

    if (rev == ngx_http_judge_sync_taken) {
        return;
    }

    ngx_http_judge_sync_began = ngx_current_msec;

    pool = ngx_create_pool(4096, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    s = ngx_pcalloc(pool, sizeof(ngx_http_judge_sync_t));
    if (s == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    s->pool = pool;
    s->dir = zone->problems;
    s->seen = rev;

    if (ngx_http_judge_sync_ask(ngx_http_judge_sync_all, s, pool, "HGETALL",
                                "problems", NULL, NULL)
        != NGX_OK)
    {
        ngx_destroy_pool(pool);
        return;
    }

    ngx_http_judge_sync_busy = 1;
}


/* the latest versions: those newer than this directory's come in */

static void
ngx_http_judge_sync_all(void *data, redisReply *reply)
{
    ngx_http_judge_sync_t *s = data;

    size_t                          i;
    ngx_int_t                       v;
    ngx_str_t                       id;
    ngx_http_judge_sync_problem_t  *p;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY) {
        ngx_http_judge_sync_done(s, 0);
        return;
    }

    s->problems = ngx_array_create(s->pool, 8,
                                   sizeof(ngx_http_judge_sync_problem_t));
    if (s->problems == NULL) {
        ngx_http_judge_sync_done(s, 0);
        return;
    }

    for (i = 0; i + 1 < reply->elements; i += 2) {
        if (reply->element[i]->type != REDIS_REPLY_STRING
            || reply->element[i + 1]->type != REDIS_REPLY_STRING)
        {
            continue;
        }

        id.data = (u_char *) reply->element[i]->str;
        id.len = reply->element[i]->len;
        v = ngx_atoi((u_char *) reply->element[i + 1]->str,
                     reply->element[i + 1]->len);

        if (v <= 0 || !ngx_http_judge_problem_id_ok(&id)
            || (ngx_uint_t) v <= ngx_http_judge_problem_version(s->dir, &id))
        {
            continue;
        }

        p = ngx_array_push(s->problems);
        if (p == NULL) {
            ngx_http_judge_sync_done(s, 0);
            return;
        }

        p->id.data = ngx_pstrdup(s->pool, &id);
        p->id.len = id.len;
        p->version = v;

        if (p->id.data == NULL) {
            ngx_http_judge_sync_done(s, 0);
            return;
        }
    }

    ngx_http_judge_sync_next(s);
}


/* the next problem's record, or the round is over */

static void
ngx_http_judge_sync_next(ngx_http_judge_sync_t *s)
{
    u_char                          field[NGX_INT_T_LEN + 3];
    ngx_http_judge_sync_problem_t  *p;

    if (s->next == s->problems->nelts) {
        ngx_http_judge_sync_taken = s->seen;
        ngx_http_judge_sync_done(s, 1);
        return;
    }

    p = (ngx_http_judge_sync_problem_t *) s->problems->elts + s->next;

    *ngx_sprintf(field, "j:%ui", p->version) = '\0';

    if (ngx_http_judge_sync_ask(ngx_http_judge_sync_record, s, s->pool,
                                "HGET", "pr:", &p->id, (char *) field)
        != NGX_OK)
    {
        ngx_http_judge_sync_done(s, 0);
    }
}


/* a record: the files it names that this directory lacks come first */

static void
ngx_http_judge_sync_record(void *data, redisReply *reply)
{
    ngx_http_judge_sync_t *s = data;

    u_char            **h;
    size_t              si, ti, k;
    json_t             *stage, *t, *ref;
    ngx_file_info_t     fi;
    u_char              name[NGX_MAX_PATH];

    if (reply == NULL || reply->type != REDIS_REPLY_STRING) {
        ngx_http_judge_sync_done(s, 0);
        return;
    }

    json_decref(s->def);
    s->def = json_loadb(reply->str, reply->len, JSON_REJECT_DUPLICATES,
                        NULL);

    s->files = ngx_array_create(s->pool, 16, sizeof(u_char *));

    if (s->def == NULL || s->files == NULL) {
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                      "judge: a problem's record on Redis is not JSON");
        ngx_http_judge_sync_done(s, 0);
        return;
    }

    json_array_foreach(json_object_get(s->def, "stages"), si, stage) {
        json_array_foreach(json_object_get(stage, "tests"), ti, t) {
            for (k = 0; k < 2; k++) {
                ref = json_object_get(t, k ? "expected" : "input");

                if (ref == NULL) {
                    continue;
                }

                if (!json_is_string(json_object_get(ref, "sha256"))
                    || json_string_length(json_object_get(ref, "sha256"))
                       != 64)
                {
                    ngx_http_judge_sync_done(s, 0);
                    return;
                }

                (void) ngx_snprintf(name, NGX_MAX_PATH, "%V/d/%s%Z",
                            &s->dir->name,
                            json_string_value(json_object_get(ref, "sha256")));

                if (ngx_file_info(name, &fi) != NGX_FILE_ERROR) {
                    continue;
                }

                h = ngx_array_push(s->files);
                if (h == NULL) {
                    ngx_http_judge_sync_done(s, 0);
                    return;
                }

                *h = (u_char *) json_string_value(json_object_get(ref,
                                                                  "sha256"));
            }
        }
    }

    s->file = 0;

    ngx_http_judge_sync_file(s);
}


/* the next file lacking, or the version is made this directory's */

static void
ngx_http_judge_sync_file(ngx_http_judge_sync_t *s)
{
    ngx_str_t                       hash;
    ngx_http_judge_sync_problem_t  *p;

    p = (ngx_http_judge_sync_problem_t *) s->problems->elts + s->next;

    if (s->file < s->files->nelts) {
        hash.data = ((u_char **) s->files->elts)[s->file];
        hash.len = 64;

        if (ngx_http_judge_sync_ask(ngx_http_judge_sync_got, s, s->pool,
                                    "GET", "pd:", &hash, NULL)
            != NGX_OK)
        {
            ngx_http_judge_sync_done(s, 0);
        }

        return;
    }

    if (ngx_http_judge_problem_install(s->dir, &p->id, p->version, s->def)
        != NGX_OK)
    {
        ngx_http_judge_sync_done(s, 0);
        return;
    }

    ngx_log_error(NGX_LOG_NOTICE, ngx_cycle->log, 0,
                  "judge: problem \"%V\" at version %ui, from Redis",
                  &p->id, p->version);

    s->next++;

    ngx_http_judge_sync_next(s);
}


/* a file's bytes: kept when they are what their name says */

static void
ngx_http_judge_sync_got(void *data, redisReply *reply)
{
    ngx_http_judge_sync_t *s = data;

    json_t   *ref;
    u_char   *want;

    want = ((u_char **) s->files->elts)[s->file];

    if (reply == NULL || reply->type != REDIS_REPLY_STRING
        || ngx_http_judge_problem_put(s->dir, (u_char *) reply->str,
                                      reply->len, &ref)
           != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                      "judge: test file %*s is not on Redis",
                      (size_t) 64, want);
        ngx_http_judge_sync_done(s, 0);
        return;
    }

    if (ngx_strncmp(json_string_value(json_object_get(ref, "sha256")),
                    want, 64) != 0)
    {
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                      "judge: test file %*s on Redis has other bytes",
                      (size_t) 64, want);
        json_decref(ref);
        ngx_http_judge_sync_done(s, 0);
        return;
    }

    json_decref(ref);

    s->file++;

    ngx_http_judge_sync_file(s);
}


static void
ngx_http_judge_sync_done(ngx_http_judge_sync_t *s, ngx_uint_t ok)
{
    ngx_msec_t  took;

    json_decref(s->def);
    ngx_destroy_pool(s->pool);

    ngx_http_judge_sync_busy = 0;
    ngx_http_judge_sync_last = ngx_current_msec;

    took = ngx_current_msec - ngx_http_judge_sync_began;

    ngx_http_judge_sync_pause = 0;

    if (!ok) {
        ngx_http_judge_sync_pause = ngx_min(ngx_max(NGX_HTTP_JUDGE_SYNC_EVERY,
                                                    10 * took),
                                            NGX_HTTP_JUDGE_SYNC_MOST);

        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "judge: problems not brought in from Redis; again in "
                      "%M ms", ngx_http_judge_sync_pause);
    }
}


/*
 * A version just stored here, published: its test files (kept once, by
 * hash), then its record and the problem's latest version.  What Redis
 * answers is only logged: the version is stored here already.
 */

static char  ngx_http_judge_sync_publish_lua[] =
    "redis.call('HSET', KEYS[1], 'j:' .. ARGV[2], ARGV[3]) "
    "local v = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') "
    "if v < tonumber(ARGV[2]) then "
    "  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) "
    "end "
    "redis.call('INCR', KEYS[3]) "
    "return 1";


void
ngx_http_judge_problem_publish(ngx_path_t *dir, ngx_str_t *id,
    ngx_uint_t version, json_t *def)
{
    char        *text;
    size_t       si, ti, k, len[9];
    json_t      *stage, *t, *ref;
    ngx_str_t    key[4];
    ngx_pool_t  *pool;
    const char  *argv[9];
    u_char       v[NGX_INT_T_LEN];

    if (!ngx_http_judge_redis_up()) {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "judge: Redis is away: problem \"%V\" version %ui is "
                      "stored here only", id, version);
        return;
    }

    pool = ngx_create_pool(4096, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    /* one file in memory at a time: Redis's client has its bytes once sent */

    json_array_foreach(json_object_get(def, "stages"), si, stage) {
        json_array_foreach(json_object_get(stage, "tests"), ti, t) {
            for (k = 0; k < 2; k++) {
                ref = json_object_get(t, k ? "expected" : "input");

                if (ref != NULL) {
                    ngx_http_judge_sync_publish_file(dir, ref);
                }
            }
        }
    }

    text = json_dumps(def, JSON_COMPACT);

    if (text == NULL
        || ngx_http_judge_sync_key(pool, &key[1], "pr:", id) != NGX_OK
        || ngx_http_judge_sync_key(pool, &key[2], "problems", NULL) != NGX_OK
        || ngx_http_judge_sync_key(pool, &key[3], "problems:rev", NULL)
           != NGX_OK)
    {
        ngx_free(text);
        ngx_destroy_pool(pool);
        return;
    }

    argv[0] = "EVAL";
    len[0] = 4;
    argv[1] = ngx_http_judge_sync_publish_lua;
    len[1] = sizeof(ngx_http_judge_sync_publish_lua) - 1;
    argv[2] = "3";
    len[2] = 1;
    argv[3] = (char *) key[1].data;
    len[3] = key[1].len;
    argv[4] = (char *) key[2].data;
    len[4] = key[2].len;
    argv[5] = (char *) key[3].data;
    len[5] = key[3].len;
    argv[6] = (char *) id->data;
    len[6] = id->len;
    argv[7] = (char *) v;
    len[7] = ngx_sprintf(v, "%ui", version) - v;
    argv[8] = text;
    len[8] = ngx_strlen(text);

    if (ngx_http_judge_redis_send(ngx_http_judge_sync_published, NULL, 9,
                                  argv, len)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "judge: problem \"%V\" version %ui could not be sent "
                      "to Redis", id, version);
    }

    ngx_free(text);
    ngx_destroy_pool(pool);
}


/* one test file to Redis, kept there once (SET NX) */

static void
ngx_http_judge_sync_publish_file(ngx_path_t *dir, json_t *ref)
{
    size_t       len[4];
    ngx_str_t    hash, key, body;
    ngx_pool_t  *pool;
    const char  *argv[4];

    pool = ngx_create_pool(4096, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    hash.data = (u_char *) json_string_value(json_object_get(ref, "sha256"));
    hash.len = 64;

    if (ngx_http_judge_sync_key(pool, &key, "pd:", &hash) == NGX_OK
        && ngx_http_judge_problem_body(pool, dir, hash.data, (size_t) -1,
                                       &body)
           == NGX_OK)
    {
        argv[0] = "SET";
        len[0] = 3;
        argv[1] = (char *) key.data;
        len[1] = key.len;
        argv[2] = (char *) body.data;
        len[2] = body.len;
        argv[3] = "NX";
        len[3] = 2;

        (void) ngx_http_judge_redis_send(ngx_http_judge_sync_published, NULL,
                                         4, argv, len);
    }

    ngx_destroy_pool(pool);
}


static void
ngx_http_judge_sync_published(void *data, redisReply *reply)
{
    if (reply == NULL || reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                      "judge: Redis did not take a problem's version%s%s",
                      reply ? ": " : "", reply ? reply->str : "");
    }
}
