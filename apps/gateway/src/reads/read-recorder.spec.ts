import { platesOf } from './read-recorder';

const box = { xmin: 1, ymin: 2, xmax: 3, ymax: 4 };

describe('platesOf', () => {
  it('takes each plate of a plate-mode answer with its region and vehicle', () => {
    const plates = platesOf({
      processing_time: 1,
      filename: null,
      version: 1,
      camera_id: null,
      timestamp: null,
      results: [
        {
          box,
          plate: 'abc123',
          region: { code: 'br', score: 0.8 },
          vehicle: { type: 'Sedan', score: 0.7, box },
          score: 0.9,
          candidates: [{ plate: 'abc123', score: 0.9 }],
          dscore: 0.95,
        },
      ],
    });
    expect(plates).toEqual([
      { plate: 'abc123', score: 0.9, region: 'br', vehicle: { type: 'Sedan', score: 0.7 } },
    ]);
  });

  it('takes the best plate of each vehicle in vehicle mode, and skips vehicles without one', () => {
    const plates = platesOf({
      processing_time: 1,
      filename: null,
      version: 1,
      camera_id: null,
      timestamp: null,
      results: [
        {
          plate: {
            type: 'Plate',
            score: 0.9,
            box,
            props: {
              plate: [
                { value: 'xyz789', score: 0.88 },
                { value: 'xyz780', score: 0.1 },
              ],
              region: [{ value: 'us-ca', score: 0.6 }],
            },
          },
          vehicle: { type: 'Van', score: 0.8, box },
        },
        { plate: null, vehicle: { type: 'Bus', score: 0.9, box } },
      ],
    });
    expect(plates).toEqual([
      { plate: 'xyz789', score: 0.88, region: 'us-ca', vehicle: { type: 'Van', score: 0.8 } },
    ]);
  });
});
