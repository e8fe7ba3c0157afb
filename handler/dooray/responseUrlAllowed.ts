export type ResponseUrlCheck = { readonly ok: true } | { readonly ok: false; readonly status: 400 | 403; readonly reason: string };

/**
 * May we POST to this responseUrl? Only https (http only when allowed for local testing), no userinfo, and a
 * hostname matching one pattern: `*.dooray.com` matches any subdomain of dooray.com (not dooray.com itself, not
 * dooray.com.evil.io); any other pattern matches exactly. The hostname is the URL parser's normalised one, so IP
 * spellings such as 0x7f.1 become 127.0.0.1 before they are compared. Ports are not restricted.
 */
export function responseUrlAllowed(responseUrl: string, patterns: readonly string[], allowInsecure: boolean): ResponseUrlCheck {
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    return { ok: false, status: 400, reason: "responseUrl is not a URL" };
  }
  if (url.protocol !== "https:" && !(allowInsecure && url.protocol === "http:")) {
    return { ok: false, status: 403, reason: `responseUrl scheme ${url.protocol} not allowed` };
  }
  if (url.username !== "" || url.password !== "") return { ok: false, status: 403, reason: "responseUrl has userinfo" };
  const host = url.hostname.toLowerCase();
  if (host === "" || host.endsWith(".")) return { ok: false, status: 403, reason: "responseUrl host not allowed" };
  if (!patterns.some((pattern) => hostMatches(host, pattern))) {
    return { ok: false, status: 403, reason: "responseUrl host not allowed" };
  }
  return { ok: true };
}

export function hostMatches(host: string, pattern: string): boolean {
  if (pattern.startsWith("*.")) {
    const suffix = pattern.slice(1); // ".dooray.com"
    return host.length > suffix.length && host.endsWith(suffix);
  }
  return host === pattern;
}
