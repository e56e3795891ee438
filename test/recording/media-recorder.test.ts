import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MediaRecorder } from '../../src/recording/media-recorder.js';
import { BlobEvent } from '../../src/recording/blob-event.js';
import { ErrorEvent } from '../../src/webidl/error-event.js';
import { MediaStream } from '../../src/stream/media-stream.js';
import { parseWav } from '../../src/media/codecs/wav.js';
import { VirtualClock as Clock } from '../../src/media/clock.js';
import { createMediaDevices } from '../../src/devices/create-media-devices.js';
import { stopAll, tick } from '../devices/helpers.js';

function setup() {
  const clock = new Clock();
  return { ...createMediaDevices({ clock }), clock };
}

interface Log {
  events: string[];
  blobs: Blob[];
  timecodes: number[];
  errors: DOMException[];
}

function watch(rec: MediaRecorder): Log {
  const log: Log = { events: [], blobs: [], timecodes: [], errors: [] };
  for (const type of ['start', 'stop', 'pause', 'resume', 'error', 'dataavailable']) {
    rec.addEventListener(type, (e) => {
      log.events.push(type);
      if (e instanceof BlobEvent) {
        log.blobs.push(e.data);
        log.timecodes.push(e.timecode);
      }
      if (type === 'error') log.errors.push((e as unknown as { error: DOMException }).error);
    });
  }
  return log;
}

const once = (target: EventTarget, type: string) => new Promise<Event>((resolve) => target.addEventListener(type, resolve, { once: true }));

async function bytesOf(blobs: Blob[]): Promise<Uint8Array> {
  return new Uint8Array(await new Blob(blobs).arrayBuffer());
}

async function microphone() {
  const md = setup();
  const stream = await md.mediaDevices.getUserMedia({ audio: true });
  return { md, stream, clock: md.clock };
}

describe('MediaRecorder constructor (mediastream-recording#dom-mediarecorder-mediarecorder)', () => {
  test('needs a MediaStream', () => {
    assert.throws(() => new (MediaRecorder as unknown as new () => unknown)(), TypeError);
    assert.throws(() => new MediaRecorder({} as MediaStream), TypeError);
  });
  test('step 4: a type it cannot record is NotSupportedError', () => {
    // No engine records HEVC or Matroska.
    for (const mimeType of ['video/mp4;codecs=hvc1', 'video/x-matroska']) {
      assert.throws(() => new MediaRecorder(new MediaStream(), { mimeType }), (e: unknown) => e instanceof DOMException && e.name === 'NotSupportedError', mimeType);
    }
    // The WebAssembly engine records no MP4.
    assert.throws(() => new MediaRecorder(new MediaStream(), { mimeType: 'video/mp4;codecs=avc1', engine: 'wasm' }), (e: unknown) => e instanceof DOMException && e.name === 'NotSupportedError');
    assert.throws(() => new MediaRecorder(new MediaStream(), { engine: 'native' as 'wasm' }), TypeError);
  });
  test('options are converted as WebIDL says (enum errors are TypeErrors)', () => {
    assert.throws(() => new MediaRecorder(new MediaStream(), { audioBitrateMode: 'fast' as 'constant' }), TypeError);
    const rec = new MediaRecorder(new MediaStream(), { audioBitsPerSecond: 64000.9, videoBitsPerSecond: 1e6, audioBitrateMode: 'constant' });
    assert.equal(rec.audioBitsPerSecond, 64000);
    assert.equal(rec.videoBitsPerSecond, 1e6);
    assert.equal(rec.audioBitrateMode, 'constant');
  });
  test('initial attributes: stream, the constrained mimeType, inactive, reasonable bitrates', () => {
    const stream = new MediaStream();
    const rec = new MediaRecorder(stream, { mimeType: 'audio/ogg' });
    assert.equal(rec.stream, stream);
    assert.equal(rec.mimeType, 'audio/ogg');
    assert.equal(rec.state, 'inactive');
    assert.equal(rec.audioBitrateMode, 'variable');
    assert.ok(rec.videoBitsPerSecond > 100_000 && rec.audioBitsPerSecond >= 6000);
  });
  test('step 15: bitsPerSecond is shared between audio and video', () => {
    const rec = new MediaRecorder(new MediaStream(), { bitsPerSecond: 1_000_000, audioBitsPerSecond: 5 });
    assert.equal(rec.videoBitsPerSecond + rec.audioBitsPerSecond, 1_000_000);
    assert.ok(rec.audioBitsPerSecond >= 6000);
  });
  test('isTypeSupported needs its argument and converts it to a string', () => {
    assert.throws(() => (MediaRecorder.isTypeSupported as () => boolean)(), TypeError);
    assert.equal(MediaRecorder.isTypeSupported({ toString: () => 'audio/webm' } as unknown as string), true);
    assert.equal(MediaRecorder.isTypeSupported('video/x-matroska'), false);
  });
});

