/*
 * Configuration: one table of options serves the command line, the config
 * file and --help, so the three cannot drift apart.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "sysinfo.h"
#include "util.h"


enum option_kind {
    OPT_STRING,
    OPT_LIST,           /* comma-separated; given again, it adds */
    OPT_BOOL,
    OPT_UINT,           /* a positive count */
    OPT_SECONDS,        /* fractional seconds, stored as ms */
    OPT_BYTES,          /* bytes, optional k/m/g suffix */
    OPT_DISK,           /* bytes as OPT_BYTES, no upper bound */
    OPT_VERBOSE         /* each -v adds one */
};

struct option_def {
    const char        *name;
    int                short_name;
    enum option_kind   kind;
    size_t             offset;
    const char        *arg;
    const char        *help;
};


#define CFG(field)  offsetof(struct config, field)

static const struct option_def option_defs[] = {
    { "config", 'c', OPT_STRING, CFG(config_file), "FILE",
      "settings file: \"key = value\", keys as long flags" },
    { "master", 'm', OPT_LIST, CFG(master), "URL",
      "endpoint http[s]://host[:port]/path (repeatable)" },
    { "ca-file", 0, OPT_STRING, CFG(ca_file), "FILE",
      "CAs to verify the master by (default: system's)" },
    { "insecure", 0, OPT_BOOL, CFG(insecure), NULL,
      "do not verify the master's certificate" },
    { "token", 0, OPT_STRING, CFG(token), "TOKEN",
      "bearer token (shows in ps: prefer --token-file)" },
    { "token-file", 0, OPT_STRING, CFG(token_file), "FILE",
      "file whose first line is the bearer token" },
    { "id", 0, OPT_STRING, CFG(id), "ID",
      "worker id (default: generated, kept in state dir)" },
    { "state-dir", 0, OPT_STRING, CFG(state_dir), "DIR",
      "keeps the id and test data (" CONFIG_DEFAULT_STATE_DIR ")" },
    { "data-cache-size", 0, OPT_DISK, CFG(data_cache_size), "BYTES",
      "disk kept for test data in DIR/data (2g)" },
    { "slots", 's', OPT_UINT, CFG(slots), "N",
      "tasks run at once (default: online cores)" },
    { "tags", 0, OPT_STRING, CFG(tags), "LIST",
      "comma list of labels shown to the operator" },
    { "abi", 0, OPT_STRING, CFG(abi), "TAG",
      "artifact ABI tag (default: <machine>-linux-<libc>)" },
    { "languages", 'l', OPT_STRING, CFG(languages), "FILE",
      "languages table (default: see docs/WORKER.md)" },
    { "heartbeat", 0, OPT_SECONDS, CFG(heartbeat_ms), "SECONDS",
      "heartbeat interval unless Welcome sets one (2)" },
    { "drain-timeout", 0, OPT_SECONDS, CFG(drain_timeout_ms), "SECS",
      "a drain waits this long, then kills the tasks (30)" },
    { "log", 0, OPT_STRING, CFG(log_file), "FILE",
      "log file, reopened on SIGHUP (default: stderr)" },
    { "pid-file", 0, OPT_STRING, CFG(pid_file), "FILE",
      "write the worker's pid to FILE" },
    { "max-frame", 0, OPT_BYTES, CFG(max_frame), "BYTES",
      "largest frame taken from the master (16m)" },
    { "foreground", 'f', OPT_BOOL, CFG(foreground), NULL,
      "do not detach from the terminal" },
    { "verbose", 'v', OPT_VERBOSE, CFG(verbose), NULL,
      "log debug messages too" },
    { "backend", 0, OPT_STRING, CFG(backend), "NAME",
      "sandbox: native (default) or docker (docs/DOCKER.md)" },
    { "docker-socket", 0, OPT_STRING, CFG(docker_socket), "PATH",
      "the docker daemon's socket (/var/run/docker.sock)" },
    { "docker-image", 0, OPT_STRING, CFG(docker_image), "IMAGE",
      "the runs' image (ngx-judge/runner:bookworm)" },
    { "docker-wrapper", 0, OPT_STRING, CFG(docker_wrapper), "FILE",
      "judge-docker-run (default: beside judge-worker)" },
    { "docker-uses", 0, OPT_UINT, CFG(docker_uses), "N",
      "runs per container before it is replaced (50)" },
    { "docker-idle", 0, OPT_SECONDS, CFG(docker_idle_ms), "SECONDS",
      "an idle container is replaced after this long (600)" },
    { "docker-builders", 0, OPT_UINT, CFG(docker_builders), "N",
      "warm containers for compiles (half the slots)" },
};

