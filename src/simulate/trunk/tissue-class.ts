/** Tissue classes of the CT label map (masks/<case>-tissues.nii.gz). */
export const TISSUE_CLASS = {
  outside: 0,
  subcutaneousFat: 1,
  muscle: 2,
  softTissue: 3,
  blood: 4,
  gas: 5,
  lung: 6,
  corticalBone: 7,
  cancellousBone: 8,
  discOrCanal: 9,
  calcification: 10,
  phantomBody: 11,
  phantomRod: 12,
  table: 13,
  visceralFat: 14,
  implant: 15,
} as const;
