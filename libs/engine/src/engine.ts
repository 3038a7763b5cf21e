import type { InferenceSession } from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import type { EngineResult } from '@platewise/snapshot';
import { DEFAULT_CONFIG, EngineConfig, regionHints } from './config';
import {
  PlateDetection,
  PlateInput,
  detectPlates,
  detectPlatesIn,
  plateInput,
} from './detect/plate';
import {
  coverCrops,
  cropPassCertain,
  cropPassWorthIt,
  plateOn,
  REDACTION_LEEWAY,
  secondLookTiles,
  vehicleInputLong,
} from './detect/plan';
import { RedactionThread } from './redact/redaction-thread';
import { VehicleDetection, detectVehicles } from './detect/vehicle';
import { CLOSE_UP, looseCrop, plateShaped, wholePhotoPlate } from './detect/close-up';
import { Box, boxArea, boxOfPoints, clampBox } from './geometry/box';
import { nms } from './geometry/nms';
import {
  DEFAULT_MAX_PIXELS,
  RawRgb,
  RgbImage,
  cropRgb,
  decodeImage,
  rawImage,
  resizeShared,
} from './image/decode';
import { letterbox } from './geometry/letterbox';
import { loadManifest, readOptional, readVerified, resolveModelsDir } from './models/manifest';
import { freeDims } from './models/free-dims';
import { weightsAsConstants } from './models/constant-weights';
import { plateDetectorHeads } from './models/plate-heads';
import { Device, TensorRunner, createSession } from './models/runtime';
import { EnginePhase, phaseTimer } from './phase-timer';
import { foldingTable } from './ocr/alphabet';
import { slotReaderSessions } from './ocr/slot-reader';
import { round3 } from './plates/candidates';
import {
  PlateTextReader,
  RECOGNIZER_MODES,
  ReaderSessions,
  RecognizerMode,
  usesPpocr,
} from './reading/read-plate';
import { TUNING } from './reading/tuning';
import { PlateRead, plateBox, plateResult, vehicleModeResults, vehicleOf } from './results';
import { ATTRIBUTE_INPUT } from './vehicle/attributes';
import {
  MakeModelClassifier,
  VehicleAttributes,
  VehicleDescriber,
  closeUpVehicle,
  parseMakeModelLabels,
} from './vehicle/mmc';
import { ModelLoadError } from './errors';
import { RedactRequest, RedactionResult, redactImage } from './redact/engine-redact';

export { RECOGNIZER_MODES, TUNING };
export type { RecognizerMode };

export interface EngineOptions {
  /** folder with the installed weights (default: <repo>/models/weights) */
  modelsDir?: string;
  /**
   * ONNX Runtime intra-op threads (default 2) of the larger, rarer runs: face detectors, the 640
   * plate detector, PP-OCR, make/model. The detectors of every read, the state head and the
   * plate reader run on one (createEngine says why).
   */
  threads?: number;
  /** default: cpu */
  device?: Device;
  /**
   * Who reads the plate text (default `cct`; parseRecognizer reads an ENGINE_RECOGNIZER value; see reading/read-plate.ts
   * and libs/engine/README.md "Plate reading" for the figures behind the choice). `ensemble`,
   * `ppocr` and `crnn` are issue 5's paths, kept for comparisons; `ensemble` or `crnn` without
   * platewise-rec-v1 installed is a ModelLoadError.
   */
  recognizer?: RecognizerMode;
  /** largest image (width × height) read; bigger ones are refused from their header (default: DEFAULT_MAX_PIXELS) */
  maxPixels?: number;
}

export interface ReadOptions {
  /** region codes (`us-ca`, `br`, …): a guide that re-ranks candidates, not a filter */
  regions?: string[];
  /**
   * The hints regionHints already made of the caller's regions (a recognition request computes
   * them once, when it is validated); given, `regions` is not read again.
   */
  hints?: string[];
  /**
   * The engine configuration: what is not given takes its default. Validated where it came in
   * (readEngineConfig at the edge: gateway, CLI), so a typo is the caller's 400, not an engine error.
   */
  config?: Partial<EngineConfig>;
  /** vehicle colour, orientation and make/model */
  mmc?: boolean;
  /** told how long each phase of this read took (workers export these as metrics) */
  onPhase?: (phase: EnginePhase, ms: number) => void;
}

