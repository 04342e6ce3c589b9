// The exercise workbench's logic (theme/workbench-core.js): node --test theme/tests/
// `cargo xtask test` also checks it against the Rust side on real bundles
// and real compile errors (xtask/src/workbench/check.rs).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const wb = require('../workbench-core.js');

const fixtures = path.join(__dirname, '..', '..', 'xtask', 'src', 'exercises', 'fixtures');
const fixture = (name) => fs.readFileSync(path.join(fixtures, name), 'utf8');

const WORDS = {
    first: "Your code does not compile yet. rustc's first error:\n\n",
    unparsed: 'It does not compile; rustc said:\n\n',
    outside: "\nThe error is in the checker's code ({file}), which calls yours. Keep the signatures.\n",
    more: '\n({n} more error{s}; fix the first one first.)\n',
};

/** A bundle like bank's: 100 learner lines, the harness, then the checks from line 1281. */
function bankBundle() {
    let code = '// learner\n'.repeat(100);
    code += wb.LEARNER_MARKER + 'exercises/src/bank.rs\n';
    code += wb.FILE_MARKER + 'exercises/checks/harness.rs (internal)\n';
    code += '// harness\n'.repeat(1177);
    code += wb.FILE_MARKER + 'exercises/checks/bank.rs\n';
    return code;
}

test('raw strings survive hashes and quotes', () => {
    assert.equal(wb.rawString('a "# b'), 'r##"a "# b"##');
    assert.equal(wb.rawString('plain'), 'r#"plain"#');
    assert.equal(wb.rawString('"##"#'), 'r###""##"#"###');
});

test('the bundle is the learner file, the tail, then the file as a string', () => {
    assert.equal(wb.assemble('fn f() {}', '\n// tail\n'), 'fn f() {}\n\n// tail\nconst LEARNER_SOURCE: &str = r#"fn f() {}"#;\n');
    assert.equal(wb.assemble('x\n', ''), 'x\nconst LEARNER_SOURCE: &str = r#"x\n"#;\n');
});

test('bundle lines map back to the files they came from', () => {
    const map = wb.sourceMap(bankBundle());
    assert.equal(map.learnerFile, 'exercises/src/bank.rs');
    assert.deepEqual(map.locate(58), { file: 'exercises/src/bank.rs', line: 58 });
    assert.deepEqual(map.locate(103), { file: 'exercises/checks/harness.rs', line: 1 });
    assert.deepEqual(map.locate(1291), { file: 'exercises/checks/bank.rs', line: 11 });
    assert.equal(map.place('src/main.rs', 1291, 49), 'exercises/checks/bank.rs:11:49');
    assert.equal(map.place('/rustc/x/lib.rs', 3, 1), '/rustc/x/lib.rs:3:1');
    assert.equal(wb.sourceMap('fn main() {}\n').locate(1), null, 'code without markers maps to nothing');
});

test("a compile error in the learner's file is shown at the learner's line, alone", () => {
    const text = wb.compileErrors(fixture('rustc_learner_error.txt'), bankBundle(), WORDS);
    assert.ok(text.startsWith(WORDS.first), text);
    assert.ok(text.includes('--> exercises/src/bank.rs:58:20'), text);
    assert.ok(!text.includes('src/main.rs'), text);
    assert.ok(!text.includes('cannot subtract-assign'), 'only the first error: ' + text);
    assert.ok(text.endsWith('\n(3 more errors; fix the first one first.)\n'), text);
    assert.ok(!text.includes("checker's code"), text);
});

test("an error in the checker's code says which file and asks to keep the signatures", () => {
    const text = wb.compileErrors(fixture('rustc_checks_error.txt'), bankBundle(), WORDS);
    assert.ok(text.includes('--> exercises/checks/bank.rs:11:49'), text);
    assert.ok(text.includes('--> exercises/src/bank.rs:37:12'), text);
    assert.ok(text.includes("checker's code (exercises/checks/bank.rs), which calls yours"), text);
    assert.ok(!text.includes('more error'), text);
});

test("cargo's lines around rustc's output change nothing", () => {
    const rustc = fixture('rustc_checks_error.txt');
    const cargo =
        '   Compiling playground v0.0.1 (/playground)\n' +
        rustc.replace('error: aborting due to 1 previous error\n\n', '') +
        'warning: `playground` (bin "playground") generated 1 warning\n' +
        'error: could not compile `playground` (bin "playground") due to 1 previous error; 1 warning emitted\n';
    assert.equal(wb.compileErrors(cargo, bankBundle(), WORDS), wb.compileErrors(rustc, bankBundle(), WORDS));
});

