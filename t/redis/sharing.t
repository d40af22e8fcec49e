# Work moves to where it can run (judge_redis): a frontend whose workers
# are all busy passes on jobs that waited a second to frontends that said
# they had free slots; and a job Redis says a frontend owns but its zone
# does not hold (an answer lost on the way) is found and run.

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
                                expected_output => "$_\n"} } 1 .. 3]};

sub log_of {
    my ($name) = @_;
    open my $fh, '<', servroot() . "/logs/$name" or return '';
    local $/;
    return <$fh>;
}

run_tests();

__DATA__

=== a busy frontend passes waiting jobs to one with free slots; each is judged once
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_workers(1), 'one worker with one slot on A');
my ($bport) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb', slots => 3) });
ok(on_port($bport, sub { wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} // 0 }, 20) }),
   'a worker with three slots on B');
ok(redis_ready($bport), 'B is on Redis');
# B takes nothing over in its first lease time on Redis
sleep 5;
my @ids = map { (http_json(POST => '/submissions', $::Sleepy))[1]{id} } 1 .. 4;
ok(@ids == 4 && !grep({ !defined } @ids), 'four jobs accepted by A');
my $t0 = time;
for my $id (@ids) {
    my $r = finished_within(60, $id);
    is($r->{verdict}, 'AC', "job $id is judged");
    is(scalar @{ $r->{tests} // [] }, 3, 'with all its tests');
}
diag(sprintf 'four jobs of 3 s on one slot here and three there: %.1f s',
     time - $t0);
my $a = log_of('error.log');
my $b = log_of('b-error.log');
my @passed = grep { $a =~ /submission $_ left for a frontend/ } @ids;
cmp_ok(scalar @passed, '>=', 1, 'A passed some on: ' . scalar @passed);
for my $id (@passed) {
    my $n = () = $b =~ /submission $id taken over/g;
    is($n, 1, "B took $id over once");
    my ($c, $r) = on_port($bport, sub { http_json(GET => "/submissions/$id") });
    is($r->{verdict}, 'AC', 'and B answers for it');
}
my @kept = grep { my $id = $_; !grep { $_ eq $id } @passed } @ids;
cmp_ok(scalar @kept, '>=', 1, 'A kept the one it was running');
unlike($a, qr/taken over/, 'A took nothing back');
ok(wait_until(sub { active_jobs() == 0 }, 5), 'nothing is left active');

=== a job Redis says this frontend owns, missing from its zone, is found and run
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_workers(1), 'a worker is up');
my ($code, $r) = http_json(POST => '/submissions', $::Sleepy);
is($code, 202, 'a submission is accepted');
my $id = $r->{id};
my $inst = redis('HGET', job_key($id), 'owner');
like($inst, qr/^[0-9a-f]+$/, 'its owner');
# the record as a takeover whose answer was lost leaves it: this
# frontend's in Redis, not in its zone
my $stray = join '', map { sprintf '%02x', int rand 256 } 1 .. 12;
my $created = int(time * 1000) - 60_000;
my $copy = redis('EVAL', "local r = redis.call('HGETALL', KEYS[1]) "
                 . "redis.call('HSET', KEYS[2], unpack(r)) "
                 . "redis.call('HSET', KEYS[2], 'created', ARGV[1]) "
                 . "redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2]) return 1",
                 3, job_key($id), job_key($stray), "judge:{o:$inst}",
                 $created, $stray);
is($copy, '1', 'a record owned by this frontend, not in its zone');
is(finished_within(20, $id)->{verdict}, 'AC', 'the accepted one is judged');
my $t0 = time;
ok(wait_until(sub { error_log_since() =~ /submission $stray, this frontend/ },
              40), 'the stray is found');
diag(sprintf 'found %.1f s after it was made', time - $t0);
is(finished_within(20, $stray)->{verdict}, 'AC', 'and judged');
unlike(error_log_since(), qr/submission $id, this frontend/,
       'the job this frontend holds is no stray');
ok(wait_until(sub { active_jobs() == 0 }, 5), 'nothing is left active');
