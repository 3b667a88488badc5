import type { Metadata } from "next";
import { getApiApp } from "@/lib/api";
import { Brand } from "../../components/brand";

export const metadata: Metadata = { title: "API reference" };

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: { type?: string; maximum?: number; default?: unknown } }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}
interface OpenApiDocument {
  info: { title: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const DISCOVERY_ENDPOINTS = [
  { method: "get", path: "/.well-known/jwks.json", summary: "Public signing keys (JWK set) for verifying access tokens offline." },
  { method: "get", path: "/.well-known/oauth-authorization-server", summary: "Authorization server metadata (RFC 8414)." },
  { method: "get", path: "/.well-known/oauth-protected-resource", summary: "Protected resource metadata of the API (RFC 9728), named by its 401 challenges." },
];

function authenticationText(security: unknown[] | undefined): string {
  const schemes = new Set((security ?? []).flatMap((requirement) => Object.keys(requirement as object)));
  if (schemes.has("bearerAuth")) return " — needs Authorization: Bearer (access token or PAT)";
  if (schemes.has("clientBasic")) return " — needs client authentication (HTTP Basic)";
  return "";
}

function schemaName(schema: unknown): string | null {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  return ref ? ref.split("/").at(-1)! : null;
}

export default async function ApiReferencePage() {
  const response = await getApiApp().request("/api/v1/openapi.json");
  const document = (await response.json()) as OpenApiDocument;
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
  return (
    <>
      <header className="site-header">
        <Brand />
        <a href="/api/v1/openapi.json">openapi.json</a>
      </header>
      <main className="page">
        <h1>{document.info.title}</h1>
        <p className="muted">{document.info.description}</p>
        <section className="stack">
          <h2>Discovery</h2>
          {DISCOVERY_ENDPOINTS.map((endpoint) => (
            <article key={endpoint.path} className="note">
              <h3><code>{endpoint.method.toUpperCase()} {endpoint.path}</code></h3>
              <p>{endpoint.summary}</p>
            </article>
          ))}
        </section>
        <section className="stack">
          <h2>Endpoints</h2>
          {operations.map(({ path, method, operation }) => {
            const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
            const bodyName = schemaName(bodySchema);
            return (
              <article key={`${method} ${path}`} className="note">
                <h3><code>{method.toUpperCase()} {path}</code></h3>
                <p>{operation.summary}{authenticationText(operation.security)}</p>
                {operation.description ? <p className="muted small">{operation.description}</p> : null}
                {operation.parameters?.length ? (
                  <p className="small">Parameters: {operation.parameters.map((p) => `${p.name} (${p.in}${p.required ? ", required" : ""})`).join(", ")}</p>
                ) : null}
                {bodySchema ? (
                  <details>
                    <summary className="small">Request body{bodyName ? `: ${bodyName}` : ""}</summary>
                    <pre className="small">{JSON.stringify(bodyName ? document.components?.schemas?.[bodyName] : bodySchema, null, 2)}</pre>
                  </details>
                ) : null}
                <p className="note-meta">
                  Responses: {Object.entries(operation.responses ?? {}).map(([status, r]) => `${status} ${r.description ?? ""}`).join(" · ")}
                </p>
              </article>
            );
          })}
        </section>
      </main>
    </>
  );
}
