// The scheduler puzzles' engine: node --test theme/tests/
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const S = require('../scheduler.js');

/** A level with defaults filled in. */
function level(fields) {
    return Object.assign({ id: 'test-1', safe: true }, fields);
}

/** Two threads doing a split load / store increment (the lost update). */
const SPLIT = level({
    safe: false,
    failure: 'lost an update',
    shared: { counter: 0 },
    threads: [
        {
            name: 'a',
            lines: [
                { code: 'let value = counter.load(SeqCst);', ops: ['load value = counter'] },
                { code: 'counter.store(value + 1, SeqCst);', ops: ['store counter = value + 1'] },
            ],
        },
        { name: 'b', like: 'a' },
    ],
    finally: [{ code: 'assert_eq!(counter, 2)', check: 'counter == 2', message: 'lost an update' }],
});

/** The same increment as one line under a mutex: lock, load, store, unlock. */
const LOCKED = level({
    shared: { counter: 0 },
    mutexes: ['counter'],
    threads: [
        {
            name: 'a',
            lines: [
                {
                    code: '*counter.lock().unwrap() += 1;',
                    ops: ['lock counter', 'load v = counter', 'store counter = v + 1', 'unlock counter'],
                },
            ],
        },
        { name: 'b', like: 'a' },
    ],
    finally: [{ check: 'counter == 2', message: 'lost an update' }],
});

/** Opposite transfers: a locks alice then bob, b locks bob then alice. */
const TRANSFERS = level({
    safe: false,
    failure: 'deadlock',
    shared: { alice: 100, bob: 100 },
    mutexes: ['alice', 'bob'],
    threads: [
        {
            name: 'a',
            bind: { from: 'alice', to: 'bob' },
            locals: { amount: 10 },
            lines: [
                { code: 'let mut f = from.lock().unwrap();', ops: ['lock from'] },
                { code: 'let mut t = to.lock().unwrap();', ops: ['lock to'] },
                { code: '*f -= amount;', ops: ['load x = from', 'store from = x - amount'] },
                { code: '*t += amount;', ops: ['load y = to', 'store to = y + amount'] },
                { code: '}', ops: ['unlock to', 'unlock from'] },
            ],
        },
        { name: 'b', like: 'a', bind: { from: 'bob', to: 'alice' }, locals: { amount: 3 } },
    ],
    finally: [{ check: 'alice + bob == 200', message: 'money vanished' }],
});

function run(levelData, steps) {
    const program = S.compile(levelData);
    return { program, ...S.replay(program, steps) };
}

// ------------------------------------------------------------ expressions

test('expressions: precedence, ternary, len, none', () => {
    const ev = (text, env = {}) => S.evalExpr(S.parseExpr(text, 'here'), env, 'here');
    assert.equal(ev('1 + 2 * 3'), 7);
    assert.equal(ev('(1 + 2) * 3'), 9);
    assert.equal(ev('1 + 1 == 2 && !false'), true);
    assert.equal(ev('x - 1 > 0 || y', { x: 1, y: false }), false);
    assert.equal(ev('found == none ? value : found', { found: null, value: 4 }), 4);
    assert.equal(ev('found == none ? value : found', { found: 7, value: 4 }), 7);
    assert.equal(ev('len(q) == 0', { q: [] }), true);
    assert.equal(ev('-amount', { amount: 3 }), -3);
    assert.equal(S.exprText(S.parseExpr('a + b * 2 == c', 'x')), '(a + (b * 2)) == c');
});

test('expressions: a mistake names the place', () => {
    assert.throws(() => S.parseExpr('1 +', 'puzzle p, line 2'), /puzzle p, line 2: unexpected end/);
    assert.throws(() => S.parseExpr('a $ b', 'here'), /cannot read the expression/);
    assert.throws(() => S.parseExpr('(a', 'here'), /missing `\)`/);
    assert.throws(() => S.evalExpr(S.parseExpr('zz', 'w'), {}, 'w'), /`zz` has no value yet/);
});

// -------------------------------------------------------------------- ops

test('ops: every form parses, with an optional label', () => {
    const kinds = [
        'lock m', 'unlock m', 'read m', 'write m', 'load x = s', 'store s = x + 1', 'add s 1', 'push s x',
        'pop_front x = s', 'pop_back x = s', 'let x = 1', 'assert x > 0 else "empty"', 'if x goto l',
        'goto l', 'wait cv m', 'notify_one cv', 'notify_all cv', 'return x', 'end',
    ].map((t) => S.parseOp(t, 'w').kind);
    assert.deepEqual(kinds, [
        'lock', 'unlock', 'read', 'write', 'load', 'store', 'add', 'push', 'pop_front', 'pop_back', 'let',
        'assert', 'if', 'goto', 'wait', 'notify_one', 'notify_all', 'return', 'end',
    ]);
    const op = S.parseOp('top: lock queue', 'w');
    assert.equal(op.label, 'top');
    assert.equal(op.lock, 'queue');
    assert.equal(S.parseOp('assert n > 0 else "popped: empty"', 'w').message, 'popped: empty');
    assert.throws(() => S.parseOp('frobnicate m', 'puzzle x, thread a, line 1'), /puzzle x, thread a, line 1: unknown op `frobnicate m`/);
});

