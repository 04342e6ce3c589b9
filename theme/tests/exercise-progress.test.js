// Saved exercises (theme/workbench.js) and their status on the progress
// page: node --test theme/tests/
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const core = require('../reader-core.js');
const { FakeStorage } = require('./fake-storage.js');

const STARTER = 'pub fn count() -> usize {\n    todo!()\n}\n';
const MINE = 'pub fn count() -> usize {\n    42\n}\n';

function saved(storage, id) {
    return JSON.parse(storage.getItem(core.EXERCISE_PREFIX + id));
}

test('nothing saved: not started, and the starter goes in the editor', () => {
    const storage = new FakeStorage();
    assert.equal(core.loadExercise(storage, 'counter'), null);
    assert.deepEqual(core.exerciseStatus(storage, 'counter'), { state: 'none' });
    assert.deepEqual(core.exerciseCode(null, STARTER), { code: null, stale: false });
});

test('edited code is saved with its starter and restored', () => {
    const storage = new FakeStorage();
    const state = Object.assign(core.newExercise(), { code: MINE });
    assert.equal(core.saveExercise(storage, 'counter', state, STARTER), true);
    const back = core.loadExercise(storage, 'counter');
    assert.equal(back.code, MINE);
    assert.equal(back.starter, core.hashText(STARTER));
    assert.deepEqual(core.exerciseCode(back, STARTER), { code: MINE, stale: false });
    assert.deepEqual(core.exerciseStatus(storage, 'counter'), { state: 'started', scenarios: null, edited: true, hints: 0 });
});

test('code written for another starter is never restored', () => {
    const storage = new FakeStorage();
    core.saveExercise(storage, 'counter', Object.assign(core.newExercise(), { code: MINE }), STARTER);
    const changed = STARTER.replace('usize', 'u64');
    assert.deepEqual(core.exerciseCode(core.loadExercise(storage, 'counter'), changed), { code: null, stale: true });
});

test('the starter itself, or blank code, is saved as no code', () => {
    const storage = new FakeStorage();
    for (const code of [STARTER, '   \n', null]) {
        core.saveExercise(storage, 'counter', Object.assign(core.newExercise(), { code: code }), STARTER);
        assert.equal(saved(storage, 'counter').code, null, JSON.stringify(code));
        assert.equal(saved(storage, 'counter').starter, null);
        assert.deepEqual(core.exerciseStatus(storage, 'counter'), { state: 'none' });
    }
});

test('hints, a check and a scenario pass make it started; solving keeps its date', () => {
    const storage = new FakeStorage();
    core.saveExercise(storage, 'bank', Object.assign(core.newExercise(), { hints: 2 }), STARTER);
    assert.equal(core.exerciseStatus(storage, 'bank').state, 'started');
    const when = '2026-12-02T10:00:00.000Z';
    core.saveExercise(storage, 'bank', Object.assign(core.newExercise(), { scenarios: when }), STARTER);
    assert.equal(core.exerciseStatus(storage, 'bank').scenarios, when);
    core.saveExercise(storage, 'bank', Object.assign(core.newExercise(), { solved: when, code: MINE }), STARTER);
    assert.deepEqual(core.exerciseStatus(storage, 'bank'), { state: 'solved', solved: when });
});

test('reset forgets the exercise; the summary counts', () => {
    const storage = new FakeStorage();
    core.saveExercise(storage, 'a', Object.assign(core.newExercise(), { solved: '2026-12-02T10:00:00.000Z' }), STARTER);
    core.saveExercise(storage, 'b', Object.assign(core.newExercise(), { code: MINE }), STARTER);
    storage.setItem(core.EXERCISE_PREFIX + 'c', '{oops');
    assert.deepEqual(core.exerciseSummary(storage, ['a', 'b', 'c', 'd']), { exercises: 4, solved: 1, started: 1, saved: 3 });
    assert.equal(core.resetExercise(storage, 'a'), true);
    assert.deepEqual(core.exerciseStatus(storage, 'a'), { state: 'none' });
});

test('malformed values are unreadable, not thrown, and never restored', () => {
    const bad = [
        '{oops',
        'null',
        '[]',
        JSON.stringify({ v: 2, starter: null, code: null, hints: 0, checked: null, scenarios: null, solved: null }),
        JSON.stringify({ v: 1, starter: null, code: 3, hints: 0, checked: null, scenarios: null, solved: null }),
        JSON.stringify({ v: 1, starter: null, code: null, hints: -1, checked: null, scenarios: null, solved: null }),
        JSON.stringify({ v: 1, starter: null, code: null, hints: 0, checked: 'yesterday', scenarios: null, solved: null }),
    ];
    for (const raw of bad) {
        const storage = new FakeStorage({ 'fearless-exercise:x': raw });
        assert.equal(core.loadExercise(storage, 'x'), null, raw);
        assert.deepEqual(core.exerciseStatus(storage, 'x'), { state: 'unreadable' }, raw);
    }
});

test('a full or blocked storage refuses quietly', () => {
    const full = new FakeStorage();
    full.quotaBytes = 10;
    assert.equal(core.saveExercise(full, 'counter', Object.assign(core.newExercise(), { code: MINE }), STARTER), false);
    const blocked = new FakeStorage();
    blocked.blocked = true;
    assert.equal(core.loadExercise(blocked, 'counter'), null);
    assert.deepEqual(core.exerciseStatus(blocked, 'counter'), { state: 'none' });
    assert.equal(core.resetExercise(blocked, 'counter'), false);
});
