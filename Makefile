# ngx_judge: an online judge inside nginx.
#
#   make          build the nginx module, the worker binaries and the judge
#                 command-line client
#   make install  install them (DESTDIR, PREFIX=/usr/local, NGINX_MODULES=
#                 /usr/lib/nginx/modules), the judge(1) man page and the
#                 default languages tables where none is yet, and the web
#                 page if "make web" built it
#   make web      build the web page (playground, judge, fleet dashboard)
#                 into $(BUILD)/web: needs node and npm, which "make" does
#                 not
#   make run      start nginx with the module on 127.0.0.1:8080 + a worker,
#                 serving the web page at /
#   make stop     stop what "make run" started
#   make test     build, then run the whole test suite (ends with prove's
#                 summary), PROVE_JOBS (3) files at a time
#   make deps     install every Debian package the project needs, with
#                 the toolchains of a few languages (C, C++, Python, Perl,
#                 Bash, Java, Node.js)
#   make languages  that, and the toolchain of every language of
#                 conf/languages.conf (Debian packages, about 980 MB)
#   make asan     build instrumented worker binaries into build-asan/
#   make module-tests  build the module's C unit tests (t/unit/module_*.t)
#   make fuzz-module   build the module's libFuzzer targets (t/fuzz/module.t
#                 runs them)
#   make fuzz     build the worker's and the module's libFuzzer targets and
#                 run each for JUDGE_FUZZ_SECONDS (20 by default): t/fuzz/
#   make docker-images  the container images of docker/ (base, runner,
#                 redis, frontend, worker) on this machine's daemon, from
#                 Debian's archive alone (docs/CONTAINERS.md); each is built
#                 again only when its inputs change
#   make docker-runner  the images the docker backend's tests need (base,
#                 runner)
#   make docker-up / docker-down  the compose judge (docker-compose.yml):
#                 Redis, two frontends on 127.0.0.1:8080 and :8081, a worker

SHELL      := /bin/bash
BUILD      ?= build
NGINX_SRC  ?= /usr/share/nginx/src
PROVE_ARGS ?= -r t/
PROVE_JOBS ?= 3
# Most files wait on servers and sandboxes more than they compute, so they
# run a few at a time; the sandbox files check the host for processes and
# cgroups of the uids they share, so they run one after another.
PROVE       = prove -j$(PROVE_JOBS) --rules='seq=t/sandbox/*.t' --rules='par=**'

