# Code sessions and their runs through a real nginx and real workers:
# create (with the language's template when no source is given), read,
# autosave with revisions (If-Match and "revision", 409 on a stale save),
# close, delete; runs queued, then read, waited for, listed newest first
# with a cursor; the errors of each with their status.

use Test::Judge::Nginx;
use JSON::PP;

our $Http = <<'CONF';
    judge_zone judge:16m;
    judge_worker_token t;
    judge_max_source_size 4k;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
    judge_session_rate 600r/m;
CONF

our $Config = <<'CONF';
    client_max_body_size 1m;
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

sub start_worker {
    spawn_worker('w1', slots => 2);
    return wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20);
}


sub run_and_wait {
    my ($sid, $body) = @_;
    my ($c, $j) = http_json(POST => "/code-sessions/$sid/run", $body // {});
    return (undef, $c, $j) unless $c == 202;
    my (undef, $e) = http_json(GET => "/executions/$j->{execution_id}?wait=true");
    return ($e, $c, $j);
}

run_tests();

__DATA__

=== a session: created, read, saved by revision, closed, deleted
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_worker(), 'worker up');

my ($c, $s, $r) = http_json(POST => '/code-sessions',
                      {language => 'python', source_code => "print(1)\n"});
is($c, 201, 'created');
like($s->{session_id}, qr/^[0-9a-f]{24}$/, 'an id');
is($s->{status}, 'ACTIVE', 'active');
is($s->{revision}, 1, 'revision 1');
is($s->{source_code}, "print(1)\n", 'the source');
is($s->{language_id}, 'python', 'language_id');
ok(length $s->{version}, 'the version of the language');
is($r->header('ETag'), '"1"', 'the revision is its ETag');
my $id = $s->{session_id};

($c, $s) = http_json(GET => "/code-sessions/$id");
is($c, 200, 'read');
is($s->{source_code}, "print(1)\n", 'the source read back');
is($s->{last_execution}, undef, 'no run yet');

# autosave: each save a revision; a stale one is refused with the current
($c, $s) = http_json(PATCH => "/code-sessions/$id", {source_code => "print(2)\n"});
is($c, 200, 'saved');
is($s->{revision}, 2, 'revision 2');
($c, $s) = http_json(PATCH => "/code-sessions/$id", {source_code => "print(3)\n"},
               'If-Match: "2"');
is($s->{revision}, 3, 'a save against the current revision');
($c, $s) = http_json(PATCH => "/code-sessions/$id", {source_code => "print(4)\n"},
               'If-Match: "2"');
is($c, 409, 'a save against an old revision: 409');
is($s->{error}{code}, 'revision_conflict', 'revision_conflict');
is($s->{revision}, 3, 'with the current revision');
($c, $s) = http_json(PATCH => "/code-sessions/$id", {stdin => "5\n", revision => 1});
is($c, 409, 'the same with "revision" in the body');
($c, $s) = http_json(PATCH => "/code-sessions/$id", {stdin => "5\n", revision => 3});
is($c, 200, 'stdin saved');
is($s->{source_code}, "print(3)\n", 'the source stays');
is($s->{stdin}, "5\n", 'the stdin');
($c, $s) = http_json(GET => "/code-sessions/$id");
is($s->{revision}, 4, 'four revisions');

($c, $s) = http_json(PATCH => "/code-sessions/$id", {source_code => 'x' x 5000});
is($c, 413, 'a source above judge_max_source_size: 413');
is($s->{error}{code}, 'source_too_large', 'source_too_large');
($c, $s) = http_json(PATCH => "/code-sessions/$id", {language => 'klingon'});
is($c, 422, 'an unknown language: 422');
($c, $s) = http_json(PATCH => "/code-sessions/$id", {surprise => 1});
is($c, 400, 'an unknown field: 400');
($c, $s) = http_json(PATCH => "/code-sessions/$id", '{');
is($s->{error}{code}, 'invalid_json', 'bad JSON');
($c, $s) = http_json(PATCH => "/code-sessions/$id", {stdin => 'y'}, 'If-Match: banana');
is($c, 400, 'a bad If-Match: 400');

# closed: no more saves or runs
($c, $s) = http_json(PATCH => "/code-sessions/$id/close");
is($c, 200, 'closed');
is($s->{status}, 'INACTIVE', 'INACTIVE');
($c, $s) = http_json(POST => "/code-sessions/$id/run", {});
is($c, 409, 'a run of a closed session: 409');
is($s->{error}{code}, 'session_closed', 'session_closed');
($c, $s) = http_json(PATCH => "/code-sessions/$id", {stdin => 'z'});
is($c, 409, 'a save of a closed session: 409');

($c) = http_json(DELETE => "/code-sessions/$id");
is($c, 204, 'deleted');
($c, $s) = http_json(GET => "/code-sessions/$id");
is($c, 404, 'gone');
is($s->{error}{code}, 'session_not_found', 'session_not_found');

($c, $s) = http_json(POST => '/code-sessions', {language => 'klingon'});
is($c, 422, 'a session of an unknown language: 422');
is($s->{error}{code}, 'unknown_language', 'unknown_language');
($c, $s) = http_json(POST => '/code-sessions', {source_code => 'x'});
is($c, 400, 'no language: 400');
($c, $s) = http_json(GET => '/code-sessions/nosuchsession');
is($c, 404, 'an id that is none: 404');


