# Programs that judge beside the submission, against a real judge-worker
# driven by a scripted master (nginx's part of judge/1, frame by frame):
# interactors in the Kattis and testlib conventions (a guess-the-number
# game: accepted, wrong, failing after the interactor's wrong answer,
# silent and crashing submissions; a crashing, a stuck and a flooding
# interactor), a Kattis output validator given as a C source and its
# header, and a testlib checker of two files.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes qw(time);
use Test::Judge::Wire qw(pb_decode limits_msg checker_msg interactor_msg
                         test_case_msg);
use Test::Judge::Master qw(need_worker languages_table val %STATUS_NAME);

need_worker(qw(gcc python3));

my $w = Test::Judge::Master->new(id => 'w-int', prefix => 'judge-interact',
                                 timeout => 30,
                                 languages => languages_table(qw(c python)));
$w->start;

# --- the upgrade, Register, Welcome
my ($name) = $w->accept_worker or BAIL_OUT('the worker does not dial in');
is($name, 'register', 'the worker registers');
$w->welcome(200);

my $task = 0;

# Runs a batch of python submission "src" on tests [input, answer] with
# "checker" or "interactor" (encoded): (verdicts, test results by index,
# seconds taken, the BatchExecutionResult).
sub run_batch {
    my (%o) = @_;
    my $id = ++$task;
    my $i = 0;
    my @tests = map { test_case_msg(index => ++$i, input => $_->[0],
                                    expected => $_->[1]) } @{ $o{tests} };
    my $start = time;
    $w->execute_batch(job => "job$id", task => $id, lang => 'python',
                      src => $o{src}, tests => \@tests,
                      limits => limits_msg(cpu => 1000,
                                           wall => $o{wall} // 3000,
                                           memory => 262144,
                                           processes => 1),
                      checker => $o{checker}, interactor => $o{interactor});
    my $r = $w->collect(task => $id, timeout => 60);
    my $by = $r->{by_index};
    my $verdicts = join ' ',
                   map { $STATUS_NAME{ val($by->{$_}, 5) // 0 } // '?' }
                   sort { $a <=> $b } keys %$by;
    return ($verdicts, $by, time - $start, $r->{end});
}

# --- the game: the interactor knows a number in 1..1000 (the test's
# input) and answers each guess with "higher", "lower" or "correct"; the
# tenth wrong guess ends the game unanswered.  Its rules are in a header
# beside its main source.
my $game_h = <<'C';
#include <stdio.h>

/* 1 when the number is found, 0 when not; notes go to "msg" */
static int
play(int secret, FILE *msg)
{
    int  guess, n;

    for (n = 1; n <= 10; n++) {
        if (scanf("%d", &guess) != 1) {
            fprintf(msg, "no guess %d\n", n);
            return 0;
        }
        if (guess == secret) {
            printf("correct\n");
            fflush(stdout);
            fprintf(msg, "found in %d\n", n);
            return 1;
        }
        if (n == 10) {
            break;
        }
        printf(guess < secret ? "higher\n" : "lower\n");
        fflush(stdout);
    }
    fprintf(msg, "too many guesses\n");
    return 0;
}
C

my $kattis_c = <<'C';
#include <stdio.h>
#include "game.h"

int
main(int argc, char **argv)
{
    FILE  *in, *msg;
    char   path[4096];
    int    secret;

    if (argc != 4 || (in = fopen(argv[1], "r")) == NULL
        || fscanf(in, "%d", &secret) != 1)
    {
        return 1;
    }
    snprintf(path, sizeof(path), "%s/judgemessage.txt", argv[3]);
    if ((msg = fopen(path, "w")) == NULL) {
        return 1;
    }
    return play(secret, msg) ? 42 : 43;
}
C

my $testlib_py = <<'PY';
import sys
secret = int(open(sys.argv[1]).read())
notes = open(sys.argv[2], "w")
for n in range(1, 11):
    line = sys.stdin.readline()
    if not line:
        notes.write("no guess %d\n" % n)
        sys.exit(1)
    guess = int(line)
    if guess == secret:
        print("correct", flush=True)
        notes.write("found in %d\n" % n)
        sys.exit(0)
    if n == 10:
        break
    print("higher" if guess < secret else "lower", flush=True)
notes.write("too many guesses\n")
sys.exit(1)
PY

my $solve = <<'PY';
lo, hi = 1, 1000
while True:
    m = (lo + hi) // 2
    print(m, flush=True)
    r = input()
    if r == "correct":
        break
    if r == "higher":
        lo = m + 1
    else:
        hi = m - 1
PY
my $give_up = "print(1, flush=True)\ninput()\n";
my $stubborn = "while True:\n    print(1, flush=True)\n    input()\n";
my $silent = "import time\ntime.sleep(100)\n";
my $crash = "import os\nprint(500, flush=True)\ninput()\nos.abort()\n";

my $kattis = interactor_msg(language => 'c', kattis => 1,
                            files => [['interactor.c', $kattis_c],
                                      ['game.h', $game_h]]);
my $testlib = interactor_msg(language => 'python',
                             files => [['interactor.py', $testlib_py]]);
my @games = (['777', ''], ['1', ''], ['1000', '']);

for my $conv ([Kattis => $kattis], [testlib => $testlib]) {
    my ($cname, $interactor) = @$conv;

    my ($v, $by) = run_batch(src => $solve, tests => \@games,
                             interactor => $interactor);
    is($v, 'AC AC AC', "$cname: a solution that finds the number");
    like(val($by->{2}, 11) // '', qr/^found in \d+$/,
         "$cname: the interactor's note is the checker message");
    ok(!defined val($by->{1}, 7), "$cname: no stdout sent back (it went "
       . 'to the interactor)');
    ok(pb_decode(val($by->{1}, 6) // '')->{2}, "$cname: the usage reported");

    ($v, $by) = run_batch(src => $give_up, tests => [['500', '']],
                          interactor => $interactor);
    is($v, 'WA', "$cname: one that gives up after a guess");
    like(val($by->{1}, 11) // '', qr/no guess 2/, "$cname: the note says why");

    # the interactor ends first, then the submission fails on the EOF
    ($v, $by) = run_batch(src => $stubborn, tests => [['500', '']],
                          interactor => $interactor);
    is($v, 'WA', "$cname: one that fails once the interactor said no");
    like(val($by->{1}, 11) // '', qr/too many guesses/,
         "$cname: ... the note says why");

    my $took;
    ($v, $by, $took) = run_batch(src => $silent, tests => [['500', '']],
                                 interactor => $interactor, wall => 1500);
    is($v, 'WLE', "$cname: one that never answers: its wall limit");
    cmp_ok($took, '<', 8, "$cname: ... the slot is not held past it");

    ($v, $by) = run_batch(src => $crash, tests => [['7', '']],
                          interactor => $interactor);
    is($v, 'RE', "$cname: one that crashes mid-game");
}

# --- interactors that misbehave: the judge's fault
my ($v, $by, $took) = run_batch(
    src => $solve, tests => [['500', '']],
    interactor => interactor_msg(language => 'c', kattis => 1,
        files => [['crash.c', "int main(void){ return *(volatile int *) 0; }\n"]]));
is($v, 'IE', 'an interactor that crashes: IE');
like(val($by->{1}, 11) // '', qr/signal 11/, '... the message says so');

($v, $by, $took) = run_batch(
    src => $solve, tests => [['500', '']],
    interactor => interactor_msg(language => 'python',
        files => [['stuck.py', "import time\ntime.sleep(100)\n"]],
        limits => { wall => 1500 }));
is($v, 'IE', 'an interactor that waits for ever: IE at its wall limit');
cmp_ok($took, '<', 8, '... in bounded time');
like(val($by->{1}, 11) // '', qr/interactor failed: WLE/, '... said so');

($v, $by, $took) = run_batch(
    src => "import sys\nwhile True:\n    sys.stdout.write('1' * 65536)\n",
    tests => [['500', '']], wall => 2000,
    interactor => interactor_msg(language => 'python',
        files => [['flood.py', "import sys\nwhile True:\n"
                               . "    sys.stdout.write('x' * 65536)\n"]]));
is($v, 'WLE', 'both sides writing, neither reading: the wall limit');
cmp_ok($took, '<', 10, '... in bounded time');

($v) = run_batch(src => $solve, tests => [['500', '']],
                 interactor => interactor_msg(language => 'c', kattis => 1,
                     files => [['bad.c', "int main(void) { syntax error }\n"]]));
is($v, 'IE', 'an interactor that does not compile: IE');

# --- a Kattis output validator in two files: numbers within 1e-3
my $tol_h = "#define TOLERANCE 1e-3\n";
my $validator_c = <<'C';
#include <math.h>
#include <stdio.h>
#include "tolerance.h"

int
main(int argc, char **argv)
{
    FILE    *ans, *msg;
    char     path[4096];
    double   want, got;

    if (argc != 4 || (ans = fopen(argv[2], "r")) == NULL
        || fscanf(ans, "%lf", &want) != 1)
    {
        return 1;
    }
    snprintf(path, sizeof(path), "%s/judgemessage.txt", argv[3]);
    msg = fopen(path, "w");
    if (scanf("%lf", &got) != 1) {
        fprintf(msg, "no number\n");
        return 43;
    }
    if (fabs(got - want) > TOLERANCE) {
        fprintf(msg, "expected %g, got %g\n", want, got);
        return 43;
    }
    return 42;
}
C
my $plus = "print(float(input()) + 0.0001)\n";
my @numbers = (['3.14159', '3.14159'], ['2', '2.5']);

($v, $by) = run_batch(src => $plus, tests => \@numbers,
    checker => checker_msg(language => 'c', kattis => 1,
                           files => [['validator.c', $validator_c],
                                     ['tolerance.h', $tol_h]]));
is($v, 'AC WA', 'Kattis validator of two files: within, then beyond');
is(val($by->{2}, 11), 'expected 2.5, got 2.0001',
   '... judgemessage.txt is the checker message');

($v, $by) = run_batch(src => $plus, tests => [['1', '1']],
    checker => checker_msg(language => 'python', kattis => 1,
                           files => [['v.py', "import sys\nsys.exit(1)\n"]]));
is($v, 'IE', 'a Kattis validator exiting 1: IE');
like(val($by->{1}, 11) // '', qr/exit code 1/, '... the message says so');

# --- a testlib checker of two files: the answer's tokens, any case
my $lower_h = <<'C';
#include <ctype.h>
static void
lower(char *s)
{
    for (; *s; s++) {
        *s = (char) tolower((unsigned char) *s);
    }
}
C
my $checker_c = <<'C';
#include <stdio.h>
#include <string.h>
#include "lower.h"

int
main(int argc, char **argv)
{
    FILE  *out, *ans;
    char   o[256], a[256];

    if (argc != 4 || (out = fopen(argv[2], "r")) == NULL
        || (ans = fopen(argv[3], "r")) == NULL)
    {
        return 3;
    }
    while (fscanf(ans, "%255s", a) == 1) {
        if (fscanf(out, "%255s", o) != 1) {
            fprintf(stderr, "missing %s\n", a);
            return 1;
        }
        lower(o);
        lower(a);
        if (strcmp(o, a) != 0) {
            fprintf(stderr, "expected %s, got %s\n", a, o);
            return 1;
        }
    }
    return 0;
}
C
($v, $by) = run_batch(src => "print(input().upper())\n",
    tests => [['yes', 'Yes'], ['no', 'maybe']],
    checker => checker_msg(language => 'c',
                           files => [['check.c', $checker_c],
                                     ['lower.h', $lower_h]]));
is($v, 'AC WA', 'testlib checker of two files');
is(val($by->{2}, 11), 'expected maybe, got no', '... its stderr the message');

# the single-source form still works
($v) = run_batch(src => "print(input())\n", tests => [['a', 'a']],
    checker => checker_msg(language => 'python',
                           source => "import sys\nsys.exit(0)\n"));
is($v, 'AC', 'a checker given as one source still runs');

done_testing();
