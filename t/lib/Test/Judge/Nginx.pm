package Test::Judge::Nginx;

# A data-driven test runner in the style of Test::Nginx, on Test::Base.
#
# Each block of a test file's __DATA__ starts the real nginx (the stock
# /usr/sbin/nginx unless TEST_NGINX_BINARY says otherwise) with the freshly
# built module loaded, master process on and two worker processes, sends
# real HTTP, checks the answer and the error log, and stops nginx again.
#
# Sections of a block:
#   main_config, http_config, config   text for the top level, http{} and
#                                      server{} of nginx.conf
#   worker_processes                   default 2
#   request                            "METHOD /uri" then the body lines
#   more_headers                       extra request headers, one a line
#   error_code                         expected status, default 200
#   response_headers                   "Name: value" lines; "!Name" = absent
#   response_body, response_body_like  exact text, or a regex
#   response_json                      expected JSON, compared as a subset:
#                                      objects may hold more keys, strings
#                                      written "/re/" match as regexes
#   error_log, no_error_log            lines (or an eval'd list of qr//)
#                                      that must / must not be logged
#   must_die                           nginx must refuse the config; the
#                                      error_log lines are looked for in
#                                      what it printed
#   reload                             send HUP (and wait for the new
#                                      generation) before the request
#   setup                              code run before nginx starts (to
#                                      make files the config names)
#   perl                               code run after the request checks,
#                                      with the helpers below in scope
#   allow_alerts                       alert lines the block causes on
#                                      purpose (e.g. a killed process)
#   timeout                            client socket timeout in seconds
#   wait                               seconds to sleep before log checks
#
# Any [alert], [crit] or [emerg] line in error.log fails the block, as do
# sanitizer reports in any log of the block (nginx's or a spawned
# worker's).
#
# Every answer http_request() gets from a location of the module (and so
# every answer of http_json, admin_json and a block's request), and the
# answer to each upgrade Test::Judge::Wire asks for, is held
# against the API's contract, docs/openapi.yaml (Test::Judge::Contract):
# an answer the contract does not give fails the test, naming the
# request, the status and the rule.  With JUDGE_CONTRACT_LOG set to a
# file, each test process appends how many answers it checked and the
# time that took ("checked N S file") and which responses of the contract
# they were ("seen METHOD PATH STATUS N").

use Test::Base -Base;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(make_path remove_tree);
use File::Temp qw(tempdir);
use HTTP::Response;
use IO::Select;
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);
use Test::Judge::Contract;

our @EXPORT = qw(
    run_tests repo_root build_dir nginx_port servroot
    http_request http_get http_json admin_json admin_token json_subset_ok
    spawn stop_spawned reload_nginx old_generation_gone restart_nginx nginx_pids
    error_log_since spawn_worker
    wait_until free_port spawn_frontend on_port judge_submission
);

my $RepoRoot = abs_path(dirname(__FILE__) . '/../../../..');
my $Build = $ENV{JUDGE_BUILD} || "$RepoRoot/build";
my $NginxBinary = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
my $Module = $ENV{TEST_NGINX_MODULE} || "$Build/ngx_http_judge_module.so";

sub json_diff (@);

my ($ServRoot, $Port, $MasterPid, $LogOffset, @Spawned, @Locations);
my ($Checked, $CheckTime, %Seen) = (0, 0);
my $AdminToken = 'admin-secret-of-the-tests';

sub repo_root () { $RepoRoot }
sub build_dir () { $Build }
sub nginx_port () { $Port }
sub servroot () { $ServRoot }

# A port free now, below the kernel's range of ephemeral ports: one the
# kernel hands out could be taken by an outgoing connection before nginx
# or redis-server binds it.  Ports handed out before are not handed out
# again by this process.
my %Given;

sub free_port () {
    my $low = 32768;
    if (open my $fh, '<', '/proc/sys/net/ipv4/ip_local_port_range') {
        ($low) = split ' ', scalar <$fh>;
        close $fh;
    }
    $low = 32768 if !$low || $low <= 21000;
    for (1 .. 200) {
        my $p = 20000 + int rand($low - 20000);
        next if $Given{$p};
        my $s = IO::Socket::INET->new(
            LocalAddr => '127.0.0.1', LocalPort => $p, Proto => 'tcp',
            Listen => 1, ReuseAddr => 1,
        ) or next;
        close $s;
        $Given{$p} = 1;
        return $p;
    }
    die "cannot find a free port below $low";
}

