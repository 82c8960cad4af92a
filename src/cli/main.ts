#!/usr/bin/env node
// The `openbmd` command: it parses arguments and calls the drivers (src/run). Each command imports
// what it needs when it runs, so --version, --help and inspect start without the NN, plot or PDF code.
import { Command } from 'commander';
import { OpenBmdError } from '../core/errors.js';
import type { SimulateCohortOptions } from '../simulate/simulate-cohort.js';
import { reportFailure } from './exit-on-error.js';

/** Progress and where things were written go to stderr; results to stdout. */
const say = (line: string): void => void process.stderr.write(`${line}\n`);

const program = new Command();

interface AnalyzeCommandOptions {
  site?: string;
  model?: string;
  out?: string;
  phantom?: string;
  age?: number;
  sex?: 'F' | 'M';
  heightCm?: number;
  weightKg?: number;
  side?: 'left' | 'right';
  json?: boolean;
}
program.name('openbmd').description('Bone mineral density from the radiographs and CT scans hospitals already take').version('0.1.0').showHelpAfterError();

program
  .command('demo')
  .description(
    'simulate a small SIMULATED cohort for every pipeline, cross-validate each on it (the hip part measures it with the shipped hip model as it is), evaluate and write the HTML/PDF reports, analyse one case of each (a few minutes)',
  )
  .option('--out <dir>', 'working folder (default openbmd-demo/)')
  .option('--n <count>', 'forearm radiographs to simulate (default 100)', parsePositiveInteger)
  .option('--lumbar-n <count>', 'lumbar studies (AP and lateral) of the lumbar part (default 40; 0 leaves it out)', parseNonNegativeInteger)
  .option('--ct-n <count>', 'CT series of the CT part (default 16; 0 leaves it out)', parseNonNegativeInteger)
  .option('--hip-n <count>', 'persons (four AP pelvis radiographs each) of the hip part (default 8; 0 leaves it out)', parseNonNegativeInteger)
  .option('--seed <k>', 'random seed', parseNonNegativeInteger, 7)
  .action(async (options: { out?: string; n?: number; lumbarN?: number; ctN?: number; hipN?: number; seed: number }) => {
    const { runDemo } = await import('../run/run-demo.js');
    await runDemo({
      out: options.out,
      n: { forearm: options.n, lumbar: options.lumbarN, 'ct-spine': options.ctN, hip: options.hipN },
      seed: options.seed,
      say,
    });
  });

program
  .command('analyze')
  .description(
    'one study: the BMD, its clinical wording and QC flags; result.json, overlay.png, report.pdf, a DICOM Secondary Capture of the overlay, and SEG + SR where the pipeline segments',
  )
  .argument('<inputs...>', 'a radiograph (DICOM; AP then lateral where the pipeline reads both) or a CT series folder')
  .option('--site <site>', 'the pipeline (forearm, lumbar, ct-spine, hip); default: from the DICOM (Modality, BodyPartExamined, ViewPosition)')
  .option('--model <dir>', "model folder (default: the pipeline's shipped model in models/)")
  .option('--out <dir>', 'output folder (default openbmd-out/<input name>)')
  .option(
    '--phantom <json>',
    'phantom description: forearm step wedge (default data/phantoms/step-wedge-4x2mm-ha600.json), or CT rods in the field (default none: phantomless)',
  )
  .option('--age <years>', 'age, for the Z-score and the recalibration (default: from the DICOM dates)', parsePositiveNumber)
  .option('--sex <F|M>', 'sex, for the Z-score (default: from the DICOM)', parseSex)
  .option('--height-cm <cm>', 'height, for pipelines that take BMI as a covariate (lumbar)', parsePositiveNumber)
  .option('--weight-kg <kg>', 'weight, for pipelines that take BMI as a covariate (lumbar)', parsePositiveNumber)
  .option('--side <L|R>', 'hip: the hip to report (default: both are measured and the lower is reported)', parseSide)
  .option('--json', 'print result.json on stdout')
  .action(async (inputs: string[], options: AnalyzeCommandOptions) => {
    const { runAnalyze } = await import('../run/run-analyze.js');
    const r = await runAnalyze({
      inputs,
      site: options.site,
      modelDir: options.model,
      outDir: options.out,
      phantom: options.phantom,
      side: options.side,
      person: { sex: options.sex, ageYears: options.age, heightCm: options.heightCm, weightKg: options.weightKg },
      say,
    });
    process.stdout.write(options.json === true ? `${JSON.stringify(r.envelope)}\n` : `${r.summary.join('\n')}\n`);
    say(`openbmd analyze: wrote ${Object.values(r.files).join(', ')}`);
    if (r.refusal !== undefined) throw new OpenBmdError('INVALID_VALUE', `${r.refusal}; see ${r.files.overlayPng}`, { file: inputs[0] });
  });

