/*
 * judge exec: one run of a file through a code session, its output
 * written here as the program writes it there.
 *
 *   POST /code-sessions              the file as the session's source
 *   POST /code-sessions/{id}/run     with --stdin and the arguments
 *   GET  /executions/{id}/events     "output" events to stdout and stderr
 *                                    (a run started over on another
 *                                    worker is followed from its new
 *                                    attempt), "done" ends it
 *   DELETE /code-sessions/{id}       the session is not kept
 *
 * Ctrl-C cancels the run (DELETE /executions/{id}) first.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "judge.h"


typedef struct {
    judge_t     *j;
    json_t      *done;
    long long    attempt;
    long long    written[2];    /* bytes of stdout, stderr shown */
} exec_t;


static int
exec_event(void *data, const char *event, const char *payload, size_t len)
{
    exec_t      *x = data;
    json_t      *v;
    const char  *stream, *text;
    long long    attempt, offset;
    size_t       n, skip;
    int          k;

    v = json_loadb(payload, len, JSON_ALLOW_NUL, NULL);
    if (v == NULL) {
        return 0;
    }
    if (strcmp(event, "done") == 0) {
        x->done = v;
        return 1;
    }
    if (strcmp(event, "output") == 0 && !x->j->json) {
        stream = json_string_value(json_object_get(v, "stream"));
        text = json_string_value(json_object_get(v, "data"));
        n = json_string_length(json_object_get(v, "data"));
        attempt = json_integer_value(json_object_get(v, "attempt"));
        offset = json_integer_value(json_object_get(v, "offset"));
        k = stream && strcmp(stream, "stderr") == 0;
        if (attempt > x->attempt) {
            /*
             * The run starts over from the beginning: what the last
             * attempt wrote was shown, and the new one's bytes up to
             * there are not shown again.
             */
            if (x->attempt > 0) {
                fprintf(stderr, "\njudge: the run started over on another "
                        "worker (attempt %lld); what was shown is not shown "
                        "again\n", attempt);
            }
            x->attempt = attempt;
        }
        if (text != NULL && attempt == x->attempt && offset >= 0
            && (long long) n <= LLONG_MAX - offset
            && offset + (long long) n > x->written[k])
        {
            skip = offset < x->written[k] ? x->written[k] - offset : 0;
            fwrite(text + skip, 1, n - skip, k ? stderr : stdout);
            fflush(k ? stderr : stdout);
            x->written[k] = offset + n;
        }
    }
    json_decref(v);
    return 0;
}


/* deletes the session, quietly: it is only a vehicle */
static void
exec_cleanup(judge_t *j, const char *sid)
{
    char    err[256], *path;
    long    status;
    json_t  *a = NULL;

    path = judge_format("/code-sessions/%s", sid);
    if (path != NULL) {
        http_request(j, "DELETE", path, NULL, &status, &a, err, sizeof(err));
    }
    json_decref(a);
    free(path);
}


/* what the stream did not show of the run's "key" output */
static void
exec_rest(json_t *e, const char *key, long long shown, FILE *f)
{
    json_t  *v = json_object_get(e, key);
    size_t   n = json_string_length(v);

    if (shown >= 0 && (size_t) shown < n) {
        fwrite(json_string_value(v) + shown, 1, n - shown, f);
        fflush(f);
    }
}


/* the line under the output: how the run ended */
static void
exec_summary(judge_t *j, json_t *e)
{
    const char  *status = json_string_value(json_object_get(e, "status"));
    const char  *reason = json_string_value(json_object_get(e, "reason"));
    json_t      *compile = json_object_get(e, "compile");
    char        *text;

    if (json_string_length(compile) > 0 && reason
        && strstr(reason, "compil") != NULL)
    {
        text = text_preview(json_string_value(compile),
                            json_string_length(compile), 60, 200);
        fprintf(stderr, "%s\n", text ? text : "");
        free(text);
    }
    if (j->quiet) {
        return;
    }
    text = judge_format("%s%s%s", status ? status : "?", reason ? ": " : "",
                        reason ? reason : "");
    fprintf(stderr, "%s[", isatty(STDERR_FILENO) && j->term.color
                           ? "\033[2m" : "");
    text_put(stderr, text ? text : "?", text ? strlen(text) : 1);
    free(text);
    fprintf(stderr, " · exit code %lld · %lld ms · %lld KiB]%s\n",
            (long long) json_integer_value(json_object_get(e, "exit_code")),
            (long long) json_integer_value(json_object_get(e,
                                                    "execution_time_ms")),
            (long long) json_integer_value(json_object_get(e, "memory_kb")),
            isatty(STDERR_FILENO) && j->term.color ? "\033[0m" : "");
}


