/**
 * Which methods and getters of the program's classes some subclass in the program overrides. A
 * call `obj.m()` is inlined (lower/calls.ts) only where none does: then the method that runs is
 * the one the type checker resolves, whatever subclass of the declared class `obj` is.
 *
 *   class Shape { area() { … } }   class Square extends Shape { area() { … } }
 *   overridden(Shape.area) = true: shape.area() runs Square's area for a Square
 */
import type * as TS from 'typescript';
import { ts } from '../tsapi.js';

export type Overridden = (member: TS.MethodDeclaration | TS.GetAccessorDeclaration) => boolean;

export function findOverrides(program: TS.Program, checker: TS.TypeChecker): Overridden {
  // direct subclasses of each class declared in the program
  const subclasses = new Map<TS.ClassLikeDeclaration, TS.ClassLikeDeclaration[]>();
  const visit = (node: TS.Node): void => {
    if (ts.isClassLike(node)) {
      const base = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
      const parent = base && baseClass(base.expression, checker);
      if (parent) subclasses.set(parent, [...(subclasses.get(parent) ?? []), node]);
    }
    ts.forEachChild(node, visit);
  };
  for (const file of program.getSourceFiles()) if (!file.isDeclarationFile) visit(file);
  const declares = (c: TS.ClassLikeDeclaration, name: string): boolean => c.members.some((m) => m.name?.getText() === name);
  const overriddenBelow = (c: TS.ClassLikeDeclaration, name: string): boolean =>
    (subclasses.get(c) ?? []).some((s) => declares(s, name) || overriddenBelow(s, name));
  return (member) => !ts.isClassLike(member.parent) || overriddenBelow(member.parent, member.name.getText());
}

function baseClass(e: TS.Expression, checker: TS.TypeChecker): TS.ClassLikeDeclaration | undefined {
  let symbol = checker.getSymbolAtLocation(e);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol?.declarations?.find(ts.isClassLike);
}
