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
ok(!is_active($id), 'it is no longer active');
is(redis('HEXISTS', job_key($id), 'tests'), '0',
   'the tests are dropped from the record once it ended');
is_deeply(decode_json(redis('HGET', job_key($id), 'result')), $done,
          'Redis holds the answer this frontend gives');

my ($port) = spawn_frontend('b');
ok(redis_ready($port), 'another frontend is up on the same Redis');
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
my (undef, $h) = http_json(GET => '/health');
is_deeply($h->{store}, {name => 'redis', up => JSON::PP::true},
          '/health: the store is up');
like($h->{zone}{instance}, qr/^[0-9a-f]{8}$/,
     'and names the instance the fleet\'s answers know this frontend by');
stop_redis('KILL');
my ($c, $e, $resp);
ok(wait_until(sub {
    ($c, $e, $resp) = http_json(POST => '/submissions', $::Echo);
    $c == 503 }, 5), 'refused once Redis is gone');
my $in_a_row = 0;
ok(wait_until(sub {
    my (undef, $h) = http_json(GET => '/health');
    $in_a_row = ($h->{store} && !$h->{store}{up}) ? $in_a_row + 1 : 0;
    $in_a_row >= 4 }, 5), '/health: the store is down');
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
like(error_log_since(0),
     qr/judge: redis \S+ is unreachable: it refused the connection's set-up: WRONGPASS/,
     'the log says why');

=== a Redis that wants a password none was given for: 503, said once
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis(args => ['--requirepass', 'pw-of-the-test']);
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker is up');
for (1 .. 3) {
    my ($c, $e) = http_json(POST => '/submissions', $::Echo);
    is($c, 503, 'refused');
}
sleep 1;
my @lines = error_log_since(0) =~ /(is unreachable: it refused the connection's set-up: NOAUTH)/g;
ok(@lines >= 1 && @lines <= 2, 'the log says why, once a process')
    or diag(scalar @lines);

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

=== a job held by frontend A, waited on, followed by SSE and cancelled through frontend B
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'a worker is up on A');
my ($bport) = spawn_frontend('b');
ok(redis_ready($bport), 'B is up on the same Redis');
my $slow = {language => 'python',
            source => "import time\ntime.sleep(0.5)\nprint(input())",
            tests => [map { {id => "t$_", input => "$_\n",
                             expected_output => "$_\n"} } 1 .. 4]};
