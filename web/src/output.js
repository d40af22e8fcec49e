// A program's output as it arrives: stdout as text, stderr as text
// marked apart, both in one <pre> in the order they were written.

import { h, fill } from './dom.js';

export class Output {
    constructor(pre) {
        this.pre = pre;
        this.attempt = null;
        this.end = { stdout: 0, stderr: 0 };
    }

    clear() {
        fill(this.pre);
        this.attempt = null;
        this.end = { stdout: 0, stderr: 0 };
    }

    // An "output" event: a run started over on another worker (a new
    // attempt) starts the text over; a piece already shown (a stream
    // followed again) is not shown twice.
    add(ev) {
        if (this.attempt !== null && ev.attempt !== this.attempt) {
            this.clear();
        }
        this.attempt = ev.attempt;
        const stream = ev.stream === 'stderr' ? 'stderr' : 'stdout';
        if (typeof ev.offset === 'number' && ev.offset < this.end[stream]) {
            return;
        }
        const data = String(ev.data || '');
        this.end[stream] = (ev.offset || 0)
            + new TextEncoder().encode(data).length;
        this.append(stream, data);
    }

    append(stream, text) {
        if (!text) {
            return;
        }
        const last = this.pre.lastChild;
        if (last && last.dataset.stream === stream) {
            last.appendChild(document.createTextNode(text));
        } else {
            this.pre.appendChild(h('span', {
                className: stream, 'data-stream': stream,
            }, text));
        }
        this.pre.scrollTop = this.pre.scrollHeight;
    }

    // A finished run's whole output, in place of what was followed.
    whole(ex) {
        this.clear();
        this.append('stdout', ex.stdout);
        this.append('stderr', ex.stderr);
        if (ex.stdout_truncated || ex.stderr_truncated) {
            this.pre.appendChild(h('span', { className: 'note' },
                                   '\n[output cut at the judge\'s limit]'));
        }
    }
}
