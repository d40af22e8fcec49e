/*
 * Configuration: flags over file, value checks, token and id handling,
 * tags, the frontends given by --master and the file's "master".
 */

#include <stdlib.h>
#include <unistd.h>

#include "daemon/config.h"
#include "tap.h"


static enum config_parse_result
parse(struct config *cfg, char **argv, char *err, size_t errlen)
{
    int  argc;

    argc = 0;
    while (argv[argc] != NULL) {
        argc++;
    }

    config_init(cfg);

    return config_parse_args(cfg, argc, argv, err, errlen);
}


int
main(void)
{
    struct config  cfg;
    char           err[1024], dir[] = "/tmp/judge-config-XXXXXX";
    char           conf[256], token[256], state[256], id[128];
    FILE          *f;

    if (mkdtemp(dir) == NULL) {
        ok(0, "mkdtemp");
        return done_testing();
    }

    snprintf(conf, sizeof(conf), "%s/worker.conf", dir);
    snprintf(token, sizeof(token), "%s/token", dir);
    snprintf(state, sizeof(state), "%s/state", dir);

    f = fopen(conf, "w");
    fprintf(f, "# judge-worker\nmaster = http://file:1/w\nslots = 3\n"
            "heartbeat = 0.5\ndrain-timeout = 2.5\ninsecure = yes\n"
            "tags = gpu, big-ram\n"
            "token-file = %s\nstate-dir = %s\nmax-frame = 1m\n", token, state);
    fclose(f);

    f = fopen(token, "w");
    fprintf(f, "  s3cret \nsecond line ignored\n");
    fclose(f);

    {
        char *argv[] = { "jw", "--config", conf, "--slots", "5", "-v", NULL };

        is_int(parse(&cfg, argv, err, sizeof(err)), CONFIG_RUN,
               "flags and a config file");
        is_int(cfg.slots, 5, "a flag wins over the file");
        is_int(cfg.heartbeat_ms, 500, "fractional heartbeat seconds");
        is_int(cfg.drain_timeout_ms, 2500, "drain-timeout in seconds");
        ok(cfg.insecure, "boolean from the file");
        is_int(cfg.max_frame, 1024 * 1024, "byte suffix");
        is_int(cfg.verbose, 1, "-v");

        ok(config_finish(&cfg, err, sizeof(err)) == 0, "finishes");
        is_str(cfg.token, "s3cret", "token: first line of the file, trimmed");
        is_int(cfg.n_frontends, 1, "one frontend");
        is_str(cfg.n_frontends == 1 ? cfg.frontends[0].url.host : NULL,
               "file", "URL parsed");
        is_int(cfg.n_tags, 2, "two tags");
        is_str(cfg.n_tags == 2 ? cfg.tag_list[1] : NULL, "big-ram",
               "tags trimmed");
        ok(cfg.id != NULL && strlen(cfg.id) == 32, "id generated: 32 hex");
        snprintf(id, sizeof(id), "%s", cfg.id ? cfg.id : "");
        ok(config_add_tag(&cfg, "gpu", err, sizeof(err)) == 0
           && cfg.n_tags == 2, "adding a present tag is a no-op");
        ok(config_add_tag(&cfg, "bad tag", err, sizeof(err)) == -1,
           "tags with spaces are refused");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "--config", conf, NULL };

        parse(&cfg, argv, err, sizeof(err));
        ok(config_finish(&cfg, err, sizeof(err)) == 0, "second start");
        is_str(cfg.id, id, "the generated id is kept in the state dir");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "-m", "http://h/", "--token", "a\tb", NULL };

        parse(&cfg, argv, err, sizeof(err));
        ok(config_finish(&cfg, err, sizeof(err)) == -1
           && strstr(err, "token") != NULL, "a token that could split a "
           "header is refused");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "-m", "http://h/", "--token", "t", "--id",
                         "bad/id", NULL };

        parse(&cfg, argv, err, sizeof(err));
        ok(config_finish(&cfg, err, sizeof(err)) == -1
           && strstr(err, "worker id") != NULL, "a bad --id is refused");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "--token", "t", NULL };

        parse(&cfg, argv, err, sizeof(err));
        ok(config_finish(&cfg, err, sizeof(err)) == -1
           && strstr(err, "--master") != NULL, "--master is required");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "-m", "http://h/", NULL };

        parse(&cfg, argv, err, sizeof(err));
        is_int(cfg.drain_timeout_ms, CONFIG_DEFAULT_DRAIN,
               "drain-timeout: 30 s by default");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "--drain-timeout", "0", NULL };

        is_int(parse(&cfg, argv, err, sizeof(err)), CONFIG_ERROR,
               "a drain timeout of 0 is refused");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "--heartbeat", "0.01", NULL };

        is_int(parse(&cfg, argv, err, sizeof(err)), CONFIG_ERROR,
               "a heartbeat below 0.1 s is refused");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "--slots", "-1", NULL };

        is_int(parse(&cfg, argv, err, sizeof(err)), CONFIG_ERROR,
               "negative slots are refused");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "--bogus", NULL };

        is_int(parse(&cfg, argv, err, sizeof(err)), CONFIG_ERROR,
               "unknown flags are refused");
        ok(strstr(err, "--bogus") != NULL, "and named");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "--master", NULL };

        is_int(parse(&cfg, argv, err, sizeof(err)), CONFIG_ERROR,
               "a flag missing its value is refused");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "-m", "http://a:1/w", "--master",
                         "http://b:2/w, http://c:3/w", "--token", "t",
                         "--id", "x", NULL };

        is_int(parse(&cfg, argv, err, sizeof(err)), CONFIG_RUN,
               "--master twice, once with a list");
        ok(config_finish(&cfg, err, sizeof(err)) == 0, "finishes");
        is_int(cfg.n_frontends, 3, "three frontends");
        if (cfg.n_frontends == 3) {
            is_str(cfg.frontends[0].url.host, "a", "the first flag's first");
            is_str(cfg.frontends[1].url.host, "b", "then the list's, in order");
            is_str(cfg.frontends[2].text, "http://c:3/w", "trimmed");
        }
        config_free(&cfg);
    }

    config_init(&cfg);
    ok(config_parse_file_text(&cfg, "master = http://a/w, http://b/w\n"
                              "master = http://c/w\n", "f", err,
                              sizeof(err)) == 0,
       "the file: master twice, once with a list");
    is_str(cfg.master, "http://a/w, http://b/w,http://c/w",
           "the file's lines add up");
    config_free(&cfg);

    snprintf(conf, sizeof(conf), "%s/two.conf", dir);
    f = fopen(conf, "w");
    fprintf(f, "master = http://a/w\nmaster = http://b/w\ntoken = t\n"
            "id = x\n");
    fclose(f);

    {
        char *argv[] = { "jw", "--config", conf, NULL };

        parse(&cfg, argv, err, sizeof(err));
        ok(config_finish(&cfg, err, sizeof(err)) == 0
           && cfg.n_frontends == 2
           && strcmp(cfg.frontends[1].url.host, "b") == 0,
           "the file's two frontends");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "--config", conf, "-m", "http://c/w",
                         "-m", "http://d/w", NULL };

        parse(&cfg, argv, err, sizeof(err));
        ok(config_finish(&cfg, err, sizeof(err)) == 0
           && cfg.n_frontends == 2
           && strcmp(cfg.frontends[0].url.host, "c") == 0
           && strcmp(cfg.frontends[1].url.host, "d") == 0,
           "flags replace the file's frontends, and add up among "
           "themselves");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "-m", "http://a/w", "-m", "ftp://b/w",
                         "--token", "t", "--id", "x", NULL };

        parse(&cfg, argv, err, sizeof(err));
        ok(config_finish(&cfg, err, sizeof(err)) == -1
           && strstr(err, "frontend 2 of 2") != NULL
           && strstr(err, "\"ftp://b/w\"") != NULL,
           "a bad URL in the list is named");
        printf("# %s\n", err);
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "-m", " , ", "--token", "t", NULL };

        parse(&cfg, argv, err, sizeof(err));
        ok(config_finish(&cfg, err, sizeof(err)) == -1
           && strstr(err, "--master") != NULL, "a list of nothing is no "
           "master");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "-m", "http://h/", "--token", "t", "--id",
                         "x", "--state-dir", state, "--slots", "4", NULL };

        parse(&cfg, argv, err, sizeof(err));
        ok(config_parse_file_text(&cfg, "backend = docker\n"
                                  "docker-uses = 7\ndocker-idle = 30\n",
                                  "f", err, sizeof(err)) == 0,
           "the docker backend's settings in a file");
        ok(config_finish(&cfg, err, sizeof(err)) == 0, "finishes");
        is_str(cfg.backend, "docker", "backend = docker");
        is_int(cfg.docker_uses, 7, "docker-uses");
        is_int(cfg.docker_idle_ms, 30000, "docker-idle in seconds");
        is_int(cfg.docker_builders, 2, "builders: half the slots");
        is_str(cfg.docker_socket, "/var/run/docker.sock", "default socket");
        is_str(cfg.docker_image, "ngx-judge/runner:bookworm",
               "default image");
        ok(cfg.docker_wrapper != NULL
           && strstr(cfg.docker_wrapper, "/judge-docker-run") != NULL,
           "the wrapper beside the binary");
        config_free(&cfg);
    }

    {
        char *argv[] = { "jw", "-m", "http://h/", "--token", "t", "--id",
                         "x", "--state-dir", state, "--backend", "lxc",
                         NULL };

        parse(&cfg, argv, err, sizeof(err));
        ok(config_finish(&cfg, err, sizeof(err)) == -1
           && strstr(err, "expected native or docker") != NULL
           && strstr(err, "\"lxc\"") != NULL, "an unknown backend is named");
        config_free(&cfg);
    }

    config_init(&cfg);
    ok(config_parse_file_text(&cfg, "slots = 2\nwhat = 1\n", "f", err,
                              sizeof(err)) == -1
       && strstr(err, "f:2: unknown setting") != NULL,
       "unknown file settings are refused with their line");
    config_free(&cfg);

    snprintf(err, sizeof(err), "rm -rf '%s'", dir);
    if (system(err) != 0) {
        printf("# could not remove %s\n", dir);
    }

    return done_testing();
}
