import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Y4mReader, Y4mFileReader, Y4mFileWriter, Y4mWriter, encodeY4m, parseY4mHeaderLine, y4mFrameBytes, y4mFullRange, Y4mFormatError,
} from '../../../src/media/codecs/y4m.js';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
function pattern(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 255);
}

describe('header', () => {
  test('all tags parse', () => {
    const h = parseY4mHeaderLine('YUV4MPEG2 W352 H288 F30000:1001 It A128:117 C420paldv XYSCSS=420PALDV XCOLORRANGE=FULL');
    assert.deepEqual(h, {
      width: 352, height: 288, frameRate: { num: 30000, den: 1001 }, pixelAspect: { num: 128, den: 117 },
      interlace: 't', colorspace: '420paldv', extensions: ['YSCSS=420PALDV', 'COLORRANGE=FULL'],
    });
    assert.equal(y4mFullRange(h), true);
  });
  test('defaults: 4:2:0 jpeg siting, progressive', () => {
    const h = parseY4mHeaderLine('YUV4MPEG2 W4 H2 F25:1');
    assert.equal(h.colorspace, '420jpeg');
    assert.equal(h.interlace, 'p');
    assert.equal(y4mFullRange(h), false);
  });
  test('frame sizes per colorspace (odd sizes round chroma up)', () => {
    const s = (c: string) => y4mFrameBytes(parseY4mHeaderLine(`YUV4MPEG2 W5 H3 F1:1 C${c}`));
    assert.equal(s('420'), 15 + 2 * 3 * 2);
    assert.equal(s('420mpeg2'), 15 + 2 * 3 * 2);
    assert.equal(s('422'), 15 + 2 * 3 * 3);
    assert.equal(s('444'), 15 * 3);
    assert.equal(s('mono'), 15);
  });
  test('bad headers are rejected clearly', () => {
    assert.throws(() => parseY4mHeaderLine('YUV4MPEG W2 H2'), /does not start/);
    assert.throws(() => parseY4mHeaderLine('YUV4MPEG2 W2 F1:1'), /W and H/);
    assert.throws(() => parseY4mHeaderLine('YUV4MPEG2 W2 H2 C420p10'), /C \(colorspace\) tag is not a supported colorspace/);
    assert.throws(() => parseY4mHeaderLine('YUV4MPEG2 W2 H2 F30'), /N:D/);
    assert.throws(() => parseY4mHeaderLine('YUV4MPEG2 W2 H2 Q1'), Y4mFormatError);
  });
});

describe('reading and writing', () => {
  test('hand-built stream with FRAME parameters reads back plane by plane', () => {
    // 2x2 4:2:0: 4 Y + 1 U + 1 V
    const bytes = cat(ascii('YUV4MPEG2 W2 H2 F30:1 C420\n'), ascii('FRAME\n'), Uint8Array.of(1, 2, 3, 4, 5, 6),
      ascii('FRAME Ib XFOO=1\n'), Uint8Array.of(10, 20, 30, 40, 50, 60));
    const r = new Y4mReader(bytes);
    assert.equal(r.frameCount, 2);
    const f0 = r.frame(0), f1 = r.frame(1);
    assert.deepEqual([...f0.y], [1, 2, 3, 4]);
    assert.deepEqual([...f0.u], [5]);
    assert.deepEqual([...f0.v], [6]);
    assert.deepEqual(f0.params, []);
    assert.deepEqual([...f1.data], [10, 20, 30, 40, 50, 60]);
    assert.deepEqual(f1.params, ['Ib', 'XFOO=1']);
    assert.throws(() => r.frame(2), RangeError);
  });

  test('writer round trip for every colorspace', () => {
    for (const c of ['420jpeg', '420paldv', '420mpeg2', '420', '422', '444', 'mono'] as const) {
      const hdr = { width: 7, height: 5, colorspace: c, frameRate: { num: 24, den: 1 } };
      const w = new Y4mWriter(hdr);
      const frames = [pattern(w.frameBytes, 1), pattern(w.frameBytes, 2), pattern(w.frameBytes, 3)];
      const r = new Y4mReader(encodeY4m(hdr, frames));
      assert.equal(r.header.colorspace, c);
      assert.deepEqual(r.header.frameRate, { num: 24, den: 1 });
      assert.equal(r.frameCount, 3);
      for (let i = 0; i < 3; i++) assert.deepEqual(r.frame(i).data, frames[i], `${c} frame ${i}`);
      if (c === 'mono') assert.equal(r.frame(0).u.length, 0);
    }
  });

  test('writer takes separate planes and checks their size', () => {
    const w = new Y4mWriter({ width: 2, height: 2 });
    const bytes = w.frame([Uint8Array.of(1, 2, 3, 4), Uint8Array.of(5), Uint8Array.of(6)]);
    assert.deepEqual([...bytes], [...ascii('FRAME\n'), 1, 2, 3, 4, 5, 6]);
    assert.throws(() => w.frame([Uint8Array.of(1, 2, 3, 4), Uint8Array.of(5)]), /needs 6/);
    assert.equal(new TextDecoder().decode(w.headerBytes()), 'YUV4MPEG2 W2 H2 F30:1 Ip A1:1 C420jpeg\n');
  });

  test('truncated data is reported', () => {
    const bytes = cat(ascii('YUV4MPEG2 W2 H2 F30:1\nFRAME\n'), Uint8Array.of(1, 2, 3));
    assert.throws(() => new Y4mReader(bytes), /truncated/);
    assert.throws(() => new Y4mReader(cat(ascii('YUV4MPEG2 W2 H2 F30:1\nFRAMX\n'), new Uint8Array(6))), /expected a FRAME line/);
  });
});

