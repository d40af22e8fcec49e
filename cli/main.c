/*
 * judge: the command-line client of ngx_judge.
 *
 * The options every command takes (--server, --token, --json, --quiet,
 * --help) may stand before or after the command's name; they are taken
 * out of argv here, and the command parses what is left with its own
 * options.  The server and the token come from the options, then
 * JUDGE_SERVER and JUDGE_TOKEN, then .judge.yaml, in that order.
 */

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "judge.h"


typedef struct {
    const char  *name;
    int        (*run)(judge_t *j, int argc, char **argv);
    const char  *usage;
    const char  *help;
} command_t;


static const command_t  commands[] = {
    { "init", cmd_init,
      "judge init --cmd COMMAND [--language L] [--problem ID] [--source FILE]"
      "\n           [--build COMMAND] [--force]",
      "Writes .judge.yaml here: the server, the language, how to run the\n"
      "program on this machine (--cmd), what to build first (--build), the\n"
      "source file \"judge run\" submits (guessed from --cmd) and the\n"
      "problem.  An existing file is kept unless --force.\n" },
    { "problems", cmd_problems, "judge problems",
      "Lists the judge's problems: id, version, title, stages, tests.\n" },
    { "show", cmd_show, "judge show [PROBLEM]",
      "Shows the public part of a problem: its statement, limits, stages\n"
      "and tests, the samples in full.\n" },
    { "test", cmd_test, "judge test [PROBLEM] [--plain]",
      "Runs the problem's public tests on this machine: the configured\n"
      "command (--cmd of judge init) for each sample, in judge-sandbox\n"
      "with the problem's limits when the sandbox works here, otherwise\n"
      "(or with --plain) as a plain child with a timeout.  The build\n"
      "command runs first.  Prints each test's command, input and output.\n"},
    { "run", cmd_run, "judge run [PROBLEM] [--language L] [--source FILE]",
      "Submits the source to the judge against the problem's tests, hidden\n"
      "ones included, and draws the tests' verdicts as they arrive.\n"
      "Ctrl-C cancels the submission.\n" },
    { "submit", cmd_submit,
      "judge submit FILE [--language L] [--flag F]... "
      "[--tests DIR | --input F [--expected F]]",
      "Judges FILE against tests of this machine: each NAME.in in DIR\n"
      "with NAME.out or NAME.ans beside it, or one input and expected\n"
      "output.  Without tests the program runs once on an empty input.\n"
      "Ctrl-C cancels the submission.\n" },
    { "exec", cmd_exec, "judge exec FILE [--language L] [--stdin F] "
                        "[-- ARGS...]",
      "Runs FILE once through a code session; its output streams to this\n"
      "terminal as the program writes it.  Exits 0 when the program\n"
      "exited 0.  Ctrl-C stops the program.\n" },
    { "status", cmd_status, "judge status ID [--wait]",
      "Shows a submission: its verdict, score and tests; --wait waits for\n"
      "its end.\n" },
    { "languages", cmd_languages, "judge languages",
      "Lists the languages the judge's workers offer now.\n" },
    { "workers", cmd_workers, "judge workers",
      "Lists the judge's live workers: capacity and load; with the admin\n"
      "token (and a --server of the admin location) also who they are.\n" },
};

#define NCOMMANDS  (sizeof(commands) / sizeof(commands[0]))


static volatile sig_atomic_t  interrupted;
static int                    acknowledged;


/*
 * Ctrl-C: the first is noted, so a command can cancel what it started on
 * the judge and say so; a second one ends the process at once.
 */
static void
on_interrupt(int sig)
{
    interrupted = 1;
    signal(sig, SIG_DFL);
}


/* Ctrl-C was pressed and the command has not taken it in hand yet */
int
judge_interrupted(void)
{
    return interrupted != 0 && !acknowledged;
}


/*
 * The command takes Ctrl-C in hand: what it sends now (the cancel of a
 * submission) is not aborted as the rest was.  A second Ctrl-C still ends
 * the process.
 */
void
judge_interrupt_acknowledge(void)
{
    acknowledged = 1;
}


/*
 * Reports an error of a command: on stderr as "judge: message" (what a
 * terminal would act on shown as "?": it may quote the judge), and with
 * --json also on stdout as {"error": {"code", "message"}}, the judge's
 * own error shape, so a script reads one kind of answer.
 */
void
judge_error(const judge_t *j, const char *code, const char *fmt, ...)
{
    char      msg[1024];
    va_list   ap;
    json_t   *e;
    char     *s;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    fputs("judge: ", stderr);
    text_put(stderr, msg, strlen(msg));
    fputc('\n', stderr);
    if (j != NULL && j->json) {
        e = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
        s = e ? json_dumps(e, JSON_COMPACT) : NULL;
        if (s != NULL) {
            printf("%s\n", s);
            free(s);
        }
        json_decref(e);
    }
}


static void
usage(FILE *f)
{
    size_t  i;

    fprintf(f,
        "usage: judge [--server URL] [--token T] [--json] [--quiet] "
        "COMMAND ...\n\ncommands:\n");
    for (i = 0; i < NCOMMANDS; i++) {
        fprintf(f, "  %s\n", commands[i].usage);
    }
    fprintf(f,
        "\nEvery command takes:\n"
        "  --server URL   the judge (JUDGE_SERVER, .judge.yaml's server, or\n"
        "                 " JUDGE_DEFAULT_SERVER ")\n"
        "  --token T      sent as \"Authorization: Bearer T\" (JUDGE_TOKEN,\n"
        "                 .judge.yaml's token)\n"
        "  --json         machine-readable output\n"
        "  --quiet, -q    print the outcome only\n"
        "  --help, -h     help of the command\n"
        "\nExit status: 0 passed, 1 a test or the program failed, 2 usage, "
        "3 the judge\ncould not be reached or answered an error, 130 "
        "interrupted.  \"man judge\" says more.\n");
}


