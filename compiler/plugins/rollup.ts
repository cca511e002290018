/** `import tsgrad from 'tsgrad/rollup'`: tsgrad's transform as a rollup plugin (unplugin.ts). */
import { tsgradPlugin } from './unplugin.js';

export = tsgradPlugin.rollup;
