# What t/docker/*.t share: the docker daemon seen from Perl (its Engine
# API over the unix socket, as the worker talks to it), the gate that
# skips without a daemon unless JUDGE_DOCKER asks for one, and a
# judge-worker with --backend docker and the runner image's languages.

use strict;
use warnings;
use IO::Socket::UNIX;
use JSON::PP;
use Sys::Hostname;
use Test::More;
use Test::Judge::Nginx;

our $Socket = '/var/run/docker.sock';
our $Image = 'ngx-judge/runner:bookworm';

our $Http = <<'CONF';
    judge_zone judge:16m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 5s;
    judge_client_jobs 0;
    judge_cpu_time_limit 1s 10s;
    judge_wall_time_limit 5s 30s;
    judge_memory_limit 256m 1024m;
    judge_task_grace 120s;
CONF

our $Config = <<'CONF';
    client_max_body_size 16m;
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
CONF

# One Engine API call: (HTTP status, decoded JSON body or undef).
sub docker_api {
    my ($method, $path) = @_;
    my $s = IO::Socket::UNIX->new(Peer => $Socket, Type => SOCK_STREAM)
        or return (0, undef);
    print $s "$method /v1.41$path HTTP/1.0\r\nHost: docker\r\n\r\n";
    local $/;
    my $all = <$s> // '';
    close $s;
    my ($head, $body) = split /\r\n\r\n/, $all, 2;
    my ($code) = ($head // '') =~ m{^HTTP/1\.\d (\d+)};
    my $json = eval { JSON::PP->new->decode($body) };
    return ($code // 0, $json);
}

sub docker_ready {
    my ($ping) = docker_api(GET => '/_ping');
    my ($image) = docker_api(GET => "/images/$Image/json");
    return $ping == 200 && $image == 200;
}

# Skips the file without a daemon and the image, unless JUDGE_DOCKER is
# set: then their absence is a failure.
sub docker_gate {
    return if docker_ready();
    if ($ENV{JUDGE_DOCKER}) {
        plan tests => 1;
        fail("JUDGE_DOCKER is set but no docker daemon with $Image answers "
             . "at $Socket");
        exit 1;
    }
    plan skip_all => "no docker daemon with $Image at $Socket "
                     . "(set JUDGE_DOCKER=1 to make that a failure)";
}

# The ids of the containers a worker with state dir $dir owns (those of
# its pool $pool only: "runner", "builder").
sub owned_containers {
    my ($dir, $pool) = @_;
    my $filter = JSON::PP->new->encode(
        { label => ['ngx-judge.owner=' . hostname() . ":$dir",
                    ($pool ? ("ngx-judge.pool=$pool") : ())] });
    $filter =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
    my ($code, $list) = docker_api(GET => "/containers/json?all=1&filters=$filter");
    return map { $_->{Id} } @{ $list // [] };
}

# The slots of the workers docker_worker() starts (local it for more).
our $Slots = 1;

# A docker-backed worker "$id" with $Slots slots (one runner each, one
# builder for up to three); returns its pid once nginx counts it.
sub docker_worker {
    my ($id, @args) = @_;
    my $pid = spawn_worker($id, slots => $Slots,
        languages => repo_root() . '/docker/runner/languages.conf',
        args => ['--backend', 'docker', @args]);
    my $n = ((http_json(GET => '/health'))[1] // {})->{workers} // 0;
    wait_until(sub {
        (((http_json(GET => '/health'))[1] // {})->{workers} // 0) > $n
    }, 30);
    return $pid;
}

# Stops worker $pid (TERM, as an operator would) and waits for its exit.
sub stop_worker {
    my ($pid) = @_;
    kill 'TERM', $pid;
    return wait_until(sub { waitpid($pid, 1) != 0 }, 60);
}

# A submission judged: the finished submission's JSON.
sub judged {
    my ($body) = @_;
    return judge_submission($body, 120);
}

1;
