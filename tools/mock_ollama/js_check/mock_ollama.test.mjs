// The official ollama JS client against the mock: if this passes, the mock's wire format
// is one a real Ollama client accepts. MOCK_OLLAMA_BIN names the mock binary.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Ollama } from 'ollama';

const bin = process.env.MOCK_OLLAMA_BIN;
let child;
let client;

before(async () => {
  assert.ok(bin, 'set MOCK_OLLAMA_BIN to the mock_ollama binary');
  child = spawn(bin, ['--port', '0', '--interval-ms', '1', '--tokens', '5'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`mock_ollama exited with ${code}`)));
  });
  const match = /^mock_ollama listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  assert.ok(match, `unexpected first line: ${line}`);
  client = new Ollama({ host: match[1] });
});

after(() => child?.kill('SIGTERM'));

const ask = (content) => [{ role: 'user', content }];

test('list() sees the default models', async () => {
  const { models } = await client.list();
  assert.deepEqual(models.map((m) => m.name), ['llama3.2:latest', 'qwen2.5:0.5b']);
  assert.equal(models[0].details.format, 'gguf');
});

test('streaming chat() yields the parts, the last one done', async () => {
  const parts = [];
  for await (const part of await client.chat({
    model: 'llama3.2',
    messages: ask('[[mock reply=counter tokens=3]]'),
    stream: true,
  })) {
    parts.push(part);
  }
  assert.equal(parts.map((p) => p.message.content).join(''), 'token0 token1 token2 ');
  assert.equal(parts.at(-1).done, true);
  assert.equal(parts.at(-1).done_reason, 'stop');
  assert.ok(parts.slice(0, -1).every((p) => p.done === false));
});

test('non-streaming chat() returns the whole text', async () => {
  const reply = await client.chat({
    model: 'llama3.2',
    messages: ask('[[mock reply=counter tokens=2]]'),
  });
  assert.equal(reply.message.content, 'token0 token1 ');
  assert.equal(reply.done, true);
});

test('unicode parts reassemble', async () => {
  let text = '';
  for await (const part of await client.chat({
    model: 'llama3.2',
    messages: ask('[[mock reply=unicode tokens=12]]'),
    stream: true,
  })) {
    text += part.message.content;
  }
  assert.match(text, /日本語 中文 🙂 👩‍💻/);
});

test('streaming and non-streaming generate() agree', async () => {
  let streamed = '';
  let last;
  for await (const part of await client.generate({
    model: 'llama3.2',
    prompt: 'hi [[mock tokens=4]]',
    stream: true,
  })) {
    streamed += part.response;
    last = part;
  }
  assert.equal(last.done, true);
  const whole = await client.generate({ model: 'llama3.2', prompt: 'hi [[mock tokens=4]]' });
  assert.equal(whole.response, streamed);
  assert.equal(whole.eval_count, 4);
});

test('an error_line fault throws mid-stream', async () => {
  const stream = await client.chat({
    model: 'llama3.2',
    messages: ask('[[mock fault=error_line]]'),
    stream: true,
  });
  let parts = 0;
  await assert.rejects(
    (async () => {
      for await (const _ of stream) parts += 1;
    })(),
    { message: 'an error was encountered while running the model' },
  );
  assert.equal(parts, 3);
});

test('a stream without a done line throws', async () => {
  const stream = await client.chat({
    model: 'llama3.2',
    messages: ask('[[mock fault=no_done]]'),
    stream: true,
  });
  await assert.rejects(
    (async () => {
      for await (const _ of stream);
    })(),
    /Did not receive done/,
  );
});

test('an unknown model throws ResponseError 404', async () => {
  await assert.rejects(client.chat({ model: 'foo', messages: ask('hi') }), (err) => {
    assert.equal(err.name, 'ResponseError');
    assert.equal(err.status_code, 404);
    assert.equal(err.error, "model 'foo' not found");
    return true;
  });
  await assert.rejects(
    client.chat({ model: 'llama3.2', messages: ask('[[mock fault=404]]'), stream: true }),
    (err) => err.name === 'ResponseError' && err.status_code === 404,
  );
});

test('a 503 fault throws ResponseError 503 with Ollama\'s text', async () => {
  await assert.rejects(
    client.generate({ model: 'llama3.2', prompt: '[[mock fault=503]]' }),
    (err) =>
      err.status_code === 503 &&
      err.error === 'server busy, please try again.  maximum pending requests exceeded',
  );
});
