/*
 * .judge.yaml: a flat mapping of the keys of judge_config_t to strings,
 * read with libyaml's parser and written with its emitter (so any value
 * is quoted as YAML needs).  The file is looked for in the current
 * directory, then in each parent, as git finds its directory.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "judge.h"


#define CONFIG_MAX_SIZE  (64 * 1024)


static const struct {
    const char  *key;
    size_t       offset;
} config_keys[] = {
    { "server",   offsetof(judge_config_t, server) },
    { "token",    offsetof(judge_config_t, token) },
    { "language", offsetof(judge_config_t, language) },
    { "command",  offsetof(judge_config_t, command) },
    { "build",    offsetof(judge_config_t, build) },
    { "source",   offsetof(judge_config_t, source) },
    { "problem",  offsetof(judge_config_t, problem) },
};

#define CONFIG_NKEYS  (sizeof(config_keys) / sizeof(config_keys[0]))


static char **
config_field(judge_config_t *cfg, size_t k)
{
    return (char **) ((char *) cfg + config_keys[k].offset);
}


/*
 * The path of the nearest .judge.yaml from the current directory up, in
 * a new string, or NULL when there is none.
 */
static char *
config_find(void)
{
    char    dir[PATH_MAX], *slash, *path;
    size_t  len;

    if (getcwd(dir, sizeof(dir)) == NULL) {
        return NULL;
    }
    for ( ;; ) {
        len = strlen(dir) + sizeof("/" JUDGE_CONFIG_NAME);
        path = malloc(len);
        if (path == NULL) {
            return NULL;
        }
        snprintf(path, len, "%s/%s", strcmp(dir, "/") ? dir : "",
                 JUDGE_CONFIG_NAME);
        if (access(path, F_OK) == 0) {
            return path;
        }
        free(path);
        slash = strrchr(dir, '/');
        if (slash == NULL || strcmp(dir, "/") == 0) {
            return NULL;
        }
        if (slash == dir) {
            slash[1] = '\0';
        } else {
            *slash = '\0';
        }
    }
}


/*
 * Parses "data" as the config: a mapping of known keys to scalars (an
 * empty file is an empty mapping).  Returns 0, or -1 with what is wrong
 * and where in "err".
 */
static int
config_parse(judge_config_t *cfg, const unsigned char *data, size_t len,
             char *err, size_t errlen)
{
    yaml_parser_t   parser;
    yaml_event_t    ev;
    int             depth = 0, rc = -1, done = 0, want_key = 1;
    size_t          k = CONFIG_NKEYS;
    char          **field;

    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&parser, data, len);

    while (!done) {
        if (!yaml_parser_parse(&parser, &ev)) {
            snprintf(err, errlen, "line %zu: %s",
                     parser.problem_mark.line + 1,
                     parser.problem ? parser.problem : "not YAML");
            goto out;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
            break;
        case YAML_MAPPING_START_EVENT:
            if (depth++ > 0) {
                snprintf(err, errlen, "line %zu: %s%s%s must be a string",
                         ev.start_mark.line + 1,
                         want_key ? "a key" : "the value of \"",
                         want_key ? "" : config_keys[k].key,
                         want_key ? "" : "\"");
                goto fail;
            }
            break;
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_SCALAR_EVENT:
            if (depth == 0) {
                if (ev.data.scalar.length == 0) {
                    break;
                }
                snprintf(err, errlen, "line %zu: a mapping of keys "
                         "(server, language, command, ...) is expected",
                         ev.start_mark.line + 1);
                goto fail;
            }
            if (want_key) {
                for (k = 0; k < CONFIG_NKEYS; k++) {
                    if (strcmp((char *) ev.data.scalar.value,
                               config_keys[k].key) == 0)
                    {
                        break;
                    }
                }
                if (k == CONFIG_NKEYS) {
                    snprintf(err, errlen, "line %zu: unknown key \"%.64s\" "
                             "(known: server, token, language, command, "
                             "build, source, problem)",
                             ev.start_mark.line + 1,
                             (char *) ev.data.scalar.value);
                    goto fail;
                }
                want_key = 0;
                break;
            }
            field = config_field(cfg, k);
            free(*field);
            *field = NULL;
            if (ev.data.scalar.length > 0 || ev.data.scalar.style
                                             != YAML_PLAIN_SCALAR_STYLE)
            {
                if (strlen((char *) ev.data.scalar.value)
                    != ev.data.scalar.length)
                {
                    snprintf(err, errlen, "line %zu: \"%s\" holds a NUL "
                             "byte", ev.start_mark.line + 1,
                             config_keys[k].key);
                    goto fail;
                }
                *field = strdup((char *) ev.data.scalar.value);
                if (*field == NULL) {
                    snprintf(err, errlen, "out of memory");
                    goto fail;
                }
            }
            want_key = 1;
            break;
        default:
            snprintf(err, errlen, "line %zu: a mapping of keys to strings "
                     "is expected", ev.start_mark.line + 1);
            goto fail;
        }
        yaml_event_delete(&ev);
    }
    rc = 0;
    goto out;