export interface Engine {
  /** an upload as sent (JPEG, PNG, …), or pixels decoded already (a video frame: `RawRgb`) */
  read(image: Buffer | RawRgb, opts?: ReadOptions): Promise<EngineResult>;
  /** the same photo with its plates and faces hidden (redact/engine-redact.ts) */
  redact(image: Buffer, opts?: RedactRequest): Promise<RedactionResult>;
  close(): Promise<void>;
  /** milliseconds createEngine spent loading and verifying models */
  readonly loadTimeMs: number;
  /** the recogniser mode in use (see EngineOptions.recognizer) */
  readonly recognizer: RecognizerMode;
  /** the CCT reader's model file in modes `cct` and `gated`, else null */
  readonly plateReader: string | null;
  /** the region classifier's model file when one is loaded, else null */
  readonly regionClassifier: string | null;
  /** the face detector's model file when one is installed, else null (no face redaction) */
  readonly faceDetector: string | null;
  /** the vehicle attribute heads (mmc orientation, colour, type) when loaded, else null */
  readonly vehicleAttributes: string | null;
  /** the US-state head (region.code `us-xx`) when loaded, else null */
  readonly plateState: string | null;
  /** the operator's make/model classifier when installed, else null */
  readonly makeModel: string | null;
}

interface Sessions extends ReaderSessions {
  vehicle: InferenceSession;
  plate: InferenceSession;
  plate640: InferenceSession;
  /**
   * optional: the face detectors (640: without it a redaction that asks for faces is refused,
   * EngineConfigError; 320: the faster, less sharp-eyed one of `mode: fast` redactions)
   */
  redaction?: RedactionThread;
  attributes?: InferenceSession;
  makeModel?: InferenceSession;
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const started = performance.now();
  const modelsDir = resolveModelsDir(options.modelsDir);
  const threads = options.threads ?? 2;
  const device: Device = options.device ?? 'cpu';
  const manifest = loadManifest(modelsDir);
  const recognizer: RecognizerMode = options.recognizer ?? 'cct';
  const cct = recognizer === 'cct' || recognizer === 'gated';
  const ppocr = usesPpocr(recognizer);
  const crnn = recognizer === 'ensemble' || recognizer === 'crnn';
  // Verify every file before creating any session, so one message lists the first bad file.
  const files = {
    vehicle: readVerified(modelsDir, manifest, 'vehicle-detector'),
    // cut at its heads, decoded in JavaScript for the cells that pass (models/plate-heads.ts):
    // a run about 15 % cheaper
    plate: plateHeads(readVerified(modelsDir, manifest, 'plate-detector'), 'plate-detector'),
    plate640: plateHeads(
      readVerified(modelsDir, manifest, 'plate-detector-640'),
      'plate-detector-640',
    ),
    cct: cct ? readVerified(modelsDir, manifest, 'plate-reader') : null,
    // optional: without it the no-hint prior and region.code come from the text alone
    region: cct ? readOptional(modelsDir, manifest, 'region-classifier', false) : null,
    textDet: ppocr ? readVerified(modelsDir, manifest, 'text-detector') : null,
    textRec: ppocr ? readVerified(modelsDir, manifest, 'text-recognizer') : null,
    dict: ppocr ? readVerified(modelsDir, manifest, 'text-dictionary') : null,
    crnn: crnn ? readOptional(modelsDir, manifest, 'plate-recognizer', true) : null,
    // the face detectors' weights made constants (models/constant-weights.ts): a run 2.4× cheaper
    face: faceModel(readOptional(modelsDir, manifest, 'face-detector', false)),
    face320: faceModel(readOptional(modelsDir, manifest, 'face-detector-320', false)),
    // optional: MobileNetV2 and the project's heads on it (graph patches appended to the
    // backbone's bytes, models/training/vehicle_graph.py); without them mmc answers colour from
    // pixels, orientation Unknown, the detector's type, and region.code stays at country level
    backbone: readOptional(modelsDir, manifest, 'image-backbone', false),
    attributes: readOptional(modelsDir, manifest, 'vehicle-attributes', false),
    state: cct ? readOptional(modelsDir, manifest, 'plate-state', false) : null,
    // optional, the operator's own licensed model (README "mmc"): both files or neither
    makeModel: readOptional(modelsDir, manifest, 'make-model', false),
    makeModelLabels: readOptional(modelsDir, manifest, 'make-model-labels', false),
  };
  const patched = (patch: Buffer | null) =>
    files.backbone && patch ? Buffer.concat([files.backbone, patch]) : null;
  const fileName = (name: string): string => manifest.find((m) => m.name === name)?.file ?? name;
  const rt = { threads, device };
  const session = async (bytes: Buffer | null, name: string, own = rt) =>
    bytes ? await createSession(bytes, fileName(name), own) : undefined;
  // One thread for the runs of every read: ONNX Runtime's threads do not spin (runtime.ts), so a
  // second one is woken at every operator, and on these inputs that costs more than its half of
  // the work saves — the plate reader's 128×64 crop 3.1 ms CPU on one thread, 3.4–3.9 on two;
  // YOLOX at 416×256 6.7 ms on one against 10.9 on two, the plate detector 5.5 against 8.9
  // (issue 27; libs/engine/README.md "Speed by photo size": faster idle and busy alike).
  const tiny = { threads: 1, device };
  const sessions: Sessions = {
    // free height and width: each photo is read at its own aspect ratio (detect/vehicle.ts)
    vehicle: (await session(
      freeDims(files.vehicle, { images: [1, 3, 'height', 'width'] }),
      'vehicle-detector',
      tiny,
    )) as InferenceSession,
    plate: (await session(files.plate, 'plate-detector', tiny)) as InferenceSession,
    plate640: (await session(files.plate640, 'plate-detector-640')) as InferenceSession,
    ...(files.cct
      ? await slotReaderSessions(files.cct, files.region, (bytes, name) =>
          createSession(bytes, fileName(name), tiny),
        )
      : {}),
    textDet: await session(files.textDet, 'text-detector'),
    textRec: await session(files.textRec, 'text-recognizer'),
    crnn: await session(files.crnn, 'plate-recognizer'),
    // The face detectors (and a plate detector) in a thread of their own, on one ONNX Runtime
    // thread: a redaction's face run takes that core while its plate runs take this one
    // (redact/redaction-thread.ts).
    redaction:
      files.face || files.face320
        ? await RedactionThread.start(
            [
              ...(files.face
                ? [{ size: 640 as const, bytes: files.face, file: fileName('face-detector') }]
                : []),
              ...(files.face320
                ? [
                    {
                      size: 320 as const,
                      bytes: files.face320,
                      file: fileName('face-detector-320'),
                    },
                  ]
                : []),
            ],
            tiny,
            // the plate detector too: a redaction runs some of its plate runs there (below)
            { bytes: files.plate, file: fileName('plate-detector') },
          )
        : undefined,
    state: await session(patched(files.state), 'plate-state', tiny),
    // MobileNetV2 at 224² on one vehicle: a second thread saves no time and costs CPU (one run:
    // 4.7 / 6.3 ms on one thread, 5.0 / 6.8 ms on two, CPU 5.0 against 6.5 ms; issue 23)
    attributes: await session(patched(files.attributes), 'vehicle-attributes', tiny),
    makeModel:
      files.makeModel && files.makeModelLabels
        ? await session(files.makeModel, 'make-model')
        : undefined,
  };
  let makeModel: MakeModelClassifier | null = null;
  if (sessions.makeModel && files.makeModelLabels) {
    makeModel = {
      session: sessions.makeModel,
      labels: parseMakeModelLabels(files.makeModelLabels.toString('utf8')),
    };
    await checkMakeModel(makeModel, fileName('make-model'));
  }
  let table: Int32Array | null = null;
  if (files.dict) {
    const dictionary = files.dict.toString('utf8').split(/\r?\n/);
    if (dictionary[dictionary.length - 1] === '') dictionary.pop();
    table = foldingTable(dictionary);
  }
  const engine = new PlateEngine(
    sessions,
    new PlateTextReader(sessions, table, recognizer),
    cct ? fileName('plate-reader') : null,
    files.region ? fileName('region-classifier') : null,
    files.face ? fileName('face-detector') : null,
    options.maxPixels ?? DEFAULT_MAX_PIXELS,
    new VehicleDescriber(sessions.attributes ?? null, makeModel),
    {
      vehicleAttributes: sessions.attributes ? fileName('vehicle-attributes') : null,
      plateState: sessions.state ? fileName('plate-state') : null,
      makeModel: makeModel ? fileName('make-model') : null,
    },
  );
  // One throw-away read: ONNX Runtime finishes its graph set-up on the first run of each session,
  // which would otherwise land on the first caller.
  await engine.warmUp();
  engine.loadTimeMs = performance.now() - started;
  return engine;
}

