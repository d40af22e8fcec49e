# Helpers for t/sandbox/*.t: find the judge-sandbox binary, compile the
# test programs into a temp dir, run the CLI and decode its JSON.
package SandboxTest;

use strict;
use warnings;

use Cwd qw(abs_path);
use Exporter qw(import);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use JSON::PP;

our @EXPORT = qw(sandbox_cli prog_dir compile run_sandbox host_uid_procs
                 $ROOT $CLI $PROGS);

our $ROOT  = abs_path(dirname(__FILE__) . "/../../..");
our $BUILD = $ENV{JUDGE_BUILD} || "$ROOT/build";
our $CLI   = "$BUILD/judge-sandbox";
our $PROGS = "$ROOT/t/sandbox/progs";

sub sandbox_cli { -x $CLI ? $CLI : undef }

# A temp dir the sandbox uid may traverse (bound in read-only as /t).
sub prog_dir {
    my $d = tempdir("judge-sbx-XXXXXX", TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $d or die "chmod $d: $!";
    return $d;
}

# compile($dir, "memhog.c") -> "$dir/memhog"
sub compile {
    my ($dir, $src, @flags) = @_;
    my ($name) = $src =~ /^([\w-]+)/;
    my $cc = $src =~ /\.cpp$/ ? 'g++' : 'gcc';
    my @cmd = ($cc, '-O2', '-pthread', @flags, '-o', "$dir/$name",
               "$PROGS/$src");
    system(@cmd) == 0 or die "@cmd failed";
    return "$dir/$name";
}

# run_sandbox([options], program, args) -> ($json, $exit_status, $raw)
sub run_sandbox {
    my ($opts, @argv) = @_;
    # slot 50 (uid 60050): clear of a worker that may run slots 0..N here
    my @slot = grep({ $_ eq '--slot' } @$opts) ? () : ('--slot', 50);
    open(my $fh, '-|', $CLI, @slot, @$opts, '--', @argv)
        or die "run $CLI: $!";
    my $raw = do { local $/; <$fh> };
    close $fh;
    my $rc = $? >> 8;
    my $json = eval { JSON::PP->new->decode($raw) };
    return ($json, $rc, $raw);
}

# Processes left with the uids these tests use (slot 50 for the CLI, 79-83
# for libtest), as "/proc/PID/status uid N".
sub host_uid_procs {
    my @left;
    for my $st (glob "/proc/[0-9]*/status") {
        open(my $fh, '<', $st) or next;
        while (<$fh>) {
            if (/^Uid:\s+(\d+)/) {
                push @left, "$st uid $1"
                    if $1 == 60050 || ($1 >= 60079 && $1 <= 60083);
                last;
            }
        }
    }
    return @left;
}

1;
