# What t/languages/matrix.t and attack.t share: a judge whose limits leave
# room for the slowest toolchains (a JVM's start-up, a Crystal compile)
# with every submission in flight at once.

use strict;
use warnings;

our $Http = <<'CONF';
    judge_zone judge:64m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 5s;
    judge_client_jobs 0;
    judge_cpu_time_limit 10s 20s;
    judge_wall_time_limit 30s 60s;
    judge_memory_limit 512m 2048m;
    judge_task_grace 120s;
CONF

our $Config = <<'CONF';
    client_max_body_size 16m;
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
CONF

1;
