// The constraint exerciser: getUserMedia() with the constraint sets typed into the page,
// applyConstraints() on the running tracks, and each track's getSettings() shown back.
(function () {
  'use strict';

  const defaults = {
    video: { width: { min: 640, ideal: 1280 }, height: { ideal: 720 }, frameRate: { max: 30 } },
    audio: { echoCancellation: true, sampleRate: 48000 },
  };

  const videoText = document.getElementById('videoConstraints');
  const audioText = document.getElementById('audioConstraints');
  const videoSettings = document.getElementById('videoSettings');
  const audioSettings = document.getElementById('audioSettings');
  const startButton = document.getElementById('startButton');
  const applyButton = document.getElementById('applyButton');
  const stopButton = document.getElementById('stopButton');
  const video = document.getElementById('video');
  const log = document.getElementById('log');

  let stream = null;

  function say(text, isError) {
    const line = document.createElement('div');
    if (isError) line.className = 'error';
    line.textContent = text;
    log.appendChild(line);
  }

  function describeError(err) {
    if (err && err.name === 'OverconstrainedError') {
      // Before the user grants access a page is not told which constraint failed.
      if (err.constraint === '') return 'OverconstrainedError: no device satisfies the constraints (which one failed is not exposed yet)';
      return 'OverconstrainedError: no setting satisfies constraint "' + err.constraint + '"';
    }
    return (err && err.name ? err.name : 'Error') + ': ' + (err && err.message ? err.message : String(err));
  }

  // Both text boxes as constraint objects; null (with a log line) when either is not JSON.
  function readConstraints() {
    const result = {};
    for (const [kind, box] of [['video', videoText], ['audio', audioText]]) {
      const text = box.value.trim();
      if (text === '') {
        result[kind] = false;
        continue;
      }
      try {
        result[kind] = JSON.parse(text);
      } catch (e) {
        say('The ' + kind + ' constraints are not valid JSON: ' + e.message, true);
        return null;
      }
    }
    return result;
  }

  function showSettings() {
    const v = stream ? stream.getVideoTracks()[0] : undefined;
    const a = stream ? stream.getAudioTracks()[0] : undefined;
    videoSettings.textContent = v ? JSON.stringify(v.getSettings(), null, 2) : '';
    audioSettings.textContent = a ? JSON.stringify(a.getSettings(), null, 2) : '';
  }

  function listSupported() {
    const supported = navigator.mediaDevices.getSupportedConstraints();
    for (const name of Object.keys(supported).sort()) {
      if (!supported[name]) continue;
      const item = document.createElement('li');
      item.textContent = name;
      document.getElementById('supportedConstraints').appendChild(item);
    }
  }

  async function start() {
    const constraints = readConstraints();
    if (constraints === null) return;
    try {
      stream = await navigator.mediaDevices.getUserMedia(constraints);
    } catch (err) {
      say('getUserMedia failed: ' + describeError(err), true);
      return;
    }
    video.srcObject = stream;
    showSettings();
    say('Started: ' + stream.getTracks().map((t) => t.kind + ' "' + t.label + '"').join(', '));
    startButton.disabled = true;
    applyButton.disabled = false;
    stopButton.disabled = false;
  }

  async function apply() {
    const constraints = readConstraints();
    if (constraints === null || stream === null) return;
    for (const track of stream.getTracks()) {
      const wanted = constraints[track.kind];
      try {
        await track.applyConstraints(wanted === false ? {} : wanted);
        say('Applied to the ' + track.kind + ' track.');
      } catch (err) {
        say('applyConstraints on the ' + track.kind + ' track failed: ' + describeError(err), true);
      }
    }
    showSettings();
  }

  function stop() {
    if (stream !== null) {
      for (const track of stream.getTracks()) track.stop();
    }
    stream = null;
    video.srcObject = null;
    showSettings();
    say('Stopped.');
    startButton.disabled = false;
    applyButton.disabled = true;
    stopButton.disabled = true;
  }

  videoText.value = JSON.stringify(defaults.video, null, 2);
  audioText.value = JSON.stringify(defaults.audio, null, 2);
  listSupported();
  startButton.addEventListener('click', start);
  applyButton.addEventListener('click', apply);
  stopButton.addEventListener('click', stop);
})();
