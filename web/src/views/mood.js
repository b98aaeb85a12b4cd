// The conversation's colours on the whole page. A change of theme animates (the custom
// properties are registered in styles.css); opening a conversation shows its colours at once.

import { applyTheme } from '../theme.js';

export function createMoodView() {
    const root = document.documentElement;
    let shown = null;

    function render(state) {
        const { theme, instant } = state.themeToShow;
        if (state.themeToShow === shown) return;
        shown = state.themeToShow;
        if (instant) {
            root.dataset.instant = 'true';
            requestAnimationFrame(() => requestAnimationFrame(() => delete root.dataset.instant));
        }
        const applied = applyTheme(theme, root);
        root.dataset.themed = applied ? 'true' : 'false';
    }

    return { render };
}
