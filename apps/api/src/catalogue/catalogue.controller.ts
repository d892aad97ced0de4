import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Group, RequireGroup } from '../common/auth';
import { CatalogueService } from './catalogue.service';
import { RegisterSearchDto } from './dto/register-search.dto';

@ApiTags('catalogue')
@Controller('api/catalogue')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @ApiOperation({ summary: 'Catalogued searches: id, experiment, sqrt(s), luminosity, signature cells, families, material kind, version, sha.' })
  list() {
    return { ...this.catalogue.describe(), searches: this.catalogue.list() };
  }

  @Post()
  @RequireGroup()
  @ApiSecurity('api-key')
  @ApiBody({ type: RegisterSearchDto })
  @ApiOperation({ summary: 'Register a search (coverage-level record: signatures and families; no material).' })
  register(@Group() group: string, @Body() dto: RegisterSearchDto) {
    return this.catalogue.register(group, dto);
  }
}
