/**
 * examples/shared/plot.ts, the SVG line plots of the demos: the SVG is well-formed XML (checked by
 * a small parser here: no dependency), text is escaped, and the paths' coordinates map the data
 * onto the plotting area (`<rect class="frame">`): first and last points, a middle one, on linear
 * and log axes, with the ranges given and taken from the data.
 */
import { expect } from 'chai';
import { formatTick, linePlot, logTicks, niceTicks } from '../examples/shared/plot.js';

interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

/** Parses `xml` strictly enough for SVG written by a program: throws on anything not well-formed. */
function parseXml(xml: string): XmlElement {
  const entity = /&(amp|lt|gt|quot|#39);/g;
  const checkText = (text: string, where: string): string => {
    if (/[<>]/.test(text) || /&/.test(text.replace(entity, ''))) throw new Error(`unescaped character in ${where}: ${JSON.stringify(text)}`);
    return text.replace(entity, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let at = 0;
  while (at < xml.length) {
    const open = xml.indexOf('<', at);
    const text = xml.slice(at, open < 0 ? xml.length : open);
    if (text.trim() !== '') {
      if (stack.length === 0) throw new Error(`text outside the root element: ${JSON.stringify(text)}`);
      stack[stack.length - 1].text += checkText(text, `<${stack[stack.length - 1].name}>`);
    }
    if (open < 0) break;
    const close = xml.indexOf('>', open);
    if (close < 0) throw new Error('unterminated tag');
    const tag = xml.slice(open + 1, close);
    at = close + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const top = stack.pop();
      if (!top || top.name !== name) throw new Error(`</${name}> closes <${top?.name}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const m = /^([A-Za-z][\w:-]*)((?:\s+[A-Za-z][\w:-]*="[^"]*")*)\s*\/?$/.exec(tag);
    if (!m) throw new Error(`malformed tag <${tag}>`);
    const attributes: Record<string, string> = {};
    for (const [, key, value] of m[2].matchAll(/([A-Za-z][\w:-]*)="([^"]*)"/g)) {
      if (key in attributes) throw new Error(`attribute ${key} twice in <${m[1]}>`);
      attributes[key] = checkText(value, `attribute ${key} of <${m[1]}>`);
    }
    const element: XmlElement = { name: m[1], attributes, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    else if (root) throw new Error('a second root element');
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1].name}> is not closed`);
  if (!root) throw new Error('no root element');
  return root;
}

const all = (e: XmlElement): XmlElement[] => [e, ...e.children.flatMap(all)];
const find = (root: XmlElement, test: (e: XmlElement) => boolean): XmlElement[] => all(root).filter(test);

/** The plotting area, and each series' path points (split at M) by series name. */
function read(svg: string): { frame: { x: number; y: number; w: number; h: number }; paths: Map<string, [number, number][][]>; root: XmlElement } {
  const root = parseXml(svg);
  const [rect] = find(root, (e) => e.name === 'rect' && e.attributes.class === 'frame');
  const frame = { x: Number(rect.attributes.x), y: Number(rect.attributes.y), w: Number(rect.attributes.width), h: Number(rect.attributes.height) };
  const paths = new Map<string, [number, number][][]>();
  for (const g of find(root, (e) => e.name === 'g' && e.attributes.class === 'series')) {
    const d = g.children.find((c) => c.name === 'path')?.attributes.d ?? '';
    const pieces = d.split('M').filter((p) => p.trim() !== '').map((p) =>
      p.split('L').map((pt) => pt.trim().split(',').map(Number) as [number, number]));
    paths.set(g.attributes['data-name'], pieces);
  }
  return { frame, paths, root };
}

describe('examples/shared/plot.ts: SVG line plots', () => {
  it('writes well-formed SVG with axes, ticks, a legend and one path per series; names are escaped', () => {
    const svg = linePlot({
      title: 'Loss <train> & "test"', xLabel: 'epoch', yLabel: 'loss',
      series: [{ name: 'train & more', y: [3, 2, 1.5, 1.2] }, { name: "it's <test>", y: [3.1, 2.2, 1.8, 1.6], dashed: true }],
    });
    const { root, paths } = read(svg);
    expect(root.name).to.equal('svg');
    expect(root.attributes.xmlns).to.equal('http://www.w3.org/2000/svg');
    expect([...paths.keys()]).to.deep.equal(['train & more', "it's <test>"]);
    expect(find(root, (e) => e.attributes.class === 'title')[0].text).to.equal('Loss <train> & "test"');
    const legendNames = find(root, (e) => e.attributes.class === 'legend').flatMap((g) => g.children.filter((c) => c.name === 'text').map((c) => c.text));
    expect(legendNames).to.deep.equal(['train & more', "it's <test>"]);
    const tickLabels = find(root, (e) => e.attributes.class === 'axes')[0].children.filter((c) => c.name === 'text').map((c) => c.text);
    expect(tickLabels).to.include.members(['0', '1', '2', '3']); // x: epochs 0…3
    expect(() => parseXml('<svg><g></svg>')).to.throw(/closes/); // the checker does check
    expect(() => parseXml('<svg><text>a & b</text></svg>')).to.throw(/unescaped/);
  });

  it('maps data onto the frame: given ranges put the first and last points at its corners', () => {
    const { frame, paths } = read(linePlot({ xRange: [0, 2], yRange: [0, 10], series: [{ name: 'up', x: [0, 1, 2], y: [0, 5, 10] }] }));
    const [[first, middle, last]] = paths.get('up')!;
    expect(first).to.deep.equal([frame.x, frame.y + frame.h]);
    expect(middle).to.deep.equal([frame.x + frame.w / 2, frame.y + frame.h / 2]);
    expect(last).to.deep.equal([frame.x + frame.w, frame.y]);
  });

  it('ranges from the data: x from first to last, y with 5% margins', () => {
    const y = [4, 1, 2, 0.5, 3];
    const { frame, paths } = read(linePlot({ width: 500, height: 300, series: [{ name: 'loss', y }] }));
    const [points] = paths.get('loss')!;
    expect(points).to.have.length(y.length);
    const span = 4 - 0.5;
    const yPixel = (v: number) => frame.y + frame.h - ((v - (0.5 - 0.05 * span)) / (1.1 * span)) * frame.h;
    expect(points[0][0]).to.equal(frame.x);
    expect(points[0][1]).to.be.closeTo(yPixel(4), 0.01);
    expect(points[4][0]).to.equal(frame.x + frame.w);
    expect(points[4][1]).to.be.closeTo(yPixel(3), 0.01);
    expect(points[3][1]).to.be.closeTo(yPixel(0.5), 0.01);
  });

  it('a log y axis spaces decades evenly and leaves out values ≤ 0; missing values split the path', () => {
    const { frame, paths } = read(linePlot({ logY: true, yRange: [1, 100], series: [{ name: 'cost', x: [0, 1, 2, 3, 4], y: [100, 10, 0, NaN, 1] }] }));
    const pieces = paths.get('cost')!;
    expect(pieces).to.have.length(2);
    expect(pieces[0]).to.deep.equal([[frame.x, frame.y], [frame.x + frame.w / 4, frame.y + frame.h / 2]]);
    expect(pieces[1]).to.deep.equal([[frame.x + frame.w, frame.y + frame.h]]);
  });

  it('points series draw circles; the legend takes the corner the curves leave empty', () => {
    // a curve from bottom left to top right (the default corner): top left and bottom right are empty
    const { root, frame } = read(linePlot({ xRange: [0, 10], yRange: [0, 10], series: [{ name: 'rising', x: [0, 10], y: [0, 10] }, { name: 'obs', x: [2, 8], y: [2, 8], points: true }] }));
    expect(find(root, (e) => e.name === 'circle' && e.attributes.cx !== '18')).to.have.length(2);
    const [legend] = find(root, (e) => e.attributes.class === 'legend');
    expect(legend.attributes.transform).to.equal(`translate(${frame.x + 8} ${frame.y + 8})`); // top left
  });

  it('ticks: 1, 2, 5 × 10^k steps without float noise; log ticks; short labels', () => {
    expect(niceTicks(0, 1)).to.deep.equal([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.05, 0.35)).to.deep.equal([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(niceTicks(-7.3, 9.1)).to.deep.equal([-5, 0, 5]);
    expect(niceTicks(0, 1000)).to.deep.equal([0, 200, 400, 600, 800, 1000]);
    expect(logTicks(86, 1656)).to.deep.equal([100, 200, 500, 1000]);
    expect(logTicks(0.001, 1000)).to.deep.equal([0.001, 0.01, 0.1, 1, 10, 100, 1000]);
    expect([0, 0.30000000000000004, 1234.5, 2e7, 3e-6].map(formatTick)).to.deep.equal(['0', '0.3', '1234.5', '2e7', '3e-6']);
  });
});
