/** Loads the Seattle weather CSV (data/seattle-weather.csv) as a softmax-regression problem, in Node. */
import * as fs from 'node:fs';
import { type Dataset, parseWeather } from './weather.js';

export { CLASSES, type Dataset, FEATURES, type Split } from './weather.js';

/** The problem from the CSV at `file`; see parseWeather for the split. */
export function loadWeather(file: string, trainFraction = 0.8): Dataset {
  return parseWeather(fs.readFileSync(file, 'utf8'), trainFraction, file);
}
