# End to end with the real thing: nginx with the module, real judge-worker
# processes, the real sandbox.  Each block submits programs and checks the
# verdicts; languages whose toolchain is missing on this host are skipped.

use Test::Judge::Nginx;
use JSON::PP;

our $Http = <<'CONF';
    judge_zone judge:32m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

our $Config = <<'CONF';
    client_max_body_size 16m;
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
CONF

our %Pid;

sub start_workers {
    my ($n, %o) = @_;
    for my $i (1 .. $n) {
        $Pid{"w$i"} = spawn_worker("w$i", slots => $o{slots} // 2);
    }
    return wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == $n }, 20);
}

sub have {
    my $lang = shift;
    my ($c) = http_json(GET => "/languages/$lang");
    return $c == 200;
}

sub judge {
    my ($body) = @_;
    my ($code, $r) = http_json(POST => '/submissions?wait=true', $body);
    return $r // { status => "HTTP $code" };
}

sub verdict_is {
    my ($lang, $source, $tests, $want, $name, %extra) = @_;
    SKIP: {
        skip "$lang is not installed here", 1 unless have($lang);
        my $r = judge({language => $lang, source => $source, tests => $tests, %extra});
        is($r->{verdict}, $want, "$lang: $name")
            or diag(JSON::PP->new->canonical->pretty->encode($r));
        return $r;
    }
}

run_tests();

__DATA__

=== every language present judges AC and WA
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'worker up');
my @sum = ({input => "1 2\n", expected_output => "3\n"},
           {input => "20 22\n", expected_output => "42\n"});
my %src = (
    c => "#include <stdio.h>\nint main(){long a,b;scanf(\"%ld %ld\",&a,&b);printf(\"%ld\\n\",a+b);return 0;}",
    cpp => "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b<<\"\\n\";}",
    python => "print(sum(map(int, input().split())))",
    javascript => "const [a,b]=require('fs').readFileSync(0,'utf8').trim().split(/\\s+/).map(Number);console.log(a+b);",
    java => "import java.util.*;\npublic class Main{public static void main(String[] x){Scanner s=new Scanner(System.in);long a=s.nextLong(),b=s.nextLong();System.out.println(a+b);}}",
    bash => "read a b; echo \$((a+b))",
);
for my $lang (sort keys %src) {
    my $r = verdict_is($lang, $src{$lang}, \@sum, 'AC', 'sum of two numbers');
    next unless $r;
    is($r->{passed}, 2, "$lang: both passed");
    verdict_is($lang, $src{$lang}, [{input => "1 1\n", expected_output => "3\n"}],
               'WA', 'wrong answer');
}


=== hostile and broken programs get the right verdict
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'worker up');
my $t = [{input => '', expected_output => "x\n"}];
verdict_is('cpp', 'int main(){for(;;);}', $t, 'TLE', 'infinite loop',
           limits => {cpu_time_ms => 500});
verdict_is('cpp', "#include <vector>\n#include <cstdio>\nint main(){std::vector<char> v(1<<30,1);printf(\"%d\",v[12345]);}",
           $t, 'MLE', 'memory bomb', limits => {memory_kb => 65536});
verdict_is('cpp', "#include <cstdio>\nint main(){for(;;)puts(\"flood flood flood\");}",
           $t, 'OLE', 'output flood', limits => {output_kb => 64});
verdict_is('cpp', 'int main(){volatile int*p=0;*p=1;}', $t, 'RE', 'segfault');
my $r = verdict_is('c', "int main(){return 3;}", $t, 'RE', 'non-zero exit');
is($r->{tests}[0]{exit_code}, 3, 'exit code kept') if $r;
verdict_is('cpp', "#include <unistd.h>\nint main(){sleep(100);}", $t, 'WLE', 'sleeping forever',
           limits => {wall_time_ms => 1000});
$r = verdict_is('cpp', 'int main(){ this is not C++ }', $t, 'CE', 'compile error');
like($r->{compile}{output}, qr/error/, 'compiler output kept') if $r;
verdict_is('python', "raise SystemExit(2)", $t, 'RE', 'python exit 2');
verdict_is('python', "while True: pass", $t, 'TLE', 'python loop',
           limits => {cpu_time_ms => 500});
verdict_is('cpp', "#include <sys/socket.h>\n#include <cstdio>\nint main(){int s=socket(AF_NETLINK,SOCK_RAW,0);printf(\"%d\\n\",s);}",
           $t, 'SV', 'opening a netlink socket');
verdict_is('cpp', "#include <sys/socket.h>\n#include <cstdio>\nint main(){int s=socket(AF_INET,SOCK_STREAM,0);printf(\"%d\\n\",s);}",
           [{input => '', expected_output => "-1\n"}], 'AC', 'a TCP socket cannot be had');


=== checkers and assertions
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'worker up');
verdict_is('python', 'print("1  2\n3")', [{input => '', expected_output => "1 2 3"}],
           'AC', 'tokens', checker => {type => 'tokens'});
verdict_is('python', 'print("1 2 3")', [{input => '', expected_output => "1 2 3"}],
           'AC', 'default checker ignores the trailing newline');
verdict_is('python', 'print("1 2 3 ")', [{input => '', expected_output => "1 2 3\n"}],
           'WA', 'exact checker sees a trailing space', checker => {type => 'exact'});
