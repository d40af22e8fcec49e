# The judge client as a person sees it in a terminal: "judge run" inside
# tmux, its pane captured while the tests run (the tree redrawn in place,
# spinners on the tests still out) and at the end (the whole tree, the
# outcome), colour unless NO_COLOR, Ctrl-C typed into the terminal, and
# a tree taller than the terminal.

use Test::Judge::Nginx;
use FindBin;
use JSON::PP;
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/helpers.pl";

# Sum, slow on the hidden test "big" (its input has a 1000000000)
our $Slow = "import time\nline = input()\n"
          . "if '1000000000' in line: time.sleep(1.5)\n"
          . "a, b = map(int, line.split()[:2])\nprint(a + b)\n";

# each terminal its own tmux server, so that one going away cannot race
# the next one's start
our $Socket;
our @Sockets;

# the spinner's frames
our $Spin = qr/(?:⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏)/;

sub tmux { system('tmux', '-L', $::Socket, @_) == 0 }

# the pane's text (with -e its colours as escape sequences), lines' ends
# trimmed, empty lines at the end dropped
sub pane {
    my @opt = @_;
    open my $fh, '-|', "tmux -L $::Socket capture-pane -p @opt -t cli 2>/dev/null"
        or return '';
    local $/;
    my $text = <$fh> // '';
    close $fh;
    $text =~ s/[ \t]+$//mg;
    $text =~ s/\n+\z/\n/;
    return $text;
}

# "judge @args" in a new tmux session of $w x $h in "dir", the exit
# status printed after it as EXIT=n
sub terminal {
    my ($dir, $w, $h, $env, @args) = @_;
    my $cmd = join ' ', 'cd', $dir, '&&', 'env', 'LANG=C.UTF-8', 'TERM=xterm-256color',
              "JUDGE_SERVER=http://127.0.0.1:" . nginx_port(), @$env,
              build_dir() . '/judge', (map { "'$_'" } @args),
              "2>>" . servroot() . '/logs/cli-tty.log',
              '; echo EXIT=$?; sleep 600';
    system("tmux -L $::Socket kill-server 2>/dev/null") if $::Socket;
    $::Socket = "judge-cli-$$-" . (@::Sockets + 1);
    push @::Sockets, $::Socket;
    return tmux('-u', 'new-session', '-d', '-s', 'cli', '-x', $w, '-y', $h, $cmd);
}

sub normalized {
    my $text = shift;
    $text =~ s/\d+ ms/N ms/g;
    $text =~ s/[0-9a-f]{24}/ID/g;
    return $text;
}

run_tests();

END { system("tmux -L $_ kill-server 2>/dev/null") for @Sockets }

__DATA__

=== judge run draws the tree live in the terminal, then the outcome
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_judge(slots => 2), 'a worker is up');
my $dir = project('main.py' => $::Slow, '.judge.yaml' =>
                  "problem: sum\nsource: main.py\nlanguage: python\n");
ok(terminal($dir, 100, 30, [], 'run'), 'judge run in tmux');

my $live = '';
ok(wait_until(sub {
    $live = pane();
    $live =~ /✓ s1/ && $live =~ /^   ├─ $::Spin big$/m;
}, 30), 'while "big" runs: s1 passed, a spinner on big') or diag($live);
like($live, qr/^$::Spin judging · [1-4]\/5 tests done$/m,
     'the status line: how many are done');
is(scalar(() = $live =~ /^Sum · python$/mg), 1, 'the tree is drawn in place, once');
my $first = $live;
sleep 0.35;
$live = pane();
ok($live ne $first || $live !~ /big$/m, 'the spinner turns (or big finished)');

ok(wait_until(sub { pane() =~ /^EXIT=/m }, 30), 'judge run ends');
is(normalized(pane()), <<'END', 'the whole tree and the outcome');
submission ID
Sum · python
├─ samples
│  ├─ ✓ s1  N ms
│  └─ ✓ s2  N ms
└─ hidden
   ├─ ✓ big  N ms
   ├─ ✓ secret  N ms
   └─ ✓ asserted  N ms
