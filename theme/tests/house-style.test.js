// The scripts' house rules (STYLE.md, "JavaScript"), checked instead of
// formatted: node --test theme/tests/
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const THEME = path.join(__dirname, '..');

/** Every script we write: theme/*.js, theme/tests/*.js and head.hbs's inline script. */
function scripts() {
    const files = [];
    for (const dir of [THEME, __dirname]) {
        for (const name of fs.readdirSync(dir).sort()) {
            if (name.endsWith('.js')) files.push(path.join(dir, name));
        }
    }
    const head = fs.readFileSync(path.join(THEME, 'head.hbs'), 'utf8');
    const inline = /<script>\n([\s\S]*?)<\/script>/g;
    const found = [];
    for (const file of files) found.push({ name: path.relative(THEME, file), text: fs.readFileSync(file, 'utf8') });
    let m;
    let n = 0;
    while ((m = inline.exec(head)) !== null) found.push({ name: `head.hbs <script> #${++n}`, text: m[1] });
    assert.ok(n > 0, 'head.hbs has its inline script');
    return found;
}

/** The lines of `text` that break a rule, as "name:line: text". */
function offending(name, text, isBad) {
    return text
        .split('\n')
        .map((line, i) => ({ line, at: `${name}:${i + 1}: ${line.trim()}` }))
        .filter(({ line }) => isBad(line))
        .map(({ at }) => at);
}

test('no script declares with var: const, or let when it is reassigned', () => {
    const bad = scripts().flatMap(({ name, text }) => offending(name, text, (line) => /^\s*(for \()?var\s/.test(line)));
    assert.deepEqual(bad, []);
});

test('scripts indent with 4 spaces, never tabs', () => {
    // Blocks nest by 4; a continued line may align with what it continues,
    // so the rule checked is the one a 2-space file breaks at once: nothing
    // is indented by 1 to 3 spaces (a block comment's ` * ` lines aside).
    const bad = scripts().flatMap(({ name, text }) =>
        offending(name, text, (line) => /^\t/.test(line) || (/^ {1,3}\S/.test(line) && !/^ \*/.test(line))),
    );
    assert.deepEqual(bad, []);
});

test('every script runs in strict mode', () => {
    const bad = scripts()
        .filter(({ text }) => !text.includes("'use strict';"))
        .map(({ name }) => name);
    assert.deepEqual(bad, []);
});
