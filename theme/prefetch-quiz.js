// Pages without a quiz prefetch the quiz bundle, so the next page's quiz
// starts from the cache instead of a 440 KB download (`cargo xtask bench
// pages` measures this). A prefetch has the lowest priority and never holds
// up the page's own text.
(function () {
    'use strict';
    if (document.querySelector('.quiz-placeholder') || typeof path_to_root !== 'string') {
        return;
    }
    for (const file of ['quiz/quiz-embed.iife.js', 'quiz/style.css']) {
        const link = document.createElement('link');
        link.rel = 'prefetch';
        link.href = path_to_root + file;
        document.head.appendChild(link);
    }
})();
