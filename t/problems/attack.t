# Stored problems against hostile programs, clients and definitions: a
# program that hunts for hidden tests inside its sandbox and leaves
# notes for a later run; definitions a submission could never run
# (an interactor without a program, PATH in a test's environment, a
# timeout below a millisecond) refused when stored; a body whose strings
# say "problem_id"; a rejudge after many submissions of one program;
# two writes of one problem at once; the methods a problem does not take.

use Test::Judge::Nginx;
use JSON::PP;

our $Http = <<'CONF';
    judge_zone judge:16m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

our $Config = <<'CONF';
    client_max_body_size 16m;
    judge_max_problem_size 16m;
    judge_queue_size 2;
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
CONF

our $Secret = 'QZ-HIDDEN-7731';

sub start_worker {
    spawn_worker('w1', slots => 2);
    return wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20);
}

sub one_test { return (tests => [{ stdin => "1\n", expected_output => "1\n", @_ }]) }

run_tests();

__DATA__

=== a program that hunts for the hidden tests finds nothing to tell
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_worker(), 'worker up');
my $S = $::Secret;

# a sample, a hidden test with the secret in its input, arguments and
# environment, then a sample again
my ($c, $j) = admin_json(PUT => '/problems/hunt', { stages => [
    { name => 'first', tests => [ { name => 's1', sample => JSON::PP::true,
                                    stdin => "x\n", expected_output => "x\n" } ] },
    { name => 'hidden', tests => [ { name => 'h1', stdin => "$S-in\n",
                                     expected_output => "$S-out\n",
                                     args => ["$S-arg"], env => { LEAK => "$S-env" } } ] },
    { name => 'last', tests => [ { name => 's2', sample => JSON::PP::true,
                                   stdin => "y\n", expected_output => "y\n" } ] } ] });
is($c, 201, 'stored');

# With the secret: write it everywhere it may be kept, to stderr, and as
# the exit code.  Without: print what the notes and a search of the
# file system (the worker's state directory among it) find.
my $state = servroot() . '/w1';
my $parts = join(', ', map { "'$_'" } split /-/, $S);
my $hunter = <<"PY";
import os, sys
S = '-'.join([$parts])
data = sys.stdin.read()
places = ['/tmp', '/box', '/dev/shm', '/var/tmp', os.getcwd(), os.environ.get('HOME', '/')]
if S in data + ' '.join(sys.argv) + os.environ.get('LEAK', ''):
    for d in places:
        try:
            open(os.path.join(d, 'note'), 'w').write(data)
        except OSError:
            pass
    sys.stderr.write(data)
    sys.exit(ord(data[0]))
found = []
for d in places:
    try:
        found.append(open(os.path.join(d, 'note')).read())
    except OSError:
        pass
for top in ['/', '$state']:
    for dp, dn, fn in os.walk(top):
        if dp.startswith(('/proc', '/sys', '/usr', '/lib', '/etc')):
            dn[:] = []
            continue
        for f in fn:
            try:
                b = open(os.path.join(dp, f), 'rb').read(1 << 20)
            except OSError:
                continue
            if S.encode() in b:
                found.append(os.path.join(dp, f) + ': ' + b.decode('latin-1'))
for pid in os.listdir('/proc'):
    for what in ['cmdline', 'environ']:
        try:
            b = open('/proc/%s/%s' % (pid, what), 'rb').read()
        except OSError:
            continue
        if S.encode() in b:
            found.append(b.decode('latin-1'))
try:
    open('/proc/self/fd/0', 'wb').write(b'poison')
    found.append('wrote its input file')
except OSError:
    pass
sys.stdout.write(data)
sys.stderr.write('\\n'.join(found))
PY

