# The Judge0 and Piston dialects against hostile clients: bodies that are
# not what they claim, encodings with tricks in them, limits and command
# lines at and past the bounds, forged tokens, pathological version
# ranges, more waits than a client may have, methods a path does not
# take, bodies sent where none is read, and language tables an operator
# got wrong.  Each answer is a JSON error in the dialect's shape, with
# its status; never a 500 page, a hang, or a request hidden in a body.

use Test::Judge::Nginx;
use IO::Socket::INET;
use JSON::PP;
use MIME::Base64;

our $Http = <<'CONF';
    judge_zone judge:16m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

our $Config = <<'CONF';
    judge_client_jobs 2;
    judge_wait_timeout 20s;
    location / { judge_api; }
    location /judge0/ { judge_api judge0 languages=$TEST_NGINX_REPO/conf/judge0_languages.conf; }
    location /api/v2/ { judge_api piston; }
    location = /worker { judge_worker_endpoint; }
CONF

sub start_worker {
    spawn_worker('w1', slots => 2);
    return wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20);
}

# the answer of one POST to a dialect, its body as text as it is
sub post {
    my ($uri, $text) = @_;
    my $r = http_request(POST => $uri, $text, ['Content-Type: application/json'], 30);
    my $json = eval { JSON::PP->new->utf8->allow_nonref->decode($r->content) };
    return ($r->code, $json, $r);
}

sub piston {
    my (%req) = @_;
    return post('/api/v2/execute', encode_json({ language => 'python', %req }));
}

sub judge0 {
    my ($query, %req) = @_;
    return post("/judge0/submissions$query",
                encode_json({ language_id => 71, source_code => 'print(1)', %req }));
}

# what one connection gets for "raw", read until the server closes it or
# is quiet for "quiet" seconds
sub raw_exchange {
    my ($raw, $quiet) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port(), Proto => 'tcp')
        or return '';
    print $s $raw;
    my $sel = IO::Select->new($s);
    my $got = '';
    while ($sel->can_read($quiet // 2)) {
        my $n = sysread $s, my $chunk, 65536;
        last unless $n;
        $got .= $chunk;
    }
    close $s;
    return $got;
}

run_tests();

__DATA__

=== more waits than judge_client_jobs: 429 in each dialect's shape, not a 500 page
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_worker(), 'worker up');

# two slow jobs the client may have; a third of any kind is refused
my @ids;
for (1 .. 2) {
    my ($c, $j) = http_json(POST => '/submissions', { language => 'python',
        source => "import time\ntime.sleep(4)",
        tests => [{ input => '', expected_output => '' }] });
    is($c, 202, 'a slow native job');
    push @ids, $j->{id};
}

