
/*
 * Copyright (C) ngx_judge authors
 */


/*
 * The worker stream's read path, fed what a worker might send: the first
 * byte says whether the stream has registered already, the rest are the
 * bytes read, decoded frame after frame as ngx_http_judge_stream_frames()
 * does.  Beyond ASan's and UBSan's findings it aborts when a decoded
 * frame breaks what the stream relies on: a size within the bytes read,
 * a Register of valid names and UTF-8 text whose registry record renders
 * as a valid JSON object, a DataRequest of at most 64 lowercase hex
 * SHA-256 hashes (they become file names), a refusal that says why.
 */


#include <jansson.h>

#include "harness.h"


#define JUDGE_FUZZ_MAX_FRAME  (1024 * 1024)


static ngx_log_t  *judge_fuzz_log;


static void
judge_fuzz_check(int ok)
{
    if (!ok) {
        abort();
    }
}


static ngx_uint_t
judge_fuzz_utf8(char *s)
{
    u_char      *copy;
    size_t       len;
    ngx_uint_t   bad;

    len = ngx_strlen(s);

    copy = malloc(len + 1);
    judge_fuzz_check(copy != NULL);

    ngx_memcpy(copy, s, len + 1);
    bad = ngx_http_judge_utf8_clean(copy, len);
    free(copy);

    return bad == 0;
}


static void
judge_fuzz_register(Judge__Register *reg)
{
    u_char                        *doc;
    size_t                         i;
    json_t                        *json;
    ngx_pool_t                    *pool;
    ngx_http_judge_worker_info_t   info;

    judge_fuzz_check(ngx_http_judge_name_ok((u_char *) reg->worker_id,
                                            ngx_strlen(reg->worker_id)));
    judge_fuzz_check(judge_fuzz_utf8(reg->hostname)
                     && judge_fuzz_utf8(reg->version)
                     && judge_fuzz_utf8(reg->abi));

    for (i = 0; i < reg->n_tags; i++) {
        judge_fuzz_check(ngx_http_judge_name_ok((u_char *) reg->tags[i],
                                                ngx_strlen(reg->tags[i])));
    }

    for (i = 0; i < reg->n_languages; i++) {
        judge_fuzz_check(judge_fuzz_utf8(reg->languages[i]->name)
                         && judge_fuzz_utf8(reg->languages[i]->version));
    }

    pool = ngx_create_pool(4096, judge_fuzz_log);
    judge_fuzz_check(pool != NULL);

    judge_fuzz_check(ngx_http_judge_stream_info(pool, reg, &info) == NGX_OK);

    judge_fuzz_check(info.nlangs == reg->n_languages);
    judge_fuzz_check(info.tags.len >= 1 && info.tags.data[0] == ',');
    judge_fuzz_check(info.languages.len >= 1
                     && info.languages.data[0] == ',');

    for (i = 0; i < reg->n_tags; i++) {
        judge_fuzz_check(ngx_http_judge_list_has(info.tags.data,
                                                 info.tags.len,
                                                 (u_char *) reg->tags[i],
                                                 ngx_strlen(reg->tags[i])));
    }

    /* the detail is the members of a JSON object */

    doc = malloc(info.detail.len + 2);
    judge_fuzz_check(doc != NULL);

    doc[0] = '{';
    ngx_memcpy(doc + 1, info.detail.data, info.detail.len);
    doc[info.detail.len + 1] = '}';

    json = json_loadb((char *) doc, info.detail.len + 2, 0, NULL);
    judge_fuzz_check(json != NULL && json_is_object(json));
    judge_fuzz_check(json_array_size(json_object_get(json, "languages"))
                     == reg->n_languages);

    json_decref(json);
    free(doc);
    ngx_destroy_pool(pool);
}


static void
judge_fuzz_data_request(Judge__DataRequest *req)
{
    size_t  i, k;
    char   *h;

    judge_fuzz_check(req->n_hashes <= 64);

    for (i = 0; i < req->n_hashes; i++) {
        h = req->hashes[i];

        judge_fuzz_check(ngx_strlen(h) == 64);

        for (k = 0; k < 64; k++) {
            judge_fuzz_check((h[k] >= '0' && h[k] <= '9')
                             || (h[k] >= 'a' && h[k] <= 'f'));
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                     *p, *last;
    ngx_int_t                   rc;
    ngx_str_t                   worker_id;
    ngx_uint_t                  registered;
    ngx_http_judge_frame_in_t   in;
    u_char                      id[NGX_HTTP_JUDGE_MAX_ID_LEN];

    if (judge_fuzz_log == NULL) {
        judge_fuzz_log = judge_test_init();
    }

    if (size == 0) {
        return 0;
    }

    registered = data[0] & 1;

    if (registered) {
        ngx_str_set(&worker_id, "w1");

    } else {
        ngx_str_null(&worker_id);
    }

    p = (u_char *) data + 1;
    last = (u_char *) data + size;

    for ( ;; ) {
        rc = ngx_http_judge_stream_decode(p, last - p, JUDGE_FUZZ_MAX_FRAME,
                                          &worker_id, registered, &in);
        if (rc == NGX_AGAIN) {
            judge_fuzz_check(in.msg == NULL);
            break;
        }

        if (rc != NGX_OK) {
            judge_fuzz_check(rc == NGX_ERROR);
            judge_fuzz_check(in.reason[0] != '\0');
            judge_fuzz_check(ngx_strlen(in.reason) < sizeof(in.reason));
            ngx_http_judge_stream_decoded(&in);
            break;
        }

        judge_fuzz_check(in.msg != NULL);
        judge_fuzz_check(in.size >= 4 && in.size <= (size_t) (last - p));

        switch (in.msg->body_case) {

        case JUDGE__WORKER_MESSAGE__BODY_REGISTER:
            judge_fuzz_check(!registered);
            judge_fuzz_check(in.worker_id.len > 0
                             && in.worker_id.len <= sizeof(id));
            judge_fuzz_register(in.msg->register_);

            /* the stream's own copy, as the read path keeps it */
            ngx_memcpy(id, in.worker_id.data, in.worker_id.len);
            worker_id.data = id;
            worker_id.len = in.worker_id.len;
            registered = 1;
            break;

        case JUDGE__WORKER_MESSAGE__BODY_HEARTBEAT:
            judge_fuzz_check(in.load100 <= 100000000);
            break;

        case JUDGE__WORKER_MESSAGE__BODY_DATA_REQUEST:
            judge_fuzz_data_request(in.msg->data_request);
            break;

        default:
            judge_fuzz_check(registered);
            break;
        }

        p += in.size;

        ngx_http_judge_stream_decoded(&in);
    }

    return 0;
}
