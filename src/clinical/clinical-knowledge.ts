import { type CategoryRules, type ReferenceSelection, loadCategoryRules, loadReferenceSelection } from './clinical-rules.js';
import { type ReferenceTable, loadReferenceTables } from './reference-table.js';

/** Everything the clinical rules need, loaded once from data/ (or from a site's own folder). */
export interface ClinicalKnowledge {
  tables: ReadonlyMap<string, ReferenceTable>;
  selection: ReferenceSelection;
  rules: CategoryRules;
}

export function loadClinicalKnowledge(): ClinicalKnowledge {
  return { tables: loadReferenceTables(), selection: loadReferenceSelection(), rules: loadCategoryRules() };
}
