/** The measurement columns of the cohort manifest (DESIGN.md), with their unit and what defines them. */
export type MeasurementColumn = 'forearm_abmd' | 'lumbar_abmd' | 'femneck_abmd' | 'tothip_abmd' | 'spine_vbmd' | 'hip_vbmd';

export interface MeasurementColumnInfo {
  column: MeasurementColumn;
  unit: 'g/cm2' | 'mg/cm3';
  label: string;
}

export const MEASUREMENT_COLUMNS: readonly MeasurementColumnInfo[] = [
  { column: 'forearm_abmd', unit: 'g/cm2', label: 'forearm aBMD (distal radius, DXA)' },
  { column: 'lumbar_abmd', unit: 'g/cm2', label: 'lumbar spine aBMD (L1-L4, DXA)' },
  { column: 'femneck_abmd', unit: 'g/cm2', label: 'femoral neck aBMD (DXA)' },
  { column: 'tothip_abmd', unit: 'g/cm2', label: 'total hip aBMD (DXA)' },
  { column: 'spine_vbmd', unit: 'mg/cm3', label: 'spine trabecular vBMD (L1-L2, QCT)' },
  { column: 'hip_vbmd', unit: 'mg/cm3', label: 'proximal femur vBMD (QCT)' },
];

export function isMeasurementColumn(name: string): name is MeasurementColumn {
  return MEASUREMENT_COLUMNS.some((info) => info.column === name);
}

export function measurementInfo(column: MeasurementColumn): MeasurementColumnInfo {
  return MEASUREMENT_COLUMNS.find((info) => info.column === column)!;
}

/** The three categories every classification in openbmd uses, in order of increasing severity. */
export const BMD_CATEGORIES = ['normal', 'osteopenia', 'osteoporosis'] as const;
export type BmdCategory = (typeof BMD_CATEGORIES)[number];

export function isBmdCategory(value: string): value is BmdCategory {
  return (BMD_CATEGORIES as readonly string[]).includes(value);
}
