# Module C unit test: what the API dialects parse of other engines' clients
# (ngx_judge_module/tests/test_dialect.c, built by "make module-tests", which
# "make test" runs first, into build/tests/; always with ASan and UBSan).

use strict;
use warnings;
use FindBin;

my ($test) = grep { -x }
              map { "$_/tests/module_dialect" }
              grep { defined } $ENV{JUDGE_BUILD}, "$FindBin::Bin/../../build";

defined $test
    or die "module_dialect is not built (make module-tests)\n";

exec $test or die "cannot run $test: $!\n";
