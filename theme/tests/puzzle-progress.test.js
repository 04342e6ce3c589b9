// Saved scheduler puzzles (theme/puzzles.js) and their progress: node --test theme/tests/
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const core = require('../reader-core.js');
const { FakeStorage } = require('./fake-storage.js');

const state = (fields = {}) =>
    Object.assign({ level: 'abc', steps: [[0, 'op'], [1, 'line']], expanded: ['0:1'], solved: null }, fields);

test('a saved puzzle loads back as it was saved', () => {
    const storage = new FakeStorage();
    assert.equal(core.savePuzzle(storage, 'mistakes-deadlocks-1', state({ solved: 'proved', interleavings: 6 })), true);
    assert.deepEqual(core.loadPuzzle(storage, 'mistakes-deadlocks-1'), {
        level: 'abc',
        steps: [[0, 'op'], [1, 'line']],
        expanded: ['0:1'],
        solved: 'proved',
        interleavings: 6,
    });
    assert.ok(storage.getItem('fearless-puzzle:mistakes-deadlocks-1'));
});

test('malformed saved puzzles load as nothing and show as unreadable', () => {
    const bad = [
        '{oops',
        'null',
        '[]',
        JSON.stringify({ v: 2, level: 'a', steps: [], expanded: [], solved: null }),
        JSON.stringify({ v: 1, level: 'a', steps: [[0, 'jump']], expanded: [], solved: null }),
        JSON.stringify({ v: 1, level: 'a', steps: [[-1, 'op']], expanded: [], solved: null }),
        JSON.stringify({ v: 1, level: 'a', steps: [], expanded: [3], solved: null }),
        JSON.stringify({ v: 1, level: 'a', steps: [], expanded: [], solved: 'cheated' }),
    ];
    for (const raw of bad) {
        const storage = new FakeStorage({ 'fearless-puzzle:p-1': raw });
        assert.equal(core.loadPuzzle(storage, 'p-1'), null, raw);
        assert.deepEqual(core.puzzleStatus(storage, 'p-1'), { state: 'unreadable' }, raw);
    }
});

test('status: none, started, solved', () => {
    const storage = new FakeStorage();
    assert.deepEqual(core.puzzleStatus(storage, 'p-1'), { state: 'none' });
    core.savePuzzle(storage, 'p-1', state({ steps: [] }));
    assert.deepEqual(core.puzzleStatus(storage, 'p-1'), { state: 'none' });
    core.savePuzzle(storage, 'p-1', state());
    assert.deepEqual(core.puzzleStatus(storage, 'p-1'), { state: 'started', steps: 2 });
    core.savePuzzle(storage, 'p-1', state({ solved: 'broke', steps: [] }));
    assert.deepEqual(core.puzzleStatus(storage, 'p-1'), { state: 'solved', how: 'broke', interleavings: null });
});

test('reset forgets exactly one puzzle; the summary counts', () => {
    const storage = new FakeStorage({ 'mdbook-quiz:q': '{}' });
    core.savePuzzle(storage, 'p-1', state({ solved: 'broke' }));
    core.savePuzzle(storage, 'p-2', state());
    core.savePuzzle(storage, 'p-3', state({ solved: 'proved', interleavings: 2 }));
    assert.deepEqual(core.puzzleSummary(storage, ['p-1', 'p-2', 'p-3', 'p-4']), { puzzles: 4, solved: 2, started: 1, saved: 3 });
    assert.equal(core.resetPuzzle(storage, 'p-1'), true);
    assert.deepEqual(core.puzzleStatus(storage, 'p-1'), { state: 'none' });
    assert.equal(core.puzzleStatus(storage, 'p-2').state, 'started');
    assert.equal(storage.getItem('mdbook-quiz:q'), '{}');
});

test('blocked or full storage: the puzzle plays on, nothing throws', () => {
    const blocked = new FakeStorage();
    blocked.blocked = true;
    assert.equal(core.savePuzzle(blocked, 'p-1', state()), false);
    assert.equal(core.loadPuzzle(blocked, 'p-1'), null);
    assert.deepEqual(core.puzzleStatus(blocked, 'p-1'), { state: 'none' });
    const full = new FakeStorage();
    full.quotaBytes = 10;
    assert.equal(core.savePuzzle(full, 'p-1', state()), false);
    assert.equal(core.loadPuzzle(null, 'p-1'), null);
});
