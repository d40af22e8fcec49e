/*
 * The languages table: parsing conf/languages.conf and probing the host's
 * toolchains.
 *
 * The file is a list of sections, one per language:
 *
 *     [cpp]
 *     name    = C++ (GCC {version})
 *     version = g++ -dumpfullversion
 *     source  = main.cpp
 *     compile = g++ -O2 -o main main.cpp
 *     run     = ./main
 *     flags   = -O0 -O2 -std=* -D*
 *
 * "compile" is left out for interpreted languages; compiled ones name
 * what the compile leaves behind with "artifact": one file ("main"), or a
 * pattern of * and ? ("*.class") for several, which travel as an archive
 * (archive.h).  "processes" (default 1) is the least number of processes
 * and threads the language's runtime needs (a JVM starts a dozen threads
 * before main()); a test's own limit never goes below it, nor below
 * "open_files" for that limit.  "binds" names host paths outside /usr the
 * toolchain reads, bound read-only into every sandbox of the worker
 * (languages_binds()); "compile_time" (s of CPU) and "compile_memory"
 * (MiB) are the language's compile limits; "memory_error" is what its
 * runtime writes to stderr when its own heap, sized from the memory limit
 * ("{memory_mb}"), is full.  "compile" and
 * "run" are split into words by argv_split() when the table is read, so a
 * malformed command is refused at start-up.  Blank lines and lines
 * starting with "#" are ignored.
 *
 * "flags" lists the compiler flags a submission may add, separated by
 * blanks: a word allows itself, a word ending in "*" allows what starts
 * with the rest and goes on (see language_flag_allowed()).  Nothing else
 * reaches the compiler, so a submission cannot run commands of its own
 * through -specs=, -wrapper, -fplugin= or @file.
 *
 * "template" is the program a new code session starts with, on one line
 * with four escapes (languages_unescape()); "runtime" the toolchain's
 * short name, by default the last part of the version command's first
 * word ("/usr/bin/python3 --version": "python3").  Both go to the master
 * in Register and nowhere else.
 *
 * "main" says how a submission's main name is found, for the languages
 * whose file and command names follow the program (Java's public class):
 * "main = java-public-class Main" finds the first top-level public type
 * of the source, "Main" when there is none.  "{main}" in "source",
 * "compile" and "run" stands for that name (language_find_main(),
 * language_expand(), language_argv()).
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argv.h"
#include "languages.h"
#include "util.h"


#define LANGUAGES_MAX_FILE     (256 * 1024)
#define LANGUAGES_MAX_OUTPUT   4096
#define LANGUAGES_MAX_PROCESSES 4096

/* the master's bounds on a language's flag patterns (proto/judge.proto) */
#define LANGUAGES_MAX_FLAGS    32
#define LANGUAGES_MAX_FLAG_LEN 64

/* a template travels in every Register, once per language */
#define LANGUAGES_MAX_TEMPLATE 4096
#define LANGUAGES_MAX_RUNTIME  32
#define LANGUAGES_MAX_BINDS    8
#define LANGUAGES_MAX_OPEN_FILES      4096
#define LANGUAGES_MAX_COMPILE_TIME    600       /* s of CPU */
#define LANGUAGES_MAX_COMPILE_MEMORY  16384     /* MiB */
#define LANGUAGES_MAX_BIND_LEN 255

/* The environment of version probes: nothing inherited from the caller. */
static char *const probe_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LC_ALL=C",
    NULL
};


/*
 * True for an id the master can use as a map key and in URLs:
 * 1-32 characters of [a-z0-9_+-].
 */
static bool
language_id_ok(const char *id)
{
    size_t  len;

    len = strlen(id);

    return len > 0 && len <= 32
           && strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_+-") == len;
}


/*
 * Frees one entry's strings.
 */
static void
language_free(struct language *l)
{
    free(l->id);
    free(l->name);
    free(l->version_command);
    free(l->source_file);
    free(l->compile_command);
    free(l->run_command);
    free(l->artifact);
    free(l->compile_argv);
    free(l->run_argv);
    free(l->flags);
    free(l->template);
    free(l->runtime);
    free(l->binds);
    free(l->memory_error);
    free(l->main_default);
    free(l->source_shown);
    free(l->version);
    memset(l, 0, sizeof(*l));
}


/*
 * True for a runtime name: 1-LANGUAGES_MAX_RUNTIME of [A-Za-z0-9._+-]
 * ("g++", "python3").
 */
static bool
language_runtime_ok(const char *r, size_t len)
{
    size_t  i;

    if (len == 0 || len > LANGUAGES_MAX_RUNTIME) {
        return false;
    }

    for (i = 0; i < len; i++) {
        if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                   "0123456789._+-", r[i]) == NULL || r[i] == '\0')
        {
            return false;
        }
    }

    return true;
}


/*
 * The runtime of a language that names none: the version command's first
 * word without its directories ("/usr/bin/python3 --version": "python3").
 */
static int
language_default_runtime(struct language *l, const char *origin, char *err,
                         size_t errlen)
{
    const char  *word;
    size_t       len, dirs;

    word = l->version_command + strspn(l->version_command, " \t");
    len = strcspn(word, " \t");

    for (dirs = len; dirs > 0 && word[dirs - 1] != '/'; dirs--) {
        /* back to the last "/" */
    }

    word += dirs;
    len -= dirs;

    if (!language_runtime_ok(word, len)) {
        snprintf(err, errlen, "%s: language \"%s\" has no \"runtime\" and "
                 "the first word of its \"version\" does not make one (1-%d "
                 "of A-Z a-z 0-9 . _ + -): give \"runtime\"", origin, l->id,
                 LANGUAGES_MAX_RUNTIME);
        return -1;
    }

    l->runtime = strndup(word, len);
    if (l->runtime == NULL) {
        snprintf(err, errlen, "%s: out of memory", origin);
        return -1;
    }

    return 0;
}


/*
 * Checks that the section just finished has every key a language needs,
 * and fills the defaults.
 */
