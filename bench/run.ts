/**
 * `npm run bench`: runs every benchmark and prints its figures. Each benchmark measures against
 * its goal (or its named peer) inside the same run, so the ratios hold on any machine.
 * Usage: npm run bench [-- frame-plane|webaudio|live-contexts|recorder|recorder-hour|webrtc]
 * (recorder-hour records a virtual hour: minutes of wall time)
 */
import { runFramePlaneBench } from './frame-plane.js';
import { runWebAudioBench } from './webaudio.js';
import { runLiveContextsBench } from './live-contexts.js';
import { runRecorderBench, runRecorderHourBench } from './recorder.js';
import { runWebRtcBench } from './webrtc.js';

const benches: Record<string, () => Promise<Record<string, number | string>>> = {
  'frame-plane': runFramePlaneBench,
  webaudio: runWebAudioBench,
  'live-contexts': runLiveContextsBench,
  recorder: runRecorderBench,
  'recorder-hour': runRecorderHourBench,
  webrtc: runWebRtcBench,
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in benches)) {
    console.error(`unknown benchmark '${name}' (have: ${Object.keys(benches).join(', ')})`);
    process.exit(2);
  }
}
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  // Minutes long: only when asked for by name.
  if (wanted.length === 0 && name === 'recorder-hour') continue;
  console.log(`\n== ${name}`);
  const results = await run();
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  for (const [key, value] of Object.entries(results)) {
    const shown = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(3)) : value;
    console.log(`${key.padEnd(width)}  ${shown}`);
  }
}
