
/*
 * Copyright (C) ngx_judge authors
 */


/*
 * Names (worker ids, tags, language ids, file names: 1 to 64 of
 * [A-Za-z0-9._-]) and membership of the comma-wrapped lists the registry
 * keeps (",a,b,"), whose items are names: "a,b" would be found in ",a,b,".
 */


#include "harness.h"
#include "tap.h"


static ngx_int_t
name_ok(const char *name)
{
    return ngx_http_judge_name_ok((u_char *) name, strlen(name));
}


static ngx_int_t
list_has(const char *list, const char *item)
{
    return ngx_http_judge_list_has((u_char *) list, strlen(list),
                                   (u_char *) item, strlen(item));
}


static void
test_name_ok(void)
{
    char  name[NGX_HTTP_JUDGE_MAX_ID_LEN + 2];

    ok(name_ok("worker-1"), "letters, digits and \"-\"");
    ok(name_ok("A.b_C-9"), "every allowed kind of character");
    ok(name_ok("x"), "one character");
    ok(!name_ok(""), "empty is not a name");
    ok(!name_ok("a/b"), "no \"/\"");
    ok(!name_ok("a b"), "no space");
    ok(!name_ok("a,b"), "no comma: lists are comma-wrapped");
    ok(!name_ok("a\"b"), "no quote: names go into JSON unescaped");
    ok(!name_ok("caf\xc3\xa9"), "ASCII only");
    ok(!ngx_http_judge_name_ok((u_char *) "a\0b", 3), "no NUL inside");

    ngx_memset(name, 'n', sizeof(name));
    ok(ngx_http_judge_name_ok((u_char *) name, NGX_HTTP_JUDGE_MAX_ID_LEN),
       "64 characters");
    ok(!ngx_http_judge_name_ok((u_char *) name,
                               NGX_HTTP_JUDGE_MAX_ID_LEN + 1),
       "65 characters are too many");
}


static void
test_list_has(void)
{
    ok(list_has(",cpp,python,", "cpp"), "the first member");
    ok(list_has(",cpp,python,", "python"), "the last member");
    ok(list_has(",a,b,c,", "b"), "a middle member");
    ok(!list_has(",cpp,python,", "c"), "a prefix of a member is not one");
    ok(!list_has(",cpp,python,", "pp"), "a suffix of a member is not one");
    ok(!list_has(",cpp,", "go"), "not there");
    ok(!list_has(",", "cpp"), "the empty list has none");
    ok(!list_has(",cpp,", "cpp,,"), "an item longer than the list");
    ok(!list_has("cpp", "cpp"), "a list must be comma-wrapped");
    ok(!list_has(",cpp", "cpp"), "its last comma too");
    ok(!ngx_http_judge_list_has((u_char *) ",cpp,go,", 5, (u_char *) "go",
                                2),
       "nothing past the given length is read");
}


int
main(void)
{
    (void) judge_test_init();

    test_name_ok();
    test_list_has();

    return done_testing();
}
