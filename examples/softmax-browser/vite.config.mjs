// Vite builds the page with tsgrad's plugin, which compiles the jitAsync(valueAndGrad(...)) call in
// training.ts (serve.mjs runs this build; `npx vite build examples/softmax-browser` does too).
import tsgrad from 'tsgrad/vite';

export default {
  plugins: [tsgrad()],
  build: {
    target: 'es2022',
    // not minified: gpu.js reads each kernel's source (Function.prototype.toString) and translates it
    // to GLSL or WGSL, and its parser rejects what a minifier writes (comma expressions, `a*b` on
    // renamed arrays): "WebGPU backend does not yet support the comma operator"
    minify: false,
    // gpu.js makes one large chunk; rolldown's plugin timings would report tsgrad's (type-checking) plugin
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  logLevel: 'warn',
};