// ------------------------------------------------------------------ compile

test('compile: bad levels are refused with the place named', () => {
    const bad = (fields, pattern) => assert.throws(() => S.compile(level(fields)), pattern);
    const one = (ops, extra = {}) =>
        Object.assign({ shared: { s: 0 }, mutexes: ['m'], threads: [{ name: 'a', lines: [{ code: 'x', ops }] }] }, extra);
    bad(one(['lock nope']), /thread a, line 1 \(`lock nope`\): `nope` is not a declared mutex or rwlock/);
    bad(one(['goto nowhere']), /no op is labelled `nowhere`/);
    bad(one(['store s = y']), /`y` is not a local of this thread/);
    bad(one(['let y = s']), /`s` is not a local of this thread \(load shared values first\)/);
    bad(one(['read m']), /`m` is a Mutex: use lock/);
    bad(one(['load s = s']), /the local `s` has the name of a shared value/);
    bad(one(['wait cv m']), /`cv` is not a declared condvar/);
    bad({ threads: [] }, /has no threads/);
    bad(
        { threads: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, lines: [{ code: 'x', ops: ['end'] }] })) },
        /5 threads; loom models at most 4/
    );
    bad(one(['end'], { safe: false }), /names the `failure` that wins/);
    bad(one(['end'], { failure: 'deadlock' }), /a safe level has no `failure`/);
    bad(one(['end'], { finally: [{ check: 'nope == 1', message: 'm' }] }), /`nope` is neither a shared value nor a thread/);
    bad({ threads: [{ name: 'a', lines: [{ code: 'x', ops: ['end'] }] }, { name: 'b', like: 'zz' }] }, /`like` `zz`/);
    bad({ threads: [{ name: 'a', bind: { from: 'nope' }, lines: [{ code: 'x', ops: ['end'] }] }] }, /bind `from` = `nope`/);
    bad({ threads: [{ name: 'a', lines: [{ code: 'x', ops: [] }] }] }, /does nothing/);
});

test('compile: like and bind share one body between threads', () => {
    const program = S.compile(TRANSFERS);
    assert.deepEqual(program.threads[0].ops.slice(0, 2).map((o) => o.lock), ['alice', 'bob']);
    assert.deepEqual(program.threads[1].ops.slice(0, 2).map((o) => o.lock), ['bob', 'alice']);
    assert.equal(program.threads[1].lines[0].code, 'let mut f = from.lock().unwrap();');
    assert.deepEqual(program.threads[1].locals, { amount: 3 });
});

// ------------------------------------------------------------------ stepping

test('the lost update: both load 0, both store 1, and the final check fails', () => {
    const { program, state, log } = run(SPLIT, [[0, 'op'], [1, 'op'], [0, 'op'], [1, 'op']]);
    assert.equal(state.shared.counter, 1);
    const end = S.outcome(program, state);
    assert.equal(end.kind, 'check');
    assert.equal(end.message, 'lost an update');
    assert.match(end.text, /the check `assert_eq!\(counter, 2\)` failed/);
    assert.deepEqual(log[0], ['a loads `counter` (0) into value']);
    assert.deepEqual(log[3], ['b stores 1 into `counter`']);
});

test('one thread after the other: no update lost', () => {
    const { program, state } = run(SPLIT, [[0, 'line'], [0, 'line'], [1, 'line'], [1, 'line']]);
    assert.deepEqual(S.outcome(program, state), { kind: 'done', message: null, text: 'Every thread finished and every check passed.' });
});

test('a collapsed line runs all its ops; an expanded one, one op', () => {
    const program = S.compile(LOCKED);
    const line = S.stepLine(program, S.initial(program), 0);
    assert.equal(line.texts.length, 4);
    assert.equal(line.state.shared.counter, 1);
    assert.equal(line.state.threads[0].status, 'done');
    const op = S.stepOp(program, S.initial(program), 0);
    assert.equal(op.state.locks.counter.owner, 0);
    assert.equal(S.currentLine(program, op.state, 0), 0);
});

