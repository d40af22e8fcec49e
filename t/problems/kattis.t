# Kattis problem packages through a real nginx and real workers: a
# scoring problem with groups, testdata.yaml scores and linked test files
# (tar.gz), a custom output validator (zip), an interactive problem, a
# Java program whose class is not Main, and bad packages refused with the
# file named.  The packages are made here from small examples of our own.

use Test::Judge::Nginx;
use JSON::PP;
use Archive::Tar;
use IO::Compress::Gzip qw(gzip $GzipError);
use File::Temp qw(tempdir);
use File::Path qw(make_path);
use File::Basename qw(dirname);

our $Http = <<'CONF';
    judge_zone judge:16m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

our $Config = <<'CONF';
    client_max_body_size 16m;
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
CONF

# a tar.gz of { path => content | \"link target" }
sub targz {
    my (%files) = @_;
    my $tar = Archive::Tar->new;
    for my $path (sort keys %files) {
        if (ref $files{$path}) {
            $tar->add_data($path, '', { type => Archive::Tar::Constant::SYMLINK(),
                                        linkname => ${ $files{$path} } });
        } else {
            $tar->add_data($path, $files{$path});
        }
    }
    my $raw = $tar->write;
    my $gz;
    gzip(\$raw => \$gz) or die $GzipError;
    return $gz;
}

# a zip (made by zip(1)) of { path => content }
sub zipped {
    my (%files) = @_;
    my $dir = tempdir(CLEANUP => 1);
    for my $path (keys %files) {
        make_path(dirname("$dir/pkg/$path"));
        open my $fh, '>', "$dir/pkg/$path" or die $!;
        print $fh $files{$path};
        close $fh;
    }
    system("cd $dir/pkg && zip -qry ../p.zip .") == 0 or die "zip failed\n";
    open my $fh, '<', "$dir/p.zip" or die $!;
    binmode $fh;
    local $/;
    return <$fh>;
}

sub put_package {
    my ($id, $bytes, $type) = @_;
    my $r = http_request(PUT => "/admin/problems/$id", $bytes,
                         ["Content-Type: $type",
                          'Authorization: Bearer ' . admin_token()]);
    return ($r->code, eval { decode_json($r->content) }, $r);
}

sub start_worker {
    spawn_worker('w1', slots => 2);
    return wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20);
}

sub judge {
    my ($id, %body) = @_;
    my ($c, $j) = http_json(POST => "/problems/$id/submissions?wait=true",
                            \%body);
    return $j;
}

our %Sum = (
    'sum/problem.yaml' => "name: Sum of two\ntype: scoring\n"
                        . "limits:\n  time_limit: 2\n  memory: 512\n",
    'sum/problem_statement/problem.en.md' => "Add **two** numbers.\n",
    'sum/data/sample/1.in' => "1 2\n",
    'sum/data/sample/1.ans' => "3\n",
    'sum/data/secret/g1/testdata.yaml' => "score: 30\n",
    'sum/data/secret/g1/01.in' => "5 7\n",
    'sum/data/secret/g1/01.ans' => "12\n",
    'sum/data/secret/g1/02.in' => \"../../sample/1.in",
    'sum/data/secret/g1/02.ans' => \"../../sample/1.ans",
    'sum/data/secret/g2/testdata.yaml' => "score: 70\n",
    'sum/data/secret/g2/01.in' => "2000000000 2000000000\n",
    'sum/data/secret/g2/01.ans' => "4000000000\n",
    'sum/input_validators/v/validate.py' => "print('ignored')\n",
);

run_tests();

__DATA__

=== a scoring package with groups: points by group, linked files, limits
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_worker(), 'worker up');
my ($c, $j) = put_package('sum', targz(%::Sum), 'application/gzip');
is($c, 201, 'a tar.gz package stored') or diag($j ? encode_json($j) : '');
is($j->{title}, 'Sum of two', 'its title from problem.yaml');
is($j->{statement}, "Add **two** numbers.\n", 'its statement');
is($j->{limits}{cpu_time_ms}, 2000, 'its time limit');
is($j->{limits}{memory_kb}, 512 * 1024, 'its memory limit');
ok($j->{scoring}, 'a scoring problem');
is_deeply([map { $_->{name} } @{ $j->{stages} }],
          ['sample', 'secret/g1', 'secret/g2'], 'a stage per group');
is_deeply([map { $_->{score} // 0 } @{ $j->{stages} }], [0, 30, 70],
          'the groups\' scores');
is($j->{stages}[0]{tests}[0]{stdin}, "1 2\n", 'the sample is shown');
ok(!exists $j->{stages}[1]{tests}[0]{stdin}, 'a secret test is not');

$j = ::judge('sum', language => 'python',
             source => "a, b = map(int, input().split())\nprint(a + b)\n");
is($j->{verdict}, 'AC', 'right: AC') or diag(encode_json($j));
is($j->{points}, 100, 'all 100 points');
is($j->{max_points}, 100, 'of 100');

$j = ::judge('sum', language => 'python',
             source => "a, b = map(int, input().split())\n"
                     . "print((a + b) % 2**31)\n");
is($j->{verdict}, 'WA', 'overflowing: WA');
is_deeply([map { $_->{status} } @{ $j->{stages} }],
          [qw(passed passed failed)], 'the last group failed');
is($j->{points}, 30, 'the points of the first group');
is($j->{stages}[1]{points}, 30, 'per group');
is($j->{stages}[2]{points}, 0, 'none for the failed one');

# a Java program whose public class is not Main
$j = ::judge('sum', language => 'java', source => <<'JAVA');
import java.util.Scanner;

/* public class Main would be found here by a careless reader */
public class Solution {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        long a = in.nextLong(), b = in.nextLong();
        System.out.println(a + b);
    }
}
JAVA
is($j->{verdict}, 'AC', 'Java with class Solution: AC')
    or diag(encode_json($j));

=== a custom output validator (zip), in Kattis's convention
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_worker(), 'worker up');
my $validator = <<'PY';
import sys
try:
    want = float(open(sys.argv[2]).read())
    got = sys.stdin.read().split()
    ok = len(got) == 1 and abs(float(got[0]) - want) <= 1e-3
