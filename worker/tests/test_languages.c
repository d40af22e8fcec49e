/*
 * The languages table: parsing, errors naming the line, version
 * extraction from toolchain banners, display names, probing, the
 * compiler flags a submission may add, and the main name of a Java
 * program found in its source and put for {main}.
 */

#include <stdlib.h>
#include <time.h>

#include "daemon/languages.h"
#include "tap.h"


static const char *table =
    "# comment\n"
    "\n"
    "[cpp]\n"
    "name    = C++ (GCC {version})\n"
    "version = echo 'g++ (Debian 12.2.0-14) 12.2.0'\n"
    "source  = main.cpp\n"
    "compile = g++ -O2 -o main main.cpp -DX=a=b\n"
    "artifact = main\n"
    "run     = ./main\n"
    "\n"
    "  [ python ]  \n"
    "name=Python {version}\n"
    "version=echo Python 3.11.2\n"
    "source=main.py\n"
    "run=python3 main.py\n"
    "[missing]\n"
    "name = Nope\n"
    "version = exit 127\n"
    "source = x\n"
    "run = x\n"
    "[slow]\n"
    "name = Slow\n"
    "version = sleep 5; echo 1.0\n"
    "source = x\n"
    "run = x\n"
    "[slow2]\n"
    "name = Slow too\n"
    "version = sleep 5; echo 2.0\n"
    "source = x\n"
    "run = x\n"
    "[late]\n"
    "name = Late\n"
    "version = sleep 0.3; echo late 4.5.6\n"
    "source = x\n"
    "run = x\n"
    "[quiet]\n"
    "name = Quiet\n"
    "version = exec >/dev/null 2>&1; sleep 5\n"
    "source = x\n"
    "run = x\n";


static void
refuses(const char *text, const char *needle, const char *name)
{
    struct languages  ls = { NULL, 0 };
    char              err[512];
    int               rc;

    rc = languages_parse(&ls, text, "t.conf", err, sizeof(err));
    if (!ok(rc == -1 && strstr(err, needle) != NULL && ls.n == 0, name)) {
        printf("#   rc %d, error: %s\n", rc, rc ? err : "");
    }
}


static void
unescapes(const char *value, const char *want, const char *name)
{
    char  *text, err[256];

    text = languages_unescape(value, 4096, err, sizeof(err));
    if (!ok(text != NULL && strcmp(text, want) == 0, name)) {
        printf("#   got \"%s\" (%s)\n", text ? text : "(null)",
               text ? "" : err);
    }
    free(text);
}


static void
unescape_refuses(const char *value, size_t max, const char *needle,
                 const char *name)
{
    char  *text, err[256];

    text = languages_unescape(value, max, err, sizeof(err));
    if (!ok(text == NULL && strstr(err, needle) != NULL, name)) {
        printf("#   got \"%s\" (%s)\n", text ? text : "(null)",
               text ? "" : err);
    }
    free(text);
}


static void
version_is(const char *banner, const char *want)
{
    char  *v, name[256];

    v = languages_extract_version(banner);
    snprintf(name, sizeof(name), "version of \"%.40s\"", banner);
    is_str(v, want, name);
    free(v);
}


#define JAVA_MAIN  "[java]\nname=J\nversion=x\nsource={main}.java\n" \
                   "compile=javac {main}.java\nartifact=*.class\n" \
                   "run=java -cp . {main}\n"


static void
main_is(const struct language *l, const char *src, const char *want,
        const char *name)
{
    char  found[LANGUAGE_MAIN_MAX + 1], err[512];

    err[0] = '\0';
    if (!ok(language_find_main(l, src, strlen(src), found, sizeof(found),
                               err, sizeof(err)) == 0
            && strcmp(found, want) == 0, name))
    {
        printf("#   got \"%s\" (%s)\n", found, err);
    }
}


static void
main_refused(const struct language *l, const char *src, const char *want,
             const char *name)
{
    char  found[LANGUAGE_MAIN_MAX + 1], err[512];

    err[0] = '\0';
    if (!ok(language_find_main(l, src, strlen(src), found, sizeof(found),
                               err, sizeof(err)) == -1
            && strcmp(err, want) == 0, name))
    {
        printf("#   got \"%s\"\n", err);
    }
}


