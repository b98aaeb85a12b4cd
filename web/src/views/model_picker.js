// The model picker in the chat's header (PROTOCOL.md v2): a labelled <select> of the models
// `GET /api/models` lists, "Server default (NAME)" first; its value is the open
// conversation's `model`. The list is asked once, when a conversation first opens (again
// after a failure, at the next conversation).

import { choiceOf, modelChoices, modelOfChoice } from '../models.js';
import { byId, el } from './dom.js';

/**
 * `loadModels()` resolves to the `/api/models` answer; `onChoose(model)` (a name or null)
 * saves the choice and resolves to true when it was saved.
 */
export function createModelPicker({ loadModels, onChoose }) {
    const wrap = byId('model-choice');
    const select = byId('model-picker');
    let answer = null;
    let loading = false;
    let failedFor = null; // the conversation whose opening asked in vain
    let saving = false;
    let current = null;
    let shown = {};

    function draw() {
        const model = current?.model ?? null;
        const choices = modelChoices({
            models: answer?.models,
            chatModel: answer?.chat_model ?? '',
            current: model,
        });
        select.replaceChildren(...choices.map(({ value, label }) => {
            const option = el('option', '', label);
            option.value = value;
            return option;
        }));
        select.value = choiceOf(model);
        select.disabled = !current?.loaded || saving;
    }

    async function ensureModels(id) {
        if (answer || loading || failedFor === id) return;
        loading = true;
        try {
            answer = await loadModels();
        } catch {
            failedFor = id;
        }
        loading = false;
        draw();
    }

    function render(state) {
        current = state.current;
        wrap.hidden = !current;
        const next = { id: current?.id, model: current?.model, loaded: current?.loaded };
        if (Object.keys(next).every((k) => next[k] === shown[k])) return;
        shown = next;
        draw();
        if (current?.loaded) ensureModels(current.id);
    }

    select.addEventListener('change', async () => {
        saving = true;
        select.disabled = true;
        const saved = await onChoose(modelOfChoice(select.value)).catch(() => false);
        saving = false;
        draw(); // the stored value, whether or not it changed
        if (!saved) select.focus();
    });

    return { render };
}
