# The judge command-line client under attack.  An adversary (a hostile
# HTTP server written here, which is not the judge) answers with escape
# sequences in every text, malformed or huge bodies, streams that never
# end a line, tests named by indexes out of range, fields of the wrong
# types and redirects; a hostile .judge.yaml, hostile test directories
# and hostile programs run locally.  The client must print nothing a
# terminal would act on, and end every time with a clear error, never a
# crash nor a hang.  Against the real nginx and worker: escapes in a
# problem's texts, a program's output and test names.

use Test::Judge::Nginx;
use FindBin;
use IO::Select;
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/helpers.pl";

# What a hostile text carries: a window title (OSC), a screen clear, a
# colour, a CSI as a C1 control, a right-to-left override, an isolate, a
# carriage return and a newline that would forge a line of the tree.
our $Evil = "\e]0;pwned\a\e[2J\e[31mred\x{9b}2J\x{202e}gnp.exe\x{2066}\r"
          . "\n  \x{2713} forged";

# the bytes a terminal acts on: C0 controls but tab and newline, DEL,
# C1 controls in UTF-8, bidirectional overrides and isolates
sub raw_escapes {
    my $text = shift;
    my @found;
    push @found, sprintf('\\x%02x', ord $1)
        while $text =~ /([\x00-\x08\x0b-\x1f\x7f])/g;
    push @found, 'C1' if $text =~ /\xc2[\x80-\x9f]/;
    push @found, 'bidi' if $text =~ /\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]/;
    return @found;
}

sub clean_ok {
    my ($text, $what) = @_;
    my @found = raw_escapes($text);
    ok(!@found, "$what: nothing a terminal acts on") or diag("found @found");
}

our @Adversaries;

# One request read from "c": (method, path, body).
sub read_request {
    my $c = shift;
    my $head = '';
    while ($head !~ /\r\n\r\n/) {
        my $n = sysread($c, $head, 4096, length $head);
        return unless $n;
    }
    my ($first, $rest) = split /\r\n\r\n/, $head, 2;
    my ($method, $path) = $first =~ /^(\S+) (\S+)/;
    my ($len) = $first =~ /^Content-Length: *(\d+)/mi;
    my $body = $rest;
    while (length $body < ($len // 0)) {
        sysread($c, $body, 65536, length $body) or last;
    }
    return ($method, $path, $body);
}

# The adversary: a hostile HTTP server on a port of its own, in a process
# group of its own, each connection served by a child.  "routes" maps a
# request's path (its query left out, the method before it, as in
# "GET /languages") to a code reference called with the socket and the
# full path, which writes what it likes.  A path it does not know gets a
# 404.  Returns the adversary's URL; it is killed at the end of the block,
# and goes by itself when the test goes (a block that died, say).
sub adversary {
    my %routes = @_;
    my $port = free_port();
    my $srv = IO::Socket::INET->new(LocalAddr => "127.0.0.1:$port",
                                    Listen => 64, ReuseAddr => 1)
        or die "listen $port: $!";
    my $parent = $$;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        setpgrp(0, 0);
        $SIG{CHLD} = 'IGNORE';
        $SIG{PIPE} = 'IGNORE';
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', '/dev/null';
        my $sel = IO::Select->new($srv);
        while (getppid() == $parent) {
            $sel->can_read(1) or next;
            my $c = $srv->accept or next;
            my $kid = fork;
            if (defined $kid && $kid == 0) {
                my ($method, $path) = read_request($c);
                POSIX::_exit(0) unless defined $method;
                (my $bare = $path) =~ s/\?.*//;
                my $route = $routes{"$method $bare"};
                if ($route) {
                    $route->($c, $path);
                } else {
                    answer($c, 404, { error => { code => 'not_found',
                                                 message => "no $bare" } });
                }
                close $c;
                POSIX::_exit(0);
            }
            close $c;
        }
        POSIX::_exit(0);
    }
    close $srv;
    push @Adversaries, $pid;
    return "http://127.0.0.1:$port";
}

sub stop_adversaries {
    for my $pid (@Adversaries) {
        kill 'KILL', -$pid;
        waitpid $pid, 0;
    }
    @Adversaries = ();
}

# writes an answer: "body" a reference is sent as JSON, a string as is
sub answer {
    my ($c, $status, $body, @headers) = @_;
    $body = JSON::PP->new->utf8->encode($body) if ref $body;
    my $type = ref $_[2] ? 'application/json' : 'text/html';
    print $c "HTTP/1.1 $status X\r\nContent-Type: $type\r\n"
           . "Content-Length: " . length($body) . "\r\nConnection: close\r\n"
           . join('', map { "$_\r\n" } @headers) . "\r\n" . $body;
}