describe('Y4mFileReader', () => {
  test('random access on uniform and parameterised files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'y4mtest-'));
    try {
      const hdr = { width: 6, height: 4, colorspace: '422' as const };
      const w = new Y4mWriter(hdr);
      const frames = Array.from({ length: 5 }, (_, i) => pattern(w.frameBytes, i));
      const uniform = join(dir, 'u.y4m');
      writeFileSync(uniform, encodeY4m(hdr, frames));
      const withParams = join(dir, 'p.y4m');
      writeFileSync(withParams, cat(w.headerBytes(), ...frames.map((f, i) => w.frame(f, i % 2 ? ['Ib'] : []))));
      for (const path of [uniform, withParams]) {
        const r = await Y4mFileReader.open(path);
        try {
          assert.equal(r.frameCount, 5);
          const headerLen = w.headerBytes().length;
          assert.equal(r.frameOffset(0), headerLen + 6);
          const buf = new Uint8Array(r.frameBytes);
          for (const i of [3, 0, 4, 1]) {
            const f = await r.readFrame(i, buf);
            assert.deepEqual(f.data, frames[i], `${path} frame ${i}`);
            assert.equal(f.y.length, 24);
            assert.equal(f.u.length, 12);
            assert.deepEqual(f.params, path === withParams && i % 2 ? ['Ib'] : []);
          }
          await assert.rejects(r.readFrame(5), RangeError);
        } finally {
          await r.close();
        }
        await assert.rejects(r.readFrame(0), /closed/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a bad file is rejected and closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'y4mtest-'));
    try {
      const p = join(dir, 'bad.y4m');
      writeFileSync(p, 'not a y4m\n');
      await assert.rejects(Y4mFileReader.open(p), Y4mFormatError);
      const t = join(dir, 'trunc.y4m');
      writeFileSync(t, cat(ascii('YUV4MPEG2 W2 H2 F30:1\nFRAME\n'), new Uint8Array(6), ascii('FRAME X\n'), new Uint8Array(2)));
      await assert.rejects(Y4mFileReader.open(t), /truncated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Y4mFileWriter', () => {
  test('streams frames that read back identically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'y4mtest-'));
    try {
      const path = join(dir, 'w.y4m');
      const hdr = { width: 5, height: 3, colorspace: '420mpeg2' as const, frameRate: { num: 30000, den: 1001 }, extensions: ['COLORRANGE=FULL'] };
      const w = new Y4mFileWriter(path, hdr);
      const frames = [pattern(w.header.width * 3 + 2 * 3 * 2, 9), pattern(15 + 12, 10)];
      void w.write(frames[0]);
      void w.write([frames[1].subarray(0, 15), frames[1].subarray(15, 21), frames[1].subarray(21)], ['Ip']);
      await assert.rejects(w.write(new Uint8Array(3)), /needs 27/);
      await w.close();
      assert.equal(w.frames, 2);
      const r = await Y4mFileReader.open(path);
      try {
        assert.deepEqual(r.header.frameRate, { num: 30000, den: 1001 });
        assert.equal(y4mFullRange(r.header), true);
        assert.equal(r.frameCount, 2);
        assert.deepEqual((await r.readFrame(0)).data, frames[0]);
        const f1 = await r.readFrame(1);
        assert.deepEqual(f1.data, frames[1]);
        assert.deepEqual(f1.params, ['Ip']);
      } finally {
        await r.close();
      }
      await assert.rejects(w.write(frames[0]), /closed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
