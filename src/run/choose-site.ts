import { OpenBmdError } from '../core/errors.js';
import type { InputHeader } from '../io/dicom/read-input-header.js';
import { readInputHeader } from '../io/dicom/read-input-header.js';
import type { InputFit } from '../pipelines/pipeline.js';
import type { Site } from '../pipelines/registry.js';
import { PIPELINE_FRONTS, SITES, isSite } from '../pipelines/registry.js';

export interface ChosenSite {
  site: Site;
  /** How it was chosen, in words (printed by analyze). */
  how: string;
}

/** What the DICOM says of an input, in words. */
function described(h: InputHeader): string {
  if (h.format === 'nifti') return 'a NIfTI volume';
  const parts = [`Modality ${h.modality ?? '(none)'}`, `BodyPartExamined ${h.bodyPart || '(none)'}`];
  if (h.viewPosition) parts.push(`ViewPosition ${h.viewPosition}`);
  return `${h.isFolder ? 'a folder of ' : ''}${parts.join(', ')}`;
}

/**
 * The pipeline for an analysis: the one asked for, if the first input's DICOM header does not
 * contradict it, else the one registered pipeline the header fits (Modality, BodyPartExamined,
 * ViewPosition, file or folder). Exit 2 with the reason when it cannot tell or the two disagree.
 */
export function chooseSite(inputs: readonly string[], asked: string | undefined): ChosenSite {
  const first = inputs[0];
  if (first === undefined) throw new OpenBmdError('BAD_ARGUMENT', 'analyze needs an input (a radiograph file or a CT series folder)');
  if (asked !== undefined && !isSite(asked)) throw new OpenBmdError('BAD_ARGUMENT', `no pipeline for site '${asked}' (sites: ${SITES.join(', ')})`);
  const header = readInputHeader(first);
  const fits = Object.fromEntries(SITES.map((s) => [s, PIPELINE_FRONTS[s].inputFit(header)])) as Record<Site, InputFit>;
  if (asked !== undefined) {
    const fit = fits[asked];
    if (fit.fits === false)
      throw new OpenBmdError('INVALID_VALUE', `is not an input of the ${asked} pipeline: ${fit.reason} (${PIPELINE_FRONTS[asked].inputDescription})`, {
        file: first,
      });
    return { site: asked, how: `site ${asked} as asked` };
  }
  const sure = SITES.filter((s) => fits[s].fits === true);
  if (sure.length === 1) return { site: sure[0]!, how: `site ${sure[0]} from the DICOM (${described(header)})` };
  const possible = SITES.filter((s) => fits[s].fits !== false);
  if (sure.length === 0 && possible.length === 1) return { site: possible[0]!, how: `site ${possible[0]} (the only pipeline for ${described(header)})` };
  const why = SITES.map((s) => {
    const f = fits[s];
    return `${s}: ${f.fits === false ? f.reason : 'possible'}`;
  }).join('; ');
  throw new OpenBmdError('INVALID_VALUE', `cannot tell which pipeline reads ${described(header)} (${why}); name the site (${SITES.join(', ')})`, {
    file: first,
  });
}