# the head of a Server-Sent Events stream
sub sse_head {
    my $c = shift;
    $c->autoflush(1);
    print $c "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
           . "Connection: close\r\n\r\n";
}

sub sse_event {
    my ($c, $event, $data) = @_;
    print $c "event: $event\ndata: " . JSON::PP->new->utf8->encode($data)
           . "\n\n";
}

# a problem whose every text is hostile
sub evil_problem {
    return {
        id => "evil$Evil", version => 1, title => "Title$Evil",
        statement => "Statement$Evil\n",
        limits => { "cpu$Evil" => 1000 },
        stages => [ { name => "stage$Evil", number => 1, tests => [
            { name => "t1$Evil", sample => JSON::PP::true,
              stdin => "in$Evil\n", expected_output => "out$Evil\n",
              assertions => [ { description => "check$Evil" } ] },
            { name => "t2$Evil" } ] } ],
    };
}

# a finished submission whose every text is hostile
sub evil_submission {
    return {
        id => "S1$Evil", status => 'DONE', verdict => "WA$Evil",
        passed => 1, total => 2,
        problem => { id => 'evil', version => 1 },
        compile => { output => "warning$Evil\n" },
        tests => [ { index => 0, verdict => 'AC', cpu_time_ms => 3 },
                   { index => 1, verdict => "WA$Evil",
                     checker_message => "expected$Evil",
                     stdout => "got$Evil\n", stderr => "err$Evil\n" } ],
    };
}

run_tests();

__DATA__

=== a hostile server's texts: every escape sequence shown as "?", in every command
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
my $url = adversary(
    'GET /problems/evil' => sub { answer($_[0], 200, evil_problem()) },
    'GET /problems' => sub {
        answer($_[0], 200, { problems => [ { id => "p$::Evil",
                                             title => "T$::Evil",
                                             version => 1 } ] }) },
    'GET /languages' => sub {
        answer($_[0], 200, { languages => [
            { id => "py$::Evil", name => "Python$::Evil", file_name => 'a.py' },
            { id => "py2$::Evil", name => 'P', file_name => 'b.py' } ] }) },
    'GET /workers' => sub {
        answer($_[0], 200, { workers => [ { id => "w$::Evil",
            host => "host$::Evil", version => "1$::Evil",
            sandbox => { backend => "ns$::Evil" },
            languages => [ { id => "py$::Evil" } ] } ] }) },
    'GET /submissions/S1' => sub { answer($_[0], 200, evil_submission()) },
    'GET /problems/err' => sub {
        answer($_[0], 500, { error => { code => "c$::Evil",
                                        message => "broken$::Evil" } }) },
    'POST /code-sessions' => sub {
        answer($_[0], 201, { session_id => 'X' }) },
    'POST /code-sessions/X/run' => sub {
        answer($_[0], 202, { execution_id => 'E' }) },
    'GET /executions/E/events' => sub {
        my $c = shift;
        sse_head($c);
        sse_event($c, 'output', { stream => 'stdout', data => "hi\n",
                                  attempt => 1, offset => 0 });
        sse_event($c, 'output', { stream => 'stdout', data => "x",
                                  attempt => 1,
                                  offset => 9223372036854775807 });
        sse_event($c, 'done', { status => "COMPLETED$::Evil",
                                reason => "why$::Evil", exit_code => 0 });
    },
    'DELETE /code-sessions/X' => sub { answer($_[0], 204, '') },
);
my %env = (env => { JUDGE_SERVER => $url });

my ($rc, $out, $err) = judge_cli(\%env, 'show', 'evil');
is($rc, 0, 'show: exit 0');
clean_ok($out, 'show');
like($out, qr/Title\?\]0;pwned\?\?\[2J\?\[31mred\?2J\?gnp\.exe\?\?\?  \S+ forged/,
     'the title, each control a "?", on one line');
like($out, qr/^  t2\?.*\(hidden\)$/m, 'a test\'s name');
like($out, qr/checks: check\?/, 'an assertion\'s description');

($rc, $out) = judge_cli(\%env, 'problems');
is($rc, 0, 'problems: exit 0');
clean_ok($out, 'problems');
like($out, qr/T\?\]0;pwned/, 'the title in the table');

