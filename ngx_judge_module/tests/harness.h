
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_JUDGE_TEST_HARNESS_H_INCLUDED_
#define _NGX_JUDGE_TEST_HARNESS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_registry.h"
#include "ngx_http_judge_stream.h"
#include "ngx_http_judge_parse.h"


/*
 * The little of an nginx process the module's pure parts need, for the
 * unit tests and the fuzz targets that run them outside nginx: the page
 * size and the cached time nginx's pools and log read, a log that writes
 * nowhere, a location configured as the module's defaults, and a
 * languages table standing where the zone's registry is:
 *
 *   c, cpp     compiled; cpp allows "-O2", "-Wall" and "-std=*"
 *   python     interpreted, no compiler flags
 *   java       known, but no live worker has it (NGX_BUSY)
 *
 * looked up in a comma-wrapped list as the registry looks up workers'.
 *
 * Nothing else of nginx is initialised: no cycle, no modules, no events.
 */


ngx_log_t *judge_test_init(void);
void judge_test_conf(ngx_http_judge_loc_conf_t *jlcf);

extern ngx_http_judge_langs_t  judge_test_langs;


#endif /* _NGX_JUDGE_TEST_HARNESS_H_INCLUDED_ */
