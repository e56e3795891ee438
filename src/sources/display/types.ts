/**
 * The engine side of screen capture: display surfaces (what getDisplayMedia can capture) and the
 * providers that list and open them. Display surfaces are not devices: enumerateDevices() never
 * lists them (screen-capture#device-identifiers), so they have their own provider interface.
 */
import type { Clock } from '../../media/clock.js';
import type { EngineSource } from '../types.js';

/** screen-capture#dom-displaycapturesurfacetype */
export type DisplaySurfaceType = 'monitor' | 'window' | 'browser';
/** screen-capture#dom-cursorcaptureconstraint */
export type CursorMode = 'never' | 'always' | 'motion';

export const CURSOR_MODES: readonly CursorMode[] = Object.freeze(['never', 'always', 'motion']);
export const DISPLAY_SURFACE_TYPES: readonly DisplaySurfaceType[] = Object.freeze(['monitor', 'window', 'browser']);

/** What a display provider says about one surface. Never shown to script as is. */
export interface DisplaySurfaceDescriptor {
  /** Unique across providers ("synthetic-display:0", "x11::99"); script sees only a hash of it. */
  readonly internalId: string;
  readonly label: string;
  readonly displaySurface: DisplaySurfaceType;
  /** True: the whole logical surface is captured (screen-capture#dfn-logical-display-surface). */
  readonly logicalSurface: boolean;
  /** The surface's size in pixels and the rate it is captured at: the upper end of the track's ranges. */
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  /** The cursor modes this surface can be captured with (the `cursor` capability). */
  readonly cursor: readonly CursorMode[];
  /** Whether audio can be shared with this surface (its provider implements openAudio). */
  readonly audio: boolean;
}

/** A running display capture: an EngineSource whose cursor drawing can be chosen. */
export interface DisplayEngineSource extends EngineSource {
  readonly cursor: CursorMode;
  /** Changes whether and when the cursor is drawn into the frames. */
  setCursor(mode: CursorMode): void;
}

export interface DisplayOpenOptions {
  readonly cursor: CursorMode;
}

/** A source of display surfaces: the synthetic desktop, or the machine's X11 screen. */
export interface DisplayProvider {
  readonly name: string;
  /** The surfaces available now (the first is offered first). */
  list(): Promise<readonly DisplaySurfaceDescriptor[]>;
  /** Starts capturing a surface. Throws DeviceOpenError on failure. */
  open(surface: DisplaySurfaceDescriptor, options: DisplayOpenOptions, clock: Clock): Promise<DisplayEngineSource>;
  /** Starts capturing the audio shared with a surface whose `audio` is true. Throws DeviceOpenError on failure. */
  openAudio?(surface: DisplaySurfaceDescriptor, clock: Clock): Promise<EngineSource>;
}
