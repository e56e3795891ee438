/**
 * Script-visible device identifiers. mediacapture-main#dom-mediadeviceinfo-deviceid,
 * mediacapture-main#dom-mediadeviceinfo-groupid, mediacapture-main#implementation-suggestions
 *
 * deviceId = HMAC-SHA256(key, origin + kind + internal id): un-guessable without the key, the same
 * for every document of one origin that uses the same key, different across origins. The key is
 * random per process unless the embedder gives one (ids then survive restarts, like persisted ids).
 * groupId = HMAC-SHA256(key, per-document salt + group key): unique per document, as required.
 */
import { createHmac, randomBytes } from 'node:crypto';

const processKey = randomBytes(32);

export class DeviceIdentity {
  readonly #key: Uint8Array | string;
  readonly #origin: string;
  readonly #salt = randomBytes(16).toString('hex');

  constructor(origin: string, key?: Uint8Array | string) {
    this.#origin = origin;
    this.#key = key ?? processKey;
  }

  get origin(): string {
    return this.#origin;
  }

  deviceId(kind: string, internalId: string): string {
    return createHmac('sha256', this.#key).update(`device\0${this.#origin}\0${kind}\0${internalId}`).digest('hex');
  }

  groupId(groupKey: string): string {
    return createHmac('sha256', this.#key).update(`group\0${this.#salt}\0${groupKey}`).digest('hex');
  }
}
