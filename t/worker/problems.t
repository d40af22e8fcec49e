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
use IO::Select;
use IO::Socket::INET;
use File::Temp qw(tempdir);
use Time::HiRes qw(time);
use Test::Judge::Wire qw(pb_field_varint pb_field_bytes pb_decode frame
                         limits_msg assertion_msg test_case_msg %STATUS);

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $worker_bin = "$build/judge-worker";
my $table = "$FindBin::Bin/../../conf/languages.conf";

plan skip_all => "judge-worker not built" unless -x $worker_bin;
plan skip_all => "needs root (the sandbox's root path)" if $> != 0;
plan skip_all => "needs python3" unless -x '/usr/bin/python3';

my %NAME = (1 => 'register', 2 => 'heartbeat', 3 => 'compile_result',
            4 => 'batch_result', 5 => 'test_result', 6 => 'leaving',
            7 => 'output');
my %STATUS_NAME = reverse %STATUS;

my $dir = tempdir('judge-problems-XXXXXX', TMPDIR => 1, CLEANUP => 1);

my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1:0', Listen => 1,
                                   ReuseAddr => 1) or die "listen: $!";
my $port = $listen->sockport;

my $pid = fork // die "fork: $!";
if ($pid == 0) {
    open STDIN, '<', '/dev/null';
    open STDOUT, '>>', "$dir/worker.out";
    open STDERR, '>&', \*STDOUT;
    exec $worker_bin, '--foreground', '--master',
         "http://127.0.0.1:$port/worker", '--token', 't', '--id', 'w-prob',
         '--slots', 2, '--state-dir', $dir, '--languages', $table,
         '--log', "$dir/worker.log";
    exit 127;
}

END {
    local $?;
    if ($pid) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
    }
}

my ($sock, $buf);
my $raw = '';      # every byte the worker sent since the last reset

# The worker's connection: the upgrade, then Register
sub accept_worker {
    return () unless IO::Select->new($listen)->can_read(20);
    $sock = $listen->accept;
    $buf = '';
    while (index($buf, "\r\n\r\n") < 0) {
        IO::Select->new($sock)->can_read(5) or BAIL_OUT('no upgrade request');
        sysread($sock, $buf, 65536, length $buf) or BAIL_OUT('eof');
    }
    $buf = substr($buf, index($buf, "\r\n\r\n") + 4);
    syswrite $sock, "HTTP/1.1 101 Switching Protocols\r\n"
                  . "Upgrade: judge/1\r\nConnection: Upgrade\r\n\r\n";
    return recv_msg();
}

sub send_cmd {
    my ($field, $body) = @_;
    syswrite $sock, frame(pb_field_bytes($field, $body));
}

# The next WorkerMessage but heartbeats as (name, fields); every frame's
# bytes, heartbeats too, are added to $raw
sub recv_msg {
    my $timeout = shift // 60;
    my $deadline = time + $timeout;
    while (1) {
        if (length $buf >= 4) {
            my $len = unpack 'N', $buf;
            if (length $buf >= 4 + $len) {
                my $frame = substr($buf, 0, 4 + $len, '');
                $raw .= $frame;
                my $m = pb_decode(substr($frame, 4));
                my ($f) = keys %$m;
                next if $NAME{$f} eq 'heartbeat';
                return ($NAME{$f}, pb_decode($m->{$f}[0]));
            }
        }
        my $left = $deadline - time;
        return () if $left <= 0 || !IO::Select->new($sock)->can_read($left);
        sysread($sock, $buf, 65536, length $buf) or return ();
    }
}

sub val { my ($m, $f) = @_; $m->{$f} ? $m->{$f}[0] : undef }

my ($name, $reg) = accept_worker() or BAIL_OUT('the worker does not dial in');
is($name, 'register', 'Register first');
my %lang = map { my $l = pb_decode($_); (val($l, 1) => $l) } @{ $reg->{7} };
send_cmd(1, pb_field_bytes(1, 'w-prob') . pb_field_varint(2, 200));

sub batch_task {
    my (%o) = @_;
    return pb_field_bytes(1, $o{job}) . pb_field_varint(2, $o{task})
         . pb_field_bytes(3, $o{lang})
         . (defined $o{artifact} ? pb_field_bytes(4, $o{artifact}) : '')
         . (defined $o{hash} ? pb_field_bytes(5, $o{hash}) : '')
         . (defined $o{src} ? pb_field_bytes(6, pb_field_bytes(2, $o{src}))
                            : '')
         . join('', map { pb_field_bytes(7, $_) } @{ $o{tests} })
         . pb_field_bytes(8, $o{limits} // limits_msg(cpu => 2000,
                                                       wall => 5000,
                                                       memory => 262144))
         . ($o{stream} ? pb_field_varint(13, 1) : '');
}