#define N_OPTIONS  (sizeof(option_defs) / sizeof(option_defs[0]))


/*
 * Fills "cfg" with the defaults that do not depend on the host.
 */
void
config_init(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->heartbeat_ms = CONFIG_DEFAULT_HEARTBEAT;
    cfg->drain_timeout_ms = CONFIG_DEFAULT_DRAIN;
    cfg->max_frame = CONFIG_DEFAULT_MAX_FRAME;
    cfg->data_cache_size = CONFIG_DEFAULT_DATA_CACHE;
    cfg->docker_uses = CONFIG_DEFAULT_DOCKER_USES;
    cfg->docker_idle_ms = CONFIG_DEFAULT_DOCKER_IDLE;
}


/*
 * The option called "name" (a long flag name), or NULL.
 */
static const struct option_def *
option_find(const char *name)
{
    size_t  i;

    for (i = 0; i < N_OPTIONS; i++) {
        if (strcmp(option_defs[i].name, name) == 0) {
            return &option_defs[i];
        }
    }

    return NULL;
}


/*
 * Parses a boolean as written in a config file.
 */
static int
parse_bool(const char *s, bool *v)
{
    if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0
        || strcasecmp(s, "on") == 0 || strcmp(s, "1") == 0)
    {
        *v = true;
        return 0;
    }

    if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0
        || strcasecmp(s, "off") == 0 || strcmp(s, "0") == 0)
    {
        *v = false;
        return 0;
    }

    return -1;
}


/*
 * Parses "16m", "65536", "64k" into bytes.
 */
static int
parse_bytes(const char *s, uint64_t *v)
{
    char                *end;
    unsigned long long   n;
    uint64_t             unit;

    errno = 0;
    n = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *s == '-') {
        return -1;
    }

    switch (*end) {
    case '\0':  unit = 1; break;
    case 'k': case 'K':  unit = 1024; end++; break;
    case 'm': case 'M':  unit = 1024 * 1024; end++; break;
    case 'g': case 'G':  unit = 1024 * 1024 * 1024; end++; break;
    default:  return -1;
    }

    if (*end != '\0' || n > UINT64_MAX / unit) {
        return -1;
    }

    *v = n * unit;

    return 0;
}


/*
 * Applies one setting, from argv or the file.  "value" is NULL for a flag
 * without argument.  A list's value is added to what it holds when
 * "append" is true and replaces it otherwise; other kinds always replace.
 * Returns 0, or -1 with the reason in "err".
 */
