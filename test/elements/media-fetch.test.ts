/**
 * Where src resources come from and what script may see of them: jsdom documents served over
 * HTTP (relative URLs, another origin with and without CORS, HTTP errors), data: and blob: URLs,
 * and a src attribute from markup.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';
import { installElements } from '../../src/elements/install.js';
import { currentFrameOf, setElementClock } from '../../src/elements/media-element-core.js';
import { HTMLAudioElement } from '../../src/elements/html-media-element.js';
import { fetchMedia } from '../../src/elements/media-fetch.js';
import { VideoFrame } from '../../src/media/video-frame.js';
import '../../src/elements/image-sources.js';
import { RealClock } from '../../src/media/clock.js';
import { frameLuma, wavTone, y4mClip, once } from './support/media-fixtures.js';

const require = createRequire(import.meta.url);
const napi = require('@napi-rs/canvas') as { createCanvas(w: number, h: number): unknown };

const clip = y4mClip(10, 10, 32, 24);
const tone = wavTone(0.3);
let server: Server;
let port = 0;
/** Requests to /hang whose connection was closed by the client. */
let hangClosed = 0;

before(async () => {
  setElementClock(new RealClock());
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const cors = url.pathname.startsWith('/cors/');
    if (cors) res.setHeader('access-control-allow-origin', '*');
    if (url.pathname === '/moved') {
      res.writeHead(302, { location: '/media/clip.y4m' });
      res.end();
      return;
    }
    if (url.pathname === '/hang') {
      // Headers, a little data, then nothing: a stalled resource.
      res.writeHead(200, { 'content-type': 'video/webm' });
      res.write(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
      req.on('close', () => hangClosed++);
      return;
    }
    if (url.pathname.endsWith('/clip.y4m')) {
      res.writeHead(200, { 'content-type': 'video/x-yuv4mpeg' });
      res.end(clip);
    } else if (url.pathname === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><video></video>');
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

/** A jsdom page at http://127.0.0.1:<port>/page.html with the elements patched. */
function page(markup = '<video></video><canvas width="32" height="24"></canvas>') {
  const dom = new JSDOM(markup, { url: `http://127.0.0.1:${port}/page.html` });
  installElements({ window: dom.window, canvas: napi });
  return dom.window;
}

describe('src in a jsdom document', () => {
  test('a relative src resolves against the document; drawImage() of the playing element shows its picture', async () => {
    const window = page();
    const video = window.document.querySelector('video')!;
    video.src = 'media/clip.y4m';
    await once(video, 'canplaythrough');
    assert.equal(video.currentSrc, `http://127.0.0.1:${port}/media/clip.y4m`);
    assert.equal(video.duration, 1);
    video.currentTime = 0.55;
    await once(video, 'seeked');
    const ctx = window.document.querySelector('canvas')!.getContext('2d')!;
    ctx.drawImage(video, 0, 0);
    const px = ctx.getImageData(16, 12, 1, 1).data;
    // Limited-range luma L is grey (L - 16) * 255 / 219.
    const grey = ((frameLuma(5) - 16) * 255) / 219;
    assert.ok(Math.abs(px[0]! - grey) <= 2 && Math.abs(px[1]! - grey) <= 2 && Math.abs(px[2]! - grey) <= 2, `pixel ${[...px]}`);
    assert.equal(px[3], 255);
  });

  test('another origin without CORS plays, but its content does not reach script: captured tracks muted, a canvas it is drawn on tainted', async () => {
    const window = page('<video></video><canvas width="32" height="24"></canvas><canvas id="c2" width="8" height="8"></canvas>');
    const video = window.document.querySelector('video')!;
    video.src = `http://localhost:${port}/media/clip.y4m`;
    const stream = (video as unknown as { captureStream(): MediaStream }).captureStream();
    await once(video, 'canplaythrough');
    await video.play();
    await new Promise((r) => setTimeout(r, 150));
    const [track] = stream.getVideoTracks();
    assert.ok(track, 'the video track is captured');
    assert.equal(track.muted, true);
    assert.equal(currentFrameOf(video), null);
    assert.throws(() => new VideoFrame(video as never), (e: DOMException) => e.name === 'SecurityError');
    // A second canvas, captured before it is tainted: its track goes muted then.
    const other = window.document.getElementById('c2') as HTMLCanvasElement;
    const octx = other.getContext('2d')!;
    octx.fillRect(0, 0, 8, 8);
    const captured = (other as unknown as { captureStream(r?: number): MediaStream }).captureStream(10).getVideoTracks()[0]!;
    const canvas = window.document.querySelector('canvas')!;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(video, 0, 0);
    const isSecurity = (e: DOMException) => e.name === 'SecurityError';
    assert.throws(() => ctx.getImageData(0, 0, 1, 1), isSecurity);
    assert.throws(() => canvas.toDataURL(), isSecurity);
    assert.throws(() => canvas.toBlob(() => {}), isSecurity);
    assert.throws(() => (canvas as unknown as { captureStream(): unknown }).captureStream(), isSecurity);
    assert.throws(() => new VideoFrame(canvas as never, { timestamp: 0 }), isSecurity);
    // Drawing the tainted canvas taints the other one too.
    assert.equal(captured.muted, false);
    octx.drawImage(canvas, 0, 0);
    assert.throws(() => octx.getImageData(0, 0, 1, 1), isSecurity);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(captured.muted, true, 'the capture of a canvas that lost origin-clean is muted');
    captured.stop();
    video.pause();
  });

  test('crossorigin: a CORS response is origin-clean; a response without CORS headers is a network error', async () => {
    const window = page();
    const video = window.document.querySelector('video')!;
    video.setAttribute('crossorigin', 'anonymous');
    video.src = `http://localhost:${port}/cors/clip.y4m`;
    const stream = (video as unknown as { captureStream(): MediaStream }).captureStream();
    await once(video, 'canplaythrough');
    await video.play();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(stream.getVideoTracks()[0]!.muted, false);
    assert.ok(currentFrameOf(video));
    video.pause();

    const other = window.document.createElement('video');
    other.setAttribute('crossorigin', '');
    other.src = `http://localhost:${port}/media/clip.y4m`;
    await once(other, 'error');
    assert.equal(other.error!.code, 4);
    assert.match(other.error!.message, /CORS/);
  });

  test('loading another resource aborts the fetch of a stalled one', async () => {
    const window = page();
    const video = window.document.querySelector('video')!;
    video.src = 'hang';
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(video.networkState, 2, 'still loading');
    assert.equal(hangClosed, 0);
    video.src = 'media/clip.y4m';
    await once(video, 'canplaythrough');
    for (let i = 0; i < 50 && hangClosed === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(hangClosed, 1, 'the stalled request was closed');
  });

  test('an HTTP error status fails the load with the status in the message', async () => {
    const window = page();
    const video = window.document.querySelector('video')!;
    video.src = 'nothing-here.webm';
    await assert.rejects(video.play(), (e: DOMException) => e.name === 'NotSupportedError');
    assert.match(video.error!.message, /HTTP 404/);
  });

  test('drawImage() of a video element that never loaded draws nothing and does not throw', () => {
    const window = page();
    const ctx = window.document.querySelector('canvas')!.getContext('2d')!;
    ctx.drawImage(window.document.createElement('video'), 0, 0);
    assert.equal(ctx.getImageData(0, 0, 1, 1).data[3], 0);
  });

  test('src attributes load as HTML says: from markup (autoplay plays), setAttribute(), innerHTML', async () => {
    const window = page('<video autoplay src="media/clip.y4m"></video><div></div>');
    const auto = window.document.querySelector('video')!;
    await once(auto, 'playing');
    assert.equal(auto.paused, false);
    assert.equal(auto.readyState, 4);
    auto.pause();
    const later = window.document.createElement('video');
    window.document.body.append(later);
    const loaded = once(later, 'loadedmetadata');
    later.setAttribute('src', 'media/clip.y4m');
    await loaded;
    assert.equal(later.videoWidth, 32);
    window.document.querySelector('div')!.innerHTML = '<audio src="media/clip.y4m"></audio>';
    const audio = window.document.querySelector('audio')!;
    await once(audio, 'canplaythrough');
    assert.equal(audio.duration, 1);
    // The property's setter loads once, not again when the observer sees the attribute.
    const events: string[] = [];
    later.addEventListener('loadstart', () => events.push('loadstart'));
    later.src = 'media/clip.y4m?again';
    await once(later, 'canplaythrough');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(events, ['loadstart']);
  });

  test('<source> children: tried in order, an unplayable type skipped, a failing one gets error, the first that loads plays', async () => {
    const window = page('<video autoplay><source src="missing.webm" type="video/webm"><source src="media/clip.y4m" type="video/x-nothing"><source src="media/clip.y4m"></video>');
    const video = window.document.querySelector('video')!;
    const sources = window.document.querySelectorAll('source');
    const errors: number[] = [];
    sources.forEach((el, i) => el.addEventListener('error', () => errors.push(i)));
    await once(video, 'playing');
    assert.equal(video.currentSrc, `http://127.0.0.1:${port}/media/clip.y4m`);
    assert.deepEqual(errors, [0]);
    assert.equal(video.error, null);
    video.pause();
    // None loads: the element waits without a source (no error on it) and play() rejects.
    const none = window.document.createElement('video');
    none.innerHTML = '<source src="missing.webm"><source src="x" type="video/x-nothing">';
    await assert.rejects(none.play(), (e: DOMException) => e.name === 'NotSupportedError' && /None of the <source> children/.test(e.message));
    assert.equal(none.networkState, none.NETWORK_NO_SOURCE);
    assert.equal(none.error, null);
    // A <source> inserted into an element that has none starts the resource selection.
    const later = window.document.createElement('video');
    window.document.body.append(later);
    const loaded = once(later, 'loadedmetadata');
    const source = window.document.createElement('source');
    source.src = 'media/clip.y4m';
    later.append(source);
    await loaded;
    assert.equal(later.videoWidth, 32);
  });

  test('a src attribute from markup loads when play() is called', async () => {
    const window = page('<video src="media/clip.y4m"></video>');
    const video = window.document.querySelector('video')!;
    await video.play();
    assert.equal(video.readyState, 4);
    assert.equal(video.videoWidth, 32);
    video.pause();
  });
});

describe('src in a happy-dom document', () => {
  test('a happy-dom <video> loads and plays a file through src, its picture drawable', async () => {
    const { Window } = await import('happy-dom');
    const window = new Window({ url: `http://127.0.0.1:${port}/page.html` });
    try {
      installElements({ window: window as never });
      const video = window.document.createElement('video') as unknown as HTMLVideoElement;
      video.src = 'media/clip.y4m';
      await video.play();
      assert.equal(video.currentSrc, `http://127.0.0.1:${port}/media/clip.y4m`);
      assert.equal(video.readyState, 4);
      assert.equal(video.videoWidth, 32);
      assert.equal(video.duration, 1);
      assert.ok(currentFrameOf(video));
      video.pause();
    } finally {
      await window.happyDOM.close();
    }
  });
});

describe('data: and blob: URLs', () => {
  test('a data: URL plays', async () => {
    const a = new HTMLAudioElement();
    a.src = `data:audio/wav;base64,${Buffer.from(tone).toString('base64')}`;
    await once(a, 'canplaythrough');
    assert.ok(Math.abs(a.duration - 0.3) < 1e-9);
    assert.equal(a.currentSrc.slice(0, 15), 'data:audio/wav;');
  });

  test('an object URL of a Blob plays; a revoked one fails', async () => {
    const url = URL.createObjectURL(new Blob([new Uint8Array(tone)], { type: 'audio/wav' }));
    const a = new HTMLAudioElement();
    a.src = url;
    await once(a, 'canplaythrough');
    assert.ok(Math.abs(a.duration - 0.3) < 1e-9);
    URL.revokeObjectURL(url);
    const b = new HTMLAudioElement();
    b.src = url;
    await once(b, 'error');
    assert.match(b.error!.message, /not an object URL/);
  });

  test('without a global fetch (jest\'s jsdom environment): node:http with redirects, CORS checks and data: URLs', async () => {
    const saved = globalThis.fetch;
    delete (globalThis as { fetch?: unknown }).fetch;
    try {
      const none = { origin: null, crossOrigin: null };
      const moved = await fetchMedia(new URL(`http://127.0.0.1:${port}/moved`), none);
      assert.deepEqual(moved.bytes, clip);
      assert.equal(moved.contentType, 'video/x-yuv4mpeg');
      await assert.rejects(fetchMedia(new URL(`http://127.0.0.1:${port}/nothing`), none), /HTTP 404/);
      const other = { origin: `http://127.0.0.1:${port}`, crossOrigin: 'anonymous' };
      await assert.rejects(fetchMedia(new URL(`http://localhost:${port}/media/clip.y4m`), other), /CORS check failed/);
      const allowed = await fetchMedia(new URL(`http://localhost:${port}/cors/clip.y4m`), other);
      assert.equal(allowed.corsCrossOrigin, false);
      const opaque = await fetchMedia(new URL(`http://localhost:${port}/media/clip.y4m`), { ...other, crossOrigin: null });
      assert.equal(opaque.corsCrossOrigin, true);
      const b64 = await fetchMedia(new URL(`data:audio/wav;base64,${Buffer.from(tone).toString('base64')}`), none);
      assert.deepEqual(b64.bytes, tone);
      assert.equal(b64.contentType, 'audio/wav');
      const pct = await fetchMedia(new URL('data:,a%20b'), none);
      assert.equal(new TextDecoder().decode(pct.bytes), 'a b');
    } finally {
      globalThis.fetch = saved;
    }
  });

  test('fetchMedia() refuses schemes it cannot fetch', async () => {
    await assert.rejects(fetchMedia(new URL('ftp://example.com/a.webm'), { origin: null, crossOrigin: null }), /scheme ftp: cannot be fetched/);
  });
});
