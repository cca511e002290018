/**
 * tsgrad's TypeScript transformer: the entry point ts-patch loads from tsconfig's
 * `"plugins": [{ "transform": "tsgrad/transform" }]`.
 *
 * For each source file: find marker calls, compile one derivative per (function, mode, argnums),
 * place each generated function beside the function it differentiates (or after the imports when
 * that function lives in another file), replace the marker call with a reference to it, and add
 * `import * as __tsgrad from "tsgrad"` for the tapes. A call that cannot be compiled gets an error
 * diagnostic and stays as it was, so the output throws instead of computing a wrong derivative.
 */
import * as path from 'node:path';
import { type CStmt, namesIn } from './code.js';
import type { CompanionKind, IRFunction } from './ir.js';
import type * as TS from 'typescript';
import { Code, makeDiagnostic, Unsupported } from './diagnostics.js';
import { emitExpr, emitFunction, emitKernel } from './emit.js';
import { generatedName, jitNamespace, NameScope, runtimeNamespace } from './naming.js';
import { type CompileContext, compileCompanion, compileDerivative, compileGradient, compileJit, compileJitGradient, type DerivativeKind, newTape } from './pipeline.js';
import type { FunctionLike } from './passes/lowerToIR.js';
import type { JitCode } from './passes/lowerKernels.js';
import {
  type CallSite, findCallSites, innerMarker, type ResolvedCall, type ResolvedJit, type ResolvedTransform, resolveCall, resolveJit, resolveTransform,
  transformMarkers,
} from './passes/findCallSites.js';
import { ts, useTypeScript } from './tsapi.js';
import { functionName } from './types.js';
import { type CustomRule, type CustomRules, findCustomRules } from './passes/customRules.js';
import { findOverrides, type Overridden } from './passes/findOverrides.js';

export interface TsgradConfig {
  /** Recompute cheap values instead of taping them (default true); false for debugging. */
  readonly optimize?: boolean;
  /** Fold the generated code back into expressions and `for` loops (default: as `optimize`); false to read it as the sweeps produce it. */
  readonly tidy?: boolean;
  /**
   * Reverse a loop whose iterations meet only in sums one iteration at a time, right after each
   * runs, so that the tape holds one iteration (default: as `tidy`). Adjoint sums then add up in
   * another order: false for code tidied bit for bit like the sweeps' own (test/fuzz/tidyExact.ts).
   */
  readonly fuseSweeps?: boolean;
  /**
   * A zero tangent or adjoint times an infinite or NaN partial gives 0, not NaN (0 · ∞): each
   * product with a partial is guarded, `g === 0 ? 0 : g * p` (default false: slower, and only
   * values that are ±∞ or at a kink, such as cbrt or sqrt at 0, on a path the result does not
   * take, need it; see "Known limits"). The fuzzer recompiles with it to tell that class apart.
   */
  readonly strictZeros?: boolean;
  /** Called with each generated function (for `tsgrad emit` and golden files). */
  readonly onGenerated?: (generated: { name: string; source: TS.SourceFile; node: TS.Statement; tape?: string }) => void;
}

export interface TransformerExtras {
  readonly ts?: typeof TS;
  readonly addDiagnostic?: (diagnostic: TS.Diagnostic) => void;
}

/** Globals the generated code refers to; generated locals must not shadow them. */
const builtins = ['Math', 'Float64Array', 'Float32Array', 'Int32Array', 'Array', 'NaN', 'Infinity', runtimeNamespace, jitNamespace];

/** The gpu.js release tsgrad's kernels are written for (a peer dependency of the package). */
const gpuJsVersion = '2.24.1';

/** Whether gpu.js, which `tsgrad/jit` imports, can be found from `fileName`'s folder, as Node and the bundlers look for it. */
function gpuJsInstalled(fileName: string): boolean {
  try {
    require.resolve('gpu.js', { paths: [path.dirname(path.resolve(fileName))] });
    return true;
  } catch {
    return false;
  }
}

/** A cheap test before any parsing: source that names none of tsgrad's functions has nothing to transform. */
export const mayUseTsgrad = (text: string): boolean => /grad|jit|jvp|vjp|jac|hessian|hvp|customDerivative/i.test(text);

