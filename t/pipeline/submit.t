# POST /submissions: every kind of bad input gets a clear JSON error with
# the right status, and nothing breaks.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(dial register_msg registered);

our $Http = <<'CONF';
    judge_zone judge:4m;
    judge_worker_token t;
    judge_max_body_size 1m;
    judge_max_source_size 512k;
    judge_max_tests 50;
    judge_cpu_time_limit 1s 5s;
CONF

our $Config = <<'CONF';
    client_max_body_size 0;
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

# a Perl worker offering python, so submissions are not refused for
# want of workers; it never answers, which these tests don't need
sub python_worker {
    return registered(nginx_port(), 't', id => 'py',
                      languages => [['python', 'Python', '3']]);
}

sub post {
    my ($body, @headers) = @_;
    my $r = http_request('POST', '/submissions', $body,
                         [@headers ? @headers : 'Content-Type: application/json']);
    my $j = eval { JSON::PP::decode_json($r->content) };
    return ($r->code, $j, $r);
}

sub error_is {
    my ($body, $code, $err, $msg_re, $name) = @_;
    my ($c, $j) = post($body);
    is($c, $code, "$name: $code");
    is($j && $j->{error}{code}, $err, "$name: $err");
    like($j && $j->{error}{message}, $msg_re, "$name: message") if $msg_re;
}

run_tests();

__DATA__

=== malformed submissions get 4xx JSON errors naming the problem
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w = python_worker();
my $ok = '"language":"python","source":"print(1)","tests":[{"input":"","expected_output":"1\n"}]';
error_is('{', 400, 'invalid_json', qr/line 1 column/, 'truncated JSON');
error_is('[1,2]', 400, 'invalid_request', qr/object/, 'not an object');
error_is("{\"language\":\"python\",\"source\":\"\xff\xfe\"}", 400, 'invalid_json',
         qr/unable to decode byte/, 'invalid UTF-8');
error_is(qq({$ok,"surprise":1}), 400, 'unknown_field', qr/surprise/, 'unknown field');
error_is('{"language":1,"source":"x","tests":[]}', 400, 'invalid_request',
         qr/language/, 'language of the wrong type');
error_is('{"language":"klingon","source":"x","tests":[{"expected_output":""}]}',
         422, 'unknown_language', qr/klingon/, 'unknown language');
error_is('{"language":"python","tests":[{"expected_output":""}]}', 400,
         'invalid_request', qr/source/, 'no source');
error_is('{"language":"python","source":"x","tests":[]}', 400,
         'invalid_request', qr/non-empty/, 'empty tests');
error_is('{"language":"python","source":"x","tests":"all"}', 400,
         'invalid_request', qr/tests/, 'tests not an array');
error_is('{"language":"python","source":"x","tests":[{"input":""}]}', 400,
         'invalid_request', qr/expected_output/, 'a test without expectations');
error_is('{"language":"python","source":"x","tests":[{"input":5,"expected_output":""}]}',
         400, 'invalid_request', qr/input/, 'input of the wrong type');
error_is(qq({$ok,"limits":{"cpu_time_ms":-5}}), 400, 'invalid_request',
         qr/cpu_time_ms/, 'negative limit');
error_is(qq({$ok,"limits":{"cpu_time_ms":1e30}}), 400, 'invalid_request',
         qr/cpu_time_ms/, 'huge float limit');
error_is(qq({$ok,"limits":{"cpu_time_ms":60000}}), 422, 'limit_too_high',
         qr/maximum 5000/, 'limit above the maximum');
error_is(qq({$ok,"limits":{"gpu":1}}), 400, 'unknown_field', qr/gpu/, 'unknown limit');
error_is(qq({$ok,"checker":{"type":"vibes"}}), 400, 'invalid_request',
         qr/checker.type/, 'unknown checker');
error_is(qq({$ok,"checker":{"type":"custom"}}), 400, 'invalid_request',
         qr/language/, 'custom checker without a program');
