// The model picker's choices (PROTOCOL.md v2: `GET /api/models`, and a conversation's `model`,
// a name or null for the server's default), as plain logic. The view is views/model_picker.js.

/** The value of the "server default" choice (the PUT sends null for it). */
export const DEFAULT_CHOICE = '';

/**
 * `[{value, label}]` for a `<select>`: the server's default first, named after the chat
 * model, then every model the server lists, and the conversation's own model when the list
 * does not have it (uninstalled since, or the list could not be had).
 */
export function modelChoices({ models = [], chatModel = '', current = null } = {}) {
    const names = [];
    for (const m of Array.isArray(models) ? models : []) {
        const name = typeof m === 'string' ? m : m?.name;
        if (typeof name === 'string' && name && !names.includes(name)) names.push(name);
    }
    const defaultLabel = chatModel ? `Server default (${chatModel})` : 'Server default';
    const choices = [{ value: DEFAULT_CHOICE, label: defaultLabel }];
    for (const name of names) choices.push({ value: name, label: name });
    if (typeof current === 'string' && current && !names.includes(current)) {
        choices.push({ value: current, label: `${current} (not listed)` });
    }
    return choices;
}

/** The `<select>` value for a conversation's `model` field. */
export function choiceOf(model) {
    return typeof model === 'string' && model ? model : DEFAULT_CHOICE;
}

/** What the PUT sends for a `<select>` value: a name, or null for the server's default. */
export function modelOfChoice(value) {
    return value === DEFAULT_CHOICE ? null : value;
}
