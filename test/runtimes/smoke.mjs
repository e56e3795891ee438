// Smoke suite for one JavaScript runtime: Node, Deno (`deno run -A`) or Bun, run as
//
//   <runtime> test/runtimes/smoke.mjs [name filter ...]
//
// from the package root after a build. It uses only the built package, through its published
// entry points ('mediacapture' and 'mediacapture/polyfill', resolved by the package's own name
// and "exports"), and plain ES module syntax, so every runtime runs the same file.
//
// Each check prints one line, PASS / FAIL / SKIP with the reason, then a summary and one
// machine-readable line, `SMOKE-RESULT {json}`, which test/runtimes/runtimes.test.ts reads.
// A SKIP is never a pass: it is a known limitation of the runtime, printed with why.
// The script never calls process.exit(): it sets the exit code (1 when a check failed) and ends
// when nothing is left open, so a leaked timer, worker or child process shows up as a hang.

const CHECK_TIMEOUT_MS = 30000;

const runtime = (() => {
  if (typeof globalThis.Deno !== 'undefined') return `deno ${globalThis.Deno.version.deno}`;
  if (typeof globalThis.Bun !== 'undefined') return `bun ${globalThis.Bun.version}`;
  return `node ${process.versions.node}`;
})();

/** A check that cannot run on this runtime, with the reason. */
class Limitation extends Error {}