static int
config_set(struct config *cfg, const struct option_def *def,
           const char *value, bool append, char *err, size_t errlen)
{
    char           *field, *copy, *end, *old;
    unsigned long   n;
    double          seconds;
    uint64_t        bytes;

    field = (char *) cfg + def->offset;

    switch (def->kind) {

    case OPT_STRING:
    case OPT_LIST:
        old = *(char **) field;

        if (def->kind == OPT_LIST && append && old != NULL) {
            if (asprintf(&copy, "%s,%s", old, value) == -1) {
                copy = NULL;
            }

        } else {
            copy = strdup(value);
        }

        if (copy == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        free(old);
        *(char **) field = copy;
        return 0;

    case OPT_BOOL:
        if (value == NULL) {
            *(bool *) field = true;
            return 0;
        }
        if (parse_bool(value, (bool *) field) != 0) {
            snprintf(err, errlen, "%s: expected yes or no, not \"%s\"",
                     def->name, value);
            return -1;
        }
        return 0;

    case OPT_VERBOSE:
        if (value == NULL) {
            (*(uint32_t *) field)++;
            return 0;
        }
        errno = 0;
        n = strtoul(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || n > 2) {
            snprintf(err, errlen, "verbose: expected 0, 1 or 2, not \"%s\"",
                     value);
            return -1;
        }
        *(uint32_t *) field = (uint32_t) n;
        return 0;

    case OPT_UINT:
        errno = 0;
        n = strtoul(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || *value == '-'
            || n == 0 || n > 4096)
        {
            snprintf(err, errlen, "%s: expected a number from 1 to 4096, "
                     "not \"%s\"", def->name, value);
            return -1;
        }
        *(uint32_t *) field = (uint32_t) n;
        return 0;

    case OPT_SECONDS:
        errno = 0;
        seconds = strtod(value, &end);
        if (errno != 0 || end == value || *end != '\0' || !(seconds >= 0.1)
            || seconds > 3600)
        {
            snprintf(err, errlen, "%s: expected seconds from 0.1 to 3600, "
                     "not \"%s\"", def->name, value);
            return -1;
        }
        *(uint32_t *) field = (uint32_t) (seconds * 1000 + 0.5);
        return 0;

    case OPT_BYTES:
        if (parse_bytes(value, &bytes) != 0 || bytes < 1024
            || bytes > UINT32_MAX)
        {
            snprintf(err, errlen, "%s: expected bytes from 1k to 4g "
                     "(suffix k, m or g), not \"%s\"", def->name, value);
            return -1;
        }
        *(uint64_t *) field = bytes;
        return 0;

    case OPT_DISK:
        if (parse_bytes(value, &bytes) != 0 || bytes < 1024) {
            snprintf(err, errlen, "%s: expected bytes, at least 1k (suffix "
                     "k, m or g), not \"%s\"", def->name, value);
            return -1;
        }
        *(uint64_t *) field = bytes;
        return 0;
    }

    return 0;
}


/*
 * Applies "key = value" lines (blank lines and "#" comments skipped).
 * Keys are the long flag names; "config" itself is not allowed.  A list
 * given on several lines holds them all.
 */
int
config_parse_file_text(struct config *cfg, const char *text,
                       const char *origin, char *err, size_t errlen)
{
    char                     *copy, *rest, *p, *eq, *key, *value;
    char                      why[512];
    unsigned                  lineno;
    const struct option_def  *def;

    copy = strdup(text);
    if (copy == NULL) {
        snprintf(err, errlen, "%s: out of memory", origin);
        return -1;
    }

    rest = copy;
    lineno = 0;

    while ((p = settings_next_line(&rest, &lineno)) != NULL) {
        eq = strchr(p, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "%s:%u: expected \"key = value\"",
                     origin, lineno);
            goto failed;
        }

        *eq = '\0';
        key = str_trim(p);
        value = str_trim(eq + 1);

        def = option_find(key);
        if (def == NULL || strcmp(key, "config") == 0) {
            snprintf(err, errlen, "%s:%u: unknown setting \"%s\"",
                     origin, lineno, key);
            goto failed;
        }

        if (config_set(cfg, def, value, true, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "%s:%u: %s", origin, lineno, why);
            goto failed;
        }
    }

    free(copy);
    return 0;

failed:

    free(copy);
    return -1;
}


/*
 * Builds getopt_long()'s tables from option_defs.
 */
static void
build_getopt(struct option *longopts, char *shortopts)
{
    size_t  i;
    char   *s;

    s = shortopts;
    *s++ = ':';                  /* report a missing argument as ':' */
    *s++ = 'h';
    *s++ = 'V';

    for (i = 0; i < N_OPTIONS; i++) {
        longopts[i].name = option_defs[i].name;
        longopts[i].has_arg = option_defs[i].arg ? required_argument
                                                 : no_argument;
        longopts[i].flag = NULL;
        longopts[i].val = 256 + (int) i;

        if (option_defs[i].short_name) {
            *s++ = (char) option_defs[i].short_name;
            if (option_defs[i].arg) {
                *s++ = ':';
            }
        }
    }

    longopts[N_OPTIONS] = (struct option) { "help", no_argument, NULL, 'h' };
    longopts[N_OPTIONS + 1] = (struct option) { "version", no_argument, NULL,
                                                'V' };
    longopts[N_OPTIONS + 2] = (struct option) { NULL, 0, NULL, 0 };
    *s = '\0';
}