($rc, $out) = judge_cli(\%env, 'languages');
clean_ok($out, 'languages');
($rc, $out) = judge_cli(\%env, 'workers');
clean_ok($out, 'workers');
like($out, qr/host\?\]0;pwned/, 'a worker\'s host');

($rc, $out, $err) = judge_cli(\%env, 'status', 'S1');
is($rc, 1, 'status of a wrong answer: exit 1');
clean_ok($out, 'status');
clean_ok($err, 'status, stderr');
like($out, qr/expected\?\]0;pwned/, 'the checker\'s message');
like($out, qr/got\?\]0;pwned/, 'the program\'s output');
like($out, qr/warning\?\]0;pwned/, 'the compiler\'s output');

($rc, $out, $err) = judge_cli(\%env, 'show', 'err');
is($rc, 3, 'an error of the server: exit 3');
clean_ok($err, 'the error on stderr');
like($err, qr/broken\?\]0;pwned/, 'its message');

my $dir = project('a.py' => "print(1)\n");
($rc, $out, $err) = judge_cli({ %env, dir => $dir }, 'exec', 'a.py');
is($rc, 1, 'exec: a status that is not COMPLETED, exit 1');
is($out, "hi\n", 'the output, once; an offset at the end of the range ignored');
clean_ok($err, 'exec\'s status line');
like($err, qr/\[COMPLETED\?\]0;pwned.*: why\?\]0;pwned/, 'the status line');
like($err, qr/taken as py\?\]0;pwned.*also: py2\?\]0;pwned/,
     'the languages guessed');
stop_adversaries();


=== a hostile server's protocol: not JSON, huge, endless, out of range, wrong types, redirects
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 240
--- perl
my $events = sub {
    my ($c, @ev) = @_;
    sse_head($c);
    sse_event($c, @$_) for @ev;
};
my $wrong = { index => [ 1 ], verdict => 7, cpu_time_ms => 'x',
              stdout => { a => 1 }, checker_message => [ 'y' ] };
my $url = adversary(
    'GET /problems/html' => sub {
        answer($_[0], 200, "<html>\e]0;pwned\a<body>oops</body></html>\n") },
    'GET /problems/array' => sub { answer($_[0], 200, [ 1, 2 ]) },
    'GET /problems/types' => sub {
        answer($_[0], 200, { title => [ 1 ], id => { a => 1 },
                             version => 'x', statement => 5,
                             limits => [ 1 ], stages => { a => 1 } }) },
    'GET /problems/huge' => sub {
        my $c = shift;
        print $c "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n";
        my $mb = 'x' x (1 << 20);
        for (1 .. 300) { print $c $mb or last }
    },
    'GET /problems/file' => sub {
        answer($_[0], 302, '', 'Location: file:///etc/passwd') },
    'GET /problems/loop' => sub {
        answer($_[0], 301, '', 'Location: /problems/loop') },
    'GET /problems/trickle' => sub {
        my $c = shift;
        $c->autoflush(1);
        my $body = '{"id":"trickle","title":"Slow","version":1}';
        for my $ch (split //, "HTTP/1.1 200 OK\r\nContent-Length: "
                               . length($body) . "\r\n\r\n$body") {
            print $c $ch;
            sleep 0.005;
        }
    },
    'POST /submissions' => sub {
        my ($c) = @_;
        answer($c, 201, { id => 'S2' });
    },
    'GET /submissions/S2/events' => sub {
        $events->($_[0],
                  [ test => { index => -1, verdict => 'AC' } ],
                  [ test => { index => 99999, verdict => 'AC' } ],
                  [ test => { index => '0', verdict => 'AC' } ],
                  [ test => $wrong ],
                  [ test => [ 1, 2, 3 ] ],
                  [ test => { index => 0, verdict => 'WA',
                              stdout => "x" x 100000 } ],
                  [ verdict => { verdict => [ 'AC' ], passed => 'x',
                                 total => -1, tests => { a => 1 },
                                 stages => 'x' } ]);
    },
);
my %env = (env => { JUDGE_SERVER => $url });

my ($rc, $out, $err) = judge_cli(\%env, 'show', 'html');
is($rc, 3, 'a 200 that is not JSON: exit 3');
like($err, qr/^judge: GET \/problems\/html: the answer is not JSON: <html>\?\]0;pwned\?<body>/m,
     'said, and made safe');
