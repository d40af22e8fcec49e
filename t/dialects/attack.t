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
    my $json = eval { JSON::PP->new->allow_nonref->decode($r->content) };
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
