# Compile limits end to end: each language's own (compile_time and
# compile_memory in its table) bounded by the operator's caps in nginx
# (judge_compile_cpu_time_limit, judge_compile_wall_time_limit,
# judge_compile_memory_limit).  A compiler that runs out is CE with a line
# saying what it ran out of, and the worker goes on judging.

use Test::Judge::Nginx;
use JSON::PP;

our $Http = <<'CONF';
    judge_zone judge:32m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

# a table of C++ and of a "compiler" that spins for ever, its own compile
# limit $seconds of CPU
sub table {
    my ($seconds) = @_;
    my $path = servroot() . '/languages.conf';
    open my $fh, '>', $path or die $!;
    print $fh <<"TABLE";
[cpp]
name    = C++
version = g++ -dumpfullversion
source  = main.cpp
compile = g++ -O2 -o main main.cpp
artifact = main
run     = ./main

[spin]
name    = Spin
version = echo 1.0
source  = main.txt
compile = /bin/sh -c "while :; do :; done"
artifact = main
run     = ./main
compile_time = $seconds
compile_memory = 512
TABLE
    close $fh;
    return $path;
}

sub start_worker {
    my ($seconds) = @_;
    spawn_worker('w1', slots => 1, languages => table($seconds));
    return wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20);
}

sub judge {
    my ($lang, $source) = @_;
    return judge_submission({language => $lang, source => $source,
                             tests => [{input => '', expected_output => "ok\n"}]});
}

sub last_line {
    my ($r) = @_;
    my @lines = split /\n/, $r->{compile}{output} // '';
    return $lines[-1] // '';
}

run_tests();

__DATA__

=== the language's own compile time applies under the default cap
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_worker(2), 'worker up');
my $r = judge('spin', 'x');
is($r->{verdict}, 'CE', 'a compiler out of time is CE')
    or diag(JSON::PP->new->canonical->pretty->encode($r));
# the wall time, twice the CPU time, ends it first when other work shares
# the cores
like(last_line($r),
     qr/^the compiler ran out of time \((?:2000 ms of CPU|4000 ms of wall time)\)$/,
     'its output says so, with the limit of the language');
$r = judge('cpp', "#include <cstdio>\nint main(){puts(\"ok\");}");
is($r->{verdict}, 'AC', 'the worker goes on judging');


=== the operator's cap bounds a language's compile limits
--- http_config eval: $::Http . "judge_compile_cpu_time_limit 1s;\njudge_compile_memory_limit 64m;"
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_worker(30), 'worker up');
my $r = judge('spin', 'x');
is($r->{verdict}, 'CE', 'CE');
is(last_line($r), 'the compiler ran out of time (1000 ms of CPU)',
   'the cap, lower than the language\'s 30 s, applies');
$r = judge('cpp', "#include </dev/zero>\nint main(){}");
is($r->{verdict}, 'CE', 'a compiler reading /dev/zero is CE');
like(last_line($r), qr/^the compiler ran out of (time|memory) \((1000 ms of CPU|65536 KiB)\)$/,
     'it ran out under the caps')
    or diag(JSON::PP->new->canonical->pretty->encode($r));
$r = judge('cpp', "#include <cstdio>\nint main(){puts(\"ok\");}");
is($r->{verdict}, 'AC', 'the worker goes on judging');


=== caps nginx refuses
--- http_config eval: $::Http . "judge_compile_cpu_time_limit 30s;\njudge_compile_wall_time_limit 10s;"
--- config eval: $::Config
--- must_die
--- error_log
judge_compile_wall_time_limit at least as long
