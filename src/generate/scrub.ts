/** Remove anything that looks like a credential from a message before it is stored or printed. */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 6) out = out.split(s).join('***');
  return out
    .replace(/\b(sk|pk|rk|key)-[A-Za-z0-9_*-]{6,}/g, '$1-***')
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1***')
    .replace(/(api[-_]?key["'=:\s]+)[A-Za-z0-9._-]{8,}/gi, '$1***');
}
