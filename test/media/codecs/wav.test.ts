import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav, encodeWav, parseWavHeader, WavEncoder, WavFileWriter, WavFormatError } from '../../../src/media/codecs/wav.js';

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const u16 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint16(at, true);

describe('encodeWav / parseWav', () => {
  test('s16: header fields and samples by hand', () => {
    const l = Float32Array.from([0, 0.5, -1, 1, 0.25 + 1 / 65536]);
    const r = Float32Array.from([-0.5, 1 / 32768, 2, -2, NaN]);
    const wav = encodeWav([l, r], 8000, 's16');
    assert.equal(wav.length, 44 + 5 * 2 * 2);
    assert.equal(String.fromCharCode(...wav.subarray(0, 4)), 'RIFF');
    assert.equal(u32(wav, 4), wav.length - 8);
    assert.equal(u16(wav, 20), 1); // PCM
    assert.equal(u16(wav, 22), 2);
    assert.equal(u32(wav, 24), 8000);
    assert.equal(u32(wav, 28), 8000 * 4);
    assert.equal(u16(wav, 32), 4);
    assert.equal(u16(wav, 34), 16);
    assert.equal(u32(wav, 40), 20);
    const s = new Int16Array(wav.buffer.slice(44));
    // x*32768 rounded, clamped to [-32768, 32767]; NaN -> 0; 0.25+1/65536 -> 8192.5 -> 8193 (round half up)
    assert.deepEqual([...s], [0, -16384, 16384, 1, -32768, 32767, 32767, -32768, 8193, 0]);
    const back = parseWav(wav);
    assert.equal(back.sampleRate, 8000);
    assert.equal(back.sampleFormat, 's16');
    assert.deepEqual([...back.channels[0]], [0, 0.5, -1, 32767 / 32768, 8193 / 32768]);
    assert.deepEqual([...back.channels[1]], [-0.5, 1 / 32768, 32767 / 32768, -1, 0]);
  });

  for (const [fmt, bits] of [['u8', 8], ['s16', 16], ['s24', 24], ['s32', 32]] as const) {
    test(`${fmt}: quantised round trip is exact`, () => {
      const scale = 2 ** (bits - 1);
      // Values on the code grid (exactly representable in float32) survive unchanged.
      const grid = Float32Array.from([0, 1 / scale, -1 / scale, 0.5, -1, (scale - 1) / scale, -0.75, 3 / 8]);
      const back = parseWav(encodeWav([grid], 44100, fmt));
      assert.equal(back.sampleFormat, fmt);
      assert.deepEqual(back.channels[0], grid);
      // Off-grid values land on round(x * scale) / scale.
      const off = Float32Array.from([0.1, -0.3, 0.123456]);
      const got = parseWav(encodeWav([off], 44100, fmt)).channels[0];
      for (let i = 0; i < off.length; i++) assert.equal(got[i], Math.fround(Math.round(off[i] * scale) / scale));
    });
  }

  for (const fmt of ['f32', 'f64'] as const) {
    test(`${fmt}: round trip is bit-exact, including out-of-range values`, () => {
      const x = Float32Array.from([0, 1.5, -3, 1e-7, Math.PI]);
      const y = Float32Array.from([1, 2, 3, 4, 5]);
      const wav = encodeWav([x, y], 96000, fmt);
      assert.equal(u16(wav, 20), 3);
      const back = parseWav(wav);
      assert.equal(back.sampleFormat, fmt);
      assert.deepEqual(back.channels, [x, y]);
    });
  }

  test('odd data length gets a pad byte; channels must be equally long', () => {
    const wav = encodeWav([Float32Array.from([0.5])], 8000, 'u8');
    assert.equal(wav.length, 46);
    assert.equal(u32(wav, 4), 38);
    assert.deepEqual([...parseWav(wav).channels[0]], [0.5]);
    assert.throws(() => encodeWav([new Float32Array(2), new Float32Array(3)], 8000, 's16'), /channel 1/);
  });
});

/** Build a WAV by hand from chunks. */
function riff(...chunks: Array<[string, Uint8Array]>): Uint8Array {
  const parts: number[] = [];
  for (const [id, body] of chunks) {
    for (const ch of id) parts.push(ch.charCodeAt(0));
    const n = body.length;
    parts.push(n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24, ...body);
    if (n & 1) parts.push(0);
  }
  const total = 4 + parts.length;
  return Uint8Array.from([82, 73, 70, 70, total & 255, (total >> 8) & 255, (total >> 16) & 255, total >>> 24, 87, 65, 86, 69, ...parts]);
}
function fmtChunk(tag: number, ch: number, rate: number, bits: number, ext?: number): Uint8Array {
  const b = new Uint8Array(ext === undefined ? 16 : 40);
  const v = new DataView(b.buffer);
  v.setUint16(0, tag, true); v.setUint16(2, ch, true); v.setUint32(4, rate, true);
  v.setUint32(8, rate * ch * bits / 8, true); v.setUint16(12, ch * bits / 8, true); v.setUint16(14, bits, true);
  if (ext !== undefined) { v.setUint16(16, 22, true); v.setUint16(18, bits, true); v.setUint32(20, 3, true); v.setUint16(24, ext, true); }
  return b;
}

