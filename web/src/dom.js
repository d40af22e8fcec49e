// Building the page.  Text always goes in as text nodes: whatever the
// judge or a program says is never parsed as HTML here.

// An element with attributes (properties for "on..." handlers and
// "className") and children (strings become text nodes; null and false
// are left out).
export function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
        if (v === null || v === undefined || v === false) {
            continue;
        }
        if (k.startsWith('on')) {
            el.addEventListener(k.slice(2), v);
        } else if (k === 'className') {
            el.className = v;
        } else if (k === 'value') {
            el.value = v;
        } else {
            el.setAttribute(k, v === true ? '' : String(v));
        }
    }
    append(el, children);
    return el;
}

function append(el, children) {
    for (const c of children) {
        if (c === null || c === undefined || c === false) {
            continue;
        }
        if (Array.isArray(c)) {
            append(el, c);
        } else if (c instanceof Node) {
            el.appendChild(c);
        } else {
            el.appendChild(document.createTextNode(String(c)));
        }
    }
}

// Replace an element's children.
export function fill(el, ...children) {
    el.replaceChildren();
    append(el, children);
    return el;
}

// A message box: an error from the API (code and message) or a note.
export function message(box, what, kind = 'error') {
    if (!what) {
        box.replaceChildren();
        box.hidden = true;
        return;
    }
    const text = what instanceof Error
        ? (what.code ? what.code + ': ' : '') + what.message
        : String(what);
    fill(box, h('div', { className: 'msg ' + kind, role: 'alert' }, text));
    box.hidden = false;
}

// The most characters of one text from a program or a compiler the page
// keeps: past it, the text is cut (see clip).
export const KEEP = 1 << 20;

// "text" cut to at most "room" characters, not inside a character made
// of two UTF-16 units.
export function clip(text, room = KEEP) {
    text = String(text);
    if (text.length <= room) {
        return text;
    }
    let end = Math.max(0, room);
    const c = text.charCodeAt(end - 1);
    if (c >= 0xd800 && c <= 0xdbff) {
        end--;
    }
    return text.slice(0, end);
}

// A text from a program or a compiler as the page shows it: cut to KEEP
// characters, saying so.
export function shown(text) {
    const kept = clip(text);
    return kept.length < String(text).length
        ? kept + '\n[the page shows the first ' + KEEP / 1048576
          + ' M characters: the rest is left out]'
        : kept;
}

export function ms(v) {
    return v === null || v === undefined ? '–' : v + ' ms';
}

export function kb(v) {
    if (v === null || v === undefined) {
        return '–';
    }
    return v >= 10240 ? (v / 1024).toFixed(1) + ' MB' : v + ' KB';
}

// Run fn at most once per "wait" milliseconds of quiet.
export function debounce(fn, wait) {
    let t = null;
    const d = (...args) => {
        clearTimeout(t);
        t = setTimeout(() => {
            t = null;
            fn(...args);
        }, wait);
    };
    d.cancel = () => {
        clearTimeout(t);
        t = null;
    };
    return d;
}