static void
test_main(void)
{
    struct languages   ls = { NULL, 0 };
    struct language   *l;
    char               err[512], *text, **argv;
    char              *extra[] = { "x y" };
    static char        long_name[200];
    int                rc;

    rc = languages_parse(&ls, JAVA_MAIN "main = java-public-class Main\n",
                         "t.conf", err, sizeof(err));
    if (!ok(rc == 0, "a table with main and {main}")) {
        printf("#   %s\n", err);
        return;
    }

    l = &ls.items[0];
    ok(l->main == LANGUAGE_MAIN_JAVA_CLASS, "found as a Java public class");
    is_str(l->main_default, "Main", "Main when the source has none");
    is_str(l->source_shown, "Main.java", "the file name Register shows");

    main_is(l, "public class Solution {\n}\n", "Solution", "a public class");
    main_is(l, "import java.util.*;\n\nfinal public class A1_$b<T> "
            "extends X {}", "A1_$b", "modifiers, generics");
    main_is(l, "// public class Fake {}\n/* public class Fake2 */\n"
            "class Helper { public class Inner {} String s = \"public class "
            "S\"; char c = '}'; }\n"
            "@SuppressWarnings(\"x\") public abstract class Real {}\n",
            "Real", "comments, literals, nested and non-public types skipped");
    main_is(l, "class A { String t = \"\"\"\n public class T \"\"\"; }\n"
            "public record P(int x) {}\n", "P", "a text block skipped, a record");
    main_is(l, "public interface I {}\npublic class C {}\n", "I",
            "the first public type, an interface");
    main_is(l, "public /* x */ class\n  Named {}\n", "Named",
            "a comment and lines between the words");
    main_is(l, "class Solution {}\n", "Main", "no public class: Main");
    main_is(l, "", "Main", "an empty source: Main");
    main_is(l, "public static void x; class Y {}", "Main",
            "a public that declares no type");

    main_refused(l, "public class 1abc {}", "the public class \"1abc\" is "
                 "not a name the judge takes: 1-128 of A-Z a-z 0-9 _ $, not "
                 "starting with a digit", "a name starting with a digit");
    main_refused(l, "public class \xc3\x9c" "ber {}", "the public class "
                 "\"\\xc3\\x9cber\" is not a name the judge takes: 1-128 "
                 "of A-Z a-z 0-9 _ $, not starting with a digit",
                 "a non-ASCII name, shown escaped");
    main_refused(l, "public class {}", "the public class of the source has "
                 "no name", "no name after class");
    main_refused(l, "public class", "the public class of the source has "
                 "no name", "the source ends after class");

    memset(long_name, 'a', 160);
    memcpy(long_name, "public class ", 13);
    main_refused(l, long_name, "the public class \"aaaaaaaaaaaaaaaaaaaaaaaaaaa"
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"... is not a name the "
                 "judge takes: 1-128 of A-Z a-z 0-9 _ $, not starting with a "
                 "digit", "a name over 128 bytes");

    text = language_expand("{main}.java and {main}{main}", "Sol", 0, 0);
    is_str(text, "Sol.java and SolSol", "every {main} expanded");
    free(text);

    text = language_expand("-Xmx{memory_mb}m -Xss{stack_mb}m {main} "
                           "{memory_mb", "Sol", 256, 64);
    is_str(text, "-Xmx256m -Xss64m Sol {memory_mb", "{memory_mb} and "
           "{stack_mb} expanded, a half one left as it is");
    free(text);

    argv = language_argv(l->run_argv, "Sol", 0, 0, extra, 1);
    ok(argv != NULL && strcmp(argv[0], "java") == 0
       && strcmp(argv[3], "Sol") == 0 && strcmp(argv[4], "x y") == 0
       && argv[5] == NULL, "the run's argv: {main} made, extra words after");
    free(argv);

    languages_free(&ls);

    refuses(JAVA_MAIN, "uses {main} but has no \"main\"",
            "{main} without main");
    refuses(JAVA_MAIN "main = first-class Main\n", "must be "
            "\"java-public-class NAME\"", "an unknown way of finding it");
    refuses(JAVA_MAIN "main = java-public-class 9x\n", "the name used when "
            "the source has none", "a bad default");
    refuses(JAVA_MAIN "main = java-public-class\n", "the name used when "
            "the source has none", "no default");
    refuses(JAVA_MAIN "main = java-public-class A\nmain = java-public-class "
            "B\n", "given twice", "main twice");
    refuses("[j]\nname=J\nversion=x\nsource={main}.x\ncompile=cc -o m "
            "{main}.x\nartifact=m\nrun=./m\nmain = java-public-class M\n",
            "its \"artifact\" is not a pattern", "main with a one-file "
            "artifact");
}


