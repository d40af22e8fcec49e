# The Judge0 CE dialect (docs/DIALECTS.md) through a real nginx, real
# judge-worker processes and the real sandbox: submissions with and
# without wait, Base64 in and out, fields, every status a program can
# earn, the limits in Judge0's names and units and their maxima, what is
# refused with 422, batches, cancelling, the languages table, statuses,
# about, version and config_info, and the errors of each.

use Test::Judge::Nginx;
use JSON::PP;
use MIME::Base64 qw(encode_base64 decode_base64);

our $Http = <<'CONF';
    judge_zone judge:32m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

# the limits of the Judge0 location: defaults and maxima, which
# /config_info gives back in Judge0's units
our $Config = <<'CONF';
    client_max_body_size 1m;
    location /judge0/ {
        judge_api judge0 languages=$TEST_NGINX_REPO/conf/judge0_languages.conf;
        judge_cpu_time_limit 2s 5s;
        judge_wall_time_limit 5s 10s;
        judge_memory_limit 128m 512m;
        judge_output_limit 1m 4m;
        judge_stack_limit 64m 256m;
        judge_processes_limit 1 64;
    }
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

sub start_worker {
    spawn_worker('w1', slots => 2);
    return wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20);
}

sub j0 {
    my ($method, $path, @rest) = @_;
    return http_json($method, "/judge0$path", @rest);
}

