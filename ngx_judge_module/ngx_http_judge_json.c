
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_json.h"


/*
 * JSON output: strings escaped (and made valid UTF-8), lists, ids checked
 * as names; sending a buffer or a chain, and the {"error":{...}} answers.
 */


/* length of s as a quoted, escaped JSON string */

size_t
ngx_http_judge_json_str_len(ngx_str_t *s)
{
    return 2 + s->len + ngx_escape_json(NULL, s->data, s->len);
}


u_char *
ngx_http_judge_json_str(u_char *p, ngx_str_t *s)
{
    *p++ = '"';
    p = (u_char *) ngx_escape_json(p, s->data, s->len);
    *p++ = '"';

    return p;
}


/*
 * A list kept comma-wrapped for matching (",a,b,") rendered as the members
 * of a JSON array ("a","b").
 */

size_t
ngx_http_judge_json_list_len(ngx_str_t *list)
{
    return 3 * list->len + ngx_escape_json(NULL, list->data, list->len);
}


u_char *
ngx_http_judge_json_list(u_char *p, ngx_str_t *list)
{
    u_char      *s, *e, *last;
    ngx_str_t    item;
    ngx_uint_t   first;

    first = 1;
    last = list->data + list->len;

    for (s = list->data; s < last; s = e + 1) {
        e = ngx_strlchr(s, last, ',');
        if (e == NULL) {
            e = last;
        }

        if (e == s) {
            continue;
        }

        if (!first) {
            *p++ = ',';
        }

        first = 0;

        item.data = s;
        item.len = e - s;
        p = ngx_http_judge_json_str(p, &item);
    }

    return p;
}


ngx_int_t
ngx_http_judge_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_buf_t *b)
{
    static ngx_str_t  json = ngx_string("application/json");

    return ngx_http_judge_send(r, status, &json, b);
}


/* a whole answer in one buffer */

ngx_int_t
ngx_http_judge_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b)
{
    ngx_chain_t  out;

    out.buf = b;
    out.next = NULL;

    return ngx_http_judge_send_chain(r, status, type, &out, b->last - b->pos);
}


/* a whole answer of "len" bytes in memory and file parts */

ngx_int_t
ngx_http_judge_send_chain(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_chain_t *out, off_t len)
{
    ngx_int_t     rc;
    ngx_chain_t  *cl;

    r->headers_out.status = status;
    r->headers_out.content_length_n = len;

    /* reason phrases nginx's header filter does not know */

    switch (status) {

    case NGX_HTTP_JUDGE_UNPROCESSABLE:
        ngx_str_set(&r->headers_out.status_line, "422 Unprocessable Entity");
        break;

    case NGX_HTTP_JUDGE_UPGRADE_REQUIRED:
        ngx_str_set(&r->headers_out.status_line, "426 Upgrade Required");
        break;
    }

    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    if (r->method == NGX_HTTP_HEAD || len == 0) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    for (cl = out; cl->next; cl = cl->next) { /* void */ }

    cl->buf->last_buf = (r == r->main) ? 1 : 0;
    cl->buf->last_in_chain = 1;

    return ngx_http_output_filter(r, out);
}

/* a jansson value as the answer (it is freed here) */

ngx_int_t
ngx_http_judge_send_jansson(ngx_http_request_t *r, ngx_uint_t status,
    json_t *json)
{
    size_t      len;
    ngx_buf_t  *b;

    /* 0.3 as 0.3: the 15 digits a double keeps, not 17 */

    static const size_t  flags = JSON_COMPACT|JSON_ENCODE_ANY
                                 |JSON_REAL_PRECISION(15);

    len = json ? json_dumpb(json, NULL, 0, flags) : 0;

    b = len ? ngx_create_temp_buf(r->pool, len + 1) : NULL;

    if (b == NULL || json_dumpb(json, (char *) b->pos, len, flags) != len) {
        json_decref(json);
        return ngx_http_judge_send_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                         "internal_error", "out of memory");
    }

    json_decref(json);

    b->last = b->pos + len;
    *b->last++ = '\n';

    return ngx_http_judge_send_json(r, status, b);
}


/* a response header, "key: value" (static strings) */

ngx_int_t
ngx_http_judge_add_header(ngx_http_request_t *r, char *key, char *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value.data = (u_char *) value;
    h->value.len = ngx_strlen(value);

    return NGX_OK;
}


ngx_int_t
ngx_http_judge_send_error(ngx_http_request_t *r, ngx_uint_t status,
    char *code, char *message)
{
    return ngx_http_judge_send_error_with(r, status, code, message, NULL, 1);
}


/* for a 429 or 503 "status", Retry-After: "secs" (at least 1) */

