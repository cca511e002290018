/**
 * A sample loop (idiomSamples.ts) whose samples each go over components, GMM's shape: per
 * component, scratch arrays written whole, a product with a triangle of weights walked by an index
 * stepped in the nest, a sum of squares into the component's score; then a log-sum-exp or a sum
 * over the components. What compiler/passes/componentSlices.ts keeps in slices and
 * ascendingLoops.ts runs forward. About half are near misses those passes must leave alone (or
 * get right): the scratch stored twice in a component, read before it is written, read after the
 * component loop, made inside the sample loop, or the component count not a length; the index
 * stepped by 2, stepped under a condition, or read after the nest.
 *
 *   const kk = p1.length;
 *   const sc = new Float64Array(4); const qv = new Float64Array(4); const mm = new Float64Array(kk);
 *   let s = 0;
 *   for (let i = 0; i < 4; i++) {
 *     for (let c = 0; c < kk; c++) {
 *       for (let j = 0; j < 4; j++) sc[j] = p1[j] * p0 - p2[(i + c) % 4];
 *       for (let j = 0; j < 4; j++) qv[j] = sc[j] * 1.5;
 *       let ix = c;
 *       for (let a = 0; a < 4; a++) for (let b = a + 1; b < 4; b++) { qv[b] += p1[ix % 4] * sc[a]; ix++; }
 *       let q = 0;
 *       for (let j = 0; j < 4; j++) q += qv[j] * qv[j];
 *       mm[c] = q * 0.25;
 *     }
 *     … s += log Σ_c exp(mm[c]) (shifted by the largest) or Σ_c mm[c]
 *   }
 */
import { cat } from './idiomStmts.js';
import { block, line, type S } from './tree.js';
import { SampleIdioms } from './idiomSamples.js';
import type { BufScope } from './idiomBuffers.js';

interface ComponentScope extends BufScope {
  sums?: string[];
}

export class ComponentIdioms extends SampleIdioms {
  protected componentSum(scope: ComponentScope, depth: number): S[] | undefined {
    if (depth > 0 || !this.inF) return undefined;
    const arrays = scope.arrays.filter((a) => a.kind !== 'i32');
    if (arrays.length === 0) return undefined;
    const L = this.L;
    const [kk, sc, qv, mm, s, i, c, j, a, b, ix, q, m, e] = ['kk', 'sc', 'qv', 'mm', 's', 'i', 'c', 'j', 'a', 'b', 'ix', 'q', 'm', 'e'].map((x) => this.fresh(x));
    // 0: none; 1: sc stored twice per component; 2: sc read before it is written; 3: sc read after
    // the component loop; 4: sc made in the sample loop; 5: kk a number, not a length;
    // 6: ix stepped by 2; 7: ix stepped under a condition; 8: ix read after the nest
    const miss = this.pick([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const w = this.pick(arrays).name;
    // the triangle's weights: a local array long enough for ix (wt[ix]), or a parameter wrapped (w[ix % L])
    const local = this.chance(0.5);
    const wt = this.fresh('wt');
    const out: S[] = [line(miss === 5 ? `const ${kk} = ${L};` : `const ${kk} = ${this.pick(arrays).name}.length;`, kk)];
    const made = (x: string, n: string): S => line(`const ${x} = new Float64Array(${n});`, x);
    if (miss !== 4) out.push(made(sc, `${L}`));
    out.push(made(qv, `${L}`), made(mm, kk), line(`let ${s} = 0;`, s));
    if (local) {
      out.push(made(wt, `${kk} * ${L * L}`));
      const t = this.fresh('t');
      out.push(block(`for (let ${t} = 0; ${t} < ${wt}.length; ${t}++)`, [[line(`${wt}[${t}] = ${w}[${t} % ${L}] * 0.5 + ${t} * 0.01;`)]]));
    }
    const inner = this.within(scope, [], [i, c, j], { loop: true, canBreak: false });
    const perComponent = this.within(scope, [], [i, c], { loop: true, canBreak: false });
    const comp: S[] = [];
    const ahead = miss === 2 ? ` + ${sc}[(${j} + 1) % ${L}] * 0.5` : '';
    comp.push(block(`for (let ${j} = 0; ${j} < ${L}; ${j}++)`, [[line(cat('num', `${sc}[${j}] = `, this.num(inner, 2), `${ahead};`))]]));
    if (miss === 1) comp.push(block(`for (let ${j} = 0; ${j} < ${L}; ${j}++)`, [[line(`${sc}[${j}] = ${sc}[${j}] * ${sc}[${j}] * 0.5;`)]]));
    const triangle = this.chance(0.7) || miss >= 6;
    const sq = triangle ? qv : sc;
    if (triangle) {
      comp.push(block(`for (let ${j} = 0; ${j} < ${L}; ${j}++)`, [[line(cat('num', `${qv}[${j}] = ${sc}[${j}] * `, this.num(inner, 1), ';'))]]));
      comp.push(line(`let ${ix} = ${this.pick([`${c}`, `${c} * ${L}`, '0'])};`, ix));
      const step = miss === 6 ? `${ix} += 2;` : miss === 7 ? `if (${sc}[${a}] > 0) ${ix}++;` : `${ix}++;`;
      const weight = local ? `${wt}[${ix}]` : `${w}[${ix} % ${L}]`;
      const body = [line(`${qv}[${b}] += ${weight} * ${sc}[${a}];`), line(step)];
      comp.push(block(`for (let ${a} = 0; ${a} < ${L}; ${a}++)`, [[block(`for (let ${b} = ${a} + 1; ${b} < ${L}; ${b}++)`, [body])]]));
    }
    comp.push(line(`let ${q} = 0;`, q));
    comp.push(block(`for (let ${j} = 0; ${j} < ${L}; ${j}++)`, [[line(cat('num', `${q} += ${sq}[${j}] * ${sq}[${j}] * `, this.num(inner, 1), ';'))]]));
    const after = miss === 8 ? ` + ${ix} * 0.01` : '';
    comp.push(line(cat('num', `${mm}[${c}] = ${q} * 0.25 + `, this.num(perComponent, 1), `${after};`)));
    const sample: S[] = [];
    if (miss === 4) sample.push(made(sc, `${L}`));
    sample.push(block(`for (let ${c} = 0; ${c} < ${kk}; ${c}++)`, [comp]));
    if (this.chance(0.6)) {
      sample.push(line(`let ${m} = ${mm}[0];`, m));
      sample.push(block(`for (let ${c} = 1; ${c} < ${kk}; ${c}++)`, [[line(`if (${mm}[${c}] > ${m}) ${m} = ${mm}[${c}];`)]]));
      sample.push(line(`let ${e} = 0;`, e));
      sample.push(block(`for (let ${c} = 0; ${c} < ${kk}; ${c}++)`, [[line(`${e} += Math.exp(${mm}[${c}] - ${m});`)]]));
      sample.push(line(`${s} += ${m} + Math.log(${e});`));
    } else {
      sample.push(block(`for (let ${c} = 0; ${c} < ${kk}; ${c}++)`, [[line(`${s} += ${mm}[${c}];`)]]));
    }
    if (miss === 3) sample.push(line(`${s} += ${sc}[0] * 0.5;`));
    out.push(block(`for (let ${i} = 0; ${i} < ${L}; ${i}++)`, [sample]));
    if (this.chance(0.6)) (scope.sums ??= []).push(s);
    else scope.nums.push({ name: s, mutable: this.chance(0.3) });
    return out;
  }
}