static int
language_check(struct language *l, const char *origin, char *err,
               size_t errlen)
{
    const char  *missing;

    missing = l->name == NULL ? "name"
              : l->version_command == NULL ? "version"
              : l->source_file == NULL ? "source"
              : l->run_command == NULL ? "run"
              : NULL;

    if (missing == NULL && l->compile_command != NULL && l->artifact == NULL)
    {
        missing = "artifact";
    }

    if (missing != NULL) {
        snprintf(err, errlen, "%s: language \"%s\" has no \"%s\"",
                 origin, l->id, missing);
        return -1;
    }

    if (l->artifact != NULL && l->compile_command == NULL) {
        snprintf(err, errlen, "%s: language \"%s\" has an \"artifact\" but "
                 "no \"compile\"", origin, l->id);
        return -1;
    }

    if (l->flags != NULL && l->compile_command == NULL) {
        snprintf(err, errlen, "%s: language \"%s\" has \"flags\" but no "
                 "\"compile\"", origin, l->id);
        return -1;
    }

    if ((l->compile_time != 0 || l->compile_memory != 0)
        && l->compile_command == NULL)
    {
        snprintf(err, errlen, "%s: language \"%s\" has compile limits but "
                 "no \"compile\"", origin, l->id);
        return -1;
    }

    if (strstr(l->source_file, LANGUAGE_MEMORY_PLACEHOLDER) != NULL
        || strstr(l->source_file, LANGUAGE_STACK_PLACEHOLDER) != NULL)
    {
        snprintf(err, errlen, "%s: language \"%s\" has {memory_mb} or "
                 "{stack_mb} in its \"source\": they stand for limits in "
                 "\"compile\" and \"run\" only", origin, l->id);
        return -1;
    }

    if (l->main == LANGUAGE_MAIN_NONE
        && (strstr(l->source_file, LANGUAGE_MAIN_PLACEHOLDER) != NULL
            || strstr(l->run_command, LANGUAGE_MAIN_PLACEHOLDER) != NULL
            || (l->compile_command != NULL
                && strstr(l->compile_command, LANGUAGE_MAIN_PLACEHOLDER)
                   != NULL)))
    {
        snprintf(err, errlen, "%s: language \"%s\" uses {main} but has no "
                 "\"main\" saying how it is found", origin, l->id);
        return -1;
    }

    /* a run from an artifact alone learns the name from its archive */
    if (l->main != LANGUAGE_MAIN_NONE && l->compile_command != NULL
        && !language_artifact_is_pattern(l))
    {
        snprintf(err, errlen, "%s: language \"%s\" has \"main\" but its "
                 "\"artifact\" is not a pattern: the main name travels in "
                 "the archive of a pattern's files", origin, l->id);
        return -1;
    }

    l->source_shown = language_expand(l->source_file,
                                      l->main_default != NULL
                                      ? l->main_default : "", 0, 0);
    if (l->source_shown == NULL) {
        snprintf(err, errlen, "%s: out of memory", origin);
        return -1;
    }

    if (l->processes == 0) {
        l->processes = 1;
    }

    if (l->runtime == NULL) {
        return language_default_runtime(l, origin, err, errlen);
    }

    return 0;
}


/*
 * True for an artifact name the compile step can hand back: a plain file
 * name, or a pattern of it with * and ? (no "/", no other shell syntax,
 * since the pattern is expanded by the shell that packs the archive).
 */
