/**
 * AudioWorklet (webaudio#AudioWorklet) and Worklet.addModule (html#dom-worklet-addmodule): where
 * modules load from, how they import each other, the failure paths, and the
 * AudioWorkletGlobalScope they run in (registerProcessor and its errors, the scope's globals,
 * the port between the two sides).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Blob } from 'node:buffer';
import { OfflineAudioContext } from '../../src/webaudio/offline-audio-context.js';
import { AudioWorklet, AudioWorkletNode, Worklet } from '../../src/webaudio/index.js';

const SR = 8000;

/** A module that registers a pass-through processor under `name`. */
const passModule = (name: string): string =>
  `registerProcessor(${JSON.stringify(name)}, class extends AudioWorkletProcessor {
     process(inputs, outputs) { return true; }
   });`;

const dataUrl = (src: string): string => `data:text/javascript;base64,${Buffer.from(src).toString('base64')}`;

/** Resolves with the next message the AudioWorkletGlobalScope posts on its port. */
function nextScopeMessage(ctx: OfflineAudioContext): Promise<unknown> {
  return new Promise((resolve) => {
    const port = ctx.audioWorklet.port as unknown as MessagePort;
    port.onmessage = (e: MessageEvent) => {
      port.onmessage = null;
      resolve(e.data);
    };
  });
}

function isRegistered(ctx: OfflineAudioContext, name: string): boolean {
  try {
    new AudioWorkletNode(ctx, name);
    return true;
  } catch (e) {
    assert.ok(e instanceof DOMException && e.name === 'InvalidStateError', `unexpected ${String(e)}`);
    return false;
  }
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-worklet-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('BaseAudioContext.audioWorklet', () => {
  test('is one AudioWorklet per context, with a port and no public constructor', () => {
    const a = new OfflineAudioContext(1, 128, SR);
    const b = new OfflineAudioContext(1, 128, SR);
    assert.ok(a.audioWorklet instanceof AudioWorklet);
    assert.ok(a.audioWorklet instanceof Worklet);
    assert.equal(a.audioWorklet, a.audioWorklet);
    assert.notEqual(a.audioWorklet, b.audioWorklet);
    assert.equal(Object.prototype.toString.call(a.audioWorklet), '[object AudioWorklet]');
    assert.equal(typeof a.audioWorklet.port.postMessage, 'function');
    assert.throws(() => new (AudioWorklet as unknown as new () => unknown)(), TypeError);
    assert.throws(() => new (Worklet as unknown as new () => unknown)(), TypeError);
    const getter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Object.getPrototypeOf(a)), 'audioWorklet')!.get!;
    assert.equal(getter.name, 'get audioWorklet');
    assert.equal(Worklet.prototype.addModule.length, 1);
    assert.throws(() => getter.call({}), TypeError);
  });
});

