# The hostile-client suite: submissions written to hurt the judge, not to
# pass.  Each block runs the real thing (nginx with the module, real
# judge-worker processes, the real sandbox), sends the attack, and checks
# that the job still ends with a verdict in bounded time and that the
# worker is usable afterwards.  helpers.pl has the shared set-up.
#
# This file: regex assertions (stdoutMatches) that backtrack without end.
# The worker evaluates them outside the sandbox, so a search that never
# ends would hold a slot forever; each must end as IE, naming the limit.

use Test::Judge::Nginx;
use FindBin;
use Time::HiRes qw(time);

require "$FindBin::Bin/helpers.pl";

run_tests();

__DATA__

=== back-reference bombs on both slots end as IE in seconds, and the slots are free again
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1, slots => 2), 'worker up');
my $bomb = '(.*)(.*)(.*)(.*)(.*)\5\4\3\2\1x';
my $t0 = time;
my $r = judge_within(20, {language => 'python',
    source => 'print("a" * 100); print("x")',
    tests => [map { {id => "t$_", input => '',
                     assertions => [{stdoutMatches => $bomb}]} } 1 .. 2]});
my $took = time - $t0;
is($r->{status}, 'COMPLETED', 'the job completes');
is($r->{verdict}, 'IE', 'as IE: the assertion could not be evaluated');
cmp_ok($took, '<', 8, sprintf('within seconds (%.1f s)', $took));
like($_->{checker_message}, qr/^assertion 1 \(stdoutMatches\): the regex .* could not be evaluated on stdout: more than 10000000 backtracking steps from one position \(match limit\)$/,
     "$_->{id}: the message names the limit") for @{ $r->{tests} // [] };
$t0 = time;
$r = judge_within(10, {language => 'python', source => 'print("ok")',
    tests => [map { {id => "n$_", input => '', expected_output => "ok\n"} } 1 .. 2]});
is($r->{verdict}, 'AC', 'the next job is judged');
cmp_ok(time - $t0, '<', 5, 'at once: both slots are free');


=== the bomb as the issue gave it (no x in stdout) is a plain WA
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1, slots => 2), 'worker up');
my $r = judge_within(20, {language => 'python', source => 'print("a" * 100)',
    tests => [{input => '', assertions => [
        {stdoutMatches => '(.*)(.*)(.*)(.*)(.*)\5\4\3\2\1x'}]}]});
is($r->{verdict}, 'WA', 'WA: the pattern cannot match');
like($r->{tests}[0]{checker_message}, qr/no match for/, 'and says so');


=== many lines each under the match limit: the CPU budget ends the search
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1, slots => 2), 'worker up');
my $t0 = time;
my $r = judge_within(20, {language => 'python',
    source => 'import sys; sys.stdout.write(("a" * 25 + "\n") * 100000)',
    limits => {output_kb => 4096},
    tests => [{input => '', assertions => [{stdoutMatches => '(a|aa)*[bc]'}]}]});
is($r->{verdict}, 'IE', 'IE');
like($r->{tests}[0]{checker_message},
     qr/more than 2000 ms of CPU time for the test's regexes together \(time limit\)$/,
     'the time limit is named');
cmp_ok(time - $t0, '<', 10, 'in seconds');


=== forty slow regexes on one test share one budget: the slot is free again in seconds, not in forty budgets
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1, slots => 1), 'worker up');
my $t0 = time;
my $r = judge_within(20, {language => 'python',
    source => 'import sys; sys.stdout.write(("a" * 18 + "\n") * 200 + "x\n")',
    tests => [{input => '', assertions => [
        map { {stdoutMatches => '(a|aa)*[xc]'} } 1 .. 40]}]});
is($r->{verdict}, 'IE', 'IE');
like($r->{tests}[0]{checker_message}, qr/for the test's regexes together \(time limit\)$/,
     'the shared budget ran out');
cmp_ok(time - $t0, '<', 8, sprintf('in %.1f s', time - $t0));


=== regex semantics: lines, back-references, and a broken pattern
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1, slots => 2), 'worker up');
my $src = 'print("took 15 ms"); print("hey hey")';
my %want = ('^hey hey$' => 'AC', '^(\w+) \1$' => 'AC', '\d+ ms$' => 'AC',
            '^ms' => 'WA', 'took.hey' => 'WA');
for my $re (sort keys %want) {
    my $r = judge_within(20, {language => 'python', source => $src,
        tests => [{input => '', assertions => [{stdoutMatches => $re}]}]});
    is($r->{verdict}, $want{$re}, "/$re/: $want{$re}");
}
my $r = judge_within(20, {language => 'python', source => $src,
    tests => [{input => '', assertions => [{stdoutMatches => 'a(b'}]}]});
is($r->{verdict}, 'IE', 'an invalid pattern is IE');
is($r->{tests}[0]{checker_message},
   'assertion 1 (stdoutMatches): invalid regex "a(b" at offset 3: missing closing parenthesis',
   'with the reason and where');
