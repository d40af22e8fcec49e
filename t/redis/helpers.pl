# Helpers of the t/redis tests, loaded into package main by each .t file
# after "use Test::Judge::Nginx" (whose functions they call).  Each block
# runs its own redis-server (the Debian package) on a free port, with its
# data in the block's directory, persisting as the judge's documentation
# asks: the append-only file, fsync'ed at every write.

use strict;
use warnings;

use JSON::PP;
use Time::HiRes qw(time sleep);

our ($RedisPid, $RedisPort, $RedisArgs, $RedisRoot);

sub redis_available { -x '/usr/bin/redis-server' && -x '/usr/bin/redis-cli' }

# Starts redis-server (again, on the same port and data, when one was
# started in this block); "args" are more of its options.  Returns the port.
sub start_redis {
    my (%o) = @_;
    my $dir = servroot() . '/redis';
    mkdir $dir;
    if (($RedisRoot // '') ne servroot()) {
        # a new block: a new server
        ($RedisRoot, $RedisPort, $RedisArgs) = (servroot(), undef, undef);
    }
    $RedisPort = $o{port} // $RedisPort // free_port();
    $RedisArgs = $o{args} // $RedisArgs // [];
    $RedisPid = spawn(['/usr/bin/redis-server', '--port', $RedisPort,
                       '--bind', '127.0.0.1', '--dir', $dir,
                       '--appendonly', 'yes', '--appendfsync', 'always',
                       '--save', '', '--daemonize', 'no', @$RedisArgs],
                      log => servroot() . '/logs/redis.log');
    wait_until(sub { (redis('PING') // '') eq 'PONG' }, 10)
        or die "redis-server did not start";
    return $RedisPort;
}

# Stops the block's redis-server with "$sig" (TERM: it saves and exits)
sub stop_redis {
    my ($sig) = @_;
    kill $sig // 'TERM', $RedisPid;
    waitpid $RedisPid, 0;
}

# One command through redis-cli; its answer, without the newline
sub redis {
    my @args = @_;
    my %opt = @$RedisArgs;
    my @pass = $opt{'--requirepass'} ? ('-a', $opt{'--requirepass'},
                                        '--no-auth-warning') : ();
    my $cmd = join ' ', map { quotemeta } '/usr/bin/redis-cli', '-p',
                                           $RedisPort, @pass, @args;
    open my $fh, '-|', "$cmd 2>/dev/null" or return undef;
    local $/;
    my $out = <$fh>;
    close $fh;
    return undef unless defined $out;
    $out =~ s/\n\z//;
    return $out;
}

sub job_key { "judge:{j:$_[0]}" }

# The frontends that may own jobs ("" for those passed on)
sub owners {
    my $out = redis('SMEMBERS', 'judge:{owners}') // '';
    return split /\n/, $out, -1;
}

# Jobs not ended, of any owner
sub active_jobs {
    my $n = 0;
    $n += redis('ZCARD', "judge:{o:$_}") || 0 for owners();
    return $n;
}

# Whether the job "$id" is among the jobs not ended of some owner
sub is_active {
    my ($id) = @_;
    return scalar grep { redis('ZSCORE', "judge:{o:$_}", $id) ne '' } owners();
}

# A frontend's processes have connected to Redis: several reads of an
# unknown id in a row are 404s, not 503s
sub redis_ready {
    my ($port) = @_;
    my $in_a_row = 0;
    return wait_until(sub {
        my ($c) = on_port($port, sub {
            http_json(GET => '/submissions/000000000000000000000000') });
        $in_a_row = $c == 404 ? $in_a_row + 1 : 0;
        $in_a_row >= 4;
    }, 20);
}

our $Http = <<'CONF';
    judge_zone judge:32m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
    judge_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    judge_redis_timeout 300ms;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

our $Echo = {language => 'python', source => 'print(input())',
             tests => [map { {id => "t$_", input => "$_\n",
                              expected_output => "$_\n"} } 1 .. 3]};

sub start_workers {
    my ($n) = @_;
    for my $i (1 .. $n) {
        spawn_worker("w$i");
    }
    return wait_until(sub {
        ((http_json(GET => '/health'))[1] // {})->{workers} // 0 >= $n
    }, 20);
}

# The submission "$id" once it has ended (or its last answer after "$secs")
sub finished_within {
    my ($secs, $id) = @_;
    my $r;
    wait_until(sub {
        (undef, $r) = http_json(GET => "/submissions/$id");
        # an error (a frontend not yet on Redis) is no end
        $r && defined $r->{status}
           && $r->{status} !~ /^(QUEUED|COMPILING|RUNNING)$/;
    }, $secs);
    return $r // {};
}

1;
