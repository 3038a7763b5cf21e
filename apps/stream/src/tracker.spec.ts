import type { PlateResult } from '@platewise/snapshot';
import { MAX_TRACKS, PlateTracker } from './tracker';

const OPTIONS = { gapMs: 1000, idleMs: 5000, maxTrackMs: 30_000, minReads: 2, minScore: 0 };

function plate(text: string, x: number, y = 100, score = 0.9): PlateResult {
  return {
    box: { xmin: x, ymin: y, xmax: x + 100, ymax: y + 30 },
    plate: text,
    region: { code: 'us-ca', score: 0.8 },
    vehicle: {
      type: 'Sedan',
      score: 0.7,
      box: { xmin: x - 50, ymin: y - 80, xmax: x + 150, ymax: y + 60 },
    },
    score,
    candidates: [{ plate: text, score }],
    dscore: 0.8,
  };
}

describe('PlateTracker', () => {
  it('makes one event per passage with the voted text, frames, times and direction', () => {
    const tracker = new PlateTracker(OPTIONS);
    const reads = ['7ABC123', '7ABC123', '7A8C123', '7ABC123', '7ABC123'];
    let events = reads.flatMap((text, i) =>
      tracker.update(1000 + i * 250, [plate(text, 100 + i * 60)]),
    );
    expect(events).toEqual([]);
    // The plate is gone from two analysed frames past the gap: the vehicle left.
    events = [...tracker.update(3000, []), ...tracker.update(3250, [])];
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e.result.plate).toBe('7ABC123');
    expect(e.frames).toBe(5);
    expect(e.firstSeen).toBe(1000);
    expect(e.lastSeen).toBe(2000);
    expect(e.direction).toBe(0); // moving right
    expect(e.result.direction).toBe(0);
    expect(e.result.score).toBeCloseTo(0.72, 2); // 4 of 5 reads at 0.9
    expect(e.result.candidates.map((c) => c.plate)).toEqual(['7ABC123', '7A8C123']);
    expect(e.result.region.code).toBe('us-ca');
    expect(tracker.open).toBe(0);
  });

  it('keeps two vehicles in the same frame apart, and a new plate in the same place is another vehicle', () => {
    const tracker = new PlateTracker(OPTIONS);
    for (let i = 0; i < 3; i++)
      tracker.update(i * 250, [plate('AAA111', 100, 100 - i * 40), plate('ZZZ999', 600)]);
    expect(tracker.open).toBe(2);
    // A cut: a different plate where AAA111 was.
    tracker.update(1000, [plate('KLM456', 100, 60)]);
    expect(tracker.open).toBe(3);
    const events = tracker.flush();
    expect(events.map((e) => e.result.plate).sort()).toEqual(['AAA111', 'ZZZ999']);
    expect(events.find((e) => e.result.plate === 'AAA111')?.direction).toBe(90); // moving up
    expect(events.find((e) => e.result.plate === 'ZZZ999')?.direction).toBeNull(); // parked
  });

  it('joins a misread in the predicted place and does not make an event of one stray read', () => {
    const tracker = new PlateTracker(OPTIONS);
    tracker.update(0, [plate('ABC1234', 100)]);
    tracker.update(250, [plate('AB01204', 150)]); // 2 of 7 wrong, where the plate should be
    tracker.update(500, [plate('ABC1234', 200), plate('SIGN', 900, 500, 0.5)]);
    const events = tracker.flush();
    expect(events).toHaveLength(1);
    expect(events[0].frames).toBe(3);
    expect(events[0].result.plate).toBe('ABC1234');
  });

  it('ends a track after the idle limit when nothing is analysed, and at the age limit', () => {
    const tracker = new PlateTracker(OPTIONS);
    tracker.update(0, [plate('ABC123', 100)]);
    tracker.update(100, [plate('ABC123', 100)]);
    expect(tracker.tick(4000)).toEqual([]); // still scene: the car may be standing there
    expect(tracker.tick(5200)).toHaveLength(1);
    const old = new PlateTracker({ ...OPTIONS, maxTrackMs: 1000 });
    for (let t = 0; t <= 1200; t += 200) {
      const ended = old.update(t, [plate('XYZ789', 100)]);
      if (t > 1000) expect(ended).toHaveLength(1);
    }
  });

  it('drops a passage whose voted score is under the floor', () => {
    const tracker = new PlateTracker({ ...OPTIONS, minScore: 0.2 });
    tracker.update(0, [plate('JUNK1', 100, 100, 0.15)]);
    tracker.update(250, [plate('JUNK1', 110, 100, 0.1)]);
    expect(tracker.flush()).toEqual([]);
  });

  it('holds at most MAX_TRACKS open tracks, ending the oldest', () => {
    const tracker = new PlateTracker({ ...OPTIONS, minReads: 1 });
    // Three rounds of 64 plates in the same places, each round's texts far from the others'.
    const round = (r: number) =>
      Array.from({ length: 64 }, (_, i) =>
        plate(`${'ABC'[r]}${r}${r}${String(i).padStart(3, '0')}${'XYZ'[r]}${'XYZ'[r]}`, i * 200),
      );
    const ended = [0, 1, 2].flatMap((r) => tracker.update(r * 100, round(r)));
    expect(tracker.open).toBe(MAX_TRACKS);
    expect(ended).toHaveLength(64);
  });

  it('keeps the best frame of the winning read', () => {
    const tracker = new PlateTracker(OPTIONS);
    tracker.update(0, [plate('ABC123', 100, 100, 0.6)], Buffer.from('a'));
    tracker.update(250, [plate('ABC123', 110, 100, 0.95)], Buffer.from('b'));
    tracker.update(500, [plate('ABC123', 120, 100, 0.7)], Buffer.from('c'));
    const [e] = tracker.flush();
    expect(e.bestFrame?.toString()).toBe('b');
    expect(e.t).toBe(250);
    expect(e.result.box.xmin).toBe(110);
  });

  it("says which frames an open track keeps: only a best read's, until a better one comes", () => {
    const tracker = new PlateTracker<string>(OPTIONS);
    tracker.update(0, [plate('ABC123', 100, 100, 0.6)], 'a');
    expect(tracker.holds('a')).toBe(true);
    tracker.update(250, [plate('ABC123', 110, 100, 0.5)], 'b');
    expect(tracker.holds('b')).toBe(false); // a worse read: its frame is not needed
    tracker.update(500, [plate('ABC123', 120, 100, 0.9)], 'c');
    expect([tracker.holds('a'), tracker.holds('c')]).toEqual([false, true]);
    expect(tracker.flush()[0].bestFrame).toBe('c');
    expect(tracker.holds('c')).toBe(false);
  });
});
