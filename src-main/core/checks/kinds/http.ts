import { z } from 'zod';
import { defineCheckKind } from '../types.js';
import { durationField } from '../../config/fields.js';

export const httpParamsShape = {
  url: z.string().url(),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  followRedirects: z.boolean().optional(),
  maxRedirects: z.number().int().min(0).max(20).optional(),
  ignoreTls: z.boolean().optional(),
  maxBodySize: z.union([z.string(), z.number()]).optional(),
  expect: z
    .strictObject({
      status: z.array(z.string()).optional(),
      keyword: z.string().optional(),
      keywordAbsent: z.string().optional(),
      maxLatency: durationField().optional(),
    })
    .optional(),
};

export const httpCheck = defineCheckKind({
  kind: 'http',
  title: 'HTTP(S)',
  paramsShape: httpParamsShape,
  describe: (p) => `${p.method ?? 'GET'} ${p.url}`,
  probe: async () => ({ status: 'down', latencyMs: null, message: 'not implemented yet' }),
});