my ($code, $r) = http_json(POST => '/submissions', $slow);
is($code, 202, "accepted on A") or diag(JSON::PP->new->canonical->encode($r // {}));
my $id = $r->{id};
my ($c, $b) = on_port($bport, sub { http_json(GET => "/submissions/$id") });
is($c, 200, 'B knows it while A runs it');
like($b->{status}, qr/^(QUEUED|COMPILING|RUNNING)$/, "as unfinished ($b->{status})");
is($b->{total}, 4, 'with its number of tests');

# SSE through B: every test, then the verdict
my $sse = on_port($bport, sub {
    http_request(GET => "/submissions/$id/events", '', [], 30) });
is($sse->code, 200, 'B streams its events');
my @tests = $sse->content =~ /^event: test$/mg;
is(scalar @tests, 4, 'each test as it ended');
like($sse->content, qr/^event: verdict\ndata: \{.*"verdict":"AC"/m,
     'then the verdict');

# ?wait=true through B on another job
($code, $r) = http_json(POST => '/submissions', $slow);
my $id2 = $r->{id};
my ($wc, $w) = on_port($bport, sub {
    http_json(GET => "/submissions/$id2?wait=true") });
is($wc, 200, 'B answers a wait');
is($w->{verdict}, 'AC', 'once A has judged it');
is(scalar @{ $w->{tests} }, 4, 'with every test');

# DELETE through B
my $sleepy = {language => 'python', source => "import time\ntime.sleep(60)",
              limits => {wall_time_ms => 25000, cpu_time_ms => 1000},
              tests => [{id => 'z', input => '', assertions => [{exitCode => 0}]}]};
($code, $r) = http_json(POST => '/submissions', $sleepy);
my $id3 = $r->{id};
ok(wait_until(sub { (http_json(GET => "/submissions/$id3"))[1]{status} eq 'RUNNING' }),
   'a sleeping job runs on A');
my ($dc) = on_port($bport, sub { http_json(DELETE => "/submissions/$id3") });
is($dc, 200, 'B takes its DELETE');
my $end = finished_within(10, $id3);
is($end->{status}, 'CANCELLED', 'A cancels it');
my ($cc, $cb) = on_port($bport, sub { http_json(DELETE => "/submissions/$id3") });
ok(wait_until(sub {
    ($cc) = on_port($bport, sub { http_json(DELETE => "/submissions/$id3") });
    $cc == 409 }, 5), 'a second DELETE through B: it has finished');
my ($nc) = on_port($bport, sub {
    http_json(DELETE => '/submissions/0123456789abcdef01234567') });
is($nc, 404, 'an unknown id: 404 through B');
my $usse = on_port($bport, sub {
    http_request(GET => '/submissions/0123456789abcdef01234567/events', '',
                 [], 10) });
is($usse->code, 404, 'SSE of an unknown id: 404 through B');
like($usse->content, qr/"error"/, 'a JSON error');

=== thirty SSE clients on B following jobs A holds: one poll a tick for all, each told every test
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
use IO::Socket::INET;
ok(start_workers(1), 'a worker is up on A');
my ($bport) = spawn_frontend('b');
ok(redis_ready($bport), 'B is up on the same Redis');
my $slow = {language => 'python',
            source => "import time\ntime.sleep(0.4)\nprint(input())",
            tests => [map { {id => "t$_", input => "$_\n",
                             expected_output => "$_\n"} } 1 .. 6]};
my @ids = map { (http_json(POST => '/submissions', $slow))[1]{id} } 1 .. 3;
ok(@ids == 3 && !grep({ !defined } @ids), 'three jobs accepted on A');
my $evals = sub {
    my ($n) = redis('INFO', 'commandstats') =~ /cmdstat_eval:calls=(\d+)/;
    return $n // 0;
};
my @socks;
for my $i (0 .. 29) {
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$bport")
        or die "connect: $!";
    print $s "GET /submissions/$ids[$i % 3]/events HTTP/1.1\r\n"
           . "Host: b\r\nConnection: close\r\n\r\n";
    push @socks, $s;
}
sleep 0.5;
my $e0 = $evals->();
sleep 2;
my $per_s = ($evals->() - $e0) / 2;
diag(sprintf '%.0f EVAL a second with thirty followers on B', $per_s);
cmp_ok($per_s, '<', 100, 'not one poll for each follower at each tick (that was about 180 a second)');
my @streams;
for my $s (@socks) {
    local $/;
    local $SIG{ALRM} = sub { die "timeout\n" };
    alarm 30;
    my $body = eval { <$s> } // '';
    alarm 0;
    push @streams, $body;
}
is(scalar(grep { (() = /^event: test$/mg) == 6 } @streams), 30,
   'every follower was told every test');
is(scalar(grep { /^event: verdict\ndata: \{.*"verdict":"AC"/m } @streams), 30,
   'and the verdict');

=== GET /workers?scope=fleet: every frontend's workers
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb1'); spawn_worker('wb2') });
ok(on_port($bport, sub { wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} // 0 >= 2 }, 20) }),
   'two on B');
my $f;
ok(wait_until(sub {
    (undef, $f) = http_json(GET => '/workers?scope=fleet');
    ($f->{count} // 0) == 3 }, 5), 'A shows the fleet: three workers');
is(scalar @{ $f->{frontends} }, 2, 'on two frontends');
is_deeply([sort map { $_->{count} } @{ $f->{frontends} }], [1, 2],
          'one on one, two on the other');
is((http_json(GET => '/workers'))[1]{count}, 1, 'its own list stays its own');
my ($c, $e) = http_json(GET => '/workers?scope=galaxy');
is($c, 400, 'an unknown scope is refused');
is($e->{error}{code}, 'invalid_scope', 'saying so');

=== the artifact cache is shared: the same source on B after A compiles nothing
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb') });
ok(on_port($bport, sub { wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} // 0 }, 20) }),
   'one on B');
ok(redis_ready($bport), 'B is on the same Redis');
my $c = {language => 'c',
         source => "#include <stdio.h>\nint main(void){int a,b;scanf(\"%d %d\",&a,&b);printf(\"%d\\n\",a+b);return 0;}\n",
         tests => [{id => 'a', input => "1 2\n", expected_output => "3\n"}]};
my ($code, $r) = http_json(POST => '/submissions?wait=true', $c);
is($r->{verdict}, 'AC', 'A compiles and judges it');
ok($r->{compile} && !$r->{compile}{cached}, 'compiled there');
my $b = on_port($bport, sub {
    (http_json(POST => '/submissions?wait=true', $c))[1] });
is($b->{verdict}, 'AC', 'B judges the same source');
ok($b->{compile}{cached}, 'with the program A compiled')
    or diag(JSON::PP->new->canonical->encode($b->{compile} // {}));
is($b->{compile}{status}, $r->{compile}{status}, 'and its answer');
my $bad = {language => 'c', source => "int main(void) { return nope; }\n",
           tests => [{id => 'a', input => '', expected_output => ''}]};
($code, $r) = http_json(POST => '/submissions?wait=true', $bad);
is($r->{verdict}, 'CE', 'a compile error on A');
$b = on_port($bport, sub {
    (http_json(POST => '/submissions?wait=true', $bad))[1] });
is($b->{verdict}, 'CE', 'is one on B');
ok($b->{compile}{cached}, 'without compiling again');
like($b->{compile}{output} // '', qr/nope/, 'with the compiler\'s words');

=== judge_redis programs=: how long a compiled program stays in Redis for the other frontends; off: none is kept, each frontend compiles its own
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http =~ s/(judge_redis \S+);/$1 programs=off;/r
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb') });
ok(on_port($bport, sub { wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} // 0 }, 20) }),
   'one on B');
ok(redis_ready($bport), 'B is on the same Redis');
my $c = {language => 'c',
         source => "int main(void) { return 0; }\n",
         tests => [{id => 'a', input => '', expected_output => ''}]};
my (undef, $r) = http_json(POST => '/submissions?wait=true', $c);
is($r->{verdict}, 'AC', 'A compiles and judges it');
is(redis('--scan', '--pattern', 'judge:{a:*'), '', 'no program in Redis');
my $b = on_port($bport, sub {
    (http_json(POST => '/submissions?wait=true', $c))[1] });
is($b->{verdict}, 'AC', 'B judges the same source');
ok($b->{compile} && !$b->{compile}{cached}, 'compiling it itself');

=== judge_redis programs=10m: a program is kept 10 minutes
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http =~ s/(judge_redis \S+);/$1 programs=10m;/r
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker');
my (undef, $r) = http_json(POST => '/submissions?wait=true',
    {language => 'c', source => "int main(void) { return 0; }\n",
     tests => [{id => 'a', input => '', expected_output => ''}]});
is($r->{verdict}, 'AC', 'compiled and judged');
my ($key) = split /\n/, redis('--scan', '--pattern', 'judge:{a:*');
ok($key, 'its program is in Redis');
my $ttl = redis('PTTL', $key);
ok($ttl > 590_000 && $ttl <= 600_000, "for 10 minutes ($ttl ms)");

=== judge_redis programs= takes a time or off
--- http_config
    judge_zone judge:1m;
    judge_redis 127.0.0.1:1 programs=soon;
--- config
    location / { judge_api; }
--- must_die
--- error_log
invalid judge_redis parameter "programs=soon"

=== a cancel queued through B is taken by A within a tick, not at its next second
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'a worker is up on A');
my ($bport) = spawn_frontend('b');
ok(redis_ready($bport), 'B is up on the same Redis');
my $sleepy = {language => 'python', source => "import time\ntime.sleep(60)",
              limits => {wall_time_ms => 25000, cpu_time_ms => 1000},
              tests => [{id => 'z', input => '', assertions => [{exitCode => 0}]}]};
my @ids = map { (http_json(POST => '/submissions', $sleepy))[1]{id} } 1 .. 5;
is(scalar(grep { defined } @ids), 5, 'five jobs accepted on A');
my $owner = redis('HGET', job_key($ids[0]), 'owner');
my $queue = "judge:{cx:$owner}";
my @took;
for my $id (@ids) {
    my ($dc) = on_port($bport, sub { http_json(DELETE => "/submissions/$id") });
    my $t0 = time;
    wait_until(sub { (redis('LLEN', $queue) // 1) == 0 }, 3);
    push @took, time - $t0;
    is($dc, 200, 'B takes a DELETE');
    is(finished_within(5, $id)->{status}, 'CANCELLED', 'A cancels it');
}
my ($longest) = sort { $b <=> $a } @took;
cmp_ok($longest, '<', 0.3,
       sprintf('each cancel left the queue within 0.3 s (%s)',
               join ' ', map { sprintf '%.2f', $_ } @took));
