/**
 * Hostile input for decodeAudioData: every container and codec it reads, mutated and cut at
 * random. Each call settles — an AudioBuffer or an EncodingError — within a bounded time and
 * memory, the decoding thread survives (or is replaced), and the event loop keeps answering.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { OfflineAudioContext } from '../../src/webaudio/offline-audio-context.js';
import { installWatchdog } from './watchdog.js';

installWatchdog();

const execFileAsync = promisify(execFile);

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
const skip = hasFfmpeg ? false : 'ffmpeg not installed: the encoded inputs are made with it (apt-get install ffmpeg)';
if (skip) console.log(`# hostile decoders: skipped: ${skip}`);

// Small files (0.1 s of a stereo tone) so each mutation decodes quickly.
const FORMATS: Record<string, string[]> = {
  'a.mp3': ['-c:a', 'libmp3lame', '-b:a', '64k'],
  'a.ogg': ['-c:a', 'libvorbis'],
  'a.opus': ['-c:a', 'libopus', '-b:a', '32k'],
  'a.flac': ['-c:a', 'flac'],
  'a.webm': ['-c:a', 'libopus', '-b:a', '32k'],
  'a.mp4': ['-c:a', 'libopus', '-b:a', '32k'],
  'a.aiff': ['-c:a', 'pcm_s16be'],
  'a.wav': ['-c:a', 'pcm_s16le'],
};

const PER_CALL_MS = 15_000;

describe('decodeAudioData under hostile bytes', { skip }, () => {
  let dir = '';
  const files = new Map<string, Uint8Array>();
  // Made asynchronously: a synchronous spawn would freeze the event loop the watchdog watches.
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mc-hostile-dec-'));
    await Promise.all(
      Object.entries(FORMATS).map(async ([name, args]) => {
        const out = join(dir, name);
        await execFileAsync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=0.1', '-ac', '2', ...args, out]);
        files.set(name, new Uint8Array(readFileSync(out)));
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const ctx = new OfflineAudioContext(1, 1, 48000);

  /** Decodes; returns 'ok' or 'EncodingError', fails on anything else or on a call that hangs. */
  async function settle(bytes: Uint8Array): Promise<'ok' | 'EncodingError'> {
    const copy = bytes.slice().buffer;
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`decodeAudioData did not settle within ${PER_CALL_MS} ms`)), PER_CALL_MS);
    });
    try {
      const buffer = await Promise.race([ctx.decodeAudioData(copy), hang]);
      // What a corrupt file decodes to must still be a sane buffer.
      assert.ok(buffer.length >= 0 && buffer.length < 48000 * 60, `decoded length ${buffer.length}`);
      assert.equal(buffer.sampleRate, 48000);
      return 'ok';
    } catch (e) {
      if (e instanceof DOMException && e.name === 'EncodingError') return 'EncodingError';
      throw new Error(`unexpected ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  for (const name of Object.keys(FORMATS)) {
    test(`${name}: mutated and truncated bytes resolve or reject with EncodingError`, async () => {
      const base = files.get(name)!;
      assert.equal(await settle(base), 'ok', 'the unmodified file decodes');
      const before = process.memoryUsage().rss;
      const mutation = fc
        .record({
          edits: fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(255)), { maxLength: 16 }),
          cut: fc.nat(base.length),
          // Runs of a byte value written over a stretch (length fields, sizes, counts).
          smear: fc.option(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 1, max: 16 }), fc.constantFrom(0x00, 0xff, 0x7f, 0x80))),
        })
        .map(({ edits, cut, smear }) => {
          const b = base.slice(0, Math.max(cut, 1));
          for (const [i, v] of edits) if (i < b.length) b[i] = v;
          if (smear) for (let i = smear[0]; i < Math.min(b.length, smear[0] + smear[1]); i++) b[i] = smear[2];
          return b;
        });
      await fc.assert(fc.asyncProperty(mutation, async (bytes) => void (await settle(bytes))), { numRuns: 40 });
      // The decoder still works after the hostile inputs.
      assert.equal(await settle(base), 'ok');
      assert.ok(process.memoryUsage().rss - before < 512 * 2 ** 20, 'memory grew by more than 512 MiB');
    });
  }

  test('empty input rejects with EncodingError; random bytes settle', async () => {
    assert.equal(await settle(new Uint8Array(0)), 'EncodingError');
    // (A random run can hold an MP3 frame header by chance, so 'ok' is allowed here.)
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (b) => void (await settle(b))), { numRuns: 60 });
  });
});
