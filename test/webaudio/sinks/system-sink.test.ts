import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The system sink talks to the sound server through `pactl` and `pacat`. Here both are stand-in
 * shell scripts on PATH: pactl succeeds, pacat records its arguments and the bytes it is fed.
 */
describe('system sink (pacat)', () => {
  test('spawns pacat with the context format and feeds it float32 frames; close ends it', (t) => {
    if (spawnSync('sh', ['-c', 'true']).status !== 0) {
      t.skip('sh is not available');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'wa-pacat-'));
    try {
      writeFileSync(join(dir, 'pactl'), '#!/bin/sh\nexit 0\n');
      writeFileSync(join(dir, 'pacat'), `#!/bin/sh\necho "$@" > "${dir}/args"\nexec cat > "${dir}/audio"\n`);
      chmodSync(join(dir, 'pactl'), 0o755);
      chmodSync(join(dir, 'pacat'), 0o755);
      const mod = join(fileURLToPath(new URL('.', import.meta.url)), '../../../src/webaudio/audio-context.js');
      const script = `
        import { AudioContext } from ${JSON.stringify(mod)};
        const ctx = new AudioContext({ sampleRate: 16000, mediacaptureSink: { type: 'system', latencyMs: 30 } });
        ctx.onerror = (e) => { console.log('error', e.message); process.exitCode = 3; };
        const src = ctx.createConstantSource();
        src.offset.value = 0.5;
        src.connect(ctx.destination);
        src.start();
        ctx.onstatechange = () => {
          if (ctx.state === 'running') setTimeout(() => ctx.close(), 200);
        };
      `;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
        timeout: 20000,
        encoding: 'utf8',
      });
      assert.equal(r.signal, null, 'the process did not exit by itself');
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const args = readFileSync(join(dir, 'args'), 'utf8').trim().split(' ');
      assert.ok(args.includes('--playback'));
      assert.ok(args.includes('--raw'));
      assert.ok(args.includes('--format=float32le'));
      assert.ok(args.includes('--rate=16000'));
      assert.ok(args.includes('--channels=2'));
      assert.ok(args.includes('--latency-msec=30'));
      const audio = readFileSync(join(dir, 'audio'));
      assert.ok(audio.length >= 128 * 2 * 4, `pacat received ${audio.length} bytes`);
      assert.equal(audio.length % 8, 0);
      const f = new Float32Array(audio.buffer.slice(audio.byteOffset, audio.byteOffset + audio.length));
      const first = f.indexOf(0.5);
      assert.ok(first >= 0, 'the constant reached pacat');
      assert.ok(f.subarray(first).every((v) => v === 0.5));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
