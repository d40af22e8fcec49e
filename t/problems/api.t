# Problems stored on the judge, through a real nginx and real workers:
# PUT (admin only) of a JSON definition with stages, samples, hidden tests
# and assertions; GET of the public part and the list; submissions judged
# against the stored tests, stage by stage; nothing of a hidden test in
# any answer; versions; problems kept across a restart.

use Test::Judge::Nginx;
use JSON::PP;

our $Http = <<'CONF';
    judge_zone judge:16m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

our $Config = <<'CONF';
    client_max_body_size 8m;
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
CONF

# Secrets no answer may carry: the hidden tests' inputs, expected outputs
# and assertion values.
our @Secret = ('SECRET-IN-4471', 'SECRET-OUT-9902', 'SECRET-ASSERT-5150');

our %Problem = (
    title => 'Echo twice',
    statement => "Print the line you read, twice.\n",
    limits => { cpu_time_ms => 2000 },
    stages => [
        { name => 'samples', number => 1, tests => [
            { name => 's1', sample => JSON::PP::true,
              stdin => "hello\n", expected_output => "hello\nhello\n" } ] },
        { name => 'hidden', number => 2, tests => [
            { name => 'h1', stdin => "$Secret[0]\n",
              expected_output => "$Secret[0]\n$Secret[0]\n" },
            { name => 'h2', stdin => "abc\n",
              assertions => [
                  { stdoutContains => 'abc', description => 'echoes the input' },
                  { stdoutNotContains => "abc\nabc\nabc",
                    description => 'twice, not three times' },
                  { stdoutNotContains => $Secret[2],
                    description => 'says nothing else' } ] },
            { name => 'h3', stdin => "$Secret[1]\n",
              expected_output => "$Secret[1]\n$Secret[1]\n" } ] },
        { name => 'extra', number => 3, tests => [
            { name => 'e1', stdin => "q\n", expected_output => "q\nq\n" } ] },
    ],
);

sub start_worker {
    spawn_worker('w1', slots => 2);
    return wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20);
}

sub no_secret {
    my ($text, $what) = @_;
    my @found = grep { index($text, $_) >= 0 } @Secret;
    ok(!@found, "$what carries no hidden bytes") or diag("found @found in $text");
}

sub submit_wait {
    my ($id, $body) = @_;
    my ($c, $j) = http_json(POST => "/problems/$id/submissions?wait=true", $body);
    return ($c, $j);
}

run_tests();

__DATA__

=== a JSON problem: admin writes, anybody reads the public part
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
my ($c, $j) = http_json(PUT => '/problems/echo', \%::Problem);
is($c, 403, 'PUT where judge_admin is not: 403');
is($j->{error}{code}, 'admin_only', 'admin_only');

my $r = http_request(PUT => '/admin/problems/echo',
                     encode_json(\%::Problem),
                     ['Content-Type: application/json']);
is($r->code, 401, 'no token: 401');

($c, $j) = admin_json(PUT => '/problems/echo', \%::Problem);
is($c, 201, 'created') or diag(encode_json($j));
is($j->{version}, 1, 'version 1');
is($j->{tests_total}, 5, 'five tests');
no_secret(encode_json($j), 'the PUT answer');

($c, $j, $r) = http_json(GET => '/problems/echo');
is($c, 200, 'read');
is($j->{title}, 'Echo twice', 'title');
is($j->{statement}, "Print the line you read, twice.\n", 'statement');
is(scalar @{ $j->{stages} }, 3, 'three stages');
is($j->{stages}[0]{name}, 'samples', 'stages in order');
my $s = $j->{stages}[0]{tests}[0];
is($s->{stdin}, "hello\n", 'a sample shows its input');
is($s->{expected_output}, "hello\nhello\n", 'and its output');
my $h = $j->{stages}[1]{tests}[1];
is($h->{name}, 'h2', 'a hidden test shows its name');
ok(!exists $h->{stdin} && !exists $h->{expected_output}, 'not its files');
is_deeply([map { $_->{description} } @{ $h->{assertions} }],
          ['echoes the input', 'twice, not three times', 'says nothing else'],
          'the descriptions of its assertions only');
no_secret($r->content, 'GET /problems/echo');

($c, $j) = admin_json(PUT => '/problems/echo', \%::Problem);
is($c, 200, 'replaced');
is($j->{version}, 2, 'version 2');

($c, $j) = http_json(GET => '/problems/echo?version=1');
is($j->{version}, 1, 'an older version can be read');

admin_json(PUT => "/problems/p$_", { title => "P$_", tests => [
    { stdin => '', expected_output => "$_\n" } ] }) for 1 .. 3;

($c, $j) = http_json(GET => '/problems?limit=2');
is($c, 200, 'list');
is_deeply([map { $_->{id} } @{ $j->{problems} }], ['echo', 'p1'], 'by id');
is($j->{next_cursor}, 'p1', 'a cursor');
($c, $j) = http_json(GET => "/problems?limit=2&cursor=$j->{next_cursor}");
is_deeply([map { $_->{id} } @{ $j->{problems} }], ['p2', 'p3'], 'the next page');
is($j->{problems}[0]{tests_total}, 1, 'with its count of tests');

