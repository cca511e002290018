// Small vector helpers shared by the idiomatic corpus (test/idiomatic.test.ts), written the way
// they are usually written: one-line arrows over map/reduce, returning fresh arrays.

export type Vec2 = [number, number];
export type Vec3 = [number, number, number];
export type Matrix = number[][];

export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
export const dot = (a: number[], b: number[]): number => a.reduce((s, ai, i) => s + ai * b[i], 0);
export const sqnorm = (v: number[]): number => dot(v, v);
export const matvec = (M: Matrix, v: number[]): number[] => M.map((row) => dot(row, v));
export const matmul = (A: Matrix, B: Matrix): Matrix =>
  A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
export const transpose = (A: Matrix): Matrix => A[0].map((_, j) => A.map((row) => row[j]));
export const addMat = (A: Matrix, B: Matrix): Matrix => A.map((row, i) => row.map((a, j) => a + B[i][j]));
