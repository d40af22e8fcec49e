# What the tests of the judge command-line client share: running the real
# build/judge against the block's nginx, and a stored problem with public
# samples and hidden tests whose bytes must never reach the client.

use strict;
use warnings;
use File::Temp qw(tempdir);
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time sleep);

# the judge the client talks to: the API, the admin API, a worker's door
our $Http = <<'CONF';
    judge_zone judge:16m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
CONF

our @Secret = ('HIDDEN-IN-6170', 'HIDDEN-OUT-8837', 'HIDDEN-ASSERT-2291');

# A sum problem: two samples (one with an assertion), then hidden tests,
# one of which names no expected output but asserts on it.
our %Sum = (
    title => 'Sum',
    statement => "# Sum\n\nPrint the sum of two numbers.\n",
    limits => { cpu_time_ms => 2000, memory_kb => 262144 },
    stages => [
        { name => 'samples', number => 1, tests => [
            { name => 's1', sample => JSON::PP::true,
              stdin => "1 2\n", expected_output => "3\n" },
            { name => 's2', sample => JSON::PP::true,
              stdin => "20 22\n", expected_output => "42\n",
              assertions => [ { stdoutContains => '42',
                                description => 'prints 42' } ] } ] },
        { name => 'hidden', number => 2, tests => [
            { name => 'big', stdin => "1000000000 1000000000\n",
              expected_output => "2000000000\n" },
            { name => 'secret', stdin => "5 5 $Secret[0]\n",
              expected_output => "10\n" },
            { name => 'asserted', stdin => "2 2\n",
              assertions => [ { stdoutNotContains => $Secret[2],
                                description => 'no noise' },
                              { stdoutContains => '4',
                                description => 'prints 4' } ] } ] },
    ],
);

# a right answer to Sum, and a wrong one (right on the samples only)
our $Right = "a, b = map(int, input().split()[:2])\nprint(a + b)\n";
our $Wrong = "a, b = map(int, input().split()[:2])\n"
           . "print(a + b if a < 100 else 0)\n";

# A new directory holding "files" (name => text); returns its path.
sub project {
    my %files = @_;
    my $dir = tempdir('judge-cli-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $dir;
    for my $name (keys %files) {
        my $path = "$dir/$name";
        (my $parent = $path) =~ s{/[^/]*$}{};
        mkdir $parent;
        open my $fh, '>', $path or die "$path: $!";
        print $fh $files{$name};
        close $fh;
    }
    return $dir;
}

my $Runs = 0;

# Runs build/judge with "args" in directory $o{dir} (a new empty one by
# default), JUDGE_SERVER set to this block's nginx unless $o{env} says
# otherwise, stdin from /dev/null; at most $o{timeout} seconds (60).
# Its stderr is kept under the block's logs (so a sanitizer report there
# fails the block).  Returns (exit status, stdout, stderr).
sub judge_cli {
    my ($o, @args) = @_;
    my $dir = $o->{dir} // project();
    my $n = ++$Runs;
    my $out = servroot() . "/logs/cli-$n.out";
    my $err = servroot() . "/logs/cli-$n.log";
    my %env = (JUDGE_SERVER => 'http://127.0.0.1:' . nginx_port(),
               %{ $o->{env} // {} });
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        chdir $dir or die "$dir: $!";
        delete $ENV{$_} for qw(JUDGE_SERVER JUDGE_TOKEN NO_COLOR);
        for my $k (keys %env) {
            if (defined $env{$k}) { $ENV{$k} = $env{$k} }
        }
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $out;
        open STDERR, '>', $err;
        exec build_dir() . '/judge', @args;
        exit 127;
    }
    my $deadline = time + ($o->{timeout} // 60);
    my $status;
    while (time < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            $status = $? >> 8;
            last;
        }
        sleep 0.02;
    }
    unless (defined $status) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
        $status = 'hung';
    }
    return ($status, Test::Judge::Nginx::slurp($out),
            Test::Judge::Nginx::slurp($err));
}

# the JSON of a --json run's stdout, or undef
sub json_of {
    my $text = shift;
    my $v = eval { JSON::PP->new->decode($text) };
    return $v;
}

sub no_secret {
    my ($text, $what) = @_;
    my @found = grep { index($text, $_) >= 0 } @Secret;
    Test::More::ok(!@found, "$what: nothing of the hidden tests")
        or Test::More::diag("found @found");
}

sub start_judge {
    my %o = @_;
    spawn_worker('w1', slots => $o{slots} // 2);
    my ($c) = admin_json(PUT => '/problems/sum', \%Sum);
    Test::More::is($c, 201, 'the problem is stored');
    return wait_until(sub {
        ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20);
}

1;
