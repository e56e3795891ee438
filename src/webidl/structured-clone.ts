/**
 * structuredClone (html#dom-structuredclone), taken from the global object when it has one and
 * otherwise done through a MessageChannel of node:worker_threads, which clones and transfers
 * synchronously with receiveMessageOnPort. Test environments such as jest's jsdom remove the
 * global, and the library must not depend on it.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

let ports: { a: MessagePort; b: MessagePort } | null = null;

function viaChannel<T>(value: T, transfer: readonly object[]): T {
  if (!ports) {
    const { port1, port2 } = new MessageChannel();
    port1.unref();
    port2.unref();
    ports = { a: port1, b: port2 };
  }
  ports.a.postMessage(value, transfer as never);
  return (receiveMessageOnPort(ports.b) as { message: T }).message;
}

export function structuredCloneOf<T>(value: T, options?: { transfer?: object[] }): T {
  const native = (globalThis as { structuredClone?: typeof structuredClone }).structuredClone;
  if (typeof native === 'function') return native(value, options);
  return viaChannel(value, options?.transfer ?? []);
}
