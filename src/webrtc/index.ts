/** WebRTC: RTCPeerConnection over an existing engine, taking and giving our tracks. */
export { RTCPeerConnection } from './rtc-peer-connection.js';
export { RTCRtpSender } from './rtc-rtp-sender.js';
export { RTCRtpReceiver } from './rtc-rtp-receiver.js';
export { RTCRtpTransceiver } from './rtc-rtp-transceiver.js';
export { RTCTrackEvent, RTCPeerConnectionIceEvent, RTCPeerConnectionIceErrorEvent, RTCDataChannelEvent } from './events.js';
export { setWebRtcEngine, getWebRtcEngine, loadWebRtcEngine, isWebRtcEngineAvailable } from './engines/index.js';
export type { WebRtcEngine, VideoInput, AudioInput, RemoteVideoFrame, RemoteAudioChunk } from './engines/engine.js';
