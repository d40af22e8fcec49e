# An attacker's view of the fleet (judge_redis): Redis refusing writes or
# commands, frontends frozen or killed mid-run, clients that follow jobs
# another frontend holds.  Whatever happens, each accepted job is judged,
# once, and what a client reads of it is one run's.

use Test::Judge::Nginx;
use FindBin;
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/helpers.pl";

if (!redis_available()) {
    Test::More::plan(skip_all => 'redis-server is not installed');
}

our $Long = {language => 'python',
             source => "import time\ntime.sleep(1)\nprint(input())",
             limits => {wall_time_ms => 10000},
             tests => [map { {id => "t$_", input => "$_\n",
                              expected_output => "$_\n"} } 1 .. 8]};

sub log_of {
    my ($name) = @_;
    open my $fh, '<', servroot() . "/logs/$name" or return '';
    local $/;
    return <$fh>;
}

sub running_now {
    my ($id) = @_;
    wait_until(sub {
        ((http_json(GET => "/submissions/$id"))[1] // {})->{status} // ''
            eq 'RUNNING' }, 15);
}

sub master_pid {
    open my $fh, '<', servroot() . '/logs/nginx.pid' or return ();
    my $pid = <$fh>;
    chomp $pid;
    return $pid;
}

# "$n" requests "GET $uri" sent at once to the frontend at "$port"; the
# sockets, their answers to be read
sub send_at_once {
    my ($port, $n, $uri) = @_;
    return map {
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port")
            or die "connect: $!";
        print $s "GET $uri HTTP/1.1\r\nHost: localhost\r\n"
                 . "Connection: close\r\n\r\n";
        $s;
    } 1 .. $n;
}

# The answers on "@socks" (each whole once its connection closed, or as
# far as it went at "$secs")
sub answers {
    my ($secs, @socks) = @_;
    my $sel = IO::Select->new(@socks);
    my %got = map { $_ => '' } @socks;
    my $t0 = time;
    while ($sel->count && time - $t0 < $secs) {
        for my $s ($sel->can_read(0.1)) {
            if (sysread $s, my $chunk, 65536) {
                $got{$s} .= $chunk;
                next;
            }
            $sel->remove($s);
            close $s;
        }
    }
    return map { $got{$_} } @socks;
}

run_tests();

__DATA__

=== Redis out of memory (noeviction): no frontend takes over the jobs of another that is alive
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
spawn_worker('wa', slots => 2);
my ($bport) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb', slots => 2) });
ok(redis_ready(nginx_port()) && redis_ready($bport), 'A and B are on Redis');
ok(on_port($bport, sub { wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} // 0 }, 20) })
   && wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} // 0 }, 20),
   'a worker with two slots on each');
sleep 5;
my ($c, $r) = http_json(POST => '/submissions', $::Long);
is($c, 202, 'a job on A');
my $ja = $r->{id};
($c, $r) = on_port($bport, sub { http_json(POST => '/submissions', $::Long) });
is($c, 202, 'a job on B');
my $jb = $r->{id};
ok(running_now($ja) && on_port($bport, sub { running_now($jb) }),
   'both run, a slot free on each');
is(redis('CONFIG', 'SET', 'maxmemory', '1'), 'OK', 'Redis is full');
($c, $r) = http_json(POST => '/submissions', $::Long);
is($c, 503, 'a submission is refused');
is($r->{error}{code}, 'store_unavailable', 'as the store is unavailable');
sleep 9;
is(redis('CONFIG', 'SET', 'maxmemory', '0'), 'OK', 'Redis has room again');
for my $id ($ja, $jb) {
    is(on_port($bport, sub { finished_within(40, $id) })->{verdict}, 'AC',
       "job $id is judged");
}
my $took = () = (error_log_since(0) . log_of('b-error.log'))
                =~ /taken over/g;
is($took, 0, 'neither was taken from a frontend running it');
ok(wait_until(sub { active_jobs() == 0 }, 10), 'nothing is left active');

=== a job taken over whose record Redis will not read now: it is read again later, not dropped as damaged
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb') });
ok(redis_ready($bport), 'B is on Redis');
my ($c, $r) = http_json(POST => '/submissions', $::Long);
is($c, 202, 'a job on A');
my $id = $r->{id};
ok(running_now($id), 'it runs');
is(redis('ACL', 'SETUSER', 'default', '-hmget'), 'OK',
   'Redis refuses to read records');
my $was = redis('HGET', job_key($id), 'owner');
kill 'KILL', master_pid(), nginx_pids();
ok(wait_until(sub { redis('HGET', job_key($id), 'owner') ne $was }, 15),
   'A killed whole: B takes its job over');
sleep 1;
is(redis('ACL', 'SETUSER', 'default', '+hmget'), 'OK',
   'Redis reads records again');
unlike(log_of('b-error.log'), qr/damaged/, 'the record is not called damaged');
is(on_port($bport, sub { finished_within(60, $id) })->{verdict}, 'AC',
   'the job is judged');
ok(wait_until(sub { active_jobs() == 0 }, 10), 'nothing is left active');

=== a frontend frozen past its lease: its job runs elsewhere, and its own run's results do not mix into the record's
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb') });
ok(redis_ready($bport), 'B is on Redis');
my ($c, $r) = http_json(POST => '/submissions', $::Long);
is($c, 202, 'a job on A');
my $id = $r->{id};
ok(running_now($id), 'it runs');
my $was = redis('HGET', job_key($id), 'owner');
my @a = (master_pid(), nginx_pids());
kill 'STOP', @a;
ok(wait_until(sub { redis('HGET', job_key($id), 'owner') ne $was }, 15),
   'A frozen: B takes its job over');
kill 'CONT', @a;
is(on_port($bport, sub { finished_within(40, $id) })->{verdict}, 'AC',
   'B judges it');
# A's own run goes on to its end, then its clients see it
is(finished_within(40, $id)->{verdict}, 'AC', 'A ends its own run');
sleep 1;
my $list = job_key($id) . ':r';
my @ids = redis('LRANGE', $list, 0, -1) =~ /"id":"(t\d+)"/g;
my %n;
$n{$_}++ for @ids;
is(scalar(grep { $n{$_} > 1 } keys %n), 0,
   'each test once in the results Redis keeps: ' . scalar @ids);
cmp_ok(redis('PTTL', $list), '>', 0, 'which expire with the job');

=== ?wait=true on an id Redis does not know: 404 at once, as without the wait
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
ok(redis_ready(nginx_port()), 'on Redis');
my $t0 = time;
my ($c, $r) = http_json(GET => '/submissions/0123456789abcdef01234567'
                               . '?wait=true');
my $took = time - $t0;
is($c, 404, 'not found');
is($r->{error}{code}, 'submission_not_found', 'with its code');
cmp_ok($took, '<', 2, sprintf 'at once (%.1f s)', $took);

=== requests waiting on made-up ids hold no follower's place: an SSE client of another frontend's job still gets its stream
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- worker_processes: 1
--- timeout: 90
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport) = spawn_frontend('b');
ok(redis_ready($bport), 'B, with no worker, is on Redis');
my ($c, $r) = http_json(POST => '/submissions', $::Long);
is($c, 202, 'a job on A');
my $id = $r->{id};
my @waits = map {
    send_at_once($bport, 1, sprintf '/submissions/%024x?wait=true', $_)
} 1 .. 256;
sleep 1;
my ($sse) = answers(40, send_at_once($bport, 1, "/submissions/$id/events"));
like($sse, qr{\AHTTP/1\.1 200 }, 'B streams the job');
like($sse, qr/^event: verdict\ndata: .*"verdict":"AC"/m, 'to its verdict');
my @a = answers(5, @waits);
is(scalar(grep { m{\AHTTP/1\.1 404 .*"code":"submission_not_found"}s } @a),
   256, 'each wait on a made-up id is a 404');