/*
 * Maps getopt_long()'s return value to the option it stands for.
 */
static const struct option_def *
option_for_getopt(int c)
{
    size_t  i;

    if (c >= 256 && c < 256 + (int) N_OPTIONS) {
        return &option_defs[c - 256];
    }

    for (i = 0; i < N_OPTIONS; i++) {
        if (option_defs[i].short_name == c) {
            return &option_defs[i];
        }
    }

    return NULL;
}


/*
 * Reads the command line: first only --config (so the file can be loaded
 * underneath), then every flag on top of it.  A list flag replaces the
 * file's list the first time and adds to it after.
 */
enum config_parse_result
config_parse_args(struct config *cfg, int argc, char **argv, char *err,
                  size_t errlen)
{
    struct option             longopts[N_OPTIONS + 3];
    char                      shortopts[3 * N_OPTIONS + 4];
    bool                      given[N_OPTIONS];
    int                       c, pass;
    const struct option_def  *def;
    char                     *text;

    build_getopt(longopts, shortopts);
    opterr = 0;
    memset(given, 0, sizeof(given));

    for (pass = 0; pass < 2; pass++) {
        optind = 0;

        while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
        {
            switch (c) {
            case 'h':
                return CONFIG_HELP;
            case 'V':
                return CONFIG_VERSION;
            case ':':
                snprintf(err, errlen, "option \"%s\" needs an argument",
                         argv[optind - 1]);
                return CONFIG_ERROR;
            case '?':
                snprintf(err, errlen, "unknown option \"%s\"",
                         argv[optind - 1]);
                return CONFIG_ERROR;
            }

            def = option_for_getopt(c);
            if (def == NULL) {
                snprintf(err, errlen, "unknown option \"%s\"",
                         argv[optind - 1]);
                return CONFIG_ERROR;
            }

            if ((pass == 0) != (def->offset == CFG(config_file))) {
                continue;
            }

            if (config_set(cfg, def, optarg, given[def - option_defs], err,
                           errlen) != 0)
            {
                return CONFIG_ERROR;
            }

            given[def - option_defs] = true;
        }

        if (optind < argc) {
            snprintf(err, errlen, "unexpected argument \"%s\"", argv[optind]);
            return CONFIG_ERROR;
        }

        if (pass == 0 && cfg->config_file != NULL) {
            text = read_small_file(cfg->config_file, 1024 * 1024, err, errlen);
            if (text == NULL) {
                return CONFIG_ERROR;
            }

            if (config_parse_file_text(cfg, text, cfg->config_file, err,
                                       errlen) != 0)
            {
                free(text);
                return CONFIG_ERROR;
            }

            free(text);
        }
    }

    return CONFIG_RUN;
}


/*
 * True for a value that can go into an HTTP header unchanged: visible
 * ASCII, no spaces.
 */
static bool
header_safe(const char *s)
{
    for ( ; *s != '\0'; s++) {
        if ((unsigned char) *s <= 0x20 || (unsigned char) *s >= 0x7f) {
            return false;
        }
    }

    return true;
}


/*
 * True for a worker id: 1-64 characters of [A-Za-z0-9._-].
 */