($c, $j) = http_json(GET => '/problems/nope');
is($c, 404, 'no such problem: 404');
($c, $j) = http_json(GET => '/problems/..%2Fetc');
is($c, 404, 'a bad id: 404');

=== bad definitions: clear errors, nothing half-written
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
my @bad = (
    ['not json', '{', 400, 'invalid_json'],
    ['no tests', { title => 'x' }, 400, 'invalid_request'],
    ['unknown field', { tests => [{ stdin => '', expected_output => '' }], x => 1 },
     400, 'unknown_field'],
    ['a test with no expectation', { tests => [{ stdin => '' }] },
     422, 'invalid_problem'],
    ['two tests of one name', { tests => [
        { name => 'a', stdin => '', expected_output => '' },
        { name => 'a', stdin => '', expected_output => '' } ] },
     422, 'invalid_request'],
    ['a bad assertion', { tests => [{ stdin => '', assertions => [{ nope => 1 }] }] },
     400, 'invalid_request'],
    ['a bad env', { tests => [{ stdin => '', expected_output => '',
                                env => { '1X' => 'a' } }] },
     400, 'invalid_request'],
    ['a limit too high', { limits => { cpu_time_ms => 10 ** 9 },
                           tests => [{ stdin => '', expected_output => '' }] },
     422, 'limit_too_high'],
);

for my $b (@bad) {
    my ($name, $body, $code, $err) = @$b;
    my ($c, $j) = admin_json(PUT => '/problems/bad', $body);
    is($c, $code, "$name: $code");
    is($j->{error}{code}, $err, "$name: $err") or diag(encode_json($j));
}

my ($c, $j) = http_json(GET => '/problems/bad');
is($c, 404, 'none of them was stored');

my $r = http_request(PUT => '/admin/problems/bad', '',
                     ['Content-Type: application/gzip',
                      'Authorization: Bearer ' . admin_token()]);
is($r->code, 400, 'an empty package: 400');

$r = http_request(PUT => '/admin/problems/bad', 'x',
                     ['Content-Type: text/plain',
                      'Authorization: Bearer ' . admin_token()]);
is($r->code, 415, 'text/plain: 415');

=== judged against the stored tests: stages in order, hidden stays hidden
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_worker(), 'worker up');
my ($c, $j) = admin_json(PUT => '/problems/echo', \%::Problem);
is($c, 201, 'stored');

# right: everything passes, all three stages
($c, $j) = submit_wait('echo', { language => 'python',
    source => "import sys\nl = sys.stdin.readline()\nprint(l, end='')\nprint(l, end='')\n" });
is($c, 200, 'judged') or diag(encode_json($j));
is($j->{verdict}, 'AC', 'AC');
is($j->{problem}{id}, 'echo', 'the problem');
is($j->{problem}{version}, 1, 'and its version');
is_deeply([map { $_->{status} } @{ $j->{stages} }], [qw(passed passed passed)],
          'every stage passed');
is($j->{passed}, 5, 'five tests passed');

# a hostile program: echoes its input, prints the secrets it can guess,
# writes to stderr, fails the hidden stage
my $hostile = <<'PY';
import sys
data = sys.stdin.read()
sys.stdout.write(data * 3)
sys.stderr.write("stderr: " + data)
PY
($c, $j) = submit_wait('echo', { language => 'python', source => $hostile });
is($j->{verdict}, 'WA', 'WA');
is_deeply([map { $_->{status} } @{ $j->{stages} }], [qw(failed skipped skipped)],
          'the samples failed: the later stages are skipped');
is(scalar @{ $j->{tests} }, 1, 'only the sample ran');
is($j->{tests}[0]{stdout}, "hello\nhello\nhello\n", 'a sample shows its output');

my $twice = "import sys\nl = sys.stdin.readline()\nprint(l, end='')\n"
          . "if 'OUT' not in l: print(l, end='')\n"
          . "sys.stderr.write('err: ' + l)\n";
($c, $j, ) = submit_wait('echo', { language => 'python', source => $twice });
is($j->{verdict}, 'WA', 'WA on h3');
is_deeply([map { $_->{status} } @{ $j->{stages} }], [qw(passed failed skipped)],
          'the hidden stage failed, the last is skipped');
my ($h1) = grep { $_->{id} eq 'h1' } @{ $j->{tests} };
is($h1->{verdict}, 'AC', 'h1 passed');
is($h1->{stdout}, '', 'a hidden test shows no stdout');
is($h1->{stderr}, '', 'nor stderr');
ok($h1->{hidden}, 'and says it is hidden');

my ($h3) = grep { $_->{id} eq 'h3' } @{ $j->{tests} };
is($h3->{verdict}, 'WA', 'h3 failed');
is($h3->{checker_message}, 'wrong answer', 'a hidden test: the fixed words only');
my $id = $j->{id};

# every public answer about it
for my $uri ("/submissions/$id", "/submissions/$id/events") {
    my $r = http_request(GET => $uri);
    no_secret($r->content, "GET $uri");
}

