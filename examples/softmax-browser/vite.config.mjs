// Vite builds the page with tsgrad's plugin, which compiles the jitAsync(valueAndGrad(...)) call in
// training.ts (serve.mjs runs this build; `npx vite build examples/softmax-browser` does too).
import tsgrad from 'tsgrad/vite';

export default {
  plugins: [tsgrad()],
  build: {
    // minified as any production build: tsgrad emits the jit kernels as source strings, which gpu.js
    // translates to GLSL or WGSL and the minifier leaves alone (test/minified.test.ts)
    target: 'es2022',
    // gpu.js makes one large chunk; rolldown's plugin timings would report tsgrad's (type-checking) plugin
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  logLevel: 'warn',
};
