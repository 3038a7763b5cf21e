import { STATE_FLEET, US_STATES, stateFromLook } from './plate-state';
import { formatProbability } from './formats';

const probs = (p: Record<string, number>) => {
  const rest = (1 - Object.values(p).reduce((a, b) => a + b, 0)) / US_STATES.length;
  return US_STATES.map((s) => (p[s] ?? 0) + rest);
};

describe('US state from the state head and the text', () => {
  it('a format only one state issues decides against an unsure head (Missouri AB1 C2D)', () => {
    expect(stateFromLook(probs({ nv: 0.6, mo: 0.01 }), 'DG3C8P')?.code).toBe('us-mo');
  });

  it('among the states whose formats fit, a sure head decides', () => {
    expect(stateFromLook(probs({ ny: 0.9 }), 'ABC1234')?.code).toBe('us-ny');
  });

  it('an unsure head leaves it to the fleets: the largest state whose formats fit, unsure', () => {
    // 6MMD595 fits California, Idaho and Nebraska
    expect(stateFromLook(probs({}), '6MMD595')?.code).toBe('us-ca');
    const fitting = US_STATES.filter((s) => formatProbability('ABC1234', `us-${s}`) > 0);
    expect(fitting.length).toBeGreaterThan(3);
    const largest = fitting.reduce((a, b) => (STATE_FLEET[b] > STATE_FLEET[a] ? b : a));
    const flat = stateFromLook(probs({}), 'ABC1234');
    expect(flat?.code).toBe(`us-${largest}`);
    expect(flat!.score).toBeLessThan(0.5);
  });
});
