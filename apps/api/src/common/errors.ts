import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { Response } from 'express';
import { isInputError } from '@sigmap/contracts';

interface FieldProblem {
  field: string;
  problem: string;
}

/** Flattens class-validator errors into dotted field paths ('fidelity.events', 'searches.2'). */
function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const [rule, msg] of Object.entries(e.constraints ?? {}))
      out.push({
        field,
        problem:
          rule === 'whitelistValidation'
            ? 'unknown field (not part of the schema)'
            : msg.replace(new RegExp(`^${e.property.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `), ''),
      });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/** ValidationPipe's exceptionFactory: a 400 whose message names every offending field. */
export function validationException(errors: ValidationError[]): BadRequestException {
  const fields = flattenValidationErrors(errors);
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: fields.map((f) => `${f.field}: ${f.problem}`).join('; '),
    fields,
  });
}

/**
 * InputError (from the contracts' validators) -> 400 naming the field; body-parser errors (malformed JSON, oversized
 * body) -> 400 naming `body` (the API contract answers every rejected input with 400 and its field); other
 * HttpExceptions pass through; the rest is a 500.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('api');

  catch(e: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (isInputError(e)) {
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message: e.message, fields: [{ field: e.field, problem: e.problem }] });
      return;
    }
    if (e instanceof HttpException) {
      const body = e.getResponse();
      const msg = typeof body === 'object' && body ? (body as { message?: unknown }).message : body;
      // express' JSON body parser errors reach us as a plain 400 without a field
      if (e.getStatus() === 400 && typeof msg === 'string' && /JSON/.test(msg) && !(body as { fields?: unknown }).fields) {
        res
          .status(400)
          .json({ statusCode: 400, error: 'Bad Request', message: `body: not valid JSON (${msg})`, fields: [{ field: 'body', problem: 'not valid JSON' }] });
        return;
      }
      res.status(e.getStatus()).json(typeof body === 'string' ? { statusCode: e.getStatus(), message: body } : body);
      return;
    }
    const bp = e as { type?: string; status?: number; limit?: number; length?: number; message?: string };
    if (bp?.type === 'entity.too.large') {
      res.status(400).json({
        statusCode: 400,
        error: 'Bad Request',
        message: `body: ${bp.length} bytes exceeds the limit of ${bp.limit} bytes`,
        fields: [{ field: 'body', problem: `larger than ${bp.limit} bytes` }],
      });
      return;
    }
    if (bp?.type === 'entity.parse.failed') {
      res.status(400).json({
        statusCode: 400,
        error: 'Bad Request',
        message: `body: not valid JSON (${bp.message})`,
        fields: [{ field: 'body', problem: 'not valid JSON' }],
      });
      return;
    }
    // the detail goes to the log only: internal error text (SQL, stack overflows, paths) is not for callers
    this.logger.error((e as Error)?.stack ?? String(e));
    res.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error (logged by the server)' });
  }
}