($rc, $out, $err) = judge_cli(\%env, '--json', 'show', 'array');
is($rc, 3, 'a 200 whose JSON is not an object: exit 3');
is(json_of($out)->{error}{code}, 'bad_answer', '--json: bad_answer');
($rc, $out, $err) = judge_cli(\%env, 'show', 'types');
is($rc, 0, 'fields of the wrong types: shown as empty, exit 0');
($rc, $out, $err) = judge_cli(\%env, 'show', 'huge');
is($rc, 3, 'a 300 MB answer: exit 3');
like($err, qr/larger than 256 MiB/, 'said');
($rc, $out, $err) = judge_cli(\%env, 'show', 'file');
is($rc, 3, 'a redirect to file://: not followed, exit 3');
like($err, qr/\(HTTP 302\)/, 'the redirect is the answer');
($rc, $out, $err) = judge_cli(\%env, 'show', 'loop');
is($rc, 3, 'a redirect loop: not followed, exit 3');
($rc, $out, $err) = judge_cli(\%env, 'show', 'trickle');
is($rc, 0, 'an answer a byte at a time: read');
like($out, qr/^Slow  \(trickle, version 1\)$/m, 'whole');

my $dir = project('a.py' => "print(1)\n", 'in' => "1\n", 'out' => "1\n");
($rc, $out, $err) = judge_cli({ %env, dir => $dir }, 'submit', 'a.py',
                              '--language', 'python', '--input', 'in',
                              '--expected', 'out');