program
  .command('predict')
  .description('run a model over every row of a cohort; failed rows are listed (file, line, reason) and the batch goes on')
  .requiredOption('--model <dir>', 'model folder')
  .requiredOption('--cohort <cohort.csv>', 'cohort manifest')
  .requiredOption('--out <predictions.csv>', 'predictions file to write')
  .action(async (options: { model: string; cohort: string; out: string }) => {
    const { runPredict } = await import('../run/run-predict.js');
    await runPredict({ modelDir: options.model, cohortCsv: options.cohort, outCsv: options.out, say });
  });

program
  .command('inspect')
  .description('describe a DICOM file, a CT series folder, or a NIfTI/PNG/TIFF image (pixels decoded, statistics after the modality rescale)')
  .argument('<path>', 'DICOM file, folder holding one CT series, NIfTI, PNG or TIFF')
  .option('--json', 'print one JSON object on stdout')
  .option('--spacing-mm <row,col>', 'pixel spacing for PNG/TIFF (between rows, between columns), mm', parseSpacing)
  .action(async (path: string, options: { json?: boolean; spacingMm?: [number, number] }) => {
    const { formatInspectText, inspectPath } = await import('./inspect-command.js');
    const report = await inspectPath(path, options.spacingMm === undefined ? {} : { spacingMm: options.spacingMm });
    process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatInspectText(report)}\n`);
  });

program
  .command('hip-ct')
  .description('femora, other bone and the proximal-femur regions of a CT of the hips, from the CT alone (hip-labels.nii.gz, hip-labels.png, hip-ct.json)')
  .argument('<input>', 'folder holding one CT series, or a NIfTI volume in HU')
  .requiredOption('--out <dir>', 'folder for hip-labels.nii.gz, hip-labels.png and hip-ct.json')
  .action(async (input: string, o: { out: string }) => {
    const { runHipCt } = await import('../run/run-hip-ct.js');
    const result = await runHipCt({ input, outDir: o.out });
    for (const line of result.lines) process.stdout.write(`${line}\n`);
    for (const file of result.files) process.stdout.write(`wrote ${file}\n`);
  });

program
  .command('drr')
  .description(
    'a digitally reconstructed radiograph of a CT series folder or NIfTI volume: point source, flat detector, exact ray casting (drr.nii.gz, drr.png, drr.json)',
  )
  .argument('<input>', 'folder holding one CT series, or a NIfTI volume')
  .requiredOption('--out <dir>', 'folder for drr.nii.gz, drr.png and drr.json')
  .option('--values <kind>', 'attenuation: HU -> mu of the radiograph beam (NIST tables); none: the voxel values as stored', 'attenuation')
  .option('--beam-kev <keV>', "the radiograph beam's effective energy (attenuation)", parsePositiveNumber, 50)
  .option('--ct-kev <keV>', "the CT's effective energy, at which bone's HU are read as hydroxyapatite (attenuation)", parsePositiveNumber, 70)
  .option('--mask <file>', 'NIfTI on the same grid: only its non-zero voxels (or --mask-labels) are projected')
  .option('--mask-labels <list>', 'the mask labels to project, e.g. 1,2', parseLabelList)
  .option('--sad <mm>', 'source to isocenter', parsePositiveNumber, 1000)
  .option('--sid <mm>', 'source to detector', parsePositiveNumber, 1500)
  .option('--isocenter <x,y,z>', 'isocenter in the patient frame (LPS, mm); default the volume centre', parseVector3)
  .option('--toward-source <x,y,z>', 'direction from the isocenter to the source (LPS); default 0,-1,0: source anterior, an AP view', parseVector3)
  .option('--up <x,y,z>', "direction toward the detector's first row (LPS); default 0,0,1: head up", parseVector3)
  .option('--detector <rows,cols>', 'detector pixels (default 512,512)', parseIntegerPair)
  .option('--pixel-mm <row,col>', 'detector pixel pitch, mm (default 0.84,0.84: a 43 cm panel)', parseSpacing)
  .option('--threads <n>', 'worker threads casting the rays (default: the cores)', parsePositiveInteger)
  .action(
    async (
      input: string,
      o: {
        out: string;
        values: string;
        beamKev: number;
        ctKev: number;
        mask?: string;
        maskLabels?: number[];
        sad: number;
        sid: number;
        isocenter?: [number, number, number];
        towardSource?: [number, number, number];
        up?: [number, number, number];
        detector?: [number, number];
        pixelMm?: [number, number];
        threads?: number;
      },
    ) => {
      if (o.values !== 'attenuation' && o.values !== 'none') throw new OpenBmdError('BAD_ARGUMENT', `--values is attenuation or none, got '${o.values}'`);
      if (o.maskLabels !== undefined && o.mask === undefined)
        throw new OpenBmdError('BAD_ARGUMENT', '--mask-labels needs --mask (the label volume they are in)');
      const { runDrrCommand } = await import('./drr-command.js');
      const [rows, columns] = o.detector ?? [512, 512];
      const result = await runDrrCommand({
        input,
        outDir: o.out,
        values: o.values,
        beamKeV: o.beamKev,
        ctKeV: o.ctKev,
        mask: o.mask,
        maskLabels: o.maskLabels,
        sourceToIsocenterMm: o.sad,
        sourceToDetectorMm: o.sid,
        isocenterMm: o.isocenter,
        towardSource: o.towardSource ?? [0, -1, 0],
        up: o.up ?? [0, 0, 1],
        rows,
        columns,
        pixelMm: o.pixelMm ?? [0.84, 0.84],
        threads: o.threads,
      });
      for (const line of result.lines) say(line);
      say(`wrote ${result.files.join(', ')}`);
    },
  );

program
  .command('inspect-model')
  .description('load and verify a model folder (every network, its weights checksum, the pipeline it serves) and describe it')
  .argument('<folder>', 'model folder (model.json and networks/)')
  .option('--pipeline <name>', 'fail unless the model serves this pipeline')
  .option('--json', 'print one JSON object on stdout')
  .action(async (folder: string, options: { pipeline?: string; json?: boolean }) => {
    const { formatModelReport, inspectModelFolder } = await import('./inspect-model-command.js');
    const report = await inspectModelFolder(folder, options.pipeline);
    process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatModelReport(report)}\n`);
  });

