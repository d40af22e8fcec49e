# A worker given several frontends (--master A --master B): it registers on
# the first, moves to the next when its frontend goes away and stays
# there, and passes over a frontend that is down at once, without a
# backoff.  Each frontend here has its own zone (no Redis): what is looked
# at is where the worker is, and that it judges there.

use Test::Judge::Nginx;
use Time::HiRes qw(time sleep);

our $Http = <<'CONF';
    judge_zone judge:4m;
    judge_worker_token t;
    judge_heartbeat_interval 300ms;
    judge_heartbeat_timeout 1500ms;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

our $Echo = {language => 'bash', source => 'read a; echo "$a"',
             tests => [{input => "7\n", expected_output => "7\n"}]};

our $Languages = repo_root() . '/t/fleet/bash-only.conf';

# workers registered with the frontend on "$port" (0 when it is down)
sub workers_on {
    my ($port) = @_;
    on_port($port, sub { ((http_json(GET => '/health'))[1] // {})->{workers} })
        // 0;
}

sub url { "http://127.0.0.1:$_[0]/worker" }

sub master_pid {
    open my $fh, '<', servroot() . '/logs/nginx.pid' or return undef;
    my $pid = <$fh>;
    chomp $pid;
    return $pid;
}

sub worker_log { Test::Judge::Nginx::slurp(servroot() . "/logs/worker-$_[0].log") }

run_tests();

__DATA__

=== A, then B: on A; A killed: on B within seconds, judging; A back: stays on B; B killed: back on A
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
my $a = nginx_port();
my ($b, $bpid) = spawn_frontend('b');
is(on_port($b, sub { (http_json(GET => '/health'))[0] }), 200,
   'frontend B is up');
spawn_worker('w1', languages => $::Languages,
             args => ['--master', url($b)]);
ok(wait_until(sub { workers_on($a) == 1 }, 20), 'registered on A, the first');
is(workers_on($b), 0, 'not on B');

kill 'KILL', master_pid(), nginx_pids();
my $t0 = time;
ok(wait_until(sub { workers_on($b) == 1 }, 5), 'A killed: on B');
my $took = time - $t0;
cmp_ok($took, '<', 5, sprintf('within seconds (%.2f s)', $took));
like(worker_log('w1'), qr/moved from master \Q${\url($a)}\E to \Q${\url($b)}\E/,
     'the move is logged: from A to B');

my ($code, $r) = on_port($b, sub {
    http_json(POST => '/submissions?wait=true', $::Echo) });
is($code, 200, 'a submission to B');
is($r->{verdict}, 'AC', 'is judged AC');

ok(restart_nginx(), 'A started again');
sleep 2;
is(workers_on($a), 0, 'A is back, the worker stays on B');
is(workers_on($b), 1, 'still on B');

kill 'KILL', -$bpid;
ok(wait_until(sub { workers_on($a) == 1 }, 5), 'B killed: back on A');
like(worker_log('w1'), qr/moved from master \Q${\url($b)}\E to \Q${\url($a)}\E/,
     'and that move is logged too');


=== A is down from the start: B is reached at once, without a backoff
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
my $dead = free_port();
my $t0 = time;
spawn([build_dir() . '/judge-worker', '--foreground',
       '--master', url($dead), '--master', url(nginx_port()),
       '--token', 't', '--id', 'w2', '--slots', 1,
       '--languages', $::Languages, '--state-dir', servroot(),
       '--log', servroot() . '/logs/worker-w2.log']);
ok(wait_until(sub { workers_on(nginx_port()) == 1 }, 10), 'registered on B');
my $took = time - $t0;
cmp_ok($took, '<', 2, sprintf('at once (%.2f s; the backoff goes up to 10 s)',
                              $took));
my $log = worker_log('w2');
like($log, qr/cannot reach master \Q${\url($dead)}\E/, 'A was tried');
unlike($log, qr/reconnecting in/, 'and passed over without a backoff');
unlike($log, qr/moved from/, 'no move: the worker was never on A');
my ($code, $r) = http_json(POST => '/submissions?wait=true', $::Echo);
is($r->{verdict}, 'AC', 'B judges');


=== a bad URL in the list: the worker says which one and does not start
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $cmd = join ' ', build_dir() . '/judge-worker', '--foreground',
               '--token', 't', '--id', 'w3',
               '--master', url(nginx_port()) . ',htp://b/worker';
my $out = `$cmd 2>&1`;
isnt($?, 0, 'refused');
like($out, qr/frontend 2 of 2: master URL "htp:\/\/b\/worker"/,
     'naming the second URL');
