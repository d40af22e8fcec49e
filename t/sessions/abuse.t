# What keeps one code session from holding the fleet: judge_session_rate
# (429, Retry-After, "retryAfter"), judge_session_max_failures with its
# cool-down, Idempotency-Key on runs and submissions, and nginx's own
# limit_req by $judge_session_id.  Infinite loops are stopped by the
# limits, not refused by looking at the source.

use Test::Judge::Nginx;
use JSON::PP;
use Time::HiRes qw(time sleep);

our $Http = <<'CONF';
    judge_zone judge:16m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

sub worker_up {
    spawn_worker('w1', slots => 2);
    return wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20);
}


sub session {
    my ($source) = @_;
    my (undef, $s) = http_json(POST => '/code-sessions', {language => 'python', source_code => $source});
    return $s->{session_id};
}

run_tests();

__DATA__

=== judge_session_rate: past the rate a session's runs get 429 with when to retry
--- http_config eval: $::Http . "    judge_session_rate 3r/m;\n"
--- config eval: $::Config
--- timeout: 60
--- perl
ok(worker_up(), 'worker up');
my $id = session('print(1)');
my @codes = map { (http_json(POST => "/code-sessions/$id/run", {}))[0] } 1 .. 3;
is_deeply(\@codes, [202, 202, 202], 'three runs at once: the burst');
my ($c, $j, $r) = http_json(POST => "/code-sessions/$id/run", {});
is($c, 429, 'the fourth: 429');
is($j->{error}{code}, 'rate_limited', 'rate_limited');
ok($j->{retryAfter} >= 1 && $j->{retryAfter} <= 20, "retryAfter $j->{retryAfter} s");
is($r->header('Retry-After'), $j->{retryAfter}, 'Retry-After says the same');
like(http_get('/metrics')->content, qr/^judge_runs_rate_limited_total 1$/m,
     'the metrics count it');
my $other = session('print(2)');
($c) = http_json(POST => "/code-sessions/$other/run", {});
is($c, 202, 'another session is not held back');
($c) = http_json(PATCH => "/code-sessions/$id", {stdin => 'x'});
is($c, 200, 'saving is not rate limited');


=== judge_session_max_failures: runs that fail one after another cool the session down
--- http_config eval: $::Http . "    judge_session_rate 600r/m;\n    judge_session_max_failures 2 cooldown=2s;\n"
--- config eval: $::Config
--- timeout: 60
--- perl
ok(worker_up(), 'worker up');
my $id = session('raise SystemExit(1)');
for my $n (1 .. 2) {
    my (undef, $q) = http_json(POST => "/code-sessions/$id/run", {});
    my (undef, $e) = http_json(GET => "/executions/$q->{execution_id}?wait=true");
    is($e->{status}, 'FAILED', "failure $n");
}
my ($c, $j, $r) = http_json(POST => "/code-sessions/$id/run", {});
is($c, 429, 'after two failures in a row: 429');
is($j->{error}{code}, 'too_many_failures', 'too_many_failures');
like(http_get('/metrics')->content, qr/^judge_runs_cooling_total 1$/m,
     'the metrics count it');
ok($j->{retryAfter} >= 1 && $j->{retryAfter} <= 2, 'to retry within the cool-down');
my $start = time;
ok(wait_until(sub { (http_json(POST => "/code-sessions/$id/run", {}))[0] == 202 }, 5),
   'the cool-down over, runs go again');
ok(time - $start > 1, 'not before it was over');

# one completed run resets the count
my $ok = session('print(1)');
(undef, $j) = http_json(PATCH => "/code-sessions/$ok", {source_code => 'raise SystemExit(1)'});
my (undef, $q) = http_json(POST => "/code-sessions/$ok/run", {});
http_json(GET => "/executions/$q->{execution_id}?wait=true");
http_json(PATCH => "/code-sessions/$ok", {source_code => 'print(1)'});
(undef, $q) = http_json(POST => "/code-sessions/$ok/run", {});
my (undef, $e) = http_json(GET => "/executions/$q->{execution_id}?wait=true");
is($e->{status}, 'COMPLETED', 'a run completes');
http_json(PATCH => "/code-sessions/$ok", {source_code => 'raise SystemExit(1)'});
(undef, $q) = http_json(POST => "/code-sessions/$ok/run", {});
(undef, $e) = http_json(GET => "/executions/$q->{execution_id}?wait=true");
is($e->{status}, 'FAILED', 'then fails once');
($c) = http_json(POST => "/code-sessions/$ok/run", {});
is($c, 202, 'one failure after a completed run is not two in a row');

