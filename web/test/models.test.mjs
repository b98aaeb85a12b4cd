// models.js without a browser: the picker's choices and the values sent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { choiceOf, modelChoices, modelOfChoice } from '../src/models.js';

test('the default comes first, named after the chat model, then the listed models', () => {
    const choices = modelChoices({
        models: [{ name: 'llama3.2:latest' }, { name: 'qwen2.5:0.5b' }, { name: 'qwen2.5:0.5b' }, {}],
        chatModel: 'llama3.2',
        current: 'qwen2.5:0.5b',
    });
    assert.deepEqual(choices, [
        { value: '', label: 'Server default (llama3.2)' },
        { value: 'llama3.2:latest', label: 'llama3.2:latest' },
        { value: 'qwen2.5:0.5b', label: 'qwen2.5:0.5b' },
    ]);
});

test('a model the list lacks is still shown, so the picker tells the truth', () => {
    assert.deepEqual(modelChoices({ models: [], current: 'mistral' }), [
        { value: '', label: 'Server default' },
        { value: 'mistral', label: 'mistral (not listed)' },
    ]);
    assert.deepEqual(modelChoices(), [{ value: '', label: 'Server default' }]);
});

test('null is the default both ways', () => {
    assert.equal(choiceOf(null), '');
    assert.equal(choiceOf(undefined), '');
    assert.equal(choiceOf('qwen2.5:0.5b'), 'qwen2.5:0.5b');
    assert.equal(modelOfChoice(''), null);
    assert.equal(modelOfChoice('qwen2.5:0.5b'), 'qwen2.5:0.5b');
});
