/*
 * The terminal: what it can show, and the tree of tests.
 *
 * Colour and Unicode only on a terminal (colour not with NO_COLOR or
 * TERM=dumb, Unicode only in a UTF-8 locale).  On a terminal the tree is
 * redrawn in place as tests finish, with a spinner on the tests still
 * out and a status line under it; a tree taller than the terminal shows
 * only the status line until the end.  Elsewhere (a pipe, a file) the
 * tree is printed once, at the end, in ASCII.
 *
 *   Sum · python
 *   ├─ samples
 *   │  ├─ ✓ s1  12 ms
 *   │  └─ ✓ s2  9 ms
 *   └─ hidden
 *      ├─ ⠹ big
 *      └─ ✗ neg  WA · wrong answer
 *   ⠹ judging · 3/4 tests done
 */

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "judge.h"


#define SGR_BOLD   "1"
#define SGR_DIM    "2"
#define SGR_RED    "31"
#define SGR_GREEN  "32"
#define SGR_CYAN   "36"


static const char *const  spinner_utf8[] = {
    "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"
};
static const char *const  spinner_ascii[] = { "|", "/", "-", "\\" };


void
term_init(term_t *t)
{
    struct winsize   ws;
    const char      *term = getenv("TERM");
    const char      *no_color = getenv("NO_COLOR");

    memset(t, 0, sizeof(*t));
    t->rows = 24;
    t->cols = 80;
    t->tty = isatty(STDOUT_FILENO);
    if (!t->tty) {
        return;
    }
    t->color = (no_color == NULL || *no_color == '\0')
               && (term == NULL || strcmp(term, "dumb") != 0);
    t->unicode = strcasecmp(nl_langinfo(CODESET), "UTF-8") == 0;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
        t->rows = ws.ws_row;
        t->cols = ws.ws_col;
    }
}


/* the escape sequence of "sgr" ("0" resets), or "" without colour */
const char *
term_color(const term_t *t, const char *sgr)
{
    static char  buf[4][16];
    static int   next;
    char        *b;

    if (!t->color) {
        return "";
    }
    b = buf[next++ % 4];
    snprintf(b, sizeof(buf[0]), "\033[%sm", sgr);
    return b;
}


char *
judge_format(const char *fmt, ...)
{
    va_list   ap;
    char     *s;
    int       n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : s;
}


/*
 * The character at "p" (of "len" bytes left): its length in bytes, and
 * in "*bad" whether a terminal could act on it or draw it misleadingly:
 * a C0 control but the tab, DEL, a C1 control, a bidirectional override
 * or isolate (U+202A-U+202E, U+2066-U+2069), or a byte that does not
 * begin a whole UTF-8 character (counted alone).  A newline is bad too;
 * the callers that keep lines look for it first.
 */
static size_t
text_char(const unsigned char *p, size_t len, int *bad)
{
    size_t    n, i;
    unsigned  c;

    if (p[0] < 0x80) {
        *bad = p[0] < 0x20 ? p[0] != '\t' : p[0] == 0x7f;
        return 1;
    }
    n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4
        : p[0] >= 0xe0 && p[0] <= 0xef ? 3
        : p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : 0;
    *bad = 1;
    if (n == 0 || n > len) {
        return 1;
    }
    c = p[0] & (0x7f >> n);
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 1;
        }
        c = c << 6 | (p[i] & 0x3f);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff))
        || (c >= 0xd800 && c <= 0xdfff))
    {
        return 1;
    }
    *bad = c < 0xa0 || (c >= 0x202a && c <= 0x202e)
           || (c >= 0x2066 && c <= 0x2069);
    return n;
}


/*
 * "s" (of "len" bytes) made safe to print on one line: each character
 * that text_char() finds bad, the newline included, shown as "?".  A new
 * string, or NULL when out of memory.
 */