sub write_config ($) {
    my $block = shift;

    my $workers = $block->worker_processes // 2;
    my $user = $> == 0 ? "user root;\n" : '';
    my $main = $block->main_config // '';
    my $http = $block->http_config // '';
    my $server = $block->config // '';

    # $TEST_NGINX_ADMIN is the admin API at /admin/, for admin_json()
    open my $tf, '>', "$ServRoot/conf/admin.token" or die $!;
    print $tf "$AdminToken\n";
    close $tf;

    for my $text ($main, $http, $server) {
        $text =~ s/\$TEST_NGINX_(\w+)/
            $1 eq 'PORT' ? $Port
            : $1 eq 'ADMIN' ? "location \/admin\/ { judge_admin; "
                              . "judge_admin_token_file $ServRoot\/conf\/admin.token; }"
            : $1 eq 'SERVROOT' ? $ServRoot
            : $1 eq 'BUILD' ? $Build
            : $1 eq 'REPO' ? $RepoRoot
            : $1 eq 'TLS_PORT' ? ($ENV{TEST_NGINX_TLS_PORT} \/\/= free_port())
            : ($ENV{"TEST_NGINX_$1"} \/\/ '')/ge;
    }

    @Locations = judge_locations($server);

    open my $fh, '>', "$ServRoot/conf/nginx.conf" or die $!;
    print $fh <<"CONF";
load_module $Module;
${user}worker_processes $workers;
master_process on;
daemon off;
error_log $ServRoot/logs/error.log debug;
pid $ServRoot/logs/nginx.pid;
$main
events {
    worker_connections 1024;
}

http {
    access_log $ServRoot/logs/access.log;
    client_body_temp_path $ServRoot/client_body_temp;
    proxy_temp_path $ServRoot/proxy_temp;
    fastcgi_temp_path $ServRoot/fastcgi_temp;
    uwsgi_temp_path $ServRoot/uwsgi_temp;
    scgi_temp_path $ServRoot/scgi_temp;
    default_type text/plain;

$http

    server {
        listen 127.0.0.1:$Port;
        server_name localhost;

$server
    }
}
CONF
    close $fh;
}