verdict_is('python', 'print(3.14159)', [{input => '', expected_output => "3.1416"}],
           'AC', 'float within tolerance', checker => {type => 'float', abs_tolerance => 0.001});
verdict_is('python', 'print(3.2)', [{input => '', expected_output => "3.1416"}],
           'WA', 'float outside tolerance', checker => {type => 'float', abs_tolerance => 0.001});
verdict_is('python', 'print("hello world")',
           [{input => '', assertions => [{stdoutContains => 'world'}, {exitCode => 0}]}],
           'AC', 'assertions hold');
verdict_is('python', 'import sys; print("x"); sys.exit(4)',
           [{input => '', assertions => [{exitCode => 4}]}], 'AC', 'an expected exit code');
my $r = verdict_is('python', 'import sys; sys.stdout.buffer.write(b"ok\xff\xfe\x00\x01 \xc3\xa9\n")',
                   [{input => '', expected_output => 'x'}], 'WA', 'binary output');
is($r->{tests}[0]{stdout}, "ok\x{fffd}\x{fffd}\x{0}\x{1} \x{e9}\n",
   'binary output comes back as valid JSON: bad bytes as U+FFFD') if $r;
$r = verdict_is('python', 'print("y" * 100000)', [{input => '', expected_output => 'x'}],
                'WA', 'long output');
ok($r->{tests}[0]{stdout_truncated}, 'long output is cut and says so') if $r;


=== two hundred tests spread over two workers; identical resubmission is cached
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_workers(2), 'two workers');
my @tests = map { {id => "t$_", input => "$_\n", expected_output => ($_ * 2) . "\n"} } 1 .. 200;
my $src = "#include <cstdio>\nint main(){int x;scanf(\"%d\",&x);printf(\"%d\\n\",2*x);}";
my $r = judge({language => 'cpp', source => $src, tests => \@tests});
is($r->{verdict}, 'AC', 'AC');
is($r->{passed}, 200, 'two hundred passed');
is(scalar(@{ $r->{tests} }), 200, 'each reported once');
my %by = map { $_->{worker} => 1 } @{ $r->{tests} };
is(join(',', sort keys %by), 'w1,w2', 'both workers ran tests');
is($r->{compile}{cached}, JSON::PP::false, 'compiled');
my $again = judge({language => 'cpp', source => $src, tests => [@tests[0 .. 4]]});
is($again->{compile}{cached}, JSON::PP::true, 'resubmission uses the cache');
is($again->{verdict}, 'AC', 'and is judged');


=== a worker killed in the middle: the submission still completes, each test once
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- allow_alerts
--- perl
ok(start_workers(2, slots => 1), 'two workers');
my @tests = map { {id => "t$_", input => "$_\n", expected_output => "$_\n"} } 1 .. 60;
my ($code, $sub) = http_json(POST => '/submissions', {language => 'python',
    source => "import time\nx=input()\ntime.sleep(0.05)\nprint(x)", tests => \@tests});
is($code, 202, 'accepted');
ok(wait_until(sub { my (undef, $s) = http_json(GET => "/submissions/$sub->{id}");
                    @{ $s->{tests} // [] } >= 5 }, 30), 'tests are being judged');
my (undef, $w) = admin_json(GET => '/workers');
my ($victim) = grep { $_->{id} eq 'w1' } @{ $w->{workers} };
ok($victim, 'w1 is there');
kill 'KILL', $::Pid{w1};
my $r;
ok(wait_until(sub { (undef, $r) = http_json(GET => "/submissions/$sub->{id}");
                    $r->{status} ne 'RUNNING' }, 60), 'finished');
is($r->{status}, 'COMPLETED', 'completed');
is($r->{verdict}, 'AC', 'AC');
is(scalar(@{ $r->{tests} }), 60, 'sixty results');
my %seen;
$seen{ $_->{id} }++ for @{ $r->{tests} };
is(scalar(grep { $_ != 1 } values %seen), 0, 'each test once');


=== custom checkers (testlib convention) and stop_on_first_failure
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_workers(1), 'worker up');
# accepts any output whose number is within 1 of the answer
my $checker = join "\n",
    'import sys',
    'inp, out, ans = (open(f).read() for f in sys.argv[1:4])',
    'try:',
    '    ok = abs(int(out.split()[0]) - int(ans.split()[0])) <= 1',
    'except Exception:',
    '    ok = False',
    'sys.stderr.write("close enough" if ok else "too far")',
    'sys.exit(0 if ok else 1)';
my $r = verdict_is('python', 'print(int(input()) + 1)',
    [{input => "5\n", expected_output => "5\n"}, {input => "5\n", expected_output => "9\n"}],
    'WA', 'custom checker', checker => {type => 'custom', language => 'python', source => $checker});
if ($r) {
    is($r->{tests}[0]{verdict}, 'AC', 'within one: AC');
    is($r->{tests}[0]{checker_message}, 'close enough', "the checker's words");
    is($r->{tests}[1]{checker_message}, 'too far', 'and for WA');
}
$r = verdict_is('python', 'print(int(input()) * 2)',
    [map { {input => "$_\n", expected_output => ($_ == 2 ? "0" : 2 * $_) . "\n"} } 1 .. 6],
    'WA', 'stop at the first failure', stop_on_first_failure => JSON::PP::true);
if ($r) {
    is($r->{passed}, 1, 'the test before the failure passed');
    ok(@{ $r->{tests} } < 6, 'the rest was not run');
}