const faceModel = (bytes: Buffer | null) => (bytes ? weightsAsConstants(bytes) : null);
/** y5fu cut at its heads, which detect/plate.ts decodes (models/plate-heads.ts). */
function plateHeads(bytes: Buffer, name: string): Buffer {
  const cut = plateDetectorHeads(bytes);
  if (!cut)
    throw new ModelLoadError(`the ${name} model is not y5fu's: no three 45-channel heads`, name);
  return cut;
}

/** The operator's make/model model must answer one probability per line of its labels file. */
async function checkMakeModel(m: MakeModelClassifier, file: string): Promise<void> {
  const s = ATTRIBUTE_INPUT;
  let k: number;
  try {
    const out = await m.session.run({
      [m.session.inputNames[0]]: new Tensor('float32', new Float32Array(3 * s * s), [1, 3, s, s]),
    });
    const dims = out[m.session.outputNames[0]].dims;
    k = dims.length === 2 && dims[0] === 1 ? Number(dims[1]) : NaN;
  } catch (err) {
    throw new ModelLoadError(
      `make/model model ${file} does not take the documented input (float32 [N,3,224,224]): ${(err as Error).message}`,
      file,
    );
  }
  if (k !== m.labels.length) {
    throw new ModelLoadError(
      `make/model model ${file} must answer [N,K] probabilities with K = ${m.labels.length} (lines of its labels file); it answered ${Number.isNaN(k) ? 'another shape' : `K = ${k}`}`,
      file,
    );
  }
}

