
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <math.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_blobs.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_api.h"
#include "ngx_http_judge_dialect.h"


/*
 * What the dialects share: the job and the languages as the API's own
 * JSON makes them, read back with jansson for a dialect to reshape; the
 * answer; and the small parsers of what other engines' clients send
 * (command lines as one string, Base64 or hex text, limits as numbers or
 * numeric strings, semver versions and ranges).
 */


ngx_http_judge_dialect_t  *ngx_http_judge_dialects[] = {
    &ngx_http_judge_judge0,
    &ngx_http_judge_piston,
    NULL
};


/*
 * A dialect's state of a request ("size" bytes, zeroed at first), kept
 * from one step to the next; "cleanup" frees what it holds with the
 * request.  NULL: no memory.
 */

void *
ngx_http_judge_dialect_req(ngx_http_request_t *r, size_t size,
    ngx_pool_cleanup_pt cleanup)
{
    void               **data;
    ngx_pool_cleanup_t  *cln;

    data = ngx_http_judge_api_data(r);

    if (*data) {
        return *data;
    }

    cln = ngx_pool_cleanup_add(r->pool, size);
    if (cln == NULL) {
        return NULL;
    }

    ngx_memzero(cln->data, size);
    cln->handler = cleanup;

    *data = cln->data;

    return cln->data;
}


/*
 * The job a read of the store gave (op->out, op->len); NULL: no memory.
 * A program's output may hold NUL bytes, which the JSON keeps as \u0000.
 */

json_t *
ngx_http_judge_dialect_job(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op)
{
    u_char  *text, *last;

    if (op->out == NULL || op->len <= 0) {
        return NULL;
    }

    text = ngx_pnalloc(r->pool, (size_t) op->len);
    if (text == NULL) {
        return NULL;
    }

    last = ngx_http_judge_chain_copy(op->out, text);
    if (last == NULL) {
        return NULL;
    }

    return json_loadb((char *) text, last - text, JSON_ALLOW_NUL, NULL);
}


/* the languages of GET /languages, as a jansson array; NULL: no memory */

json_t *
ngx_http_judge_dialect_languages(ngx_http_request_t *r)
{
    json_t     *root, *list;
    ngx_buf_t  *b;

    b = ngx_http_judge_api_languages(r, NULL);
    if (b == NULL) {
        return NULL;
    }

    root = json_loadb((char *) b->pos, b->last - b->pos, 0, NULL);
    if (root == NULL) {
        return NULL;
    }

    list = json_object_get(root, "languages");

    if (!json_is_array(list)) {
        json_decref(root);
        return NULL;
    }

    json_incref(list);
    json_decref(root);

    return list;
}


/* the job's one test's result (a dialect's submission has one), or NULL */

json_t *
ngx_http_judge_dialect_result(json_t *job)
{
    json_t  *test;

    test = json_array_get(json_object_get(job, "tests"), 0);

    return json_is_object(test) ? test : NULL;
}


/*
 * One string of the bytes of "a" then "b" (either may be no string: none
 * of its bytes), NUL bytes kept; NULL: no memory
 */

json_t *
ngx_http_judge_dialect_concat(json_t *a, json_t *b)
{
    char    *text;
    size_t   alen, blen;
    json_t  *v;

    alen = json_is_string(a) ? json_string_length(a) : 0;
    blen = json_is_string(b) ? json_string_length(b) : 0;

    text = malloc(alen + blen + 1);
    if (text == NULL) {
        return NULL;
    }

    if (alen) {
        ngx_memcpy(text, json_string_value(a), alen);
    }

    if (blen) {
        ngx_memcpy(text + alen, json_string_value(b), blen);
    }

    v = json_stringn_nocheck(text, alen + blen);

    free(text);

    return v;
}


/* "json" as the answer, freed here; a refusal says when to come back */

