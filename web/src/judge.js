// The judge page: a source submitted against inline tests or a stored
// problem (its statement and samples shown), each test's verdict shown
// as it arrives, grouped by stage.

import { h, fill, message, ms, kb, shown } from './dom.js';
import { get, post, follow, safeId } from './api.js';
import { createEditor } from './editor.js';
import { renderMarkdown } from './markdown.js';
import { languagePicker, setHash, verdictBadge } from './common.js';

export function judgePage(root, langs) {
    const msg = h('div', { className: 'msgbox', hidden: true });
    const picker = languagePicker(langs, 'jd-language');
    const mode = h('select', { id: 'jd-mode', 'aria-label': 'judge against' },
                   h('option', { value: 'tests' }, 'these tests'),
                   h('option', { value: 'problem' }, 'a stored problem'));
    const problemPick = h('select', { id: 'jd-problem', hidden: true,
                                      'aria-label': 'problem' });
    const submit = h('button', { id: 'jd-submit', className: 'primary',
                                 title: 'Ctrl/Cmd-Enter' }, 'Submit');
    const editorBox = h('div', { className: 'editor', id: 'jd-editor' });
    const testsBox = h('div', { id: 'jd-tests' });
    const problemBox = h('div', { id: 'jd-problem-view', hidden: true });
    const results = h('div', { id: 'jd-results' });

    fill(root,
        h('div', { className: 'toolbar' },
          h('label', {}, 'Language ', picker),
          h('label', {}, 'Judge against ', mode), problemPick, submit),
        msg,
        h('div', { className: 'split' }, editorBox,
          h('div', { className: 'side' }, testsBox, problemBox)),
        results);

    const editor = createEditor(editorBox, {
        label: 'source code', onRun: () => send(),
    });
    let closeStream = null;
    let problemsLoaded = false;
    let current = null;

    async function loadTemplate() {
        const l = langs.find((x) => x.id === picker.value);
        editor.setLanguage(picker.value, l ? l.file_name : '');
        const id = picker.value;
        const before = editor.text();
        try {
            const d = await get('languages/' + safeId(id));
            // what was typed while the template was on its way stays
            if (picker.value === id && editor.text() === before) {
                editor.setText(d.template_code || '');
            }
        } catch (e) {
            message(msg, e);
        }
    }
    picker.addEventListener('change', () => {
        const l = langs.find((x) => x.id === picker.value);
        editor.setLanguage(picker.value, l ? l.file_name : '');
    });

    // Inline tests: pairs of input and expected output.
    function testRow(input = '', expected = '') {
        const row = h('div', { className: 'test-edit' },
            h('textarea', { className: 't-in', rows: 2, spellcheck: 'false',
                            placeholder: 'input', 'aria-label': 'input' },
              input),
            h('textarea', { className: 't-out', rows: 2, spellcheck: 'false',
                            placeholder: 'expected output',
                            'aria-label': 'expected output' }, expected),
            h('button', { className: 'link', title: 'remove this test',
                          onclick: () => row.remove() }, '✕'));
        return row;
    }
    const rows = h('div', { id: 'jd-test-rows' }, testRow('1 2\n', '3\n'));
    fill(testsBox, h('h3', {}, 'Tests'), rows,
         h('button', { id: 'jd-add-test',
                       onclick: () => rows.appendChild(testRow()) },
           'Add a test'));

    mode.addEventListener('change', () => showMode());

    async function showMode() {
        const problem = mode.value === 'problem';
        testsBox.hidden = problem;
        problemBox.hidden = !problem;
        problemPick.hidden = !problem;
        if (problem && !problemsLoaded) {
            await loadProblems();
        }
    }

    async function loadProblems() {
        try {
            const list = await get('problems?limit=100');
            problemsLoaded = true;
            fill(problemPick, list.problems.map((p) =>
                h('option', { value: p.id }, p.title ? p.title + ' (' + p.id
                                             + ')' : p.id)));
            if (!list.problems.length) {
                fill(problemBox, h('p', { className: 'note' },
                    'No problem is stored on this judge yet.'));
                return;
            }
            await showProblem(problemPick.value);
        } catch (e) {
            message(msg, e);
        }
    }
    problemPick.addEventListener('change', () => showProblem(problemPick.value));

    async function showProblem(id) {
        try {
            const p = await get('problems/' + safeId(id));
            const statement = h('div', { className: 'statement',
                                         id: 'jd-statement' });
            // markdown-it with raw HTML off: the only HTML is its own
            statement.innerHTML = renderMarkdown(p.statement);
            const samples = [];
            for (const st of p.stages) {
                for (const t of st.tests) {
                    if (!t.sample) {
                        continue;
                    }
                    samples.push(h('div', { className: 'sample' },
                        h('h4', {}, 'Sample ' + t.name),
                        h('div', { className: 'pair' },
                          h('pre', {}, shown(t.stdin ?? '(not shown)')),
                          h('pre', {}, shown(t.expected_output
                                             ?? '(not shown)')))));
                }
            }
            const limits = p.limits || {};
            fill(problemBox,
                h('h2', {}, p.title || p.id),
                h('p', { className: 'note' },
                  p.tests_total + ' tests in ' + p.stages.length
                  + ' stage(s)'
                  + (limits.cpu_time_ms ? ' · CPU ' + ms(limits.cpu_time_ms)
                     : '')
                  + (limits.memory_kb ? ' · memory ' + kb(limits.memory_kb)
                     : '')),
                statement, samples);
        } catch (e) {
            message(msg, e);
        }
    }

    submit.addEventListener('click', () => send());

    async function send() {
        if (submit.disabled) {
            return;
        }
        submit.disabled = true;
        message(msg, null);
        try {
            let accepted;
            if (mode.value === 'problem') {
                if (!problemPick.value) {
                    throw new Error('choose a problem first');
                }
                accepted = await post('problems/' + safeId(problemPick.value)
                                      + '/submissions',
                                      { language: picker.value,
                                        source: editor.text() });
            } else {
                const tests = [...rows.children].map((r) => ({
                    input: r.querySelector('.t-in').value,
                    expected_output: r.querySelector('.t-out').value,
                }));
                if (!tests.length) {
                    throw new Error('add a test first');
                }
                accepted = await post('submissions', {
                    language: picker.value, source: editor.text(), tests,
                });
            }
            setHash('submission', accepted.id);
            await watch(accepted.id);
        } catch (e) {
            message(msg, e);
            submit.disabled = false;
        }
    }

    // The results' frame: a table per stage with a row per test,
    // waiting for their verdicts.
    function frame(s) {
        const groups = s.stages && s.stages.length
            ? s.stages.map((st) => ({ name: st.name, total: st.total }))
            : [{ name: 'Tests', total: s.total }];
        const rowsByIndex = [];
        const tables = [];
        let index = 0;
        for (const g of groups) {
            const body = h('tbody');
            for (let i = 0; i < g.total; i++, index++) {
                const tr = h('tr', { 'data-index': index });
                fill(tr, h('td', {}, String(index + 1)), h('td'),
                     h('td', {}, verdictBadge(null)), h('td'), h('td'),
                     h('td'));
                rowsByIndex[index] = tr;
                body.appendChild(tr);
            }
            g.status = h('span', { className: 'stage-status' });
            tables.push(h('section', { className: 'stage' },
                h('h3', {}, g.name, ' ', g.status),
                h('div', { className: 'table-wrap' },
                  h('table', { className: 'tests' },
                    h('thead', {}, h('tr', {},
                      h('th', {}, '#'), h('th', {}, 'test'),
                      h('th', {}, 'verdict'), h('th', {}, 'time'),
                      h('th', {}, 'memory'), h('th', {}, 'details'))),
                    body))));
        }
        const head = h('div', { className: 'final', id: 'jd-final' });
        const compile = h('pre', { className: 'compiler', id: 'jd-compile',
                                   hidden: true });
        fill(results, h('h2', {}, 'Submission ',
                        h('code', {}, s.id)), head, compile, tables);
        return { rowsByIndex, head, compile, groups };
    }

    function setTest(f, t) {
        const tr = f.rowsByIndex[t.index];
        if (!tr) {
            return;
        }
        const details = [];
        const text = t.checker_message || t.message;
        if (text) {
            details.push(h('div', {}, shown(text)));
        }
        if (t.stdout || t.stderr) {
            details.push(h('details', {}, h('summary', {}, 'output'),
                t.stdout ? h('pre', { className: 'output' }, shown(t.stdout))
                         : null,
                t.stderr ? h('pre', { className: 'output stderr' },
                             shown(t.stderr)) : null));
        }
        fill(tr, h('td', {}, String(t.index + 1)), h('td', {}, t.id),
             h('td', {}, verdictBadge(t.verdict)),
             h('td', {}, ms(t.cpu_time_ms)), h('td', {}, kb(t.memory_kb)),
             h('td', {}, details));
    }

    function final(f, s) {
        fill(f.head, verdictBadge(s.verdict, 'big'),
             h('span', {}, s.passed + ' / ' + s.total + ' passed'),
             s.max_points ? h('span', {}, s.points + ' / ' + s.max_points
                                          + ' points') : null,
             s.message ? h('span', { className: 'note' }, s.message) : null);
        f.head.dataset.verdict = s.verdict || '';
        if (s.compile && s.compile.output
            && (s.verdict === 'CE' || s.compile.status !== 'COMPLETED')) {
            f.compile.textContent = shown(s.compile.output);
            f.compile.hidden = false;
        }
        (s.stages || []).forEach((st, i) => {
            if (f.groups[i]) {
                f.groups[i].status.textContent = st.status
                    + (st.max_points ? ' · ' + st.points + '/'
                       + st.max_points + ' points' : '');
            }
        });
        for (const t of s.tests) {
            setTest(f, t);
        }
        submit.disabled = false;
    }

    // Show a submission, and follow it live while it is judged.
    async function watch(id) {
        if (closeStream) {
            closeStream();
            closeStream = null;
        }
        current = id;
        const s = await get('submissions/' + safeId(id));
        if (current !== id) {
            return;
        }
        const f = frame(s);
        for (const t of s.tests) {
            setTest(f, t);
        }
        if (s.finished_at) {
            final(f, s);
            return;
        }
        fill(f.head, h('span', { className: 'status' }, s.status));
        closeStream = follow('submissions/' + safeId(id) + '/events', {
            test: (t) => setTest(f, t),
            verdict: (v) => final(f, v),
        }, 'verdict', {
            settle: async () => {
                const now = await get('submissions/' + safeId(id));
                if (now.finished_at) {
                    final(f, now);
                }
                return Boolean(now.finished_at);
            },
            onNote: (text) => message(msg, text, 'note'),
            onFail: (e) => {
                message(msg, e);
                fill(f.head, h('span', { className: 'status' },
                               'not known'));
                submit.disabled = false;
            },
        });
    }

    let started = false;
    return {
        async show(params) {
            if (!started) {
                started = true;
                await loadTemplate();
            }
            if (params.problem) {
                mode.value = 'problem';
                await showMode();
                problemPick.value = params.problem;
                await showProblem(params.problem);
            }
            if (params.submission && params.submission !== current) {
                try {
                    await watch(params.submission);
                } catch (e) {
                    message(msg, e);
                }
            } else if (!params.problem && current) {
                setHash('submission', current);
            }
        },
    };
}
