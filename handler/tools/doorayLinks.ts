/**
 * The web links a person clicks, in one place: Dooray documents none of them. Both forms are the ones Dooray's own
 * clients produce and parse (seen, not documented), so a change on Dooray's side is fixed here alone.
 * `tenantDomain` comes from the command: the host of its responseUrl (`acme.dooray.com`), which both functions
 * have already held to RESPONSE_URL_HOSTS.
 */
export function tenantDomainOf(responseUrl: string): string {
  return new URL(responseUrl).host;
}

export function taskLink(tenantDomain: string, projectId: string, taskId: string): string {
  return `https://${tenantDomain}/task/${projectId}/${taskId}`;
}

export function wikiPageLink(tenantDomain: string, pageId: string): string {
  return `https://${tenantDomain}/project/pages/${pageId}`;
}