=== Redis frozen past the leases (SIGSTOP), then thawed: the commands it held take no job from a frontend running it
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval
(my $h = $::Http) =~ s{judge_redis_timeout \S+;}{judge_redis_timeout 10s;};
$h
--- config eval: $::Config
--- timeout: 120
--- perl
spawn_worker('wa', slots => 2);
my ($bport) = spawn_frontend('b');
on_port($bport, sub { spawn_worker('wb', slots => 2) });
ok(redis_ready(nginx_port()) && redis_ready($bport), 'A and B are on Redis');
sleep 5;
my ($c, $r) = http_json(POST => '/submissions', $::Long);
is($c, 202, 'a job on A');
my $ja = $r->{id};
($c, $r) = on_port($bport, sub { http_json(POST => '/submissions', $::Long) });
is($c, 202, 'a job on B');
my $jb = $r->{id};
ok(running_now($ja) && on_port($bport, sub { running_now($jb) }),
   'both run, a slot free on each');
kill 'STOP', $::RedisPid;
sleep 7;
kill 'CONT', $::RedisPid;
for my $id ($ja, $jb) {
    is(on_port($bport, sub { finished_within(40, $id) })->{verdict}, 'AC',
       "job $id is judged");
}
sleep 2;
my $took = () = (error_log_since(0) . log_of('b-error.log'))
                =~ /taken over|this frontend's in redis/g;
is($took, 0, 'neither was taken from a frontend running it');
ok(wait_until(sub { active_jobs() == 0 }, 10), 'nothing is left active');
