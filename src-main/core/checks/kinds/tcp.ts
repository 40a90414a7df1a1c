import { z } from 'zod';
import { defineCheckKind } from '../types.js';
import { durationField } from '../../config/fields.js';

export const tcpParamsShape = {
  host: z.string().trim().min(1),
  port: z.number().int().min(1).max(65535),
  expect: z.strictObject({ maxLatency: durationField().optional() }).optional(),
};

export const tcpCheck = defineCheckKind({
  kind: 'tcp',
  title: 'TCP port',
  paramsShape: tcpParamsShape,
  describe: (p) => `${p.host}:${p.port}`,
  probe: async () => ({ status: 'down', latencyMs: null, message: 'not implemented yet' }),
});