const checks = [];
function check(name, fn) {
  checks.push({ name, fn });
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function near(actual, expected, tolerance, what) {
  assert(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function stopAll(stream) {
  for (const t of stream.getTracks()) t.stop();
}

/** Reads `n` frames from a track through a MediaStreamTrackProcessor, then cancels the stream. */
async function readFrames(MediaStreamTrackProcessor, track, n) {
  const reader = new MediaStreamTrackProcessor({ track, maxBufferSize: n }).readable.getReader();
  const frames = [];
  try {
    while (frames.length < n) {
      const { value, done } = await reader.read();
      if (done) break;
      frames.push(value);
    }
  } finally {
    await reader.cancel();
  }
  return frames;
}

/** Zero crossings per second of a mono signal. */
function crossingRate(samples, sampleRate) {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if ((samples[i - 1] < 0) !== (samples[i] < 0)) crossings++;
  return (crossings / 2) * (sampleRate / (samples.length - 1));
}

function rms(samples) {
  let s = 0;
  for (const x of samples) s += x * x;
  return Math.sqrt(s / samples.length);
}

const mc = await import('mediacapture');
const {
  createMediaDevices,
  OverconstrainedError,
  MediaStreamTrackProcessor,
  VideoTrackGenerator,
  MediaStreamTrackGenerator,
  VideoFrame,
  AudioData,
  captureCanvasStream,
  OfflineAudioContext,
  AudioContext,
  AnalyserNode,
  MediaStreamAudioSourceNode,
} = mc;

const TONE_HZ = 1000;
const devicesConfig = {
  microphones: [{ id: 'mic', label: 'Smoke microphone', toneFrequency: TONE_HZ, amplitude: 0.5 }],
  cameras: [{ id: 'cam', label: 'Smoke camera', modes: [{ width: 640, height: 480, frameRate: 30 }, { width: 320, height: 240, frameRate: 15 }] }],
};

check('polyfill: navigator.mediaDevices.getUserMedia through mediacapture/polyfill', async () => {
  await import('mediacapture/polyfill');
  assert(typeof navigator === 'object' && navigator.mediaDevices, 'navigator.mediaDevices is missing after the polyfill');
  assert(typeof globalThis.MediaStream === 'function' && globalThis.MediaStream === mc.MediaStream, 'global MediaStream is not the package one');
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  try {
    assert(stream instanceof globalThis.MediaStream, 'not a MediaStream');
    const kinds = stream.getTracks().map((t) => t.kind).sort().join(',');
    assert(kinds === 'audio,video', `track kinds ${kinds}`);
    for (const t of stream.getTracks()) assert(t.readyState === 'live', `${t.kind} track is ${t.readyState}`);
  } finally {
    stopAll(stream);
  }
  for (const t of stream.getTracks()) assert(t.readyState === 'ended', `${t.kind} track still ${t.readyState} after stop()`);
});

check('CommonJS entry: require("mediacapture") gives a working copy', async () => {
  const { createRequire } = await import('node:module');
  const cjs = createRequire(import.meta.url)('mediacapture');
  assert(typeof cjs.createMediaDevices === 'function', 'no createMediaDevices in the CommonJS build');
  const { mediaDevices } = cjs.createMediaDevices({ devices: devicesConfig });
  const stream = await mediaDevices.getUserMedia({ video: { width: { exact: 320 }, height: { exact: 240 } } });
  try {
    assert(stream instanceof cjs.MediaStream, 'not the CommonJS MediaStream');
    const s = stream.getVideoTracks()[0].getSettings();
    assert(s.width === 320 && s.height === 240, `settings ${s.width}x${s.height}`);
  } finally {
    stopAll(stream);
  }
});

check('require() and import give one copy where the runtime can require ES modules', async () => {
  const { createRequire } = await import('node:module');
  const cjs = createRequire(import.meta.url)('mediacapture');
  const esm = await import('mediacapture');
  // Node 20.19+ / 22.12+ match the "module-sync" export condition and require the ES build;
  // older runtimes load the CommonJS build, a second copy of every class.
  const oneCopy = typeof process !== 'undefined' && process.features?.require_module === true && typeof Deno === 'undefined' && typeof Bun === 'undefined';
  if (oneCopy) assert(cjs.MediaStream === esm.MediaStream, 'require() gave the CommonJS copy although require(esm) is available');
  else assert(typeof cjs.MediaStream === 'function', 'no MediaStream through require()');
});

check('getUserMedia: audio + video with resolution and frameRate constraints', async () => {
  const { mediaDevices } = createMediaDevices({ devices: devicesConfig });
  const stream = await mediaDevices.getUserMedia({
    audio: { channelCount: 1, sampleRate: 48000 },
    video: { width: { exact: 320 }, height: { exact: 240 }, frameRate: { max: 15 } },
  });
  try {
    const [video] = stream.getVideoTracks();
    const [audio] = stream.getAudioTracks();
    assert(video && audio, 'missing a track');
    const vs = video.getSettings();
    assert(vs.width === 320 && vs.height === 240, `video settings ${vs.width}x${vs.height}`);
    assert(vs.frameRate === 15, `frameRate ${vs.frameRate}`);
    const as = audio.getSettings();
    assert(as.sampleRate === 48000 && as.channelCount === 1, `audio settings ${as.sampleRate} Hz x ${as.channelCount}`);
    assert(video.label === 'Smoke camera' && audio.label === 'Smoke microphone', `labels ${video.label} / ${audio.label}`);
    await video.applyConstraints({ width: { exact: 640 }, height: { exact: 480 } });
    const after = video.getSettings();
    assert(after.width === 640 && after.height === 480, `after applyConstraints ${after.width}x${after.height}`);
  } finally {
    stopAll(stream);
  }
});

check('getUserMedia: OverconstrainedError names the constraint', async () => {
  const { mediaDevices } = createMediaDevices({ devices: devicesConfig });
  const failure = () =>
    mediaDevices.getUserMedia({ video: { width: { exact: 100000 } } }).then(
      (s) => (stopAll(s), null),
      (e) => e,
    );
  // Until a capture succeeded the device information is not accessible: the constraint is ''.
  const early = await failure();
  assert(early instanceof OverconstrainedError, `rejected with ${early && early.name}, not OverconstrainedError`);
  assert(early.constraint === '', `constraint before any capture '${early.constraint}', expected ''`);
  const stream = await mediaDevices.getUserMedia({ audio: true, video: true });
  const error = await failure();
  assert(error instanceof OverconstrainedError, `rejected with ${error && error.name}, not OverconstrainedError`);
  assert(error.name === 'OverconstrainedError', `name ${error.name}`);
  assert(error.constraint === 'width', `constraint '${error.constraint}', expected 'width'`);
  try {
    let applyError = null;
    await stream.getAudioTracks()[0].applyConstraints({ sampleRate: { exact: 1234 } }).catch((e) => (applyError = e));
    assert(applyError instanceof OverconstrainedError && applyError.constraint === 'sampleRate', `applyConstraints rejected with ${applyError && applyError.constraint}`);
  } finally {
    stopAll(stream);
  }
});

check('enumerateDevices: the configured devices, labelled once permission was used', async () => {
  const { mediaDevices } = createMediaDevices({ devices: devicesConfig });
  const stream = await mediaDevices.getUserMedia({ audio: true, video: true });
  stopAll(stream);
  const devices = await mediaDevices.enumerateDevices();
  const summary = devices.map((d) => `${d.kind}:${d.label}`).sort().join(',');
  assert(summary === 'audioinput:Smoke microphone,videoinput:Smoke camera', `devices ${summary}`);
  for (const d of devices) assert(typeof d.deviceId === 'string' && d.deviceId.length > 0 && d.groupId.length > 0, `${d.kind} has no deviceId/groupId`);
  const caps = devices.find((d) => d.kind === 'videoinput').getCapabilities();
  assert(caps.width && caps.width.max === 640, `camera width capability ${JSON.stringify(caps.width)}`);
});

check('MediaStreamTrackProcessor: camera frames of the right size that change', async () => {
  const { mediaDevices } = createMediaDevices({ devices: devicesConfig });
  const stream = await mediaDevices.getUserMedia({ video: { width: { exact: 320 }, height: { exact: 240 } } });
  try {
    const frames = await readFrames(MediaStreamTrackProcessor, stream.getVideoTracks()[0], 3);
    assert(frames.length === 3, `read ${frames.length} frames`);
    const bytes = [];
    for (const f of frames) {
      assert(f instanceof VideoFrame, 'not a VideoFrame');
      assert(f.codedWidth === 320 && f.codedHeight === 240, `frame ${f.codedWidth}x${f.codedHeight}`);
      const buf = new Uint8Array(f.allocationSize({ format: 'RGBA' }));
      await f.copyTo(buf, { format: 'RGBA' });
      assert(buf.length === 320 * 240 * 4, `RGBA size ${buf.length}`);
      bytes.push({ ts: f.timestamp, buf });
      f.close();
    }
    assert(bytes[1].ts > bytes[0].ts && bytes[2].ts > bytes[1].ts, `timestamps ${bytes.map((b) => b.ts)}`);
    let differing = 0;
    for (let i = 0; i < bytes[0].buf.length; i++) if (bytes[0].buf[i] !== bytes[2].buf[i]) differing++;
    assert(differing > 100, `only ${differing} bytes differ between frame 0 and frame 2`);
  } finally {
    stopAll(stream);
  }
});

check('MediaStreamTrackProcessor: microphone AudioData holds the tone', async () => {
  const { mediaDevices } = createMediaDevices({ devices: devicesConfig });
  const stream = await mediaDevices.getUserMedia({ audio: { channelCount: 1, sampleRate: 48000 } });
  try {
    const chunks = await readFrames(MediaStreamTrackProcessor, stream.getAudioTracks()[0], 10);
    assert(chunks.length === 10, `read ${chunks.length} chunks`);
    const parts = [];
    for (const a of chunks) {
      assert(a instanceof AudioData, 'not an AudioData');
      assert(a.sampleRate === 48000 && a.numberOfChannels === 1, `${a.sampleRate} Hz x ${a.numberOfChannels}`);
      const plane = new Float32Array(a.numberOfFrames);
      a.copyTo(plane, { planeIndex: 0, format: 'f32-planar' });
      parts.push(plane);
      a.close();
    }
    const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) all.set(p, (o += p.length) - p.length);
    near(rms(all), 0.5 / Math.SQRT2, 0.03, 'RMS of the tone');
    near(crossingRate(all, 48000), TONE_HZ, 30, 'tone frequency (zero crossings)');
  } finally {
    stopAll(stream);
  }
});

check('VideoTrackGenerator: frames written come back through a processor unchanged', async () => {
  const W = 16, H = 8;
  const generator = new VideoTrackGenerator();
  const track = generator.track;
  const reader = new MediaStreamTrackProcessor({ track, maxBufferSize: 4 }).readable.getReader();
  const writer = generator.writable.getWriter();
  try {
    for (let i = 0; i < 3; i++) {
      const rgba = new Uint8Array(W * H * 4);
      for (let p = 0; p < W * H; p++) rgba.set([(p * 7 + i * 40) & 255, (p * 3) & 255, i * 60, 255], p * 4);
      const frame = new VideoFrame(rgba, { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: i * 33333 });
      await writer.write(frame);
      const { value, done } = await reader.read();
      assert(!done, 'the processor stream ended');
      assert(value.codedWidth === W && value.codedHeight === H && value.timestamp === i * 33333, `frame ${i}: ${value.codedWidth}x${value.codedHeight} @${value.timestamp}`);
      const back = new Uint8Array(value.allocationSize({ format: 'RGBA' }));
      await value.copyTo(back, { format: 'RGBA' });
      value.close();
      for (let b = 0; b < rgba.length; b++) if (back[b] !== rgba[b]) throw new Error(`frame ${i}: byte ${b} is ${back[b]}, wrote ${rgba[b]}`);
    }
  } finally {
    await writer.close();
    await reader.cancel();
    track.stop();
  }
});

check('MediaStreamTrackGenerator: audio written comes back through a processor unchanged', async () => {
  const generator = new MediaStreamTrackGenerator({ kind: 'audio' });
  const reader = new MediaStreamTrackProcessor({ track: generator, maxBufferSize: 4 }).readable.getReader();
  const writer = generator.writable.getWriter();
  try {
    const samples = new Float32Array(480);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.sin((2 * Math.PI * 440 * i) / 48000) * 0.25;
    await writer.write(new AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfChannels: 1, numberOfFrames: 480, timestamp: 0, data: samples }));
    const { value, done } = await reader.read();
    assert(!done, 'the processor stream ended');
    assert(value.numberOfFrames === 480 && value.sampleRate === 48000, `${value.numberOfFrames} frames at ${value.sampleRate}`);
    const back = new Float32Array(480);
    value.copyTo(back, { planeIndex: 0, format: 'f32-planar' });
    value.close();
    for (let i = 0; i < 480; i++) if (back[i] !== samples[i]) throw new Error(`sample ${i} is ${back[i]}, wrote ${samples[i]}`);
  } finally {
    await writer.close();
    await reader.cancel();
    generator.stop();
  }
});