class PlateEngine implements Engine {
  loadTimeMs = 0;
  readonly recognizer: RecognizerMode;
  readonly vehicleAttributes: string | null;
  readonly plateState: string | null;
  readonly makeModel: string | null;

  constructor(
    private readonly s: Sessions,
    private readonly reader: PlateTextReader,
    readonly plateReader: string | null,
    readonly regionClassifier: string | null,
    readonly faceDetector: string | null,
    private readonly maxPixels: number,
    private readonly describer: VehicleDescriber,
    names: {
      vehicleAttributes: string | null;
      plateState: string | null;
      makeModel: string | null;
    },
  ) {
    this.recognizer = reader.mode;
    this.vehicleAttributes = names.vehicleAttributes;
    this.plateState = names.plateState;
    this.makeModel = names.makeModel;
  }

  async warmUp(): Promise<void> {
    const { default: sharp } = await import('sharp');
    // A grey photo with a dark "plate" bar so every stage, text detection included, runs once.
    const png = await sharp({
      create: { width: 640, height: 480, channels: 3, background: '#888' },
    })
      .composite([
        {
          input: { create: { width: 160, height: 40, channels: 3, background: '#fff' } },
          left: 240,
          top: 300,
        },
      ])
      .png()
      .toBuffer();
    await this.read(png, { mmc: true });
    // the grey photo holds no vehicle: the attribute heads get their first run here
    await this.describer.describe(
      { data: Buffer.alloc(64 * 64 * 3, 128), width: 64, height: 64 },
      [{ box: { xmin: 0, ymin: 0, xmax: 64, ymax: 64 }, score: 1, cls: 'car' }],
      () => [],
    );
    await this.reader.warmUp();
    await this.s.redaction?.warmUp(await decodeImage(png));
  }

  async close(): Promise<void> {
    const { redaction, ...sessions } = this.s;
    await Promise.all([
      redaction?.close(),
      ...Object.values(sessions).map((x?: InferenceSession) => x?.release()),
    ]);
  }