program
  .command('evaluate')
  .description('validate predictions against a cohort: metrics.json (agreement, ICC, Bland-Altman, classification with CIs, ROC/DeLong) and an HTML/PDF report')
  .requiredOption('--cohort <cohort.csv>', 'cohort manifest with the reference measurements')
  .requiredOption('--predictions <predictions.csv>', 'case_id, predicted measurement columns, category, p_* probabilities')
  .option('--out <dir>', 'folder for metrics.json, report.html, report.pdf and plots/')
  .option('--model <dir|name>', 'model the predictions came from (default: model.json beside the predictions)')
  .option('--json', 'print metrics.json on stdout')
  .action(async (options: { cohort: string; predictions: string; out?: string; model?: string; json?: boolean }) => {
    const { evaluateCommand } = await import('./evaluate-command.js');
    await evaluateCommand(options);
  });

program
  .command('mineral-response')
  .description(
    'forearm: simulate the same children at two mineral factors and at 1, predict each with a model, and report how much of a true change in bone the predictions show (SIMULATED)',
  )
  .requiredOption('--model <dir>', 'forearm model folder')
  .requiredOption('--out <dir>', 'folder for the three cohorts, their predictions and mineral-response.json')
  .option('--n <children>', 'children per cohort (default 100)', parsePositiveInteger, 100)
  .option('--seed <k>', 'simulation seed (default 77)', parseNonNegativeInteger, 77)
  .option('--factors <low,high>', 'mineral factors (default 0.85,1.15)', '0.85,1.15')
  .action(async (options: { model: string; out: string; n: number; seed: number; factors: string }) => {
    const factors = options.factors.split(',').map(Number);
    if (factors.length !== 2 || !factors.every(Number.isFinite)) throw new OpenBmdError('BAD_ARGUMENT', `--factors wants LOW,HIGH, got '${options.factors}'`);
    const { runMineralResponse } = await import('../run/run-mineral-response.js');
    await runMineralResponse({ model: options.model, out: options.out, n: options.n, seed: options.seed, factors: [factors[0]!, factors[1]!], say });
  });

