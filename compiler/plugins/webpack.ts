/** `import tsgrad from 'tsgrad/webpack'`: tsgrad's transform as a webpack plugin (unplugin.ts). */
import { tsgradPlugin } from './unplugin.js';

export = tsgradPlugin.webpack;
