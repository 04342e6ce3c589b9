// Fearless Locking: the exercise workbench on an exercise page. The
// `.fl-workbench` element (written by the progress-data preprocessor, see
// xtask/src/workbench/embed.rs) holds the starter's API for readers without
// JavaScript and the exercise's data; this script turns it into an editor
// (mdBook's Ace) with Check, hints one at a time, the solution on request,
// and "Reset to the starter", and saves the code in this browser.
//
// Where a check runs:
// - served by `cargo xtask serve` (a loopback page whose /meta/crates says
//   it is the course's playground): the local server's POST /exercise/check,
//   the scenarios, then the loom models;
// - anywhere else: play.rust-lang.org's evaluate.json, the scenarios only
//   (it has no loom), and the page says how to run the models locally.
// `?playground=public` on a local page checks the published site's way.
//
// Every word of a diagnosis comes from the checker (Rust); this script
// shows it. The logic is in workbench-core.js (FearlessWorkbench), saving in
// reader-core.js (FearlessReader). Loaded only on exercise pages.

(function () {
    'use strict';

    /** How long a check may take before the page gives up on an answer. */
    const LOCAL_PATIENCE_MS = 180000;
    const PUBLIC_PATIENCE_MS = 90000;

    function el(tag, attrs, children) {
        const node = document.createElement(tag);
        for (const [name, value] of Object.entries(attrs || {})) {
            if (value === null || value === undefined || value === false) continue;
            if (name === 'text') node.textContent = value;
            else node.setAttribute(name, value === true ? '' : value);
        }
        for (const child of children || []) if (child) node.append(child);
        return node;
    }

    /** Text with `backticked` parts as <code>. */
    function rich(text) {
        const span = document.createElement('span');
        String(text)
            .split('`')
            .forEach(function (part, i) {
                if (part) span.append(i % 2 === 1 ? el('code', { text: part }) : document.createTextNode(part));
            });
        return span;
    }

    function now() {
        return new Date().toISOString();
    }

    /** Whether the local server is there, or the page was asked to act as published. */
    function whereChecksRun(wb) {
        if (new URLSearchParams(location.search).get('playground') === 'public') return Promise.resolve('public');
        if (!wb.isLoopback(location)) return Promise.resolve('public');
        return fetch('/meta/crates', { headers: { Accept: 'application/json' } })
            .then((r) => (r.ok && r.headers.get('x-fearless-playground') === '1' ? 'local' : 'public'))
            .catch(() => 'public');
    }

    /** `fetch` that gives up after `ms`, saying so. */
    function fetchWithin(url, init, ms) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), ms);
        return fetch(url, Object.assign({}, init, { signal: controller.signal }))
            .catch(function (err) {
                if (controller.signal.aborted) {
                    const late = new Error('no answer after ' + Math.round(ms / 1000) + ' s');
                    late.timedOut = true;
                    throw late;
                }
                throw err;
            })
            .finally(() => clearTimeout(timer));
    }

    /** The JSON of a response, or null when it is not JSON. */
    function jsonOf(response) {
        return response.text().then(function (text) {
            try {
                return JSON.parse(text);
            } catch (_) {
                return null;
            }
        });
    }

    function aceTheme() {
        const html = document.documentElement.classList;
        return html.contains('coal') || html.contains('navy') || html.contains('ayu') ? 'ace/theme/tomorrow_night' : 'ace/theme/dawn';
    }

    /** One workbench. */
    function Workbench(root, data, wb, core, storage) {
        this.root = root;
        this.data = data;
        this.wb = wb;
        this.core = core;
        this.storage = storage;
        this.busy = false;
        this.tail = null;
        this.passedHere = false;
        this.state = (storage && core.loadExercise(storage, data.id)) || core.newExercise();
        this.saveFailed = false;
        this.mode = whereChecksRun(wb);
        this.build();
    }

    Workbench.prototype.build = function () {
        const self = this;
        const data = this.data;
        const restore = this.core.exerciseCode(this.state, data.starter);
        if (restore.stale) {
            // Never restore code written for another starter; the rest stays.
            this.state.code = null;
            this.save();
        }

        this.where = el('p', { class: 'fl-wb-where', text: 'Finding out where checks can run…' });
        const editorBox = el('div', { class: 'fl-wb-editor', 'data-exercise': data.id });
        this.editor = window.ace.edit(editorBox);
        this.editor.setOptions({
            highlightActiveLine: false,
            showPrintMargin: false,
            showLineNumbers: true,
            showGutter: true,
            maxLines: Infinity,
            minLines: 8,
            fontSize: '0.875em',
        });
        this.editor.$blockScrolling = Infinity;
        this.editor.getSession().setMode('ace/mode/rust');
        this.editor.getSession().setTabSize(4);
        this.editor.getSession().setUseSoftTabs(true);
        this.editor.setTheme(aceTheme());
        this.editor.setValue(restore.code !== null ? restore.code : data.starter, -1);
        // book.js re-themes every editor in this list when the reader switches
        // theme. (saved-edits.js keeps only those with an `originalCode`.)
        if (Array.isArray(window.editors)) window.editors.push(this.editor);

        this.saveNote = el('p', { class: 'fl-wb-save-note', 'aria-live': 'polite' });
        if (restore.stale) {
            this.saveNote.textContent =
                "This exercise's starter has changed since you last worked on it here, so your old code was not restored.";
        }

        this.checkButton = el('button', { type: 'button', class: 'fl-wb-check', text: 'Check' });
        this.hintButton = el('button', { type: 'button', class: 'fl-wb-hint' });
        this.solutionButton = el('button', { type: 'button', class: 'fl-wb-show-solution', text: 'Show the solution' });
        this.resetButton = el('button', { type: 'button', class: 'fl-wb-reset', text: 'Reset to the starter' });
        this.status = el('p', { class: 'fl-wb-status', role: 'status' });
        this.clock = el('span', { class: 'fl-wb-clock', 'aria-hidden': 'true' });
        this.output = el('code', { class: 'fl-wb-report' });
        this.outputBox = el('pre', { class: 'fl-wb-output', tabindex: '0', 'aria-label': "The checker's report", hidden: true }, [this.output]);
        // It scrolls sideways: keyboard readers need to focus it to scroll it.
        this.solutionCode = el('code', { class: 'language-rust', text: data.solution, tabindex: '0', 'aria-label': 'The reference solution' });
        this.solutionPanel = el('div', { class: 'fl-wb-solution', hidden: true }, [
            el('p', {}, [rich('The reference solution, `' + data.label + '` as the course wrote it:')]),
            el('pre', {}, [this.solutionCode]),
        ]);

        const editorSlot = el('div', { class: 'fl-wb-editor-slot' });
        const ui = el('div', { class: 'fl-wb-ui' }, [
            this.where,
            editorSlot,
            this.saveNote,
            el('div', { class: 'fl-wb-buttons' }, [this.checkButton, this.hintButton, this.solutionButton, this.resetButton]),
            el('div', { class: 'fl-wb-status-line' }, [this.status, this.clock]),
            this.outputBox,
            this.solutionPanel,
        ]);
        const fallback = this.root.querySelector('.fl-workbench-static');
        if (fallback) fallback.hidden = true;
        this.root.prepend(ui);
        // The editor goes in on its own, after the rest: accessibility.js
        // names the editors it sees added (and gives them Escape, then Tab,
        // as the way out).
        editorSlot.replaceWith(editorBox);
        this.editor.resize(true);

        this.hints = Array.from(document.querySelectorAll('main details.fl-hint'));
        this.showHints();

        let timer = null;
        this.editor.on('change', function () {
            if (timer === null) {
                timer = setTimeout(function () {
                    timer = null;
                    self.keepCode();
                }, 300);
            }
        });
        window.addEventListener('pagehide', function () {
            if (timer !== null) {
                clearTimeout(timer);
                timer = null;
                self.keepCode();
            }
        });
        this.checkButton.addEventListener('click', () => this.check());
        this.hintButton.addEventListener('click', () => this.nextHint());
        this.solutionButton.addEventListener('click', () => this.solutionClicked());
        this.resetButton.addEventListener('click', () => this.resetClicked());
        this.noteSaved();
        this.mode.then(function (mode) {
            self.where.replaceChildren(
                mode === 'local'
                    ? rich('Check runs on your machine, through `cargo xtask serve`: the scenarios on real threads, then the loom models, as `' + data.commands.check + '` does.')
                    : rich('Check runs the scenarios on play.rust-lang.org. It has no loom, so the models run only on your machine: clone the course and run `' + data.commands.check + '` (or, in the unzipped exercises.zip, `' + data.commands.models + '`).')
            );
        });
    };

    Workbench.prototype.save = function () {
        if (!this.storage) {
            this.saveFailed = true;
            return;
        }
        this.saveFailed = !this.core.saveExercise(this.storage, this.data.id, this.state, this.data.starter);
    };

    /** Saves the editor's code (called shortly after each change). */
    Workbench.prototype.keepCode = function () {
        this.state.code = this.editor.getValue();
        this.save();
        this.noteSaved();
    };

    Workbench.prototype.noteSaved = function () {
        const edited = this.editor.getValue() !== this.data.starter;
        if (!edited) {
            if (!this.saveNote.textContent.startsWith("This exercise's starter has changed")) this.saveNote.textContent = '';
            return;
        }
        this.saveNote.textContent = this.saveFailed
            ? 'Your code is not saved: this browser refused to store it (private window, or storage full).'
            : 'Your code is saved in this browser.';
    };

    // ------------------------------------------------------------ hints

    Workbench.prototype.showHints = function () {
        const shown = Math.min(this.state.hints, this.hints.length);
        this.hints.forEach(function (hint, i) {
            hint.hidden = i >= shown;
        });
        if (this.hints.length === 0) {
            this.hintButton.hidden = true;
        } else if (shown < this.hints.length) {
            this.hintButton.removeAttribute('aria-disabled');
            this.hintButton.textContent = 'Show hint ' + (shown + 1) + ' of ' + this.hints.length;
        } else {
            // aria-disabled, not disabled: the button keeps the keyboard focus.
            this.hintButton.setAttribute('aria-disabled', 'true');
            this.hintButton.textContent = 'All ' + this.hints.length + ' hints shown below';
        }
    };

    Workbench.prototype.nextHint = function () {
        const next = Math.min(this.state.hints, this.hints.length);
        if (next >= this.hints.length) return;
        this.state.hints = next + 1;
        this.save();
        this.showHints();
        const hint = this.hints[next];
        hint.open = true;
        const summary = hint.querySelector('summary');
        if (summary) summary.focus();
        if (this.state.hints >= this.hints.length) this.status.textContent = 'That was the last hint.';
    };

    // ---------------------------------------------------------- solution

    /** Two clicks within 5 s, unless a check passed: the first one arms. */
    function twoClicks(button, armedText, action) {
        let armed = null;
        const idle = button.textContent;
        return function (confirmed) {
            if (confirmed || armed !== null) {
                clearTimeout(armed);
                armed = null;
                button.classList.remove('fl-armed');
                button.textContent = idle;
                action();
                return;
            }
            button.textContent = armedText;
            button.classList.add('fl-armed');
            armed = setTimeout(function () {
                armed = null;
                button.textContent = idle;
                button.classList.remove('fl-armed');
            }, 5000);
        };
    }

    Workbench.prototype.solutionClicked = function () {
        if (!this.solutionPanel.hidden) {
            this.solutionPanel.hidden = true;
            this.solutionButton.textContent = 'Show the solution';
            return;
        }
        if (!this.confirmSolution) {
            this.confirmSolution = twoClicks(this.solutionButton, 'Click again to see the answer', () => this.showSolution());
        }
        const earned = this.passedHere || Boolean(this.state.solved) || Boolean(this.state.scenarios);
        this.confirmSolution(earned);
    };

    Workbench.prototype.showSolution = function () {
        this.solutionPanel.hidden = false;
        this.solutionButton.textContent = 'Hide the solution';
        if (window.hljs && !this.solutionCode.classList.contains('hljs')) {
            try {
                if (typeof window.hljs.highlightElement === 'function') window.hljs.highlightElement(this.solutionCode);
                else window.hljs.highlightBlock(this.solutionCode);
            } catch (_) {
                // Plain text is fine.
            }
            this.solutionCode.classList.add('hljs');
        }
    };

    // ------------------------------------------------------------- reset

    Workbench.prototype.resetClicked = function () {
        if (!this.confirmReset) {
            this.confirmReset = twoClicks(this.resetButton, 'Click again to replace your code with the starter', () => {
                this.editor.setValue(this.data.starter, -1);
                this.state.code = null;
                this.save();
                this.saveNote.textContent = '';
                this.status.textContent = 'Your code was replaced with the starter.';
                this.editor.focus();
            });
        }
        this.confirmReset(this.editor.getValue() === this.data.starter);
    };

    // ------------------------------------------------------------- check

    Workbench.prototype.say = function (text) {
        this.outputBox.hidden = false;
        this.output.textContent += text;
    };

    Workbench.prototype.verdict = function (kind, text) {
        this.status.className = 'fl-wb-status fl-wb-' + kind;
        this.status.textContent = text;
        this.root.setAttribute('data-verdict', kind);
    };

    /** Explains why nothing was checked, with the terminal route. */
    Workbench.prototype.cannotCheck = function (why) {
        const c = this.data.commands;
        this.say(
            why +
                '\n\nNothing was checked. You can check it on your machine instead: clone the course and run\n\n    ' +
                c.check +
                '\n\nor, in the unzipped exercises.zip (linked from the Exercises page), run\n\n    ' +
                c.scenarios +
                '\n    ' +
                c.models +
                '\n'
        );
        this.verdict('unavailable', 'Not checked: ' + why.split('\n')[0]);
    };

    Workbench.prototype.check = function () {
        if (this.busy) return Promise.resolve();
        this.busy = true;
        const self = this;
        const code = this.editor.getValue();
        this.state.code = code;
        this.output.textContent = '';
        this.outputBox.hidden = true;
        this.checkButton.setAttribute('aria-disabled', 'true');
        this.root.setAttribute('data-verdict', 'checking');
        this.status.className = 'fl-wb-status';
        this.status.textContent = 'Checking your code…';
        const started = Date.now();
        this.clock.textContent = '';
        const tick = setInterval(function () {
            self.clock.textContent = ' ' + Math.round((Date.now() - started) / 1000) + ' s';
        }, 1000);
        return this.mode
            .then((mode) => (mode === 'local' ? this.checkLocally(code) : this.checkPublicly(code)))
            .catch((err) => this.cannotCheck('The page failed while checking: ' + (err && err.message ? err.message : err) + '.'))
            .finally(function () {
                clearInterval(tick);
                const took = (Date.now() - started) / 1000;
                self.clock.textContent = ' (' + took.toFixed(1) + ' s)';
                self.root.setAttribute('data-took-ms', String(Date.now() - started));
                self.state.checked = now();
                self.save();
                self.noteSaved();
                self.busy = false;
                self.checkButton.removeAttribute('aria-disabled');
            });
    };

    Workbench.prototype.postLocal = function (code, half) {
        const body = JSON.stringify(this.wb.localRequest(this.data.id, code, half));
        return fetchWithin(
            (typeof path_to_root === 'string' ? path_to_root : '') + this.wb.LOCAL_CHECK,
            { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body },
            LOCAL_PATIENCE_MS
        ).then((response) => jsonOf(response).then((json) => this.wb.readLocalAnswer(response.status, json)));
    };

    Workbench.prototype.checkLocally = function (code) {
        const self = this;
        this.status.textContent = 'Checking your code: compiling it with the scenarios…';
        return this.postLocal(code, 'scenarios')
            .then(function (first) {
                if (!first.ok) return self.cannotCheck('The local playground refused the check: ' + first.text + '.');
                self.say(first.text);
                if (!first.passed) return self.verdict('failed', '✗ Not solved yet: a scenario failed (the report below says why).');
                self.status.textContent = 'The scenarios pass. Now the model checks (loom), every interleaving…';
                self.say('\n');
                return self.postLocal(code, 'models').then(function (second) {
                    if (!second.ok) return self.cannotCheck('The local playground refused the model check: ' + second.text + '.');
                    self.say(second.text);
                    if (!second.passed) return self.verdict('failed', '✗ Not solved yet: the scenarios pass, but a model failed (the report below says why).');
                    self.passedHere = true;
                    if (!self.state.solved) self.state.solved = now();
                    return self.verdict('solved', '✓ Solved: every scenario passed, and every model in every interleaving.');
                });
            })
            .catch(function (err) {
                self.cannotCheck(
                    err && err.timedOut
                        ? 'The local playground gave no answer (' + err.message + ').'
                        : 'The local playground could not be reached (' + (err && err.message) + '): is `cargo xtask serve` still running?'
                );
            });
    };

    Workbench.prototype.loadTail = function () {
        if (this.tail) return Promise.resolve(this.tail);
        const url = (typeof path_to_root === 'string' ? path_to_root : '') + this.data.data;
        return fetch(url)
            .then(function (r) {
                if (!r.ok) throw new Error('HTTP ' + r.status);
                return r.json();
            })
            .then((json) => {
                if (!json || json.v !== this.data.v || json.id !== this.data.id || typeof json.tail !== 'string') {
                    throw new Error('it belongs to another version of the course');
                }
                this.tail = json;
                return json;
            });
    };

    Workbench.prototype.checkPublicly = function (code) {
        const self = this;
        const wb = this.wb;
        return this.loadTail().then(
            function (tail) {
                const bundle = wb.assemble(code, tail.tail);
                self.status.textContent = 'Checking your code on play.rust-lang.org: the scenarios…';
                return fetchWithin(
                    wb.PUBLIC_EVALUATE,
                    { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(wb.evaluateRequest(bundle)) },
                    PUBLIC_PATIENCE_MS
                ).then(
                    function (response) {
                        return jsonOf(response).then(function (answer) {
                            if (!response.ok) {
                                const said = answer && typeof answer.error === 'string' ? ': ' + answer.error : '';
                                return self.cannotCheck('The public playground (play.rust-lang.org) refused the check (HTTP ' + response.status + said + ').');
                            }
                            return self.showPublic(wb.publicVerdict(answer, self.data.label, bundle, tail.words), answer);
                        });
                    },
                    function (err) {
                        self.cannotCheck(
                            err && err.timedOut
                                ? 'The public playground (play.rust-lang.org) gave no answer (' + err.message + ').'
                                : 'The public playground (play.rust-lang.org) could not be reached (' + (err && err.message) + ').'
                        );
                    }
                );
            },
            function (err) {
                self.cannotCheck("The checker's part of this exercise (" + self.data.data + ') could not be loaded: ' + err.message + '.');
            }
        );
    };

    Workbench.prototype.showPublic = function (verdict, answer) {
        const c = this.data.commands;
        switch (verdict.state) {
            case 'passed':
                this.say(verdict.text);
                this.say(
                    '\nThe model checks (loom) run only on your machine: play.rust-lang.org has no loom. Clone the course and run\n\n    ' +
                        c.check +
                        '\n\nor, in the unzipped exercises.zip, run\n\n    ' +
                        c.models +
                        '\n'
                );
                this.passedHere = true;
                if (!this.state.scenarios) this.state.scenarios = now();
                return this.verdict('scenarios', '✓ The scenarios pass. The loom models run on your machine (see below) before it counts as solved.');
            case 'failed':
                this.say(verdict.text);
                if (verdict.stopped) {
                    this.say(
                        '\n\nThe public playground stopped your code' +
                            (verdict.running ? ' during “' + verdict.running + '”' : '') +
                            (answer.error ? ': ' + answer.error : '') +
                            '. It may have run out of time or memory there; run the check on your machine for the full diagnosis: ' +
                            c.check +
                            '\n'
                    );
                }
                return this.verdict('failed', '✗ Not solved yet: a scenario failed (the report below says why).');
            case 'compile':
                this.say(verdict.text);
                return this.verdict('failed', '✗ Not solved yet: it does not compile.');
            default:
                return this.cannotCheck(
                    'The public playground answered something the page cannot read' + (answer && answer.error ? ' (' + answer.error + ')' : '') + ':\n\n' + verdict.text
                );
        }
    };

    function start() {
        const wb = window.FearlessWorkbench;
        const core = window.FearlessReader;
        // print.html holds every page: it prints the starters, it does not edit them.
        if (!wb || !core || /(^|\/)print\.html$/.test(location.pathname)) return;
        const storage = core.browserStorage(window);
        document.querySelectorAll('.fl-workbench').forEach(function (root) {
            if (root.hasAttribute('data-ready')) return;
            const dataElement = root.querySelector('.fl-workbench-data');
            let data;
            try {
                data = JSON.parse(dataElement.textContent);
            } catch (_) {
                root.prepend(el('p', { class: 'fl-wb-broken', text: "This exercise's data in the page is damaged; rebuild the book." }));
                return;
            }
            if (!window.ace) {
                root.prepend(el('p', { class: 'fl-wb-broken', text: "The editor did not load, so this page cannot check your code; use the terminal (below)." }));
                return;
            }
            root.setAttribute('data-ready', '');
            root.workbench = new Workbench(root, data, wb, core, storage);
        });
    }

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
})();
