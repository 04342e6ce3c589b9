// Keyboard and screen-reader fixes to mdBook's page (checked by the
// browser tests in xtask/src/browser/accessibility.rs and keyboard.rs).
// Wiring only: it runs after book.js and editor.js, which it leaves alone.
(function () {
    'use strict';

    // The sidebar toggle is a <button> in theme/index.hbs (mdBook's is a
    // <label> for the hidden checkbox that book.js watches): flip the
    // checkbox as the label did, and tell book.js through its `change` event.
    const toggle = document.getElementById('mdbook-sidebar-toggle');
    const checkbox = document.getElementById('mdbook-sidebar-toggle-anchor');
    if (toggle && checkbox && toggle.tagName === 'BUTTON') {
        toggle.setAttribute('aria-expanded', String(checkbox.checked));
        toggle.addEventListener('click', () => {
            checkbox.checked = !checkbox.checked;
            checkbox.dispatchEvent(new Event('change'));
        });
    }

    // Ace's editors: their hidden <textarea> gets a name, and Tab stays
    // Ace's indent key (readers edit code) but Escape, then Tab (or
    // Shift-Tab), moves the focus on, so the editor is no keyboard trap.
    const EDITOR_LABEL = 'Editable Rust code. Tab indents; press Escape, then Tab, to leave the editor.';
    function wireEditor(container) {
        const input = container.querySelector('textarea');
        if (!input || input.hasAttribute('aria-label')) {
            return;
        }
        input.setAttribute('aria-label', EDITOR_LABEL);
        let escaped = false;
        // Capture phase on the container runs before Ace's own key handler
        // on the textarea; stopping the event there keeps Ace from indenting
        // and leaves the browser's Tab (focus the next element) to happen.
        container.addEventListener('keydown', (event) => {
            if (event.key === 'Tab' && escaped) {
                event.stopPropagation();
            }
            escaped = event.key === 'Escape';
        }, true);
    }
    document.querySelectorAll('.ace_editor').forEach(wireEditor);

    // Code and output that scroll sideways must take keyboard focus, or a
    // keyboard reader cannot scroll them. Only blocks that do scroll join
    // the Tab order; re-checked when the layout changes.
    function markScrollable(el) {
        const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
        if (scrolls && !el.hasAttribute('tabindex')) {
            el.setAttribute('tabindex', '0');
            el.setAttribute('data-fl-scroll-focus', '');
        } else if (!scrolls && el.hasAttribute('data-fl-scroll-focus')) {
            el.removeAttribute('tabindex');
            el.removeAttribute('data-fl-scroll-focus');
        }
    }
    function markAll() {
        document.querySelectorAll('main pre > code:not(.ace_editor), main .table-wrapper')
            .forEach(markScrollable);
    }
    markAll();
    window.addEventListener('load', markAll);
    window.addEventListener('resize', markAll);
    // A run's output (`code.result`) appears, and grows, after a click.
    new MutationObserver((records) => {
        for (const r of records) {
            const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
            const out = el && el.closest('code.result');
            if (out) {
                markScrollable(out);
            }
            for (const node of r.addedNodes) {
                if (node.nodeType === 1 && node.matches('code.result')) {
                    markScrollable(node);
                }
                if (node.nodeType === 1 && node.classList.contains('ace_editor')) {
                    wireEditor(node);
                }
            }
        }
    }).observe(document.querySelector('main') || document.body, { childList: true, subtree: true, characterData: true });
})();
