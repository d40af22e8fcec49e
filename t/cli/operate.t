# The judge command-line client under the conditions of real use: many
# users at once against a small judge (429 and 503 asked again, nothing
# submitted twice), nginx restarted or reloaded and the worker killed
# while a submission is followed, large sources, inputs and outputs, and
# the shapes a deployment takes (a location prefix, https, a proxy in the
# environment).

use Test::Judge::Nginx;
use FindBin;
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/helpers.pl";
require "$FindBin::Bin/../redis/helpers.pl";

# t/redis/helpers.pl has a $Http of its own: this file's judge, without
# judge_redis but where a block adds it
our $Http = <<'CONF';
    judge_zone judge:16m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
CONF

# a problem whose one test sleeps "seconds" before the right answer
our $Slow = "import time\ntime.sleep(%d)\n"
          . "a, b = map(int, input().split()[:2])\nprint(a + b)\n";

our %Long = (
    title => 'Long',
    stages => [ { name => 'all', number => 1, tests => [
        { name => 't1', sample => JSON::PP::true, stdin => "1 2\n",
          expected_output => "3\n", timeout_seconds => 10 } ] } ],
);

my $Started = 0;

# build/judge started in the background like judge_cli(); returns a handle
# for cli_end()
sub cli_start {
    my ($o, @args) = @_;
    my $dir = $o->{dir} // project();
    my $n = ++$Started;
    my $out = servroot() . "/logs/bg-$n.out";
    my $err = servroot() . "/logs/bg-$n.log";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        chdir $dir or die "$dir: $!";
        delete $ENV{$_} for qw(JUDGE_SERVER JUDGE_TOKEN NO_COLOR);
        $ENV{JUDGE_SERVER} = 'http://127.0.0.1:' . nginx_port();
        my %env = %{ $o->{env} // {} };
        $ENV{$_} = $env{$_} for keys %env;
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $out;
        open STDERR, '>', $err;
        exec build_dir() . '/judge', @args;
        exit 127;
    }
    return { pid => $pid, out => $out, err => $err };
}

# waits at most "timeout" seconds for it: (exit status or 'hung', stdout,
# stderr)
sub cli_end {
    my ($h, $timeout) = @_;
    my $deadline = time + $timeout;
    my $status;
    while (time < $deadline) {
        if (waitpid($h->{pid}, WNOHANG) == $h->{pid}) {
            $status = $? >> 8;
            last;
        }
        sleep 0.05;
    }
    unless (defined $status) {
        kill 'KILL', $h->{pid};
        waitpid $h->{pid}, 0;
        $status = 'hung';
    }
    return ($status, Test::Judge::Nginx::slurp($h->{out}),
            Test::Judge::Nginx::slurp($h->{err}));
}

sub submissions_total {
    my $text = http_get('/metrics')->content;
    return $text =~ /^judge_submissions_total(?:\{[^}]*\})? (\d+)$/m ? $1
                                                                     : -1;
}

# the project of a slow answer to Long, with .judge.yaml
sub long_project {
    my $seconds = shift;
    return project('main.py' => sprintf($Slow, $seconds),
                   '.judge.yaml' => "language: python\nsource: main.py\n"
                                    . "command: python3 main.py\n"
                                    . "problem: long\n");
}