✓ All 5 tests passed!
EXIT=0
END
like(pane('-e'), qr/\e\[32m✓/, 'in colour');

ok(terminal($dir, 100, 30, ['NO_COLOR=1'], 'run'), 'again with NO_COLOR');
ok(wait_until(sub { pane() =~ /^EXIT=/m }, 30), 'judge run ends');
my $plain = pane('-e');
unlike($plain, qr/\e\[3\dm/, 'NO_COLOR: no colour');
like($plain, qr/^✓ All 5 tests passed!$/m, 'still Unicode');

my $bad = project('main.py' => $::Wrong, '.judge.yaml' =>
                  "problem: sum\nsource: main.py\nlanguage: python\n");
ok(terminal($bad, 100, 30, [], 'run'), 'a wrong source');
ok(wait_until(sub { pane() =~ /^EXIT=/m }, 30), 'judge run ends');
is(normalized(pane()), <<'END', 'the failed test, why, and the outcome');
submission ID
Sum · python
├─ samples
│  ├─ ✓ s1  N ms
│  └─ ✓ s2  N ms
└─ hidden
   ├─ ✗ big  WA · wrong answer
   ├─ ✓ secret  N ms
   └─ ✓ asserted  N ms
✗ WA · 4/5 tests passed
EXIT=1
END


=== Ctrl-C typed in the terminal cancels the submission on the judge
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_judge(slots => 2), 'a worker is up');
my $dir = project('main.py' => "import time\ntime.sleep(60)\n",
                  '.judge.yaml' => "problem: sum\nsource: main.py\nlanguage: python\n");
ok(terminal($dir, 100, 30, [], 'run'), 'judge run in tmux');
ok(wait_until(sub { pane() =~ /$::Spin s1$/m
                    && ((http_json(GET => '/health'))[1]{free_slots} // 2) < 2 }, 30),
   'the tests run');
ok(tmux('send-keys', '-t', 'cli', 'C-c'), 'Ctrl-C');
ok(wait_until(sub { pane() =~ /^EXIT=130$/m }, 10), 'judge leaves with 130');
my $text = pane();
my ($id) = $text =~ /^submission ([0-9a-f]{24})$/m;
like($text, qr/^✗ Cancelled: submission $id\nEXIT=130$/m, 'says it cancelled it');
my (undef, $s) = http_json(GET => "/submissions/$id");
is($s->{status}, 'CANCELLED', 'the submission is cancelled');
ok(wait_until(sub { ((http_json(GET => '/health'))[1]{free_slots} // 0) == 2 }, 10),
   'its programs are stopped');


=== a tree taller than the terminal: a status line while it runs, the whole tree at the end
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_judge(slots => 2), 'a worker is up');
my $dir = project('main.py' => "import time\ntime.sleep(0.2)\nprint(input())\n",
                  map { ("t/$_.in" => "$_\n", "t/$_.out" => "$_\n") } 1 .. 30);
ok(terminal($dir, 80, 12, [], 'submit', 'main.py', '--tests', 't'),
   'judge submit of 30 tests in a terminal of 12 lines');
my $live = '';
ok(wait_until(sub {
    $live = pane();
    $live =~ /judging · ([1-9]|1\d|2[0-8])\/30 tests done$/m;
}, 30), 'a status line while it runs') or diag($live);
unlike($live, qr/├─/, 'no tree drawn over itself');
ok(wait_until(sub { pane() =~ /^EXIT=/m }, 60), 'judge submit ends');
like(normalized(pane('-S -100')),
     qr/^main\.py · python\n(├─ ✓ \d+  N ms\n){29}└─ ✓ 30  N ms\n✓ All 30 tests passed!\nEXIT=0$/m,
     'the whole tree at the end, in the history');
