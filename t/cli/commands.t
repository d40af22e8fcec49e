# The judge command-line client, run as a user runs it, against a real
# nginx and a real worker: every command, its exit statuses (0 passed,
# 1 failed, 2 usage, 3 the judge unreachable or refusing, 130 Ctrl-C),
# its --json shapes, .judge.yaml and the order of the settings, local
# tests in judge-sandbox and plain, and nothing of a hidden test shown.

use Test::Judge::Nginx;
use FindBin;
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/helpers.pl";

run_tests();

__DATA__

=== languages, workers, problems and show: tables, and the judge's JSON with --json
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_judge(), 'a worker is up');

my ($rc, $out, $err) = judge_cli({}, 'languages');
is($rc, 0, 'languages: exit 0');
like($out, qr/^ID\s+NAME\s+COMPILED\s+WORKERS\s+FREE SLOTS\n/, 'a table');
like($out, qr/^python\s+Python 3[\d.]+\s+no\s+1\s+2$/m, 'python by a worker');
like($out, qr/^cpp\s+C\+\+ .*\s+yes\s+1\s+2$/m, 'cpp, compiled');

($rc, $out) = judge_cli({}, '--json', 'languages');
my (undef, $api) = http_json(GET => '/languages');
is_deeply(json_of($out), $api, 'languages --json: the judge\'s answer');

($rc, $out) = judge_cli({}, 'workers');
is($rc, 0, 'workers: exit 0');
like($out, qr/^#\s+CORES\s+SLOTS\s+FREE\s+LOAD\s+DONE\s+HEARTBEAT\s+STATE\n1\s+\d+\s+2\s+\d\s/,
     'the public view: capacity and load');
unlike($out, qr/w1/, 'not who the worker is');

($rc, $out) = judge_cli({ env => { JUDGE_TOKEN => admin_token() } },
                        '--server', 'http://127.0.0.1:' . nginx_port() . '/admin/',
                        'workers');
is($rc, 0, 'workers on the admin API: exit 0');
like($out, qr/^w1\s+\S+\s+[\d.]+\s+native\s+2\s+\d\s.*serving\s+\S*python/m,
     'with the admin token: id, host, version, sandbox, languages');

($rc, $out, $err) = judge_cli({}, '--server',
                              'http://127.0.0.1:' . nginx_port() . '/admin',
                              '--token', 'wrong', '--json', 'workers');
is($rc, 3, 'a wrong admin token: exit 3');
is(json_of($out)->{error}{code}, 'unauthorized', '--json: the judge\'s error');
like($err, qr/^judge: GET \/workers: .*\(HTTP 401\)$/m, 'said on stderr');

($rc, $out) = judge_cli({}, 'problems');
is($rc, 0, 'problems: exit 0');
like($out, qr/^ID\s+VERSION\s+TITLE\s+STAGES\s+TESTS\nsum\s+1\s+Sum\s+2\s+5$/m,
     'the problem, its stages and tests');

($rc, $out) = judge_cli({}, 'show', 'sum');
is($rc, 0, 'show: exit 0');
like($out, qr/^Sum  \(sum, version 1\)$/m, 'the title');
like($out, qr/Print the sum of two numbers\./, 'the statement');
like($out, qr/s1 \(sample\)\n  input:\n    1 2\n  expected output:\n    3\n/,
     'a sample in full');
like($out, qr/checks: prints 42/, 'a sample\'s assertion');
like($out, qr/big \(hidden\)\n  secret \(hidden\)\n  asserted \(hidden\)\n  checks: no noise/,
     'the hidden tests by name and assertion description');
no_secret($out, 'show');

($rc, $out) = judge_cli({}, '--json', 'show', 'sum');
(undef, $api) = http_json(GET => '/problems/sum');
is_deeply(json_of($out), $api, 'show --json: the judge\'s answer');

($rc, $out, $err) = judge_cli({}, 'show', 'nope');
is($rc, 3, 'an unknown problem: exit 3');
like($err, qr/^judge: GET \/problems\/nope: .*\(HTTP 404\)$/m, 'the judge\'s 404');

($rc, $out, $err) = judge_cli({}, 'show');
is($rc, 2, 'show without a problem nor .judge.yaml: exit 2');
like($err, qr/which problem\?/, 'says what is missing');


