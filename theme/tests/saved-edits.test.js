// Saved edits: node --test theme/tests/
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const core = require('../reader-core.js');
const { FakeStorage } = require('./fake-storage.js');

const PAGE = 'mutex/guards.html';
const A = 'fn main() {\n    println!("a");\n}';
const B = 'fn main() {\n    println!("b");\n}';

test('an edit is saved and restored for the same block', () => {
    const storage = new FakeStorage();
    const [key] = core.editKeys(PAGE, [A]);
    assert.equal(core.saveEdit(storage, key, A, A + '\n// mine'), true);
    assert.equal(core.loadEdit(storage, key, A), A + '\n// mine');
});

test('keys follow the original text, not the position: reordering keeps each edit with its block', () => {
    const storage = new FakeStorage();
    const [keyA, keyB] = core.editKeys(PAGE, [A, B]);
    core.saveEdit(storage, keyA, A, 'edited a');
    core.saveEdit(storage, keyB, B, 'edited b');
    // The author swaps the two blocks.
    const [keyB2, keyA2] = core.editKeys(PAGE, [B, A]);
    assert.equal(core.loadEdit(storage, keyA2, A), 'edited a');
    assert.equal(core.loadEdit(storage, keyB2, B), 'edited b');
});

test('identical blocks on one page get distinct keys', () => {
    const keys = core.editKeys(PAGE, [A, A, B]);
    assert.equal(new Set(keys).size, 3);
});

test('the same block on another page has another key', () => {
    assert.notEqual(core.editKeys(PAGE, [A])[0], core.editKeys('mutex/poisoning.html', [A])[0]);
});

test('a stale key is not restored when the original code changed', () => {
    const storage = new FakeStorage();
    const [oldKey] = core.editKeys(PAGE, [A]);
    core.saveEdit(storage, oldKey, A, 'edited a');
    // The author changes the block: new original text, new key, nothing restored.
    const changed = A.replace('"a"', '"A"');
    const [newKey] = core.editKeys(PAGE, [changed]);
    assert.notEqual(newKey, oldKey);
    assert.equal(core.loadEdit(storage, newKey, changed), null);
    // Even a value stored under the right key but for another original is refused.
    storage.setItem(newKey, storage.getItem(oldKey));
    assert.equal(core.loadEdit(storage, newKey, changed), null);
    // And pruning the page removes the orphan.
    assert.deepEqual(core.pruneEdits(storage, PAGE, [newKey]), [oldKey]);
    assert.equal(storage.getItem(oldKey), null);
});

test('pruning keeps current edits and other pages', () => {
    const storage = new FakeStorage();
    const [keyA] = core.editKeys(PAGE, [A]);
    const [other] = core.editKeys('mutex/guards-2.html', [B]);
    core.saveEdit(storage, keyA, A, 'edited a');
    core.saveEdit(storage, other, B, 'edited b');
    storage.setItem('mdbook-theme', 'navy');
    assert.deepEqual(core.pruneEdits(storage, PAGE, [keyA]), []);
    assert.equal(storage.map.size, 3);
});

test('an empty or blank stored value never replaces the code', () => {
    const storage = new FakeStorage();
    const [key] = core.editKeys(PAGE, [A]);
    for (const code of ['', '   \n\t']) {
        storage.setItem(key, JSON.stringify({ v: 1, original: core.hashText(A), code }));
        assert.equal(core.loadEdit(storage, key, A), null, JSON.stringify(code));
    }
    storage.setItem(key, '');
    assert.equal(core.loadEdit(storage, key, A), null);
});

test('saving blank code or the original removes the entry instead', () => {
    const storage = new FakeStorage();
    const [key] = core.editKeys(PAGE, [A]);
    core.saveEdit(storage, key, A, 'edited');
    core.saveEdit(storage, key, A, '');
    assert.equal(storage.getItem(key), null);
    core.saveEdit(storage, key, A, 'edited');
    core.saveEdit(storage, key, A, A);
    assert.equal(storage.getItem(key), null);
});

test('a malformed stored value is ignored', () => {
    const storage = new FakeStorage();
    const [key] = core.editKeys(PAGE, [A]);
    const malformed = [
        '{not json',
        'null',
        '42',
        '"just a string"',
        '[]',
        JSON.stringify({ v: 1, original: core.hashText(A) }),
        JSON.stringify({ v: 1, original: core.hashText(A), code: 42 }),
        JSON.stringify({ v: 2, original: core.hashText(A), code: 'future format' }),
        JSON.stringify({ original: core.hashText(A), code: 'no version' }),
    ];
    for (const raw of malformed) {
        storage.setItem(key, raw);
        assert.equal(core.loadEdit(storage, key, A), null, raw);
    }
});

test('quota exceeded: saving reports false, nothing is corrupted, loading still works', () => {
    const storage = new FakeStorage();
    const [keyA, keyB] = core.editKeys(PAGE, [A, B]);
    core.saveEdit(storage, keyA, A, 'edited a');
    storage.quotaBytes = 200;
    assert.equal(core.saveEdit(storage, keyB, B, 'x'.repeat(1000)), false);
    assert.equal(storage.getItem(keyB), null);
    assert.equal(core.loadEdit(storage, keyA, A), 'edited a');
});

test('blocked storage (SecurityError on every call) degrades to no saved edits', () => {
    const storage = new FakeStorage();
    const [key] = core.editKeys(PAGE, [A]);
    core.saveEdit(storage, key, A, 'edited');
    storage.blocked = true;
    assert.equal(core.loadEdit(storage, key, A), null);
    assert.equal(core.saveEdit(storage, key, A, 'more'), false);
    assert.equal(core.clearEdit(storage, key), false);
    assert.deepEqual(core.pruneEdits(storage, PAGE, []), []);
    // No storage at all (window.localStorage threw): the same.
    assert.equal(core.loadEdit(null, key, A), null);
    assert.equal(core.saveEdit(null, key, A, 'more'), false);
});

test('browserStorage returns null when touching localStorage throws', () => {
    const win = {};
    Object.defineProperty(win, 'localStorage', {
        get() {
            const err = new Error('denied');
            err.name = 'SecurityError';
            throw err;
        },
    });
    assert.equal(core.browserStorage(win), null);
    const full = new FakeStorage();
    full.quotaBytes = 0;
    assert.equal(core.browserStorage({ localStorage: full }), null);
    const fine = new FakeStorage();
    assert.equal(core.browserStorage({ localStorage: fine }), fine);
    assert.equal(fine.map.size, 0);
});

test('pagePath is the same on the published site and locally', () => {
    assert.equal(core.pagePath('/course/mutex/guards.html', '/course/'), 'mutex/guards.html');
    assert.equal(core.pagePath('/mutex/guards.html', '/'), 'mutex/guards.html');
    assert.equal(core.pagePath('/course/', '/course/'), 'index.html');
    assert.equal(core.pagePath('/', '/'), 'index.html');
});

test('hashText tells near-identical texts apart and is stable', () => {
    assert.equal(core.hashText(A), core.hashText(String(A)));
    assert.notEqual(core.hashText(A), core.hashText(A + ' '));
    assert.match(core.hashText(''), /^[0-9a-f]+$/);
});
