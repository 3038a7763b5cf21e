/** An error message announced to screen readers as it appears. */
export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}

export const formatDate = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
