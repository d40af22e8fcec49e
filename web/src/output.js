// A program's output as it arrives: stdout as text, stderr as text
// marked apart, both in one <pre> in the order they were written; at
// most KEEP characters of it (a program may print far more than a page
// can hold), then a note that the rest is not shown.

import { h, fill, KEEP, clip } from './dom.js';

export class Output {
    constructor(pre) {
        this.pre = pre;
        this.scroll = 0;
        this.clear();
    }

    clear() {
        fill(this.pre);
        this.attempt = null;
        // the offset of the last piece shown of each stream
        this.last = { stdout: -1, stderr: -1 };
        this.kept = 0;
        this.cut = false;
    }

    // An "output" event: a run started over on another worker (a new
    // attempt) starts the text over; a piece already shown (a stream
    // followed again) is not shown twice.  Offsets count the program's
    // bytes, which the text need not have as many of (a byte that is
    // not UTF-8 arrives as U+FFFD): pieces are told apart by where they
    // start, each after the one before.
    add(ev) {
        if (this.attempt !== null && ev.attempt !== this.attempt) {
            this.clear();
        }
        this.attempt = ev.attempt;
        const stream = ev.stream === 'stderr' ? 'stderr' : 'stdout';
        const offset = typeof ev.offset === 'number' ? ev.offset : 0;
        if (offset <= this.last[stream]) {
            return;
        }
        this.last[stream] = offset;
        this.append(stream, String(ev.data || ''));
    }

    append(stream, text) {
        if (!text || this.cut) {
            return;
        }
        const kept = clip(text, KEEP - this.kept);
        this.kept += kept.length;
        const last = this.pre.lastChild;
        if (last && last.dataset.stream === stream) {
            last.appendChild(document.createTextNode(kept));
        } else if (kept) {
            this.pre.appendChild(h('span', {
                className: stream, 'data-stream': stream,
            }, kept));
        }
        if (kept.length < text.length) {
            this.cut = true;
            this.pre.appendChild(h('span', { className: 'note',
                                             'data-cut': 'page' },
                '\n[the page shows the first ' + KEEP / 1048576
                + ' M characters of the output: the rest is left out]'));
        }
        this.follow();
    }

    // Keep the end in sight, once a frame however many pieces came.
    follow() {
        if (this.scroll) {
            return;
        }
        this.scroll = requestAnimationFrame(() => {
            this.scroll = 0;
            this.pre.scrollTop = this.pre.scrollHeight;
        });
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
