import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorText } from '../components/ErrorText';

/** Try it → Redact: the photo back with its plates and faces hidden, counted as a redaction. */
export function TryRedact() {
  const queries = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [hide, setHide] = useState({ plates: true, faces: true });
  const [method, setMethod] = useState('blur');
  const [strength, setStrength] = useState(6);
  const redact = useMutation({
    mutationFn: (form: FormData) => api('/account/redact', { method: 'post', form }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['overview'] }),
  });
  const targets = (['plates', 'faces'] as const).filter((t) => hide[t]);
  const curl = [
    `curl -F "upload=@${file?.name ?? 'car.jpg'}"`,
    `-F hide=${targets.join(',')}`,
    `-F method=${method}`,
    `-F strength=${strength}`,
    `-H "Authorization: Token $API_KEY"`,
    `-o redacted.jpg`,
    `${location.origin}/v1/redact/`,
  ].join(' \\\n  ');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file || targets.length === 0) return;
    const form = new FormData();
    form.append('upload', file);
    form.append('hide', targets.join(','));
    form.append('method', method);
    form.append('strength', String(strength));
    redact.mutate(form);
  };
  const result = redact.data;
  const src = result ? `data:${result.content_type};base64,${result.image}` : null;

  return (
    <div className="tryit">
      <form className="stack" onSubmit={submit}>
        <label className="drop">
          Photo to redact
          <input
            type="file"
            name="upload"
            accept="image/*"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        <fieldset>
          <legend>Hide</legend>
          {(['plates', 'faces'] as const).map((t) => (
            <label key={t} className="check">
              <input
                type="checkbox"
                checked={hide[t]}
                onChange={(e) => setHide({ ...hide, [t]: e.target.checked })}
              />
              {t}
            </label>
          ))}
        </fieldset>
        <label>
          Method
          <select value={method} onChange={(e) => setMethod(e.target.value)}>
            <option value="blur">blur</option>
            <option value="pixelate">pixelate</option>
            <option value="solid">solid</option>
          </select>
        </label>
        <label>
          Strength ({strength})
          <input
            type="range"
            min={1}
            max={10}
            value={strength}
            onChange={(e) => setStrength(Number(e.target.value))}
          />
        </label>
        <button type="submit" disabled={!file || targets.length === 0 || redact.isPending}>
          {redact.isPending ? 'Redacting…' : 'Redact'}
        </button>
        <p className="hint">Counted against your quota as a redaction.</p>
        <ErrorText error={redact.error} />
      </form>
      <div className="result">
        {result && src && (
          <section aria-live="polite">
            <h2 data-testid="redact-summary">
              {result.plates.length} plate area{result.plates.length === 1 ? '' : 's'} and{' '}
              {result.faces.length} face{result.faces.length === 1 ? '' : 's'} hidden in{' '}
              {Math.round(result.processing_time)} ms
            </h2>
            <figure className="photo">
              <img src={src} alt="The redacted photo" data-testid="redacted-image" />
            </figure>
            <a
              href={src}
              download={`redacted.${result.content_type === 'image/png' ? 'png' : 'jpg'}`}
            >
              Download the redacted photo
            </a>
          </section>
        )}
        <h2>The same call with curl</h2>
        <pre data-testid="redact-curl">{curl}</pre>
      </div>
    </div>
  );
}
