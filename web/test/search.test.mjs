// search.js without a browser: queries, snippets as parts, results, arrow keys, debouncing.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
    createDebouncer,
    highlightParts,
    nextFocus,
    normalizeQuery,
    queryWords,
    searchResults,
} from '../src/search.js';

describe('queries', () => {
    test('are trimmed and their white space collapsed; blank means no search', () => {
        assert.equal(normalizeQuery('  pirate \n ship  '), 'pirate ship');
        assert.equal(normalizeQuery('   '), '');
        assert.equal(normalizeQuery(undefined), '');
        assert.deepEqual(queryWords(' a  b '), ['a', 'b']);
        assert.deepEqual(queryWords(''), []);
    });
});

describe('snippets', () => {
    test('mark every word of the query, whatever its case, and keep the rest as text', () => {
        const parts = highlightParts('The Pirate sailed; pirates <b>sing</b>', ['pirate', 'sing']);
        assert.deepEqual(parts, [
            { text: 'The ', match: false },
            { text: 'Pirate', match: true },
            { text: ' sailed; ', match: false },
            { text: 'pirate', match: true },
            { text: 's <b>', match: false },
            { text: 'sing', match: true },
            { text: '</b>', match: false },
        ]);
        assert.equal(parts.map((p) => p.text).join(''), 'The Pirate sailed; pirates <b>sing</b>');
    });

    test('treat regular-expression characters in the query as plain text', () => {
        assert.deepEqual(highlightParts('costs $5 (or more)', ['$5', '(or']), [
            { text: 'costs ', match: false },
            { text: '$5', match: true },
            { text: ' ', match: false },
            { text: '(or', match: true },
            { text: ' more)', match: false },
        ]);
    });

    test('longer words win over their prefixes; empty snippets have no parts', () => {
        assert.deepEqual(highlightParts('seashore', ['sea', 'seashore']), [{ text: 'seashore', match: true }]);
        assert.deepEqual(highlightParts('', ['x']), []);
        assert.deepEqual(highlightParts('plain', []), [{ text: 'plain', match: false }]);
    });
});

describe('answers', () => {
    test('become results with their snippet and matched message', () => {
        const answer = {
            conversations: [
                { id: 'a', title: 'Boats', message_count: 4, updated_at: 't', match: { message_id: 12, snippet: '…a ship…' } },
                { id: 'b', title: '', match: { message_id: null, snippet: 'Title match' } },
                { title: 'no id' },
                null,
            ],
        };
        assert.deepEqual(searchResults(answer), [
            { id: 'a', title: 'Boats', snippet: '…a ship…', messageId: '12', count: 4, updatedAt: 't' },
            { id: 'b', title: 'Untitled', snippet: 'Title match', messageId: null, count: 0, updatedAt: undefined },
        ]);
        assert.deepEqual(searchResults({}), []);
        assert.deepEqual(searchResults(null), []);
    });
});

describe('arrow keys', () => {
    test('go from the box into the results and back', () => {
        assert.equal(nextFocus(-1, 'ArrowDown', 3), 0);
        assert.equal(nextFocus(0, 'ArrowDown', 3), 1);
        assert.equal(nextFocus(2, 'ArrowDown', 3), 2, 'stays on the last');
        assert.equal(nextFocus(1, 'ArrowUp', 3), 0);
        assert.equal(nextFocus(0, 'ArrowUp', 3), -1, 'back to the box');
        assert.equal(nextFocus(2, 'Home', 3), 0);
        assert.equal(nextFocus(0, 'End', 3), 2);
        assert.equal(nextFocus(-1, 'Home', 3), null, 'Home in the box moves its caret');
        assert.equal(nextFocus(-1, 'ArrowDown', 0), null);
        assert.equal(nextFocus(0, 'Enter', 3), null);
    });
});

describe('the debouncer', () => {
    function fakeTimers() {
        let now = 0;
        let next = 1;
        const timers = new Map();
        return {
            setTimeout(fn, ms) {
                timers.set(next, { fn, at: now + ms });
                return next++;
            },
            clearTimeout(id) {
                timers.delete(id);
            },
            advance(ms) {
                now += ms;
                for (const [id, t] of [...timers]) {
                    if (t.at <= now) {
                        timers.delete(id);
                        t.fn();
                    }
                }
            },
        };
    }

    test('runs once with the last value after the quiet time', () => {
        const timers = fakeTimers();
        const calls = [];
        const debounced = createDebouncer((v) => calls.push(v), 250, timers);
        debounced.call('p');
        timers.advance(100);
        debounced.call('pi');
        timers.advance(200);
        assert.deepEqual(calls, []);
        debounced.call('pir');
        timers.advance(250);
        assert.deepEqual(calls, ['pir']);
        timers.advance(1000);
        assert.deepEqual(calls, ['pir']);
    });

    test('flush runs now, cancel never', () => {
        const timers = fakeTimers();
        const calls = [];
        const debounced = createDebouncer((v) => calls.push(v), 250, timers);
        debounced.call('a');
        debounced.flush();
        debounced.flush();
        assert.deepEqual(calls, ['a']);
        debounced.call('b');
        debounced.cancel();
        timers.advance(500);
        assert.deepEqual(calls, ['a']);
    });
});
