# Durable state in Redis (judge_redis): a submission is accepted only once
# Redis holds its record, its end is written there with judge_result_ttl,
# another frontend on the same Redis reads it, and while Redis cannot be
# reached (down, or not answering) submissions are refused at once with
# 503 and Retry-After, until the connection is back by itself.

use Test::Judge::Nginx;
use FindBin;
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/helpers.pl";

if (!redis_available()) {
    Test::More::plan(skip_all => 'redis-server is not installed');
}

run_tests();

__DATA__

=== accepted once Redis has it; its end kept with the ttl; read on another frontend
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http . "    judge_result_ttl 60s;\n"
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker is up');
my ($code, $r) = http_json(POST => '/submissions', $::Echo);
is($code, 202, 'accepted');
my $id = $r->{id};
is(redis('EXISTS', job_key($id)), '1', 'Redis had the record when 202 came');
like(redis('HGET', job_key($id), 'owner'), qr/^[0-9a-f]+$/,
     'the record names its frontend');
my $done = finished_within(20, $id);
is($done->{verdict}, 'AC', 'judged');
ok(wait_until(sub { redis('HEXISTS', job_key($id), 'result') eq '1' }, 5),
   'its end is written to Redis');
my $ttl = redis('PTTL', job_key($id));
ok($ttl > 50_000 && $ttl <= 60_000, "it expires after judge_result_ttl ($ttl ms)");
is(redis('ZSCORE', 'judge:{active}', $id), '', 'it is no longer active');
is(redis('HEXISTS', job_key($id), 'tests'), '0',
   'the tests are dropped from the record once it ended');
is_deeply(decode_json(redis('HGET', job_key($id), 'result')), $done,
          'Redis holds the answer this frontend gives');

my ($port) = spawn_frontend('b');
my ($c2, $r2) = on_port($port, sub { http_json(GET => "/submissions/$id") });
is($c2, 200, 'another frontend on the same Redis finds it');
is_deeply($r2, $done, 'and gives the same answer');
my ($c3, $r3) = on_port($port, sub {
    http_json(GET => '/submissions/0123456789abcdef01234567') });
is($c3, 404, 'an unknown id is 404 there too');
is($r3->{error}{code}, 'submission_not_found', 'with its code');

=== Redis down: 503 with Retry-After at once; back by itself
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker is up');
my ($code, $r) = http_json(POST => '/submissions', $::Echo);
is($code, 202, 'accepted while Redis is up');
my $id = $r->{id};
finished_within(20, $id);
stop_redis('KILL');
my ($c, $e, $resp);
ok(wait_until(sub {
    ($c, $e, $resp) = http_json(POST => '/submissions', $::Echo);
    $c == 503 }, 5), 'refused once Redis is gone');
my $t0 = time;
($c, $e, $resp) = http_json(POST => '/submissions', $::Echo);
my $took = time - $t0;
is($c, 503, 'refused');
is($e->{error}{code}, 'store_unavailable', 'saying why');
is($resp->header('Retry-After'), '1', 'with Retry-After');
cmp_ok($took, '<', 0.5, sprintf('at once (%.3f s)', $took));
my ($g) = http_json(GET => "/submissions/$id");
is($g, 200, 'what this frontend holds is still served');
start_redis();
ok(wait_until(sub { (http_json(POST => '/submissions', $::Echo))[0] == 202 },
              10), 'accepted again once Redis is back');
my $log = error_log_since();
my %down;
$down{$1}++ while $log =~ /\[error\] (\d+)#\d+: judge: redis \S+ is unreachable/g;
ok(%down && !grep({ $_ > 1 } values %down),
   'each process logged the outage once')
    or diag(join ' ', map { "$_: $down{$_}" } sort keys %down);
like($log, qr/judge: redis \S+ connected/, 'and the connection coming back');

=== a Redis that stops answering: 503 after judge_redis_timeout, not a hang
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker is up');
is((http_json(POST => '/submissions', $::Echo))[0], 202, 'accepted');
kill 'STOP', $::RedisPid;
my $t0 = time;
my ($c, $e) = http_json(POST => '/submissions', $::Echo);
my $took = time - $t0;
is($c, 503, 'refused while Redis does not answer');
is($e->{error}{code}, 'store_unavailable', 'saying why');
cmp_ok($took, '<', 1.5, sprintf('after judge_redis_timeout (%.2f s)', $took));
kill 'CONT', $::RedisPid;
ok(wait_until(sub { (http_json(POST => '/submissions', $::Echo))[0] == 202 },
              10), 'accepted again once it answers');

=== AUTH and SELECT: password_file and db
--- setup
$ENV{TEST_NGINX_REDIS_PORT} = start_redis(args => ['--requirepass', 'pw-of-the-test']);
open my $fh, '>', servroot() . '/conf/redis.pass' or die $!;
print $fh "pw-of-the-test\n";
close $fh;
--- http_config eval
(my $h = $::Http) =~ s{judge_redis (\S+);}{judge_redis $1 db=3 password_file=redis.pass prefix=other:;};
$h
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker is up');
my ($code, $r) = http_json(POST => '/submissions', $::Echo);
is($code, 202, 'accepted');
is(redis('-n', 3, 'EXISTS', "other:{j:$r->{id}}"), '1',
   'the record is in db 3 under the prefix');
is(redis('EXISTS', "other:{j:$r->{id}}"), '0', 'and not in db 0');

=== a wrong password: 503, and the log says why
--- setup
$ENV{TEST_NGINX_REDIS_PORT} = start_redis(args => ['--requirepass', 'pw-of-the-test']);
open my $fh, '>', servroot() . '/conf/redis.pass' or die $!;
print $fh "wrong\n";
close $fh;
--- http_config eval
(my $h = $::Http) =~ s{judge_redis (\S+);}{judge_redis $1 password_file=redis.pass;};
$h
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker is up');
my ($c, $e) = http_json(POST => '/submissions', $::Echo);
is($c, 503, 'refused');
is($e->{error}{code}, 'store_unavailable', 'saying why');
like(error_log_since(), qr/judge: redis \S+ refused the connection's set-up/,
     'the log says why');

=== judge_redis checks its arguments
--- http_config
    judge_zone judge:1m;
    judge_redis 127.0.0.1:6379 flavour=strawberry;
--- config
    location / { judge_api; }
--- must_die
--- error_log
invalid judge_redis parameter "flavour=strawberry"

=== a judge_redis that names no address nginx can use
--- http_config
    judge_zone judge:1m;
    judge_redis "no host:port";
--- config
    location / { judge_api; }
--- must_die
--- error_log
judge_redis