test('a blocked thread says what it waits for, and cannot step', () => {
    const program = S.compile(LOCKED);
    const { state } = S.replay(program, [[0, 'op']]);
    assert.equal(S.blockedReason(program, state, 1), 'waits for `counter`, held by a');
    assert.equal(S.canStep(program, state, 1), false);
    assert.throws(() => S.stepOp(program, state, 1), /cannot step: it waits for `counter`, held by a/);
    assert.throws(() => S.replay(program, [[0, 'op'], [1, 'op']]), /cannot step there/);
});

test('AB-BA: each holds one lock and waits for the other', () => {
    const { program, state } = run(TRANSFERS, [[0, 'line'], [1, 'line']]);
    assert.equal(S.blockedReason(program, state, 0), 'waits for `bob`, held by b');
    assert.equal(S.blockedReason(program, state, 1), 'waits for `alice`, held by a');
    const end = S.outcome(program, state);
    assert.equal(end.kind, 'deadlock');
    assert.equal(end.message, 'deadlock');
    assert.match(end.text, /a waits for `bob`, held by b; b waits for `alice`, held by a/);
});

test('locking a mutex you hold waits for yourself', () => {
    const program = S.compile(
        level({ safe: false, failure: 'deadlock', mutexes: ['m'], threads: [{ name: 'a', lines: [{ code: 'x', ops: ['lock m', 'lock m', 'unlock m'] }] }] })
    );
    const { state } = S.replay(program, [[0, 'op']]);
    assert.equal(S.blockedReason(program, state, 0), 'waits for `m`, held by a itself');
    assert.equal(S.outcome(program, state).kind, 'deadlock');
});

test('a thread may not end holding a lock (a mistake in the level)', () => {
    const program = S.compile(level({ mutexes: ['m'], threads: [{ name: 'a', lines: [{ code: 'x', ops: ['lock m'] }] }] }));
    assert.throws(() => S.stepOp(program, S.initial(program), 0), /ends holding `m`: unlock it first/);
});

test('rwlock: readers share, a writer waits for every reader, itself included', () => {
    const program = S.compile(
        level({
            safe: false,
            failure: 'deadlock',
            shared: { entry: null },
            rwlocks: ['cache'],
            threads: [
                { name: 'a', lines: [{ code: 'match cache.read()', ops: ['read cache'] }, { code: 'cache.write()', ops: ['write cache', 'unlock cache', 'unlock cache'] }] },
                { name: 'b', lines: [{ code: 'cache.read()', ops: ['read cache', 'unlock cache'] }] },
            ],
        })
    );
    let { state } = S.replay(program, [[0, 'op'], [1, 'op']]);
    assert.deepEqual(state.locks.cache.readers, [0, 1]);
    assert.equal(S.blockedReason(program, state, 0), 'waits to write `cache`: read-locked by a itself and b');
    state = S.stepOp(program, state, 1).state;
    assert.equal(S.blockedReason(program, state, 0), 'waits to write `cache`: read-locked by a itself');
    assert.equal(S.outcome(program, state).kind, 'deadlock');
});

/** A consumer that waits under `if` (or `while`), and a producer. */
function condvarLevel(loop) {
    return level({
        safe: false,
        failure: 'empty',
        shared: { items: [] },
        mutexes: ['items'],
        condvars: ['ready'],
        threads: [
            {
                name: 'c',
                lines: [
                    { code: 'lock', ops: ['lock items'] },
                    { code: 'if/while empty', ops: ['top: load q = items', 'if len(q) > 0 goto take'] },
                    { code: 'wait', ops: ['wait ready items'] },
                    { code: '}', ops: loop ? ['goto top'] : [] },
                    { code: 'pop', ops: ['take: pop_front job = items', 'assert job != none else "empty"', 'unlock items', 'return job'] },
                ],
            },
            { name: 'p', lines: [{ code: 'push', ops: ['lock items', 'push items 7', 'unlock items'] }, { code: 'notify', ops: ['notify_one ready'] }] },
        ],
    });
}

test('condvar: wait unlocks and sleeps; notify wakes; the woken thread re-locks in a step of its own', () => {
    const program = S.compile(condvarLevel(false));
    let { state } = S.replay(program, [[0, 'line'], [0, 'line'], [0, 'op']]);
    assert.equal(state.locks.items.owner, null);
    assert.deepEqual(state.waiters.ready, [0]);
    assert.equal(S.blockedReason(program, state, 0), 'sleeps on `ready` until another thread notifies it');
    state = S.stepLine(program, state, 1).state; // p pushes 7
    state = S.stepOp(program, state, 1).state; // p notifies
    assert.equal(state.threads[0].status, 'woken');
    assert.deepEqual(state.waiters.ready, []);
    const woke = S.stepOp(program, state, 0);
    assert.equal(woke.text, 'c wakes up and re-locks `items`');
    assert.equal(woke.state.locks.items.owner, 0);
});

