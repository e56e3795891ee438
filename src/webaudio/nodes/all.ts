/**
 * Imports every node file so each registers its processor and installs its factory method.
 * The render worker imports this barrel too. One line per node.
 */
import '../audio-destination-node.js';
import './gain-node.js';
import './constant-source-node.js';
import './audio-buffer-source-node.js';
import './delay-node.js';
import './channel-splitter-node.js';
import './channel-merger-node.js';
import './stereo-panner-node.js';
import './periodic-wave.js';
import './oscillator-node.js';
import './biquad-filter-node.js';
import './script-processor-node.js';
import './iir-filter-node.js';
import './wave-shaper-node.js';
import './convolver-node.js';
import './dynamics-compressor-node.js';
import './analyser-node.js';
import '../decode-audio-data.js';
import '../render/external-io.js';
import './panner-node.js';
import './audio-worklet-node.js';
import '../audio-worklet.js';
