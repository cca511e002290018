// Geometry: GradBench's bundle-adjustment reprojection residual with Vec3 tuples, its sum over
// observations (arrays of objects), and a spring network held in a class.
import type { Vec2, Vec3 } from './vec.js';

const dot3 = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const add3 = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const sub3 = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale3 = (s: number, v: Vec3): Vec3 => [s * v[0], s * v[1], s * v[2]];
const cross = ([a1, a2, a3]: Vec3, [b1, b2, b3]: Vec3): Vec3 => [a2 * b3 - a3 * b2, a3 * b1 - a1 * b3, a1 * b2 - a2 * b1];

export interface Camera {
  /** Rodrigues rotation vector (axis × angle). */
  rotation: Vec3;
  center: Vec3;
  focal: number;
  principal: Vec2;
  radial: Vec2;
}

/** Rotates X by the rotation vector `rot` (Rodrigues' formula; first order near zero). */
function rodrigues(rot: Vec3, X: Vec3): Vec3 {
  const sqtheta = dot3(rot, rot);
  if (sqtheta !== 0) {
    const theta = Math.sqrt(sqtheta);
    const [cos, sin] = [Math.cos(theta), Math.sin(theta)];
    const w = scale3(1 / theta, rot);
    return add3(add3(scale3(cos, X), scale3(sin, cross(w, X))), scale3(dot3(w, X) * (1 - cos), w));
  }
  return add3(X, cross(rot, X));
}

function distort(radial: Vec2, [u, v]: Vec2): Vec2 {
  const r2 = u * u + v * v;
  const factor = 1 + radial[0] * r2 + radial[1] * r2 * r2;
  return [u * factor, v * factor];
}

/** Weighted reprojection error of point X seen by `cam` at `feature` (ADBench's ba residual). */
export function reprojectionError(cam: Camera, X: Vec3, weight: number, feature: Vec2): Vec2 {
  const Xcam = rodrigues(cam.rotation, sub3(X, cam.center));
  const projected = distort(cam.radial, [Xcam[0] / Xcam[2], Xcam[1] / Xcam[2]]);
  return [
    weight * (cam.focal * projected[0] + cam.principal[0] - feature[0]),
    weight * (cam.focal * projected[1] + cam.principal[1] - feature[1]),
  ];
}

export interface Observation {
  camera: number;
  point: number;
  feature: Vec2;
}

/** Sum of squared reprojection errors over all observations. */
export function bundleAdjustmentCost(cameras: Camera[], points: Vec3[], observations: Observation[]): number {
  return observations.reduce((total, { camera, point, feature }) => {
    const [ex, ey] = reprojectionError(cameras[camera], points[point], 1, feature);
    return total + ex * ex + ey * ey;
  }, 0);
}

/** Springs between point masses in the plane, under gravity. */
export class SpringNetwork {
  constructor(
    public stiffness: number[],
    public restLength: number[],
    readonly edges: [number, number][],
    public gravity = 9.81,
  ) {}

  private stretch(pos: Vec2[], [a, b]: [number, number], rest: number): number {
    return Math.hypot(pos[b][0] - pos[a][0], pos[b][1] - pos[a][1]) - rest;
  }

  /** Elastic plus gravitational potential energy of the masses at `pos`. */
  energy(pos: Vec2[], mass = 1): number {
    let elastic = 0;
    for (const [s, edge] of this.edges.entries()) {
      elastic += 0.5 * this.stiffness[s] * this.stretch(pos, edge, this.restLength[s]) ** 2;
    }
    return elastic + pos.reduce((e, [, y]) => e + mass * this.gravity * y, 0);
  }
}

export const springEnergy = (net: SpringNetwork, pos: Vec2[]): number => net.energy(pos);
