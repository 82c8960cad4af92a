/**
 * What an image's numbers mean. Every image says this; code that needs HU or g/cm2 checks it
 * instead of assuming.
 */
export type ValueUnit =
  | 'raw' // detector or stored value, no physical meaning attached
  | 'HU' // Hounsfield units (CT after modality rescale)
  | 'g/cm2' // areal density
  | 'mg/cm3' // volumetric density
  | 'mm' // thickness, e.g. equivalent step-wedge thickness
  | 'label' // segmentation labels
  | 'rgb'; // display colour, 3 samples per pixel