# Every message of one task up to its final one: test results by index,
# output chunks, the end
sub collect_batch {
    my ($job, $task) = @_;
    my (%tests, @chunks, $end);
    while (my ($n, $m) = recv_msg()) {
        next unless (val($m, 1) // '') eq $job && val($m, 2) == $task;
        if ($n eq 'test_result') {
            $tests{ val($m, 4) // 0 } = $m;
        } elsif ($n eq 'output') {
            push @chunks, $m;
        } else {
            $end = $m;
            last;
        }
    }
    return (\%tests, \@chunks, $end);
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

$raw = '';
send_cmd(3, batch_task(job => 'h1', task => 1, lang => 'python',
                       src => $echo, stream => 1, tests => \@hidden));
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
unlike($raw, qr/SECRET/, 'no byte of a hidden test\'s input, expected output '
                         . 'or assertion values in any frame');
like($raw, qr/VISIBLE-IN-6/, 'the scan sees what a visible test sent');

# --- a test's own limits replace the batch's for that test only
my $spin = "import time\nwhile time.process_time() < 0.6:\n    pass\n"
         . "print('done')\n";
send_cmd(3, batch_task(job => 'l1', task => 2, lang => 'python', src => $spin,
                       limits => limits_msg(cpu => 3000, wall => 8000,
                                            memory => 262144),
                       tests => [test_case_msg(index => 0,
                                               expected => "done\n"),
                                 test_case_msg(index => 1,
                                               expected => "done\n",
                                               limits => limits_msg(
                                                   cpu => 200))]));
($tests) = collect_batch('l1', 2);
is(status_of($tests->{0}), 'AC', '0.6 s of CPU within the batch\'s 3 s');
is(status_of($tests->{1}), 'TLE', 'TLE under the test\'s own 200 ms');
my $cpu = pb_decode(val($tests->{1}, 6))->{1}[0] // 0;
ok($cpu >= 150 && $cpu < 1000, "stopped at about 200 ms of CPU ($cpu ms)");

# --- a test's environment
my $env_py = "import os\nprint(os.environ.get('GREETING'), "
           . "os.environ.get('HOME'), os.environ.get('LANG'), "
           . "os.environ.get('PATH'))\n";
send_cmd(3, batch_task(job => 'e1', task => 3, lang => 'python', src => $env_py,
                       tests => [test_case_msg(index => 0,
                                               env => ['GREETING=hi there',
                                                       'HOME=/box']),
                                 test_case_msg(index => 1),
                                 test_case_msg(index => 2,
                                               env => ['1BAD=x']),
                                 test_case_msg(index => 3,
                                               env => ['PATH=/box']),
                                 test_case_msg(index => 4,
                                               env => ["A=\0b"])]));
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
    send_cmd(2, pb_field_bytes(1, 'javac')
              . pb_field_varint(2, 10) . pb_field_bytes(3, 'java')
              . pb_field_bytes(4, pb_field_bytes(2, $solution))
              . pb_field_bytes(7, 'f' x 64));
    my (undef, $cr) = recv_msg(120);
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
    send_cmd(3, batch_task(job => 'java1', task => 11, lang => 'java',
                           hash => 'f' x 64, tests => \@tests,
                           limits => limits_msg(cpu => 5000, wall => 15000,
                                                memory => 262144)));
    my ($t) = collect_batch('java1', 11);
    is(join(' ', map { status_of($t->{$_}) } 0, 1), 'AC AC',
       'run from the cached artifact as Solution') or diag(val($t->{0}, 8));

    send_cmd(3, batch_task(job => 'java2', task => 12, lang => 'java',
                           hash => 'e' x 64, artifact => $artifact,
                           tests => \@tests,
                           limits => limits_msg(cpu => 5000, wall => 15000,
                                                memory => 262144)));
    ($t) = collect_batch('java2', 12);
    is(join(' ', map { status_of($t->{$_}) } 0, 1), 'AC AC',
       'and from the artifact sent back by the master');

    my $plain = "class Main {\n    public static void main(String[] a) {\n"
              . "        System.out.println(\"main\");\n    }\n}\n";
    send_cmd(2, pb_field_bytes(1, 'javac')
              . pb_field_varint(2, 13) . pb_field_bytes(3, 'java')
              . pb_field_bytes(4, pb_field_bytes(2, $plain))
              . pb_field_bytes(7, 'd' x 64));
    (undef, $cr) = recv_msg(120);
    is($STATUS_NAME{ val($cr, 3) // 0 }, 'OK', 'no public class: compiled as Main');
    like(val($cr, 5) // '', qr/4 \.judge-main\nMain\z/, 'named Main');
    send_cmd(3, batch_task(job => 'java3', task => 14, lang => 'java',
                           hash => 'd' x 64,
                           tests => [test_case_msg(index => 0,
                                                   expected => "main\n")],
                           limits => limits_msg(cpu => 5000, wall => 15000,
                                                memory => 262144)));
    ($t) = collect_batch('java3', 14);
    is(status_of($t->{0}), 'AC', 'and run as Main');

    send_cmd(2, pb_field_bytes(1, 'javac')
              . pb_field_varint(2, 15) . pb_field_bytes(3, 'java')
              . pb_field_bytes(4, pb_field_bytes(2, "public class 9Lives {}\n"))
              . pb_field_bytes(7, 'c' x 64));
    (undef, $cr) = recv_msg(60);
    is($STATUS_NAME{ val($cr, 3) // 0 }, 'CE', 'a class name that is no '
       . 'identifier: CE');
    like(val($cr, 9), qr/^the public class "9Lives" is not a name the judge /,
         'saying why');
    is(val($cr, 4), val($cr, 9), 'in the output too');
    ok(!defined val($cr, 5), 'no artifact');
}

open my $log, '<', "$dir/worker.out";
my $out = do { local $/; <$log> // '' };
unlike($out, qr/Sanitizer|runtime error/, 'no sanitizer report') or diag $out;

done_testing();
