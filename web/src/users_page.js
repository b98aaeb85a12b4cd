// The users page (a dialog, admins only): every user with their role, a new password for
// one of them, Delete (after a confirmation), and a form to add one. The server's refusals
// (the last admin, a name taken, a rule broken) show beside the form or list that asked.

import { api } from './api.js';
import { byId, el } from './views/dom.js';
import { clockTime } from './words.js';

const ROLES = [
    ['user', 'User'],
    ['admin', 'Admin'],
];

/**
 * `self()` is the signed-in user; `onUserChanged(user)` and `onUserDeleted(id)` tell the
 * account state (our own role, our own account); `confirmAction` asks before a deletion.
 */
export function createUsersPage({ self, onUserChanged, onUserDeleted, confirmAction }) {
    const dialog = byId('users-dialog');
    const list = byId('users-list');
    const failure = byId('users-error');
    const note = byId('users-note');
    const form = byId('user-form');
    const formError = byId('user-form-error');
    const username = byId('user-username');
    const password = byId('user-new-password');
    const role = byId('user-role');
    const add = byId('user-add');
    const passwordForm = byId('user-password-form');
    const passwordLabel = byId('user-password-label');
    const newPassword = byId('user-password');
    let passwordFor = null; // the user whose new password is being typed

    function show(node, text) {
        node.textContent = text;
        node.hidden = !text;
    }

    function say(text) {
        show(failure, '');
        note.textContent = text;
    }

    function isSelf(user) {
        return String(user.id) === String(self()?.id);
    }

    function roleSelect(user) {
        const select = el('select', 'role-select');
        select.setAttribute('aria-label', `Role of ${user.username}`);
        for (const [value, label] of ROLES) {
            const option = el('option', '', label);
            option.value = value;
            option.selected = user.role === value;
            select.append(option);
        }
        select.addEventListener('change', () => changeRole(user, select));
        return select;
    }

    function rowButton(label, ariaLabel, onClick, danger = false) {
        const button = el('button', `btn btn-quiet btn-row${danger ? ' btn-danger' : ''}`, label);
        button.type = 'button';
        button.setAttribute('aria-label', ariaLabel);
        button.addEventListener('click', onClick);
        return button;
    }

    function userRow(user) {
        const row = el('tr');
        row.dataset.id = String(user.id);
        const name = el('td', 'user-name', user.username);
        if (isSelf(user)) name.append(el('span', 'you', ' (you)'));
        const roleCell = el('td');
        roleCell.append(roleSelect(user));
        const created = el('td');
        created.append(el('time', '', clockTime(user.created_at)));
        const actions = el('td', 'row-actions');
        actions.append(
            rowButton('New password', `Set a new password for ${user.username}`, () => askPassword(user)),
            rowButton('Delete', `Delete user ${user.username}`, () => deleteUser(user), true),
        );
        row.append(name, roleCell, created, actions);
        return row;
    }

    async function load() {
        let users;
        try {
            users = await api.listUsers();
        } catch (err) {
            show(failure, `Could not load the users: ${err.message}`);
            return;
        }
        list.replaceChildren(...users.map(userRow));
    }

    async function changeRole(user, select) {
        say('');
        try {
            const changed = await api.updateUser(user.id, { role: select.value });
            onUserChanged(changed);
            say(`${user.username} is now ${select.value === 'admin' ? 'an admin' : 'a user'}.`);
        } catch (err) {
            select.value = user.role; // the server said no: the old role stands
            show(failure, err.message);
            return;
        }
        // An admin who made themselves a user may not see this page any more.
        if (isSelf(user) && select.value !== 'admin') dialog.close();
        else await load();
    }

    function askPassword(user) {
        passwordFor = user;
        passwordForm.reset();
        passwordLabel.textContent = `New password for ${user.username}`;
        passwordForm.hidden = false;
        newPassword.focus();
    }

    function closePasswordForm() {
        passwordFor = null;
        passwordForm.reset();
        passwordForm.hidden = true;
    }

    async function setPassword(event) {
        event.preventDefault();
        const user = passwordFor;
        if (!user) return;
        say('');
        if (!newPassword.value) {
            show(failure, 'Enter the new password.');
            newPassword.focus();
            return;
        }
        try {
            await api.updateUser(user.id, { password: newPassword.value });
        } catch (err) {
            show(failure, err.message);
            newPassword.focus();
            newPassword.select();
            return;
        }
        closePasswordForm();
        say(`The password of ${user.username} was changed; their sessions were signed out.`);
    }

    async function deleteUser(user) {
        const yourself = isSelf(user) ? ' This is your own account: you will be signed out.' : '';
        const yes = await confirmAction({
            title: 'Delete user',
            text: `Delete ${user.username}? Their conversations, sessions and API keys are deleted too. This cannot be undone.${yourself}`,
        });
        if (!yes) return;
        say('');
        try {
            await api.deleteUser(user.id);
        } catch (err) {
            show(failure, err.message);
            return;
        }
        if (passwordFor && String(passwordFor.id) === String(user.id)) closePasswordForm();
        say(`${user.username} was deleted.`);
        onUserDeleted(user.id);
        if (dialog.open) await load();
    }

    async function addUser(event) {
        event.preventDefault();
        show(formError, '');
        const name = username.value.trim();
        if (!name) {
            show(formError, 'Enter a username.');
            username.focus();
            return;
        }
        if (!password.value) {
            show(formError, 'Enter a password for them.');
            password.focus();
            return;
        }
        add.disabled = true;
        try {
            await api.addUser(name, password.value, role.value);
        } catch (err) {
            show(formError, err.message);
            (err.status === 409 ? username : password).focus();
            return;
        } finally {
            add.disabled = false;
        }
        form.reset();
        say(`${name} was added.`);
        username.focus();
        await load();
    }

    function open() {
        say('');
        show(formError, '');
        form.reset();
        closePasswordForm();
        list.replaceChildren();
        dialog.showModal();
        username.focus();
        load();
    }

    form.addEventListener('submit', addUser);
    passwordForm.addEventListener('submit', setPassword);
    byId('user-password-cancel').addEventListener('click', closePasswordForm);
    byId('users-close').addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
        closePasswordForm();
        form.reset();
    });

    return {
        open,
        close() {
            if (dialog.open) dialog.close();
        },
    };
}
