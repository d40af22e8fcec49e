# Nothing accepted is lost when a frontend goes (judge_redis): the jobs of
# a frontend that stopped, or was killed whole, are taken over from their
# records in Redis once its lease (5 s) lapses, by a frontend on the same
# Redis (itself, started again), and finished there.

use Test::Judge::Nginx;
use FindBin;
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/helpers.pl";

if (!redis_available()) {
    Test::More::plan(skip_all => 'redis-server is not installed');
}

our $Sleepy = {language => 'python',
               source => "import time\ntime.sleep(1)\nprint(input())",
               limits => {wall_time_ms => 10000},
               tests => [map { {id => "t$_", input => "$_\n",
                                expected_output => "$_\n"} } 1 .. 4]};

sub running_now {
    my ($id) = @_;
    wait_until(sub {
        ((http_json(GET => "/submissions/$id"))[1] // {})->{status} // ''
            eq 'RUNNING' }, 10);
}

sub master_pid {
    my ($dir) = @_;
    open my $fh, '<', "$dir/logs/nginx.pid" or return undef;
    my $pid = <$fh>;
    chomp $pid;
    return $pid;
}

run_tests();

__DATA__

=== the only frontend stopped (nginx -s stop) and started mid-run: its jobs finish
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_workers(1), 'a worker is up');
my @ids = map { (http_json(POST => '/submissions', $::Sleepy))[1]{id} } 1 .. 2;
ok(@ids == 2 && !grep({ !defined } @ids), 'two jobs accepted');
ok(running_now($ids[0]), 'the first runs');
kill 'TERM', master_pid(servroot());
ok(restart_nginx(), 'nginx started again');
my $t0 = time;
for my $id (@ids) {
    my $r = finished_within(60, $id);
    is($r->{verdict}, 'AC', "job $id is judged after the restart");
    is(scalar @{ $r->{tests} // [] }, 4, 'with all its tests');
}
diag(sprintf 'both ended %.1f s after the restart', time - $t0);
like(error_log_since(), qr/taken over from another frontend/,
     'the log says they were taken over');

=== a frontend killed whole (SIGKILL): another frontend finishes its jobs
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'a worker is up on frontend A');
my ($bport) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb') });
ok(on_port($bport, sub { wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} // 0 }, 20) }),
   'and one on frontend B');
my @ids = map { (http_json(POST => '/submissions', $::Sleepy))[1]{id} } 1 .. 3;
ok(@ids == 3 && !grep({ !defined } @ids), 'three jobs accepted on A');
ok(running_now($ids[0]), 'A runs them');
my @a = (master_pid(servroot()), nginx_pids());
kill 'KILL', @a;
my $t0 = time;
for my $id (@ids) {
    my $r = on_port($bport, sub { finished_within(40, $id) });
    is($r->{verdict}, 'AC', "B judged job $id");
    is(scalar @{ $r->{tests} // [] }, 4, 'with all its tests');
}
my $took = time - $t0;
cmp_ok($took, '<', 25, sprintf('within the lease and a run (%.1f s)', $took));

=== Redis restarted mid-run: ends written once it is back, nothing run twice
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'a worker is up');
my @ids = map { (http_json(POST => '/submissions', $::Sleepy))[1]{id} } 1 .. 2;
ok(@ids == 2 && !grep({ !defined } @ids), 'two jobs accepted');
ok(running_now($ids[0]), 'the first runs');
my $owner = redis('HGET', job_key($ids[0]), 'owner');
stop_redis('TERM');
is((http_json(POST => '/submissions', $::Sleepy))[0], 503,
   'refused while Redis is away');
sleep 6;
start_redis();
for my $id (@ids) {
    my $r = finished_within(40, $id);
    is($r->{verdict}, 'AC', "job $id is judged");
    ok(wait_until(sub { redis('HEXISTS', job_key($id), 'result') eq '1' }, 10),
       'its end is written once Redis is back');
    is(redis('HGET', job_key($id), 'owner'), $owner,
       'by its own frontend: nobody took it over');
}
unlike(error_log_since(), qr/taken over/, 'no job was taken over');
is(active_jobs(), 0, 'nothing is left active');

=== a frontend with no worker for a language: its submissions run on another frontend's workers
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
my ($bport) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb') });
ok(on_port($bport, sub { wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} // 0 }, 20) }),
   'a worker on B, none on A');
my ($code, $r);
ok(wait_until(sub {
    ($code, $r) = http_json(POST => '/submissions', $::Sleepy);
    $code == 202 }, 10), 'A takes a submission B\'s workers can run')
    or diag("$code " . JSON::PP->new->encode($r // {}));
my $id = $r->{id};
my $t0 = time;
my ($wc, $w) = http_json(GET => "/submissions/$id?wait=true");
is($w->{verdict}, 'AC', 'it is judged, waited on through A')
    or diag(JSON::PP->new->canonical->encode($w // {}));
is(scalar @{ $w->{tests} // [] }, 4, 'with all its tests');
diag(sprintf 'judged %.1f s after the wait began', time - $t0);
($code, $r) = http_json(POST => '/submissions', $::Sleepy);
my $sse = http_request(GET => "/submissions/$r->{id}/events", '', [], 40);
my @tests = $sse->content =~ /^event: test$/mg;
is(scalar @tests, 4, 'SSE through A: every test');
like($sse->content, qr/^event: verdict\ndata: \{.*"verdict":"AC"/m,
     'then the verdict');
like(error_log_since(), qr/left for a frontend whose workers can run it/,
     'A says it passed them on');
like(slurp_b(), qr/taken over from another frontend/, 'B took them');

sub slurp_b {
    open my $fh, '<', servroot() . '/logs/b-error.log' or return '';
    local $/;
    return <$fh>;
}

=== a job that ends while Redis is away outlives judge_result_ttl until its end is written
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http . "    judge_result_ttl 2s;\n    judge_result_min_ttl 1s;\n"
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'a worker is up');
my ($code, $r) = http_json(POST => '/submissions', $::Sleepy);
is($code, 202, 'accepted');
my $id = $r->{id};
ok(running_now($id), 'it runs');
stop_redis('TERM');
is(finished_within(20, $id)->{verdict}, 'AC', 'it ends while Redis is away');
sleep 4;
my ($c, $held) = http_json(GET => "/submissions/$id");
is($held->{verdict}, 'AC', 'past its ttl the zone still holds it');
start_redis();
ok(wait_until(sub { redis('HEXISTS', job_key($id), 'result') eq '1' }, 10),
   'its end is written once Redis is back');
unlike(error_log_since(), qr/submission $id, this frontend/,
       'it was not run again');
ok(wait_until(sub { (http_json(GET => "/submissions/$id"))[0] == 404 }, 10),
   'then it expires');

=== reloads under load with two frontends: every accepted job is judged, nothing is left
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb', slots => 2) });
ok(on_port($bport, sub { wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} // 0 }, 20) }),
   'and one on B');
ok(redis_ready($bport), 'B is on Redis');
my $quick = {language => 'python',
             source => "import time\ntime.sleep(0.2)\nprint(input())",
             tests => [map { {id => "t$_", input => "$_\n",
                              expected_output => "$_\n"} } 1 .. 2]};
my (@ids, $refused);
for my $round (1 .. 3) {
    for (1 .. 8) {
        my ($c, $r) = http_json(POST => '/submissions', $quick);
        if ($c == 202) { push @ids, $r->{id} } else { $refused++ }
        ($c, $r) = on_port($bport, sub { http_json(POST => '/submissions',
                                                   $quick) });
        if ($c == 202) { push @ids, $r->{id} } else { $refused++ }
    }
    ok(reload_nginx(), "A reloaded ($round)");
}
diag(scalar(@ids) . ' accepted, ' . ($refused // 0) . ' refused');
cmp_ok(scalar @ids, '>=', 40, 'nearly all accepted');
my $judged = grep { (finished_within(90, $_)->{verdict} // '') eq 'AC' } @ids;
is($judged, scalar @ids, 'every accepted job is judged');
ok(wait_until(sub { active_jobs() == 0 }, 10), 'nothing is left active');
my $again = () = error_log_since() =~ /, this frontend's in redis/g;
is($again, 0, 'no job was found astray');