# The locations of the block's server{} where the module answers:
# [exact, name, kind], kind being the directive (judge_api, judge_admin,
# judge_worker_endpoint).
sub judge_locations ($) {
    my $text = shift;
    my @l;
    while ($text =~ /\blocation\s+(=\s*|\^~\s*)?([^\s{]+)\s*\{([^}]*)\}/g) {
        my ($modifier, $name, $body) = ($1 // '', $2, $3);
        my $exact = $modifier =~ /=/ ? 1 : 0;
        next unless $body
                    =~ /\b(judge_api|judge_admin|judge_worker_endpoint)(\s+\w+)?[^;]*;/;
        # a location of another engine's dialect is not held to the contract
        push @l, [$exact, $name, $2 ? 'dialect' : $1];
    }
    return @l;
}

# The module's location nginx gives "uri" (an exact match, else the
# longest prefix) and the path the module routes, the location's prefix
# taken off as the module does; () when no location of the module has it.
# Only the module's locations are known: a request another location of
# the block takes is taken for the module's (t/harness/fixtures/failing.tt
# plays a module answering wrong that way).
sub judge_route ($) {
    my $uri = shift;
    my ($path) = split /\?/, $uri, 2;
    $path =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;

    my ($best) = grep { $_->[0] && $_->[1] eq $path } @Locations;
    ($best) = sort { length $b->[1] <=> length $a->[1] }
              grep { !$_->[0] && index($path, $_->[1]) == 0 } @Locations
        unless $best;
    return () unless $best;

    my $name = $best->[1];
    if (length $name > 1) {
        $path = substr($path, length $name);
        $path = "/$path" if $name =~ m{/$};
    }
    return ($best->[2], $path);
}

# Holds an answer of the module against docs/openapi.yaml; a mismatch is
# a failed test.
sub contract_check ($$$) {
    my ($method, $uri, $r) = @_;
    my ($kind, $path) = judge_route($uri);
    return if !$kind || $kind eq 'dialect';

    my $start = time;
    my @e = Test::Judge::Contract::check(method => $method, path => $path,
                                         kind => $kind, response => $r);
    my $tpl = $kind eq 'judge_worker_endpoint'
              ? '/worker' : Test::Judge::Contract::template($path);
    $CheckTime += time - $start;
    $Checked++;
    $Seen{ "$method " . ($tpl // '(unrouted)') . ' ' . $r->code }++;
    return unless @e;

    my $body = $r->content // '';
    $body = substr($body, 0, 500) . '...' if length $body > 500;
    Test::More::ok(0, "$method $uri: the answer follows docs/openapi.yaml");
    Test::More::diag(join "\n", @e, "the answer: " . $r->status_line, $body);
}

# the answers to the upgrades Test::Judge::Wire asks for are held
# against the contract too
$Test::Judge::Wire::Answered = sub {
    my ($port, $uri, $answer) = @_;
    contract_check('GET', $uri, HTTP::Response->parse($answer))
        if $Port && $port == $Port;
};

sub start_nginx () {
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDOUT, '>>', "$ServRoot/logs/stderr.log";
        open STDERR, '>&', \*STDOUT;
        $ENV{LD_PRELOAD} = $ENV{TEST_NGINX_PRELOAD}
            if $ENV{TEST_NGINX_PRELOAD};
        exec $NginxBinary, '-p', "$ServRoot/", '-c', 'conf/nginx.conf',
             '-e', "$ServRoot/logs/error.log";
        exit 127;
    }
    $MasterPid = $pid;

    my $deadline = time + 10;
    while (time < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            $MasterPid = undef;
            return 0;
        }
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$Port",
                                      Proto => 'tcp');
        if ($s) {
            close $s;
            return wait_for_workers(0);
        }
        sleep 0.02;
    }
    return 0;
}

# The worker processes of the current generation are up when the log
# holds as many "start worker process" lines as asked for.
sub wait_for_workers ($) {
    my $already = shift;
    my $want = $already + (scalar(nginx_pids()) || 1);
    my $deadline = time + 10;
    while (time < $deadline) {
        my $n = () = slurp("$ServRoot/logs/error.log")
                     =~ /start worker process \d+/g;
        return 1 if $n >= $want;
        sleep 0.02;
    }
    return 0;
}

sub stop_nginx () {
    return unless $MasterPid;
    kill 'QUIT', $MasterPid;
    my $deadline = time + 10;
    while (time < $deadline) {
        last if waitpid($MasterPid, WNOHANG) == $MasterPid;
        sleep 0.02;
    }
    if (kill 0, $MasterPid) {
        Test::More::diag("nginx did not quit in time; killing it");
        kill 'KILL', $MasterPid;
        waitpid $MasterPid, 0;
    }
    # worker processes of a killed master may linger
    for my $pid (nginx_pids()) {
        kill 'KILL', $pid;
    }
    $MasterPid = undef;
}

# pids of the live nginx worker processes of this block's master
sub nginx_pids () {
    return () unless $MasterPid;
    my @pids;
    opendir my $d, '/proc' or return ();
    for my $p (grep { /^\d+$/ } readdir $d) {
        open my $fh, '<', "/proc/$p/stat" or next;
        my $stat = <$fh>;
        close $fh;
        next unless defined $stat
            && $stat =~ /^\d+ \((.*)\) \S (\d+)/ && $2 == $MasterPid;
        push @pids, $p;
    }
    return @pids;
}

# stops the block's nginx and starts it again on the same configuration
sub restart_nginx () {
    stop_nginx();
    return start_nginx();
}

# the processes of the generation before the last reload
my @OldGeneration;

sub reload_nginx () {
    my $before = () = slurp("$ServRoot/logs/error.log")
                      =~ /start worker process \d+/g;
    @OldGeneration = nginx_pids();
    kill 'HUP', $MasterPid;
    my $deadline = time + 10;
    while (time < $deadline) {
        my $n = () = slurp("$ServRoot/logs/error.log")
                     =~ /start worker process \d+/g;
        return 1 if $n > $before && $n >= $before + 1;
        sleep 0.02;
    }
    return 0;
}