program
  .command('simulate')
  .description('write a SIMULATED cohort (physics-based phantoms): DICOM images, cohort.csv, masks, landmarks, phantom JSONs, truth')
  .argument('<site>', 'forearm, lumbar, hip or ct-spine')
  .requiredOption('--n <count>', 'number of cases', parsePositiveInteger)
  .requiredOption('--out <dir>', 'output folder')
  .option('--seed <k>', 'random seed (same seed, same files)', parseNonNegativeInteger, 1)
  .option('--workers <count>', 'worker threads (default 2)', parsePositiveInteger)
  .option('--vendors <ids>', 'comma-separated vendor profiles (vendor-a,vendor-b,vendor-c,vendor-d)')
  .option(
    '--processing <families>',
    "radiographs: each image's processing drawn from these, comma-separated: vendor (each vendor's own, the default), or rooms of the families log-unsharp, power-law, linear-raw, film-like, multiscale",
  )
  .option('--limb <families>', 'forearm: limb cross-section families, any of round,flattened (default both)')
  .option('--per-image-processing', 'radiographs: every image its own processing chain drawn from those families (domain randomisation)')
  .option('--pixel-mm <mm>', 'pixel spacing, mm (forearm default 0.24, lumbar 0.4, hip 0.5, ct-spine 0.68-0.86 by patient size)', parsePositiveNumber)
  .option('--kvp <kV>', 'tube voltage for every case (default: per vendor and site, with jitter)', parsePositiveNumber)
  .option('--dose <factor>', 'multiplies the detected quanta (lower = noisier), default 1', parsePositiveNumber)
  .option('--jpeg-quality <q>', 'pass every image through baseline JPEG at this quality (1-100)', parsePositiveInteger)
  .option('--wedge-steps <mm,...>', 'step wedge thicknesses, first end first (default 2,4,6,8)')
  .option('--wedge-step-length-mm <mm>', 'extent of one step along the wedge (default 10)', parsePositiveNumber)
  .option('--wedge-width-mm <mm>', 'wedge width (default 15)', parsePositiveNumber)
  .option('--wedge-ha <mg/cm3>', 'hydroxyapatite concentration of the wedge (default 600)', parsePositiveNumber)
  .option('--wedge-max-rotation-deg <deg>', 'wedge rotation drawn within +-deg (default 10)', parsePositiveNumber)
  .option(
    '--mineral-factor <f>',
    'forearm and lumbar: multiplies every target aBMD (default 1); the same seed with another factor gives the same people with only their bone changed',
    parsePositiveNumber,
  )
  .option('--ct-matrix <n>', 'ct-spine and hip CT: columns and rows of each slice (default 512; hip 256, keeping a 410 mm field)', parsePositiveInteger)
  .option('--ct-slices <n>', 'ct-spine and hip CT: number of slices (default 250; hip 120)', parsePositiveInteger)
  .option('--slice-mm <mm>', 'ct-spine and hip CT: slice thickness = spacing, mm (default 1.25; hip 2)', parsePositiveNumber)
  .option('--rod-share <p>', 'ct-spine: share of cases with the rod phantom under the patient (default 0.5)', parseShare)
  .option('--rods <mg,...>', 'ct-spine: rod concentrations, mg/cm3 (default 0,50,100,200)')
  .option('--rod-material <HA|K2HPO4>', 'ct-spine: rod material (default HA)')
  .option('--rod-diameter-mm <mm>', 'ct-spine: rod diameter (default 18)', parsePositiveNumber)
  .option(
    '--fracture-share <p>',
    'ct-spine, lumbar: share of cases with an osteoporotic fracture of T12-L2: wedge, biconcave or crush, Genant grades 1-3 (default 0.05)',
    parseShare,
  )
  .option('--contrast-share <p>', 'ct-spine: share of series with intravenous contrast, portal-venous phase (default 0)', parseShare)
  .option(
    '--trabecular-texture <share>',
    "ct-spine: sd of the vertebral bodies' cancellous mottle as a share of their mineral (default 0.3; 0 for flat bodies)",
    parseShare,
  )
  .option('--oral-contrast-share <p>', 'ct-spine: share of series with positive oral contrast in stomach and bowel (default 0.2)', parseShare)
  .option(
    '--pedicle-screw-share <p>',
    'ct-spine, lumbar: share of cases whose spine carries pedicle screws and rods (default 0.02 ct-spine, 0 lumbar)',
    parseShare,
  )
  .option('--arms-down-share <p>', 'ct-spine: share of series with the arms down beside the trunk (default 0.15)', parseShare)
  .option(
    '--hip-prosthesis-share <p>',
    'ct-spine: share of series with the hips in the field that hold a total hip replacement (default: the prevalence by age, 0.5 % at 50 to 5.3 % at 80)',
    parseShare,
  )
  .option('--poses <list>', 'hip: radiograph poses, any of standing,supine,abduction,adduction (default all four)')
  .option('--osteophyte-share <p>', 'lumbar: chance of osteophytes at age 80, scaled from 0 at 40 (default 0.45)', parseShare)
  .option('--no-trabecular-pattern', 'lumbar: vertebral bodies without their trabecular pattern (flat), for ablations')
  .option(
    '--aec-air-kerma <uGy>',
    "lumbar: detector air kerma behind the AEC chamber, µGy, setting the quantum noise (default 2.5, speed class 400; 'nominal': the vendor's nominal quanta, as cohorts before 2026-12-05)",
  )
  .option('--segmentation-variants', 'lumbar: transitional vertebrae (sacralised L5, mobile L6) at their published prevalence (about 16 %)')
  .option('--supersample <n>', 'ct-spine: in-plane sub-rays per voxel side for partial volume (default 2)', parsePositiveInteger)
  .option(
    '--ct-physics <kind>',
    'ct-spine: effective-energy (one energy per scan, Gaussian noise and blur; default) or projection (polychromatic projection and filtered back-projection: beam hardening, streaks; about 1 s a slice)',
  )
  .option('--contact-sheet', 'write contact-sheet.png of the first six images, to look at')
  .option('--summary', 'print cohort statistics (truth by age and sex, vendor mix, raw grey vs truth) and write summary.json')
  .action(async (site: string, options: Omit<SimulateCohortOptions, 'command' | 'say'>) => {
    const { simulateCohort } = await import('../simulate/simulate-cohort.js');
    await simulateCohort(site, {
      ...options,
      command: `openbmd simulate ${process.argv.slice(3).join(' ')}`.trim(),
      say,
      printSummary: (text) => void process.stdout.write(`${text}\n`),
    });
  });

