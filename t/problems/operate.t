# Problems stored on the judge as an operator runs them, through a real
# nginx and a real worker: nginx's user changed on a reload (the problems
# stored before stay readable and writable), and a full disk under
# judge_problems_path (507, nothing half-written, the old version still
# served, and PUT works again once there is room).

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
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
CONF

our $Count = "import sys\nprint(len(sys.stdin.read().split()))\n";

# a problem of "n" tests of about "size" bytes each, "seed" making them
# other files than another seed's
sub problem {
    my ($title, $n, $size, $seed) = @_;
    my @t;
    for my $i (1 .. $n) {
        my $line = join(' ', map { ($i * 31 + $_ + $seed) % 1000 } 1 .. 100)
                   . "\n";
        my $input = $line x int($size / length($line) + 1);
        my $words = () = $input =~ /\S+/g;
        push @t, { name => "t$i", stdin => $input,
                   expected_output => "$words\n" };
    }
    return { title => $title, tests => \@t };
}

sub workers {
    my ($n) = @_;
    return wait_until(sub {
        (((http_json(GET => '/health'))[1] // {})->{workers} // 0) == $n
    }, 20);
}

sub verdict {
    my ($id, $source) = @_;
    my ($c, $j) = http_json(POST => "/problems/$id/submissions?wait=true",
                            { language => 'python',
                              source => $source // $Count });
    return $c == 200 ? $j->{verdict} : "$c " . encode_json($j // {});
}

sub owner {
    my @s = stat shift;
    return @s ? scalar getpwuid($s[4]) : '';
}

# what a directory holds but its temporary files (".t-*", ".l-*")
sub leftovers {
    my ($dir) = @_;
    return grep { m{/\.[tl]-} } glob("$dir/p/.* $dir/d/.* $dir/s/.*");
}

# the tmpfs of a block, unmounted however the test ends
our @Mounted;
END { system('umount', '-l', $_) for @Mounted }

run_tests();

__DATA__

=== nginx's user changed on a reload: the problems stored before are its
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
SKIP: {
skip 'needs root and the user nobody', 13
    unless $> == 0 && getpwnam('nobody') && getgrnam('nogroup');

my $dir = servroot() . '/judge_problems';
spawn_worker('w1', slots => 2);
ok(workers(1), 'the worker registered');

my ($c, $j) = admin_json(PUT => '/problems/kept', problem('Kept', 2, 100, 1));
is($c, 201, 'stored while nginx runs as root');
is(verdict('kept'), 'AC', 'a submission kept for rejudging');
is(owner("$dir/p"), 'root', 'its files are root\'s');

# the worker processes become nobody's: what root wrote must be theirs
chmod 0755, servroot();
my $conf = servroot() . '/conf/nginx.conf';
my $text = do { local (@ARGV, $/) = $conf; <> };
$text =~ s/^user root;$/user nobody nogroup;/m or die 'no user line';
open my $fh, '>', $conf or die $!;
print $fh $text;
close $fh;
my @old = nginx_pids();
ok(reload_nginx(), 'reloaded with user nobody');
ok(wait_until(sub { !grep { kill 0, $_ } @old }, 20),
   'the processes of the old generation are gone');
ok(workers(1), 'the worker came back');

($c, $j) = http_json(GET => '/problems/kept');
is($c, 200, 'the problem stored as root is read') or diag(encode_json($j));

($c, $j) = admin_json(PUT => '/problems/kept', problem('Kept 2', 2, 100, 2));
is($c, 200, 'and written again') or diag(encode_json($j));
is($j->{version}, 2, 'as version 2');

is(verdict('kept'), 'AC', 'judged against its new files');

($c, $j) = admin_json(POST => '/problems/kept/rejudge');
is($c, 202, 'rejudged') or diag(encode_json($j));

is(join(' ', map { owner("$dir/$_") } qw(p d s)), 'nobody nobody nobody',
   'p/, d/ and s/ are nobody\'s');
}

=== a full disk: 507, nothing half-written, the old version served
--- setup
mkdir servroot() . '/full';
push @main::Mounted, servroot() . '/full'
    if system('mount', '-t', 'tmpfs', '-o', 'size=2m', 'tmpfs',
              servroot() . '/full') == 0;
--- http_config eval: $::Http . "    judge_problems_path \$TEST_NGINX_SERVROOT/full;\n"
--- config eval: $::Config
--- timeout: 60
--- allow_alerts
No space left on device
--- perl
SKIP: {
skip 'a tmpfs cannot be mounted here (not root?)', 14 unless @main::Mounted;

my $dir = servroot() . '/full';
spawn_worker('w1', slots => 2);
ok(workers(1), 'the worker registered');

my ($c, $j) = admin_json(PUT => '/problems/f', problem('One', 2, 4e5, 1));
is($c, 201, 'version 1: 800 kB on a disk of 2 MB');

($c, $j) = admin_json(PUT => '/problems/f', problem('Two', 1, 15e5, 2));
is($c, 507, 'version 2, a test file of 1.5 MB, has no room: 507');
is($j->{error}{code}, 'storage_failed', 'storage_failed');
is_deeply([leftovers($dir)], [], 'no temporary file left');

($c, $j) = http_json(GET => '/problems/f');
is("$c $j->{version} $j->{title}", '200 1 One', 'version 1 still served');
is(verdict('f'), 'AC', 'and judged');

# the disk full to the last byte: the version's own file finds no room
system("dd if=/dev/zero of=$dir/reserve bs=4k count=64 2>/dev/null");
system("dd if=/dev/zero of=$dir/filler bs=4k 2>/dev/null");
my $p = problem('One', 2, 4e5, 1);
$p->{statement} = 'x' x 2e5;
($c, $j) = admin_json(PUT => '/problems/f', $p);
is($c, 507, 'a definition that does not fit: 507');
is_deeply([leftovers($dir)], [], 'no temporary file left');
ok(!-e "$dir/p/f.2.json", 'no version 2');
is(verdict('f', "$::Count# on a full disk\n"), 'AC',
   'a submission on a full disk is judged (not kept for rejudging)');

unlink "$dir/filler", "$dir/reserve";
($c, $j) = admin_json(PUT => '/problems/f', problem('Two', 2, 4e5, 2));
is("$c $j->{version}", '200 2', 'room again: version 2');
is(verdict('f'), 'AC', 'judged against it');
($c, $j) = http_json(GET => '/problems/f?version=1');
is("$c $j->{title}", '200 One', 'version 1 kept');
}

