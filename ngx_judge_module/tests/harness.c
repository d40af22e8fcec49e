
/*
 * Copyright (C) ngx_judge authors
 */


#include "harness.h"


static ngx_int_t judge_test_language(void *data, ngx_str_t *language,
    ngx_uint_t *compiled);
static ngx_int_t judge_test_flags(void *data, ngx_pool_t *pool,
    ngx_str_t *language, char **flags, size_t nflags, size_t *refused);


ngx_http_judge_langs_t  judge_test_langs = {
    judge_test_language,
    judge_test_flags,
    NULL
};


static ngx_open_file_t  judge_test_log_file;
static ngx_log_t        judge_test_log;


ngx_log_t *
judge_test_init(void)
{
    ngx_pagesize = getpagesize();
    for (ngx_pagesize_shift = 0; (1 << ngx_pagesize_shift) < ngx_pagesize;
         ngx_pagesize_shift++)
    {
        /* void */
    }

    ngx_time_init();

    /* the decoders do not log; an allocation that fails does, nowhere */

    judge_test_log_file.fd = open("/dev/null", O_WRONLY);
    judge_test_log.file = &judge_test_log_file;
    judge_test_log.log_level = NGX_LOG_EMERG;
    ngx_use_stderr = 0;

    return &judge_test_log;
}


/* what ngx_http_judge_merge_loc_conf() gives a location set nothing in */

void
judge_test_conf(ngx_http_judge_loc_conf_t *jlcf)
{
    ngx_memzero(jlcf, sizeof(ngx_http_judge_loc_conf_t));

    jlcf->cpu_time.value = 1000;
    jlcf->cpu_time.max = 10000;
    jlcf->wall_time.value = 3000;
    jlcf->wall_time.max = 30000;
    jlcf->memory.value = 262144;
    jlcf->memory.max = 2097152;
    jlcf->output.value = 1024;
    jlcf->output.max = 65536;
    jlcf->stack.value = 65536;
    jlcf->stack.max = 1048576;
    jlcf->processes.value = 1;
    jlcf->processes.max = 256;

    jlcf->max_tests = 1000;
    jlcf->max_job_time = 3600 * 1000;
    jlcf->max_body_size = 16 * 1024 * 1024;
    jlcf->max_source_size = 1024 * 1024;
    jlcf->max_capture = 16 * 1024;
    jlcf->max_frame_size = 16 * 1024 * 1024;
}


static ngx_int_t
judge_test_language(void *data, ngx_str_t *language, ngx_uint_t *compiled)
{
    static u_char  live[] = ",c,cpp,python,";
    static u_char  built[] = ",c,cpp,";

    /* looked up as the registry looks up a worker's languages */

    if (ngx_http_judge_list_has(live, sizeof(live) - 1, language->data,
                                language->len))
    {
        *compiled = ngx_http_judge_list_has(built, sizeof(built) - 1,
                                            language->data, language->len);
        return NGX_OK;
    }

    if (language->len == 4 && ngx_strncmp(language->data, "java", 4) == 0) {
        return NGX_BUSY;
    }

    return NGX_DECLINED;
}


static ngx_int_t
judge_test_flags(void *data, ngx_pool_t *pool, ngx_str_t *language,
    char **flags, size_t nflags, size_t *refused)
{
    size_t  i;

    static u_char  allowed[] = ",-O2,-Wall,";

    for (i = 0; i < nflags; i++) {
        if (language->len == 3
            && ngx_strncmp(language->data, "cpp", 3) == 0
            && ((ngx_strncmp(flags[i], "-std=", 5) == 0
                 && flags[i][5] != '\0')
                || ngx_http_judge_list_has(allowed, sizeof(allowed) - 1,
                                           (u_char *) flags[i],
                                           ngx_strlen(flags[i]))))
        {
            continue;
        }

        *refused = i;
        return NGX_DECLINED;
    }

    return NGX_OK;
}
