// The code editor: CodeMirror 6 with the language of the program
// highlighted, and Ctrl/Cmd-Enter bound to the page's action.

import { EditorView, basicSetup } from 'codemirror';
import { Compartment, Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';
// A judge's language id (or its file name's extension) to its
// CodeMirror language, each loaded when first needed (a chunk of its
// own); languages without one are edited as plain text.
async function support(id, fileName) {
    const ext = (fileName || '').split('.').pop();
    const key = (id || '') + ' ' + ext;
    if (/^(python|pypy)|\bpy$/.test(key)) {
        return (await import('@codemirror/lang-python')).python();
    }
    if (/^(c|cpp|c-clang|cpp-clang)\b|\b(c|cc|cpp)$/.test(key)) {
        return (await import('@codemirror/lang-cpp')).cpp();
    }
    if (/^java\b|\bjava$/.test(key)) {
        return (await import('@codemirror/lang-java')).java();
    }
    if (/^(javascript|typescript|node)|\b(js|mjs|ts)$/.test(key)) {
        return (await import('@codemirror/lang-javascript')).javascript({
            typescript: /typescript|\bts$/.test(key),
        });
    }
    if (/^rust\b|\brs$/.test(key)) {
        return (await import('@codemirror/lang-rust')).rust();
    }
    if (/^go\b|\bgo$/.test(key)) {
        return (await import('@codemirror/lang-go')).go();
    }
    return [];
}

// An editor in "parent"; onChange is called after each edit of the
// text, onRun on Ctrl/Cmd-Enter.
export function createEditor(parent, { onChange, onRun, label }) {
    const lang = new Compartment();
    let quiet = false;
    let wanted = 0;
    const view = new EditorView({
        parent,
        extensions: [
            Prec.highest(keymap.of([{
                key: 'Mod-Enter',
                run: () => {
                    onRun();
                    return true;
                },
            }])),
            basicSetup,
            keymap.of([indentWithTab]),
            lang.of([]),
            EditorView.contentAttributes.of({ 'aria-label': label }),
            EditorView.updateListener.of((u) => {
                if (u.docChanged && !quiet && onChange) {
                    onChange();
                }
            }),
        ],
    });
    return {
        text: () => view.state.doc.toString(),
        // set the text without it counting as an edit
        setText(text) {
            quiet = true;
            view.dispatch({
                changes: { from: 0, to: view.state.doc.length, insert: text },
            });
            quiet = false;
        },
        // the last language asked for wins, whichever loads first
        async setLanguage(id, fileName) {
            const asked = ++wanted;
            let ext = [];
            try {
                ext = await support(id, fileName);
            } catch (e) {
                ext = [];
            }
            if (asked === wanted) {
                view.dispatch({ effects: lang.reconfigure(ext) });
            }
        },
    };
}
