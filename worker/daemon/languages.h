/*
 * The languages table (conf/languages.conf): what each language is called,
 * how to ask its toolchain for a version, and how submissions are compiled
 * and run.  Only languages whose version command succeeds on this host are
 * offered to the master.
 */

#ifndef JUDGE_WORKER_LANGUAGES_H
#define JUDGE_WORKER_LANGUAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"


/* what "{main}" stands for in "source", "compile" and "run" */
#define LANGUAGE_MAIN_PLACEHOLDER  "{main}"
#define LANGUAGE_MAIN_MAX          128

/* what "{memory_mb}" and "{stack_mb}" stand for in "compile" and "run":
 * the step's memory and stack limits in MiB (a JVM's -Xmx and -Xss) */
#define LANGUAGE_MEMORY_PLACEHOLDER  "{memory_mb}"
#define LANGUAGE_STACK_PLACEHOLDER   "{stack_mb}"

/* How a language's main name is found in a submission's source */
enum language_main {
    LANGUAGE_MAIN_NONE = 0,     /* no {main}: the table's names as given */
    LANGUAGE_MAIN_JAVA_CLASS    /* the first top-level public type */
};


struct language {
    char      *id;              /* "cpp" */
    char      *name;            /* "C++ (GCC {version})" */
    char      *version_command;
    char      *source_file;     /* "main.cpp" */
    char      *compile_command; /* NULL for interpreted languages */
    char      *run_command;
    char      *artifact;        /* "main", "*.class"; NULL: interpreted */
    uint32_t   processes;       /* the runtime's own floor, at least 1 */
    uint32_t   open_files;      /* the runtime's own floor, 0: none */
    uint32_t   compile_time;    /* s of CPU a compile may take, 0: the
                                   worker's default */
    uint32_t   compile_memory;  /* MiB a compile may take, 0: likewise */
    char     **compile_argv;    /* split by argv_split(); NULL likewise */
    char     **run_argv;
    char     **flags;           /* compiler flags a submission may add:
                                   words, or prefixes ending in "*" */
    size_t     n_flags;
    char      *template;        /* a new code session's program, "" if none */
    char      *runtime;         /* the toolchain's short name: "g++" */
    char      *memory_error;    /* stderr text of the runtime's own "heap
                                   full", MLE rather than RE; NULL: none */
    char     **binds;           /* host paths the toolchain reads outside
                                   /usr, bound read-only; NULL if none */
    enum language_main  main;   /* how {main} is found */
    char      *main_default;    /* {main} when the source names none */
    char      *source_shown;    /* source_file with main_default: Register */
    char      *version;         /* set by languages_probe(), NULL if absent */
};

struct languages {
    struct language  *items;
    size_t            n;
};


int   languages_parse(struct languages *ls, const char *text,
                      const char *origin, char *err, size_t errlen);
int   languages_load(struct languages *ls, const char *path, char *err,
                     size_t errlen);
void  languages_probe(struct languages *ls, struct log *lg, int timeout_ms);
const struct language *languages_find(const struct languages *ls,
                                      const char *id);
bool  language_artifact_is_pattern(const struct language *l);
bool  language_flag_allowed(const struct language *l, const char *flag);
char *languages_extract_version(const char *output);
char *languages_unescape(const char *value, size_t max, char *err,
                         size_t errlen);
char *languages_display_name(const struct language *l);
int   language_find_main(const struct language *l, const char *src,
                         size_t len, char *name, size_t name_size,
                         char *err, size_t errlen);
bool  language_main_ok(const char *name, size_t len);
char *language_expand(const char *text, const char *main,
                      uint64_t memory_mb, uint64_t stack_mb);
char **language_argv(char *const *argv, const char *main,
                     uint64_t memory_mb, uint64_t stack_mb,
                     char *const *extra, size_t n_extra);
size_t languages_binds(const struct languages *ls, const char **paths,
                       size_t max);
void  languages_free(struct languages *ls);


#endif /* JUDGE_WORKER_LANGUAGES_H */
