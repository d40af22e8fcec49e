/*
 * Master URLs: what is accepted, how it is split, and what is refused.
 */

#include "daemon/url.h"
#include "tap.h"


static void
accepts(const char *text, int tls, const char *host, const char *port,
        const char *path, const char *host_header)
{
    struct url  u;
    char        err[256], name[512];

    snprintf(name, sizeof(name), "accepts %s", text);
    if (!ok(url_parse(&u, text, err, sizeof(err)) == 0, name)) {
        printf("#   %s\n", err);
        return;
    }

    snprintf(name, sizeof(name), "%s: scheme, host, port, path, Host", text);
    ok(u.tls == tls && strcmp(u.host, host) == 0 && strcmp(u.port, port) == 0
       && strcmp(u.path, path) == 0 && strcmp(u.host_header, host_header) == 0,
       name);
}


static void
refuses(const char *text, const char *why)
{
    struct url  u;
    char        err[256], name[512];

    snprintf(name, sizeof(name), "refuses %s (%s)", text, why);
    ok(url_parse(&u, text, err, sizeof(err)) == -1 && err[0] != '\0', name);
}


int
main(void)
{
    accepts("http://127.0.0.1:8080/worker", 0, "127.0.0.1", "8080",
            "/worker", "127.0.0.1:8080");
    accepts("https://judge.example.com/worker", 1, "judge.example.com",
            "443", "/worker", "judge.example.com");
    accepts("HTTP://host", 0, "host", "80", "/", "host");
    accepts("http://host:80/", 0, "host", "80", "/", "host");
    accepts("https://host:8443", 1, "host", "8443", "/", "host:8443");
    accepts("http://[::1]:8080/w?pool=a", 0, "::1", "8080", "/w?pool=a",
            "[::1]:8080");
    accepts("https://[2001:db8::1]/", 1, "2001:db8::1", "443", "/",
            "[2001:db8::1]");
    accepts("http://host?x=1", 0, "host", "80", "/?x=1", "host");

    refuses("ftp://host/", "scheme");
    refuses("host:8080/worker", "no scheme");
    refuses("http://", "no host");
    refuses("http://:8080/", "empty host");
    refuses("http://host:0/", "port 0");
    refuses("http://host:65536/", "port too big");
    refuses("http://host:80x/", "port not a number");
    refuses("http://host:/", "empty port");
    refuses("http://user:pw@host/", "user info");
    refuses("http://host/a b", "space");
    refuses("http://host/a\r\nX-Evil: 1", "CRLF injection");
    refuses("http://host/#frag", "fragment");
    refuses("http://[::1/", "unterminated IPv6");
    refuses("http://[::1]x/", "junk after IPv6");

    return done_testing();
}
