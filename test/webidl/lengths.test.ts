import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as mc from '../../src/index.js';
import { IDL_LENGTHS } from '../../src/webidl/lengths.js';

const exported = mc as unknown as Record<string, unknown>;

test('every implemented operation and constructor has the length its IDL gives', () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const [iface, members] of Object.entries(IDL_LENGTHS)) {
    const ctor = exported[iface] as (Function & { prototype: object }) | undefined;
    if (typeof ctor !== 'function') continue;
    for (const [member, length] of Object.entries(members)) {
      const fn = member === 'constructor' ? ctor : Object.getOwnPropertyDescriptor(ctor.prototype, member)?.value;
      if (typeof fn !== 'function') continue;
      checked++;
      if (fn.length !== length) wrong.push(`${iface}.${member}: ${fn.length}, IDL ${length}`);
    }
  }
  assert.ok(checked > 100, `only ${checked} members checked`);
  assert.deepEqual(wrong, []);
});

test('attribute getters and setters carry the names browsers give them', () => {
  const d = Object.getOwnPropertyDescriptor(mc.MediaStreamTrack.prototype, 'enabled')!;
  assert.equal(d.get!.name, 'get enabled');
  assert.equal(d.set!.name, 'set enabled');
  assert.equal(Object.getOwnPropertyDescriptor(mc.AudioParam.prototype, 'value')!.get!.name, 'get value');
});

test('an interface declared without a constructor has an interface object of length 0', () => {
  // webidl#es-interface-call. Looking lengths up in a plain object once returned Object (the
  // inherited `constructor` property) as the length of these interface objects.
  let checked = 0;
  for (const [iface, members] of Object.entries(IDL_LENGTHS)) {
    if (Object.hasOwn(members, 'constructor')) continue;
    const ctor = exported[iface];
    if (typeof ctor !== 'function') continue;
    checked++;
    assert.equal(ctor.length, 0, `${iface}.length`);
  }
  assert.ok(checked >= 5, `only ${checked} interfaces checked`);
  assert.equal(mc.MediaStreamTrack.length, 0);
  assert.equal(mc.CanvasCaptureMediaStreamTrack.length, 0);
});
