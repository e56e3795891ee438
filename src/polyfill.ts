/**
 * `import 'mediacapture/polyfill'` installs navigator.mediaDevices and the global classes, keeping
 * any that already exist. The devices are synthetic by default; MEDIACAPTURE_DEVICES chooses others
 * (counts, labels, modes, WAV/Y4M files, or the machine's real devices with "real": true).
 * installPolyfill() is exported for explicit use (e.g. { replace: true } under jsdom).
 */
import { installPolyfill } from './install-polyfill.js';
import type * as M from './index.js';

installPolyfill();

export { installPolyfill };
export type { InstallPolyfillOptions } from './install-polyfill.js';

/*
 * The globals installed above, for TypeScript. With the DOM lib, lib.dom's declarations stand and
 * only what lib.dom lacks is added (the frame-stream classes, DeviceChangeEvent, CaptureController,
 * AudioSinkInfo, MediaStreamTrackAudioSourceNode, and AudioContextOptions.mediacaptureSink); without
 * it (a Node program typed by @types/node alone) every installed class and navigator.mediaDevices
 * get our declarations. The DOM lib is told apart by its `onmessage` global, as @types/node does.
 */
type WithoutDom<T> = typeof globalThis extends { onmessage: any } ? {} : T;
declare global {
  interface MediaStream extends WithoutDom<M.MediaStream> {}
  var MediaStream: typeof globalThis extends { onmessage: any; MediaStream: infer T } ? T : typeof M.MediaStream;
  interface MediaStreamTrack extends WithoutDom<M.MediaStreamTrack> {}
  var MediaStreamTrack: typeof globalThis extends { onmessage: any; MediaStreamTrack: infer T } ? T : typeof M.MediaStreamTrack;
  interface MediaStreamTrackEvent extends WithoutDom<M.MediaStreamTrackEvent> {}
  var MediaStreamTrackEvent: typeof globalThis extends { onmessage: any; MediaStreamTrackEvent: infer T } ? T : typeof M.MediaStreamTrackEvent;
  interface OverconstrainedError extends WithoutDom<M.OverconstrainedError> {}
  var OverconstrainedError: typeof globalThis extends { onmessage: any; OverconstrainedError: infer T } ? T : typeof M.OverconstrainedError;
  interface MediaDevices extends WithoutDom<M.MediaDevices> {}
  var MediaDevices: typeof globalThis extends { onmessage: any; MediaDevices: infer T } ? T : typeof M.MediaDevices;
  interface MediaDeviceInfo extends WithoutDom<M.MediaDeviceInfo> {}
  var MediaDeviceInfo: typeof globalThis extends { onmessage: any; MediaDeviceInfo: infer T } ? T : typeof M.MediaDeviceInfo;
  interface InputDeviceInfo extends WithoutDom<M.InputDeviceInfo> {}
  var InputDeviceInfo: typeof globalThis extends { onmessage: any; InputDeviceInfo: infer T } ? T : typeof M.InputDeviceInfo;
  interface AudioData extends WithoutDom<M.AudioData> {}
  var AudioData: typeof globalThis extends { onmessage: any; AudioData: infer T } ? T : typeof M.AudioData;
  interface VideoFrame extends WithoutDom<M.VideoFrame> {}
  var VideoFrame: typeof globalThis extends { onmessage: any; VideoFrame: infer T } ? T : typeof M.VideoFrame;
  interface VideoColorSpace extends WithoutDom<M.VideoColorSpace> {}
  var VideoColorSpace: typeof globalThis extends { onmessage: any; VideoColorSpace: infer T } ? T : typeof M.VideoColorSpace;
  interface MediaRecorder extends WithoutDom<M.MediaRecorder> {}
  var MediaRecorder: typeof globalThis extends { onmessage: any; MediaRecorder: infer T } ? T : typeof M.MediaRecorder;
  interface BlobEvent extends WithoutDom<M.BlobEvent> {}
  var BlobEvent: typeof globalThis extends { onmessage: any; BlobEvent: infer T } ? T : typeof M.BlobEvent;
  interface AudioBuffer extends WithoutDom<M.AudioBuffer> {}
  var AudioBuffer: typeof globalThis extends { onmessage: any; AudioBuffer: infer T } ? T : typeof M.AudioBuffer;
  interface AudioParam extends WithoutDom<M.AudioParam> {}
  var AudioParam: typeof globalThis extends { onmessage: any; AudioParam: infer T } ? T : typeof M.AudioParam;
  interface AudioNode extends WithoutDom<M.AudioNode> {}
  var AudioNode: typeof globalThis extends { onmessage: any; AudioNode: infer T } ? T : typeof M.AudioNode;
  interface AudioScheduledSourceNode extends WithoutDom<M.AudioScheduledSourceNode> {}
  var AudioScheduledSourceNode: typeof globalThis extends { onmessage: any; AudioScheduledSourceNode: infer T } ? T : typeof M.AudioScheduledSourceNode;
  interface AudioDestinationNode extends WithoutDom<M.AudioDestinationNode> {}
  var AudioDestinationNode: typeof globalThis extends { onmessage: any; AudioDestinationNode: infer T } ? T : typeof M.AudioDestinationNode;
  interface BaseAudioContext extends WithoutDom<M.BaseAudioContext> {}
  var BaseAudioContext: typeof globalThis extends { onmessage: any; BaseAudioContext: infer T } ? T : typeof M.BaseAudioContext;
  interface AudioContext extends WithoutDom<M.AudioContext> {}
  var AudioContext: typeof globalThis extends { onmessage: any; AudioContext: infer T } ? T : typeof M.AudioContext;
  interface OfflineAudioContext extends WithoutDom<M.OfflineAudioContext> {}
  var OfflineAudioContext: typeof globalThis extends { onmessage: any; OfflineAudioContext: infer T } ? T : typeof M.OfflineAudioContext;
  interface OfflineAudioCompletionEvent extends WithoutDom<M.OfflineAudioCompletionEvent> {}
  var OfflineAudioCompletionEvent: typeof globalThis extends { onmessage: any; OfflineAudioCompletionEvent: infer T } ? T : typeof M.OfflineAudioCompletionEvent;
  interface AudioProcessingEvent extends WithoutDom<M.AudioProcessingEvent> {}
  var AudioProcessingEvent: typeof globalThis extends { onmessage: any; AudioProcessingEvent: infer T } ? T : typeof M.AudioProcessingEvent;
  interface GainNode extends WithoutDom<M.GainNode> {}
  var GainNode: typeof globalThis extends { onmessage: any; GainNode: infer T } ? T : typeof M.GainNode;
  interface ConstantSourceNode extends WithoutDom<M.ConstantSourceNode> {}
  var ConstantSourceNode: typeof globalThis extends { onmessage: any; ConstantSourceNode: infer T } ? T : typeof M.ConstantSourceNode;
  interface AudioBufferSourceNode extends WithoutDom<M.AudioBufferSourceNode> {}
  var AudioBufferSourceNode: typeof globalThis extends { onmessage: any; AudioBufferSourceNode: infer T } ? T : typeof M.AudioBufferSourceNode;
  interface DelayNode extends WithoutDom<M.DelayNode> {}
  var DelayNode: typeof globalThis extends { onmessage: any; DelayNode: infer T } ? T : typeof M.DelayNode;
  interface ChannelSplitterNode extends WithoutDom<M.ChannelSplitterNode> {}
  var ChannelSplitterNode: typeof globalThis extends { onmessage: any; ChannelSplitterNode: infer T } ? T : typeof M.ChannelSplitterNode;
  interface ChannelMergerNode extends WithoutDom<M.ChannelMergerNode> {}
  var ChannelMergerNode: typeof globalThis extends { onmessage: any; ChannelMergerNode: infer T } ? T : typeof M.ChannelMergerNode;
  interface ScriptProcessorNode extends WithoutDom<M.ScriptProcessorNode> {}
  var ScriptProcessorNode: typeof globalThis extends { onmessage: any; ScriptProcessorNode: infer T } ? T : typeof M.ScriptProcessorNode;
  interface OscillatorNode extends WithoutDom<M.OscillatorNode> {}
  var OscillatorNode: typeof globalThis extends { onmessage: any; OscillatorNode: infer T } ? T : typeof M.OscillatorNode;
  interface PeriodicWave extends WithoutDom<M.PeriodicWave> {}
  var PeriodicWave: typeof globalThis extends { onmessage: any; PeriodicWave: infer T } ? T : typeof M.PeriodicWave;
  interface BiquadFilterNode extends WithoutDom<M.BiquadFilterNode> {}
  var BiquadFilterNode: typeof globalThis extends { onmessage: any; BiquadFilterNode: infer T } ? T : typeof M.BiquadFilterNode;
  interface IIRFilterNode extends WithoutDom<M.IIRFilterNode> {}
  var IIRFilterNode: typeof globalThis extends { onmessage: any; IIRFilterNode: infer T } ? T : typeof M.IIRFilterNode;
  interface WaveShaperNode extends WithoutDom<M.WaveShaperNode> {}
  var WaveShaperNode: typeof globalThis extends { onmessage: any; WaveShaperNode: infer T } ? T : typeof M.WaveShaperNode;
  interface ConvolverNode extends WithoutDom<M.ConvolverNode> {}
  var ConvolverNode: typeof globalThis extends { onmessage: any; ConvolverNode: infer T } ? T : typeof M.ConvolverNode;
  interface DynamicsCompressorNode extends WithoutDom<M.DynamicsCompressorNode> {}
  var DynamicsCompressorNode: typeof globalThis extends { onmessage: any; DynamicsCompressorNode: infer T } ? T : typeof M.DynamicsCompressorNode;
  interface AnalyserNode extends WithoutDom<M.AnalyserNode> {}
  var AnalyserNode: typeof globalThis extends { onmessage: any; AnalyserNode: infer T } ? T : typeof M.AnalyserNode;
  interface StereoPannerNode extends WithoutDom<M.StereoPannerNode> {}
  var StereoPannerNode: typeof globalThis extends { onmessage: any; StereoPannerNode: infer T } ? T : typeof M.StereoPannerNode;
  interface PannerNode extends WithoutDom<M.PannerNode> {}
  var PannerNode: typeof globalThis extends { onmessage: any; PannerNode: infer T } ? T : typeof M.PannerNode;
  interface AudioListener extends WithoutDom<M.AudioListener> {}
  var AudioListener: typeof globalThis extends { onmessage: any; AudioListener: infer T } ? T : typeof M.AudioListener;
  interface AudioWorkletNode extends WithoutDom<M.AudioWorkletNode> {}
  var AudioWorkletNode: typeof globalThis extends { onmessage: any; AudioWorkletNode: infer T } ? T : typeof M.AudioWorkletNode;
  interface AudioParamMap extends WithoutDom<M.AudioParamMap> {}
  var AudioParamMap: typeof globalThis extends { onmessage: any; AudioParamMap: infer T } ? T : typeof M.AudioParamMap;
  interface AudioWorklet extends WithoutDom<M.AudioWorklet> {}
  var AudioWorklet: typeof globalThis extends { onmessage: any; AudioWorklet: infer T } ? T : typeof M.AudioWorklet;
  interface Worklet extends WithoutDom<M.Worklet> {}
  var Worklet: typeof globalThis extends { onmessage: any; Worklet: infer T } ? T : typeof M.Worklet;
  interface MediaStreamAudioSourceNode extends WithoutDom<M.MediaStreamAudioSourceNode> {}
  var MediaStreamAudioSourceNode: typeof globalThis extends { onmessage: any; MediaStreamAudioSourceNode: infer T } ? T : typeof M.MediaStreamAudioSourceNode;
  interface MediaElementAudioSourceNode extends WithoutDom<M.MediaElementAudioSourceNode> {}
  var MediaElementAudioSourceNode: typeof globalThis extends { onmessage: any; MediaElementAudioSourceNode: infer T } ? T : typeof M.MediaElementAudioSourceNode;
  interface MediaStreamAudioDestinationNode extends WithoutDom<M.MediaStreamAudioDestinationNode> {}
  var MediaStreamAudioDestinationNode: typeof globalThis extends { onmessage: any; MediaStreamAudioDestinationNode: infer T } ? T : typeof M.MediaStreamAudioDestinationNode;
  interface DeviceChangeEvent extends M.DeviceChangeEvent {}
  var DeviceChangeEvent: typeof M.DeviceChangeEvent;
  interface CaptureController extends M.CaptureController {}
  var CaptureController: typeof M.CaptureController;
  interface MediaStreamTrackProcessor extends M.MediaStreamTrackProcessor {}
  var MediaStreamTrackProcessor: typeof M.MediaStreamTrackProcessor;
  interface VideoTrackGenerator extends M.VideoTrackGenerator {}
  var VideoTrackGenerator: typeof M.VideoTrackGenerator;
  interface MediaStreamTrackGenerator extends M.MediaStreamTrackGenerator {}
  var MediaStreamTrackGenerator: typeof M.MediaStreamTrackGenerator;
  interface AudioSinkInfo extends M.AudioSinkInfo {}
  var AudioSinkInfo: typeof M.AudioSinkInfo;
  interface MediaStreamTrackAudioSourceNode extends M.MediaStreamTrackAudioSourceNode {}
  var MediaStreamTrackAudioSourceNode: typeof M.MediaStreamTrackAudioSourceNode;
  interface Navigator extends WithoutDom<{ readonly mediaDevices: M.MediaDevices }> {}
  var navigator: Navigator;
  interface AudioContextOptions {
    /** Where the default output goes (not in the spec): see AudioContext. */
    mediacaptureSink?: M.MediacaptureSink;
  }
}
