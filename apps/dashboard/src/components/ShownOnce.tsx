import { useState } from 'react';

/** A secret the server returns once: shown with a copy button and a warning. */
export function ShownOnce({
  label,
  value,
  testId,
}: {
  label: string;
  value: string;
  testId: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="once" role="status">
      <p>
        <strong>{label}</strong> — copy it now, it will not be shown again.
      </p>
      <code data-testid={testId}>{value}</code>
      <button
        type="button"
        onClick={async () => {
          await navigator.clipboard?.writeText(value);
          setCopied(true);
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}
