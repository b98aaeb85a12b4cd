// The account menu in the chat's header: who is signed in, and Change password, API keys,
// Users (admins only) and Sign out. Shown only in mode `accounts`; opening and closing is
// disclosure_menu.js.

import { disclosureMenu } from './disclosure_menu.js';
import { byId } from './dom.js';

export function createAccountMenuView({ onPassword, onKeys, onUsers, onSignOut }) {
    const box = byId('account');
    const button = byId('account-button');
    const menu = byId('account-menu');
    const initial = byId('account-initial');
    const name = byId('account-name');
    const who = byId('account-who');
    const role = byId('account-role');
    const users = byId('menu-users');
    const { setOpen, isOpen } = disclosureMenu(box, button, menu);
    let shownUser;

    function render(state) {
        const user = state.screen === 'chat' ? state.user : null;
        if (user === shownUser) return;
        shownUser = user;
        box.hidden = !user;
        if (!user) {
            setOpen(false);
            return;
        }
        initial.textContent = user.username.slice(0, 1).toUpperCase();
        name.textContent = user.username;
        who.textContent = user.username;
        role.textContent = user.role === 'admin' ? ' (admin)' : '';
        users.hidden = user.role !== 'admin';
        button.setAttribute('aria-label', `Account: ${user.username}`);
    }

    /** Closes the menu, then runs `action`; the dialog it opens takes the focus. */
    function choose(action) {
        return () => {
            setOpen(false);
            action();
        };
    }

    byId('menu-password').addEventListener('click', choose(onPassword));
    byId('menu-keys').addEventListener('click', choose(onKeys));
    users.addEventListener('click', choose(onUsers));
    byId('menu-sign-out').addEventListener('click', choose(onSignOut));

    return {
        render,
        get open() {
            return isOpen();
        },
    };
}
