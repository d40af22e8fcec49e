// The judge's web page: three views of one page, chosen by the
// address's hash (common.js says which), over the API beside it.

import './style.css';
import { h, fill, message } from './dom.js';
import { get } from './api.js';
import { parseHash } from './common.js';
import { playground } from './playground.js';
import { judgePage } from './judge.js';
import { fleetPage } from './fleet.js';

const pages = {
    playground: { title: 'Playground' },
    judge: { title: 'Judge' },
    fleet: { title: 'Fleet' },
};

async function start() {
    const nav = document.getElementById('nav');
    const main = document.getElementById('main');
    const msg = document.getElementById('msg');
    for (const [name, p] of Object.entries(pages)) {
        p.link = h('a', { href: '#' + name, 'data-page': name }, p.title);
        p.root = h('section', { id: name, hidden: true });
        nav.appendChild(p.link);
        main.appendChild(p.root);
    }

    let langs = [];
    try {
        langs = (await get('languages')).languages;
        if (!langs.length) {
            message(msg, 'No worker is connected, so no language is '
                    + 'offered yet: start a judge-worker, then reload.',
                    'note');
        }
    } catch (e) {
        message(msg, e);
    }

    const views = {
        playground: () => playground(pages.playground.root, langs),
        judge: () => judgePage(pages.judge.root, langs),
        fleet: () => fleetPage(pages.fleet.root),
    };

    async function route() {
        const { page, params } = parseHash();
        for (const [name, p] of Object.entries(pages)) {
            p.root.hidden = name !== page;
            p.link.classList.toggle('current', name === page);
        }
        const p = pages[page];
        if (!p.view) {
            p.view = views[page]();
        }
        try {
            await p.view.show(params);
        } catch (e) {
            message(msg, e);
        }
        document.body.dataset.ready = page;
    }

    window.addEventListener('hashchange', route);
    await route();
}

start().catch((e) => {
    const msg = document.getElementById('msg');
    if (msg) {
        fill(msg, h('div', { className: 'msg error' },
                    'the page failed to start: ' + e.message));
        msg.hidden = false;
    }
});
