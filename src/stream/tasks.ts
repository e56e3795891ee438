/**
 * "Queue a task": the spec's event-loop tasks map onto Node's check phase (setImmediate), which
 * runs after pending promise reactions, as a browser task runs after microtasks. It is taken from
 * node:timers, not the global object: test environments such as jest's jsdom remove the global.
 */
import { setImmediate } from 'node:timers';

export function queueTask(step: () => void): void {
  setImmediate(step);
}

/** Resolves after one queued task, so promise settlement happens in a task as the specs say. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