static bool
language_artifact_ok(const char *a)
{
    size_t  len;

    len = strlen(a);

    return len <= 255 && strcmp(a, ".") != 0 && strcmp(a, "..") != 0
           && strspn(a, "abcdefghijklmnopqrstuvwxyz"
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-*?") == len;
}


/*
 * True when the artifact is a pattern matching several files.
 */
bool
language_artifact_is_pattern(const struct language *l)
{
    return l->artifact != NULL && strpbrk(l->artifact, "*?") != NULL;
}


/*
 * True when "flag" is one of the language's flags, or starts with one
 * that ends in "*" and goes on after it: "-D*" allows "-DLOCAL" but not
 * "-D" alone, which would take the table's next word as its value.
 */
bool
language_flag_allowed(const struct language *l, const char *flag)
{
    size_t  i, len;

    for (i = 0; i < l->n_flags; i++) {
        len = strlen(l->flags[i]);

        if (l->flags[i][len - 1] == '*') {
            if (strncmp(flag, l->flags[i], len - 1) == 0
                && strlen(flag) >= len)
            {
                return true;
            }

        } else if (strcmp(flag, l->flags[i]) == 0) {
            return true;
        }
    }

    return false;
}


/*
 * Reads the "flags" value: at most LANGUAGES_MAX_FLAGS words of "-" and
 * 1 to LANGUAGES_MAX_FLAG_LEN - 1 printable characters, no "," (the
 * master keeps them in a comma list) and "*" only last; "-*" would allow
 * everything.  The words are kept in one allocation with their pointers.
 */
static int
language_set_flags(struct language *l, const char *value, const char *origin,
                   unsigned line, char *err, size_t errlen)
{
    char         **flags, *p, *save;
    const char    *s;
    size_t         n, len, i;

    if (l->flags != NULL) {
        snprintf(err, errlen, "%s:%u: \"flags\" given twice for \"%s\"",
                 origin, line, l->id);
        return -1;
    }

    n = 0;
    for (s = value + strspn(value, " \t"); *s != '\0';
         s += len, s += strspn(s, " \t"))
    {
        len = strcspn(s, " \t");

        for (i = 1; i < len; i++) {
            if (s[i] < 0x21 || s[i] > 0x7e || s[i] == ','
                || (s[i] == '*' && i != len - 1))
            {
                break;
            }
        }

        if (s[0] != '-' || len < 2 || len > LANGUAGES_MAX_FLAG_LEN
            || i != len || (len == 2 && s[1] == '*'))
        {
            snprintf(err, errlen, "%s:%u: flag \"%.*s\" of \"%s\" must be "
                     "\"-\" and 1-%d printable characters, no \",\", \"*\" "
                     "only last", origin, line, (int) len, s, l->id,
                     LANGUAGES_MAX_FLAG_LEN - 1);
            return -1;
        }

        n++;
    }

    if (n > LANGUAGES_MAX_FLAGS) {
        snprintf(err, errlen, "%s:%u: \"%s\" allows %zu flags, more than "
                 "%d", origin, line, l->id, n, LANGUAGES_MAX_FLAGS);
        return -1;
    }

    flags = malloc((n + 1) * sizeof(char *) + strlen(value) + 1);
    if (flags == NULL) {
        snprintf(err, errlen, "%s: out of memory", origin);
        return -1;
    }

    p = (char *) (flags + n + 1);
    strcpy(p, value);

    n = 0;
    for (p = strtok_r(p, " \t", &save); p != NULL;
         p = strtok_r(NULL, " \t", &save))
    {
        flags[n++] = p;
    }

    flags[n] = NULL;

    l->flags = flags;
    l->n_flags = n;

    return 0;
}


/*
 * Turns a value written on one line into its text: a backslash starts one
 * of four escapes, \n (newline), \t (tab), \\ (backslash) and \" (double
 * quote); every other byte stands for itself.  Another escape, or a
 * backslash ending the value, is refused rather than guessed at.  Returns
 * the malloc'd text, or NULL with the reason in "err": a bad escape, or
 * text longer than "max" bytes.
 */
char *
languages_unescape(const char *value, size_t max, char *err, size_t errlen)
{
    const char  *p;
    char        *text, *q;
    size_t       len;

    text = malloc(strlen(value) + 1);
    if (text == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }

    q = text;

    for (p = value; *p != '\0'; p++) {
        if (*p != '\\') {
            *q++ = *p;
            continue;
        }

        switch (p[1]) {
        case 'n':  *q++ = '\n'; break;
        case 't':  *q++ = '\t'; break;
        case '\\': *q++ = '\\'; break;
        case '"':  *q++ = '"'; break;

        case '\0':
            snprintf(err, errlen, "a backslash ends the value (write \\\\ "
                     "for one)");
            free(text);
            return NULL;

        default:
            snprintf(err, errlen, "unknown escape \"\\%c\" at byte %zu (the "
                     "escapes are \\n \\t \\\\ \\\")", p[1],
                     (size_t) (p - value) + 1);
            free(text);
            return NULL;
        }

        p++;
    }

    *q = '\0';
    len = (size_t) (q - text);

    if (len > max) {
        snprintf(err, errlen, "the text is %zu bytes, more than %zu", len,
                 max);
        free(text);
        return NULL;
    }

    return text;
}


/*
 * Reads the "template" value: escapes turned into text, at most
 * LANGUAGES_MAX_TEMPLATE bytes of it.
 */
static int
language_set_template(struct language *l, const char *value,
                      const char *origin, unsigned line, char *err,
                      size_t errlen)
{
    char  why[256];

    if (l->template != NULL) {
        snprintf(err, errlen, "%s:%u: \"template\" given twice for \"%s\"",
                 origin, line, l->id);
        return -1;
    }

    l->template = languages_unescape(value, LANGUAGES_MAX_TEMPLATE, why,
                                     sizeof(why));
    if (l->template == NULL) {
        snprintf(err, errlen, "%s:%u: \"template\" of \"%s\": %s", origin,
                 line, l->id, why);
        return -1;
    }

    return 0;
}


/*
 * Reads a count: "processes" (1 to LANGUAGES_MAX_PROCESSES), "open_files"
 * (1 to LANGUAGES_MAX_OPEN_FILES), "compile_time" (seconds, 1 to
 * LANGUAGES_MAX_COMPILE_TIME) or "compile_memory" (MiB, 1 to
 * LANGUAGES_MAX_COMPILE_MEMORY) into "n", which is 0 until then.
 */
static int
language_set_count(struct language *l, const char *key, const char *value,
                   uint32_t *n, unsigned long max, const char *origin,
                   unsigned line, char *err, size_t errlen)
{
    char           *end;
    unsigned long   v;

    if (*n != 0) {
        snprintf(err, errlen, "%s:%u: \"%s\" given twice for \"%s\"",
                 origin, line, key, l->id);
        return -1;
    }

    errno = 0;
    v = strtoul(value, &end, 10);

    if (errno != 0 || *end != '\0' || value[0] < '0' || value[0] > '9'
        || v == 0 || v > max)
    {
        snprintf(err, errlen, "%s:%u: \"%s\" must be 1-%lu, not \"%s\"",
                 origin, line, key, max, value);
        return -1;
    }

    *n = (uint32_t) v;

    return 0;
}


/*
 * Reads the "main" value: the way the name is found ("java-public-class",
 * the only one so far) and the name used when the source has none.
 */
static int
language_set_main(struct language *l, const char *value, const char *origin,
                  unsigned line, char *err, size_t errlen)
{
    const char  *fallback;
    size_t       len;

    if (l->main != LANGUAGE_MAIN_NONE) {
        snprintf(err, errlen, "%s:%u: \"main\" given twice for \"%s\"",
                 origin, line, l->id);
        return -1;
    }

    len = strcspn(value, " \t");
    fallback = value + len + strspn(value + len, " \t");

    if (len != strlen("java-public-class")
        || strncmp(value, "java-public-class", len) != 0)
    {
        snprintf(err, errlen, "%s:%u: \"main\" of \"%s\" must be "
                 "\"java-public-class NAME\", not \"%s\"", origin, line,
                 l->id, value);
        return -1;
    }

    if (!language_main_ok(fallback, strlen(fallback))) {
        snprintf(err, errlen, "%s:%u: \"main\" of \"%s\": the name used "
                 "when the source has none must be 1-%d of A-Z a-z 0-9 _ $, "
                 "not starting with a digit, not \"%s\"", origin, line,
                 l->id, LANGUAGE_MAIN_MAX, fallback);
        return -1;
    }

    l->main_default = strdup(fallback);
    if (l->main_default == NULL) {
        snprintf(err, errlen, "%s: out of memory", origin);
        return -1;
    }

    l->main = LANGUAGE_MAIN_JAVA_CLASS;

    return 0;
}


/*
 * Reads the "binds" value: at most LANGUAGES_MAX_BINDS absolute host
 * paths, without "." or ".." components, outside the places the sandbox
 * makes itself (/box, /tmp, /proc, /dev).
 */
static int
language_set_binds(struct language *l, const char *value,
                   const char *origin, unsigned line, char *err,
                   size_t errlen)
{
    static const char *const  own[] = { "/box", "/tmp", "/proc", "/dev",
                                         NULL };

    char         **words, why[512];
    const char    *w, *c;
    size_t         i, j, n, len;

    if (l->binds != NULL) {
        snprintf(err, errlen, "%s:%u: \"binds\" given twice for \"%s\"",
                 origin, line, l->id);
        return -1;
    }

    words = argv_split(value, NULL, why, sizeof(why));
    if (words == NULL) {
        snprintf(err, errlen, "%s:%u: \"binds\": %s", origin, line, why);
        return -1;
    }

    n = argv_count(words);

    if (n == 0 || n > LANGUAGES_MAX_BINDS) {
        snprintf(err, errlen, "%s:%u: \"binds\" of \"%s\" must name 1-%d "
                 "paths", origin, line, l->id, LANGUAGES_MAX_BINDS);
        free(words);
        return -1;
    }

    for (i = 0; i < n; i++) {
        w = words[i];
        len = strlen(w);

        if (w[0] != '/' || len < 2 || len > LANGUAGES_MAX_BIND_LEN
            || w[len - 1] == '/' || strstr(w, "//") != NULL)
        {
            goto bad;
        }

        for (c = w; c != NULL; c = strchr(c + 1, '/')) {
            if (strncmp(c, "/./", 3) == 0 || strcmp(c, "/.") == 0
                || strncmp(c, "/../", 4) == 0 || strcmp(c, "/..") == 0)
            {
                goto bad;
            }
        }

        for (j = 0; own[j] != NULL; j++) {
            len = strlen(own[j]);
            if (strncmp(w, own[j], len) == 0
                && (w[len] == '\0' || w[len] == '/'))
            {
                goto bad;
            }
        }
    }

    l->binds = words;

    return 0;

bad:

    snprintf(err, errlen, "%s:%u: \"binds\" of \"%s\": \"%.255s\" is not "
             "an absolute path of at most %d characters without \".\", "
             "\"..\" or empty parts, outside /box, /tmp, /proc and /dev",
             origin, line, l->id, w, LANGUAGES_MAX_BIND_LEN);
    free(words);
    return -1;
}


/*
 * Stores "value" under "key" in "l".  Returns 0, or -1 with the reason.
 */
static int
language_set(struct language *l, const char *key, const char *value,
             const char *origin, unsigned line, char *err, size_t errlen)
{
    char  **slot, ***argv, why[512];

    argv = NULL;

    if (strcmp(key, "processes") == 0) {
        return language_set_count(l, key, value, &l->processes,
                                  LANGUAGES_MAX_PROCESSES, origin, line, err,
                                  errlen);
    }

    if (strcmp(key, "open_files") == 0) {
        return language_set_count(l, key, value, &l->open_files,
                                  LANGUAGES_MAX_OPEN_FILES, origin, line, err,
                                  errlen);
    }

    if (strcmp(key, "compile_time") == 0) {
        return language_set_count(l, key, value, &l->compile_time,
                                  LANGUAGES_MAX_COMPILE_TIME, origin, line,
                                  err, errlen);
    }

    if (strcmp(key, "compile_memory") == 0) {
        return language_set_count(l, key, value, &l->compile_memory,
                                  LANGUAGES_MAX_COMPILE_MEMORY, origin, line,
                                  err, errlen);
    }

    if (strcmp(key, "flags") == 0) {
        return language_set_flags(l, value, origin, line, err, errlen);
    }

    if (strcmp(key, "template") == 0) {
        return language_set_template(l, value, origin, line, err, errlen);
    }

    if (strcmp(key, "main") == 0) {
        return language_set_main(l, value, origin, line, err, errlen);
    }

    if (strcmp(key, "binds") == 0) {
        return language_set_binds(l, value, origin, line, err, errlen);
    }

    if (strcmp(key, "name") == 0) {
        slot = &l->name;
    } else if (strcmp(key, "version") == 0) {
        slot = &l->version_command;
    } else if (strcmp(key, "source") == 0) {
        slot = &l->source_file;
    } else if (strcmp(key, "compile") == 0) {
        slot = &l->compile_command;
        argv = &l->compile_argv;
    } else if (strcmp(key, "run") == 0) {
        slot = &l->run_command;
        argv = &l->run_argv;
    } else if (strcmp(key, "artifact") == 0) {
        slot = &l->artifact;
    } else if (strcmp(key, "runtime") == 0) {
        slot = &l->runtime;
    } else if (strcmp(key, "memory_error") == 0) {
        slot = &l->memory_error;
    } else {
        snprintf(err, errlen, "%s:%u: unknown key \"%s\" (expected name, "
                 "version, source, compile, run, artifact, processes, "
                 "open_files, flags, template, runtime, main, binds, "
                 "compile_time, compile_memory or memory_error)",
                 origin, line, key);
        return -1;
    }

    if (*slot != NULL) {
        snprintf(err, errlen, "%s:%u: \"%s\" given twice for \"%s\"",
                 origin, line, key, l->id);
        return -1;
    }

    if (*value == '\0') {
        snprintf(err, errlen, "%s:%u: empty value for \"%s\"",
                 origin, line, key);
        return -1;
    }

    if (slot == &l->artifact && !language_artifact_ok(value)) {
        snprintf(err, errlen, "%s:%u: \"artifact\" must be a file name or a "
                 "pattern of one with * and ?, not \"%s\"", origin, line,
                 value);
        return -1;
    }

    if (slot == &l->memory_error && strlen(value) > LANGUAGES_MAX_FLAG_LEN) {
        snprintf(err, errlen, "%s:%u: \"memory_error\" must be at most %d "
                 "characters", origin, line, LANGUAGES_MAX_FLAG_LEN);
        return -1;
    }

    if (slot == &l->runtime && !language_runtime_ok(value, strlen(value))) {
        snprintf(err, errlen, "%s:%u: \"runtime\" must be 1-%d of A-Z a-z "
                 "0-9 . _ + -, not \"%s\"", origin, line,
                 LANGUAGES_MAX_RUNTIME, value);
        return -1;
    }

    if (argv != NULL) {
        *argv = argv_split(value, NULL, why, sizeof(why));
        if (*argv == NULL) {
            snprintf(err, errlen, "%s:%u: \"%s\": %s", origin, line, key,
                     why);
            return -1;
        }
    }

    *slot = strdup(value);
    if (*slot == NULL) {
        snprintf(err, errlen, "%s: out of memory", origin);
        return -1;
    }

    return 0;
}


/*
 * Parses the table in "text" ("origin" names it in messages) into "ls",
 * which must be zeroed.  On error "ls" is left empty and "err" says which
 * line is wrong.
 */
int
languages_parse(struct languages *ls, const char *text, const char *origin,
                char *err, size_t errlen)
{
    char              *copy, *rest, *p, *eq, *key, *value;
    unsigned           lineno;
    size_t             i;
    struct language   *items, *cur;

    copy = strdup(text);
    if (copy == NULL) {
        snprintf(err, errlen, "%s: out of memory", origin);
        return -1;
    }

    cur = NULL;
    rest = copy;
    lineno = 0;

    while ((p = settings_next_line(&rest, &lineno)) != NULL) {
        if (*p == '[') {
            if (p[strlen(p) - 1] != ']') {
                snprintf(err, errlen, "%s:%u: section header without \"]\"",
                         origin, lineno);
                goto failed;
            }

            p[strlen(p) - 1] = '\0';
            p = str_trim(p + 1);

            if (!language_id_ok(p)) {
                snprintf(err, errlen, "%s:%u: bad language id \"%s\" "
                         "(1-32 of a-z 0-9 _ + -)", origin, lineno, p);
                goto failed;
            }

            for (i = 0; i < ls->n; i++) {
                if (strcmp(ls->items[i].id, p) == 0) {
                    snprintf(err, errlen, "%s:%u: language \"%s\" defined "
                             "twice", origin, lineno, p);
                    goto failed;
                }
            }

            if (cur != NULL && language_check(cur, origin, err, errlen) != 0) {
                goto failed;
            }

            items = realloc(ls->items, (ls->n + 1) * sizeof(*items));
            if (items == NULL) {
                snprintf(err, errlen, "%s: out of memory", origin);
                goto failed;
            }

            ls->items = items;
            cur = &ls->items[ls->n++];
            memset(cur, 0, sizeof(*cur));

            cur->id = strdup(p);
            if (cur->id == NULL) {
                snprintf(err, errlen, "%s: out of memory", origin);
                goto failed;
            }

            continue;
        }

        eq = strchr(p, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "%s:%u: expected \"key = value\" or "
                     "\"[id]\"", origin, lineno);
            goto failed;
        }

        if (cur == NULL) {
            snprintf(err, errlen, "%s:%u: \"%s\" before the first [id] "
                     "section", origin, lineno, p);
            goto failed;
        }

        *eq = '\0';
        key = str_trim(p);
        value = str_trim(eq + 1);

        if (language_set(cur, key, value, origin, lineno, err, errlen) != 0) {
            goto failed;
        }
    }

    if (cur != NULL && language_check(cur, origin, err, errlen) != 0) {
        goto failed;
    }

    if (ls->n == 0) {
        snprintf(err, errlen, "%s: no languages defined", origin);
        goto failed;
    }

    free(copy);
    return 0;

failed:

    free(copy);
    languages_free(ls);
    return -1;
}


