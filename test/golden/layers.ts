// An array of objects: the gradient of a two-layer network's loss with respect to its Layer[],
// read by reference (layer = layers[l], layer.W[k][j]) and returned as a Layer[] of the same
// shape, each adjoint field read out of the adjoint object (layer_b = layers_b[l]).
import { grad } from 'tsgrad';

interface Layer {
  W: number[][];
  b: Float64Array;
}

export function f(layers: Layer[], x: number[]): number {
  let h = x;
  for (const { W, b } of layers) {
    h = W.map((row, k) => Math.tanh(row.reduce((s, w, j) => s + w * h[j], b[k])));
  }
  return h.reduce((s, v) => s + v * v, 0);
}
export const df = grad(f);

const network = (): Layer[] => [
  { W: [[0.5, -0.2], [0.1, 0.7], [-0.4, 0.3]], b: Float64Array.of(0.1, -0.2, 0.05) },
  { W: [[0.3, -0.6, 0.2]], b: Float64Array.of(0.4) },
];
export const args = [[network(), [0.8, -1.1]]];

/** Largest relative difference between df and central differences over every weight and bias. */
export function check(): number {
  const L = network();
  const g = df(L, [0.8, -1.1]);
  let worst = 0;
  L.forEach((layer, l) => {
    const leaves: [number[] | Float64Array, number, number][] = [
      ...layer.W.flatMap((row, k) => row.map((_, j): [number[], number, number] => [row, j, g[l].W[k][j]])),
      ...Array.from(layer.b, (_, k): [Float64Array, number, number] => [layer.b, k, g[l].b[k]]),
    ];
    for (const [holder, i, got] of leaves) {
      const keep = holder[i];
      holder[i] = keep + 1e-6;
      const plus = f(L, [0.8, -1.1]);
      holder[i] = keep - 1e-6;
      const minus = f(L, [0.8, -1.1]);
      holder[i] = keep;
      const want = (plus - minus) / 2e-6;
      worst = Math.max(worst, Math.abs(got - want) / Math.max(1, Math.abs(want)));
    }
  });
  return worst;
}