ABS_BUILD   = $(abspath $(BUILD))
MODULE_SO   = $(BUILD)/ngx_http_judge_module.so
MODULE_SRCS = $(wildcard ngx_judge_module/*.c ngx_judge_module/*.h)

all: module worker cli

# The web page: npm packages as web/package-lock.json says (installed
# again when it changes), bundled by web/build.mjs with esbuild.  The
# browser of the tests is Debian's chromium: no npm package fetches one.
WEB_SRCS = $(wildcard web/src/*) web/index.html web/build.mjs

web: $(BUILD)/web/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	@command -v npm >/dev/null || \
	    { echo "make web needs node and npm: scripts/deps.sh install" >&2; \
	      exit 1; }
	cd web && PUPPETEER_SKIP_DOWNLOAD=1 \
	    npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(BUILD)/web/index.html: web/node_modules/.package-lock.json $(WEB_SRCS)
	cd web && node build.mjs $(ABS_BUILD)/web

deps:
	scripts/deps.sh install

languages:
	scripts/deps.sh languages

deps-check:
	@scripts/deps.sh check || scripts/deps.sh install

module: deps-check $(MODULE_SO)

worker: deps-check
	$(MAKE) -C worker BUILD=$(ABS_BUILD)

cli: deps-check
	$(MAKE) -C cli BUILD=$(ABS_BUILD)

# Instrumented builds for the sanitizer runs: the worker side, and the
# module (loaded into the stock nginx with libasan preloaded; see
# "make test-asan").
asan: deps-check
	$(MAKE) -C worker BUILD=$(abspath build-asan) SANITIZE=address,undefined
	$(MAKE) -C cli BUILD=$(abspath build-asan) SANITIZE=address,undefined
	$(MAKE) BUILD=build-asan \
	    NGX_CC_OPT="-fsanitize=address,undefined -fno-omit-frame-pointer" \
	    module

# The worker's libFuzzer targets (worker/fuzz/) with their seed corpus in
# $(BUILD)/fuzz and the module's (ngx_judge_module/fuzz/), then t/fuzz/
# runs each for a bounded time.
fuzz: deps-check fuzz-module
	$(MAKE) -C worker fuzz BUILD=$(ABS_BUILD)
	JUDGE_BUILD=$(ABS_BUILD) prove t/fuzz/

test-asan: asan
	$(MAKE) BUILD=build-asan web
	JUDGE_BUILD=$(abspath build-asan) \
	TEST_NGINX_PRELOAD=$$(gcc -print-file-name=libasan.so) \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
	    $(PROVE) $(PROVE_ARGS)

# The nginx configure tree is copied because configure writes into it; it
# is configured again whenever the addon's file list or the proto change.
$(BUILD)/nginx/objs/Makefile: config proto/judge.proto ngx_judge_module
	rm -rf $(BUILD)/nginx
	mkdir -p $(BUILD)
	cp -r $(NGINX_SRC) $(BUILD)/nginx
	cd $(BUILD)/nginx && source ./conf_flags \
	    && ./configure "$${NGX_CONF_FLAGS[@]}" \
	           $(if $(NGX_CC_OPT),--with-cc-opt="$(NGX_CC_OPT)" \
	                              --with-ld-opt="$(NGX_CC_OPT)") \
	           --add-dynamic-module=$(CURDIR) > configure.log \
	    || { cat configure.log; exit 1; }

$(MODULE_SO): $(BUILD)/nginx/objs/Makefile $(MODULE_SRCS)
	$(MAKE) -C $(BUILD)/nginx -f objs/Makefile modules
	cp $(BUILD)/nginx/objs/ngx_http_judge_module.so $@.tmp
	mv $@.tmp $@

# The module's C unit tests and libFuzzer targets, linked with nginx's own
# core outside nginx (ngx_judge_module/tests/), which needs the nginx
# release's sources.
module-tests: module
	scripts/deps.sh nginx-source $(BUILD)/nginx-src
	$(MAKE) -C ngx_judge_module/tests BUILD=$(ABS_BUILD) tests

fuzz-module: module
	scripts/deps.sh nginx-source $(BUILD)/nginx-src
	$(MAKE) -C ngx_judge_module/tests BUILD=$(ABS_BUILD) fuzz

test: all module-tests web
	$(PROVE) $(PROVE_ARGS)

PREFIX        ?= /usr/local
NGINX_MODULES ?= /usr/lib/nginx/modules
NGINX_CONF    ?= /etc/nginx

# The binaries, the module and the man page are replaced; the languages
# tables are an operator's to edit, so an existing one is kept.  The web
# page goes to $(PREFIX)/share/ngx_judge/web when "make web" built it.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(NGINX_MODULES) \
	    $(DESTDIR)/etc/judge-worker $(DESTDIR)$(NGINX_CONF)
	install -m 755 $(BUILD)/judge $(BUILD)/judge-sandbox $(DESTDIR)$(PREFIX)/bin/
	install -m 755 $(BUILD)/judge-worker $(DESTDIR)$(PREFIX)/sbin/
	install -m 644 $(MODULE_SO) $(DESTDIR)$(NGINX_MODULES)/
	install -m 644 cli/judge.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	[ -e $(DESTDIR)/etc/judge-worker/languages.conf ] || \
	    install -m 644 conf/languages.conf $(DESTDIR)/etc/judge-worker/
	[ -e $(DESTDIR)$(NGINX_CONF)/judge0_languages.conf ] || \
	    install -m 644 conf/judge0_languages.conf $(DESTDIR)$(NGINX_CONF)/
	if [ -f $(BUILD)/web/index.html ]; then \
	    rm -rf $(DESTDIR)$(PREFIX)/share/ngx_judge/web; \
	    install -d $(DESTDIR)$(PREFIX)/share/ngx_judge/web/assets; \
	    install -m 644 $(BUILD)/web/index.html \
	        $(DESTDIR)$(PREFIX)/share/ngx_judge/web/; \
	    install -m 644 $(BUILD)/web/assets/* \
	        $(DESTDIR)$(PREFIX)/share/ngx_judge/web/assets/; \
	fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/judge $(DESTDIR)$(PREFIX)/bin/judge-sandbox \
	    $(DESTDIR)$(PREFIX)/sbin/judge-worker \
	    $(DESTDIR)$(PREFIX)/share/man/man1/judge.1 \
	    $(DESTDIR)$(NGINX_MODULES)/ngx_http_judge_module.so
	rm -rf $(DESTDIR)$(PREFIX)/share/ngx_judge/web

# Container images (docs/CONTAINERS.md).  Each image's build context is
# staged in $(BUILD)/docker/NAME with only the files it copies, and
# docker/build.sh builds it unless the image's label says it was built
# from the same files and parent.  The worker's languages table is the
# docker backend's (WORKER_LANGUAGES).
DOCKER_CTX       = $(BUILD)/docker
WORKER_LANGUAGES ?= docker/runner/languages.conf

docker-daemon:
	scripts/dockerd.sh

docker-base: docker-daemon
	docker/base/build.sh ngx-judge/base:bookworm

docker-runner: docker-base
	rm -rf $(DOCKER_CTX)/runner && mkdir -p $(DOCKER_CTX)/runner
	cp docker/runner/Dockerfile $(DOCKER_CTX)/runner/
	docker/build.sh ngx-judge/runner:bookworm $(DOCKER_CTX)/runner

docker-redis: docker-base
	rm -rf $(DOCKER_CTX)/redis && mkdir -p $(DOCKER_CTX)/redis
	cp docker/redis/Dockerfile $(DOCKER_CTX)/redis/
	docker/build.sh ngx-judge/redis:bookworm $(DOCKER_CTX)/redis

# the web page goes in when "make web" has built it
docker-frontend: docker-base module
	rm -rf $(DOCKER_CTX)/frontend && mkdir -p $(DOCKER_CTX)/frontend/web
	cp docker/frontend/Dockerfile docker/frontend/nginx.conf \
	    $(MODULE_SO) conf/judge0_languages.conf $(DOCKER_CTX)/frontend/
	if [ -f $(BUILD)/web/index.html ]; then \
	    cp -r $(BUILD)/web/. $(DOCKER_CTX)/frontend/web/; fi
	docker/libs.sh $(MODULE_SO) > $(DOCKER_CTX)/frontend/packages
	docker/build.sh ngx-judge/frontend:bookworm $(DOCKER_CTX)/frontend

docker-worker: docker-runner worker
	@[ -f $(WORKER_LANGUAGES) ] || \
	    { echo "no $(WORKER_LANGUAGES): the docker backend's languages" >&2; \
	      exit 1; }
	rm -rf $(DOCKER_CTX)/worker && mkdir -p $(DOCKER_CTX)/worker
	cp docker/worker/Dockerfile docker/worker/health docker/worker/entrypoint \
	    $(BUILD)/judge-worker $(BUILD)/judge-docker-run $(DOCKER_CTX)/worker/
	cp $(WORKER_LANGUAGES) $(DOCKER_CTX)/worker/languages.conf
	docker/libs.sh $(BUILD)/judge-worker > $(DOCKER_CTX)/worker/packages
	docker/build.sh ngx-judge/worker:bookworm $(DOCKER_CTX)/worker

docker-images: docker-runner docker-redis docker-frontend docker-worker

docker-secrets:
	docker/secrets.sh

docker-up: docker-images docker-secrets
	docker-compose up -d

docker-down:
	docker-compose down

run: all web
	scripts/run.sh start

stop:
	scripts/run.sh stop

clean:
	rm -rf $(BUILD) build-asan run t/servroot* t/web/out

.PHONY: all deps languages deps-check module worker cli web asan module-tests \
        fuzz-module fuzz test test-asan install uninstall run stop clean \
        docker-daemon docker-base docker-runner docker-redis docker-frontend \
        docker-worker docker-images docker-secrets docker-up docker-down
