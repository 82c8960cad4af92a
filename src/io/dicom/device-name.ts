/** The device an image came from, as its DICOM names it (Manufacturer and ManufacturerModelName). */
export function deviceName(manufacturer: string | undefined, model: string | undefined): string {
  const part = (v: string | undefined, missing: string): string => (v === undefined || v.trim() === '' ? missing : v.trim());
  return `${part(manufacturer, 'unknown manufacturer')} / ${part(model, 'unknown model')}`;
}

/** A CT scanner at one tube voltage: its effective energy, hence its HU per mg/cm3, follows from both. */
export function ctScannerName(manufacturer: string | undefined, model: string | undefined, kvp: number | undefined): string {
  return `${deviceName(manufacturer, model)} at ${kvp === undefined ? 'unknown' : String(Math.round(kvp))} kVp`;
}
