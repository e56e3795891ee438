import { VirtualClock } from '../../src/media/clock.js';
import { createMediaDevices, type CreateMediaDevicesOptions } from '../../src/devices/create-media-devices.js';

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A document with synthetic devices on a virtual clock (nothing runs in real time). */
export function setup(options: CreateMediaDevicesOptions = {}) {
  return createMediaDevices({ clock: new VirtualClock(), ...options });
}

/** Settles to 'pending' if `p` has not settled after several tasks. */
export async function state(p: Promise<unknown>, tasks = 5): Promise<'pending' | 'fulfilled' | 'rejected'> {
  let s: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  p.then(
    () => (s = 'fulfilled'),
    () => (s = 'rejected'),
  );
  for (let i = 0; i < tasks; i++) await tick();
  return s;
}

/** The rejection of `p` (fails the test if it fulfils). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await p;
  } catch (e) {
    return e;
  }
  throw new Error(`expected a rejection, got ${String(value)}`);
}

export function stopAll(stream: { getTracks(): Array<{ stop(): void }> }): void {
  for (const t of stream.getTracks()) t.stop();
}
