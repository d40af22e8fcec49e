/*
 * Frontends: a list of master URLs parsed in order, its errors naming
 * the URL at fault, and the round-robin: the next frontend at once after
 * a failure, a backoff only after a whole round, no move back after
 * settling.
 */

#include <stdlib.h>

#include "daemon/frontends.h"
#include "tap.h"


/*
 * The frontends dialled after each of "failures" failures in a row, as a
 * string of indexes, a "|" where the caller would back off: "12|0" is
 * frontend 1, frontend 2, a backoff, frontend 0.
 */
static const char *
walk(struct rotation *r, unsigned failures)
{
    static char  out[64];
    size_t       len;

    len = 0;

    while (failures-- > 0 && len < sizeof(out) - 3) {
        if (rotation_failed(r)) {
            out[len++] = '|';
        }
        out[len++] = (char) ('0' + r->current);
    }

    out[len] = '\0';

    return out;
}


int
main(void)
{
    struct frontend  *fe;
    struct rotation   r;
    size_t            n;
    char              err[512];

    /* the list */

    ok(frontends_parse("http://a:1/w", &fe, &n, err, sizeof(err)) == 0
       && n == 1, "one URL");
    is_str(fe[0].url.host, "a", "parsed");
    is_str(fe[0].url.port, "1", "with its port");
    frontends_free(fe, n);

    ok(frontends_parse(" http://a/w ,https://b:8443/x,, [::1]", &fe, &n,
                       err, sizeof(err)) == -1
       && strstr(err, "frontend 3 of 3") != NULL
       && strstr(err, "\"[::1]\"") != NULL,
       "a URL without scheme: the error names it and its place");
    printf("# %s\n", err);

    ok(frontends_parse(" http://a/w ,https://b:8443/x,, http://[::1]:9/",
                       &fe, &n, err, sizeof(err)) == 0 && n == 3,
       "three URLs, blanks around and between skipped");
    if (n == 3) {
        is_str(fe[0].text, "http://a/w", "the first as given, trimmed");
        ok(!fe[0].url.tls && fe[1].url.tls, "each its own scheme");
        is_str(fe[1].url.port, "8443", "each its own port");
        is_str(fe[2].url.host, "::1", "an IPv6 literal");
    }
    frontends_free(fe, n);

    ok(frontends_parse("http://a/w,htp://b/w", &fe, &n, err, sizeof(err))
       == -1 && strstr(err, "frontend 2 of 2") != NULL
       && strstr(err, "\"htp://b/w\"") != NULL,
       "a bad scheme second: named");

    ok(frontends_parse("htp://b/w", &fe, &n, err, sizeof(err)) == -1
       && strstr(err, "frontend") == NULL && strstr(err, "htp://b/w") != NULL,
       "a single bad URL: the URL parser's own message");

    ok(frontends_parse("http://a/w, HTTP://A:80/w", &fe, &n, err, sizeof(err))
       == -1 && strstr(err, "frontends 1 and 2 are the same") != NULL,
       "the same endpoint twice is refused");
    printf("# %s\n", err);

    ok(frontends_parse("http://a/w, http://a/v, https://a/w", &fe, &n, err,
                       sizeof(err)) == 0 && n == 3,
       "same host, other path or scheme: other frontends");
    frontends_free(fe, n);

    ok(frontends_parse(" ,\t, ", &fe, &n, err, sizeof(err)) == -1
       && strstr(err, "--master") != NULL, "nothing but commas: no master");

    ok(frontends_parse("", &fe, &n, err, sizeof(err)) == -1,
       "an empty list: no master");

    /* the rotation */

    rotation_init(&r, 1);
    is_int(r.current, 0, "one frontend: dialled");
    is_str(walk(&r, 3), "|0|0|0", "one frontend: a backoff after each "
           "failure, as ever");

    rotation_init(&r, 3);
    is_int(r.current, 0, "three: the first is dialled first");
    is_str(walk(&r, 7), "12|012|01", "the next at once, a backoff after "
           "each whole round");

    rotation_init(&r, 3);
    is_str(walk(&r, 1), "1", "the first fails: the second at once");
    rotation_settled(&r);
    is_int(r.current, 1, "settled on the second: it stays there");
    is_str(walk(&r, 3), "20|1", "it fails later: a round from there, "
           "back to it last");

    rotation_init(&r, 2);
    is_str(walk(&r, 1), "1", "two: the second at once");
    rotation_settled(&r);
    is_str(walk(&r, 1), "0", "the second fails: the first at once");
    rotation_settled(&r);
    is_str(walk(&r, 2), "1|0", "a round after settling: one backoff");

    rotation_init(&r, 2);
    is_str(walk(&r, 1), "1", "not settled: the failures count on");
    is_str(walk(&r, 1), "|0", "so the round ends there");

    return done_testing();
}
