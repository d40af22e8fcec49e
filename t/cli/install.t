# make install into a DESTDIR: the binaries, the module and judge(1) where
# an operator looks for them, the languages tables only where none is
# (an operator's edits survive a second install), the man page as man
# renders it without a warning; make uninstall takes the binaries away.

use strict;
use warnings;
use Test::More;
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);

my $root = abs_path(dirname(__FILE__) . '/../..');
my $build = $ENV{JUDGE_BUILD} || "$root/build";
my $dest = tempdir('judge-install-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $make = "make -s -C $root BUILD=$build DESTDIR=$dest";

sub slurp {
    open my $fh, '<', shift or return '';
    local $/;
    return scalar <$fh>;
}

is(system("$make install >$dest/make.log 2>&1"), 0, 'make install')
    or diag(slurp("$dest/make.log"));
for my $f (qw(usr/local/bin/judge usr/local/bin/judge-sandbox
              usr/local/sbin/judge-worker)) {
    ok(-x "$dest/$f", "$f, executable");
}
ok(-f "$dest/usr/lib/nginx/modules/ngx_http_judge_module.so",
   'the module beside the stock nginx\'s');
is(slurp("$dest/etc/judge-worker/languages.conf"),
   slurp("$root/conf/languages.conf"), 'the languages table');
is(slurp("$dest/etc/nginx/judge0_languages.conf"),
   slurp("$root/conf/judge0_languages.conf"), 'the Judge0 ids table');

my $man = "$dest/usr/local/share/man/man1/judge.1";
ok(-f $man, 'judge(1)');
is(`groff -man -Tutf8 -ww -z $man 2>&1`, '', 'the man page: no groff warning');
my $text = `MANWIDTH=80 man -l $man 2>&1`;
like($text, qr/^EXIT STATUS\n/m, 'man renders it');
like($text, qr/judge run \[PROBLEM\]/, 'with every command');

my $help = `$dest/usr/local/bin/judge --help`;
is($? >> 8, 0, 'the installed judge runs');
like($help, qr/^usage: judge /, 'its help');

open my $fh, '>', "$dest/etc/judge-worker/languages.conf" or die $!;
print $fh "# edited\n";
close $fh;
is(system("$make install >$dest/make.log 2>&1"), 0, 'make install again');
is(slurp("$dest/etc/judge-worker/languages.conf"), "# edited\n",
   'an edited languages table is kept');

is(system("$make uninstall >$dest/make.log 2>&1"), 0, 'make uninstall');
ok(!-e "$dest/usr/local/bin/judge" && !-e "$dest/usr/local/sbin/judge-worker"
   && !-e "$dest/usr/lib/nginx/modules/ngx_http_judge_module.so"
   && !-e $man, 'the binaries, the module and the man page are gone');
ok(-e "$dest/etc/judge-worker/languages.conf", 'the tables stay');

done_testing();