describe('MediaRecorder methods: state and errors', () => {
  test('pause, resume and requestData on an inactive recorder are InvalidStateError; stop does nothing', () => {
    const rec = new MediaRecorder(new MediaStream());
    for (const m of ['pause', 'resume', 'requestData'] as const) {
      assert.throws(() => rec[m](), (e: unknown) => e instanceof DOMException && e.name === 'InvalidStateError', m);
    }
    rec.stop();
    assert.equal(rec.state, 'inactive');
  });
  test('start: an inactive stream is NotSupportedError; a second start is InvalidStateError', async () => {
    assert.throws(() => new MediaRecorder(new MediaStream()).start(), (e: unknown) => e instanceof DOMException && e.name === 'NotSupportedError');
    const { stream } = await microphone();
    const rec = new MediaRecorder(stream, { mimeType: 'audio/wav' });
    rec.start();
    assert.equal(rec.state, 'recording');
    assert.throws(() => rec.start(), (e: unknown) => e instanceof DOMException && e.name === 'InvalidStateError');
    rec.stop();
    await once(rec, 'stop');
    stopAll(stream);
  });
  test('start step 12: both key frame intervals is NotSupportedError, and the state stays inactive', async () => {
    const { stream } = await microphone();
    const rec = new MediaRecorder(stream, { videoKeyFrameIntervalCount: 10, videoKeyFrameIntervalDuration: 1000 });
    assert.throws(() => rec.start(), (e: unknown) => e instanceof DOMException && e.name === 'NotSupportedError');
    assert.equal(rec.state, 'inactive');
    stopAll(stream);
  });
  test('start step 14: a track the type cannot hold is NotSupportedError', async () => {
    const md = setup();
    const stream = await md.mediaDevices.getUserMedia({ audio: true, video: true });
    assert.throws(() => new MediaRecorder(stream, { mimeType: 'audio/ogg;codecs=opus' }).start(), (e: unknown) => e instanceof DOMException && e.name === 'NotSupportedError');
    stopAll(stream);
  });
  test('start step 15.2: a deferred codec it cannot produce fires error (NotSupportedError) then stop, and no start', async () => {
    const { stream } = await microphone();
    const rec = new MediaRecorder(stream, { mimeType: 'audio/webm;codecs=vorbis' });
    const log = watch(rec);
    rec.start();
    assert.equal(rec.state, 'recording');
    await once(rec, 'stop');
    assert.deepEqual(log.events, ['error', 'stop']);
    assert.equal(log.errors[0]!.name, 'NotSupportedError');
    assert.equal(rec.state, 'inactive');
    stopAll(stream);
  });
});