describe('Worklet.addModule: where modules come from', () => {
  test('an absolute path, a file: URL, a data: URL and a blob: URL', async () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    const p1 = join(dir, 'abs.js');
    const p2 = join(dir, 'url.js');
    await writeFile(p1, passModule('from-path'));
    await writeFile(p2, passModule('from-file-url'));
    assert.equal(isRegistered(ctx, 'from-path'), false);
    assert.equal(await ctx.audioWorklet.addModule(p1), undefined);
    await ctx.audioWorklet.addModule(pathToFileURL(p2).href);
    await ctx.audioWorklet.addModule(dataUrl(passModule('from-data')));
    const blobUrl = URL.createObjectURL(new Blob([passModule('from-blob')], { type: 'text/javascript' }) as never);
    try {
      await ctx.audioWorklet.addModule(blobUrl);
    } finally {
      URL.revokeObjectURL(blobUrl);
    }
    for (const n of ['from-path', 'from-file-url', 'from-data', 'from-blob']) assert.equal(isRegistered(ctx, n), true, n);
    assert.equal(isRegistered(ctx, 'never-registered'), false);
  });

  test('a relative URL resolves against the calling module, then the current directory', async () => {
    const sub = join(dir, 'caller');
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, 'beside.js'), passModule('beside-caller'));
    await writeFile(
      join(sub, 'caller.mjs'),
      `export function load(ctx) { return ctx.audioWorklet.addModule('./beside.js'); }\n`,
    );
    const ctx = new OfflineAudioContext(1, 128, SR);
    const { load } = (await import(pathToFileURL(join(sub, 'caller.mjs')).href)) as { load: (c: OfflineAudioContext) => Promise<void> };
    await load(ctx);
    assert.equal(isRegistered(ctx, 'beside-caller'), true);

    // Not beside this test file: found relative to process.cwd().
    await writeFile(join(dir, 'in-cwd.js'), passModule('in-cwd'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await ctx.audioWorklet.addModule('in-cwd.js');
    } finally {
      process.chdir(cwd);
    }
    assert.equal(isRegistered(ctx, 'in-cwd'), true);
  });

  test('modules import each other; each module is evaluated once per global scope', async () => {
    await writeFile(join(dir, 'lib.js'), `globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;\nexport const factor = 3;\nexport default function scale(x) { return x * factor; }\n`);
    await writeFile(join(dir, 'mid.js'), `import scale, { factor as f } from './lib.js';\nexport { f };\nexport const twice = (x) => scale(scale(x));\n`);
    await writeFile(
      join(dir, 'main.js'),
      `import { twice, f } from './mid.js';\nimport * as lib from './lib.js';\n` +
        `port.postMessage({ twice: twice(2), f, libFactor: lib.factor, evaluations: globalThis.evaluations, url: import.meta.url });\n`,
    );
    const ctx = new OfflineAudioContext(1, 128, SR);
    const msg = nextScopeMessage(ctx);
    await ctx.audioWorklet.addModule(join(dir, 'main.js'));
    assert.deepEqual(await msg, { twice: 18, f: 3, libFactor: 3, evaluations: 1, url: pathToFileURL(join(dir, 'main.js')).href });
    // Adding the shared dependency again does not run it again.
    await writeFile(join(dir, 'again.js'), `import './lib.js';\nport.postMessage(globalThis.evaluations);\n`);
    const again = nextScopeMessage(ctx);
    await ctx.audioWorklet.addModule(join(dir, 'again.js'));
    assert.equal(await again, 1);
  });

  test('top-level await and module scoping: top-level declarations are not globals', async () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    const msg = nextScopeMessage(ctx);
    await ctx.audioWorklet.addModule(
      dataUrl(`const hidden = 1; await Promise.resolve(); port.postMessage({ hidden: typeof globalThis.hidden, strict: (function () { return this === undefined; })() });`),
    );
    assert.deepEqual(await msg, { hidden: 'undefined', strict: true });
  });

  test('the scope has the AudioWorkletGlobalScope members and not the host globals', async () => {
    const ctx = new OfflineAudioContext(1, 128, 22050);
    const msg = nextScopeMessage(ctx);
    await ctx.audioWorklet.addModule(
      dataUrl(
        `port.postMessage({ sampleRate, currentFrame, currentTime, renderQuantumSize, ` +
          `register: typeof registerProcessor, proc: typeof AudioWorkletProcessor, ` +
          `process: typeof process, require: typeof require, setTimeout: typeof setTimeout });`,
      ),
    );
    assert.deepEqual(await msg, {
      sampleRate: 22050,
      currentFrame: 0,
      currentTime: 0,
      renderQuantumSize: 128,
      register: 'function',
      proc: 'function',
      process: 'undefined',
      require: 'undefined',
      setTimeout: 'undefined',
    });
  });
});