  async read(image: Buffer | RawRgb, opts: ReadOptions = {}): Promise<EngineResult> {
    const t0 = performance.now();
    const config: EngineConfig = { ...DEFAULT_CONFIG, ...opts.config };
    // Regions are a guide: codes this engine has no template for (e.g. mx) are accepted and ignored.
    const hints = opts.hints ?? regionHints(opts.regions ?? []);
    const phase = phaseTimer(opts.onPhase);
    const img = ArrayBuffer.isView(image)
      ? await decodeImage(image, this.maxPixels)
      : rawImage(image, this.maxPixels);
    phase('decode');
    // `mode: fast` is one detection step, the plate detector's: vehicles are looked for only when
    // the request needs them (detection_rule strict, vehicle mode, mmc); plates then report the
    // spec's unknown vehicle.
    const needVehicles =
      config.mode !== 'fast' ||
      config.detection_rule === 'strict' ||
      config.detection_mode === 'vehicle' ||
      !!opts.mmc;
    // The whole-photo plate input is resized (sharp, off the main thread) while the vehicle
    // detector runs, which holds the main thread: the plate pass then starts without a wait.
    const wholePlateInput = plateInput(img, 320);
    wholePlateInput.catch(() => undefined); // awaited below; not unhandled if vehicles throw first
    const vehicles = needVehicles ? await this.findVehicles(img) : [];
    phase('vehicles');
    const plates = await this.findPlates(img, vehicles, config, wholePlateInput);
    phase('plates');
    // mmc's inputs of the vehicles holding a plate are resized (sharp, off the main thread) while
    // the plates are read, not after
    const prepared = opts.mmc
      ? this.describer.prepare(
          img,
          plates.flatMap((d) => vehicleOf(d.box, vehicles) ?? []),
        )
      : undefined;
    let reads: PlateRead[] = [];
    for (const det of plates) {
      const text = await this.reader.read(img, det, hints, config);
      if (!text) continue;
      const vehicle = vehicleOf(det.box, vehicles);
      if (config.detection_rule === 'strict' && !vehicle) continue;
      // the reader took in more of the plate than the detector's quad (a two-row plate's upper row)
      const read = text.corners
        ? { ...det, corners: text.corners, box: boxOfPoints(text.corners), rows: 2 as const }
        : det;
      reads.push({ ...text, det: read, vehicle });
    }
    // A close-up of one plate (detect/close-up.ts): no vehicle in it (in `mode: fast`, which looks
    // for none, nothing read), plate-shaped, not a plate the detector read with a margin around
    // it, and sure when read whole; whatever else the detector read in it is part of that plate
    // (a sticker, the state's name). Not under detection_rule strict: it is on no vehicle found.
    if (
      !vehicles.length &&
      (needVehicles || !reads.length) &&
      config.detection_rule !== 'strict' &&
      plateShaped(img) &&
      !looseCrop(reads, img)
    ) {
      const whole = await this.readWhole(img, hints, config);
      if (whole) reads = [whole];
    }
    let described: Map<VehicleDetection, VehicleAttributes> | null = null;
    if (opts.mmc) {
      // a close-up plate with no vehicle detected around it is on the car that fills the photo
      if (config.detection_mode === 'plate')
        for (const r of reads)
          if (!r.vehicle && !r.wholePhoto) r.vehicle = closeUpVehicle(plateBox(r.det), img);
      // The vehicles the answer shows: those holding a read plate, and in vehicle mode the others too.
      const shown =
        config.detection_mode === 'vehicle'
          ? vehicles.filter((v) => v.score >= 0.3 || reads.some((r) => r.vehicle === v))
          : reads.flatMap((r) => (r.vehicle ? [r.vehicle] : []));
      described = await this.describer.describe(
        img,
        shown,
        (v) =>
          reads
            .filter((r) => r.vehicle === v)
            .map((r) => clampBox(plateBox(r.det), img.width, img.height)),
        prepared,
      );
    }
    const results =
      config.detection_mode === 'vehicle'
        ? vehicleModeResults(img, reads, vehicles, described)
        : reads.map((r) => plateResult(img, r, described));
    phase('read');
    return { processing_time: round3(performance.now() - t0), results };
  }

  /** The whole photo read as one plate, when the read is sure (CLOSE_UP.minScore and threshold_o). */
  private async readWhole(
    img: RgbImage,
    hints: string[],
    config: EngineConfig,
  ): Promise<PlateRead | null> {
    const bar = Math.max(config.threshold_o, CLOSE_UP.minScore);
    const text = await this.reader.read(img, wholePhotoPlate(img, 1), hints, {
      ...config,
      threshold_o: bar,
    });
    if (!text) return null;
    // its dscore is the read's score, so threshold_d asks as much of it as of a detection
    const score = text.candidates[0].score;
    if (score < config.threshold_d) return null;
    return { ...text, det: wholePhotoPlate(img, score), vehicle: null, wholePhoto: true };
  }

