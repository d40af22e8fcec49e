# The web page against what an attacker would try, in Debian's Chromium
# (t/web/browser.mjs) against a real nginx serving it as
# conf/quickstart.conf does and a real judge-worker: the page framed by
# another site, the headers of the page and of the API, bytes that are
# not UTF-8 and lines that look like the event stream, megabytes of
# output, ids in the address that are not ids, the admin token pointed
# at another origin, a language named with HTML, a drain without the
# token.  Screenshots are left in t/web/out/.
#
# node, the npm packages of web/ and chromium are required: missing,
# the test fails saying how to get them (JUDGE_SKIP_WEB=1 skips it).

use Test::Judge::Nginx;
use Test::Judge::Web;
use JSON::PP;

BEGIN {
    if ($ENV{JUDGE_SKIP_WEB}) {
        Test::More::plan(skip_all => 'JUDGE_SKIP_WEB is set');
    }
}

our $Http = <<'CONF';
    judge_zone judge:64m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
    judge_session_rate 600r/m;
    judge_output_limit 16m 16m;
    judge_max_capture 16m;
CONF

# the page as conf/quickstart.conf serves it, beside the API
our $Config = page_config() . <<'CONF';
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
CONF

run_tests();

__DATA__

=== the page attacked
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
if (my @m = missing()) {
    fail("the browser tests need: @m");
    return;
}
# Python as the quickstart's table has it, named and started with HTML
my $table = servroot() . '/languages.conf';
open my $fh, '>', $table or die $!;
print $fh <<'LANG';
[python]
name    = Py <img src=x onerror="window.__pwned=10"> {version}
version = /usr/bin/python3 --version
source  = main.py
run     = /usr/bin/python3 -S main.py
runtime = python3
template = print("</textarea><script>window.__pwned=11</script>")\n
LANG
close $fh;
spawn_worker('w1', slots => 2, languages => $table);
ok(wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20),
   'worker up');

# drain is the admin API's, with its token
my ($code) = http_json(POST => '/admin/workers/w1/drain');
is($code, 401, 'drain: refused without the token');
($code) = http_json(POST => '/admin/workers/w1/drain', undef,
                    'Authorization: Bearer not-the-token');
is($code, 401, 'drain: refused with another token');
($code) = http_json(POST => '/workers/w1/drain');
ok($code >= 403 && $code <= 405, 'drain: not in the public API') or diag($code);

my $r = browse('/', qw(framed bytes flood ids token names));

my $f = $r->{framed} // {};
ok(!$f->{error}, 'framed: ran through') or diag($f->{error});
like($f->{page}{csp} // '', qr/frame-ancestors 'none'/,
     'framed: the page says no site frames it');
like($f->{page}{csp} // '', qr/script-src 'self';/,
     'framed: and runs no script but its own');
is($f->{page}{frame}, 'DENY', 'framed: X-Frame-Options too');
is($f->{$_}{nosniff}, 'nosniff', "framed: $_ is not sniffed")
    for qw(page health missing);
is($f->{$_}{frame}, 'DENY', "framed: $_ is not framed")
    for qw(health missing);
is($f->{missing}{status}, 404, 'framed: an error of the API has them too');
is($f->{frames}, 1, 'framed: the frame is there');
is($f->{loaded}, 0, 'framed: the page did not load in it');

my $b = $r->{bytes} // {};
clean($b, 'bytes');
is($b->{status}, 'COMPLETED', 'bytes: the program ran');
like($b->{live} // '', qr/^bad \x{fffd}{3} \e\[31mred\e\[0m \0\a\|\nafter the bad bytes\n$/,
     'bytes: the line after bytes not UTF-8 shown while it ran')
    or diag(encode_json([$b->{live}, $b->{output}]));
like($b->{output} // '', qr/^event: done\ndata: \{\}\n\n<\/pre><script>/m,
     'bytes: lines like the event stream shown as text');
is($b->{elements}, 0, 'bytes: no element made of the output');
is($b->{pwned}, undef, 'bytes: nothing ran');

my $o = $r->{flood} // {};
clean($o, 'flood');
is($o->{status}, 'COMPLETED', 'flood: the program ran');
is($o->{head}, 'xxx', 'flood: its output shown from the start');
ok(($o->{chars} // 1e9) <= (1 << 20) + 200, 'flood: a million characters kept')
    or diag($o->{chars});
like($o->{note} // '', qr/the rest is left out/, 'flood: saying the rest is not');
ok(($o->{lag_ms} // 1e9) < 5000, 'flood: the page answered while it came')
    or diag("lag $o->{lag_ms} ms");
ok(($o->{heap_mb} // 1e9) < 200, 'flood: its memory bounded')
    or diag("heap $o->{heap_mb} MB");
diag("flood: lag $o->{lag_ms} ms, heap $o->{heap_mb} MB");

my $i = $r->{ids} // {};
clean($i, 'ids');
is($i->{'#submission=..'}, 'bad_id: not an id: ..', 'ids: submission ".." refused');
is($i->{'#session=..'}, 'bad_id: not an id: ..', 'ids: session ".." refused');
is($i->{'#submission=%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D9%22%3E'},
   'bad_id: not an id: <img src=x onerror="window.__pwned=9">',
   'ids: HTML shown as text');
is($i->{elements}, 0, 'ids: no element made of it');
is($i->{pwned}, undef, 'ids: nothing ran');

my $t = $r->{token} // {};
clean($t, 'token');
like($t->{refused} // '', qr/on this page's origin/,
     'token: an admin API on another origin refused');
my $admin = 'http://127.0.0.1:' . nginx_port() . '/admin/';
ok(@{ $t->{sent} // [] }, 'token: sent to the admin API');
is_deeply([grep { index($_, $admin) != 0 } @{ $t->{sent} // [] }], [],
          'token: and nowhere else');
is_deeply($t->{kept}, { url => JSON::PP::false, document => JSON::PP::false,
                        local => JSON::PP::false },
          'token: not in the address, the document or the local storage');

my $n = $r->{names} // {};
clean($n, 'names');
like($n->{option} // '', qr/^Py <img src=x onerror="window\.__pwned=10"> \d/,
     "names: the language's name as text");
like($n->{editor} // '', qr{</textarea><script>window\.__pwned=11</script>},
     'names: its template as text');
is($n->{elements}, 0, 'names: no element made of them');
is($n->{pwned}, undef, 'names: nothing ran');

ok(-s repo_root() . "/t/web/out/$_.png", "screenshot $_.png")
    for qw(framed bytes flood ids token names);
