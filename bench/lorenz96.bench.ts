/**
 * Adjoint of a long time loop: the Lorenz-96 4D-Var cost over a 10,000-step window
 * (examples/lorenz96-4dvar), its gradient taped and with binomial checkpointing, against the
 * primal. Times are medians of interleaved runs; memory is what one call leaves held in a fresh,
 * warmed-up process (heap and typed arrays after a full GC: the tape and saved states keep their
 * capacity, the call's peak need). Printed, not asserted.
 */
import { execFileSync } from 'node:child_process';
import { checkpointSchedule, defaultSnapshots, grad } from 'tsgrad';
import { cost, costTaped, F } from '../examples/lorenz96-4dvar/model.js';
import { spinUp, twinWindow } from '../examples/lorenz96-4dvar/experiment.js';

const STEPS = 10000;
const REPS = 11;

const truth0 = spinUp(40, F);
const w = twinWindow(truth0, { steps: STEPS, dt: 0.001, every: 100, stride: 2, sigmaO: 0.5, sigmaB: 1, seed: 13 });
const variants = {
  primal: (x: number[]) => cost(x, w),
  taped: grad(costTaped, 0),
  checkpointed: grad(cost, 0),
} as const;
type Variant = keyof typeof variants;

const peak = process.argv.indexOf('--memory');
if (peak >= 0) {
  // child: warm up on a short window, then measure what one call on the full window leaves held
  // (process.memoryUsage after a full GC): the tape and saved states keep their capacity, which is
  // the call's peak need
  const f = variants[process.argv[peak + 1] as Variant];
  for (let r = 0; r < 20; r++) f(w.background, { ...w, steps: 100 });
  const gc = (globalThis as { gc?: () => void }).gc!;
  const held = (): number => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = held();
  f(w.background, w);
  process.stdout.write(String(held() - before));
} else {
  const times: Record<Variant, number[]> = { primal: [], taped: [], checkpointed: [] };
  for (let r = 0; r < REPS + 2; r++) {
    for (const v of Object.keys(variants) as Variant[]) {
      const t0 = performance.now();
      variants[v](w.background, w);
      if (r >= 2) times[v].push(performance.now() - t0);
    }
  }
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];
  const held = (v: Variant): number => Number(execFileSync(process.execPath, ['--expose-gc', __filename, '--memory', v], { encoding: 'utf8' })) / 2 ** 20;
  const mem = { primal: held('primal'), taped: held('taped'), checkpointed: held('checkpointed') };
  const primal = median(times.primal);
  const snapshots = defaultSnapshots(STEPS);
  const rerun = checkpointSchedule(STEPS, snapshots).recomputed;
  console.log(`\nLorenz-96 4D-Var cost, ${STEPS}-step window (40 variables, RK4), median of ${REPS}`);
  console.log('                              time      /primal   memory held');
  console.log(`  primal                  ${primal.toFixed(1).padStart(7)} ms    1.00   ${mem.primal.toFixed(2).padStart(7)} MB`);
  for (const v of ['taped', 'checkpointed'] as const) {
    const t = median(times[v]);
    const label = v === 'taped' ? 'adjoint, taped' : `adjoint, ${snapshots} states`;
    console.log(`  ${label.padEnd(22)}  ${t.toFixed(1).padStart(7)} ms  ${(t / primal).toFixed(2).padStart(6)}   ${mem[v].toFixed(2).padStart(7)} MB`);
  }
  const ratio = median(times.checkpointed) / median(times.taped);
  console.log(`  checkpointed/taped: time ${ratio.toFixed(2)}×, memory ${(mem.taped / mem.checkpointed).toFixed(0)}× smaller;` +
    ` each step runs forward ${((2 * STEPS + rerun) / STEPS).toFixed(2)} times (taped: once)`);
}