program
  .command('train')
  .description(
    'train a pipeline on a cohort: the networks where the cohort has labels (else reused from a model), the calibration always; --folds validates out of fold',
  )
  .argument('<pipeline>', 'forearm, lumbar, ct-spine or hip')
  .requiredOption('--cohort <cohort.csv>', 'cohort manifest (DESIGN.md)')
  .requiredOption('--out <dir>', 'model folder to write (model.json, networks/; with --folds also predictions.csv, metrics.json, report)')
  .option('--folds <k>', 'patient-grouped K-fold cross-validation (out-of-fold predictions.csv and metrics.json)', parsePositiveInteger)
  .option('--seed <k>', 'random seed (splits, initial weights, augmentation)', parseNonNegativeInteger, 1)
  .option('--networks <dir>', "reuse this model folder's networks instead of training them")
  .option(
    '--fine-tune <dir>',
    "start the networks from this model folder's and train them further on the cohort's labels; ct-spine: reuse its networks and fine-tune its DenseNet on the cohort's reference QCT (no masks needed); hip: keep its generator and BMD lines and train stage three afresh from the generator's encoder on the cohort's radiographs and BMD (no CT needed; the third of --epochs, --regression-members networks, a quarter of the persons held out to check it)",
  )
  .option('--no-background-removal', "forearm: train the coarse key-point network on the radiograph as it is (the comparison of seed 000's Table 3)")
  .option(
    '--epochs <list>',
    'epochs of the networks: forearm seg,coarse,fine (default 16,10,12); lumbar locator,bmd (default 24,20); ct-spine coronal,sagittal,segmentation[,densenet] (default 20,12,8,40; a DenseNet fine-tuning 12); hip bone,pf (default 20,30)',
  )
  .option(
    '--variants <list>',
    'lumbar: the BMD networks to train, the first the primary, each validated with --folds: any of ap+lat, ap, lat (default ap+lat,ap)',
  )
  .option('--no-covariates', 'lumbar: the BMD networks without the late fusion of age, sex and BMI')
  .option('--no-body-contrast', "lumbar: the BMD networks without each view's body-over-disc contrast beside the covariates (models before 2026-12-05)")
  .option(
    '--no-ensemble',
    "lumbar: with --folds, keep only the network trained on every study (by default each fold's network is kept and their estimates averaged with it)",
  )
  .option('--compare-covariates', 'lumbar: also cross-validate every variant without the covariates (DeLong tests of the osteoporosis AUCs; not saved)')
  .option(
    '--referral-sensitivity <share>',
    'lumbar: with --folds, the out-of-fold sensitivity for osteoporosis at which the DXA-referral threshold is chosen (default 0.8)',
    parseShare,
  )
  .option('--no-hierarchical', 'hip: train the PF-DRR generator without its first stage on the bone DRR (the ablation of seed 001)')
  .option(
    '--estimate <which>',
    'hip: the BMD reported once stage three is trained: pf-drr-line, regression, or mean (default; it followed BMD best on the development cohorts)',
  )
  .option(
    '--input-channels <n>',
    "hip: the networks' input, 1 (the normalised field, seed 001's; default) or 2 (the field and its high-pass, the field less its 10 mm blur)",
    parsePositiveInteger,
  )
  .option('--regression-pooling <how>', "hip: stage three's pooling over positions, average (default) or attention (a learned softmax weighting)")
  .option(
    '--regression-freeze-epochs <n>',
    "hip: stage three's first epochs with the encoder held fixed (the head alone learns), the rest tuning the whole network at a tenth of the rate (seed 001's schedule; default 0, end to end)",
    parseNonNegativeInteger,
  )
  .option(
    '--regression-members <n>',
    "hip: stage three's networks, trained alike from different seeds (the run's, then 1,000 apart), their mean reported (default 1, seed 001's one network)",
    parsePositiveInteger,
  )
  .option(
    '--targets <dir>',
    "hip: where the CT-to-radiograph registrations' training targets and the networks' checkpoints are kept between runs (default <out>-targets; with --fine-tune <out>-checkpoints)",
  )
  .option('--batch-size <n>', 'training batch size (default 8; hip 4)', parsePositiveInteger)
  .option('--cores <n>', 'cores for data-parallel training (default 2)', parsePositiveInteger)
  .action(
    async (
      pipeline: string,
      o: {
        cohort: string;
        out: string;
        folds?: number;
        seed: number;
        networks?: string;
        fineTune?: string;
        backgroundRemoval: boolean;
        covariates: boolean;
        bodyContrast: boolean;
        hierarchical: boolean;
        estimate?: string;
        inputChannels?: number;
        regressionPooling?: string;
        regressionFreezeEpochs?: number;
        regressionMembers?: number;
        targets?: string;
        ensemble: boolean;
        compareCovariates?: boolean;
        referralSensitivity?: number;
        variants?: string;
        epochs?: string;
        batchSize?: number;
        cores?: number;
      },
    ) => {
      const { runTrain } = await import('../run/run-train.js');
      // Only the pipeline options given are passed: each pipeline's schema refuses those it does not take.
      const options = {
        ...(o.epochs === undefined ? {} : { epochs: o.epochs }),
        ...(o.batchSize === undefined ? {} : { batchSize: o.batchSize }),
        ...(o.backgroundRemoval ? {} : { backgroundRemoval: false }),
        ...(o.variants === undefined ? {} : { variants: o.variants }),
        ...(o.covariates ? {} : { covariates: false }),
        ...(o.bodyContrast ? {} : { bodyContrast: false }),
        ...(o.ensemble ? {} : { ensemble: false }),
        ...(o.hierarchical ? {} : { hierarchical: false }),
        ...(o.estimate === undefined ? {} : { estimate: o.estimate }),
        ...(o.inputChannels === undefined ? {} : { inputChannels: o.inputChannels }),
        ...(o.regressionPooling === undefined ? {} : { regressionPooling: o.regressionPooling }),
        ...(o.regressionFreezeEpochs === undefined ? {} : { regressionFreezeEpochs: o.regressionFreezeEpochs }),
        ...(o.regressionMembers === undefined ? {} : { regressionMembers: o.regressionMembers }),
        ...(o.targets === undefined ? {} : { targets: o.targets }),
        ...(o.compareCovariates === true ? { compareCovariates: true } : {}),
        ...(o.referralSensitivity === undefined ? {} : { referralSensitivity: o.referralSensitivity }),
      };
      await runTrain({
        site: pipeline,
        cohortCsv: o.cohort,
        outDir: o.out,
        folds: o.folds,
        seed: o.seed,
        networksFrom: o.networks,
        fineTuneFrom: o.fineTune,
        cores: o.cores,
        options,
        command: `openbmd train ${process.argv.slice(3).join(' ')}`.trim(),
        say,
      });
    },
  );

