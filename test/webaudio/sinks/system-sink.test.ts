import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { startSoundServer } from '../../support/sound-server.js';

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
      writeFileSync(join(dir, 'pacat'), `#!/bin/sh\necho "$@" > "${dir}/args"\necho "Stream started." >&2\nexec cat > "${dir}/audio"\n`);
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
      assert.ok(args.includes('-v'), 'pacat reports when playback starts');
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

  test('with a real sound server: running only once playback starts, then time follows the wall clock and the sound arrives', async (t) => {
    const server = await startSoundServer();
    if ('unavailable' in server) {
      t.skip(server.unavailable);
      return;
    }
    const recorder = spawn('parec', ['--raw', '--format=float32le', '--rate=48000', '--channels=1', '--latency-msec=20', '-d', server.monitorName], {
      env: server.env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    recorder.stdout.on('data', (d: Buffer) => chunks.push(d));
    try {
      const mod = join(fileURLToPath(new URL('.', import.meta.url)), '../../../src/webaudio/audio-context.js');
      const script = `
        import { AudioContext } from ${JSON.stringify(mod)};
        const ctx = new AudioContext({ mediacaptureSink: { type: 'system' } });
        ctx.onerror = (e) => { console.log('error', e.message); process.exitCode = 3; };
        const src = ctx.createConstantSource();
        src.offset.value = 0.25;
        src.connect(ctx.destination);
        src.start();
        await new Promise((r) => { ctx.onstatechange = () => ctx.state === 'running' && r(); });
        const t0 = ctx.currentTime, w0 = performance.now();
        await new Promise((r) => setTimeout(r, 1500));
        console.log(JSON.stringify({ atStart: t0, advanced: ctx.currentTime - t0, wall: (performance.now() - w0) / 1000 }));
        await ctx.close();
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: server.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      const killer = setTimeout(() => child.kill('SIGKILL'), 30000);
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      clearTimeout(killer);
      assert.equal(code, 0, out + err);
      const m = JSON.parse(out.trim().split('\n').at(-1)!) as { atStart: number; advanced: number; wall: number };
      // Playback had started when the context became running: its clock had barely moved.
      assert.ok(m.atStart < 0.2, `currentTime was ${m.atStart} s when the context became running`);
      // From then on it keeps real time (generous bounds: a shared machine).
      assert.ok(m.advanced > 0.6 * m.wall && m.advanced < 1.4 * m.wall, `currentTime advanced ${m.advanced} s in ${m.wall} s`);
      await new Promise((r) => setTimeout(r, 200));
      const bytes = Buffer.concat(chunks);
      const f = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
      // The constant reaches the speakers (the monitor may mix the stereo pair down to mono).
      const heard = f.filter((v) => Math.abs(v - 0.25) < 0.01).length;
      assert.ok(heard > 48000 * 0.5, `only ${heard} samples of the constant reached the speakers`);
    } finally {
      recorder.kill();
      await server.stop();
    }
  });
});
