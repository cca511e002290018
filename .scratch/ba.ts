import { grad } from 'tsgrad';
interface Obs { camera: number; feature: [number, number]; w: number }
interface Cam { focal: number; center: number[]; kind: 'a' | 'b' }
export function cost(cams: Cam[], pts: number[][], obs: Obs[]): number {
  return obs.reduce((total, { camera, feature, w }) => {
    const cam = cams[camera];
    const s = cam.kind === 'a' ? 1 : 2;
    const e = cam.focal * (pts[camera][0] - cam.center[0]) * s - feature[0];
    return total + w * e * e;
  }, 0);
}
export const g = grad(cost);
