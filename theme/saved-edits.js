// Fearless Locking: edits to editable snippets survive reloads (per page and
// block, in this browser's localStorage). The rules live in reader-core.js;
// this file only wires them to mdBook's Ace editors (editor.js fills
// `window.editors`, each with `originalCode`, before this script runs).
//
// If storage is unavailable or full, the editors behave exactly as without
// this script: nothing is restored, nothing breaks.

(function savedEdits() {
    'use strict';
    const core = window.FearlessReader;
    if (!core || !window.ace || !Array.isArray(window.editors) || window.editors.length === 0) return;
    const storage = core.browserStorage(window);
    if (!storage) return;

    const root = new URL(typeof path_to_root === 'string' ? path_to_root : '', location.href).pathname;
    const page = core.pagePath(location.pathname, root);
    const editors = window.editors.filter(function (editor) {
        return typeof editor.originalCode === 'string';
    });
    const keys = core.editKeys(
        page,
        editors.map(function (editor) {
            return editor.originalCode;
        })
    );
    core.pruneEdits(storage, page, keys);

    editors.forEach(function (editor, i) {
        const key = keys[i];
        const original = editor.originalCode;
        const code = editor.container; // the <code class="editable"> element
        const pre = code.closest('pre') || code.parentElement;

        // "Edited — saved in this browser. [Reset to original]", shown only
        // while the block differs from its original.
        const note = document.createElement('div');
        note.className = 'fl-edit-note';
        note.hidden = true;
        note.setAttribute('data-edit-key', key);
        const label = document.createElement('span');
        label.className = 'fl-edit-status';
        label.textContent = 'Edited — saved in this browser. ';
        const reset = document.createElement('button');
        reset.type = 'button';
        reset.className = 'fl-edit-reset';
        reset.textContent = 'Reset to original';
        reset.addEventListener('click', function () {
            editor.setValue(original, 1);
            core.clearEdit(storage, key);
            refresh();
            editor.focus();
        });
        note.append(label, reset);
        pre.insertAdjacentElement('afterend', note);

        let failed = false;
        function refresh() {
            const edited = editor.getValue() !== original;
            note.hidden = !edited;
            pre.classList.toggle('fl-edited', edited);
            label.textContent = failed
                ? 'Edited — not saved (this browser refused to store it). '
                : 'Edited — saved in this browser. ';
        }

        const saved = core.loadEdit(storage, key, original);
        if (saved !== null) editor.setValue(saved, 1);
        // Whatever else is stored there (empty, malformed, stale) is of no use: drop it.
        else core.clearEdit(storage, key);
        refresh();

        let timer = null;
        function save() {
            timer = null;
            failed = !core.saveEdit(storage, key, original, editor.getValue());
            refresh();
        }
        editor.on('change', function () {
            if (timer === null) timer = setTimeout(save, 300);
        });
        // Save what is pending when the reader leaves the page.
        window.addEventListener('pagehide', function () {
            if (timer !== null) {
                clearTimeout(timer);
                save();
            }
        });
    });
})();
