// The local playground's fetch rewrite (head.hbs): node --test theme/tests/
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const core = require('../reader-core.js');

/** A reply as fetch resolves it: a status and headers. */
function reply(status, headers) {
    const lower = new Map(Object.entries(headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
    return { ok: status >= 200 && status < 300, status, headers: { get: (name) => lower.get(name.toLowerCase()) ?? null } };
}

const LOCAL = () => reply(200, { 'X-Fearless-Playground': '1', 'Content-Type': 'application/json' });

/**
 * A page's world: a fake fetch that records every call and answers with
 * `answer(url)` (a reply, or an Error to reject with, or a never-settling
 * promise), fake timers fired by hand, and the number of unreachable notes.
 */
function world(href, answer) {
    const calls = [];
    const timers = new Map();
    let nextTimer = 1;
    const env = {
        location: new URL(href),
        fetch(input, init) {
            const url = typeof input === 'string' ? input : input.url;
            calls.push({ url, init });
            const a = answer(url);
            if (a instanceof Error) return Promise.reject(a);
            return Promise.resolve(a);
        },
        setTimeout(f, ms) {
            timers.set(nextTimer, { f, ms });
            return nextTimer++;
        },
        clearTimeout(id) {
            timers.delete(id);
        },
        notes: 0,
        onUnreachable() {
            env.notes++;
        },
    };
    env.calls = calls;
    env.fireTimers = () => {
        for (const [id, t] of [...timers]) {
            timers.delete(id);
            t.f();
        }
    };
    env.pendingTimers = () => [...timers.values()].map((t) => t.ms);
    return env;
}

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('only plain http on a loopback host may have a local playground', () => {
    for (const href of ['http://127.0.0.1:3000/', 'http://localhost:8080/mutex/', 'http://[::1]:3000/x.html']) {
        assert.equal(core.mayHaveLocalPlayground(new URL(href)), true, href);
    }
    for (const href of [
        'https://127.0.0.1:3000/',
        'https://fearless-locking.github.io/course/',
        'http://example.com/',
        'http://127.0.0.2/',
        'http://localhost.example.com/',
        'file:///home/me/book/index.html',
    ]) {
        assert.equal(core.mayHaveLocalPlayground(new URL(href)), false, href);
    }
});

test('only requests to play.rust-lang.org are rewritten, to the same path', () => {
    assert.equal(core.localPlaygroundPath('https://play.rust-lang.org/execute'), '/execute');
    assert.equal(core.localPlaygroundPath('https://play.rust-lang.org/meta/crates'), '/meta/crates');
    assert.equal(core.localPlaygroundPath('https://play.rust-lang.org.evil.example/execute'), null);
    assert.equal(core.localPlaygroundPath('http://play.rust-lang.org/execute'), null);
    assert.equal(core.localPlaygroundPath('https://play.rust-lang.org'), null);
    assert.equal(core.localPlaygroundPath('/execute'), null);
    assert.equal(core.localPlaygroundPath('searchindex.json'), null);
});

test('the local playground counts only with an OK answer carrying its header', () => {
    assert.equal(core.isLocalPlaygroundReply(LOCAL()), true);
    assert.equal(core.isLocalPlaygroundReply(reply(200, {})), false, 'some other server on the port');
    assert.equal(core.isLocalPlaygroundReply(reply(200, { 'X-Fearless-Playground': '0' })), false);
    assert.equal(core.isLocalPlaygroundReply(reply(404, { 'X-Fearless-Playground': '1' })), false);
    assert.equal(core.isLocalPlaygroundReply(undefined), false);
});

test('the header is the one cargo xtask serve sends with /meta/crates', () => {
    // The other half of the contract, in the playground server's source.
    const server = fs.readFileSync(path.join(__dirname, '../../playground/src/server/mod.rs'), 'utf8');
    const sent = /headers_mut\(\)\s*\.insert\("([^"]+)",\s*HeaderValue::from_static\("1"\)\)/.exec(server);
    assert.ok(sent, 'playground/src/server/mod.rs no longer sets the header the page probes for');
    assert.equal(sent[1], core.LOCAL_PLAYGROUND_HEADER);
});

test('served by cargo xtask serve: snippets go to the same origin, with no note', async () => {
    const env = world('http://127.0.0.1:3000/mutex/guards.html', () => LOCAL());
    const fetch = core.playgroundFetch(env);
    assert.deepEqual(env.calls.map((c) => c.url), ['/meta/crates'], 'probed once, at install');

    const crates = await fetch('https://play.rust-lang.org/meta/crates', { method: 'POST' });
    assert.equal(crates.ok, true);
    const run = await fetch('https://play.rust-lang.org/execute', { method: 'POST', body: '{}' });
    assert.equal(run.ok, true);
    await settle();
    assert.deepEqual(env.calls.map((c) => c.url), ['/meta/crates', '/meta/crates', '/execute']);
    assert.deepEqual(env.calls[2].init, { method: 'POST', body: '{}', mode: 'same-origin' });
    assert.deepEqual(env.pendingTimers(), [], 'the 6 s watch is cleared by the answer');
    assert.equal(env.notes, 0);
});

test('other requests pass through untouched, before the probe answers', async () => {
    const env = world('http://127.0.0.1:3000/', (url) => (url === '/meta/crates' ? new Promise(() => {}) : reply(200)));
    const fetch = core.playgroundFetch(env);
    const init = { method: 'GET' };
    await fetch('searchindex.json', init);
    await fetch({ url: 'https://example.com/x' });
    assert.deepEqual(env.calls.slice(1).map((c) => c.url), ['searchindex.json', 'https://example.com/x']);
    assert.equal(env.calls[1].init, init, 'the same init object, not a copy');
});

test('a published page never probes and leaves play.rust-lang.org alone', async () => {
    const env = world('https://fearless-locking.github.io/course/mutex/guards.html', () => reply(200));
    const fetch = core.playgroundFetch(env);
    assert.deepEqual(env.calls, [], 'no probe off loopback');
    const init = { method: 'POST' };
    await fetch('https://play.rust-lang.org/execute', init);
    assert.deepEqual(env.calls, [{ url: 'https://play.rust-lang.org/execute', init }]);
});

test('loopback without our server (mdbook serve): requests go to play.rust-lang.org', async () => {
    const env = world('http://localhost:3000/', (url) => (url === '/meta/crates' ? reply(404) : reply(200)));
    const fetch = core.playgroundFetch(env);
    await fetch('https://play.rust-lang.org/meta/crates');
    await settle();
    assert.deepEqual(env.calls.map((c) => c.url), ['/meta/crates', 'https://play.rust-lang.org/meta/crates']);
    assert.equal(env.notes, 0, 'play.rust-lang.org answered');
});

test('the note is due once when the crate list fails, errs or hangs', async (t) => {
    await t.test('rejected (offline)', async () => {
        const env = world('https://fearless-locking.github.io/course/', () => new Error('offline'));
        const fetch = core.playgroundFetch(env);
        await assert.rejects(fetch('https://play.rust-lang.org/meta/crates'));
        await settle();
        assert.equal(env.notes, 1);
        assert.deepEqual(env.pendingTimers(), []);
    });
    await t.test('an error status', async () => {
        const env = world('https://fearless-locking.github.io/course/', () => reply(503));
        const fetch = core.playgroundFetch(env);
        await fetch('https://play.rust-lang.org/meta/crates');
        await settle();
        assert.equal(env.notes, 1);
    });
    await t.test('no answer within 6 s', async () => {
        const env = world('https://fearless-locking.github.io/course/', () => new Promise(() => {}));
        const fetch = core.playgroundFetch(env);
        fetch('https://play.rust-lang.org/meta/crates');
        await settle();
        assert.deepEqual(env.pendingTimers(), [core.PLAYGROUND_PROBE_MS]);
        assert.equal(core.PLAYGROUND_PROBE_MS, 6000, "book.js's own timeout");
        assert.equal(env.notes, 0, 'not before the time is up');
        env.fireTimers();
        assert.equal(env.notes, 1);
    });
    await t.test('twice on one page: one note', async () => {
        const env = world('https://fearless-locking.github.io/course/', () => reply(500));
        const fetch = core.playgroundFetch(env);
        await fetch('https://play.rust-lang.org/meta/crates');
        await fetch('https://play.rust-lang.org/meta/crates');
        await settle();
        assert.equal(env.notes, 1);
    });
    await t.test('a failed run is not a missing playground', async () => {
        const env = world('https://fearless-locking.github.io/course/', () => reply(500));
        const fetch = core.playgroundFetch(env);
        await fetch('https://play.rust-lang.org/execute', { method: 'POST' });
        await settle();
        assert.equal(env.notes, 0);
        assert.deepEqual(env.pendingTimers(), []);
    });
});
