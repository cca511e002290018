/**
 * `node --import tsgrad/register app.ts`: runs TypeScript files with tsgrad's transform applied,
 * through Node's module customization hooks (Node ≥ 20.6; hooks.ts does the work, in the hooks
 * thread).
 */
import { register } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

register(pathToFileURL(path.join(__dirname, 'hooks.js')).href);
