import { hostMatches } from "../dooray/responseUrlAllowed.js";

/**
 * The web links a person clicks, in one place: Dooray documents none of them. Both forms are the ones Dooray's own
 * clients produce and parse (seen, not documented), so a change on Dooray's side is fixed here alone.
 * `tenantDomain` comes from the command: the host of its responseUrl (`acme.dooray.com`), which both functions
 * have already held to RESPONSE_URL_HOSTS.
 */
export function tenantDomainOf(responseUrl: string): string {
  return new URL(responseUrl).host;
}

/**
 * The domain links are built on: the command's tenant domain where it is a host RESPONSE_URL_HOSTS allows, else the
 * responseUrl's own host. The tenant domain arrives in the request as the caller gave it; a link must never point
 * wherever a request said.
 */
export function linkDomainOf(job: { readonly tenantDomain?: string | undefined; readonly responseUrl: string }, allowedHosts: readonly string[]): string {
  const given = job.tenantDomain?.toLowerCase();
  return given && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(given) && allowedHosts.some((pattern) => hostMatches(given, pattern))
    ? given
    : tenantDomainOf(job.responseUrl);
}

export function taskLink(tenantDomain: string, projectId: string, taskId: string): string {
  return `https://${tenantDomain}/task/${projectId}/${taskId}`;
}

/** A project's task list: the address the task form opens in, without a task (seen, not documented). */
export function projectLink(tenantDomain: string, projectId: string): string {
  return `https://${tenantDomain}/task/${projectId}`;
}

export function wikiPageLink(tenantDomain: string, pageId: string): string {
  return `https://${tenantDomain}/project/pages/${pageId}`;
}
