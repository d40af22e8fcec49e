# The worker endpoint: upgrade, authentication, framing, registry.
# These blocks speak judge/1 from Perl (t/lib/Test/Judge/Wire.pm) so that
# broken and hostile peers can be played; t/fleet/workers.t runs the real
# judge-worker.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(dial register_msg heartbeat_msg leaving_msg frame);

run_tests();

__DATA__

=== a worker upgrades, registers, is welcomed and listed
--- http_config
    judge_zone judge:1m;
    judge_worker_token s3cret;
    judge_heartbeat_interval 500ms;
--- config
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = dial(port => nginx_port(), token => 's3cret');
is($w->{status}, 101, '101 Switching Protocols');
like($w->{head}, qr/^Upgrade: judge\/1\r$/mi, 'upgrade header');
$w->send_msg(register_msg(id => 'w-1', slots => 3, cores => 4,
                          tags => ['fast'],
                          languages => [['cpp', 'C++', '12.2.0', 1],
                                        ['python', 'Python', '3.11.2']]));
my ($name, $f) = $w->recv_cmd(5);
is($name, 'welcome', 'welcomed');
is($f->{1}[0], 'w-1', 'welcome names the worker');
is($f->{2}[0], 500, 'heartbeat interval from the config');
my ($code, $list) = admin_json(GET => '/workers');
is($code, 200, '/workers answers');
json_subset_ok($list, {count => 1, workers => [{
    id => 'w-1', slots => 3, free_slots => 3, cores => 4,
    abi => 'x86_64-linux-gnu', tags => ['fast'], draining => JSON::PP::false,
    host => 'test-host',
    languages => [{id => 'cpp', version => '12.2.0', compiled => JSON::PP::true},
                  {id => 'python', compiled => JSON::PP::false}],
    nginx => {generation => 1, pid => '/^\d+$/'},
}]}, 'the registry holds the worker');
$w->send_msg(heartbeat_msg(free_slots => 1, active_tasks => 2,
                           load1 => 1.25, tasks_done => 7));
ok(wait_until(sub {
    my (undef, $l) = admin_json(GET => '/workers');
    $l->{workers}[0]{free_slots} == 1;
}, 5), 'heartbeat updates free slots');
(undef, $list) = admin_json(GET => '/workers');
json_subset_ok($list->{workers}[0], {active_tasks => 2, load => '1.25',
                                     tasks_done => 7}, 'heartbeat figures');
my (undef, $h) = http_json(GET => '/health');
json_subset_ok($h, {workers => 1, free_slots => 1}, 'health counts it');
$w->close;
ok(wait_until(sub { (admin_json(GET => '/workers'))[1]{count} == 0 }, 5),
   'a closed stream leaves the registry');
--- error_log
judge: worker "w-1" registered: 3 slots, 2 languages
judge: worker "w-1" disconnected


=== a wrong token is refused with a JSON 401 and a log line
--- http_config
    judge_zone judge:1m;
    judge_worker_token s3cret;
--- config
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = dial(port => nginx_port(), token => 'guess');
is($w->{status}, 401, 'wrong token: 401');
like($w->{body}, qr/"code":"unauthorized"/, 'JSON error');
like($w->{head}, qr/^WWW-Authenticate: Bearer realm="judge worker"\r$/m,
     'saying how to authenticate');
$w = dial(port => nginx_port());
is($w->{status}, 401, 'no token: 401');
--- error_log
judge: worker refused: wrong token
judge: worker refused: no bearer token


=== a request without the upgrade gets 426
--- http_config
    judge_zone judge:1m;
    judge_worker_token s3cret;
--- config
    location = /worker { judge_worker_endpoint; }
--- request
GET /worker
--- more_headers
Authorization: Bearer s3cret
--- error_code: 426
--- response_headers
Upgrade: judge/1
--- response_json
{"error": {"code": "upgrade_required"}}


=== the endpoint without a token is refused at start
--- http_config
    judge_zone judge:1m;
--- config
    location = /worker { judge_worker_endpoint; }
--- must_die
--- error_log
judge_worker_endpoint needs judge_worker_token


=== the token can come from a file
--- http_config
    judge_zone judge:1m;
    judge_worker_token_file $TEST_NGINX_REPO/t/fleet/token.txt;
--- config
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = dial(port => nginx_port(), token => 'from-a-file');
is($w->{status}, 101, 'token from the file accepted');


=== frames pipelined behind the request headers and split frames are read
--- http_config
    judge_zone judge:1m;
    judge_worker_token t;
--- config
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
--- perl
my $reg = frame(register_msg(id => 'pipelined'));
my $w = dial(port => nginx_port(), token => 't', pipelined => $reg);
is(($w->recv_cmd(5))[0], 'welcome', 'register sent with the request is read');
my $hb = frame(heartbeat_msg(free_slots => 1)) x 3;
for my $byte (split //, $hb) {
    $w->send_raw($byte);
}
ok(wait_until(sub { (admin_json(GET => '/workers'))[1]{workers}[0]{free_slots} == 1 }, 5),
   'frames sent a byte at a time are put together');


