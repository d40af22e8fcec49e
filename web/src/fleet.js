// The fleet dashboard: the workers (public view, or with the admin
// token who they are and a drain button), and /metrics polled into
// small charts of the last minutes.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h, fill, message, kb } from './dom.js';
import { get, request, safeId } from './api.js';

const POLL_MS = 2000;
const KEEP_S = 10 * 60;

// Prometheus text to {"name{labels}": value}.
function parseMetrics(text) {
    const m = {};
    for (const line of text.split('\n')) {
        if (!line || line[0] === '#') {
            continue;
        }
        const r = /^([A-Za-z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
        if (r) {
            m[r[1] + (r[2] || '')] = Number(r[3]);
        }
    }
    return m;
}

function verdictCount(m, v) {
    return m['judge_verdicts_total{verdict="' + v + '"}'] || 0;
}

function chart(title, series, id) {
    const box = h('div', { className: 'chart', id, 'data-points': 0 });
    const wrap = h('figure', {}, h('figcaption', {}, title), box);
    const opts = {
        width: 300,
        height: 140,
        legend: { show: series.length > 1, live: false },
        cursor: { show: false },
        // the time axis spans a minute at least, up to now, so that a
        // chart with no or few points yet shows sensible times
        scales: { x: { time: true, range: (u, lo) => {
            const now = Date.now() / 1000;
            return [Math.min(lo ?? now, now - 60), now];
        } }, y: { range: (u, lo, hi) => [0, Math.max(1, hi * 1.1)] } },
        axes: [{ stroke: '#889' }, { stroke: '#889', size: 40 }],
        series: [{}].concat(series.map(([label, color]) => ({
            label, stroke: color, width: 2, points: { show: false },
        }))),
    };
    const data = [[]].concat(series.map(() => []));
    const plot = new uPlot(opts, data, box);
    new ResizeObserver(() => {
        const w = Math.max(200, box.clientWidth);
        if (w !== plot.width) {
            plot.setSize({ width: w, height: 140 });
        }
    }).observe(box);
    return {
        el: wrap,
        push(t, values) {
            data[0].push(t);
            values.forEach((v, i) => data[i + 1].push(v));
            while (data[0].length && data[0][0] < t - KEEP_S) {
                data.forEach((d) => d.shift());
            }
            plot.setData(data);
            box.dataset.points = data[0].length;
        },
    };
}

export function fleetPage(root) {
    const msg = h('div', { className: 'msgbox', hidden: true });
    const adminMsg = h('div', { className: 'msgbox', hidden: true });
    const drainMsg = h('div', { className: 'msgbox', id: 'fl-drain',
                                hidden: true });
    const summary = h('div', { className: 'cards', id: 'fl-summary' });
    const workers = h('div', { className: 'table-wrap', id: 'fl-workers' });
    const token = h('input', {
        type: 'password', id: 'fl-token', autocomplete: 'off',
        placeholder: 'admin token', 'aria-label': 'admin token',
        value: sessionStorage.getItem('judge.adminToken') || '',
    });
    const adminBase = h('input', {
        id: 'fl-admin', 'aria-label': 'admin API',
        value: sessionStorage.getItem('judge.adminBase') || 'admin/',
    });
    const rate = chart('tests per second', [['tests/s', '#2a7ae2']],
                       'fl-chart-tests');
    const queue = chart('submissions not finished',
                        [['active', '#c0392b']], 'fl-chart-queue');
    const verdicts = chart('verdicts per ' + POLL_MS / 1000 + ' s',
                           [['AC', '#27ae60'], ['WA', '#e67e22'],
                            ['other', '#8e44ad']], 'fl-chart-verdicts');

    fill(root,
        msg, summary,
        h('div', { className: 'charts' }, rate.el, queue.el, verdicts.el),
        h('h3', {}, 'Workers'), workers,
        h('details', { className: 'admin' },
          h('summary', {}, 'Admin (who the workers are, drain)'),
          h('form', { className: 'toolbar', onsubmit: (ev) => {
              ev.preventDefault();
              if (!sameOrigin(adminBase.value)) {
                  message(adminMsg, 'The admin API must be on this page\'s '
                          + 'origin: the token is sent nowhere else.');
                  return;
              }
              sessionStorage.setItem('judge.adminToken', token.value);
              sessionStorage.setItem('judge.adminBase', adminBase.value);
              poll();
          } }, token, h('label', {}, 'at ', adminBase),
            h('button', { type: 'submit' }, 'Use')),
          adminMsg, drainMsg));

    let last = null;
    let timer = null;
    // workers whose Drain was pressed once, and those whose languages
    // are shown (the table is drawn anew at each poll)
    const armed = new Set();
    const opened = new Set();

    function admin() {
        const t = sessionStorage.getItem('judge.adminToken');
        if (!t) {
            return null;
        }
        let base = sessionStorage.getItem('judge.adminBase') || 'admin/';
        if (!base.endsWith('/')) {
            base += '/';
        }
        if (!sameOrigin(base)) {
            return null;
        }
        return { base, headers: { Authorization: 'Bearer ' + t } };
    }

    async function metrics() {
        const res = await fetch('metrics');
        if (!res.ok) {
            throw new Error('GET metrics answered ' + res.status);
        }
        return parseMetrics(await res.text());
    }

    async function poll() {
        clearTimeout(timer);
        try {
            const [health, m] = await Promise.all([get('health'), metrics()]);
            message(msg, null);
            const t = Date.now() / 1000;
            showSummary(health, m);
            if (last) {
                const dt = Math.max(0.001, t - last.t);
                const d = (k) => Math.max(0, (m[k] || 0) - (last.m[k] || 0));
                rate.push(t, [d('judge_tests_total') / dt]);
                const dv = (v) => Math.max(0, verdictCount(m, v)
                                              - verdictCount(last.m, v));
                const all = Object.keys(m)
                    .filter((k) => k.startsWith('judge_verdicts_total{'))
                    .reduce((s, k) => s + d(k), 0);
                verdicts.push(t, [dv('AC'), dv('WA'),
                                  all - dv('AC') - dv('WA')]);
            }
            queue.push(t, [m.judge_submissions_active || 0]);
            last = { t, m };
            await showWorkers();
        } catch (e) {
            message(msg, e);
        }
        if (root.isConnected && !root.hidden) {
            timer = setTimeout(poll, POLL_MS);
        }
    }

    function showSummary(health, m) {
        const card = (label, value) => h('div', { className: 'card' },
            h('div', { className: 'value' }, String(value)),
            h('div', { className: 'label' }, label));
        fill(summary,
             card('workers', health.workers),
             card('free slots', health.free_slots),
             card('submissions not finished',
                  m.judge_submissions_active ?? '–'),
             card('tests judged', m.judge_tests_total ?? '–'),
             card('version', health.version));
    }

    async function showWorkers() {
        const a = admin();
        let list = null;
        let isAdmin = false;
        if (a) {
            try {
                list = await get(a.base + 'workers', a.headers);
                isAdmin = true;
                message(adminMsg, null);
            } catch (e) {
                message(adminMsg, e);
            }
        }
        if (!list) {
            list = await get('workers');
        }
        if (!list.workers.length) {
            fill(workers, h('p', { className: 'note' },
                 'No worker is connected: start one with judge-worker '
                 + '--master <this judge>/worker.'));
            return;
        }
        const now = Date.now() / 1000;
        fill(workers, h('table', { className: 'workers' },
            h('thead', {}, h('tr', {},
              ['worker', 'host', 'languages', 'slots in use', 'load',
               'cpu', 'memory', 'tasks done', 'heartbeat', 'up',
               'state', ''].map((c) => h('th', {}, c)))),
            h('tbody', {}, list.workers.map((w, i) => h('tr', {
                'data-worker': w.id || String(i + 1),
            },
                h('td', {}, w.id || '#' + (i + 1)),
                h('td', {}, w.host || '–'),
                h('td', { className: 'langs' }, w.languages
                  ? languages(w.id, w.languages) : '–'),
                h('td', {}, (w.slots - w.free_slots) + ' / ' + w.slots),
                h('td', {}, w.load.toFixed(2) + ' on ' + w.cores),
                h('td', {}, w.cpu_percent + '%'),
                h('td', {}, kb(w.ram_used_kb) + ' / ' + kb(w.ram_kb)),
                h('td', {}, String(w.tasks_done)),
                h('td', {}, (w.heartbeat_age_ms / 1000).toFixed(1) + ' s ago'),
                h('td', {}, duration(now - w.connected_at)),
                h('td', {}, w.draining ? 'draining' : 'ready'),
                h('td', {}, isAdmin && !w.draining
                  ? drainButton(w.id, a) : null))))));
    }

    // A worker's languages: how many, their ids when opened (a
    // worker with every toolchain has dozens).
    function languages(id, list) {
        const d = h('details', { open: opened.has(id) },
            h('summary', {}, list.length + ' languages'),
            list.map((l) => l.id).join(' '));
        d.addEventListener('toggle', () => {
            if (d.open) {
                opened.add(id);
            } else {
                opened.delete(id);
            }
        });
        return d;
    }

    // Drain asks twice, on the page itself.
    function drainButton(id, a) {
        const label = () => (armed.has(id) ? 'Drain ' + id + '?' : 'Drain');
        const b = h('button', { className: 'danger' }, label());
        b.addEventListener('click', async () => {
            if (!armed.has(id)) {
                armed.add(id);
                b.textContent = label();
                return;
            }
            armed.delete(id);
            b.disabled = true;
            try {
                await request('POST', a.base + 'workers/' + safeId(id)
                              + '/drain', undefined, a.headers);
                message(drainMsg, 'Worker ' + id + ' is draining: it takes '
                        + 'no new work and leaves when done.', 'note');
            } catch (e) {
                message(drainMsg, e);
            }
            poll();
        });
        return b;
    }

    return {
        show() {
            poll();
        },
    };
}

// Whether a place for the admin API is on this page's origin.
function sameOrigin(base) {
    try {
        return new URL(base || 'admin/', location.href).origin
            === location.origin;
    } catch (e) {
        return false;
    }
}

function duration(s) {
    s = Math.max(0, Math.round(s));
    if (s < 120) {
        return s + ' s';
    }
    if (s < 7200) {
        return Math.round(s / 60) + ' min';
    }
    return Math.round(s / 3600) + ' h';
}
