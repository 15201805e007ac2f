/** The server's own words when something is refused: its message, its stable code, and the fields it points at. */
import { BistroClientError } from 'bistro/client';

export function describeError(error: unknown): { message: string; code?: string } {
  if (error instanceof BistroClientError) {
    // The server's message already names the first field; list only the ones it does not.
    const fields = error.fields
      .filter((field) => !error.message.includes(field.detail))
      .map((field) => `${field.pointer}: ${field.detail}`)
      .join('; ');
    return { message: fields ? `${error.message} (${fields})` : error.message, code: error.code };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

export function ErrorNotice({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  if (error === undefined || error === null) return null;
  const { message, code } = describeError(error);
  return (
    <div className="notice error" role="alert">
      <span>{message}</span>
      {code && <code className="code">{code}</code>}
      {onDismiss && (
        <button type="button" className="quiet" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
