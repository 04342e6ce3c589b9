// Quiz progress, read from what mdbook-quiz 0.5.0 saves: node --test theme/tests/
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const core = require('../reader-core.js');
const { FakeStorage } = require('./fake-storage.js');

// The shape mdbook-quiz 0.5.0 stores once a quiz is finished
// (quiz-embed.iife.js, class UB: save(answers, confirmedDone, attempt, wrongAnswers)).
function finished(correctness) {
    return JSON.stringify({
        answers: correctness.map((correct) => ({ answer: { doesCompile: true, stdout: '1' }, correct, start: 1, end: 2 })),
        confirmedDone: true,
        attempt: 0,
        quizHash: 'd41d8cd98f00b204e9800998ecf8427e',
    });
}

test('nothing saved', () => {
    assert.deepEqual(core.quizStatus(new FakeStorage(), 'mutex-guards', 3), { state: 'none' });
});

test('a finished quiz: done with its score', () => {
    const storage = new FakeStorage({ 'mdbook-quiz:mutex-guards': finished([true, false, true]) });
    assert.deepEqual(core.quizStatus(storage, 'mutex-guards', 3), { state: 'done', correct: 2, total: 3 });
});

test('a quiz that changed its number of questions since', () => {
    const storage = new FakeStorage({ 'mdbook-quiz:mutex-guards': finished([true, true]) });
    assert.deepEqual(core.quizStatus(storage, 'mutex-guards', 3), { state: 'changed', correct: 2, total: 2 });
});

test('unreadable values are reported, not thrown', () => {
    for (const raw of ['{oops', 'null', '[]', '{"answers": 3}']) {
        const storage = new FakeStorage({ 'mdbook-quiz:q': raw });
        assert.deepEqual(core.quizStatus(storage, 'q', 1), { state: 'unreadable' }, raw);
    }
});

test('reset removes exactly that quiz', () => {
    const storage = new FakeStorage({
        'mdbook-quiz:a': finished([true]),
        'mdbook-quiz:b': finished([false]),
        'mdbook-theme': 'navy',
    });
    assert.equal(core.resetQuiz(storage, 'a'), true);
    assert.equal(core.quizStatus(storage, 'a', 1).state, 'none');
    assert.equal(core.quizStatus(storage, 'b', 1).state, 'done');
    assert.equal(storage.getItem('mdbook-theme'), 'navy');
});

test('summary over the book', () => {
    const storage = new FakeStorage({
        'mdbook-quiz:a': finished([true, true]),
        'mdbook-quiz:b': finished([false, true, true]),
        'mdbook-quiz:c': '{oops',
    });
    const quizzes = [
        { stem: 'a', questions: 2 },
        { stem: 'b', questions: 3 },
        { stem: 'c', questions: 1 },
        { stem: 'd', questions: 4 },
    ];
    assert.deepEqual(core.progressSummary(storage, quizzes), { quizzes: 4, saved: 3, done: 2, correct: 4, answered: 5 });
});

test('blocked storage reads as nothing saved', () => {
    const storage = new FakeStorage({ 'mdbook-quiz:a': finished([true]) });
    storage.blocked = true;
    assert.deepEqual(core.quizStatus(storage, 'a', 1), { state: 'none' });
    assert.equal(core.resetQuiz(storage, 'a'), false);
    assert.deepEqual(core.quizStatus(null, 'a', 1), { state: 'none' });
});