test('condvar: a notification with nobody waiting is lost', () => {
    const program = S.compile(condvarLevel(false));
    const { log } = S.replay(program, [[1, 'line'], [1, 'op']]);
    assert.deepEqual(log[1], ['p notifies `ready`: nobody is waiting, so the notification is lost']);
});

test('a failed assert panics, releases the guards and ends the run', () => {
    const program = S.compile(
        level({
            safe: false,
            failure: 'empty',
            shared: { items: [] },
            mutexes: ['items'],
            threads: [{ name: 'c', lines: [{ code: 'pop', ops: ['lock items', 'pop_front j = items', 'assert j != none else "empty"', 'unlock items'] }] }],
        })
    );
    const { state } = S.replay(program, [[0, 'line']]);
    const end = S.outcome(program, state);
    assert.equal(end.kind, 'panic');
    assert.equal(end.message, 'empty');
    assert.equal(state.locks.items.owner, null);
    assert.equal(S.blockedReason(program, state, 0), 'the program has stopped');
});

test('threads return values that the final checks can read', () => {
    const program = S.compile(
        level({
            threads: [
                { name: 'a', locals: { v: 1 }, lines: [{ code: 'v', ops: ['return v'] }] },
                { name: 'b', locals: { v: 2 }, lines: [{ code: 'v', ops: ['return v'] }] },
            ],
            finally: [{ check: 'a == b', message: 'callers disagree' }],
        })
    );
    const { state } = S.replay(program, [[0, 'op'], [1, 'op']]);
    assert.equal(S.outcome(program, state).message, 'callers disagree');
});

test('replay refuses malformed or impossible schedules', () => {
    const program = S.compile(SPLIT);
    assert.throws(() => S.replay(program, [[5, 'op']]), /not a step/);
    assert.throws(() => S.replay(program, ['x']), /not a step/);
    const full = [[0, 'op'], [0, 'op'], [1, 'op'], [1, 'op']];
    assert.throws(() => S.replay(program, full.concat([[0, 'op']])), /a step after the end/);
});

// ---------------------------------------------------------------- explore

test('explore: the split increment has 6 interleavings, 4 of which lose an update', () => {
    const result = S.explore(S.compile(SPLIT));
    assert.equal(result.interleavings, 6);
    assert.equal(result.failing, 4);
    assert.deepEqual(S.failureMessages(result), ['lost an update']);
    // The example schedule really fails.
    const program = S.compile(SPLIT);
    const example = result.outcomes['lost an update'].example.map((t) => [t, 'op']);
    assert.equal(S.outcome(program, S.replay(program, example).state).message, 'lost an update');
});

test('explore: the locked increment cannot fail', () => {
    const result = S.explore(S.compile(LOCKED));
    assert.equal(result.failing, 0);
    assert.deepEqual(S.failureMessages(result), []);
    assert.equal(result.interleavings, 2);
});

test('explore: the opposite transfers can deadlock, and only deadlock', () => {
    const result = S.explore(S.compile(TRANSFERS));
    assert.deepEqual(S.failureMessages(result), ['deadlock']);
    assert.ok(result.failing > 0 && result.failing < result.interleavings);
});

test('explore: a wait under `if` can wake to an empty queue; under `while` it cannot', () => {
    const twoConsumers = (loop) => {
        const l = condvarLevel(loop);
        l.threads = [l.threads[0], { name: 'd', like: 'c' }, { name: 'p', lines: [
            { code: 'for', ops: ['let job = 1'] },
            { code: 'push', ops: ['top: lock items', 'push items job', 'unlock items'] },
            { code: 'notify', ops: ['notify_one ready'] },
            { code: '}', ops: ['let job = job + 1', 'if job <= 2 goto top'] },
        ] }];
        return l;
    };
    assert.deepEqual(S.failureMessages(S.explore(S.compile(twoConsumers(false)))), ['empty']);
    assert.deepEqual(S.failureMessages(S.explore(S.compile(twoConsumers(true)))), []);
});

test('explore: a level that can loop forever is refused', () => {
    const program = S.compile(
        level({ shared: { flag: false }, threads: [{ name: 'a', lines: [{ code: 'while !flag {}', ops: ['top: load f = flag', 'if !f goto top'] }] }] })
    );
    assert.throws(() => S.explore(program), /can loop forever/);
});

test('explore: a level beyond the state budget is refused', () => {
    assert.throws(() => S.explore(S.compile(TRANSFERS), { maxStates: 5 }), /more than 5 states/);
});