/*
 * Reads and parses the table at "path" into a zeroed "ls".
 */
int
languages_load(struct languages *ls, const char *path, char *err,
               size_t errlen)
{
    char  *text, why[512];
    int    rc;

    text = read_small_file(path, LANGUAGES_MAX_FILE, why, sizeof(why));
    if (text == NULL) {
        snprintf(err, errlen, "languages table: %s", why);
        return -1;
    }

    rc = languages_parse(ls, text, path, err, errlen);
    free(text);

    return rc;
}


/*
 * True for a byte of a Java name as this scanner takes it: ASCII letters,
 * digits, "_", "$", and any byte of a non-ASCII character, so that such a
 * name is read whole and then refused, not cut.
 */
static bool
java_name_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}


/*
 * The index just past a Java comment, string, text block or char
 * literal starting at "i", or "i" itself when none starts there.  One
 * that is not closed runs to the end.
 */
static size_t
java_skip(const char *s, size_t len, size_t i)
{
    char  quote;

    if (s[i] == '/' && i + 1 < len && s[i + 1] == '/') {
        while (i < len && s[i] != '\n') {
            i++;
        }
        return i;
    }

    if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
        for (i += 2; i < len; i++) {
            if (s[i] == '*' && i + 1 < len && s[i + 1] == '/') {
                return i + 2;
            }
        }
        return len;
    }

    if (s[i] == '"' && i + 2 < len && s[i + 1] == '"' && s[i + 2] == '"') {
        for (i += 3; i < len; i++) {
            if (s[i] == '\\') {
                i++;
            } else if (s[i] == '"' && i + 2 < len && s[i + 1] == '"'
                       && s[i + 2] == '"')
            {
                return i + 3;
            }
        }
        return len;
    }

    if (s[i] != '"' && s[i] != '\'') {
        return i;
    }

    quote = s[i];

    for (i++; i < len && s[i] != quote && s[i] != '\n'; i++) {
        if (s[i] == '\\') {
            i++;
        }
    }

    return i < len ? i + 1 : len;
}


