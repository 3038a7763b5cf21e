import { parseConfig, StreamConfigError } from './config';
import { angleBetween, directionDegrees, inPolygon } from './geometry';
import {
  backoffMs,
  ffmpegArgs,
  framePts,
  isLiveUrl,
  outputSize,
  untimedFormatWarning,
} from './source';
import { editDistance, sameText } from './text';

describe('stream config', () => {
  it('fills defaults and tells live sources from files', () => {
    const c = parseConfig({
      cameras: [
        { id: 'gate-1', url: 'rtsp://10.0.0.5/stream', regions: ['US-CA'] },
        { id: 'recorded', url: 'file:///videos/b.mp4' },
        {
          id: 'file',
          url: '/videos/a.mp4',
          fps: 2,
          zones: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
            ],
          ],
          min_plate_width: 40,
        },
      ],
    });
    expect(c.cameras[0]).toMatchObject({
      fps: 4,
      regions: ['us-ca'],
      live: true,
      rtspTransport: 'tcp',
      format: null,
    });
    expect(c.cameras[2]).toMatchObject({
      fps: 2,
      live: false,
      minPlateWidth: 40,
      decodeThreads: 1,
    });
    // A file:// URL is a file too, not a camera replayed each time it ends.
    expect(c.cameras[1].live).toBe(false);
    expect(c.maxSide).toBe(1280);
    expect(c.tracker.minReads).toBe(2);
    expect(c.gateway).toBeNull();
  });

  it('lists every problem in one error', () => {
    const bad = () =>
      parseConfig({
        cameras: [
          { id: 'a b', url: '' },
          {
            id: 'x',
            url: 'rtsp://h/s',
            fps: 0,
            zones: [
              [
                [0, 0],
                [2, 0],
              ],
            ],
            rtsp_transport: 'quic',
            format: '-y',
            decode_threads: 0,
            colour: 1,
          },
          { id: 'x', url: 'rtsp://h/t' },
        ],
        gateway: { url: 'ftp://x' },
        tracking: { gap_seconds: -1 },
        extra: true,
      });
    expect(bad).toThrow(StreamConfigError);
    const message = (() => {
      try {
        bad();
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    for (const part of [
      'cameras[0].id',
      'cameras[0].url',
      'cameras[1].fps',
      'cameras[1].zones[0]',
      'cameras[1].rtsp_transport',
      'cameras[1].format',
      'cameras[1].decode_threads',
      'cameras[1].colour: unknown setting',
      'cameras[2].id: "x" is used twice',
      'gateway.url',
      'tracking.gap_seconds',
      'extra: unknown setting',
    ]) {
      expect(message).toContain(part);
    }
    expect(() => parseConfig({ cameras: [] })).toThrow('a non-empty list');
    expect(() => parseConfig('cameras')).toThrow(StreamConfigError);
  });

  it("takes a raw stream's ffmpeg input format", () => {
    const c = parseConfig({
      cameras: [{ id: 'pi', url: 'tcp://10.0.0.7:3333', format: 'h264' }],
    });
    expect(c.cameras[0]).toMatchObject({ format: 'h264', live: true });
    // a stream format only: not one that reads local files or makes video of its own
    for (const format of ['lavfi', 'concat', 'image2', 'mp3'])
      expect(() =>
        parseConfig({ cameras: [{ id: 'pi', url: 'tcp://10.0.0.7:3333', format }] }),
      ).toThrow('cameras[0].format: one of mjpeg');
  });

  it('takes the API key from the environment', () => {
    const c = parseConfig(
      { cameras: [{ id: 'a', url: 'x.mp4' }], gateway: { url: 'http://gw:3000/' } },
      { PLATEWISE_API_KEY: 'k' },
    );
    expect(c.gateway).toEqual({ url: 'http://gw:3000', apiKey: 'k' });
  });
});

describe('stream helpers', () => {
  it('directions: 0 right, 90 up, 180 left, 270 down', () => {
    expect(directionDegrees(10, 0)).toBe(0);
    expect(directionDegrees(0, -10)).toBe(90);
    expect(directionDegrees(-10, 0)).toBe(180);
    expect(directionDegrees(0, 10)).toBe(270);
    expect(angleBetween(350, 10)).toBe(20);
  });

  it('zones', () => {
    const square: [number, number][] = [
      [0.2, 0.2],
      [0.8, 0.2],
      [0.8, 0.8],
      [0.2, 0.8],
    ];
    expect(inPolygon([0.5, 0.5], square)).toBe(true);
    expect(inPolygon([0.9, 0.5], square)).toBe(false);
  });

  it('plate texts agree within a quarter of their characters', () => {
    expect(editDistance('ABC1234', 'AB01234')).toBe(1);
    expect(sameText('ABC1234', 'AB01234')).toBe(true);
    expect(sameText('ABC1234', 'XYZ9876')).toBe(false);
  });

  it('ffmpeg is asked for raw RGB at the fps, unchanged frames left out, RTSP over the chosen transport', () => {
    const args = ffmpegArgs({
      url: 'rtsp://cam/s',
      fps: 4,
      maxSide: 1280,
      live: true,
      rtspTransport: 'udp',
    });
    const line = args.join(' ');
    expect(line).toContain('-rtsp_transport udp');
    // an RTSP session is not probed past its first packet, and what probing read is decoded
    expect(line).toContain('-probesize 32 -threads 1 -skip_frame noref -i rtsp://cam/s');
    expect(args).not.toContain('-fflags');
    // at 4 frames/s a still scene delivers one frame in 8: every 2 s
    expect(line).toMatch(
      /fps=4,mpdecimate=max=7,metadata=add:.*,metadata=print:.*,scale=w='min\(1280,iw\)'/,
    );
    // one encoder thread: a frame-threaded encoder held each frame until the next one
    expect(args.slice(-9)).toEqual([
      '-fps_mode',
      'passthrough',
      '-threads',
      '1',
      '-pix_fmt',
      'rgb24',
      '-f',
      'rawvideo',
      'pipe:1',
    ]);
    // an HLS playlist is read at its own pace, from its newest segment; other sources as they come
    expect(args).not.toContain('-re');
    const hls = ffmpegArgs({
      url: 'https://cam/live/index.m3u8?t=1',
      fps: 4,
      maxSide: 1280,
      live: true,
    });
    expect(hls.join(' ')).toContain('-re -live_start_index -1 -threads 1');
    const mjpeg = ffmpegArgs({ url: 'https://cam/mjpeg', fps: 4, maxSide: 1280, live: true });
    expect(mjpeg).not.toContain('-re');
    // MJPEG has no timestamps: its frames are timed by when they come, before the input is named;
    // RTSP, HLS and files keep their own timestamps
    expect(mjpeg.join(' ')).toContain(
      '-use_wallclock_as_timestamps 1 -threads 1 -skip_frame noref -i https://cam/mjpeg',
    );
    expect(args).not.toContain('-use_wallclock_as_timestamps');
    expect(hls).not.toContain('-use_wallclock_as_timestamps');
    const file = ffmpegArgs({
      url: 'a.mp4',
      fps: 0.5,
      maxSide: 1280,
      live: false,
      decodeThreads: 4,
    });
    expect(file).not.toContain('-rtsp_transport');
    expect(file).not.toContain('-use_wallclock_as_timestamps');
    expect(
      ffmpegArgs({ url: 'http://host/a.mp4', fps: 4, maxSide: 1280, live: false }),
    ).not.toContain('-use_wallclock_as_timestamps');
    // A raw stream over tcp:// or udp:// named as such has no timestamps either; MPEG-TS (named or
    // probed, as an unnamed tcp:// or udp:// stream is) and RTMP keep theirs.
    const raw = (url: string, format?: string) =>
      ffmpegArgs({ url, fps: 4, maxSide: 1280, live: true, format }).join(' ');
    expect(raw('tcp://cam:3333', 'mjpeg')).toContain(
      '-use_wallclock_as_timestamps 1 -threads 1 -skip_frame noref -f mjpeg -i tcp://cam:3333',
    );
    expect(raw('udp://@239.0.0.1:5000', 'h264')).toContain(
      '-use_wallclock_as_timestamps 1 -threads 1 -skip_frame noref -f h264 -i udp://',
    );
    expect(raw('udp://@239.0.0.1:5000', 'mpegts')).toContain('-skip_frame noref -f mpegts -i udp');
    for (const timed of [
      raw('udp://@239.0.0.1:5000', 'mpegts'),
      raw('udp://@239.0.0.1:5000'),
      raw('tcp://cam:3333'),
      raw('rtmp://cam/live/s'),
    ]) {
      expect(timed).not.toContain('-use_wallclock_as_timestamps');
    }
    expect(raw('udp://@239.0.0.1:5000')).toContain('-skip_frame noref -i udp://');
    // A file's format named keeps its timeline: it is read faster than real time.
    expect(
      ffmpegArgs({ url: 'a.mjpeg', fps: 4, maxSide: 1280, live: false, format: 'mjpeg' }),
    ).not.toContain('-use_wallclock_as_timestamps');
    expect(file.join(' ')).toContain('-threads 4');
    // one frame every 2 s: each is delivered
    expect(file.join(' ')).not.toContain('mpdecimate');
    expect(
      framePts(
        'frame:0    pts:0       pts_time:0\nplatewise=1\nframe:1    pts:8       pts_time:2\nplatewise=1\n',
      ),
    ).toEqual([0, 8]);
  });

  it('warns of a tcp:// or udp:// stream found to carry no timestamps whose format is not named', () => {
    const found = (format: string, url: string) =>
      `Input #0, ${format}, from '${url}':\n  Stream #0:0: Video: mjpeg (Baseline), 320x180, 25 fps`;
    const options = (url: string, format?: string) => ({
      url,
      fps: 4,
      maxSide: 1280,
      live: true,
      format,
    });
    expect(
      untimedFormatWarning(options('tcp://cam:3333'), found('jpeg_pipe', 'tcp://cam:3333')),
    ).toMatch(/jpeg_pipe, which carries no timestamps.*set `format: mjpeg`/);
    expect(untimedFormatWarning(options('udp://@:5000'), found('h264', 'udp://@:5000'))).toMatch(
      /set `format: h264`/,
    );
    // MPEG-TS has timestamps; a named format is what was asked for; over RTSP ffmpeg has the SDP.
    expect(
      untimedFormatWarning(options('udp://@:5000'), found('mpegts', 'udp://@:5000')),
    ).toBeNull();
    expect(
      untimedFormatWarning(options('tcp://cam:3333', 'mjpeg'), found('mjpeg', 'tcp://cam:3333')),
    ).toBeNull();
    expect(untimedFormatWarning(options('rtsp://cam/s'), found('rtsp', 'rtsp://cam/s'))).toBeNull();
    expect(untimedFormatWarning(options('tcp://cam:3333'), '')).toBeNull();
  });

  it('reads the output size from the log, and backs off to 2 s', () => {
    const log =
      "Input #0, mov,mp4 from 'a.mp4':\n  Stream #0:0(und): Video: h264, yuv420p, 1920x1080\n" +
      "Output #0, rawvideo, to 'pipe:1':\n  Stream #0:0(und): Video: rawvideo (RGB[24] / 0x18424752), rgb24(pc, gbr/unknown/unknown, progressive), 1280x720 [SAR 1:1 DAR 16:9], q=2-31, 88473 kb/s, 4 fps";
    expect(outputSize(log)).toEqual({ width: 1280, height: 720 });
    expect(outputSize(log.split('Output')[0])).toBeNull();
    expect([0, 1, 2, 3, 10].map(backoffMs)).toEqual([500, 1000, 1000, 1000, 1000]);
    expect(isLiveUrl('rtsp://x/y')).toBe(true);
    expect(isLiveUrl('/data/a.mp4')).toBe(false);
  });
});
