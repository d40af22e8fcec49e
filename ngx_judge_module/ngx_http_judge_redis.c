
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include <hiredis/async.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_redis.h"


/*
 * hiredis on nginx's event loop: one connection per nginx worker process,
 * its socket registered with the event module (level-triggered: hiredis
 * reads once per call), connected without blocking to an address
 * resolved when the configuration was read.  AUTH, SELECT and a PING go
 * first; the connection is up when they have answered (a Redis that asks
 * for a password none was given for refuses the PING).
 *
 * Debian's hiredis has no timeouts of its own: a timer runs while
 * anything is unanswered, due when the oldest command has waited
 * judge_redis_timeout, so a Redis that stops answering, or answers too
 * slowly to keep up, is given up like one that closed the connection.
 * Every command then gets its NULL reply; a new connection is tried
 * after a backoff that doubles up to 5 s, and starts again from 0.1 s
 * once a command was answered other than with an error (not merely
 * connected: a Redis that takes connections and fails each would be
 * tried ten times a second).  Each change of state is logged once.
 *
 * hiredis 0.14 takes a reply to no command for a subscriber's message and
 * aborts the process on it: hiredis builds replies through functions of
 * ours, which refuse such a reply, and hiredis then fails the connection.
 */


#define NGX_HTTP_JUDGE_REDIS_BACKOFF      100
#define NGX_HTTP_JUDGE_REDIS_BACKOFF_MAX  5000


typedef enum {
    NGX_HTTP_JUDGE_REDIS_DOWN = 0,
    NGX_HTTP_JUDGE_REDIS_CONNECTING,
    NGX_HTTP_JUDGE_REDIS_UP
} ngx_http_judge_redis_state_e;


typedef struct {
    ngx_http_judge_redis_conf_t *conf;
    redisAsyncContext           *ac;
    ngx_connection_t            *c;
    ngx_event_t                  retry;
    ngx_event_t                  timer;       /* an answer is overdue */
    ngx_log_t                   *log;
    ngx_msec_t                   backoff;
    ngx_msec_t                   since;       /* up since */
    ngx_uint_t                   state;
    ngx_uint_t                   reported;    /* the state last logged */
    ngx_queue_t                  waiting;     /* unanswered, oldest first */
    ngx_uint_t                   setup;       /* AUTH, SELECT unanswered */
    const char                  *why;         /* why it was given up */
    u_char                       refusal[256];
    u_char                       reason[128]; /* why, in words of hiredis
                                                  or Redis */
} ngx_http_judge_redis_t;


typedef struct {
    ngx_http_judge_redis_pt      handler;
    void                        *data;
    ngx_msec_t                   sent;
    ngx_queue_t                  queue;
} ngx_http_judge_redis_cmd_t;


static void ngx_http_judge_redis_connect(void);
static void ngx_http_judge_redis_drop(const char *why);
static void ngx_http_judge_redis_went_up(void);
static void ngx_http_judge_redis_on_connect(const redisAsyncContext *ac,
    int status);