# an endless loop that reads its input is run, and stopped by its limits
my $loop = session("import sys\nfor line in sys.stdin:\n    pass\nwhile True:\n    pass\n");
(undef, $q) = http_json(POST => "/code-sessions/$loop/run", {stdin => "1\n2\n", limits => {cpu_time_ms => 300}});
(undef, $e) = http_json(GET => "/executions/$q->{execution_id}?wait=true");
is($e->{status}, 'TIMEOUT', 'an endless loop runs into its CPU limit');
my $reader = session("import sys\nwhile True:\n    line = sys.stdin.readline()\n    if not line:\n        break\n    print(line.strip())\n");
(undef, $q) = http_json(POST => "/code-sessions/$reader/run", {stdin => "a\nb\n"});
(undef, $e) = http_json(GET => "/executions/$q->{execution_id}?wait=true");
is($e->{status}, 'COMPLETED', 'a while True that reads its input and stops runs');
is($e->{stdout}, "a\nb\n", 'and prints what it read');


=== Idempotency-Key: a retried run or submission is answered as the first
--- http_config eval: $::Http . "    judge_session_rate 600r/m;\n"
--- config eval: $::Config
--- timeout: 60
--- perl
ok(worker_up(), 'worker up');
my $id = session('print(1)');
my ($c, $a, $r1) = http_json(POST => "/code-sessions/$id/run", {stdin => 'x'}, 'Idempotency-Key: k-1');
is($c, 202, 'the first run');
my ($c2, $b, $r2) = http_json(POST => "/code-sessions/$id/run", {stdin => 'x'}, 'Idempotency-Key: k-1');
is($c2, 202, 'its retry');
is($b->{execution_id}, $a->{execution_id}, 'names the same run');
is($r2->header('Idempotent-Replayed'), 'true', 'and says it is a replay');
my (undef, $h) = http_json(GET => "/code-sessions/$id/executions");
is(scalar @{ $h->{executions} }, 1, 'one run, not two');
($c, $b) = http_json(POST => "/code-sessions/$id/run", {stdin => 'y'}, 'Idempotency-Key: k-1');
is($c, 422, 'the key with another body: 422');
is($b->{error}{code}, 'idempotency_key_reused', 'idempotency_key_reused');
($c, $b) = http_json(POST => "/code-sessions/$id/run", {stdin => 'x'}, 'Idempotency-Key: k-2');
isnt($b->{execution_id}, $a->{execution_id}, 'another key, another run');
my $other = session('print(1)');
($c, $b) = http_json(POST => "/code-sessions/$other/run", {stdin => 'x'}, 'Idempotency-Key: k-1');
isnt($b->{execution_id}, $a->{execution_id}, "a key is its session's own");
($c, $b) = http_json(POST => "/code-sessions/$id/run", {}, 'Idempotency-Key: ' . ('k' x 300));
is($c, 400, 'a key of 300 characters: 400');

my $sub = {language => 'python', source => 'print(1)',
           tests => [{input => '', expected_output => "1\n"}]};
($c, $a) = http_json(POST => '/submissions', $sub, 'Idempotency-Key: s-1');
is($c, 202, 'a submission');
($c, $b, $r2) = http_json(POST => '/submissions', $sub, 'Idempotency-Key: s-1');
is($b->{id}, $a->{id}, 'its retry names the same job');
is($r2->header('Idempotent-Replayed'), 'true', 'as a replay');
($c) = http_json(POST => '/submissions', {%$sub, source => 'print(2)'}, 'Idempotency-Key: s-1');
is($c, 422, 'the key with another submission: 422');
($c, $b) = http_json(POST => '/submissions', '{', 'Idempotency-Key: s-2');
is($c, 400, 'a bad body with a new key: 400');
($c, $b) = http_json(POST => '/submissions', $sub, 'Idempotency-Key: s-2');
is($c, 202, 'the key is free again once its request failed');


=== $judge_session_id: nginx's limit_req per session
--- http_config eval: $::Http . "    judge_session_rate 600r/m;\n    limit_req_zone \$judge_session_id zone=runs:1m rate=1r/m;\n"
--- config
    location / {
        limit_req zone=runs;
        limit_req_status 429;
        error_page 429 = @limited;
        judge_api;
    }
    location @limited {
        default_type application/json;
        add_header Retry-After 60 always;
        return 429 '{"error":{"code":"rate_limited","message":"too many requests for this session"},"retryAfter":60}\n';
    }
    location = /worker { judge_worker_endpoint; }
--- timeout: 60
--- perl
ok(worker_up(), 'worker up');
my $id = session('print(1)');
my $other = session('print(2)');
my ($c) = http_json(GET => "/code-sessions/$id");
is($c, 200, 'a first request of the session');
my ($j, $r);
($c, $j, $r) = http_json(POST => "/code-sessions/$id/run", {});
is($c, 429, "its second within the minute: nginx's limit_req");
is($j->{error}{code}, 'rate_limited', 'answered as JSON by error_page');
($c) = http_json(GET => "/code-sessions/$other");
is($c, 200, 'another session has its own allowance');
($c) = http_json(GET => '/health');
is($c, 200, 'requests of no session are not limited by it');
