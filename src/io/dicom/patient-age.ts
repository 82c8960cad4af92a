/** Age in years at the study from DICOM dates (YYYYMMDD), undefined when either is missing or malformed. */
export function ageFromDates(birthDate: string | undefined, studyDate: string | undefined): number | undefined {
  const parse = (d: string | undefined): number | undefined => {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(d?.trim() ?? '');
    return m === null ? undefined : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  };
  const birth = parse(birthDate);
  const study = parse(studyDate);
  if (birth === undefined || study === undefined || study < birth) return undefined;
  return (study - birth) / (365.2425 * 24 * 3600 * 1000);
}
