/*
 * Parsing the master URL.  Only what a worker needs: scheme, host, port
 * and path; user info and fragments are refused rather than ignored, and
 * no byte that could split the HTTP request (space, control characters)
 * may get through.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "url.h"


/*
 * True when "s" (of length "len") holds only characters that may appear
 * verbatim in a request line or Host header.
 */
static bool
url_chars_ok(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        unsigned char  c = (unsigned char) s[i];

        if (c <= 0x20 || c >= 0x7f) {
            return false;
        }
    }

    return true;
}


/*
 * Fills "u" from "text".  Accepts "http://" and "https://" (scheme case
 * insensitive), a host name, IPv4 or bracketed IPv6 literal, an optional
 * port 1-65535 and an optional path (default "/").  Returns 0, or -1 with
 * the reason in "err".
 */
int
url_parse(struct url *u, const char *text, char *err, size_t errlen)
{
    const char  *p, *host, *host_end, *port, *port_end, *path;
    size_t       host_len, port_len;
    long         port_num;
    char        *end;
    bool         ipv6;

    memset(u, 0, sizeof(*u));

    if (strncasecmp(text, "http://", 7) == 0) {
        p = text + 7;
        u->tls = false;

    } else if (strncasecmp(text, "https://", 8) == 0) {
        p = text + 8;
        u->tls = true;

    } else {
        snprintf(err, errlen, "master URL \"%s\" must start with http:// "
                 "or https://", text);
        return -1;
    }

    if (!url_chars_ok(p, strlen(p))) {
        snprintf(err, errlen, "master URL \"%s\" contains spaces or control "
                 "characters", text);
        return -1;
    }

    path = p + strcspn(p, "/?#");

    if (memchr(p, '@', (size_t) (path - p)) != NULL) {
        snprintf(err, errlen, "master URL \"%s\": user info is not "
                 "supported, use --token", text);
        return -1;
    }

    if (strchr(path, '#') != NULL) {
        snprintf(err, errlen, "master URL \"%s\" has a fragment", text);
        return -1;
    }

    ipv6 = (*p == '[');

    if (ipv6) {
        host = p + 1;
        host_end = memchr(host, ']', (size_t) (path - host));
        if (host_end == NULL) {
            snprintf(err, errlen, "master URL \"%s\": unterminated IPv6 "
                     "literal", text);
            return -1;
        }
        port = host_end + 1;

    } else {
        host = p;
        host_end = memchr(host, ':', (size_t) (path - host));
        if (host_end == NULL) {
            host_end = path;
        }
        port = host_end;
    }

    host_len = (size_t) (host_end - host);

    if (host_len == 0 || host_len >= sizeof(u->host)) {
        snprintf(err, errlen, "master URL \"%s\": bad host", text);
        return -1;
    }

    memcpy(u->host, host, host_len);

    if (port < path) {
        if (*port != ':') {
            snprintf(err, errlen, "master URL \"%s\": junk after the host",
                     text);
            return -1;
        }

        port++;
        port_end = path;
        port_len = (size_t) (port_end - port);

        if (port_len == 0 || port_len >= sizeof(u->port)
            || strspn(port, "0123456789") < port_len)
        {
            snprintf(err, errlen, "master URL \"%s\": bad port", text);
            return -1;
        }

        port_num = strtol(port, &end, 10);
        if (port_num < 1 || port_num > 65535) {
            snprintf(err, errlen, "master URL \"%s\": port out of range",
                     text);
            return -1;
        }

        snprintf(u->port, sizeof(u->port), "%ld", port_num);

    } else {
        strcpy(u->port, u->tls ? "443" : "80");
    }

    if (*path == '\0') {
        strcpy(u->path, "/");

    } else if (*path == '?') {
        if (strlen(path) + 1 >= sizeof(u->path)) {
            snprintf(err, errlen, "master URL \"%s\": path too long", text);
            return -1;
        }
        u->path[0] = '/';
        strcpy(u->path + 1, path);

    } else {
        if (strlen(path) >= sizeof(u->path)) {
            snprintf(err, errlen, "master URL \"%s\": path too long", text);
            return -1;
        }
        strcpy(u->path, path);
    }

    snprintf(u->host_header, sizeof(u->host_header), "%s%s%s%s%s",
             ipv6 ? "[" : "", u->host, ipv6 ? "]" : "",
             strcmp(u->port, u->tls ? "443" : "80") == 0 ? "" : ":",
             strcmp(u->port, u->tls ? "443" : "80") == 0 ? "" : u->port);

    return 0;
}