describe('Worklet.addModule: failures', () => {
  test('a missing file, a bare specifier and an unreachable import reject with AbortError', async () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    const abort = (e: unknown): boolean => e instanceof DOMException && e.name === 'AbortError';
    await assert.rejects(ctx.audioWorklet.addModule(join(dir, 'does-not-exist.js')), abort);
    await assert.rejects(ctx.audioWorklet.addModule(dataUrl(`import x from 'some-package';`)), abort);
    await writeFile(join(dir, 'bad-import.js'), `import { y } from './nowhere.js';\n`);
    await assert.rejects(ctx.audioWorklet.addModule(join(dir, 'bad-import.js')), abort);
    // The scope still works afterwards.
    await ctx.audioWorklet.addModule(dataUrl(passModule('after-failures')));
    assert.equal(isRegistered(ctx, 'after-failures'), true);
  });

  test('a parse error rejects with SyntaxError and registers nothing from that module', async () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    await assert.rejects(ctx.audioWorklet.addModule(dataUrl(`${passModule('half')}\nfunction (\n`)), SyntaxError);
    await writeFile(join(dir, 'broken-dep.js'), `export const = 1;\n`);
    await writeFile(join(dir, 'uses-broken.js'), `import './broken-dep.js';\n${passModule('uses-broken')}`);
    await assert.rejects(ctx.audioWorklet.addModule(join(dir, 'uses-broken.js')), SyntaxError);
    assert.equal(isRegistered(ctx, 'half'), false);
    assert.equal(isRegistered(ctx, 'uses-broken'), false);
  });

  test('an exception while evaluating is reported and addModule still resolves', async () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    const errors: unknown[] = [];
    const orig = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      await ctx.audioWorklet.addModule(dataUrl(`${passModule('before-throw')}\nthrow new RangeError('module boom');\n`));
    } finally {
      console.error = orig;
    }
    assert.equal(errors.length, 1);
    assert.match(String((errors[0] as unknown[])[1]), /module boom/);
    assert.equal(isRegistered(ctx, 'before-throw'), true);
  });

  test('argument conversion: missing argument, bad credentials; a closed context', async () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    await assert.rejects((ctx.audioWorklet.addModule as (...a: unknown[]) => Promise<void>)(), TypeError);
    await assert.rejects(ctx.audioWorklet.addModule(dataUrl(''), { credentials: 'sometimes' as never }), TypeError);
    await ctx.audioWorklet.addModule(dataUrl(''), { credentials: 'omit' });
    await assert.rejects(Worklet.prototype.addModule.call({}, dataUrl('')), TypeError);
    await ctx.startRendering();
    // An OfflineAudioContext is closed once rendering completes.
    await assert.rejects(ctx.audioWorklet.addModule(dataUrl(passModule('late'))), (e: unknown) => e instanceof DOMException && e.name === 'InvalidStateError');
  });
});

