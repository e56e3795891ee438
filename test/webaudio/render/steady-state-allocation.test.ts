/**
 * Rendering allocates (almost) nothing in steady state: after a context has been rendered a few
 * times (code optimized), a further 4 s render of each graph below allocates under 512 bytes per
 * render quantum on the JavaScript heap, offline driver included. A per-sample allocation (a boxed
 * double, a view) would cost 2 KB or more per quantum. Allocation is measured with v8.GCProfiler:
 * heap growth between collections plus what each collection freed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const index = fileURLToPath(new URL('../../../src/index.js', import.meta.url));
const LIMIT = 512;

const script = `
import v8 from 'node:v8';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OfflineAudioContext, AudioWorkletNode } from ${JSON.stringify(index)};
const dir = mkdtempSync(join(tmpdir(), 'mc-alloc-'));
const proc = join(dir, 'p.js');
writeFileSync(proc, "registerProcessor('idle', class extends AudioWorkletProcessor { process() { return true; } });");
function allocatedDuring() {
  const prof = new v8.GCProfiler();
  const u0 = v8.getHeapStatistics().used_heap_size;
  prof.start();
  return () => {
    const u1 = v8.getHeapStatistics().used_heap_size;
    let prev = u0, sum = 0;
    for (const st of prof.stop().statistics) { sum += st.beforeGC.heapStatistics.usedHeapSize - prev; prev = st.afterGC.heapStatistics.usedHeapSize; }
    return sum + u1 - prev;
  };
}
const graphs = {
  'oscillator -> destination (mono up-mixed)': (c, o) => o.connect(c.destination),
  'PannerNode equalpower, moving, with a cone': (c, o) => {
    const p = c.createPanner(); p.coneInnerAngle = 60; p.coneOuterAngle = 120;
    o.connect(p).connect(c.destination);
    p.positionX.setValueAtTime(1, 0); p.positionX.linearRampToValueAtTime(-1, 8);
  },
  'PannerNode HRTF': (c, o) => { const p = c.createPanner(); p.panningModel = 'HRTF'; p.positionX.value = 1; o.connect(p).connect(c.destination); },
  'ConvolverNode, 1 s stereo response': (c, o) => {
    const v = c.createConvolver(); const b = c.createBuffer(2, 48000, 48000);
    b.getChannelData(0)[100] = 1; b.getChannelData(1)[2000] = 0.5; v.buffer = b;
    o.connect(v).connect(c.destination);
  },
  'AudioWorkletNode': async (c, o) => { await c.audioWorklet.addModule(proc); o.connect(new AudioWorkletNode(c, 'idle')).connect(c.destination); },
};
const result = {};
for (const [name, build] of Object.entries(graphs)) {
  const perQuantum = [];
  for (let i = 0; i < 6; i++) {
    const c = new OfflineAudioContext(2, 48000 * 4, 48000);
    const o = c.createOscillator(); o.start();
    await build(c, o);
    const done = allocatedDuring();
    await c.startRendering();
    perQuantum.push(done() / (48000 * 4 / 128));
  }
  result[name] = Math.min(...perQuantum.slice(-2));
}
console.log('RESULT ' + JSON.stringify(result));
`;

test(`steady-state rendering allocates under ${LIMIT} bytes per quantum for the common and the spatial nodes`, (t) => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const result = JSON.parse(/RESULT (.*)/.exec(r.stdout)![1]!) as Record<string, number>;
  assert.equal(Object.keys(result).length, 5);
  for (const [name, bytes] of Object.entries(result)) {
    t.diagnostic(`${name}: ${bytes.toFixed(0)} bytes per quantum`);
    assert.ok(bytes < LIMIT, `${name}: ${bytes.toFixed(0)} bytes allocated per render quantum`);
  }
});
