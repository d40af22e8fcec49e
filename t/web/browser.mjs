// Drives the web page in Debian's Chromium (headless, through
// puppeteer-core from web/node_modules) against a running judge, for
// t/web/browser.t:
//
//   node t/web/browser.mjs BASE_URL OUT_DIR ADMIN_TOKEN SCENARIO...
//
// Runs the scenarios in order in one browser, each in a page of its
// own, saves OUT_DIR/SCENARIO.png of what it saw, and prints one JSON
// object: each scenario's findings, plus "error" where it failed, and
// the dialogs, page errors and console errors each page had.

import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
                          '../..');
const require = createRequire(path.join(repo, 'web/package.json'));
const puppeteer = require('puppeteer-core');

const [base, outDir, adminToken, ...names] = process.argv.slice(2);
const chromium = process.env.JUDGE_CHROMIUM || '/usr/bin/chromium';
mkdirSync(outDir, { recursive: true });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Put a program into the page's editor as a paste would (no
// auto-indent on the way).
async function setSource(page, editorSel, text) {
    await page.click(editorSel + ' .cm-content');
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.press('Backspace');
    await page.keyboard.sendCharacter(text);
}

async function open(page, hash) {
    await page.goto(base + hash, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready]');
}

async function pickLanguage(page, sel, id) {
    await page.select(sel, id);
    await page.waitForFunction((s, v) => document.querySelector(s).value === v,
                               {}, sel, id);
}

// Wait for the playground's run to end; its result, output and
// compiler's output.
async function runResult(page) {
    await page.waitForFunction(() => {
        const s = document.querySelector('#pg-result').dataset.status;
        return ['COMPLETED', 'FAILED', 'TIMEOUT'].includes(s);
    }, { timeout: 30000 });
    return page.evaluate(() => ({
        status: document.querySelector('#pg-result').dataset.status,
        result: document.querySelector('#pg-result').textContent,
        output: document.querySelector('#pg-output').textContent,
        compile: document.querySelector('#pg-compile').hidden
            ? null : document.querySelector('#pg-compile').textContent,
        hash: location.hash,
    }));
}

