import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isTypeSupported, parseMimeType, chooseConfiguration, h264Level } from '../../src/recording/mime-type.js';
import { ffmpegCapabilities } from '../../src/recording/engine/select.js';

describe('parseMimeType (mimesniff)', () => {
  test('lowercases the essence, keeps parameter values, unquotes quoted strings', () => {
    const m = parseMimeType(' Video/WebM ; Codecs="vp8, opus" ;x=1');
    assert.ok(m);
    assert.equal(m.type, 'video');
    assert.equal(m.subtype, 'webm');
    assert.equal(m.parameters.get('codecs'), 'vp8, opus');
    assert.equal(m.parameters.get('x'), '1');
  });
  test('rejects strings that are not MIME types', () => {
    for (const s of ['', 'video', 'video/', '/webm', 'vi deo/webm', 'video/we bm']) assert.equal(parseMimeType(s), null, s);
  });
  test('the first of repeated parameters wins', () => {
    assert.equal(parseMimeType('audio/ogg;codecs=opus;codecs=pcm')!.parameters.get('codecs'), 'opus');
  });
});

describe('is type supported (mediastream-recording#abstract-opdef-is-type-supported)', () => {
  test('step 1: the empty string is supported', () => {
    assert.equal(isTypeSupported('', false), true);
  });
  test('what is produced answers true', () => {
    for (const t of ['video/webm', 'video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm;codecs="vp8,opus"', 'video/webm;codecs=vp09.00.10.08',
      'video/webm;codecs=vp8.0,opus', 'audio/webm', 'audio/webm;codecs=opus', 'audio/ogg', 'audio/ogg;codecs=opus', 'audio/wav', 'audio/wav;codecs=pcm', 'AUDIO/WEBM;CODECS=OPUS']) {
      assert.equal(isTypeSupported(t, false), true, t);
    }
  });
  test('what is not produced answers false', () => {
    for (const t of ['video/mp4', 'video/mp4;codecs=avc1', 'audio/mp4', 'video/webm;codecs=h264', 'video/webm;codecs=av1', 'audio/webm;codecs=vp8',
      'audio/ogg;codecs=vorbis', 'audio/wav;codecs=opus', 'video/x-matroska', 'text/plain', 'video', 'video/webm;codecs=vp8,vp9', 'audio/webm;codecs=opus,pcm']) {
      assert.equal(isTypeSupported(t, false), false, t);
    }
  });
  test('step 9: a codec that is not synchronously exposed is deferred', () => {
    assert.equal(isTypeSupported('audio/webm;codecs=vorbis', false), false);
    assert.equal(isTypeSupported('audio/webm;codecs=vorbis', true), true);
    // ...but a synchronously exposed one we do not produce is refused either way.
    assert.equal(isTypeSupported('video/webm;codecs=av01', true), false);
  });
});

describe('chooseConfiguration', () => {
  test('defaults follow the tracks: VP8 + Opus in WebM, Opus alone in audio/webm', () => {
    assert.deepEqual(chooseConfiguration('', true, true), { container: 'webm', videoCodec: 'vp8', audioCodec: 'opus', mimeType: 'video/webm;codecs=vp8,opus' });
    assert.equal((chooseConfiguration('', false, true) as { mimeType: string }).mimeType, 'audio/webm;codecs=opus');
    assert.equal((chooseConfiguration('', true, false) as { mimeType: string }).mimeType, 'video/webm;codecs=vp8');
  });
  test('codecs given are kept, missing ones filled in', () => {
    assert.equal((chooseConfiguration('video/webm;codecs=vp9', true, true) as { mimeType: string }).mimeType, 'video/webm;codecs=vp9,opus');
    assert.equal((chooseConfiguration('audio/wav', false, true) as { mimeType: string }).mimeType, 'audio/wav;codecs=pcm');
  });
  test('an audio-only type cannot take a video track; reasons are strings', () => {
    assert.match(chooseConfiguration('audio/ogg', true, true) as string, /video/);
    assert.match(chooseConfiguration('audio/webm;codecs=vorbis', false, true) as string, /vorbis/);
  });
});

describe('what an ffmpeg engine produces, by its encoders', () => {
  const all = ffmpegCapabilities(new Set(['libvpx', 'libvpx-vp9', 'libaom-av1', 'libx264', 'aac', 'libopus']));
  test('MP4 and AV1 answer true only where the encoders are', () => {
    for (const t of ['video/mp4', 'video/mp4;codecs=avc1.42E01E,mp4a.40.2', 'video/mp4;codecs=av01.0.05M.08,opus', 'audio/mp4', 'video/webm;codecs=av1,opus', 'video/webm;codecs=av01']) {
      assert.equal(isTypeSupported(t, false, all), true, t);
    }
    const noX264 = ffmpegCapabilities(new Set(['libvpx', 'libopus']));
    for (const t of ['video/mp4;codecs=avc1', 'video/webm;codecs=av1', 'audio/mp4;codecs=mp4a']) assert.equal(isTypeSupported(t, false, noX264), false, t);
    // A codec MP4 cannot hold here is refused even when deferring.
    assert.equal(isTypeSupported('video/mp4;codecs=hvc1', true, all), false);
    assert.equal(isTypeSupported('video/mp4;codecs=vp8', false, all), false);
  });
  test('MP4 defaults to H.264 + AAC and names them as browsers do, with the level the picture needs', () => {
    const hd = { width: 1280, height: 720, frameRate: 30 };
    assert.equal((chooseConfiguration('video/mp4', true, true, all, hd) as { mimeType: string }).mimeType, 'video/mp4;codecs=avc1.64001F,mp4a.40.2');
    assert.equal((chooseConfiguration('video/mp4;codecs=av01', true, true, all, hd) as { mimeType: string }).mimeType, 'video/mp4;codecs=av01.0.05M.08,mp4a.40.2');
    assert.equal((chooseConfiguration('video/webm;codecs=av1', true, true, all, hd) as { mimeType: string }).mimeType, 'video/webm;codecs=av1,opus');
    assert.equal((chooseConfiguration('audio/mp4;codecs=opus', false, true, all) as { mimeType: string }).mimeType, 'audio/mp4;codecs=opus');
    assert.deepEqual([h264Level({ width: 640, height: 480, frameRate: 30 }), h264Level(hd), h264Level({ width: 1920, height: 1080, frameRate: 30 }), h264Level({ width: 1920, height: 1080, frameRate: 60 })], [30, 31, 40, 42]);
  });
  test('the WebAssembly engine cannot: the reason says it is the engine', () => {
    assert.match(chooseConfiguration('video/mp4', true, true) as string, /with this recording engine/);
  });
});
