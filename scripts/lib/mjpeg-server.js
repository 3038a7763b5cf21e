// A camera's MJPEG over HTTP for the stream tests and bench:stream-mjpeg: multipart/x-mixed-replace,
// one JPEG part every 1/fps s, looping over the given JPEGs. MJPEG carries no timestamps, so the
// rate at which the parts come is all a reader has to time the frames by.
// CommonJS so that both the Jest tests (TypeScript) and the .mjs bench scripts can require it.
const { execFileSync } = require('node:child_process');
const { mkdirSync, readdirSync, readFileSync } = require('node:fs');
const { createServer } = require('node:http');
const { join } = require('node:path');

/** The frames of a video as JPEGs (in order), written to `dir`. */
function jpegFrames(video, dir) {
  mkdirSync(dir, { recursive: true });
  execFileSync('ffmpeg', ['-loglevel', 'error', '-i', video, '-q:v', '4', join(dir, '%05d.jpg')]);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => readFileSync(join(dir, f)));
}

/**
 * Serves `jpegs` as MJPEG at `fps` parts per second to every client, from the first JPEG (each
 * client's part n is sent n/fps s after it connected, on the clock, not after the previous one:
 * a loaded machine does not slow the camera down). Resolves with the server and its URL.
 */
async function mjpegServer({ jpegs, fps }) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=frame' });
    const start = Date.now();
    let sent = 0;
    const timer = setInterval(() => {
      const due = Math.floor(((Date.now() - start) * fps) / 1000) + 1;
      for (; sent < due; sent++) {
        const jpeg = jpegs[sent % jpegs.length];
        res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
        res.write(jpeg);
        res.write('\r\n');
      }
    }, 5);
    req.on('close', () => clearInterval(timer));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${server.address().port}/mjpeg` };
}

module.exports = { jpegFrames, mjpegServer };
