// The chat's header and the window title: the conversation's title, its theme's name and
// icon, "choosing colours…" while the server makes a theme, and the Edit and Delete buttons.

import { sanitizeTheme } from '../theme.js';
import { byId } from './dom.js';

/** The name and icon of the theme the open conversation wears, or null. */
function themeOf(state) {
    const { theme, conversationId } = state.themeToShow;
    if (!state.current || conversationId !== state.current.id) return null;
    return sanitizeTheme(theme);
}

export function createHeaderView() {
    const title = byId('chat-title');
    const themeName = byId('theme-name');
    const themePending = byId('theme-pending');
    const edit = byId('edit-conversation');
    const remove = byId('delete-conversation');

    function render(state) {
        const current = state.current;
        const name = current ? current.title || 'Untitled' : 'moodring';
        const theme = themeOf(state);
        const icon = theme?.icon ? `${theme.icon} ` : '';
        title.textContent = name;
        edit.disabled = !current;
        remove.disabled = !current;
        themeName.textContent = theme?.name ? `${icon}${theme.name}` : '';
        themeName.hidden = !theme?.name;
        themePending.hidden = !state.themePending;
        const windowTitle = current ? `${icon}${name} · moodring` : 'moodring';
        if (document.title !== windowTitle) document.title = windowTitle;
    }

    return { render };
}