describe('MediaRecorder recording WAV on the virtual clock', () => {
  test('events in spec order; state changes at once, mimeType once started and back after stop', async () => {
    const { stream, clock } = await microphone();
    const rec = new MediaRecorder(stream, { mimeType: 'audio/wav' });
    const log = watch(rec);
    rec.start();
    assert.equal(rec.mimeType, 'audio/wav');
    await once(rec, 'start');
    assert.equal(rec.mimeType, 'audio/wav;codecs=pcm');
    clock.advance(500);
    rec.pause();
    assert.equal(rec.state, 'paused');
    rec.pause(); // already paused: nothing more
    rec.resume();
    assert.equal(rec.state, 'recording');
    rec.requestData();
    rec.stop();
    assert.equal(rec.state, 'inactive');
    assert.equal(rec.mimeType, 'audio/wav');
    await once(rec, 'stop');
    assert.deepEqual(log.events, ['start', 'pause', 'resume', 'dataavailable', 'dataavailable', 'stop']);
    assert.equal(log.blobs[0]!.type, 'audio/wav;codecs=pcm');
    stopAll(stream);
  });

  test('the recording holds exactly the time recorded, pauses removed', async () => {
    const { stream, clock } = await microphone();
    const rate = stream.getAudioTracks()[0]!.getSettings().sampleRate!;
    const rec = new MediaRecorder(stream, { mimeType: 'audio/wav' });
    const log = watch(rec);
    rec.start();
    await once(rec, 'start');
    clock.advance(2000);
    rec.pause();
    clock.advance(1000);
    rec.resume();
    clock.advance(1000);
    rec.stop();
    await once(rec, 'stop');
    const wav = parseWav(await bytesOf(log.blobs));
    assert.equal(wav.sampleRate, rate);
    assert.equal(wav.channels[0]!.length, 3 * rate);
    let energy = 0;
    for (const x of wav.channels[0]!) energy += x * x;
    assert.ok(energy / wav.channels[0]!.length > 1e-4, 'the microphone signal is in the file');
    stopAll(stream);
  });

  test('a disabled track records silence', async () => {
    const { stream, clock } = await microphone();
    stream.getAudioTracks()[0]!.enabled = false;
    const rec = new MediaRecorder(stream, { mimeType: 'audio/wav' });
    const log = watch(rec);
    rec.start();
    await once(rec, 'start');
    clock.advance(1000);
    rec.stop();
    await once(rec, 'stop');
    const wav = parseWav(await bytesOf(log.blobs));
    assert.ok(wav.channels[0]!.length > 0.9 * wav.sampleRate);
    assert.ok(wav.channels[0]!.every((x) => x === 0));
    stopAll(stream);
  });

  test('timeslice: one Blob per slice of media, timecodes from 0, and the slices join into one file', async () => {
    const { stream, clock } = await microphone();
    const rate = stream.getAudioTracks()[0]!.getSettings().sampleRate!;
    const rec = new MediaRecorder(stream, { mimeType: 'audio/wav' });
    const log = watch(rec);
    rec.start(500);
    await once(rec, 'start');
    for (let i = 0; i < 20; i++) clock.advance(100);
    rec.stop();
    await once(rec, 'stop');
    const data = log.events.filter((e) => e === 'dataavailable').length;
    assert.ok(data >= 4, `${data} dataavailable events`);
    assert.deepEqual(log.timecodes.slice(0, 4), [0, 500, 1000, 1500]);
    const wav = parseWav(await bytesOf(log.blobs));
    assert.equal(wav.channels[0]!.length, 2 * rate);
    stopAll(stream);
  });

  test('requestData with nothing recorded yet gives an empty Blob after the header', async () => {
    const { stream } = await microphone();
    const rec = new MediaRecorder(stream, { mimeType: 'audio/wav' });
    const log = watch(rec);
    rec.start();
    rec.requestData();
    rec.requestData();
    rec.stop();
    await once(rec, 'stop');
    assert.deepEqual(log.events, ['start', 'dataavailable', 'dataavailable', 'dataavailable', 'stop']);
    assert.equal(log.blobs[0]!.size, 44);
    assert.equal(log.blobs[1]!.size, 0);
    stopAll(stream);
  });

  test('start step 15.5: a track added while recording ends it with InvalidModificationError, the data, then stop', async () => {
    const md = setup();
    const stream = await md.mediaDevices.getUserMedia({ audio: true });
    const other = await md.mediaDevices.getUserMedia({ audio: true });
    const rec = new MediaRecorder(stream, { mimeType: 'audio/wav' });
    const log = watch(rec);
    rec.start();
    await once(rec, 'start');
    md.clock.advance(200);
    stream.addTrack(other.getAudioTracks()[0]!);
    assert.equal(rec.state, 'recording', 'the state changes in the queued task');
    await once(rec, 'stop');
    assert.deepEqual(log.events, ['start', 'error', 'dataavailable', 'stop']);
    assert.equal(log.errors[0]!.name, 'InvalidModificationError');
    assert.equal(rec.state, 'inactive');
    assert.ok(log.blobs[0]!.size > 44);
    stopAll(stream);
    stopAll(other);
  });

  test('start step 15.8: when every recorded track ends, the data and stop come without an error', async () => {
    const { stream, clock } = await microphone();
    const rec = new MediaRecorder(stream, { mimeType: 'audio/wav' });
    const log = watch(rec);
    rec.start();
    await once(rec, 'start');
    clock.advance(300);
    stopAll(stream);
    await once(rec, 'stop');
    assert.deepEqual(log.events, ['start', 'dataavailable', 'stop']);
    assert.equal(rec.state, 'inactive');
    const wav = parseWav(await bytesOf(log.blobs));
    assert.ok(wav.channels[0]!.length >= 0.3 * wav.sampleRate - 1);
  });

  test('stop right after start still fires start, dataavailable and stop, in that order', async () => {
    const { stream } = await microphone();
    const rec = new MediaRecorder(stream, { mimeType: 'audio/webm' });
    const log = watch(rec);
    rec.start();
    rec.stop();
    await once(rec, 'stop');
    assert.deepEqual(log.events, ['start', 'dataavailable', 'stop']);
    assert.equal(log.blobs[0]!.type, 'audio/webm;codecs=opus');
    assert.ok(log.blobs[0]!.size > 0);
    stopAll(stream);
  });

  test('a listener that throws does not stop the recorder', async () => {
    const { stream, clock } = await microphone();
    const rec = new MediaRecorder(stream, { mimeType: 'audio/wav' });
    // Exceptions are reported at the global object when it is an EventTarget (as in a DOM).
    const errors: unknown[] = [];
    const globalTarget = new EventTarget();
    globalTarget.addEventListener('error', (e) => {
      errors.push((e as unknown as { error: unknown }).error);
      e.preventDefault();
    });
    const g = globalThis as Record<string, unknown>;
    g.dispatchEvent = (e: Event) => globalTarget.dispatchEvent(e);
    g.ErrorEvent = ErrorEvent;
    try {
      rec.onstart = () => {
        throw new Error('boom');
      };
      const log = watch(rec);
      rec.start();
      await once(rec, 'start');
      clock.advance(100);
      rec.stop();
      await once(rec, 'stop');
      await tick();
      assert.deepEqual(log.events, ['start', 'dataavailable', 'stop']);
      assert.equal((errors[0] as Error).message, 'boom');
    } finally {
      delete g.dispatchEvent;
      delete g.ErrorEvent;
      stopAll(stream);
    }
  });
});

describe('BlobEvent (mediastream-recording#blobevent-section)', () => {
  test('needs a Blob in data; timecode defaults to 0', () => {
    assert.throws(() => new BlobEvent('dataavailable', {} as { data: Blob }), TypeError);
    assert.throws(() => new BlobEvent('dataavailable', { data: 'x' as unknown as Blob }), TypeError);
    const data = new Blob(['abc']);
    const e = new BlobEvent('dataavailable', { data });
    assert.equal(e.data, data);
    assert.equal(e.timecode, 0);
    assert.equal(new BlobEvent('x', { data, timecode: 12.5 }).timecode, 12.5);
    assert.equal(Object.prototype.toString.call(e), '[object BlobEvent]');
  });
});
