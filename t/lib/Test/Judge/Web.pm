package Test::Judge::Web;

# The web page's tests (t/web/): t/web/browser.mjs run against a block's
# nginx, and what its findings must hold.
#
#   browse($path, @scenarios)   runs the scenarios on the page at $path,
#                               returns their findings
#   missing()                   what the browser needs and is not there
#   clean($found, $name, $re)   the page had no dialog, script error or
#                               console error (but those matching $re)
#   page_config()               the page's part of conf/quickstart.conf,
#                               for a block's server

use strict;
use warnings;
use Exporter 'import';
use JSON::PP;
use Test::More;
use Test::Judge::Nginx ();

our @EXPORT = qw(browse missing clean page_config);

our $Chromium = $ENV{JUDGE_CHROMIUM} || '/usr/bin/chromium';

# Runs t/web/browser.mjs with the page at "$path" on this block's nginx
# and the scenarios named; their findings (a failure is diagnosed).
sub browse {
    my ($path, @scenarios) = @_;
    my $out = Test::Judge::Nginx::repo_root() . '/t/web/out';
    my $base = 'http://127.0.0.1:' . Test::Judge::Nginx::nginx_port() . $path;
    my $err = Test::Judge::Nginx::servroot() . '/logs/browser.stderr';
    my $t0 = time;
    my $json = qx{node "@{[Test::Judge::Nginx::repo_root()]}/t/web/browser.mjs" "$base" "$out" "@{[Test::Judge::Nginx::admin_token()]}" @scenarios 2>"$err"};
    is($?, 0, 'the browser ran') or diag(`cat "$err"`);
    my $r = eval { decode_json($json) } // {};
    diag(sprintf 'browser: %d s (launch %s ms, %s, close %s ms)', time - $t0,
         $r->{launch_ms} // '?',
         join(', ', map { "$_ " . ($r->{$_}{ms} // '?') . ' ms' } @scenarios),
         $r->{close_ms} // '?');
    ok(%$r, 'it printed its findings') or diag($json, `cat "$err"`);
    return $r;
}

# What the browser needs, each missing one named with how to get it.
sub missing {
    my @m;
    push @m, 'node (scripts/deps.sh install)'
        unless `node --version 2>/dev/null`;
    push @m, "$Chromium (scripts/deps.sh install)" unless -x $Chromium;
    push @m, 'web/node_modules (make web)'
        unless -f Test::Judge::Nginx::repo_root() . '/web/node_modules/puppeteer-core/package.json';
    push @m, Test::Judge::Nginx::build_dir() . '/web/index.html (make web)'
        unless -f Test::Judge::Nginx::build_dir() . '/web/index.html';
    return @m;
}

# a page without script errors, dialogs or failed loads (but those
# matching "$expected")
sub clean {
    my ($r, $name, $expected) = @_;
    is_deeply($r->{dialogs}, [], "$name: no dialog");
    is_deeply($r->{errors}, [], "$name: no script error");
    is_deeply([grep { !$expected || !/$expected/ } @{ $r->{console} // [] }],
              [], "$name: no console error");
    ok(!$r->{error}, "$name: ran through") or diag($r->{error});
}

# What conf/quickstart.conf says of the page, for a block's server: its
# server-wide add_header lines and its "location = /" and "/assets/", the
# files taken from this build.  So the tests check the headers, caching and
# types "make run" serves, not a copy of them.
sub page_config {
    my $conf = Test::Judge::Nginx::slurp(
        Test::Judge::Nginx::repo_root() . '/conf/quickstart.conf');
    my @parts = $conf =~ /^(\s*add_header [^\n]* always;)$/mg;
    for my $head ('location = / {', 'location /assets/ {') {
        my $at = index($conf, $head);
        die "conf/quickstart.conf has no \"$head\"" if $at < 0;
        my ($depth, $end) = (0, $at);
        for (; $end < length $conf; $end++) {
            my $c = substr($conf, $end, 1);
            $depth++ if $c eq '{';
            last if $c eq '}' && --$depth == 0;
        }
        push @parts, substr($conf, $at, $end - $at + 1);
    }
    my $text = join("\n", @parts) . "\n";
    $text =~ s{\@WEB\@}{\$TEST_NGINX_BUILD/web}g;
    return $text;
}

1;