/*
 * Finds the name of the first top-level public type (class, interface,
 * enum, record) of the Java source (s, len): the word after the keyword
 * in a declaration at brace depth 0 that "public" opened, comments and
 * literals skipped.  Returns true with the word in (name, name_len),
 * which is empty when something else follows the keyword; false when
 * there is no such declaration.
 */
static bool
java_public_type(const char *s, size_t len, const char **name,
                 size_t *name_len)
{
    size_t   i, next, start, n;
    int      depth;
    bool     is_public, want_name;

    depth = 0;
    is_public = false;
    want_name = false;
    i = 0;

    while (i < len) {
        next = java_skip(s, len, i);

        if (next != i) {
            if (want_name && s[i] != '/') {
                break;
            }
            i = next;
            continue;
        }

        if (java_name_byte((unsigned char) s[i])) {
            for (start = i; i < len && java_name_byte((unsigned char) s[i]);
                 i++)
            {
                /* the whole word */
            }

            n = i - start;

            if (depth > 0) {
                continue;
            }

            if (want_name) {
                *name = s + start;
                *name_len = n;
                return true;
            }

            if (n == 6 && memcmp(s + start, "public", 6) == 0) {
                is_public = true;

            } else if (is_public
                       && ((n == 5 && memcmp(s + start, "class", 5) == 0)
                           || (n == 9
                               && memcmp(s + start, "interface", 9) == 0)
                           || (n == 4 && memcmp(s + start, "enum", 4) == 0)
                           || (n == 6
                               && memcmp(s + start, "record", 6) == 0)))
            {
                want_name = true;
            }

            continue;
        }

        if (want_name && s[i] != ' ' && s[i] != '\t' && s[i] != '\n'
            && s[i] != '\r' && s[i] != '\f')
        {
            break;
        }

        switch (s[i]) {
        case '{':
            depth++;
            is_public = false;
            break;
        case '}':
            depth -= depth > 0;
            is_public = false;
            break;
        case ';':
            is_public = false;
            break;
        }

        i++;
    }

    if (want_name) {
        *name = s + i;
        *name_len = 0;
        return true;
    }

    return false;
}


