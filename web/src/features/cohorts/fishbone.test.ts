import { describe, expect, it } from 'vitest';
import { describeFishbone, layoutFishbone, shorten, wrap } from './fishbone';

const diagram = {
  categories: [
    { name: 'Methods', causes: [{ text: 'Forms copied from paper', subCauses: ['No redesign before digitising'] }] },
    { name: 'People', causes: [{ text: 'Clerks advise calling', subCauses: [] }, { text: 'Distrust of online payment', subCauses: [] }] },
    { name: 'Technology', causes: [] },
  ],
};

describe('fishbone layout', () => {
  it('puts the categories alternately above and below the spine, each bone meeting it', () => {
    const layout = layoutFishbone('Slow adoption of digital services', diagram);
    const spine = layout.lines.find((l) => l.kind === 'spine')!;
    const bones = layout.lines.filter((l) => l.kind === 'bone');
    expect(bones).toHaveLength(3);
    expect(bones.every((b) => b.y2 === spine.y1)).toBe(true);
    expect(bones[0]!.y1).toBeLessThan(spine.y1);
    expect(bones[1]!.y1).toBeGreaterThan(spine.y1);
    expect(layout.lines.filter((l) => l.kind === 'rib')).toHaveLength(3);
    expect(layout.labels.filter((l) => l.kind === 'subCause').map((l) => l.text)).toEqual(['– No redesign before digitising']);
    expect(layout.head.x).toBeGreaterThanOrEqual(spine.x2);
  });

  it('keeps every label inside the drawing', () => {
    const layout = layoutFishbone('A problem', diagram);
    for (const label of layout.labels) {
      expect(label.x).toBeGreaterThanOrEqual(0);
      expect(label.x).toBeLessThanOrEqual(layout.width);
      expect(label.y).toBeGreaterThan(0);
      expect(label.y).toBeLessThan(layout.height);
    }
  });

  it('shortens long labels, wraps the problem statement and describes the diagram in words', () => {
    expect(shorten('x'.repeat(50))).toHaveLength(34);
    expect(shorten('x'.repeat(50)).endsWith('…')).toBe(true);
    expect(wrap('Citizens keep calling instead of using the e-services portal', 22)).toEqual(['Citizens keep calling', 'instead of using the', 'e-services portal']);
    expect(describeFishbone('Slow adoption', diagram)).toBe(
      'Slow adoption. Methods: Forms copied from paper (No redesign before digitising). People: Clerks advise calling; Distrust of online payment. Technology',
    );
  });
});