char *
text_clean(const char *s, size_t len)
{
    char    *out, *o;
    size_t   i, n;
    int      bad;

    out = malloc(len + 1);
    if (out == NULL) {
        return NULL;
    }
    o = out;
    for (i = 0; i < len; i += n) {
        n = text_char((const unsigned char *) s + i, len - i, &bad);
        if (bad) {
            *o++ = '?';
        } else {
            memcpy(o, s + i, n);
            o += n;
        }
    }
    *o = '\0';
    return out;
}


/* writes "s" (of "len" bytes) as text_clean() makes it, into "f" */
void
text_put(FILE *f, const char *s, size_t len)
{
    char  *c = text_clean(s, len);

    fputs(c ? c : "?", f);
    free(c);
}


/*
 * A program's text made safe and short for the terminal: at most
 * "max_lines" lines of at most "max_cols" characters each (what is cut
 * is said with "…"), what text_char() finds bad shown as "?", a missing
 * last newline not added.  A new string.
 */
char *
text_preview(const char *s, size_t len, size_t max_lines, size_t max_cols)
{
    char            *out, *o;
    size_t           i, n, line = 0, col = 0, lines_left;
    int              bad;

    out = malloc(len * 3 + 64 + max_lines * 4);
    if (out == NULL) {
        return NULL;
    }
    o = out;
    for (i = 0; i < len; i += n) {
        n = 1;
        if (s[i] == '\n') {
            if (i + 1 == len || ++line == max_lines) {
                break;
            }
            *o++ = '\n';
            col = 0;
            continue;
        }
        n = text_char((const unsigned char *) s + i, len - i, &bad);
        if (col == max_cols) {
            o += sprintf(o, "…");
            col++;
        }
        if (col > max_cols) {
            continue;
        }
        if (bad) {
            *o++ = '?';
        } else {
            memcpy(o, s + i, n);
            o += n;
        }
        col++;
    }
    if (line == max_lines && i + 1 < len) {
        lines_left = 0;
        for (; i < len; i++) {
            lines_left += s[i] == '\n';
        }
        if (len > 0 && s[len - 1] != '\n') {
            lines_left++;
        }
        o += sprintf(o, "\n… %zu more line%s", lines_left,
                     lines_left == 1 ? "" : "s");
    }
    *o = '\0';
    return out;
}


/* a new group of items, "name" copied; 0, or -1 when out of memory */
int
tree_add_group(tree_t *t, const char *name)
{
    char  **groups, *copy;

    copy = strdup(name);
    groups = copy ? realloc(t->groups, (t->ngroups + 1) * sizeof(char *))
                  : NULL;
    if (groups == NULL) {
        free(copy);
        return -1;
    }
    t->groups = groups;
    t->groups[t->ngroups++] = copy;
    return 0;
}


/*
 * A new pending item "name" (copied) of group "group", the tree's next
 * index; 0, or -1 when out of memory.
 */
int
tree_add_item(tree_t *t, const char *name, size_t group)
{
    tree_item_t  *items;
    char         *copy;

    copy = strdup(name);
    items = copy ? realloc(t->items, (t->nitems + 1) * sizeof(tree_item_t))
                 : NULL;
    if (items == NULL) {
        free(copy);
        return -1;
    }
    t->items = items;
    memset(&items[t->nitems], 0, sizeof(tree_item_t));
    items[t->nitems].name = copy;
    items[t->nitems].group = group;
    t->nitems++;
    return 0;
}


/* how many items are no longer pending */
size_t
tree_done(const tree_t *t)
{
    size_t  i, n = 0;

    for (i = 0; i < t->nitems; i++) {
        n += t->items[i].state != ITEM_PENDING;
    }
    return n;
}


void
tree_add_line(tree_item_t *it, const char *fmt, ...)
{
    va_list   ap;
    char     *s, **lines;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0) {
        s = NULL;
    }
    va_end(ap);
    if (s == NULL) {
        return;
    }
    lines = realloc(it->lines, (it->nlines + 1) * sizeof(char *));
    if (lines == NULL) {
        free(s);
        return;
    }
    it->lines = lines;
    it->lines[it->nlines++] = s;
}