program
  .command('serve')
  .description(
    'the HTTP service: POST studies (DICOM, multipart or zip), a worklist, results and their files; SQLite store under --data; OPENBMD_API_TOKEN for bearer authentication',
  )
  .option('--host <host>', 'address to listen on (beyond loopback only with OPENBMD_API_TOKEN set)', '127.0.0.1')
  .option('--port <port>', 'port (0: any free one)', parseNonNegativeInteger, 8042)
  .option('--data <dir>', 'folder of the SQLite store and the studies', 'openbmd-data')
  .option('--workers <n>', 'analyses at once, each in its own worker process', parsePositiveInteger, 1)
  .option('--max-upload-mb <MiB>', 'largest upload (all files, unzipped); larger ones are answered 413', parsePositiveInteger, 1024)
  .option('--max-upload-files <n>', 'most files in one upload (a CT series is one file per slice)', parsePositiveInteger, 4000)
  .option('--max-queued <n>', 'queued studies beyond which uploads are answered 503 (back-pressure)', parsePositiveInteger, 1000)
  .option('--job-timeout-s <s>', 'an analysis running longer is stopped and its study failed', parsePositiveInteger, 900)
  .option('--worker-heap-mb <MiB>', "each worker process's heap limit", parsePositiveInteger, 4096)
  .option('--redis <url>', 'redis:// URL: analyses go through BullMQ to `openbmd worker` processes (then --workers is unused)')
  .option('--public-url <url>', 'with --redis: the URL workers reach this server at (default: the listen address)')
  .option(
    '--pacs <url>',
    'DICOMweb root of a PACS (e.g. http://pacs:8042/dicom-web): studies are pulled from it and results stored back (OPENBMD_PACS_AUTHORIZATION: its Authorization header)',
  )
  .option('--pacs-poll-s <s>', 'with --pacs: look for new studies every this many seconds', parsePositiveInteger)
  .option('--pacs-poll-query <query>', 'with --pacs-poll-s: QIDO-RS matching keys, e.g. ModalitiesInStudy=CT&StudyDate=20261206-')
  .option('--quiet', 'no request log on stdout')
  .action(
    async (o: {
      host: string;
      port: number;
      data: string;
      workers: number;
      maxUploadMb: number;
      maxUploadFiles: number;
      maxQueued: number;
      jobTimeoutS: number;
      workerHeapMb: number;
      redis?: string;
      publicUrl?: string;
      pacs?: string;
      pacsPollS?: number;
      pacsPollQuery?: string;
      quiet?: boolean;
    }) => {
      const { startService } = await import('../service/start-service.js');
      const token = process.env['OPENBMD_API_TOKEN'];
      const service = await startService({
        host: o.host,
        port: o.port,
        dataDir: o.data,
        token: token === undefined || token === '' ? undefined : token,
        workers: o.workers,
        maxUploadMiB: o.maxUploadMb,
        maxUploadFiles: o.maxUploadFiles,
        maxQueued: o.maxQueued,
        jobTimeoutS: o.jobTimeoutS,
        workerHeapMiB: o.workerHeapMb,
        logRequests: o.quiet !== true,
        redisUrl: o.redis,
        publicUrl: o.publicUrl,
        pacsUrl: o.pacs,
        pacsAuthorization: process.env['OPENBMD_PACS_AUTHORIZATION'] || undefined,
        pacsPollS: o.pacsPollS,
        pacsPollQuery: o.pacsPollQuery === undefined ? undefined : Object.fromEntries(new URLSearchParams(o.pacsPollQuery)),
        say,
      });
      await untilStopped();
      say('openbmd serve: stopping (running analyses are queued again at the next start)');
      await service.close();
    },
  );

