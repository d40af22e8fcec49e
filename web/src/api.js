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

// Follow a stream of Server-Sent Events.  handlers maps event names to
// functions of their parsed data; "end" names the event after which
// the stream is closed (the judge ends it then, and EventSource would
// otherwise connect again).  onBroken is called once if the stream
// breaks before that event.  Returns a function that closes it.
export function follow(path, handlers, end, onBroken) {
    const es = new EventSource(path);
    let closed = false;
    const close = () => {
        closed = true;
        es.close();
    };
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
            if (name === end) {
                close();
            }
            fn(data);
        });
    }
    es.onerror = () => {
        if (!closed) {
            close();
            onBroken();
        }
    };
    return close;
}
