/**
 * jit on webgpu in Node: the browser suite's cases with `navigator.gpu` from the `webgpu` package
 * (Dawn) on SwiftShader's Vulkan driver, which Debian's chromium ships
 * (/usr/lib/chromium/vk_swiftshader_icd.json, or TSGRAD_VK_ICD). Run in a child process, whose
 * environment names the driver before Dawn loads. Skipped, saying why, where there is no such
 * driver, unless TSGRAD_REQUIRE_BROWSER is set (.ci/run): then it fails.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CaseResult } from './browser/suite.js';
import { chromiumHint } from './browser/chromium.js';
import { swiftShaderEnv, swiftShaderIcd } from './webgpu/dawn.js';

const icd = swiftShaderIcd;

describe('jit on webgpu in Node (Dawn from the webgpu package, SwiftShader)', function () {
  this.timeout(300000);

  it('every jit case matches the float64 path', function () {
    if (!fs.existsSync(icd)) {
      if (process.env.TSGRAD_REQUIRE_BROWSER) throw new Error(`no Vulkan driver at ${icd} (${chromiumHint}; or set TSGRAD_VK_ICD)`);
      console.log(`      skipped: no Vulkan driver at ${icd} (${chromiumHint}; or set TSGRAD_VK_ICD)`);
      this.skip();
    }
    const env = swiftShaderEnv(icd);
    const run = spawnSync(process.execPath, [path.join(__dirname, 'webgpu', 'node-suite.js')], { env, encoding: 'utf8' });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    expect(run.status, run.stdout + run.stderr).to.equal(0);
    const out = JSON.parse(line) as { skipped?: string; error?: string; caseCount: number; results: CaseResult[] };
    expect(out.error, out.error).to.equal(undefined);
    expect(out.skipped, out.skipped).to.equal(undefined);
    expect(out.results.length).to.equal(out.caseCount);
    const wrong = out.results.filter((r) => r.threw || r.backend !== 'webgpu' || r.fallbacks.length > 0 || !(r.error <= r.tolerance));
    expect(wrong.length, wrong.map((r) => `${r.name}: ${r.threw ?? `error ${r.error} (tolerance ${r.tolerance}), ran on ${r.backend}, fallbacks ${r.fallbacks.join('; ')}`}`).join('\n')).to.equal(0);
  });
});
