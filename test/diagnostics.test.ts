/**
 * Rejected constructs: each input in test/fixtures/diagnostics/ marks the line the error must point
 * at with `// <- error`. Compiling must not throw, must report a tsgrad error there, and must leave
 * the marker call in place so that calling it at run time throws.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { type Compiled, compile, formatDiagnostics, repoRoot } from './harness.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'diagnostics');

interface Case {
  /** Fixture compiled (its `make` export calls the marker). */
  readonly file: string;
  /** What the message must mention. */
  readonly mentions: RegExp;
  readonly code: 99001 | 99002;
  /** File holding the `// <- error` line, when not `file`. */
  readonly errorIn?: string;
  /** The function passed to the marker does not exist at run time (a `declare function`). */
  readonly noRuntimeFunction?: boolean;
}

const cases: Record<string, Case> = {
  'callee with no body (declare function)': { file: 'no-body-callee.ts', mentions: /'ext' has no body/, code: 99001 },
  'grad of a function with no body': { file: 'no-body-grad.ts', mentions: /'ext' has no body/, code: 99002, noRuntimeFunction: true },
  'closure over a mutable outer let': { file: 'closure-mutable.ts', mentions: /closure over mutable outer variable 'scale'/, code: 99001 },
  'generator function': { file: 'generator.ts', mentions: /generator function/, code: 99001 },
  'async function': { file: 'async.ts', mentions: /async function/, code: 99001 },
  'eval(...)': { file: 'eval.ts', mentions: /'eval'/, code: 99001 },
  'a function chosen at run time': { file: 'runtime-function.ts', mentions: /'k > 0 \? square : cube' is a function chosen at run time/, code: 99001 },
  'string return type': { file: 'string-return.ts', mentions: /must return number.*'label' returns string/, code: 99001 },
  'argnums not a literal': { file: 'argnums-variable.ts', mentions: /argnums must be integer literals/, code: 99002 },
  'argnums selecting an Int32Array parameter': { file: 'argnums-int32.ts', mentions: /parameter 'idx' .*cannot be differentiated/, code: 99001 },
  'recursion in a local function': { file: 'recursion.ts', mentions: /recursive call to 'power': it is not a function declared at module level/, code: 99001 },
  'Math.random': { file: 'math-random.ts', mentions: /Math\.random/, code: 99001 },
  'for…in': { file: 'for-in.ts', mentions: /for…in/, code: 99001 },
  'try/catch': { file: 'try-catch.ts', mentions: /try\/catch/, code: 99001 },
  'a label on a block': { file: 'labeled-block.ts', mentions: /a label on a statement that is not a loop/, code: 99001 },
  "'var' declaration": { file: 'var.ts', mentions: /'var' declarations/, code: 99001 },
  'argnums out of range': { file: 'argnums-out-of-range.ts', mentions: /argnums 2 is out of range/, code: 99002 },
  'argnums repeating an index': { file: 'argnums-repeated.ts', mentions: /argnums repeats an index/, code: 99002 },
  'closure over a parameter of an enclosing function': { file: 'closure-param.ts', mentions: /closure over parameter 'k'/, code: 99001 },
  'an array variable given an existing array': { file: 'array-reassign-existing.ts', mentions: /'x' given an existing array: two variables naming one array/, code: 99001 },
  'writing through a second name of an array': { file: 'array-shared-write.ts', mentions: /writing into 'u', which names the same array as another variable/, code: 99001 },
  'reassigning an array parameter': { file: 'array-reassign-param.ts', mentions: /reassigning 'a', an array parameter or const/, code: 99001 },
  'a checkpointed loop giving its state a new array each step, read through a second name': { file: 'checkpoint-array-reassign.ts', mentions: /'x' is given a new array each step, and the loop also uses it other than by index/, code: 99001 },
  'a checkpointed loop writing into an array grown by push before it (fuzz seed 7040: its states were not restored)': { file: 'checkpoint-pushed-array.ts', mentions: /it writes into 'q', an array grown by push, whose saved states are not restored yet/, code: 99001 },
  'nested differentiation': { file: 'nested-grad.ts', mentions: /nested differentiation \('grad\(energy\)' inside a differentiated function\) is not supported yet/, code: 99001 },
  'push onto a parameter array': { file: 'array-push.ts', mentions: /push onto 'a': only a local number\[\] of this function can grow/, code: 99001 },
  'writing a field of an array of objects built in the function': { file: 'object-array-write.ts', mentions: /writing 'samples\[1\]\.y', in an array of objects built in this function/, code: 99001 },
  'unsupported construct inside an imported helper': { file: 'uses-bad-helper.ts', errorIn: 'bad-helper.ts', mentions: /for…in/, code: 99001 },
  // jit: `// @parallel` loops whose iterations cannot be shown independent, and bad jit calls
  'parallel loop that is not a counted for loop': { file: 'parallel-while.ts', mentions: /must be a counted loop/, code: 99001 },
  'break in a parallel loop': { file: 'parallel-break.ts', mentions: /must be a counted loop .* no break or return/, code: 99001 },
  'outer scalar assigned in a parallel loop': { file: 'parallel-shared-scalar.ts', mentions: /'last' is assigned in the body of this parallel loop and declared outside it/, code: 99001 },
  'reduction variable read inside the loop': { file: 'parallel-reduction-read.ts', mentions: /reduction variable 's' is read inside/, code: 99001 },
  'every iteration writes the same element': { file: 'parallel-same-element.ts', mentions: /every iteration .* writes the same elements of 'out'/, code: 99001 },
  'iterations write overlapping blocks': { file: 'parallel-overlap.ts', mentions: /elements of 'out' written by one iteration do not form one block/, code: 99001 },
  'block enumerated by an inclusive inner bound (j <= d) overlaps the next': { file: 'parallel-inclusive-bound.ts', mentions: /cannot tell that iterations of this parallel loop write different elements of 'out'/, code: 99001 },
  'parallel loop reading an array it writes': { file: 'parallel-read-write.ts', mentions: /both reads and writes the array 'x'/, code: 99001 },
  'array allocated in a parallel loop': { file: 'parallel-alloc.ts', mentions: /allocates an array \('row'\)/, code: 99001 },
  'conditional write in a parallel loop': { file: 'parallel-conditional-write.ts', mentions: /may leave elements of 'out' in their block unwritten/, code: 99001 },
  'inner loop bound computed inside the parallel loop': { file: 'parallel-inner-bound.ts', mentions: /bound of the loop over 'j' is computed inside the parallel loop/, code: 99001 },
  'inner loop bound that changes per iteration': { file: 'parallel-triangular.ts', mentions: /bounds of the loop over 'j' .* change from one iteration to the next/, code: 99001 },
  'jit of a call that is neither a function nor a derivative': { file: 'jit-of-call.ts', mentions: /jit\(\) needs a function or grad\(f\) \/ valueAndGrad\(f\), and 'makeLoss\(…\)' is neither/, code: 99002 },
  'jit(grad(f)) checks the parallel loop as jit(f) does': { file: 'jit-grad-shared-scalar.ts', mentions: /'last' is assigned in the body of this parallel loop and declared outside it/, code: 99001 },
  // forward mode, vector outputs, second order
  'grad of a function returning an array': { file: 'grad-vector-output.ts', mentions: /must return number, but 'twice' returns Float64Array.*use jacfwd, jacrev, jvp or vjp/, code: 99001 },
  'grad(grad(f)) with an array parameter': { file: 'gradgrad-array.ts', mentions: /grad\(grad\(f\)\) differentiates twice with respect to a number, and 'x' is an array.*hessian\(f\) or hvp\(f\)/, code: 99001 },
  'jvp with too few primals': { file: 'jvp-arity.ts', mentions: /jvp needs one primal per parameter of the function \(2\), and this list has 1/, code: 99002 },
  'a function returning a module constant array': { file: 'two-array-results.ts', mentions: /'pick' returns the module constant 'TABLE'/, code: 99001 },
  'stopGradient of an array': { file: 'stop-gradient-array.ts', mentions: /stopGradient of Float64Array/, code: 99001 },
  'jit of a function with an object parameter': { file: 'jit-struct-param.ts', mentions: /jit of a function with an object parameter \('p'\) is not supported/, code: 99001 },
  'a parallel loop calling a function with a custom derivative': { file: 'parallel-custom-call.ts', mentions: /the parallel loop calls 'softsign', which has a custom derivative/, code: 99001 },
  'hessian with a list of argnums': { file: 'hessian-tuple-argnums.ts', mentions: /hessian differentiates with respect to one argument/, code: 99002 },
  // checkpointing: loops `// @checkpoint` cannot apply to
  'a while loop marked // @checkpoint': { file: 'checkpoint-while.ts', mentions: /trip count of this \/\/ @checkpoint loop is not known at loop entry: it must be a counted loop/, code: 99001 },
  'a checkpointed loop with a break': { file: 'checkpoint-break.ts', mentions: /not known at loop entry: a break or return inside can end it early/, code: 99001 },
  'a checkpointed loop that changes its bound': { file: 'checkpoint-bound.ts', mentions: /not known at loop entry: the condition reads 'n', which the loop changes/, code: 99001 },
  'a checkpointed loop writing into a parameter': { file: 'checkpoint-param-state.ts', mentions: /state of this \/\/ @checkpoint loop cannot be saved: it writes into 'x', a parameter/, code: 99001 },
  'a checkpointed loop inside another loop': { file: 'checkpoint-nested.ts', mentions: /a \/\/ @checkpoint loop cannot be inside another loop/, code: 99001 },
  'snapshots=0': { file: 'checkpoint-options.ts', mentions: /'\/\/ @checkpoint snapshots=0' is not understood/, code: 99001 },
  'a checkpointed loop stepping by 0.5': { file: 'checkpoint-step.ts', mentions: /must step its counter by an integer, not 0\.5/, code: 99001 },
  'jit(grad(f)) with a checkpointed loop': { file: 'checkpoint-jit.ts', mentions: /\/\/ @checkpoint is not supported under jit yet/, code: 99001 },
  'jit of a function that returns nothing': { file: 'jit-void-return.ts', mentions: /jit compiles functions that return a number, and 'squares' returns nothing \(void\)\. Hint: declare 'squares' as returning number and end it with `return 0;`/, code: 99001 },
  'jit of a function that returns an array': { file: 'jit-array-return.ts', mentions: /jit compiles functions that return a number, and 'scaled' returns Float64Array(<\w+>)?\. Hint: .*write array results into an array parameter/, code: 99001 },
  'jit async option that is not a literal': { file: 'jit-async-variable.ts', mentions: /async option must be the literal true or false/, code: 99002 },
};

