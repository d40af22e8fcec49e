/*
 * The daemon's context, passed to every part of the main loop.  There is
 * one, made by main(); nothing else is global.
 */

#ifndef JUDGE_WORKER_WORKER_H
#define JUDGE_WORKER_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "backoff.h"
#include "config.h"
#include "docker.h"
#include "frontends.h"
#include "languages.h"
#include "log.h"
#include "sysinfo.h"
#include "task.h"


struct worker {
    struct config       cfg;
    struct log          log;
    struct languages    languages;
    struct host_facts   host;
    struct tasks        tasks;
    docker_t           *docker;         /* --backend docker's pools */
    SSL_CTX            *tls;            /* NULL without https:// masters */
    int                 signal_fd;
    struct cpu_sample   cpu_prev;       /* for the next heartbeat's CPU % */
    struct backoff      backoff;
    struct rotation     rotation;       /* over cfg.frontends */

    /* the frontend of the last stream that came up, NULL before any */
    const struct frontend  *connected_to;

    /* SIGTERM/SIGINT received: 1 = drain and leave, 2+ = leave now */
    unsigned            stop_requests;
};


void worker_take_signals(struct worker *w);


#endif /* JUDGE_WORKER_WORKER_H */