int
cmd_exec(judge_t *j, int argc, char **argv)
{
    static const struct option  opts[] = {
        { "language", required_argument, NULL, 'l' },
        { "stdin",    required_argument, NULL, 'i' },
        { NULL, 0, NULL, 0 }
    };
    const char  *lang = NULL, *in = NULL, *file, *id;
    char        *src = NULL, *input = NULL, *path = NULL, sid[128] = "";
    char         eid[128], err[512];
    size_t       len, ilen = 0;
    int          o, rc, i;
    json_t      *body = NULL, *a = NULL, *args;
    exec_t       x;

    args = json_array();
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'l': lang = optarg; break;
        case 'i': in = optarg; break;
        default:
            json_decref(args);
            return judge_command_usage("exec");
        }
    }
    if (optind >= argc) {
        json_decref(args);
        return judge_command_usage("exec");
    }
    file = argv[optind++];
    for (i = optind; i < argc; i++) {
        json_array_append_new(args, json_string(argv[i]));
    }
    if (judge_read_file(file, &src, &len) != 0
        || (in && judge_read_file(in, &input, &ilen) != 0))
    {
        judge_error(j, "bad_file", "%s: %s",
                    src == NULL ? file : in, judge_file_error(errno));
        rc = JUDGE_EXIT_USAGE;
        goto out;
    }
    lang = lang ? lang : judge_guess_language(j, file);
    if (lang == NULL) {
        rc = JUDGE_EXIT_USAGE;
        goto out;
    }
    body = json_pack("{s:s,s:s%}", "language", lang, "source_code", src, len);
    if (body == NULL) {
        judge_error(j, "bad_file", "%s is not UTF-8 text", file);
        rc = JUDGE_EXIT_USAGE;
        goto out;
    }
    rc = judge_api(j, "POST", "/code-sessions", body, &a);
    if (rc != 0) {
        goto out;
    }
    snprintf(sid, sizeof(sid), "%s",
             json_string_value(json_object_get(a, "session_id")) ? : "");
    json_decref(a);
    json_decref(body);
    a = NULL;

    body = json_pack("{s:s%,s:O}", "stdin", input ? input : "", ilen,
                     "args", args);
    path = judge_format("/code-sessions/%s/run", sid);
    if (body == NULL || path == NULL) {
        judge_error(j, "bad_file", "%s is not UTF-8 text", in ? in : "stdin");
        rc = JUDGE_EXIT_USAGE;
        goto out;
    }
    rc = judge_api(j, "POST", path, body, &a);
    if (rc != 0) {
        goto out;
    }
    id = json_string_value(json_object_get(a, "execution_id"));
    snprintf(eid, sizeof(eid), "%s", id ? id : "");
    json_decref(a);
    a = NULL;

    memset(&x, 0, sizeof(x));
    x.j = j;
    free(path);
    path = judge_format("/executions/%s/events", eid);
    rc = path ? http_events(j, path, exec_event, NULL, &x, err, sizeof(err))
              : -1;
    if (rc != 0 && rc != JUDGE_EXIT_INTERRUPTED) {
        free(path);
        path = judge_format("/executions/%s?wait=true", eid);
        rc = path ? judge_wait(j, path, &x.done) : JUDGE_EXIT_SERVER;
        if (rc == 0 && !j->json) {
            exec_rest(x.done, "stdout", x.written[0], stdout);
            exec_rest(x.done, "stderr", x.written[1], stderr);
        }
    }
    if (rc == JUDGE_EXIT_INTERRUPTED) {
        judge_interrupt_acknowledge();
        free(path);
        path = judge_format("/executions/%s", eid);
        if (path != NULL) {
            http_request(j, "DELETE", path, NULL, &(long) { 0 }, &a, err,
                         sizeof(err));
        }
        fprintf(stderr, "\njudge: interrupted; the run is cancelled\n");
        goto out;
    }
    if (rc != 0) {
        goto out;
    }
    if (j->json) {
        judge_print_json(x.done);
    } else {
        exec_summary(j, x.done);
    }
    rc = strcmp(json_string_value(json_object_get(x.done, "status")) ? : "",
                "COMPLETED") == 0 ? JUDGE_EXIT_OK : JUDGE_EXIT_FAILED;
    json_decref(x.done);

out:
    if (sid[0] != '\0') {
        judge_interrupt_acknowledge();
        exec_cleanup(j, sid);
    }
    json_decref(a);
    json_decref(body);
    json_decref(args);
    free(path);
    free(src);
    free(input);
    return rc;
}