ngx_int_t
ngx_http_judge_dialect_send(ngx_http_request_t *r, ngx_uint_t status,
    json_t *json)
{
    if (ngx_http_judge_retry_after(r, status, 1) != NGX_OK) {
        json_decref(json);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_send_jansson(r, status, json);
}


/*
 * A command line's words, as a POSIX shell splits them without
 * expanding anything: blanks separate, '...' keeps everything, "..."
 * keeps all but \" \\ \$ \`, a backslash outside quotes keeps the next
 * character.  NULL: a quote is not closed, a word is not text, or no
 * memory.
 */

json_t *
ngx_http_judge_dialect_words(const char *s, size_t len)
{
    char        *word, *w;
    json_t      *words, *v;
    const char  *p, *end;
    ngx_uint_t   in_word;

    words = json_array();
    word = malloc(len + 1);

    if (words == NULL || word == NULL) {
        goto failed;
    }

    p = s;
    end = s + len;
    w = word;
    in_word = 0;

    for ( ;; ) {

        if (p == end || *p == ' ' || *p == '\t' || *p == '\n') {
            if (in_word) {
                v = json_stringn(word, w - word);
                if (v == NULL || json_array_append_new(words, v) != 0) {
                    goto failed;
                }

                w = word;
                in_word = 0;
            }

            if (p == end) {
                break;
            }

            p++;
            continue;
        }

        in_word = 1;

        if (*p == '\'') {
            for (p++; p < end && *p != '\''; p++) {
                *w++ = *p;
            }

            if (p == end) {
                goto failed;
            }

            p++;
            continue;
        }

        if (*p == '"') {
            for (p++; p < end && *p != '"'; p++) {
                if (*p == '\\' && p + 1 < end
                    && (p[1] == '"' || p[1] == '\\' || p[1] == '$'
                        || p[1] == '`'))
                {
                    p++;
                }

                *w++ = *p;
            }

            if (p == end) {
                goto failed;
            }

            p++;
            continue;
        }

        if (*p == '\\' && p + 1 < end) {
            p++;
        }

        *w++ = *p++;
    }

    free(word);

    return words;

failed:

    free(word);
    json_decref(words);

    return NULL;
}


/*
 * Text a client encoded (Base64 or hex), as a jansson string of the bytes
 * it stands for, which the submission parser takes as bytes; NULL: not
 * valid, or no memory.
 */

json_t *
ngx_http_judge_dialect_decode(const char *s, size_t len, ngx_uint_t base64,
    ngx_uint_t hex)
{
    u_char     *d, c;
    json_t     *v;
    size_t      i, n;
    ngx_str_t   src, dst;

    if (!base64 && !hex) {
        return json_stringn_nocheck(s, len);
    }

    d = malloc(len + 1);
    if (d == NULL) {
        return NULL;
    }

    if (base64) {
        /* line breaks are allowed, as encoders wrap at 60 or 76 */

        for (i = 0, n = 0; i < len; i++) {
            if (s[i] != '\n' && s[i] != '\r') {
                d[n++] = s[i];
            }
        }

        /*
         * "=" pads the end only, once or twice to a multiple of 4: what
         * follows it would be dropped silently (two encodings one after
         * the other)
         */

        for (i = 0; i < n && d[i] != '='; i++) { /* void */ }

        if (i < n
            && (n - i > 2 || n % 4 != 0
                || (n - i == 2 && d[i + 1] != '=')))
        {
            free(d);
            return NULL;
        }

        src.data = d;
        src.len = n;

        /* decoded in place: the output is shorter than the input */

        dst.data = d;

        if (ngx_decode_base64(&dst, &src) != NGX_OK) {
            free(d);
            return NULL;
        }

        n = dst.len;

    } else {
        if (len % 2) {
            free(d);
            return NULL;
        }

        for (i = 0, n = 0; i < len; i += 2) {
            c = (u_char) ngx_hextoi((u_char *) s + i, 2);

            if ((ngx_int_t) c != ngx_hextoi((u_char *) s + i, 2)) {
                free(d);
                return NULL;
            }

            d[n++] = c;
        }
    }

    v = json_stringn_nocheck((char *) d, n);

    free(d);

    return v;
}


/*
 * A limit as a client sends it: a number, or a decimal string of one, times
 * "scale", rounded up.  NGX_DONE: absent or null; NGX_DECLINED: not a
 * non-negative number.
 */

ngx_int_t
ngx_http_judge_dialect_limit(json_t *v, double scale, int64_t *value)
{
    char    *end;
    double   d;

    if (v == NULL || json_is_null(v)) {
        return NGX_DONE;
    }

    if (json_is_number(v)) {
        d = json_number_value(v);

    } else if (json_is_string(v) && json_string_length(v) > 0
               && json_string_length(v) < 32)
    {
        /* a decimal number: not hex, blanks, "inf" or a NUL inside */

        if (strspn(json_string_value(v), "0123456789.eE+-")
            != json_string_length(v))
        {
            return NGX_DECLINED;
        }

        d = strtod(json_string_value(v), &end);

        if (*end != '\0') {
            return NGX_DECLINED;
        }

    } else {
        return NGX_DECLINED;
    }

    if (!isfinite(d) || d < 0 || d * scale > (double) NGX_MAX_INT32_VALUE) {
        return NGX_DECLINED;
    }

    *value = (int64_t) ceil(d * scale);

    return NGX_OK;
}


/* a version as three numbers: "3.11.2", "1.70" is 1.70.0, none 0.0.0 */

void
ngx_http_judge_dialect_semver(const char *version, int v[3])
{
    ngx_uint_t   i;
    const char  *p;

    v[0] = v[1] = v[2] = 0;

    if (version == NULL) {
        return;
    }

    for (p = version; *p && !(*p >= '0' && *p <= '9'); p++) { /* void */ }

    for (i = 0; i < 3 && *p >= '0' && *p <= '9'; i++) {
        while (*p >= '0' && *p <= '9') {
            if (v[i] < 100000000) {
                v[i] = v[i] * 10 + (*p - '0');
            }

            p++;
        }

        if (*p != '.') {
            break;
        }

        p++;
    }
}


/*
 * Whether version "v" is in the semver range: alternatives split by
 * "||", each comparators that must all hold, separated by blanks: an
 * operator (=, >, >=, <, <=, ^, ~, or none) and a version of one to three
 * parts, where "x", "X" or "*" or a missing part matches any.
 */

ngx_uint_t
ngx_http_judge_dialect_satisfies(int v[3], const char *range)
{
    int          w[3], n, cmp, lo, i;
    ngx_uint_t   ok;
    const char  *p, *op;

    p = range;

    for ( ;; ) {
        ok = 1;

        for ( ;; ) {
            while (*p == ' ' || *p == '\t') {
                p++;
            }

            if (*p == '\0' || (p[0] == '|' && p[1] == '|')) {
                break;
            }

            op = p;

            while (*p == '<' || *p == '>' || *p == '=' || *p == '^'
                   || *p == '~' || *p == 'v')
            {
                p++;
            }

            n = 0;
            w[0] = w[1] = w[2] = 0;

            while (n < 3) {
                if (*p >= '0' && *p <= '9') {
                    while (*p >= '0' && *p <= '9') {
                        if (w[n] < 100000000) {
                            w[n] = w[n] * 10 + (*p - '0');
                        }

                        p++;
                    }

                    n++;

                } else if (*p == 'x' || *p == 'X' || *p == '*') {
                    p++;
                    break;

                } else {
                    break;
                }

                if (*p != '.') {
                    break;
                }

                p++;
            }

            /* a lone "|" is no separator: nothing here would move on */

            if (*p != '\0' && *p != ' ' && *p != '\t'
                && !(p[0] == '|' && p[1] == '|'))
            {
                return 0;
            }

            /* v against w on the first "n" parts */

            cmp = 0;

            for (i = 0; i < n && cmp == 0; i++) {
                cmp = (v[i] > w[i]) - (v[i] < w[i]);
            }

            switch (*op) {

            case '>':
                ok &= n == 0 || (op[1] == '=' ? cmp >= 0 : cmp > 0);
                break;

            case '<':
                ok &= n == 0 || (op[1] == '=' ? cmp <= 0 : cmp < 0);
                break;

            case '^':
            case '~':
                ok &= cmp >= 0;

                /* the parts that must stay as they are */

                lo = (*op == '~') ? ngx_min(n, 2)
                                  : (n > 1 && w[0] == 0 ? 2 : 1);
                lo = ngx_min(lo, n);

                for (i = 0; i < lo; i++) {
                    ok &= v[i] == w[i];
                }

                break;

            default:
                ok &= cmp == 0;
            }
        }

        if (ok) {
            return 1;
        }

        if (*p == '\0') {
            return 0;
        }

        p += 2;
    }
}
