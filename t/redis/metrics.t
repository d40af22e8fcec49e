# GET /metrics?scope=fleet (judge_redis): every frontend on the same Redis
# leaves its figures there each second, with its lease; the fleet's text
# sums the counters and the gauges that add up, shows the others once per
# frontend with its instance, and forgets a frontend killed whole within
# 10 s.  Plain GET /metrics stays this frontend's own.  Redis away: 503.

use Test::Judge::Nginx;
use FindBin;
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/helpers.pl";

if (!redis_available()) {
    Test::More::plan(skip_all => 'redis-server is not installed');
}

# the samples of a Prometheus text, series => value
sub samples {
    my ($text) = @_;
    return { ($text // '') =~ /^([a-z_]+(?:\{[^}]*\})?) (\d+)$/mg };
}

# the samples of GET /metrics (with "$query"), on the frontend at hand
sub metrics {
    my ($query) = @_;
    return samples(http_get('/metrics' . ($query // ''))->content);
}

# the instances the fleet's text labels its series with
sub instances {
    my ($m) = @_;
    return [sort map { /^judge_zone_free_bytes\{instance="(\w+)"\}$/ ? $1 : () }
                 keys %$m];
}

run_tests();

__DATA__

=== two frontends: the fleet's figures are the sum of both, each one's instance shown; one killed whole leaves them
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport, $bpid) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb') });
ok(on_port($bport, sub { wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} // 0 }, 20) }),
   'and one on B');
ok(redis_ready($bport), 'B is on the same Redis');

my @a = map { (http_json(POST => '/submissions?wait=true', $::Echo))[1] }
            1 .. 2;
my $b = on_port($bport, sub {
    (http_json(POST => '/submissions?wait=true', $::Echo))[1] });
is_deeply([map { $_->{verdict} } @a, $b], [qw(AC AC AC)],
          'two submissions judged through A, one through B');
my %owner = (a => redis('HGET', job_key($a[0]{id}), 'owner'),
             b => redis('HGET', job_key($b->{id}), 'owner'));
isnt($owner{a}, $owner{b}, 'each frontend is an instance of its own');

my $local = metrics();
is($local->{judge_submissions_total}, 2, 'A\'s own: two submissions');
is($local->{judge_tests_total}, 6, 'and six tests');
ok(!grep({ /instance=|^judge_frontends$/ } keys %$local),
   'plain GET /metrics is this frontend\'s: no instance, no frontends');
is(on_port($bport, sub { metrics()->{judge_submissions_total} }), 1,
   'B\'s own: one submission');

for my $on (['A', nginx_port()], ['B', $bport]) {
    my ($name, $port) = @$on;
    my $m;
    ok(on_port($port, sub { wait_until(sub {
        $m = metrics('?scope=fleet');
        ($m->{judge_submissions_total} // 0) == 3
        && ($m->{judge_tests_total} // 0) == 9 }, 5) }),
       "$name shows the fleet: three submissions, nine tests")
        or diag(JSON::PP->new->canonical->encode($m));
    is($m->{judge_frontends}, 2, 'on two frontends');
    is($m->{judge_workers}, 2, 'with two workers');
    is($m->{'judge_verdicts_total{verdict="AC"}'}, 3, 'three AC');
    is_deeply(instances($m), [sort values %owner],
              'per-frontend series name both instances');
    ok(!exists $m->{judge_zone_free_bytes}, 'with no sum of them');
}

kill 'KILL', -$bpid;
my $t0 = time;
my $m;
ok(wait_until(sub {
    $m = metrics('?scope=fleet');
    ($m->{judge_frontends} // 0) == 1 }, 15),
   'B killed whole: the fleet is A alone')
    or diag(JSON::PP->new->canonical->encode($m));
my $took = time - $t0;
cmp_ok($took, '<', 10, sprintf('within 10 s (%.1f s)', $took));
is($m->{judge_submissions_total}, 2, 'its figures are A\'s');
is($m->{judge_tests_total}, 6, 'six tests');
is_deeply(instances($m), [$owner{a}], 'and only A\'s instance is shown');

=== Redis stopped: the fleet's figures are 503 store_unavailable, this frontend's still there
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
ok(redis_ready(nginx_port()), 'A is on Redis');
my $r;
ok(wait_until(sub {
    $r = http_get('/metrics?scope=fleet');
    $r->code == 200 && samples($r->content)->{judge_frontends} }, 5),
   'the fleet\'s figures are there');
is($r->header('Content-Type'), 'text/plain; version=0.0.4',
   'as Prometheus text');
stop_redis('TERM');
my ($code, $e) = http_json(GET => '/metrics?scope=fleet');
is($code, 503, 'Redis stopped: 503');
is($e->{error}{code}, 'store_unavailable', 'saying the store is away');
is(http_get('/metrics')->code, 200, 'plain GET /metrics still answers');
($code, $e) = http_json(GET => '/metrics?scope=galaxy');
is($code, 400, 'an unknown scope is refused');
is($e->{error}{code}, 'invalid_scope', 'saying so');

=== without judge_redis, the fleet of GET /metrics?scope=fleet is this frontend
--- http_config
    judge_zone judge:1m;
--- config
    location / { judge_api; }
--- perl
my $m = metrics('?scope=fleet');
is($m->{judge_frontends}, 1, 'one frontend');
my @inst = @{ instances($m) };
is(scalar @inst, 1, 'its instance labels its own series');
my $local = metrics();
is($m->{$_}, $local->{$_}, "$_ as this frontend's")
    for qw(judge_workers judge_submissions_total judge_tests_total);
is($m->{"judge_cache_files{instance=\"$inst[0]\"}"},
   $local->{judge_cache_files}, 'judge_cache_files too, with its instance');

=== a submission passed on to the frontend whose workers run it counts once in the fleet's submissions, and as a takeover where it ran
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport) = spawn_frontend('b');
ok(redis_ready($bport), 'B, without workers, is on the same Redis');
my ($code, $s);
ok(on_port($bport, sub { wait_until(sub {
    ($code, $s) = http_json(POST => '/submissions', $::Echo);
    $code == 202 }, 10) }),
   'B takes a submission only A\'s workers can run');
is(finished_within(20, $s->{id})->{verdict}, 'AC', 'judged on A');
is(on_port($bport, sub { metrics()->{judge_submissions_total} }), 1,
   'B accepted it');
my $local = metrics();
is($local->{judge_submissions_total}, 0, 'A did not');
is($local->{judge_takeovers_total}, 1, 'A took it over');
my $m;
ok(wait_until(sub {
    $m = metrics('?scope=fleet');
    ($m->{judge_takeovers_total} // 0) == 1
    && ($m->{judge_frontends} // 0) == 2 }, 5),
   'the fleet shows the takeover')
    or diag(JSON::PP->new->canonical->encode($m));
is($m->{judge_submissions_total}, 1, 'and one submission, not two');
