# Helpers of the t/hostile tests, loaded into package main by each .t file
# after "use Test::Judge::Nginx" (whose functions they call).

use strict;
use warnings;

use JSON::PP;
use POSIX ();
use Time::HiRes qw(time sleep);

# Limits up to two minutes may be asked for, so that a program sleeping
# "forever" outlasts whatever the test waits for.
our $Http = <<'CONF';
    judge_zone judge:32m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
    judge_cpu_time_limit 1s 120s;
    judge_wall_time_limit 3s 120s;
CONF

our $Config = <<'CONF';
    client_max_body_size 16m;
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

# the block's judge-workers by id, and the block they belong to
our (%Pid, $PidRoot);

# "$n" more judge-workers (w1, w2, ... after those the block started),
# each with "slots" slots and "args" flags; true once nginx counts them.
sub start_workers {
    my ($n, %o) = @_;
    if (($PidRoot // '') ne servroot()) {
        %Pid = ();
        $PidRoot = servroot();
    }
    my $have = keys %Pid;
    for my $i ($have + 1 .. $have + $n) {
        $Pid{"w$i"} = spawn_worker("w$i", slots => $o{slots} // 1,
                                   args => $o{args} // []);
    }
    return wait_until(sub { workers() == $have + $n }, 20);
}

sub workers { ((http_json(GET => '/health'))[1] // {})->{workers} // 0 }

# Submits "$job"; returns its id, or undef
sub submit {
    my ($job) = @_;
    my ($code, $r) = http_json(POST => '/submissions', $job);
    return $r->{id} if $code == 202;
    Test::More::diag("submission refused: $code "
                     . JSON::PP->new->canonical->encode($r // {}));
    return undef;
}

# The submission "$id" once it is no longer QUEUED or RUNNING (or its
# last state after "$secs" seconds)
sub finished_within {
    my ($secs, $id) = @_;
    my $r;
    wait_until(sub {
        (undef, $r) = http_json(GET => "/submissions/$id");
        $r && ($r->{status} // '') !~ /^(QUEUED|COMPILING|RUNNING)$/;
    }, $secs);
    return $r // {};
}

# Submits "$job" and waits at most "$secs" seconds for its end; returns
# the submission as last seen
sub judge_within {
    my ($secs, $job) = @_;
    my $id = submit($job) or return { status => 'not accepted' };
    return finished_within($secs, $id);
}

# Waits until submission "$id" is RUNNING, then a second more so that its
# programs are running in their sandboxes; false after "$secs" seconds
sub running {
    my ($id, $secs) = @_;
    my $ok = wait_until(sub {
        (((http_json(GET => "/submissions/$id"))[1] // {})->{status} // '')
            eq 'RUNNING';
    }, $secs);
    sleep 1;
    return $ok;
}

# Seconds until process "$pid" (spawned by this block) has exited, or
# undef after "$secs"
sub exits_within {
    my ($pid, $secs) = @_;
    my $t0 = time;
    return wait_until(sub { waitpid($pid, POSIX::WNOHANG()) == $pid }, $secs)
           ? time - $t0 : undef;
}

1;