# The table of conf/judge0_languages.conf: [id, language, archived] a line.
sub judge0_table {
    my $file = repo_root() . '/conf/judge0_languages.conf';
    open my $fh, '<', $file or die "$file: $!";
    my @t;
    while (my $line = <$fh>) {
        $line =~ s/#.*//;
        my ($id, $lang, $flag) = split ' ', $line;
        next unless defined $lang;
        push @t, [$id, $lang, ($flag // '') eq 'archived' ? 1 : 0];
    }
    return @t;
}

# the Judge0 id of a language: its first id not archived
sub id_of {
    my $lang = shift;
    my ($row) = grep { $_->[1] eq $lang && !$_->[2] } judge0_table();
    die "no Judge0 id for $lang in conf/judge0_languages.conf" unless $row;
    return $row->[0];
}

# POST ?wait=true, the submission as answered (fields=* unless given)
sub run0 {
    my ($body, $query) = @_;
    $query //= 'fields=*';
    my ($c, $s) = j0(POST => "/submissions?wait=true&$query", $body);
    return ($c, $s // {});
}

sub status_is {
    my ($s, $id, $name) = @_;
    is(($s->{status} // {})->{id}, $id, "$name: status $id")
        or diag(show($s));
}

# GET the submission until it has ended (status id above 2)
sub poll {
    my ($token, $query) = @_;
    my $s;
    wait_until(sub {
        (undef, $s) = j0(GET => "/submissions/$token" . ($query // ''));
        $s && $s->{status} && $s->{status}{id} > 2;
    }, 30);
    return $s;
}

sub show {
    return JSON::PP->new->canonical->allow_nonref->encode(shift);
}

sub keys_are {
    my ($h, $want, $name) = @_;
    is(join(',', sort keys %{ $h // {} }), join(',', sort @$want), $name);
}

run_tests();

__DATA__

=== submissions: 201 and a token, polled to the end; wait=true; fields; Base64
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_worker(), 'worker up');
my $py = id_of('python');

my ($c, $s) = j0(POST => '/submissions',
                 {source_code => "print(input())", language_id => $py, stdin => "hello"});
is($c, 201, 'POST without wait: 201');
keys_are($s, ['token'], 'only the token');
like($s->{token} // '', qr/^\S+$/, 'a token');
my $token = $s->{token};
$s = poll($token);
status_is($s, 3, 'polled to the end');
is($s->{status}{description}, 'Accepted', 'Accepted');
is($s->{stdout}, "hello\n", 'stdout');
keys_are($s, [qw(token stdout stderr compile_output message status time memory)],
         "the default fields are Judge0's");
is($s->{token}, $token, 'its token');
like($s->{time}, qr/^\d+(\.\d+)?$/, 'time in seconds as a string');
my (undef, undef, $raw) = j0(GET => "/submissions/$token");
like($raw->content, qr/"time"\s*:\s*"/, 'time is a JSON string');
like($s->{memory}, qr/^\d+$/, 'memory in KB');

($c, $s) = j0(GET => "/submissions/$token?fields=status,stdout");
is($c, 200, 'fields named');
keys_are($s, [qw(status stdout)], 'only the named fields');

($c, $s) = j0(GET => "/submissions/$token?fields=*");
is($c, 200, 'fields=*');
for my $k (qw(token status stdout stderr compile_output message time wall_time
              memory exit_code exit_signal language_id created_at finished_at
              source_code stdin expected_output)) {
    ok(exists $s->{$k}, "fields=* has $k");
}
is($s->{language_id}, $py, 'language_id');
is($s->{exit_code}, 0, 'exit_code 0');
is($s->{source_code}, undef, 'source_code is null read back');
is($s->{stdin}, undef, 'stdin is null read back');
like($s->{wall_time}, qr/^\d+(\.\d+)?$/, 'wall_time in seconds');
like($s->{created_at} // '', qr/^\d{4}-\d\d-\d\dT/, 'created_at');
like($s->{finished_at} // '', qr/^\d{4}-\d\d-\d\dT/, 'finished_at');

($c, $s) = j0(GET => "/submissions/$token?fields=status,nonsense");
is($c, 400, 'an unknown field: 400');
ok(defined $s->{error}, 'with an error');

# wait=true: 201 with the submission itself, the request's own fields
($c, $s) = run0({source_code => "print(input()[::-1])", language_id => $py,
                 stdin => "abc", expected_output => "cba"});
is($c, 201, 'POST wait=true: 201');
status_is($s, 3, 'wait=true');
is($s->{stdout}, "cba\n", 'stdout');
is($s->{source_code}, "print(input()[::-1])", 'source_code in the answer to the POST');
is($s->{stdin}, 'abc', 'stdin in the answer to the POST');
is($s->{expected_output}, 'cba', 'expected_output in the answer to the POST');
is($s->{cpu_time_limit}, undef, 'a limit left out: null');

($c, $s) = run0({source_code => 'print(1)', language_id => $py,
                 cpu_time_limit => 0.3, memory_limit => 65536});
ok(($s->{cpu_time_limit} // 0) == 0.3, 'cpu_time_limit in the answer to the POST');
is($s->{memory_limit}, 65536, 'memory_limit in the answer to the POST');
($c, $s) = j0(GET => "/submissions/$s->{token}?fields=*");
is($s->{cpu_time_limit}, undef, 'null read back');
like($s->{token} // '', qr/^\S+$/, 'and a token');

($c, $s) = j0(POST => '/submissions?wait=true',
              {source_code => "print(1)", language_id => $py});
is($c, 201, 'wait=true with the default fields');
keys_are($s, [qw(token stdout stderr compile_output message status time memory)],
         'the default fields');

# Base64 in and out
($c, $s) = run0({source_code => encode_base64("print(input()[::-1])\n", ''),
                 stdin => encode_base64('abc', ''),
                 expected_output => encode_base64("cba\n", ''),
                 language_id => $py}, 'base64_encoded=true&fields=*');
is($c, 201, 'base64_encoded=true');
status_is($s, 3, 'decoded source, stdin and expected_output');
is($s->{stdout}, encode_base64("cba\n", ''), 'stdout encoded');
$token = $s->{token};
($c, $s) = j0(GET => "/submissions/$token");
is($s->{stdout}, "cba\n", 'read back without base64_encoded: plain');
($c, $s) = j0(GET => "/submissions/$token?base64_encoded=true");
is($s->{stdout}, encode_base64("cba\n", ''), 'read back with base64_encoded=true');

($c, $s) = run0({source_code => encode_base64("import sys; print('to err', file=sys.stderr); raise SystemExit(1)", ''),
                 language_id => $py}, 'base64_encoded=true&fields=*');
is(decode_base64($s->{stderr} // ''), "to err\n", 'stderr encoded');

($c, $s) = run0({source_code => encode_base64("int main( { }", ''),
                 language_id => id_of('c')}, 'base64_encoded=true');
status_is($s, 6, 'a compile error in Base64');
like(decode_base64($s->{compile_output} // ''), qr/error/, 'compile_output encoded');

($c, $s) = j0(POST => '/submissions?base64_encoded=true&wait=true',
              {source_code => '!!! not base64 !!!', language_id => $py});
is($c, 400, 'bad Base64: 400');
ok(defined $s->{error}, 'with an error');

# output that is not UTF-8: bad bytes become U+FFFD, either way
($c, $s) = run0({source_code => 'import sys; sys.stdout.buffer.write(b"a\xffb\n")',
                 language_id => $py});
is($s->{stdout}, "a\x{fffd}b\n", 'invalid UTF-8 as U+FFFD');
($c, $s) = j0(GET => "/submissions/$s->{token}?base64_encoded=true");
is(decode_base64($s->{stdout} // ''), "a\xef\xbf\xbdb\n",
   'and in Base64 the UTF-8 of U+FFFD');

($c, $s) = j0(GET => '/submissions/no-such-token');
is($c, 404, 'an unknown token: 404');
ok(defined $s->{error}, 'with an error');


=== statuses: AC, WA, TLE, CE, the runtime errors, memory and output limits
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_worker(), 'worker up');
my ($py, $cl) = (id_of('python'), id_of('c'));
my ($c, $s);

($c, $s) = run0({source_code => 'print(input())', language_id => $py,
                 stdin => 'same', expected_output => "same  \n\n"});
status_is($s, 3, 'AC: trailing white space ignored');
($c, $s) = run0({source_code => 'print(input())', language_id => $py,
                 stdin => 'same', expected_output => 'other'});
status_is($s, 4, 'WA');
is($s->{status}{description}, 'Wrong Answer', 'Wrong Answer');
is($s->{stdout}, "same\n", 'the output is shown');

($c, $s) = run0({source_code => 'int main(void){for(;;);}', language_id => $cl,
                 cpu_time_limit => 0.5});
status_is($s, 5, 'TLE: an infinite loop');
is($s->{status}{description}, 'Time Limit Exceeded', 'Time Limit Exceeded');
($c, $s) = run0({source_code => "#include <unistd.h>\nint main(void){sleep(100);return 0;}",
                 language_id => $cl, wall_time_limit => 1});
status_is($s, 5, 'TLE: over the wall time');

($c, $s) = run0({source_code => 'int main(void) { this is not C }', language_id => $cl});
status_is($s, 6, 'CE');
like($s->{compile_output} // '', qr/error/, "compile_output has the compiler's message");
is($s->{stdout}, undef, 'no stdout');

($c, $s) = run0({source_code => 'int main(void){volatile int *p = 0; *p = 1; return 0;}',
                 language_id => $cl});
status_is($s, 7, 'SIGSEGV');
is($s->{exit_signal}, 11, 'exit_signal 11');
is($s->{status}{description}, 'Runtime Error (SIGSEGV)', 'its description');

($c, $s) = run0({source_code => "#include <stdio.h>\nint main(void){int a, b; if (scanf(\"%d %d\", &a, &b) != 2) return 1; printf(\"%d\\n\", a / b); return 0;}",
                 language_id => $cl, stdin => "1 0\n"});
status_is($s, 9, 'SIGFPE: integer division by zero');
is($s->{exit_signal}, 8, 'exit_signal 8');

($c, $s) = run0({source_code => "#include <stdlib.h>\nint main(void){abort();}",
                 language_id => $cl});
status_is($s, 10, 'SIGABRT');
is($s->{exit_signal}, 6, 'exit_signal 6');

($c, $s) = run0({source_code => 'int main(void){return 3;}', language_id => $cl});
status_is($s, 11, 'NZEC');
is($s->{exit_code}, 3, 'exit_code 3');
is($s->{status}{description}, 'Runtime Error (NZEC)', 'its description');

($c, $s) = run0({source_code => "#include <vector>\n#include <cstdio>\nint main(){std::vector<char> v(1 << 30, 1); std::printf(\"%d\\n\", v[12345]); return 0;}",
                 language_id => id_of('cpp'), memory_limit => 65536});
status_is($s, 12, 'a memory bomb');
is($s->{message}, 'Memory limit exceeded', 'Memory limit exceeded');

($c, $s) = run0({source_code => "#include <stdio.h>\nint main(void){for (int i = 0; i < 100000; i++) puts(\"flood flood flood\"); return 0;}",
                 language_id => $cl, max_file_size => 16});
status_is($s, 8, 'over max_file_size: SIGXFSZ');

($c, $s) = run0({source_code => "#include <sys/socket.h>\n#include <stdio.h>\nint main(void){int s = socket(AF_NETLINK, SOCK_RAW, 0); printf(\"%d\\n\", s); return 0;}",
                 language_id => $cl});
status_is($s, 12, 'a forbidden system call');


=== limits: in Judge0's units, as strings, over the maxima; what is refused
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_worker(), 'worker up');
my ($py, $cl) = (id_of('python'), id_of('c'));
my ($c, $s);

# a recursion of about 1 KB a frame, as deep as stdin says
my $deep = "#include <stdio.h>\nstatic int f(int n){volatile char b[1024]; b[0] = (char)n; if (n == 0) return 0; return f(n - 1) + (b[0] & 1);}\nint main(void){int n; if (scanf(\"%d\", &n) != 1) return 1; printf(\"%d\\n\", f(n) >= 0); return 0;}";
($c, $s) = run0({source_code => $deep, language_id => $cl, stdin => '30000',
                 stack_limit => 65536, memory_limit => 262144});
status_is($s, 3, 'stack_limit 64 MB: 30 MB of stack is fine');
($c, $s) = run0({source_code => $deep, language_id => $cl, stdin => '30000',
                 stack_limit => 4096});
status_is($s, 7, 'stack_limit 4 MB: the same overflows');

# forks children that stay, counts those it got
my $forks = "#include <stdio.h>\n#include <unistd.h>\nint main(void){int n = 0; for (int i = 0; i < 8; i++) { pid_t p = fork(); if (p == 0) { for (;;) pause(); } if (p > 0) n++; } printf(\"%d\\n\", n); return 0;}";
($c, $s) = run0({source_code => $forks, language_id => $cl,
                 max_processes_and_or_threads => 1});
status_is($s, 3, 'one process');
is($s->{stdout}, "0\n", 'max_processes_and_or_threads 1: no fork');
($c, $s) = run0({source_code => $forks, language_id => $cl,
                 max_processes_and_or_threads => 4});
like($s->{stdout} // '', qr/^[1-3]\n$/, 'max_processes_and_or_threads 4: some forks, fewer than 4');

($c, $s) = run0({source_code => 'print(1)', language_id => "$py",
                 cpu_time_limit => '1.5', wall_time_limit => '3',
                 memory_limit => '131072', stack_limit => '65536',
                 max_file_size => '1024', max_processes_and_or_threads => '2'});
is($c, 201, 'numbers as strings');
status_is($s, 3, 'numbers as strings');

($c, $s) = run0({source_code => 'print(1)', language_id => $py,
                 cpu_extra_time => 0.5, number_of_runs => 3,
                 enable_per_process_and_thread_time_limit => JSON::PP::false,
                 enable_per_process_and_thread_memory_limit => JSON::PP::true,
                 enable_network => JSON::PP::false, some_unknown_field => 1});
status_is($s, 3, 'the fields Judge0 has and ngx_judge does not use are accepted');

for my $over ([cpu_time_limit => 6], [wall_time_limit => 11],
              [memory_limit => 600000], [stack_limit => 300000],
              [max_file_size => 5000], [max_processes_and_or_threads => 100]) {
    ($c, $s) = j0(POST => '/submissions',
                  {source_code => 'print(1)', language_id => $py, @$over});
    is($c, 422, "$over->[0] above the location's maximum: 422");
    ok(ref(($s // {})->{$over->[0]}) eq 'ARRAY', "keyed by $over->[0]")
        or diag(show($s));
}

($c, $s) = j0(POST => '/submissions', {source_code => 'print(1)', language_id => 999});
is($c, 422, 'an unknown language_id: 422');
ok(ref(($s // {})->{language_id}) eq 'ARRAY' && @{ $s->{language_id} }, '{"language_id": [...]}')
    or diag(show($s));
like(($s->{language_id} // [''])->[0], qr/999/, 'naming it');
($c, $s) = j0(POST => '/submissions', {source_code => 'print(1)'});
is($c, 422, 'no language_id: 422');
ok(ref(($s // {})->{language_id}) eq 'ARRAY', 'keyed by language_id');

for my $no ([callback_url => 'http://127.0.0.1:1/cb'],
            [additional_files => encode_base64('PK', '')],
            [enable_network => JSON::PP::true]) {
    ($c, $s) = j0(POST => '/submissions',
                  {source_code => 'print(1)', language_id => $py, @$no});
    is($c, 422, "$no->[0]: 422");
    ok(ref(($s // {})->{$no->[0]}) eq 'ARRAY', "keyed by $no->[0]")
        or diag(show($s));
}

($c, $s) = run0({source_code => "#include <stdio.h>\nint main(void){printf(\"%d\\n\", ANSWER);return 0;}",
                 language_id => $cl, compiler_options => '-O0 -DANSWER=42'});
status_is($s, 3, 'allowed compiler_options');
is($s->{stdout}, "42\n", 'the flags reach the compiler');
($c, $s) = j0(POST => '/submissions',
              {source_code => 'int main(void){return 0;}', language_id => $cl,
               compiler_options => '-O2 -fplugin=/tmp/x.so'});
is($c, 422, 'a flag the language does not allow: 422');
ok(ref(($s // {})->{compiler_options}) eq 'ARRAY', 'keyed by compiler_options')
    or diag(show($s));

($c, $s) = run0({source_code => "import sys\nfor a in sys.argv[1:]:\n    print(a)",
                 language_id => $py,
                 command_line_arguments => q{'hello world' "a b" c\ d plain}});
status_is($s, 3, 'command_line_arguments');
is($s->{stdout}, "hello world\na b\nc d\nplain\n", 'split as a shell would');

my $both = "import sys\nprint('out')\nsys.stdout.flush()\nprint('err', file=sys.stderr)";
($c, $s) = run0({source_code => $both, language_id => $py});
is($s->{stdout}, "out\n", 'stdout alone');
is($s->{stderr}, "err\n", 'stderr alone');
($c, $s) = run0({source_code => $both, language_id => $py,
                 redirect_stderr_to_stdout => JSON::PP::true});
is($s->{stdout}, "out\nerr\n", 'redirect_stderr_to_stdout: stderr after stdout');
ok(!defined $s->{stderr} || $s->{stderr} eq '', 'and none left in stderr');

($c, $s) = j0(POST => '/submissions', '{"source_code": "print(1)", "language_id": ');
is($c, 400, 'malformed JSON: 400');
ok(defined(($s // {})->{error}), '{"error"}');


=== batches, cancelling, GET /submissions
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_worker(), 'worker up');
my ($py, $cl) = (id_of('python'), id_of('c'));
my ($c, $s);

($c, $s) = j0(POST => '/submissions/batch', {submissions => [
    {source_code => 'print("one")', language_id => $py},
    {source_code => 'print("two")', language_id => 999},
    {source_code => "#include <stdio.h>\nint main(void){puts(\"three\");return 0;}", language_id => $cl},
]});
is($c, 201, 'batch POST: 201');
my $items = ref $s eq 'HASH' ? $s->{submissions} : $s;
is(ref $items, 'ARRAY', 'an array');
is(scalar @{ $items // [] }, 3, 'one item each, in order');
like($items->[0]{token} // '', qr/^\S+$/, 'the first has a token');
ok(ref $items->[1]{language_id} eq 'ARRAY' && !exists $items->[1]{token},
   'the second its error') or diag(show($items->[1]));
like($items->[2]{token} // '', qr/^\S+$/, 'the third a token');

my $tokens = join ',', $items->[0]{token}, $items->[2]{token}, 'no-such-token';
my $got;
ok(wait_until(sub {
    ($c, $got) = j0(GET => "/submissions/batch?tokens=$tokens");
    my $l = ($got // {})->{submissions} // [];
    @$l == 3 && $l->[0] && $l->[1]
        && $l->[0]{status}{id} > 2 && $l->[1]{status}{id} > 2;
}, 30), 'batch GET until both ended');
is($c, 200, 'batch GET: 200');
my $l = $got->{submissions};
is($l->[0]{stdout}, "one\n", 'the first');
is($l->[0]{token}, $items->[0]{token}, 'its token');
is($l->[1]{stdout}, "three\n", 'the second');
ok(exists $l->[2] && !defined $l->[2], 'null for an unknown token');
($c, $s) = j0(GET => '/submissions/batch?tokens=' . join(',', map { "t$_" } 1 .. 21));
ok($c == 400 || $c == 422, 'a batch GET of 21 tokens: refused') or diag("got $c");

($c, $s) = j0(POST => '/submissions/batch',
              {submissions => [map { {source_code => 'print(1)', language_id => $py} } 1 .. 21]});
ok($c == 400 || $c == 422, 'a batch of 21: refused') or diag("got $c");

# DELETE: cancels what runs, answers the submission
($c, $s) = j0(POST => '/submissions',
              {source_code => "import time\ntime.sleep(8)\nprint('late')", language_id => $py,
               wall_time_limit => 10, cpu_time_limit => 5});
is($c, 201, 'a long one');
my $token = $s->{token};
sleep 1;
($c, $s) = j0(DELETE => "/submissions/$token");
is($c, 200, 'DELETE: 200');
is($s->{token}, $token, 'answers the submission');
$s = poll($token, '?fields=status,message,stdout');
status_is($s, 13, 'cancelled');
is($s->{message}, 'Cancelled', 'message Cancelled');
is($s->{stdout}, undef, 'it did not finish');

($c, $s) = run0({source_code => 'print(1)', language_id => $py});
status_is($s, 3, 'a finished one');
($c, $s) = j0(DELETE => "/submissions/$s->{token}");
is($c, 200, 'DELETE of a finished one: 200');
status_is($s, 3, 'it keeps its status');
($c, $s) = j0(DELETE => '/submissions/no-such-token');
is($c, 404, 'DELETE of an unknown token: 404');

($c, $s) = j0(GET => '/submissions');
is($c, 403, 'GET /submissions: 403');
ok(defined(($s // {})->{error}), 'with an error');

# the dialect's submissions are the native API's jobs too
my (undef, $m, $r) = http_json(GET => '/metrics');
like($r->content, qr/^judge_submissions\w*(\{[^}]*\})?\s+[1-9]/m,
     'counted in /metrics');


=== languages, statuses, about, version, config_info, unknown paths
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_worker(), 'worker up');
my ($c, $s);
my (undef, $native) = http_json(GET => '/languages');
my %offered = map { $_->{id} => $_ } @{ $native->{languages} // [] };
ok($offered{$_}, "the worker offers $_") for qw(c cpp python bash);
my @table = judge0_table();
ok(@table > 4, 'conf/judge0_languages.conf has ids');

($c, $s) = j0(GET => '/languages');
is($c, 200, 'GET /languages');
my @want = sort { $a <=> $b } map { $_->[0] } grep { $offered{$_->[1]} && !$_->[2] } @table;
is(join(',', sort { $a <=> $b } map { $_->{id} } @{ $s // [] }), join(',', @want),
   'the ids whose language is offered, not archived');
my ($py) = grep { $_->{id} == id_of('python') } @{ $s // [] };
is($py->{name}, $offered{python}{name}, "the worker's name for Python");

($c, $s) = j0(GET => '/languages/all');
is($c, 200, 'GET /languages/all');
my %all = map { $_->{id} => $_ } @{ $s // [] };
my @archived = grep { $offered{$_->[1]} && $_->[2] } @table;
ok($all{$_->[0]}, "/languages/all has $_->[0] ($_->[1])")
    for grep { $offered{$_->[1]} } @table;
for my $a (@archived) {
    ok(($all{$a->[0]} // {})->{is_archived}, "$a->[0] is_archived");
}

($c, $s) = j0(GET => '/languages/' . id_of('cpp'));
is($c, 200, 'GET /languages/{id}');
is($s->{id}, id_of('cpp'), 'its id');
is($s->{name}, $offered{cpp}{name}, "the worker's name");
ok(exists $s->{compile_cmd} && !defined $s->{compile_cmd}, 'compile_cmd null');
ok(exists $s->{run_cmd} && !defined $s->{run_cmd}, 'run_cmd null');
($c, $s) = j0(GET => '/languages/99999');
is($c, 404, 'an unknown id: 404');
ok(defined(($s // {})->{error}), 'with an error');

if (@archived) {
    my ($id, $lang) = @{ $archived[0] };
    ($c, $s) = j0(GET => "/languages/$id");
    is($c, 200, "an archived id ($id) is still shown");
    my %src = (c => 'int main(void){return 0;}', cpp => 'int main(){return 0;}',
               python => 'pass', bash => 'true');
    if ($src{$lang}) {
        ($c, $s) = run0({source_code => $src{$lang}, language_id => $id});
        status_is($s, 3, "an archived id ($id, $lang) is accepted");
    }
}

($c, $s) = j0(GET => '/statuses');
is($c, 200, 'GET /statuses');
is_deeply([map { [$_->{id}, $_->{description}] } @{ $s // [] }],
          [[1, 'In Queue'], [2, 'Processing'], [3, 'Accepted'],
           [4, 'Wrong Answer'], [5, 'Time Limit Exceeded'],
           [6, 'Compilation Error'], [7, 'Runtime Error (SIGSEGV)'],
           [8, 'Runtime Error (SIGXFSZ)'], [9, 'Runtime Error (SIGFPE)'],
           [10, 'Runtime Error (SIGABRT)'], [11, 'Runtime Error (NZEC)'],
           [12, 'Runtime Error (Other)'], [13, 'Internal Error'],
           [14, 'Exec Format Error']], "Judge0's fourteen statuses");

my $r;
($c, $s, $r) = j0(GET => '/about');
is($c, 200, 'GET /about');
is(ref $s, 'HASH', 'an object');
like($r->content, qr/ngx_judge/, "this judge's name");
($c, $s, $r) = j0(GET => '/version');
is($c, 200, 'GET /version');
like($r->content, qr/1\.13\.1/, 'the API version 1.13.1');

($c, $s) = j0(GET => '/config_info');
is($c, 200, 'GET /config_info');
my %want = (cpu_time_limit => 2, max_cpu_time_limit => 5,
            wall_time_limit => 5, max_wall_time_limit => 10,
            memory_limit => 131072, max_memory_limit => 524288,
            stack_limit => 65536, max_stack_limit => 262144,
            max_file_size => 1024, max_max_file_size => 4096,
            max_processes_and_or_threads => 1,
            max_max_processes_and_or_threads => 64);
for my $k (sort keys %want) {
    ok(defined $s->{$k} && $s->{$k} == $want{$k}, "config_info $k is $want{$k}")
        or diag("got " . ($s->{$k} // 'null'));
}

($c, $s) = j0(GET => '/no/such/path');
is($c, 404, 'an unknown path: 404');
ok(defined(($s // {})->{error}), '{"error"}');


=== wait=true past judge_wait_timeout: the submission as it stands
--- http_config eval: $::Http
--- config eval: $::Config =~ s/judge_processes_limit 1 64;/judge_processes_limit 1 64;\n        judge_wait_timeout 1s;/r
--- timeout: 30
--- perl
ok(start_worker(), 'worker up');
my ($c, $s) = run0({source_code => "import time\ntime.sleep(4)\nprint('done')",
                    language_id => id_of('python'), wall_time_limit => 8});
is($c, 201, 'wait=true: 201 at the wait timeout');
ok(($s->{status}{id} // 0) == 1 || ($s->{status}{id} // 0) == 2,
   'status 1 or 2') or diag(show($s));
$s = poll($s->{token});
status_is($s, 3, 'and it ends');
is($s->{stdout}, "done\n", 'stdout');


=== judge_client_jobs: a client over its unfinished jobs gets 429 in either dialect
--- http_config eval: $::Http . "    judge_client_jobs 1;\n"
--- config eval: $::Config . "    location /api/v2/ { judge_api piston; }\n"
--- timeout: 30
--- perl
ok(start_worker(), 'worker up');
my ($c, $s) = j0(POST => '/submissions',
                 {source_code => "import time\ntime.sleep(3)", language_id => id_of('python')});
is($c, 201, 'the first job');
my $token = $s->{token};
($c, $s) = j0(POST => '/submissions',
              {source_code => 'print(1)', language_id => id_of('python')});
is($c, 429, 'a second while it runs: 429');
ok(defined(($s // {})->{error}), '{"error"}');
($c, $s) = http_json(POST => '/api/v2/execute',
                     {language => 'python', version => '*', files => [{content => 'print(1)'}]});
is($c, 429, 'Piston: 429');
ok(defined(($s // {})->{message}), '{"message"}');
$s = poll($token);
status_is($s, 3, 'the first ends');
($c, $s) = j0(POST => '/submissions?wait=true',
              {source_code => 'print(1)', language_id => id_of('python')});
is($c, 201, 'then another is taken');