void
tree_set(tree_item_t *it, item_state_t state, const char *detail)
{
    it->state = state;
    free(it->detail);
    it->detail = detail ? strdup(detail) : NULL;
}


void
tree_status(tree_t *t, int ok, const char *fmt, ...)
{
    va_list  ap;

    free(t->status);
    va_start(ap, fmt);
    if (vasprintf(&t->status, fmt, ap) < 0) {
        t->status = NULL;
    }
    va_end(ap);
    t->status_ok = ok;
}


static const char *
spinner(const tree_t *t)
{
    return t->term->unicode
           ? spinner_utf8[t->spin % (sizeof(spinner_utf8) / sizeof(char *))]
           : spinner_ascii[t->spin % (sizeof(spinner_ascii)
                                      / sizeof(char *))];
}


/* one item's mark, coloured */
static void
item_mark(const tree_t *t, FILE *f, item_state_t state)
{
    const term_t  *tm = t->term;

    switch (state) {
    case ITEM_PASS:
        fprintf(f, "%s%s%s", term_color(tm, SGR_GREEN),
                tm->unicode ? "✓" : "+", term_color(tm, "0"));
        break;
    case ITEM_FAIL:
        fprintf(f, "%s%s%s", term_color(tm, SGR_RED),
                tm->unicode ? "✗" : "x", term_color(tm, "0"));
        break;
    case ITEM_SKIP:
        fprintf(f, "%s%s%s", term_color(tm, SGR_DIM),
                tm->unicode ? "–" : "-", term_color(tm, "0"));
        break;
    default:
        fprintf(f, "%s%s%s", term_color(tm, SGR_CYAN),
                t->live ? spinner(t) : tm->unicode ? "○" : "o",
                term_color(tm, "0"));
    }
}


/*
 * The tree as text, without the status line, into "f"; returns the
 * number of lines.
 */
static int
tree_text(const tree_t *t, FILE *f)
{
    const term_t  *tm = t->term;
    const char    *branch = tm->unicode ? "├─ " : "|- ";
    const char    *last = tm->unicode ? "└─ " : "`- ";
    const char    *pipe = tm->unicode ? "│  " : "|  ";
    const char    *indent, *gindent, *p, *nl;
    size_t         g, i, k, ngroups, end;
    int            lines = 0, is_last, glast;

    if (t->title != NULL) {
        fprintf(f, "%s%s%s\n", term_color(tm, SGR_BOLD), t->title,
                term_color(tm, "0"));
        lines++;
    }
    ngroups = t->ngroups ? t->ngroups : 1;
    for (g = 0; g < ngroups; g++) {
        glast = g + 1 == ngroups;
        gindent = "";
        if (t->ngroups) {
            fprintf(f, "%s%s", glast ? last : branch,
                    term_color(tm, SGR_BOLD));
            text_put(f, t->groups[g], strlen(t->groups[g]));
            fprintf(f, "%s\n", term_color(tm, "0"));
            lines++;
            gindent = glast ? "   " : pipe;
        }
        end = t->nitems;
        while (end > 0 && t->items[end - 1].group != g) {
            end--;
        }
        for (i = 0; i < t->nitems; i++) {
            const tree_item_t  *it = &t->items[i];

            if (it->group != g) {
                continue;
            }
            is_last = i + 1 == end;
            fprintf(f, "%s%s", gindent, is_last ? last : branch);
            item_mark(t, f, it->state);
            fputc(' ', f);
            text_put(f, it->name, strlen(it->name));
            if (it->detail != NULL && *it->detail != '\0') {
                fprintf(f, "  %s",
                        term_color(tm, it->state == ITEM_FAIL ? SGR_RED
                                                              : SGR_DIM));
                text_put(f, it->detail, strlen(it->detail));
                fputs(term_color(tm, "0"), f);
            }
            fputc('\n', f);
            lines++;
            indent = is_last ? "     " : tm->unicode ? "│    " : "|    ";
            for (k = 0; k < it->nlines; k++) {
                for (p = it->lines[k]; p != NULL; p = nl ? nl + 1 : NULL) {
                    nl = strchr(p, '\n');
                    fprintf(f, "%s%s%s", gindent, indent,
                            term_color(tm, SGR_DIM));
                    text_put(f, p, nl ? (size_t) (nl - p) : strlen(p));
                    fprintf(f, "%s\n", term_color(tm, "0"));
                    lines++;
                }
            }
        }
    }
    return lines;
}


