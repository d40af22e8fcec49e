# The Docker backend's verdicts, end to end: nginx with the module, a real
# judge-worker --backend docker (one slot: one warm runner container, one
# builder) with the runner image's languages (docker/runner/
# languages.conf), submissions over HTTP.  Each verdict means what it
# means with the native sandbox: C, C++, Python and Bash accepted, wrong,
# not compiling, failing by exit code and by signal (exit code 137 is not
# SIGKILL), over their CPU, memory, output and wall time; batches of
# tests; an artifact compiled once; memory and CPU measured per run in a
# container that served a bigger one before; an interactive problem,
# which this backend does not run, IE with the reason in the worker's log.
#
# Skipped without a docker daemon holding ngx-judge/runner:bookworm,
# unless JUDGE_DOCKER is set (then that is a failure).

use FindBin;
use Test::Judge::Nginx;
use JSON::PP;

require "$FindBin::Bin/helpers.pl";

docker_gate();

our $C = "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
      . "#include <signal.h>\n#include <unistd.h>\n";

# [title, language, source, limits, verdict, per-test checks]
our @Cases = (
    ['C doubles its input', 'c',
     $C . "int main(void) { int n; scanf(\"%d\", &n); printf(\"%d\\n\", 2 * n); return 0; }\n",
     undef, 'AC'],
    ['C++ doubles its input', 'cpp',
     "#include <iostream>\nint main() { int n; std::cin >> n; std::cout << 2 * n << \"\\n\"; }\n",
     undef, 'AC'],
    ['Python doubles its input', 'python', "print(int(input()) * 2)\n",
     undef, 'AC'],
    ['Bash doubles its input', 'bash', "read n; echo \$((n * 2))\n",
     undef, 'AC'],
    ['C answers wrong', 'c', $C . "int main(void) { puts(\"41\"); return 0; }\n",
     undef, 'WA'],
    ['Python answers wrong', 'python', "print(41)\n", undef, 'WA'],
    ['C exits with code 3', 'c', $C . "int main(void) { return 3; }\n",
     undef, 'RE', {exit_code => 3, signal => 0, message => 'exit code 3'}],
    ['C exits with code 137, which is not SIGKILL', 'c',
     $C . "int main(void) { exit(137); }\n",
     undef, 'RE', {exit_code => 137, signal => 0, message => 'exit code 137'}],
    ['C killed by SIGKILL', 'c', $C . "int main(void) { raise(SIGKILL); }\n",
     undef, 'RE', {signal => 9, message => 'killed by SIGKILL'}],
    ['C killed by SIGSEGV', 'c',
     $C . "int main(void) { volatile int *p = 0; return *p; }\n",
     undef, 'RE', {signal => 11, message => 'killed by SIGSEGV'}],
    ['Python raises', 'python', "raise SystemExit(2)\n",
     undef, 'RE', {exit_code => 2}],
    ['Bash exits with 1', 'bash', "exit 1\n", undef, 'RE', {exit_code => 1}],
    ['C spins past its CPU time', 'c', $C . "int main(void) { for (;;); }\n",
     {cpu_time_ms => 500}, 'TLE'],
    ['Python spins past its CPU time', 'python', "while True: pass\n",
     {cpu_time_ms => 500}, 'TLE'],
    ['C touches more memory than it may', 'c',
     $C . "int main(void) { for (;;) { char *p = malloc(1 << 20); memset(p, 1, 1 << 20); } }\n",
     {memory_kb => 64 * 1024}, 'MLE'],
    ['C writes more than its output limit', 'c',
     $C . "int main(void) { for (;;) puts(\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"); }\n",
     {output_kb => 256}, 'OLE'],
    ['C sleeps past its wall time', 'c', $C . "int main(void) { sleep(100); return 0; }\n",
     {wall_time_ms => 1500}, 'WLE'],
);

run_tests();

__DATA__

=== every language, every verdict, through warm containers
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 300
--- perl
my $pid = docker_worker('w1');
my $json = JSON::PP->new->canonical->pretty;
my (undef, $l) = http_json(GET => '/languages');
is_deeply([sort map { $_->{id} } @{ $l->{languages} }], [qw(bash c cpp python)],
          'the runner image\'s languages are offered');

