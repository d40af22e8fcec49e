// What the pages share: the language picker and the page's address.

import { h } from './dom.js';

// A <select> of the languages the judge offers now (GET /languages).
export function languagePicker(langs, id) {
    const select = h('select', { id, 'aria-label': 'language' },
        langs.map((l) => h('option', { value: l.id },
                           l.name)));
    const python = langs.find((l) => l.id === 'python');
    if (python) {
        select.value = python.id;
    }
    return select;
}

// Put "key=value" (or just the current page's name) in the address
// without following it, so that a reload or a shared link comes back.
export function setHash(key, value) {
    const hash = key ? '#' + key + '=' + encodeURIComponent(value)
                     : '#' + currentPage();
    history.replaceState(null, '', hash);
}

function currentPage() {
    return parseHash().page;
}

// The address's hash: "#playground", "#judge", "#fleet", or one of
// "#session=ID" (playground), "#submission=ID", "#problem=ID" (judge).
export function parseHash() {
    const raw = location.hash.replace(/^#/, '');
    const m = /^(session|submission|problem)=(.*)$/.exec(raw);
    if (m) {
        let value = m[2];
        try {
            value = decodeURIComponent(value);
        } catch (e) {
            value = '';
        }
        return {
            page: m[1] === 'session' ? 'playground' : 'judge',
            params: { [m[1]]: value },
        };
    }
    const page = ['playground', 'judge', 'fleet'].includes(raw)
        ? raw : 'playground';
    return { page, params: {} };
}

const verdictNames = {
    AC: 'accepted', WA: 'wrong answer', TLE: 'time limit (CPU)',
    WLE: 'time limit (wall)', MLE: 'memory limit', OLE: 'output limit',
    RE: 'runtime error', SV: 'forbidden system call', CE: 'compile error',
    IE: 'judge error', CANCELLED: 'cancelled',
};

// A verdict as a badge with its meaning as its title.
export function verdictBadge(v, extra = '') {
    return h('span', {
        className: 'verdict v-' + (v || 'pending') + ' ' + extra,
        title: verdictNames[v] || 'waiting',
        'data-verdict': v || '',
    }, v || '…');
}