except ValueError:
    ok = False
if ok:
    sys.exit(42)
with open(sys.argv[3] + '/judgemessage.txt', 'w') as f:
    f.write('off by more than 1e-3')
sys.exit(43)
PY
my ($c, $j) = put_package('root', ::zipped(
    'problem.yaml' => "name: Square root\nvalidation: custom\n",
    'output_validators/close/validate.py' => $validator,
    'data/sample/1.in' => "2\n", 'data/sample/1.ans' => "1.41421356\n",
    'data/secret/1.in' => "3\n", 'data/secret/1.ans' => "1.7320508\n",
    'data/secret/2.in' => "10\n", 'data/secret/2.ans' => "3.1622776\n"),
    'application/zip');
is($c, 201, 'a zip package stored') or diag($j ? encode_json($j) : '');
is($j->{checker}{type}, 'custom', 'with its validator');

$j = ::judge('root', language => 'python',
             source => "print(int(input()) ** 0.5)\n");
is($j->{verdict}, 'AC', 'within the tolerance: AC') or diag(encode_json($j));

$j = ::judge('root', language => 'python',
             source => "x = int(input())\nprint(round(x ** 0.5, 1))\n",
             all_stages => JSON::PP::true);
is($j->{verdict}, 'WA', 'off: WA');
is($j->{tests}[0]{checker_message}, 'off by more than 1e-3',
   'a sample tells the validator\'s message');
my ($h) = grep { $_->{hidden} } @{ $j->{tests} };
is($h->{checker_message}, 'wrong answer', 'a secret test does not');

=== an interactive problem: the interactor in its own sandbox
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
ok(start_worker(), 'worker up');
my $interactor = <<'PY';
import sys
n = int(open(sys.argv[1]).read())
for _ in range(12):
    line = sys.stdin.readline()
    if not line:
        break
    g = int(line)
    if g == n:
        print('correct', flush=True)
        sys.exit(42)
    print('lower' if g > n else 'higher', flush=True)
with open(sys.argv[3] + '/judgemessage.txt', 'w') as f:
    f.write('not found in time')
sys.exit(43)
PY
my ($c, $j) = put_package('guess', targz(
    'guess/problem.yaml' => "name: Guess\nvalidation: custom interactive\n",
    'guess/output_validators/guess/interactor.py' => $interactor,
    'guess/data/sample/1.in' => "17\n",
    'guess/data/secret/1.in' => "999\n",
    'guess/data/secret/2.in' => "1\n"), 'application/gzip');
is($c, 201, 'an interactive package stored') or diag($j ? encode_json($j) : '');
ok($j->{interactive}, 'interactive');

$j = ::judge('guess', language => 'python', source => <<'PY');
lo, hi = 1, 1000
while True:
    mid = (lo + hi) // 2
    print(mid, flush=True)
    a = input()
    if a == 'correct':
        break
    if a == 'lower':
        hi = mid - 1
    else:
        lo = mid + 1
PY
is($j->{verdict}, 'AC', 'a binary search: AC') or diag(encode_json($j));
is($j->{passed}, 3, 'every test');

$j = ::judge('guess', language => 'python',
             source => "for i in range(1, 1001):\n    print(i, flush=True)\n"
                     . "    if input() == 'correct':\n        break\n");
is($j->{verdict}, 'WA', 'counting up runs out of guesses: WA')
    or diag(encode_json($j));

=== bad packages: 422 with the file named, nothing stored
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
my @bad = (
    ['garbage', "not an archive at all", qr/./],
    ['no answer', targz('p/problem.yaml' => "name: X\n",
                        'p/data/secret/1.in' => "1\n"), qr{1\.ans|1\.in}],
    ['bad yaml', targz('p/problem.yaml' => "name: [unclosed\n",
                       'p/data/secret/1.in' => "1\n",
                       'p/data/secret/1.ans' => "1\n"), qr/problem\.yaml/],
    ['a link outside', targz('p/problem.yaml' => "name: X\n",
                             'p/data/secret/1.in' => \"../../../../etc/passwd",
                             'p/data/secret/1.ans' => "1\n"), qr{1\.in}],
);
for my $b (@bad) {
    my ($name, $bytes, $file) = @$b;
    my ($c, $j) = put_package('bad', $bytes, 'application/gzip');
    is($c, 422, "$name: 422");
    is($j->{error}{code}, 'invalid_package', "$name: invalid_package");
    like($j->{error}{message}, $file, "$name: the file named")
        or diag($j->{error}{message});
}
my ($c) = http_json(GET => '/problems/bad');
is($c, 404, 'nothing stored');
