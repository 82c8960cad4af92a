/** The small part of dcmjs openbmd uses (dcmjs ships no types). */
declare module 'dcmjs' {
  type DenaturalizedDataset = Record<string, { vr: string; Value?: unknown[]; InlineBinary?: string }>;
  interface DicomDictInstance {
    dict: DenaturalizedDataset;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }
  interface DcmjsData {
    DicomDict: new (meta: DenaturalizedDataset) => DicomDictInstance;
    DicomMetaDictionary: { denaturalizeDataset(dataset: Record<string, unknown>): DenaturalizedDataset };
  }
  const dcmjs: { data: DcmjsData };
  export default dcmjs;
}
