
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"


/*
 * The worker endpoint.  Workers dial in here and upgrade to "judge/1";
 * until the stream protocol is in place the endpoint refuses honestly.
 */

ngx_int_t
ngx_http_judge_stream_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_judge_send_error(r, NGX_HTTP_NOT_IMPLEMENTED,
                                     "not_implemented",
                                     "the worker stream is not available yet");
}
