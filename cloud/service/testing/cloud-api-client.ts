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

export interface OrderView {
  readonly status: string;
  readonly timeline: readonly { status: string }[];
}

export async function orderOf(call: ApiCall, key: string, orderId: string): Promise<OrderView> {
  const answer = await call<OrderView>('GET', `/v1/orders/${orderId}`, key);
  if (answer.status !== 200) throw new Error(`GET order answered ${answer.status}`);
  return answer.body;
}

/** The tenant books a delivery; the answer carries the pickup code in clear. */
export async function bookDelivery(
  call: ApiCall,
  tenantKey: string,
  lockerId: string,
  barcode: string,
) {
  const created = await call<{ order: { id: string }; codes: { code: string }[] }>(
    'POST',
    '/v1/orders',
    tenantKey,
    { kind: 'delivery', lockerId, size: 'S', barcode },
  );
  if (created.status !== 201) throw new Error(`order not created: ${created.status}`);
  return { orderId: created.body.order.id, code: created.body.codes[0]?.code ?? 'none' };
}

/** The tenant adds a courier and reads today's locker code for it. */
export async function courierCode(call: ApiCall, tenantKey: string): Promise<string> {
  const courier = await call<{ id: string }>('POST', '/v1/couriers', tenantKey, { name: 'Ivan' });
  const daily = await call<{ code: string }>(
    'GET',
    `/v1/couriers/${courier.body.id}/daily-code`,
    tenantKey,
  );
  return daily.body.code;
}

export async function commandStatus(call: ApiCall, operatorKey: string, id: string) {
  return (await call<{ status: string }>('GET', `/v1/operator/commands/${id}`, operatorKey)).body
    .status;
}
