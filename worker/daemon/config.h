/*
 * judge-worker's configuration: command-line flags and an optional
 * "key = value" file whose keys are the long flag names.  Flags win over
 * the file.  "master" may be given several times, each a URL or a
 * comma-separated list of them: the frontends, in order (the file's
 * are replaced by the command line's when it has any).
 */

#ifndef JUDGE_WORKER_CONFIG_H
#define JUDGE_WORKER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontends.h"


#define CONFIG_DEFAULT_STATE_DIR   "/var/lib/judge-worker"
#define CONFIG_SYSTEM_LANGUAGES    "/etc/judge-worker/languages.conf"
#define CONFIG_DAEMON_LOG          "/var/log/judge-worker.log"
#define CONFIG_DEFAULT_HEARTBEAT   2000            /* ms */
#define CONFIG_DEFAULT_DRAIN       30000           /* ms */
#define CONFIG_DEFAULT_MAX_FRAME   (16 * 1024 * 1024)
#define CONFIG_DEFAULT_DATA_CACHE  (2ULL * 1024 * 1024 * 1024)
#define CONFIG_ID_MAX              64
#define CONFIG_DEFAULT_DOCKER_USES 50
#define CONFIG_DEFAULT_DOCKER_IDLE 600000          /* ms */


struct config {
    /* as given */
    char      *config_file;
    char      *master;             /* comma-separated URLs */
    char      *ca_file;
    bool       insecure;
    char      *token;
    char      *token_file;
    char      *id;
    char      *state_dir;          /* absolute once finished */
    uint64_t   data_cache_size;    /* bytes of test data kept on disk */
    uint32_t   slots;              /* 0: one per online core */
    char      *tags;               /* comma-separated */
    char      *abi;
    char      *languages;
    uint32_t   heartbeat_ms;
    uint32_t   drain_timeout_ms;   /* then running tasks are killed */
    char      *log_file;
    char      *pid_file;
    uint64_t   max_frame;
    bool       foreground;
    uint32_t   verbose;
    char      *backend;            /* "native" (default) or "docker" */
    char      *docker_socket;
    char      *docker_image;
    char      *docker_wrapper;     /* default: judge-docker-run beside us */
    uint32_t   docker_uses;        /* runs per container */
    uint32_t   docker_idle_ms;     /* idle time before it is replaced */
    uint32_t   docker_builders;    /* 0: half the slots, at least 1 */

    /* derived by config_finish() */
    struct frontend   *frontends;
    size_t             n_frontends;
    char             **tag_list;
    size_t             n_tags;
};


enum config_parse_result {
    CONFIG_RUN,
    CONFIG_HELP,
    CONFIG_VERSION,
    CONFIG_ERROR
};


void config_init(struct config *cfg);
enum config_parse_result config_parse_args(struct config *cfg, int argc,
                                           char **argv, char *err,
                                           size_t errlen);
int  config_parse_file_text(struct config *cfg, const char *text,
                            const char *origin, char *err, size_t errlen);
int  config_finish(struct config *cfg, char *err, size_t errlen);
int  config_add_tag(struct config *cfg, const char *tag, char *err,
                    size_t errlen);
void config_usage(FILE *out, const char *program);
void config_free(struct config *cfg);


#endif /* JUDGE_WORKER_CONFIG_H */