  async redact(image: Buffer, opts: RedactRequest = {}): Promise<RedactionResult> {
    return redactImage(image, opts, {
      maxPixels: this.maxPixels,
      face: this.s.redaction?.runner(640),
      face320: this.s.redaction?.runner(320),
      // The plate reader's own vehicle pass, so its vehicle crops are the ones the reader will
      // look at in the redacted photo.
      vehicles: (img) => this.findVehicles(img),
      // The plate reader's own passes at the redaction's bar; the tiles come apart (sweep).
      // Its whole-photo pass is the caller's (startWhole), its crop passes on both threads (the
      // other one's once `asideFrom` settles).
      plates: async (img, vehicles, config, whole, asideFrom) => {
        const regular: EngineConfig = { ...config, mode: 'regular' };
        const bar = Math.min(regular.threshold_d, 0.1);
        const { passes } = await this.checkPlates(
          img,
          vehicles,
          regular,
          whole,
          [],
          bar,
          undefined,
          asideFrom,
        );
        return passes;
      },
      readWhole: async (img, bar) => {
        const config = { ...DEFAULT_CONFIG, threshold_o: bar };
        const text = await this.reader.read(img, wholePhotoPlate(img, 1), [], config);
        return text ? text.candidates[0].score : null;
      },
      // with leeway: the reader will take the second look on the JPEG sent, where its vehicles
      // may be a pixel or two longer or shorter (detect/plan.ts `secondLookTiles`)
      secondLook: (img, vehicles) => this.secondLookTiles(img, vehicles, REDACTION_LEEWAY),
      // the tiles on both threads: this one and the face detectors' (once `asideFrom` settles:
      // its face run is done by then)
      sweep: async (img, tiles, th, asideFrom, whole) => {
        const jobs: BoxJob[] = tiles.map((box) => ({ box, th }));
        // last in the queue, as its input (a resize of the whole photo) takes longest to make
        if (whole) {
          const input = plateInput(img, 320);
          input.catch(() => undefined); // awaited by the lane that takes it
          jobs.push({ box: { xmin: 0, ymin: 0, xmax: img.width, ymax: img.height }, th, input });
        }
        const found = await this.detectOnBoxes(
          img,
          jobs,
          this.s.redaction?.plateRunner(),
          asideFrom,
        );
        const ordered = whole ? [found[found.length - 1], ...found.slice(0, -1)] : found;
        return ordered.flat().filter((d) => d.score >= th);
      },
      check: (img, vehicles, config, whole, tiles, th, abandoned) =>
        this.checkPlates(
          img,
          vehicles,
          { ...config, mode: 'regular' },
          whole,
          tiles,
          th,
          abandoned,
        ),
      // the detectors' first resizes of the photo (vehicles; the whole-photo plate pass), made in
      // sharp's threads beside the face detector's
      prefetch: async (img) => {
        const { width, height } = letterbox(img.width, img.height, 320, 320, 'center');
        const long = vehicleInputLong(img.width, img.height);
        const v = letterbox(img.width, img.height, long, long, 'top-left');
        await Promise.all([resizeShared(img, width, height), resizeShared(img, v.width, v.height)]);
      },
      // on whichever thread is free first: the face detectors' once it has no run waiting (a
      // face run there had held the check's whole-photo pass back while this thread idled), or
      // this one once the caller has nothing else to run (`here`)
      startWhole: async (img, th) => {
        const input = await plateInput(img, 320);
        const run = (session: InferenceSession | TensorRunner) =>
          detectPlatesIn(session, input, th).then((ds) => ds.filter((d) => d.score >= th));
        const thread = this.s.redaction;
        const aside = thread?.plateRunner();
        let taken = false;
        let settle!: (found: Promise<PlateDetection[]>) => void;
        const found = new Promise<PlateDetection[]>((resolve) => (settle = resolve));
        found.catch(() => undefined); // awaited by the caller
        const take = (session: InferenceSession | TensorRunner) => {
          if (taken) return;
          taken = true;
          settle(run(session));
        };
        if (thread && aside) void thread.idle().then(() => take(aside));
        else take(this.s.plate);
        return { found, here: () => take(this.s.plate) };
      },
    });
  }

  /**
   * The plate reader's passes (`config` mode regular) on `img` given its `vehicles` and what its
   * whole-photo pass found (`whole`, at this search's bar or below), and the plate detector on
   * `tiles` at `th`: the vehicle crops and the tiles on both threads (this one and the face
   * detectors'), each taking the next when free. The passes as findPlates answers them (a crop
   * the reader would skip, given what the whole photo and the crops before it found, does not
   * count; one it might skip is run all the same), the tiles' detections in tile order.
   */
  private async checkPlates(
    img: RgbImage,
    vehicles: VehicleDetection[],
    config: EngineConfig,
    whole: Promise<PlateDetection[]>,
    tiles: Box[],
    th: number,
    abandoned?: () => boolean,
    asideFrom?: Promise<unknown>,
  ): Promise<{ passes: PlateDetection[]; swept: PlateDetection[] }> {
    const bar = Math.min(config.threshold_d, 0.1);
    const aside = this.s.redaction?.plateRunner();
    // the tiles start at once, the crops once the whole-photo pass has answered (it tells which
    // are worth a look); what the crops before it add can only make a crop less worth it, so
    // those worth it given the whole photo's plates run, and count as the reader counts them
    const swept = this.detectOnBoxes(
      img,
      tiles.map((box) => ({ box, th })),
      aside,
      asideFrom,
      abandoned,
    );
    swept.catch(() => undefined); // awaited below
    let found = (await whole).filter((d) => d.score >= bar);
    const largest = this.cropBoxes(img, vehicles, config);
    // the other long vehicles' crops, which the reader takes where it found no plate on them:
    // all of them (what the reader might skip is looked at all the same)
    const crops = [
      ...largest.filter((b) => cropPassWorthIt(img, b, found)),
      ...this.coverCrops(img, vehicles, config, largest),
    ];
    const out = await this.detectOnBoxes(
      img,
      crops.map((box) => ({ box, th: bar })),
      aside,
      asideFrom,
      abandoned,
    );
    for (const [i, b] of crops.entries())
      if (!largest.includes(b) || cropPassWorthIt(img, b, found)) found = found.concat(out[i]);
    // the reader's zoomed-out look at a photo with no vehicle, which it takes where it finds no
    // plate: taken whatever was found here, as what is hidden may leave it none
    if (!vehicles.length) {
      const zoomed = await plateInput(img, 320, TUNING.zoomOut);
      found = found.concat(await detectPlatesIn(this.s.plate, zoomed, bar));
    }
    const passes = nms(found, 0.3)
      .filter((d) => d.score >= config.threshold_d)
      .slice(0, MAX_PLATES);
    return {
      passes,
      swept: (await swept).flat().filter((d) => d.score >= th),
    };
  }

