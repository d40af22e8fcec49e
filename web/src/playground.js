// The playground: a code session (the /code-sessions API) in an
// editor, autosaved by revision, run with its output followed live.

import { h, fill, message, ms, kb, debounce, shown } from './dom.js';
import { get, post, request, follow, safeId } from './api.js';
import { createEditor } from './editor.js';
import { Output } from './output.js';
import { languagePicker, setHash } from './common.js';

export function playground(root, langs) {
    const msg = h('div', { className: 'msgbox', hidden: true });
    const picker = languagePicker(langs, 'pg-language');
    const runButton = h('button', {
        id: 'pg-run', className: 'primary', title: 'Ctrl/Cmd-Enter',
    }, 'Run');
    const saveState = h('span', { id: 'pg-save', className: 'save' },
                        'not saved yet');
    const newButton = h('button', { id: 'pg-new' }, 'New session');
    const stdin = h('textarea', {
        id: 'pg-stdin', rows: 4, spellcheck: 'false',
        placeholder: 'standard input', 'aria-label': 'standard input',
    });
    const compileOut = h('pre', { id: 'pg-compile', className: 'compiler',
                                  hidden: true });
    const outPre = h('pre', { id: 'pg-output', className: 'output',
                              'aria-live': 'polite' });
    const result = h('div', { id: 'pg-result', className: 'result' });
    const history = h('ol', { id: 'pg-history', className: 'history' });
    const editorBox = h('div', { className: 'editor', id: 'pg-editor' });

    fill(root,
        h('div', { className: 'toolbar' },
          h('label', {}, 'Language ', picker), runButton, saveState,
          h('span', { className: 'grow' }), newButton),
        msg,
        h('div', { className: 'split' },
          editorBox,
          h('div', { className: 'side' },
            h('h3', {}, 'Input'), stdin,
            h('h3', {}, 'Output'), compileOut, outPre, result)),
        h('h3', {}, 'Runs of this session'), history);

    const output = new Output(outPre);
    // session: the session as last saved (null until the first save);
    // dirty: edits not yet sent; chain: the saves in order
    const state = { session: null, dirty: false, chain: Promise.resolve(),
                    running: false, closeStream: null, template: '' };

    const editor = createEditor(editorBox, {
        label: 'source code',
        onChange: () => edited(),
        onRun: () => run(),
    });

    function showSave(text, kind) {
        saveState.textContent = text;
        saveState.dataset.state = kind;
    }

    function edited() {
        state.dirty = true;
        showSave('unsaved', 'unsaved');
        autosave();
    }

    // what went wrong is shown by saveNow()
    const autosave = debounce(() => save().catch(() => {}), 700);

    // Send the edits (or make the session): one save at a time, in order.
    function save() {
        autosave.cancel();
        state.chain = state.chain.then(saveNow, saveNow);
        return state.chain;
    }

    async function saveNow() {
        if (state.session && !state.dirty) {
            return;
        }
        const body = { source_code: editor.text(), stdin: stdin.value };
        state.dirty = false;
        showSave('saving…', 'saving');
        try {
            if (!state.session) {
                body.language = picker.value;
                const { json } = await request('POST', 'code-sessions', body);
                setSession(json);
            } else {
                if (picker.value !== state.session.language_id) {
                    body.language = picker.value;
                }
                const { json } = await request(
                    'PATCH', 'code-sessions/' + safeId(state.session.session_id),
                    body, { 'If-Match': '"' + state.session.revision + '"' });
                state.session = json;
            }
            message(msg, null);
            showSave(state.dirty ? 'unsaved'
                     : 'saved · revision ' + state.session.revision,
                     state.dirty ? 'unsaved' : 'saved');
        } catch (e) {
            state.dirty = true;
            showSave('not saved', 'error');
            if (e.code === 'revision_conflict') {
                message(msg, 'This session was changed elsewhere (another '
                        + 'tab?): reload it to get its newest revision; '
                        + 'your edits here are not saved.');
            } else {
                message(msg, e);
            }
            throw e;
        }
    }

    function setSession(s) {
        state.session = s;
        setHash('session', s.session_id);
        loadHistory();
    }

    async function startNew(lang) {
        stopFollowing();
        state.session = null;
        state.dirty = false;
        output.clear();
        clearResult();
        compileOut.hidden = true;
        fill(history);
        stdin.value = '';
        picker.value = lang || picker.value;
        setHash(null);
        await loadTemplate();
        showSave('not saved yet', 'new');
    }

    async function loadTemplate() {
        const id = picker.value;
        if (!id) {
            return;
        }
        editor.setLanguage(id, fileNameOf(id));
        const before = editor.text();
        try {
            const l = await get('languages/' + safeId(id));
            // what was typed, or another language picked, while the
            // template was on its way stays
            if (picker.value !== id || editor.text() !== before) {
                return;
            }
            state.template = l.template_code || '';
            editor.setText(state.template);
        } catch (e) {
            message(msg, e);
        }
    }

    function fileNameOf(id) {
        const l = langs.find((x) => x.id === id);
        return l ? l.file_name : '';
    }

    picker.addEventListener('change', async () => {
        editor.setLanguage(picker.value, fileNameOf(picker.value));
        const untouched = editor.text() === state.template;
        if (untouched) {
            await loadTemplate();
        }
        if (state.session) {
            edited();
        }
    });
    stdin.addEventListener('input', () => {
        if (state.session) {
            edited();
        }
    });
    runButton.addEventListener('click', () => run());
    newButton.addEventListener('click', () => startNew());

    function stopFollowing() {
        outPre.hidden = false;
        if (state.closeStream) {
            state.closeStream();
            state.closeStream = null;
        }
    }

    async function run() {
        if (state.running) {
            return;
        }
        state.running = true;
        runButton.disabled = true;
        stopFollowing();
        output.clear();
        compileOut.hidden = true;
        showResult({ status: 'SAVING' });
        try {
            state.dirty = state.dirty || !state.session;
            await save();
            const accepted = await post(
                'code-sessions/' + safeId(state.session.session_id) + '/run',
                {});
            watch(accepted.execution_id);
            loadHistory();
        } catch (e) {
            message(msg, e);
            clearResult();
            running(false);
        }
    }

    function running(on) {
        state.running = on;
        runButton.disabled = on;
    }

    // Follow a run: its output as it is written, its status, its end.
    function watch(id) {
        running(true);
        showResult({ status: 'QUEUED' });
        state.closeStream = follow('executions/' + safeId(id) + '/events', {
            output: (ev) => output.add(ev),
            status: (ev) => showResult(ev),
            done: (ex) => finished(ex),
        }, 'done', {
            settle: async () => {
                const ex = await get('executions/' + safeId(id));
                if (ex.finished_at) {
                    finished(ex);
                }
                return Boolean(ex.finished_at);
            },
            onNote: (text) => message(msg, text, 'note'),
            onFail: (e) => {
                state.closeStream = null;
                message(msg, e);
                clearResult();
                running(false);
            },
        });
    }

    function finished(ex) {
        state.closeStream = null;
        output.whole(ex);
        const failed = ex.reason === 'compile_error';
        if (ex.compile && ex.compile.output && failed) {
            compileOut.textContent = shown(ex.compile.output);
            compileOut.hidden = false;
        }
        outPre.hidden = failed && !ex.stdout && !ex.stderr;
        showResult(ex);
        running(false);
        loadHistory();
    }

    function clearResult() {
        result.dataset.status = '';
        fill(result);
    }

    function showResult(ex) {
        result.dataset.status = ex.status || '';
        const parts = [h('span', { className: 'status s-' + ex.status },
                         ex.status)];
        if (ex.reason) {
            parts.push(h('span', {}, ex.reason.replace(/_/g, ' ')));
        }
        if (ex.finished_at && ex.reason !== 'compile_error') {
            parts.push(h('span', {}, 'exit ' + (ex.exit_code ?? '–')
                         + (ex.signal ? ' · signal ' + ex.signal : '')));
            parts.push(h('span', {}, 'time ' + ms(ex.execution_time_ms)));
            parts.push(h('span', {}, 'cpu ' + ms(ex.cpu_time_ms)));
            parts.push(h('span', {}, 'memory ' + kb(ex.memory_kb)));
        }
        if (ex.message) {
            parts.push(h('span', {}, ex.message));
        }
        fill(result, parts);
    }

    async function loadHistory() {
        if (!state.session) {
            return;
        }
        try {
            const list = await get('code-sessions/'
                                   + safeId(state.session.session_id)
                                   + '/executions?limit=10');
            fill(history, list.executions.map((r) => h('li', {},
                h('button', {
                    className: 'link',
                    onclick: () => showRun(r.execution_id),
                }, new Date(r.created_at).toLocaleTimeString()),
                ' ', h('span', { className: 'status s-' + r.status },
                       r.status),
                ' revision ' + r.revision + ' · ' + ms(r.execution_time_ms)
                + (r.exit_code !== null ? ' · exit ' + r.exit_code : ''))));
            if (!list.executions.length) {
                fill(history, h('li', { className: 'note' }, 'no runs yet'));
            }
        } catch (e) {
            message(msg, e);
        }
    }

    async function showRun(id) {
        stopFollowing();
        try {
            const ex = await get('executions/' + safeId(id));
            compileOut.hidden = true;
            if (ex.finished_at) {
                finished(ex);
            } else {
                output.clear();
                watch(id);
            }
        } catch (e) {
            message(msg, e);
        }
    }

    // Open a session by its id (a reload, a shared link).
    async function open(id) {
        if (state.session && state.session.session_id === id) {
            return;
        }
        stopFollowing();
        try {
            const s = await get('code-sessions/' + safeId(id));
            state.session = s;
            state.dirty = false;
            picker.value = s.language_id;
            if (picker.value !== s.language_id) {
                picker.appendChild(h('option', { value: s.language_id },
                                     s.language_id));
                picker.value = s.language_id;
            }
            editor.setLanguage(s.language_id, s.file_name);
            editor.setText(s.source_code);
            stdin.value = s.stdin;
            showSave('saved · revision ' + s.revision, 'saved');
            output.clear();
            clearResult();
            compileOut.hidden = true;
            message(msg, s.status === 'INACTIVE'
                    ? 'This session is closed: it can be read, not run.'
                    : null, 'note');
            loadHistory();
            if (s.last_execution) {
                showRun(s.last_execution.execution_id);
            }
        } catch (e) {
            message(msg, e.status === 404
                    ? 'That session is gone (sessions expire when unused); '
                      + 'here is a new one.' : e);
            await startNew();
        }
    }

    return {
        async show(params) {
            if (params.session) {
                await open(params.session);
            } else if (state.session) {
                setHash('session', state.session.session_id);
            } else if (!editor.text()) {
                await startNew();
            }
        },
    };
}
