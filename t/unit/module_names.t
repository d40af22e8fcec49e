# Module C unit test: names and the comma-wrapped lists of the registry
# (ngx_judge_module/tests/test_names.c, built by "make module-tests", which
# "make test" runs first, into build/tests/; always with ASan and UBSan).

use strict;
use warnings;
use FindBin;

my ($test) = grep { -x }
              map { "$_/tests/module_names" }
              grep { defined } $ENV{JUDGE_BUILD}, "$FindBin::Bin/../../build";

defined $test
    or die "module_names is not built (make module-tests)\n";

exec $test or die "cannot run $test: $!\n";