program
  .command('worker')
  .description(
    "runs analyses from a Redis queue for `openbmd serve --redis`: fetches each study from its server, analyses it, posts the outcome back (OPENBMD_API_TOKEN: the server's token)",
  )
  .requiredOption('--redis <url>', 'redis:// URL of the queue the server uses')
  .option('--concurrency <n>', 'analyses at once, each in its own process', parsePositiveInteger, 1)
  .option('--job-timeout-s <s>', 'an analysis running longer is stopped and its study failed', parsePositiveInteger, 900)
  .option('--worker-heap-mb <MiB>', "each analysis process's heap limit", parsePositiveInteger, 4096)
  .option('--lock-s <s>', "how long a job's lock lasts unrenewed: a worker that dies hands its job on after about this long", parsePositiveInteger, 30)
  .action(async (o: { redis: string; concurrency: number; jobTimeoutS: number; workerHeapMb: number; lockS: number }) => {
    const { startRedisWorker } = await import('../service/jobs/redis-worker.js');
    const token = process.env['OPENBMD_API_TOKEN'];
    const worker = await startRedisWorker({
      redisUrl: o.redis,
      token: token === undefined || token === '' ? undefined : token,
      concurrency: o.concurrency,
      maxHeapMiB: o.workerHeapMb,
      timeoutS: o.jobTimeoutS,
      lockS: o.lockS,
      say,
    });
    await untilStopped();
    say('openbmd worker: stopping (after the running analysis)');
    await worker.close();
  });

