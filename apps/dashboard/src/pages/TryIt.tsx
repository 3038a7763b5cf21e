import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type DragEvent, type FormEvent } from 'react';
import { api, type Answer } from '../api';
import { ErrorText } from '../components/ErrorText';
import { TryRedact } from './TryRedact';

/** The plate reader's answer, as the gateway documents it (either detection mode). */
type Snapshot = Answer<'/account/plate-reader', 'post'>;
type Box = Snapshot['results'][number] extends infer R
  ? R extends { box: infer B }
    ? B
    : never
  : never;

/** Both detection modes as one list of plates: text, scores, candidates, region, vehicle. */
function readings(response: Snapshot) {
  const results: Snapshot['results'][number][] = response.results;
  return results.map((r) =>
    'candidates' in r
      ? {
          text: r.plate,
          score: r.score,
          box: r.box,
          region: r.region.code,
          candidates: r.candidates,
          vehicle: r.vehicle,
          looks: r.color
            ? `${r.color[0]?.color ?? 'unknown'}, ${r.orientation?.[0]?.orientation ?? 'Unknown'}`
            : null,
        }
      : {
          text: r.plate?.props.plate[0]?.value ?? '',
          score: r.plate?.props.plate[0]?.score ?? 0,
          box: r.plate?.box,
          region: r.plate?.props.region[0]?.value ?? '',
          candidates: r.plate?.props.plate.map((p) => ({ plate: p.value, score: p.score })) ?? [],
          vehicle: r.vehicle ?? null,
          looks: null,
        },
  );
}

const rect = (b: Box, cls: string, key: string) => (
  <rect
    key={key}
    className={cls}
    x={b.xmin}
    y={b.ymin}
    width={b.xmax - b.xmin}
    height={b.ymax - b.ymin}
  />
);

/**
 * The plate's text on its box: just above it, or just below it when the photo has no room above;
 * sized to the photo so it reads the same at any zoom.
 */
const label = (b: Box, text: string, photoHeight: number, key: string) => {
  const size = Math.max(12, Math.round(photoHeight / 28));
  // The baseline far enough above the box that descenders stay clear of it.
  const above = b.ymin - size * 0.45;
  return (
    <text
      key={key}
      className="plate-label"
      data-testid="box-plate"
      x={b.xmin}
      y={above - size > 0 ? above : b.ymax + size}
      fontSize={size}
    >
      {text.toUpperCase()}
    </text>
  );
};

/** Try it: a plate-reader call, or (second tab) a redaction. */
export function TryIt() {
  const [tab, setTab] = useState<'read' | 'redact'>('read');
  return (
    <>
      <div className="tabs" role="tablist" aria-label="Try it">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'read'}
          onClick={() => setTab('read')}
        >
          Read plates
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'redact'}
          onClick={() => setTab('redact')}
        >
          Redact
        </button>
      </div>
      {tab === 'read' ? <TryRead /> : <TryRedact />}
    </>
  );
}