fail:
    yaml_event_delete(&ev);
out:
    yaml_parser_delete(&parser);
    return rc;
}


/*
 * Reads the nearest .judge.yaml into "cfg" (all NULL when there is none).
 * Returns 0, or -1 with "PATH: what is wrong" in "err".
 */
int
config_load(judge_config_t *cfg, char *err, size_t errlen)
{
    char     msg[384];
    char    *data;
    size_t   len;

    memset(cfg, 0, sizeof(*cfg));
    cfg->path = config_find();
    if (cfg->path == NULL) {
        return 0;
    }
    if (judge_read_file(cfg->path, &data, &len) != 0) {
        snprintf(err, errlen, "%s: %s", cfg->path, errno == EFBIG
                 ? "larger than 64 KiB" : judge_file_error(errno));
        return -1;
    }
    if (len > CONFIG_MAX_SIZE) {
        snprintf(err, errlen, "%s: larger than 64 KiB", cfg->path);
        free(data);
        return -1;
    }
    if (config_parse(cfg, (unsigned char *) data, len, msg, sizeof(msg))
        != 0)
    {
        snprintf(err, errlen, "%s: %s", cfg->path, msg);
        free(data);
        return -1;
    }
    free(data);
    return 0;
}


static int
emit(yaml_emitter_t *em, yaml_event_t *ev)
{
    return yaml_emitter_emit(em, ev) ? 0 : -1;
}


static int
emit_scalar(yaml_emitter_t *em, const char *s)
{
    yaml_event_t  ev;

    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *) s,
                                      (int) strlen(s), 1, 1,
                                      YAML_ANY_SCALAR_STYLE))
    {
        return -1;
    }
    return emit(em, &ev);
}


/*
 * Writes the set keys of "cfg" to "path" (a new file, or replacing one
 * through a temporary file and rename).  Returns 0, or -1 with why.
 */
int
config_write(const char *path, const judge_config_t *cfg, char *err,
             size_t errlen)
{
    yaml_emitter_t   em;
    yaml_event_t     ev;
    FILE            *f;
    char             tmp[PATH_MAX];
    size_t           k;
    int              ok;
    judge_config_t  *c = (judge_config_t *) cfg;

    if ((size_t) snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
        snprintf(err, errlen, "%s: the path is too long", path);
        return -1;
    }
    f = fopen(tmp, "w");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    fputs("# judge's settings for this directory (see \"man judge\")\n", f);
    if (!yaml_emitter_initialize(&em)) {
        fclose(f);
        unlink(tmp);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    yaml_emitter_set_output_file(&em, f);
    yaml_emitter_set_unicode(&em, 1);

    ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING)
         && emit(&em, &ev) == 0
         && yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1)
         && emit(&em, &ev) == 0
         && yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                                YAML_BLOCK_MAPPING_STYLE)
         && emit(&em, &ev) == 0;
    for (k = 0; ok && k < CONFIG_NKEYS; k++) {
        const char  *v = *config_field(c, k);

        if (v != NULL) {
            ok = emit_scalar(&em, config_keys[k].key) == 0
                 && emit_scalar(&em, v) == 0;
        }
    }
    ok = ok && yaml_mapping_end_event_initialize(&ev) && emit(&em, &ev) == 0
         && yaml_document_end_event_initialize(&ev, 1)
         && emit(&em, &ev) == 0
         && yaml_stream_end_event_initialize(&ev) && emit(&em, &ev) == 0
         && yaml_emitter_flush(&em);
    if (!ok) {
        snprintf(err, errlen, "%s: %s", path,
                 em.problem ? em.problem : "cannot be written");
    }
    yaml_emitter_delete(&em);
    if (fclose(f) != 0 && ok) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        ok = 0;
    }
    if (ok && rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        ok = 0;
    }
    if (!ok) {
        unlink(tmp);
        return -1;
    }
    return 0;
}


void
config_free(judge_config_t *cfg)
{
    size_t  k;

    for (k = 0; k < CONFIG_NKEYS; k++) {
        free(*config_field(cfg, k));
    }
    free(cfg->path);
    memset(cfg, 0, sizeof(*cfg));
}