check('canvas capture: captureCanvasStream on an @napi-rs/canvas canvas', async () => {
  let napi;
  try {
    napi = await import('@napi-rs/canvas');
  } catch (e) {
    throw new Limitation(`@napi-rs/canvas does not load here: ${e && e.message ? e.message.split('\n')[0] : e}`);
  }
  const createCanvas = napi.createCanvas ?? napi.default?.createCanvas;
  const W = 32, H = 24;
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'rgb(255, 0, 0)';
  ctx.fillRect(0, 0, W, H);
  const stream = captureCanvasStream(canvas, 0);
  const [track] = stream.getVideoTracks();
  const reader = new MediaStreamTrackProcessor({ track, maxBufferSize: 4 }).readable.getReader();
  try {
    assert(track.canvas === canvas, 'track.canvas is not the canvas');
    const settings = track.getSettings();
    assert(settings.width === W && settings.height === H, `settings ${settings.width}x${settings.height}`);
    const pixelOf = async (frame) => {
      assert(frame.codedWidth === W && frame.codedHeight === H, `frame ${frame.codedWidth}x${frame.codedHeight}`);
      const buf = new Uint8Array(frame.allocationSize({ format: 'RGBA' }));
      await frame.copyTo(buf, { format: 'RGBA' });
      frame.close();
      const at = ((H >> 1) * W + (W >> 1)) * 4;
      return [buf[at], buf[at + 1], buf[at + 2]].join(',');
    };
    // frameRequestRate 0: the frame requested at creation, then one per requestFrame().
    const first = await reader.read();
    assert(!first.done, 'no first frame');
    const red = await pixelOf(first.value);
    assert(red === '255,0,0', `first frame pixel ${red}, painted 255,0,0`);
    ctx.fillStyle = 'rgb(0, 0, 255)';
    ctx.fillRect(0, 0, W, H);
    track.requestFrame();
    const second = await reader.read();
    assert(!second.done, 'no second frame');
    const blue = await pixelOf(second.value);
    assert(blue === '0,0,255', `second frame pixel ${blue}, painted 0,0,255`);
  } finally {
    await reader.cancel();
    track.stop();
  }
});