ngx_int_t
ngx_http_judge_retry_after(ngx_http_request_t *r, ngx_uint_t status,
    time_t secs)
{
    ngx_table_elt_t  *h;

    if (status != NGX_HTTP_SERVICE_UNAVAILABLE
        && status != NGX_HTTP_TOO_MANY_REQUESTS)
    {
        return NGX_OK;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->value.data = ngx_pnalloc(r->pool, NGX_TIME_T_LEN);
    if (h->value.data == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Retry-After");
    h->value.len = ngx_sprintf(h->value.data, "%T", ngx_max(secs, 1))
                   - h->value.data;

    return NGX_OK;
}


/*
 * An error with more members after "error" ("extra", JSON members, or
 * NULL), and for 429 and 503 the seconds of Retry-After.
 */

ngx_int_t
ngx_http_judge_send_error_with(ngx_http_request_t *r, ngx_uint_t status,
    char *code, char *message, ngx_str_t *extra, time_t retry)
{
    size_t      len;
    ngx_buf_t  *b;
    ngx_str_t   c, m;

    if (ngx_http_judge_retry_after(r, status, retry) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    c.data = (u_char *) code;
    c.len = ngx_strlen(code);
    m.data = (u_char *) message;
    m.len = ngx_strlen(message);

    len = sizeof("{\"error\":{\"code\":,\"message\":}}\n") - 1
          + ngx_http_judge_json_str_len(&c)
          + ngx_http_judge_json_str_len(&m)
          + (extra ? extra->len + 1 : 0);

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_cpymem(b->last, "{\"error\":{\"code\":", 17);
    b->last = ngx_http_judge_json_str(b->last, &c);
    b->last = ngx_cpymem(b->last, ",\"message\":", 11);
    b->last = ngx_http_judge_json_str(b->last, &m);
    *b->last++ = '}';

    if (extra) {
        *b->last++ = ',';
        b->last = ngx_cpymem(b->last, extra->data, extra->len);
    }

    b->last = ngx_cpymem(b->last, "}\n", 2);

    return ngx_http_judge_send_json(r, status, b);
}


/*
 * Program output is bytes, JSON is UTF-8: valid sequences pass, control
 * characters are escaped, and each byte that is not part of a valid
 * sequence becomes U+FFFD.  The length is an upper bound.
 */

size_t
ngx_http_judge_json_utf8_len(ngx_str_t *s)
{
    return 2 + 6 * s->len;
}


static size_t
ngx_http_judge_utf8_seq(u_char *p, u_char *last)
{
    size_t  n, i;
    u_char  c, lo, hi;

    c = *p;

    if (c < 0x80) {
        return 1;
    }

    lo = 0x80;
    hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0) {
            lo = 0xa0;
        } else if (c == 0xed) {
            hi = 0x9f;
        }

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0) {
            lo = 0x90;
        } else if (c == 0xf4) {
            hi = 0x8f;
        }

    } else {
        return 0;
    }

    if ((size_t) (last - p) < n || p[1] < lo || p[1] > hi) {
        return 0;
    }

    for (i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) {
            return 0;
        }
    }

    return n;
}


u_char *
ngx_http_judge_json_utf8(u_char *p, ngx_str_t *s)
{
    u_char  *src, *last;
    size_t   n;

    static u_char  hex[] = "0123456789abcdef";

    src = s->data;
    last = s->data + s->len;

    *p++ = '"';

    while (src < last) {
        n = ngx_http_judge_utf8_seq(src, last);

        if (n == 0) {
            p = ngx_cpymem(p, "\\ufffd", 6);
            src++;
            continue;
        }

        if (n > 1) {
            p = ngx_cpymem(p, src, n);
            src += n;
            continue;
        }

        switch (*src) {

        case '"':
        case '\\':
            *p++ = '\\';
            *p++ = *src;
            break;

        case '\n':
            *p++ = '\\';
            *p++ = 'n';
            break;

        case '\r':
            *p++ = '\\';
            *p++ = 'r';
            break;

        case '\t':
            *p++ = '\\';
            *p++ = 't';
            break;

        default:
            if (*src < 0x20 || *src == 0x7f) {
                p = ngx_cpymem(p, "\\u00", 4);
                *p++ = hex[*src >> 4];
                *p++ = hex[*src & 0xf];

            } else {
                *p++ = *src;
            }
        }

        src++;
    }

    *p++ = '"';

    return p;
}


/*
 * Text a worker sent (names, versions, its host name) is shown as JSON:
 * each byte that is not part of a valid UTF-8 sequence becomes "?" in
 * place, so the text keeps its length.  Returns how many were replaced.
 */

ngx_uint_t
ngx_http_judge_utf8_clean(u_char *p, size_t len)
{
    size_t       n;
    u_char      *last;
    ngx_uint_t   bad;

    bad = 0;
    last = p + len;

    while (p < last) {
        n = ngx_http_judge_utf8_seq(p, last);

        if (n == 0) {
            *p++ = '?';
            bad++;
            continue;
        }

        p += n;
    }

    return bad;
}


/*
 * Names that travel into JSON, lists and file names unescaped: worker ids,
 * tags, language ids, file names.  1 to 64 of [A-Za-z0-9._-].
 */

ngx_int_t
ngx_http_judge_name_ok(u_char *name, size_t len)
{
    size_t  i;
    u_char  ch;

    if (len == 0 || len > NGX_HTTP_JUDGE_MAX_ID_LEN) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        ch = name[i];

        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
              || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'
              || ch == '.'))
        {
            return 0;
        }
    }

    return 1;
}


/* the wall clock in milliseconds, as the API's times are written */

uint64_t
ngx_http_judge_json_now_ms(void)
{
    ngx_time_t  *tp;

    tp = ngx_timeofday();

    return (uint64_t) tp->sec * 1000 + tp->msec;
}


/* "ms" as a quoted ISO 8601 time, UTC, to the millisecond */

u_char *
ngx_http_judge_json_time(u_char *p, uint64_t ms)
{
    ngx_tm_t  tm;

    ngx_gmtime((time_t) (ms / 1000), &tm);

    return ngx_sprintf(p, "\"%4d-%02d-%02dT%02d:%02d:%02d.%03dZ\"",
                       tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                       tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec,
                       (int) (ms % 1000));
}
