// A function without a body in the program, as a library's typings declare it. The tests provide
// its implementation at run time (globalThis.erfSeries), as the library would.
declare function erfSeries(x: number): number;
