# The API's contract, docs/openapi.yaml: it is a valid OpenAPI 3
# document, it names what the module serves (its routes, the error codes
# it sends with their statuses, the names of statuses and verdicts), the
# harness's check rejects answers it does not give, and the answers no
# other test asks for follow it.  Every answer here is checked by the
# harness (Test::Judge::Nginx) as it comes.

use Test::Judge::Nginx;
use Test::Judge::Contract;
use Test::Judge::Wire qw(registered test_result_msg);
use HTTP::Response;
use IO::Select;
use IO::Socket::INET;
use JSON::PP;

our $Http = <<'CONF';
    judge_zone judge:4m;
    judge_worker_token t;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
CONF

# a file of the repository, whole
sub source {
    my ($file) = @_;
    $file = repo_root() . "/$file" unless $file =~ m{^/};
    open my $fh, '<', $file or die "$file: $!";
    local $/;
    return scalar <$fh>;
}

sub contract { Test::Judge::Contract::contract() }

# every value an enum of the contract's gives error.code in the schema
# "s" (through $ref, allOf and oneOf)
sub error_codes {
    my ($s) = @_;
    $s = Test::Judge::Contract::deref(contract(), $s);
    return () unless ref $s eq 'HASH';
    my @codes = map { error_codes($_) }
                @{ $s->{allOf} // [] }, @{ $s->{oneOf} // [] };
    my $code = $s->{properties}{error}{properties}{code};
    push @codes, @{ $code->{enum} } if $code && $code->{enum};
    return @codes;
}

# "status code" => 1 for every error the contract gives, anywhere
sub contract_errors {
    my $c = contract();
    my @responses;
    for my $item (values %{ $c->get('/paths') }) {
        push @responses, map { [%{ $_->{responses} }] } values %$item;
    }
    push @responses, map { [%$_] } values %{ $c->get('/x-unrouted') };

    my %known;
    for my $list (@responses) {
        my %r = @$list;
        for my $status (keys %r) {
            my $res = Test::Judge::Contract::deref($c, $r{$status});
            my $json = ($res->{content} // {})->{'application/json'} or next;
            $known{"$status $_"} = 1 for error_codes($json->{schema});
        }
    }
    return %known;
}

sub response {
    my ($code, $type, $body, @headers) = @_;
    my $r = HTTP::Response->new($code);
    $r->header('Content-Type' => $type) if $type;
    $r->header(@headers) if @headers;
    $r->content($body);
    return $r;
}

# the checker's verdict on an answer made up here
sub check {
    my ($method, $path, $r, $kind) = @_;
    return Test::Judge::Contract::check(method => $method, path => $path,
                                        kind => $kind // 'judge_api',
                                        response => $r);
}

our $Health = {status => 'ok', version => '0.1.0', pid => 12, generation => 1,
               workers => 0, free_slots => 0,
               zone => {name => 'judge', size => 4194304, free => 65536,
                        generation => 1, created => 1700000000,
                        instance => '0a1b2c3d'}};

our $Id = '0123456789abcdef01234567';

our $Test = {id => '1', index => 0, verdict => 'AC', cpu_time_ms => 1,
             wall_time_ms => 2, memory_kb => 1024, exit_code => 0,
             signal => 0, stdout => "1\n", stderr => '',
             stdout_truncated => JSON::PP::false,
             stderr_truncated => JSON::PP::false, checker_message => '',
             message => '', worker => 'w1'};

sub json { JSON::PP->new->canonical->encode(shift) }

# a Python worker played from Perl
sub worker {
    my ($id) = @_;
    return registered(nginx_port(), 't', id => $id, slots => 2,
                      languages => [['python', 'Python', '3']])
        // die "$id not welcomed\n";
}

sub submit {
    my ($query) = @_;
    return http_json(POST => '/submissions' . ($query // ''),
                     {language => 'python', source => 'print(1)',
                      tests => [{input => '', expected_output => "1\n"}]});
}

run_tests();

__DATA__

=== the contract is a valid OpenAPI 3 document
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $c = contract();
like($c->get('/openapi'), qr/^3\.0\.\d+$/, 'OpenAPI 3.0');
my @e = Test::Judge::Contract::document_errors();
is(scalar @e, 0, 'valid against the OpenAPI 3.0 schema') or diag(join "\n", @e);
is($c->get('/info/version'), (http_json(GET => '/health'))[1]{version},
   'of the version the module reports');


=== the contract has the module's routes, each with its methods, and no other
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $api = source('ngx_judge_module/ngx_http_judge_api.c');
my ($table) = $api =~ /ngx_http_judge_routes\[\] = \{(.*?)\n\};/s;
my @module = ('get /worker');
while ($table =~ /ngx_string\("([^"]+)"\),\s*([A-Z_|]+),/g) {
    my ($path, $methods) = ($1, $2);
    $path =~ s/\*/{id}/g;
    push @module, map { lc(s/^NGX_HTTP_//r) . " $path" } split /\|/, $methods;
}
ok(@module > 10, 'the route table read: ' . scalar @module . ' operations');
my @contract = map { "$_->{method} $_->{path}" } contract()->routes->each;
is_deeply([sort @contract], [sort @module],
          'the operations of docs/openapi.yaml are the route table\'s');


=== every error the module sends is in the contract with its status
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my %status;
for my $h ('/usr/share/nginx/src/src/http/ngx_http_request.h',
           repo_root() . '/ngx_judge_module/ngx_http_judge_module.h') {
    open my $fh, '<', $h or die "$h: $!";
    while (<$fh>) {
        $status{$1} = $2 if /^#define\s+(NGX_HTTP_\w+)\s+(\d{3})\b/;
    }
}
my %sent;
for my $file (glob(repo_root() . '/ngx_judge_module/*.c')) {
    my $text = source($file);
    while ($text =~ /(?:(?:send_error(?:_with)?|refuse)\(r|_invalid(?:_args)?\((?:&?err)),\s*(\w+),\s*"(\w+)"/g) {
        my $code = $status{$1} // die "unknown status $1";
        $sent{"$code $2"} = 1;
    }
}
ok(keys %sent > 30, 'errors read from the module: ' . keys %sent);
my %known = contract_errors();
my @missing = grep { !$known{$_} } sort keys %sent;
is_deeply(\@missing, [],
          'each (status, code) the module sends is in the contract');
my %quick;
my $conf = source('conf/quickstart.conf');
$quick{"$1 $2"} = 1 while $conf =~ /return (\d{3}) '\{"error":\{"code":"(\w+)"/g;
is_deeply([grep { !$known{$_} } sort keys %quick], [],
          'each error the error_page mappings of conf/quickstart.conf make too');
is_deeply([grep { !$sent{$_} && !$quick{$_} } sort keys %known], [],
          'and the contract has no error neither makes');


=== the names of statuses and verdicts are the module's
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $c = contract();
my $job = source('ngx_judge_module/ngx_http_judge_job.c');
my ($states) = $job =~ /ngx_http_judge_job_states\[\] = \{(.*?)\};/s;
is_deeply($c->get('/components/schemas/JobStatus/enum'),
          [$states =~ /"(\w+)"/g], 'job statuses');
my $proto = source('proto/judge.proto');
my ($enum) = $proto =~ /enum Status \{(.*?)\}/s;
is_deeply([sort @{ $c->get('/components/schemas/StatusName/enum') }],
          [sort grep { $_ ne 'STATUS_UNSPECIFIED' } $enum =~ /^\s*(\w+)\s*=/mg],
          'compile statuses: proto/judge.proto Status');
my $results = source('ngx_judge_module/ngx_http_judge_results.c');
# a test's own verdicts, then those of any run ended by a limit or IE
my ($own) = $results
    =~ /a test ends in a verdict.*?if \((res->status != .*?)\)\n\s*\{/s;
my ($ended) = $results
    =~ /\nngx_http_judge_results_run_ended\(.*?switch \(status\) \{(.*?)return 1;/s;
is_deeply([sort @{ $c->get('/components/schemas/TestVerdict/enum') }],
          [sort(($own =~ /JUDGE__STATUS__(\w+)/g),
                ($ended =~ /JUDGE__STATUS__(\w+):/g))], 'test verdicts');
my %verdict = map { $_ => 1 } @{
    $c->get('/components/schemas/Submission/properties/verdict/enum') };
my @tests = @{ $c->get('/components/schemas/TestVerdict/enum') };
is_deeply([sort keys %verdict], [sort @tests, 'CE', 'CANCELLED'],
          "a submission's verdict: a test's, CE or CANCELLED");


=== the check rejects answers the contract does not give, naming the rule
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my @good = check(GET => '/health', response(200, 'application/json', json($::Health)));
is_deeply(\@good, [], 'a right answer passes');

my %bad = (
    'a number as a string' => [GET => '/health',
        response(200, 'application/json', json({%$::Health, pid => '12'})),
        qr{^GET /health -> 200: /pid: Expected integer - got string}],
    'a member it does not give' => [GET => '/health',
        response(200, 'application/json', json({%$::Health, uptime => 5})),
        qr{/: Properties not allowed: uptime}],
    'a member missing' => [GET => '/health',
        response(200, 'application/json',
                 json({map { $_ => $::Health->{$_} } grep { $_ ne 'zone' } keys %$::Health})),
        qr{/zone: Missing property}],
    'a status the operation does not list' => [GET => '/health',
        response(404, 'application/json', '{"error":{"code":"not_found","message":"x"}}'),
        qr{the contract gives /health no 404 for GET}],
    'a route the contract does not have' => [GET => '/stats',
        response(200, 'application/json', '{}'),
        qr{the contract has no route for /stats}],
    'a method the route does not take, answered' => [PUT => '/health',
        response(200, 'application/json', json($::Health)),
        qr{the contract has no PUT for /health}],
    'an error code of another status' => [POST => '/submissions',
        response(400, 'application/json', '{"error":{"code":"queue_full","message":"x"}}'),
        qr{/error/code: .*Not in enum list}],
    'an error without its message' => [GET => "/submissions/$::Id",
        response(404, 'application/json', '{"error":{"code":"submission_not_found"}}'),
        qr{/error/message: .*Missing property}],
    'an error that is not JSON' => [GET => "/submissions/$::Id",
        response(500, 'text/html', '<html>500</html>'),
        qr{content type text/html, not application/json}],
    'a body that is not JSON' => [GET => '/health',
        response(200, 'application/json', '{"status":'),
        qr{the body is not JSON}],
    'a 503 without Retry-After' => [POST => '/submissions',
        response(503, 'application/json', '{"error":{"code":"queue_full","message":"x"}}'),
        qr{no Retry-After header}],
    'a Location elsewhere' => [POST => '/submissions',
        response(202, 'application/json', json({id => $::Id, status => 'QUEUED'}),
                 Location => '/jobs/1'),
        qr{header Location: .*String does not match}],
    'a verdict it does not know' => [GET => "/submissions/$::Id",
        response(200, 'application/json',
                 json({id => $::Id, status => 'COMPLETED', verdict => 'OK', score => 1,
                       passed => 1, total => 1, language => 'python', tests => [$::Test],
                       created_at => '2024-01-01T00:00:00.000Z',
                       finished_at => '2024-01-01T00:00:01.000Z'})),
        qr{/verdict: (?:/oneOf/0 )?Not in enum list}],
    'a test event of the wrong shape' => [GET => "/submissions/$::Id/events",
        response(200, 'text/event-stream',
                 ": judge\n\nevent: test\ndata: " . json({%$::Test, index => -1}) . "\n\n",
                 'Cache-Control' => 'no-cache', 'X-Accel-Buffering' => 'no'),
        qr{event 1 \(test\): /index: .*minimum}],
    'an event it does not give' => [GET => "/submissions/$::Id/events",
        response(200, 'text/event-stream', "event: progress\ndata: {}\n\n",
                 'Cache-Control' => 'no-cache', 'X-Accel-Buffering' => 'no'),
        qr{event 1: a name the contract does not give: progress}],
    'metrics that are not Prometheus text' => [GET => '/metrics',
        response(200, 'text/plain; version=0.0.4', "judge_workers: 0\n"),
        qr{GET /metrics -> 200: /: String does not match}],
);

for my $name (sort keys %bad) {
    my ($method, $path, $r, $re) = @{ $bad{$name} };
    my @e = check($method, $path, $r);
    ok(scalar(grep { $_ =~ $re } @e), "rejected: $name") or diag(join "\n", @e);
}

my @e = check(POST => "/workers/w1/drain",
              response(200, 'application/json', '{"id":"w1","drained":true}'));
ok(scalar(grep { /given only on a judge_admin location, answered on a judge_api/ }
           @e),
   'rejected: an admin operation done on the public API') or diag(join "\n", @e);
@e = check(GET => '/workers',
           response(200, 'application/json',
                    json({count => 1, workers => [{abi => 'x', cores => 1, slots => 1,
                          free_slots => 1, active_tasks => 0, load => 0, cpu_percent => 0,
                          ram_kb => 1, ram_used_kb => 1, tasks_done => 0,
                          draining => JSON::PP::false, connected_at => 1,
                          heartbeat_age_ms => 1, host => 'secret'}]})));
ok(scalar @e, 'rejected: a public worker list that names a host') or diag('accepted');


=== HEAD answers the headers of GET on every route that takes it
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w = worker('w1');
my (undef, $s) = submit();
for my $uri ('/health', '/workers', '/languages', '/languages/python',
             '/metrics', "/submissions/$s->{id}") {
    my $r = http_request(HEAD => $uri);
    is($r->code, 200, "HEAD $uri: 200");
    is($r->content, '', "HEAD $uri: no body");
}
my $r = http_request(HEAD => "/submissions/$s->{id}/events");
is($r->code, 405, 'the event stream is GET only');


=== the public API's answers: an empty fleet, unknown ids, wrong methods
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my ($c, $l) = http_json(GET => '/languages');
is($c, 200, 'languages of an empty fleet');
is_deeply($l, {total => 0, languages => []}, 'none');
($c) = http_json(GET => '/languages/python');
is($c, 404, 'no worker offers python: 404');
($c) = http_json(DELETE => "/submissions/$::Id");
is($c, 404, 'cancelling no submission: 404');
($c) = http_json(GET => "/submissions/$::Id?wait=true");
is($c, 404, 'waiting for no submission: 404');
($c) = http_json(GET => "/submissions/$::Id/events");
is($c, 404, 'following no submission: 404');
($c) = http_json(DELETE => '/health');
is($c, 405, 'DELETE /health: 405');
($c) = http_json(GET => '/submissions');
is($c, 405, 'GET /submissions: 405');
($c) = http_json(GET => '/submissions/');
is($c, 404, 'an empty id is no route: 404');
($c) = http_json(POST => '/submissions', '{"language":1}');
is($c, 400, 'a language that is not a string: 400');
($c) = http_json(POST => '/submissions', {language => 'klingon', source => 'x',
                                           tests => [{expected_output => ''}]});
is($c, 422, 'a language no worker ever offered: 422');


=== the admin API: 401 before any route, its own 404 and 405
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $r = http_request(GET => '/admin/no/such/thing');
is($r->code, 401, 'no token, unknown path: 401');
$r = http_request(DELETE => '/admin/health');
is($r->code, 401, 'no token, wrong method: 401');
my ($c) = admin_json(GET => '/no/such/thing');
is($c, 404, 'with the token, unknown path: 404');
($c) = admin_json(DELETE => '/health');
is($c, 405, 'with the token, wrong method: 405');
($c) = admin_json(GET => '/workers/w1/drain');
is($c, 405, 'GET on the drain: 405');
($c) = admin_json(GET => '/health');
is($c, 200, 'with the token, health');
($c) = admin_json(GET => '/metrics');
is($c, 200, 'with the token, metrics');


=== the worker endpoint refuses what is not a worker's upgrade
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $r = http_request(GET => '/worker');
is($r->code, 401, 'no token: 401');
$r = http_request(GET => '/worker', '', ['Authorization: Bearer wrong']);
is($r->code, 401, 'a wrong token: 401');
$r = http_request(POST => '/worker', '', ['Authorization: Bearer t']);
is($r->code, 405, 'POST: 405');
$r = http_request(GET => '/worker', '', ['Authorization: Bearer t']);
is($r->code, 426, 'no upgrade: 426');


=== waiting: a submission that does not finish in judge_wait_timeout is answered where it stands
--- http_config eval: $::Http . "    judge_wait_timeout 500ms;\n"
--- config eval: $::Config
--- perl
my $w = worker('w1');
my ($c, $s) = submit('?wait=true');
is($c, 202, 'POST ?wait=true, not finished at the timeout: 202');
like($s->{status}, qr/^(QUEUED|RUNNING)$/, 'not finished');
is($s->{verdict}, undef, 'no verdict yet');
($c, $s) = http_json(GET => "/submissions/$s->{id}?wait=true");
is($c, 200, 'GET ?wait=true at the timeout: 200');
is($s->{finished_at}, undef, 'not finished');


=== waiting: the finished submission, its events, a cancel too late
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w = worker('w1');
my (undef, $s) = submit();
my (undef, $b) = $w->recv_cmd(5);
$w->send_msg(test_result_msg(job_id => $s->{id}, task_id => $b->{2}[0],
                             index => 0, status => 'AC', stdout => "1\n"));
my ($c, $done) = http_json(GET => "/submissions/$s->{id}?wait=true");
is($c, 200, 'GET ?wait=true: 200');
is($done->{verdict}, 'AC', 'finished, AC');
my $r = http_request(GET => "/submissions/$s->{id}/events");
is($r->code, 200, 'the events of a finished submission');
like($r->content, qr/^event: verdict$/m, 'end with its verdict');
($c) = http_json(DELETE => "/submissions/$s->{id}");
is($c, 409, 'cancelling it: 409');


=== too many followers of one submission: 503 with Retry-After
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w = worker('w1');
my (undef, $s) = submit();
my ($followed, @followers) = (0);
for (1 .. 64) {
    my $f = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port(),
                                  Timeout => 5)
        or die $!;
    print $f "GET /submissions/$s->{id}/events HTTP/1.1\r\nHost: x\r\n\r\n";
    push @followers, $f;
}
for my $f (@followers) {
    my $head = '';
    while ($head !~ /: judge\n\n/ && IO::Select->new($f)->can_read(5)) {
        sysread($f, $head, 4096, length $head) or last;
    }
    $followed++ if $head =~ m{^HTTP/1\.1 200};
}
is($followed, 64, '64 follow it');
my $r = http_request(GET => "/submissions/$s->{id}/events");
is($r->code, 503, 'the 65th: 503');
is($r->header('Retry-After'), '1', 'with Retry-After');
close $_ for @followers;
