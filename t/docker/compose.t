# The compose judge (docker-compose.yml) as an operator runs it: Redis, two
# frontends and two workers of the images "make docker-images" built come
# up healthy under a project of this test's own, on ports it picks; a C
# and a Python program submitted to the first frontend are judged in the
# workers' runner containers and read back through the second (the
# frontends share Redis); /health and /workers say so on both.
# "docker-compose down -v" then leaves no container, network or volume of
# the project, and no runner container of its workers.
#
# Skipped without a Docker daemon or the images, unless JUDGE_DOCKER is
# set: then they are required, and their absence fails the test.

use Test::Judge::Nginx;
use File::Temp qw(tempdir);
use Time::HiRes qw(sleep time);

my @Images = map { "ngx-judge/$_:bookworm" } qw(redis frontend worker runner);
my $Root = repo_root();
my $Compose = "$Root/docker-compose.yml";

sub missing {
    return 'docker-compose is not installed'
        if system('command -v docker-compose >/dev/null 2>&1') != 0;
    return 'no Docker daemon answers'
        if system('docker version >/dev/null 2>&1') != 0;
    for my $image (@Images) {
        return "no image $image (make docker-images)"
            if system("docker image inspect $image >/dev/null 2>&1") != 0;
    }
    return undef;
}

if (my $why = missing()) {
    if ($ENV{JUDGE_DOCKER}) {
        Test::More::plan(tests => 1);
        Test::More::fail("JUDGE_DOCKER is set, but $why");
        exit 1;
    }
    Test::More::plan(skip_all => $why);
}

Test::More::plan('no_plan');

