// Fearless Locking: the scheduler puzzles' engine, without the DOM.
//
// A level is data (src/puzzles/<page>-<n>.toml, turned into JSON at build
// time): a few threads, each a list of source lines, each line a list of
// statements ("ops") in a tiny language — lock, unlock, read, write, load,
// store, let, push, pop, wait, notify, assert, if/goto, return. This file
// compiles a level, steps its threads one op (or one line) at a time, says
// why a thread is blocked, and explores every interleaving. The page
// (theme/puzzles.js) and the engine-vs-loom check (`cargo xtask puzzles`,
// through theme/scheduler-explore.js under node) run this same code.
//
// The model: sequentially consistent memory; a Mutex and an RwLock as loom
// 0.7 model them (an RwLock lets a reader in whenever no writer holds it);
// a Condvar whose notify_one wakes the longest waiter (loom's FIFO) and no
// spurious wake-ups (loom has none either). A woken waiter must re-lock its
// mutex in a step of its own.
//
// Loaded in the browser as a classic script (it defines
// `window.FearlessScheduler`) and in node with `require`.

(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.FearlessScheduler = api;
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    /** loom runs at most 5 threads, its model's main thread included. */
    const MAX_THREADS = 4;
    /** A collapsed line runs at most this many ops in one step (a guard against a loop on one line). */
    const MAX_OPS_PER_LINE = 64;
    /** Exploration gives up beyond this many distinct states. */
    const DEFAULT_MAX_STATES = 200000;

    /** A mistake in a level's data: the message names the level and the place. */
    class LevelError extends Error {
        constructor(message) {
            super(message);
            this.name = 'LevelError';
        }
    }

    // ------------------------------------------------------------ expressions

    const TOKEN = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|(==|!=|<=|>=|&&|\|\||[-+*<>!?:(),]))/y;

    function tokenize(text, where) {
        const tokens = [];
        TOKEN.lastIndex = 0;
        let at = 0;
        while (at < text.length) {
            if (/^\s*$/.test(text.slice(at))) break;
            TOKEN.lastIndex = at;
            const m = TOKEN.exec(text);
            if (!m) throw new LevelError(where + ': cannot read the expression `' + text + '` at `' + text.slice(at).trim() + '`');
            if (m[1] !== undefined) tokens.push({ num: Number(m[1]) });
            else if (m[2] !== undefined) tokens.push({ name: m[2] });
            else tokens.push({ op: m[3] });
            at = TOKEN.lastIndex;
        }
        return tokens;
    }

    const BINARY = {
        '||': 1,
        '&&': 2,
        '==': 3,
        '!=': 3,
        '<': 4,
        '<=': 4,
        '>': 4,
        '>=': 4,
        '+': 5,
        '-': 5,
        '*': 6,
    };

    /**
     * Parses an expression: integers, `true`, `false`, `none`, names,
     * `len(x)`, unary `!` and `-`, `+ - * == != < <= > >= && ||` and
     * `c ? a : b`. Returns its syntax tree.
     */
    function parseExpr(text, where) {
        const tokens = tokenize(String(text), where);
        let i = 0;
        const fail = (why) => {
            throw new LevelError(where + ': ' + why + ' in the expression `' + text + '`');
        };
        const peekOp = () => (i < tokens.length && tokens[i].op) || null;
        function primary() {
            const t = tokens[i++];
            if (!t) fail('unexpected end');
            if (t.num !== undefined) return { k: 'lit', v: t.num };
            if (t.name !== undefined) {
                if (t.name === 'true') return { k: 'lit', v: true };
                if (t.name === 'false') return { k: 'lit', v: false };
                if (t.name === 'none') return { k: 'lit', v: null };
                if (t.name === 'len' && peekOp() === '(') {
                    i++;
                    const arg = ternary();
                    if (peekOp() !== ')') fail('missing `)` after len(');
                    i++;
                    return { k: 'len', a: arg };
                }
                return { k: 'var', name: t.name };
            }
            if (t.op === '(') {
                const e = ternary();
                if (peekOp() !== ')') fail('missing `)`');
                i++;
                return e;
            }
            if (t.op === '!') return { k: 'not', a: primary() };
            if (t.op === '-') return { k: 'neg', a: primary() };
            return fail('unexpected `' + t.op + '`');
        }
        function binary(minPrec) {
            let left = primary();
            for (;;) {
                const op = peekOp();
                const prec = op && BINARY[op];
                if (!prec || prec < minPrec) return left;
                i++;
                left = { k: 'bin', op: op, a: left, b: binary(prec + 1) };
            }
        }
        function ternary() {
            const cond = binary(1);
            if (peekOp() !== '?') return cond;
            i++;
            const then = ternary();
            if (peekOp() !== ':') fail('`?` without `:`');
            i++;
            return { k: 'if', c: cond, a: then, b: ternary() };
        }
        const tree = ternary();
        if (i !== tokens.length) fail('unexpected `' + (tokens[i].op || tokens[i].name || tokens[i].num) + '`');
        return tree;
    }

    /** The names an expression reads. */
    function namesIn(tree, out) {
        out = out || [];
        if (!tree) return out;
        if (tree.k === 'var') out.push(tree.name);
        for (const key of ['a', 'b', 'c']) if (tree[key]) namesIn(tree[key], out);
        return out;
    }

    function evalExpr(tree, env, where) {
        switch (tree.k) {
            case 'lit':
                return tree.v;
            case 'var':
                if (!Object.prototype.hasOwnProperty.call(env, tree.name)) {
                    throw new LevelError(where + ': `' + tree.name + '` has no value yet');
                }
                return env[tree.name];
            case 'len': {
                const v = evalExpr(tree.a, env, where);
                if (!Array.isArray(v)) throw new LevelError(where + ': len() of something that is not a list');
                return v.length;
            }
            case 'not':
                return !evalExpr(tree.a, env, where);
            case 'neg':
                return -evalExpr(tree.a, env, where);
            case 'if':
                return evalExpr(tree.c, env, where) ? evalExpr(tree.a, env, where) : evalExpr(tree.b, env, where);
            case 'bin': {
                const a = evalExpr(tree.a, env, where);
                if (tree.op === '&&') return Boolean(a) && Boolean(evalExpr(tree.b, env, where));
                if (tree.op === '||') return Boolean(a) || Boolean(evalExpr(tree.b, env, where));
                const b = evalExpr(tree.b, env, where);
                switch (tree.op) {
                    case '==':
                        return sameValue(a, b);
                    case '!=':
                        return !sameValue(a, b);
                    case '<':
                        return a < b;
                    case '<=':
                        return a <= b;
                    case '>':
                        return a > b;
                    case '>=':
                        return a >= b;
                    case '+':
                        return a + b;
                    case '-':
                        return a - b;
                    case '*':
                        return a * b;
                }
            }
        }
        throw new LevelError(where + ': unknown expression');
    }

    function sameValue(a, b) {
        return JSON.stringify(a) === JSON.stringify(b);
    }

    /** An expression written back as text (for the expanded steps). */
    function exprText(tree) {
        switch (tree.k) {
            case 'lit':
                return tree.v === null ? 'None' : String(tree.v);
            case 'var':
                return tree.name;
            case 'len':
                return 'len(' + exprText(tree.a) + ')';
            case 'not':
                return '!' + exprText(tree.a);
            case 'neg':
                return '-' + exprText(tree.a);
            case 'if':
                return exprText(tree.c) + ' ? ' + exprText(tree.a) + ' : ' + exprText(tree.b);
            case 'bin':
                return wrap(tree.a) + ' ' + tree.op + ' ' + wrap(tree.b);
        }
        return '?';
        function wrap(t) {
            return t.k === 'bin' || t.k === 'if' ? '(' + exprText(t) + ')' : exprText(t);
        }
    }

    /** A value as the page shows it. */
    function showValue(v) {
        if (v === null || v === undefined) return 'None';
        if (Array.isArray(v)) return '[' + v.map(showValue).join(', ') + ']';
        return String(v);
    }

    // -------------------------------------------------------------------- ops

    // Locals are plain names; shared values, locks and condvars may be paths
    // (`stats.requests`, `jobs.items`), so the page can show the code's names.
    const NAME = '[A-Za-z_][A-Za-z0-9_]*';
    const PATH = NAME + '(?:\\.' + NAME + ')*';
    const OP_FORMS = [
        ['lock', new RegExp('^lock (' + PATH + ')$'), (m) => ({ lock: m[1] })],
        ['unlock', new RegExp('^unlock (' + PATH + ')$'), (m) => ({ lock: m[1] })],
        ['read', new RegExp('^read (' + PATH + ')$'), (m) => ({ lock: m[1] })],
        ['write', new RegExp('^write (' + PATH + ')$'), (m) => ({ lock: m[1] })],
        ['load', new RegExp('^load (' + NAME + ') = (' + PATH + ')$'), (m) => ({ local: m[1], shared: m[2] })],
        ['store', new RegExp('^store (' + PATH + ') = (.+)$'), (m, w) => ({ shared: m[1], expr: parseExpr(m[2], w) })],
        ['add', new RegExp('^add (' + PATH + ') (.+)$'), (m, w) => ({ shared: m[1], expr: parseExpr(m[2], w) })],
        ['push', new RegExp('^push (' + PATH + ') (.+)$'), (m, w) => ({ shared: m[1], expr: parseExpr(m[2], w) })],
        ['pop_front', new RegExp('^pop_front (' + NAME + ') = (' + PATH + ')$'), (m) => ({ local: m[1], shared: m[2] })],
        ['pop_back', new RegExp('^pop_back (' + NAME + ') = (' + PATH + ')$'), (m) => ({ local: m[1], shared: m[2] })],
        ['let', new RegExp('^let (' + NAME + ') = (.+)$'), (m, w) => ({ local: m[1], expr: parseExpr(m[2], w) })],
        ['assert', /^assert (.+) else "([^"]+)"$/, (m, w) => ({ expr: parseExpr(m[1], w), message: m[2] })],
        ['if', new RegExp('^if (.+) goto (' + NAME + ')$'), (m, w) => ({ expr: parseExpr(m[1], w), target: m[2] })],
        ['goto', new RegExp('^goto (' + NAME + ')$'), (m) => ({ target: m[1] })],
        ['wait', new RegExp('^wait (' + PATH + ') (' + PATH + ')$'), (m) => ({ condvar: m[1], lock: m[2] })],
        ['notify_one', new RegExp('^notify_one (' + PATH + ')$'), (m) => ({ condvar: m[1] })],
        ['notify_all', new RegExp('^notify_all (' + PATH + ')$'), (m) => ({ condvar: m[1] })],
        ['return', /^return (.+)$/, (m, w) => ({ expr: parseExpr(m[1], w) })],
        ['end', /^end$/, () => ({})],
    ];

    /** Parses one op (`"top: lock queue"`): its label, kind and operands. */
    function parseOp(text, where) {
        if (typeof text !== 'string') throw new LevelError(where + ': an op must be a string');
        let body = text.trim();
        let label = null;
        const lm = new RegExp('^(' + NAME + '):\\s+(.*)$').exec(body);
        if (lm) {
            label = lm[1];
            body = lm[2];
        }
        for (const [kind, re, build] of OP_FORMS) {
            const m = re.exec(body);
            if (m) return Object.assign({ kind: kind, label: label, text: body }, build(m, where));
        }
        throw new LevelError(
            where + ': unknown op `' + body + '` (known: lock, unlock, read, write, load, store, push, ' +
                'pop_front, pop_back, let, assert … else "…", if … goto, goto, wait, notify_one, notify_all, return, end)'
        );
    }

    /** An op as the expanded line shows it. */
    function opText(op) {
        switch (op.kind) {
            case 'lock':
                return 'lock ' + op.lock;
            case 'unlock':
                return 'unlock ' + op.lock;
            case 'read':
                return 'read-lock ' + op.lock;
            case 'write':
                return 'write-lock ' + op.lock;
            case 'load':
                return op.local + ' = ' + op.shared + '  (load)';
            case 'store':
                return op.shared + ' = ' + exprText(op.expr) + '  (store)';
            case 'add':
                return op.shared + ' += ' + exprText(op.expr) + '  (one atomic step)';
            case 'push':
                return op.shared + '.push(' + exprText(op.expr) + ')';
            case 'pop_front':
                return op.local + ' = ' + op.shared + '.pop_front()';
            case 'pop_back':
                return op.local + ' = ' + op.shared + '.pop_back()';
            case 'let':
                return op.local + ' = ' + exprText(op.expr);
            case 'assert':
                return 'check ' + exprText(op.expr) + ', else panic: "' + op.message + '"';
            case 'if':
                return 'if ' + exprText(op.expr) + ': go to ' + op.target;
            case 'goto':
                return 'go to ' + op.target;
            case 'wait':
                return 'unlock ' + op.lock + ' and sleep on ' + op.condvar + ' (then re-lock)';
            case 'notify_one':
                return 'wake one waiter of ' + op.condvar;
            case 'notify_all':
                return 'wake every waiter of ' + op.condvar;
            case 'return':
                return 'return ' + exprText(op.expr);
            case 'end':
                return 'end of thread';
        }
        return op.text;
    }

    // ------------------------------------------------------------------ level

    function isPlainValue(v) {
        if (v === null || typeof v === 'number' || typeof v === 'boolean') return true;
        return Array.isArray(v) && v.every(isPlainValue);
    }

    /**
     * Checks a level and prepares it for stepping: threads with their ops
     * flattened (each op knows its line), labels resolved, every name
     * checked. Throws a LevelError that names the level and the place.
     */
    function compile(level) {
        const id = level && typeof level.id === 'string' ? level.id : '(a level without an id)';
        const fail = (why) => {
            throw new LevelError('puzzle ' + id + ': ' + why);
        };
        if (!level || typeof level !== 'object') fail('not an object');
        const shared = level.shared || {};
        for (const [name, v] of Object.entries(shared)) {
            if (!isPlainValue(v)) fail('shared `' + name + '` must be a number, a boolean or a list of them');
        }
        const mutexes = level.mutexes || [];
        const rwlocks = level.rwlocks || [];
        const condvars = level.condvars || [];
        const lockKinds = {};
        for (const m of mutexes) lockKinds[m] = 'mutex';
        for (const r of rwlocks) {
            if (lockKinds[r]) fail('`' + r + '` is declared twice');
            lockKinds[r] = 'rwlock';
        }
        const condSet = new Set(condvars);
        const rawThreads = level.threads || [];
        if (rawThreads.length < 1) fail('it has no threads');
        if (rawThreads.length > MAX_THREADS) {
            fail('it has ' + rawThreads.length + ' threads; loom models at most ' + MAX_THREADS + ' besides main');
        }
        const names = new Set();
        const byName = {};
        for (const t of rawThreads) byName[t.name] = t;
        const threads = rawThreads.map(function (raw, index) {
            if (!raw || typeof raw.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw.name)) {
                fail('thread ' + (index + 1) + ' needs a name (letters, digits, _)');
            }
            if (names.has(raw.name)) fail('two threads are called `' + raw.name + '`');
            if (Object.prototype.hasOwnProperty.call(shared, raw.name)) {
                fail('thread `' + raw.name + '` has the name of a shared value');
            }
            names.add(raw.name);
            let lines = raw.lines;
            if (raw.like !== undefined) {
                const model = byName[raw.like];
                if (!model || model === raw || model.like !== undefined) {
                    fail('thread `' + raw.name + '` is `like` `' + raw.like + '`, which is not a thread with lines of its own');
                }
                if (lines !== undefined) fail('thread `' + raw.name + '` has both `like` and `lines`');
                lines = model.lines;
            }
            if (!Array.isArray(lines) || lines.length === 0) fail('thread `' + raw.name + '` has no lines');
            const locals = Object.assign({}, raw.locals || {});
            for (const [name, v] of Object.entries(locals)) {
                if (!isPlainValue(v)) fail('thread `' + raw.name + '`: local `' + name + '` must be a plain value');
            }
            // `bind` renames the shared names a thread's code uses:
            // `transfer(&bob, &alice)` runs the lines of `transfer(from, to)`
            // with from = bob, to = alice.
            const bind = raw.bind || {};
            for (const [alias, real] of Object.entries(bind)) {
                if (typeof real !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(alias)) {
                    fail('thread `' + raw.name + '`: bind `' + alias + '` must name a shared value, lock or condvar');
                }
                const known = Object.prototype.hasOwnProperty.call(shared, real) || lockKinds[real] || condSet.has(real);
                if (!known) fail('thread `' + raw.name + '`: bind `' + alias + '` = `' + real + '`, which is not declared');
            }
            const rename = (n) => (Object.prototype.hasOwnProperty.call(bind, n) ? bind[n] : n);
            const ops = [];
            const lineStart = [];
            const labels = {};
            lines.forEach(function (line, li) {
                const where = 'puzzle ' + id + ', thread ' + raw.name + ', line ' + (li + 1);
                if (!line || typeof line.code !== 'string') throw new LevelError(where + ': a line needs `code`');
                lineStart.push(ops.length);
                for (const text of line.ops || []) {
                    const op = parseOp(text, where);
                    op.line = li;
                    op.where = where;
                    for (const key of ['lock', 'shared', 'condvar']) if (op[key] !== undefined) op[key] = rename(op[key]);
                    if (op.label) {
                        if (labels[op.label] !== undefined) throw new LevelError(where + ': label `' + op.label + '` is used twice');
                        labels[op.label] = ops.length;
                    }
                    ops.push(op);
                }
            });
            if (ops.length === 0) fail('thread `' + raw.name + '` does nothing (no line has ops)');
            // Names: locals are what the thread assigns; the rest must be declared.
            const assigned = new Set(Object.keys(locals));
            for (const op of ops) if (op.local) assigned.add(op.local);
            for (const op of ops) {
                const w = op.where + ' (`' + op.text + '`)';
                if (op.lock !== undefined) {
                    const kind = lockKinds[op.lock];
                    if (!kind) throw new LevelError(w + ': `' + op.lock + '` is not a declared mutex or rwlock');
                    if ((op.kind === 'lock' || op.kind === 'wait') && kind !== 'mutex') {
                        throw new LevelError(w + ': `' + op.lock + '` is an RwLock: use read or write');
                    }
                    if ((op.kind === 'read' || op.kind === 'write') && kind !== 'rwlock') {
                        throw new LevelError(w + ': `' + op.lock + '` is a Mutex: use lock');
                    }
                }
                if (op.condvar !== undefined && !condSet.has(op.condvar)) {
                    throw new LevelError(w + ': `' + op.condvar + '` is not a declared condvar');
                }
                if (op.shared !== undefined && !Object.prototype.hasOwnProperty.call(shared, op.shared)) {
                    throw new LevelError(w + ': `' + op.shared + '` is not a shared value');
                }
                if (op.local !== undefined && Object.prototype.hasOwnProperty.call(shared, op.local)) {
                    throw new LevelError(w + ': the local `' + op.local + '` has the name of a shared value');
                }
                if ((op.kind === 'if' || op.kind === 'goto') && labels[op.target] === undefined) {
                    throw new LevelError(w + ': no op is labelled `' + op.target + '`');
                }
                for (const name of namesIn(op.expr)) {
                    if (!assigned.has(name)) {
                        throw new LevelError(
                            w + ': `' + name + '` is not a local of this thread' +
                                (Object.prototype.hasOwnProperty.call(shared, name) ? ' (load shared values first)' : '')
                        );
                    }
                }
            }
            return {
                name: raw.name,
                index: index,
                spawn: typeof raw.spawn === 'string' ? raw.spawn : '',
                lines: lines.map((l, li) => ({ code: l.code, ops: ops.filter((o) => o.line === li) })),
                ops: ops,
                lineStart: lineStart,
                labels: labels,
                locals: locals,
            };
        });
        const finals = (level.finally || []).map(function (f, n) {
            const where = 'puzzle ' + id + ', finally ' + (n + 1);
            if (!f || typeof f.check !== 'string' || typeof f.message !== 'string') {
                throw new LevelError(where + ': needs `check` and `message`');
            }
            const expr = parseExpr(f.check, where);
            for (const name of namesIn(expr)) {
                if (!Object.prototype.hasOwnProperty.call(shared, name) && !names.has(name)) {
                    throw new LevelError(where + ': `' + name + '` is neither a shared value nor a thread (its result)');
                }
            }
            return { code: f.code || '', expr: expr, message: f.message, where: where };
        });
        if (level.safe !== true && level.safe !== false) fail('`safe` must be true or false');
        if (!level.safe && (typeof level.failure !== 'string' || level.failure === '')) {
            fail('a level that is not safe names the `failure` that wins (a panic message, or "deadlock")');
        }
        if (level.safe && level.failure !== undefined) fail('a safe level has no `failure` to reach');
        return {
            id: id,
            level: level,
            shared: shared,
            lockKinds: lockKinds,
            condvars: condvars,
            threads: threads,
            finals: finals,
        };
    }

    // ------------------------------------------------------------------ state

    function clone(v) {
        return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
    }

    /** The state before any step. */
    function initial(program) {
        const locks = {};
        for (const [name, kind] of Object.entries(program.lockKinds)) {
            locks[name] = kind === 'mutex' ? { owner: null } : { writer: null, readers: [] };
        }
        const waiters = {};
        for (const c of program.condvars) waiters[c] = [];
        return {
            shared: clone(program.shared),
            locks: locks,
            waiters: waiters,
            threads: program.threads.map((t) => ({ pc: 0, locals: clone(t.locals), status: 'run', result: null })),
            failure: null,
        };
    }

    /** A string that identifies a state (for exploration). */
    function stateKey(state) {
        return JSON.stringify(state);
    }

    function threadName(program, i) {
        return program.threads[i].name;
    }

    /** The locks thread `t` holds, with how (`lock`, `read`, `write`). */
    function heldBy(program, state, t) {
        const held = [];
        for (const [name, lock] of Object.entries(state.locks)) {
            if (lock.owner === t) held.push({ lock: name, how: 'lock' });
            if (lock.writer === t) held.push({ lock: name, how: 'write' });
            if (lock.readers && lock.readers.includes(t)) held.push({ lock: name, how: 'read' });
        }
        return held;
    }

    /** The op thread `t` runs next (null once it has finished). */
    function currentOp(program, state, t) {
        const th = state.threads[t];
        if (th.status === 'done' || th.status === 'panicked') return null;
        return program.threads[t].ops[th.pc] || null;
    }

    /** The line thread `t` is on (null once it has finished). */
    function currentLine(program, state, t) {
        const op = currentOp(program, state, t);
        return op ? op.line : null;
    }

    function holders(program, names) {
        return names.map((i) => threadName(program, i)).join(' and ');
    }

    /**
     * Why thread `t` cannot take a step, in words ("waits for `to`, held by
     * a"), or null when it can.
     */
    function blockedReason(program, state, t) {
        const th = state.threads[t];
        if (state.failure) return 'the program has stopped';
        if (th.status === 'done') return 'finished';
        if (th.status === 'panicked') return 'panicked';
        const op = program.threads[t].ops[th.pc];
        if (th.status === 'waiting') return 'sleeps on `' + op.condvar + '` until another thread notifies it';
        if (th.status === 'woken') {
            const owner = state.locks[op.lock].owner;
            if (owner === null) return null;
            return 'was woken; waits to re-lock `' + op.lock + '`, held by ' + who(owner);
        }
        if (op.kind === 'lock') {
            const owner = state.locks[op.lock].owner;
            return owner === null ? null : 'waits for `' + op.lock + '`, held by ' + who(owner);
        }
        if (op.kind === 'read') {
            const w = state.locks[op.lock].writer;
            return w === null ? null : 'waits to read `' + op.lock + '`: ' + who(w) + ' holds it for writing';
        }
        if (op.kind === 'write') {
            const lock = state.locks[op.lock];
            if (lock.writer !== null) return 'waits to write `' + op.lock + '`: ' + who(lock.writer) + ' holds it for writing';
            if (lock.readers.length > 0) {
                return 'waits to write `' + op.lock + '`: read-locked by ' + lock.readers.map(who).join(' and ');
            }
        }
        return null;
        function who(u) {
            return u === t ? threadName(program, u) + ' itself' : threadName(program, u);
        }
    }

    /** Whether thread `t` can take a step now. */
    function canStep(program, state, t) {
        return blockedReason(program, state, t) === null;
    }

    /** The threads that can take a step now. */
    function runnable(program, state) {
        const out = [];
        for (let t = 0; t < state.threads.length; t++) if (canStep(program, state, t)) out.push(t);
        return out;
    }

    /**
     * How the program ended, or null while some thread can still move:
     * `{kind: 'panic' | 'check' | 'deadlock' | 'done', message, text}`.
     * `message` is what loom would panic with ("deadlock" for a deadlock).
     */
    function outcome(program, state) {
        if (state.failure) return state.failure;
        const alive = state.threads.map((th, t) => t).filter((t) => !['done', 'panicked'].includes(state.threads[t].status));
        if (alive.length === 0) {
            const env = Object.assign({}, state.shared);
            program.threads.forEach((t, i) => (env[t.name] = state.threads[i].result));
            for (const f of program.finals) {
                if (!evalExpr(f.expr, env, f.where)) {
                    return {
                        kind: 'check',
                        message: f.message,
                        text: 'Every thread finished, and then the check `' + (f.code || exprText(f.expr)) + '` failed: ' + f.message + '.',
                    };
                }
            }
            return { kind: 'done', message: null, text: 'Every thread finished and every check passed.' };
        }
        if (runnable(program, state).length === 0) {
            const why = alive.map((t) => threadName(program, t) + ' ' + blockedReason(program, state, t));
            return { kind: 'deadlock', message: 'deadlock', text: 'Deadlock: ' + why.join('; ') + '. No thread can move, ever.' };
        }
        return null;
    }

    /** Whether an outcome is a failure (anything but every thread finishing fine). */
    function isFailure(result) {
        return Boolean(result) && result.kind !== 'done';
    }

    function finish(program, state, t) {
        const th = state.threads[t];
        const held = heldBy(program, state, t);
        if (held.length > 0) {
            const op = program.threads[t].ops[Math.min(th.pc, program.threads[t].ops.length - 1)];
            throw new LevelError(op.where + ': thread ' + threadName(program, t) + ' ends holding `' + held[0].lock + '`: unlock it first');
        }
        th.status = 'done';
    }

    function release(program, state, t, name, where) {
        const lock = state.locks[name];
        if (lock.owner !== undefined) {
            if (lock.owner !== t) throw new LevelError(where + ': unlocks `' + name + '`, which it does not hold');
            lock.owner = null;
            return;
        }
        if (lock.writer === t) {
            lock.writer = null;
            return;
        }
        const at = lock.readers.indexOf(t);
        if (at < 0) throw new LevelError(where + ': unlocks `' + name + '`, which it does not hold');
        lock.readers.splice(at, 1);
    }

    /**
     * Runs one op of thread `t`. Returns `{state, text}`: the new state (the
     * old one is not changed) and what happened, in words. Throws if `t`
     * cannot step.
     */
    function stepOp(program, state, t) {
        const reason = blockedReason(program, state, t);
        if (reason !== null) throw new Error('thread ' + threadName(program, t) + ' cannot step: it ' + reason);
        const next = clone(state);
        const th = next.threads[t];
        const code = program.threads[t];
        const op = code.ops[th.pc];
        const name = code.name;
        const w = op.where + ' (`' + op.text + '`)';
        let text;
        if (th.status === 'woken') {
            next.locks[op.lock].owner = t;
            th.status = 'run';
            th.pc += 1;
            text = name + ' wakes up and re-locks `' + op.lock + '`';
        } else {
            switch (op.kind) {
                case 'lock':
                    next.locks[op.lock].owner = t;
                    th.pc += 1;
                    text = name + ' locks `' + op.lock + '`';
                    break;
                case 'read':
                    next.locks[op.lock].readers.push(t);
                    th.pc += 1;
                    text = name + ' read-locks `' + op.lock + '`';
                    break;
                case 'write':
                    next.locks[op.lock].writer = t;
                    th.pc += 1;
                    text = name + ' write-locks `' + op.lock + '`';
                    break;
                case 'unlock':
                    release(program, next, t, op.lock, w);
                    th.pc += 1;
                    text = name + ' unlocks `' + op.lock + '`';
                    break;
                case 'load':
                    th.locals[op.local] = clone(next.shared[op.shared]);
                    th.pc += 1;
                    text = name + ' loads `' + op.shared + '` (' + showValue(th.locals[op.local]) + ') into ' + op.local;
                    break;
                case 'store': {
                    const v = evalExpr(op.expr, th.locals, w);
                    next.shared[op.shared] = v;
                    th.pc += 1;
                    text = name + ' stores ' + showValue(v) + ' into `' + op.shared + '`';
                    break;
                }
                case 'add': {
                    const v = evalExpr(op.expr, th.locals, w);
                    next.shared[op.shared] += v;
                    th.pc += 1;
                    text = name + ' adds ' + showValue(v) + ' to `' + op.shared + '` in one atomic step (now ' + showValue(next.shared[op.shared]) + ')';
                    break;
                }
                case 'push': {
                    const v = evalExpr(op.expr, th.locals, w);
                    if (!Array.isArray(next.shared[op.shared])) throw new LevelError(w + ': `' + op.shared + '` is not a list');
                    next.shared[op.shared].push(v);
                    th.pc += 1;
                    text = name + ' pushes ' + showValue(v) + ' onto `' + op.shared + '`';
                    break;
                }
                case 'pop_front':
                case 'pop_back': {
                    const list = next.shared[op.shared];
                    if (!Array.isArray(list)) throw new LevelError(w + ': `' + op.shared + '` is not a list');
                    const v = list.length === 0 ? null : op.kind === 'pop_front' ? list.shift() : list.pop();
                    th.locals[op.local] = v;
                    th.pc += 1;
                    text = name + ' pops ' + showValue(v) + ' from `' + op.shared + '` into ' + op.local;
                    break;
                }
                case 'let':
                    th.locals[op.local] = evalExpr(op.expr, th.locals, w);
                    th.pc += 1;
                    text = name + ' sets ' + op.local + ' = ' + showValue(th.locals[op.local]);
                    break;
                case 'assert':
                    if (evalExpr(op.expr, th.locals, w)) {
                        th.pc += 1;
                        text = name + ' checks ' + exprText(op.expr) + ': true';
                    } else {
                        th.status = 'panicked';
                        // A panicking thread drops its guards (and poisons its mutexes).
                        for (const held of heldBy(program, next, t)) release(program, next, t, held.lock, w);
                        next.failure = {
                            kind: 'panic',
                            message: op.message,
                            text: name + ' panicked: "' + op.message + '" (the check ' + exprText(op.expr) + ' failed).',
                        };
                        text = name + ' checks ' + exprText(op.expr) + ': false, and panics';
                    }
                    break;
                case 'if': {
                    const yes = Boolean(evalExpr(op.expr, th.locals, w));
                    th.pc = yes ? code.labels[op.target] : th.pc + 1;
                    text = name + ' tests ' + exprText(op.expr) + ': ' + yes;
                    break;
                }
                case 'goto':
                    th.pc = code.labels[op.target];
                    text = name + ' jumps to ' + op.target;
                    break;
                case 'wait': {
                    if (next.locks[op.lock].owner !== t) throw new LevelError(w + ': waits without holding `' + op.lock + '`');
                    next.locks[op.lock].owner = null;
                    next.waiters[op.condvar].push(t);
                    th.status = 'waiting';
                    text = name + ' unlocks `' + op.lock + '` and sleeps on `' + op.condvar + '`';
                    break;
                }
                case 'notify_one':
                case 'notify_all': {
                    const queue = next.waiters[op.condvar];
                    const woken = op.kind === 'notify_one' ? queue.splice(0, 1) : queue.splice(0, queue.length);
                    for (const u of woken) next.threads[u].status = 'woken';
                    th.pc += 1;
                    text =
                        name + ' notifies `' + op.condvar + '`: ' +
                        (woken.length === 0 ? 'nobody is waiting, so the notification is lost' : 'wakes ' + holders(program, woken));
                    break;
                }
                case 'return':
                    th.result = evalExpr(op.expr, th.locals, w);
                    th.pc = code.ops.length;
                    text = name + ' returns ' + showValue(th.result);
                    break;
                case 'end':
                    th.pc = code.ops.length;
                    text = name + ' ends';
                    break;
                default:
                    throw new LevelError(w + ': unknown op');
            }
        }
        if (th.status === 'run' && th.pc >= code.ops.length) finish(program, next, t);
        return { state: next, text: text };
    }

    /**
     * Runs thread `t` to the end of its current line (a collapsed line is one
     * step): ops run while the thread stays on the line and can move, at
     * least one. Returns `{state, texts}`.
     */
    function stepLine(program, state, t) {
        const line = currentLine(program, state, t);
        let result = stepOp(program, state, t);
        const texts = [result.text];
        let n = 1;
        while (
            n < MAX_OPS_PER_LINE &&
            !outcome(program, result.state) &&
            result.state.threads[t].status === 'run' &&
            currentLine(program, result.state, t) === line &&
            currentOpIsSameVisit(program, state, result.state, t) &&
            canStep(program, result.state, t)
        ) {
            result = stepOp(program, result.state, t);
            texts.push(result.text);
            n += 1;
        }
        return { state: result.state, texts: texts };
    }

    // A jump back to the start of the same line starts a new visit of it (a
    // loop on one line): a collapsed step stops there.
    function currentOpIsSameVisit(program, before, after, t) {
        return after.threads[t].pc > before.threads[t].pc;
    }

    /**
     * Replays a schedule: `steps` is a list of `[thread index, 'op' | 'line']`.
     * Returns `{state, log}`; throws if a step is impossible (a saved
     * schedule from an older version of the level).
     */
    function replay(program, steps) {
        let state = initial(program);
        const log = [];
        for (const step of steps) {
            if (!Array.isArray(step) || typeof step[0] !== 'number' || !(step[0] >= 0 && step[0] < state.threads.length)) {
                throw new Error('not a step: ' + JSON.stringify(step));
            }
            if (outcome(program, state)) throw new Error('a step after the end');
            if (!canStep(program, state, step[0])) throw new Error('thread ' + step[0] + ' cannot step there');
            if (step[1] === 'line') {
                const r = stepLine(program, state, step[0]);
                state = r.state;
                log.push(r.texts);
            } else {
                const r = stepOp(program, state, step[0]);
                state = r.state;
                log.push([r.text]);
            }
        }
        return { state: state, log: log };
    }

    /**
     * Explores every interleaving of single ops. Returns
     * `{interleavings, failing, states, outcomes}`: how many complete
     * schedules there are, how many of them fail, how many distinct states
     * they pass through, and per outcome message (null for a clean finish)
     * `{count, kind, text, example}` where `example` is one schedule (thread
     * indices) that reaches it. Throws on a level that can loop forever or
     * that is too big.
     */
    function explore(program, options) {
        const maxStates = (options && options.maxStates) || DEFAULT_MAX_STATES;
        const memo = new Map();
        const onPath = new Set();
        function visit(state) {
            const key = stateKey(state);
            const known = memo.get(key);
            if (known) return known;
            if (onPath.has(key)) {
                throw new LevelError('puzzle ' + program.id + ': a schedule can loop forever (a state repeats), so it has no end to check');
            }
            if (memo.size >= maxStates) {
                throw new LevelError('puzzle ' + program.id + ': more than ' + maxStates + ' states; make the level smaller');
            }
            const end = outcome(program, state);
            let result;
            if (end) {
                result = { paths: 1, failing: isFailure(end) ? 1 : 0, outcomes: {} };
                result.outcomes[String(end.message)] = { count: 1, kind: end.kind, text: end.text, example: [] };
            } else {
                onPath.add(key);
                result = { paths: 0, failing: 0, outcomes: {} };
                for (const t of runnable(program, state)) {
                    const sub = visit(stepOp(program, state, t).state);
                    result.paths += sub.paths;
                    result.failing += sub.failing;
                    for (const [msg, o] of Object.entries(sub.outcomes)) {
                        const mine = result.outcomes[msg];
                        if (mine) mine.count += o.count;
                        else result.outcomes[msg] = { count: o.count, kind: o.kind, text: o.text, example: [t].concat(o.example) };
                    }
                }
                onPath.delete(key);
            }
            memo.set(key, result);
            return result;
        }
        const root = visit(initial(program));
        const outcomes = {};
        for (const [msg, o] of Object.entries(root.outcomes)) outcomes[msg] = o;
        return { interleavings: root.paths, failing: root.failing, states: memo.size, outcomes: outcomes };
    }

    /** The failure messages an exploration found (`deadlock` or panic messages), sorted. */
    function failureMessages(result) {
        return Object.entries(result.outcomes)
            .filter(([, o]) => o.kind !== 'done')
            .map(([msg]) => msg)
            .sort();
    }

    return {
        LevelError: LevelError,
        MAX_THREADS: MAX_THREADS,
        parseExpr: parseExpr,
        evalExpr: evalExpr,
        exprText: exprText,
        showValue: showValue,
        parseOp: parseOp,
        opText: opText,
        compile: compile,
        initial: initial,
        stateKey: stateKey,
        currentOp: currentOp,
        currentLine: currentLine,
        heldBy: heldBy,
        blockedReason: blockedReason,
        canStep: canStep,
        runnable: runnable,
        outcome: outcome,
        isFailure: isFailure,
        stepOp: stepOp,
        stepLine: stepLine,
        replay: replay,
        explore: explore,
        failureMessages: failureMessages,
    };
});
