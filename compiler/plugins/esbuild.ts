/** `import tsgrad from 'tsgrad/esbuild'`: tsgrad's transform as a esbuild plugin (unplugin.ts). */
import { tsgradPlugin } from './unplugin.js';

export = tsgradPlugin.esbuild;
