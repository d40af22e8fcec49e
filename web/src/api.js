// Talking to the judge's API.  Every path is relative to the page, so
// the page works wherever it is served beside a judge_api location (at
// / as in the quickstart, or under a prefix such as /judge/).  The
// admin API is at "admin/" beside it unless the dashboard is told
// another place.

export class ApiError extends Error {
    constructor(status, code, message) {
        super(message);
        this.status = status;
        this.code = code;
    }
}

// Ask the API; the answer's JSON, or an ApiError with the judge's own
// code and message (or what went wrong on the way).
export async function request(method, path, body, headers = {}) {
    const init = { method, headers: { ...headers } };
    if (body !== undefined) {
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
    }
    let res;
    try {
        res = await fetch(path, init);
    } catch (e) {
        throw new ApiError(0, 'unreachable',
                           'the judge could not be reached: ' + e.message);
    }
    const text = await res.text();
    let json = null;
    try {
        json = text ? JSON.parse(text) : null;
    } catch (e) {
        json = null;
    }
    if (!res.ok) {
        const err = json && json.error;
        if (err && typeof err.message === 'string') {
            throw new ApiError(res.status, String(err.code || ''), err.message);
        }
        throw new ApiError(res.status, 'http_' + res.status,
                           'the judge answered ' + res.status + ' '
                           + res.statusText);
    }
    if (json === null && text) {
        throw new ApiError(res.status, 'not_json',
                           'the judge answered something that is not JSON');
    }
    return { json, res };
}

export async function get(path, headers) {
    return (await request('GET', path, undefined, headers)).json;
}

export async function post(path, body, headers) {
    return (await request('POST', path, body, headers)).json;
}

// The ids the API hands out go into paths: anything else is refused
// before it reaches a URL, "." and ".." too (a URL takes them as steps
// up its path).
export function safeId(id) {
    if (typeof id !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(id)
        || /^\.+$/.test(id)) {
        throw new ApiError(0, 'bad_id', 'not an id: ' + String(id));
    }
    return encodeURIComponent(id);
}

// How long a broken stream is tried again, in all, before giving up:
// the waits between tries double from one second up to ten.
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 10000;
const RETRY_FOR_MS = 120000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Follow a stream of Server-Sent Events.  handlers maps event names to
// functions of their parsed data; "end" names the event after which
// the stream is closed (the judge ends it then, and EventSource would
// otherwise connect again).  A stream that breaks before that event
// (the judge restarted, the network went away) is looked at again:
// settle() reads the thing followed and says whether it has ended
// (then it has shown it) or the stream is to be opened again (its
// pieces come again from the start).  While the judge cannot be
// reached, onNote() says so and the read is tried again, for a while;
// then, or when the judge answers an error (the thing is gone),
// onFail() is called with the error.  Returns a function that closes
// the stream and stops trying.
export function follow(path, handlers, end, { settle, onNote, onFail }) {
    let es = null;
    let closed = false;
    let wait = RETRY_FIRST_MS;
    let noted = false;
    const close = () => {
        closed = true;
        if (es) {
            es.close();
        }
    };

    function open() {
        es = new EventSource(path);
        for (const [name, fn] of Object.entries(handlers)) {
            es.addEventListener(name, (ev) => {
                if (closed) {
                    return;
                }
                let data;
                try {
                    data = JSON.parse(ev.data);
                } catch (e) {
                    return;
                }
                wait = RETRY_FIRST_MS;
                if (name === end) {
                    close();
                }
                fn(data);
            });
        }
        es.onerror = () => {
            if (!closed) {
                es.close();
                recover();
            }
        };
    }

    async function recover() {
        const until = Date.now() + RETRY_FOR_MS;
        for (;;) {
            let ended;
            try {
                ended = await settle();
            } catch (e) {
                if (closed) {
                    return;
                }
                if ((e.status === 0 || e.status >= 500)
                    && Date.now() + wait < until) {
                    noted = true;
                    onNote('The connection to the judge was lost: trying '
                           + 'again in ' + Math.round(wait / 1000) + ' s.');
                    await sleep(wait);
                    wait = Math.min(2 * wait, RETRY_MAX_MS);
                    if (closed) {
                        return;
                    }
                    continue;
                }
                closed = true;
                onFail(e);
                return;
            }
            if (closed) {
                return;
            }
            if (noted) {
                noted = false;
                onNote(null);
            }
            if (ended) {
                closed = true;
                return;
            }
            await sleep(wait);
            wait = Math.min(2 * wait, RETRY_MAX_MS);
            if (!closed) {
                open();
            }
            return;
        }
    }

    open();
    return close;
}
