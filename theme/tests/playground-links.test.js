// play.rust-lang.org links: node --test theme/tests/
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const core = require('../reader-core.js');

test('loom and dashmap are recognised however they are used', () => {
    assert.deepEqual(core.cratesMissingOnPlayground('extern crate loom;\nfn main() {}'), ['loom']);
    assert.deepEqual(core.cratesMissingOnPlayground('use loom::sync::Mutex;'), ['loom']);
    assert.deepEqual(core.cratesMissingOnPlayground('fn main() { loom::model(|| {}); }'), ['loom']);
    assert.deepEqual(core.cratesMissingOnPlayground('use dashmap::DashMap;\nextern crate loom;'), ['loom', 'dashmap']);
});

test('std, parking_lot and look-alike names run on the playground', () => {
    assert.deepEqual(core.cratesMissingOnPlayground('use std::sync::Mutex;\nuse parking_lot::Mutex as P;'), []);
    assert.deepEqual(core.cratesMissingOnPlayground('let bloom = 1; my_loom::x(); // no loom here'), []);
    assert.deepEqual(core.cratesMissingOnPlayground('use crate::loom::X;'), []);
});

test('the URL carries the whole code, encoded, and the edition', () => {
    const code = 'fn main() {\n    println!("a & b = {}", 1 + 1); // #\n}';
    const url = new URL(core.playgroundUrl(code, '2021'));
    assert.equal(url.origin, 'https://play.rust-lang.org');
    assert.equal(url.searchParams.get('version'), 'stable');
    assert.equal(url.searchParams.get('mode'), 'debug');
    assert.equal(url.searchParams.get('edition'), '2021');
    assert.equal(url.searchParams.get('code'), code);
    assert.equal(new URL(core.playgroundUrl(code)).searchParams.get('edition'), '2024');
});

test('a block edition class wins over the book default', () => {
    assert.equal(core.blockEdition(['language-rust', 'edition2021'], '2024'), '2021');
    assert.equal(core.blockEdition(['language-rust'], '2024'), '2024');
});

test('loom-only items of the examples (shims, models) do not count', () => {
    const shim = [
        '#[cfg(loom)]',
        'use loom::sync::{Arc, Mutex};',
        '#[cfg(not(loom))]',
        'use std::sync::{Arc, Mutex};',
        'pub fn main() { println!("{}", Arc::new(Mutex::new(1)).lock().unwrap()); }',
        '#[cfg(all(test, loom))]',
        'mod loom_model {',
        '    #[test]',
        '    fn model() { loom::model(|| { let x = { 1 }; assert_eq!(x, 1); }); }',
        '}',
        'fn after() {}',
    ].join('\n');
    assert.deepEqual(core.cratesMissingOnPlayground(shim), []);
    const stripped = core.withoutLoomOnlyItems(shim);
    assert.ok(stripped.includes('use std::sync::{Arc, Mutex};'));
    assert.ok(stripped.includes('fn after() {}'));
    assert.ok(!stripped.includes('loom::'));
    // A real loom program stays one.
    assert.deepEqual(core.cratesMissingOnPlayground('#[cfg(not(loom))]\nuse std::x;\nfn main() { loom::model(|| {}); }'), ['loom']);
});
