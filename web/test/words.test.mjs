import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeErrorFrame, describeQueue, describeTimings, describeWait } from '../src/words.js';

test('error frames become sentences', () => {
    assert.match(describeErrorFrame({ type: 'error', code: 'llm_unavailable', message: 'connect ECONNREFUSED' }), /not reachable/);
    assert.match(describeErrorFrame({ type: 'error', code: 'busy', message: 'x' }), /waiting/);
    assert.match(describeErrorFrame({ type: 'error', code: 'bad_request', message: 'message is empty' }), /message is empty/);
    assert.equal(describeErrorFrame({ type: 'error', message: 'Odd thing' }), 'Odd thing');
    assert.match(describeErrorFrame({}), /went wrong/);
});

test('queue positions', () => {
    assert.match(describeQueue(1), /next/);
    assert.match(describeQueue(3), /position 3/);
    assert.match(describeQueue(undefined), /Waiting/);
});

test('timings: first token and tokens per second', () => {
    assert.equal(describeTimings({ queue_ms: 0, ttft_ms: 240, total_ms: 2240 }, 81), 'first token 240 ms · ~40 tokens/s · 2.2 s total');
    assert.match(describeTimings({ queue_ms: 1500, ttft_ms: 1800, total_ms: 3000 }, 1), /^queued 1\.5 s · first token 1\.8 s · 3\.0 s total$/);
    assert.equal(describeTimings(null, 10), '');
});

test('waits before trying again', () => {
    assert.equal(describeWait(0), '1 s');
    assert.equal(describeWait(45), '45 s');
    assert.equal(describeWait(60), '1 min');
    assert.equal(describeWait(61), '2 min');
    assert.equal(describeWait(3600), '1 h');
    assert.equal(describeWait(3900), '1 h 5 min');
});
