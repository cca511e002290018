/**
 * The Seattle weather CSV as a softmax-regression problem: parsing, the chronological split and
 * standardization. No Node imports, so the browser demo (examples/softmax-browser) uses it too;
 * data.ts reads the file in Node.
 */

export const CLASSES = ['drizzle', 'rain', 'sun', 'snow', 'fog'] as const;
export const FEATURES = ['precipitation', 'temp_max', 'temp_min', 'wind'] as const;

export interface Split {
  /** n×d row-major; column 0 is the constant 1 (bias), then the standardized features. */
  readonly X: Float64Array;
  readonly y: Int32Array;
  readonly n: number;
}

export interface Dataset {
  readonly train: Split;
  readonly test: Split;
  readonly d: number;
  readonly c: number;
}

/**
 * Chronological split: the first `trainFraction` of the days train, the rest test, so the test
 * set is "the future" rather than days interleaved with training days. `file` names the data in
 * error messages.
 */
export function parseWeather(csv: string, trainFraction = 0.8, file = 'seattle-weather.csv'): Dataset {
  const lines = csv.trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const featureCols = FEATURES.map((name) => header.indexOf(name));
  const labelCol = header.indexOf('weather');
  if (featureCols.includes(-1) || labelCol < 0) throw new Error(`${file}: unexpected header ${lines[0]}`);

  const rows: number[][] = [];
  const labels: number[] = [];
  for (const line of lines.slice(1)) {
    const fields = line.split(',');
    const label = CLASSES.indexOf(fields[labelCol] as (typeof CLASSES)[number]);
    if (label < 0) throw new Error(`${file}: unknown label in ${line}`);
    rows.push(featureCols.map((col) => Number(fields[col])));
    labels.push(label);
  }

  const nTrain = Math.floor(rows.length * trainFraction);
  const p = FEATURES.length;
  // standardize with training statistics only, so nothing about the test days leaks in
  const mean = new Array<number>(p).fill(0);
  const std = new Array<number>(p).fill(0);
  for (let i = 0; i < nTrain; i++) for (let j = 0; j < p; j++) mean[j] += rows[i][j] / nTrain;
  for (let i = 0; i < nTrain; i++) for (let j = 0; j < p; j++) std[j] += (rows[i][j] - mean[j]) ** 2 / nTrain;
  for (let j = 0; j < p; j++) std[j] = Math.sqrt(std[j]) || 1;

  const split = (start: number, end: number): Split => {
    const n = end - start;
    const d = p + 1;
    const X = new Float64Array(n * d);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      X[i * d] = 1;
      for (let j = 0; j < p; j++) X[i * d + 1 + j] = (rows[start + i][j] - mean[j]) / std[j];
      y[i] = labels[start + i];
    }
    return { X, y, n };
  };
  return { train: split(0, nTrain), test: split(nTrain, rows.length), d: p + 1, c: CLASSES.length };
}