test('output without an error line is shown whole', () => {
    assert.equal(wb.compileErrors('linker `cc` not found\n', bankBundle(), WORDS), WORDS.unparsed + '    linker `cc` not found');
});

const LABEL = 'exercises/src/bank.rs';

test("the public playground's answers are read: passed, failed, stopped, compile error, other", () => {
    const report = 'Checking ' + LABEL + ' with 5 scenarios on real threads:\n\n  a … ok\n\nAll 5 scenarios passed.\n';
    assert.deepEqual(wb.publicVerdict({ result: report, error: null }, LABEL, bankBundle(), WORDS), { state: 'passed', text: report });

    const failed = 'Checking ' + LABEL + ' with 5 scenarios on real threads:\n\n  a … FAILED\n\n✗ a\n  Not implemented yet\n\n1 of 5 scenarios failed.\n';
    const answer = { result: 'warning: unused\n' + failed, error: 'Exited with status 1' };
    assert.deepEqual(wb.publicVerdict(answer, LABEL, bankBundle(), WORDS), { state: 'failed', text: failed, stopped: false, running: null });

    const cut = 'Checking ' + LABEL + ' with 5 scenarios on real threads:\n\n  a … ';
    assert.deepEqual(wb.publicVerdict({ result: cut, error: 'timeout' }, LABEL, bankBundle(), WORDS), { state: 'failed', text: cut, stopped: true, running: 'a' });

    // Explained once, then stopped in the middle of the next check.
    const later = failed.replace('1 of 5 scenarios failed.\n', '  b … ');
    assert.deepEqual(wb.publicVerdict({ result: later, error: 'timeout' }, LABEL, bankBundle(), WORDS), { state: 'failed', text: later, stopped: true, running: 'b' });

    const compile = wb.publicVerdict({ result: fixture('rustc_checks_error.txt'), error: 'compile' }, LABEL, bankBundle(), WORDS);
    assert.equal(compile.state, 'compile');
    assert.ok(compile.text.includes('exercises/checks/bank.rs:11:49'), compile.text);

    assert.deepEqual(wb.publicVerdict({ result: 'Killed', error: 'oom' }, LABEL, bankBundle(), WORDS), { state: 'unknown', text: 'Killed' });
    assert.deepEqual(wb.publicVerdict({ result: 'hi', error: null }, LABEL, bankBundle(), WORDS), { state: 'unknown', text: 'hi' });
    assert.equal(wb.publicVerdict(null, LABEL, '', WORDS).state, 'unknown');
    assert.equal(wb.publicVerdict({ error: 'x' }, LABEL, '', WORDS).state, 'unknown');
});

test('the check a stopped program was running is named', () => {
    assert.equal(wb.runningCheck('  x … ok\n  y … '), 'y');
    assert.equal(wb.runningCheck('  x … ok\n'), null);
    assert.equal(wb.runningCheck(''), null);
    assert.equal(wb.runningCheck('half a line'), null);
});

test('the requests have the shapes the servers take', () => {
    assert.deepEqual(wb.evaluateRequest('fn main() {}'), { version: 'stable', optimize: '0', code: 'fn main() {}', edition: '2024', tests: false });
    assert.deepEqual(wb.localRequest('bank', 'x', 'models'), { id: 'bank', code: 'x', half: 'models' });
});

test("the local server's answers and refusals are read", () => {
    assert.deepEqual(wb.readLocalAnswer(200, { id: 'bank', half: 'scenarios', passed: true, text: 'ok', cached: false, millis: 900 }), {
        ok: true,
        passed: true,
        text: 'ok',
        millis: 900,
        cached: false,
    });
    assert.deepEqual(wb.readLocalAnswer(413, { result: 'too large', error: 'the request is too large (the limit is 256 KiB of code)' }), {
        ok: false,
        status: 413,
        text: 'the request is too large (the limit is 256 KiB of code)',
    });
    assert.equal(wb.readLocalAnswer(502, null).ok, false);
    assert.ok(wb.readLocalAnswer(502, null).text.includes('HTTP 502'));
});

test('only loopback http pages can have the local server', () => {
    assert.equal(wb.isLoopback({ protocol: 'http:', hostname: '127.0.0.1' }), true);
    assert.equal(wb.isLoopback({ protocol: 'http:', hostname: '[::1]' }), true);
    assert.equal(wb.isLoopback({ protocol: 'https:', hostname: 'fearless-locking.github.io' }), false);
    assert.equal(wb.isLoopback({ protocol: 'file:', hostname: '' }), false);
});