for my $c (@::Cases) {
    my ($title, $lang, $src, $limits, $verdict, $want) = @$c;
    my $r = judged({language => $lang, source => $src,
                    tests => [{input => "21\n", expected_output => "42\n"}],
                    ($limits ? (limits => $limits) : ())});
    is($r->{verdict}, $verdict, "$title: $verdict") or diag($json->encode($r));
    for my $k (sort keys %{ $want // {} }) {
        is($r->{tests}[0]{$k}, $want->{$k}, "$title: $k $want->{$k}");
    }
}

# a compile error: CE with the compiler's own words
my $r = judged({language => 'c', source => "int main(void) { return x; }\n",
                tests => [{input => '', expected_output => ''}]});
is($r->{verdict}, 'CE', 'C that does not compile: CE');
like($r->{compile}{output}, qr/main\.c:1:\d+: error: .x. undeclared/,
     'with the compiler\'s message');
$r = judged({language => 'cpp', source => "int main() { return y; }\n",
             tests => [{input => '', expected_output => ''}]});
is($r->{verdict}, 'CE', 'C++ that does not compile: CE');
like($r->{compile}{output}, qr/error: .y. was not declared/, 'with g++\'s message');

# a batch: each test judged on its own, in one warm container
my $batch = $::C . "int main(void) { int n; scanf(\"%d\", &n); printf(\"%d\\n\", n == 5 ? 0 : 2 * n); return 0; }\n";
$r = judged({language => 'c', source => $batch,
             tests => [map { {input => "$_\n", expected_output => 2 * $_ . "\n"} } 1 .. 6]});
is($r->{verdict}, 'WA', 'a batch of six with one wrong: WA')
    or diag($json->encode($r));
is($r->{passed}, 5, 'five passed');
is_deeply([map { $_->{verdict} } @{ $r->{tests} }], [qw(AC AC AC AC WA AC)],
          'each test has its verdict') or diag($json->encode($r->{tests}));
ok(!$r->{compile}{cached}, 'compiled the first time');

# the same source again: the artifact is reused, no compile
$r = judged({language => 'c', source => $batch,
             tests => [{input => "7\n", expected_output => "14\n"}]});
is($r->{verdict}, 'AC', 'the same source again: AC');
ok($r->{compile}{cached}, 'from the cached artifact');

# a big run, then a small one in the same runner container: each
# measured on its own (peak reset, CPU as a delta)
$r = judged({language => 'c', limits => {memory_kb => 256 * 1024, cpu_time_ms => 3000},
             source => $::C . "int main(void) { size_t n; scanf(\"%zu\", &n);"
                     . " char *p = malloc(n); memset(p, 1, n); volatile unsigned long s = 0;"
                     . " for (unsigned long i = 0; i < 400000000UL; i++) s += i;"
                     . " printf(\"%d\\n\", p[n / 2]); free(p); return 0; }\n",
             tests => [{input => 150 * 1024 * 1024 . "\n", expected_output => "1\n"}]});
is($r->{verdict}, 'AC', 'a run of 150 MiB and some CPU: AC') or diag($json->encode($r));
cmp_ok($r->{tests}[0]{memory_kb}, '>=', 150 * 1024, 'its peak is at least 150 MiB');
cmp_ok($r->{tests}[0]{cpu_time_ms}, '>=', 100, 'its CPU time counts');
$r = judged({language => 'c', source => $::C . "int main(void) { puts(\"1\"); return 0; }\n",
             tests => [{input => '', expected_output => "1\n"}]});
is($r->{verdict}, 'AC', 'then a hello world: AC');
cmp_ok($r->{tests}[0]{memory_kb}, '<', 16 * 1024, 'its own peak, not the big one\'s')
    or diag($json->encode($r));
cmp_ok($r->{tests}[0]{cpu_time_ms}, '<', 50, 'its own CPU time');

# an interactive problem: not run, said so, and the slot goes on
my ($code) = admin_json(PUT => '/problems/inter', { interactor => {
    language => 'python', files => [{ name => 'i.py', content => "print(1)\n" }] },
    tests => [{ stdin => "1\n", expected_output => "1\n" }] });
is($code, 201, 'an interactive problem');
(undef, $r) = http_json(POST => '/problems/inter/submissions',
                        { language => 'python', source => "print(input())\n" });
my $id = $r->{id};
wait_until(sub { (undef, $r) = http_json(GET => "/submissions/$id");
                 ($r->{status} // '') !~ /^(QUEUED|RUNNING|COMPILING)$/ }, 60);
is($r->{verdict}, 'IE', 'an interactive problem: IE');
like(Test::Judge::Nginx::slurp(servroot() . '/logs/worker-w1.log'),
     qr/docker: slot \d+: the docker backend does not run interactive problems/,
     'the worker says why');
$r = judged({language => 'python', source => "print(21 * 2)\n",
             tests => [{input => '', expected_output => "42\n"}]});
is($r->{verdict}, 'AC', 'the next submission is judged');

ok(stop_worker($pid), 'the worker stops on TERM');
is_deeply([owned_containers(servroot() . '/w1')], [],
          'and its containers are gone');
