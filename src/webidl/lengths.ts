/**
 * Each operation's and constructor's `length` per the spec IDL (the required arguments of its
 * shortest overload), written by scripts/idl-lengths.py from the IDL the specs define.
 */
export const IDL_LENGTHS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  "AnalyserNode": {
    "constructor": 1,
    "getFloatFrequencyData": 1,
    "getByteFrequencyData": 1,
    "getFloatTimeDomainData": 1,
    "getByteTimeDomainData": 1
  },
  "AudioBuffer": {
    "constructor": 1,
    "getChannelData": 1,
    "copyFromChannel": 2,
    "copyToChannel": 2
  },
  "AudioBufferSourceNode": {
    "constructor": 1,
    "start": 0
  },
  "AudioContext": {
    "constructor": 0,
    "getOutputTimestamp": 0,
    "resume": 0,
    "suspend": 0,
    "close": 0,
    "setSinkId": 1,
    "createMediaElementSource": 1,
    "createMediaStreamSource": 1,
    "createMediaStreamTrackSource": 1,
    "createMediaStreamDestination": 0
  },
  "AudioData": {
    "constructor": 1,
    "allocationSize": 1,
    "copyTo": 2,
    "clone": 0,
    "close": 0
  },
  "AudioDecoder": {
    "constructor": 1,
    "configure": 1,
    "decode": 1,
    "flush": 0,
    "reset": 0,
    "close": 0,
    "isConfigSupported": 1
  },
  "AudioEncoder": {
    "constructor": 1,
    "configure": 1,
    "encode": 1,
    "flush": 0,
    "reset": 0,
    "close": 0,
    "isConfigSupported": 1
  },
  "AudioListener": {
    "setPosition": 3,
    "setOrientation": 6
  },
  "AudioNode": {
    "connect": 1,
    "disconnect": 0
  },
  "AudioParam": {
    "setValueAtTime": 2,
    "linearRampToValueAtTime": 2,
    "exponentialRampToValueAtTime": 2,
    "setTargetAtTime": 3,
    "setValueCurveAtTime": 3,
    "cancelScheduledValues": 1,
    "cancelAndHoldAtTime": 1
  },
  "AudioPlaybackStats": {
    "resetLatency": 0,
    "toJSON": 0
  },
  "AudioProcessingEvent": {
    "constructor": 2
  },
  "AudioScheduledSourceNode": {
    "start": 0,
    "stop": 0
  },
  "AudioWorkletGlobalScope": {
    "registerProcessor": 2
  },
  "AudioWorkletNode": {
    "constructor": 2
  },
  "AudioWorkletProcessor": {
    "constructor": 0
  },
  "BaseAudioContext": {
    "createAnalyser": 0,
    "createBiquadFilter": 0,
    "createBuffer": 3,
    "createBufferSource": 0,
    "createChannelMerger": 0,
    "createChannelSplitter": 0,
    "createConstantSource": 0,
    "createConvolver": 0,
    "createDelay": 0,
    "createDynamicsCompressor": 0,
    "createGain": 0,
    "createIIRFilter": 2,
    "createOscillator": 0,
    "createPanner": 0,
    "createPeriodicWave": 2,
    "createScriptProcessor": 0,
    "createStereoPanner": 0,
    "createWaveShaper": 0,
    "decodeAudioData": 1
  },
  "BiquadFilterNode": {
    "constructor": 1,
    "getFrequencyResponse": 3
  },
  "BlobEvent": {
    "constructor": 2
  },
  "CanvasCaptureMediaStreamTrack": {
    "requestFrame": 0
  },
  "CaptureController": {
    "constructor": 0,
    "setFocusBehavior": 1
  },
  "ChannelMergerNode": {
    "constructor": 1
  },
  "ChannelSplitterNode": {
    "constructor": 1
  },
  "ConstantSourceNode": {
    "constructor": 1
  },
  "ConvolverNode": {
    "constructor": 1
  },
  "DelayNode": {
    "constructor": 1
  },
  "DeviceChangeEvent": {
    "constructor": 1
  },
  "DynamicsCompressorNode": {
    "constructor": 1
  },
  "EncodedAudioChunk": {
    "constructor": 1,
    "copyTo": 1
  },
  "EncodedVideoChunk": {
    "constructor": 1,
    "copyTo": 1
  },
  "GainNode": {
    "constructor": 1
  },
  "HTMLCameraElement": {
    "constructor": 0,
    "setConstraints": 0
  },
  "HTMLCanvasElement": {
    "captureStream": 0
  },
  "HTMLMediaElement": {
    "setSinkId": 1,
    "captureStream": 0
  },
  "HTMLMicrophoneElement": {
    "constructor": 0,
    "setConstraints": 0
  },
  "HTMLUserMediaElement": {
    "constructor": 0,
    "setConstraints": 0
  },
  "IIRFilterNode": {
    "constructor": 2,
    "getFrequencyResponse": 3
  },
  "ImageDecoder": {
    "constructor": 1,
    "decode": 0,
    "reset": 0,
    "close": 0,
    "isTypeSupported": 1
  },
  "ImageTrackList": {
    "ImageTrack": 1
  },
  "InputDeviceInfo": {
    "getCapabilities": 0
  },
  "MediaDeviceInfo": {
    "toJSON": 0
  },
  "MediaDevices": {
    "selectAudioOutput": 0,
    "enumerateDevices": 0,
    "getSupportedConstraints": 0,
    "getUserMedia": 0,
    "getDisplayMedia": 0
  },
  "MediaElementAudioSourceNode": {
    "constructor": 2
  },
  "MediaRecorder": {
    "constructor": 1,
    "start": 0,
    "stop": 0,
    "pause": 0,
    "resume": 0,
    "requestData": 0,
    "isTypeSupported": 1
  },
  "MediaStream": {
    "constructor": 0,
    "getAudioTracks": 0,
    "getVideoTracks": 0,
    "getTracks": 0,
    "getTrackById": 1,
    "addTrack": 1,
    "removeTrack": 1,
    "clone": 0
  },
  "MediaStreamAudioDestinationNode": {
    "constructor": 1
  },
  "MediaStreamAudioSourceNode": {
    "constructor": 2
  },
  "MediaStreamTrack": {
    "clone": 0,
    "stop": 0,
    "getCapabilities": 0,
    "getConstraints": 0,
    "getSettings": 0,
    "applyConstraints": 0
  },
  "MediaStreamTrackAudioSourceNode": {
    "constructor": 2
  },
  "MediaStreamTrackAudioStats": {
    "resetLatency": 0,
    "toJSON": 0
  },
  "MediaStreamTrackEvent": {
    "constructor": 2
  },
  "MediaStreamTrackHandle": {
    "constructor": 1
  },
  "MediaStreamTrackProcessor": {
    "constructor": 1
  },
  "MediaStreamTrackVideoStats": {
    "toJSON": 0
  },
  "OfflineAudioCompletionEvent": {
    "constructor": 2
  },
  "OfflineAudioContext": {
    "constructor": 1,
    "startRendering": 0,
    "resume": 0,
    "suspend": 1,
    "close": 0
  },
  "OscillatorNode": {
    "constructor": 1,
    "setPeriodicWave": 1
  },
  "OverconstrainedError": {
    "constructor": 1
  },
  "PannerNode": {
    "constructor": 1,
    "setPosition": 3,
    "setOrientation": 3
  },
  "PeriodicWave": {
    "constructor": 1
  },
  "StereoPannerNode": {
    "constructor": 1
  },
  "VideoColorSpace": {
    "constructor": 0,
    "toJSON": 0
  },
  "VideoDecoder": {
    "constructor": 1,
    "configure": 1,
    "decode": 1,
    "flush": 0,
    "reset": 0,
    "close": 0,
    "isConfigSupported": 1
  },
  "VideoEncoder": {
    "constructor": 1,
    "configure": 1,
    "encode": 1,
    "flush": 0,
    "reset": 0,
    "close": 0,
    "isConfigSupported": 1
  },
  "VideoFrame": {
    "constructor": 1,
    "metadata": 0,
    "allocationSize": 0,
    "copyTo": 1,
    "clone": 0,
    "close": 0
  },
  "VideoTrackGenerator": {
    "constructor": 0
  },
  "WaveShaperNode": {
    "constructor": 1
  }
};
