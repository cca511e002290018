// Neural networks: an activation chosen by a string-literal union, an MLP folded over its layers,
// and an LSTM cell and sequence objective (after GradBench's lstm), written in plain idiomatic style.
import { dot, sqnorm } from './vec.js';

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'softplus' | 'gelu';

export function activate(x: number, kind: Activation): number {
  switch (kind) {
    case 'relu':
      return Math.max(0, x);
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'softplus':
      return Math.log1p(Math.exp(x));
    case 'gelu':
      return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    default: {
      const unknown: never = kind;
      throw new Error(`unknown activation ${unknown}`);
    }
  }
}

/** One neuron: activation of w·x + bias. */
export function neuron(w: number[], x: number[], bias: number, kind: Activation = 'tanh'): number {
  return activate(dot(w, x) + bias, kind);
}

export interface Layer {
  W: number[][];
  b: number[];
}

/** A multilayer perceptron: hidden layers with an activation, a linear output layer. */
export function mlp(layers: Layer[], x: number[], hidden: Activation = 'tanh'): number[] {
  return layers.reduce((h, { W, b }, i) => {
    const z = W.map((row, k) => row.reduce((s, w, j) => s + w * h[j], b[k]));
    return i < layers.length - 1 ? z.map((v) => activate(v, hidden)) : z;
  }, x);
}

/** Mean squared error of the MLP over a data set. */
export function mlpLoss(layers: Layer[], xs: number[][], ys: number[][]): number {
  let total = 0;
  xs.forEach((x, n) => {
    const prediction = mlp(layers, x);
    total += prediction.reduce((s, p, j) => s + (p - ys[n][j]) ** 2, 0);
  });
  return total / xs.length;
}

export interface LstmParams {
  /** 4H×D input weights, 4H×H recurrent weights, 4H biases; gate order input, forget, output, cell. */
  Wx: number[][];
  Wh: number[][];
  b: number[];
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** One LSTM cell step: the next hidden state and cell state, concatenated. */
export function lstmStep(p: LstmParams, x: number[], h: number[], c: number[]): number[] {
  const H = h.length;
  const z = p.b.map((bk, k) => bk + dot(p.Wx[k], x) + dot(p.Wh[k], h));
  const gate = (g: number): number[] => z.slice(g * H, (g + 1) * H);
  const [input, forget, output] = [0, 1, 2].map((g) => gate(g).map(sigmoid));
  const candidate = gate(3).map(Math.tanh);
  const cNext = c.map((cj, j) => forget[j] * cj + input[j] * candidate[j]);
  const hNext = cNext.map((cj, j) => output[j] * Math.tanh(cj));
  return [...hNext, ...cNext];
}

/** Runs the LSTM over a sequence and scores a linear readout's prediction of each next element. */
export function lstmObjective(p: LstmParams, readout: number[][], sequence: number[][]): number {
  const H = p.Wh[0].length;
  let h: number[] = new Array(H).fill(0);
  let c: number[] = new Array(H).fill(0);
  let loss = 0;
  for (const [t, x] of sequence.slice(0, -1).entries()) {
    const state = lstmStep(p, x, h, c);
    [h, c] = [state.slice(0, H), state.slice(H)];
    const prediction = readout.map((r) => dot(r, h));
    loss += sqnorm(prediction.map((v, j) => v - sequence[t + 1][j]));
  }
  return loss / (sequence.length - 1);
}