sub slurp ($) {
    my $file = shift;
    open my $fh, '<', $file or return '';
    local $/;
    my $data = <$fh>;
    close $fh;
    return $data;
}

sub error_log_since (;$) {
    my $offset = shift // $LogOffset // 0;
    my $data = slurp("$ServRoot/logs/error.log");
    return substr($data, $offset);
}

# Start an extra process for the current block (a judge-worker, a
# redis-server).  It is killed when the block ends.
sub spawn (@) {
    my ($cmd, %opt) = @_;
    my $log = $opt{log} // "$ServRoot/logs/spawn-" . (@Spawned + 1) . '.log';
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        setpgrp(0, 0);
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $log;
        open STDERR, '>&', \*STDOUT;
        exec @$cmd;
        exit 127;
    }
    push @Spawned, $pid;
    return $pid;
}

# Start a real judge-worker for this block, dialling this block's nginx
# with the token "t"; returns its pid.  Options: slots (1), languages (a
# table file), args (more flags).
sub spawn_worker (@) {
    my ($id, %o) = @_;
    mkdir "$ServRoot/$id";
    return spawn([$Build . '/judge-worker', '--foreground',
                  '--master', "http://127.0.0.1:$Port/worker",
                  '--token', 't', '--id', $id, '--slots', $o{slots} // 1,
                  ($o{languages} ? ('--languages', $o{languages}) : ()),
                  @{ $o{args} // [] },
                  '--state-dir', "$ServRoot/$id",
                  '--log', "$ServRoot/logs/worker-$id.log"]);
}

# Another nginx for this block (a second frontend, "$name"): the block's
# nginx.conf with its own port and its own directories under
# servroot/$name, its error log in servroot/logs/$name-error.log (checked
# with the block's).  Returns its port and its master's pid; it is
# stopped with the spawned processes.
sub spawn_frontend ($) {
    my $name = shift;
    my $dir = "$ServRoot/$name";
    make_path("$dir/conf", "$dir/logs");
    my $port = free_port();
    my $conf = slurp("$ServRoot/conf/nginx.conf");
    $conf =~ s{\Q$ServRoot\E/}{$dir/}g;
    $conf =~ s{error_log \Q$dir\E/logs/error\.log}
              {error_log $ServRoot/logs/$name-error.log};
    $conf =~ s{127\.0\.0\.1:$Port\b}{127.0.0.1:$port}g;
    open my $fh, '>', "$dir/conf/nginx.conf" or die $!;
    print $fh $conf;
    close $fh;
    open $fh, '>', "$dir/conf/admin.token" or die $!;
    print $fh "$AdminToken\n";
    close $fh;
    my @preload = $ENV{TEST_NGINX_PRELOAD}
                  ? ('env', "LD_PRELOAD=$ENV{TEST_NGINX_PRELOAD}") : ();
    my $pid = spawn([@preload, $NginxBinary, '-p', "$dir/",
                     '-c', 'conf/nginx.conf',
                     '-e', "$ServRoot/logs/$name-error.log"],
                    log => "$ServRoot/logs/$name-stderr.log");
    wait_until(sub {
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port",
                                      Proto => 'tcp');
        close $s if $s;
        $s ? 1 : 0;
    });
    return ($port, $pid);
}

# runs "$code" with http_request() and its helpers talking to "$port"
sub on_port ($$) {
    my ($port, $code) = @_;
    my $saved = $Port;
    $Port = $port;
    my @r = eval { $code->() };
    my $err = $@;
    $Port = $saved;
    die $err if $err;
    return wantarray ? @r : $r[0];
}

sub stop_spawned (;$) {
    my $sig = shift // 'TERM';
    for my $pid (@Spawned) {
        kill $sig, -$pid;
        kill $sig, $pid;
    }
    my $deadline = time + 5;
    for my $pid (@Spawned) {
        while (time < $deadline) {
            last if waitpid($pid, WNOHANG) != 0;
            sleep 0.02;
        }
        if (waitpid($pid, WNOHANG) == 0) {
            kill 'KILL', -$pid;
            kill 'KILL', $pid;
            waitpid $pid, 0;
        }
    }
    @Spawned = ();
}