sub start_long {
    my %o = @_;
    my $pid = spawn_worker('w1', slots => $o{slots} // 2);
    my ($c, $v) = admin_json(PUT => '/problems/long', \%Long);
    is($c, 201, 'the problem is stored') or diag(encode_json($v // {}));
    wait_until(sub {
        ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20)
        or BAIL_OUT('no worker');
    return $pid;
}

run_tests();

__DATA__

=== load: 50 judge submit at once against judge_client_jobs 4 and judge_queue_size 6: each its verdict, none twice
--- http_config eval: $::Http
--- config
    location / {
        judge_api;
        judge_client_jobs 4;
        judge_queue_size 6;
    }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
--- timeout: 240
--- perl
spawn_worker('w1', slots => 2);
ok(wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20),
   'a worker is up');
my $before = submissions_total();
my $dir = project('double.py' => "print(2 * int(input()))\n");
for my $i (1 .. 50) {
    open my $fh, '>', "$dir/in$i" or die $!;
    print $fh "$i\n";
    close $fh;
    open $fh, '>', "$dir/out$i" or die $!;
    print $fh $i % 5 ? 2 * $i . "\n" : "0\n";
    close $fh;
}
my @runs = map {
    cli_start({ dir => $dir }, 'submit', 'double.py', '--language', 'python',
              '--input', "in$_", '--expected', "out$_")
} 1 .. 50;
my (@bad, $busy);
for my $i (1 .. 50) {
    my ($rc, $out, $err) = cli_end($runs[$i - 1], 200);
    my $want = $i % 5 ? 0 : 1;
    $busy++ if $err =~ /the judge is busy/;
    push @bad, "$i: exit $rc, $out$err" unless $rc eq $want
        && $out =~ ($want ? qr/WA/ : qr/All 1 test passed/);
}
ok(!@bad, 'each of the 50 ends with its verdict and exit status')
    or diag(join "\n", @bad[0 .. ($#bad > 4 ? 4 : $#bad)]);
ok($busy, 'some were told the judge is busy and asked again');
is(submissions_total() - $before, 50, 'and each was submitted once');

=== nginx stopped at once and started again while judge run follows (no judge_redis): the submission is gone, a clear exit 3, no hang
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
start_long();
my $h = cli_start({ dir => long_project(6) }, 'run');
sleep 3;
kill 'TERM', Test::Judge::Nginx::slurp(servroot() . '/logs/nginx.pid') + 0;
ok(wait_until(sub { !-e servroot() . '/logs/nginx.pid' }, 10), 'nginx stopped');
ok(Test::Judge::Nginx::start_nginx(), 'and started again');
my ($rc, $out, $err) = cli_end($h, 40);
is($rc, 3, 'exit 3') or diag("$out$err");
like($err, qr/^judge: GET \/submissions\/\w+\?wait=true: no submission with that id .*\(HTTP 404\)$/m,
     'saying the submission is gone')
    or diag($err);

=== nginx stopped gracefully (QUIT) while judge run follows: the submission fails on the judge, exit 3 with the judge's reason
--- http_config eval: $::Http . "    judge_no_worker_timeout 2s;\n"
--- config eval: $::Config
--- timeout: 90
--- perl
start_long();
my $h = cli_start({ dir => long_project(6) }, 'run');
sleep 3;
kill 'QUIT', Test::Judge::Nginx::slurp(servroot() . '/logs/nginx.pid') + 0;
my ($rc, $out, $err) = cli_end($h, 40);
is($rc, 3, 'exit 3') or diag("$out$err");
like($out, qr/IE/, 'the tree says IE');
like($err, qr/^judge: submission \w+ failed on the judge: no worker able to run python came$/m,
     'and stderr why');
ok(wait_until(sub { !-e servroot() . '/logs/nginx.pid' }, 10), 'nginx stopped');
ok(Test::Judge::Nginx::start_nginx(), 'and started again');

=== behind a proxy that cuts a silent stream, ?wait=true answering 202 at judge_wait_timeout: judge run asks again until the end
--- http_config eval: $::Http . "judge_wait_timeout 1s; judge_wall_time_limit 10s 30s;\n"
--- config
    location / { judge_api; }
    location /via/ {
        proxy_pass http://127.0.0.1:$TEST_NGINX_PORT/;
        proxy_buffering off;
        proxy_read_timeout 2s;
    }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
--- timeout: 90
--- perl
start_long();
my $h = cli_start({ dir => long_project(6),
                    env => { JUDGE_SERVER => 'http://127.0.0.1:'
                                             . nginx_port() . '/via' } },
                  'run');
my ($rc, $out, $err) = cli_end($h, 60);
is($rc, 0, 'exit 0') or diag("$out$err");
like($out, qr/All 1 test passed/, 'the verdict');
like($err, qr/^judge: following \w+: the stream broke: .*; waiting for its end$/m,
     'saying the stream broke');

my ($c, $sub) = http_json(POST => '/problems/long/submissions',
                          { language => 'python',
                            source => sprintf($::Slow, 4) });
is($c, 202, 'a submission of 4 s');
my $id = $sub->{id};
($rc, $out, $err) = judge_cli({ env => { JUDGE_SERVER => 'http://127.0.0.1:'
                                         . nginx_port() . '/via' } },
                              '--json', 'status', $id // 'none', '--wait');
is($rc, 0, 'judge status --wait through it: exit 0') or diag($err);
is((json_of($out) // {})->{verdict}, 'AC', 'at the end, past judge_wait_timeout');

$h = cli_start({ dir => project('late.py' => "import time\nprint('early', "
                                             . "flush=True)\ntime.sleep(5)\n"
                                             . "print('late')\n"),
                 env => { JUDGE_SERVER => 'http://127.0.0.1:'
                                          . nginx_port() . '/via' } },
               'exec', 'late.py');
($rc, $out, $err) = cli_end($h, 60);
is($rc, 0, 'judge exec through it: exit 0') or diag($err);
is($out, "early\nlate\n", 'the whole output, once');

=== nginx reloaded (HUP) while judge run follows a long submission: the verdict still comes
--- http_config eval: $::Http . "    judge_wait_timeout 2s;\n"
--- config eval: $::Config
--- timeout: 90
--- perl
start_long();
my $h = cli_start({ dir => long_project(6) }, 'run');
sleep 2;
ok(reload_nginx(), 'nginx reloaded');
my ($rc, $out, $err) = cli_end($h, 60);
is($rc, 0, 'exit 0') or diag("$out$err");
like($out, qr/All 1 test passed/, 'the verdict');

=== the worker killed mid-run: the batch goes to the next worker, judge run gets the verdict
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
my $w = start_long();
my $h = cli_start({ dir => long_project(4) }, 'run');
sleep 3;
kill 'KILL', $w;
waitpid $w, 0;
spawn_worker('w2', slots => 2);
my ($rc, $out, $err) = cli_end($h, 60);
is($rc, 0, 'exit 0') or diag("$out$err");
like($out, qr/All 1 test passed/, 'the verdict');

=== deployment shapes: the API under a location prefix, over https with a certificate of its own, an http_proxy in the environment
--- setup
my $conf = servroot() . '/conf';
system("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
       . " -addext subjectAltName=IP:127.0.0.1 -keyout $conf/judge.key"
       . " -out $conf/judge.crt 2>/dev/null") == 0
    or die 'openssl failed';
--- http_config eval: $::Http
--- config
    listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_SERVROOT/conf/judge.crt;
    ssl_certificate_key $TEST_NGINX_SERVROOT/conf/judge.key;
    location /judge/ { judge_api; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
--- timeout: 90
--- perl
spawn_worker('w1', slots => 2);
my ($c) = admin_json(PUT => '/problems/sum', \%::Sum);
is($c, 201, 'the problem is stored');
my $base = 'http://127.0.0.1:' . nginx_port() . '/judge';
ok(wait_until(sub {
    my ($rc, $out) = judge_cli({ env => { JUDGE_SERVER => $base } },
                               'languages');
    $out =~ /^python/m }, 20), 'languages under /judge');
my $dir = project('main.py' => $::Right);
my ($rc, $out, $err) = judge_cli({ dir => $dir,
                                   env => { JUDGE_SERVER => "$base/" } },
                                 'run', 'sum', '--source', 'main.py');
is($rc, 0, 'judge run under /judge/ (a trailing slash): exit 0')
    or diag("$out$err");
like($out, qr/All 5 tests passed/, 'every test, followed live');
my ($id) = $out =~ /^submission (\w+)$/m;
($rc, $out) = judge_cli({ env => { JUDGE_SERVER => $base } }, 'status', $id);
is($rc, 0, 'status under /judge: exit 0');

my $tls = "https://127.0.0.1:$ENV{TEST_NGINX_TLS_PORT}/judge";
($rc, $out, $err) = judge_cli({ env => { JUDGE_SERVER => $tls } },
                              'languages');
is($rc, 3, 'https with a certificate no CA of this machine signed: exit 3');
like($err, qr/^judge: cannot reach \Q$tls\E: .*certificate.*; to trust the judge's CA: CURL_CA_BUNDLE=/m,
     'saying the certificate is not trusted, and how to trust its CA')
    or diag($err);
($rc, $out, $err) = judge_cli({ env => { JUDGE_SERVER => $tls,
                                         CURL_CA_BUNDLE => servroot()
                                             . '/conf/judge.crt' } },
                              'languages');
is($rc, 0, 'CURL_CA_BUNDLE naming the CA: exit 0') or diag($err);
like($out, qr/^python/m, 'the languages, over https');

$dir = project('big.py' => $::Right . ('#' . ('x' x 1023) . "\n") x 1536,
               'in' => "1 2\n", 'out' => "3\n");
($rc, $out, $err) = judge_cli({ dir => $dir,
                                env => { JUDGE_SERVER => $base } },
                              'submit', 'big.py', '--input', 'in',
                              '--expected', 'out');
is($rc, 3, 'a body above client_max_body_size: exit 3');
like($err, qr/^judge: POST \/submissions: the answer is not JSON but a page: 413 Request Entity Too Large \(HTTP 413\)$/m,
     'saying what nginx\'s own page says') or diag($err);

my $dead = 'http://127.0.0.1:' . free_port();
for my $var (qw(http_proxy HTTPS_PROXY ALL_PROXY)) {
    ($rc, $out, $err) = judge_cli({ env => { JUDGE_SERVER => $base,
                                             $var => $dead } },
                                  'languages');
    is($rc, 0, "$var set, NO_PROXY not: a judge on 127.0.0.1 is reached "
               . 'directly') or diag($err);
}
($rc, $out, $err) = judge_cli({ env => { JUDGE_SERVER => $base,
                                         http_proxy => $dead,
                                         NO_PROXY => 'example.invalid' } },
                              'languages');
is($rc, 3, 'NO_PROXY set without it: through the proxy, as asked, which '
           . 'cannot be reached') or diag($err);

=== volume: a 1 MB source, a test of 16 MB input, judge exec writing 10 MB, judge status of 1,000 tests
--- http_config eval: $::Http
--- config
    client_max_body_size 48m;
    client_body_buffer_size 48m;
    location / {
        judge_api;
        judge_max_body_size 40m;
        judge_max_source_size 2m;
        judge_max_frame_size 64m;
        judge_output_limit 16m 64m;
        judge_max_capture 16m;
    }
    location /small/ { judge_api; judge_max_capture 16k; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
--- timeout: 300
--- perl
spawn_worker('w1', slots => 2, args => ['--max-frame', '64m']);
my ($c) = admin_json(PUT => '/problems/sum', \%::Sum);
is($c, 201, 'the problem is stored');
ok(wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20),
   'a worker taking frames of 64 MB is up');

my $big = $::Right . ('#' . ('x' x 1023) . "\n") x 1024;
my $dir = project('main.py' => $big);
my ($rc, $out, $err) = judge_cli({ dir => $dir }, 'run', 'sum',
                                 '--source', 'main.py');
is($rc, 0, 'a 1 MB source: exit 0') or diag("$out$err");
like($out, qr/All 5 tests passed/, 'judged');

$dir = project('count.py' => "import sys\n"
                             . "print(len(sys.stdin.buffer.read()))\n",
               'tests/big.in' => "0123456789abcde\n" x (1 << 20),
               'tests/big.out' => (16 << 20) . "\n");
($rc, $out, $err) = judge_cli({ dir => $dir, timeout => 120 }, 'submit',
                              'count.py', '--tests', 'tests');
is($rc, 0, 'a test of 16 MB input: exit 0') or diag("$out$err");
like($out, qr/All 1 test passed/, 'judged');

my $lines = 1_310_720;
$dir = project('many.py' => "import sys\nw = sys.stdout.write\n"
                            . "for i in range($lines):\n"
                            . "    w('%07d\\n' % i)\n");
my $t0 = time;
($rc, $out, $err) = judge_cli({ dir => $dir, timeout => 120 }, 'exec',
                              'many.py');
my $took = time - $t0;
is($rc, 0, 'judge exec writing 10 MB: exit 0') or diag($err);
is(length $out, 8 * $lines, 'every byte arrived');
ok($out eq join('', map { sprintf "%07d\n", $_ } 0 .. $lines - 1),
   'in order, once');
ok($took < 30, sprintf 'in reasonable time (%.1f s)', $took);

my @tests = map { { id => "t$_", input => "$_ $_\n",
                    expected_output => 2 * $_ . "\n" } } 1 .. 1000;
my $r = http_request(POST => '/small/submissions?wait=true',
                     encode_json({ language => 'python', source => $::Right,
                                   tests => \@tests }),
                     ['Content-Type: application/json'], 240);
my $s = eval { decode_json($r->content) };
is($s->{verdict}, 'AC', '1,000 tests judged') or diag(encode_json($s // {}));
$t0 = time;
($rc, $out, $err) = judge_cli({ env => { JUDGE_SERVER => 'http://127.0.0.1:'
                                         . nginx_port() . '/small' } },
                              'status', $s->{id});
$took = time - $t0;
is($rc, 0, 'judge status of 1,000 tests: exit 0') or diag($err);
is(() = $out =~ /^[|`]- \+ t\d+ /mg, 1000, 'each test a line')
    or diag(substr($out, 0, 300));
like($out, qr/All 1000 tests passed/, 'the outcome');
ok($took < 5, sprintf 'at once (%.2f s)', $took);

=== judge exec while its worker dies: the run starts over on another worker, and its output is not shown twice
--- http_config eval: $::Http . "    judge_wall_time_limit 10s 30s;\n"
--- config eval: $::Config
--- timeout: 90
--- perl
my $w = spawn_worker('w1', slots => 2);
ok(wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20),
   'a worker is up');
my $dir = project('slow.py' => "import time\nfor i in range(10):\n"
                               . "    print(i, flush=True)\n"
                               . "    time.sleep(0.4)\n");
my $h = cli_start({ dir => $dir }, 'exec', 'slow.py');
ok(wait_until(sub { (-s $h->{out} // 0) >= 4 }, 20),
   'the first lines are out');
kill 'KILL', $w;
waitpid $w, 0;
spawn_worker('w2', slots => 2);
my ($rc, $out, $err) = cli_end($h, 60);
is($rc, 0, 'exit 0') or diag($err);
is($out, join('', map { "$_\n" } 0 .. 9), 'each line once, in order');
like($err, qr/^judge: the run started over on another worker \(attempt 2\)/m,
     'saying the run started over');

=== two frontends on one Redis: the frontend followed stopped and started again, judge run still gets the verdict
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http . "judge_redis 127.0.0.1:\$TEST_NGINX_REDIS_PORT;\n"
--- config eval: $::Config
--- timeout: 90
--- perl
my ($port2) = spawn_frontend('b');
start_long();
my $h = cli_start({ dir => long_project(6) }, 'run');
sleep 3;
kill 'TERM', Test::Judge::Nginx::slurp(servroot() . '/logs/nginx.pid') + 0;
ok(wait_until(sub { !-e servroot() . '/logs/nginx.pid' }, 10), 'nginx stopped');
sleep 1;
ok(Test::Judge::Nginx::start_nginx(), 'and started again');
my ($rc, $out, $err) = cli_end($h, 60);
is($rc, 0, 'exit 0') or diag("$out$err");
like($out, qr/All 1 test passed/, 'the verdict');
like($err, qr/^judge: following \w+: .*; waiting for its end$/m,
     'its stream broke, and its end was waited for');

=== a submission longer than a minute (past judge_wait_timeout, past any request timeout): judge run follows it to the end
--- http_config eval: $::Http . "judge_wall_time_limit 10s 30s; judge_cpu_time_limit 1s 10s;\n"
--- config eval: $::Config
--- timeout: 180
--- perl
spawn_worker('w1', slots => 1);
my %slow = (title => 'Slow', stages => [ { name => 'all', number => 1,
    tests => [ map { { name => "t$_", stdin => "1 2\n",
                       expected_output => "3\n", timeout_seconds => 10 } }
               1 .. 8 ] } ]);
my ($c) = admin_json(PUT => '/problems/slow', \%slow);
is($c, 201, 'the problem is stored');
ok(wait_until(sub {
    ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20),
   'a worker of one slot is up');
my $dir = project('main.py' => sprintf($::Slow, 9));
my $t0 = time;
my $h = cli_start({ dir => $dir }, 'run', 'slow', '--source', 'main.py',
                  '--language', 'python');
my ($rc, $out, $err) = cli_end($h, 150);
my $took = time - $t0;
is($rc, 0, 'exit 0') or diag("$out$err");
like($out, qr/All 8 tests passed/, 'the verdict');
unlike($err, qr/stream broke/, 'the stream held throughout');
cmp_ok($took, '>', 60, sprintf('after %.0f s', $took));
