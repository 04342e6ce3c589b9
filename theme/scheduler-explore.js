// Explores every puzzle level with the page's own engine (theme/scheduler.js),
// for `cargo xtask puzzles`: reads `[level, …]` as JSON on stdin and prints
// one JSON line per level:
//   {"id", "ok": true, "interleavings", "failing", "states", "failures": [msg…],
//    "outcomes": {msg: {count, kind, text, example: [thread names…]}}}
// or {"id", "ok": false, "error"} when the level is broken.
// Usage: node theme/scheduler-explore.js < levels.json

'use strict';

const engine = require('./scheduler.js');

function exploreOne(level) {
    const id = level && level.id;
    try {
        const program = engine.compile(level);
        const result = engine.explore(program);
        const outcomes = {};
        for (const [msg, o] of Object.entries(result.outcomes)) {
            outcomes[msg] = {
                count: o.count,
                kind: o.kind,
                text: o.text,
                example: o.example.map((t) => program.threads[t].name),
            };
        }
        return {
            id: id,
            ok: true,
            interleavings: result.interleavings,
            failing: result.failing,
            states: result.states,
            failures: engine.failureMessages(result),
            outcomes: outcomes,
        };
    } catch (err) {
        return { id: id, ok: false, error: String(err && err.message ? err.message : err) };
    }
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
    let levels;
    try {
        levels = JSON.parse(input);
    } catch (err) {
        process.stderr.write('scheduler-explore: stdin is not JSON: ' + err.message + '\n');
        process.exit(2);
    }
    if (!Array.isArray(levels)) {
        process.stderr.write('scheduler-explore: expected a JSON array of levels on stdin\n');
        process.exit(2);
    }
    for (const level of levels) process.stdout.write(JSON.stringify(exploreOne(level)) + '\n');
});