is($rc, 1, 'tests by indexes out of range and fields of wrong types: exit 1');
like($out, qr/^x \? · 0\/\d+ tests passed$/m, 'a verdict that is no string: "?"');
like($out, qr/^`- x 1  WA$/m, 'the one good event among them applied');
clean_ok($out, 'submit');

# S3's stream sends one line without end: given up at 64 MiB, the
# submission's end read with ?wait=true instead
my $dir3 = project('a.py' => "print(1)\n", 'in' => "1\n", 'out' => "1\n");
my $url3 = adversary(
    'POST /submissions' => sub { answer($_[0], 201, { id => 'S3' }) },
    'GET /submissions/S3/events' => sub {
        my $c = shift;
        sse_head($c);
        print $c "event: test\ndata: ";
        my $mb = 'x' x (1 << 20);
        for (1 .. 80) { print $c $mb or last }
    },
    'GET /submissions/S3' => sub {
        answer($_[0], 200, { id => 'S3', status => 'DONE', verdict => 'AC',
                             passed => 1, total => 1,
                             tests => [ { verdict => 'AC' } ] }) },
);
($rc, $out, $err) = judge_cli({ dir => $dir3, env => { JUDGE_SERVER => $url3 } },
                              'submit', 'a.py', '--language', 'python',
                              '--input', 'in', '--expected', 'out');
is($rc, 0, 'an endless line: given up, the end asked for, exit 0');
like($err, qr/following S3: .*waiting for its end/, 'said');
like($out, qr/All 1 test passed!/, 'the outcome');
stop_adversaries();


=== a hostile .judge.yaml: alias bombs, deep nesting, NUL, binary, 100 MB, /dev/zero, a FIFO
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
my $laughs = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
for my $i (1 .. 9) {
    my ($p, $n) = (chr(ord('a') + $i - 1), chr(ord('a') + $i));
    $laughs .= "$n: &$n [" . join(',', ("*$p") x 9) . "]\n";
}
my @bad = (
    [ 'billion laughs', $laughs, qr/line 1: unknown key "a"/ ],
    [ 'billion laughs under a known key', "server: &a [lol]\ntoken: *a\n",
      qr/line 1: a mapping of keys to strings/ ],
    [ 'an alias', "server: &x http://a\ntoken: *x\n",
      qr/line 2: a mapping of keys to strings/ ],
    [ 'deep nesting', ('[' x 30000) . "\n", qr/line 1: / ],
    [ 'deep mappings', ('{a: ' x 15000) . "\n", qr/line 1: / ],
    [ 'a NUL in a value', "server: \"http://a\\0b\"\n", qr/holds a NUL byte/ ],
    [ 'a raw NUL', "server: http://a\0b\n", qr/line 1: / ],
    [ 'binary', join('', map { chr(($_ * 7919) % 256) } 1 .. 4096),
      qr/line \d+: / ],
    [ 'escapes in a key', "\"k\\e]0;pwned\\a\": x\n",
      qr/unknown key "k\?\]0;pwned\?"/ ],
);
for my $b (@bad) {
    my $d = project('.judge.yaml' => $b->[1]);
    my ($rc, $out, $err) = judge_cli({ dir => $d, timeout => 20 },
                                     'languages');
    is($rc, 2, "$b->[0]: exit 2");
    like($err, $b->[2], "$b->[0]: said");
    clean_ok($err, "$b->[0]: the error");
}

my $d = project();
truncate_to("$d/.judge.yaml", 100 * 1024 * 1024);
my ($rc, $out, $err) = judge_cli({ dir => $d, timeout => 20 }, 'languages');
is($rc, 2, '100 MB: exit 2');
like($err, qr/larger than 64 KiB/, 'said');

$d = project();
symlink '/dev/zero', "$d/.judge.yaml";
($rc, $out, $err) = judge_cli({ dir => $d, timeout => 20 }, 'languages');
is($rc, 2, 'a link to /dev/zero: exit 2');
like($err, qr/\.judge\.yaml: not a regular file/, 'said');

$d = project();
POSIX::mkfifo("$d/.judge.yaml", 0644) or die "mkfifo: $!";
($rc, $out, $err) = judge_cli({ dir => $d, timeout => 20 }, 'languages');
is($rc, 2, 'a FIFO with no writer: no hang, exit 2');
like($err, qr/\.judge\.yaml: not a regular file/, 'said');

$d = project();
mkdir "$d/.judge.yaml";
($rc, $out, $err) = judge_cli({ dir => $d, timeout => 20 }, 'languages');
is($rc, 2, 'a directory: exit 2');
like($err, qr/\.judge\.yaml: Is a directory/, 'said');

sub truncate_to {
    my ($path, $size) = @_;
    open my $fh, '>', $path or die "$path: $!";
    truncate $fh, $size or die "truncate: $!";
    close $fh;
}


=== hostile local files: thousands of tests, FIFOs, links to devices, names with escapes and newlines
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 180
--- perl
ok(start_judge(), 'a worker is up');
my $d = project('main.py' => $::Right);
mkdir "$d/many";
for my $i (1 .. 10001) {
    for my $ext ('in', 'out') {
        open my $fh, '>', "$d/many/$i.$ext" or die;
        close $fh;
    }
}
my ($rc, $out, $err) = judge_cli({ dir => $d }, 'submit', 'main.py',
                                 '--tests', 'many');
is($rc, 2, '10001 tests: exit 2');
like($err, qr/many has 10001 tests, more than 10000/, 'said');

mkdir "$d/fifo";
POSIX::mkfifo("$d/fifo/a.in", 0644) or die "mkfifo: $!";
open my $fh, '>', "$d/fifo/a.out" or die;
close $fh;
($rc, $out, $err) = judge_cli({ dir => $d, timeout => 20 }, 'submit',
                              'main.py', '--tests', 'fifo');
is($rc, 2, 'a FIFO as a test\'s input: no hang, exit 2');
like($err, qr/fifo\/a\.in: not a regular file/, 'said');

POSIX::mkfifo("$d/fifo.py", 0644) or die "mkfifo: $!";
($rc, $out, $err) = judge_cli({ dir => $d, timeout => 20 }, 'submit',
                              'fifo.py', '--tests', 'many');
is($rc, 2, 'a FIFO as the source: no hang, exit 2');
like($err, qr/fifo\.py: not a regular file/, 'said');

mkdir "$d/dev";
symlink '/dev/zero', "$d/dev/a.in";
symlink '/dev/zero', "$d/dev/a.out";
($rc, $out, $err) = judge_cli({ dir => $d, timeout => 20 }, 'submit',
                              'main.py', '--tests', 'dev');
is($rc, 2, 'links to /dev/zero: exit 2');
like($err, qr/dev\/a\.in: not a regular file/, 'said');

mkdir "$d/big";
open $fh, '>', "$d/big/a.in" or die;
truncate $fh, 65 * 1024 * 1024;
close $fh;
open $fh, '>', "$d/big/a.out" or die;
close $fh;
($rc, $out, $err) = judge_cli({ dir => $d, timeout => 20 }, 'submit',
                              'main.py', '--tests', 'big');
is($rc, 2, 'a 65 MiB input: exit 2');
like($err, qr/big\/a\.in: File too large/, 'said');

# names with a newline and escapes are the tests' ids: sent, judged, shown
# made safe
mkdir "$d/odd";
my $odd = "x\e]0;pwned\a\n\x{e2}\x{80}\x{ae}y";
for (["$odd.in", "1 2\n"], ["$odd.out", "3\n"], ["plain.in", "2 2\n"],
     ["plain.out", "5\n"]) {
    open $fh, '>', "$d/odd/$_->[0]" or die "$_->[0]: $!";
    print $fh $_->[1];
    close $fh;
}
($rc, $out, $err) = judge_cli({ dir => $d }, 'submit', 'main.py', '--tests',
                              'odd');
is($rc, 1, 'a test with an odd name passes, one fails: exit 1');
clean_ok($out, 'the tree');
like($out, qr/x plain  WA/, 'the plain one failed')
    or diag($out);
like($out, qr/\+ x\?\]0;pwned\?\?\?y  \d+ ms/, 'the odd one, on one line');


=== the real judge: escapes in a problem's texts and a program's output never reach the terminal raw
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_judge(), 'a worker is up');
my $e = "\e]0;pwned\a\e[2J\x{9b}2J\x{202e}";
my %p = (%::Sum, title => "Sum$e", statement => "Print$e the sum\n");
$p{stages} = [ { name => "samples$e", number => 1, tests => [
    { name => "s1$e", sample => JSON::PP::true, stdin => "1 2\n",
      expected_output => "3\n" } ] } ];
my ($c) = admin_json(PUT => '/problems/evil',
                     JSON::PP->new->utf8->encode(\%p));
is($c, 201, 'the problem is stored');

my ($rc, $out) = judge_cli({}, 'show', 'evil');
is($rc, 0, 'show: exit 0');
clean_ok($out, 'show');
like($out, qr/^Sum\?\]0;pwned\?\?\[2J\?2J\?  \(evil, version 1\)$/m, 'the title');
($rc, $out) = judge_cli({}, 'problems');
clean_ok($out, 'problems');

my $prog = "import sys\n"
         . "sys.stdout.buffer.write(b'\\x1b]0;pwned\\x07\\x1b[2J"
         . "\\xc2\\x9b2J\\xe2\\x80\\xae')\n"
         . "sys.stderr.buffer.write(b'\\x1b[31mboom\\xe2\\x81\\xa6\\n')\n";
my $d = project('main.py' => $prog,
                '.judge.yaml' => "problem: evil\nsource: main.py\n"
                               . "command: python3 main.py\n");
($rc, $out) = judge_cli({ dir => $d }, 'run');
is($rc, 1, 'run of a wrong program: exit 1');
clean_ok($out, 'run');
like($out, qr/stdout: \?\]0;pwned\?\?\[2J\?2J\?/, 'its output, made safe');
like($out, qr/stderr: \?\[31mboom\?/, 'its stderr, made safe');

($rc, $out) = judge_cli({ dir => $d }, 'test', '--plain');
is($rc, 1, 'test of a wrong program: exit 1');
clean_ok($out, 'test');
like($out, qr/s1\?\]0;pwned/, 'the test\'s name');


=== hostile programs run plainly: a daemon holding the output, 1 GB of output, closed stdout, SIGTERM ignored, stdin unread
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 180
--- perl
ok(start_judge(), 'a worker is up');
my %progs = (
    daemon => [ "import os, sys, time\n"
              . "if os.fork() == 0:\n    os.setsid()\n    time.sleep(20)\n"
              . "    os._exit(0)\n"
              . "a, b = map(int, input().split()[:2])\nprint(a + b)\n", 0 ],
    group => [ "import os, time\n"
             . "if os.fork() == 0:\n    time.sleep(20)\n    os._exit(0)\n"
             . "a, b = map(int, input().split()[:2])\nprint(a + b)\n", 0 ],
    flood => [ "import sys\nb = 'x' * (1 << 20) + '\\n'\n"
             . "for i in range(1024):\n    sys.stdout.write(b)\n", 1 ],
    closed => [ "import os\nos.close(1)\nimport time\ntime.sleep(0.2)\n", 1 ],
    term => [ "import signal, time\n"
            . "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            . "while True: pass\n", 1 ],
    unread => [ "import time\nprint(3)\n", 1 ],
);
for my $name (sort keys %progs) {
    my $d = project('main.py' => $progs{$name}[0],
                    '.judge.yaml' => "problem: sum\ncommand: python3 main.py\n");
    my $start = time;
    my ($rc, $out, $err) = judge_cli({ dir => $d, timeout => 90 }, 'test',
                                     '--plain');
    is($rc, $progs{$name}[1], "$name: exit $progs{$name}[1]")
        or diag($out, $err);
    if ($name eq 'daemon' || $name eq 'group') {
        cmp_ok(time - $start, '<', 4,
               "$name: not waited for past the program's end (wall 5 s)");
        like($out, qr/All 2 public tests passed!/, "$name: passed");
    }
    clean_ok($out, $name);
}