my @ids;
for my $all (0, 1, 1) {
    ($c, $j) = http_json(POST => '/problems/hunt/submissions?wait=true',
                         { language => 'python', source => $hunter,
                           all_stages => $all ? JSON::PP::true : JSON::PP::false });
    is($c, 200, "judged (all_stages $all)") or diag(encode_json($j));
    push @ids, $j->{id};
    my ($s1) = grep { $_->{id} eq 's1' } @{ $j->{tests} };
    is($s1->{verdict}, 'AC', 'the sample passed');
    is($s1->{stderr}, '', 'and found nothing: no note, no file, no process')
        or diag($s1->{stderr});
    my ($h1) = grep { $_->{id} eq 'h1' } @{ $j->{tests} };
    is($h1->{verdict}, 'RE', 'the hidden test: RE');
    is($h1->{stdout} . $h1->{stderr} . $h1->{checker_message}, '',
       'nothing of its output');
    if ($all) {
        my ($s2) = grep { $_->{id} eq 's2' } @{ $j->{tests} };
        is($s2->{stderr}, '', 'a sample after it finds no note either')
            or diag($s2->{stderr});
    }
}

for my $id (@ids) {
    for my $uri ("/submissions/$id", "/submissions/$id/events", '/problems/hunt') {
        my $r = http_request(GET => $uri);
        ok(index($r->content, $S) < 0, "GET $uri carries no hidden bytes");
    }
}

# the input file the worker keeps was not written to
($c, $j) = http_json(POST => '/problems/hunt/submissions?wait=true',
                     { language => 'python', all_stages => JSON::PP::true,
                       source => "import sys\nsys.stdout.write(sys.stdin.read().replace('-in', '-out'))\n" });
is($j->{verdict}, 'AC', 'a right program still passes every test');

=== definitions a submission could never run are refused when stored
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
my @bad = (
    ['an interactor that is not an object', { interactor => 5, one_test() },
     422, 'invalid_problem'],
    ['an interactor without a language', { interactor => {}, one_test() },
     422, 'invalid_problem'],
    ['an interactor without files', { interactor => { language => 'python' },
                                      one_test() },
     400, 'invalid_request'],
    ['PATH in a test\'s environment', { one_test(env => { PATH => '/tmp' }) },
     400, 'invalid_request'],
    ['an environment entry above 4096 bytes as NAME=value',
     { one_test(env => { A => 'x' x 4095 }) }, 400, 'invalid_request'],
    ['a timeout below a millisecond', { one_test(timeout_seconds => 0.0004) },
     400, 'invalid_request'],
);

for my $b (@bad) {
    my ($name, $body, $code, $err) = @$b;
    my ($c, $j) = admin_json(PUT => '/problems/never', $body);
    is($c, $code, "$name: $code");
    is($j->{error}{code}, $err, "$name: $err") or diag(encode_json($j));
}

my ($c, $j) = admin_json(PUT => '/problems/never',
                         { one_test(timeout_seconds => 0.0004) });
like($j->{error}{message}, qr/timeout_seconds/, 'the timeout is the field named');

($c, $j) = http_json(GET => '/problems/never');
is($c, 404, 'none of them was stored');

($c, $j) = admin_json(PUT => '/problems/never', { interactor => {
    language => 'python', files => [{ name => 'i.py', content => "print(1)\n" }] },
    one_test() });
is($c, 201, 'an interactor with its program is stored, its language '
    . 'looked up when a submission comes') or diag(encode_json($j));
ok($j->{interactive}, 'interactive');

=== a submission's strings may say problem_id; an entry of 4096 bytes runs
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_worker(), 'worker up');
my ($c, $j) = http_json(POST => '/submissions?wait=true', {
    language => 'python', source => "print(input())\n",
    tests => [{ input => 'problem_id', expected_output => "problem_id\n" },
              { input => "\"problem_id\"\n", expected_output => "\"problem_id\"\n" }] });
is($c, 200, 'a test whose input says "problem_id" is an ordinary submission')
    or diag(encode_json($j));
is($j->{verdict}, 'AC', 'AC');
ok(!exists $j->{problem}, 'judged against its own tests');