int
main(void)
{
    struct languages  ls = { NULL, 0 };
    struct log        lg;
    char              err[512], *name;
    int               rc;
    long              ms;
    struct timespec   t0, t1;

    rc = languages_parse(&ls, table, "t.conf", err, sizeof(err));
    if (!ok(rc == 0, "the table parses")) {
        printf("#   %s\n", err);
        return done_testing();
    }

    is_int(ls.n, 7, "seven languages");
    is_str(ls.items[0].id, "cpp", "ids in file order");
    is_str(ls.items[0].compile_command, "g++ -O2 -o main main.cpp -DX=a=b",
           "a value may contain '='");
    is_str(ls.items[1].id, "python", "spaces around a section id are ignored");
    ok(ls.items[1].compile_command == NULL, "interpreted: no compile command");
    is_str(ls.items[1].run_command, "python3 main.py", "key=value unspaced");
    is_str(ls.items[0].artifact, "main", "the artifact of a compiled one");
    ok(ls.items[1].artifact == NULL, "interpreted: no artifact");
    is_int(ls.items[0].processes, 1, "processes default to 1");
    ok(ls.items[0].compile_argv != NULL
       && strcmp(ls.items[0].compile_argv[5], "-DX=a=b") == 0
       && ls.items[0].compile_argv[6] == NULL,
       "compile split into argv at load");
    ok(ls.items[1].run_argv != NULL
       && strcmp(ls.items[1].run_argv[1], "main.py") == 0,
       "run split into argv at load");
    ok(!language_artifact_is_pattern(&ls.items[0]), "main is one file");

    log_open(&lg, "/dev/null", LOG_DEBUG, err, sizeof(err));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    languages_probe(&ls, &lg, 1000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    log_close(&lg);

    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    ok(ms >= 900 && ms < 1900, "probes run at once: three past the timeout "
       "take one timeout");

    is_str(ls.items[0].version, "12.2.0", "probe: cpp version from banner");
    is_str(ls.items[1].version, "3.11.2", "probe: python version");
    ok(ls.items[2].version == NULL, "probe: failing command, not offered");
    ok(ls.items[3].version == NULL && ls.items[4].version == NULL,
       "probe: commands past the timeout, not offered");
    is_str(ls.items[5].version, "4.5.6", "probe: a version printed late");
    ok(ls.items[6].version == NULL, "probe: a command that closed its "
       "output and goes on running is cut at the timeout");

    name = languages_display_name(&ls.items[0]);
    is_str(name, "C++ (GCC 12.2.0)", "{version} in the name is filled in");
    free(name);

    languages_free(&ls);
    ok(ls.n == 0 && ls.items == NULL, "free leaves an empty table");

    refuses("name = x\n", "before the first", "key before a section");
    refuses("[a]\nname=x\nversion=x\nsource=x\n", "has no \"run\"",
            "missing run");
    refuses("[a]\nname=x\nversion=x\nsource=x\nrun=x\n[a]\n",
            "defined twice", "duplicate id");
    refuses("[A B]\n", "bad language id", "bad id");
    refuses("[a]\ncolour = red\n", "t.conf:2: unknown key", "unknown key, "
            "with its line");
    refuses("[a]\nname\n", "t.conf:2", "line without '='");
    refuses("[a\n", "without \"]\"", "unterminated section");
    refuses("[a]\nname=x\nname=y\n", "given twice", "key given twice");
    refuses("[a]\nname=\n", "empty value", "empty value");
    refuses("# nothing\n", "no languages", "empty table");

#define LANG_HEAD  "[j]\nname=J\nversion=x\nsource=M.java\nrun=java M\n"

    refuses(LANG_HEAD "binds = var/lib/ghc\n", "is not an absolute path",
            "a relative bind");
    refuses(LANG_HEAD "binds = /tmp/x\n", "outside /box, /tmp", "a bind "
            "under /tmp");
    refuses(LANG_HEAD "binds = /var/../etc\n", "without \".\", \"..\"",
            "a bind with ..");
    refuses(LANG_HEAD "binds = /etc/\n", "is not an absolute path", "a bind "
            "ending in /");
    refuses(LANG_HEAD "binds = /a /b /c /d /e /f /g /h /i\n", "1-8 paths",
            "nine binds");
    refuses(LANG_HEAD "open_files = 0\n", "\"open_files\" must be 1-4096",
            "no open files");
    refuses(LANG_HEAD "compile_time = 5\n", "compile limits but no "
            "\"compile\"", "compile limits of an interpreted language");
    refuses(LANG_HEAD "compile=javac M.java\nartifact=M.class\n"
            "compile_memory = 99999\n", "must be 1-16384", "too much "
            "compile memory");
    refuses("[j]\nname=J\nversion=x\nsource={memory_mb}.x\nrun=x\n",
            "{memory_mb} or {stack_mb} in its \"source\"", "{memory_mb} in "
            "a source name");
    refuses("[j]\nname=J\nversion=x\nsource=a{stack_mb}\nrun=x\n",
            "{memory_mb} or {stack_mb} in its \"source\"", "{stack_mb} in "
            "a source name");

    {
        struct languages  ls2 = { NULL, 0 };
        const char       *paths[4];
        char              err2[512];

        ok(languages_parse(&ls2, "[a]\nname=A\nversion=x\nsource=a\nrun=a\n"
                           "binds = /etc/R /var/lib/ghc\n"
                           "[b]\nname=B\nversion=x\nsource=b\nrun=b\n"
                           "binds = /var/lib/ghc /etc/nim\n"
                           "[c]\nname=C\nversion=x\nsource=c\nrun=c\n"
                           "binds = /opt/c\n", "t.conf", err2,
                           sizeof(err2)) == 0, "binds parse");

        ls2.items[0].version = strdup("1");
        ls2.items[1].version = strdup("1");

        ok(languages_binds(&ls2, paths, 4) == 3
           && strcmp(paths[0], "/etc/R") == 0
           && strcmp(paths[1], "/var/lib/ghc") == 0
           && strcmp(paths[2], "/etc/nim") == 0,
           "the binds of the offered languages, each once");
        ok(languages_binds(&ls2, paths, 2) == 3, "more than fit: counted");

        languages_free(&ls2);
    }

    refuses(LANG_HEAD "compile=javac M.java\n", "has no \"artifact\"",
            "compile without an artifact");
    refuses(LANG_HEAD "artifact=main\n", "but no \"compile\"",
            "an artifact without a compile");
    refuses(LANG_HEAD "compile=javac M.java\nartifact=out/*.class\n",
            "must be a file name or a pattern", "an artifact with a path");
    refuses(LANG_HEAD "compile=javac M.java\nartifact=$(x)\n",
            "must be a file name or a pattern", "an artifact with shell");
    refuses(LANG_HEAD "processes=0\n", "must be 1-4096", "processes 0");
    refuses(LANG_HEAD "processes=many\n", "must be 1-4096",
            "processes not a number");
    refuses(LANG_HEAD "processes=-3\n", "must be 1-4096",
            "processes negative");
    refuses(LANG_HEAD "processes=2\nprocesses=3\n", "given twice",
            "processes twice");
    refuses("[j]\nname=J\nversion=x\nsource=M.java\nrun=java 'M\n",
            "t.conf:5: \"run\": unterminated '", "run that does not split");
    refuses(LANG_HEAD "compile=javac M.java && jar\nartifact=a\n",
            "unquoted '&'", "compile relying on a shell");

    rc = languages_parse(&ls, LANG_HEAD "compile = javac M.java\n"
                         "artifact = *.class\nprocesses = 64\n", "t.conf",
                         err, sizeof(err));
    ok(rc == 0 && language_artifact_is_pattern(&ls.items[0])
       && ls.items[0].processes == 64, "a pattern artifact and processes");
    ok(languages_find(&ls, "j") == NULL,
       "languages_find: not offered before its probe");
    ls.items[0].version = strdup("1");
    ok(languages_find(&ls, "j") == &ls.items[0], "found once probed");
    ok(languages_find(&ls, "k") == NULL, "an unknown id is not found");
    languages_free(&ls);

    refuses(LANG_HEAD "flags=-O2\n", "has \"flags\" but no \"compile\"",
            "flags of an interpreted language");
    refuses(LANG_HEAD "compile=javac M.java\nartifact=M.class\n"
            "flags=-O2 O3\n", "flag \"O3\" of \"j\" must be",
            "a flag not starting with -");
    refuses(LANG_HEAD "compile=javac M.java\nartifact=M.class\n"
            "flags=-*\n", "flag \"-*\"", "a flag pattern allowing all");
    refuses(LANG_HEAD "compile=javac M.java\nartifact=M.class\n"
            "flags=-Wl,*\n", "no \",\"", "a comma in a flag pattern");
    refuses(LANG_HEAD "compile=javac M.java\nartifact=M.class\n"
            "flags=-a*b\n", "\"*\" only last", "a star inside a pattern");
    refuses(LANG_HEAD "compile=javac M.java\nartifact=M.class\n"
            "flags=-a\nflags=-b\n", "given twice", "flags twice");
    refuses(LANG_HEAD "compile=javac M.java\nartifact=M.class\n"
            "flags=-a -b -c -d -e -f -g -h -i -j -k -l -m -n -o -p -q -r -s "
            "-t -u -v -w -x -y -z -A -B -C -D -E -F -G\n",
            "allows 33 flags, more than 32", "33 flags");

    rc = languages_parse(&ls, LANG_HEAD "compile = javac M.java\n"
                         "artifact = M.class\n"
                         "flags = -O2  -std=*\t-D*\n", "t.conf",
                         err, sizeof(err));
    ok(rc == 0 && ls.items[0].n_flags == 3
       && strcmp(ls.items[0].flags[2], "-D*") == 0
       && ls.items[0].flags[3] == NULL, "flags split on blanks");
    ok(language_flag_allowed(&ls.items[0], "-O2"), "an exact flag");
    ok(!language_flag_allowed(&ls.items[0], "-O2x"), "exact means exact");
    ok(!language_flag_allowed(&ls.items[0], "-O"), "not a prefix of one");
    ok(language_flag_allowed(&ls.items[0], "-std=c++20"), "a prefix pattern");
    ok(language_flag_allowed(&ls.items[0], "-DX=a b"), "-D with any value");
    ok(!language_flag_allowed(&ls.items[0], "-D"),
       "a prefix pattern wants more than the prefix");
    ok(!language_flag_allowed(&ls.items[0], "-specs=x.specs"), "-specs=");
    ok(!language_flag_allowed(&ls.items[0], "-wrapper"), "-wrapper");
    ok(!language_flag_allowed(&ls.items[0], "@flags.txt"), "@file");
    languages_free(&ls);

    rc = languages_parse(&ls, LANG_HEAD "compile = javac M.java\n"
                         "artifact = M.class\n", "t.conf", err, sizeof(err));
    ok(rc == 0 && ls.items[0].n_flags == 0
       && !language_flag_allowed(&ls.items[0], "-O2"),
       "no flags key: no flag allowed");
    languages_free(&ls);

    rc = languages_load(&ls, "../conf/languages.conf", err, sizeof(err));
    if (rc != 0) {
        rc = languages_load(&ls, "conf/languages.conf", err, sizeof(err));
    }
    ok(rc == 0, "the shipped table parses");
    ok(rc == 0 && language_flag_allowed(&ls.items[1], "-O2")
       && language_flag_allowed(&ls.items[1], "-std=c++20")
       && !language_flag_allowed(&ls.items[1], "-specs=x.specs")
       && !language_flag_allowed(&ls.items[1], "-wrapper")
       && !language_flag_allowed(&ls.items[1], "-Wl,-T,x")
       && !language_flag_allowed(&ls.items[1], "-fplugin=./x.so"),
       "the shipped C++ flags");
    {
        size_t  i, good;

        good = 0;

        for (i = 0; rc == 0 && i < ls.n; i++) {
            good += ls.items[i].template != NULL
                    && strstr(ls.items[i].template, "Hello, world!") != NULL
                    && ls.items[i].template[strlen(ls.items[i].template) - 1]
                       == '\n'
                    && ls.items[i].runtime != NULL;
        }

        ok(rc == 0 && good == ls.n && ls.n >= 40,
           "every shipped language has a hello-world template ending in a "
           "newline, and a runtime");
        is_str(rc == 0 ? ls.items[0].template : NULL,
               "#include <stdio.h>\n\nint main(void)\n{\n"
               "    printf(\"Hello, world!\\n\");\n    return 0;\n}\n",
               "the shipped C template, escapes and all");
        is_str(rc == 0 ? ls.items[2].runtime : NULL, "python3",
               "the shipped Python runtime");
    }
    languages_free(&ls);

    unescapes("plain text", "plain text", "unescape: plain text as it is");
    unescapes("a\\nb\\tc", "a\nb\tc", "unescape: \\n and \\t");
    unescapes("say \\\"hi\\\" or \"hi\"", "say \"hi\" or \"hi\"",
              "unescape: \\\" and a plain quote");
    unescapes("printf(\"x\\\\n\")", "printf(\"x\\n\")",
              "unescape: \\\\ is one backslash, the n after it stays");
    unescapes("", "", "unescape: empty");
    unescape_refuses("a\\x", 4096, "unknown escape \"\\x\" at byte 2",
                     "unescape: an unknown escape is refused");
    unescape_refuses("a\\0", 4096, "unknown escape",
                     "unescape: no \\0 (a template has no NUL)");
    unescape_refuses("ends\\", 4096, "a backslash ends the value",
                     "unescape: a lone backslash at the end");
    unescape_refuses("abcdef", 5, "6 bytes, more than 5",
                     "unescape: longer than the bound");
    unescapes("\\n\\n\\n\\n\\n", "\n\n\n\n\n",
              "unescape: the bound is on the text, not the line");

    rc = languages_parse(&ls, LANG_HEAD "template = class M {}\\n\n",
                         "t.conf", err, sizeof(err));
    ok(rc == 0 && strcmp(ls.items[0].template, "class M {}\n") == 0,
       "template: its escapes turned into text");
    is_str(rc == 0 ? ls.items[0].runtime : NULL, "x",
           "runtime: the version command's first word by default");
    languages_free(&ls);

    rc = languages_parse(&ls, "[p]\nname=P\nversion=/usr/bin/python3 -V\n"
                         "source=m.py\nrun=python3 m.py\n", "t.conf", err,
                         sizeof(err));
    ok(rc == 0 && strcmp(ls.items[0].runtime, "python3") == 0
       && ls.items[0].template == NULL,
       "runtime: the first word without its directories; no template");
    languages_free(&ls);

    rc = languages_parse(&ls, LANG_HEAD "runtime = openjdk-17\n", "t.conf",
                         err, sizeof(err));
    ok(rc == 0 && strcmp(ls.items[0].runtime, "openjdk-17") == 0,
       "runtime given");
    languages_free(&ls);

    {
        char    big[sizeof(LANG_HEAD "template = \n") + 4097];
        size_t  head;

        head = strlen(LANG_HEAD "template = ");
        memcpy(big, LANG_HEAD "template = ", head);
        memset(big + head, 'x', 4097);
        strcpy(big + head + 4097, "\n");
        refuses(big, "t.conf:6: \"template\" of \"j\": the text is 4097 "
                "bytes, more than 4096", "a template over 4 KiB, with its "
                "file and line");

        strcpy(big + head + 4096, "\n");
        rc = languages_parse(&ls, big, "t.conf", err, sizeof(err));
        ok(rc == 0 && strlen(ls.items[0].template) == 4096,
           "a template of 4 KiB exactly");
        languages_free(&ls);
    }

    refuses(LANG_HEAD "template = a\\qb\n", "t.conf:6: \"template\" of "
            "\"j\": unknown escape", "a template with a bad escape");
    refuses(LANG_HEAD "template = a\ntemplate = b\n", "given twice",
            "template twice");
    refuses(LANG_HEAD "runtime = g++ 12\n", "\"runtime\" must be 1-32",
            "a runtime with a blank");
    refuses(LANG_HEAD "runtime = a\nruntime = b\n", "given twice",
            "runtime twice");
    refuses("[j]\nname=J\nversion=$(x) -v\nsource=M\nrun=M\n",
            "give \"runtime\"", "no runtime and none from the version");

    version_is("javac 17.0.15\n", "17.0.15");
    version_is("v20.20.2\n", "20.20.2");
    version_is("go version go1.22.1 linux/amd64\n", "1.22.1");
    version_is("GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)\n",
               "5.2.15");
    version_is("rustc 1.95.0 (59807616e 2026-04-14)\n", "1.95.0");
    version_is("ruby 3.1.2p20 (2022-04-12 revision 4491bb740a)\n", "3.1.2");
    version_is("12\n", "12");
    version_is("\n\n  weird build  \nmore\n", "weird build");
    ok(languages_extract_version("  \n") == NULL, "no version in blank "
       "output");
    ok(languages_extract_version("\377\376\033[31mjunk\n") == NULL,
       "no version in a line of binary bytes and escapes");
    ok(languages_extract_version("junk\001\n") == NULL,
       "no version in a line with a control character");

    test_main();

    return done_testing();
}
