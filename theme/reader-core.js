// Fearless Locking: the reader features' logic, without the DOM.
//
// Saved edits, quiz progress, saved puzzles and play.rust-lang.org links live here as
// plain functions over a storage object (anything with getItem / setItem /
// removeItem / key / length, like `window.localStorage`), so that
// `node --test theme/tests/` can check them with a fake storage; the local
// playground's fetch rewrite takes the real fetch and timers as arguments for
// the same reason. The DOM wiring is in head.hbs, saved-edits.js, progress.js
// and playground-links.js.
//
// Loaded in the browser as a classic script (it defines `window.FearlessReader`)
// and in node with `require` (it sets `module.exports`). head.hbs loads it in
// the page's <head>: the fetch rewrite must be in place before book.js runs,
// and `additional-js` scripts (where it is listed too, so that mdBook copies
// it) run after book.js.

(function (root, factory) {
    'use strict';
    if (typeof module === 'object' && module.exports) {
        module.exports = factory();
    } else if (!root.FearlessReader) {
        // The page's second <script> tag for this file (book.toml's
        // additional-js, after head.hbs's) finds it defined and does nothing.
        root.FearlessReader = factory();
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    // ---------------------------------------------------------------- storage

    /**
     * The browser's localStorage, or null when it is unavailable: merely
     * reading `window.localStorage` throws a SecurityError when storage is
     * blocked (some private modes, cookies disabled, sandboxed iframes).
     */
    function browserStorage(win) {
        try {
            const storage = win.localStorage;
            if (!storage) return null;
            const probe = 'fearless-probe';
            storage.setItem(probe, probe);
            storage.removeItem(probe);
            return storage;
        } catch (_) {
            return null;
        }
    }

    /** storage.getItem, with any exception turned into null. */
    function safeGet(storage, key) {
        if (!storage) return null;
        try {
            return storage.getItem(key);
        } catch (_) {
            return null;
        }
    }

    /** storage.setItem; false when it throws (quota exceeded, blocked). */
    function safeSet(storage, key, value) {
        if (!storage) return false;
        try {
            storage.setItem(key, value);
            return true;
        } catch (_) {
            return false;
        }
    }

    /** storage.removeItem; false when it throws. */
    function safeRemove(storage, key) {
        if (!storage) return false;
        try {
            storage.removeItem(key);
            return true;
        } catch (_) {
            return false;
        }
    }

    /** Every key of `storage` that starts with `prefix` (empty on errors). */
    function keysWithPrefix(storage, prefix) {
        const keys = [];
        if (!storage) return keys;
        try {
            for (let i = 0; i < storage.length; i++) {
                const key = storage.key(i);
                if (typeof key === 'string' && key.startsWith(prefix)) keys.push(key);
            }
        } catch (_) {
            return [];
        }
        return keys;
    }

    // ----------------------------------------------------------- saved edits

    const EDIT_PREFIX = 'fearless-edit:';
    const EDIT_VERSION = 1;

    /**
     * A short, stable hash of a block's original text (cyrb53: 53 bits, fast,
     * good spread). Not cryptographic: it only has to tell blocks apart.
     */
    function hashText(text) {
        let h1 = 0xdeadbeef;
        let h2 = 0x41c6ce57;
        for (let i = 0; i < text.length; i++) {
            const ch = text.charCodeAt(i);
            h1 = Math.imul(h1 ^ ch, 2654435761);
            h2 = Math.imul(h2 ^ ch, 1597334677);
        }
        h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
        h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
        return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
    }

    /**
     * The page's path relative to the book's root, the same on the published
     * site (`/course/mutex/guards.html`) and locally (`/mutex/guards.html`):
     * `pathname` minus the root's pathname; a folder means its index.html.
     */
    function pagePath(pathname, rootPathname) {
        let page = pathname.startsWith(rootPathname) ? pathname.slice(rootPathname.length) : pathname;
        page = page.replace(/^\/+/, '');
        if (page === '' || page.endsWith('/')) page += 'index.html';
        return page;
    }

    /**
     * The storage key of each editable block of a page, in page order.
     * A key is page + hash of the block's *original* text (+ a counter for
     * identical blocks), never its position: moving a block keeps its edit,
     * and changing a block's original code orphans the old edit instead of
     * restoring it into code it was not written for.
     */
    function editKeys(page, originals) {
        const seen = new Map();
        return originals.map(function (original) {
            const hash = hashText(original);
            const n = seen.get(hash) || 0;
            seen.set(hash, n + 1);
            return EDIT_PREFIX + page + ':' + hash + (n > 0 ? ':' + n : '');
        });
    }

    /**
     * The saved edit for a block, or null. Null unless the stored value is
     * well-formed, was saved for this very original text, and is non-empty:
     * a malformed, empty or stale value never replaces the code.
     */
    function loadEdit(storage, key, original) {
        const raw = safeGet(storage, key);
        if (raw === null || raw === undefined) return null;
        let value;
        try {
            value = JSON.parse(raw);
        } catch (_) {
            return null;
        }
        if (
            !value ||
            typeof value !== 'object' ||
            value.v !== EDIT_VERSION ||
            typeof value.code !== 'string' ||
            value.original !== hashText(original) ||
            value.code.trim() === '' ||
            value.code === original
        ) {
            return null;
        }
        return value.code;
    }

    /**
     * Saves `code` as the edit of a block. Code equal to the original, or
     * blank, removes the entry instead (there is nothing to restore).
     * Returns false when storage refused (quota, blocked): the page goes on
     * working as if edits were not saved.
     */
    function saveEdit(storage, key, original, code) {
        if (code === original || code.trim() === '') return clearEdit(storage, key);
        const value = JSON.stringify({ v: EDIT_VERSION, original: hashText(original), code: code });
        return safeSet(storage, key, value);
    }

    /** Forgets a block's edit. */
    function clearEdit(storage, key) {
        return safeRemove(storage, key);
    }

    /**
     * Removes this page's saved edits that belong to no current block (their
     * original code changed or the block was removed), so they cannot pile up.
     * Returns the removed keys.
     */
    function pruneEdits(storage, page, currentKeys) {
        const keep = new Set(currentKeys);
        const prefix = EDIT_PREFIX + page + ':';
        const removed = [];
        for (const key of keysWithPrefix(storage, prefix)) {
            // Only keys of the shape editKeys makes: prefix + hash [+ ':' + n].
            if (!keep.has(key) && /^[0-9a-f]+(:\d+)?$/.test(key.slice(prefix.length))) {
                if (safeRemove(storage, key)) removed.push(key);
            }
        }
        return removed;
    }

    // --------------------------------------------------------- quiz progress

    const QUIZ_PREFIX = 'mdbook-quiz:';

    /**
     * What mdbook-quiz 0.5.0 saved for a quiz (`cache_answers = true` stores
     * `{answers: [{answer, correct, …}], confirmedDone, attempt, quizHash,
     * wrongAnswers}` under `mdbook-quiz:<quiz file stem>` once a quiz is
     * finished), summarised for the progress page:
     * - `{state: 'none'}`: nothing saved;
     * - `{state: 'done', correct, total}`: finished, `correct` of `total`;
     * - `{state: 'changed', …}`: saved for a quiz with another number of
     *   questions (the quiz changed since; its page starts it afresh);
     * - `{state: 'unreadable'}`: something unparsable is stored.
     * `questions` is the quiz's current number of questions.
     */
    function quizStatus(storage, stem, questions) {
        const raw = safeGet(storage, QUIZ_PREFIX + stem);
        if (raw === null || raw === undefined) return { state: 'none' };
        let value;
        try {
            value = JSON.parse(raw);
        } catch (_) {
            return { state: 'unreadable' };
        }
        if (!value || typeof value !== 'object' || !Array.isArray(value.answers)) {
            return { state: 'unreadable' };
        }
        const correct = value.answers.filter(function (a) {
            return a && a.correct === true;
        }).length;
        const total = value.answers.length;
        if (total !== questions) return { state: 'changed', correct: correct, total: total };
        return { state: 'done', correct: correct, total: total };
    }

    /** Forgets a quiz's saved answers: its page starts it afresh. */
    function resetQuiz(storage, stem) {
        return safeRemove(storage, QUIZ_PREFIX + stem);
    }

    /** Totals over quizzes `[{stem, questions}]`: finished quizzes and score. */
    function progressSummary(storage, quizzes) {
        let done = 0;
        let correct = 0;
        let answered = 0;
        let saved = 0;
        for (const quiz of quizzes) {
            const status = quizStatus(storage, quiz.stem, quiz.questions);
            if (status.state !== 'none') saved += 1;
            if (status.state === 'done') {
                done += 1;
                correct += status.correct;
                answered += status.total;
            }
        }
        return { quizzes: quizzes.length, saved: saved, done: done, correct: correct, answered: answered };
    }

    // ---------------------------------------------------- scheduler puzzles

    const PUZZLE_PREFIX = 'fearless-puzzle:';
    const PUZZLE_VERSION = 1;
    const PUZZLE_SOLVED = ['broke', 'proved'];

    /**
     * A scheduler puzzle's saved state (theme/puzzles.js), or null when
     * nothing usable is stored: `{level, steps, expanded, solved,
     * interleavings}`. `level` is the hash of the level's data it was saved
     * for; `steps` the schedule (`[[thread, 'op' | 'line'], …]`); `expanded`
     * the expanded lines (`'<thread>:<line>'`); `solved` null, `'broke'`
     * (the goal was reached) or `'proved'` (a claim of safety verified);
     * `interleavings` how many the proof explored.
     */
    function loadPuzzle(storage, id) {
        const raw = safeGet(storage, PUZZLE_PREFIX + id);
        if (raw === null || raw === undefined) return null;
        let value;
        try {
            value = JSON.parse(raw);
        } catch (_) {
            return null;
        }
        const isStep = (s) =>
            Array.isArray(s) && s.length === 2 && Number.isInteger(s[0]) && s[0] >= 0 && (s[1] === 'op' || s[1] === 'line');
        if (
            !value ||
            typeof value !== 'object' ||
            value.v !== PUZZLE_VERSION ||
            typeof value.level !== 'string' ||
            !Array.isArray(value.steps) ||
            !value.steps.every(isStep) ||
            !Array.isArray(value.expanded) ||
            !value.expanded.every((e) => typeof e === 'string') ||
            !(value.solved === null || PUZZLE_SOLVED.includes(value.solved))
        ) {
            return null;
        }
        return {
            level: value.level,
            steps: value.steps,
            expanded: value.expanded,
            solved: value.solved,
            interleavings: Number.isInteger(value.interleavings) ? value.interleavings : null,
        };
    }

    /** Saves a puzzle's state; false when storage refused (the page plays on). */
    function savePuzzle(storage, id, state) {
        const value = {
            v: PUZZLE_VERSION,
            level: String(state.level),
            steps: state.steps,
            expanded: state.expanded,
            solved: state.solved || null,
        };
        if (Number.isInteger(state.interleavings)) value.interleavings = state.interleavings;
        return safeSet(storage, PUZZLE_PREFIX + id, JSON.stringify(value));
    }

    /** Forgets a puzzle: its page starts it afresh. */
    function resetPuzzle(storage, id) {
        return safeRemove(storage, PUZZLE_PREFIX + id);
    }

    /**
     * A puzzle's status for the progress page: `{state: 'none'}`,
     * `{state: 'solved', how, interleavings}`, `{state: 'started', steps}`
     * or `{state: 'unreadable'}` (something is stored, but not a puzzle's state).
     */
    function puzzleStatus(storage, id) {
        const raw = safeGet(storage, PUZZLE_PREFIX + id);
        if (raw === null || raw === undefined) return { state: 'none' };
        const saved = loadPuzzle(storage, id);
        if (!saved) return { state: 'unreadable' };
        if (saved.solved) return { state: 'solved', how: saved.solved, interleavings: saved.interleavings };
        if (saved.steps.length > 0) return { state: 'started', steps: saved.steps.length };
        return { state: 'none' };
    }

    /** Totals over puzzle ids: how many are solved, started, saved at all. */
    function puzzleSummary(storage, ids) {
        let solved = 0;
        let started = 0;
        let saved = 0;
        for (const id of ids) {
            const status = puzzleStatus(storage, id);
            if (status.state !== 'none') saved += 1;
            if (status.state === 'solved') solved += 1;
            if (status.state === 'started') started += 1;
        }
        return { puzzles: ids.length, solved: solved, started: started, saved: saved };
    }

    // ------------------------------------------------------------- exercises

    const EXERCISE_PREFIX = 'fearless-exercise:';
    const EXERCISE_VERSION = 1;

    /** A date as saved: an ISO string, or null. */
    function isDate(value) {
        return value === null || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));
    }

    /**
     * An exercise's saved state (theme/workbench.js), or null when nothing
     * usable is stored: `{starter, code, hints, checked, scenarios, solved}`.
     * `starter` is the hash of the starter the code was written from (null
     * with no code); `code` the learner's file, or null; `hints` how many
     * hints were revealed; `checked` when it was last checked; `scenarios`
     * when the scenarios first passed where the models could not run (the
     * published site); `solved` when every scenario and model first passed.
     */
    function loadExercise(storage, id) {
        const raw = safeGet(storage, EXERCISE_PREFIX + id);
        if (raw === null || raw === undefined) return null;
        let value;
        try {
            value = JSON.parse(raw);
        } catch (_) {
            return null;
        }
        if (
            !value ||
            typeof value !== 'object' ||
            value.v !== EXERCISE_VERSION ||
            !(value.code === null || typeof value.code === 'string') ||
            !(value.starter === null || typeof value.starter === 'string') ||
            !Number.isInteger(value.hints) ||
            value.hints < 0 ||
            !isDate(value.checked) ||
            !isDate(value.scenarios) ||
            !isDate(value.solved)
        ) {
            return null;
        }
        return {
            starter: value.starter,
            code: value.code,
            hints: value.hints,
            checked: value.checked,
            scenarios: value.scenarios,
            solved: value.solved,
        };
    }

    /** A fresh state: nothing done yet. */
    function newExercise() {
        return { starter: null, code: null, hints: 0, checked: null, scenarios: null, solved: null };
    }

    /**
     * The code to put in the editor from a saved state, given the current
     * starter: `{code}` (null: the starter), and `stale` when code was saved
     * for another version of the starter — it is never restored into an
     * exercise it was not written for.
     */
    function exerciseCode(saved, starter) {
        if (!saved || saved.code === null || saved.code.trim() === '' || saved.code === starter) {
            return { code: null, stale: false };
        }
        if (saved.starter !== hashText(starter)) return { code: null, stale: true };
        return { code: saved.code, stale: false };
    }

    /**
     * Saves an exercise's state; `code` equal to the starter (or blank) is
     * saved as no code. False when storage refused (the page works on).
     */
    function saveExercise(storage, id, state, starter) {
        const code = typeof state.code === 'string' && state.code.trim() !== '' && state.code !== starter ? state.code : null;
        const value = {
            v: EXERCISE_VERSION,
            starter: code === null ? null : hashText(starter),
            code: code,
            hints: Number.isInteger(state.hints) && state.hints > 0 ? state.hints : 0,
            checked: state.checked || null,
            scenarios: state.scenarios || null,
            solved: state.solved || null,
        };
        return safeSet(storage, EXERCISE_PREFIX + id, JSON.stringify(value));
    }

    /** Forgets an exercise: its page starts afresh. */
    function resetExercise(storage, id) {
        return safeRemove(storage, EXERCISE_PREFIX + id);
    }

    /**
     * An exercise's status for the progress page: `{state: 'none'}`,
     * `{state: 'solved', solved}` (the date), `{state: 'started', scenarios,
     * edited, hints}` or `{state: 'unreadable'}`.
     */
    function exerciseStatus(storage, id) {
        const raw = safeGet(storage, EXERCISE_PREFIX + id);
        if (raw === null || raw === undefined) return { state: 'none' };
        const saved = loadExercise(storage, id);
        if (!saved) return { state: 'unreadable' };
        if (saved.solved) return { state: 'solved', solved: saved.solved };
        if (saved.code !== null || saved.hints > 0 || saved.checked || saved.scenarios) {
            return { state: 'started', scenarios: saved.scenarios, edited: saved.code !== null, hints: saved.hints };
        }
        return { state: 'none' };
    }

    /** Totals over exercise ids: solved, started, saved at all. */
    function exerciseSummary(storage, ids) {
        let solved = 0;
        let started = 0;
        let saved = 0;
        for (const id of ids) {
            const status = exerciseStatus(storage, id);
            if (status.state !== 'none') saved += 1;
            if (status.state === 'solved') solved += 1;
            if (status.state === 'started') started += 1;
        }
        return { exercises: ids.length, solved: solved, started: started, saved: saved };
    }

    // ------------------------------------------------- play.rust-lang.org

    /**
     * Crates that play.rust-lang.org does not have (its crate list is the top
     * 100 crates and their dependencies; loom and dashmap are not among them).
     */
    const MISSING_ON_PLAYGROUND = ['loom', 'dashmap'];

    /**
     * `code` without the items compiled only under `--cfg loom`
     * (`#[cfg(loom)] use loom::…;`, `#[cfg(all(test, loom))] mod loom_model { … }`):
     * the examples' loom shims and models, which the playground never compiles.
     * An item ends at its first `;` if that comes before any `{`, otherwise
     * at the `}` matching its first `{`.
     */
    function withoutLoomOnlyItems(code) {
        const attr = /#\[cfg\(([^\]]*)\)\]/g;
        let out = '';
        let from = 0;
        let m;
        while ((m = attr.exec(code)) !== null) {
            const predicate = m[1].replace(/not\(\s*loom\s*\)/g, '');
            if (!/\bloom\b/.test(predicate) || /\bany\(/.test(predicate)) continue;
            out += code.slice(from, m.index);
            let i = attr.lastIndex;
            const semi = code.indexOf(';', i);
            const brace = code.indexOf('{', i);
            if (brace === -1 || (semi !== -1 && semi < brace)) {
                i = semi === -1 ? code.length : semi + 1;
            } else {
                let depth = 0;
                for (i = brace; i < code.length; i++) {
                    if (code[i] === '{') depth += 1;
                    else if (code[i] === '}' && --depth === 0) break;
                }
                i += 1;
            }
            from = i;
            attr.lastIndex = i;
        }
        return out + code.slice(from);
    }

    /**
     * The crates `code` needs that play.rust-lang.org lacks: named by
     * `extern crate x;` (the book's convention, which also hides ▶ there),
     * a `use x::` or an `x::` path, outside loom-only items.
     */
    function cratesMissingOnPlayground(code) {
        const live = withoutLoomOnlyItems(code);
        return MISSING_ON_PLAYGROUND.filter(function (name) {
            const used = new RegExp('(^|[^A-Za-z0-9_:])(extern\\s+crate\\s+' + name + '\\b|' + name + '::)', 'm');
            return used.test(live);
        });
    }

    /** The play.rust-lang.org URL that opens `code` (full text, hidden lines included). */
    function playgroundUrl(code, edition) {
        return (
            'https://play.rust-lang.org/?version=stable&mode=debug&edition=' +
            encodeURIComponent(edition || '2024') +
            '&code=' +
            encodeURIComponent(code)
        );
    }

    /** The edition of a block from its classes (`edition2021`), else the book's. */
    function blockEdition(classNames, fallback) {
        for (const name of classNames) {
            const m = /^edition(\d{4})$/.exec(name);
            if (m) return m[1];
        }
        return fallback;
    }

    // ------------------------------------------------------- local playground

    // mdBook's book.js sends ▶ Run to play.rust-lang.org. When the page comes
    // from `cargo xtask serve`, those requests go to that server instead, so
    // snippets run without a network (playground/README.md); anywhere else
    // they are left alone. head.hbs installs the wrapper before book.js runs.

    /** Where book.js sends snippets. */
    const PLAYGROUND_ORIGIN = 'https://play.rust-lang.org';
    /** The header by which `cargo xtask serve`'s /meta/crates says "I am the local playground". */
    const LOCAL_PLAYGROUND_HEADER = 'x-fearless-playground';
    /** book.js gives up on /meta/crates after 6 s without telling the reader; so do we, telling them. */
    const PLAYGROUND_PROBE_MS = 6000;

    /**
     * Whether a page at `loc` (a Location or URL) may have a local
     * playground: only plain http on a loopback host. A published page
     * (https, a real host) never probes for one.
     */
    function mayHaveLocalPlayground(loc) {
        return loc.protocol === 'http:' && /^(127\.0\.0\.1|localhost|\[::1\])$/.test(loc.hostname);
    }

    /** Whether the answer to the probe (`GET /meta/crates`) comes from our server. */
    function isLocalPlaygroundReply(response) {
        return Boolean(response && response.ok && response.headers.get(LOCAL_PLAYGROUND_HEADER) === '1');
    }

    /** The URL of a fetch's first argument (a string or a Request). */
    function requestUrl(input) {
        if (typeof input === 'string') return input;
        return (input && input.url) || '';
    }

    /**
     * The same-origin path a playground request goes to when the local
     * playground answers (`/execute`, `/meta/crates`), or null for any other
     * URL, which is never rewritten (including look-alike hosts).
     */
    function localPlaygroundPath(url) {
        if (url.indexOf(PLAYGROUND_ORIGIN + '/') !== 0) return null;
        return url.slice(PLAYGROUND_ORIGIN.length);
    }

    /**
     * A `fetch` that sends play.rust-lang.org requests to the local
     * playground when there is one, and reports once when none is reachable.
     *
     * `env`: `fetch` (the real one), `location` (the page's), `setTimeout`
     * and `clearTimeout`, and `onUnreachable()`, called at most once: when
     * book.js's crate list (`/meta/crates`, asked first on every page with
     * a runnable block) fails, answers with an error, or takes longer than
     * PLAYGROUND_PROBE_MS.
     */
    function playgroundFetch(env) {
        const realFetch = env.fetch;
        const local = mayHaveLocalPlayground(env.location)
            ? realFetch('/meta/crates', { headers: { Accept: 'application/json' } }).then(
                isLocalPlaygroundReply,
                function () {
                    return false;
                },
            )
            : Promise.resolve(false);
        let reported = false;
        /** Tells the page, once, that no playground answers. */
        function unreachable() {
            if (reported) return;
            reported = true;
            env.onUnreachable();
        }
        return function (input, init) {
            const path = localPlaygroundPath(requestUrl(input));
            if (path === null) return realFetch(input, init);
            const reply = local.then(function (isLocal) {
                if (!isLocal) return realFetch(input, init);
                return realFetch(path, Object.assign({}, init, { mode: 'same-origin' }));
            });
            if (path === '/meta/crates') {
                const timer = env.setTimeout(unreachable, PLAYGROUND_PROBE_MS);
                reply.then(
                    function (response) {
                        env.clearTimeout(timer);
                        if (!response.ok) unreachable();
                    },
                    function () {
                        env.clearTimeout(timer);
                        unreachable();
                    },
                );
            }
            return reply;
        };
    }

    return {
        browserStorage: browserStorage,
        hashText: hashText,
        pagePath: pagePath,
        editKeys: editKeys,
        loadEdit: loadEdit,
        saveEdit: saveEdit,
        clearEdit: clearEdit,
        pruneEdits: pruneEdits,
        EDIT_PREFIX: EDIT_PREFIX,
        QUIZ_PREFIX: QUIZ_PREFIX,
        quizStatus: quizStatus,
        resetQuiz: resetQuiz,
        progressSummary: progressSummary,
        PUZZLE_PREFIX: PUZZLE_PREFIX,
        loadPuzzle: loadPuzzle,
        savePuzzle: savePuzzle,
        resetPuzzle: resetPuzzle,
        puzzleStatus: puzzleStatus,
        puzzleSummary: puzzleSummary,
        EXERCISE_PREFIX: EXERCISE_PREFIX,
        loadExercise: loadExercise,
        newExercise: newExercise,
        exerciseCode: exerciseCode,
        saveExercise: saveExercise,
        resetExercise: resetExercise,
        exerciseStatus: exerciseStatus,
        exerciseSummary: exerciseSummary,
        withoutLoomOnlyItems: withoutLoomOnlyItems,
        cratesMissingOnPlayground: cratesMissingOnPlayground,
        playgroundUrl: playgroundUrl,
        blockEdition: blockEdition,
        PLAYGROUND_ORIGIN: PLAYGROUND_ORIGIN,
        PLAYGROUND_PROBE_MS: PLAYGROUND_PROBE_MS,
        LOCAL_PLAYGROUND_HEADER: LOCAL_PLAYGROUND_HEADER,
        mayHaveLocalPlayground: mayHaveLocalPlayground,
        isLocalPlaygroundReply: isLocalPlaygroundReply,
        localPlaygroundPath: localPlaygroundPath,
        playgroundFetch: playgroundFetch,
    };
});