check('OfflineAudioContext: oscillator through a gain renders the expected samples', async () => {
  const rate = 48000, length = 4800;
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length, sampleRate: rate });
  const osc = ctx.createOscillator();
  osc.frequency.value = 440;
  const gain = ctx.createGain();
  gain.gain.value = 0.5;
  osc.connect(gain).connect(ctx.destination);
  osc.start(0);
  const buffer = await ctx.startRendering();
  assert(buffer.length === length && buffer.sampleRate === rate && buffer.numberOfChannels === 1, `buffer ${buffer.length} @ ${buffer.sampleRate} x ${buffer.numberOfChannels}`);
  const data = buffer.getChannelData(0);
  let worst = 0;
  for (let i = 0; i < length; i++) worst = Math.max(worst, Math.abs(data[i] - 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate)));
  assert(worst < 1e-3, `largest deviation from 0.5·sin(2π·440·t) is ${worst}`);
  assert(ctx.state === 'closed', `state after rendering ${ctx.state}`);
});

check('decodeAudioData: a WAV made here decodes on the decoding thread', async () => {
  const rate = 16000, n = 1600;
  const wav = new ArrayBuffer(44 + n * 2);
  const v = new DataView(wav);
  const text = (o, s) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  text(0, 'RIFF'); v.setUint32(4, 36 + n * 2, true); text(8, 'WAVE');
  text(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
  text(36, 'data'); v.setUint32(40, n * 2, true);
  for (let i = 0; i < n; i++) v.setInt16(44 + i * 2, Math.round(Math.sin((2 * Math.PI * 500 * i) / rate) * 16384), true);
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate: rate });
  const buffer = await ctx.decodeAudioData(wav);
  assert(buffer.length === n && buffer.sampleRate === rate, `decoded ${buffer.length} frames at ${buffer.sampleRate}`);
  const data = buffer.getChannelData(0);
  for (let i = 0; i < n; i += 97) near(data[i], Math.round(Math.sin((2 * Math.PI * 500 * i) / rate) * 16384) / 32768, 1e-6, `sample ${i}`);
});

