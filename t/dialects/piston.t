# The Piston v2 dialect (docs/DIALECTS.md) through a real nginx, real
# judge-worker processes and the real sandbox: the runtimes, executions
# of interpreted and compiled programs (stdin, args, files without names,
# Base64 and hex, version ranges and aliases), compile errors, timeouts,
# signals and exit codes, the limits and their maxima, the errors; and
# a real Piston client, piston-client (t/dialects/client), run with node.

use Test::Judge::Nginx;
use JSON::PP;
use MIME::Base64 qw(encode_base64);

our $Http = <<'CONF';
    judge_zone judge:32m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

our $Config = <<'CONF';
    client_max_body_size 1m;
    location /api/v2/ {
        judge_api piston;
        judge_cpu_time_limit 2s 5s;
        judge_wall_time_limit 5s 10s;
        judge_memory_limit 128m 512m;
    }
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

sub start_worker {
    spawn_worker('w1', slots => 2);
    return wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20);
}

sub show {
    return JSON::PP->new->canonical->allow_nonref->encode(shift);
}

# POST /execute with the body in UTF-8 ("version" "*" unless given)
sub execute {
    my ($body, @headers) = @_;
    my $text = JSON::PP->new->utf8->canonical->encode({version => '*', %$body});
    my ($c, $j) = http_json(POST => '/api/v2/execute', $text, @headers);
    return ($c, $j // {});
}

# a message of a 4xx answer
sub refused {
    my ($c, $j, $code, $name) = @_;
    is($c, $code, "$name: $code");
    ok(defined $j->{message} && length $j->{message}, "$name: a message")
        or diag(show($j));
}

# runs t/dialects/client/run.mjs (piston-client) against this block's
# nginx and checks what it printed; node or the client missing is a
# failure that says how to install them
sub piston_client {
    my $dir = repo_root() . '/t/dialects/client';
    my $node = `node --version 2>/dev/null`;
    if (!$node) {
        fail('node is not installed: run scripts/deps.sh install');
        return;
    }
    if (!-f "$dir/node_modules/piston-client/package.json") {
        fail("$dir/node_modules is missing: run scripts/deps.sh install");
        return;
    }
    my $err = servroot() . '/logs/client.stderr';
    my $out = qx{node "$dir/run.mjs" "http://127.0.0.1:@{[nginx_port()]}" 2>"$err"};
    is($?, 0, 'the client ran') or diag(`cat "$err"`);
    my $r = eval { decode_json($out) };
    ok($r, 'it printed JSON') or do { diag($out, `cat "$err"`); return };

    my %rt = map { $_->{language} => $_ } @{ ref $r->{runtimes} eq 'ARRAY' ? $r->{runtimes} : [] };
    ok($rt{python}, 'runtimes() has python') or diag(show($r->{runtimes}));
    ok($rt{'c++'}, 'and c++');

    is($r->{python}{language}, 'python', 'execute python');
    is($r->{python}{version}, $rt{python}{version}, 'the version the client picked');
    is($r->{python}{run}{stdout}, "hi\n", 'stdin reached it');
    is($r->{python}{run}{code}, 0, 'code 0');

    is($r->{cpp}{language}, 'c++', 'execute c++');
    is($r->{cpp}{compile}{code}, 0, 'compiled');
    is($r->{cpp}{run}{stdout}, "1 2 3\n", "the client's default args");
    is($r->{cpp}{run}{code}, 0, 'code 0')
        or diag(show($r->{cpp}));
}

run_tests();

__DATA__

=== runtimes and executions
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_worker(), 'worker up');
my ($c, $j);

