/** TEST SUPPORT — the cloud's HTTP API as a tenant, operator or admin would call it. */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

export function apiClient(base: () => string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    key?: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T };
  };
}

export type ApiCall = ReturnType<typeof apiClient>;

/** Admin creates an operator and a tenant, and the operator opens its lockers to the tenant. */
export async function createAccounts(call: ApiCall, adminKey: string) {
  const operator = await call<{ operatorId: string; apiKey: string }>(
    'POST',
    '/v1/admin/operators',
    adminKey,
    { name: 'E2E operator' },
  );
  const tenant = await call<{ tenantId: string; apiKey: string }>(
    'POST',
    '/v1/admin/tenants',
    adminKey,
    { name: 'E2E shop', kind: 'shop' },
  );
  if (operator.status !== 201 || tenant.status !== 201) {
    throw new Error(`accounts not created: ${operator.status} ${tenant.status}`);
  }
  const access = await call(
    'POST',
    `/v1/operator/tenants/${tenant.body.tenantId}/access`,
    operator.body.apiKey,
  );
  if (access.status !== 204) throw new Error(`access not granted: ${access.status}`);
  return { operatorKey: operator.body.apiKey, tenantKey: tenant.body.apiKey };
}
