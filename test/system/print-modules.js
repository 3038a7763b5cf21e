// Loaded with --require into a built app by gateway-footprint.e2e-spec.ts: on SIGUSR2 it prints
// every module in require.cache, one line each, so the test can read what the process loaded.
process.on('SIGUSR2', () => {
  const lines = Object.keys(require.cache).map((path) => `module ${path}`);
  process.stdout.write(`${lines.join('\n')}\nmodules-end\n`);
});
