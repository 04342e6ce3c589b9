// Pages without a quiz fetch the quiz bundle once the page has loaded and
// the browser is idle, so the next page's quiz starts from the cache instead
// of a 440 KB download (`cargo xtask bench pages` measures this).
(function () {
  'use strict';
  if (document.querySelector('.quiz-placeholder') || typeof path_to_root !== 'string') {
    return;
  }
  window.addEventListener('load', function () {
    ['quiz/quiz-embed.iife.js', 'quiz/style.css'].forEach(function (file) {
      var link = document.createElement('link');
      link.rel = 'prefetch';
      link.href = path_to_root + file;
      document.head.appendChild(link);
    });
  });
})();
