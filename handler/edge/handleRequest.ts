import { commandMessages } from "../dooray/commandMessages.js";
import type { HttpResult } from "../types.js";
import { refused, type EdgeDeps } from "./edgeDeps.js";
import { readBody, type FunctionUrlEvent } from "./functionUrlEvent.js";
import { parseJsonBody, presentedToken } from "./parseCommand.js";
import { isDialogSubmission } from "./readInteraction.js";
import { routeOf } from "./routes.js";
import { verifyAppToken } from "./verifyAppToken.js";

/**
 * The front door for everything Dooray posts to the Function URL: the method, the size, JSON, then the app token
 * before anything else is read, so a caller without it learns nothing about the schema. Then the route of the
 * body's shape (routes.ts): a command's handler is loaded with the edge; a press's and a dialog's only when one
 * comes (docs/architecture.md, "Cold start").
 */
export async function handleRequest(event: FunctionUrlEvent, deps: EdgeDeps): Promise<HttpResult> {
  if (event.requestContext.http.method.toUpperCase() !== "POST") {
    return refused(deps, 405, commandMessages.edge.methodNotAllowed, `method ${event.requestContext.http.method}`);
  }
  const body = readBody(event);
  if (!body.ok) return refused(deps, 413, commandMessages.edge.tooLarge, "body over 64 KiB");
  const parsed = parseJsonBody(body.text);
  if (!parsed.ok) return refused(deps, 400, commandMessages.edge.malformed, parsed.reason);

  // A dialog submission may come without the token; its signed callbackId is then what vouches for it.
  const presented = presentedToken(parsed.fields);
  const submission = isDialogSubmission(parsed.fields);
  if (presented === undefined && !submission) return refused(deps, 401, commandMessages.edge.unauthorized, "appToken missing");
  let appToken: string | undefined;
  try {
    appToken = await deps.appToken();
  } catch (error) {
    // Without the token nothing can be verified; say so rather than let Dooray time out.
    deps.log("error", "request.secretUnavailable", { error });
    return { statusCode: 503, body: { text: commandMessages.secretUnavailable } };
  }
  if (!appToken || (presented !== undefined && !verifyAppToken(presented, appToken))) {
    return refused(deps, 401, commandMessages.edge.unauthorized, appToken ? "appToken mismatch" : "no appToken configured");
  }
  const request = { fields: parsed.fields, appToken, carriedAppToken: presented !== undefined, requestId: event.requestContext.requestId };
  const handler = await routeOf(parsed.fields).handler();
  return handler(request, deps);
}
