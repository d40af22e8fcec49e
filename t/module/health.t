use Test::Judge::Nginx;

run_tests();

__DATA__

=== health answers JSON with status ok
--- http_config
    judge_zone judge:1m;
--- config
    location / { judge_api; }
--- request
GET /health
--- response_headers
Content-Type: application/json
--- response_json
{"status": "ok", "version": "/^\\d+\\.\\d+\\.\\d+$/",
 "zone": {"name": "judge", "size": 1048576, "generation": 1,
          "instance": "/^[0-9a-f]{8}$/"}}
--- no_error_log
[error]


=== the API answers under a prefix location
--- http_config
    judge_zone judge:1m;
--- config
    location /judge/ { judge_api; }
--- request
GET /judge/health
--- response_json
{"status": "ok"}


=== unknown resources are a JSON 404
--- http_config
    judge_zone judge:1m;
--- config
    location / { judge_api; }
--- request
GET /no/such/thing
--- error_code: 404
--- response_json
{"error": {"code": "not_found", "message": "/./"}}


=== a wrong method is a JSON 405 that says which methods are allowed
--- http_config
    judge_zone judge:1m;
--- config
    location / { judge_api; }
--- request
POST /health
{"x": 1}
--- error_code: 405
--- response_headers
Allow: GET, HEAD
--- response_json
{"error": {"code": "method_not_allowed"}}


=== HEAD gets the headers only
--- http_config
    judge_zone judge:1m;
--- config
    location / { judge_api; }
--- request
HEAD /health
--- response_headers
Content-Type: application/json
--- response_body:


=== a reload keeps the zone and moves its generation on
--- http_config
    judge_zone judge:1m;
--- config
    location / { judge_api; }
--- perl
my ($code, $before) = http_json(GET => '/health');
is($code, 200, 'health before reload');
ok(reload_nginx(), 'reloaded');
my $after;
wait_until(sub {
    (undef, $after) = http_json(GET => '/health');
    $after && $after->{generation} == 2;
});
is($after->{generation}, 2, 'a worker process of the new generation answers');
is($after->{zone}{generation}, 2, 'the zone knows the new generation');
is($after->{zone}{created}, $before->{zone}{created}, 'same zone');
isnt($after->{pid}, $before->{pid}, 'answered by a new worker process');
--- no_error_log
[alert]
[emerg]


=== judge_api without a zone is refused at start
--- config
    location / { judge_api; }
--- must_die
--- error_log
need "judge_zone" in the http block


=== a malformed zone is refused at start
--- http_config
    judge_zone judge;
--- config
    location / { judge_api; }
--- must_die
--- error_log
invalid zone "judge", expected name:size


=== a zone too small is refused at start
--- http_config
    judge_zone judge:64k;
--- config
    location / { judge_api; }
--- must_die
--- error_log
is too small


=== metrics in the Prometheus text format
--- http_config
    judge_zone judge:1m;
--- config
    location / { judge_api; }
--- request
GET /metrics
--- response_headers
Content-Type: text/plain; version=0.0.4
--- response_body_like
# TYPE judge_workers gauge\njudge_workers 0\n.*judge_submissions_total 0\n.*judge_verdicts_total\{verdict="AC"\} 0\n


=== more nginx processes than the smallest process table: every one takes its mailbox, none exits
--- worker_processes: 70
--- http_config
    judge_zone judge:4m;
--- config
    location / { judge_api; }
--- timeout: 30
--- perl
ok(wait_until(sub { nginx_pids() == 70 }, 10), '70 worker processes run')
    or diag(scalar(nginx_pids()) . ' run');
sleep 1;
is(scalar(nginx_pids()), 70, 'and none of them exited');
my ($code, $h) = http_json(GET => '/health');
is($code, 200, 'the judge answers');
unlike(error_log_since(0), qr/share the zone|process table/,
       'no process was refused a mailbox');


=== without judge_redis, the fleet of GET /workers?scope=fleet is this frontend
--- http_config
    judge_zone judge:1m;
--- config
    location / { judge_api; }
--- request
GET /workers?scope=fleet
--- response_json
{"count": 0, "frontends": [{"instance": "/^[0-9a-f]+$/", "count": 0, "workers": []}]}