/** 1-based line of the `// <- error` marker. */
function markedLine(file: string): number {
  const lines = fs.readFileSync(path.join(fixtures, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('// <- error'));
  if (i < 0) throw new Error(`no '// <- error' marker in ${file}`);
  return i + 1;
}

function tsgradErrors(out: Compiled): ts.Diagnostic[] {
  return out.diagnostics.filter((d) => d.source === 'tsgrad' || d.code === 99001 || d.code === 99002 || d.code === 99099);
}

const key = (file: string): string => `test/fixtures/diagnostics/${file.replace(/\.ts$/, '')}`;

describe('diagnostics for rejected constructs', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      let out: Compiled | undefined;
      expect(() => (out = compile([path.join(fixtures, c.file)])), 'compile threw').not.to.throw();
      const errors = tsgradErrors(out!);
      const shown = formatDiagnostics(out!.diagnostics);
      expect(errors.length, `expected a tsgrad diagnostic, got:\n${shown}`).to.be.greaterThan(0);
      const errorFile = c.errorIn ?? c.file;
      const line = markedLine(errorFile);
      const hit = errors.find((d) => {
        const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        if (!c.mentions.test(message) || !d.file || d.start === undefined) return false;
        return path.basename(d.file.fileName) === errorFile && d.file.getLineAndCharacterOfPosition(d.start).line + 1 === line;
      });
      expect(hit, `no diagnostic matching ${c.mentions} at ${errorFile}:${line}; got:\n${shown}`).to.not.equal(undefined);
      expect(hit!.category).to.equal(ts.DiagnosticCategory.Error);
      expect(hit!.code).to.equal(c.code);
      expect(ts.flattenDiagnosticMessageText(hit!.messageText, '\n')).to.match(/^tsgrad: .*Hint: /);

      // the marker call stays, so the output throws instead of computing something wrong
      const js = out!.js.get(key(c.file))!;
      expect(js).to.match(/\(0, tsgrad_1\.(grad|jit|jvp|jacfwd|hessian)\)\(/);
      const m = out!.modules.get(key(c.file))!;
      if (c.noRuntimeFunction) expect(() => m.make()).to.throw(ReferenceError, /ext is not defined/);
      else expect(() => m.make()).to.throw(Error, /transformer/);
    });
  }

  // Regression: `helper` is a mutable `let`, so inlining the arrow it starts with would make the
  // derivative disagree with f after setHelperCube() (f = x³, gradient of x²: 4 instead of 12 at 2).
  // Like grad(helper) ("is a mutable variable"), the call must be rejected.
  it('a call through a mutable let variable is rejected', () => {
    const file = 'call-mutable.ts';
    const out = compile([path.join(fixtures, file)]);
    const line = markedLine(file);
    const hit = tsgradErrors(out).find((d) => d.file && d.file.getLineAndCharacterOfPosition(d.start!).line + 1 === line);
    expect(hit, formatDiagnostics(out.diagnostics)).to.not.equal(undefined);
    expect(ts.flattenDiagnosticMessageText(hit!.messageText, '\n')).to.match(/helper/);
    expect([99001, 99002]).to.include(hit!.code);
    expect(() => out.modules.get(key(file))!.make()).to.throw(Error, /transformer/);
  });

  it('a rejected call does not stop other calls in the same file from compiling', () => {
    const out = compile([path.join(fixtures, 'one-bad-call.ts')]);
    const errors = tsgradErrors(out);
    expect(errors.length, formatDiagnostics(out.diagnostics)).to.equal(1);
    expect(errors[0].file!.getLineAndCharacterOfPosition(errors[0].start!).line + 1).to.equal(markedLine('one-bad-call.ts'));
    const m = out.modules.get(key('one-bad-call.ts'))!;
    for (const x of [-1.5, 0.5, 2]) expect(m.okGrad(x)).to.equal(3 * x * x);
    expect(() => m.make()).to.throw(Error, /transformer/);
  });
});

describe('runtime markers without the transformer', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require('../runtime/index.js') as typeof import('../runtime/index.js');

  it('grad(f) throws, naming f, the transformer and every way to run it', () => {
    const myLoss = function myLoss(x: number) { return x; };
    expect(() => runtime.grad(myLoss)).to.throw(Error, /myLoss/);
    expect(() => runtime.grad(myLoss)).to.throw(Error, /transformer/);
    expect(() => runtime.grad(myLoss)).to.throw(Error, /tsgrad\/transform/);
    // every supported path, and why plain TypeScript 7 does not do it
    for (const path of [/npx tsgrad build/, /tsgrad\/vite/, /tsgrad\/webpack/, /--import tsgrad\/register/, /tsgrad generate/, /tspc/, /TypeScript 7/]) {
      expect(() => runtime.grad(myLoss)).to.throw(Error, path);
    }
  });

  it('valueAndGrad(f, argnums) throws the same way', () => {
    expect(() => runtime.valueAndGrad(function myLoss(x: number) { return x; }, [0])).to.throw(Error, /valueAndGrad\(myLoss\).*transformer/s);
  });
});