export default function tsgradTransformer(
  program: TS.Program,
  config: TsgradConfig = {},
  extras: TransformerExtras = {},
): TS.TransformerFactory<TS.SourceFile> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  useTypeScript(extras.ts ?? (require('typescript') as typeof TS));
  const checker = program.getTypeChecker();
  let custom: CustomRules | undefined;
  let overridden: Overridden | undefined;
  const report = (d: TS.Diagnostic): void => {
    if (extras.addDiagnostic) extras.addDiagnostic(d);
    else throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  };
  return (context) => (file) => {
    if (file.isDeclarationFile || !mayUseTsgrad(file.text)) return file;
    custom ??= findCustomRules(program, checker);
    overridden ??= findOverrides(program, checker);
    for (const e of custom.errors.get(file) ?? []) report(makeDiagnostic(e.node, `${e.what}. Hint: ${e.hint}`, e.code));
    const sites = findCallSites(file, checker);
    if (sites.length === 0) return file;
    return new FileTransform(file, context, checker, { ...config, customRules: custom.rules, overridden }, report).run(sites);
  };
}

interface Placed {
  /** What replaces the marker call. */
  readonly replacement: TS.Expression;
  /** Derivatives beyond grad: the array parameters the function writes into. */
  readonly written?: readonly number[];
}

interface FileConfig extends TsgradConfig {
  readonly customRules: ReadonlyMap<TS.Node, CustomRule>;
  readonly overridden: Overridden;
}

class FileTransform {
  private readonly fileNames: NameScope;
  private readonly compiled = new Map<string, Placed | 'failed'>();
  private readonly replacements = new Map<TS.Node, TS.Expression>();
  private readonly after = new Map<TS.Statement, TS.Statement[]>();
  private readonly top: TS.Statement[] = [];
  private usesRuntime = false;
  private usesJit = false;

  constructor(
    private readonly file: TS.SourceFile,
    private readonly context: TS.TransformationContext,
    private readonly checker: TS.TypeChecker,
    private readonly config: FileConfig,
    private readonly report: (d: TS.Diagnostic) => void,
  ) {
    this.fileNames = new NameScope([...identifiersIn(file), ...builtins]);
  }

  run(sites: CallSite[]): TS.SourceFile {
    const consumed = new Set<TS.Node>();
    for (const site of sites) {
      if (consumed.has(site.call)) continue;
      try {
        const inner = site.mode === 'grad' ? innerMarker(site.call, this.checker, 'grad') : undefined;
        if (inner) consumed.add(inner);
        const placed = site.mode === 'jit' || site.mode === 'jitAsync'
          ? this.compileJit(resolveJit(site, this.checker))
          : inner
            ? this.compileGradGrad(site.call, inner)
            : transformMarkers.has(site.mode)
              ? this.compileTransform(resolveTransform(site, this.checker))
              : this.compile(resolveCall(site, this.checker));
        if (placed) this.replacements.set(site.call, placed.replacement);
      } catch (err) {
        this.fail(site.call, err);
      }
    }
    this.compileCompanions();
    if (this.replacements.size === 0) return this.file;
    return this.rewrite();
  }

  private compile(call: ResolvedCall): Placed | undefined {
    return this.once(call.decl, call.call, call.declaringStatement, `${call.mode}|${call.argnums.join(',')}`, (inline, emitSite) => {
      const generated = this.fileNames.unique(generatedName(call.name, call.mode, call.argnums, call.tuple));
      const out = compileGradient({ ...call, generated }, this.compileContext(emitSite, generated));
      const fn = emitFunction(generated, out.params, out.body, false, paramDefaults(out.ir));
      this.noteRuntime(out.body);
      if (out.tape) this.declareTape(out.tape);
      this.config.onGenerated?.({ name: generated, source: this.file, node: fn, tape: out.tape });
      return { replacement: this.place(fn, inline, call.declaringStatement) };
    });
  }

  /** What the pipeline needs to compile a function whose output is placed at `emitSite`. */
  private compileContext(emitSite: TS.Node, generated: string): CompileContext {
    const reserved = [...this.namesInScope(emitSite), ...builtins, generated];
    return {
      checker: this.checker, reserved, emitSite, optimize: this.config.optimize !== false, tidy: this.config.tidy, fuseSweeps: this.config.fuseSweeps, strictZeros: this.config.strictZeros, customRules: this.config.customRules,
      copyTable: (decl, values, type) => this.copyTable(decl, values, type), overridden: this.config.overridden,
      companion: (decl, kind) => this.companion(decl, kind),
    };
  }