check('AudioContext: createMediaStreamSource(getUserMedia stream) -> AnalyserNode sees the tone', async () => {
  const { mediaDevices } = createMediaDevices({ devices: devicesConfig });
  const stream = await mediaDevices.getUserMedia({ audio: true });
  const ctx = new AudioContext({ sampleRate: 48000 });
  try {
    const source = ctx.createMediaStreamSource(stream);
    assert(source instanceof MediaStreamAudioSourceNode, 'not a MediaStreamAudioSourceNode');
    const analyser = new AnalyserNode(ctx, { fftSize: 2048 });
    source.connect(analyser);
    await ctx.resume();
    assert(ctx.state === 'running', `state ${ctx.state}`);
    const bins = new Float32Array(analyser.frequencyBinCount);
    const binHz = ctx.sampleRate / analyser.fftSize;
    // A 0.5-amplitude sine through the analyser's Blackman window peaks near -20 dB; bins far
    // from it (above 4 kHz) hold only leakage, far below that.
    let peakHz = 0, peakDb = -Infinity, farDb = -Infinity;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      await sleep(100);
      analyser.getFloatFrequencyData(bins);
      let best = 0;
      for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
      peakHz = best * binHz;
      peakDb = bins[best];
      farDb = Math.max(...bins.subarray(Math.ceil(4000 / binHz)));
      if (peakDb > -30 && Math.abs(peakHz - TONE_HZ) <= 2 * binHz && farDb < peakDb - 40) break;
    }
    assert(peakDb > -30, `strongest bin is ${peakDb.toFixed(1)} dB at ${peakHz.toFixed(0)} Hz: no tone reached the analyser`);
    near(peakHz, TONE_HZ, 2 * binHz, 'analyser peak frequency');
    assert(farDb < peakDb - 40, `bins above 4 kHz reach ${farDb.toFixed(1)} dB, the tone ${peakDb.toFixed(1)} dB`);
  } finally {
    await ctx.close();
    stopAll(stream);
  }
  assert(ctx.state === 'closed', `state after close ${ctx.state}`);
});

