// GradBench's particle (Siskind & Pearlmutter): a particle falls through the field of two charges,
// one of them placed by the control w; the objective is where it lands. The acceleration is the
// gradient of the potential: differentiating `particle` differentiates through a derivative.
import { grad } from 'tsgrad';

type Vec2 = [number, number];

const add = (a: Vec2, b: Vec2): Vec2 => [a[0] + b[0], a[1] + b[1]];
const scale = (s: number, v: Vec2): Vec2 => [s * v[0], s * v[1]];

export function potential(x: Vec2, charges: Vec2[]): number {
  return charges.reduce((p, [cx, cy]) => p + 1 / Math.hypot(x[0] - cx, x[1] - cy), 0);
}

/** The squared horizontal position where the particle reaches the floor y = 0. */
export function particle(w: number): number {
  const charges: Vec2[] = [[10, 10 - w], [10, 0]];
  const dt = 0.1;
  let x: Vec2 = [0, 8];
  let xdot: Vec2 = [0.75, 0];
  while (true) {
    const xddot = scale(-1, grad(potential)(x, charges));
    const next = add(x, scale(dt, xdot));
    if (next[1] <= 0) {
      const dtFinal = -x[1] / xdot[1];
      const [landing] = add(x, scale(dtFinal, xdot));
      return landing * landing;
    }
    x = next;
    xdot = add(xdot, scale(dt, xddot));
  }
}
