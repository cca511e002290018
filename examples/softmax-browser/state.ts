/**
 * What the page exposes as `window.demo.state` (and `document.body.dataset.status`), for the reader
 * in the console and for test/demo-browser.test.ts, which drives the page in headless Chromium.
 */

export type Status = 'loading' | 'ready' | 'checking' | 'training' | 'done' | 'stopped' | 'error';

/** The page's gradient against central differences of the loss in float64, before training. */
export interface GradientCheck {
  /** Largest |jit gradient − differences| over the directions and entries, over the largest |gradient entry|. */
  readonly error: number;
  readonly tolerance: number;
  readonly ok: boolean;
  /** Random unit directions (derivatives along them) and single entries compared. */
  readonly directions: number;
  readonly entries: number;
}

export interface DemoState {
  status: Status;
  /** The backend asked for, and the one the jit function runs on (its `backend.name`). */
  requested: string;
  backend: string;
  /** Kernels gpu.js moved to another backend (none expected). */
  fallbacks: string[];
  /** Per backend: undefined where it can run, else why not. */
  support: Record<string, string | undefined>;
  problem: string;
  gradientCheck?: GradientCheck;
  /** One entry per epoch: the loss and accuracies (%) at the parameters before that epoch's step. */
  loss: number[];
  trainAccuracy: number[];
  testAccuracy: number[];
  /** Time of each epoch's jit(valueAndGrad) call. */
  ms: number[];
  error?: string;
}