  private readonly tables = new Map<TS.Node, string>();

  /** A module-level copy of a table of numbers from a module the derivative cannot name; once per file. */
  private copyTable(decl: TS.VariableDeclaration, values: readonly number[], type: 'numarr' | 'f64' | 'f32'): string {
    const known = this.tables.get(decl);
    if (known) return known;
    const f = ts.factory;
    const name = this.fileNames.unique(ts.isIdentifier(decl.name) ? decl.name.text : 'table');
    this.tables.set(decl, name);
    const items = f.createArrayLiteralExpression(values.map((v) => emitExpr({ k: 'num', value: v })));
    const init = type === 'numarr' ? items : f.createNewExpression(f.createIdentifier(type === 'f64' ? 'Float64Array' : 'Float32Array'), undefined, [items]);
    this.top.push(f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, undefined, init)], ts.NodeFlags.Const)));
    return name;
  }

  /** One generated derivative of `call.decl` (pipeline.ts compileDerivative), placed like a gradient. */
  private derivative(call: ResolvedCall, kind: DerivativeKind, argnums: readonly number[] | 'differentiable', base: string, defaults = true, flat = false): Placed | undefined {
    return this.once(call.decl, call.call, call.declaringStatement, `${kind}|${argnums}|${defaults}|${flat}`, (inline, emitSite) => {
      const generated = this.fileNames.unique(base);
      const out = compileDerivative({ decl: call.decl, name: call.name, generated, kind, argnums, defaults, flat }, this.compileContext(emitSite, generated));
      const fn = emitFunction(generated, out.params, out.body, false, paramDefaults(out.ir));
      this.noteRuntime(out.body);
      if (out.tape) this.declareTape(out.tape);
      this.config.onGenerated?.({ name: generated, source: this.file, node: fn, tape: out.tape });
      return { replacement: this.place(fn, inline, call.declaringStatement), written: out.written };
    });
  }

  /**
   * jvp(f, primals, tangents) → `f_jvp(...primals, ...tangents)`; vjp(f, ...primals) →
   * `__tsgrad.vjpOf(f, f_vjp, written, [primals])`; jacfwd / jacrev / hessian(f, a) → a runtime
   * loop over unit vectors around the generated jvp, vjp or hvp; hvp(f, a) → `f_hvp`.
   */
  private compileTransform(t: ResolvedTransform): Placed | undefined {
    const f = ts.factory;
    const a = t.argnums[0] ?? 0;
    const suffix = a === 0 ? '' : `_${a}`;
    const runtime = (name: string, ...args: TS.Expression[]): TS.Expression =>
      f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(runtimeNamespace), name), undefined, args);
    const list = (xs: readonly number[]): TS.Expression => f.createArrayLiteralExpression(xs.map((x) => f.createNumericLiteral(x)));
    const nParams = t.decl.parameters.length;
    switch (t.marker) {
      case 'jvp': {
        const [, primals, tangents] = t.call.arguments;
        if (!primals || !tangents || t.call.arguments.length !== 3) {
          throw new Unsupported(t.call, 'jvp takes three arguments', 'write jvp(f, [x, …], [dx, …]) with one primal and one tangent per parameter of f', Code.BadCall);
        }
        const d = this.derivative(t, 'jvp', 'differentiable', `${t.name}_jvp`);
        if (!d) return undefined;
        // a list given as a variable is padded to one entry per parameter: left-out primals take
        // their defaults, left-out tangents are 0
        const pad = (fill?: number) => (e: TS.Expression): TS.Expression => {
          this.usesRuntime = true;
          return runtime('padded', e, f.createNumericLiteral(nParams), ...(fill === undefined ? [] : [f.createNumericLiteral(fill)]));
        };
        // parameters from the first optional one on may be left out of a literal list too
        const first = t.decl.parameters.findIndex((p) => p.initializer || p.questionToken);
        const required = first < 0 ? nParams : first;
        const args = [...spreadArgs(primals, nParams, required, 'primal', pad()), ...spreadArgs(tangents, nParams, required, 'tangent', pad(0))];
        return { replacement: f.createCallExpression(d.replacement, undefined, args) };
      }
      case 'vjp': {
        const d = this.derivative(t, 'vjp', 'differentiable', `${t.name}_vjp`);
        if (!d) return undefined;
        this.usesRuntime = true;
        const primals = f.createArrayLiteralExpression(t.call.arguments.slice(1));
        return { replacement: runtime('vjpOf', t.reference, d.replacement, list(d.written ?? []), primals) };
      }
      case 'jacfwd':
      case 'jacrev':
      case 'hessian': {
        const kind: DerivativeKind = t.marker === 'jacfwd' ? 'jvp' : t.marker === 'jacrev' ? 'vjp' : 'hvp';
        const d = this.derivative(t, kind, [a], `${t.name}_${kind}_${a}`, true, true);
        if (!d) return undefined;
        this.usesRuntime = true;
        const index = f.createNumericLiteral(a);
        // jacrev also runs f itself (for the output's size), on copies of the arrays it writes into
        const args = t.marker === 'jacrev' ? [t.reference, d.replacement, index, list(d.written ?? [])] : [d.replacement, index, f.createNumericLiteral(nParams)];
        return { replacement: runtime(`${t.marker}Of`, ...args) };
      }
      case 'hvp': {
        // hvp(f)(...args, v): a left-out optional argument would take v's place
        const d = this.derivative(t, 'hvp', [a], `${t.name}_hvp${suffix}`, false);
        return d;
      }
    }
  }

  /** grad(grad(f)): the second derivative of f: number → number, reverse over forward. */
  private compileGradGrad(outerCall: TS.CallExpression, innerCall: TS.CallExpression): Placed | undefined {
    const inner = resolveCall({ call: innerCall, mode: 'grad' }, this.checker);
    if (inner.tuple || outerCall.arguments.length > 1) {
      const at = outerCall.arguments[1] ?? innerCall.arguments[1];
      throw new Unsupported(at, 'grad(grad(f)) differentiates twice with respect to one argument, given on the inner grad',
        'write grad(grad(f)) or grad(grad(f, 1)); for several arguments use hessian(f)', Code.BadCall);
    }
    return this.derivative(inner, 'gradgrad', inner.argnums, `${inner.name}_grad_grad${inner.argnums[0] === 0 ? '' : `_${inner.argnums[0]}`}`);
  }

  /**
   * `jit(f)` → `__tsgrad.bindJit(f_jit, f, isAsync, options)`, with f_jit's kernels at the top of the
   * file; `jit(grad(f))` → `bindJit(f_jit_grad, f_grad, …)` (the js backend runs the plain gradient).
   */
  private compileJit(call: ResolvedJit): Placed | undefined {
    const f = ts.factory;
    const d = call.derivative;
    if (!gpuJsInstalled(this.file.fileName)) {
      throw new Unsupported(call.call, `jit compiles kernels for gpu.js, which is not installed for ${path.basename(this.file.fileName)} (tsgrad does not install it: only jit needs it)`,
        `npm install gpu.js@${gpuJsVersion}`, Code.BadCall);
    }
    const reference = d ? this.compile(d)?.replacement : call.reference;
    if (!reference) return undefined;
    const suffix = call.isAsync ? 'jitAsync' : 'jit';
    const kind = d ? `${suffix}|${d.mode}|${d.argnums.join(',')}` : suffix;
    const compiled = this.once(call.decl, call.call, call.declaringStatement, kind, (inline, emitSite) => {
      const base = `${call.name === 'anonymous' ? 'f' : call.name}_${suffix}`;
      const generated = this.fileNames.unique(d ? `${base}_${generatedName(call.name, d.mode, d.argnums, d.tuple).slice(call.name.length + 1)}` : base);
      const kernelName = (name: string): string => this.fileNames.unique(name);
      const ctx = this.compileContext(emitSite, generated);
      const out: JitCode & { tape?: string } = d
        ? compileJitGradient({ ...d, generated, isAsync: call.isAsync, kernelName }, ctx)
        : compileJit({ decl: call.decl, name: call.name, generated, isAsync: call.isAsync, kernelName }, ctx);
      for (const k of out.kernels) {
        const kernel = emitKernel(k.name, k.params, k.body);
        this.config.onGenerated?.({ name: k.name, source: this.file, node: kernel });
        this.top.push(kernel);
      }
      this.usesJit = true;
      const tape = out.tape;
      if (tape) this.declareTape(tape);
      const fn = emitFunction(generated, out.params, out.body, call.isAsync);
      this.noteRuntime(out.body);
      this.config.onGenerated?.({ name: generated, source: this.file, node: fn, tape });
      return { replacement: this.place(fn, inline, call.declaringStatement) };
    });
    if (!compiled) return undefined;
    const options = call.options ? [call.options] : [];
    return {
      replacement: f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(jitNamespace), 'bindJit'), undefined,
        [compiled.replacement, reference, call.isAsync ? f.createTrue() : f.createFalse(), ...options]),
    };
  }

  private readonly companionNames = new Map<FunctionLike, Map<CompanionKind, string>>();
  private readonly pendingCompanions: { decl: FunctionLike; fnName: string; kind: CompanionKind; name: string }[] = [];

  /** The name of a companion of a function compiled on its own (lower/separate.ts); compiled once the derivatives are. */
  private companion(decl: FunctionLike, kind: CompanionKind): string {
    const byKind = this.companionNames.get(decl) ?? new Map<CompanionKind, string>();
    this.companionNames.set(decl, byKind);
    let name = byKind.get(kind);
    if (!name) {
      const fnName = functionName(decl) ?? 'fn';
      name = this.fileNames.unique(`${fnName}_${kind}`);
      byKind.set(kind, name);
      this.pendingCompanions.push({ decl, fnName, kind, name });
    }
    return name;
  }

  /** The companions the derivatives call, and those they call in turn, at the top of the file. */
  private compileCompanions(): void {
    for (let c = this.pendingCompanions.shift(); c; c = this.pendingCompanions.shift()) {
      try {
        const out = compileCompanion(c.decl, c.fnName, c.kind, c.name, this.compileContext(this.file, c.name));
        const fn = emitFunction(c.name, out.params, out.body, false);
        this.noteRuntime(out.body);
        this.config.onGenerated?.({ name: c.name, source: this.file, node: fn });
        this.top.push(fn);
      } catch (err) {
        this.fail(c.decl, err);
      }
    }
  }

  /** Generated code that calls tsgrad's runtime (`__tsgrad.raise`, `__tsgrad.zerosLike`) needs its import. */
  private noteRuntime(body: readonly CStmt[]): void {
    const names = namesIn(body);
    if (names.has(runtimeNamespace)) this.usesRuntime = true;
    if (names.has(jitNamespace)) this.usesJit = true;
  }

  /** `const f_grad_tape = new __tsgrad.Tape();` at the top of the file. */
  private declareTape(tape: string): void {
    this.fileNames.reserve(tape);
    this.usesRuntime = true;
    this.top.push(ts.factory.createVariableStatement(undefined, ts.factory.createVariableDeclarationList(
      [ts.factory.createVariableDeclaration(tape, undefined, undefined, emitExpr(newTape))], ts.NodeFlags.Const)));
  }

  /**
   * Compiles `decl` for one kind of request once per file: later calls reuse the generated
   * function, except for inline functions, which are generated in place at each call.
   */
  private once(
    decl: FunctionLike,
    call: TS.CallExpression,
    declaringStatement: TS.Statement | undefined,
    kind: string,
    build: (inline: boolean, emitSite: TS.Node) => Placed,
  ): Placed | undefined {
    const inline = ts.isArrowFunction(decl) || ts.isFunctionExpression(decl) ? decl.parent === call : false;
    const key = `${decl.pos}:${decl.getSourceFile().fileName}|${kind}`;
    const known = this.compiled.get(key);
    if (known === 'failed') return undefined;
    if (known && !inline) return known;
    this.compiled.set(key, 'failed');
    const emitSite: TS.Node = inline ? call : declaringStatement ? declaringStatement.parent : this.file;
    const placed = build(inline, emitSite);
    this.compiled.set(key, placed);
    return placed;
  }

  /**
   * Where a generated function goes: in place of an inline function (as a function expression, so
   * it closes over the same scope), after the statement declaring the function, or after the imports.
   */
  private place(fn: TS.FunctionDeclaration, inline: boolean, declaringStatement: TS.Statement | undefined): TS.Expression {
    const f = ts.factory;
    if (inline) return f.createFunctionExpression(fn.modifiers as readonly TS.Modifier[] | undefined, undefined, fn.name, undefined, fn.parameters, undefined, fn.body!);
    if (declaringStatement) {
      const list = this.after.get(declaringStatement) ?? [];
      list.push(fn);
      this.after.set(declaringStatement, list);
    } else {
      this.top.push(fn);
    }
    return f.createIdentifier(fn.name!.text);
  }

  private namesInScope(site: TS.Node): string[] {
    return this.checker
      .getSymbolsInScope(site, ts.SymbolFlags.Value | ts.SymbolFlags.Alias)
      .filter((s) => (s.declarations ?? []).some((d) => !d.getSourceFile().isDeclarationFile))
      .map((s) => s.getName());
  }

  private fail(call: TS.Node, err: unknown): void {
    if (err instanceof Unsupported) {
      this.report(makeDiagnostic(err.node, `${err.what}. Hint: ${err.hint}`, err.code));
    } else {
      const message = err instanceof Error ? err.message : String(err);
      if (process.env.TSGRAD_DEBUG) console.error(err); // the compiler's own stack, for a bug report
      this.report(makeDiagnostic(call, `internal error while differentiating this call (${message}); please report it`, Code.Internal));
    }
  }

  private rewrite(): TS.SourceFile {
    const f = this.context.factory;
    const visit = (node: TS.Node): TS.Node => {
      const replacement = this.replacements.get(node);
      if (replacement) return replacement;
      const visited = ts.visitEachChild(node, visit, this.context);
      if (ts.isBlock(visited)) return f.updateBlock(visited, this.withInsertions(visited.statements, node as TS.Block));
      return visited;
    };
    const visited = ts.visitEachChild(this.file, visit, this.context);
    const statements = this.withInsertions(visited.statements, this.file);
    const isImport = (s: TS.Statement): boolean => ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s);
    const imports = statements.filter(isImport);
    const rest = statements.filter((s) => !isImport(s));
    const importAll = (name: string, from: string): TS.ImportDeclaration =>
      f.createImportDeclaration(undefined, f.createImportClause(undefined, undefined, f.createNamespaceImport(f.createIdentifier(name))), f.createStringLiteral(from));
    const runtime = [
      ...(this.usesRuntime ? [importAll(runtimeNamespace, 'tsgrad')] : []),
      ...(this.usesJit ? [importAll(jitNamespace, 'tsgrad/jit')] : []),
    ];
    return f.updateSourceFile(visited, [...imports, ...runtime, ...this.top, ...rest]);
  }

  /** The statements, with generated functions after the declarations they differentiate. */
  private withInsertions(visited: TS.NodeArray<TS.Statement>, original: TS.Block | TS.SourceFile): TS.Statement[] {
    const out: TS.Statement[] = [];
    visited.forEach((s, i) => {
      out.push(s);
      const inserted = this.after.get(original.statements[i]);
      if (inserted) out.push(...inserted);
    });
    return out;
  }
}