  /** The vehicles whose crops the plate passes look at, largest first (clamped boxes). */
  private cropBoxes(img: RgbImage, vehicles: VehicleDetection[], config: EngineConfig): Box[] {
    if (config.mode === 'fast') return [];
    return [...vehicles]
      .sort((a, b) => boxArea(b.box) - boxArea(a.box))
      .slice(0, config.mode === 'redaction' ? 8 : TUNING.vehicleCrops)
      .filter((v) => boxArea(v.box) > 0.02 * img.width * img.height)
      .map((v) => clampBox(v.box, img.width, img.height))
      .filter((b) => b.xmax - b.xmin >= 32 && b.ymax - b.ymin >= 32);
  }

  /**
   * The regular read's crops of its other long vehicles, beside `taken` (detect/plan.ts
   * `coverCrops`); none in `mode: fast`, and `mode: redaction` crops its eight largest already.
   */
  private coverCrops(
    img: RgbImage,
    vehicles: VehicleDetection[],
    config: EngineConfig,
    taken: Box[],
  ): Box[] {
    if (config.mode !== 'regular') return [];
    return coverCrops(
      vehicles.map((v) => clampBox(v.box, img.width, img.height)),
      taken,
    );
  }

  /** Vehicle detection at the input size the photo's size calls for (detect/plan.ts). */
  private findVehicles(img: RgbImage): Promise<VehicleDetection[]> {
    return detectVehicles(this.s.vehicle, img, undefined, vehicleInputLong(img.width, img.height));
  }

  /** Plate detection: the whole photo, then (unless fast) each large vehicle at higher resolution. */
  private async findPlates(
    img: RgbImage,
    vehicles: VehicleDetection[],
    config: EngineConfig,
    /** the whole photo's plateInput at 320, when the caller started it already */
    whole?: Promise<PlateInput>,
  ): Promise<PlateDetection[]> {
    const wholeInput = whole ?? plateInput(img, 320);
    wholeInput.catch(() => undefined); // awaited below; not unhandled if a crop's input throws
    const redaction = config.mode === 'redaction';
    // Detect below the caller's threshold, filter after merging: a plate seen twice keeps its best score.
    const th = Math.min(config.threshold_d, redaction ? 0.05 : 0.1);
    const crops = this.cropBoxes(img, vehicles, config);
    const cropInput = (b: Box) =>
      plateInput(cropRgb(img, b.xmin, b.ymin, b.xmax - b.xmin, b.ymax - b.ymin), 320);
    // A crop the second pass reads whatever the whole photo shows is resized (sharp, off the main
    // thread) while the whole-photo pass runs; the others wait for what it finds (detect/plan.ts).
    const early = crops.map((b) => {
      if (!redaction && !cropPassCertain(img, b)) return null;
      const input = cropInput(b);
      input.catch(() => undefined); // awaited below; not unhandled if the whole pass throws
      return input;
    });
    let found = await detectPlatesIn(this.s.plate, await wholeInput, th);
    for (const [i, b] of crops.entries()) {
      // a read skips a pass that would see the same plate at about the same size (detect/plan.ts)
      if (!early[i] && !cropPassWorthIt(img, b, found)) continue;
      const input = await (early[i] ?? cropInput(b));
      found = found.concat(await detectPlatesIn(this.s.plate, input, th, { x: b.xmin, y: b.ymin }));
    }
    for (const b of this.coverCrops(img, vehicles, config, crops)) {
      if (plateOn(b, found, config.threshold_d)) continue;
      const input = await cropInput(b);
      found = found.concat(await detectPlatesIn(this.s.plate, input, th, { x: b.xmin, y: b.ymin }));
    }
    if (redaction) found = found.concat(await detectPlates(this.s.plate640, img, 640, th));
    const kept = (ds: PlateDetection[]) =>
      nms(ds, 0.3)
        .filter((d) => d.score >= config.threshold_d)
        .slice(0, MAX_PLATES);
    const plates = kept(found);
    if (plates.length || config.mode !== 'regular') return plates;
    // a photo with no vehicle (one cut around a plate, with a margin): the whole photo zoomed out
    if (!vehicles.length) {
      const zoomed = await plateInput(img, 320, TUNING.zoomOut);
      return kept(await detectPlatesIn(this.s.plate, zoomed, th));
    }
    const second = this.secondLookTiles(img, vehicles).map((box) => ({ box, th }));
    return kept((await this.detectOnBoxes(img, second)).flat());
  }

