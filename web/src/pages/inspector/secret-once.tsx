/** A webhook secret, shown the one time the server answers it, with a copy button. */
import { useState } from 'react';

export function SecretOnce({ secret, intro }: { secret: string; intro: string }) {
  const [copied, setCopied] = useState<string>();
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied.');
    } catch {
      // Clipboard access needs a secure context or permission; selecting the text is the fallback.
      setCopied('Could not copy here: select the text and copy it yourself.');
    }
  }
  return (
    <div className="secret-once notice">
      <p>{intro} It will not be shown again: keep it to verify the signatures.</p>
      <output aria-label="New secret" className="secret">
        {secret}
      </output>
      <button type="button" className="quiet" onClick={() => void copy()}>
        Copy secret
      </button>
      <span role="status">{copied}</span>
    </div>
  );
}