=== init writes .judge.yaml; settings come from options, then the environment, then the file
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_judge(), 'a worker is up');
my $url = 'http://127.0.0.1:' . nginx_port();
my $dir = project('main.py' => $::Right);

my ($rc, $out, $err) = judge_cli({ dir => $dir }, 'init', '--cmd',
                                 'python3 main.py', '--problem', 'sum');
is($rc, 0, 'init: exit 0');
like($out, qr/wrote \.judge\.yaml: server \Q$url\E, language python, source main\.py, problem sum/,
     'says what it wrote');
my $yaml = Test::Judge::Nginx::slurp("$dir/.judge.yaml");
like($yaml, qr/^server: \Q$url\E$/m, 'the server');
like($yaml, qr/^language: python$/m, 'the language, guessed from main.py');
like($yaml, qr/^command: python3 main.py$/m, 'the command');
like($yaml, qr/^source: main.py$/m, 'the source, found in the command');
like($yaml, qr/^problem: sum$/m, 'the problem');

($rc, $out, $err) = judge_cli({ dir => $dir }, 'init', '--cmd', 'x');
is($rc, 2, 'init over an existing file: exit 2');
like($err, qr/\.judge\.yaml exists here; --force replaces it/, 'says so');

($rc, $out) = judge_cli({ dir => $dir }, '--json', 'init', '--force',
                        '--cmd', './main', '--build',
                        'g++ -O2 -o main "main.cpp"', '--language', 'cpp');
is($rc, 0, 'init --force: exit 0');
is_deeply(json_of($out), { server => $url, language => 'cpp',
                           command => './main',
                           build => 'g++ -O2 -o main "main.cpp"',
                           source => undef, problem => undef },
          '--json: what was written (no main.cpp here to name as source)');
like(Test::Judge::Nginx::slurp("$dir/.judge.yaml"),
     qr/^build: g\+\+ -O2 -o main "main.cpp"$/m, 'quoted as YAML needs');

# the file is found from a directory below, and its server is used
mkdir "$dir/sub";
($rc, $out) = judge_cli({ dir => "$dir/sub", env => { JUDGE_SERVER => undef } },
                        'problems');
is($rc, 0, 'from a directory below: the file\'s server');

# the environment before the file, the option before the environment
($rc, $out, $err) = judge_cli({ dir => $dir,
                                env => { JUDGE_SERVER => 'http://127.0.0.1:1' } },
                              'problems');
is($rc, 3, 'JUDGE_SERVER before the file: unreachable, exit 3');
like($err, qr/^judge: cannot reach http:\/\/127\.0\.0\.1:1: /m, 'says which');
($rc) = judge_cli({ dir => $dir, env => { JUDGE_SERVER => 'http://127.0.0.1:1' } },
                  '--server', $url, 'problems');
is($rc, 0, '--server before JUDGE_SERVER');

for my $bad (["server: [1, 2\n", qr/line \d+: /],
             ["sever: http://x\n", qr/line 1: unknown key "sever"/],
             ["server:\n  nested: x\n", qr/line 2: the value of "server" must be a string/],
             ["- a\n- b\n", qr/line 1: a mapping of keys to strings is expected/],
             ["just text\n", qr/line 1: a mapping of keys/]) {
    my $d = project('.judge.yaml' => $bad->[0]);
    ($rc, $out, $err) = judge_cli({ dir => $d }, 'languages');
    is($rc, 2, "a bad .judge.yaml ($bad->[1]): exit 2");
    like($err, qr/^judge: \Q$d\E\/\.judge\.yaml: $bad->[1]/m, 'names the file and line');
}
my $d = project('.judge.yaml' => "server: [1, 2\n");
($rc, $out) = judge_cli({ dir => $d }, '--json', 'languages');
is(json_of($out)->{error}{code}, 'bad_config', '--json: the error as JSON');


