/** Where the two sandboxes listen, and the credentials they accept. */
export interface SandboxEndpoints {
  readonly incidentIo: { readonly baseUrl: string; readonly token: string };
  readonly port: { readonly baseUrl: string; readonly clientId: string; readonly clientSecret: string };
}

/**
 * The environment of Port's Docker example for its Incident.io integration (Ocean's variable names, its
 * cursor settings and global page size of 100), pointed at the sandboxes: how the demo, the tests and the
 * benchmark configure the product, exactly as a user's container would.
 */
export function buildSandboxEnv(endpoints: SandboxEndpoints, identifier: string): Record<string, string> {
  return {
    OCEAN__EVENT_LISTENER: '{"type":"ONCE"}',
    OCEAN__INITIALIZE_PORT_RESOURCES: "true",
    OCEAN__SEND_RAW_DATA_EXAMPLES: "true",
    OCEAN__INTEGRATION__IDENTIFIER: identifier,
    OCEAN__INTEGRATION__CONFIG__BASE_URL: endpoints.incidentIo.baseUrl,
    OCEAN__INTEGRATION__CONFIG__AUTH_TYPE: "bearer_token",
    OCEAN__INTEGRATION__SECRETS__TOKEN: endpoints.incidentIo.token,
    OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE: "cursor",
    OCEAN__INTEGRATION__CONFIG__PAGINATION_PARAM: "after",
    OCEAN__INTEGRATION__CONFIG__CURSOR_PATH: "pagination_meta.after",
    OCEAN__INTEGRATION__CONFIG__HAS_MORE_PATH: "pagination_meta.after",
    OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: "100",
    OCEAN__INTEGRATION__CONFIG__SIZE_PARAM: "page_size",
    OCEAN__PORT__CLIENT_ID: endpoints.port.clientId,
    OCEAN__PORT__CLIENT_SECRET: endpoints.port.clientSecret,
    OCEAN__PORT__BASE_URL: endpoints.port.baseUrl,
  };
}