error_is(qq({$ok,"stop_on_first_failure":"yes"}), 400, 'invalid_request',
         qr/stop_on_first_failure/, 'boolean of the wrong type');
error_is(qq({"language":"python","files":[{"name":"../x","content":""}],"tests":[{"expected_output":""}]}),
         400, 'invalid_request', qr/files\[0\]/, 'path in a file name');
error_is(qq({"language":"python","source":"x","tests":[{"expected_output":"","assertions":[{"stdoutLooksNice":true}]}]}),
         400, 'invalid_request', qr/assertions\[0\]/, 'unknown assertion');
error_is('{"language":"python","source":"x","tests":[' . join(',', ('{"expected_output":""}') x 51) . ']}',
         422, 'too_many_tests', qr/50/, 'more tests than judge_max_tests');
error_is(qq({$ok,"compiler_flags":"-O2"}), 400, 'invalid_request',
         qr/compiler_flags/, 'flags not an array');

my ($c, $j) = post('{"language":"python","source":"' . ('x' x (2 << 20)) . '","tests":[]}');
is($c, 413, 'a body over judge_max_body_size: 413');
($c, $j) = post('{"language":"python","source":"' . ('x' x (600 << 10)) . '","tests":[{"expected_output":""}]}');
is($c, 413, 'a source over judge_max_source_size: 413');
is($j && $j->{error}{code}, 'source_too_large', 'source_too_large');
($c, $j) = post('{"language":"python","source":"' . ('x' x (2 << 20)) . '","tests":[]}');
is($c, 413, 'a body over judge_max_body_size: 413');
is($j && $j->{error}{code}, 'body_too_large', 'body_too_large');

($c, $j) = post($ok, 'Content-Type: text/plain');
($c, $j) = post("{$ok}", 'Content-Type: text/plain');
is($c, 415, 'not JSON: 415');
($c, $j) = post("{$ok}", 'Content-Type: application/jsonx');
is($c, 415, 'a type that only starts like JSON: 415');
($c, $j) = post("{$ok}", 'Content-Type: application/json; charset=utf-8');
is($c, 202, 'JSON with parameters is JSON');

error_is('{"language":"' . ("\xc3\xa9" x 200) . '","source":"x","tests":[{"expected_output":""}]}',
         422, 'unknown_language', qr/unknown language/,
         'a long name cut short in the message stays valid UTF-8');
error_is(qq({$ok,"checker":{"type":"custom","language":"../../bin/sh","source":"x"}}),
         422, 'unknown_language', qr/checker language/, 'a checker language that is a path');
error_is(qq({$ok,"checker":{"type":"custom","language":"cobol","source":"x"}}),
         422, 'unknown_language', qr/checker language/, 'a checker language nobody has');