=== usage errors are exit 2, an unreachable judge exit 3, --help exit 0
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
my ($rc, $out, $err) = judge_cli({});
is($rc, 2, 'no command: exit 2');
like($err, qr/^usage: judge /m, 'the usage');
($rc, $out, $err) = judge_cli({}, 'frobnicate');
is($rc, 2, 'an unknown command: exit 2');
like($err, qr/no command "frobnicate"/, 'named');
($rc, $out) = judge_cli({}, '--help');
is($rc, 0, '--help: exit 0');
like($out, qr/judge submit FILE/, 'every command');
($rc, $out) = judge_cli({}, 'run', '--help');
is($rc, 0, 'run --help: exit 0');
like($out, qr/^usage: judge run .*\n\nSubmits the source/s, 'the command\'s help');
($rc, $out, $err) = judge_cli({}, 'status');
is($rc, 2, 'status without an id: exit 2');
like($err, qr/^usage: judge status ID/m, 'its usage');
($rc, $out, $err) = judge_cli({}, 'languages', '--bogus');
is($rc, 2, 'an unknown option: exit 2');
($rc, $out, $err) = judge_cli({}, '--server');
is($rc, 2, '--server without a value: exit 2');
($rc, $out, $err) = judge_cli({}, '--server', 'ftp://x', 'languages');
is($rc, 2, 'a server that is not http(s): exit 2');
($rc, $out, $err) = judge_cli({}, 'submit', 'missing.py', '--input', 'a',
                              '--expected', 'b');
is($rc, 2, 'a file that is not there: exit 2');
like($err, qr/missing\.py: No such file/, 'named');
($rc, $out, $err) = judge_cli({}, '--server', 'http://127.0.0.1:1', 'languages');
is($rc, 3, 'nothing listening: exit 3');
like($err, qr/cannot reach http:\/\/127\.0\.0\.1:1/, 'says so');
($rc, $out, $err) = judge_cli({}, '--json', '--server', 'http://127.0.0.1:1',
                              'workers');
is_deeply(json_of($out)->{error}{code}, 'unreachable', '--json: as JSON');

# a judge that takes the connection and never answers is given up on
my $l = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1:0')
    or die $!;
my $t0 = time;
($rc, $out, $err) = judge_cli({ timeout => 90 }, '--server',
                              'http://127.0.0.1:' . $l->sockport, 'languages');
is($rc, 3, 'a judge that never answers: exit 3');
like($err, qr/Timeout was reached/, 'a timeout');


=== test: the samples run here, in judge-sandbox or plain, judged as the judge does
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_judge(), 'a worker is up');
my $yaml = "command: python3 main.py\nproblem: sum\nlanguage: python\n";
my $dir = project('main.py' => $::Right, '.judge.yaml' => $yaml);

