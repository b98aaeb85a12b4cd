// The behaviour the header's menus share: a disclosure button over a list. The button opens
// and closes it, opening focuses its first shown item; Esc, a click elsewhere or the focus
// leaving the box closes it.

export function disclosureMenu(box, button, menu) {
    function setOpen(open, { focusButton = false } = {}) {
        menu.hidden = !open;
        button.setAttribute('aria-expanded', String(open));
        if (open) menu.querySelector('.menu-item:not([hidden])')?.focus();
        else if (focusButton) button.focus();
    }

    button.addEventListener('click', () => setOpen(menu.hidden));
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

    return { setOpen, isOpen: () => !menu.hidden };
}
