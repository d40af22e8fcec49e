#!/usr/bin/perl
# A Redis that misbehaves, for t/redis/hostile.t: it listens on 127.0.0.1
# and answers the commands it reads as "mode" says.
#
#   fake_redis.pl PORT MODE [DELAY]
#
#   banner  "+OK" as soon as a connection comes, before anything is asked
#   refuse  an error as soon as a connection comes, as Redis's maxclients
#   extra   each command answered twice
#   slow    each command answered ":1" DELAY seconds after the one before
#           it was (the answers come, slowly, one after another)
#   close   each command answered with the start of a reply, then the
#           connection closed
#   loading each command refused as by a Redis loading its data
#   deaf    the first command of a connection refused ("-ERR invalid
#           password"), the others never answered
#
# It prints the number of connections it accepted to its standard output
# as each comes ("accepted N").

use strict;
use warnings;

use IO::Socket::INET;
use IO::Select;
use Time::HiRes qw(time);

my ($port, $mode, $delay) = @ARGV;
$delay //= 0.2;
$| = 1;

my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                   LocalPort => $port, Proto => 'tcp',
                                   Listen => 128, ReuseAddr => 1)
    or die "listen on $port: $!";

my $sel = IO::Select->new($listen);
my (%in, %out, %due, %heard);
my $accepted = 0;

sub drop {
    my ($fh) = @_;
    $sel->remove($fh);
    delete $in{$fh};
    delete $out{$fh};
    delete $due{$fh};
    delete $heard{$fh};
    close $fh;
}

# The commands complete in "$buf" (RESP arrays of bulk strings); how many,
# and what is left of the buffer.
sub commands {
    my ($buf) = @_;
    my $n = 0;
    while ($buf =~ /\A\*(\d+)\r\n/) {
        my ($argc, $p) = ($1, length $&);
        for (1 .. $argc) {
            substr($buf, $p) =~ /\A\$(\d+)\r\n/ or return ($n, $buf);
            $p += length($&) + $1 + 2;
            return ($n, $buf) if $p > length $buf;
        }
        $n++;
        $buf = substr($buf, $p);
    }
    return ($n, $buf);
}

while (1) {
    my $now = time;
    my $wait = 0.05;

    for my $fh ($sel->handles) {
        next if $fh == $listen;
        my $q = $due{$fh} // [];
        while (@$q && $q->[0] <= $now) {
            shift @$q;
            $out{$fh} .= ":1\r\n";
        }
        if (length($out{$fh} // '')) {
            my $n = syswrite $fh, $out{$fh};
            substr($out{$fh}, 0, $n) = '' if $n;
        }
    }

    for my $fh ($sel->can_read($wait)) {
        if ($fh == $listen) {
            my $c = $listen->accept or next;
            $c->blocking(0);
            $sel->add($c);
            $in{$c} = '';
            $out{$c} = $mode eq 'banner' ? "+OK\r\n"
                       : $mode eq 'refuse'
                       ? "-ERR max number of clients reached\r\n" : '';
            $due{$c} = [];
            print "accepted ", ++$accepted, "\n";
            next;
        }

        my $n = sysread $fh, my $chunk, 65536;
        if (!$n) {
            drop($fh);
            next;
        }

        my $cmds;
        ($cmds, $in{$fh}) = commands($in{$fh} . $chunk);

        for (1 .. $cmds) {
            if ($mode eq 'extra') {
                $out{$fh} .= "+OK\r\n+OK\r\n";

            } elsif ($mode eq 'slow') {
                my $q = $due{$fh};
                my $last = @$q ? $q->[-1] : time;
                push @$q, ($last > time ? $last : time) + $delay;

            } elsif ($mode eq 'deaf') {
                $out{$fh} .= "-ERR invalid password\r\n" unless $heard{$fh}++;

            } elsif ($mode eq 'loading') {
                $out{$fh} .= "-LOADING Redis is loading the dataset in "
                             . "memory\r\n";

            } elsif ($mode eq 'close') {
                syswrite $fh, "\$10\r\nabc";
                drop($fh);
                last;

            } else {
                $out{$fh} .= "+OK\r\n";
            }
        }
    }
}