/**
 * The elements of jvp's `[x, n]` argument, checked against the function's parameter count, or
 * `...expr` for any other array expression.
 */
function spreadArgs(e: TS.Expression, count: number, required: number, what: string, pad: (e: TS.Expression) => TS.Expression): TS.Expression[] {
  let inner = e;
  while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
  if (!ts.isArrayLiteralExpression(inner)) return [ts.factory.createSpreadElement(pad(e))];
  const given = inner.elements.length;
  if (!inner.elements.some(ts.isSpreadElement) && given >= required && given < count) {
    const fill = what === 'tangent' ? ts.factory.createNumericLiteral(0) : ts.factory.createIdentifier('undefined');
    return [...inner.elements, ...Array.from({ length: count - given }, () => fill)];
  }
  if (inner.elements.some(ts.isSpreadElement) || inner.elements.length !== count) {
    throw new Unsupported(e, `jvp needs one ${what} per parameter of the function (${count}), and this list has ${inner.elements.length}`,
      `write one ${what} per parameter, in order; non-differentiable parameters take any ${what} (e.g. 0)`, Code.BadCall);
  }
  return [...inner.elements];
}

function identifiersIn(file: TS.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (n: TS.Node): void => {
    if (ts.isIdentifier(n)) names.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(file);
  return names;
}

/** The generated function's parameter defaults: the differentiated function's, by parameter name. */
function paramDefaults(ir: IRFunction): ReadonlyMap<string, number | boolean | string> | undefined {
  return ir.defaults && new Map([...ir.defaults].map(([v, value]) => [v.name, value]));
}
