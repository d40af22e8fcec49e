# stall-proxy.pl LISTEN UPSTREAM FLAG: relays every connection made to
# the unix socket LISTEN to the unix socket UPSTREAM (the docker daemon),
# byte for byte both ways.  While the file FLAG exists, nothing is read
# from UPSTREAM: the daemon carries the requests out, its answers do not
# come, as with a daemon that hangs after doing the work.

use strict;
use warnings;
use IO::Select;
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM);

my ($listen, $upstream, $flag) = @ARGV;
$SIG{PIPE} = 'IGNORE';
unlink $listen;
my $server = IO::Socket::UNIX->new(Local => $listen, Type => SOCK_STREAM,
                                   Listen => 64) or die "listen $listen: $!";
my %peer;       # fileno => the other end
my %up;         # fileno => 1 for the daemon's ends
my %handle;     # fileno => handle

sub drop {
    my ($fh) = @_;
    my $other = delete $peer{fileno $fh};
    for my $h ($fh, $other // ()) {
        delete $peer{fileno $h};
        delete $up{fileno $h};
        delete $handle{fileno $h};
        close $h;
    }
}

for (;;) {
    my $stalled = -e $flag;
    my $sel = IO::Select->new($server,
        grep { !($stalled && $up{fileno $_}) } values %handle);
    for my $fh ($sel->can_read(0.05)) {
        if ($fh == $server) {
            my $c = $server->accept or next;
            my $d = IO::Socket::UNIX->new(Peer => $upstream,
                                          Type => SOCK_STREAM);
            unless ($d) { close $c; next; }
            $peer{fileno $c} = $d;
            $peer{fileno $d} = $c;
            $up{fileno $d} = 1;
            $handle{fileno $c} = $c;
            $handle{fileno $d} = $d;
            next;
        }
        next unless defined fileno $fh && $peer{fileno $fh};
        my $n = sysread($fh, my $buf, 65536);
        if (!$n) { drop($fh); next; }
        my $to = $peer{fileno $fh};
        while (length $buf) {
            my $w = syswrite($to, $buf);
            if (!defined $w) { drop($fh); last; }
            substr($buf, 0, $w) = '';
        }
    }
}