/*
 * True for a main name: 1-LANGUAGE_MAIN_MAX of A-Z a-z 0-9 _ $, not
 * starting with a digit.  Java allows more (any Unicode letter), but the
 * name becomes file names and an argument, so it stays plain.
 */
bool
language_main_ok(const char *name, size_t len)
{
    size_t  i;

    if (len == 0 || len > LANGUAGE_MAIN_MAX
        || (name[0] >= '0' && name[0] <= '9'))
    {
        return false;
    }

    for (i = 0; i < len; i++) {
        if (name[i] == '\0' || (unsigned char) name[i] >= 0x80
            || !java_name_byte((unsigned char) name[i]))
        {
            return false;
        }
    }

    return true;
}


/*
 * The main name of the source (src, len) of language "l", into "name"
 * (NUL-terminated; "name_size" at least LANGUAGE_MAIN_MAX + 1): the one
 * the source declares (java-public-class: its first top-level public
 * type), else the table's default; "" for a language without "main".
 * Returns 0, or -1 with the reason in "err" (a compile error: the name
 * the source declares is not one the judge can use).
 */
int
language_find_main(const struct language *l, const char *src, size_t len,
                   char *name, size_t name_size, char *err, size_t errlen)
{
    const char  *found;
    size_t       n, i;
    char         shown[64 * 4 + 1];

    name[0] = '\0';

    if (l->main == LANGUAGE_MAIN_NONE) {
        return 0;
    }

    if (!java_public_type(src != NULL ? src : "", len, &found, &n)) {
        snprintf(name, name_size, "%s", l->main_default);
        return 0;
    }

    if (!language_main_ok(found, n) || n >= name_size) {
        if (n == 0) {
            snprintf(err, errlen, "the public class of the source has no "
                     "name");
            return -1;
        }

        shown[0] = '\0';
        for (i = 0; i < n && i < 64; i++) {
            snprintf(shown + strlen(shown), 5,
                     (unsigned char) found[i] >= 0x20
                     && (unsigned char) found[i] < 0x7f ? "%c" : "\\x%02x",
                     (unsigned char) found[i]);
        }

        snprintf(err, errlen, "the public class \"%s\"%s is not a name the "
                 "judge takes: 1-%d of A-Z a-z 0-9 _ $, not starting with a "
                 "digit", shown, n > 64 ? "..." : "", LANGUAGE_MAIN_MAX);
        return -1;
    }

    memcpy(name, found, n);
    name[n] = '\0';

    return 0;
}


/*
 * A malloc'd copy of "text" with every "{main}" replaced by "main", every
 * "{memory_mb}" by "memory_mb" and every "{stack_mb}" by "stack_mb" in
 * decimal.  NULL on ENOMEM.
 */
char *
language_expand(const char *text, const char *main, uint64_t memory_mb,
                uint64_t stack_mb)
{
    const char  *p, *with;
    char        *out, *q, mb[24], smb[24];
    size_t       n, len;
    int          pass;

    snprintf(mb, sizeof(mb), "%" PRIu64, memory_mb);
    snprintf(smb, sizeof(smb), "%" PRIu64, stack_mb);

    out = NULL;
    q = NULL;
    n = 0;

    /* the first pass counts, the second copies */
    for (pass = 0; pass < 2; pass++) {
        for (p = text; *p != '\0'; p += len) {
            if (strncmp(p, LANGUAGE_MAIN_PLACEHOLDER,
                        strlen(LANGUAGE_MAIN_PLACEHOLDER)) == 0)
            {
                with = main;
                len = strlen(LANGUAGE_MAIN_PLACEHOLDER);

            } else if (strncmp(p, LANGUAGE_MEMORY_PLACEHOLDER,
                               strlen(LANGUAGE_MEMORY_PLACEHOLDER)) == 0)
            {
                with = mb;
                len = strlen(LANGUAGE_MEMORY_PLACEHOLDER);

            } else if (strncmp(p, LANGUAGE_STACK_PLACEHOLDER,
                               strlen(LANGUAGE_STACK_PLACEHOLDER)) == 0)
            {
                with = smb;
                len = strlen(LANGUAGE_STACK_PLACEHOLDER);

            } else {
                with = NULL;
                len = 1;
            }

            if (with == NULL) {
                if (pass == 1) {
                    *q++ = *p;
                }
                n++;

            } else if (pass == 1) {
                q = stpcpy(q, with);

            } else {
                n += strlen(with);
            }
        }

        if (pass == 0) {
            out = malloc(n + 1);
            if (out == NULL) {
                return NULL;
            }

            q = out;
        }
    }

    *q = '\0';

    return out;
}


/*
 * The argv of a run or compile: the table's words "argv" with every
 * "{main}" replaced by "main", "{memory_mb}" and "{stack_mb}" by the
 * step's memory and stack limits "memory_mb" and "stack_mb"
 * (language_expand()), then the "n_extra" words of "extra" as they are.
 * One allocation (free() it whole); NULL on ENOMEM.
 */
char **
language_argv(char *const *argv, const char *main, uint64_t memory_mb,
              uint64_t stack_mb, char *const *extra, size_t n_extra)
{
    char    **out, *p, *word;
    size_t    argc, i, size;

    argc = argv_count(argv);
    size = (argc + n_extra + 1) * sizeof(char *);

    for (i = 0; i < argc; i++) {
        word = language_expand(argv[i], main, memory_mb, stack_mb);
        if (word == NULL) {
            return NULL;
        }
        size += strlen(word) + 1;
        free(word);
    }

    out = malloc(size);
    if (out == NULL) {
        return NULL;
    }

    p = (char *) (out + argc + n_extra + 1);

    for (i = 0; i < argc; i++) {
        word = language_expand(argv[i], main, memory_mb, stack_mb);
        if (word == NULL) {
            free(out);
            return NULL;
        }
        out[i] = p;
        p = stpcpy(p, word) + 1;
        free(word);
    }

    for (i = 0; i < n_extra; i++) {
        out[argc + i] = extra[i];
    }

    out[argc + n_extra] = NULL;

    return out;
}