static void ngx_http_judge_redis_on_setup(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_judge_redis_on_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_judge_redis_retry(ngx_event_t *ev);
static void ngx_http_judge_redis_overdue(ngx_event_t *ev);
static void ngx_http_judge_redis_read(ngx_event_t *ev);
static void ngx_http_judge_redis_write(ngx_event_t *ev);
static void ngx_http_judge_redis_add_read(void *privdata);
static void ngx_http_judge_redis_del_read(void *privdata);
static void ngx_http_judge_redis_add_write(void *privdata);
static void ngx_http_judge_redis_del_write(void *privdata);
static void ngx_http_judge_redis_cleanup(void *privdata);
static void *ngx_http_judge_redis_string(const redisReadTask *task,
    char *str, size_t len);
static void *ngx_http_judge_redis_array(const redisReadTask *task,
    int elements);
static void *ngx_http_judge_redis_integer(const redisReadTask *task,
    long long value);
static void *ngx_http_judge_redis_nil(const redisReadTask *task);
static ngx_uint_t ngx_http_judge_redis_asked(const redisReadTask *task);


static ngx_http_judge_redis_t  ngx_http_judge_redis;


/* hiredis's own, and ours in front of them */
static redisReplyObjectFunctions  *ngx_http_judge_redis_objects;
static redisReplyObjectFunctions   ngx_http_judge_redis_checked = {
    ngx_http_judge_redis_string,
    ngx_http_judge_redis_array,
    ngx_http_judge_redis_integer,
    ngx_http_judge_redis_nil,
    NULL
};


/*
 * judge_redis host:port | unix:/path [db=N] [password_file=PATH]
 * [prefix=STR] [programs=TIME|off]; the host is resolved now, once.
 */

char *
ngx_http_judge_redis_directive(ngx_conf_t *cf,
    ngx_http_judge_redis_conf_t **rcfp)
{
    u_char                       *p;
    size_t                        len;
    ngx_int_t                     n;
    ngx_str_t                    *value, s;
    ngx_uint_t                    i;
    struct sockaddr_in           *sin;
    ngx_http_judge_redis_conf_t  *rcf;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6          *sin6;
#endif

    if (*rcfp) {
        return "is duplicate";
    }

    rcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_judge_redis_conf_t));
    if (rcf == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    rcf->timeout = NGX_CONF_UNSET_MSEC;
    rcf->programs = 86400000;
    ngx_str_set(&rcf->prefix, "judge:");

    rcf->url.url = value[1];
    rcf->url.default_port = 6379;

    if (ngx_parse_url(cf->pool, &rcf->url) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s in judge_redis \"%V\"",
                           rcf->url.err ? rcf->url.err : "invalid address",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    if (rcf->url.naddrs == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "judge_redis \"%V\" has no address", &value[1]);
        return NGX_CONF_ERROR;
    }

    rcf->name = value[1];

    len = NGX_SOCKADDR_STRLEN + 1;
    p = ngx_pcalloc(cf->pool, len);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    rcf->host.data = p;

    switch (rcf->url.addrs[0].sockaddr->sa_family) {

#if (NGX_HAVE_UNIX_DOMAIN)
    case AF_UNIX:
        rcf->local = 1;
        rcf->host.len = ngx_sock_ntop(rcf->url.addrs[0].sockaddr,
                                      rcf->url.addrs[0].socklen, p, len - 1,
                                      0);
        /* "unix:/path" */
        rcf->host.data += 5;
        rcf->host.len -= 5;
        break;
#endif

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) rcf->url.addrs[0].sockaddr;
        rcf->host.len = ngx_inet_ntop(AF_INET6, &sin6->sin6_addr, p, len - 1);
        break;
#endif

    default:
        sin = (struct sockaddr_in *) rcf->url.addrs[0].sockaddr;
        rcf->host.len = ngx_inet_ntop(AF_INET, &sin->sin_addr, p, len - 1);
        break;
    }

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "db=", 3) == 0) {
            n = ngx_atoi(value[i].data + 3, value[i].len - 3);
            if (n == NGX_ERROR) {
                goto invalid;
            }

            rcf->db = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "prefix=", 7) == 0) {
            rcf->prefix.data = value[i].data + 7;
            rcf->prefix.len = value[i].len - 7;

            if (rcf->prefix.len == 0 || rcf->prefix.len > 64
                || ngx_strlchr(rcf->prefix.data,
                               rcf->prefix.data + rcf->prefix.len, '{')
                || ngx_strlchr(rcf->prefix.data,
                               rcf->prefix.data + rcf->prefix.len, '}'))
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "programs=", 9) == 0) {
            s.data = value[i].data + 9;
            s.len = value[i].len - 9;

            if (s.len == 3 && ngx_strncmp(s.data, "off", 3) == 0) {
                rcf->programs = 0;
                continue;
            }

            rcf->programs = ngx_parse_time(&s, 0);
            if (rcf->programs == (ngx_msec_t) NGX_ERROR) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "password_file=", 14) == 0) {
            s.data = value[i].data + 14;
            s.len = value[i].len - 14;

            if (ngx_http_judge_secret_file(cf, &s, &rcf->password)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        goto invalid;
    }

    *rcfp = rcf;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid judge_redis parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


ngx_int_t
ngx_http_judge_redis_init_process(ngx_cycle_t *cycle,
    ngx_http_judge_redis_conf_t *rcf)
{
    ngx_http_judge_redis_t  *r = &ngx_http_judge_redis;

    ngx_memzero(r, sizeof(ngx_http_judge_redis_t));

    r->conf = rcf;
    r->log = cycle->log;
    r->backoff = NGX_HTTP_JUDGE_REDIS_BACKOFF;
    ngx_queue_init(&r->waiting);

    /* the event module's debug log reads an fd through a timer's data */

    r->retry.handler = ngx_http_judge_redis_retry;
    r->retry.data = r;
    r->retry.log = cycle->log;
    r->retry.cancelable = 1;

    /*
     * Set only while a connection is made or commands are out: an old
     * process after a reload stays for the answers its requests wait for,
     * judge_redis_timeout at most (a cancelable timer would not).
     */

    r->timer.handler = ngx_http_judge_redis_overdue;
    r->timer.data = r;
    r->timer.log = cycle->log;

    /* the first outcome, up or down, is logged */
    r->reported = NGX_HTTP_JUDGE_REDIS_CONNECTING;

    ngx_http_judge_redis_connect();

    return NGX_OK;
}


void
ngx_http_judge_redis_exit_process(void)
{
    ngx_http_judge_redis_t  *r = &ngx_http_judge_redis;

    if (r->conf == NULL) {
        return;
    }

    r->conf = NULL;

    if (r->retry.timer_set) {
        ngx_del_timer(&r->retry);
    }

    if (r->ac) {
        r->state = NGX_HTTP_JUDGE_REDIS_DOWN;
        redisAsyncFree(r->ac);
    }
}


ngx_uint_t
ngx_http_judge_redis_up(void)
{
    return ngx_http_judge_redis.state == NGX_HTTP_JUDGE_REDIS_UP;
}


ngx_msec_t
ngx_http_judge_redis_up_since(void)
{
    return ngx_http_judge_redis.since;
}


ngx_str_t
ngx_http_judge_redis_prefix(void)
{
    return ngx_http_judge_redis.conf->prefix;
}


ngx_msec_t
ngx_http_judge_redis_programs(void)
{
    return ngx_http_judge_redis.conf->programs;
}


/*
 * Sends a command; "handler" (may be NULL) gets its reply.  NGX_DECLINED:
 * Redis is not connected now, nothing was sent.
 */

ngx_int_t
ngx_http_judge_redis_send(ngx_http_judge_redis_pt handler, void *data,
    ngx_uint_t argc, const char **argv, const size_t *argvlen)
{
    ngx_http_judge_redis_t      *r = &ngx_http_judge_redis;
    ngx_http_judge_redis_cmd_t  *cmd;

    if (r->state != NGX_HTTP_JUDGE_REDIS_UP) {
        return NGX_DECLINED;
    }

    cmd = ngx_alloc(sizeof(ngx_http_judge_redis_cmd_t), r->log);
    if (cmd == NULL) {
        return NGX_ERROR;
    }

    cmd->handler = handler;
    cmd->data = data;

    if (redisAsyncCommandArgv(r->ac, ngx_http_judge_redis_on_reply, cmd,
                              (int) argc, argv, argvlen)
        != REDIS_OK)
    {
        ngx_free(cmd);
        return NGX_ERROR;
    }

    cmd->sent = ngx_current_msec;
    ngx_queue_insert_tail(&r->waiting, &cmd->queue);

    if (!r->timer.timer_set) {
        ngx_add_timer(&r->timer, r->conf->timeout);
    }

    return NGX_OK;
}


static void
ngx_http_judge_redis_connect(void)
{
    ngx_http_judge_redis_t  *r = &ngx_http_judge_redis;

    ngx_connection_t   *c;
    redisAsyncContext  *ac;

    r->state = NGX_HTTP_JUDGE_REDIS_CONNECTING;

    if (r->conf->local) {
        ac = redisAsyncConnectUnix((char *) r->conf->host.data);

    } else {
        ac = redisAsyncConnect((char *) r->conf->host.data,
                               (int) r->conf->url.port);
    }

    if (ac == NULL) {
        r->why = "out of memory";
        goto failed;
    }

    if (ac->err) {
        /* a unix socket that is not there, or not ours to use */
        ngx_cpystrn(r->reason, (u_char *) ac->errstr, sizeof(r->reason));
        r->why = (char *) r->reason;
        redisAsyncFree(ac);
        goto failed;
    }

    c = ngx_get_connection(ac->c.fd, r->log);
    if (c == NULL) {
        redisAsyncFree(ac);
        r->why = "no free connection";
        goto failed;
    }

    c->read->handler = ngx_http_judge_redis_read;
    c->write->handler = ngx_http_judge_redis_write;
    c->read->log = r->log;
    c->write->log = r->log;

    r->ac = ac;
    r->c = c;

    if (ngx_http_judge_redis_objects == NULL) {
        ngx_http_judge_redis_objects = ac->c.reader->fn;
        ngx_http_judge_redis_checked.freeObject = ac->c.reader->fn->freeObject;
    }

    ac->c.reader->fn = &ngx_http_judge_redis_checked;

    ac->ev.data = c;
    ac->ev.addRead = ngx_http_judge_redis_add_read;
    ac->ev.delRead = ngx_http_judge_redis_del_read;
    ac->ev.addWrite = ngx_http_judge_redis_add_write;
    ac->ev.delWrite = ngx_http_judge_redis_del_write;
    ac->ev.cleanup = ngx_http_judge_redis_cleanup;

    redisAsyncSetConnectCallback(ac, ngx_http_judge_redis_on_connect);

    r->setup = 0;

    if (r->conf->password.len) {
        if (redisAsyncCommand(ac, ngx_http_judge_redis_on_setup, NULL,
                              "AUTH %b", r->conf->password.data,
                              r->conf->password.len)
            != REDIS_OK)
        {
            ngx_http_judge_redis_drop("AUTH could not be sent");
            return;
        }

        r->setup++;
    }

    if (r->conf->db) {
        if (redisAsyncCommand(ac, ngx_http_judge_redis_on_setup, NULL,
                              "SELECT %d", (int) r->conf->db)
            != REDIS_OK)
        {
            ngx_http_judge_redis_drop("SELECT could not be sent");
            return;
        }

        r->setup++;
    }

    if (redisAsyncCommand(ac, ngx_http_judge_redis_on_setup, NULL, "PING")
        != REDIS_OK)
    {
        ngx_http_judge_redis_drop("PING could not be sent");
        return;
    }

    r->setup++;

    /* connecting, with what goes first, takes judge_redis_timeout */

    ngx_add_timer(&r->timer, r->conf->timeout);

    return;

failed:

    r->state = NGX_HTTP_JUDGE_REDIS_DOWN;

    if (r->reported != NGX_HTTP_JUDGE_REDIS_DOWN) {
        r->reported = NGX_HTTP_JUDGE_REDIS_DOWN;
        ngx_log_error(NGX_LOG_ERR, r->log, 0,
                      "judge: redis %V is unreachable: %s; retrying",
                      &r->conf->name, r->why);
    }

    ngx_add_timer(&r->retry, r->backoff);
    r->backoff = ngx_min(r->backoff * 2, NGX_HTTP_JUDGE_REDIS_BACKOFF_MAX);
}


/* gives the connection up: every command gets a NULL reply */

static void
ngx_http_judge_redis_drop(const char *why)
{
    ngx_http_judge_redis_t  *r = &ngx_http_judge_redis;

    if (r->ac == NULL) {
        return;
    }

    r->why = why;
    r->state = NGX_HTTP_JUDGE_REDIS_DOWN;

    if (r->ac->c.flags & REDIS_IN_CALLBACK) {
        redisAsyncDisconnect(r->ac);
        return;
    }

    redisAsyncFree(r->ac);
}


static void
ngx_http_judge_redis_went_up(void)
{
    ngx_http_judge_redis_t  *r = &ngx_http_judge_redis;

    r->state = NGX_HTTP_JUDGE_REDIS_UP;
    r->since = ngx_current_msec;

    if (r->timer.timer_set && ngx_queue_empty(&r->waiting)) {
        ngx_del_timer(&r->timer);
    }

    if (r->reported != NGX_HTTP_JUDGE_REDIS_UP) {
        r->reported = NGX_HTTP_JUDGE_REDIS_UP;
        ngx_log_error(NGX_LOG_NOTICE, r->log, 0,
                      "judge: redis %V connected", &r->conf->name);
    }
}


static void
ngx_http_judge_redis_on_connect(const redisAsyncContext *ac, int status)
{
    ngx_http_judge_redis_t  *r = &ngx_http_judge_redis;

    if (status != REDIS_OK) {
        /* hiredis frees the context: the cleanup hook follows */
        ngx_cpystrn(r->reason, (u_char *) ac->errstr, sizeof(r->reason));
        r->why = (char *) r->reason;
    }
}


static void
ngx_http_judge_redis_on_setup(redisAsyncContext *ac, void *reply,
    void *privdata)
{
    ngx_http_judge_redis_t  *r = &ngx_http_judge_redis;

    redisReply  *rep = reply;

    if (rep == NULL || r->state == NGX_HTTP_JUDGE_REDIS_DOWN) {
        /* gone, or given up on at an earlier refusal */
        return;
    }

    if (rep->type == REDIS_REPLY_ERROR) {
        (void) ngx_snprintf(r->refusal, sizeof(r->refusal) - 1,
                            "it refused the connection's set-up: %*s%Z",
                            (size_t) ngx_min(rep->len, 200), rep->str);
        ngx_http_judge_redis_drop((char *) r->refusal);
        return;
    }

    if (--r->setup == 0) {
        ngx_http_judge_redis_went_up();
    }
}


static void
ngx_http_judge_redis_on_reply(redisAsyncContext *ac, void *reply,
    void *privdata)
{
    ngx_http_judge_redis_cmd_t  *cmd = privdata;

    ngx_msec_t                   waited;
    ngx_http_judge_redis_t      *r = &ngx_http_judge_redis;
    ngx_http_judge_redis_cmd_t  *next;

    ngx_queue_remove(&cmd->queue);

    if (reply && ((redisReply *) reply)->type != REDIS_REPLY_ERROR) {
        /* the connection works: a loss now is tried again soon */
        r->backoff = NGX_HTTP_JUDGE_REDIS_BACKOFF;
    }

    if (reply && r->timer.timer_set) {
        /* an answer came: the oldest command left has what remains */
        ngx_del_timer(&r->timer);

        if (!ngx_queue_empty(&r->waiting)) {
            next = ngx_queue_data(ngx_queue_head(&r->waiting),
                                  ngx_http_judge_redis_cmd_t, queue);
            waited = ngx_current_msec - next->sent;

            ngx_add_timer(&r->timer, waited < r->conf->timeout
                                     ? r->conf->timeout - waited : 1);
        }
    }

    if (cmd->handler) {
        cmd->handler(cmd->data, reply);
    }

    ngx_free(cmd);
}


static void
ngx_http_judge_redis_retry(ngx_event_t *ev)
{
    if (ngx_http_judge_redis.conf == NULL || ngx_exiting) {
        return;
    }

    ngx_http_judge_redis_connect();
}


static void
ngx_http_judge_redis_overdue(ngx_event_t *ev)
{
    ngx_http_judge_redis_t  *r = &ngx_http_judge_redis;

    if (r->state == NGX_HTTP_JUDGE_REDIS_CONNECTING) {
        ngx_http_judge_redis_drop("no connection within judge_redis_timeout");
        return;
    }

    if (r->state == NGX_HTTP_JUDGE_REDIS_DOWN) {
        /* given up in a callback: hiredis waits for replies that are due */
        ngx_http_judge_redis_drop(r->why);
        return;
    }

    if (!ngx_queue_empty(&r->waiting)) {
        ngx_http_judge_redis_drop("no answer within judge_redis_timeout");
    }
}


static void
ngx_http_judge_redis_read(ngx_event_t *ev)
{
    if (ngx_http_judge_redis.ac) {
        redisAsyncHandleRead(ngx_http_judge_redis.ac);
    }
}


static void
ngx_http_judge_redis_write(ngx_event_t *ev)
{
    if (ngx_http_judge_redis.ac) {
        redisAsyncHandleWrite(ngx_http_judge_redis.ac);
    }
}


static void
ngx_http_judge_redis_add_read(void *privdata)
{
    ngx_connection_t  *c = privdata;

    if (!c->read->active) {
        (void) ngx_add_event(c->read, NGX_READ_EVENT, NGX_LEVEL_EVENT);
    }
}


static void
ngx_http_judge_redis_del_read(void *privdata)
{
    ngx_connection_t  *c = privdata;

    if (c->read->active) {
        (void) ngx_del_event(c->read, NGX_READ_EVENT, NGX_LEVEL_EVENT);
    }
}


static void
ngx_http_judge_redis_add_write(void *privdata)
{
    ngx_connection_t  *c = privdata;

    if (!c->write->active) {
        (void) ngx_add_event(c->write, NGX_WRITE_EVENT, NGX_LEVEL_EVENT);
    }
}


static void
ngx_http_judge_redis_del_write(void *privdata)
{
    ngx_connection_t  *c = privdata;

    if (c->write->active) {
        (void) ngx_del_event(c->write, NGX_WRITE_EVENT, NGX_LEVEL_EVENT);
    }
}


/*
 * hiredis lets the context go (closed, failed, given up, or the process
 * exits): the socket leaves the event loop before hiredis closes it, and
 * a new connection is tried after the backoff.
 */

static void
ngx_http_judge_redis_cleanup(void *privdata)
{
    ngx_connection_t  *c = privdata;

    ngx_http_judge_redis_t  *r = &ngx_http_judge_redis;

    if (c->read->active) {
        (void) ngx_del_event(c->read, NGX_READ_EVENT, NGX_CLOSE_EVENT);
    }

    if (c->write->active) {
        (void) ngx_del_event(c->write, NGX_WRITE_EVENT, NGX_CLOSE_EVENT);
    }

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    ngx_free_connection(c);
    c->fd = (ngx_socket_t) -1;

    r->ac = NULL;
    r->c = NULL;
    r->state = NGX_HTTP_JUDGE_REDIS_DOWN;

    if (r->timer.timer_set) {
        ngx_del_timer(&r->timer);
    }

    if (r->conf == NULL) {
        return;
    }

    if (r->reported != NGX_HTTP_JUDGE_REDIS_DOWN) {
        r->reported = NGX_HTTP_JUDGE_REDIS_DOWN;
        ngx_log_error(NGX_LOG_ERR, r->log, 0,
                      "judge: redis %V is unreachable: %s; retrying",
                      &r->conf->name, r->why ? r->why : "connection closed");
    }

    r->why = NULL;

    ngx_add_timer(&r->retry, r->backoff);
    r->backoff = ngx_min(r->backoff * 2, NGX_HTTP_JUDGE_REDIS_BACKOFF_MAX);
}


/*
 * hiredis builds a reply: refused (hiredis fails the connection as if
 * memory had run out) when it is a whole reply and no command waits for
 * it.  hiredis hands each reply to its command before it reads the next.
 */

static void *
ngx_http_judge_redis_string(const redisReadTask *task, char *str, size_t len)
{
    ngx_http_judge_redis_t  *r = &ngx_http_judge_redis;

    if (!ngx_http_judge_redis_asked(task)) {

        if (task->type == REDIS_REPLY_ERROR) {
            /* Redis turning the connection away (maxclients) says why */
            ngx_cpystrn(r->reason, (u_char *) str,
                        ngx_min(len + 1, sizeof(r->reason)));
            r->why = (char *) r->reason;
        }

        return NULL;
    }

    return ngx_http_judge_redis_objects->createString(task, str, len);
}


static void *
ngx_http_judge_redis_array(const redisReadTask *task, int elements)
{
    if (!ngx_http_judge_redis_asked(task)) {
        return NULL;
    }

    return ngx_http_judge_redis_objects->createArray(task, elements);
}


static void *
ngx_http_judge_redis_integer(const redisReadTask *task, long long value)
{
    if (!ngx_http_judge_redis_asked(task)) {
        return NULL;
    }

    return ngx_http_judge_redis_objects->createInteger(task, value);
}


static void *
ngx_http_judge_redis_nil(const redisReadTask *task)
{
    if (!ngx_http_judge_redis_asked(task)) {
        return NULL;
    }

    return ngx_http_judge_redis_objects->createNil(task);
}


static ngx_uint_t
ngx_http_judge_redis_asked(const redisReadTask *task)
{
    ngx_http_judge_redis_t  *r = &ngx_http_judge_redis;

    if (task->parent || (r->ac && r->ac->replies.head)) {
        return 1;
    }

    if (r->why == NULL) {
        /* a refusal that came first says more */
        r->why = "a reply to no command";
    }

    return 0;
}
