# The web page (web/, built by "make web") in a real browser, Debian's
# Chromium driven headless by t/web/browser.mjs, against a real nginx
# serving it beside the API and a real judge-worker: a Python run's
# lines shown while it runs, the session back after a reload (on a
# phone-sized screen), a C++ compile error, inline tests' verdicts
# arriving one by one, a stored problem's statement and stages, the
# submission the command-line client links to, program output and a
# statement made of HTML shown as text with nothing run, the fleet
# dashboard's worker and charts, a drain with the admin token, two tabs
# saving one session; the page under a prefix, first without a worker
# (its errors as messages); and nginx stopped at once while a run and
# a submission are followed (the pages say the judge is lost and try
# again, then that it forgot them, not spinning).  Screenshots of what each
# scenario saw are left in t/web/out/.
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
    judge_zone judge:32m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
    judge_session_rate 600r/m;
    judge_problems_path $TEST_NGINX_SERVROOT/problems;
CONF

# the page as conf/quickstart.conf serves it, beside the API
our $Config = page_config() . <<'CONF';
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
    $TEST_NGINX_ADMIN
CONF

# the same under /judge/, as README's example has it
our $Prefixed = <<'CONF';
    location = /worker { judge_worker_endpoint; }
    location /judge/ { judge_api; }
    location = /judge { return 301 /judge/; }
    location /judge/admin/ {
        judge_admin;
        judge_admin_token_file $TEST_NGINX_SERVROOT/conf/admin.token;
    }

    location = /judge/ {
        root $TEST_NGINX_BUILD/web;
        try_files /index.html =404;
        types { text/html html; }
        charset utf-8;
        add_header Cache-Control "no-cache";
    }

    location /judge/assets/ {
        alias $TEST_NGINX_BUILD/web/assets/;
        types { application/javascript js; text/css css; }
        charset utf-8;
        charset_types application/javascript text/css;
        add_header Cache-Control "public, max-age=31536000, immutable";
    }
CONF

