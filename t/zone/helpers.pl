# Helpers of the t/zone tests, loaded into package main by each .t file
# after "use Test::Judge::Nginx" (whose functions they call).

use strict;
use warnings;

use Test::Judge::Wire qw(registered pb_decode);
use JSON::PP;
use POSIX ();

our $Http = <<'CONF';
    judge_worker_token t;
    client_max_body_size 8m;
    client_body_buffer_size 8m;
CONF

our $Loc = <<'CONF';
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
CONF

# a scripted worker of its own (scripted-worker.pl); it records what it
# got into $ServRoot/rec-$id.jsonl
sub auto_worker {
    my ($id, %o) = @_;
    my @args = ('--port', nginx_port(), '--id', $id,
                '--record', servroot() . "/rec-$id.jsonl");
    push @args, '--slots', $o{slots} if $o{slots};
    push @args, '--langs', $o{langs} if $o{langs};
    push @args, '--artifact', $o{artifact} if $o{artifact};
    push @args, '--max-frame', $o{max_frame} if $o{max_frame};
    push @args, '--reconnect' if $o{reconnect};
    push @args, '--reconnect-after', $o{reconnect_after}
        if $o{reconnect_after};
    return spawn([$^X, repo_root() . '/t/zone/scripted-worker.pl', @args]);
}

sub records {
    my ($id) = @_;
    open my $fh, '<', servroot() . "/rec-$id.jsonl" or return ();
    my @r;
    while (<$fh>) {
        my $r = eval { decode_json($_) };
        push @r, $r if $r;
    }
    return @r;
}

# a scripted worker played from this process
sub worker {
    my ($id, %o) = @_;
    return registered(nginx_port(), 't', id => $id, slots => $o{slots} // 2,
                      tags => $o{tags} // [],
                      languages => $o{languages}
                                   // [['cpp', 'C++', '12', 1],
                                       ['python', 'Python', '3']],
                      %{ $o{reg} // {} })
        // die "worker $id not welcomed\n";
}

sub workers_live { (http_json(GET => '/health'))[1]{workers} // -1 }

sub metric {
    my ($name) = @_;
    my ($v) = http_get('/metrics')->content =~ /^\Q$name\E (\d+)$/m;
    return $v;
}

sub submit {
    my ($body, $query) = @_;
    return http_json(POST => '/submissions' . ($query // ''),
                     encode_json($body));
}

sub job { (http_json(GET => "/submissions/$_[0]"))[1] }

# waits until the job is in one of the statuses (a regex); returns it
sub wait_job {
    my ($id, $re, $timeout) = @_;
    my $s;
    wait_until(sub { $s = job($id); $s && $s->{status} =~ /^(?:$re)$/ },
               $timeout // 10);
    return $s;
}

sub py_job {
    my ($n, %o) = @_;
    return {language => 'python', source => $o{source} // 'print(1)',
            tests => [map { {input => "$_\n", expected_output => "1\n"} }
                      1 .. ($n // 1)],
            ($o{limits} ? (limits => $o{limits}) : ())};
}

sub tests_of { map { pb_decode($_) } @{ $_[0]->{7} // [] } }

# the next execute_batch a scripted worker gets, other commands skipped:
# (job id, task id, number of tests, the batch) or () at the timeout
sub next_batch {
    my ($w, $timeout) = @_;
    while (my ($name, $b) = $w->recv_cmd($timeout // 3)) {
        return ($b->{1}[0], $b->{2}[0], scalar tests_of($b), $b)
            if $name eq 'execute_batch';
    }
    return ();
}

# Runs $code->($i) for $i in 0 .. $n-1 spread over $procs child processes
# running at once; each call returns a list of strings, gathered as lines.
# Returns a handle for collect().  The children leave by _exit: the
# harness's END (which stops nginx) is not theirs to run.
my $kids = 0;
sub in_children {
    my ($procs, $n, $code) = @_;
    my @kids;
    for my $p (0 .. $procs - 1) {
        my $file = servroot() . '/kid-' . ++$kids . '.out';
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            $SIG{PIPE} = 'IGNORE';
            open my $out, '>', $file or POSIX::_exit(1);
            $out->autoflush(1);
            for (my $i = $p; $i < $n; $i += $procs) {
                my @lines = eval { $code->($i) };
                @lines = ("$i died: $@") if $@;
                print $out "$_\n" for @lines;
            }
            close $out;
            POSIX::_exit(0);
        }
        push @kids, [$pid, $file];
    }
    return \@kids;
}

sub collect {
    my ($kids) = @_;
    my @lines;
    for my $k (@$kids) {
        waitpid $k->[0], 0;
        open my $fh, '<', $k->[1] or next;
        chomp(my @l = <$fh>);
        push @lines, @l;
    }
    return @lines;
}

# the state letter of a process ('' when it is gone)
sub state_of {
    open my $f, '<', "/proc/$_[0]/stat" or return '';
    return ((<$f> // '') =~ /^\d+ \(.*\) (\S)/)[0] // '';
}

# live (not zombie) worker processes of the block's nginx
sub live_pids { grep { state_of($_) !~ /^[ZX]?$/ } nginx_pids() }

# no nginx process died of SIGSEGV, SIGABRT or SIGBUS (the log is not dumped)
sub crashes_ok {
    my ($log) = @_;
    my @crashes = grep { /exited on signal (?:11|6|7)\b/ } split /\n/, $log;
    Test::More::is(scalar @crashes, 0, 'no nginx process crashed')
        or Test::More::diag(join "\n", @crashes[0 .. ($#crashes < 4 ? $#crashes : 4)]);
}

# diag of "n code status error" lines of submissions that went wrong
sub refusals {
    my (@bad) = @_;
    my %by;
    $by{ join ' ', (split ' ')[1, 3] }++ for @bad;
    Test::More::diag(scalar(@bad) . ' went wrong, the first being #'
                     . (split ' ', $bad[0])[0] . ': '
                     . join ', ', map { "$by{$_} x $_" } sort keys %by);
}

1;
