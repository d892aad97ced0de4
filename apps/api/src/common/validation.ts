import { ValidationPipe } from '@nestjs/common';
import { validationException } from './errors';

/** The global DTO validation: unknown fields refused, values transformed, every offending field named in a 400. */
export function globalValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: validationException,
  });
}
