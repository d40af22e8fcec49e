
/*
 * Copyright (C) ngx_judge authors
 */


/*
 * The worker stream's frame decoding (ngx_http_judge_stream_decode()) of
 * a DataRequest: hex SHA-256 hashes in lowercase, at most 64 of them; a
 * request before Register or of anything else closes the stream with a
 * reason for the log.
 */


#include "harness.h"
#include "tap.h"


#define HASH  "0123456789abcdef0123456789abcdef" \
              "0123456789abcdef0123456789abcdef"


/* decodes one DataRequest frame of "n" hashes, "hashes" */
static ngx_int_t
decode(char **hashes, size_t n, ngx_uint_t registered, u_char *reason,
    size_t reason_len)
{
    u_char                     *buf;
    size_t                      len;
    ngx_int_t                   rc;
    ngx_str_t                   id;
    Judge__DataRequest          req;
    Judge__WorkerMessage        msg;
    ngx_http_judge_frame_in_t   in;

    judge__data_request__init(&req);
    req.hashes = hashes;
    req.n_hashes = n;

    judge__worker_message__init(&msg);
    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_DATA_REQUEST;
    msg.data_request = &req;

    len = judge__worker_message__get_packed_size(&msg);
    buf = malloc(4 + len);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    buf[0] = (u_char) (len >> 24);
    buf[1] = (u_char) (len >> 16);
    buf[2] = (u_char) (len >> 8);
    buf[3] = (u_char) len;
    judge__worker_message__pack(&msg, buf + 4);

    ngx_str_set(&id, "w1");

    rc = ngx_http_judge_stream_decode(buf, 4 + len, 1024 * 1024, &id,
                                      registered, &in);

    ngx_cpystrn(reason, in.reason, reason_len);
    ngx_http_judge_stream_decoded(&in);
    free(buf);

    return rc;
}


int
main(void)
{
    char     *hashes[65];
    char      upper[] = HASH, short_[] = HASH, longer[] = HASH "0";
    char      path[] = "../../../../../../../../../../../../../../etc/passwd"
                       "000000000000";
    u_char    reason[NGX_HTTP_JUDGE_REASON_LEN];
    size_t    i;

    (void) judge_test_init();

    for (i = 0; i < 65; i++) {
        hashes[i] = HASH;
    }

    ok(decode(hashes, 1, 1, reason, sizeof(reason)) == NGX_OK,
       "one hash");
    ok(decode(hashes, 64, 1, reason, sizeof(reason)) == NGX_OK,
       "64 hashes");
    ok(decode(hashes, 0, 1, reason, sizeof(reason)) == NGX_OK,
       "none: nothing asked");

    ok(decode(hashes, 65, 1, reason, sizeof(reason)) == NGX_ERROR,
       "65 hashes are too many");
    ok(ngx_strstr(reason, "65 test files at once, more than 64") != NULL,
       "and the reason says so");

    upper[10] = 'A';
    hashes[3] = upper;
    ok(decode(hashes, 4, 1, reason, sizeof(reason)) == NGX_ERROR,
       "upper case hex is refused");
    ok(ngx_strstr(reason, "worker \"w1\" asked for a test file by "
                          "something that is not a hex SHA-256") != NULL,
       "with the worker's name");

    short_[63] = '\0';
    hashes[3] = short_;
    ok(decode(hashes, 4, 1, reason, sizeof(reason)) == NGX_ERROR,
       "63 digits are refused");

    hashes[3] = longer;
    ok(decode(hashes, 4, 1, reason, sizeof(reason)) == NGX_ERROR,
       "65 digits are refused");

    hashes[3] = path;
    ok(decode(hashes, 4, 1, reason, sizeof(reason)) == NGX_ERROR,
       "a path of 64 characters is refused");

    hashes[3] = "";
    ok(decode(hashes, 4, 1, reason, sizeof(reason)) == NGX_ERROR,
       "an empty hash is refused");

    hashes[3] = HASH;
    ok(decode(hashes, 1, 0, reason, sizeof(reason)) == NGX_ERROR,
       "before Register: refused");

    return done_testing();
}
