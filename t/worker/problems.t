# judge-worker with the tests of stored problems, against a scripted
# master (this test plays nginx's part of judge/1 frame by frame) and the
# shipped conf/languages.conf: hidden tests send back nothing of the
# input, the expected output, the assertions' values or the program's
# output, in any frame (the raw bytes are scanned), while a test that is
# not hidden still gets its output; assertions with descriptions and
# stdoutNotContains; a test's own limits and environment; a Java program
# whose public class is not Main, compiled and run in the sandbox, also
# from the artifact cache.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Test::Judge::Wire qw(pb_decode limits_msg assertion_msg test_case_msg);
use Test::Judge::Master qw(need_worker val %STATUS_NAME);

need_worker('python3');

my $w = Test::Judge::Master->new(id => 'w-prob', prefix => 'judge-problems',
                                 timeout => 60);
$w->start;

my ($name, $reg) = $w->accept_worker(20)
    or BAIL_OUT('the worker does not dial in');
is($name, 'register', 'Register first');
my %lang = map { my $l = pb_decode($_); (val($l, 1) => $l) } @{ $reg->{7} };
$w->welcome(200);

# Sends an ExecuteBatchTask; its limits 2 s of CPU, 5 s of wall time and
# 256 MiB unless "limits" says otherwise
sub send_batch {
    my (%o) = @_;
    $w->execute_batch(limits => limits_msg(cpu => 2000, wall => 5000,
                                           memory => 262144), %o);
}

# Every message of one task up to its final one: test results by index,
# output chunks, the end
sub collect_batch {
    my ($job, $task) = @_;
    my $r = $w->collect(job => $job, task => $task);
    return ($r->{by_index}, $r->{chunks}, $r->{end});
}

