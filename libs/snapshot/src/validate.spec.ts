import { checkEngineResult, checkSnapshotResponse, validateSnapshotResponse } from './validate';

const plate = {
  box: { xmin: 143, ymin: 481, xmax: 282, ymax: 575 },
  plate: 'nhk552',
  region: { code: 'gb', score: 0.747 },
  vehicle: { score: 0.798, type: 'Sedan', box: { xmin: 67, ymin: 113, xmax: 908, ymax: 653 } },
  score: 0.904,
  candidates: [{ score: 0.904, plate: 'nhk552' }],
  dscore: 0.99,
  model_make: [{ make: 'Riley', model: 'RMF', score: 0.306 }],
  color: [{ color: 'black', score: 0.937 }],
  orientation: [{ orientation: 'Front', score: 0.937 }],
};

describe('Snapshot response schema', () => {
  it('accepts the spec’s example response', () => {
    const example = {
      processing_time: 288.758,
      results: [plate],
      filename: '1617_7M83K_car.jpg',
      version: 1,
      camera_id: null,
      timestamp: '2020-10-12T16:17:27.574008Z',
    };
    expect(checkSnapshotResponse(example)).toEqual({ valid: true, errors: [] });
    expect(validateSnapshotResponse(example)).toBe(true);
  });

  it('accepts the vehicle-only example', () => {
    const result = {
      processing_time: 58.184,
      results: [
        {
          plate: {
            type: 'Plate',
            score: 0.925,
            box: { xmin: 146, ymin: 481, xmax: 276, ymax: 576 },
            props: {
              plate: [{ value: 'nhk552', score: 0.838 }],
              region: [{ value: 'gb', score: 0.931 }],
            },
          },
          vehicle: {
            type: 'Sedan',
            score: 0.834,
            box: { xmin: 68, ymin: 103, xmax: 914, ymax: 643 },
            props: {
              make_model: [{ make: 'Riley', model: 'RMF', score: 0.339 }],
              orientation: [{ value: 'Front', score: 0.939 }],
              color: [{ value: 'black', score: 0.846 }],
            },
          },
        },
        { vehicle: { type: 'SUV', score: 0.5, box: { xmin: 0, ymin: 0, xmax: 10, ymax: 10 } } },
      ],
    };
    expect(checkEngineResult(result)).toEqual({ valid: true, errors: [] });
  });

  it('names what is wrong', () => {
    const bad = {
      processing_time: 1,
      results: [{ ...plate, score: 1.5, vehicle: { ...plate.vehicle, type: 'Car' } }],
    };
    const v = checkEngineResult(bad);
    expect(v.valid).toBe(false);
    expect(v.errors.join('\n')).toMatch(/\/results\/0\/score must be <= 1/);
  });
});
