/**
 * The live progress line: drawn on stderr only when it is a terminal, redrawn in place, cleared
 * before the summary. Runs the command in this process with stand-in streams.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { Output } from '../../src/cli/output.js';

const root = mkdtempSync(join(tmpdir(), 'mediacapture-cli-progress-'));
after(() => rmSync(root, { recursive: true, force: true }));

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { text: '', isTTY, columns: 200, write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe('progress line', () => {
  test('on a terminal: elapsed time, audio level and frame rate, redrawn in place, then cleared', async () => {
    const stdout = fakeStream(false), stderr = fakeStream(true);
    const code = await main(['record', '--audio', '--video', '--width', '320', '--height', '240', '--duration', '1.5', '--out', join(root, 'a.webm')], new Output(stdout, stderr));
    assert.equal(code, 0, stderr.text);
    const lines = stderr.text.split('\r').filter((l) => l.startsWith('recording'));
    assert.ok(lines.length >= 1, `progress lines drawn: ${JSON.stringify(stderr.text)}`);
    for (const l of lines) assert.match(l, /^recording \d\d:\d\d\.\d \/ 00:01\.5  audio (-\d+\.\d|-inf) dBFS  video \d+\.\d fps  -> a\.webm\x1b\[K$/);
    assert.ok(lines.some((l) => / audio -6\.0 dBFS /.test(l)), 'the synthetic tone peaks at -6 dBFS');
    assert.ok(stderr.text.endsWith('\r\x1b[K'), 'the line is cleared before the summary');
    assert.match(stdout.text, /^recorded 1\.5 s to /);
  });

  test('not on a terminal: no progress, only the summary', async () => {
    const stdout = fakeStream(false), stderr = fakeStream(false);
    const code = await main(['record', '--audio', '--format', 'wav', '--duration', '0.5', '--out', join(root, 'b.wav')], new Output(stdout, stderr));
    assert.equal(code, 0, stderr.text);
    assert.equal(stderr.text, '');
    assert.match(stdout.text, /^recorded 0\.5 s to .*b\.wav \(audio\/wav/);
  });
});