check('AudioWorklet: a processor from a data: URL, offline and on the render thread', async () => {
  const { AudioWorkletNode } = mc;
  const source = `registerProcessor('times3', class extends AudioWorkletProcessor {
    process(inputs, outputs) {
      const i = inputs[0], o = outputs[0];
      for (let c = 0; c < o.length; c++) for (let k = 0; k < o[c].length; k++) o[c][k] = (i[c] ? i[c][k] : 0) * 3;
      return true;
    }
  });`;
  const url = `data:text/javascript,${encodeURIComponent(source)}`;
  const build = async (ctx) => {
    await ctx.audioWorklet.addModule(url);
    const c = ctx.createConstantSource();
    c.offset.value = 0.1;
    const node = new AudioWorkletNode(ctx, 'times3');
    c.connect(node);
    c.start();
    return node;
  };
  const offline = new OfflineAudioContext({ numberOfChannels: 1, length: 512, sampleRate: 48000 });
  (await build(offline)).connect(offline.destination);
  const rendered = (await offline.startRendering()).getChannelData(0);
  for (const i of [0, 128, 511]) near(rendered[i], 0.3, 1e-6, `offline sample ${i}`);
  const ctx = new AudioContext({ sampleRate: 48000 });
  try {
    const analyser = new AnalyserNode(ctx, { fftSize: 256 });
    (await build(ctx)).connect(analyser);
    await ctx.resume();
    const wave = new Float32Array(analyser.fftSize);
    const deadline = Date.now() + 5000;
    do {
      await sleep(50);
      analyser.getFloatTimeDomainData(wave);
    } while (Date.now() < deadline && !(Math.abs(wave[0] - 0.3) < 1e-6 && Math.abs(wave[255] - 0.3) < 1e-6));
    near(wave[0], 0.3, 1e-6, 'realtime sample 0');
    near(wave[255], 0.3, 1e-6, 'realtime sample 255');
  } finally {
    await ctx.close();
  }
});

async function runCheck({ name, fn }) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  const started = Date.now();
  try {
    await Promise.race([fn(), timeout]);
    return { name, status: 'pass', ms: Date.now() - started };
  } catch (e) {
    const reason = e && e.message ? e.message : String(e);
    if (e instanceof Limitation) return { name, status: 'skip', reason, ms: Date.now() - started };
    return { name, status: 'fail', reason, stack: e && e.stack ? String(e.stack) : undefined, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

// Arguments, if any, pick the checks whose names contain one of them (for debugging one check).
const filters = process.argv.slice(2);
const selected = filters.length ? checks.filter((c) => filters.some((f) => c.name.includes(f))) : checks;
console.log(`mediacapture smoke suite on ${runtime}`);
const results = [];
for (const c of selected) {
  const r = await runCheck(c);
  results.push(r);
  const tail = r.status === 'pass' ? '' : `: ${r.reason}`;
  console.log(`${r.status.toUpperCase().padEnd(4)} ${r.name} (${r.ms} ms)${tail}`);
  if (r.status === 'fail' && r.stack) console.log(r.stack.split('\n').slice(1, 6).join('\n'));
}
const count = (s) => results.filter((r) => r.status === s).length;
const failed = count('fail');
// Worded unlike a test runner's closing line, so that nothing mistakes it for the suite's total.
console.log(`smoke checks on ${runtime}: pass ${count('pass')}, fail ${failed}, skip ${count('skip')}`);
console.log(`SMOKE-RESULT ${JSON.stringify({ runtime, selected: selected.length, results: results.map(({ stack, ...r }) => r) })}`);
process.exitCode = failed > 0 ? 1 : 0;