static void
status_text(const tree_t *t, FILE *f, int final)
{
    const term_t  *tm = t->term;

    if (t->status == NULL) {
        return;
    }
    if (!final) {
        fprintf(f, "%s%s%s ", term_color(tm, SGR_CYAN), spinner(t),
                term_color(tm, "0"));
        text_put(f, t->status, strlen(t->status));
        fputc('\n', f);
        return;
    }
    fprintf(f, "%s%s%s ",
            term_color(tm, t->status_ok > 0 ? SGR_GREEN
                           : t->status_ok == 0 ? SGR_RED : SGR_CYAN),
            term_color(tm, SGR_BOLD),
            t->status_ok > 0 ? (tm->unicode ? "✓" : "+")
            : t->status_ok == 0 ? (tm->unicode ? "✗" : "x")
            : (tm->unicode ? "○" : "o"));
    text_put(f, t->status, strlen(t->status));
    fprintf(f, "%s\n", term_color(tm, "0"));
}


/*
 * Draws the tree again in place on a terminal (does nothing elsewhere):
 * back over the lines drawn last time, each line cleared as it is
 * written.  Each call turns the spinners a step.
 */
void
tree_draw(tree_t *t)
{
    char    *text = NULL;
    size_t   size = 0;
    FILE    *mem;
    int      lines;

    if (!t->term->tty) {
        return;
    }
    t->live = 1;
    t->spin++;
    mem = open_memstream(&text, &size);
    if (mem == NULL) {
        return;
    }
    lines = tree_text(t, mem);
    fclose(mem);
    if (t->drawn > 0) {
        printf("\r\033[%dA", t->drawn);
    }
    if (lines + 1 < t->term->rows) {
        fputs("\033[J", stdout);
        for (char *p = text, *nl; p && *p; p = nl ? nl + 1 : NULL) {
            nl = strchr(p, '\n');
            printf("\033[2K%.*s\n", (int) (nl ? nl - p : (long) strlen(p)),
                   p);
        }
        t->drawn = lines;
    } else {
        fputs("\033[J", stdout);
        t->drawn = 0;
    }
    if (t->status != NULL) {
        fputs("\033[2K", stdout);
        status_text(t, stdout, 0);
        t->drawn++;
    }
    fflush(stdout);
    free(text);
}


/*
 * The tree's last drawing: in place of the live one on a terminal, once
 * elsewhere; the status line is the outcome.
 */
void
tree_finish(tree_t *t)
{
    if (t->term->tty && t->drawn > 0) {
        printf("\r\033[%dA\033[J", t->drawn);
    }
    t->live = 0;
    if (!t->status_only) {
        tree_text(t, stdout);
    }
    status_text(t, stdout, 1);
    fflush(stdout);
    t->drawn = 0;
}


void
tree_free(tree_t *t)
{
    size_t  i, k;

    for (i = 0; i < t->nitems; i++) {
        free(t->items[i].name);
        free(t->items[i].detail);
        for (k = 0; k < t->items[i].nlines; k++) {
            free(t->items[i].lines[k]);
        }
        free(t->items[i].lines);
    }
    free(t->items);
    for (i = 0; i < t->ngroups; i++) {
        free(t->groups[i]);
    }
    free(t->groups);
    free(t->title);
    free(t->status);
    memset(t, 0, sizeof(*t));
}