sub status_of { $STATUS_NAME{ val($_[0], 5) // 0 } // 'none' }

# --- hidden tests: nothing of the test or the run goes back
#
# The program echoes its stdin to stdout and stderr, so whatever it is
# given would show in its output and in the checkers' messages.
my $echo = "import sys\ndata = sys.stdin.read()\n"
         . "sys.stdout.write(data)\nsys.stderr.write(data)\n";

my @hidden = (
    test_case_msg(index => 0, hidden => 1, input => "SECRET-IN-0\n",
                  expected => "SECRET-OUT-0\n"),
    test_case_msg(index => 1, hidden => 1, input => "SECRET-IN-1\n",
                  assertions => [assertion_msg(kind => 'stdout_contains',
                                               value => 'SECRET-VAL-1',
                                               description =>
                                                   'greets the judge')]),
    test_case_msg(index => 2, hidden => 1, input => "SECRET-IN-2\n",
                  assertions => [assertion_msg(kind => 'stdout_not_contains',
                                               value => 'SECRET-IN-2')]),
    test_case_msg(index => 3, hidden => 1, input => "SECRET-IN-3\n",
                  expected => "SECRET-IN-3\n"),
    test_case_msg(index => 4, hidden => 1, input => "SECRET-IN-4\n",
                  assertions => [assertion_msg(kind => 'stdout_matches',
                                               value => 'SECRET-VAL-4((')]),
    test_case_msg(index => 5, hidden => 1, input => "SECRET-IN-5\n",
                  assertions => [assertion_msg(kind => 'stderr_contains',
                                               value => 'SECRET-IN-5'),
                                 assertion_msg(kind => 'stdout_equals',
                                               value => 'SECRET-VAL-5')]),
    test_case_msg(index => 6, input => "VISIBLE-IN-6\n",
                  expected => "VISIBLE-OUT-6\n"),
    test_case_msg(index => 7, input => "VISIBLE-IN-7\n",
                  assertions => [assertion_msg(kind => 'stdout_not_contains',
                                               value => 'VISIBLE-IN-7',
                                               description =>
                                                   'does not echo')]),
);

$w->{raw} = '';
send_batch(job => 'h1', task => 1, lang => 'python',
           src => $echo, stream => 1, tests => \@hidden);
my ($tests, $chunks, $end) = collect_batch('h1', 1);
is(join(' ', map { status_of($tests->{$_}) } 0 .. 7),
   'WA WA WA AC IE WA WA WA', 'verdicts of hidden and visible tests');
ok($end && val($end, 3) == 8, 'the batch ends with 8 tests run');

is(val($tests->{0}, 11), 'wrong answer',
   'hidden, expected output differs: fixed words');
is(val($tests->{1}, 11), 'greets the judge',
   'hidden, an assertion fails: its description');
is(val($tests->{2}, 11), 'assertion 1 failed',
   'hidden, stdoutNotContains fails without a description: its number');
is(val($tests->{3}, 11) // '', '', 'hidden AC: no message');
is(val($tests->{4}, 11), 'assertion 1 could not be evaluated',
   'hidden, a broken regex: IE, the pattern not quoted');
is(val($tests->{5}, 11), 'assertion 2 failed',
   'hidden, the second assertion fails: its number');

for my $i (0 .. 5) {
    my $t = $tests->{$i};
    ok(!defined val($t, 7) && !defined val($t, 8) && !val($t, 9)
       && !val($t, 10), "hidden test $i: no stdout, no stderr, no flags");
    my $usage = pb_decode(val($t, 6) // '');
    ok(defined $usage->{2}, "hidden test $i: usage still reported");
}

ok(!(grep { (val($_, 3) // 0) <= 5 } @$chunks),
   'no OutputChunk for a hidden test, though the batch streams');
ok((grep { (val($_, 3) // 0) == 6 } @$chunks),
   'but one for a visible test of the same batch');
is(val($tests->{6}, 7), "VISIBLE-IN-6\n", 'a visible test gets its stdout');
is(val($tests->{6}, 8), "VISIBLE-IN-6\n", 'and its stderr');
like(val($tests->{6}, 11),
     qr/^line 1 differs at column 9: expected "O", got "I"/,
     'and the checker\'s message quoting both');
is(val($tests->{7}, 11), 'does not echo',
   'a visible failing assertion: its description');
unlike($w->{raw}, qr/SECRET/, 'no byte of a hidden test\'s input, '
                              . 'expected output or assertion values in any '
                              . 'frame');
like($w->{raw}, qr/VISIBLE-IN-6/, 'the scan sees what a visible test sent');

# --- a test's own limits replace the batch's for that test only
my $spin = "import time\nwhile time.process_time() < 0.6:\n    pass\n"
         . "print('done')\n";
send_batch(job => 'l1', task => 2, lang => 'python', src => $spin,
           limits => limits_msg(cpu => 3000, wall => 8000, memory => 262144),
           tests => [test_case_msg(index => 0, expected => "done\n"),
                     test_case_msg(index => 1, expected => "done\n",
                                   limits => limits_msg(cpu => 200))]);
($tests) = collect_batch('l1', 2);
is(status_of($tests->{0}), 'AC', '0.6 s of CPU within the batch\'s 3 s');
is(status_of($tests->{1}), 'TLE', 'TLE under the test\'s own 200 ms');
my $cpu = pb_decode(val($tests->{1}, 6))->{1}[0] // 0;
ok($cpu >= 150 && $cpu < 1000, "stopped at about 200 ms of CPU ($cpu ms)");

# --- a test's environment
my $env_py = "import os\nprint(os.environ.get('GREETING'), "
           . "os.environ.get('HOME'), os.environ.get('LANG'), "
           . "os.environ.get('PATH'))\n";
send_batch(job => 'e1', task => 3, lang => 'python', src => $env_py,
           tests => [test_case_msg(index => 0,
                                   env => ['GREETING=hi there', 'HOME=/box']),
                     test_case_msg(index => 1),
                     test_case_msg(index => 2, env => ['1BAD=x']),
                     test_case_msg(index => 3, env => ['PATH=/box']),
                     test_case_msg(index => 4, env => ["A=\0b"])]);
($tests) = collect_batch('e1', 3);
my $path = '/usr/local/bin:/usr/bin:/bin';
is(val($tests->{0}, 7), "hi there /box C.UTF-8 $path\n",
   'env added, HOME replaced, the rest the sandbox\'s');
is(val($tests->{1}, 7), "None /tmp C.UTF-8 $path\n",
   'another test of the batch: without them');
is(status_of($tests->{2}), 'IE', 'a bad name: IE');
is(val($tests->{2}, 12), 'environment entry 1 of the test is not NAME=value '
   . 'with a NAME of [A-Za-z_][A-Za-z0-9_]*', 'saying why');
is(status_of($tests->{3}), 'IE', 'PATH: IE');
like(val($tests->{3}, 12), qr/sets PATH, which the judge keeps/, 'saying why');
is(status_of($tests->{4}), 'IE', 'a NUL byte: IE');
like(val($tests->{4}, 12), qr/holds a NUL byte/, 'saying why');

# --- Java: the public class names the file and the run, whatever it is
SKIP: {
    skip 'no javac on this host', 14 unless $lang{java};

    is(val($lang{java}, 5), 'Main.java',
       'Register shows the source file of a program whose class is Main');

    my $solution = <<'JAVA';
// public class Fake { } -- a comment does not count
/* public class Fake2 { } */
import java.util.Scanner;

class Helper {
    static String tag = "public class Fake3";
    static long twice(long x) { return 2 * x; }
}

public class Solution {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        System.out.println(Helper.twice(in.nextLong()));
    }
}
JAVA
    $w->compile(job => 'javac', task => 10, lang => 'java',
                src => $solution, hash => 'f' x 64);
    my (undef, $cr) = $w->next_msg(120);
    is($STATUS_NAME{ val($cr, 3) // 0 }, 'OK', 'public class Solution compiles')
        or diag(val($cr, 4));
    my $artifact = val($cr, 5) // '';
    like($artifact, qr/\d+ Solution\.class\n/, 'into Solution.class');
    like($artifact, qr/8 \.judge-main\nSolution\z/,
         'the archive keeps the class name');
    unlike($artifact, qr/Fake\d?\.class/,
           'no class file named from a comment or a string');

    my @tests = (test_case_msg(index => 0, input => "21\n",
                               expected => "42\n"),
                 test_case_msg(index => 1, input => "5\n",
                               expected => "10\n"));
    send_batch(job => 'java1', task => 11, lang => 'java',
               hash => 'f' x 64, tests => \@tests,
               limits => limits_msg(cpu => 5000, wall => 15000,
                                    memory => 262144));
    my ($t) = collect_batch('java1', 11);
    is(join(' ', map { status_of($t->{$_}) } 0, 1), 'AC AC',
       'run from the cached artifact as Solution') or diag(val($t->{0}, 8));

    send_batch(job => 'java2', task => 12, lang => 'java',
               hash => 'e' x 64, artifact => $artifact,
               tests => \@tests,
               limits => limits_msg(cpu => 5000, wall => 15000,
                                    memory => 262144));
    ($t) = collect_batch('java2', 12);
    is(join(' ', map { status_of($t->{$_}) } 0, 1), 'AC AC',
       'and from the artifact sent back by the master');

    my $plain = "class Main {\n    public static void main(String[] a) {\n"
              . "        System.out.println(\"main\");\n    }\n}\n";
    $w->compile(job => 'javac', task => 13, lang => 'java',
                src => $plain, hash => 'd' x 64);
    (undef, $cr) = $w->next_msg(120);
    is($STATUS_NAME{ val($cr, 3) // 0 }, 'OK', 'no public class: compiled as Main');
    like(val($cr, 5) // '', qr/4 \.judge-main\nMain\z/, 'named Main');
    send_batch(job => 'java3', task => 14, lang => 'java',
               hash => 'd' x 64,
               tests => [test_case_msg(index => 0, expected => "main\n")],
               limits => limits_msg(cpu => 5000, wall => 15000,
                                    memory => 262144));
    ($t) = collect_batch('java3', 14);
    is(status_of($t->{0}), 'AC', 'and run as Main');

    $w->compile(job => 'javac', task => 15, lang => 'java',
                src => "public class 9Lives {}\n", hash => 'c' x 64);
    (undef, $cr) = $w->next_msg(60);
    is($STATUS_NAME{ val($cr, 3) // 0 }, 'CE', 'a class name that is no '
       . 'identifier: CE');
    like(val($cr, 9), qr/^the public class "9Lives" is not a name the judge /,
         'saying why');
    is(val($cr, 4), val($cr, 9), 'in the output too');
    ok(!defined val($cr, 5), 'no artifact');
}

my $out = $w->output;
unlike($out, qr/Sanitizer|runtime error/, 'no sanitizer report') or diag $out;

done_testing();