my ($rc, $out, $err) = judge_cli({ dir => $dir }, 'test');
is($rc, 0, 'right samples: exit 0') or diag($out, $err);
like($out, qr/^Sum · local, in judge-sandbox$/m, 'says it ran in judge-sandbox');
like($out, qr/^`- samples\n   \|- \+ s1  \d+ ms · \d+ KiB\n   \|    \$ python3 main\.py\n   \|    input:    1 2\n   \|    output:   3\n/m,
     'each test: its command, input and output (ASCII off a terminal)');
like($out, qr/^\+ All 2 public tests passed! Now the hidden ones: judge run$/m,
     'the outcome');
no_secret($out . $err, 'test');

($rc, $out) = judge_cli({ dir => $dir }, 'test', '--plain');
is($rc, 0, '--plain: exit 0');
like($out, qr/^Sum · local, plain: --plain$/m, 'says it ran plain, and why');

# in the sandbox, the program cannot write where it was found
my $w = project('.judge.yaml' => $yaml, 'main.py' =>
    "open('/src/x', 'w').write('x')\n" . $::Right);
($rc, $out) = judge_cli({ dir => $w }, 'test');
is($rc, 1, 'writing into the project in the sandbox: exit 1');
like($out, qr/s1  RE · exit code 1/, 'a runtime error');
like($out, qr/Read-only file system/, 'its stderr shown');
ok(!-e "$w/x", 'nothing written');

($rc, $out) = judge_cli({ dir => $dir }, '--json', 'test');
my $j = json_of($out);
is_deeply([ map { [$_->{name}, $_->{stage}, $_->{verdict}, $_->{stdout}] } @{ $j->{tests} } ],
          [ ['s1', 'samples', 'AC', "3\n"], ['s2', 'samples', 'AC', "42\n"] ],
          '--json: each test');
is_deeply([ @$j{qw(problem runner passed total hidden)} ], ['sum', 'sandbox', 2, 2, 3],
          '--json: the summary');

my $bad = project('.judge.yaml' => $yaml, 'main.py' => "print(7)\n");
($rc, $out) = judge_cli({ dir => $bad }, 'test');
is($rc, 1, 'wrong samples: exit 1');
like($out, qr/x s1  WA · line 1 differs at column 1: expected "3", got "7"\n.*\n.*input:    1 2\n.*output:   7\n.*expected: 3\n/,
     'what was expected, and what came');
like($out, qr/^x 0\/2 public tests passed$/m, 'the outcome');

my $spin = project('.judge.yaml' => $yaml, 'main.py' => "while True: pass\n");
for my $mode ([], ['--plain']) {
    ($rc, $out) = judge_cli({ dir => $spin }, 'test', @$mode);
    is($rc, 1, "an endless loop (@$mode): exit 1");
    like($out, qr/s1  (TLE|WLE) · /, 'over the problem\'s time');
}

my $build = project('.judge.yaml' => "build: exit 4\n" . $yaml, 'main.py' => $::Right);
($rc, $out, $err) = judge_cli({ dir => $build }, 'test');
is($rc, 1, 'a failed build: exit 1');
like($err, qr/the build command failed \(exit code 4\)/, 'said');

($rc, $out, $err) = judge_cli({ dir => project('.judge.yaml' => "problem: sum\n") }, 'test');
is($rc, 2, 'no command: exit 2');
like($err, qr/Set "command" in \.judge\.yaml/, 'says where');


=== run: the source judged on every test, hidden ones included; --quiet; status
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_judge(), 'a worker is up');
my $yaml = "command: python3 main.py\nproblem: sum\nsource: main.py\n";
my $dir = project('main.py' => $::Right, '.judge.yaml' => $yaml);

my ($rc, $out, $err) = judge_cli({ dir => $dir }, 'run');
is($rc, 0, 'a right source: exit 0') or diag($out, $err);
like($out, qr/^submission ([0-9a-f]{24})$/m, 'the submission\'s id');
my ($id) = $out =~ /^submission ([0-9a-f]{24})$/m;
like($out, qr/^Sum · python\n\|- samples\n\|  \|- \+ s1  \d+ ms\n\|  `- \+ s2  \d+ ms\n`- hidden\n   \|- \+ big  \d+ ms\n   \|- \+ secret  \d+ ms\n   `- \+ asserted  \d+ ms\n\+ All 5 tests passed!$/m,
     'the tree: stages, tests, the outcome');

($rc, $out) = judge_cli({ dir => $dir }, 'status', $id);
is($rc, 0, 'status of an accepted submission: exit 0');
like($out, qr/^$id · python\n\|- samples\n.*`- \+ asserted  \d+ ms\n\+ All 5 tests passed!$/ms,
     'status: the same tree');

my $bad = project('main.py' => $::Wrong, '.judge.yaml' => $yaml);
($rc, $out, $err) = judge_cli({ dir => $bad }, 'run');
is($rc, 1, 'wrong on a hidden test: exit 1');
like($out, qr/   \|- x big  WA · wrong answer\n   \|- \+ secret/, 'which test, and why');
like($out, qr/^x WA · 4\/5 tests passed$/m, 'the outcome');
no_secret($out . $err, 'run');
($id) = $out =~ /^submission ([0-9a-f]{24})$/m;
($rc, $out) = judge_cli({}, 'status', $id, '--quiet');
is($rc, 1, 'status of it: exit 1');
is($out, "x WA · 4/5 tests passed\n", '--quiet: the outcome line alone');

($rc, $out) = judge_cli({ dir => $bad }, '--json', 'run', '--language', 'python');
is($rc, 1, '--json: exit 1');
my $s = json_of($out);
is_deeply([ @$s{qw(status verdict passed total)} ], ['COMPLETED', 'WA', 4, 5],
          '--json: the finished submission');
is_deeply([ map { $_->{status} } @{ $s->{stages} } ], ['passed', 'failed'],
          '--json: its stages');
no_secret($out, 'run --json');

($rc, $out, $err) = judge_cli({ dir => $dir }, 'run', 'nope');
is($rc, 3, 'an unknown problem: exit 3');
($rc, $out, $err) = judge_cli({ dir => $dir }, 'run', '--language', 'cobol-74');
is($rc, 3, 'a language the judge does not offer: exit 3');
like($err, qr/\(HTTP 422\)/, 'the judge\'s 422');
($rc, $out, $err) = judge_cli({ dir => project('.judge.yaml' => "problem: sum\n") },
                              'run');
is($rc, 2, 'no source: exit 2');
($rc, $out, $err) = judge_cli({}, 'status', 'ffffffffffffffffffffffff');
is($rc, 3, 'status of an unknown submission: exit 3');


=== submit: a file judged against tests of this machine
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_judge(), 'a worker is up');
my $dir = project('main.py' => $::Right, 'bad.c' => "int main({\n",
                  'main.cpp' => "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b<<\"\\n\";}\n",
                  'prog.xyz' => "x\n",
                  't/1.in' => "1 2\n", 't/1.out' => "3\n",
                  't/2.in' => "5 5\n", 't/2.ans' => "10\n",
                  't/10.in' => "2 2\n", 't/10.out' => "4\n",
                  'lone/a.in' => "1\n");

my ($rc, $out, $err) = judge_cli({ dir => $dir }, 'submit', 'main.py', '--tests', 't');
is($rc, 0, 'right: exit 0') or diag($out, $err);
like($out, qr/^main\.py · python\n\|- \+ 1  \d+ ms\n\|- \+ 2  \d+ ms\n`- \+ 10  \d+ ms\n\+ All 3 tests passed!$/m,
     'NAME.in with NAME.out or NAME.ans, in natural order');