function TryRead() {
  const queries = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<{ url: string; w: number; h: number } | null>(null);
  const [settings, setSettings] = useState({
    regions: '',
    mode: 'regular',
    detection_mode: 'plate',
    mmc: false,
  });
  const [view, setView] = useState<'plates' | 'json'>('plates');
  const read = useMutation({
    mutationFn: (form: FormData) => api('/account/plate-reader', { method: 'post', form }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['overview'] }),
  });

  useEffect(() => {
    if (!file) return;
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => setPreview({ url, w: img.naturalWidth, h: img.naturalHeight });
    img.src = url;
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const regions = settings.regions.split(/[\s,]+/).filter(Boolean);
  const config = JSON.stringify({
    mode: settings.mode,
    ...(settings.detection_mode === 'vehicle' ? { detection_mode: 'vehicle' } : {}),
  });
  const curl = [
    `curl -F "upload=@${file?.name ?? 'car.jpg'}"`,
    ...regions.map((r) => `-F regions=${r}`),
    ...(settings.mmc ? ['-F mmc=true'] : []),
    `-F config='${config}'`,
    `-H "Authorization: Token $API_KEY"`,
    `${location.origin}/v1/plate-reader/`,
  ].join(' \\\n  ');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const form = new FormData();
    form.append('upload', file);
    regions.forEach((r) => form.append('regions', r));
    if (settings.mmc) form.append('mmc', 'true');
    form.append('config', config);
    read.mutate(form);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    if (e.dataTransfer.files[0]) setFile(e.dataTransfer.files[0]);
  };
  const found = read.data ? readings(read.data) : [];

  return (
    <div className="tryit">
      <form className="stack" onSubmit={submit}>
        <label className="drop" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
          Photo (choose or drop a file)
          <input
            type="file"
            name="upload"
            accept="image/*"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        <label>
          Regions (e.g. us-ca, br, mx)
          <input
            name="regions"
            value={settings.regions}
            onChange={(e) => setSettings({ ...settings, regions: e.target.value })}
          />
        </label>
        <label>
          Mode
          <select
            value={settings.mode}
            onChange={(e) => setSettings({ ...settings, mode: e.target.value })}
          >
            <option value="regular">regular</option>
            <option value="fast">fast</option>
          </select>
        </label>
        <label>
          Detection
          <select
            value={settings.detection_mode}
            onChange={(e) => setSettings({ ...settings, detection_mode: e.target.value })}
          >
            <option value="plate">plates</option>
            <option value="vehicle">vehicles</option>
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            role="switch"
            checked={settings.mmc}
            onChange={(e) => setSettings({ ...settings, mmc: e.target.checked })}
          />{' '}
          Make, model, colour (mmc)
        </label>
        <button type="submit" disabled={!file || read.isPending}>
          {read.isPending ? 'Reading…' : 'Read plates'}
        </button>
        <p className="hint">Counted against your quota like any other call.</p>
        <ErrorText error={read.error} />
      </form>
      <div className="result">
        {preview && (
          <figure className="photo">
            <img src={preview.url} alt="The uploaded photo" />
            <svg
              viewBox={`0 0 ${preview.w} ${preview.h}`}
              preserveAspectRatio="none"
              aria-hidden="true"
            >
              {found.flatMap((r, i) => [
                r.vehicle?.box && r.vehicle.box.xmax > 0
                  ? rect(r.vehicle.box, 'vehicle-box', `v${i}`)
                  : null,
                r.box ? rect(r.box, 'plate-box', `p${i}`) : null,
                r.box && r.text ? label(r.box, r.text, preview.h, `t${i}`) : null,
              ])}
            </svg>
          </figure>
        )}
        {read.data && (
          <section aria-live="polite">
            <h2>
              {found.length} plate{found.length === 1 ? '' : 's'} in{' '}
              {Math.round(read.data.processing_time)} ms
            </h2>
            <div className="tabs" role="tablist" aria-label="Answer">
              <button
                type="button"
                role="tab"
                aria-selected={view === 'plates'}
                onClick={() => setView('plates')}
              >
                Plates
              </button>
              <button
                type="button"
                role="tab"
                aria-selected={view === 'json'}
                onClick={() => setView('json')}
              >
                JSON
              </button>
            </div>
            {view === 'json' && (
              <pre className="json" data-testid="raw-json">
                {JSON.stringify(read.data, null, 2)}
              </pre>
            )}
            {view === 'plates' &&
              found.map((r, i) => (
                <dl key={i} className="reading">
                  <dt>Plate</dt>
                  <dd className="plate" data-testid="plate-text">
                    {r.text.toUpperCase()}
                  </dd>
                  <dt>Score</dt>
                  <dd>{r.score.toFixed(3)}</dd>
                  <dt>Region</dt>
                  <dd>{r.region || '—'}</dd>
                  <dt>Vehicle</dt>
                  <dd>{r.vehicle ? `${r.vehicle.type} (${r.vehicle.score.toFixed(2)})` : '—'}</dd>
                  {r.looks && (
                    <>
                      <dt>Colour, orientation</dt>
                      <dd data-testid="looks">{r.looks}</dd>
                    </>
                  )}
                  <dt>Candidates</dt>
                  <dd>{r.candidates.map((c) => `${c.plate} ${c.score.toFixed(2)}`).join(', ')}</dd>
                </dl>
              ))}
          </section>
        )}
        <h2>The same call with curl</h2>
        <pre data-testid="curl">{curl}</pre>
      </div>
    </div>
  );
}
