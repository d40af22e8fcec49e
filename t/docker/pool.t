# The Docker backend's pools under a load that uses containers up faster
# than the daemon creates them (--docker-uses 1, two slots: each run
# gives its container up, a creation takes seconds with vfs): the
# containers given up are removed before more are created, so that a
# worker's containers never number more than its pools' plus the one
# being created, whatever the load (each is a copy of the image on
# disk with vfs).  A runner killed from outside (docker kill, docker rm
# -f) is replaced, idle, before a run gets it; under a run, the run is
# IE (the container's end is no doing of the program's), and the next
# run is judged.
#
# Skipped without a docker daemon holding ngx-judge/runner:bookworm,
# unless JUDGE_DOCKER is set (then that is a failure).

use FindBin;
use Test::Judge::Nginx;
use JSON::PP;
use Time::HiRes qw(sleep);

require "$FindBin::Bin/helpers.pl";

docker_gate();

run_tests();

__DATA__

=== containers used up faster than they are made do not pile up
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 300
--- perl
my $state = servroot() . '/w1';
my $pid = do { local $::Slots = 2; docker_worker('w1', '--docker-uses', 1) };
ok(wait_until(sub { owned_containers($state) == 3 }, 60),
   'the pools are full: two runners, a builder')
    or diag(join ' ', owned_containers($state));

my @ids;
for my $n (1 .. 2) {
    my ($code, $r) = http_json(POST => '/submissions', {
        language => 'python', source => "print(int(input()) * 2)\n",
        tests => [map { {input => "$_\n", expected_output => 2 * $_ . "\n"} } 1 .. 5]});
    is($code, 202, "submission $n accepted");
    push @ids, $r->{id};
}

my ($most, %runners, %done) = (0);
wait_until(sub {
    my @all = owned_containers($state);
    $most = @all if @all > $most;
    $runners{$_} = 1 for owned_containers($state, 'runner');
    for my $id (grep { !$done{$_} } @ids) {
        my ($c, $s) = http_json(GET => "/submissions/$id");
        $done{$id} = $s if $c == 200
            && ($s->{status} // '') !~ /^(QUEUED|RUNNING|COMPILING)$/;
    }
    keys %done == @ids
}, 240);
is_deeply([map { $done{$_} && $done{$_}{verdict} } @ids], ['AC', 'AC'],
          'both submissions are judged: AC');
cmp_ok(scalar(keys %runners), '>=', 10,
       'each of the ten runs had a runner of its own');
cmp_ok($most, '<=', 4, 'never more containers than the pools\' three and '
       . 'the one being created') or diag("$most at once");

ok(stop_worker($pid), 'the worker stops on TERM');
# a removal the worker gave up on under load the daemon still carries out
ok(wait_until(sub { !owned_containers($state) }, 30),
   'and its containers are gone');

=== a runner killed from outside: replaced when idle, IE under a run
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 300
--- perl
my $state = servroot() . '/w1';
my $pid = docker_worker('w1');
ok(wait_until(sub { owned_containers($state) == 2 }, 60),
   'the pools are full: a runner, a builder');
my $kill_runners = sub {
    my @r = owned_containers($state, 'runner');
    docker_api(POST => "/containers/$_/kill") for @r;
    wait_until(sub {
        !grep { my (undef, $i) = docker_api(GET => "/containers/$_/json");
                $i && $i->{State}{Running} } @r
    }, 30);
};
$kill_runners->();
my $r = judged({language => 'python', source => "print(int(input()) * 2)\n",
                tests => [{input => "4\n", expected_output => "8\n"}]});
is($r->{verdict}, 'AC', 'its idle runner killed outside: the next run is AC')
    or diag(JSON::PP->new->encode($r));
like(Test::Judge::Nginx::slurp(servroot() . '/logs/worker-w1.log'),
     qr/docker: runner container \w{12} ended outside the worker; replaced/,
     'the worker says it replaced it');

my ($code, $s) = http_json(POST => '/submissions', {
    language => 'python', limits => {wall_time_ms => 20000},
    source => "import time\ntime.sleep(10)\nprint(int(input()) * 2)\n",
    tests => [{input => "4\n", expected_output => "8\n"}]});
ok(wait_until(sub {
    grep { my (undef, $top) = docker_api(GET => "/containers/$_/top");
           grep { "@$_" =~ /python3 -S main\.py/ } @{ $top->{Processes} // [] }
    } owned_containers($state, 'runner')
}, 60), 'a run under way');
$kill_runners->();
wait_until(sub { (undef, $r) = http_json(GET => "/submissions/$s->{id}");
                 ($r->{status} // '') !~ /^(QUEUED|RUNNING|COMPILING)$/ }, 60);
is($r->{verdict}, 'IE', 'its runner killed outside: IE');
is($r->{tests}[0]{message}, 'the container ended under the run (killed or '
   . 'removed outside the worker)', 'saying why')
    or diag(JSON::PP->new->encode($r));
is(judged({language => 'python', source => "print(2)\n",
           tests => [{input => '', expected_output => "2\n"}]})->{verdict},
   'AC', 'the next run is AC');

ok(stop_worker($pid), 'the worker stops on TERM');
# a removal the worker gave up on under load the daemon still carries out
ok(wait_until(sub { !owned_containers($state) }, 30),
   'and its containers are gone');

=== a daemon that does the work but does not answer: what it made meanwhile is removed once it answers again
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 300
--- perl
my $state = servroot() . '/w1';
my $proxy = servroot() . '/docker.sock';
my $stall = servroot() . '/stall';
my $log = servroot() . '/logs/worker-w1.log';
spawn([$^X, "$FindBin::Bin/stall-proxy.pl", $proxy, $::Socket, $stall]);
ok(wait_until(sub { -S $proxy }, 10), 'a proxy in front of the daemon');
my $pid = docker_worker('w1', '--docker-socket', $proxy);
ok(wait_until(sub { owned_containers($state) == 2 }, 60),
   'the pools are full: a runner, a builder');

# the daemon's answers stop; the runner is killed (straight at the
# daemon): the worker removes it and makes another, and the daemon does
# both, but the worker hears of neither
my ($runner) = owned_containers($state, 'runner');
open my $fh, '>', $stall or die $!;
close $fh;
docker_api(POST => "/containers/$runner/kill");
ok(wait_until(sub { Test::Judge::Nginx::slurp($log)
                    =~ /starting a runner container: POST \/containers\/create: Timeout/ }, 60),
   'the worker\'s create times out');
my @made = grep { $_ ne $runner } owned_containers($state, 'runner');
is(scalar(@made), 1, 'while the daemon made the container');

unlink $stall;
ok(wait_until(sub { !grep { $_ eq $made[0] } owned_containers($state) }, 60),
   'once the daemon answers, the container the worker did not hear of is removed')
    or diag(join ' ', owned_containers($state));
like(Test::Judge::Nginx::slurp($log),
     qr/docker: removed 1 container\(s\) the pools did not know/, 'the log says so');
ok(wait_until(sub { owned_containers($state) == 2 }, 60),
   'the pools are full again');
is(judged({language => 'python', source => "print(2)\n",
           tests => [{input => '', expected_output => "2\n"}]})->{verdict},
   'AC', 'a run is AC');

ok(stop_worker($pid), 'the worker stops on TERM');
# a removal the worker gave up on under load the daemon still carries out
ok(wait_until(sub { !owned_containers($state) }, 30),
   'and its containers are gone');
