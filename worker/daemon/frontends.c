/*
 * Frontends: the list of master URLs parsed, and the round-robin over
 * them (see frontends.h for the order and when to back off).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frontends.h"
#include "util.h"


/*
 * True when two parsed URLs name the same endpoint.
 */
static bool
url_same(const struct url *a, const struct url *b)
{
    return a->tls == b->tls && strcasecmp(a->host, b->host) == 0
           && strcmp(a->port, b->port) == 0 && strcmp(a->path, b->path) == 0;
}


/*
 * Counts the non-blank entries of a comma-separated list.
 */
static size_t
list_count(const char *list)
{
    const char  *p, *end;
    size_t       n;

    n = 0;

    for (p = list; ; p = end + 1) {
        end = p + strcspn(p, ",");

        if (strspn(p, " \t\r\n") < (size_t) (end - p)) {
            n++;
        }

        if (*end == '\0') {
            return n;
        }
    }
}


/*
 * Parses "list", master URLs separated by commas (blank entries skipped),
 * into "*out" (n of them, in the given order).  Each is checked as
 * url_parse() does; an error about one of several says which one it is,
 * and a URL given twice is refused.  Returns 0, or -1 with the reason in
 * "err" and nothing allocated.
 */
int
frontends_parse(const char *list, struct frontend **out, size_t *n,
                char *err, size_t errlen)
{
    char             *copy, *tok, *save, why[512];
    size_t            total, i, j;
    struct frontend  *fe;

    total = list_count(list);

    if (total == 0) {
        snprintf(err, errlen, "no master: pass --master URL");
        return -1;
    }

    copy = strdup(list);
    fe = calloc(total, sizeof(*fe));

    if (copy == NULL || fe == NULL) {
        snprintf(err, errlen, "out of memory");
        free(copy);
        free(fe);
        return -1;
    }

    i = 0;

    for (tok = strtok_r(copy, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save))
    {
        tok = str_trim(tok);
        if (*tok == '\0') {
            continue;
        }

        if (url_parse(&fe[i].url, tok, why, sizeof(why)) != 0) {
            if (total == 1) {
                snprintf(err, errlen, "%s", why);
            } else {
                snprintf(err, errlen, "frontend %zu of %zu: %s", i + 1,
                         total, why);
            }
            goto failed;
        }

        for (j = 0; j < i; j++) {
            if (url_same(&fe[j].url, &fe[i].url)) {
                snprintf(err, errlen, "frontends %zu and %zu are the same: "
                         "\"%s\"", j + 1, i + 1, tok);
                goto failed;
            }
        }

        fe[i].text = strdup(tok);
        if (fe[i].text == NULL) {
            snprintf(err, errlen, "out of memory");
            goto failed;
        }

        i++;
    }

    free(copy);

    *out = fe;
    *n = i;

    return 0;

failed:

    free(copy);
    frontends_free(fe, i);

    return -1;
}


/*
 * Frees a list frontends_parse() made.
 */
void
frontends_free(struct frontend *list, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        free(list[i].text);
    }

    free(list);
}


/*
 * Starts at the first of "n" frontends.
 */
void
rotation_init(struct rotation *r, size_t n)
{
    r->n = n;
    r->current = 0;
    r->failures = 0;
}


/*
 * The current frontend failed (a dial, or a stream that ended): moves on
 * to the next one.  Returns true when that ended a round, every frontend
 * having failed in turn, so the caller backs off before dialling again;
 * false when the next one is to be dialled at once.
 */
bool
rotation_failed(struct rotation *r)
{
    r->current = (r->current + 1) % r->n;
    r->failures++;

    if (r->failures < r->n) {
        return false;
    }

    r->failures = 0;

    return true;
}


/*
 * The current frontend proved itself (a healthy stream, or it asked the
 * worker to come back): a new round starts there.
 */
void
rotation_settled(struct rotation *r)
{
    r->failures = 0;
}
