import type { Fishbone } from './api';

// The fishbone (Ishikawa) diagram's geometry, kept apart from rendering so it can be tested: the
// problem at the head on the right, the spine, and the category bones alternating above and below
// it, each with its causes as short horizontal ribs and the sub-causes listed under each cause.

export interface Line {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  kind: 'spine' | 'bone' | 'rib';
}

export interface Label {
  x: number;
  y: number;
  text: string;
  anchor: 'start' | 'middle' | 'end';
  kind: 'head' | 'category' | 'cause' | 'subCause';
}

export interface FishboneLayout {
  width: number;
  height: number;
  lines: Line[];
  labels: Label[];
  head: { x: number; y: number; width: number; height: number };
}

export const maxLabelLength = 34;

/** Shortens a label for the drawing; the editor keeps the whole text. */
export function shorten(text: string, max = maxLabelLength): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1).trimEnd()}…`;
}

/** Splits the problem statement into lines of at most `width` characters for the head box. */
export function wrap(text: string, width = 22, maxLines = 5): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    if (current && `${current} ${word}`.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(current);
  if (lines.length > maxLines) {
    return [...lines.slice(0, maxLines - 1), shorten(lines.slice(maxLines - 1).join(' '), width)];
  }
  return lines;
}

export function layoutFishbone(problem: string, fishbone: Fishbone): FishboneLayout {
  const categories = fishbone.categories;
  const perSide = Math.max(1, Math.ceil(categories.length / 2));
  const mostCauses = Math.max(1, ...categories.map((c) => c.causes.length + c.causes.reduce((n, k) => n + k.subCauses.length, 0) * 0.6));
  const boneHeight = Math.max(170, 50 + mostCauses * 34);
  const columnWidth = 290;
  const headWidth = 220;
  const width = 60 + perSide * columnWidth + headWidth + 40;
  const height = boneHeight * 2 + 120;
  const spineY = height / 2;
  const spineEnd = width - headWidth - 40;
  const lines: Line[] = [{ x1: 30, y1: spineY, x2: spineEnd, y2: spineY, kind: 'spine' }];
  const labels: Label[] = [];
  const headLines = wrap(problem);
  const head = { x: spineEnd, y: spineY - Math.max(40, headLines.length * 11 + 14), width: headWidth, height: Math.max(80, headLines.length * 22 + 28) };
  headLines.forEach((text, i) => {
    labels.push({ x: head.x + headWidth / 2, y: head.y + 26 + i * 22, text, anchor: 'middle', kind: 'head' });
  });

  categories.forEach((category, index) => {
    const above = index % 2 === 0;
    const column = Math.floor(index / 2);
    const joinX = 60 + (column + 1) * columnWidth - 10;
    const tipX = joinX - 90;
    const tipY = above ? spineY - boneHeight : spineY + boneHeight;
    lines.push({ x1: tipX, y1: tipY, x2: joinX, y2: spineY, kind: 'bone' });
    labels.push({ x: tipX, y: above ? tipY - 12 : tipY + 24, text: shorten(category.name, 28), anchor: 'middle', kind: 'category' });
    const slots = category.causes.reduce((n, k) => n + 1 + k.subCauses.length * 0.6, 0);
    let used = 0;
    category.causes.forEach((cause) => {
      const t = (used + 0.8) / (slots + 1);
      used += 1 + cause.subCauses.length * 0.6;
      const py = tipY + (spineY - tipY) * t;
      const px = tipX + (joinX - tipX) * t;
      lines.push({ x1: px - 150, y1: py, x2: px, y2: py, kind: 'rib' });
      labels.push({ x: px - 152, y: py - 5, text: shorten(cause.text), anchor: 'end', kind: 'cause' });
      cause.subCauses.forEach((sub, k) => {
        labels.push({ x: px - 152, y: py + 14 + k * 15, text: `– ${shorten(sub, 30)}`, anchor: 'end', kind: 'subCause' });
      });
    });
  });

  // Ribs point left from their bone, so the drawing is shifted right to keep the leftmost text inside.
  const minX = Math.min(...labels.filter((l) => l.anchor === 'end').map((l) => l.x - 7 * l.text.length), 20);
  const shift = minX < 20 ? 20 - minX : 0;
  if (shift > 0) {
    for (const l of lines) {
      l.x1 += shift;
      l.x2 += shift;
    }
    for (const l of labels) l.x += shift;
    head.x += shift;
  }
  return { width: width + shift, height, lines, labels, head };
}

/** A plain-text outline of the diagram (its accessible description, and what a screen reader hears). */
export function describeFishbone(problem: string, fishbone: Fishbone): string {
  const parts = fishbone.categories.map((c) => {
    const causes = c.causes.map((k) => (k.subCauses.length > 0 ? `${k.text} (${k.subCauses.join('; ')})` : k.text));
    return causes.length > 0 ? `${c.name}: ${causes.join('; ')}` : c.name;
  });
  return [problem, ...parts].join('. ');
}
