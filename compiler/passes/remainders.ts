/**
 * `a % b` as `__tsgrad.rem(a, b)` (runtime/values.ts) in generated JavaScript, after tidyCode
 * (with `optimize`; test/fuzz/tidyExact.ts compares both against untidied code): the same number
 * for every a and b, but no division where 0 ≤ a < 2b, which is where the wrap-around indices of
 * periodic grids fall (`x[(i + 1) % n]`, `x[(i + n - 1) % n]`). V8 divides for every `%` whose
 * divisor it does not know; the hand-written gradient of such a model compares instead
 * (`i + 1 < n ? i + 1 : 0`), and so does rem, where that gives what `%` gives.
 *
 *   before:  k[i] = (tmp[(i + 1) % n] - tmp[(i + n - 2) % n]) * …
 *   after:   const rem = __tsgrad.rem;
 *            …
 *            k[i] = (tmp[rem(i + 1, n)] - tmp[rem(i + n - 2, n)]) * …
 *
 * The function is read into a local once: a CommonJS module reads `__tsgrad.rem` through a getter
 * (TypeScript's __importStar), which in a loop costs more than the division it saves. Kernels
 * (gpu.js) keep `%`: this runs on host code only. Remainders of two constants stay as they are
 * (tidyCode has computed them).
 */
import { call, type CExpr, type CStmt, id, mapExprsIn, member } from '../code.js';
import { freshNames } from '../codeEdit.js';
import { runtimeNamespace } from '../naming.js';

export function remainders(body: readonly CStmt[], params: readonly string[]): readonly CStmt[] {
  const name = freshNames(body, params)('rem');
  let used = false;
  const out = mapExprsIn(body, (e: CExpr): CExpr => {
    if (e.k !== 'bin' || e.op !== '%' || (e.a.k === 'num' && e.b.k === 'num')) return e;
    used = true;
    return call(id(name), e.a, e.b);
  });
  return used ? [{ k: 'let', isConst: true, decls: [{ name, init: member(id(runtimeNamespace), 'rem') }] }, ...out] : body;
}