/*
 * Picks the version out of a toolchain's banner: the first run of digits
 * with at least one dot ("javac 17.0.15" -> "17.0.15", "v20.1.0" ->
 * "20.1.0", "go1.22.1" -> "1.22.1"), or else the first non-empty line
 * when it is printable ASCII (not bytes of a binary or a terminal's
 * escapes, which would reach clients in the language's name).  Returns a
 * malloc'd string, NULL for no version or ENOMEM.
 */
char *
languages_extract_version(const char *output)
{
    const char  *p, *start, *end;
    size_t       i, len;

    for (p = output; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || (p > output && p[-1] >= '0'
                                     && p[-1] <= '9'))
        {
            continue;
        }

        end = p + strspn(p, "0123456789");

        while (*end == '.' && end[1] >= '0' && end[1] <= '9') {
            end++;
            end += strspn(end, "0123456789");
        }

        if (memchr(p, '.', (size_t) (end - p)) != NULL) {
            return strndup(p, (size_t) (end - p));
        }
    }

    start = output + strspn(output, " \t\r\n");
    len = strcspn(start, "\r\n");

    while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t')) {
        len--;
    }

    if (len == 0) {
        return NULL;
    }

    for (i = 0; i < len; i++) {
        if ((unsigned char) start[i] < 0x20
            || (unsigned char) start[i] > 0x7e)
        {
            return NULL;
        }
    }

    return strndup(start, len > 128 ? 128 : len);
}


/*
 * The name shown to users, "{version}" replaced by the probed version.
 * Returns a malloc'd string or NULL on ENOMEM.
 */
char *
languages_display_name(const struct language *l)
{
    const char  *mark, *version;
    char        *name;
    size_t       len;

    mark = strstr(l->name, "{version}");
    version = l->version != NULL ? l->version : "";

    if (mark == NULL) {
        return strdup(l->name);
    }

    len = strlen(l->name) - strlen("{version}") + strlen(version) + 1;

    name = malloc(len);
    if (name == NULL) {
        return NULL;
    }

    snprintf(name, len, "%.*s%s%s", (int) (mark - l->name), l->name, version,
             mark + strlen("{version}"));

    return name;
}


/*
 * Starts "/bin/sh -c command" in a clean environment with stdin from
 * /dev/null, stdout and stderr on "out_fd", in its own process group so a
 * timeout can kill a whole pipeline.  Returns 0 or an errno value.
 */
static int
probe_spawn(const char *command, int out_fd, pid_t *pid)
{
    int                         rc;
    posix_spawn_file_actions_t  fa;
    posix_spawnattr_t           attr;
    sigset_t                    none, defaults;
    char                       *argv[] = { "sh", "-c", (char *) command, NULL };

    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGHUP);
    sigaddset(&defaults, SIGPIPE);

    rc = posix_spawn_file_actions_init(&fa);
    if (rc != 0) {
        return rc;
    }

    rc = posix_spawnattr_init(&attr);
    if (rc != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return rc;
    }

    /* the daemon blocks its signals for signalfd and ignores SIGPIPE; the
     * child must start with neither */
    rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
                                          O_RDONLY, 0);
    if (rc == 0) {
        rc = posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
    }
    if (rc == 0) {
        rc = posix_spawn_file_actions_adddup2(&fa, out_fd, STDERR_FILENO);
    }
    if (rc == 0) {
        rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK
                                      | POSIX_SPAWN_SETSIGDEF
                                      | POSIX_SPAWN_SETPGROUP);
    }
    if (rc == 0) {
        rc = posix_spawnattr_setsigmask(&attr, &none);
    }
    if (rc == 0) {
        rc = posix_spawnattr_setsigdefault(&attr, &defaults);
    }
    if (rc == 0) {
        rc = posix_spawnattr_setpgroup(&attr, 0);
    }
    if (rc == 0) {
        rc = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, probe_env);
    }

    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);

    return rc;
}


/* One version command in flight. */
struct probe {
    pid_t    pid;           /* 0: it could not start */
    int      fd;            /* its output, -1 once read to the end */
    size_t   len;
    int      rc;            /* see probe_finish() */
    char     out[LANGUAGES_MAX_OUTPUT];
};


/*
 * Starts the version command of each of the "n" languages "ls" with its
 * output on a pipe of "p[i]"; one that cannot start has the reason in its
 * output and rc -1.
 */
static void
probe_start(struct language *ls, size_t n, struct probe *p)
{
    int     pipefd[2], rc;
    size_t  i;

    for (i = 0; i < n; i++) {
        p[i].fd = -1;
        p[i].rc = -1;

        if (pipe2(pipefd, O_CLOEXEC) == -1) {
            snprintf(p[i].out, sizeof(p[i].out), "pipe2() failed: %s",
                     strerror(errno));
            continue;
        }

        rc = probe_spawn(ls[i].version_command, pipefd[1], &p[i].pid);

        (void) close(pipefd[1]);

        if (rc != 0) {
            (void) close(pipefd[0]);
            p[i].pid = 0;
            snprintf(p[i].out, sizeof(p[i].out), "cannot start /bin/sh: %s",
                     strerror(rc));
            continue;
        }

        p[i].fd = pipefd[0];
    }
}


/*
 * Reads the output of the "n" probes "p" (each cut at LANGUAGES_MAX_OUTPUT
 * - 1 bytes, the rest read and dropped) until each has closed it or the
 * "deadline" (a now_ms() value) has passed; a probe still writing then
 * stays open.
 */