my $r = http_request(POST => '/submissions', '{"problem_id": "x", ',
                     ['Content-Type: application/json']);
is($r->code, 400, 'not JSON: 400');
is(decode_json($r->content)->{error}{code}, 'invalid_json', 'invalid_json');

($c, $j) = http_json(POST => '/submissions', { problem_id => 'nope',
                                               language => 'python', source => '' });
is($c, 404, 'an unknown problem_id: 404');
is($j->{error}{code}, 'problem_not_found', 'problem_not_found');

($c, $j) = admin_json(PUT => '/problems/env', { one_test(env => { A => 'x' x 4094 }) });
is($c, 201, 'an environment entry of 4096 bytes is stored');
($c, $j) = http_json(POST => '/problems/env/submissions?wait=true', {
    language => 'python', source => "import os\nprint(len(os.environ['A']) - 4093)\n" });
is($j->{verdict}, 'AC', 'and runs') or diag(encode_json($j));

=== rejudge after one program was submitted many times
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_worker(), 'worker up');
my ($c, $j) = admin_json(PUT => '/problems/many', { one_test() });
is($c, 201, 'stored');

my %same = (language => 'python', source => "print(1)\n");
my %other = (language => 'python', source => "print(2)\n");
my @first;
for my $n (1 .. 12) {
    ($c, $j) = http_json(POST => '/problems/many/submissions?wait=true', \%same);
    push @first, $j->{id} if $n == 1;
}
($c, $j) = http_json(POST => '/problems/many/submissions?wait=true', \%other);
push @first, $j->{id};

($c, $j) = admin_json(POST => '/problems/many/rejudge');
is($c, 202, 'rejudged') or diag(encode_json($j));
# with a queue of two the second may be refused for now: either way it
# was found past the many lines of the first
is_deeply([sort map { $_->{of} } @{ $j->{rejudged} }, @{ $j->{refused} }],
          [sort @first], 'both programs, the first submission of each')
    or diag(encode_json($j));

=== two writes of one problem at once: each whole, versions one by one
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
# a big definition takes a while to store
my $big = { tests => [ map { { name => "t$_", stdin => ("$_ " x 40000),
                               expected_output => "$_\n" } } 1 .. 40 ] };
my $body = encode_json($big);
my @codes;
for my $round (1 .. 3) {
    my @kids;
    for my $k (1 .. 2) {
        pipe(my $rd, my $wr) or die $!;
        my $pid = fork() // die $!;
        if ($pid == 0) {
            close $rd;
            my $r = http_request(PUT => '/admin/problems/race', $body,
                                 ['Content-Type: application/json',
                                  'Authorization: Bearer ' . admin_token()]);
            print $wr $r->code;
            close $wr;
            POSIX::_exit(0);
        }
        close $wr;
        push @kids, [$pid, $rd];
    }
    for my $k (@kids) {
        my $fh = $k->[1];
        push @codes, scalar <$fh>;
        waitpid($k->[0], 0);
    }
}
is(scalar(grep { !/^(200|201|409)$/ } @codes), 0, 'every answer is 200, 201 or 409')
    or diag("@codes");
my $stored = grep { /^20[01]$/ } @codes;
my ($c, $j) = http_json(GET => '/problems/race');
is($j->{version}, $stored, 'one version for each write that was answered 2xx');
for my $v (1 .. $stored) {
    ($c, $j) = http_json(GET => "/problems/race?version=$v");
    is($j->{tests_total}, 40, "version $v is whole");
}

=== the methods a problem does not take
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
admin_json(PUT => '/problems/m', { one_test() });
for my $m (qw(DELETE PATCH)) {
    my $r = http_request($m => '/problems/m', '', []);
    is($r->code, 405, "$m: 405");
    like($r->header('Allow') // '', qr/PUT/, 'Allow names PUT');
}
my ($c, $j) = admin_json(PUT => '/problems/a%2Fb', { one_test() });
is($c, 404, 'an id with a slash names no route: 404');