const scenarios = {
    // The static files: caching and compression.
    async assets() {
        const page = await fetch(base, { headers: { 'Accept-Encoding': 'gzip' } });
        const html = await page.text();
        const js = /src="([^"]+\.js)"/.exec(html)[1];
        const asset = await fetch(new URL(js, base),
                                  { headers: { 'Accept-Encoding': 'gzip' } });
        await asset.arrayBuffer();
        return {
            page: { status: page.status,
                    type: page.headers.get('content-type'),
                    cache: page.headers.get('cache-control') },
            asset: { name: js, status: asset.status,
                     type: asset.headers.get('content-type'),
                     cache: asset.headers.get('cache-control'),
                     encoding: asset.headers.get('content-encoding') },
        };
    },

    // A Python program printing a line every 0.6 s: the lines show
    // while it runs.
    async stream(page) {
        await open(page, '#playground');
        await pickLanguage(page, '#pg-language', 'python');
        await page.waitForFunction(() => document
            .querySelector('#pg-editor .cm-content').textContent.length > 0);
        await setSource(page, '#pg-editor',
            'import time\nfor i in range(4):\n'
            + '    print("line", i, flush=True)\n    time.sleep(0.6)\n');
        await page.waitForSelector('#pg-save[data-state="saved"]',
                                   { timeout: 10000 });
        const t0 = Date.now();
        await page.keyboard.down('Control');
        await page.keyboard.press('Enter');
        await page.keyboard.up('Control');
        const seen = [];
        for (;;) {
            const s = await page.evaluate(() => ({
                status: document.querySelector('#pg-result').dataset.status,
                output: document.querySelector('#pg-output').textContent,
            }));
            seen.push({ ms: Date.now() - t0, ...s });
            if (['COMPLETED', 'FAILED', 'TIMEOUT'].includes(s.status)
                || Date.now() - t0 > 30000) {
                break;
            }
            await sleep(100);
        }
        const r = await runResult(page);
        r.seen = seen;
        r.history = await page.$$eval('#pg-history li', (l) => l.length);
        return r;
    },

    // The session of "stream" comes back on a reload, on a phone-sized
    // screen.
    async reload(page, found) {
        const hash = found.stream && found.stream.hash;
        await page.setViewport({ width: 390, height: 844,
                                 deviceScaleFactor: 1, isMobile: true });
        await open(page, hash || '#playground');
        await page.waitForSelector('#pg-save[data-state="saved"]');
        await page.waitForFunction(() => document
            .querySelector('#pg-result').dataset.status === 'COMPLETED',
            { timeout: 10000 });
        return page.evaluate(() => ({
            hash: location.hash,
            language: document.querySelector('#pg-language').value,
            source: document.querySelector('#pg-editor .cm-content').innerText,
            save: document.querySelector('#pg-save').textContent,
            output: document.querySelector('#pg-output').textContent,
            history: document.querySelectorAll('#pg-history li').length,
            width: document.documentElement.scrollWidth,
        }));
    },

    // Two tabs on the session of "stream": the one that saves against
    // an older revision is told, and saves nothing.
    async conflict(page, found) {
        const hash = found.stream.hash;
        await open(page, hash);
        await page.waitForSelector('#pg-save[data-state="saved"]');
        const other = await page.browser().newPage();
        await other.goto(base + hash, { waitUntil: 'load' });
        await other.waitForSelector('#pg-save[data-state="saved"]');
        await setSource(other, '#pg-editor', 'print("from the other tab")\n');
        await other.waitForSelector('#pg-save[data-state="saved"]');
        const otherSave = await other.$eval('#pg-save', (e) => e.textContent);
        await other.close();
        await setSource(page, '#pg-editor', 'print("from this tab")\n');
        await page.waitForSelector('#pg-save[data-state="error"]');
        return page.evaluate((o) => ({
            other: o,
            save: document.querySelector('#pg-save').textContent,
            message: document.querySelector('#playground .msgbox').textContent,
        }), otherSave);
    },

    // No worker yet: the page says so, and an error of the API (a
    // submission without a language) is shown as a message.
    async noworker(page) {
        await open(page, '#judge');
        await page.click('#jd-submit');
        await page.waitForSelector('#judge .msg.error');
        return page.evaluate(() => ({
            note: document.querySelector('#msg').textContent,
            error: document.querySelector('#judge .msg.error').textContent,
        }));
    },

    // C++ that does not compile: the compiler's output shows.
    async compile(page) {
        await open(page, '#playground');
        await pickLanguage(page, '#pg-language', 'cpp');
        await setSource(page, '#pg-editor',
                        'int main() {\n    return undeclared_name;\n}\n');
        await page.click('#pg-run');
        return runResult(page);
    },

    // Output made of HTML is shown as text and runs nothing; nor does a
    // problem statement's.
    async xss(page) {
        await open(page, '#playground');
        await pickLanguage(page, '#pg-language', 'python');
        await setSource(page, '#pg-editor',
            'import sys\n'
            + 'print("<script>window.__pwned=1;alert(1)</script>")\n'
            + 'print(\'<img src=x onerror="window.__pwned=2;alert(2)">\')\n'
            + 'sys.stderr.write(\'<svg onload="window.__pwned=3">\\n\')\n');
        await page.click('#pg-run');
        const run = await runResult(page);
        await sleep(300);
        run.elements = await page.$$eval(
            '#pg-output img, #pg-output script, #pg-output svg',
            (l) => l.length);
        run.pwned = await page.evaluate(() => window.__pwned ?? null);

        await open(page, '#problem=xss');
        await page.waitForSelector('#jd-statement');
        await sleep(300);
        const problem = await page.evaluate(() => {
            const st = document.querySelector('#jd-statement');
            return {
                text: st.textContent,
                heading: st.querySelector('h1')
                    ? st.querySelector('h1').textContent : null,
                elements: st.querySelectorAll('img, script, svg, iframe')
                    .length,
                hrefs: [...st.querySelectorAll('a')]
                    .map((a) => a.getAttribute('href')),
                title: document.querySelector('#jd-problem-view h2')
                    .textContent,
                samples: [...document.querySelectorAll('.sample pre')]
                    .map((p) => p.textContent),
                pwned: window.__pwned ?? null,
            };
        });
        return { run, problem };
    },

    // Inline tests, each verdict arriving on its own, then the verdict.
    async judge(page) {
        await page.evaluateOnNewDocument(() => {
            window.__arrivals = [];
            new MutationObserver(() => {
                const now = performance.now();
                document.querySelectorAll('#jd-results tr[data-index]')
                    .forEach((tr) => {
                        const b = tr.querySelector('[data-verdict]');
                        const i = Number(tr.dataset.index);
                        if (b && b.dataset.verdict
                            && !window.__arrivals.some((a) => a.index === i)) {
                            window.__arrivals.push({ index: i, ms: now,
                                verdict: b.dataset.verdict });
                        }
                    });
                const f = document.querySelector('#jd-final');
                if (f && f.dataset.verdict && !window.__final) {
                    window.__final = { ms: now, verdict: f.dataset.verdict };
                }
            }).observe(document, { subtree: true, childList: true,
                                   attributes: true });
        });
        await open(page, '#judge');
        await pickLanguage(page, '#jd-language', 'python');
        await setSource(page, '#jd-editor',
            'import time\na, b = map(int, input().split())\n'
            + 'time.sleep(0.5 * (a % 3))\nprint(a + b)\n');
        const tests = [['1 2', '3'], ['2 2', '4'], ['3 4', '8'], ['4 5', '9']];
        for (let i = 1; i < tests.length; i++) {
            await page.click('#jd-add-test');
        }
        const rows = await page.$$('#jd-test-rows .test-edit');
        for (let i = 0; i < tests.length; i++) {
            await rows[i].$eval('.t-in', (e) => { e.value = ''; });
            await rows[i].$eval('.t-out', (e) => { e.value = ''; });
            await (await rows[i].$('.t-in')).type(tests[i][0]);
            await (await rows[i].$('.t-out')).type(tests[i][1]);
        }
        await page.click('#jd-submit');
        await page.waitForSelector('#jd-final[data-verdict]:not([data-verdict=""])',
                                   { timeout: 30000 });
        return page.evaluate(() => ({
            hash: location.hash,
            arrivals: window.__arrivals,
            final: window.__final,
            stages: [...document.querySelectorAll('#jd-results .stage h3')]
                .map((h) => h.textContent),
            rows: [...document.querySelectorAll('#jd-results tr[data-index]')]
                .map((tr) => tr.querySelector('[data-verdict]').dataset.verdict),
            head: document.querySelector('#jd-final').textContent,
        }));
    },

    // A stored problem with two stages: the statement, then a
    // submission's tests grouped by stage.
    async problem(page) {
        await open(page, '#problem=add');
        await page.waitForSelector('#jd-statement');
        await pickLanguage(page, '#jd-language', 'python');
        await setSource(page, '#jd-editor',
                        'print(sum(map(int, input().split())))\n');
        await page.click('#jd-submit');
        await page.waitForSelector('#jd-final[data-verdict]:not([data-verdict=""])',
                                   { timeout: 30000 });
        return page.evaluate(() => ({
            statement: document.querySelector('#jd-statement').innerHTML,
            stages: [...document.querySelectorAll('#jd-results .stage h3')]
                .map((h) => h.textContent),
            rows: [...document.querySelectorAll('#jd-results tr[data-index]')]
                .map((tr) => tr.querySelector('[data-verdict]').dataset.verdict),
            verdict: document.querySelector('#jd-final').dataset.verdict,
            head: document.querySelector('#jd-final').textContent,
        }));
    },

    // The link "judge submit" printed (JUDGE_WEB_LINK): the submission
    // shown from its address alone.
    async link(page) {
        await page.goto(process.env.JUDGE_WEB_LINK, { waitUntil: 'load' });
        await page.waitForSelector('#jd-final[data-verdict]:not([data-verdict=""])',
                                   { timeout: 30000 });
        return page.evaluate(() => ({
            rows: [...document.querySelectorAll('#jd-results tr[data-index]')]
                .map((tr) => tr.querySelector('[data-verdict]').dataset.verdict),
            verdict: document.querySelector('#jd-final').dataset.verdict,
        }));
    },

    // The page under a prefix, the API and the admin API beside it: a
    // run, and the dashboard with the admin token.
    async prefix(page) {
        await open(page, '#playground');
        await pickLanguage(page, '#pg-language', 'python');
        await setSource(page, '#pg-editor', 'print(6 * 7)\n');
        await page.click('#pg-run');
        const run = await runResult(page);
        await open(page, '#fleet');
        await page.click('details.admin summary');
        await page.type('#fl-token', adminToken);
        await page.click('details.admin button[type=submit]');
        await page.waitForSelector('#fl-workers tr[data-worker="w1"]');
        return { run, url: page.url() };
    },

    // The page's headers and the API's, and the page in another
    // site's frame: it does not load there.
    async framed(page) {
        const heads = async (url) => {
            const res = await fetch(url);
            await res.arrayBuffer();
            const g = (n) => res.headers.get(n);
            return { status: res.status, csp: g('content-security-policy'),
                     frame: g('x-frame-options'),
                     nosniff: g('x-content-type-options') };
        };
        const found = {
            page: await heads(base),
            health: await heads(new URL('health', base)),
            missing: await heads(new URL('no/such/thing', base)),
        };
        await page.goto('about:blank');
        await page.setContent('<iframe src="' + base + '#fleet"></iframe>');
        await sleep(1500);
        const inside = await Promise.all(page.frames()
            .filter((f) => f !== page.mainFrame())
            .map((f) => f.$('#nav').then((e) => e !== null, () => false)));
        found.frames = inside.length;
        found.loaded = inside.filter((x) => x).length;
        return found;
    },

    // Bytes that are not UTF-8 and control characters, then more lines
    // while it runs, and lines that look like the event stream itself:
    // all shown as they come, as text.
    async bytes(page) {
        await open(page, '#playground');
        await pickLanguage(page, '#pg-language', 'python');
        await setSource(page, '#pg-editor',
            'import sys, time\n'
            + 'sys.stdout.buffer.write(b"bad \\xff\\xfe\\x80 \\x1b[31mred'
            + '\\x1b[0m \\x00\\x07|\\n")\n'
            + 'sys.stdout.flush()\ntime.sleep(0.8)\n'
            + 'print("after the bad bytes", flush=True)\ntime.sleep(0.8)\n'
            + 'print("event: done\\ndata: {}\\n\\n</pre><script>'
            + 'window.__pwned=12</script>", flush=True)\n');
        await page.waitForSelector('#pg-save[data-state="saved"]',
                                   { timeout: 10000 });
        await page.click('#pg-run');
        let live = null;
        const t0 = Date.now();
        for (;;) {
            const s = await page.evaluate(() => ({
                status: document.querySelector('#pg-result').dataset.status,
                output: document.querySelector('#pg-output').textContent,
            }));
            if (s.status === 'RUNNING' && /after the bad bytes/.test(s.output)
                && !live) {
                live = s.output;
            }
            if (['COMPLETED', 'FAILED', 'TIMEOUT'].includes(s.status)
                || Date.now() - t0 > 30000) {
                break;
            }
            await sleep(100);
        }
        const r = await runResult(page);
        r.live = live;
        r.elements = await page.$$eval('#pg-output *:not(span)',
                                       (l) => l.length);
        r.pwned = await page.evaluate(() => window.__pwned ?? null);
        return r;
    },

    // A program printing megabytes: a line of 1.5 M characters, then
    // 300000 lines.  The page answers while they come, keeps a bounded
    // part and says so.
    async flood(page) {
        await open(page, '#playground');
        await pickLanguage(page, '#pg-language', 'python');
        await setSource(page, '#pg-editor',
            'import sys\nsys.stdout.write("x" * 1500000 + "\\n")\n'
            + 'for i in range(300000):\n    print(i)\n'
            + 'sys.stderr.write("e\\n" * 1000)\n');
        await page.waitForSelector('#pg-save[data-state="saved"]',
                                   { timeout: 10000 });
        await page.click('#pg-run');
        let lag = 0;
        const t0 = Date.now();
        for (;;) {
            const t = Date.now();
            const status = await page.evaluate(() => document
                .querySelector('#pg-result').dataset.status);
            lag = Math.max(lag, Date.now() - t);
            if (['COMPLETED', 'FAILED', 'TIMEOUT'].includes(status)
                || Date.now() - t0 > 60000) {
                break;
            }
            await sleep(50);
        }
        await page.waitForFunction(() => document
            .querySelector('#pg-output [data-cut]'), { timeout: 10000 });
        const found = await page.evaluate(() => {
            const pre = document.querySelector('#pg-output');
            return {
                status: document.querySelector('#pg-result').dataset.status,
                chars: pre.textContent.length,
                note: pre.querySelector('[data-cut]').textContent,
                head: pre.textContent.slice(0, 3),
            };
        });
        found.lag_ms = lag;
        found.heap_mb = Math.round((await page.metrics()).JSHeapUsedSize
                                   / 1048576);
        return found;
    },

    // Ids from the address that are not ids, "." and ".." among them
    // (a URL takes those as steps up its path): refused, and shown as
    // text.
    async ids(page) {
        const seen = {};
        for (const [hash, box] of [
            ['#submission=..', '#judge'],
            ['#session=..', '#playground'],
            ['#submission=' + encodeURIComponent(
                '<img src=x onerror="window.__pwned=9">'), '#judge'],
        ]) {
            await page.goto('about:blank');
            await open(page, hash);
            await page.waitForSelector(box + ' .msg.error');
            seen[hash] = await page.$eval(box + ' .msg.error',
                                          (e) => e.textContent);
        }
        seen.elements = await page.$$eval('#main img', (l) => l.length);
        seen.pwned = await page.evaluate(() => window.__pwned ?? null);
        return seen;
    },

    // The admin token: refused for an admin API on another origin, sent
    // only to the admin API, kept out of the address, the document and
    // the local storage.
    async token(page) {
        const sent = [];
        page.on('request', (r) => {
            if (r.headers().authorization) {
                sent.push(r.url());
            }
        });
        await open(page, '#fleet');
        await page.waitForSelector('#fl-workers tr[data-worker]');
        await page.click('details.admin summary');
        await page.type('#fl-token', adminToken);
        const elsewhere = base.replace('127.0.0.1', 'localhost') + 'admin/';
        await page.$eval('#fl-admin', (e, v) => { e.value = v; }, elsewhere);
        await page.click('details.admin button[type=submit]');
        await page.waitForSelector('details.admin .msg.error');
        const refused = await page.$eval('details.admin .msg.error',
                                         (e) => e.textContent);
        await page.$eval('#fl-admin', (e) => { e.value = 'admin/'; });
        await page.click('details.admin button[type=submit]');
        await page.waitForSelector('#fl-workers tr[data-worker] button.danger');
        await sleep(2500);
        const kept = await page.evaluate((t) => ({
            url: location.href.includes(t),
            document: document.documentElement.outerHTML.includes(t),
            local: JSON.stringify(localStorage).includes(t),
        }), adminToken);
        return { refused, sent: [...new Set(sent)], kept };
    },

    // A worker's language with HTML in its name and its template.
    async names(page) {
        await open(page, '#playground');
        await page.waitForFunction(() => document
            .querySelector('#pg-editor .cm-content').textContent.length > 0);
        return page.evaluate(() => ({
            option: document.querySelector('#pg-language option[value=python]')
                .textContent,
            editor: document.querySelector('#pg-editor .cm-content')
                .textContent,
            elements: document.querySelectorAll('#main img, #main script')
                .length,
            pwned: window.__pwned ?? null,
        }));
    },

    // The judge goes away while a run (the playground) and a submission
    // (the judge page, in a second tab) are followed, and comes back
    // (its nginx restarted: both are forgotten).  The scenario says
    // when it follows them by making the file $JUDGE_WEB_FLAG.go, and
    // when both pages say the judge is lost by $JUDGE_WEB_FLAG.noted;
    // browser.t stops nginx between the two and starts it after.
    async outage(page) {
        const flag = process.env.JUDGE_WEB_FLAG;
        await open(page, '#playground');
        await pickLanguage(page, '#pg-language', 'python');
        await page.waitForFunction(() => document
            .querySelector('#pg-editor .cm-content').textContent.length > 0);
        await setSource(page, '#pg-editor',
            'import time\nfor i in range(8):\n'
            + '    print("line", i, flush=True)\n    time.sleep(0.3)\n');
        await page.waitForSelector('#pg-save[data-state="saved"]',
                                   { timeout: 10000 });
        const other = await page.browser().newPage();
        await open(other, '#judge');
        await pickLanguage(other, '#jd-language', 'python');
        await setSource(other, '#jd-editor', 'print(3)\n');

        // a tab in the background draws no frames: each is brought to
        // the front to be clicked
        await page.bringToFront();
        await page.click('#pg-run');
        await page.waitForFunction(() => /line 0/.test(document
            .querySelector('#pg-output').textContent), { timeout: 20000 });
        await other.bringToFront();
        await other.click('#jd-submit');
        await other.waitForSelector('#jd-final', { timeout: 10000 });
        writeFileSync(flag + '.go', '');

        const lost = (box) => /lost/.test(document
            .querySelector(box).textContent);
        // polled by time, not by frame: one of the two is behind
        const wait = { timeout: 20000, polling: 100 };
        await page.waitForFunction(lost, wait, '#playground .msgbox');
        await other.waitForFunction(lost, wait, '#judge .msgbox');
        const text = (p, sel) => p.$eval(sel, (e) => e.textContent);
        const note = await text(page, '#playground .msgbox');
        const judgeNote = await text(other, '#judge .msgbox');
        writeFileSync(flag + '.noted', '');

        await page.waitForFunction(() => !document
            .querySelector('#pg-run').disabled,
            { timeout: 60000, polling: 100 });
        await other.waitForFunction(() => !document
            .querySelector('#jd-submit').disabled,
            { timeout: 60000, polling: 100 });
        const r = {
            note,
            message: await text(page, '#playground .msgbox'),
            status: await page.$eval('#pg-result', (e) => e.dataset.status),
            judge: {
                note: judgeNote,
                message: await text(other, '#judge .msgbox'),
                head: await text(other, '#jd-final'),
            },
        };
        await other.screenshot({ path: path.join(outDir, 'outage-judge.png'),
                                 fullPage: true });
        await other.close();
        return r;
    },

    // The dashboard: the worker, charts drawn from /metrics; with the
    // admin token its id and a drain that works.
    async fleet(page) {
        await open(page, '#fleet');
        await page.waitForSelector('#fl-workers tr[data-worker]');
        await page.waitForFunction(() => Number(document
            .querySelector('#fl-chart-tests').dataset.points) >= 2,
            { timeout: 15000 });
        const pub = await page.evaluate(() => ({
            workers: [...document.querySelectorAll('#fl-workers tr[data-worker]')]
                .map((tr) => tr.textContent),
            points: Number(document.querySelector('#fl-chart-tests')
                .dataset.points),
            canvases: document.querySelectorAll('.chart canvas').length,
            summary: document.querySelector('#fl-summary').textContent,
        }));
        await page.click('details.admin summary');
        await page.type('#fl-token', adminToken);
        await page.click('details.admin button[type=submit]');
        await page.waitForSelector('#fl-workers tr[data-worker="w1"] button.danger');
        const admin = await page.$eval('#fl-workers tr[data-worker="w1"]',
                                       (tr) => tr.textContent);
        // the languages folded to a count, and opened they stay open
        // when the next poll draws the table again
        const langs = '#fl-workers tr[data-worker="w1"] td.langs details';
        const folded = await page.$eval(langs, (d) => ({
            open: d.open, summary: d.querySelector('summary').textContent,
        }));
        await page.click(langs + ' summary');
        const polled = await page.$eval('#fl-chart-queue',
                                        (c) => Number(c.dataset.points));
        await page.waitForFunction((n) => Number(document
            .querySelector('#fl-chart-queue').dataset.points) > n,
            { timeout: 10000 }, polled);
        const reopened = await page.$eval(langs, (d) => d.open);
        await page.screenshot({ path: path.join(outDir, 'fleet-admin.png'),
                                fullPage: true });
        await page.click('#fl-workers tr[data-worker="w1"] button.danger');
        await page.click('#fl-workers tr[data-worker="w1"] button.danger');
        await page.waitForFunction(() => /draining/.test(document
            .querySelector('#fl-drain').textContent),
            { timeout: 10000 });
        const drained = await page.$eval('#fl-drain',
                                         (e) => e.textContent);
        return { public: pub, admin, folded, reopened, drained };
    },
};

