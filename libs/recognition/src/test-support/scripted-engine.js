/**
 * A stand-in engine for the job thread's tests (JobThreadOptions.engineModule): the image's bytes
 * say what a read does, since a real engine cannot be made to hang or crash. `hang:<ms>`: after
 * that long, a loop that never yields; `crash`: the thread exits; `slow:<ms>`: answers after that
 * long; `until:<epoch ms>`: answers at that time; anything else at once. Plain JavaScript: the thread runs the built library, which loads it with require.
 */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

exports.createEngine = async () => ({
  loadTimeMs: 1,
  async read(image, options) {
    const [script, ms] = image.toString().split(':');
    if (script === 'hang') {
      await sleep(Number(ms));
      for (;;);
    }
    if (script === 'crash') process.exit(7);
    if (script === 'slow') await sleep(Number(ms));
    if (script === 'until') await sleep(Number(ms) - Date.now());
    options.onPhase?.('decode', 0.5);
    return { processing_time: 1, results: [] };
  },
});
