// Test videos for apps/stream, made with ffmpeg from the dev photos (used by the stream tests and
// pnpm bench:stream): each photo is held `seconds` with a slow pan (the whole photo slides across
// a grey frame, so the plate's direction of travel is known) or a slow zoom towards its centre.
// CommonJS so that both the Jest tests (TypeScript) and the .mjs bench scripts can require it.
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

/** Motion of each clip in turn, and the plate's direction (degrees: 0 right, 90 up) for pans. */
const MOTIONS = [
  { kind: 'pan', dx: 1, dy: 0, direction: 0 },
  { kind: 'zoom', direction: null },
  { kind: 'pan', dx: -1, dy: 0, direction: 180 },
  { kind: 'pan', dx: 0, dy: 1, direction: 270 },
  { kind: 'pan', dx: 0, dy: -1, direction: 90 },
  { kind: 'zoom', direction: null },
];

/** The dev photos' labels: [{ image, plate, set }]. */
function devPhotos(devDir) {
  return readFileSync(join(devDir, 'dataset.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/**
 * Writes `<outDir>/clip.mp4` (H.264, `fps` frames/s, width × height) from `photos` (rows of
 * dataset.jsonl) and returns its manifest: one entry per photo with its start and end (s), plate,
 * motion and expected direction.
 */
function makeClip({
  devDir,
  photos,
  outDir,
  width = 1280,
  height = 720,
  fps = 25,
  seconds = 2,
  travel = 0.15,
}) {
  mkdirSync(outDir, { recursive: true });
  const list = [];
  const manifest = [];
  photos.forEach((row, i) => {
    const m = MOTIONS[i % MOTIONS.length];
    const seg = join(outDir, `seg-${i}.ts`);
    const frames = Math.round(fps * seconds);
    let filter;
    if (m.kind === 'pan') {
      // The photo, fitted into the frame less the travel, slides `travel` of the frame's size.
      const tx = Math.round(width * travel);
      const ty = Math.round(height * travel);
      const fw = width - (m.dx ? tx : 0);
      const fh = height - (m.dy ? ty : 0);
      const x = m.dx ? `${m.dx > 0 ? 0 : tx}+${m.dx}*${tx}*t/${seconds}` : '(W-w)/2';
      const y = m.dy ? `${m.dy > 0 ? 0 : ty}+${m.dy}*${ty}*t/${seconds}` : '(H-h)/2';
      filter =
        `color=c=gray:s=${width}x${height}:r=${fps}:d=${seconds}[bg];` +
        `[0:v]scale=${fw}:${fh}:force_original_aspect_ratio=decrease,setsar=1[ph];` +
        `[bg][ph]overlay=x='${x}':y='${y}':shortest=1,format=yuv420p[v]`;
    } else {
      filter =
        `[0:v]scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
        `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=gray,setsar=1,` +
        `zoompan=z='1+0.12*on/${frames}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=${frames}:s=${width}x${height}:fps=${fps},format=yuv420p[v]`;
    }
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      ...(m.kind === 'pan' ? ['-loop', '1', '-t', String(seconds)] : []),
      '-i',
      join(devDir, row.image),
      '-filter_complex',
      filter,
      '-map',
      '[v]',
      '-frames:v',
      String(frames),
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-g',
      String(fps),
      '-bf',
      '0',
      '-r',
      String(fps),
      seg,
    ]);
    list.push(`file '${seg}'`);
    manifest.push({
      start: i * seconds,
      end: (i + 1) * seconds,
      image: row.image,
      plate: row.plate,
      set: row.set,
      motion: m.kind,
      direction: m.direction,
    });
  });
  const listFile = join(outDir, 'segments.txt');
  writeFileSync(listFile, `${list.join('\n')}\n`);
  const clip = join(outDir, 'clip.mp4');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    listFile,
    '-c',
    'copy',
    clip,
  ]);
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  return { clip, manifest };
}

/**
 * Writes an H.264 clip (`out`) whose every frame carries its number: a strip across the top
 * half of the width holds 16 blocks, bit 0 on the left, white for a set bit, black otherwise,
 * over a moving test pattern, so a frame delivered from anywhere (over RTSP, scaled down) tells
 * which frame of the clip it is (frameNumber). A key frame every `gop` frames exactly, as a
 * camera sends them, and no B-frames.
 */
function counterClip({
  out,
  width = 1280,
  height = 720,
  fps = 25,
  seconds = 10,
  gop = fps,
  bitrate,
}) {
  const block = width / 32;
  const bits =
    `color=c=black:s=${width / 2}x${height / 18}:r=${fps},` +
    `geq=lum='if(mod(floor(N/pow(2,floor(X/${block}))),2),235,16)':cb=128:cr=128`;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${width}x${height}:r=${fps}:d=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    bits,
    '-filter_complex',
    '[0:v][1:v]overlay=0:0:shortest=1,format=yuv420p[v]',
    '-map',
    '[v]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-g',
    String(gop),
    '-keyint_min',
    String(gop),
    '-sc_threshold',
    '0',
    '-bf',
    '0',
    ...(bitrate ? ['-b:v', bitrate, '-maxrate', bitrate, '-bufsize', bitrate] : []),
    '-r',
    String(fps),
    out,
  ]);
  return out;
}

/** The frame number a counterClip frame carries (packed RGB, any size with the clip's aspect). */
function frameNumber(rgb, width, height) {
  let n = 0;
  const y = Math.floor(height / 36);
  for (let bit = 0; bit < 16; bit++) {
    const x = Math.floor(((bit + 0.5) * width) / 32);
    // green: 235 or 16 in the clip, whatever the scaling and compression did to the edges
    if (rgb[(y * width + x) * 3 + 1] > 128) n |= 1 << bit;
  }
  return n;
}

/**
 * Scores a run's events against a clip's manifest: a photo is read when one event in its time
 * span (by the best frame's time) has its plate; duplicates are photos with more than one event
 * of their plate; directions are checked on the panned photos (within ±45°).
 */
function scoreEvents(events, manifest, startedAt) {
  const norm = (s) =>
    String(s)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '');
  let read = 0;
  let duplicated = 0;
  let panned = 0;
  let directionOk = 0;
  const misses = [];
  for (const m of manifest) {
    const mine = events.filter((e) => {
      const t = (Date.parse(e.timestamp) - startedAt) / 1000;
      return t >= m.start - 0.01 && t < m.end + 0.01 && norm(e.results[0].plate) === norm(m.plate);
    });
    if (mine.length) read++;
    else misses.push(m.plate);
    if (mine.length > 1) duplicated++;
    if (m.direction !== null && mine.length) {
      panned++;
      const d = mine[0].direction;
      if (d !== null && Math.min(Math.abs(d - m.direction), 360 - Math.abs(d - m.direction)) <= 45)
        directionOk++;
    }
  }
  return {
    photos: manifest.length,
    read,
    duplicated,
    panned,
    directionOk,
    misses,
    events: events.length,
  };
}

module.exports = { devPhotos, makeClip, counterClip, frameNumber, scoreEvents, MOTIONS };
