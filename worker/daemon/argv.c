/*
 * Splitting a command of the languages table into words.
 *
 * The rules are a small, predictable subset of the shell's:
 *
 *   - words are separated by spaces and tabs;
 *   - 'single quotes' keep everything up to the next single quote;
 *   - "double quotes" keep everything up to the next unescaped double
 *     quote; inside them a backslash escapes only '"' and '\';
 *   - outside quotes a backslash keeps the next character as it is;
 *   - quotes may join parts of one word: -DNAME='a b' is one word.
 *
 * Nothing is expanded: no variables, no globs, no "~", no operators.
 * Because a reader of the table could expect a shell, the characters that
 * would mean something to one ( | & ; < > ( ) $ ` * ? ) are refused when
 * they stand unquoted, rather than passed on silently as plain text.  A
 * command that really needs a shell says so: /bin/sh -c '...'.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"


#define ARGV_SHELL_CHARS  "|&;<>()$`*?"


/*
 * Splits "line" into a NULL-terminated argv held in one allocation (free
 * it with free()).  "*argc" gets the number of words.  Returns NULL with
 * the reason in "err" for an unterminated quote, a trailing backslash, an
 * unquoted shell character, an empty line, or ENOMEM.
 */
char **
argv_split(const char *line, size_t *argc, char *err, size_t errlen)
{
    size_t        len, words, i;
    char         *scratch, *out, **argv, *strings;
    const char   *p;
    int           in_word;

    len = strlen(line);

    /* the words, each NUL-terminated, never take more than the line */
    scratch = malloc(len + 1);
    if (scratch == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }

    out = scratch;
    words = 0;
    in_word = 0;

    for (p = line; *p != '\0'; p++) {

        if (*p == ' ' || *p == '\t') {
            if (in_word) {
                *out++ = '\0';
                in_word = 0;
            }
            continue;
        }

        if (!in_word) {
            in_word = 1;
            words++;
        }

        if (*p == '\'') {
            for (p++; *p != '\'' && *p != '\0'; p++) {
                *out++ = *p;
            }
            if (*p == '\0') {
                snprintf(err, errlen, "unterminated ' in \"%s\"", line);
                goto failed;
            }

        } else if (*p == '"') {
            for (p++; *p != '"' && *p != '\0'; p++) {
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) {
                    p++;
                }
                *out++ = *p;
            }
            if (*p == '\0') {
                snprintf(err, errlen, "unterminated \" in \"%s\"", line);
                goto failed;
            }

        } else if (*p == '\\') {
            if (p[1] == '\0') {
                snprintf(err, errlen, "trailing \\ in \"%s\"", line);
                goto failed;
            }
            *out++ = *++p;

        } else if (strchr(ARGV_SHELL_CHARS, *p) != NULL) {
            snprintf(err, errlen, "unquoted '%c' in \"%s\": commands are not "
                     "run by a shell (quote it, or use /bin/sh -c '...')",
                     *p, line);
            goto failed;

        } else {
            *out++ = *p;
        }
    }

    if (in_word) {
        *out++ = '\0';
    }

    if (words == 0) {
        snprintf(err, errlen, "empty command");
        goto failed;
    }

    argv = malloc((words + 1) * sizeof(char *) + (size_t) (out - scratch));
    if (argv == NULL) {
        snprintf(err, errlen, "out of memory");
        goto failed;
    }

    strings = (char *) (argv + words + 1);
    memcpy(strings, scratch, (size_t) (out - scratch));

    for (i = 0; i < words; i++) {
        argv[i] = strings;
        strings += strlen(strings) + 1;
    }

    argv[words] = NULL;
    free(scratch);

    if (argc != NULL) {
        *argc = words;
    }

    return argv;

failed:

    free(scratch);
    return NULL;
}


/*
 * The number of words of a NULL-terminated argv.
 */
size_t
argv_count(char *const *argv)
{
    size_t  n;

    for (n = 0; argv[n] != NULL; n++) {
        /* count */
    }

    return n;
}
