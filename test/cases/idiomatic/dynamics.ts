// Time stepping: an RK4 pendulum on tuples with a closure for the right-hand side, Lorenz-96 with
// helpers that return fresh arrays, and an explicit heat-equation stepper.
import type { Vec2 } from './vec.js';

export interface Pendulum {
  gravity: number;
  length: number;
  damping: number;
}

const pendulumRhs = ([theta, omega]: Vec2, { gravity, length, damping }: Pendulum): Vec2 => [
  omega,
  -(gravity / length) * Math.sin(theta) - damping * omega,
];

const axpy2 = (a: number, [x0, x1]: Vec2, [y0, y1]: Vec2): Vec2 => [y0 + a * x0, y1 + a * x1];

/** One classical Runge–Kutta step of s' = f(s). */
function rk4(f: (s: Vec2) => Vec2, s: Vec2, dt: number): Vec2 {
  const k1 = f(s);
  const k2 = f(axpy2(dt / 2, k1, s));
  const k3 = f(axpy2(dt / 2, k2, s));
  const k4 = f(axpy2(dt, k3, s));
  return [
    s[0] + (dt / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]),
    s[1] + (dt / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]),
  ];
}

/** The pendulum's [angle, angular velocity] after `steps` steps of length dt. */
export function simulatePendulum(initial: Vec2, p: Pendulum, dt = 0.05, steps = 40): Vec2 {
  const rhs = (s: Vec2): Vec2 => pendulumRhs(s, p);
  let state = initial;
  for (let t = 0; t < steps; t++) state = rk4(rhs, state, dt);
  return state;
}

/** Lorenz-96 tendency: (xᵢ₊₁ − xᵢ₋₂)·xᵢ₋₁ − xᵢ + F on a ring. */
function lorenz96(x: number[], forcing: number): number[] {
  const n = x.length;
  return x.map((xi, i) => (x[(i + 1) % n] - x[(i + n - 2) % n]) * x[(i + n - 1) % n] - xi + forcing);
}

const axpy = (a: number, x: number[], y: number[]): number[] => x.map((xi, i) => y[i] + a * xi);

function rk4Lorenz(x: number[], forcing: number, dt: number): number[] {
  const k1 = lorenz96(x, forcing);
  const k2 = lorenz96(axpy(dt / 2, k1, x), forcing);
  const k3 = lorenz96(axpy(dt / 2, k2, x), forcing);
  const k4 = lorenz96(axpy(dt, k3, x), forcing);
  return x.map((xi, i) => xi + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
}

/** The Lorenz-96 state after `steps` RK4 steps. */
export function lorenz96Forecast(x0: number[], forcing = 8, dt = 0.01, steps = 10): number[] {
  let x = [...x0];
  for (let t = 0; t < steps; t++) x = rk4Lorenz(x, forcing, dt);
  return x;
}

/** One explicit finite-difference step of u_t = α u_xx with fixed ends. */
export function heatStep(u: number[], alpha: number, dt = 1e-3, dx = 0.1): number[] {
  const r = (alpha * dt) / dx ** 2;
  return u.map((ui, i) => (i === 0 || i === u.length - 1 ? ui : ui + r * (u[i - 1] - 2 * ui + u[i + 1])));
}

/** The temperature profile after `steps` steps. */
export function heatSolve(u0: number[], alpha: number, steps = 20): number[] {
  let u = u0;
  for (let t = 0; t < steps; t++) u = heatStep(u, alpha);
  return u;
}