static void
probe_read(struct probe *p, size_t n, int64_t deadline)
{
    struct pollfd  *pfd;
    size_t         *which, i, k, open;
    int64_t         left;
    ssize_t         got;
    char            scratch[1024];

    pfd = calloc(n, sizeof(*pfd));
    which = calloc(n, sizeof(*which));

    if (pfd == NULL || which == NULL) {
        free(pfd);
        free(which);
        return;
    }

    for ( ;; ) {
        open = 0;

        for (i = 0; i < n; i++) {
            if (p[i].fd != -1) {
                pfd[open].fd = p[i].fd;
                pfd[open].events = POLLIN;
                pfd[open].revents = 0;
                which[open++] = i;
            }
        }

        left = deadline - now_ms();

        if (open == 0 || left <= 0) {
            break;
        }

        if (poll(pfd, open, (int) left) == -1 && errno != EINTR) {
            break;
        }

        for (k = 0; k < open; k++) {
            if (pfd[k].revents == 0) {
                continue;
            }

            i = which[k];

            if (p[i].len + 1 < sizeof(p[i].out)) {
                got = read(p[i].fd, p[i].out + p[i].len,
                           sizeof(p[i].out) - 1 - p[i].len);
            } else {
                got = read(p[i].fd, scratch, sizeof(scratch));
            }

            if (got == -1 && errno == EINTR) {
                continue;
            }

            if (got <= 0) {
                (void) close(p[i].fd);
                p[i].fd = -1;

            } else if (p[i].len + 1 < sizeof(p[i].out)) {
                p[i].len += (size_t) got;
            }
        }
    }

    free(pfd);
    free(which);
}


/*
 * Ends probe "p" once its output is read: a probe still writing, or not
 * yet exited, at the "deadline" (a now_ms() value) has timed out
 * ("timeout_ms") and its process group is killed.  Sets its rc: the exit
 * status (0-255), 256 + signal when killed, or -1 with the reason in its
 * output when it could not run or timed out.
 */
static void
probe_finish(struct probe *p, int64_t deadline, int timeout_ms)
{
    int    status;
    bool   timed_out;
    pid_t  rc;

    if (p->pid == 0) {
        return;
    }

    p->out[p->len] = '\0';
    timed_out = p->fd != -1;

    if (timed_out) {
        (void) close(p->fd);
        p->fd = -1;
    }

    /* a command may close its output and go on running */
    while (!timed_out) {
        rc = waitpid(p->pid, &status, WNOHANG);

        if (rc == p->pid) {
            p->rc = WIFSIGNALED(status) ? 256 + WTERMSIG(status)
                                        : WEXITSTATUS(status);
            return;
        }

        if (rc == -1 && errno != EINTR) {
            snprintf(p->out, sizeof(p->out), "waitpid() failed: %s",
                     strerror(errno));
            return;
        }

        if (now_ms() >= deadline) {
            timed_out = true;
            break;
        }

        (void) usleep(10000);
    }

    /* ESRCH, the group already gone, is the only way this can fail */
    (void) kill(-p->pid, SIGKILL);

    while (waitpid(p->pid, &status, 0) == -1) {
        if (errno != EINTR) {
            snprintf(p->out, sizeof(p->out), "waitpid() failed: %s",
                     strerror(errno));
            return;
        }
    }

    snprintf(p->out, sizeof(p->out), "timed out after %d ms", timeout_ms);
}


/*
 * Runs every language's version command at once (together bounded by
 * "timeout_ms": start-up takes as long as the slowest toolchain, not the
 * sum of them) and records the version of those that answer with exit
 * status 0.  Languages whose toolchain is missing keep version NULL and
 * are not advertised; each outcome is logged.
 */
void
languages_probe(struct languages *ls, struct log *lg, int timeout_ms)
{
    size_t            i;
    int               rc;
    int64_t           deadline;
    char             *out;
    struct probe     *p;
    struct language  *l;

    p = calloc(ls->n, sizeof(*p));

    for (i = 0; i < ls->n; i++) {
        free(ls->items[i].version);
        ls->items[i].version = NULL;
    }

    if (p == NULL) {
        log_error(lg, "no memory to probe the languages: none offered");
        return;
    }

    deadline = now_ms() + timeout_ms;

    probe_start(ls->items, ls->n, p);
    probe_read(p, ls->n, deadline);

    for (i = 0; i < ls->n; i++) {
        l = &ls->items[i];

        probe_finish(&p[i], deadline, timeout_ms);
        rc = p[i].rc;
        out = p[i].out;

        if (rc == 0) {
            l->version = languages_extract_version(out);
        }

        if (l->version != NULL) {
            log_info(lg, "language %s: version %s", l->id, l->version);

        } else if (rc == 0) {
            log_info(lg, "language %s not offered: \"%s\" printed no "
                     "version", l->id, l->version_command);

        } else if (rc == -1) {
            log_info(lg, "language %s not offered: \"%s\": %s",
                     l->id, l->version_command, out);

        } else {
            log_info(lg, "language %s not offered: \"%s\" exited with %d: "
                     "%.200s", l->id, l->version_command, rc, str_trim(out));
        }
    }

    free(p);
}


/*
 * Fills "paths" with the binds of the offered languages, each once, at
 * most "max" of them; returns how many there are (more than "max" when
 * some did not fit).
 */
size_t
languages_binds(const struct languages *ls, const char **paths, size_t max)
{
    size_t   i, j, k, n;
    char   **b;

    n = 0;

    for (i = 0; i < ls->n; i++) {
        b = ls->items[i].binds;

        if (ls->items[i].version == NULL || b == NULL) {
            continue;
        }

        for (j = 0; b[j] != NULL; j++) {
            for (k = 0; k < n && k < max; k++) {
                if (strcmp(paths[k], b[j]) == 0) {
                    break;
                }
            }

            if (k < n && k < max) {
                continue;
            }

            if (n < max) {
                paths[n] = b[j];
            }

            n++;
        }
    }

    return n;
}


/*
 * Frees the table; "ls" is left empty and reusable.
 */
void
languages_free(struct languages *ls)
{
    size_t  i;

    for (i = 0; i < ls->n; i++) {
        language_free(&ls->items[i]);
    }

    free(ls->items);
    ls->items = NULL;
    ls->n = 0;
}


/*
 * The language "id" if the table has it and its toolchain answered the
 * probe, else NULL.
 */
const struct language *
languages_find(const struct languages *ls, const char *id)
{
    size_t  i;

    for (i = 0; i < ls->n; i++) {
        if (strcmp(ls->items[i].id, id) == 0) {
            return ls->items[i].version != NULL ? &ls->items[i] : NULL;
        }
    }

    return NULL;
}
