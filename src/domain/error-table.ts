/** The error catalogue as the README's Markdown table: generated, so the documentation cannot drift. */
import { errorCatalogue, type ErrorCode } from './errors.ts';

export const errorTableStart = '<!-- error table: generated from src/domain/errors.ts by `npm run docs` -->';
export const errorTableEnd = '<!-- end of error table -->';

export function errorTableMarkdown(): string {
  const rows = (Object.keys(errorCatalogue) as ErrorCode[]).map((code) => `| \`${code}\` | ${errorCatalogue[code].status} | ${errorCatalogue[code].when} |`);
  return ['| code | HTTP | when |', '|---|---|---|', ...rows].join('\n');
}

/** `document` with the text between the markers replaced by the current table; throws if a marker is missing. */
export function withErrorTable(document: string): string {
  const start = document.indexOf(errorTableStart);
  const end = document.indexOf(errorTableEnd);
  if (start === -1 || end < start) throw new Error('the README lacks the error table markers');
  return `${document.slice(0, start + errorTableStart.length)}\n${errorTableMarkdown()}\n${document.slice(end)}`;
}
