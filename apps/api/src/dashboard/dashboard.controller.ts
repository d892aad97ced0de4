import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

const STATIC = join(__dirname, '..', '..', 'static');
const read = (f: string) => readFileSync(join(STATIC, f), 'utf8');

/** The dashboard: one static page and its script (no front-end build), reading the JSON endpoints. */
@ApiExcludeController()
@Controller()
export class DashboardController {
  private readonly html = read('index.html');
  private readonly js = read('dashboard.js');

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  index(): string {
    return this.html;
  }

  @Get('dashboard.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  script(): string {
    return this.js;
  }

  @Get('healthz')
  @Header('content-type', 'application/json')
  health(): string {
    return '{"ok":true}';
  }
}