describe('parsing hand-built files', () => {
  test('EXTENSIBLE float with extra chunks before data (odd-sized LIST padded)', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setFloat32(0, 0.25, true);
    new DataView(data.buffer).setFloat32(4, -0.5, true);
    const wav = riff(['fmt ', fmtChunk(0xfffe, 2, 48000, 32, 3)], ['LIST', new Uint8Array(3)], ['data', data]);
    const w = parseWav(wav);
    assert.equal(w.sampleFormat, 'f32');
    assert.deepEqual(w.channels.map((c) => [...c]), [[0.25], [-0.5]]);
  });

  test('24-bit negative samples sign-extend', () => {
    const wav = riff(['fmt ', fmtChunk(1, 1, 8000, 24)], ['data', Uint8Array.from([0xff, 0xff, 0xff, 0x00, 0x00, 0x80])]);
    assert.deepEqual([...parseWav(wav).channels[0]], [-1 / 8388608, -1]);
  });

  test('unknown data size (0xFFFFFFFF) reads to the end, dropping a partial frame', () => {
    const enc = new WavEncoder(16000, 1, 's16');
    const h = enc.header();
    const body = enc.encode([Float32Array.from([0.5, -0.5])]);
    const file = new Uint8Array(h.length + body.length + 1);
    file.set(h); file.set(body, h.length);
    const info = parseWavHeader(file);
    assert.equal(info.frames, 2);
    assert.deepEqual([...parseWav(file).channels[0]], [0.5, -0.5]);
  });

  test('clear errors for bad input', () => {
    assert.throws(() => parseWav(new Uint8Array(5)), WavFormatError);
    assert.throws(() => parseWav(riff(['fmt ', fmtChunk(2, 1, 8000, 4)], ['data', new Uint8Array(2)])), /format tag 0x2/);
    assert.throws(() => parseWav(riff(['fmt ', fmtChunk(1, 1, 8000, 12)], ['data', new Uint8Array(2)])), /12 bits/);
    assert.throws(() => parseWav(riff(['data', new Uint8Array(2)])), /before any 'fmt '/);
    assert.throws(() => parseWav(riff(['fmt ', fmtChunk(1, 1, 8000, 16)])), /no 'data'/);
    const good = encodeWav([new Float32Array(100)], 8000, 's16');
    assert.throws(() => parseWav(good.subarray(0, 100)), /truncated/);
    const bad = good.slice(); bad[8] = 0x41;
    assert.throws(() => parseWav(bad), /expected the RIFF form type 'WAVE'/);
  });
});

describe('streaming', () => {
  test('WavEncoder header + chunks equals encodeWav', () => {
    const a = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i / 10) * 0.8);
    const b = Float32Array.from({ length: 300 }, (_, i) => (i % 7) / 7 - 0.5);
    const enc = new WavEncoder(22050, 2, 's24');
    const parts = [enc.header(300), enc.encode([a, b], 100, 0), enc.encode([a, b], 200, 100)];
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { joined.set(p, at); at += p.length; }
    assert.deepEqual(joined, encodeWav([a, b], 22050, 's24'));
  });

  test('WavFileWriter patches sizes on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wavtest-'));
    try {
      const path = join(dir, 'out.wav');
      const w = new WavFileWriter(path, 48000, 2, 'f32');
      const a = Float32Array.from({ length: 1000 }, (_, i) => i / 1000);
      const b = a.map((v) => -v);
      void w.write([a, b], 400);
      void w.write([a, b], 600, 400);
      await w.close();
      assert.equal(w.frames, 1000);
      const bytes = new Uint8Array(readFileSync(path));
      assert.deepEqual(bytes, encodeWav([a, b], 48000, 'f32'));
      await assert.rejects(w.write([a, b]), /closed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('WavFileWriter reports an unwritable path', async () => {
    const w = new WavFileWriter('/nonexistent-dir/x.wav', 8000, 1);
    await assert.rejects(w.write([new Float32Array(4)]), /ENOENT/);
    await assert.rejects(w.close(), /ENOENT/);
  });
});
