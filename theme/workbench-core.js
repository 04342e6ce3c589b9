// Fearless Locking: the exercise workbench's logic, without the DOM.
//
// The diagnosis a learner reads is written in Rust (the harness inside the
// checked program, and playground::diagnosis on the runner's side); this
// file only puts the checked program together and reads answers:
//
// - `assemble` builds the bundle exactly as playground::exercise::assemble
//   does (`cargo xtask test` compares them byte for byte);
// - `compileErrors` formats rustc's output from play.rust-lang.org like
//   playground::diagnosis::compile_errors, with the words it gets from the
//   book's `workbench/<id>.json` (the same test compares the two);
// - `publicVerdict` reads play.rust-lang.org's `evaluate.json` answer;
// - `localRequest` / `readLocalAnswer` speak to the local server's
//   `POST /exercise/check`.
//
// Loaded in the browser as a classic script (it defines
// `window.FearlessWorkbench`) and in node with `require`.

(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.FearlessWorkbench = api;
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    // The marker comments of a bundle (playground::diagnosis).
    const LEARNER_MARKER = '// @bundle-learner ';
    const FILE_MARKER = '// @bundle-file ';
    const INTERNAL = ' (internal)';

    /** The public playground's endpoint (head.hbs sends it to the local server when there is one). */
    const PUBLIC_EVALUATE = 'https://play.rust-lang.org/evaluate.json';
    /** The local server's route (playground/src/server/exercise.rs). */
    const LOCAL_CHECK = 'exercise/check';

    /** `text` as a Rust raw string literal with enough `#`s that nothing in it ends it. */
    function rawString(text) {
        let longest = 0;
        let run = 0;
        for (const c of text) {
            if (c === '#') {
                run += 1;
                longest = Math.max(longest, run);
            } else {
                run = 0;
            }
        }
        const hashes = '#'.repeat(longest + 1);
        return 'r' + hashes + '"' + text + '"' + hashes;
    }

    /** The learner's `source`, the exercise's `tail`, and the source again as a string. */
    function assemble(source, tail) {
        let code = source;
        if (!source.endsWith('\n')) code += '\n';
        return code + tail + 'const LEARNER_SOURCE: &str = ' + rawString(source) + ';\n';
    }

    /** Rust's `str::lines()`: split at `\n`, drop a trailing `\r`, no final empty line. */
    function lines(text) {
        if (text === '') return [];
        const parts = text.split('\n');
        if (parts[parts.length - 1] === '') parts.pop();
        return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    }

    /** Where each line of a bundle came from (playground::diagnosis::SourceMap). */
    function sourceMap(code) {
        let learner = null;
        const parts = [];
        lines(code).forEach(function (line, n) {
            const number = n + 1;
            if (line.startsWith(LEARNER_MARKER)) {
                if (learner === null) learner = { file: line.slice(LEARNER_MARKER.length).trim(), tail: number };
            } else if (line.startsWith(FILE_MARKER) && learner !== null) {
                let path = line.slice(FILE_MARKER.length).trim();
                let internal = false;
                if (path.endsWith(INTERNAL.trimStart())) {
                    path = path.slice(0, -INTERNAL.trimStart().length).trim();
                    internal = true;
                }
                parts.push({ first: number + 1, file: path, internal: internal });
            }
        });
        function locate(line) {
            if (learner === null) return null;
            if (line < learner.tail) return { file: learner.file, line: line };
            for (let i = parts.length - 1; i >= 0; i--) {
                if (parts[i].first <= line) return { file: parts[i].file, line: line - parts[i].first + 1 };
            }
            return null;
        }
        return {
            learnerFile: learner && learner.file,
            locate: locate,
            place: function (file, line, column) {
                const col = column === null || column === undefined ? '' : ':' + column;
                if (file === 'src/main.rs' || file === 'main.rs') {
                    const known = locate(line);
                    if (known) return known.file + ':' + known.line + col;
                }
                return file + ':' + line + col;
            },
        };
    }

    function indentBy(text, prefix) {
        return lines(text)
            .map((l) => (l === '' ? '' : prefix + l))
            .join('\n');
    }

    /** rustc's (and cargo's) stderr as diagnostics, summaries left out. */
    function diagnostics(stderr) {
        const blocks = [];
        let open = false;
        for (const line of lines(stderr)) {
            if (line.startsWith('error') || line.startsWith('warning')) {
                open = !(
                    line.startsWith('error: aborting due to') ||
                    line.startsWith('error: could not compile') ||
                    (line.startsWith('warning: ') && line.endsWith('emitted')) ||
                    (line.startsWith('warning: `') && line.includes(' generated '))
                );
                if (open) blocks.push('');
            }
            if (line.startsWith('For more information about')) open = false;
            if (open && blocks.length > 0) blocks[blocks.length - 1] += line + '\n';
        }
        return blocks.filter((b) => b.trim() !== '');
    }

    const U32 = /^\+?\d+$/;

    /** `  --> src/main.rs:44:9` with the place rewritten, and that place. */
    function rewriteArrow(line, map) {
        const at = line.indexOf('--> ');
        if (at < 0) return { text: line, located: null };
        const indent = line.slice(0, at);
        const rest = line.slice(at + 4);
        const c2 = rest.lastIndexOf(':');
        const c1 = c2 < 0 ? -1 : rest.lastIndexOf(':', c2 - 1);
        if (c1 < 0) return { text: line, located: null };
        const file = rest.slice(0, c1);
        const number = rest.slice(c1 + 1, c2);
        const column = rest.slice(c2 + 1);
        if (!U32.test(number) || !U32.test(column) || Number(number) > 4294967295 || Number(column) > 4294967295) {
            return { text: line, located: null };
        }
        const place = map.place(file, Number(number), Number(column));
        return { text: indent + '--> ' + place, located: map.locate(Number(number)) };
    }

    /** rustc's first error in the learner's words (playground::diagnosis::compile_errors). */
    function compileErrors(stderr, code, words) {
        const map = sourceMap(code);
        const errors = diagnostics(stderr).filter((b) => b.startsWith('error'));
        if (errors.length === 0) return words.unparsed + indentBy(stderr.trimEnd(), '    ');
        let out = words.first;
        let outside = null;
        for (const line of lines(errors[0])) {
            const { text, located } = rewriteArrow(line, map);
            if (located && map.learnerFile !== null && located.file !== map.learnerFile && outside === null) {
                outside = located.file;
            }
            out += '    ' + text + '\n';
        }
        if (outside !== null) out += words.outside.split('{file}').join(outside);
        if (errors.length > 1) {
            const n = errors.length - 1;
            out += words.more.split('{n}').join(String(n)).split('{s}').join(n === 1 ? '' : 's');
        }
        return out;
    }

    /**
     * The check that was running when the program was stopped: the harness
     * leaves `  <name> … ` unfinished while a check runs (as
     * playground::diagnosis::running_check reads it); null otherwise.
     */
    function runningCheck(stdout) {
        if (stdout.endsWith('\n')) return null;
        const last = lines(stdout).pop();
        if (last === undefined) return null;
        for (const suffix of [' …', ' … ']) {
            if (last.endsWith(suffix)) return last.slice(0, -suffix.length).trim();
        }
        return null;
    }

    /** The body play.rust-lang.org's `evaluate.json` takes for the scenario half: a debug build, edition 2024, the bundle's own `main`. */
    function evaluateRequest(code) {
        return { version: 'stable', optimize: '0', code: code, edition: '2024', tests: false };
    }

    /**
     * What play.rust-lang.org's answer `{result, error}` to a scenario bundle
     * says, as `{state, text}`:
     * - `passed`: every scenario passed (`text` is the program's report);
     * - `failed`: the program ran and found a problem (`text` is its report
     *   from its first line on; `stopped` is set when the report ends in the
     *   middle of a check, which the playground stopped: `error` says why);
     * - `compile`: it did not compile (`text` formatted by `compileErrors`);
     * - `unknown`: anything else (`text` is what the playground said).
     */
    function publicVerdict(answer, label, code, words) {
        if (!answer || typeof answer !== 'object' || typeof answer.result !== 'string') {
            return { state: 'unknown', text: '' };
        }
        const result = answer.result;
        const header = 'Checking ' + label + ' with ';
        const start = result.indexOf(header);
        if (answer.error === null || answer.error === undefined) {
            return { state: start >= 0 ? 'passed' : 'unknown', text: start >= 0 ? result.slice(start) : result };
        }
        if (start >= 0) {
            const report = result.slice(start);
            // The harness explains every failure it sees on a line starting
            // with `✗ `; without one, or with a check's line left unfinished,
            // the program was stopped from outside (playground::diagnosis::
            // unexplained_exit draws the same line).
            const explained = lines(report).some((l) => l.startsWith('✗ ')) && runningCheck(report) === null;
            return { state: 'failed', text: report, stopped: !explained, running: runningCheck(report) };
        }
        if (diagnostics(result).some((b) => b.startsWith('error'))) {
            return { state: 'compile', text: compileErrors(result, code, words) };
        }
        return { state: 'unknown', text: result };
    }

    /** The body of `POST /exercise/check` for one half. */
    function localRequest(id, code, half) {
        return { id: id, code: code, half: half };
    }

    /**
     * The local server's answer, as `{ok, passed, text}`: `ok` false when it
     * refused the request (`text` is its reason, from its JSON `error`).
     */
    function readLocalAnswer(status, body) {
        if (body && typeof body === 'object') {
            if (status === 200 && typeof body.passed === 'boolean' && typeof body.text === 'string') {
                return { ok: true, passed: body.passed, text: body.text, millis: body.millis, cached: body.cached };
            }
            if (typeof body.error === 'string') return { ok: false, status: status, text: body.error };
        }
        return { ok: false, status: status, text: 'an answer the page does not understand (HTTP ' + status + ')' };
    }

    /** Whether this page comes from a loopback address, where `cargo xtask serve` may run. */
    function isLoopback(loc) {
        return loc.protocol === 'http:' && /^(127\.0\.0\.1|localhost|\[::1\])$/.test(loc.hostname);
    }

    return {
        LEARNER_MARKER: LEARNER_MARKER,
        FILE_MARKER: FILE_MARKER,
        PUBLIC_EVALUATE: PUBLIC_EVALUATE,
        LOCAL_CHECK: LOCAL_CHECK,
        rawString: rawString,
        assemble: assemble,
        sourceMap: sourceMap,
        compileErrors: compileErrors,
        evaluateRequest: evaluateRequest,
        publicVerdict: publicVerdict,
        runningCheck: runningCheck,
        localRequest: localRequest,
        readLocalAnswer: readLocalAnswer,
        isLoopback: isLoopback,
    };
});
