// The conversation sidebar: beside the chat on wide screens, a drawer over it on phones.

import { byId, phoneLayout } from './dom.js';

export function createSidebarView() {
    const app = byId('app');
    const toggle = byId('toggle-sidebar');
    const scrim = byId('scrim');
    const newConversation = byId('new-conversation');

    function setOpen(open) {
        app.dataset.sidebar = open ? 'open' : 'closed';
        toggle.setAttribute('aria-expanded', String(open));
        scrim.hidden = !open || !phoneLayout();
        if (open && phoneLayout()) newConversation.focus();
    }

    toggle.addEventListener('click', () => setOpen(app.dataset.sidebar !== 'open'));
    scrim.addEventListener('click', () => setOpen(false));

    return {
        setOpen,
        /** After choosing a conversation on a phone, the drawer gets out of the way. */
        closeOnPhone() {
            if (phoneLayout()) setOpen(false);
        },
        /** Esc closes the drawer first; true when it did. */
        closeDrawerFromKeyboard() {
            if (app.dataset.sidebar !== 'open' || !phoneLayout()) return false;
            setOpen(false);
            toggle.focus();
            return true;
        },
    };
}
