// The account menu in the chat's header: who is signed in, and Change password, API keys,
// Users (admins only) and Sign out. Shown only in mode `accounts`. A disclosure button with
// a list of buttons: Tab moves through them, Esc or a click elsewhere closes it.

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
    let shownUser;

    function setOpen(open, { focusButton = false } = {}) {
        menu.hidden = !open;
        button.setAttribute('aria-expanded', String(open));
        if (open) menu.querySelector('.menu-item:not([hidden])')?.focus();
        else if (focusButton) button.focus();
    }

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

    button.addEventListener('click', () => setOpen(menu.hidden));
    byId('menu-password').addEventListener('click', choose(onPassword));
    byId('menu-keys').addEventListener('click', choose(onKeys));
    users.addEventListener('click', choose(onUsers));
    byId('menu-sign-out').addEventListener('click', choose(onSignOut));
    box.addEventListener('keydown', (event) => {
        if (event.key !== 'Escape' || menu.hidden) return;
        event.stopPropagation(); // Esc here is not "stop the reply"
        setOpen(false, { focusButton: true });
    });
    document.addEventListener('click', (event) => {
        if (!menu.hidden && !box.contains(event.target)) setOpen(false);
    });
    box.addEventListener('focusout', (event) => {
        if (!menu.hidden && event.relatedTarget && !box.contains(event.relatedTarget)) setOpen(false);
    });

    return {
        render,
        get open() {
            return !menu.hidden;
        },
    };
}
