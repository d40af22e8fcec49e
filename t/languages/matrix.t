# Every language of conf/languages.conf end to end: nginx with the module,
# one real judge-worker with two slots, the real sandbox.  The programs are
# the language's template (the hello world of conf/languages.conf, as GET
# /languages/{id} gives it) and data, t/languages/programs/<language id>/:
#
#   (template)  prints "Hello, world!"                       AC
#   sum      prints the sum of two numbers read from stdin   AC, AC, WA
#   error    fails at run time                               RE
#   loop     never ends                                      TLE
#   memory   allocates and touches memory without end        MLE
#   broken   does not compile (compiled languages only)      CE
#   garbage  allocates 4 GB in all, 100 kB at a time, under  AC
#            a 96 MB limit (where the runtime sizes its heap
#            from the limit: java -Xmx, node --max-old-space-size)
#   threads  four threads add 1 to 4, 8 processes allowed   AC
#            (where the language has threads of its own)
#
# All submissions are in flight at once, so the worker's two slots are
# always busy.  A language whose toolchain this host lacks is skipped,
# unless JUDGE_ALL_LANGUAGES is set (CI installs them all with "make
# languages"): then each language of the table must be offered, and at
# least forty.  JUDGE_LANGUAGES=id,id,... runs only those.

use FindBin;
use Test::Judge::Nginx;
use JSON::PP;

require "$FindBin::Bin/helpers.pl";

our $Programs = repo_root() . '/t/languages/programs';

# the ids of conf/languages.conf, in its order
sub table_ids {
    open my $fh, '<', repo_root() . '/conf/languages.conf' or die $!;
    return map { /^\[([^\]]+)\]/ ? $1 : () } <$fh>;
}

sub program {
    my ($id, $kind) = @_;
    my $path = "$Programs/$id/$kind";
    return undef unless -f $path;
    open my $fh, '<', $path or die "$path: $!";
    local $/;
    return scalar <$fh>;
}

# what each program is given and what it must get
our @Kinds = (
    [hello => 'AC', [{input => '', expected_output => "Hello, world!\n"}]],
    [sum => 'WA', [{input => "1 2\n", expected_output => "3\n"},
                   {input => "20 22\n", expected_output => "42\n"},
                   {input => "1 1\n", expected_output => "3\n"}],
     ['AC', 'AC', 'WA']],
    [error => 'RE', [{input => '', expected_output => "x\n"}]],
    [loop => 'TLE', [{input => '', expected_output => "x\n"}],
     undef, {cpu_time_ms => 2000, wall_time_ms => 10000}],
    [memory => 'MLE', [{input => '', expected_output => "x\n"}],
     undef, {memory_kb => 192 * 1024}],
    [broken => 'CE', [{input => '', expected_output => "x\n"}]],
    [garbage => 'AC', [{input => '', expected_output => "799980000\n"}],
     undef, {memory_kb => 96 * 1024}],
    [threads => 'AC', [{input => '', expected_output => "10\n"}],
     undef, {processes => 8}],
);

run_tests();

__DATA__

=== each language offered judges hello world, AC, WA, RE, TLE, MLE and CE
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 1500
--- perl
my $t0 = time;
spawn_worker('w1', slots => 2);
ok(wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 60),
   'worker up');

my (undef, $l) = http_json(GET => '/languages');
my %offered = map { $_->{id} => $_ } @{ $l->{languages} // [] };
my @table = ::table_ids();
my %only = map { $_ => 1 } split /,/, $ENV{JUDGE_LANGUAGES} // '';
@table = grep { $only{$_} } @table if %only;

if ($ENV{JUDGE_ALL_LANGUAGES}) {
    cmp_ok(scalar(keys %offered), '>=', 40, 'at least forty languages offered')
        unless %only;
    ok($offered{$_}, "$_ is offered") for @table;
}

my @jobs;
for my $id (@table) {
    next unless $offered{$id};
    ok(-d "$::Programs/$id", "$id has programs");
    for my $k (@::Kinds) {
        my ($kind, $verdict, $tests, $per_test, $limits) = @$k;
        my $src = $kind eq 'hello'
                  ? (http_json(GET => "/languages/$id"))[1]{template_code}
                  : ::program($id, $kind);
        if ($kind eq 'broken') {
            is(defined $src, $offered{$id}{compiled} ? 1 : '',
               "$id: a program that does not compile exactly when compiled");
        } elsif ($kind ne 'garbage' && $kind ne 'threads') {
            ok(defined $src, "$id: a $kind program");
        }
        next unless defined $src;
        my ($code, $r) = http_json(POST => '/submissions', {
            language => $id, source => $src, tests => $tests,
            ($limits ? (limits => $limits) : ()),
        });
        is($code, 202, "$id $kind: accepted")
            or diag(JSON::PP->new->canonical->encode($r // {}));
        push @jobs, [$id, $kind, $verdict, $per_test, $r->{id}] if $code == 202;
    }
}

for my $job (@jobs) {
    my ($id, $kind, $verdict, $per_test, $sub) = @$job;
    my $r;
    wait_until(sub {
        (undef, $r) = http_json(GET => "/submissions/$sub");
        ($r->{status} // '') !~ /^(QUEUED|RUNNING|COMPILING)$/
    }, 600);
    my $name = "$id $kind";
    is($r->{verdict}, $verdict, "$name: $verdict")
        or diag(JSON::PP->new->canonical->pretty->encode($r));
    if ($per_test) {
        is(join(',', map { $_->{verdict} } @{ $r->{tests} // [] }),
           join(',', @$per_test), "$name: each test's verdict");
    }
    if ($kind eq 'hello') {
        is($r->{tests}[0]{stdout}, "Hello, world!\n", "$name: its output");
    }
    if ($kind eq 'broken') {
        ok(length($r->{compile}{output} // ''), "$name: the compiler's message");
    }
}

diag(sprintf "%d submissions of %d languages in %d s", scalar(@jobs),
     scalar(grep { $offered{$_} } @table), time - $t0);
