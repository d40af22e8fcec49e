# Code sessions on Redis (judge_redis): a session made on one frontend is
# read, saved and run on another, a stale save is refused whichever
# frontend had the newer one, the rate and the failures count across
# frontends, the history follows the runs' ends, and sessions outlive a
# restart of every frontend.  Without Redis, saves get 503.

use Test::Judge::Nginx;
use FindBin;
use JSON::PP;
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/helpers.pl";

if (!redis_available()) {
    Test::More::plan(skip_all => 'redis-server is not installed');
}

our $Sessions = <<'CONF';
    judge_session_rate 4r/m;
    judge_session_max_failures 2 cooldown=30s;
CONF


sub wait_run {
    my ($id) = @_;
    my (undef, $e) = http_json(GET => "/executions/$id?wait=true");
    return $e;
}

run_tests();

__DATA__

=== a session is one record on Redis: every frontend reads, saves and runs it
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http . $::Sessions
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport) = spawn_frontend('b');
ok(redis_ready($bport), 'B is on Redis');
# B hears of the fleet's languages at its next renewals
sleep 3;

my ($c, $s) = http_json(POST => '/code-sessions',
                  {language => 'python', source_code => "print(input())", stdin => "a\n"});
is($c, 201, 'made on A');
my $id = $s->{session_id};
ok(redis('EXISTS', "judge:{s:$id}") == 1, 'its record is in Redis');

my ($bc, $bs) = on_port($bport, sub { http_json(GET => "/code-sessions/$id") });
is($bc, 200, 'B reads it');
is($bs->{source_code}, "print(input())", 'with its source');
is($bs->{revision}, 1, 'at revision 1');

($bc, $bs) = on_port($bport, sub {
    http_json(PATCH => "/code-sessions/$id", {stdin => "b\n"}, 'If-Match: "1"') });
is($bc, 200, 'B saves it');
is($bs->{revision}, 2, 'revision 2');
($c, $s) = http_json(PATCH => "/code-sessions/$id", {stdin => "c\n"}, 'If-Match: "1"');
is($c, 409, "A's save against revision 1 is stale");
is($s->{revision}, 2, 'it is told revision 2');

# a run on B of what A saved
($c, $s) = http_json(PATCH => "/code-sessions/$id", {stdin => "d\n"}, 'If-Match: "2"');
is($c, 200, 'A saves revision 3');
($bc, $bs) = on_port($bport, sub { http_json(POST => "/code-sessions/$id/run", {}) });
is($bc, 202, 'B runs it');
my $e = on_port($bport, sub { wait_run($bs->{execution_id}) });
is($e->{status}, 'COMPLETED', 'the run completes');
is($e->{stdout}, "d\n", "with A's last save");
is($e->{revision}, 3, 'of revision 3');

