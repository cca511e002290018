/**
 * `navigator.gpu` in Node from the `webgpu` package (Dawn, a dev dependency), for the Node webgpu
 * tests and the jit benchmark. Dawn runs on whatever Vulkan driver the process finds
 * (VK_ICD_FILENAMES names one); gpu.js only checks that navigator.gpu exists, so it is set only
 * where Dawn finds an adapter.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** SwiftShader's Vulkan driver, which Debian's chromium ships (or TSGRAD_VK_ICD). */
export const swiftShaderIcd = process.env.TSGRAD_VK_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * The environment a process needs for Dawn to run on the Vulkan driver `icd`; it must be set before
 * Dawn loads, so it is given to a child process (or the process re-spawns itself with it).
 */
export function swiftShaderEnv(icd = swiftShaderIcd): NodeJS.ProcessEnv {
  return {
    ...process.env,
    VK_ICD_FILENAMES: icd,
    // the Vulkan loader chromium ships beside the driver, where the system has none (libvulkan1)
    LD_LIBRARY_PATH: [path.dirname(icd), process.env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter),
    NODEVICE_SELECT: '1',
  };
}

/** Whether `swiftShaderEnv` has something to point at: the driver file exists. */
export const haveSwiftShader = (icd = swiftShaderIcd): boolean => fs.existsSync(icd);

interface Dawn {
  create(options: string[]): { requestAdapter(): Promise<{ info?: Record<string, string> } | null> };
  globals: object;
}

/** Sets navigator.gpu and returns the adapter's description, or returns why it could not. */
export async function installDawn(): Promise<{ adapter: string } | { missing: string }> {
  let dawn: Dawn;
  try {
    // a string, not a literal: TypeScript need not load the package's WebGPU typings
    dawn = (await import('webgpu' as string)) as Dawn;
  } catch (err) {
    return { missing: `the webgpu package could not be loaded (${(err as Error).message.split('\n')[0]})` };
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { missing: 'Dawn found no WebGPU adapter (no Vulkan driver: see VK_ICD_FILENAMES)' };
  if (typeof globalThis.navigator === 'undefined') Object.assign(globalThis, { navigator: { gpu } });
  else Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });
  const info = adapter.info ?? {};
  return { adapter: [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') || 'an adapter' };
}

/** Runs `main` as a child process's whole work: prints its result as one line of JSON (or the error), then exits. */
export function printJsonResult(main: () => Promise<unknown>): void {
  main().then(
    (r) => {
      console.log(JSON.stringify(r));
      process.exit(0);
    },
    (err) => {
      console.log(JSON.stringify({ error: String(err?.stack ?? err) }));
      process.exit(1);
    },
  );
}