# a program that spells its input in its exit code
($c, $j) = submit_wait('echo', { language => 'python', all_stages => JSON::PP::true,
    source => "import sys\nsys.exit(ord(sys.stdin.read(1)))\n" });
my @hidden = grep { $_->{hidden} } @{ $j->{tests} };
is(scalar @hidden, 4, 'four hidden tests ran');
is_deeply([map { [$_->{verdict}, $_->{exit_code}, $_->{signal}, $_->{message}] } @hidden],
          [map { ['RE', 0, 0, ''] } @hidden],
          'a hidden test shows RE, not the exit code nor the words about it');

# all stages on request
($c, $j) = submit_wait('echo', { language => 'python', source => $hostile,
                                 all_stages => JSON::PP::true });
is(scalar @{ $j->{tests} }, 5, 'all_stages: every test ran');
no_secret(encode_json($j), 'the all-stages answer');
my ($h2) = grep { $_->{id} eq 'h2' } @{ $j->{tests} };
is($h2->{verdict}, 'WA', 'an assertion failed');
is($h2->{checker_message}, 'twice, not three times', 'told by its description');

# POST /submissions with problem_id is the same
($c, $j) = http_json(POST => '/submissions?wait=true', { problem_id => 'echo',
    language => 'python', source => "print(input())\nprint(input())\n" });
is($c, 200, 'problem_id on /submissions');
is($j->{problem}{id}, 'echo', 'judged against the problem');

($c, $j) = http_json(POST => '/problems/nope/submissions',
                     { language => 'python', source => '' });
is($c, 404, 'no such problem: 404');
($c, $j) = http_json(POST => '/problems/echo/submissions',
                     { language => 'python', source => '', tests => [] });
is($c, 400, 'tests of its own: 400');

=== problems stay across a restart
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
my ($c, $j) = admin_json(PUT => '/problems/keep', { title => 'Kept',
    tests => [{ stdin => "1\n", expected_output => "1\n" }] });
is($c, 201, 'stored');
restart_nginx();
($c, $j) = http_json(GET => '/problems/keep');
is($c, 200, 'still there after a restart');
is($j->{title}, 'Kept', 'as it was');
($c, $j) = admin_json(PUT => '/problems/keep', { title => 'Kept 2',
    tests => [{ stdin => "1\n", expected_output => "1\n" }] });
is($j->{version}, 2, 'its versions go on');

=== rejudge: after a change, one submission or all of a problem's
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_worker(), 'worker up');
my %p = (title => 'Double', tests => [
    { name => 'a', stdin => "2\n", expected_output => "4\n" },
    { name => 'b', stdin => "5\n", expected_output => "10\n" } ]);
my ($c, $j) = admin_json(PUT => '/problems/dbl', \%p);
is($c, 201, 'stored');

my %right = (language => 'python', source => "print(int(input()) * 2)\n");
my %sq = (language => 'python', source => "x = int(input())\nprint(x * x)\n");
my (undef, $r1) = submit_wait('dbl', \%right);
my (undef, $r2) = submit_wait('dbl', \%sq);
my (undef, $r3) = submit_wait('dbl', \%right);
is($r1->{verdict}, 'AC', 'doubling: AC on version 1');
is($r2->{verdict}, 'WA', 'squaring: WA on version 1');
is($r1->{problem}{version}, 1, 'judged against version 1');

# the problem changes: now it is squaring
$p{tests} = [ { name => 'a', stdin => "2\n", expected_output => "4\n" },
              { name => 'b', stdin => "5\n", expected_output => "25\n" } ];
($c, $j) = admin_json(PUT => '/problems/dbl', \%p);
is($j->{version}, 2, 'version 2');

($c, $j) = http_json(POST => "/submissions/$r2->{id}/rejudge");
is($c, 403, 'rejudge outside the admin location: 403');

($c, $j) = admin_json(POST => "/submissions/$r2->{id}/rejudge?wait=true");
is($c, 200, 'one submission rejudged') or diag(encode_json($j));
is($j->{verdict}, 'AC', 'squaring is now AC');
is($j->{problem}{version}, 2, 'against version 2');
isnt($j->{id}, $r2->{id}, 'as a new submission');

($c, $j) = admin_json(POST => '/submissions/0123456789abcdef01234567/rejudge');
is($c, 404, 'an unknown submission: 404');

($c, $j) = admin_json(POST => '/problems/dbl/rejudge');
is($c, 202, 'all rejudged') or diag(encode_json($j));
is($j->{version}, 2, 'against version 2');
is(scalar @{ $j->{rejudged} }, 2, 'one of each program');
is_deeply([sort map { $_->{of} } @{ $j->{rejudged} }],
          [sort $r1->{id}, $r2->{id}], 'the first of each');
my %v;
for my $n (@{ $j->{rejudged} }) {
    my (undef, $s) = http_json(GET => "/submissions/$n->{id}?wait=true");
    $v{$n->{of}} = $s->{verdict};
}
is($v{$r1->{id}}, 'WA', 'doubling is now WA');
is($v{$r2->{id}}, 'AC', 'squaring is now AC');

($c, $j) = admin_json(POST => '/problems/nope/rejudge');
is($c, 404, 'an unknown problem: 404');