=== runs: queued, waited for, listed; COMPLETED, FAILED, TIMEOUT, compile errors
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_worker(), 'worker up');

my ($c, $s) = http_json(POST => '/code-sessions', {language => 'python',
    source_code => "import sys\nprint('hi', input())\nprint('err', file=sys.stderr)",
    stdin => "there\n"});
my $id = $s->{session_id};

my ($e, $rc, $q) = run_and_wait($id);
is($rc, 202, 'a run is queued: 202');
is($q->{status}, 'QUEUED', 'QUEUED');
is($q->{session_id}, $id, 'of its session');
is($e->{status}, 'COMPLETED', 'COMPLETED');
is($e->{stdout}, "hi there\n", 'stdout, with the session stdin');
is($e->{stderr}, "err\n", 'stderr');
is($e->{exit_code}, 0, 'exit code 0');
is($e->{revision}, 1, 'of revision 1');
ok(defined $e->{execution_time_ms} && defined $e->{memory_kb}, 'usage');
ok($e->{queued_at} && $e->{started_at} && $e->{finished_at}, 'its times');
is($e->{attempts}, 1, 'one attempt');

($e) = run_and_wait($id, {stdin => "you\n"});
is($e->{stdout}, "hi you\n", 'the stdin given to the run');

($c, $s) = http_json(PATCH => "/code-sessions/$id",
               {source_code => "import sys\nprint(sys.argv[1:])\nsys.exit(3)"});
($e) = run_and_wait($id, {args => ['a b', '--x']});
is($e->{status}, 'FAILED', 'a non-zero exit: FAILED');
is($e->{reason}, 'exit_code', 'reason exit_code');
is($e->{exit_code}, 3, 'exit code 3');
is($e->{stdout}, "['a b', '--x']\n", 'args reach the program as words');
is($e->{revision}, 2, 'the revision it ran');

($c, $s) = http_json(PATCH => "/code-sessions/$id",
               {source_code => "n = int(input())\nwhile True:\n    n += 1\n"});
($e) = run_and_wait($id, {stdin => "1\n", limits => {cpu_time_ms => 300}});
is($e->{status}, 'TIMEOUT', 'a loop that reads its input: TIMEOUT');
is($e->{reason}, 'cpu_time_limit', 'on CPU time');

($c, $s) = http_json(POST => '/code-sessions', {language => 'c',
                                          source_code => 'int main( { return 0; }'});
SKIP: {
    skip 'no C here', 3 unless $c == 201;
    my ($ce) = run_and_wait($s->{session_id});
    is($ce->{status}, 'FAILED', 'a compile error: FAILED');
    is($ce->{reason}, 'compile_error', 'reason compile_error');
    like($ce->{compile}{output}, qr/error/, "the compiler's message");
}

($c, $s) = http_json(GET => "/code-sessions/$id/executions?limit=2");
is($c, 200, 'history');
is(scalar @{ $s->{executions} }, 2, 'two per page');
is($s->{executions}[0]{status}, 'TIMEOUT', 'newest first');
is($s->{executions}[1]{status}, 'FAILED', 'then the one before');
is($s->{executions}[1]{exit_code}, 3, 'with its exit code');
ok($s->{next_cursor}, 'a cursor for older ones');
($c, $s) = http_json(GET => "/code-sessions/$id/executions?limit=10&cursor=$s->{next_cursor}");
is(scalar @{ $s->{executions} }, 2, 'the two older ones');
is($s->{executions}[1]{status}, 'COMPLETED', 'the first run last');
is($s->{next_cursor}, undef, 'and no more');
($c) = http_json(GET => "/code-sessions/$id/executions?limit=101");
is($c, 400, 'limit above 100: 400');
($c, $s) = http_json(GET => "/code-sessions/$id/executions?limit=%31");
is($c, 200, 'a percent-encoded limit is read');
is(scalar @{ $s->{executions} }, 1, 'as the number it encodes');

($c, $s) = http_json(GET => "/code-sessions/$id");
is($s->{last_execution}{status}, 'TIMEOUT', 'the session names its last run');

($c, $s) = http_json(POST => "/code-sessions/$id/run", {surprise => 1});
is($c, 400, 'a run with an unknown field: 400');
($c, $s) = http_json(POST => "/code-sessions/$id/run", {args => 'x'});
is($c, 400, 'args not an array: 400');
($c, $s) = http_json(POST => "/code-sessions/$id/run", {limits => {cpu_time_ms => 10**9}});
is($c, 422, 'a limit above the maximum: 422');
($c, $s) = http_json(POST => "/code-sessions/0123456789abcdef01234567/run", {});
is($c, 404, 'a run of no session: 404');

# an execution is seen while its session is; a submission is no execution
my $eid = $e->{execution_id};
($c) = http_json(DELETE => "/code-sessions/$id");
($c, $s) = http_json(GET => "/executions/$eid");
is($c, 404, 'runs go with their session');
is($s->{error}{code}, 'execution_not_found', 'execution_not_found');