sub wait_until ($;$) {
    my ($cond, $timeout) = @_;
    my $deadline = time + ($timeout // 10);
    while (time < $deadline) {
        return 1 if $cond->();
        sleep 0.05;
    }
    return $cond->() ? 1 : 0;
}

# true once every process of the generation before the last reload has
# exited: until then one of them may still accept a connection
sub old_generation_gone (;$) {
    my $timeout = shift // 10;
    return wait_until(sub {
        my %now = map { $_ => 1 } nginx_pids();
        !grep { $now{$_} } @OldGeneration;
    }, $timeout);
}

# POST /submissions with $body (a hash) and wait up to $timeout seconds
# (120 by default) for its verdict, asking for its state a few times a
# second: unlike one ?wait=true request, a slow compile on a loaded machine
# does not end it.  Returns the last state, or { verdict => "HTTP CODE" }
# when the submission was not accepted.
sub judge_submission ($;$) {
    my ($body, $timeout) = @_;
    my ($code, $r) = http_json(POST => '/submissions', $body);
    return $r // { verdict => "HTTP $code" } unless $code == 202 && $r->{id};
    my $id = $r->{id};
    wait_until(sub {
        my ($c, $s) = http_json(GET => "/submissions/$id");
        $r = $s if $c == 200 && $s;
        ($r->{status} // '') !~ /^(QUEUED|RUNNING|COMPILING)$/
    }, $timeout // 120);
    return $r;
}

# Send one HTTP/1.1 request over a fresh connection and read the whole
# answer.  Returns an HTTP::Response (code 0 on a transport failure).
sub http_request (@) {
    my ($method, $uri, $body, $headers, $timeout) = @_;
    $timeout //= 10;
    $body //= '';

    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$Port",
                                  Proto => 'tcp', Timeout => $timeout);
    unless ($s) {
        my $r = HTTP::Response->new(0, "connect failed: $!");
        return $r;
    }

    my $req = "$method $uri HTTP/1.1\r\nHost: localhost\r\n"
              . "Connection: close\r\n";
    my %has;
    for my $h (@{ $headers // [] }) {
        $req .= "$h\r\n";
        $has{ lc((split /:/, $h)[0]) } = 1;
    }
    if (length $body || $method =~ /^(POST|PUT|PATCH)$/) {
        $req .= "Content-Length: " . length($body) . "\r\n"
            unless $has{'content-length'} || $has{'transfer-encoding'};
    }
    $req .= "\r\n" . $body;

    my $sel = IO::Select->new($s);
    my $off = 0;
    while ($off < length $req) {
        unless ($sel->can_write($timeout)) {
            return HTTP::Response->new(0, 'write timed out');
        }
        my $n = syswrite $s, $req, length($req) - $off, $off;
        last unless defined $n;
        $off += $n;
    }

    my $raw = '';
    while (1) {
        unless ($sel->can_read($timeout)) {
            my $r = HTTP::Response->new(0, 'read timed out');
            $r->content($raw);
            return $r;
        }
        my $n = sysread $s, my $chunk, 65536;
        last unless $n;
        $raw .= $chunk;
    }
    close $s;

    my $r = HTTP::Response->parse($raw);
    my $whole = 1;
    if (($r->header('Transfer-Encoding') // '') =~ /chunked/i) {
        my ($body, $ended) = dechunk($r->content);
        $r->content($body);
        $whole = $ended;
    } elsif (defined $r->header('Content-Length') && $method ne 'HEAD') {
        $whole = length($r->content) == $r->header('Content-Length');
    }

    # an answer cut short (nginx killed under it) is no answer to check
    contract_check($method, $uri, $r) if $r->code && $whole;

    return $r;
}

# the body of a chunked answer, and whether its last chunk came
sub dechunk ($) {
    my $in = shift;
    my $out = '';
    while ($in =~ s/^([0-9a-fA-F]+)[^\r\n]*\r\n//) {
        my $len = hex $1;
        return ($out, 1) if $len == 0;
        $out .= substr($in, 0, $len, '');
        $in =~ s/^\r\n//;
    }
    return ($out, 0);
}

sub http_get ($) {
    return http_request('GET', shift);
}

# GET or send JSON (a structure, or text as it is) with more headers
# ("Name: value"), decode the answer; returns (status, data-or-undef,
# the answer).
sub http_json (@) {
    my ($method, $uri, $data, @headers) = @_;
    my $body = defined $data
        ? (ref $data ? JSON::PP->new->canonical->encode($data) : $data)
        : '';
    my @h = ((length $body ? ('Content-Type: application/json') : ()),
             @headers);
    my $r = http_request($method, $uri, $body, \@h);
    my $json = eval { decode_json($r->content) };
    return ($r->code, $json, $r);
}

sub admin_token () { $AdminToken }

# http_json against the admin API ($TEST_NGINX_ADMIN in the config), with
# its token.
sub admin_json (@) {
    my ($method, $uri, $data) = @_;
    my $body = defined $data
        ? (ref $data ? JSON::PP->new->canonical->encode($data) : $data)
        : '';
    my @h = ("Authorization: Bearer $AdminToken");
    push @h, 'Content-Type: application/json' if length $body;
    my $r = http_request($method, "/admin$uri", $body, \@h);
    my $json = eval { decode_json($r->content) };
    return ($r->code, $json, $r);
}

# True when $got holds everything $want holds; returns a list of
# differences (empty when it matches).
sub json_diff (@) {
    my ($got, $want, $path) = @_;
    $path //= '$';

    if (ref $want eq 'HASH') {
        return ("$path: expected an object") unless ref $got eq 'HASH';
        my @d;
        for my $k (sort keys %$want) {
            if (!exists $got->{$k}) {
                push @d, "$path.$k: missing";
                next;
            }
            push @d, json_diff($got->{$k}, $want->{$k}, "$path.$k");
        }
        return @d;
    }
    if (ref $want eq 'ARRAY') {
        return ("$path: expected an array") unless ref $got eq 'ARRAY';
        return ("$path: expected " . @$want . " elements, got " . @$got)
            unless @$got == @$want;
        return map { json_diff($got->[$_], $want->[$_], "$path\[$_\]") }
               0 .. $#$want;
    }
    if (!defined $want) {
        return defined $got ? ("$path: expected null") : ();
    }
    if (JSON::PP::is_bool($want)) {
        return ("$path: expected " . ($want ? 'true' : 'false'))
            unless JSON::PP::is_bool($got) && !!$got == !!$want;
        return ();
    }
    return ("$path: expected '$want', got null") unless defined $got;
    return ("$path: expected a scalar") if ref $got && !JSON::PP::is_bool($got);
    if ($want =~ m{^/(.*)/$}s) {
        my $re = $1;
        return $got =~ /$re/ ? () : ("$path: '$got' does not match /$re/");
    }
    return $got eq $want ? () : ("$path: expected '$want', got '$got'");
}

sub json_subset_ok (@) {
    my ($got, $want, $name) = @_;
    my @d = json_diff($got, $want);
    Test::More::ok(!@d, $name) or Test::More::diag(join "\n", @d);
}

sub log_patterns ($) {
    my $v = shift;
    return @$v if ref $v eq 'ARRAY';
    return grep { length } map { s/^\s+|\s+$//gr } split /\n/, $v;
}

sub check_log ($$$) {
    my ($block, $log, $name) = @_;

    if (defined $block->error_log) {
        for my $p (log_patterns($block->error_log)) {
            my $hit = ref $p ? $log =~ $p : index($log, $p) >= 0;
            Test::More::ok($hit, "$name - error_log has $p");
        }
    }
    if (defined $block->no_error_log) {
        for my $p (log_patterns($block->no_error_log)) {
            my $hit = ref $p ? $log =~ $p : index($log, $p) >= 0;
            Test::More::ok(!$hit, "$name - error_log lacks $p");
        }
    }
}

sub check_response ($$$) {
    my ($block, $r, $name) = @_;

    my $want_code = $block->error_code // 200;
    Test::More::is($r->code, $want_code, "$name - status code")
        or Test::More::diag($r->message . "\n" . ($r->content // ''));

    if (defined $block->response_headers) {
        for my $line (log_patterns($block->response_headers)) {
            if ($line =~ /^!\s*(\S+)/) {
                Test::More::ok(!defined $r->header($1),
                               "$name - header $1 absent");
            } elsif ($line =~ /^([^:]+):\s*(.*)$/) {
                Test::More::is($r->header($1), $2, "$name - header $1");
            }
        }
    }

    if (defined $block->response_body) {
        Test::More::is($r->content, $block->response_body,
                       "$name - response body");
    }

    if (defined $block->response_body_like) {
        my $re = $block->response_body_like;
        $re =~ s/\s+$//;
        Test::More::like($r->content, qr/$re/s, "$name - response body like");
    }

    if (defined $block->response_json) {
        my $want = decode_json($block->response_json);
        my $got = eval { decode_json($r->content) };
        if (Test::More::ok(defined $got, "$name - response is JSON")) {
            json_subset_ok($got, $want, "$name - response JSON");
        } else {
            Test::More::diag($r->content);
        }
    }
}

sub run_block ($) {
    my $block = shift;
    my $name = $block->name;

    $Port = free_port();
    $ServRoot = tempdir('judge-test-XXXXXX', TMPDIR => 1,
                        CLEANUP => !$ENV{TEST_NGINX_LEAVE});
    make_path("$ServRoot/$_") for qw(conf logs html);
    open my $touch, '>', "$ServRoot/logs/error.log";
    close $touch;

    if (defined $block->setup) {
        my $code = $block->setup;
        eval "package main; $code; 1"
            or Test::More::fail("$name - setup: $@");
    }

    write_config($block);

    if (defined $block->must_die) {
        my $started = start_nginx();
        stop_nginx();
        Test::More::ok(!$started, "$name - nginx refused to start");
        check_log($block, slurp("$ServRoot/logs/stderr.log")
                          . slurp("$ServRoot/logs/error.log"), $name);
        return;
    }

    unless (start_nginx()) {
        Test::More::fail("$name - nginx started");
        Test::More::diag(slurp("$ServRoot/logs/stderr.log")
                         . slurp("$ServRoot/logs/error.log"));
        stop_nginx();
        return;
    }

    if (defined $block->reload) {
        Test::More::ok(reload_nginx(), "$name - reloaded");
    }

    $LogOffset = length slurp("$ServRoot/logs/error.log");

    if (defined $block->request) {
        my $req = $block->request;
        $req =~ s/^\s+//;
        my ($line, $body) = split /\n/, $req, 2;
        my ($method, $uri) = split ' ', $line;
        $body //= '';
        my @headers = defined $block->more_headers
                      ? log_patterns($block->more_headers) : ();
        my $r = http_request($method, $uri, $body, \@headers,
                             $block->timeout);
        check_response($block, $r, $name);
    }

    if (defined $block->perl) {
        my $code = $block->perl;
        eval "package main; $code; 1" or Test::More::fail("$name - perl: $@");
    }

    sleep($block->wait) if $block->wait;

    check_log($block, error_log_since(), $name);

    stop_spawned();
    stop_nginx();

    # nginx's logs, and whatever spawned processes (workers) printed
    my $log = join '', map { slurp($_) } glob("$ServRoot/logs/*.log");
    my @allowed = defined $block->allow_alerts
                  ? log_patterns($block->allow_alerts) : ();
    my @bad = grep { /\[(alert|crit|emerg)\]|AddressSanitizer|runtime error:/ }
              split /\n/, $log;
    for my $a (@allowed) {
        @bad = grep { index($_, $a) < 0 } @bad;
    }
    Test::More::ok(!@bad, "$name - no alert, crit or emerg in error.log")
        or Test::More::diag(join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)]);
}

sub run_tests () {
    $SIG{PIPE} = 'IGNORE';
    Test::More::plan('no_plan');
    for my $block (blocks()) {
        run_block($block);
    }
}

END {
    stop_spawned() if @Spawned;
    stop_nginx() if $MasterPid;

    if ($ENV{JUDGE_CONTRACT_LOG}
        && open my $fh, '>>', $ENV{JUDGE_CONTRACT_LOG})
    {
        printf $fh "checked %d %.2f %s\n", $Checked, $CheckTime, $0;
        print $fh map { "seen $_ $Seen{$_}\n" } sort keys %Seen;
        close $fh;
    }
}

1;