=== garbage, oversized and out-of-order frames close only that stream
--- http_config
    judge_zone judge:1m;
    judge_worker_token t;
    judge_max_frame_size 4k;
--- config
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
--- perl
my $good = dial(port => nginx_port(), token => 't');
$good->send_msg(register_msg(id => 'good'));
is(($good->recv_cmd(5))[0], 'welcome', 'the good worker is in');

my $g = dial(port => nginx_port(), token => 't');
$g->send_raw(pack('N', 5) . "\xff\xff\xff\xff\xff");
ok($g->closed_within(5), 'undecodable frame: closed');

my $big = dial(port => nginx_port(), token => 't');
$big->send_raw(pack('N', 1 << 30));
ok($big->closed_within(5), 'frame over judge_max_frame_size: closed');

my $early = dial(port => nginx_port(), token => 't');
$early->send_msg(heartbeat_msg());
ok($early->closed_within(5), 'heartbeat before register: closed');

my $bad_id = dial(port => nginx_port(), token => 't');
$bad_id->send_msg(register_msg(id => "a\"b"));
ok($bad_id->closed_within(5), 'invalid worker id: closed');

my $trunc = dial(port => nginx_port(), token => 't');
$trunc->send_raw(substr(frame(register_msg(id => 'half')), 0, 10));
$trunc->close;

$good->send_msg(heartbeat_msg(free_slots => 1));
ok(wait_until(sub {
    my (undef, $l) = admin_json(GET => '/workers');
    $l->{count} == 1 && $l->{workers}[0]{id} eq 'good'
        && $l->{workers}[0]{free_slots} == 1;
}, 5), 'the good worker is undisturbed');
--- error_log
sent an undecodable frame
more than judge_max_frame_size 4096
before registering
registered with an invalid id


=== a silent worker is dropped after the heartbeat timeout
--- http_config
    judge_zone judge:1m;
    judge_worker_token t;
    judge_heartbeat_interval 200ms;
    judge_heartbeat_timeout 600ms;
--- config
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = dial(port => nginx_port(), token => 't');
$w->send_msg(register_msg(id => 'quiet'));
is(($w->recv_cmd(5))[0], 'welcome', 'registered');
is((admin_json(GET => '/workers'))[1]{count}, 1, 'listed');
ok($w->closed_within(3), 'stream closed by nginx');
is((admin_json(GET => '/workers'))[1]{count}, 0, 'gone from the registry');
--- error_log
judge: worker "quiet" silent for 600 ms, closing


=== registering again with the same id replaces the old stream
--- http_config
    judge_zone judge:1m;
    judge_worker_token t;
--- config
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
--- perl
my @old;
for my $i (1 .. 6) {
    my $w = dial(port => nginx_port(), token => 't');
    $w->send_msg(register_msg(id => 'same'));
    is(($w->recv_cmd(5))[0], 'welcome', "connection $i registered");
    push @old, $w;
}
my $last = pop @old;
ok($_->closed_within(5), 'older stream closed') for @old;
is((admin_json(GET => '/workers'))[1]{count}, 1, 'one record');
$last->send_msg(heartbeat_msg(free_slots => 1));
ok(wait_until(sub { (admin_json(GET => '/workers'))[1]{workers}[0]{free_slots} == 1 }, 5),
   'the newest stream is the live one');


=== drain: the API in one process reaches a stream in another and waits
--- http_config
    judge_zone judge:1m;
    judge_worker_token t;
--- config
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = dial(port => nginx_port(), token => 't');
$w->send_msg(register_msg(id => 'd1'));
is(($w->recv_cmd(5))[0], 'welcome', 'registered');

my $pid = fork // die;
if ($pid == 0) {
    # the worker's side: wait for Drain, say Leaving, close
    my ($name) = $w->recv_cmd(10);
    POSIX::_exit(1) unless ($name // '') eq 'drain';
    $w->send_msg(leaving_msg(reason => 'drained'));
    sleep 0.2;
    POSIX::_exit(0);
}
my ($code, $r) = admin_json(POST => '/workers/d1/drain?wait=true');
is($code, 200, 'drain answered when the worker left');
json_subset_ok($r, {id => 'd1', drained => JSON::PP::true}, 'drained');
waitpid $pid, 0;
is($? >> 8, 0, 'the worker got Drain');
is((admin_json(GET => '/workers'))[1]{count}, 0, 'gone');
my ($c404) = admin_json(POST => '/workers/nope/drain');
is($c404, 404, 'unknown worker: 404');
--- error_log
judge: draining worker "d1"
judge: worker "d1" is leaving: drained


=== over HTTP/2 a worker cannot upgrade: a JSON 400 says so
--- http_config
    judge_zone judge:1m;
    judge_worker_token t;
--- config
    listen 127.0.0.1:$TEST_NGINX_TLS_PORT http2;
    location = /worker { judge_worker_endpoint; }
--- perl
my $out = `curl -s --http2-prior-knowledge -H 'Authorization: Bearer t' -w ' %{http_version} %{http_code}' http://127.0.0.1:$ENV{TEST_NGINX_TLS_PORT}/worker`;
like($out, qr/"code":"http2_not_supported".* 2 400$/s, 'refused over HTTP/2') or diag $out;