static bool
id_ok(const char *id)
{
    size_t  len;

    len = strlen(id);

    return len > 0 && len <= CONFIG_ID_MAX
           && strspn(id, "abcdefghijklmnopqrstuvwxyz"
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == len;
}


/*
 * Adds a tag unless present.  Tags are 1-64 characters of
 * [A-Za-z0-9._:-].
 */
int
config_add_tag(struct config *cfg, const char *tag, char *err, size_t errlen)
{
    size_t   i, len;
    char   **list;

    len = strlen(tag);

    if (len == 0 || len > 64
        || strspn(tag, "abcdefghijklmnopqrstuvwxyz"
                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") != len)
    {
        snprintf(err, errlen, "bad tag \"%s\" (1-64 of A-Z a-z 0-9 . _ : -)",
                 tag);
        return -1;
    }

    for (i = 0; i < cfg->n_tags; i++) {
        if (strcmp(cfg->tag_list[i], tag) == 0) {
            return 0;
        }
    }

    list = realloc(cfg->tag_list, (cfg->n_tags + 1) * sizeof(*list));
    if (list == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    cfg->tag_list = list;

    list[cfg->n_tags] = strdup(tag);
    if (list[cfg->n_tags] == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    cfg->n_tags++;

    return 0;
}


/*
 * Reads the token from the first line of --token-file.
 */
static int
config_read_token(struct config *cfg, char *err, size_t errlen)
{
    char  *text, *line, why[512];

    text = read_small_file(cfg->token_file, 4096, why, sizeof(why));
    if (text == NULL) {
        snprintf(err, errlen, "token file: %s", why);
        return -1;
    }

    line = text;
    line[strcspn(line, "\r\n")] = '\0';
    line = str_trim(line);

    cfg->token = strdup(line);
    free(text);

    if (cfg->token == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    return 0;
}


/*
 * Loads the worker id kept in the state dir, or generates one (16 random
 * bytes in hex) and keeps it there, written to a temporary file and
 * renamed so a crash never leaves half an id.
 */
static int
config_load_id(struct config *cfg, char *err, size_t errlen)
{
    char   path[PATH_MAX], tmp[PATH_MAX + 8], id[33], why[512], *text;
    FILE  *f;

    if (snprintf(path, sizeof(path), "%s/worker-id", cfg->state_dir)
        >= (int) sizeof(path))
    {
        snprintf(err, errlen, "state dir path too long");
        return -1;
    }

    text = read_small_file(path, 4096, why, sizeof(why));

    if (text != NULL) {
        cfg->id = strdup(str_trim(text));
        free(text);

        if (cfg->id == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }

        if (!id_ok(cfg->id)) {
            snprintf(err, errlen, "\"%s\" does not hold a valid worker id",
                     path);
            return -1;
        }

        return 0;
    }

    if (errno != ENOENT) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }

    if (mkdir(cfg->state_dir, 0755) == -1 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create state dir \"%s\" to keep the "
                 "worker id: %s (pass --id or --state-dir)",
                 cfg->state_dir, strerror(errno));
        return -1;
    }

    if (random_hex(id, 16) != 0) {
        snprintf(err, errlen, "cannot generate a worker id: getrandom(): %s",
                 strerror(errno));
        return -1;
    }

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);

    f = fopen(tmp, "we");
    if (f == NULL) {
        snprintf(err, errlen, "cannot write \"%s\": %s (pass --id or "
                 "--state-dir)", tmp, strerror(errno));
        return -1;
    }

    if (fprintf(f, "%s\n", id) < 0 || fflush(f) != 0 || fsync(fileno(f)) != 0)
    {
        snprintf(err, errlen, "cannot write \"%s\": %s", tmp, strerror(errno));
        (void) fclose(f);
        (void) unlink(tmp);
        return -1;
    }

    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write \"%s\": %s", tmp, strerror(errno));
        (void) unlink(tmp);
        return -1;
    }

    if (rename(tmp, path) == -1) {
        snprintf(err, errlen, "cannot rename \"%s\" to \"%s\": %s",
                 tmp, path, strerror(errno));
        (void) unlink(tmp);
        return -1;
    }

    cfg->id = strdup(id);
    if (cfg->id == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    return 0;
}


/*
 * The state dir, default or given, as an absolute path: the worker
 * leaves the current directory when it detaches.
 */
/*
 * Checks the backend's name; for docker, fills in the defaults: the
 * wrapper is looked for beside the running binary.
 */
static int
config_backend(struct config *cfg, char *err, size_t errlen)
{
    char     self[PATH_MAX], *slash;
    ssize_t  n;

    if (cfg->backend == NULL || strcmp(cfg->backend, "native") == 0) {
        return 0;
    }
    if (strcmp(cfg->backend, "docker") != 0) {
        snprintf(err, errlen, "backend: expected native or docker, not "
                 "\"%s\"", cfg->backend);
        return -1;
    }

    if (cfg->docker_socket == NULL) {
        cfg->docker_socket = strdup("/var/run/docker.sock");
    }
    if (cfg->docker_image == NULL) {
        cfg->docker_image = strdup("ngx-judge/runner:bookworm");
    }
    if (cfg->docker_wrapper == NULL) {
        n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0) {
            snprintf(err, errlen, "cannot find judge-docker-run: readlink "
                     "/proc/self/exe: %s (give --docker-wrapper)",
                     strerror(errno));
            return -1;
        }
        self[n] = '\0';
        slash = strrchr(self, '/');
        *slash = '\0';
        if (asprintf(&cfg->docker_wrapper, "%s/judge-docker-run", self)
            == -1)
        {
            cfg->docker_wrapper = NULL;
        }
    }
    if (cfg->docker_builders == 0) {
        cfg->docker_builders = cfg->slots / 2 > 0 ? cfg->slots / 2 : 1;
    }
    if (cfg->docker_socket == NULL || cfg->docker_image == NULL
        || cfg->docker_wrapper == NULL)
    {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}


static int
config_state_dir(struct config *cfg, char *err, size_t errlen)
{
    char    cwd[PATH_MAX], *abs;
    size_t  len;

    if (cfg->state_dir == NULL) {
        cfg->state_dir = strdup(CONFIG_DEFAULT_STATE_DIR);
        if (cfg->state_dir == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }

    if (cfg->state_dir[0] == '/') {
        return 0;
    }

    if (getcwd(cwd, sizeof(cwd)) == NULL) {
        snprintf(err, errlen, "getcwd() failed: %s", strerror(errno));
        return -1;
    }

    len = strlen(cwd) + strlen(cfg->state_dir) + 2;

    abs = malloc(len);
    if (abs == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    snprintf(abs, len, "%s/%s", cwd, cfg->state_dir);
    free(cfg->state_dir);
    cfg->state_dir = abs;

    return 0;
}


/*
 * The default languages table: conf/languages.conf of the source tree the
 * binary was built in (binary in <repo>/build/), else the system-wide one.
 * Returns a malloc'd path or NULL on ENOMEM.
 */
static char *
config_default_languages(void)
{
    char         exe[PATH_MAX], path[PATH_MAX + 32], *slash;
    ssize_t      n;
    struct stat  st;

    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    if (n > 0) {
        exe[n] = '\0';
        slash = strrchr(exe, '/');

        if (slash != NULL) {
            *slash = '\0';
            snprintf(path, sizeof(path), "%s/../conf/languages.conf", exe);

            if (stat(path, &st) == 0) {
                return realpath(path, NULL);
            }
        }
    }

    return strdup(CONFIG_SYSTEM_LANGUAGES);
}


/*
 * Checks the settings together and fills in what depends on the host:
 * frontends parsed, token read, id loaded or generated, slots, ABI,
 * languages path, tag list.  Returns 0, or -1 with the reason in "err".
 */
int
config_finish(struct config *cfg, char *err, size_t errlen)
{
    char   abi[128], *tags, *tok, *save;
    int    rc;

    if (cfg->master == NULL) {
        snprintf(err, errlen, "no master: pass --master URL");
        return -1;
    }

    if (frontends_parse(cfg->master, &cfg->frontends, &cfg->n_frontends,
                        err, errlen) != 0)
    {
        return -1;
    }

    if (cfg->token != NULL && cfg->token_file != NULL) {
        snprintf(err, errlen, "give --token or --token-file, not both");
        return -1;
    }

    if (cfg->token_file != NULL
        && config_read_token(cfg, err, errlen) != 0)
    {
        return -1;
    }

    if (cfg->token == NULL || cfg->token[0] == '\0') {
        snprintf(err, errlen, "no token: pass --token-file FILE or --token");
        return -1;
    }

    if (!header_safe(cfg->token)) {
        snprintf(err, errlen, "the token contains spaces or control "
                 "characters");
        return -1;
    }

    if (config_state_dir(cfg, err, errlen) != 0) {
        return -1;
    }

    if (cfg->id != NULL) {
        if (!id_ok(cfg->id)) {
            snprintf(err, errlen, "bad worker id \"%s\" (1-%d of A-Z a-z 0-9 "
                     ". _ -)", cfg->id, CONFIG_ID_MAX);
            return -1;
        }

    } else if (config_load_id(cfg, err, errlen) != 0) {
        return -1;
    }

    if (cfg->slots == 0) {
        cfg->slots = sysinfo_cores();
    }

    if (config_backend(cfg, err, errlen) != 0) {
        return -1;
    }

    if (cfg->abi == NULL) {
        sysinfo_abi(abi, sizeof(abi));
        cfg->abi = strdup(abi);
    }

    if (cfg->languages == NULL) {
        cfg->languages = config_default_languages();
    }

    if (cfg->abi == NULL || cfg->languages == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    if (!header_safe(cfg->abi)) {
        snprintf(err, errlen, "bad ABI tag \"%s\"", cfg->abi);
        return -1;
    }

    if (cfg->tags != NULL) {
        tags = strdup(cfg->tags);
        if (tags == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }

        rc = 0;

        for (tok = strtok_r(tags, ",", &save); tok != NULL && rc == 0;
             tok = strtok_r(NULL, ",", &save))
        {
            tok = str_trim(tok);
            if (*tok != '\0') {
                rc = config_add_tag(cfg, tok, err, errlen);
            }
        }

        free(tags);

        if (rc != 0) {
            return -1;
        }
    }

    return 0;
}


/*
 * Prints --help, one line per option from option_defs.
 */
void
config_usage(FILE *out, const char *program)
{
    size_t  i;
    char    flag[64];

    fprintf(out, "usage: %s --master URL[,URL...] --token-file FILE "
            "[options]\n\n"
            "Connects to an ngx_judge master and runs the tasks it sends.\n\n",
            program);

    for (i = 0; i < N_OPTIONS; i++) {
        if (option_defs[i].short_name) {
            snprintf(flag, sizeof(flag), "-%c, --%s%s%s",
                     option_defs[i].short_name, option_defs[i].name,
                     option_defs[i].arg ? " " : "",
                     option_defs[i].arg ? option_defs[i].arg : "");
        } else {
            snprintf(flag, sizeof(flag), "    --%s%s%s", option_defs[i].name,
                     option_defs[i].arg ? " " : "",
                     option_defs[i].arg ? option_defs[i].arg : "");
        }

        fprintf(out, "  %-24s %s\n", flag, option_defs[i].help);
    }

    fprintf(out, "  %-24s %s\n  %-24s %s\n\n"
            "With several frontends (--master A --master B, or A,B) the\n"
            "worker dials the first and stays on the one it reaches.  When\n"
            "that one cannot be reached or drops the stream, it dials the\n"
            "next at once, round-robin, and backs off only after each one\n"
            "of a round failed.\n\n"
            "Without --foreground the worker detaches once it is set up, and\n"
            "logs to " CONFIG_DAEMON_LOG " unless --log says otherwise.\n",
            "-h, --help", "show this help", "-V, --version",
            "show the version");
}


/*
 * Frees every string the configuration owns.
 */
void
config_free(struct config *cfg)
{
    size_t  i;

    for (i = 0; i < N_OPTIONS; i++) {
        if (option_defs[i].kind == OPT_STRING
            || option_defs[i].kind == OPT_LIST)
        {
            free(*(char **) ((char *) cfg + option_defs[i].offset));
        }
    }

    frontends_free(cfg->frontends, cfg->n_frontends);

    for (i = 0; i < cfg->n_tags; i++) {
        free(cfg->tag_list[i]);
    }

    free(cfg->tag_list);
    memset(cfg, 0, sizeof(*cfg));
}
