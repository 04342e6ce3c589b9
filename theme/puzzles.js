// Fearless Locking: the scheduler puzzles on the page. Each `.fl-puzzle`
// element (written by `cargo xtask puzzles-data`) holds a level's prose, a
// static listing of its program, and its data as JSON; this script turns it
// into the game: a panel per thread with its code, the current line marked
// and a Step button; the shared state; Undo, Restart and "This cannot fail".
// All the logic is in scheduler.js (FearlessScheduler); saving goes through
// reader-core.js (FearlessReader). Loaded only on pages with a puzzle.

(function () {
    'use strict';

    function el(tag, attrs, children) {
        const node = document.createElement(tag);
        for (const [name, value] of Object.entries(attrs || {})) {
            if (value === null || value === undefined || value === false) continue;
            if (name === 'text') node.textContent = value;
            else if (name === 'rich') richText(node, value);
            else node.setAttribute(name, value === true ? '' : value);
        }
        for (const child of children || []) if (child) node.append(child);
        return node;
    }

    /** Text with `backticked` parts as <code>. */
    function richText(node, text) {
        String(text)
            .split('`')
            .forEach(function (part, i) {
                if (part === '') return;
                node.append(i % 2 === 1 ? el('code', { text: part }) : document.createTextNode(part));
            });
        return node;
    }

    let counter = 0;

    /** One puzzle on the page. */
    function Puzzle(root, S, core, storage) {
        this.root = root;
        this.S = S;
        this.core = core;
        this.storage = storage;
        this.id = root.getAttribute('data-level');
        this.uid = 'fl-pz' + ++counter;
        const data = root.querySelector('script.fl-puzzle-data');
        this.hash = core.hashText(data.textContent);
        this.level = JSON.parse(data.textContent);
        this.program = S.compile(this.level);
        this.steps = [];
        this.expanded = new Set();
        this.solved = null;
        this.interleavings = null;
        this.claim = null; // the last claim's verdict, shown until the next step
        this.note = null;
        this.restore();
    }

    Puzzle.prototype.restore = function () {
        const saved = this.core.loadPuzzle(this.storage, this.id);
        if (!saved) return;
        this.solved = saved.solved;
        this.interleavings = saved.interleavings;
        if (saved.level !== this.hash) {
            if (saved.steps.length > 0) this.note = 'This puzzle has changed since you last played it, so it starts afresh.';
            return;
        }
        try {
            this.S.replay(this.program, saved.steps);
            this.steps = saved.steps;
            this.expanded = new Set(saved.expanded);
        } catch (_) {
            this.note = 'Your saved steps no longer fit this puzzle, so it starts afresh.';
        }
    };

    Puzzle.prototype.save = function () {
        this.core.savePuzzle(this.storage, this.id, {
            level: this.hash,
            steps: this.steps,
            expanded: Array.from(this.expanded),
            solved: this.solved,
            interleavings: this.interleavings,
        });
    };

    /** The current state and the text of every step so far. */
    Puzzle.prototype.current = function () {
        return this.S.replay(this.program, this.steps);
    };

    Puzzle.prototype.isExpanded = function (t, line) {
        return this.expanded.has(t + ':' + line) || this.program.threads[t].lines[line].ops.length <= 1;
    };

    Puzzle.prototype.step = function (t) {
        const { state } = this.current();
        if (this.S.outcome(this.program, state) || !this.S.canStep(this.program, state, t)) return;
        const line = this.S.currentLine(this.program, state, t);
        const th = state.threads[t];
        // A woken waiter's re-lock is a step of its own, whatever the line.
        const mode = this.isExpanded(t, line) || th.status === 'woken' ? 'op' : 'line';
        this.steps = this.steps.concat([[t, mode]]);
        this.claim = null;
        this.afterChange(true);
    };

    Puzzle.prototype.undo = function () {
        if (this.steps.length === 0) return;
        this.steps = this.steps.slice(0, -1);
        this.claim = null;
        this.afterChange(false);
    };

    Puzzle.prototype.restart = function () {
        this.steps = [];
        this.claim = null;
        this.note = null;
        this.afterChange(false);
    };

    Puzzle.prototype.toggle = function (t, line) {
        const key = t + ':' + line;
        if (this.expanded.has(key)) this.expanded.delete(key);
        else this.expanded.add(key);
        this.save();
        this.render();
    };

    /** "This cannot fail": explore every interleaving and judge the claim. */
    Puzzle.prototype.claimSafe = function () {
        const result = this.S.explore(this.program);
        const n = result.interleavings.toLocaleString('en');
        const states = result.states.toLocaleString('en');
        if (result.failing === 0) {
            this.solved = 'proved';
            this.interleavings = result.interleavings;
            this.claim = {
                ok: true,
                text:
                    'Verified: the page tried every interleaving — ' + n + (result.interleavings === 1 ? ' of them' : ' in all') +
                    ', through ' + states + ' distinct states — and none of them fails. You were right: this cannot fail.',
            };
        } else {
            this.claim = {
                ok: false,
                text:
                    'Not so: the page tried all ' + n + ' interleavings, and ' + result.failing.toLocaleString('en') +
                    ' of them fail. Keep looking — undo, restart, and expand lines (▸) to see their parts.',
            };
        }
        this.save();
        this.render();
        this.announce(this.claim.text);
    };

    Puzzle.prototype.afterChange = function (stepped) {
        const { state, log } = this.current();
        const end = this.S.outcome(this.program, state);
        if (end && this.S.isFailure(end) && !this.level.safe && end.message === this.level.failure) {
            this.solved = this.solved || 'broke';
        }
        this.save();
        this.render();
        if (stepped) {
            const last = log[log.length - 1] || [];
            this.announce(last.join('; ') + (end ? '. ' + this.outcomeText(end) : ''));
        }
    };

    Puzzle.prototype.announce = function (text) {
        const live = this.root.querySelector('.fl-puzzle-live');
        if (live) {
            live.textContent = '';
            live.textContent = text.replace(/`/g, '');
        }
    };

    Puzzle.prototype.outcomeText = function (end) {
        if (!end) return '';
        const reached = this.S.isFailure(end) && !this.level.safe && end.message === this.level.failure;
        if (reached) return 'Goal reached! ' + end.text;
        if (this.S.isFailure(end)) return end.text + ' That is not this puzzle\'s goal: undo and try another way.';
        return this.level.safe
            ? end.text + ' Does every order end like this? If you think so, claim it.'
            : end.text + ' This schedule was harmless. Undo a few steps or restart, and try another order.';
    };

    // ------------------------------------------------------------- rendering

    Puzzle.prototype.render = function () {
        // Re-rendering replaces the buttons: keep the keyboard focus where it was.
        const active = document.activeElement;
        const focusKey = active && this.root.contains(active) ? active.getAttribute('data-focus') : null;
        const S = this.S;
        const program = this.program;
        const { state, log } = this.current();
        const end = S.outcome(program, state);
        const self = this;

        const threads = program.threads.map(function (thread, t) {
            const th = state.threads[t];
            const line = S.currentLine(program, state, t);
            const op = S.currentOp(program, state, t);
            const reason = S.blockedReason(program, state, t);
            const statusId = self.uid + '-status-' + t;
            const lines = thread.lines.map(function (l, li) {
                const current = li === line;
                const expandable = l.ops.length > 1;
                const open = expandable && self.expanded.has(t + ':' + li);
                const item = el('li', { class: 'fl-line' + (current ? ' fl-current' : ''), 'aria-current': current ? 'step' : null }, [
                    el('span', { class: 'fl-marker', 'aria-hidden': 'true', text: current ? '▶' : '' }),
                    el('code', { class: 'fl-code', text: l.code }),
                ]);
                if (expandable) {
                    const toggle = el('button', {
                        type: 'button',
                        class: 'fl-expand',
                        'aria-expanded': open ? 'true' : 'false',
                        'aria-label': (open ? 'Hide' : 'Show') + ' the ' + l.ops.length + ' steps of line ' + (li + 1) + ' of thread ' + thread.name,
                        title: open ? 'Run this line as one step' : 'Show its steps, and run them one at a time',
                        'data-focus': 'expand-' + t + '-' + li,
                        text: open ? '▾' : '▸',
                    });
                    toggle.addEventListener('click', () => self.toggle(t, li));
                    item.insertBefore(toggle, item.children[1]);
                }
                if (open) {
                    item.append(
                        el(
                            'ol',
                            { class: 'fl-ops' },
                            l.ops.map((o) => {
                                const here = current && o === op;
                                return el('li', { class: here ? 'fl-current-op' : null, 'aria-current': here ? 'step' : null }, [
                                    el('span', { class: 'fl-marker', 'aria-hidden': 'true', text: here ? '▶' : '' }),
                                    el('span', { text: S.opText(o) }),
                                ]);
                            })
                        )
                    );
                }
                return item;
            });
            let status;
            if (th.status === 'done') {
                status = 'Finished' + (th.result !== null ? ', returned ' + S.showValue(th.result) : '') + '.';
            } else if (th.status === 'panicked') {
                status = 'Panicked.';
            } else if (reason) {
                status = 'Blocked: ' + reason + '.';
            } else if (th.status === 'woken') {
                status = 'Next: wake up and re-lock `' + op.lock + '`.';
            } else {
                status = self.isExpanded(t, line)
                    ? 'Next: ' + S.opText(op) + '.'
                    : 'Next: the marked line, as one step (▸ shows its parts).';
            }
            const blocked = reason !== null;
            const button = el('button', {
                type: 'button',
                class: 'fl-step',
                'aria-disabled': blocked ? 'true' : null,
                'aria-describedby': statusId,
                'data-focus': 'step-' + t,
                text: 'Step ' + thread.name,
            });
            button.addEventListener('click', () => self.step(t));
            const locals = Object.entries(th.locals).map(([k, v]) => k + ' = ' + S.showValue(v));
            return el('section', { class: 'fl-thread' + (blocked ? ' fl-blocked' : ''), 'aria-label': 'Thread ' + thread.name, 'data-thread': thread.name }, [
                el('p', { class: 'fl-thread-name' }, [
                    el('strong', { text: thread.name }),
                    thread.spawn ? el('code', { class: 'fl-spawn', text: thread.spawn }) : null,
                ]),
                el('ol', { class: 'fl-lines' }, lines),
                el('div', { class: 'fl-thread-foot' }, [
                    button,
                    el('p', { class: 'fl-thread-status', id: statusId, rich: status }),
                    locals.length ? el('p', { class: 'fl-locals', text: 'Locals: ' + locals.join(', ') }) : null,
                ]),
            ]);
        });

        // Shared values, with the lock of the same name beside them.
        const rows = [];
        const lockText = function (name) {
            const lock = state.locks[name];
            const who = (i) => program.threads[i].name;
            if (lock.owner !== undefined) return lock.owner === null ? 'free' : 'locked by ' + who(lock.owner);
            if (lock.writer !== null) return 'write-locked by ' + who(lock.writer);
            if (lock.readers.length) return 'read-locked by ' + lock.readers.map(who).join(' and ');
            return 'free';
        };
        const shownLocks = new Set();
        for (const [name, value] of Object.entries(state.shared)) {
            const parts = [el('code', { text: name }), document.createTextNode(' = ' + S.showValue(value))];
            if (state.locks[name]) {
                shownLocks.add(name);
                parts.push(el('span', { class: 'fl-lock', text: ' — ' + lockText(name) }));
            }
            rows.push(el('li', {}, parts));
        }
        for (const name of Object.keys(state.locks)) {
            if (!shownLocks.has(name)) rows.push(el('li', {}, [el('code', { text: name }), el('span', { class: 'fl-lock', text: ': ' + lockText(name) })]));
        }
        for (const [name, waiters] of Object.entries(state.waiters)) {
            const who = waiters.map((i) => program.threads[i].name);
            rows.push(
                el('li', {}, [
                    el('code', { text: name }),
                    document.createTextNode(': ' + (who.length ? who.join(', ') + ' asleep, first to wake: ' + who[0] : 'nobody asleep')),
                ])
            );
        }

        const finals = program.finals.length
            ? el('div', { class: 'fl-finally' }, [
                  el('p', { text: 'Once every thread has finished, main checks:' }),
                  el('pre', {}, [el('code', { text: program.finals.map((f) => f.code).join('\n') })]),
              ])
            : null;

        const undo = el('button', { type: 'button', class: 'fl-undo', 'data-focus': 'undo', 'aria-disabled': this.steps.length === 0 ? 'true' : null, text: 'Undo' });
        undo.addEventListener('click', () => this.undo());
        const restart = el('button', { type: 'button', class: 'fl-restart', 'data-focus': 'restart', 'aria-disabled': this.steps.length === 0 ? 'true' : null, text: 'Restart' });
        restart.addEventListener('click', () => this.restart());
        const claim = el('button', { type: 'button', class: 'fl-claim', 'data-focus': 'claim', text: 'This cannot fail' });
        claim.addEventListener('click', () => this.claimSafe());

        const messages = [];
        if (this.note) messages.push(el('p', { class: 'fl-note', rich: this.note }));
        if (end) {
            const reached = this.S.isFailure(end) && !this.level.safe && end.message === this.level.failure;
            messages.push(el('p', { class: 'fl-outcome ' + (reached ? 'fl-won' : this.S.isFailure(end) ? 'fl-failed' : 'fl-finished'), rich: this.outcomeText(end) }));
        }
        if (this.claim) messages.push(el('p', { class: 'fl-claim-result ' + (this.claim.ok ? 'fl-won' : 'fl-failed'), rich: this.claim.text }));
        if (this.solved && !end && !this.claim) {
            messages.push(
                el('p', {
                    class: 'fl-solved',
                    text: this.solved === 'proved' ? '✓ Solved: you proved this cannot fail.' : '✓ Solved: you broke it. Play on, or restart.',
                })
            );
        }

        const history = el('details', { class: 'fl-log', open: this.logOpen ? true : null }, [
            el('summary', { text: 'What happened so far (' + log.length + (log.length === 1 ? ' step)' : ' steps)') }),
            log.length
                ? el('ol', {}, log.map((texts) => el('li', { rich: texts.join('; ') })))
                : el('p', { text: 'Nothing yet: step a thread.' }),
        ]);
        history.addEventListener('toggle', () => (this.logOpen = history.open));

        const board = el('div', { class: 'fl-puzzle-board', 'data-solved': this.solved || '' }, [
            el('div', { class: 'fl-threads' }, threads),
            el('div', { class: 'fl-shared' }, [el('p', { class: 'fl-shared-title', text: 'Shared state' }), el('ul', {}, rows)]),
            finals,
            el('div', { class: 'fl-controls' }, [undo, restart, claim]),
            el('div', { class: 'fl-messages' }, messages),
            history,
        ]);
        const old = this.root.querySelector('.fl-puzzle-board');
        if (old) old.replaceWith(board);
        else this.root.querySelector('.fl-puzzle-live').before(board);

        // The "what happened" text and the fix link: once solved.
        const shown = Boolean(this.solved);
        for (const part of this.root.querySelectorAll('.fl-puzzle-won, .fl-puzzle-fix')) part.hidden = !shown;
        this.root.setAttribute('data-state', end ? end.kind : 'running');
        this.root.setAttribute('data-solved', this.solved || '');

        if (focusKey) {
            const again = board.querySelector('[data-focus="' + focusKey + '"]');
            if (again) again.focus();
        }
    };

    /** Builds the game in a `.fl-puzzle` element; the static listing stays for errors. */
    function start(root, S, core, storage) {
        let puzzle;
        try {
            puzzle = new Puzzle(root, S, core, storage);
        } catch (err) {
            root.append(el('p', { class: 'fl-puzzle-error', text: 'This puzzle could not start: ' + (err && err.message ? err.message : err) }));
            return null;
        }
        for (const part of root.querySelectorAll('.fl-puzzle-program, .fl-puzzle-nojs')) part.hidden = true;
        root.classList.add('fl-puzzle-live-game');
        const live = el('div', { class: 'fl-puzzle-live fl-visually-hidden', role: 'status', 'aria-live': 'polite' });
        const won = root.querySelector('.fl-puzzle-won');
        root.insertBefore(live, won);
        puzzle.render();
        return puzzle;
    }

    function init() {
        const S = window.FearlessScheduler;
        const core = window.FearlessReader;
        if (!S || !core) return;
        const storage = core.browserStorage(window);
        const puzzles = [];
        for (const root of document.querySelectorAll('.fl-puzzle')) {
            if (root.classList.contains('fl-puzzle-live-game')) continue;
            const p = start(root, S, core, storage);
            if (p) puzzles.push(p);
        }
        window.FearlessPuzzles = puzzles;
    }

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
})();