ok(wait_until(sub {
    my (undef, $h) = http_json(GET => "/code-sessions/$id/executions");
    ($h->{executions}[0]{status} // '') eq 'COMPLETED' }, 10),
   "A's history has B's run, ended");
my (undef, $h) = http_json(GET => "/code-sessions/$id/executions");
is($h->{executions}[0]{execution_id}, $bs->{execution_id}, 'the same run');
is($h->{executions}[0]{exit_code}, 0, 'with its exit code');

# the rate counts on Redis: 4 a minute, whichever frontend starts them
my @codes;
push @codes, (http_json(POST => "/code-sessions/$id/run", {}))[0];
push @codes, (on_port($bport, sub { http_json(POST => "/code-sessions/$id/run", {}) }))[0];
push @codes, (http_json(POST => "/code-sessions/$id/run", {}))[0];
my ($rc, $rj, $rr) = on_port($bport, sub { http_json(POST => "/code-sessions/$id/run", {}) });
is_deeply(\@codes, [202, 202, 202], 'three more runs on both frontends');
is($rc, 429, 'the fifth in the minute: 429, on either');
ok($rj->{retryAfter} >= 1, 'with when to retry');

# an Idempotency-Key holds across frontends: a retry on B is A's answer
my ($kc, $k1) = http_json(POST => "/code-sessions/$id/run", {stdin => "k\n"},
                          'Idempotency-Key: across');
my ($kc2, $k2, $kr) = on_port($bport, sub {
    http_json(POST => "/code-sessions/$id/run", {stdin => "k\n"},
              'Idempotency-Key: across') });
ok($kc == 202 || $kc == 429, "a run with a key on A: $kc");
is($kc2, $kc, 'its retry on B gets the same status');
is($k2->{execution_id}, $k1->{execution_id}, 'and names the same run')
    if $kc == 202;
my $sub = {language => 'python', source => 'print(1)',
           tests => [{input => '', expected_output => "1\n"}]};
my (undef, $s1) = http_json(POST => '/submissions', $sub, 'Idempotency-Key: s-across');
my (undef, $s2, $sr) = on_port($bport, sub {
    http_json(POST => '/submissions', $sub, 'Idempotency-Key: s-across') });
is($s2->{id}, $s1->{id}, 'a submission retried on B is the one A took');
is($sr->header('Idempotent-Replayed'), 'true', 'as a replay');
my ($oc) = on_port($bport, sub {
    http_json(POST => '/submissions', {%$sub, source => 'print(2)'},
              'Idempotency-Key: s-across') });
is($oc, 422, 'the key with another body on B: 422');

($c) = on_port($bport, sub { http_json(PATCH => "/code-sessions/$id/close") });
is($c, 200, 'B closes it');
($c, $s) = http_json(POST => "/code-sessions/$id/run", {});
is($c, 409, 'A sees it closed');
($c) = http_json(DELETE => "/code-sessions/$id");
is($c, 204, 'A deletes it');
($bc) = on_port($bport, sub { http_json(GET => "/code-sessions/$id") });
is($bc, 404, 'gone for B too');
ok(redis('EXISTS', "judge:{s:$id}") == 0, 'and from Redis');


=== failures in a row count across frontends; sessions outlive a restart; Redis away is 503
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http . $::Sessions
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport) = spawn_frontend('b');
ok(redis_ready($bport), 'B is on Redis');
sleep 3;

my ($c, $s) = http_json(POST => '/code-sessions',
                  {language => 'python', source_code => 'raise SystemExit(4)'});
my $id = $s->{session_id};
my (undef, $q) = http_json(POST => "/code-sessions/$id/run", {});
is(wait_run($q->{execution_id})->{status}, 'FAILED', 'a failure on A');
my $bq = (on_port($bport, sub { http_json(POST => "/code-sessions/$id/run", {}) }))[1];
is(on_port($bport, sub { wait_run($bq->{execution_id}) })->{status}, 'FAILED',
   'another on B');
ok(wait_until(sub { (redis('HGET', "judge:{s:$id}", 'failures') // 0) == 2 }, 10),
   'Redis counts two in a row');
my ($rc, $rj) = http_json(POST => "/code-sessions/$id/run", {});
is($rc, 429, 'the next run cools down');
is($rj->{error}{code}, 'too_many_failures', 'too_many_failures');

my (undef, $h) = on_port($bport, sub { http_json(GET => "/code-sessions/$id/executions") });
is(scalar @{ $h->{executions} }, 2, 'both runs in the history');
is($h->{executions}[0]{exit_code}, 4, 'with their exit codes');

restart_nginx();
ok(redis_ready(nginx_port()), 'A is back on Redis');
($c, $s) = http_json(GET => "/code-sessions/$id");
is($c, 200, 'the session outlived the restart');
is($s->{source_code}, 'raise SystemExit(4)', 'with its source');

stop_redis('KILL');
($c, $s) = http_json(PATCH => "/code-sessions/$id", {stdin => 'x'});
is($c, 503, 'Redis away: a save gets 503');
is($s->{error}{code}, 'store_unavailable', 'store_unavailable');
($c, $s) = http_json(POST => '/code-sessions', {language => 'python'});
is($c, 503, 'and so does a new session');
start_redis();
ok(wait_until(sub { (http_json(GET => "/code-sessions/$id"))[0] == 200 }, 15),
   'Redis back: the session is there');