my $Project = "judgetest$$";
my $Secrets = tempdir('judge-compose-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $Log = "$Secrets/compose.log";
my ($Port1, $Port2) = (free_port(), free_port());
$ENV{JUDGE_SECRETS} = $Secrets;
$ENV{JUDGE_FRONTEND1_PORT} = $Port1;
$ENV{JUDGE_FRONTEND2_PORT} = $Port2;
# a slot each: a runner and a builder container per worker (each one a
# whole copy of the image under vfs)
$ENV{JUDGE_WORKER_SLOTS} = 1;

sub compose {
    my $args = shift;
    return system("docker-compose -p $Project -f $Compose $args >>$Log 2>&1");
}

sub lines {
    my $cmd = shift;
    return grep { length } split /\n/, `$cmd 2>/dev/null`;
}

sub project_things {
    my $kind = shift;
    return lines("docker $kind ls -q"
                 . ($kind eq 'container' ? ' -a' : '')
                 . " --filter label=com.docker.compose.project=$Project");
}

sub health { `docker inspect -f '{{.State.Health.Status}}' $_[0] 2>/dev/null` =~ s/\s+//gr }

sub slurp_log { Test::Judge::Nginx::slurp($Log) }

# a test that dies half-way leaves nothing behind either
my $up = 0;
END { compose('down -v -t 5') if $up }

is(system("$Root/docker/secrets.sh $Secrets >/dev/null"), 0,
   'the secrets are made');

my $t0 = time;
$up = 1;
is(compose('up -d --scale worker=2'), 0, 'docker-compose up -d --scale worker=2')
    or diag(slurp_log());

sub service {
    my $name = shift;
    return lines("docker ps -aq --filter label=com.docker.compose.project=$Project"
                 . " --filter label=com.docker.compose.service=$name");
}

sub healthy_within {
    my ($timeout, @containers) = @_;
    return 1 if wait_until(sub { !grep { health($_) ne 'healthy' } @containers },
                           $timeout);
    diag(join "\n", map { "$_: " . health($_) } @containers);
    diag(`docker-compose -p $Project -f $Compose logs --tail=20 2>&1`);
    return 0;
}

my @servers = map { service($_) } qw(redis frontend1 frontend2);
my @workers = service('worker');
is(scalar @servers, 3, 'redis and two frontends');
is(scalar @workers, 2, 'two workers');
ok(healthy_within(60, @servers), 'redis and the frontends are healthy');
ok(healthy_within(60, @workers), 'the workers are healthy');
diag(sprintf 'up and healthy in %.0f s', time - $t0);

for my $port ($Port1, $Port2) {
    on_port($port, sub {
        my ($code, $h) = http_json(GET => '/health');
        is($code, 200, "GET /health on :$port");
        is($h->{status}, 'ok', 'the frontend is ok');
        is($h->{store}{up}, JSON::PP::true, 'it reaches Redis');
    });
}

my ($code, $w) = on_port($Port1, sub { http_json(GET => '/workers') });
is($code, 200, 'GET /workers on the first frontend');
is($w->{count}, 2, 'the two workers are on it (the first they dial)');
($code, $w) = on_port($Port2, sub { http_json(GET => '/workers?scope=fleet') });
is($code, 200, 'GET /workers?scope=fleet on the second');
is($w->{count}, 2, 'it sees the two workers through Redis');

my @ids = map { `docker exec $_ cat /var/lib/judge-worker/worker-id 2>/dev/null`
                =~ s/\s+//gr } @workers;
is(scalar(grep { length } @ids), 2, 'each worker has its id')
    or diag("ids: @ids");

# the admin API takes the token of the compose file's secret, and names
# the workers the containers are
my $admin = Test::Judge::Nginx::slurp("$Secrets/admin_token") =~ s/\s+//gr;
($code, $w) = on_port($Port1, sub {
    http_json(GET => '/admin/workers', undef, "Authorization: Bearer $admin") });
is($code, 200, 'GET /admin/workers with the admin token of the secrets');
is_deeply([sort map { $_->{id} } @{ $w->{workers} // [] }], [sort @ids],
          'it lists the workers by the ids they keep');

# the dialects' locations of the frontend's configuration: the languages
# the workers offer, by Judge0's ids and Piston's names
# on the frontend the workers dial: a frontend lists its own workers'
# languages (docs/CONTAINERS.md)
wait_until(sub {
    ($code, $w) = on_port($Port1, sub { http_json(GET => '/judge0/languages') });
    grep { ($_->{name} // '') =~ /^Python 3/ } @{ ref $w eq 'ARRAY' ? $w : [] };
}, 10);
is($code, 200, 'GET /judge0/languages on the first frontend');
ok((grep { ($_->{name} // '') =~ /^Python 3/ } @{ ref $w eq 'ARRAY' ? $w : [] }),
   'Python 3 is among them') or diag(Test::More::explain($w));
wait_until(sub {
    ($code, $w) = on_port($Port1, sub { http_json(GET => '/api/v2/runtimes') });
    grep { ($_->{language} // '') eq 'c' } @{ ref $w eq 'ARRAY' ? $w : [] };
}, 10);
is($code, 200, 'GET /api/v2/runtimes on the first frontend');
ok((grep { ($_->{language} // '') eq 'c' } @{ ref $w eq 'ARRAY' ? $w : [] }),
   'C is among them') or diag(Test::More::explain($w));

my %programs = (
    c      => "#include <stdio.h>\nint main(void) { int a, b; "
              . "scanf(\"%d %d\", &a, &b); printf(\"%d\\n\", a + b); return 0; }\n",
    python => "a, b = map(int, input().split())\nprint(a + b)\n",
);

for my $language (sort keys %programs) {
    my ($code, $r) = on_port($Port1, sub {
        http_json(POST => '/submissions', {
            language => $language, source => $programs{$language},
            tests => [{input => "2 3\n", expected_output => "5\n"},
                      {input => "40 2\n", expected_output => "42\n"}],
        });
    });
    is($code, 202, "$language: accepted by the first frontend");
    my $id = $r->{id} // '';
    my $done = {};
    ok($code == 202 && wait_until(sub {
        my ($c, $s) = on_port($Port2, sub { http_json(GET => "/submissions/$id") });
        $done = $s if $c == 200;
        $c == 200 && ($s->{status} // '') !~ /^(QUEUED|RUNNING|COMPILING)$/;
    }, 90), "$language: finished, as the second frontend reads it");
    is($done->{verdict}, 'AC', "$language: judged AC")
        or diag(Test::More::explain($done));
    is(scalar @{ $done->{tests} // [] }, 2, "$language: both tests ran");
}

# the runner containers the workers made: labelled with the worker's
# host (the worker container's) and state dir
my @owners = map { `docker inspect -f '{{.Config.Hostname}}' $_ 2>/dev/null`
                   =~ s/\s+//gr } @workers;
sub runners_of_workers {
    return map { lines('docker ps -aq --no-trunc --filter '
                       . "label=ngx-judge.owner=$_:/var/lib/judge-worker") }
               grep { length } @owners;
}

cmp_ok(scalar runners_of_workers(), '>=', 2,
       'the workers run their programs in runner containers of their own');
diag(sprintf '%d runner container(s) of the workers while they run',
             scalar runners_of_workers());

$t0 = time;
is(compose('down -v'), 0, 'docker-compose down -v') or diag(slurp_log());
diag(sprintf 'down in %.0f s', time - $t0);
$up = 0;

is_deeply([project_things('container')], [], 'no container of the project is left');
is_deeply([project_things('network')], [], 'no network of the project is left');
is_deeply([project_things('volume')], [], 'no volume of the project is left');
is_deeply([runners_of_workers()], [], 'no runner container of its workers is left');
