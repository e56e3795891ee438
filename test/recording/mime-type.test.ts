import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isTypeSupported, parseMimeType, chooseConfiguration } from '../../src/recording/mime-type.js';

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
