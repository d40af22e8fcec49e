
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
 * numeric strings).
 */


ngx_http_judge_dialect_t  *ngx_http_judge_dialects[] = {
    &ngx_http_judge_judge0,
    &ngx_http_judge_piston,
    NULL
};


/* the job a read of the store gave (op->out, op->len); NULL: no memory */

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

    return json_loadb((char *) text, last - text, 0, NULL);
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


/* "json" as the answer, freed here */

ngx_int_t
ngx_http_judge_dialect_send(ngx_http_request_t *r, ngx_uint_t status,
    json_t *json)
{
    char       *text;
    size_t      len;
    ngx_buf_t  *b;

    text = json ? json_dumps(json, JSON_COMPACT|JSON_ENCODE_ANY) : NULL;

    json_decref(json);

    if (text == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = ngx_strlen(text);

    b = ngx_create_temp_buf(r->pool, len + 1);
    if (b == NULL) {
        ngx_free(text);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_cpymem(b->pos, text, len);
    *b->last++ = '\n';
    ngx_free(text);

    /* a refusal says when to come back, as the native API's do */

    if (ngx_http_judge_retry_after(r, status, 1) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_send_json(r, status, b);
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

        src.data = d;
        src.len = n;

        /* decoded in place: the output is shorter than the input */

        dst.data = d;

        if (ngx_decode_base64(&dst, &src) != NGX_OK) {
            free(d);
            return NULL;
        }

        n = dst.len;

    } else if (hex) {
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

    } else {
        ngx_memcpy(d, s, len);
        n = len;
    }

    v = json_stringn_nocheck((char *) d, n);

    free(d);

    return v;
}


/*
 * A limit as a client sends it: a number, or a string of one, times
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
