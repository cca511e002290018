/** `import tsgrad from 'tsgrad/vite'`: tsgrad's transform as a vite plugin (unplugin.ts). */
import { tsgradPlugin } from './unplugin.js';

export = tsgradPlugin.vite;
