/*
 * Logging for judge-worker: one line per event, written with a single
 * write(2) so lines from several threads never interleave, to stderr or to
 * a file that SIGHUP reopens (for logrotate).
 */

#ifndef JUDGE_WORKER_LOG_H
#define JUDGE_WORKER_LOG_H


enum log_level {
    LOG_ERROR,
    LOG_WARN,
    LOG_INFO,
    LOG_DEBUG
};

struct log {
    int              fd;
    char            *path;      /* NULL: stderr */
    enum log_level   level;     /* lines above this level are dropped */
};


int  log_open(struct log *lg, const char *path, enum log_level level,
              char *err, size_t errlen);
int  log_reopen(struct log *lg, char *err, size_t errlen);
void log_close(struct log *lg);
void log_write(struct log *lg, enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(lg, ...)  log_write(lg, LOG_ERROR, __VA_ARGS__)
#define log_warn(lg, ...)   log_write(lg, LOG_WARN, __VA_ARGS__)
#define log_info(lg, ...)   log_write(lg, LOG_INFO, __VA_ARGS__)
#define log_debug(lg, ...)  log_write(lg, LOG_DEBUG, __VA_ARGS__)


#endif /* JUDGE_WORKER_LOG_H */