const started = Date.now();
const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const found = { launch_ms: Date.now() - started };
try {
    for (const name of names) {
        const scenario = scenarios[name];
        const t0 = Date.now();
        if (!scenario.length) {
            try {
                found[name] = await scenario();
            } catch (e) {
                found[name] = { error: String(e.stack || e) };
            }
            found[name].ms = Date.now() - t0;
            continue;
        }
        const page = await browser.newPage();
        await page.setViewport({ width: 1280, height: 900 });
        const events = { dialogs: [], errors: [], console: [] };
        page.on('dialog', (d) => {
            events.dialogs.push(d.message());
            d.dismiss();
        });
        page.on('pageerror', (e) => events.errors.push(String(e)));
        page.on('console', (m) => {
            if (m.type() === 'error') {
                events.console.push(m.text());
            }
        });
        let r;
        try {
            r = await scenario(page, found);
        } catch (e) {
            r = { error: String(e.stack || e) };
        }
        try {
            await page.screenshot({ path: path.join(outDir, name + '.png'),
                                    fullPage: true });
        } catch (e) {
            r.screenshot_error = String(e);
        }
        found[name] = { ...r, ...events, ms: Date.now() - t0 };
        await page.close();
    }
} finally {
    const closing = Date.now();
    await browser.close();
    found.close_ms = Date.now() - closing;
}
// done: a connection left open is not waited for
process.stdout.write(JSON.stringify(found) + '\n', () => process.exit(0));