sub put_problem {
    my ($id, $p) = @_;
    my ($c, $j) = admin_json(PUT => "/problems/$id", $p);
    ok($c == 201 || $c == 200, "problem $id stored") or diag(encode_json($j // {}));
}

# The stream of outputs "stream" saw, as "status:lines" steps.
sub steps {
    my $seen = shift;
    my @s;
    for (@$seen) {
        my $n = () = ($_->{output} // '') =~ /\n/g;
        my $step = "$_->{status}:$n";
        push @s, $step unless @s && $s[-1] eq $step;
    }
    return join ' ', @s;
}

run_tests();

__DATA__

=== the page in a browser
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
if (my @m = missing()) {
    fail("the browser tests need: @m");
    return;
}
spawn_worker('w1', slots => 2);
ok(wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20),
   'worker up');

put_problem(add => {
    title => 'Add two numbers',
    statement => "# Sum\n\nPrint **a + b**.\n\n```\n1 2\n```\n",
    stages => [
        { name => 'samples', tests => [
            { name => 'one', sample => JSON::PP::true, stdin => "1 2\n",
              expected_output => "3\n" } ] },
        { name => 'main', tests => [
            { name => 'big', stdin => "20 22\n", expected_output => "42\n" },
            { name => 'neg', stdin => "-5 2\n", expected_output => "-3\n" } ] },
    ],
});
put_problem(xss => {
    title => '<img src=x onerror="window.__pwned=4">',
    statement => "# Title <script>window.__pwned=5</script>\n\n"
        . "<img src=x onerror=\"window.__pwned=6\">\n\n"
        . "[a link](javascript:window.__pwned=7) [ok](https://example.com/)\n\n"
        . "<iframe src=\"javascript:alert(8)\"></iframe>\n",
    tests => [{ name => 's', sample => JSON::PP::true,
                stdin => "<b>bold</b>\n", expected_output => "<i>x</i>\n" }],
});

# the command-line client links to the submission on the page
my $dir = servroot() . '/cli';
mkdir $dir;
mkdir "$dir/t";
for (['main.py', "print(sum(map(int, input().split())))\n"],
     ['t/1.in', "1 2\n"], ['t/1.out', "3\n"],
     ['t/2.in', "2 5\n"], ['t/2.out', "7\n"]) {
    open my $fh, '>', "$dir/$_->[0]" or die $!;
    print $fh $_->[1];
    close $fh;
}
my $server = 'http://127.0.0.1:' . nginx_port();
my $cli = qx{cd "$dir" && JUDGE_SERVER=$server NO_COLOR=1 "@{[build_dir()]}/judge" submit main.py --tests t </dev/null 2>&1};
is($?, 0, 'judge submit: passed') or diag($cli);
like($cli, qr{^watch it at \Q$server\E/#submission=[0-9a-f]{24}$}m,
     'judge submit: a link to the page');
($ENV{JUDGE_WEB_LINK}) = $cli =~ /^watch it at (\S+)$/m;

my $r = browse('/', qw(assets stream reload conflict compile xss judge problem
                       link fleet));

my $as = $r->{assets} // {};
is($as->{page}{cache}, 'no-cache', 'index.html: no-cache');
like($as->{page}{type}, qr{^text/html}, 'index.html: text/html');
like($as->{asset}{name}, qr{^assets/app-\w+\.js$}, 'the script is named by its hash');
is($as->{asset}{cache}, 'public, max-age=31536000, immutable', 'the script: immutable');
like($as->{asset}{type}, qr{^application/javascript}, 'the script: JavaScript');
is($as->{asset}{encoding}, 'gzip', 'the script: gzip');

my $s = $r->{stream} // {};
clean($s, 'stream');
is($s->{status}, 'COMPLETED', 'stream: completed');
is($s->{output}, "line 0\nline 1\nline 2\nline 3\n", 'stream: all four lines');
my $steps = steps($s->{seen} // []);
like($steps, qr/RUNNING:1 .*RUNNING:2 .*RUNNING:3 /,
     'stream: lines shown one by one while it ran') or diag($steps);
like($s->{hash} // '', qr/^#session=[0-9a-f]{24}$/, 'stream: the session in the URL');
is($s->{history}, 1, 'stream: the run in the history');

my $l = $r->{reload} // {};
clean($l, 'reload');
is($l->{hash}, $s->{hash}, 'reload: the same session');
is($l->{language}, 'python', 'reload: its language');
like($l->{source} // '', qr/print\("line", i, flush=True\)/, 'reload: its source');
like($l->{save} // '', qr/^saved/, 'reload: shown saved');
is($l->{output}, $s->{output}, "reload: its last run's output");
ok(defined $l->{width} && $l->{width} <= 390, 'reload: nothing wider than a phone')
    or diag("scroll width $l->{width}");

my $cf = $r->{conflict} // {};
clean($cf, 'conflict', qr/status of 409/);
like($cf->{other} // '', qr/^saved \S revision [2-9]$/, 'conflict: the other tab saved')
    or diag($cf->{other});
is($cf->{save}, 'not saved', 'conflict: this one did not');
like($cf->{message} // '', qr/changed elsewhere/, 'conflict: and says why');

my $c = $r->{compile} // {};
clean($c, 'compile');
is($c->{status}, 'FAILED', 'compile: failed');
like($c->{result} // '', qr/compile error/, 'compile: a compile error');
like($c->{compile} // '', qr/error: .*undeclared_name/, "compile: the compiler's message");

my $x = $r->{xss} // {};
clean($x, 'xss');
is($x->{run}{status}, 'COMPLETED', 'xss: the program ran');
like($x->{run}{output} // '', qr{<script>window\.__pwned=1;alert\(1\)</script>},
     'xss: <script> shown as text');
like($x->{run}{output} // '', qr{<img src=x onerror="window\.__pwned=2;alert\(2\)">},
     'xss: <img onerror> shown as text');
like($x->{run}{output} // '', qr{<svg onload=}, 'xss: stderr as text too');
is($x->{run}{elements}, 0, 'xss: no element made of the output');
is($x->{run}{pwned}, undef, 'xss: nothing ran');
my $p = $x->{problem} // {};
is($p->{title}, '<img src=x onerror="window.__pwned=4">', 'xss: the title as text');
like($p->{heading} // '', qr/^Title <script>/, 'xss: the statement rendered, its HTML as text');
is($p->{elements}, 0, 'xss: no img, script or iframe in the statement');
is_deeply($p->{hrefs}, ['https://example.com/'], 'xss: only the https link is a link');
is_deeply($p->{samples}, ["<b>bold</b>\n", "<i>x</i>\n"], 'xss: samples as text');
is($p->{pwned}, undef, 'xss: nothing ran in the problem view');

my $j = $r->{judge} // {};
clean($j, 'judge');
like($j->{hash} // '', qr/^#submission=[0-9a-f]{24}$/, 'judge: the submission in the URL');
is_deeply($j->{rows}, [qw(AC AC WA AC)], 'judge: each test its verdict');
is(($j->{final} // {})->{verdict}, 'WA', 'judge: the verdict');
my @at = sort { $a <=> $b } map { $_->{ms} } @{ $j->{arrivals} // [] };
is(scalar @at, 4, 'judge: four verdicts arrived');
ok(@at && $at[0] < $j->{final}{ms} - 200,
   'judge: the first verdicts before the last, live')
    or diag(encode_json([$j->{arrivals}, $j->{final}]));
like($j->{head} // '', qr{3 / 4 passed}, 'judge: the score');

my $pr = $r->{problem} // {};
clean($pr, 'problem');
like($pr->{statement} // '', qr{<h1>Sum</h1>}, 'problem: the statement rendered');
like($pr->{statement} // '', qr{<strong>a \+ b</strong>}, 'problem: its Markdown');
is_deeply([map { s/\s.*//r } @{ $pr->{stages} // [] }], [qw(samples main)],
          'problem: the tests grouped by stage');
is_deeply($pr->{rows}, [qw(AC AC AC)], "problem: the tests' verdicts");
is($pr->{verdict}, 'AC', 'problem: accepted');

my $k = $r->{link} // {};
clean($k, 'link');
is_deeply($k->{rows}, [qw(AC AC)], "link: the CLI's submission, its tests");
is($k->{verdict}, 'AC', 'link: its verdict');

my $f = $r->{fleet} // {};
clean($f, 'fleet');
is(scalar @{ $f->{public}{workers} // [] }, 1, 'fleet: the worker');
ok(($f->{public}{points} // 0) >= 2, 'fleet: a chart with data');
ok(($f->{public}{canvases} // 0) >= 3, 'fleet: three charts drawn');
like($f->{public}{summary} // '', qr/1\s*workers/, 'fleet: one worker counted');
like($f->{admin} // '', qr/^w1/, "fleet: with the admin token, the worker's id");
like($f->{admin} // '', qr/python/, 'fleet: and its languages');
is(($f->{folded} // {})->{open}, JSON::PP::false, 'fleet: the languages folded');
like(($f->{folded} // {})->{summary} // '', qr/^\d+ languages$/,
     'fleet: to their count');
ok($f->{reopened}, 'fleet: opened, they stay open at the next poll');
like($f->{drained} // '', qr/w1 is draining/, 'fleet: drained');
ok(wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 0 }, 20),
   'fleet: the worker left');

ok(-s repo_root() . "/t/web/out/$_.png", "screenshot $_.png")
    for qw(stream reload conflict compile xss judge problem link fleet fleet-admin);

=== the page under a prefix, beside the API
--- http_config eval: $::Http
--- config eval: $::Prefixed
--- timeout: 60
--- perl
if (my @m = missing()) {
    fail("the browser tests need: @m");
    return;
}
my $redirect = http_request(GET => '/judge');
is($redirect->code, 301, '/judge: redirected');
like($redirect->header('Location') // '', qr{^http://[^/]+/judge/$},
     '/judge: to /judge/');
my $r = browse('/judge/', 'noworker');
my $n = $r->{noworker} // {};
is_deeply($n->{dialogs}, [], 'noworker: no dialog');
is_deeply($n->{errors}, [], 'noworker: no script error');
like($n->{note} // '', qr/No worker is connected/, 'noworker: says there is no worker');
like($n->{error} // '', qr/^\w+: \S/, "noworker: the API's error as a message")
    or diag($n->{error});

spawn_worker('w1');
ok(wait_until(sub { ((http_json(GET => '/judge/health'))[1] // {})->{workers} == 1 }, 20),
   'worker up');
$r = browse('/judge/', 'prefix');
my $p = $r->{prefix} // {};
clean($p, 'prefix');
is($p->{run}{output}, "42\n", 'prefix: a run');
like($p->{url} // '', qr{/judge/#fleet$}, 'prefix: the page under /judge/');
ok(-s repo_root() . '/t/web/out/prefix.png', 'screenshot prefix.png');

=== nginx stopped at once while the page follows a run, then started again
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
if (my @m = missing()) {
    fail("the browser tests need: @m");
    return;
}
spawn_worker('w1');
ok(wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 20),
   'worker up');

my $flag = servroot() . '/outage';
local $ENV{JUDGE_WEB_FLAG} = $flag;
my $base = 'http://127.0.0.1:' . nginx_port() . '/';
my $err = servroot() . '/logs/browser.stderr';
open(my $node, '-|', "node \"@{[repo_root()]}/t/web/browser.mjs\" \"$base\" "
     . "\"@{[repo_root()]}/t/web/out\" \"@{[admin_token()]}\" outage 2>\"$err\"")
    or die "node: $!";
ok(wait_until(sub { -e "$flag.go" }, 40), 'outage: the run followed');
# stopped at once as "nginx -s stop" does, its streams cut (a graceful
# quit would let the run end first)
kill 'TERM', 0 + Test::Judge::Nginx::slurp(servroot() . '/logs/nginx.pid');
Test::Judge::Nginx::stop_nginx();
ok(wait_until(sub { -e "$flag.noted" }, 30), 'outage: the page saw the judge go');
ok(Test::Judge::Nginx::start_nginx(), 'nginx started again');
my $json = do { local $/; <$node> };
close $node;
my $r = (eval { decode_json($json) } // {})->{outage} // {};
clean($r, 'outage', qr/net::ERR_|status of 404/);
like($r->{note} // '', qr/connection to the judge was lost: trying again in \d+ s/,
     'outage: said while the judge was away')
    or diag($json, `cat "$err"`);
like($r->{message} // '', qr/^execution_not_found: /,
     'outage: then that the judge forgot the run');
isnt($r->{status}, 'RUNNING', 'outage: the run not shown running');
my $jr = $r->{judge} // {};
like($jr->{note} // '', qr/connection to the judge was lost/,
     'outage: the judge page said so too');
like($jr->{message} // '', qr/^submission_not_found: /,
     'outage: then that the judge forgot the submission');
is($jr->{head}, 'not known', 'outage: the submission not shown running');
ok(-s repo_root() . "/t/web/out/$_.png", "screenshot $_.png")
    for qw(outage outage-judge);
