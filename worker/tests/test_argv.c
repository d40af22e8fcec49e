/*
 * Commands of the languages table split without a shell: words, quotes,
 * backslashes, and the shell syntax that is refused rather than passed on.
 */

#include <stdlib.h>

#include "daemon/argv.h"
#include "tap.h"


static void
splits(const char *line, const char *const *want, const char *name)
{
    char    **argv, err[512], label[256];
    size_t    argc, i, n;

    for (n = 0; want[n] != NULL; n++) {
        /* count */
    }

    argv = argv_split(line, &argc, err, sizeof(err));
    if (!ok(argv != NULL, name)) {
        printf("#   %s\n", err);
        return;
    }

    snprintf(label, sizeof(label), "%s: %zu words", name, n);
    is_int(argc, n, label);
    is_int(argv_count(argv), n, "argv_count agrees");
    ok(argv[argc] == NULL, "argv ends with NULL");

    for (i = 0; i < n && i < argc; i++) {
        snprintf(label, sizeof(label), "%s: word %zu", name, i);
        is_str(argv[i], want[i], label);
    }

    free(argv);
}


static void
refuses(const char *line, const char *needle, const char *name)
{
    char    **argv, err[512];
    size_t    argc = 99;

    argv = argv_split(line, &argc, err, sizeof(err));
    if (!ok(argv == NULL && strstr(err, needle) != NULL, name)) {
        printf("#   error: %s\n", argv == NULL ? err : "(none)");
    }
    free(argv);
}


int
main(void)
{
    splits("g++ -O2 -o main main.cpp",
           (const char *[]) { "g++", "-O2", "-o", "main", "main.cpp", NULL },
           "plain words");
    splits("  \tjava   -cp .\tMain  ",
           (const char *[]) { "java", "-cp", ".", "Main", NULL },
           "runs of spaces and tabs, leading and trailing");
    splits("/bin/sh -c 'echo $HOME | cat; x=\"y\"'",
           (const char *[]) { "/bin/sh", "-c", "echo $HOME | cat; x=\"y\"",
                              NULL },
           "single quotes keep everything");
    splits("gcc \"-DMSG=\\\"a b\\\"\" \"c:\\\\d\" \"\\n\"",
           (const char *[]) { "gcc", "-DMSG=\"a b\"", "c:\\d", "\\n", NULL },
           "double quotes: only \\\" and \\\\ are escapes");
    splits("-DX='a b'\"c\"d",
           (const char *[]) { "-DX=a bcd", NULL },
           "quoted parts join into one word");
    splits("a\\ b \\$HOME \\*",
           (const char *[]) { "a b", "$HOME", "*", NULL },
           "a backslash keeps the next character");
    splits("x '' \"\"",
           (const char *[]) { "x", "", "", NULL },
           "empty quotes are empty words");
    splits("javac -encoding UTF-8 -d . Main.java",
           (const char *[]) { "javac", "-encoding", "UTF-8", "-d", ".",
                              "Main.java", NULL },
           "the java line of the table");

    refuses("echo 'abc", "unterminated '", "unterminated single quote");
    refuses("echo \"abc\\\"", "unterminated \"", "unterminated double quote");
    refuses("echo abc\\", "trailing \\", "trailing backslash");
    refuses("", "empty command", "empty line");
    refuses("   \t ", "empty command", "blank line");
    refuses("javac Main.java && jar cf x.jar *.class", "unquoted '&'",
            "&& is refused: no shell runs it");
    refuses("cat x | wc", "unquoted '|'", "a pipe is refused");
    refuses("echo $HOME", "unquoted '$'", "a variable is refused");
    refuses("rm *.o", "unquoted '*'", "a glob is refused");
    refuses("a > b", "use /bin/sh -c", "a redirection is refused, with a hint");

    return done_testing();
}