($rc, $out) = judge_cli({ dir => $dir }, 'submit', 'main.cpp', '--input', 't/2.in',
                        '--expected', 't/1.out', '--flag', '-O2');
is($rc, 1, 'wrong: exit 1');
like($out, qr/`- x 1  WA · line 1 differs at column 1: expected "3", got "1"\n     stdout: 10\n/,
     'why, and what it printed');

($rc, $out, $err) = judge_cli({ dir => $dir }, 'submit', 'main.cpp', '--tests', 't',
                              '--flag', '-specs=x.specs');
is($rc, 3, 'a flag the judge refuses: exit 3');
like($err, qr/compiler flag "-specs=x\.specs" is not allowed .*\(HTTP 422\)/, 'the judge says why');

($rc, $out) = judge_cli({ dir => $dir }, 'submit', 'bad.c', '--tests', 't');
is($rc, 1, 'a compile error: exit 1');
like($out, qr/^x Compile error\nmain\.c:1:10: error: /m, 'the compiler\'s output');

($rc, $out) = judge_cli({ dir => $dir }, '--json', 'submit', 'bad.c', '--tests', 't');
is(json_of($out)->{verdict}, 'CE', '--json: the submission');

($rc, $out, $err) = judge_cli({ dir => $dir }, 'submit', 'main.py', '--tests', 'lone');
is($rc, 2, 'an input without its answer: exit 2');
like($err, qr/lone\/a\.in has no a\.out or a\.ans beside it/, 'named');
($rc, $out, $err) = judge_cli({ dir => $dir }, 'submit', 'main.py');
is($rc, 2, 'no tests: exit 2');
like($err, qr/submit needs tests/, 'says what to give');
($rc, $out, $err) = judge_cli({ dir => $dir }, 'submit', 'prog.xyz', '--tests', 't');
is($rc, 2, 'an extension no language takes: exit 2');
like($err, qr/no language of the judge takes \.xyz files/, 'says so');


=== exec: a program's output streams here as it is written there
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_judge(), 'a worker is up');
my $dir = project('ex.py' => "import sys, time\n"
                  . "print('args', sys.argv[1:], flush=True)\n"
                  . "print('oops', file=sys.stderr, flush=True)\n"
                  . "print('read', input(), flush=True)\n"
                  . "time.sleep(2)\nprint('late')\nsys.exit(3)\n",
                  'in.txt' => "hello\n");

my ($rc, $out, $err) = judge_cli({ dir => $dir }, 'exec', 'ex.py', '--stdin',
                                 'in.txt', '--', '-v', 'a b');
is($rc, 1, 'a program that exits 3: exit 1');
is($out, "args ['-v', 'a b']\nread hello\nlate\n", 'its stdout, as written');
like($err, qr/^oops\n\[FAILED: exit_code · exit code 3 · \d+ ms · \d+ KiB\]$/m,
     'its stderr, then how it ended');

($rc, $out) = judge_cli({ dir => $dir }, '--json', 'exec', 'ex.py', '--stdin', 'in.txt');
my $e = json_of($out);
is_deeply([ @$e{qw(status exit_code stdout)} ], ['FAILED', 3, "args []\nread hello\nlate\n"],
          '--json: the execution');
my ($c) = http_json(GET => "/code-sessions/$e->{session_id}");
is($c, 404, 'the session is deleted afterwards');

# the first line arrives while the program still sleeps
my $pid = open(my $pipe, '-|') // die $!;
if ($pid == 0) {
    chdir $dir;
    $ENV{JUDGE_SERVER} = 'http://127.0.0.1:' . nginx_port();
    open STDERR, '>', servroot() . '/logs/cli-live.log';
    exec build_dir() . '/judge', 'exec', 'ex.py', '--stdin', 'in.txt';
}
my $t0 = time;
my $first = <$pipe>;
my $t_first = time - $t0;
my @rest = <$pipe>;
my $t_end = time - $t0;
close $pipe;
is($first, "args []\n", 'the first line');
cmp_ok($t_end - $t_first, '>', 1.5, 'came before the program ended')
    or diag("first at $t_first s, end at $t_end s");

my $ok = project('ok.py' => "print(6 * 7)\n");
($rc, $out, $err) = judge_cli({ dir => $ok }, 'exec', 'ok.py', '-q');
is($rc, 0, 'a program that exits 0: exit 0');
is("$out|$err", "42\n|", '--quiet: its output alone');


=== Ctrl-C cancels the submission being followed, and the run of exec
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_judge(), 'a worker is up');
my $dir = project('slow.py' => "import time\ntime.sleep(30)\n",
                  't/1.in' => "1\n", 't/1.out' => "1\n");
my $url = 'http://127.0.0.1:' . nginx_port();
my $out = servroot() . '/logs/cli-int.out';

for my $cmd (['submit', 'slow.py', '--tests', 't'], ['exec', 'slow.py']) {
    my $pid = fork // die $!;
    if ($pid == 0) {
        chdir $dir;
        $ENV{JUDGE_SERVER} = $url;
        open STDOUT, '>', $out;
        open STDERR, '>', servroot() . '/logs/cli-int.log';
        exec build_dir() . '/judge', @$cmd;
    }
    my $running = wait_until(sub {
        my (undef, $h) = http_json(GET => '/health');
        ($h->{free_slots} // 2) < 2;
    }, 30);
    ok($running, "@$cmd: the program runs");
    kill 'INT', $pid;
    my $t0 = time;
    waitpid $pid, 0;
    is($? >> 8, 130, "@$cmd: Ctrl-C is exit 130");
    cmp_ok(time - $t0, '<', 5, 'at once');
    ok(wait_until(sub {
        my (undef, $h) = http_json(GET => '/health');
        ($h->{free_slots} // 0) == 2;
    }, 10), "@$cmd: the program is stopped on the judge");
    if ($cmd->[0] eq 'submit') {
        my ($id) = Test::Judge::Nginx::slurp($out) =~ /^submission (\w+)$/m;
        my (undef, $s) = http_json(GET => "/submissions/$id");
        is($s->{status}, 'CANCELLED', 'the submission is cancelled');
        like(Test::Judge::Nginx::slurp($out), qr/^x Cancelled: submission $id$/m,
             'and says so');
    }
}


=== a busy judge (429 with Retry-After) is asked again after the time it names
--- http_config eval: $::Http . "    judge_client_key \$binary_remote_addr;\n    judge_client_jobs 1;\n"
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_judge(), 'a worker is up');
my ($c, $j) = http_json(POST => '/submissions', {
    language => 'python', source => "import time\ntime.sleep(3)\nprint(1)\n",
    tests => [ { input => '', expected_output => "1\n" } ] });
is($c, 202, 'one job of this client is out');
my $dir = project('ok.py' => "print(6 * 7)\n", 't/1.in' => '', 't/1.out' => "42\n");
my ($rc, $out, $err) = judge_cli({ dir => $dir }, 'submit', 'ok.py', '--tests', 't');
is($rc, 0, 'the second is judged once the first is done');
like($err, qr/^judge: the judge is busy \(429 too_many_jobs\); asking again in \d+ s$/m,
     'said on stderr');