($c, $j) = http_json(GET => '/api/v2/runtimes');
is($c, 200, 'GET /runtimes');
is(ref $j, 'ARRAY', 'an array');
my %rt = map { $_->{language} => $_ } @{ ref $j eq 'ARRAY' ? $j : [] };
for my $l (qw(c c++ python bash)) {
    ok($rt{$l}, "runtime $l") or next;
    like($rt{$l}{version}, qr/^\d+\.\d+\.\d+$/, "$l: a semver version");
    is(ref $rt{$l}{aliases}, 'ARRAY', "$l: aliases");
    ok(exists $rt{$l}{runtime}, "$l: runtime");
}
my (undef, $all) = http_json(GET => '/languages');
my %name = (cpp => 'c++');
is(join(',', sort keys %rt),
   join(',', sort map { $name{$_->{id}} // $_->{id} } @{ $all->{languages} // [] }),
   'a runtime for each language offered');
ok(!$rt{cpp}, 'cpp is called c++');
ok((grep { $_ eq 'cpp' } @{ $rt{'c++'}{aliases} // [] }), 'c++ has the alias cpp');
ok((grep { $_ eq 'py' } @{ $rt{python}{aliases} // [] }), 'python has the alias py');
my (undef, $native) = http_json(GET => '/languages/python');
my $v = $native->{version} // '';
$v .= '.0' while $v =~ tr/.// < 2;
is($rt{python}{version}, $v, "python's version is the worker's, made semver");

($c, $j) = execute({language => 'python', version => $rt{python}{version},
                    files => [{name => 'main.py', content => "print('hello world')"}]});
is($c, 200, 'execute: 200');
is($j->{language}, 'python', 'language');
is($j->{version}, $rt{python}{version}, 'version');
is($j->{run}{stdout}, "hello world\n", 'run.stdout');
is($j->{run}{stderr}, '', 'run.stderr');
is($j->{run}{output}, "hello world\n", 'run.output');
is($j->{run}{code}, 0, 'run.code 0');
ok(exists $j->{run}{signal} && !defined $j->{run}{signal}, 'run.signal null');
ok(exists $j->{run}{status} && !defined $j->{run}{status}, 'run.status null');
ok(!exists $j->{compile}, 'no compile stage for Python');
like($j->{run}{$_} // '', qr/^\d+(\.\d+)?$/, "run.$_") for qw(cpu_time wall_time memory);

($c, $j) = execute({language => 'python',
                    files => [{content => "import sys\nprint(input())\nfor a in sys.argv[1:]:\n    print(a)\nprint('e', file=sys.stderr)"}],
                    stdin => "from stdin\n", args => ['one', 'two words']});
is($c, 200, 'stdin and args, a file without a name');
is($j->{run}{stdout}, "from stdin\none\ntwo words\n", 'stdin and args reach the program');
is($j->{run}{stderr}, "e\n", 'stderr');
is($j->{run}{output}, "from stdin\none\ntwo words\ne\n", 'output: stdout then stderr');

($c, $j) = execute({language => 'python',
                    files => [{content => encode_base64("print(6 * 7)\n", ''), encoding => 'base64'}]});
is($j->{run}{stdout}, "42\n", 'a file in Base64');
($c, $j) = execute({language => 'python',
                    files => [{content => unpack('H*', "print('hex')\n"), encoding => 'hex'}]});
is($j->{run}{stdout}, "hex\n", 'a file in hex');
($c, $j) = execute({language => 'python', encoding => 'utf8',
                    files => [{content => "print('\x{e9}t\x{e9}')", encoding => 'utf8'}]});
is($j->{run}{stdout}, "\x{e9}t\x{e9}\n", 'a file in UTF-8');

my ($major, $minor) = split /\./, $rt{python}{version} // '';
for my $range ('*', "$major.x", ">=$major", "^$major.$minor", $rt{python}{version}) {
    ($c, $j) = execute({language => 'python', version => $range,
                        files => [{content => 'print(1)'}]});
    is($c, 200, "version '$range'");
    is($j->{version}, $rt{python}{version}, "version '$range' is the runtime's");
}
($c, $j) = execute({language => 'py', files => [{content => 'print(2)'}]});
is($c, 200, 'an alias: py');
is($j->{language}, 'python', 'the language by its name');
is($j->{run}{stdout}, "2\n", 'and run');

($c, $j) = execute({language => 'python', version => '99.0.0', files => [{content => 'print(1)'}]});
refused($c, $j, 400, 'a version no runtime has');
($c, $j) = execute({language => 'python', version => '2.x', files => [{content => 'print(1)'}]});
refused($c, $j, 400, 'a range no runtime has');
($c, $j) = execute({language => 'intercal', files => [{content => 'x'}]});
refused($c, $j, 400, 'an unknown language');

# compiled languages
my $hello = "#include <iostream>\nint main(int argc, char **argv){std::cout << \"hi \" << argc << std::endl; return 0;}";
($c, $j) = execute({language => 'c++', files => [{name => 'main.cpp', content => $hello}]});
is($c, 200, 'c++');
is($j->{language}, 'c++', 'language c++');
is(ref $j->{compile}, 'HASH', 'a compile stage');
is($j->{compile}{code}, 0, 'compile.code 0');
is($j->{run}{stdout}, "hi 1\n", 'run');
($c, $j) = execute({language => 'cpp', files => [{content => $hello}], args => ['a']});
is($c, 200, 'the alias cpp');
is($j->{run}{stdout}, "hi 2\n", 'run with an argument');

($c, $j) = execute({language => 'c', files => [{content => 'int main(void) { this is not C }'}]});
is($c, 200, 'a compile error: 200');
ok($j->{compile} && $j->{compile}{code}, 'compile.code is not 0') or diag(show($j));
like(($j->{compile}{stderr} // '') . ($j->{compile}{output} // ''), qr/error/,
     "the compiler's output");
ok(!exists $j->{run}, 'no run stage');

($c, $j) = execute({language => 'c', files => [{content => 'int main(void){volatile int *p = 0; *p = 1; return 0;}'}]});
is($j->{run}{signal}, 'SIGSEGV', 'a segfault: SIGSEGV');
ok(exists $j->{run}{code} && !defined $j->{run}{code}, 'code null when a signal ended it');
is($j->{run}{status}, 'SG', 'status SG');

($c, $j) = execute({language => 'python', files => [{content => 'raise SystemExit(3)'}]});
is($j->{run}{code}, 3, 'exit 3: code 3');
ok(!defined $j->{run}{signal}, 'no signal');
is($j->{run}{status}, 'RE', 'status RE');

($c, $j) = execute({language => 'bash', files => [{content => 'echo "$1-$2"; read x; echo "got $x"'}],
                    args => ['a', 'b'], stdin => "line\n"});
is($j->{run}{stdout}, "a-b\ngot line\n", 'bash');


=== limits, timeouts, errors
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_worker(), 'worker up');
my ($c, $j);

($c, $j) = execute({language => 'python', files => [{content => 'while True: pass'}],
                    run_timeout => 1000});
is($c, 200, 'an infinite loop: 200');
is($j->{run}{status}, 'TO', 'run.status TO');
like($j->{run}{signal} // '', qr/^SIG[A-Z]+$/, 'and a signal');
ok(!defined $j->{run}{code}, 'no code');
cmp_ok($j->{run}{wall_time} // 0, '<', 5000, 'stopped near run_timeout');

($c, $j) = execute({language => 'python', files => [{content => 'while True: pass'}],
                    run_timeout => 8000, run_cpu_time => 300});
is($j->{run}{status}, 'TO', 'run_cpu_time: TO');
cmp_ok($j->{run}{wall_time} // 99999, '<', 5000, 'the CPU limit ended it');

($c, $j) = execute({language => 'python', files => [{content => 'import time; time.sleep(30)'}],
                    run_timeout => 800});
is($j->{run}{status}, 'TO', 'sleeping past run_timeout: TO');

($c, $j) = execute({language => 'python',
                    files => [{content => "import sys\nsys.stdout.write('x' * 3000000)"}]});
is($j->{run}{status}, 'OL', "over the location's output limit: OL");

($c, $j) = execute({language => 'python', files => [{content => 'print(1)'}],
                    run_memory_limit => -1, compile_memory_limit => -1,
                    compile_timeout => 10000, compile_cpu_time => 10000});
is($c, 200, 'run_memory_limit -1 and the compile limits are accepted');
is($j->{run}{stdout}, "1\n", 'and run');
($c, $j) = execute({language => 'python', files => [{content => 'print(1)'}],
                    run_memory_limit => 64 * 1024 * 1024});
is($c, 200, 'run_memory_limit in bytes');
($c, $j) = execute({language => 'c++',
                    files => [{content => "#include <vector>\n#include <cstdio>\nint main(){std::vector<char> v(1 << 30, 1); std::printf(\"%d\\n\", v[12345]); return 0;}"}],
                    run_memory_limit => 64 * 1024 * 1024});
is($c, 200, 'a memory bomb: 200');
ok(defined $j->{run}{status} && $j->{run}{status} ne 'TO', 'a memory bomb fails')
    or diag(show($j->{run}));

($c, $j) = execute({language => 'python', files => [{content => 'print(1)'}],
                    run_timeout => 60000});
refused($c, $j, 400, "run_timeout above the location's maximum");
($c, $j) = execute({language => 'python', files => [{content => 'print(1)'}],
                    run_cpu_time => 60000});
refused($c, $j, 400, "run_cpu_time above the location's maximum");
($c, $j) = execute({language => 'python', files => [{content => 'print(1)'}],
                    run_memory_limit => 2 * 1024 * 1024 * 1024});
refused($c, $j, 400, "run_memory_limit above the location's maximum");

my $r = http_request(POST => '/api/v2/execute',
                     encode_json({language => 'python', version => '*',
                                  files => [{content => 'print("plain")'}]}),
                     ['Content-Type: text/plain;charset=UTF-8']);
is($r->code, 200, 'Content-Type text/plain;charset=UTF-8');
is((eval { decode_json($r->content) } // {})->{run}{stdout}, "plain\n",
   'read as JSON');
$r = http_request(POST => '/api/v2/execute',
                  encode_json({language => 'python', version => '*',
                               files => [{content => 'print("none")'}]}));
is($r->code, 200, 'no Content-Type');

($c, $j) = http_json(POST => '/api/v2/execute', '{"language": "python", "files": [');
refused($c, $j // {}, 400, 'malformed JSON');
($c, $j) = execute({language => 'python', files => []});
refused($c, $j, 400, 'no files');
($c, $j) = execute({language => 'python', files => [{content => '!!', encoding => 'base64'}]});
refused($c, $j, 400, 'bad Base64');

($c, $j) = http_json(GET => '/api/v2/no/such/path');
refused($c, $j // {}, 404, 'an unknown path');
($c, $j) = http_json(GET => '/api/v2/packages');
refused($c, $j // {}, 404, 'GET /packages');
($c, $j) = http_json(POST => '/api/v2/packages', {language => 'python', version => '3.12.0'});
refused($c, $j // {}, 404, 'POST /packages');
($c, $j) = http_json(GET => '/api/v2/connect');
refused($c, $j // {}, 404, '/connect');


=== piston-client 1.0.2 against the dialect
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_worker(), 'worker up');
piston_client();
