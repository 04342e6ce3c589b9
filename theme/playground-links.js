// Fearless Locking: under each runnable Rust block, a link that opens it on
// play.rust-lang.org (the whole program, hidden lines and your edits
// included) to share or keep. Blocks that need a crate the public playground
// lacks (loom, dashmap) say so instead, and how to run them locally.

(function playgroundLinks() {
    'use strict';
    const core = window.FearlessReader;
    if (!core) return;
    const host = location.hostname;
    // theme/head.hbs sets `fearlessLocal` when the local playground serves the page.
    const local = window.fearlessLocal === true || host === '127.0.0.1' || host === 'localhost' || host === '[::1]';

    function codeOf(pre) {
        // book.js's own helper: the editor's text, or the full text with hidden lines.
        if (typeof playground_text === 'function') return playground_text(pre, true);
        const code = pre.querySelector('code');
        return code ? code.textContent : '';
    }

    document.querySelectorAll('pre.playground').forEach(function (pre) {
        const code = pre.querySelector('code');
        // book.js drops `language-rust` from editable blocks; every playground block is Rust.
        if (!code) return;
        const note = document.createElement('p');
        note.className = 'fl-play-note';
        const missing = core.cratesMissingOnPlayground(codeOf(pre));
        if (missing.length > 0) {
            note.classList.add('fl-play-local-only');
            const names = missing.join(' and ');
            if (local) {
                note.textContent = 'Uses ' + names + ', which play.rust-lang.org does not have; ▶ runs it here, on your machine.';
            } else {
                const command = document.createElement('code');
                command.textContent = 'cargo xtask serve';
                note.append(
                    'Uses ' + names + ', which play.rust-lang.org does not have, so it cannot run here. ' +
                        'To run it, clone the course and start it with ',
                    command,
                    ': ▶ then runs it on your machine.'
                );
            }
        } else {
            const link = document.createElement('a');
            link.className = 'fl-play-link';
            link.target = '_blank';
            link.rel = 'noopener';
            link.textContent = 'Open in play.rust-lang.org ↗';
            const edition = core.blockEdition(Array.from(code.classList), '2024');
            const update = function () {
                link.href = core.playgroundUrl(codeOf(pre), edition);
            };
            update();
            // The reader may have edited the block since: link what is there now.
            link.addEventListener('mousedown', update);
            link.addEventListener('focus', update);
            link.addEventListener('click', update);
            note.append(link);
        }
        // After the saved-edits note, if the block has one.
        let after = pre;
        while (after.nextElementSibling && after.nextElementSibling.classList.contains('fl-edit-note')) {
            after = after.nextElementSibling;
        }
        after.insertAdjacentElement('afterend', note);
    });
})();
