/**
 * A loop over samples at f's top level whose iterations meet only in a sum (what
 * compiler/passes/fuseSweeps.ts reverses one iteration at a time, right after it runs): a scratch
 * array written whole each iteration, read by a log-sum-exp shifted by its largest element or by
 * a weighted sum of squares, added into a fresh sum. A third are near misses that must stay apart
 * (or be right if fused): the scratch written but for its first element, read at the next sample's
 * index before it is written, a state carried from one iteration to the next, a number the first
 * sample sets and every sample reads, a number each sample reads before setting it for the next, or
 * a number[] scratch (whose length the compiler does not
 * know).
 *
 *   const sc = new Float64Array(4);
 *   let s = 0;
 *   for (let i = 0; i < 4; i++) {
 *     for (let j = 0; j < 4; j++) sc[j] = p0[j] * p2 - p1[(i + j) % 4];
 *     let m = sc[0];
 *     for (let j = 1; j < 4; j++) if (sc[j] > m) m = sc[j];
 *     let e = 0;
 *     for (let j = 0; j < 4; j++) e += Math.exp(sc[j] - m);
 *     s += m + Math.log(e);
 *   }
 */
import { cat } from './idiomStmts.js';
import { BufferIdioms, type BufScope } from './idiomBuffers.js';
import { block, type E, expr, line, type S, text } from './tree.js';

/** Sums of sample loops that only the result reads, added into it (their adjoint is then 1). */
interface SampleScope extends BufScope {
  sums?: string[];
}

export class SampleIdioms extends BufferIdioms {
  protected override result(scope: SampleScope): E {
    let e = super.result(scope);
    for (const s of scope.sums ?? []) e = expr('num', ['(', ' + ', ')'], e, text(s));
    return e;
  }

  protected sampleSum(scope: SampleScope, depth: number): S[] | undefined {
    if (depth > 0 || !this.inF) return undefined;
    const L = this.L;
    const [sc, s, i, j, m, e, q, h] = ['sc', 's', 'i', 'j', 'm', 'e', 'q', 'h'].map((x) => this.fresh(x));
    // 0: none; 1: sc[0] never written; 2: sc read at the next index before it is written;
    // 3: a state carried across iterations; 4: a number[] scratch; 5: a number set by the first
    // sample only and read by all (its adjoint is carried back to the first: neither a sum nor zero);
    // 6: a number each sample sets after reading the one the sample before set
    const miss = this.pick([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
    const out: S[] = [line(`const ${sc} = ${miss === 4 ? `new Array<number>(${L}).fill(0)` : `new Float64Array(${L})`};`, sc), line(`let ${s} = 0;`, s)];
    if (miss >= 5 || miss === 3) out.push(line(`let ${h} = 0.5;`, h));
    const body: S[] = [];
    const inner = this.within(scope, [], [i, j], { loop: true, canBreak: false });
    const perSample = this.within(scope, [], [i], { loop: true, canBreak: false });
    if (miss === 2) body.push(line(`${s} += ${sc}[(${i} + 1) % ${L}] * 0.5;`));
    if (miss === 3) body.push(line(cat('num', `${h} = Math.sin(${h} * `, this.num(perSample, 1), ' + 1);')));
    if (miss === 5) body.push(line(cat('num', `if (${i} === 0) ${h} = `, this.num(perSample, 1), ';')));
    const head = miss === 1 ? `for (let ${j} = 1; ${j} < ${L}; ${j}++)` : this.chance(0.3) ? `for (let ${j} = ${L - 1}; ${j} >= 0; ${j}--)` : `for (let ${j} = 0; ${j} < ${L}; ${j}++)`;
    body.push(block(head, [[line(cat('num', `${sc}[${j}] = `, this.num(inner, 2), ';'))]]));
    const carried = miss >= 5 || miss === 3 ? ` * ${h}` : '';
    if (this.chance(0.5)) {
      body.push(line(`let ${m} = ${sc}[0];`, m));
      body.push(block(`for (let ${j} = 1; ${j} < ${L}; ${j}++)`, [[line(`if (${sc}[${j}] > ${m}) ${m} = ${sc}[${j}];`)]]));
      body.push(line(`let ${e} = 0;`, e));
      body.push(block(`for (let ${j} = 0; ${j} < ${L}; ${j}++)`, [[line(`${e} += Math.exp(${sc}[${j}] - ${m});`)]]));
      body.push(line(`${s} += (${m} + Math.log(${e}))${carried};`));
    } else {
      body.push(line(`let ${q} = 0;`, q));
      body.push(block(`for (let ${j} = 0; ${j} < ${L}; ${j}++)`, [[line(cat('num', `${q} += ${sc}[${j}] * ${sc}[${j}] * `, this.num(inner, 1), ';'))]]));
      body.push(line(`${s} += ${q}${carried};`));
    }
    if (miss === 6) body.push(line(cat('num', `${h} = `, this.num(perSample, 1), ';')));
    out.push(block(`for (let ${i} = 0; ${i} < ${L}; ${i}++)`, [body]));
    // the sum: left alone until the result adds it (then its adjoint is 1), or used as any number
    if (this.chance(0.6)) (scope.sums ??= []).push(s);
    else scope.nums.push({ name: s, mutable: this.chance(0.3) });
    return out;
  }
}