/*
 * Prints the usage line of "cmd" on stderr and returns the usage exit
 * status, for a command whose arguments are wrong.
 */
int
judge_command_usage(const char *cmd)
{
    size_t  i;

    for (i = 0; i < NCOMMANDS; i++) {
        if (strcmp(commands[i].name, cmd) == 0) {
            fprintf(stderr, "usage: %s\n", commands[i].usage);
        }
    }
    return JUDGE_EXIT_USAGE;
}


/*
 * Takes the options every command has out of argv (up to a "--"), leaving
 * the rest in order.  Returns 0, 1 for --help, or -1 for an option
 * without its value.
 */
static int
take_common(int *argc, char **argv, const char **server, const char **token,
            int *json, int *quiet)
{
    int          i, n, help = 0;
    size_t       k;
    const char  *value;
    static const struct {
        const char   *name;
        int           has_value;
    } known[] = {
        { "--server", 1 }, { "--token", 1 }, { "--json", 0 },
        { "--quiet", 0 }, { "-q", 0 }, { "--help", 0 }, { "-h", 0 },
    };

    n = 0;
    for (i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc) {
                argv[n++] = argv[i++];
            }
            break;
        }
        for (k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
            size_t  len = strlen(known[k].name);

            if (strncmp(argv[i], known[k].name, len) == 0
                && (argv[i][len] == '\0'
                    || (known[k].has_value && argv[i][len] == '=')))
            {
                break;
            }
        }
        if (k == sizeof(known) / sizeof(known[0])) {
            argv[n++] = argv[i];
            continue;
        }
        value = NULL;
        if (known[k].has_value) {
            value = strchr(argv[i], '=');
            if (value != NULL) {
                value++;
            } else if (i + 1 < *argc) {
                value = argv[++i];
            } else {
                fprintf(stderr, "judge: %s needs a value\n", known[k].name);
                return -1;
            }
        }
        switch (k) {
        case 0: *server = value; break;
        case 1: *token = value; break;
        case 2: *json = 1; break;
        case 3: case 4: *quiet = 1; break;
        default: help = 1; break;
        }
    }
    argv[n] = NULL;
    *argc = n;
    return help;
}


/* the first of the non-empty strings, or NULL */
static const char *
first_of(const char *a, const char *b, const char *c)
{
    if (a != NULL && *a != '\0') {
        return a;
    }
    if (b != NULL && *b != '\0') {
        return b;
    }
    return c != NULL && *c != '\0' ? c : NULL;
}


int
main(int argc, char **argv)
{
    judge_t             j;
    const command_t    *cmd = NULL;
    const char         *server = NULL, *token = NULL;
    char                err[512], *url;
    size_t              i, len;
    int                 help, rc, nargs;
    struct sigaction    sa;

    setlocale(LC_CTYPE, "");
    memset(&j, 0, sizeof(j));

    nargs = argc - 1;
    help = take_common(&nargs, argv + 1, &server, &token, &j.json, &j.quiet);
    if (help < 0) {
        return JUDGE_EXIT_USAGE;
    }
    if (nargs == 0) {
        usage(help ? stdout : stderr);
        return help ? JUDGE_EXIT_OK : JUDGE_EXIT_USAGE;
    }
    for (i = 0; i < NCOMMANDS; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            cmd = &commands[i];
        }
    }
    if (cmd == NULL) {
        fprintf(stderr, "judge: no command \"%s\"\n\n", argv[1]);
        usage(stderr);
        return JUDGE_EXIT_USAGE;
    }
    if (help) {
        printf("usage: %s\n\n%s", cmd->usage, cmd->help);
        return JUDGE_EXIT_OK;
    }

    if (config_load(&j.cfg, err, sizeof(err)) != 0) {
        judge_error(&j, "bad_config", "%s", err);
        return JUDGE_EXIT_USAGE;
    }
    server = first_of(server, getenv("JUDGE_SERVER"), j.cfg.server);
    j.token = first_of(token, getenv("JUDGE_TOKEN"), j.cfg.token);
    url = strdup(server ? server : JUDGE_DEFAULT_SERVER);
    if (url == NULL) {
        return JUDGE_EXIT_SERVER;
    }
    len = strlen(url);
    while (len > 0 && url[len - 1] == '/') {
        url[--len] = '\0';
    }
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        judge_error(&j, "bad_server",
                    "the server must be an http:// or https:// URL: \"%s\"",
                    url);
        free(url);
        config_free(&j.cfg);
        return JUDGE_EXIT_USAGE;
    }
    j.server = url;
    term_init(&j.term);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        judge_error(&j, "internal", "libcurl failed to start");
        return JUDGE_EXIT_SERVER;
    }
    optind = 1;
    rc = cmd->run(&j, nargs, argv + 1);
    fflush(stdout);

    curl_global_cleanup();
    config_free(&j.cfg);
    free(url);
    return rc;
}