describe('AudioWorkletGlobalScope.registerProcessor', () => {
  /** Runs `body` in the scope; it posts what it observed. */
  async function inScope(body: string): Promise<unknown> {
    const ctx = new OfflineAudioContext(1, 128, SR);
    const msg = nextScopeMessage(ctx);
    await ctx.audioWorklet.addModule(
      dataUrl(`const out = {};\nconst attempt = (k, f) => { try { f(); out[k] = 'ok'; } catch (e) { out[k] = e.name; } };\n${body}\nport.postMessage(out);`),
    );
    return msg;
  }

  test('rejects empty and duplicate names, non-constructors and bad prototypes', async () => {
    const out = await inScope(`
      class P extends AudioWorkletProcessor {}
      attempt('first', () => registerProcessor('p', P));
      attempt('empty', () => registerProcessor('', P));
      attempt('duplicate', () => registerProcessor('p', P));
      attempt('arrow', () => registerProcessor('arrow', () => {}));
      attempt('notFunction', () => registerProcessor('nf', {}));
      attempt('missingArg', () => registerProcessor('ma'));
      const Bad = function () {}; Bad.prototype = 3;
      attempt('badPrototype', () => registerProcessor('bp', Bad));
      attempt('bound', () => registerProcessor('bound', function () {}.bind(null)));
      // A bound subclass inherits AudioWorkletProcessor.prototype through its [[Prototype]].
      attempt('boundSubclass', () => registerProcessor('boundSubclass', P.bind(null)));
    `);
    assert.deepEqual(out, {
      first: 'ok',
      empty: 'NotSupportedError',
      duplicate: 'NotSupportedError',
      arrow: 'TypeError',
      notFunction: 'TypeError',
      missingArg: 'TypeError',
      badPrototype: 'TypeError',
      // A bound function has [[Construct]] and no prototype of its own to find.
      bound: 'TypeError',
      boundSubclass: 'ok',
    });
  });

  test('checks parameterDescriptors: iterable, named, unique, default within range', async () => {
    const out = await inScope(`
      const withParams = (n, d) => attempt(n, () => registerProcessor(n, class extends AudioWorkletProcessor { static get parameterDescriptors() { return d; } }));
      withParams('good', [{ name: 'a' }, { name: 'b', defaultValue: 1, minValue: 0, maxValue: 2, automationRate: 'k-rate' }]);
      withParams('notIterable', 5);
      withParams('noName', [{ defaultValue: 1 }]);
      withParams('dup', [{ name: 'a' }, { name: 'a' }]);
      withParams('outOfRange', [{ name: 'a', defaultValue: 3, minValue: 0, maxValue: 2 }]);
      withParams('badRate', [{ name: 'a', automationRate: 'x-rate' }]);
      withParams('nanDefault', [{ name: 'a', defaultValue: NaN }]);
      withParams('generator', (function* () { yield { name: 'g' }; })());
    `);
    assert.deepEqual(out, {
      good: 'ok',
      notIterable: 'TypeError',
      noName: 'TypeError',
      dup: 'NotSupportedError',
      outOfRange: 'InvalidStateError',
      badRate: 'TypeError',
      nanDefault: 'TypeError',
      generator: 'ok',
    });
  });

  test('AudioWorkletProcessor cannot be constructed outside an AudioWorkletNode', async () => {
    const out = await inScope(`
      attempt('direct', () => new AudioWorkletProcessor());
      class Sub extends AudioWorkletProcessor {}
      attempt('subclass', () => new Sub());
      out.tag = Object.prototype.toString.call(AudioWorkletProcessor.prototype);
    `);
    assert.deepEqual(out, { direct: 'TypeError', subclass: 'TypeError', tag: '[object AudioWorkletProcessor]' });
  });

  test('registered descriptors become the node parameters, with their ranges and rates', async () => {
    const ctx = new OfflineAudioContext(1, 128, SR);
    await ctx.audioWorklet.addModule(
      dataUrl(`registerProcessor('params', class extends AudioWorkletProcessor {
        static get parameterDescriptors() {
          return [{ name: 'freq', defaultValue: 440, minValue: 20, maxValue: 2000 }, { name: 'mix', automationRate: 'k-rate' }];
        }
        process() { return true; }
      });`),
    );
    const node = new AudioWorkletNode(ctx, 'params', { parameterData: { freq: 880, unknown: 1 } });
    assert.deepEqual([...node.parameters.keys()], ['freq', 'mix']);
    assert.equal(node.parameters.size, 2);
    const freq = node.parameters.get('freq')!;
    assert.equal(freq.value, 880);
    assert.equal(freq.defaultValue, 440);
    assert.equal(freq.minValue, 20);
    assert.equal(freq.maxValue, 2000);
    assert.equal(freq.automationRate, 'a-rate');
    const mix = node.parameters.get('mix')!;
    assert.equal(mix.value, 0);
    assert.equal(mix.automationRate, 'k-rate');
    assert.equal(mix.maxValue, 3.4028234663852886e38);
    assert.equal(node.parameters.has('unknown'), false);
    assert.equal(node.parameters.get('unknown'), undefined);
    const seen: string[] = [];
    node.parameters.forEach((p, k, m) => {
      assert.equal(m, node.parameters);
      assert.equal(p, node.parameters.get(k));
      seen.push(k);
    });
    assert.deepEqual(seen, ['freq', 'mix']);
  });
});
