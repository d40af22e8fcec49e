/*
 * The master's address: "http://host[:port][/path]" or "https://...".
 */

#ifndef JUDGE_WORKER_URL_H
#define JUDGE_WORKER_URL_H

#include <stdbool.h>
#include <stddef.h>


struct url {
    bool  tls;
    char  host[256];        /* without brackets for IPv6 literals */
    char  port[6];
    char  path[1024];       /* starts with "/", may carry "?query" */
    char  host_header[270]; /* Host: value, port only when not default */
};


int url_parse(struct url *u, const char *text, char *err, size_t errlen);


#endif /* JUDGE_WORKER_URL_H */
