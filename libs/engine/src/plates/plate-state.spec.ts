import { STATE_RULE, US_STATES, stateFromLook } from './plate-state';

const probs = (p: Record<string, number>) => {
  const rest = (1 - Object.values(p).reduce((a, b) => a + b, 0)) / US_STATES.length;
  return US_STATES.map((s) => (p[s] ?? 0) + rest);
};

describe('US state from the state head and the text', () => {
  it('a format only one state issues decides against an unsure head (Missouri AB1 C2D)', () => {
    expect(stateFromLook(probs({ nv: 0.6, mo: 0.01 }), 'DG3C8P')?.code).toBe('us-mo');
  });

  it('among the states whose formats fit, the head decides', () => {
    // 6MMD595 fits California, Idaho and Nebraska
    expect(stateFromLook(probs({ ca: 0.5, nv: 0.3 }), '6MMD595')?.code).toBe('us-ca');
    expect(stateFromLook(probs({ id: 0.7 }), '6MMD595')?.code).toBe('us-id');
  });

  it('stays at country level when no state is likely enough', () => {
    // ABC1234 fits a dozen states; a flat head names none of them
    expect(stateFromLook(probs({}), 'ABC1234')).toBeNull();
    expect(STATE_RULE.minScore).toBeGreaterThan(0);
  });
});
