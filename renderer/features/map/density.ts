/** How the density grid looks: fixed bins, so the same colour means the same count at every zoom. */

/** Lower bounds of the colour bins (places per cell); the first is the host's minimum. */
export const densityBins = [5, 25, 100, 400, 1600] as const;
export const densityColors = ['#d6e4f0', '#a9c6e0', '#6f9fcb', '#3b73ad', '#17457a'] as const;

export function densityColor(count: number): string {
  let color: string = densityColors[0];
  densityBins.forEach((lower, i) => {
    if (count >= lower) color = densityColors[i] ?? color;
  });
  return color;
}

/** Labels on every cell would be unreadable and slow past this many cells; colours still show. */
export const MAX_LABELLED_CELLS = 250;

/**
 * Whether a count fits inside its cell as drawn (px): at country zoom a cell is a few pixels
 * and its number would overlap its neighbours', so only the colour shows.
 */
export function labelFitsCell(text: string, cellWidthPx: number, cellHeightPx: number): boolean {
  return cellWidthPx >= text.length * 7 + 6 && cellHeightPx >= 16;
}
