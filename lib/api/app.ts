/**
 * The stateless REST API: one Hono app mounted at /api/v1. It authenticates only by
 * `Authorization: Bearer` and never reads a cookie. The BFF calls it in-process through `fetch`.
 */
import "server-only";
import { z } from "@hono/zod-openapi";
import { AppError } from "../shared/errors";
import { singleton } from "../singleton";
import { jsonBody } from "./middleware/json-body";
import { requireRouteMethod } from "./middleware/route-methods";
import { problemResponse, toAppError } from "./problems";
import { createRouter } from "./router";
import { activityRoutes } from "./routes/activity";
import { notesRoutes } from "./routes/notes";
import { sessionsRoutes } from "./routes/sessions";
import { tokensRoutes } from "./routes/tokens";
import { oauthRoutes, registerOAuthDocs } from "./routes/oauth";
import { meRoutes, usersRoutes } from "./routes/users";

export const API_BASE_PATH = "/api/v1";

function createApiApp() {
  const app = createRouter().basePath(API_BASE_PATH);
  // Set before the handler runs, so c.json/c.body build the response with it: after it, c.header()
  // copies the whole Response (~20 µs a request). Responses built without c (problemResponse, the
  // OAuth answers) carry no-store themselves.
  app.use("*", async (c, next) => {
    c.header("Cache-Control", "no-store");
    await next();
  });
  app.use("*", requireRouteMethod(() => app.routes));
  // The OAuth endpoints read form or JSON bodies themselves (RFC 6749); every other route takes JSON.
  app.route("/auth", oauthRoutes);
  app.use("*", jsonBody);
  app.route("/users", usersRoutes);
  app.route("/me", meRoutes);
  app.route("/notes", notesRoutes);
  app.route("/sessions", sessionsRoutes);
  app.route("/tokens", tokensRoutes);
  app.route("/activity", activityRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT access token (at+jwt) or personal access token (khp_…)",
  });
  app.openAPIRegistry.register(
    "Problem",
    z
      .object({
        type: z.string(),
        title: z.string(),
        status: z.number().int(),
        code: z.string(),
        detail: z.string().optional(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      })
      .openapi("Problem"),
  );
  registerOAuthDocs(app.openAPIRegistry);
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Keyhole API",
      version: "1.0.0",
      description:
        "Stateless JWT API. Get tokens from POST /api/v1/auth/token (client: the BFF, HTTP Basic); call everything else with Authorization: Bearer.",
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));

  app.notFound(() => problemResponse(new AppError("not_found")));
  app.onError((error) => problemResponse(toAppError(error)));
  return app;
}

export type ApiApp = ReturnType<typeof createApiApp>;

export function getApiApp(): ApiApp {
  return singleton("api", createApiApp);
}