my ($c, $j, $r) = piston(files => [{ content => 'print(1)' }]);
is($c, 429, 'piston execute: 429');
like($j->{message} // '', qr/judge_client_jobs/, 'piston: {"message"}') or diag($r->content);

($c, $j, $r) = judge0('?wait=true');
is($c, 429, 'judge0 wait=true: 429');
like($j->{error} // '', qr/judge_client_jobs/, 'judge0: {"error"}') or diag($r->content);

($c, $j, $r) = post('/judge0/submissions/batch', encode_json({ submissions => [
    { language_id => 71, source_code => 'print(1)' } ] }));
is($c, 201, 'judge0 batch: 201');
like(ref $j eq 'ARRAY' ? $j->[0]{error} // '' : '', qr/judge_client_jobs/,
     'the refused item is {"error"}') or diag($r->content);

($c, $j) = http_json(POST => '/submissions', { language => 'python', source => 'print(1)',
    tests => [{ input => '', expected_output => "1\n" }] });
is($c, 429, 'the native API: 429 too');
is($j->{error}{code}, 'too_many_jobs', 'with its code');

ok(wait_until(sub { !grep { (http_json(GET => "/submissions/$_"))[1]{status} !~ /COMPLETED/ } @ids }, 30),
   'the slow jobs end');
($c, $j) = piston(files => [{ content => 'print(7)' }]);
is($c, 200, 'then piston runs again');
is($j->{run}{stdout}, "7\n", 'and answers');



=== piston version ranges that are pathological answer at once
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_worker(), 'worker up');
my @cases = (
    ['|', 400], ['3|', 400], ['3.x | 2.x', 400], ['|||', 200], ['||||', 200],
    ['>=', 200], ['^', 200], ['x.x.x.x', 400], ['v3', 200], ['<3', 400],
    ['>=3 <4', 200], ['3.x || 2.x', 200], ['1.' x 3000, 400],
    ['>' x 5000, 200], ['3 ' x 3000, 200],
);
for my $case (@cases) {
    my ($range, $want) = @$case;
    my $t0 = time;
    my ($c, $j, $r) = piston(version => $range, files => [{ content => 'print(1)' }]);
    my $shown = length $range > 20 ? substr($range, 0, 20) . '...' : $range;
    is($c, $want, "version \"$shown\": $want") or diag($r->content);
    ok(time - $t0 < 10, "version \"$shown\": answered at once");
    if ($want == 400) {
        like($j->{message} // '', qr/runtime is unknown/, "version \"$shown\": Piston's shape");
    }
}
my ($c, $j) = http_json(GET => '/health');
is($c, 200, 'nginx still answers');



=== a body where none is read is dropped, not taken for a request
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
my $inner = "GET /judge0/version HTTP/1.1\r\nHost: x\r\n\r\n";
for my $path ('/judge0/languages/1', '/judge0/submissions/abcde',
              '/judge0/statuses', '/api/v2/runtimes', '/api/v2/packages') {
    my $raw = "POST $path HTTP/1.1\r\nHost: x\r\nContent-Length: "
              . length($inner) . "\r\n\r\n$inner";
    my $got = raw_exchange($raw, 1);
    my $answers = () = $got =~ m{^HTTP/1\.1 }mg;
    is($answers, 1, "POST $path: one answer");
    unlike($got, qr/"1\.13\.1"/, "POST $path: the body was not run as a request");
}



=== bytes that are not text reach the program as sent and come back whole
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_worker(), 'worker up');
my $prog = <<'PY';
import sys
d = sys.stdin.buffer.read()
sys.stdout.buffer.write(d.hex().encode() + b' x\x00y\xffz')
sys.stdout.flush()
sys.stderr.write('E')
PY
my $stdin = "a\0b\xff\xfe";

my ($c, $j, $r) = judge0('?base64_encoded=true&wait=true', source_code => encode_base64($prog),
                         stdin => encode_base64($stdin), redirect_stderr_to_stdout => JSON::PP::true);
is($c, 201, 'judge0: a source and stdin with NUL and bad UTF-8 bytes') or diag($r->content);
is(decode_base64($j->{stdout} // ''), "610062fffe x\0y\xef\xbf\xbdzE",
   'the program read every byte; its NUL comes back, its bad byte as U+FFFD, stderr after');

($c, $j, $r) = judge0('?base64_encoded=true&wait=true', source_code => encode_base64($prog),
                      stdin => encode_base64($stdin));
is($c, 201, 'judge0: without redirect');
is(decode_base64($j->{stdout} // ''), "610062fffe x\0y\xef\xbf\xbdz", 'stdout whole');
is(decode_base64($j->{stderr} // ''), 'E', 'stderr apart');
my $token = $j->{token};

($c, $j) = http_json(GET => "/judge0/submissions/$token");
is($c, 200, 'judge0: read back');
is($j->{stdout}, "610062fffe x\0y\x{fffd}z", 'as text, the NUL kept');

($c, $j, $r) = piston(files => [{ content => encode_base64($prog), encoding => 'base64' }],
                      stdin => 'q');
is($c, 200, 'piston: output with a NUL byte') or diag($r->content);
is($j->{run}{stdout}, "71 x\0y\x{fffd}z", 'piston: stdout whole');
is($j->{run}{output}, "71 x\0y\x{fffd}zE", 'piston: output is stdout then stderr, whole');



=== Base64 and hex with tricks in them are refused, not cut short
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_worker(), 'worker up');
my $one = encode_base64('print(1)', '');
my @bad = ($one . encode_base64('import os; os._exit(3)', ''), 'c', 'cHJp===',
           "$one ", 'cHJpbnQoMSk=x', '====', 'cHJpbnQoMSk=cA==');
for my $b64 (@bad) {
    my ($c, $j, $r) = judge0('?base64_encoded=true', source_code => $b64);
    is($c, 400, "judge0 source \"$b64\": 400") or diag($r->content);
    like($j->{error} // '', qr/Base64/, 'judge0: {"error"}');
    ($c, $j, $r) = piston(files => [{ content => $b64, encoding => 'base64' }]);
    is($c, 400, "piston file \"$b64\": 400") or diag($r->content);
    like($j->{message} // '', qr/encoding/, 'piston: {"message"}');
}
for my $b64 ("cHJp\nbnQo\r\nMSk=", 'cHJpbnQoMSk', "$one\n") {
    my ($c, $j, $r) = judge0('?base64_encoded=true&wait=true', source_code => $b64);
    is($c, 201, 'judge0: wrapped or unpadded Base64 is taken') or diag($r->content);
    is(decode_base64($j->{stdout} // ''), "1\n", 'and runs');
}
for my $case (['7072696e7428312', 400], ['+072696e74283129', 400], ['7072696E74283129', 200],
              ['70 72', 400]) {
    my ($c, $j, $r) = piston(files => [{ content => $case->[0], encoding => 'hex' }]);
    is($c, $case->[1], "piston hex \"$case->[0]\": $case->[1]") or diag($r->content);
}
for my $enc ('latin1', 5, JSON::PP::true, '') {
    my ($c, $j, $r) = piston(files => [{ content => 'print(1)', encoding => $enc }]);
    is($c, 400, "piston encoding \"$enc\": 400") or diag($r->content);
}



=== bodies, numbers, limits, command lines and tokens out of bounds
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_worker(), 'worker up');

# bodies
for my $body ('[1,2]', '"x"', 'null', '{', '{"language_id":71,"language_id":71,"source_code":"x"}',
              '[' x 5000 . ']' x 5000, '{"language_id":99999999999999999999999,"source_code":"x"}') {
    my ($c, $j, $r) = post('/judge0/submissions', $body);
    is($c, 400, 'judge0 body ' . substr($body, 0, 30) . ': 400') or diag($r->content);
    like($j->{error} // '', qr/JSON/, 'judge0: {"error"} saying what');
    ($c, $j, $r) = post('/api/v2/execute', $body);
    is($c, 400, 'piston body ' . substr($body, 0, 30) . ': 400') or diag($r->content);
    like($j->{message} // '', qr/JSON|language/, 'piston: {"message"}');
}

# language ids
for my $id ('1e9', 'NaN', '-0', 0, -71, 71.5, '71x', ' 71', 1000000, '99999999999999999999',
            JSON::PP::true, [71]) {
    my ($c, $j, $r) = judge0('', language_id => $id);
    is($c, 422, "language_id " . encode_json([$id]) . ": 422") or diag($r->content);
    ok($j->{language_id}, 'judge0: the field named');
}
my ($c, $j) = judge0('', language_id => '71');
is($c, 201, 'language_id "71" as a string is taken');

# limits: numbers as strings are decimal numbers
for my $v ('1e9', 'NaN', 'inf', -0.0, '-0', -5, ' 5', '0x10', '5 ', '', 1e300, 0) {
    ($c, $j, my $r) = judge0('', memory_limit => $v);
    is($c, 422, 'memory_limit ' . encode_json([$v]) . ': 422') or diag($r->content);
    ok($j->{memory_limit}, 'the field named');
}
($c, $j) = judge0('?wait=true', cpu_time_limit => '0.5', memory_limit => '65536');
is($c, 201, 'limits as decimal strings are taken');
is($j->{status}{id}, 3, 'and it runs');
($c, $j) = judge0('', max_processes_and_or_threads => 1e9);
is($c, 422, 'a limit above the location: 422');
ok($j->{max_processes_and_or_threads}, 'the field named');

# command lines
for my $case (['a "b', 'quote'], ['a \'b', 'quote'], [join(' ', ('a') x 5000), '64'],
              ['a' x 5000, '4096'], [join(' ', ('a' x 4000) x 5), '16384']) {
    ($c, $j, my $r) = judge0('', command_line_arguments => $case->[0]);
    is($c, 422, "command_line_arguments " . substr($case->[0], 0, 10) . ": 422");
    like(($j->{command_line_arguments} // [''])->[0], qr/$case->[1]/, 'the field named')
        or diag($r->content);
}
($c, $j, my $r) = judge0('', language_id => 50, source_code => 'int main(){}',
                         compiler_options => join(' ', ('-O2') x 40));
is($c, 422, '40 compiler flags: 422');
like(($j->{compiler_options} // [''])->[0], qr/32/, 'the field named') or diag($r->content);
($c, $j) = judge0('?wait=true', command_line_arguments => q{a 'b c' "d \"e" f\ g},
                  source_code => 'import sys; print(sys.argv[1:])');
is($c, 201, 'quoted arguments');
is($j->{stdout}, "['a', 'b c', 'd \"e', 'f g']\n", 'split as a shell would');

# batches
($c, $j) = post('/judge0/submissions/batch', encode_json({ submissions => [
    map { { language_id => 71, source_code => 'print(1)' } } 1 .. 21 ] }));
is($c, 422, 'a batch of 21: 422');
for my $list ('[]', '{}', '"x"', 'null') {
    ($c, $j) = post('/judge0/submissions/batch', qq({"submissions": $list}));
    is($c, 422, "a batch of $list: 422");
}
($c, $j, $r) = post('/judge0/submissions/batch', encode_json({ submissions => [
    5, 'x', [], { language_id => 999 }, { language_id => 71, source_code => 'print(1)' } ] }));
is($c, 201, 'a batch with items that are not submissions: 201') or diag($r->content);
is(scalar @$j, 5, 'one answer an item');
ok($j->[$_]{error}, "item $_: an error") for 0 .. 2;
ok($j->[3]{language_id}, 'item 3: the field named');
like($j->[4]{token} // '', qr/^[0-9a-f]+-71$/, 'item 4: a token');
my $token = $j->[4]{token};
(my $id = $token) =~ s/-71$//;

# tokens
for my $t ('x', "$id-0", "$id-1000000", "$id-99999999999999999999", "$id-71mm", "$id-m",
           "$id-", "-71", "a..b-71", "$id" . "0-71") {
    ($c, $j) = http_json(GET => "/judge0/submissions/$t");
    is($c, 404, "GET token $t: 404");
    is($j->{error}, 'submission not found', 'judge0: {"error"}');
    ($c, $j) = http_json(DELETE => "/judge0/submissions/$t");
    is($c, 404, "DELETE token $t: 404");
}
($c, $j) = http_json(GET => "/judge0/submissions/batch?tokens=" . join(',', ('x') x 21));
is($c, 400, '21 tokens: 400');
($c, $j) = http_json(GET => "/judge0/submissions/batch?tokens=" . join(',', ('x') x 2000));
is($c, 400, '2,000 tokens: 400');
($c, $j) = http_json(GET => "/judge0/submissions/batch?tokens=");
is($c, 400, 'no tokens: 400');
($c, $j) = http_json(GET => "/judge0/submissions/batch?tokens=,,,");
is($c, 200, 'commas only: 200');
is_deeply($j->{submissions}, [undef, undef, undef], 'each null');
($c, $j) = http_json(GET => "/judge0/submissions/batch?tokens=$token,x,$id-1000000,$token"
                            . '&fields=status');
is($c, 200, 'forged tokens among good ones');
is(scalar @{ $j->{submissions} }, 4, 'one answer a token');
ok(!defined $j->{submissions}[$_], "token $_: null") for 1, 2;
ok($j->{submissions}[0]{status}, 'the good ones shown');

# ?fields=
for my $f ('nope', ',', 'status,,token', ',' x 5000, '%00', 'stat%00us', 'status%2Cnope') {
    ($c, $j) = http_json(GET => "/judge0/submissions/$token?fields=$f");
    is($c, 400, 'fields ' . substr($f, 0, 12) . ': 400');
    like($j->{error} // '', qr/fields/, 'judge0: {"error"}');
}
($c, $j) = http_json(GET => "/judge0/submissions/$token?fields=status%2C%74oken");
is($c, 200, 'percent-encoded fields');
is_deeply([sort keys %$j], ['status', 'token'], 'decoded');
($c, $j) = http_json(GET => "/judge0/submissions/$token?fields=");
is($c, 200, 'empty fields');
is_deeply([sort keys %$j],
          [sort qw(token stdout stderr compile_output message status time memory)],
          'are the default ones');

# piston fields
for my $case ([{ version => 5 }, 'version'], [{ stdin => 5 }, 'stdin'],
              [{ args => [{}] }, 'args'], [{ args => 'a b' }, 'args'],
              [{ run_timeout => 0 }, 'run_timeout'], [{ run_timeout => -5 }, 'run_timeout'],
              [{ run_timeout => 1e12 }, 'run_timeout'], [{ run_memory_limit => -2 }, 'run_memory_limit'],
              [{ run_cpu_time => 'NaN' }, 'run_cpu_time'], [{ files => [] }, 'files'],
              [{ files => ['print(1)'] }, 'file'], [{ files => {} }, 'files'],
              [{ language => 5 }, 'language']) {
    ($c, $j, $r) = piston(files => [{ content => 'print(1)' }], %{ $case->[0] });
    is($c, 400, 'piston ' . encode_json($case->[0]) . ': 400') or diag($r->content);
    like($j->{message} // '', qr/$case->[1]/, 'piston: {"message"} naming it');
}
($c, $j, $r) = piston(files => [{ content => 'print(1)' }], run_memory_limit => -1.0);
is($c, 200, 'piston: run_memory_limit -1.0 is -1') or diag($r->content);
($c, $j, $r) = piston(files => [{ content => 'import sys; print(sys.argv[1:])' }],
                      args => [12345678901234, 0.5]);
is($j->{run}{stdout}, "['12345678901234', '0.5']\n", 'piston: numbers in args keep their digits')
    or diag($r->content);
for my $name ('../x', '/etc/passwd', '', '.hidden', 'a/b', 'x' x 5000) {
    ($c, $j, $r) = piston(files => [{ name => 'main.py', content => 'print(1)' },
                                    { name => $name, content => '1' }]);
    is($c, 400, 'piston file name "' . substr($name, 0, 12) . '": 400') or diag($r->content);
}
($c, $j, $r) = piston(files => [map { { name => "f$_.py", content => '' } } 1 .. 100]);
is($c, 400, 'piston: 100 files: 400');
($c, $j, $r) = piston(files => [{ content => 'print(1)' }, { name => 'a.py', content => 'print(2)' },
                                { name => 'a.py', content => 'print(3)' }]);
is($c, 400, 'piston: one name twice: 400') or diag($r->content);
($c, $j, $r) = piston(files => [{ content => 'print(open("file1").read())' },
                                { content => '5' }]);
is($c, 200, 'piston: files without names');
is($j->{run}{stdout}, "5\n", 'the first is run') or diag($r->content);
($c, $j, $r) = piston(files => [{ name => 'solve.py', content => 'import m; print(m.x)' },
                                { name => 'm.py', content => 'x = 6' }]);
is($j->{run}{stdout}, "6\n", 'piston: the first is run whatever its name') or diag($r->content);
($c, $j, $r) = piston(files => [{ content => 'import sys; print(sys.argv[1:])' }],
                      args => [1, 2.5, -0, 'x y']);
is($j->{run}{stdout}, "['1', '2.5', '0', 'x y']\n", 'piston: numbers as arguments');



=== a language table that is missing is refused at start, clearly
--- config
    location /judge0/ { judge_api judge0 languages=nowhere.conf; }
--- must_die
--- error_log
the judge0 language table
cannot be opened



=== a language table with a line that is not one is refused at start
--- setup
open my $fh, '>', servroot() . '/conf/j0.conf' or die $!;
print $fh "71 python\n72\n";
close $fh;
--- config
    location /judge0/ { judge_api judge0 languages=j0.conf; }
--- must_die
--- error_log
j0.conf", line 2: not "<id> <language> [archived]"



=== a language table with an id twice is refused at start
--- setup
open my $fh, '>', servroot() . '/conf/j0.conf' or die $!;
print $fh "71 python\n71 c\n";
close $fh;
--- config
    location /judge0/ { judge_api judge0 languages=j0.conf; }
--- must_die
--- error_log
line 2: id 71 twice



=== a language table with an id too large is refused at start
--- setup
open my $fh, '>', servroot() . '/conf/j0.conf' or die $!;
print $fh "4294967367 python\n";
close $fh;
--- config
    location /judge0/ { judge_api judge0 languages=j0.conf; }
--- must_die
--- error_log
line 1: not "<id> <language> [archived]" with an id of 1 to 999999



=== a language table with a fourth word, or "archived" misspelt, is refused
--- setup
open my $fh, '>', servroot() . '/conf/j0.conf' or die $!;
print $fh "71 python archive\n";
close $fh;
--- config
    location /judge0/ { judge_api judge0 languages=j0.conf; }
--- must_die
--- error_log
line 1: not "<id> <language> [archived]"



=== a language table with comments, blank lines and CRLF line ends works
--- http_config eval: $::Http
--- setup
open my $fh, '>', servroot() . '/conf/j0.conf' or die $!;
print $fh "# ids\r\n\r\n  71\tpython   # the newest\r\n7 python archived\r\n999999 python\r\n#\r\n";
close $fh;
--- config
    location /judge0/ { judge_api judge0 languages=j0.conf; }
    location = /worker { judge_worker_endpoint; }
    location / { judge_api; }
--- timeout: 60
--- perl
spawn_worker('w1', slots => 1);
ok(wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20), 'worker up');
my ($c, $j) = http_json(GET => '/judge0/languages');
is($c, 200, 'GET /languages');
is_deeply([map { $_->{id} } @$j], [71, 999999], 'the ids not archived');
($c, $j) = http_json(GET => '/judge0/languages/all');
is_deeply([map { $_->{id} } @$j], [71, 7, 999999], 'all of them');
($c, $j) = http_json(GET => '/judge0/languages/7');
is($j->{is_archived}, JSON::PP::true, 'an archived one');
for my $id ('abc', '0', '-7', '99999999999999999999', '7x') {
    ($c, $j) = http_json(GET => "/judge0/languages/$id");
    is($c, 404, "GET /languages/$id: 404");
    is($j->{error}, 'language not found', 'judge0: {"error"}');
}
($c, $j) = http_json(POST => '/judge0/submissions?wait=true',
                     { language_id => 999999, source_code => 'print(9)' });
is($c, 201, 'the largest id is submitted');
is($j->{stdout}, "9\n", 'and runs');



=== clients that go away while waiting, or send slowly, leave nothing behind
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_worker(), 'worker up');
my $slow = "import time\ntime.sleep(2)\nprint(1)";

# a body sent a few bytes at a time
my $body = encode_json({ language => 'python', files => [{ content => 'print(3)' }] });
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port(), Proto => 'tcp');
print $s "POST /api/v2/execute HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
         . length($body) . "\r\n\r\n";
for my $piece (unpack '(a8)*', $body) {
    print $s $piece;
    $s->flush;
    sleep 0.05;
}
my $got = '';
while (my $n = sysread $s, my $chunk, 65536) { $got .= $chunk }
close $s;
like($got, qr/^HTTP\/1\.1 200/, 'a slow body: 200');
like($got, qr/"stdout":"3\\n"/, 'and it ran');

# a Piston execute and a Judge0 wait=true, the client gone before the end
for my $req (["/api/v2/execute", encode_json({ language => 'python', files => [{ content => $slow }] })],
             ["/judge0/submissions?wait=true", encode_json({ language_id => 71, source_code => $slow })]) {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port(), Proto => 'tcp');
    print $s "POST $req->[0] HTTP/1.1\r\nHost: x\r\nContent-Length: " . length($req->[1])
             . "\r\n\r\n$req->[1]";
    sleep 0.5;
    close $s;
}

# the jobs of the clients that left end, and their places are given back
ok(wait_until(sub {
    my ($c, $j) = piston(files => [{ content => 'print(4)' }]);
    $c == 200 && $j->{run}{stdout} eq "4\n";
}, 30), 'a new execute runs once theirs have ended');
my ($c, $j) = judge0('?wait=true');
is($c, 201, 'and a new wait=true');
is($j->{stdout}, "1\n", 'answers');



=== HEAD and odd methods on every path answer in the dialect's shape
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_worker(), 'worker up');
my ($c, $j) = http_json(POST => '/judge0/submissions', { language_id => 71, source_code => 'print(1)' });
my $token = $j->{token};
my @judge0 = ('/submissions', '/submissions/batch', "/submissions/$token", '/languages',
              '/languages/all', '/languages/71', '/statuses', '/about', '/version',
              '/config_info', '/nope', '/');
for my $path (@judge0) {
    for my $m (qw(HEAD PUT PATCH OPTIONS PROPFIND)) {
        my $r = http_request($m, "/judge0$path", '', [], 10);
        ok($r->code >= 400 && $r->code < 500 || ($m eq 'HEAD' && $r->code == 200),
           "$m /judge0$path: " . $r->code);
        next if $m eq 'HEAD';
        my $e = eval { decode_json($r->content) } // {};
        ok(defined $e->{error}, "$m /judge0$path: {\"error\"}") or diag($r->content);
    }
}
for my $path ('/execute', '/runtimes', '/packages', '/connect', '/nope', '/') {
    for my $m (qw(HEAD GET PUT DELETE OPTIONS PROPFIND)) {
        next if $m eq 'GET' && $path eq '/runtimes';
        my $r = http_request($m, "/api/v2$path", '', [], 10);
        ok($r->code >= 400 && $r->code < 500 || ($m eq 'HEAD' && $path eq '/runtimes'),
           "$m /api/v2$path: " . $r->code);
        next if $m eq 'HEAD';
        my $e = eval { decode_json($r->content) } // {};
        ok(defined $e->{message}, "$m /api/v2$path: {\"message\"}") or diag($r->content);
    }
}
