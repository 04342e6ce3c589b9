// Fearless Locking: the progress page (src/progress.md), three sections
// from the lists the preprocessors put into the page: the quizzes (with
// mdbook-quiz's saved answers, `mdbook-quiz:<stem>` in localStorage), the
// scheduler puzzles and the exercises (their own saved state), each with a
// table, reset buttons and a two-click "reset all". Everything happens in
// this page: no network, works offline.

(function progressPage() {
    'use strict';
    const core = window.FearlessReader;
    if (!core) return;
    const storage = core.browserStorage(window);
    const root = typeof path_to_root === 'string' ? path_to_root : '';

    /** An element: `text` sets its text, `rich` its text with `code` spans, the rest are attributes. */
    function el(tag, attrs, children) {
        const node = document.createElement(tag);
        for (const [name, value] of Object.entries(attrs || {})) {
            if (name === 'text') node.textContent = value;
            else if (name === 'rich') {
                String(value).split('`').forEach(function (part, i) {
                    if (part) node.append(i % 2 ? el('code', { text: part }) : document.createTextNode(part));
                });
            } else node.setAttribute(name, value);
        }
        for (const child of children || []) node.append(child);
        return node;
    }

    /**
     * The section's host and the list a preprocessor put into the page, or
     * null: no such section here, or (said in the section) a damaged list.
     */
    function section(hostId, dataId, what) {
        const host = document.getElementById(hostId);
        const dataElement = document.getElementById(dataId);
        if (!host || !dataElement) return null;
        try {
            return { host: host, data: JSON.parse(dataElement.textContent) };
        } catch (_) {
            host.textContent = 'The list of ' + what + ' in this page is damaged; rebuild the book.';
            return null;
        }
    }

    /** "Reset all …": two clicks, no dialog; the second within 5 s confirms. */
    function resetAll(id, label, armedLabel, reset) {
        const button = el('button', { type: 'button', id: id, text: label });
        let armed = null;
        button.addEventListener('click', function () {
            if (armed === null) {
                button.textContent = armedLabel;
                button.classList.add('fl-armed');
                armed = setTimeout(function () {
                    armed = null;
                    button.textContent = label;
                    button.classList.remove('fl-armed');
                }, 5000);
                return;
            }
            clearTimeout(armed);
            reset();
        });
        return el('p', {}, [button]);
    }

    /** Another tab saved or reset something under `prefix`: show it. */
    function followOtherTabs(prefix, render) {
        window.addEventListener('storage', function (event) {
            if (event.key === null || event.key.startsWith(prefix)) render();
        });
    }

    quizProgress();
    puzzleProgress();
    exerciseProgress();

    // The quizzes: a table per chapter of the quiz list that
    // `cargo xtask progress-data` put into the page (#fl-progress-data).
    function quizProgress() {
        const found = section('fl-progress', 'fl-progress-data', 'quizzes');
        if (!found) return;
        const host = found.host;
        const chapters = found.data;
        const quizzes = chapters.flatMap(function (chapter) {
            return chapter.quizzes;
        });

        function statusCell(status, quiz) {
            switch (status.state) {
                case 'done':
                    return el('td', { class: 'fl-status fl-done', text: '✓ done — ' + status.correct + '/' + status.total + ' correct' });
                case 'changed':
                    return el('td', {
                        class: 'fl-status fl-changed',
                        text: 'answered an older version (' + status.correct + '/' + status.total + '); the quiz has changed, take it again',
                    });
                case 'unreadable':
                    return el('td', { class: 'fl-status fl-unreadable', text: 'saved data unreadable — reset it' });
                default:
                    return el('td', { class: 'fl-status fl-none', text: 'not taken yet (' + quiz.questions + ' questions)' });
            }
        }

        function render() {
            host.replaceChildren();
            if (!storage) {
                host.append(
                    el('p', {
                        class: 'fl-progress-empty',
                        text: 'This browser does not let the course use local storage (a private window, or site data blocked), so no quiz answers are saved and there is no progress to show.',
                    })
                );
                return;
            }
            const summary = core.progressSummary(storage, quizzes);
            const headline =
                summary.saved === 0
                    ? 'Nothing saved yet: finish a quiz at the end of any page and it will show up here.'
                    : 'You have finished ' + summary.done + ' of ' + summary.quizzes + ' quizzes, with ' +
                      summary.correct + ' of ' + summary.answered + ' answers correct.';
            host.append(el('p', { id: 'fl-progress-summary', class: summary.saved === 0 ? 'fl-progress-empty' : '', text: headline }));

            let part = null;
            for (const chapter of chapters) {
                if (chapter.part && chapter.part !== part) {
                    part = chapter.part;
                    host.append(el('h2', { text: part }));
                }
                const rows = chapter.quizzes.map(function (quiz) {
                    const status = core.quizStatus(storage, quiz.stem, quiz.questions);
                    const page = el('a', { href: root + quiz.page, text: quiz.title });
                    const action = el('td', {});
                    if (status.state !== 'none') {
                        const reset = el('button', { type: 'button', class: 'fl-reset-quiz', 'data-quiz': quiz.stem, text: 'Reset' });
                        reset.addEventListener('click', function () {
                            core.resetQuiz(storage, quiz.stem);
                            render();
                        });
                        action.append(reset);
                    }
                    return el('tr', { 'data-quiz': quiz.stem, 'data-state': status.state }, [el('td', {}, [page]), statusCell(status, quiz), action]);
                });
                host.append(
                    el('h3', { text: chapter.title }),
                    el('table', { class: 'fl-progress-table' }, [
                        el('thead', {}, [el('tr', {}, [el('th', { text: 'Page' }), el('th', { text: 'Quiz' }), el('th', {})])]),
                        el('tbody', {}, rows),
                    ])
                );
            }
            if (summary.saved > 0) {
                host.append(
                    resetAll('fl-reset-all', 'Reset all quizzes', 'Click again to forget every answer', function () {
                        for (const quiz of quizzes) core.resetQuiz(storage, quiz.stem);
                        render();
                    })
                );
            }
        }

        render();
        followOtherTabs(core.QUIZ_PREFIX, render);
    }

    // The scheduler puzzles: the levels that `cargo xtask puzzles-data`
    // listed (#fl-puzzle-data), each with what this browser saved for it
    // (theme/puzzles.js saves `fearless-puzzle:<id>`).
    function puzzleProgress() {
        const found = section('fl-puzzle-progress', 'fl-puzzle-data', 'puzzles');
        if (!found) return;
        const host = found.host;
        const data = found.data;
        const ids = data.levels.map((level) => level.id);

        function statusText(status) {
            switch (status.state) {
                case 'solved':
                    return status.how === 'proved'
                        ? '✓ solved — proved it cannot fail' + (status.interleavings ? ' (' + status.interleavings.toLocaleString('en') + ' interleavings)' : '')
                        : '✓ solved — broke it';
                case 'started':
                    return 'in progress (' + status.steps + (status.steps === 1 ? ' step)' : ' steps)');
                case 'unreadable':
                    return 'saved data unreadable — reset it';
                default:
                    return 'not started';
            }
        }

        function render() {
            host.replaceChildren();
            if (!storage) {
                host.append(el('p', { class: 'fl-progress-empty', text: 'This browser does not let the course use local storage, so no puzzle is saved.' }));
                return;
            }
            const summary = core.puzzleSummary(storage, ids);
            const all = data.page ? el('a', { href: root + data.page, text: 'every puzzle on one page' }) : null;
            const headline = el('p', { id: 'fl-puzzle-summary', class: summary.saved === 0 ? 'fl-progress-empty' : '' }, [
                document.createTextNode(
                    summary.saved === 0
                        ? 'No puzzle played yet: ' + ids.length + ' are waiting in the pages they teach, or '
                        : 'You have solved ' + summary.solved + ' of ' + summary.puzzles + ' puzzles' +
                              (summary.started ? ' and started ' + summary.started + ' more' : '') + '. Play them here, or '
                ),
                all || document.createTextNode('in their pages'),
                document.createTextNode('.'),
            ]);
            host.append(headline);
            const rows = data.levels.map(function (level) {
                const status = core.puzzleStatus(storage, level.id);
                const action = el('td', {});
                if (status.state !== 'none') {
                    const reset = el('button', { type: 'button', class: 'fl-reset-puzzle', 'data-puzzle': level.id, text: 'Reset' });
                    reset.addEventListener('click', function () {
                        core.resetPuzzle(storage, level.id);
                        render();
                    });
                    action.append(reset);
                }
                return el('tr', { 'data-puzzle': level.id, 'data-state': status.state }, [
                    el('td', {}, [el('a', { href: root + level.page + '#' + level.anchor, rich: level.title })]),
                    el('td', { rich: level.chapter }),
                    el('td', { class: 'fl-status', text: statusText(status) }),
                    action,
                ]);
            });
            host.append(
                el('table', { class: 'fl-progress-table' }, [
                    el('thead', {}, [el('tr', {}, [el('th', { text: 'Puzzle' }), el('th', { text: 'Page' }), el('th', { text: 'Status' }), el('th', {})])]),
                    el('tbody', {}, rows),
                ])
            );
            if (summary.saved > 0) {
                host.append(
                    resetAll('fl-reset-all-puzzles', 'Reset all puzzles', 'Click again to forget every puzzle', function () {
                        for (const id of ids) core.resetPuzzle(storage, id);
                        render();
                    })
                );
            }
        }

        render();
        followOtherTabs(core.PUZZLE_PREFIX, render);
    }

    // The exercises: those that `cargo xtask progress-data` listed
    // (#fl-exercise-data), each with what this browser saved for it
    // (theme/workbench.js saves `fearless-exercise:<id>`).
    function exerciseProgress() {
        const found = section('fl-exercise-progress', 'fl-exercise-data', 'exercises');
        if (!found) return;
        const host = found.host;
        const exercises = found.data;
        const ids = exercises.map((e) => e.id);

        function day(iso) {
            const date = new Date(iso);
            return date.toLocaleDateString('en', { year: 'numeric', month: 'long', day: 'numeric' });
        }

        function statusText(status) {
            switch (status.state) {
                case 'solved':
                    return '✓ solved on ' + day(status.solved);
                case 'started': {
                    if (status.scenarios) return 'in progress — the scenarios pass (' + day(status.scenarios) + '); the loom models run on your machine';
                    const parts = [];
                    if (status.edited) parts.push('code saved');
                    if (status.hints) parts.push(status.hints + (status.hints === 1 ? ' hint' : ' hints') + ' opened');
                    return 'in progress' + (parts.length ? ' (' + parts.join(', ') + ')' : '');
                }
                case 'unreadable':
                    return 'saved data unreadable — reset it';
                default:
                    return 'not started';
            }
        }

        function render() {
            host.replaceChildren();
            if (!storage) {
                host.append(el('p', { class: 'fl-progress-empty', text: 'This browser does not let the course use local storage, so no exercise is saved.' }));
                return;
            }
            const summary = core.exerciseSummary(storage, ids);
            host.append(
                el('p', {
                    id: 'fl-exercise-summary',
                    class: summary.saved === 0 ? 'fl-progress-empty' : '',
                    text:
                        summary.saved === 0
                            ? 'No exercise started yet: each of the ' + ids.length + ' exercise pages has an editor with a Check button.'
                            : 'You have solved ' + summary.solved + ' of ' + summary.exercises + ' exercises' +
                              (summary.started ? ' and started ' + summary.started + ' more' : '') + '.',
                })
            );
            const rows = exercises.map(function (exercise) {
                const status = core.exerciseStatus(storage, exercise.id);
                const action = el('td', {});
                if (status.state !== 'none') {
                    const reset = el('button', { type: 'button', class: 'fl-reset-exercise', 'data-exercise': exercise.id, text: 'Reset' });
                    reset.setAttribute('aria-label', 'Reset ' + exercise.title + ': forget its code, hints and verdict');
                    reset.addEventListener('click', function () {
                        core.resetExercise(storage, exercise.id);
                        render();
                    });
                    action.append(reset);
                }
                return el('tr', { 'data-exercise': exercise.id, 'data-state': status.state }, [
                    el('td', {}, [el('a', { href: root + exercise.page, text: exercise.title })]),
                    el('td', { text: exercise.difficulty }),
                    el('td', { class: 'fl-status' + (status.state === 'solved' ? ' fl-done' : ''), text: statusText(status) }),
                    action,
                ]);
            });
            host.append(
                el('table', { class: 'fl-progress-table' }, [
                    el('thead', {}, [el('tr', {}, [el('th', { text: 'Exercise' }), el('th', { text: 'Difficulty' }), el('th', { text: 'Status' }), el('th', {})])]),
                    el('tbody', {}, rows),
                ])
            );
            if (summary.saved > 0) {
                host.append(
                    resetAll('fl-reset-all-exercises', 'Reset all exercises', 'Click again to forget every exercise', function () {
                        for (const id of ids) core.resetExercise(storage, id);
                        render();
                    })
                );
            }
        }

        render();
        followOtherTabs(core.EXERCISE_PREFIX, render);
    }
})();
