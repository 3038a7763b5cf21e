/** A stream event as apps/stream reports it: the route's OpenAPI example, and the tests' event. */
export const EXAMPLE_EVENT = {
  camera_id: 'gate-1',
  timestamp: '2026-12-05T19:36:25.874Z',
  first_seen: '2026-12-05T19:36:25.124Z',
  last_seen: '2026-12-05T19:36:26.874Z',
  frames: 8,
  direction: 180,
  results: [
    {
      box: { xmin: 483, ymin: 405, xmax: 621, ymax: 452 },
      plate: 'ayo9034',
      region: { code: 'br', score: 0.9 },
      vehicle: { type: 'Sedan', score: 0.8, box: { xmin: 300, ymin: 200, xmax: 800, ymax: 600 } },
      score: 0.992,
      candidates: [{ plate: 'ayo9034', score: 0.992 }],
      dscore: 0.87,
      direction: 180,
    },
  ],
};
