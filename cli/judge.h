/*
 * judge.h: the command-line client's shared parts.
 *
 *   main.c       options, the command table, help, Ctrl-C
 *   config.c     .judge.yaml (libyaml): read, found upward from the
 *                current directory, and written by "judge init"
 *   http.c       the judge's API over libcurl: one request with a JSON
 *                answer, or a Server-Sent Events stream read live
 *   term.c       what the terminal can show: colour, Unicode, the size;
 *                the tree of tests drawn once or redrawn live
 *   local.c      a program run on this machine, in judge-sandbox when it
 *                works here, otherwise as a plain child with a timeout
 *   cmd_*.c      the commands
 *
 * Exit statuses: 0 everything passed (or the command did what it was
 * asked), 1 a test or the program failed, 2 a usage error (bad option, a
 * bad .judge.yaml), 3 the judge could not be reached or answered an
 * error, 130 interrupted by Ctrl-C (a submission is cancelled first).
 */

#ifndef JUDGE_CLI_H
#define JUDGE_CLI_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>


#define JUDGE_EXIT_OK           0
#define JUDGE_EXIT_FAILED       1
#define JUDGE_EXIT_USAGE        2
#define JUDGE_EXIT_SERVER       3
#define JUDGE_EXIT_INTERRUPTED  130

#define JUDGE_DEFAULT_SERVER    "http://127.0.0.1:8080"
#define JUDGE_CONFIG_NAME       ".judge.yaml"


/* .judge.yaml; a key left out is NULL */
typedef struct {
    char        *path;          /* the file read; NULL when there is none */
    char        *server;
    char        *token;
    char        *language;
    char        *command;       /* how to run the program here */
    char        *build;         /* run once before the local tests */
    char        *source;        /* the file "judge run" submits */
    char        *problem;
} judge_config_t;


typedef struct {
    int          tty;           /* stdout is a terminal */
    int          color;         /* ... and colour is wanted (NO_COLOR) */
    int          unicode;       /* ... and its locale is UTF-8 */
    int          rows;
    int          cols;
} term_t;


/* what every command gets */
typedef struct {
    const char      *server;    /* without a trailing "/" */
    const char      *token;     /* NULL: none */
    int              json;      /* --json: machine-readable output */
    int              quiet;     /* --quiet: the outcome only */
    judge_config_t   cfg;
    term_t           term;
} judge_t;


/* main.c */
int judge_interrupted(void);
void judge_interrupt_acknowledge(void);
void judge_error(const judge_t *j, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* config.c */
int config_load(judge_config_t *cfg, char *err, size_t errlen);
int config_write(const char *path, const judge_config_t *cfg,
                 char *err, size_t errlen);
void config_free(judge_config_t *cfg);

/* http.c */
typedef int (*http_event_pt)(void *data, const char *event,
                             const char *payload, size_t len);
typedef void (*http_tick_pt)(void *data);

int http_request(const judge_t *j, const char *method, const char *path,
                 json_t *body, long *status, json_t **answer,
                 char *err, size_t errlen);
int http_events(const judge_t *j, const char *path, http_event_pt on_event,
                http_tick_pt on_tick, void *data, char *err, size_t errlen);
int judge_api(const judge_t *j, const char *method, const char *path,
              json_t *body, json_t **answer);
char *http_escape(const char *s);
int http_serves_page(const judge_t *j);
int judge_unfinished(json_t *job);
int judge_wait(const judge_t *j, const char *path, json_t **answer);

/* term.c */
typedef enum {
    ITEM_PENDING,
    ITEM_PASS,
    ITEM_FAIL,
    ITEM_SKIP
} item_state_t;

typedef struct {
    char           *name;
    size_t          group;
    item_state_t    state;
    char           *detail;     /* after the name: time, or why it failed */
    char          **lines;      /* under the name: command, input, output */
    size_t          nlines;
} tree_item_t;

typedef struct {
    const term_t   *term;
    char           *title;      /* made safe by its maker: has colour */
    char          **groups;     /* none: the items hang off the title */
    size_t          ngroups;
    tree_item_t    *items;
    size_t          nitems;
    char           *status;     /* the last line: progress, then outcome */
    int             status_ok;  /* 1 passed, 0 failed, -1 neither yet */
    int             status_only; /* --quiet: the outcome line alone */
    unsigned        spin;
    int             drawn;      /* lines of the last live drawing */
    int             live;
} tree_t;

void term_init(term_t *t);
const char *term_color(const term_t *t, const char *sgr);
int tree_add_group(tree_t *t, const char *name);
int tree_add_item(tree_t *t, const char *name, size_t group);
size_t tree_done(const tree_t *t);
void tree_add_line(tree_item_t *it, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tree_set(tree_item_t *it, item_state_t state, const char *detail);
void tree_status(tree_t *t, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tree_draw(tree_t *t);
void tree_finish(tree_t *t);
void tree_free(tree_t *t);
char *text_clean(const char *s, size_t len);
void text_put(FILE *f, const char *s, size_t len);
char *text_preview(const char *s, size_t len, size_t max_lines,
                   size_t max_cols);
char *judge_format(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* local.c */
typedef struct {
    unsigned long    cpu_time_ms;
    unsigned long    wall_time_ms;
    unsigned long    memory_kb;
} local_limits_t;

typedef struct {
    char            *status;    /* the sandbox's: OK, RE, TLE, MLE, ... */
    int              exit_code;
    int              signal;
    unsigned long    cpu_time_ms;
    unsigned long    wall_time_ms;
    unsigned long    memory_kb;
    char            *out;
    size_t           out_len;
    char            *err;
    size_t           err_len;
    char            *message;
} local_result_t;

typedef struct {
    char            *sandbox;   /* judge-sandbox's path; NULL: plain */
    char            *why;       /* why not in the sandbox */
    char            *dir;       /* the directory the program runs in */
} local_t;

int local_init(local_t *l, int plain);
int local_run(const local_t *l, const char *command, const char *input,
              size_t input_len, const local_limits_t *lim,
              local_result_t *res);
void local_result_free(local_result_t *res);
void local_free(local_t *l);

/* the commands */
int cmd_init(judge_t *j, int argc, char **argv);
int cmd_problems(judge_t *j, int argc, char **argv);
int cmd_show(judge_t *j, int argc, char **argv);
int cmd_test(judge_t *j, int argc, char **argv);
int cmd_run(judge_t *j, int argc, char **argv);
int cmd_submit(judge_t *j, int argc, char **argv);
int cmd_exec(judge_t *j, int argc, char **argv);
int cmd_status(judge_t *j, int argc, char **argv);
int cmd_languages(judge_t *j, int argc, char **argv);
int cmd_workers(judge_t *j, int argc, char **argv);

/* shared by the commands: the files and languages (cmd_judge.c), a
 * command's usage (main.c), a problem read and JSON printed (cmd_info.c) */
const char *judge_guess_language(judge_t *j, const char *file);
int judge_read_file(const char *path, char **data, size_t *len);
const char *judge_file_error(int err);
int judge_command_usage(const char *cmd);
int judge_problem(judge_t *j, const char *id, const char *cmd,
                  json_t **problem);
void judge_print_json(json_t *v);

#endif /* JUDGE_CLI_H */