  /**
   * Where a second look at a photo with no plate found goes: native-resolution tiles over its
   * smaller vehicles, the box of a close one (detect/plan.ts `secondLookTiles`). The 320-px
   * detector misses plates that shrink to ~15 px at its input (a 60-px plate in a 1280-px photo
   * scores 0) yet finds them on a tile (0.4–0.9).
   */
  private secondLookTiles(img: RgbImage, vehicles: VehicleDetection[], leeway = 0): Box[] {
    const boxes = vehicles.map((v) => clampBox(v.box, img.width, img.height));
    return secondLookTiles(img, boxes, TUNING.smallPlateTile, leeway);
  }

  /**
   * The plate detector on each box of `img` (a tile, a vehicle's crop) at its bar, read at the
   * detector's 320 px; with `aside` (the detector in another thread) too, once `asideFrom`
   * settles, each of the two takes the next box when free, and makes the input of the one after
   * while its run goes on. The detections come box by box in order whichever ran them. With
   * `abandoned`, no box is taken once it answers true (the rest answer nothing).
   */
  private async detectOnBoxes(
    img: RgbImage,
    jobs: BoxJob[],
    aside?: TensorRunner,
    asideFrom?: Promise<unknown>,
    abandoned?: () => boolean,
  ): Promise<PlateDetection[][]> {
    const found: PlateDetection[][] = jobs.map(() => []);
    let next = 0;
    const take = (): number => (next < jobs.length && !abandoned?.() ? next++ : -1);
    const input = (i: number) => {
      const b = jobs[i].box;
      const made =
        jobs[i].input ??
        plateInput(cropRgb(img, b.xmin, b.ymin, b.xmax - b.xmin, b.ymax - b.ymin), 320);
      made.catch(() => undefined); // awaited by its lane
      return made;
    };
    const lane = async (session: InferenceSession | TensorRunner, from?: Promise<unknown>) => {
      if (from) await from.then(noop, noop);
      let i = take();
      let mine = i >= 0 ? input(i) : null;
      while (mine) {
        const ready = await mine;
        const j = take();
        mine = j >= 0 ? input(j) : null;
        const { box, th } = jobs[i];
        found[i] = await detectPlatesIn(session, ready, th, { x: box.xmin, y: box.ymin });
        i = j;
      }
    };
    // the other thread's lane first: its box is sent before this thread's run holds the thread
    await Promise.all([
      ...(aside && jobs.length > 1 ? [lane(aside, asideFrom)] : []),
      lane(this.s.plate),
    ]);
    return found;
  }
}

const noop = () => undefined;

/**
 * A box of a photo for the plate detector, read at its 320-px input, and the bar of what counts;
 * `input` when made already (the whole photo's: its resize starts at once), else cut and resized
 * from the box when a thread takes it.
 */
interface BoxJob {
  box: Box;
  th: number;
  input?: Promise<PlateInput>;
}

/**
 * Plates one photo is read for, best detections first. A caller's `threshold_d` may be 0, which
 * lets every detector anchor through (2,049 "plates" and 29 s on a dev photo); a busy car park
 * shows a few dozen.
 */
export const MAX_PLATES = 64;
/** ENGINE_RECOGNIZER: unset or empty → undefined (the default rule); a wrong value is refused. */
export function parseRecognizer(value: string | undefined): RecognizerMode | undefined {
  if (value === undefined || value === '') return undefined;
  if ((RECOGNIZER_MODES as readonly string[]).includes(value)) return value as RecognizerMode;
  throw new Error(
    `ENGINE_RECOGNIZER must be one of ${RECOGNIZER_MODES.join(', ')} (got "${value}")`,
  );
}