/** Resolves on SIGINT or SIGTERM, so a service shuts down cleanly. */
function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  if (isCommanderExit(thrown)) {
    process.exitCode = thrown.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = reportFailure(thrown);
  }
}

function parseSpacing(text: string): [number, number] {
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || !parts.every((v) => Number.isFinite(v) && v > 0)) {
    throw new OpenBmdError('BAD_ARGUMENT', `--spacing-mm wants two positive numbers ROW,COL, got '${text}'`);
  }
  return [parts[0]!, parts[1]!];
}

function parseVector3(text: string): [number, number, number] {
  const parts = text.split(',').map(Number);
  if (parts.length !== 3 || !parts.every(Number.isFinite)) throw new OpenBmdError('BAD_ARGUMENT', `expected three numbers x,y,z, got '${text}'`);
  return [parts[0]!, parts[1]!, parts[2]!];
}

function parseIntegerPair(text: string): [number, number] {
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || !parts.every((v) => Number.isInteger(v) && v > 0))
    throw new OpenBmdError('BAD_ARGUMENT', `expected two positive integers ROWS,COLS, got '${text}'`);
  return [parts[0]!, parts[1]!];
}

function parseLabelList(text: string): number[] {
  const parts = text.split(',').map(Number);
  if (parts.length === 0 || !parts.every(Number.isInteger)) throw new OpenBmdError('BAD_ARGUMENT', `expected whole-number labels such as 1,2, got '${text}'`);
  return parts;
}

function parseSide(text: string): 'left' | 'right' {
  const side = text.toUpperCase();
  if (side !== 'L' && side !== 'R') throw new OpenBmdError('BAD_ARGUMENT', `--side is L or R, got '${text}'`);
  return side === 'L' ? 'left' : 'right';
}

function parseSex(text: string): 'F' | 'M' {
  if (text !== 'F' && text !== 'M') throw new OpenBmdError('BAD_ARGUMENT', `--sex is F or M, got '${text}'`);
  return text;
}

function parsePositiveNumber(text: string): number {
  const v = Number(text);
  if (!(Number.isFinite(v) && v > 0)) throw new OpenBmdError('BAD_ARGUMENT', `expected a positive number, got '${text}'`);
  return v;
}

function parseShare(text: string): number {
  const v = Number(text);
  if (!(Number.isFinite(v) && v >= 0 && v <= 1)) throw new OpenBmdError('BAD_ARGUMENT', `expected a share between 0 and 1, got '${text}'`);
  return v;
}

function parsePositiveInteger(text: string): number {
  const v = parsePositiveNumber(text);
  if (!Number.isInteger(v)) throw new OpenBmdError('BAD_ARGUMENT', `expected a positive integer, got '${text}'`);
  return v;
}

function parseNonNegativeInteger(text: string): number {
  const v = Number(text);
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) throw new OpenBmdError('BAD_ARGUMENT', `expected an integer >= 0, got '${text}'`);
  return v;
}

function isCommanderExit(thrown: unknown): thrown is { exitCode: number; code: string } {
  return typeof thrown === 'object' && thrown !== null && 'code' in thrown && String((thrown as { code: unknown }).code).startsWith('commander.');
}
