import type { StepWedgePhantom } from './step-wedge-phantom.js';

/**
 * Where a wedge lies in an image, in pixels (column, row): its centre and the direction of its axis
 * from the first step to the last, angle measured from the +column axis towards +row.
 */
export interface WedgePose {
  centerPx: [number, number];
  angleRad: number;
}

/** Unit vectors along the wedge axis (first step to last) and across it. */
export function wedgeAxes(angleRad: number): { along: [number, number]; across: [number, number] } {
  return { along: [Math.cos(angleRad), Math.sin(angleRad)], across: [-Math.sin(angleRad), Math.cos(angleRad)] };
}

/** Pixel position of wedge-frame coordinates (mm along the axis from the centre, mm across). */
export function wedgePoint(pose: WedgePose, pixelMm: number, alongMm: number, acrossMm: number): [number, number] {
  const { along, across } = wedgeAxes(pose.angleRad);
  return [pose.centerPx[0] + (alongMm * along[0] + acrossMm * across[0]) / pixelMm, pose.centerPx[1] + (alongMm * along[1] + acrossMm * across[1]) / pixelMm];
}

/** The four corners (first end first) and the centre of every step, in pixels. */
export function wedgeGeometryPx(phantom: StepWedgePhantom, pose: WedgePose, pixelMm: number): { corners: [number, number][]; stepCenters: [number, number][] } {
  const n = phantom.steps.length;
  const halfLength = (n * phantom.stepLengthMm) / 2;
  const halfWidth = phantom.widthMm / 2;
  const corners = [
    [-halfLength, -halfWidth],
    [-halfLength, halfWidth],
    [halfLength, halfWidth],
    [halfLength, -halfWidth],
  ].map(([a, c]) => wedgePoint(pose, pixelMm, a!, c!));
  const stepCenters = phantom.steps.map((_, i) => wedgePoint(pose, pixelMm, (i - (n - 1) / 2) * phantom.stepLengthMm, 0));
  return { corners, stepCenters };
}