($c, $j) = post(qq({$ok,"checker":{"type":"custom","language":"python","source":") . ('x' x (600 << 10)) . '"}}');
is($c, 413, 'a checker over judge_max_source_size: 413');
is($j && $j->{error}{code}, 'source_too_large', 'source_too_large');

($c, $j) = post("{$ok}");
is($c, 202, 'and a good one is still accepted');
my ($hc) = http_json(GET => '/health');
is($hc, 200, 'nginx is fine');


=== a language judge_languages names that no live worker has: 503 with Retry-After
--- http_config eval: $::Http . "    judge_languages cpp c;\n"
--- config eval: $::Config
--- perl
my ($c, $j, $r) = post('{"language":"cpp","source":"x","tests":[{"expected_output":""}]}');
is($c, 503, 'no worker: 503');
is($j->{error}{code}, 'no_worker', 'no_worker');
is($r->header('Retry-After'), '1', 'Retry-After');
($c, $j) = post('{"language":"rust","source":"x","tests":[{"expected_output":""}]}');
is("$c $j->{error}{code}", '422 unknown_language',
   'one it does not name, that no worker offered: 422 (the module knows no list of its own)');


=== the languages workers offered are remembered across a restart: submissions in them wait for their workers, as after a reload
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w = registered(nginx_port(), 't', id => 'z',
                   languages => [['zig', 'Zig', '0.10', 1], ['python', 'Python', '3']])
    // die "not welcomed\n";
$w->close;
restart_nginx();
my ($c, $j) = post('{"language":"zig","source":"x","tests":[{"expected_output":""}]}');
is($c, 202, 'after a restart, a language a worker offered is taken and waits');
($c, $j) = post('{"language":"python","source":"x","tests":[{"expected_output":""}]}');
is($c, 202, 'and its other one');
($c, $j) = post('{"language":"klingon","source":"x","tests":[{"expected_output":""}]}');
is("$c $j->{error}{code}", '422 unknown_language', 'one nobody offered: 422');
ok(-s servroot() . '/judge_cache/languages' || glob(servroot() . '/*/languages'),
   'kept in the cache directory');


=== a compiled language remembered across a restart stays compiled: a submission taken before its worker is back is compiled first, not run without a program
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w = registered(nginx_port(), 't', id => 'z',
                   languages => [['zig', 'Zig', '0.10', 1], ['python', 'Python', '3']])
    // die "not welcomed\n";
$w->close;
restart_nginx();
my ($c, $j) = post('{"language":"zig","source":"x","tests":[{"expected_output":""}]}');
is($c, 202, 'taken while its worker is away');
$w = registered(nginx_port(), 't', id => 'z',
                languages => [['zig', 'Zig', '0.10', 1]])
    // die "not welcomed again\n";
my ($name) = $w->recv_cmd(5);
is($name, 'compile', 'its worker back, it is compiled');
$w->close;

# a file that names a language without saying whether it is compiled
my ($file) = grep { -f } servroot() . '/judge_cache/languages',
                         glob(servroot() . '/*/languages');
open my $fh, '>', $file or die "$file: $!";
print $fh "zig\n";
close $fh;
restart_nginx();
($c, $j) = post('{"language":"zig","source":"x","tests":[{"expected_output":""}]}');
is("$c $j->{error}{code}", '503 no_worker',
   'a language the file does not say is compiled or not waits for its worker');


=== unknown submissions are a JSON 404
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /submissions/0123456789abcdef01234567
--- error_code: 404
--- response_json
{"error": {"code": "submission_not_found"}}


=== the queue is bounded: past judge_queue_size, 503 with Retry-After
--- http_config eval: $::Http . "    judge_queue_size 2;\n    judge_client_key \$http_x_client;\n"
--- config eval: $::Config
--- perl
my $w = python_worker();
my $ok = '{"language":"python","source":"print(1)","tests":[{"expected_output":"1\n"}]}';
my @res = map { [post($ok, 'Content-Type: application/json', "X-Client: c$_")] } 1 .. 3;
is(join(' ', map { $_->[0] } @res), '202 202 503', 'third refused');
is($res[2][1]{error}{code}, 'queue_full', 'queue_full');
is($res[2][2]->header('Retry-After'), '1', 'with Retry-After');


=== languages list the union of what live workers offer
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w = python_worker();
my $w2 = dial(port => nginx_port(), token => 't');
$w2->send_msg(register_msg(id => 'cc', languages => [['cpp', 'C++ (GCC 12)', '12.2.0', 1],
                                                     ['python', 'Python', '3']]));
$w2->recv_cmd(5);
my ($c, $l) = http_json(GET => '/languages');
is($c, 200, 'languages');
my %by = map { $_->{id} => $_ } @{ $l->{languages} };
is($by{python}{workers}, 2, 'python on both');
is($by{cpp}{version}, '12.2.0', 'cpp version');
is($by{cpp}{compiled}, JSON::PP::true, 'cpp compiled');
is($by{python}{defaults}{cpu_time_ms}, 1000, 'defaults from the directives');
my ($c1, $one) = http_json(GET => '/languages/cpp');
is($one->{name}, 'C++ (GCC 12)', 'one language');
my ($c404) = http_json(GET => '/languages/cobol');
is($c404, 404, 'unknown: 404');
